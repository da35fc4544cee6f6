//! Validating JSON values (examples, fixtures) against a schema inside a spec.
//!
//! OpenAPI 3.0 schemas are close to JSON Schema draft 4: we validate with the `jsonschema`
//! crate in draft-4 mode, using the whole spec as the root document so that local `$ref`s
//! (`#/components/schemas/...`) resolve. OpenAPI-only keywords (`nullable`, `example`,
//! `x-...`) are ignored by the validator; the specs do not use `nullable`.
//!
//! The root document is indexed once per spec ([`SpecSchemas`]): each schema under test then
//! costs only its own compilation, so checking every example of a spec is linear in its size
//! (building a root per example made the lint quadratic).

use jsonschema::Registry;
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

/// What schemas can refer to: `components`, and `paths` for inline schemas.
pub fn root_document(doc: &Value) -> Value {
    let mut root = Map::new();
    if let Some(obj) = doc.as_object() {
        for (key, value) in obj {
            if key == "components" || key == "paths" {
                root.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(root)
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

/// Percent-encodes a JSON pointer for use as a URI fragment (`{` and `}` are not allowed there).
fn fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for byte in pointer.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
