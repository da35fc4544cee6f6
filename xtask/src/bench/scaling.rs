//! Generation scaling: the real specs repeated 1×, 2× and 4× in one document each, every copy
//! renamed so that it is a valid spec of its own, and `cargo xtask generate` timed on each.
//!
//! Why: generation should cost time in proportion to the size of the specs. A pass that is
//! quadratic in the number of operations or schemas hides in a 1.3 s run of today's two specs
//! and shows up only when the API grows; timing the same specs at 2× and 4× makes it visible
//! now (4× the specs should take about 4× the time).
//!
//! Copy 1 keeps every name. Copy k (k ≥ 2) gets, in the same document:
//! - every `operationId` suffixed with `C{k}` (`ShowVgw` → `ShowVgwC2`);
//! - every path with a segment `c{k}` after the `x-client-base-path` prefix
//!   (`/v5/{project_id}/vpn-gateways` → `/v5/{project_id}/c2/vpn-gateways`), or in front of it
//!   when the spec has no base path (`/c2/v2.0/vpn/...`);
//! - every name under `components` suffixed with `C{k}`, and every `$ref` to it renamed, except
//!   the shared ones: the security schemes (the top-level `security` names them) and the one
//!   error schema `ErrorBody` with what it references (the generator routes every error body
//!   through that name, `openapi/README.md`);
//! - the `x-waiter` name (it names the generated waiter functions) suffixed with `_c{k}`, and
//!   the operation ids its `actions` list like every operation id.
//!   Other `x-` values point into bodies (`/vpn_connection/id`) or name properties and
//!   parameters, which keep their names, so they stay valid as they are.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::process::{self, Cmd};

/// How many copies each scaling run holds.
pub const FACTORS: [usize; 3] = [1, 2, 4];

/// The component schema every error response uses (kept once, shared by all copies).
const SHARED_ERROR_SCHEMA: &str = "ErrorBody";

/// The HTTP methods of a path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `doc` with `copies` copies of its paths and components, each renamed as the module docs say.
/// `copies` = 1 gives `doc` itself.
pub fn repeat(doc: &Value, copies: usize) -> Result<Value, String> {
    let Some(original) = doc.as_object() else {
        return Err("the spec is not a mapping".to_string());
    };
    let base = original
        .get("x-client-base-path")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let shared = shared_names(doc);
    let mut out = doc.clone();
    for k in 2..=copies {
        let mut copy = doc.clone();
        let renames = Renames {
            suffix: format!("C{k}"),
            segment: format!("c{k}"),
            base: base.clone(),
            components: renamed_components(doc, &shared),
        };
        rename_refs(&mut copy, &renames);
        merge_copy(&mut out, copy, &renames, k)?;
    }
    Ok(out)
}

/// The names every copy shares: `(section, name)`.
fn shared_names(doc: &Value) -> BTreeSet<(String, String)> {
    let mut shared = BTreeSet::new();
    if let Some(schemes) = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    {
        for name in schemes.keys() {
            shared.insert(("securitySchemes".to_string(), name.clone()));
        }
    }
    // The error schema and everything it references, transitively.
    let mut todo = vec![SHARED_ERROR_SCHEMA.to_string()];
    while let Some(name) = todo.pop() {
        let Some(schema) = doc.pointer(&format!(
            "/components/schemas/{}",
            xtask::spec::escape(&name)
        )) else {
            continue;
        };
        if !shared.insert(("schemas".to_string(), name)) {
            continue;
        }
        let mut refs = Vec::new();
        collect_refs(schema, &mut refs);
        for target in refs {
            if let Some(("schemas", referenced, _)) = split_component_ref(&target) {
                todo.push(referenced);
            }
        }
    }
    shared
}

/// The names a copy renames, by components section.
fn renamed_components(
    doc: &Value,
    shared: &BTreeSet<(String, String)>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Some(components) = doc.get("components").and_then(Value::as_object) else {
        return out;
    };
    for (section, entries) in components {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for name in entries.keys() {
            if !shared.contains(&(section.clone(), name.clone())) {
                out.entry(section.clone()).or_default().insert(name.clone());
            }
        }
    }
    out
}

/// How copy k renames.
struct Renames {
    /// Appended to operation ids and component names (`C2`).
    suffix: String,
    /// The path segment inserted after the base path (`c2`).
    segment: String,
    base: String,
    components: BTreeMap<String, BTreeSet<String>>,
}

impl Renames {
    fn component(&self, section: &str, name: &str) -> Option<String> {
        self.components
            .get(section)
            .filter(|names| names.contains(name))
            .map(|_| format!("{name}{}", self.suffix))
    }

    fn path(&self, path: &str) -> String {
        match path.strip_prefix(self.base.as_str()) {
            Some(rest) if !self.base.is_empty() => format!("{}/{}{rest}", self.base, self.segment),
            _ => format!("/{}{path}", self.segment),
        }
    }

    /// A `$ref` after renaming: components and paths of this document; anything else as is.
    fn reference(&self, target: &str) -> String {
        if let Some((section, name, rest)) = split_component_ref(target)
            && let Some(renamed) = self.component(section, &name)
        {
            return format!(
                "#/components/{section}/{}{rest}",
                xtask::spec::escape(&renamed)
            );
        }
        if let Some(after) = target.strip_prefix("#/paths/") {
            let (token, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
            let path = unescape(token);
            return format!("#/paths/{}{rest}", xtask::spec::escape(&self.path(&path)));
        }
        target.to_string()
    }
}

/// `#/components/{section}/{name}{rest}` → `(section, unescaped name, rest)`.
fn split_component_ref(target: &str) -> Option<(&str, String, &str)> {
    let after = target.strip_prefix("#/components/")?;
    let (section, after) = after.split_once('/')?;
    let (token, rest) = after.split_at(after.find('/').unwrap_or(after.len()));
    Some((section, unescape(token), rest))
}

/// Unescapes one JSON-pointer token (RFC 6901).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

fn rename_refs(value: &mut Value, renames: &Renames) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => *target = renames.reference(target),
                    (_, value) => rename_refs(value, renames),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_refs(item, renames)),
        _ => {}
    }
}

/// Adds copy k's paths (operation ids and waiter names renamed) and its renamed components to
/// `out`. A name that is taken already is an error, not an overwrite.
fn merge_copy(out: &mut Value, copy: Value, renames: &Renames, k: usize) -> Result<(), String> {
    let Value::Object(mut copy) = copy else {
        return Err("the spec is not a mapping".to_string());
    };
    let Some(out) = out.as_object_mut() else {
        return Err("the spec is not a mapping".to_string());
    };
    if let Some(Value::Object(paths)) = copy.remove("paths") {
        let target = object_at(out, "paths")?;
        for (path, mut item) in paths {
            if let Some(item) = item.as_object_mut() {
                rename_operations(item, renames, k);
            }
            let renamed = renames.path(&path);
            if target.insert(renamed.clone(), item).is_some() {
                return Err(format!("copy {k}: path {renamed} is there already"));
            }
        }
    }
    if let Some(Value::Object(components)) = copy.remove("components") {
        let target = object_at(out, "components")?;
        for (section, entries) in components {
            let Value::Object(entries) = entries else {
                continue;
            };
            let section_out = object_at(target, &section)?;
            for (name, entry) in entries {
                let Some(renamed) = renames.component(&section, &name) else {
                    continue; // shared: the first copy's entry serves every copy
                };
                if section_out.insert(renamed.clone(), entry).is_some() {
                    return Err(format!(
                        "copy {k}: components/{section}/{renamed} is there already"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn rename_operations(item: &mut Map<String, Value>, renames: &Renames, k: usize) {
    for method in METHODS {
        let Some(Value::Object(operation)) = item.get_mut(method) else {
            continue;
        };
        if let Some(Value::String(id)) = operation.get_mut("operationId") {
            id.push_str(&renames.suffix);
        }
        if let Some(Value::Object(waiter)) = operation.get_mut("x-waiter") {
            if let Some(Value::String(name)) = waiter.get_mut("name") {
                name.push_str(&format!("_c{k}"));
            }
            // `actions` name operations, which the copy renames.
            for action in waiter
                .get_mut("actions")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Value::String(id) = action {
                    id.push_str(&renames.suffix);
                }
            }
        }
    }
}

/// The object under `key` of `map`, created when missing.
fn object_at<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> Result<&'a mut Map<String, Value>, String> {
    map.entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| format!("`{key}` is not a mapping"))
}

/// A scratch workspace holding the specs under `root/openapi` repeated `copies` times, as
/// `cargo xtask generate --root DIR` reads them (`DIR/openapi/*.yaml`). Removed when dropped.
pub fn scratch_root(root: &Path, copies: usize) -> Result<tempfile::TempDir, String> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("xtask-bench-scale-{copies}x-"))
        .tempdir()
        .map_err(|e| format!("a scratch directory: {e}"))?;
    let openapi = dir.path().join("openapi");
    std::fs::create_dir_all(&openapi).map_err(|e| format!("{}: {e}", openapi.display()))?;
    for path in xtask::spec::discover(root)? {
        let spec = xtask::spec::load(root, &path)?;
        let repeated = repeat(&spec.doc, copies).map_err(|e| format!("{}: {e}", spec.rel_path))?;
        let text = serde_norway::to_string(&repeated)
            .map_err(|e| format!("{}: writing YAML: {e}", spec.rel_path))?;
        let Some(name) = path.file_name() else {
            continue;
        };
        let out = openapi.join(name);
        std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    Ok(dir)
}

/// The generation times of one factor.
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    pub copies: usize,
    /// Seconds of each timed run (none in a smoke run).
    pub seconds: Vec<f64>,
}

impl Factor {
    /// The best (smallest) run.
    pub fn best(&self) -> Option<f64> {
        self.seconds.iter().copied().reduce(f64::min)
    }
}

/// What the scaling step measured, and the command it ran.
pub struct Scaling {
    pub factors: Vec<Factor>,
    pub command: String,
}

/// Times `generate` by the running xtask binary on the specs repeated by each of [`FACTORS`]:
/// `runs` timed runs each (the output directory emptied before each), or, with `runs` = 0,
/// one untimed run each (a smoke run).
pub fn measure(root: &Path, runs: usize) -> Result<Scaling, String> {
    let exe = std::env::current_exe().map_err(|e| format!("the xtask binary's path: {e}"))?;
    let program = exe.to_string_lossy().into_owned();
    let shown = format!("{} --root DIR generate", super::peers::relative(root, &exe));
    let mut factors = Vec::new();
    for copies in FACTORS {
        let dir = scratch_root(root, copies)?;
        let dir_text = dir.path().to_string_lossy().into_owned();
        let cmd = Cmd::new(&program, &["--root", &dir_text, "generate"]);
        let mut seconds = Vec::new();
        for run in 1..=runs.max(1) {
            xtask::generate::clear_output(dir.path())?;
            let finished = process::run_captured(root, &cmd)?;
            if runs == 0 {
                eprintln!("{shown} ({copies}×: ran once, not timed)");
            } else {
                let elapsed = finished.elapsed.as_secs_f64();
                eprintln!("{shown} ({copies}×, run {run}: {elapsed:.2} s)");
                seconds.push(elapsed);
            }
        }
        for output in xtask::generate::OUTPUT_DIRS {
            written(&dir.path().join(output), copies)?;
        }
        factors.push(Factor { copies, seconds });
    }
    Ok(Scaling {
        factors,
        command: shown,
    })
}

/// Fails unless the run wrote generated modules (a generator that silently wrote nothing would
/// look fast).
fn written(output: &Path, copies: usize) -> Result<(), String> {
    let modules: Vec<PathBuf> = std::fs::read_dir(output)
        .map_err(|e| format!("{copies}×: {}: {e}", output.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "rs"))
        .collect();
    if modules.len() < 2 {
        return Err(format!(
            "{copies}×: generation wrote {} module(s) to {}",
            modules.len(),
            output.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r##"
openapi: 3.0.3
info: {title: small, version: 1.0.0}
x-client-base-path: /v5/{project_id}
x-product: s2c
security:
  - AkSk: []
paths:
  /v5/{project_id}/things/{thing_id}:
    get:
      operationId: ShowThing
      x-waiter: {resource: thing, name: thing, id: /thing/id, status: /thing/status, ready: [ACTIVE], failed: [ERROR]}
      parameters:
        - $ref: '#/components/parameters/ProjectId'
        - {name: thing_id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          headers:
            X-Request-Id: {$ref: '#/components/headers/XRequestId'}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ShowThingResponse'}
              examples:
                one: {$ref: '#/components/examples/OneThing'}
        '4XX': {$ref: '#/components/responses/ClientError'}
components:
  securitySchemes:
    AkSk: {type: apiKey, in: header, name: Authorization}
  parameters:
    ProjectId: {name: project_id, in: path, required: true, schema: {type: string}}
  headers:
    XRequestId: {schema: {type: string}}
  examples:
    OneThing: {value: {thing: {id: a}}}
  responses:
    ClientError:
      description: error
      content:
        application/json:
          schema: {$ref: '#/components/schemas/ErrorBody'}
  schemas:
    ShowThingResponse:
      type: object
      properties:
        thing: {$ref: '#/components/schemas/Thing'}
    Thing:
      type: object
      properties:
        id: {type: string}
        status: {$ref: '#/components/schemas/Thing~1Status'}
    Thing/Status: {type: string, enum: [ACTIVE, ERROR]}
    ErrorBody:
      type: object
      properties:
        detail: {$ref: '#/components/schemas/ErrorDetail'}
    ErrorDetail: {type: object}
"##;

    fn small() -> Value {
        serde_norway::from_str(SMALL).unwrap()
    }

    fn refs(doc: &Value) -> Vec<String> {
        let mut out = Vec::new();
        collect_refs(doc, &mut out);
        out
    }

    fn operation_ids(doc: &Value) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for method in METHODS {
                if let Some(id) = item.pointer(&format!("/{method}/operationId")) {
                    ids.insert(id.as_str().unwrap().to_string());
                }
            }
        }
        ids
    }

    #[test]
    fn one_copy_is_the_spec_itself() {
        assert_eq!(repeat(&small(), 1).unwrap(), small());
    }

    #[test]
    fn a_second_copy_is_renamed_and_every_ref_resolves() {
        let doc = repeat(&small(), 2).unwrap();
        let paths: BTreeSet<&String> = doc["paths"].as_object().unwrap().keys().collect();
        assert_eq!(
            paths.into_iter().cloned().collect::<Vec<_>>(),
            [
                "/v5/{project_id}/c2/things/{thing_id}",
                "/v5/{project_id}/things/{thing_id}"
            ]
        );
        assert_eq!(
            operation_ids(&doc).into_iter().collect::<Vec<_>>(),
            ["ShowThing", "ShowThingC2"]
        );
        let copy = &doc["paths"]["/v5/{project_id}/c2/things/{thing_id}"]["get"];
        assert_eq!(copy["x-waiter"]["name"], "thing_c2");
        assert_eq!(copy["x-waiter"]["status"], "/thing/status");
        assert_eq!(
            copy["parameters"][0]["$ref"],
            "#/components/parameters/ProjectIdC2"
        );
        assert_eq!(
            copy.pointer("/responses/200/content/application~1json/schema/$ref"),
            Some(&Value::from("#/components/schemas/ShowThingResponseC2"))
        );
        assert_eq!(
            doc["components"]["schemas"]["ThingC2"]["properties"]["status"]["$ref"],
            "#/components/schemas/Thing~1StatusC2"
        );
        // The original is untouched.
        let original = &doc["paths"]["/v5/{project_id}/things/{thing_id}"]["get"];
        assert_eq!(original["x-waiter"]["name"], "thing");
        assert_eq!(
            original["parameters"][0]["$ref"],
            "#/components/parameters/ProjectId"
        );
        // Every component has its copy, except the shared error schema, what it references
        // and the security scheme.
        let components = doc["components"].as_object().unwrap();
        for (section, names) in [
            ("parameters", vec!["ProjectId", "ProjectIdC2"]),
            ("headers", vec!["XRequestId", "XRequestIdC2"]),
            ("examples", vec!["OneThing", "OneThingC2"]),
            ("responses", vec!["ClientError", "ClientErrorC2"]),
            ("securitySchemes", vec!["AkSk"]),
            (
                "schemas",
                vec![
                    "ErrorBody",
                    "ErrorDetail",
                    "ShowThingResponse",
                    "ShowThingResponseC2",
                    "Thing",
                    "Thing/Status",
                    "Thing/StatusC2",
                    "ThingC2",
                ],
            ),
        ] {
            let mut keys: Vec<&str> = components[section]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            assert_eq!(keys, names, "{section}");
        }
        assert_eq!(
            doc["components"]["responses"]["ClientErrorC2"]
                .pointer("/content/application~1json/schema/$ref"),
            Some(&Value::from("#/components/schemas/ErrorBody"))
        );
        let all = refs(&doc);
        assert_eq!(all.len(), 2 * refs(&small()).len() - 1); // ErrorBody's ref to ErrorDetail: once
        for target in all {
            let pointer = target.strip_prefix('#').unwrap();
            assert!(doc.pointer(pointer).is_some(), "{target} does not resolve");
        }
    }

    #[test]
    fn four_copies_and_a_spec_without_base_path() {
        let mut legacy = small();
        let legacy_map = legacy.as_object_mut().unwrap();
        legacy_map.remove("x-client-base-path");
        let doc = repeat(&legacy, 4).unwrap();
        let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
        assert_eq!(paths.len(), 4);
        for k in 2..=4 {
            let path = format!("/c{k}/v5/{{project_id}}/things/{{thing_id}}");
            assert!(paths.contains(&&path), "{paths:?}");
        }
        assert_eq!(operation_ids(&doc).len(), 4);
        assert_eq!(
            doc["components"]["schemas"].as_object().unwrap().len(),
            2 + 3 * 4
        );
    }

    #[test]
    fn a_ref_into_the_paths_follows_the_renamed_path() {
        let renames = Renames {
            suffix: "C3".into(),
            segment: "c3".into(),
            base: "/v5/{project_id}".into(),
            components: BTreeMap::new(),
        };
        assert_eq!(
            renames.reference("#/paths/~1v5~1{project_id}~1things/get"),
            "#/paths/~1v5~1{project_id}~1c3~1things/get"
        );
        assert_eq!(renames.reference("other.yaml#/x"), "other.yaml#/x");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(repeat(&Value::from("text"), 2).is_err());
        let mut clash = small();
        clash["paths"]
            .as_object_mut()
            .unwrap()
            .insert("/v5/{project_id}/c2/things/{thing_id}".into(), Value::Null);
        assert!(repeat(&clash, 2).unwrap_err().contains("is there already"));
        // Odd shapes (lint's business) are copied as far as they go, without a panic.
        for (key, odd) in [
            ("components", Value::from(3)),
            ("paths", Value::from(vec![1, 2])),
            ("x-client-base-path", Value::Null),
        ] {
            let mut doc = small();
            doc[key] = odd;
            assert!(repeat(&doc, 2).is_ok(), "{key}");
        }
        let mut odd = small();
        odd["components"]["schemas"] = Value::Null;
        odd["paths"]["/v5/{project_id}/things/{thing_id}"]["get"] = Value::from("get");
        assert!(repeat(&odd, 3).is_ok());
    }

    /// The real specs, repeated twice, still pass the project's lint (when the specs in the
    /// working tree do: another change in progress is not this test's business).
    #[test]
    fn the_real_specs_repeated_lint_clean() {
        let root = xtask::spec::workspace_root();
        let Ok(specs) = xtask::generate::load_all(&root) else {
            return;
        };
        if !xtask::generate::lint_all(&specs).is_empty() {
            return;
        }
        for spec in specs {
            let doc = repeat(&spec.doc, 2).unwrap();
            let text = serde_norway::to_string(&doc).unwrap();
            let copy = xtask::spec::parse(&spec.rel_path, &text).unwrap();
            let findings = xtask::lint::lint(&copy);
            assert!(findings.is_empty(), "{}: {findings:#?}", spec.rel_path);
            assert_eq!(
                copy.doc["paths"].as_object().unwrap().len(),
                2 * spec.doc["paths"].as_object().unwrap().len()
            );
        }
    }
}
