//! `cargo xtask lint`: rules a spec must pass before anything is generated from it.
//!
//! Every finding names the file, the JSON pointer and the rule, so that an author can jump to
//! the offending line. The rules guard against what breaks progenitor or the users of the
//! generated crate, not against matters of taste (Spectral covers those).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::schema;
use crate::spec::{self, SpecFile, is_success, join, operations, timed};

/// The spec extensions the project understands (documented in `openapi/README.md`).
pub const KNOWN_EXTENSIONS: [&str; 5] = [
    "x-client-base-path",
    "x-secret",
    "x-product",
    "x-pagination",
    "x-waiter",
];

/// One lint finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub file: String,
    pub pointer: String,
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{}#{}: [{}] {}",
            self.file, pointer, self.rule, self.message
        )
    }
}

struct Linter<'a> {
    spec: &'a SpecFile,
    findings: Vec<Finding>,
}

impl Linter<'_> {
    fn report(&mut self, pointer: &str, rule: &'static str, message: impl Into<String>) {
        self.findings.push(Finding {
            file: self.spec.rel_path.clone(),
            pointer: pointer.to_string(),
            rule,
            message: message.into(),
        });
    }
}

/// Lints one spec; an empty result means it passed.
pub fn lint(spec: &SpecFile) -> Vec<Finding> {
    let mut linter = Linter {
        spec,
        findings: Vec::new(),
    };
    let doc = &spec.doc;
    let l = &mut linter;
    check_version(l, doc);
    timed("lint: refs", || check_refs(l, doc, doc, ""));
    timed("lint: extensions", || check_extensions(l, doc, ""));
    timed("lint: operations", || check_operations(l, doc));
    check_base_path(l, doc);
    check_operation_table(l, spec);
    let root = schema::root_document(doc);
    let schemas = timed("lint: schema index", || schema::SpecSchemas::new(&root));
    timed("lint: examples", || {
        let mut examples = Vec::new();
        find_examples(l, doc, doc, "", &mut examples);
        validate_examples(l, &schemas, &examples);
    });
    timed("lint: patterns", || check_patterns(l, doc));
    linter.findings.sort();
    linter.findings.dedup();
    linter.findings
}

fn check_version(l: &mut Linter<'_>, doc: &Value) {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => l.report(
            "/openapi",
            "openapi-version",
            format!("version {v} is not 3.0.x"),
        ),
        None => l.report("/openapi", "openapi-version", "missing `openapi: 3.0.3`"),
    }
}

/// Every `$ref` is local and resolves.
fn check_refs(l: &mut Linter<'_>, doc: &Value, node: &Value, pointer: &str) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref") {
                match r.as_str() {
                    Some(s) if s.starts_with("#/") => {
                        if spec::resolve(doc, s).is_none() {
                            l.report(
                                pointer,
                                "ref-resolves",
                                format!("`$ref: {s}` points at nothing"),
                            );
                        }
                    }
                    Some(s) => l.report(
                        pointer,
                        "ref-resolves",
                        format!("`$ref: {s}` is not a local reference (`#/...`)"),
                    ),
                    None => l.report(pointer, "ref-resolves", "`$ref` is not a string"),
                }
            }
            for (key, value) in map {
                check_refs(l, doc, value, &join(pointer, key));
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                check_refs(l, doc, value, &join(pointer, &i.to_string()));
            }
        }
        _ => {}
    }
}

/// Only known `x-` extensions, each where it means something.
fn check_extensions(l: &mut Linter<'_>, node: &Value, pointer: &str) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let at = join(pointer, key);
                // Keys inside these maps are names chosen by the author, not keywords.
                let is_name_map = [
                    "properties",
                    "schemas",
                    "examples",
                    "responses",
                    "parameters",
                    "headers",
                ]
                .iter()
                .any(|m| pointer.ends_with(&format!("/{m}")))
                    || pointer == "/paths";
                if key.starts_with("x-") && !is_name_map {
                    if !KNOWN_EXTENSIONS.contains(&key.as_str()) {
                        l.report(
                            &at,
                            "known-extension",
                            format!(
                                "unknown extension `{key}` (known: {})",
                                KNOWN_EXTENSIONS.join(", ")
                            ),
                        );
                    }
                    if key == "x-secret" {
                        if value != &Value::Bool(true) {
                            l.report(&at, "secret-string", "`x-secret` takes the value `true`");
                        }
                        if map.get("type").and_then(Value::as_str) != Some("string") {
                            l.report(
                                &at,
                                "secret-string",
                                "`x-secret` goes on a `type: string` property schema",
                            );
                        }
                    }
                    if key == "x-client-base-path" && !pointer.is_empty() {
                        l.report(
                            &at,
                            "known-extension",
                            "`x-client-base-path` belongs at the top level",
                        );
                    }
                }
                check_extensions(l, value, &at);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                check_extensions(l, value, &join(pointer, &i.to_string()));
            }
        }
        _ => {}
    }
}

/// `operationId` present and unique; responses declared the way progenitor can use them.
fn check_operations(l: &mut Linter<'_>, doc: &Value) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for operation in operations(doc) {
        let pointer = operation.pointer.clone();
        match operation.op.get("operationId").and_then(Value::as_str) {
            None | Some("") => l.report(&pointer, "operation-id", "missing `operationId`"),
            Some(id) => {
                if let Some(first) = seen.get(id) {
                    let message = format!("duplicate `operationId: {id}` (first at {first})");
                    l.report(
                        &join(&pointer, "operationId"),
                        "operation-id-unique",
                        message,
                    );
                } else {
                    seen.insert(id.to_string(), pointer.clone());
                }
            }
        }
        let responses_at = join(&pointer, "responses");
        let Some(responses) = operation.op.get("responses").and_then(Value::as_object) else {
            l.report(&pointer, "responses", "no `responses`");
            continue;
        };
        if responses.contains_key("default") {
            l.report(
                &join(&responses_at, "default"),
                "no-default-response",
                "a `default` response is read as both success and error: declare `4XX`/`5XX` (or explicit codes)",
            );
        }
        let mut success_bodies = BTreeSet::new();
        let mut error_bodies = BTreeSet::new();
        let mut has_success = false;
        for (code, response) in responses {
            let at = join(&responses_at, code);
            let Some((response, _)) = spec::deref(doc, response, &at) else {
                continue;
            };
            let bodies = response_bodies(response);
            if is_success(code) {
                has_success = true;
                success_bodies.extend(bodies);
            } else if code != "default" {
                error_bodies.extend(bodies);
            }
        }
        if !has_success {
            l.report(&responses_at, "success-response", "no 2XX response");
        }
        if success_bodies.len() > 1 {
            l.report(
                &responses_at,
                "one-success-body",
                format!(
                    "success responses have {} different body types; use one",
                    success_bodies.len()
                ),
            );
        }
        if error_bodies.len() > 1 {
            l.report(
                &responses_at,
                "one-error-body",
                format!(
                    "error responses have {} different body types; use one error schema",
                    error_bodies.len()
                ),
            );
        }
        for class in ["4XX", "5XX"] {
            if !responses.contains_key(class) {
                l.report(
                    &responses_at,
                    "error-responses",
                    format!("no `{class}` response declared"),
                );
            }
        }
    }
}

/// The schemas of a response's bodies, as canonical JSON text (a `$ref` compares by target).
fn response_bodies(response: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(content) = response.get("content").and_then(Value::as_object) {
        for media in content.values() {
            if let Some(schema) = media.get("schema") {
                out.push(schema.to_string());
            }
        }
    }
    out
}

/// What generation reads beyond progenitor (`x-product`, `x-pagination`, `x-waiter`, named
/// request bodies) makes an operation table: its errors are findings here, before generation.
/// (An operation without an `operationId` is reported once, by `check_operations`.)
fn check_operation_table(l: &mut Linter<'_>, spec: &SpecFile) {
    if l.findings.iter().any(|f| f.rule == "operation-id") {
        return;
    }
    if let Err(message) = crate::operations::items(spec) {
        // `file#pointer: what` (see `crate::operations`).
        let rest = message
            .strip_prefix(&format!("{}#", spec.rel_path))
            .unwrap_or(&message);
        let (pointer, what) = rest.split_once(": ").unwrap_or(("", rest));
        l.report(pointer, "operation-table", what);
    }
}

/// With `x-client-base-path`, every path starts with it.
fn check_base_path(l: &mut Linter<'_>, doc: &Value) {
    let Some(base) = doc.get("x-client-base-path") else {
        return;
    };
    let Some(base) = base
        .as_str()
        .filter(|b| b.starts_with('/') && !b.ends_with('/'))
    else {
        l.report(
            "/x-client-base-path",
            "base-path",
            "must be a path like `/v5/{project_id}`",
        );
        return;
    };
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for path in paths.keys() {
            if !path.starts_with(base) {
                l.report(
                    &join("/paths", path),
                    "base-path",
                    format!("does not start with `{base}`"),
                );
            }
        }
    }
}

/// An example to validate: its schema's pointer, the value, where it is and its name.
struct Example<'a> {
    schema_at: String,
    value: &'a Value,
    at: String,
    name: String,
}

/// Every example validates against its own schema (all of a spec's examples are validated
/// together, so that the schemas they share compile once).
fn find_examples<'a>(
    l: &mut Linter<'_>,
    doc: &'a Value,
    node: &'a Value,
    pointer: &str,
    out: &mut Vec<Example<'a>>,
) {
    let mut found = |schema_at: &str, value: &'a Value, at: String, name: &str| {
        out.push(Example {
            schema_at: schema_at.to_string(),
            value,
            at,
            name: name.to_string(),
        })
    };
    match node {
        Value::Object(map) => {
            // A media type or a parameter: `schema` beside `example`/`examples`.
            if map.contains_key("schema") {
                let schema_at = join(pointer, "schema");
                if let Some(example) = map.get("example") {
                    found(&schema_at, example, join(pointer, "example"), "example");
                }
                if let Some(examples) = map.get("examples").and_then(Value::as_object) {
                    for (name, example) in examples {
                        let at = join(&join(pointer, "examples"), name);
                        let Some((example, _)) = spec::deref(doc, example, &at) else {
                            continue;
                        };
                        match example.get("value") {
                            Some(value) => found(&schema_at, value, at, name),
                            None => l.report(
                                &at,
                                "example-valid",
                                format!("example `{name}` has no `value`"),
                            ),
                        }
                    }
                }
            }
            // A schema with its own `example`.
            if is_schema_position(pointer)
                && let Some(example) = map.get("example")
            {
                found(pointer, example, join(pointer, "example"), "example");
            }
            for (key, value) in map {
                // Example values are data, not spec: do not look for examples inside them.
                let in_name_map = pointer.ends_with("/properties");
                if (key == "example" || key == "examples") && !in_name_map {
                    continue;
                }
                find_examples(l, doc, value, &join(pointer, key), out);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                find_examples(l, doc, value, &join(pointer, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Whether a pointer names a schema object (so that its `example` is a schema example).
fn is_schema_position(pointer: &str) -> bool {
    let parts: Vec<&str> = pointer.split('/').collect();
    let n = parts.len();
    (n >= 2
        && (parts[n - 1] == "schema"
            || parts[n - 1] == "items"
            || parts[n - 1] == "additionalProperties"))
        || (n >= 3
            && matches!(
                parts[n - 2],
                "properties" | "schemas" | "allOf" | "anyOf" | "oneOf"
            ))
}

fn validate_examples(
    l: &mut Linter<'_>,
    schemas: &schema::SpecSchemas<'_>,
    examples: &[Example<'_>],
) {
    let checks: Vec<(&str, &Value)> = examples
        .iter()
        .map(|e| (e.schema_at.as_str(), e.value))
        .collect();
    for (example, result) in examples.iter().zip(schemas.validate_many(&checks)) {
        for error in result.err().unwrap_or_default() {
            let name = &example.name;
            l.report(
                &example.at,
                "example-valid",
                format!("example `{name}` does not match its schema: {error}"),
            );
        }
    }
}

/// Patterns kept for generation (request-side schemas) must carry over to the generated
/// client's automata ([`crate::patterns::translate`]): valid ECMAScript (`u`), nothing the two
/// dialects read differently; otherwise generation would fail on them.
/// Response-side schemas lose their patterns in generation (see `transform`), so only the wire
/// tools (Prism, the lint's own example check) read those.
fn check_patterns(l: &mut Linter<'_>, doc: &Value) {
    let reachable = crate::transform::response_reachable(doc);
    let mut stack: Vec<(String, &Value)> = Vec::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if !reachable.contains(name) {
                stack.push((join("/components/schemas", name), schema));
            }
        }
    }
    for operation in operations(doc) {
        if let Some(params) = operation.op.get("parameters").and_then(Value::as_array) {
            for (i, p) in params.iter().enumerate() {
                if let Some(schema) = p.get("schema") {
                    stack.push((
                        join(
                            &join(&join(&operation.pointer, "parameters"), &i.to_string()),
                            "schema",
                        ),
                        schema,
                    ));
                }
            }
        }
    }
    if let Some(params) = doc
        .pointer("/components/parameters")
        .and_then(Value::as_object)
    {
        for (name, p) in params {
            if let Some(schema) = p.get("schema") {
                stack.push((
                    join(&join("/components/parameters", name), "schema"),
                    schema,
                ));
            }
        }
    }
    while let Some((at, node)) = stack.pop() {
        let Some(map) = node.as_object() else {
            continue;
        };
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str)
            && let Err(e) = crate::patterns::translate(pattern)
        {
            l.report(
                &join(&at, "pattern"),
                "pattern-compiles",
                format!("the generated client cannot check this pattern: {e}"),
            );
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = map.get(key) {
                stack.push((join(&at, key), child));
            }
        }
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (name, child) in props {
                stack.push((join(&join(&at, "properties"), name), child));
            }
        }
    }
}
