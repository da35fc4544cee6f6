//! An OpenAPI 3.0 spec as the root document of a JSON Schema draft-4 validator.
//!
//! xtask (checking examples and fixtures) and the emulator (checking requests and answers)
//! validate values against schemas inside the specs; both need the same root: what `$ref`s
//! can reach (`components`, and `paths` for inline schemas), with OpenAPI's `nullable: true`
//! and integer formats (`int32`, `int64`) said in draft 4's words. One crate, so the two
//! cannot drift apart.

use serde_json::{Map, Value, json};

/// What schemas can refer to (`components`, `paths`), nullable schemas and integer formats
/// made draft 4.
pub fn root_document(doc: &Value) -> Value {
    let mut root = Map::new();
    if let Some(obj) = doc.as_object() {
        for (key, value) in obj {
            if key == "components" || key == "paths" {
                root.insert(key.clone(), value.clone());
            }
        }
    }
    let mut root = Value::Object(root);
    nullable_as_draft4(&mut root);
    integer_formats_as_bounds(&mut root);
    root
}

/// OpenAPI's `format: int32` / `int64` on an integer as draft 4 bounds (`minimum`, `maximum`
/// where the schema has none or a wider one): draft 4 treats `format` as an annotation, so
/// without this 2147483648 passes as an `int32`.
fn integer_formats_as_bounds(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let integer = map.get("type").is_some_and(|t| {
                t == "integer"
                    || t.as_array()
                        .is_some_and(|a| a.iter().any(|k| k == "integer"))
            });
            let bounds = match map.get("format").and_then(Value::as_str) {
                Some("int32") if integer => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                Some("int64") if integer => Some((i64::MIN, i64::MAX)),
                _ => None,
            };
            if let Some((low, high)) = bounds {
                let given = |key: &str| map.get(key).and_then(Value::as_f64);
                let keep_minimum = given("minimum").is_some_and(|m| m >= low as f64);
                let keep_maximum = given("maximum").is_some_and(|m| m <= high as f64);
                if !keep_minimum {
                    map.insert("minimum".into(), json!(low));
                }
                if !keep_maximum {
                    map.insert("maximum".into(), json!(high));
                }
            }
            map.values_mut().for_each(integer_formats_as_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(integer_formats_as_bounds),
        _ => {}
    }
}

/// OpenAPI 3.0's `nullable: true` in draft 4's words: `null` added to the schema's `type` (and
/// to its `enum`), everywhere in `value`. Without it a draft-4 validator refuses the nulls a
/// nullable field may hold.
fn nullable_as_draft4(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(kind)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([kind, "null"]));
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            map.values_mut().for_each(nullable_as_draft4);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_as_draft4),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_refs_reach_with_nullable_types_widened() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t"},
            "paths": {"/a": {}},
            "components": {"schemas": {
                "S": {"type": "string", "nullable": true},
                "E": {"type": "string", "enum": ["a"], "nullable": true},
                "N": {"type": "string", "nullable": false}
            }}
        });
        let root = root_document(&doc);
        assert_eq!(root.as_object().unwrap().len(), 2);
        let schemas = &root["components"]["schemas"];
        assert_eq!(schemas["S"]["type"], json!(["string", "null"]));
        assert_eq!(schemas["E"]["enum"], json!(["a", null]));
        assert_eq!(schemas["N"]["type"], "string");
    }

    #[test]
    fn integer_formats_bound_what_they_do_not_bound_already() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "integer", "format": "int32"},
            "B": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 200},
            "C": {"type": "integer", "format": "int64"},
            "D": {"type": "string", "format": "int32"}
        }}});
        let root = root_document(&doc);
        let schemas = &root["components"]["schemas"];
        assert_eq!(schemas["A"]["minimum"], json!(-2147483648_i64));
        assert_eq!(schemas["A"]["maximum"], json!(2147483647));
        assert_eq!(schemas["B"]["minimum"], json!(0));
        assert_eq!(schemas["B"]["maximum"], json!(200));
        assert_eq!(schemas["C"]["maximum"], json!(i64::MAX));
        assert!(schemas["D"].get("maximum").is_none());
    }
}
