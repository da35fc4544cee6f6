//! Validating JSON values (examples, fixtures) against a schema inside a spec.
//!
//! OpenAPI 3.0 schemas are close to JSON Schema draft 4: we validate with the `jsonschema`
//! crate in draft-4 mode, using the whole spec as the root document so that local `$ref`s
//! (`#/components/schemas/...`) resolve. OpenAPI-only keywords (`nullable`, `example`,
//! `x-...`) are ignored by the validator; the specs do not use `nullable`.

use serde_json::{Map, Value, json};

/// Validates `instance` against the schema found at `schema_pointer` in `doc`.
///
/// Returns one line per violation: the place in the instance and the schema rule it breaks.
/// Instance values are masked, so a secret in an example never reaches a message.
pub fn validate(doc: &Value, schema_pointer: &str, instance: &Value) -> Result<(), Vec<String>> {
    let validator = build(doc, schema_pointer).map_err(|e| vec![e])?;
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

/// Builds a validator whose root is the spec with a `$ref` to the schema under test.
pub fn build(doc: &Value, schema_pointer: &str) -> Result<jsonschema::Validator, String> {
    let mut root = Map::new();
    if let Some(obj) = doc.as_object() {
        for (key, value) in obj {
            // Keep only what schemas can refer to; `paths` is needed for inline schemas.
            if key == "components" || key == "paths" {
                root.insert(key.clone(), value.clone());
            }
        }
    }
    root.insert(
        "$ref".into(),
        json!(format!("#{}", fragment(schema_pointer))),
    );
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .map_err(|e| format!("the schema at {schema_pointer} is not usable: {e}"))
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
