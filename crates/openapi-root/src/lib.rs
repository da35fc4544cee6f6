//! An OpenAPI 3.0 spec as the root document of a JSON Schema draft-4 validator.
//!
//! xtask (checking examples and fixtures) and the emulator (checking requests and answers)
//! validate values against schemas inside the specs; both need the same root: what `$ref`s
//! can reach (`components`, and `paths` for inline schemas), with OpenAPI's `nullable: true`
//! said in draft 4's words. One crate, so the two cannot drift apart.

use serde_json::{Map, Value, json};

/// What schemas can refer to (`components`, `paths`), nullable schemas made draft 4.
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
    root
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
}
