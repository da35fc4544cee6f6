//! Values made up from a schema: the answer of an operation that has no behaviour of its own,
//! and the required properties an answer would otherwise lack. Examples and defaults first,
//! then the first enum value, then the smallest value of the type.

use serde_json::{Map, Value, json};

use crate::clock::{iso_millis, now_millis};
use crate::spec::{object_properties, resolve};

/// Deeper schemas are answered with `null`-free minimal values.
const MAX_DEPTH: usize = 16;

/// A value that fits `schema` (as far as a schema without patterns can be fitted).
pub(crate) fn value(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if let Some(v) = schema.get("example").or_else(|| schema.get("default")) {
        return v.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(combinator)
            .and_then(Value::as_array)
            .and_then(|p| p.first())
        {
            return value(doc, first, depth + 1);
        }
    }
    let kind = schema.get("type").and_then(Value::as_str).unwrap_or(
        if schema.get("properties").is_some() || schema.get("allOf").is_some() {
            "object"
        } else {
            "string"
        },
    );
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    match kind {
        "object" => {
            let mut out = Value::Object(Map::new());
            if depth < MAX_DEPTH {
                fill_required(doc, schema, &mut out, depth + 1);
            }
            out
        }
        "array" => {
            let n = schema
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(4);
            let items = schema.get("items").filter(|_| depth < MAX_DEPTH);
            Value::Array(
                (0..n)
                    .filter_map(|_| items.map(|i| value(doc, i, depth + 1)))
                    .collect(),
            )
        }
        "integer" => {
            let least = number("minimum")
                .unwrap_or_else(|| number("maximum").map_or(0.0, |max| max.min(0.0)));
            json!(least.ceil() as i64)
        }
        "number" => json!(number("minimum").unwrap_or(0.0)),
        "boolean" => json!(false),
        _ => {
            let text = match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => iso_millis(now_millis()),
                Some("uuid") => uuid::Uuid::new_v4().to_string(),
                Some("ipv4") => "192.0.2.1".into(),
                Some("ipv6") => "2001:db8::1".into(),
                _ => String::new(),
            };
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            if text.len() < min {
                json!("x".repeat(min.min(256)))
            } else {
                json!(text)
            }
        }
    }
}

/// The `required` names of a schema and its `allOf` parts.
fn required<'a>(doc: &'a Value, schema: &'a Value, depth: usize) -> Vec<&'a str> {
    let schema = resolve(doc, schema);
    let mut names: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if depth < MAX_DEPTH
        && let Some(parts) = schema.get("allOf").and_then(Value::as_array)
    {
        for part in parts {
            names.extend(required(doc, part, depth + 1));
        }
    }
    names
}

/// Adds the required properties `value` lacks, here and in nested objects and arrays.
pub(crate) fn fill_required(doc: &Value, schema: &Value, value: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(doc, schema);
    match value {
        Value::Object(map) => {
            let props = object_properties(doc, schema, 0).unwrap_or_default();
            for name in required(doc, schema, 0) {
                if !map.contains_key(name)
                    && let Some((_, s)) = props.iter().find(|(n, _)| n.as_str() == name)
                {
                    map.insert(name.to_string(), self::value(doc, s, depth + 1));
                }
            }
            for (key, child) in map.iter_mut() {
                if let Some((_, s)) = props.iter().find(|(n, _)| *n == key) {
                    fill_required(doc, s, child, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    fill_required(doc, item_schema, item, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fit_their_schemas() {
        let doc = json!({"components": {"schemas": {"Thing": {
            "type": "object",
            "required": ["id", "count", "kind", "tags"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "count": {"type": "integer", "minimum": 1},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "note": {"type": "string"},
            },
        }}}});
        let thing = value(&doc, &json!({"$ref": "#/components/schemas/Thing"}), 0);
        assert_eq!(thing["count"], 1);
        assert_eq!(thing["kind"], "a");
        assert_eq!(thing["tags"], json!([]));
        assert!(thing.get("note").is_none());
        assert_eq!(thing["id"].as_str().unwrap().len(), 36);
    }
}
