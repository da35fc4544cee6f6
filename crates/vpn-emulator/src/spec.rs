//! The OpenAPI specs, embedded at compile time, as the emulator's source of truth for request
//! validation and for the shape of responses.
//!
//! * Request bodies and query parameters are validated against the operation's schemas with
//!   the `jsonschema` crate (draft 4, which OpenAPI 3.0 schemas follow). Local `$ref`s resolve
//!   because each validator's root document holds the spec's `components` and `paths` next to
//!   a `$ref` to the schema under test.
//! * Responses are pruned to the properties the operation's success schema defines, so the
//!   emulator never sends a field the spec does not know.
//!
//! The specs are the only definitions: an operation the specs do not describe is not served.

use std::collections::HashMap;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

/// The VPN v5 spec as checked in.
pub const VPN_V5_SPEC: &str = include_str!("../../../openapi/vpn-v5.yaml");
/// The legacy IPsec spec as checked in.
pub const IPSEC_V2_SPEC: &str = include_str!("../../../openapi/ipsec-v2.yaml");

/// Which document an operation was taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `openapi/vpn-v5.yaml` or `openapi/ipsec-v2.yaml`.
    Spec,
}

/// How a query parameter's text is turned into JSON before validation.
#[derive(Clone, Debug)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array(Box<Kind>),
}

struct QueryParam {
    name: String,
    kind: Kind,
    validator: jsonschema::Validator,
}

struct BodySpec {
    required: bool,
    validator: jsonschema::Validator,
    /// JSON pointer of the schema.
    pointer: String,
}

/// One operation: its validators and the pointers to its response schemas.
pub(crate) struct Operation {
    source: Source,
    doc: usize,
    query: Vec<QueryParam>,
    body: Option<BodySpec>,
    /// Status code → JSON pointer of the `application/json` schema.
    responses: HashMap<String, String>,
}

/// Both APIs' operations by `operationId`.
pub(crate) struct Specs {
    docs: Vec<Value>,
    ops: HashMap<String, Operation>,
}

/// Why a request is invalid: `at` is a dotted JSON path (`vpn_connection.psk`), `rule` says
/// what is wrong, never with the offending value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub at: String,
    pub rule: String,
}

impl Invalid {
    pub(crate) fn new(at: impl Into<String>, rule: impl Into<String>) -> Self {
        Invalid {
            at: at.into(),
            rule: rule.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.rule)
    }
}

// `EMBEDDED`: every `openapi/*.yaml`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/specs.rs"));

static SPECS: OnceLock<Result<Specs, String>> = OnceLock::new();

/// The loaded specs: every file of `openapi/` (parsed and compiled once per process).
pub(crate) fn specs() -> Result<&'static Specs, String> {
    SPECS
        .get_or_init(|| {
            let texts: Vec<&str> = EMBEDDED.iter().map(|(_, text)| *text).collect();
            Specs::load(&texts)
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl Specs {
    fn load(specs: &[&str]) -> Result<Specs, String> {
        let mut docs = Vec::new();
        let mut ops = HashMap::new();
        for (index, text) in specs.iter().enumerate() {
            let doc: Value = serde_norway::from_str(text).map_err(|e| {
                let name = EMBEDDED.get(index).map(|(n, _)| *n).unwrap_or("?");
                format!("spec {name}: {e}")
            })?;
            docs.push(doc);
            collect(&docs, index, Source::Spec, &mut ops)?;
        }
        Ok(Specs { docs, ops })
    }

    /// The parsed spec documents, in load order (VPN v5, legacy).
    pub(crate) fn docs(&self) -> &[Value] {
        &self.docs
    }

    /// Prunes a success body to the operation's response schema, then adds the required
    /// properties it lacks (made up from the schema).
    pub(crate) fn shape_response(&self, operation_id: &str, status: u16, body: &mut Value) {
        self.prune_response(operation_id, status, body);
        let Some(op) = self.ops.get(operation_id) else {
            return;
        };
        let doc = &self.docs[op.doc];
        if let Some(schema) = op
            .responses
            .get(&status.to_string())
            .and_then(|pointer| doc.pointer(pointer))
        {
            crate::synth::fill_required(doc, schema, body, 0);
        }
    }

    /// A request body made up from the operation's request schema (required properties only),
    /// if it takes one.
    pub(crate) fn example_body(&self, operation_id: &str) -> Option<Value> {
        let op = self.ops.get(operation_id)?;
        let doc = &self.docs[op.doc];
        let schema = doc.pointer(&op.body.as_ref()?.pointer)?;
        Some(crate::synth::value(doc, schema, 0))
    }

    /// Where an operation's definition comes from, if the emulator knows it.
    #[cfg(test)]
    pub(crate) fn source(&self, operation_id: &str) -> Option<Source> {
        self.ops.get(operation_id).map(|op| op.source)
    }

    /// The operation ids defined by the spec documents.
    pub(crate) fn spec_operations(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .ops
            .iter()
            .filter(|(_, op)| op.source == Source::Spec)
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// Validates the query parameters the operation declares; others are ignored, as the
    /// service ignores them.
    pub(crate) fn check_query(
        &self,
        operation_id: &str,
        query: &[(String, String)],
    ) -> Result<(), Invalid> {
        let Some(op) = self.ops.get(operation_id) else {
            return Ok(());
        };
        for param in &op.query {
            let values: Vec<&str> = query
                .iter()
                .filter(|(k, _)| *k == param.name)
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                continue;
            }
            let value = match &param.kind {
                Kind::Array(inner) => {
                    let mut items = Vec::new();
                    for v in &values {
                        items.push(
                            convert(inner, v)
                                .map_err(|rule| Invalid::new(param.name.clone(), rule))?,
                        );
                    }
                    Value::Array(items)
                }
                kind => convert(kind, values[0])
                    .map_err(|rule| Invalid::new(param.name.clone(), rule))?,
            };
            if let Some(error) = param.validator.iter_errors(&value).next() {
                let (path, rule) = describe(&error);
                let at = if path.is_empty() {
                    param.name.clone()
                } else {
                    format!("{}{}", param.name, path)
                };
                return Err(Invalid::new(at, rule));
            }
        }
        Ok(())
    }

    /// Parses and validates a request body. `Ok(None)`: the operation takes no body (what
    /// was sent is ignored) or an optional body was left out.
    pub(crate) fn check_body(
        &self,
        operation_id: &str,
        body: &[u8],
    ) -> Result<Option<Value>, Vec<Invalid>> {
        let Some(op) = self.ops.get(operation_id) else {
            return Ok(None);
        };
        let Some(spec) = &op.body else {
            return Ok(None);
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return if spec.required {
                Err(vec![Invalid::new(
                    "body",
                    "a JSON request body is required",
                )])
            } else {
                Ok(None)
            };
        }
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            vec![Invalid::new(
                "body",
                format!(
                    "is not valid JSON ({} at line {} column {})",
                    json_error_class(&e),
                    e.line(),
                    e.column()
                ),
            )]
        })?;
        let mut value = value;
        normalize_numbers(&mut value, &mut String::new())?;
        let errors: Vec<Invalid> = spec
            .validator
            .iter_errors(&value)
            .map(|error| {
                let (path, rule) = describe(&error);
                let at = path.trim_start_matches('.');
                Invalid::new(if at.is_empty() { "body" } else { at }, rule)
            })
            .collect();
        if errors.is_empty() {
            Ok(Some(value))
        } else {
            Err(errors)
        }
    }

    /// Removes every property the operation's response schema for `status` does not define
    /// (recursively). Operations or statuses without a JSON schema are left alone.
    pub(crate) fn prune_response(&self, operation_id: &str, status: u16, body: &mut Value) {
        let Some(op) = self.ops.get(operation_id) else {
            return;
        };
        let Some(pointer) = op.responses.get(&status.to_string()) else {
            return;
        };
        let doc = &self.docs[op.doc];
        if let Some(schema) = doc.pointer(pointer) {
            prune(doc, schema, body, 0);
        }
    }

    /// Validates a response body against the operation's response schema (tests use this to
    /// check the emulator against the spec). Returns one line per violation.
    pub fn check_response(
        &self,
        operation_id: &str,
        status: u16,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        let Some(op) = self.ops.get(operation_id) else {
            return Err(vec![format!("unknown operation {operation_id}")]);
        };
        let Some(pointer) = op.responses.get(&status.to_string()).or_else(|| {
            let class = format!("{}XX", status / 100);
            op.responses.get(&class)
        }) else {
            return Err(vec![format!(
                "{operation_id} documents no JSON body for {status}"
            )]);
        };
        let validator = build_validator(&self.docs[op.doc], pointer)?;
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("at {}: {}", e.instance_path(), e.masked()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Numbers written with a fraction or exponent but integral (`1.0`, `5e21`) are read as
/// floating point. Within the 64-bit range they become integers (so they are echoed the way an
/// integer is written); beyond it they cannot be an integer the service stores, and the request
/// is rejected.
fn normalize_numbers(value: &mut Value, at: &mut String) -> Result<(), Vec<Invalid>> {
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if x.is_finite() && x.fract() == 0.0 {
                if (-9.223_372_036_854_775e18..9.223_372_036_854_775e18).contains(&x) {
                    *value = json!(x as i64);
                } else if (0.0..1.844_674_407_370_955e19).contains(&x) {
                    *value = json!(x as u64);
                } else {
                    let path = at.trim_start_matches('.');
                    return Err(vec![Invalid::new(
                        if path.is_empty() { "body" } else { path },
                        "is a number out of the 64-bit integer range",
                    )]);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = at.len();
                at.push_str(&format!("[{i}]"));
                normalize_numbers(item, at)?;
                at.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let len = at.len();
                at.push('.');
                at.push_str(key);
                normalize_numbers(item, at)?;
                at.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The category of a JSON syntax error, without any of the input.
fn json_error_class(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "data error",
        serde_json::error::Category::Eof => "unexpected end of input",
    }
}

fn convert(kind: &Kind, text: &str) -> Result<Value, String> {
    Ok(match kind {
        Kind::String | Kind::Array(_) => Value::String(text.to_string()),
        Kind::Integer => {
            if let Ok(n) = text.parse::<i64>() {
                json!(n)
            } else if let Ok(n) = text.parse::<u64>() {
                json!(n)
            } else {
                return Err("must be an integer".into());
            }
        }
        Kind::Number => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => json!(n),
            _ => return Err("must be a number".into()),
        },
        Kind::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err("must be true or false".into()),
        },
    })
}

/// Escapes a key for a JSON pointer.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Follows a local `$ref` (`#/components/...`), once.
pub(crate) fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .map(percent_decode)
            .and_then(|pointer| doc.pointer(&pointer))
            .unwrap_or(value),
        None => value,
    }
}

/// The JSON pointer of a local `$ref`'s target, or `None` for another kind of reference.
fn ref_pointer(value: &Value) -> Option<String> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .map(percent_decode)
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn kind_of(doc: &Value, schema: &Value) -> Kind {
    let schema = resolve(doc, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        Some("array") => Kind::Array(Box::new(
            schema
                .get("items")
                .map(|items| kind_of(doc, items))
                .unwrap_or(Kind::String),
        )),
        _ => Kind::String,
    }
}

/// Registers every operation of `docs[index]` in `ops`.
fn collect(
    docs: &[Value],
    index: usize,
    source: Source,
    ops: &mut HashMap<String, Operation>,
) -> Result<(), String> {
    let doc = &docs[index];
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    for (path, item) in paths {
        let item_pointer = format!("/paths/{}", escape(path));
        let shared_params = item.get("parameters").and_then(Value::as_array);
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let op_pointer = format!("{item_pointer}/{method}");
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut query = Vec::new();
            let mut param_pointers: Vec<String> = Vec::new();
            if let Some(list) = shared_params {
                for i in 0..list.len() {
                    param_pointers.push(format!("{item_pointer}/parameters/{i}"));
                }
            }
            if let Some(list) = operation.get("parameters").and_then(Value::as_array) {
                for i in 0..list.len() {
                    param_pointers.push(format!("{op_pointer}/parameters/{i}"));
                }
            }
            for pointer in param_pointers {
                let Some(raw) = doc.pointer(&pointer) else {
                    continue;
                };
                let (pointer, param) = match ref_pointer(raw) {
                    Some(target) => match doc.pointer(&target) {
                        Some(p) => (target, p),
                        None => return Err(format!("{id}: unresolved parameter {pointer}")),
                    },
                    None => (pointer, raw),
                };
                if param.get("in").and_then(Value::as_str) != Some("query") {
                    continue;
                }
                let Some(name) = param.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let Some(schema) = param.get("schema") else {
                    continue;
                };
                let schema_pointer = format!("{pointer}/schema");
                query.push(QueryParam {
                    name: name.to_string(),
                    kind: kind_of(doc, schema),
                    validator: build_validator(doc, &schema_pointer)
                        .map_err(|e| format!("{id}: parameter {name}: {}", e.join("; ")))?,
                });
            }
            let body = match operation.get("requestBody") {
                Some(request_body) => {
                    let (rb_pointer, request_body) = match ref_pointer(request_body) {
                        Some(target) => {
                            let rb = doc
                                .pointer(&target)
                                .ok_or_else(|| format!("{id}: unresolved requestBody"))?;
                            (target, rb)
                        }
                        None => (format!("{op_pointer}/requestBody"), request_body),
                    };
                    let schema_pointer = format!("{rb_pointer}/content/application~1json/schema");
                    if doc.pointer(&schema_pointer).is_some() {
                        Some(BodySpec {
                            required: request_body
                                .get("required")
                                .and_then(Value::as_bool)
                                .unwrap_or(false),
                            validator: build_validator(doc, &schema_pointer)
                                .map_err(|e| format!("{id}: request body: {}", e.join("; ")))?,
                            pointer: schema_pointer,
                        })
                    } else {
                        None
                    }
                }
                None => None,
            };
            let mut responses = HashMap::new();
            if let Some(list) = operation.get("responses").and_then(Value::as_object) {
                for (status, response) in list {
                    let response_pointer = match ref_pointer(response) {
                        Some(target) => target,
                        None => format!("{op_pointer}/responses/{}", escape(status)),
                    };
                    let schema_pointer =
                        format!("{response_pointer}/content/application~1json/schema");
                    if doc.pointer(&schema_pointer).is_some() {
                        responses.insert(status.clone(), schema_pointer);
                    }
                }
            }
            ops.insert(
                id.to_string(),
                Operation {
                    source,
                    doc: index,
                    query,
                    body,
                    responses,
                },
            );
        }
    }
    Ok(())
}

/// What a JSON pointer must escape in a URI fragment: all but unreserved characters and `/`.
const FRAGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a JSON pointer for use as a URI fragment (`{` and `}` are not allowed).
fn fragment(pointer: &str) -> String {
    utf8_percent_encode(pointer, FRAGMENT).to_string()
}

/// A draft-4 validator for the schema at `pointer` in `doc`, with the spec as root document.
fn build_validator(doc: &Value, pointer: &str) -> Result<jsonschema::Validator, Vec<String>> {
    let mut root = openapi_root::root_document(doc);
    if let Some(root) = root.as_object_mut() {
        root.insert("$ref".into(), json!(format!("#{}", fragment(pointer))));
    }
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| vec![format!("the schema at {pointer} is not usable: {e}")])
}

/// A dotted path (`.vpn_connection.tags[0].key`) for a JSON pointer.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            out.push('.');
            out.push_str(&segment);
        }
    }
    out
}

fn short(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// (dotted path, rule) of a validation error; the rule never contains the instance's value.
fn describe(error: &jsonschema::ValidationError<'_>) -> (String, String) {
    let mut path = dotted(&error.instance_path().to_string());
    let rule = match error.kind() {
        ValidationErrorKind::Required { property } => {
            path.push('.');
            path.push_str(&short(property));
            "is required".to_string()
        }
        ValidationErrorKind::Type { kind } => format!("must be of type {}", type_names(kind)),
        ValidationErrorKind::MinLength { limit } => {
            format!("must be at least {limit} characters long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must be at most {limit} characters long")
        }
        ValidationErrorKind::Pattern { pattern } => format!("must match the pattern {pattern}"),
        ValidationErrorKind::Enum { options } => format!("must be one of {options}"),
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be greater than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        ValidationErrorKind::MinItems { limit } => format!("must have at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("must have at most {limit} items"),
        ValidationErrorKind::Format { format } => format!("must be a valid {format}"),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!("unknown properties: {}", unexpected.join(", "))
        }
        _ => error.masked().to_string(),
    };
    (path, rule)
}

fn type_names(kind: &jsonschema::error::TypeKind) -> String {
    match kind {
        jsonschema::error::TypeKind::Single(t) => t.to_string(),
        jsonschema::error::TypeKind::Multiple(ts) => {
            let names: Vec<String> = ts.iter().map(|t| t.to_string()).collect();
            names.join(" or ")
        }
    }
}

/// The property schemas an object schema (with its `allOf`/`anyOf`/`oneOf` parts) defines.
/// `None` when the schema says nothing about properties.
pub(crate) fn object_properties<'a>(
    doc: &'a Value,
    schema: &'a Value,
    depth: usize,
) -> Option<Vec<(&'a String, &'a Value)>> {
    if depth > 32 {
        return None;
    }
    let schema = resolve(doc, schema);
    let mut found: Option<Vec<(&String, &Value)>> = None;
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        found.get_or_insert_with(Vec::new).extend(props.iter());
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(parts) = schema.get(combinator).and_then(Value::as_array) {
            for part in parts {
                if let Some(props) = object_properties(doc, part, depth + 1) {
                    found.get_or_insert_with(Vec::new).extend(props);
                }
            }
        }
    }
    found
}

fn prune(doc: &Value, schema: &Value, value: &mut Value, depth: usize) {
    if depth > 32 {
        return;
    }
    let schema = resolve(doc, schema);
    match value {
        Value::Object(map) => {
            let Some(props) = object_properties(doc, schema, 0) else {
                return;
            };
            map.retain(|key, _| props.iter().any(|(name, _)| *name == key));
            for (key, child) in map.iter_mut() {
                for (_, child_schema) in props.iter().filter(|(name, _)| *name == key) {
                    prune(doc, child_schema, child, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").or_else(|| {
                ["allOf", "anyOf", "oneOf"].iter().find_map(|c| {
                    schema
                        .get(*c)
                        .and_then(Value::as_array)
                        .and_then(|parts| parts.iter().find_map(|p| resolve(doc, p).get("items")))
                })
            });
            if let Some(item_schema) = item_schema {
                for item in items {
                    prune(doc, item_schema, item, depth + 1);
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
    fn specs_load_and_cover_the_core_operations() {
        let specs = specs().unwrap();
        for id in [
            "CreateVpnConnection",
            "ListVpnConnections",
            "CreateConnectionMonitor",
            "CreateIpsecSiteConnection",
            "CreateVgw",
            "CreateCgw",
            "ShowQuotasInfo",
            "ListAvailabilityZones",
        ] {
            assert!(specs.source(id).is_some(), "{id}");
        }
    }

    #[test]
    fn body_errors_name_the_field_and_hide_the_value() {
        let specs = specs().unwrap();
        let body = br#"{"vpn_connection": {"vgw_id": "a", "vgw_ip": "b", "psk": "short-1"}}"#;
        let errors = specs.check_body("CreateVpnConnection", body).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.contains(&"vpn_connection.cgw_id: is required".to_string()),
            "{text:?}"
        );
        assert!(
            text.contains(&"vpn_connection.psk: must be at least 8 characters long".to_string()),
            "{text:?}"
        );
        assert!(!text.join(" ").contains("short-1"));
    }

    #[test]
    fn query_limits() {
        let specs = specs().unwrap();
        let q = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(
            specs
                .check_query("ListVpnConnections", &q("limit", "2000"))
                .is_ok()
        );
        let e = specs
            .check_query("ListVpnConnections", &q("limit", "2001"))
            .unwrap_err();
        assert_eq!(e.to_string(), "limit: must be at most 2000");
        let e = specs
            .check_query("ListVpnConnections", &q("limit", "x"))
            .unwrap_err();
        assert_eq!(e.to_string(), "limit: must be an integer");
    }

    #[test]
    fn pruning_keeps_only_defined_fields() {
        let specs = specs().unwrap();
        let mut body =
            json!({"connection_monitor": {"id": "m", "extra": 1}, "request_id": "r", "x": 2});
        specs.prune_response("CreateConnectionMonitor", 201, &mut body);
        assert_eq!(
            body,
            json!({"connection_monitor": {"id": "m"}, "request_id": "r"})
        );
    }

    #[test]
    fn integral_floats_become_integers_or_errors() {
        let specs = specs().unwrap();
        let body =
            br#"{"ipsec_site_connection": {"name": "n", "mtu": 1500.0, "dpd": {"interval": 3e1}}}"#;
        let value = specs
            .check_body("UpdateIpsecSiteConnection", body)
            .unwrap()
            .unwrap();
        assert_eq!(value["ipsec_site_connection"]["mtu"], json!(1500));
        assert_eq!(value["ipsec_site_connection"]["dpd"]["interval"], json!(30));
        let body = br#"{"ipsec_site_connection": {"dpd": {"timeout": 5565519870430882562048}}}"#;
        let errors = specs
            .check_body("UpdateIpsecSiteConnection", body)
            .unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "ipsec_site_connection.dpd.timeout: is a number out of the 64-bit integer range"
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("/paths/~1v5~1%7Bproject_id%7D"),
            "/paths/~1v5~1{project_id}"
        );
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
