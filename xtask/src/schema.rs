//! Validating JSON values (examples, fixtures) against a schema inside a spec.
//!
//! OpenAPI 3.0 schemas are close to JSON Schema draft 4: we validate with the `jsonschema`
//! crate in draft-4 mode, using the whole spec as the root document so that local `$ref`s
//! (`#/components/schemas/...`) resolve. `nullable: true` becomes draft 4's `null` in `type`
//! (the legacy spec's VPN service has nullable fields); other OpenAPI-only keywords
//! (`example`, `x-...`) are ignored by the validator.
//!
//! The root document is indexed once per spec ([`SpecSchemas`]): each schema under test then
//! costs only its own compilation, so checking every example of a spec is linear in its size
//! (building a root per example made the lint quadratic).

use jsonschema::Registry;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value, json};

/// The URI the spec's root document is registered under (the crate's default base URI, so
/// that messages naming a URI read as they would for a validator built on the root itself).
const ROOT_URI: &str = "json-schema:///";
/// The base URI of the one-line schema that points into the root (anything but [`ROOT_URI`]).
const PROBE_URI: &str = "json-schema:///xtask-probe";

/// Validates `instance` against the schema found at `schema_pointer` in `doc`.
///
/// Returns one line per violation: the place in the instance and the schema rule it breaks.
/// Instance values are masked, so a secret in an example never reaches a message.
/// To check many values against one spec, build a [`SpecSchemas`] once instead.
pub fn validate(doc: &Value, schema_pointer: &str, instance: &Value) -> Result<(), Vec<String>> {
    let root = root_document(doc);
    SpecSchemas::new(&root).validate(schema_pointer, instance)
}

/// What schemas can refer to: `components`, and `paths` for inline schemas (see
/// [`openapi_root::root_document`], which the emulator shares).
pub fn root_document(doc: &Value) -> Value {
    openapi_root::root_document(doc)
}

/// The schemas of one spec, indexed once, to validate any number of values against.
pub struct SpecSchemas<'a> {
    root: &'a Value,
    /// `None` when the root document cannot be indexed (an unreachable `$ref`, say); then each
    /// schema is built on its own root so that the error reads as it always did.
    registry: Option<Registry<'a>>,
}

impl<'a> SpecSchemas<'a> {
    /// Indexes `root` (see [`root_document`]).
    pub fn new(root: &'a Value) -> Self {
        let registry = Registry::new()
            .draft(jsonschema::Draft::Draft4)
            .add(ROOT_URI, root)
            .and_then(|builder| builder.prepare())
            .ok();
        SpecSchemas { root, registry }
    }

    /// Validates `instance` against the schema at `schema_pointer`; see [`validate`].
    pub fn validate(&self, schema_pointer: &str, instance: &Value) -> Result<(), Vec<String>> {
        let validator = self.build(schema_pointer).map_err(|e| vec![e])?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() { "/".to_string() } else { at };
                format!("at {at}: {} (rule {})", e.masked(), e.schema_path())
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Validates each `(schema pointer, value)` pair, with the same result as [`Self::validate`]
    /// for each, but with one validator for all of them: a schema that many values reach
    /// through `$ref`s (and its patterns) is compiled once, not once per value.
    pub fn validate_many(&self, checks: &[(&str, &Value)]) -> Vec<Result<(), Vec<String>>> {
        self.validate_together(checks).unwrap_or_else(|| {
            checks
                .iter()
                .map(|(pointer, value)| self.validate(pointer, value))
                .collect()
        })
    }

    /// The values as the properties `"0"`, `"1"`, ... of one object, validated against an
    /// object schema whose properties are `$ref`s to their schemas; errors are sorted back by
    /// the first step of their instance path. `None` when that cannot be done (a schema that
    /// does not build, say): then each value is validated on its own.
    fn validate_together(&self, checks: &[(&str, &Value)]) -> Option<Vec<Result<(), Vec<String>>>> {
        let registry = self.registry.as_ref()?;
        let mut properties = Map::new();
        let mut instance = Map::new();
        for (i, (pointer, value)) in checks.iter().enumerate() {
            let target = format!("{ROOT_URI}#{}", fragment(pointer));
            properties.insert(i.to_string(), json!({ "$ref": target }));
            instance.insert(i.to_string(), (*value).clone());
        }
        let validator = jsonschema::draft4::options()
            .should_validate_formats(true)
            .with_registry(registry)
            .with_base_uri(PROBE_URI)
            .build(&json!({ "properties": properties }))
            .ok()?;
        let instance = Value::Object(instance);
        let mut errors: Vec<Vec<String>> = vec![Vec::new(); checks.len()];
        for e in validator.iter_errors(&instance) {
            let path = e.instance_path().to_string();
            let rest = path.strip_prefix('/')?;
            let (index, at) = match rest.split_once('/') {
                Some((index, at)) => (index, format!("/{at}")),
                None => (rest, "/".to_string()),
            };
            let slot = errors.get_mut(index.parse::<usize>().ok()?)?;
            slot.push(format!(
                "at {at}: {} (rule {})",
                e.masked(),
                e.schema_path()
            ));
        }
        Some(
            errors
                .into_iter()
                .map(|e| if e.is_empty() { Ok(()) } else { Err(e) })
                .collect(),
        )
    }

    /// A validator for the schema at `schema_pointer`: a `$ref` to it, resolved in the root.
    pub fn build(&self, schema_pointer: &str) -> Result<jsonschema::Validator, String> {
        let fragment = fragment(schema_pointer);
        let built = match &self.registry {
            Some(registry) => jsonschema::draft4::options()
                .should_validate_formats(true)
                .with_registry(registry)
                .with_base_uri(PROBE_URI)
                .build(&json!({ "$ref": format!("{ROOT_URI}#{fragment}") })),
            None => {
                let mut root = self.root.as_object().cloned().unwrap_or_default();
                root.insert("$ref".into(), json!(format!("#{fragment}")));
                jsonschema::draft4::options()
                    .should_validate_formats(true)
                    .build(&Value::Object(root))
            }
        };
        built.map_err(|e| format!("the schema at {schema_pointer} is not usable: {e}"))
    }
}

/// What a JSON pointer keeps unencoded in a URI fragment: unreserved characters and `/`
/// (`{` and `}` of path templates, for one, are not allowed there).
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a JSON pointer for use as a URI fragment.
fn fragment(pointer: &str) -> String {
    utf8_percent_encode(pointer, FRAGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_uri_fragments() {
        assert_eq!(
            fragment("/paths/~1v5~1{project_id}~1vpn-connection/get"),
            "/paths/~1v5~1%7Bproject_id%7D~1vpn-connection/get"
        );
        assert_eq!(fragment("/a b/é"), "/a%20b/%C3%A9");
    }

    #[test]
    fn nullable_fields_take_null_and_nothing_else_new() {
        let doc = json!({"components": {"schemas": {"Service": {"type": "object", "properties": {
            "subnet_id": {"type": "string", "nullable": true},
            "mode": {"type": "string", "enum": ["a"], "nullable": true},
            "name": {"type": "string"}
        }}}}});
        let at = "/components/schemas/Service";
        assert!(validate(&doc, at, &json!({"subnet_id": null, "mode": null})).is_ok());
        assert!(validate(&doc, at, &json!({"subnet_id": "s", "mode": "a"})).is_ok());
        assert!(validate(&doc, at, &json!({"subnet_id": 1})).is_err());
        assert!(validate(&doc, at, &json!({"mode": "b"})).is_err());
        assert!(validate(&doc, at, &json!({"name": null})).is_err());
    }

    fn spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {"/a/{id}": {"get": {"parameters": [
                {"name": "id", "in": "path", "schema": {"type": "string", "maxLength": 3}}
            ]}}},
            "components": {"schemas": {
                "Tag": {"type": "object", "required": ["key"], "properties": {
                    "key": {"$ref": "#/components/schemas/Key"},
                    "secret": {"type": "string", "maxLength": 2}
                }},
                "Key": {"type": "string", "pattern": "^[a-z]+$"},
                "Broken": {"$ref": "#/components/schemas/Missing"}
            }}
        })
    }

    #[test]
    fn one_index_serves_every_schema() {
        let root = root_document(&spec());
        let schemas = SpecSchemas::new(&root);
        assert!(
            schemas.registry.is_some(),
            "a missing target must not spoil the index"
        );
        assert_eq!(
            schemas.validate("/components/schemas/Tag", &json!({"key": "abc"})),
            Ok(())
        );
        let errors = schemas
            .validate(
                "/components/schemas/Tag",
                &json!({"key": "ABC", "secret": "hunter2"}),
            )
            .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors
                .iter()
                .any(|e| e.contains("at /key") && e.contains("/components/schemas/Key/pattern")),
            "{errors:?}"
        );
        assert!(
            errors.iter().all(|e| !e.contains("hunter2")),
            "values are masked: {errors:?}"
        );
        let inline = "/paths/~1a~1{id}/get/parameters/0/schema";
        assert_eq!(schemas.validate(inline, &json!("abc")), Ok(()));
        assert!(schemas.validate(inline, &json!("abcd")).is_err());
        let broken = schemas
            .validate("/components/schemas/Broken", &json!(1))
            .unwrap_err();
        assert!(broken[0].contains("is not usable"), "{broken:?}");
    }

    #[test]
    fn the_one_off_function_agrees_with_the_index() {
        let doc = spec();
        let root = root_document(&doc);
        let schemas = SpecSchemas::new(&root);
        for (pointer, value) in [
            ("/components/schemas/Tag", json!({"secret": 5})),
            ("/components/schemas/Key", json!("a1")),
            ("/components/schemas/Broken", json!(null)),
        ] {
            let fallback = SpecSchemas {
                root: &root,
                registry: None,
            };
            assert_eq!(
                validate(&doc, pointer, &value),
                schemas.validate(pointer, &value)
            );
            assert_eq!(
                fallback.validate(pointer, &value),
                schemas.validate(pointer, &value)
            );
        }
    }

    #[test]
    fn validating_together_gives_each_value_its_own_result() {
        let root = root_document(&spec());
        let schemas = SpecSchemas::new(&root);
        let tag = "/components/schemas/Tag";
        let values = [
            json!({"key": "abc"}),
            json!({"key": "ABC", "secret": "hunter2"}),
            json!({"secret": 5}),
            json!("not an object"),
        ];
        let checks: Vec<(&str, &Value)> = values.iter().map(|v| (tag, v)).collect();
        let together = schemas
            .validate_together(&checks)
            .expect("one validator builds");
        let alone: Vec<_> = values.iter().map(|v| schemas.validate(tag, v)).collect();
        assert_eq!(together, alone);
        assert!(together[0].is_ok() && together[1].is_err() && together[3].is_err());
        assert!(
            together[3].as_ref().unwrap_err()[0].starts_with("at /: "),
            "a value's own root reads `/`: {together:?}"
        );
        // One unusable schema among them: every value is checked on its own.
        let broken = "/components/schemas/Broken";
        let checks = [(tag, &values[1]), (broken, &values[0])];
        assert!(schemas.validate_together(&checks).is_none());
        let many = schemas.validate_many(&checks);
        assert_eq!(many[0], schemas.validate(tag, &values[1]));
        assert!(many[1].as_ref().unwrap_err()[0].contains("is not usable"));
    }
}
