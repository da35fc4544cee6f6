//! What the generator feeds progenitor: the spec, adjusted for generation.
//!
//! The spec on disk stays the truth about the wire. For generation it is adjusted in memory:
//!
//! * **Base path.** With `x-client-base-path: /v5/{project_id}`, that prefix is stripped from
//!   every path and its parameters are dropped from every operation: the client carries the
//!   project id in its base URL, given once when the client is built.
//! * **Defaults are the server's.** `default` is removed from every schema, so an unset field
//!   stays `None` and is not sent (typify would otherwise make it non-optional and always send
//!   it, which on an update would overwrite the server's value).
//! * **Tolerant responses.** Every schema reachable from a response loses its value constraints
//!   (lengths, patterns, ranges, item counts, string formats, enums on non-strings,
//!   `additionalProperties: false`): a server
//!   value outside the documented limits is data, not a failed call. Its string enums are
//!   marked [`OPEN_ENUM_MARKER`] and become open enums. Request-only schemas keep every
//!   constraint, so bad input is caught before it is sent.
//! * **Integer limits.** Request-side integer properties with `minimum`/`maximum` are marked
//!   [`RANGE_MARKER`]; the post-processing pass types them `crate::Bounded<MIN, MAX>`.
//! * **Secrets.** Properties with `x-secret: true` are marked [`SECRET_MARKER`] so that the
//!   post-processing pass can keep them out of `Debug` output.
//!
//! Markers travel through typify as text appended to descriptions (which become doc comments)
//! and are removed again by [`crate::postprocess`], which fails if any is left behind.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::spec::{self, METHODS, operations};

/// Appended to the description of an enum that must tolerate unknown values.
pub const OPEN_ENUM_MARKER: &str = "[[xtask:open-enum]]";
/// Appended to the description of a secret property.
pub const SECRET_MARKER: &str = "[[xtask:secret]]";
/// Starts the marker of a request-side integer property with documented limits:
/// `[[xtask:range:MIN:MAX]]`, inclusive (typify checks no integer ranges itself).
pub const RANGE_MARKER: &str = "[[xtask:range:";

/// The inclusive range of an integer schema with `minimum`/`maximum`, if it has any.
pub fn integer_range(schema: &Value) -> Option<(i64, i64)> {
    if schema.get("type").and_then(Value::as_str) != Some("integer") {
        return None;
    }
    let exclusive = |key| schema.get(key).and_then(Value::as_bool).unwrap_or(false);
    let bound = |key| schema.get(key).and_then(Value::as_f64);
    let min = bound("minimum").map(|m| {
        if exclusive("exclusiveMinimum") {
            m.floor() as i64 + 1
        } else {
            m.ceil() as i64
        }
    });
    let max = bound("maximum").map(|m| {
        if exclusive("exclusiveMaximum") {
            m.ceil() as i64 - 1
        } else {
            m.floor() as i64
        }
    });
    if min.is_none() && max.is_none() {
        return None;
    }
    Some((min.unwrap_or(i64::MIN), max.unwrap_or(i64::MAX)))
}

/// Value constraints dropped from response-reachable schemas.
const CONSTRAINTS: [&str; 12] = [
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "maxProperties",
];

/// Produces the document handed to progenitor.
pub fn for_generation(doc: &Value) -> Value {
    let mut out = doc.clone();
    strip_base_path(&mut out);
    let reachable = response_reachable(&out);
    if let Some(schemas) = out
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            walk_schema(schema, reachable.contains(name));
        }
    }
    // Inline schemas in operations (parameters, bodies, responses).
    if let Some(paths) = out.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for p in params {
                        if let Some(s) = p.get_mut("schema") {
                            walk_schema(s, false);
                        }
                    }
                }
                if let Some(content) = op
                    .pointer_mut("/requestBody/content")
                    .and_then(Value::as_object_mut)
                {
                    for media in content.values_mut() {
                        if let Some(s) = media.get_mut("schema") {
                            walk_schema(s, false);
                        }
                    }
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for response in responses.values_mut() {
                        if let Some(content) =
                            response.get_mut("content").and_then(Value::as_object_mut)
                        {
                            for media in content.values_mut() {
                                if let Some(s) = media.get_mut("schema") {
                                    walk_schema(s, true);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    if let Some(params) = out
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for p in params.values_mut() {
            if let Some(s) = p.get_mut("schema") {
                walk_schema(s, false);
            }
        }
    }
    out
}

/// The names of the base path's parameters, e.g. `["project_id"]`.
pub fn base_path_params(doc: &Value) -> Vec<String> {
    let Some(base) = doc.get("x-client-base-path").and_then(Value::as_str) else {
        return Vec::new();
    };
    base.split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .map(str::to_string)
        .collect()
}

fn strip_base_path(doc: &mut Value) {
    let Some(base) = doc
        .get("x-client-base-path")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return;
    };
    let hoisted = base_path_params(doc);
    let resolved = doc.clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let old = std::mem::take(paths);
    for (path, mut item) in old {
        let new_path = match path.strip_prefix(base.as_str()) {
            Some("") => "/".to_string(),
            Some(rest) => rest.to_string(),
            None => path.clone(),
        };
        let keep = |p: &Value| {
            let target = spec::deref(&resolved, p, "").map(|(t, _)| t);
            let name = target.and_then(|t| t.get("name")).and_then(Value::as_str);
            let in_path = target.and_then(|t| t.get("in")).and_then(Value::as_str) == Some("path");
            !(in_path && name.is_some_and(|n| hoisted.iter().any(|h| h == n)))
        };
        if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
            params.retain(keep);
        }
        for method in METHODS {
            if let Some(params) = item.get_mut(method).and_then(|op| op.get_mut("parameters"))
                && let Some(params) = params.as_array_mut()
            {
                params.retain(keep);
            }
        }
        paths.insert(new_path, item);
    }
}

/// Component schemas reachable from any response body, following `$ref`s transitively.
pub fn response_reachable(doc: &Value) -> BTreeSet<String> {
    let mut roots: Vec<&Value> = Vec::new();
    for operation in operations(doc) {
        let Some(responses) = operation.op.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for response in responses.values() {
            roots.extend(content_schemas(doc, response));
        }
    }
    reachable_from(doc, roots)
}

/// The schemas of a response's or request body's media types (through a `$ref`).
fn content_schemas<'a>(doc: &'a Value, holder: &'a Value) -> Vec<&'a Value> {
    let Some((holder, _)) = spec::deref(doc, holder, "") else {
        return Vec::new();
    };
    let content = holder.get("content").and_then(Value::as_object);
    content
        .into_iter()
        .flat_map(|c| c.values())
        .filter_map(|m| m.get("schema"))
        .collect()
}

fn reachable_from<'a>(doc: &'a Value, mut stack: Vec<&'a Value>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str)
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                    && seen.insert(name.to_string())
                    && let Some(target) = spec::resolve(doc, r)
                {
                    stack.push(target);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    seen
}

/// Adjusts one schema tree (not following `$ref`s: components are handled one by one).
fn walk_schema(schema: &mut Value, response_side: bool) {
    let Value::Object(map) = schema else { return };
    map.remove("default");
    map.remove("example");
    // A block scalar's final newline would end the type's doc comment with an empty line.
    if let Some(Value::String(text)) = map.get_mut("description") {
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
    }
    if response_side {
        for keyword in CONSTRAINTS {
            map.remove(keyword);
        }
        // typify turns `additionalProperties: false` into `deny_unknown_fields`.
        if map.get("additionalProperties") == Some(&Value::Bool(false)) {
            map.remove("additionalProperties");
        }
        let is_string = map.get("type").and_then(Value::as_str) == Some("string");
        if is_string {
            map.remove("format");
            if map.contains_key("enum") {
                append_marker(map, OPEN_ENUM_MARKER);
            }
        } else if map.get("type").is_some() {
            map.remove("enum");
        }
    }
    if map.get("x-secret") == Some(&Value::Bool(true)) {
        append_marker(map, SECRET_MARKER);
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            walk_schema(child, response_side);
        }
    }
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for child in props.values_mut() {
            if !response_side
                && let Some((min, max)) = integer_range(child)
                && let Some(child) = child.as_object_mut()
            {
                append_marker(child, &format!("{RANGE_MARKER}{min}:{max}]]"));
            }
            walk_schema(child, response_side);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(items) = map.get_mut(key).and_then(Value::as_array_mut) {
            for child in items {
                walk_schema(child, response_side);
            }
        }
    }
}

fn append_marker(map: &mut Map<String, Value>, marker: &str) {
    let description = map.get("description").and_then(Value::as_str).unwrap_or("");
    let text = if description.is_empty() {
        marker.to_string()
    } else {
        format!("{}\n\n{marker}", description.trim_end())
    };
    map.insert("description".into(), Value::String(text));
}
