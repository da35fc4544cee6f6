//! `cargo xtask diff` on a change set: a base spec (tests/diff/base.yaml) and one change per
//! file under tests/diff/changes/ (a small JSON-Patch-like list of operations, or a full text).
//! Each change's report is pinned with insta (`cargo insta review` to accept); each file also
//! states the kind, wire verdict and semver level it must produce, checked here. The semver
//! levels come from generating base and variant through the real pipeline.
//!
//! `DIFF_CHANGE_SET_OUT=DIR cargo test -p xtask --test diff -- --ignored write_change_set`
//! writes the base and every variant as JSON files for scripts/diff-tools.sh.

use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::diff::{self, Semver, Wire};

const FILE: &str = "connections.yaml";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn base_text() -> String {
    std::fs::read_to_string(data().join("base.yaml")).unwrap()
}

fn base_doc() -> Value {
    serde_norway::from_str(&base_text()).unwrap()
}

struct Variant {
    stem: String,
    title: String,
    expect: Value,
    /// The old spec's text: `base.yaml`, or it patched by the case's `base-patch` (a change
    /// that needs another starting point: an optional body made required, a nullable field
    /// made not nullable).
    base: String,
    /// The new spec's text.
    text: String,
}

fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn parent<'a>(doc: &'a mut Value, pointer: &str) -> (&'a mut Value, String) {
    let mut t = tokens(pointer);
    let last = t.pop().expect("a pointer below the root");
    let mut node = doc;
    for token in t {
        node = match node {
            Value::Object(m) => m.get_mut(&token),
            Value::Array(a) => token.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .unwrap_or_else(|| panic!("{pointer}: `{token}` not found"));
    }
    (node, last)
}

fn add(doc: &mut Value, pointer: &str, value: Value) {
    let (node, last) = parent(doc, pointer);
    match node {
        Value::Object(m) => {
            m.insert(last, value);
        }
        Value::Array(a) if last == "-" => a.push(value),
        Value::Array(a) => a.insert(last.parse().unwrap(), value),
        _ => panic!("{pointer}: cannot add here"),
    }
}

fn remove(doc: &mut Value, pointer: &str) -> Value {
    let (node, last) = parent(doc, pointer);
    match node {
        Value::Object(m) => m.remove(&last),
        Value::Array(a) => Some(a.remove(last.parse().unwrap())),
        _ => None,
    }
    .unwrap_or_else(|| panic!("{pointer}: nothing to remove"))
}

/// Applies `add`, `remove`, `replace` and `move` operations (RFC 6902 semantics).
fn apply(doc: &mut Value, patch: &[Value]) {
    for op in patch {
        let path = op["path"].as_str().unwrap();
        match op["op"].as_str().unwrap() {
            "add" => add(doc, path, op["value"].clone()),
            "remove" => {
                remove(doc, path);
            }
            "replace" => {
                remove(doc, path);
                add(doc, path, op["value"].clone());
            }
            "move" => {
                let value = remove(doc, op["from"].as_str().unwrap());
                add(doc, path, value);
            }
            other => panic!("unknown op {other}"),
        }
    }
}

fn variants() -> Vec<Variant> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data().join("changes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let spec: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let text = match spec.get("text").and_then(Value::as_str) {
                Some(text) => text.to_string(),
                None => {
                    let mut doc = base_doc();
                    apply(&mut doc, spec["patch"].as_array().unwrap());
                    serde_norway::to_string(&doc).unwrap()
                }
            };
            let base = match spec.get("base-patch").and_then(Value::as_array) {
                Some(patch) => {
                    let mut doc = base_doc();
                    apply(&mut doc, patch);
                    serde_norway::to_string(&doc).unwrap()
                }
                None => base_text(),
            };
            Variant {
                base,
                stem: path.file_stem().unwrap().to_string_lossy().into_owned(),
                title: spec["title"].as_str().unwrap().to_string(),
                expect: spec["expect"].clone(),
                text,
            }
        })
        .collect()
}

/// Every variant with its report, computed once for all tests (generation takes a while).
fn all() -> &'static [(Variant, diff::Report)] {
    static ALL: std::sync::OnceLock<Vec<(Variant, diff::Report)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        variants()
            .into_iter()
            .map(|v| {
                let r = report_for(&v);
                (v, r)
            })
            .collect()
    })
}

fn report_for(v: &Variant) -> diff::Report {
    let mut pairs = std::collections::BTreeMap::new();
    pairs.insert(
        FILE.to_string(),
        (Some(v.base.clone()), Some(v.text.clone())),
    );
    diff::compare_all("base.yaml", &format!("changes/{}.yaml", v.stem), &pairs)
}

#[test]
fn base_spec_lints_clean_and_generates() {
    let spec = xtask::spec::parse(FILE, &base_text()).unwrap();
    let findings = xtask::lint::lint(&spec);
    assert!(findings.is_empty(), "{findings:#?}");
    xtask::generate::generate_module(&spec).unwrap();
}

#[test]
fn change_set_is_large_enough() {
    let vs = variants();
    assert!(vs.len() >= 25, "{} changes", vs.len());
    let kinds: std::collections::BTreeSet<String> = vs
        .iter()
        .map(|v| v.expect["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(
        kinds.len() >= 25,
        "{} distinct kinds: {kinds:?}",
        kinds.len()
    );
}

/// Every variant lints clean except the ones meant to be broken, so that each report shows one
/// change and not lint noise.
#[test]
fn variants_lint_clean_unless_meant_to_break() {
    for v in variants() {
        let broken = v.expect["rust"] == "unknown";
        match xtask::spec::parse(FILE, &v.text) {
            Ok(spec) => {
                let findings = xtask::lint::lint(&spec);
                assert_eq!(!findings.is_empty(), broken, "{}: {findings:#?}", v.stem);
            }
            Err(e) => assert!(broken, "{}: {e}", v.stem),
        }
    }
}

fn wire_name(w: Wire) -> String {
    serde_json::to_value(w)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn each_change_is_reported_as_expected() {
    let mut failures = Vec::new();
    for (v, report) in all() {
        let file = &report.files[0];
        let kind = v.expect["kind"].as_str().unwrap();
        let wire = v.expect["wire"].as_str().unwrap();
        let rust = v.expect["rust"].as_str().unwrap();
        if kind == "none" {
            if !file.changes.is_empty() || file.head.parses {
                failures.push(format!(
                    "{}: expected no change and a head that does not parse",
                    v.stem
                ));
            }
            continue;
        }
        let Some(change) = file.changes.iter().find(|c| c.kind.name() == kind) else {
            failures.push(format!(
                "{}: no `{kind}` change; got {:?}",
                v.stem,
                file.changes
                    .iter()
                    .map(|c| c.kind.name())
                    .collect::<Vec<_>>()
            ));
            continue;
        };
        let got_wire = wire_name(change.wire);
        let got_rust = change
            .rust
            .map(|r| r.label().to_string())
            .unwrap_or("unknown".into());
        if got_wire != wire || got_rust != rust {
            failures.push(format!(
                "{}: `{kind}` expected wire {wire} / rust {rust}, got {got_wire} / {got_rust} ({} | {})",
                v.stem, change.wire_reason, change.rust_reason
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reports_are_pinned() {
    for (v, report) in all() {
        let md = diff::render::markdown(report);
        insta::assert_snapshot!(format!("change_{}", v.stem), md, &v.title);
    }
}

#[test]
fn json_report_is_pinned() {
    let (_, report) = all()
        .iter()
        .find(|(v, _)| v.stem.contains("request-field-added-required"))
        .unwrap();
    insta::assert_snapshot!(
        "json_request_field_added_required",
        diff::render::json(report)
    );
}

#[test]
fn reports_are_deterministic() {
    for (v, report) in all().iter().take(6) {
        let a = diff::render::json(report);
        let b = diff::render::json(&report_for(v));
        assert_eq!(a, b, "{}", v.stem);
    }
}

/// drift's findings are a subset of ours: whenever drift says a change breaks old clients
/// (backward-incompatible) or new clients (forward-incompatible), our report has a change with
/// that verdict too.
#[test]
fn ours_covers_drift() {
    let mut failures = Vec::new();
    for (v, report) in all() {
        let file = &report.files[0];
        for finding in &file.drift.findings {
            let needs_callers = matches!(
                finding.class.as_str(),
                "backward-incompatible" | "incompatible"
            );
            let needs_servers = matches!(
                finding.class.as_str(),
                "forward-incompatible" | "incompatible"
            );
            let callers = file.changes.iter().any(|c| c.wire.breaks_callers());
            let servers = file.changes.iter().any(|c| c.wire.breaks_servers());
            let any = !file.changes.is_empty();
            if !any || (needs_callers && !callers) || (needs_servers && !servers) {
                failures.push(format!(
                    "{}: drift says {} `{}` at {}",
                    v.stem, finding.class, finding.message, finding.at
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The semver levels come from the generated code: an open (response) enum and a closed
/// (request) enum both gain a variant, and the reasons say which is which.
#[test]
fn enum_verdicts_come_from_the_generated_code() {
    let find = |stem: &str| &all().iter().find(|(v, _)| v.stem.contains(stem)).unwrap().1;
    let open = find("response-enum-value-added");
    let api = &open.files[0].api_changes;
    assert!(
        api.iter()
            .any(|a| a.item == "types::ConnectionStatus::Pending"
                && a.reason.contains("Unrecognized")
                && a.level == Semver::Major),
        "{api:#?}"
    );
    let closed = find("request-enum-value-added");
    let api = &closed.files[0].api_changes;
    assert!(
        api.iter()
            .any(|a| a.item == "types::ConnectionStyle::Policy"
                && !a.reason.contains("Unrecognized")),
        "{api:#?}"
    );
    // A response limit is not in the generated code: no API change at all.
    let loosened = find("response-length-loosened");
    assert!(loosened.files[0].api_changes.is_empty());
    assert!(!loosened.files[0].generated_code_changed);
}

#[test]
fn fail_on_levels() {
    let find = |stem: &str| &all().iter().find(|(v, _)| v.stem.contains(stem)).unwrap().1;
    let breaking = find("request-field-added-required");
    let example = find("request-example-changed");
    let broken = find("does-not-parse");
    let fails = |r: &diff::Report, level: &str| {
        let o = diff::Options::parse(&["--fail-on", level]).unwrap();
        xtask::diff::fails(r, o.fail_on)
    };
    assert!(fails(breaking, "breaking"));
    assert!(fails(breaking, "major"));
    assert!(fails(breaking, "any"));
    assert!(!fails(example, "breaking"));
    assert!(!fails(example, "major"));
    assert!(fails(example, "any"));
    assert!(
        fails(broken, "breaking"),
        "a head that does not parse fails every level"
    );
    let never = diff::Options::parse(&[]).unwrap();
    assert!(!xtask::diff::fails(breaking, never.fail_on));
    // An exposed secret fails every level, `secret` included; nothing else fails `secret`.
    let exposed = find("secret-removed");
    let hidden = find("secret-added");
    for level in ["secret", "breaking", "major", "any"] {
        assert!(fails(exposed, level), "{level}");
    }
    assert!(!fails(breaking, "secret"));
    assert!(!fails(hidden, "secret"));
    let md = diff::render::markdown(exposed);
    let first = md
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with("## "))
        .unwrap();
    assert!(first.starts_with("> **Secret exposed**"), "{md}");
}

#[test]
fn options_parse() {
    let o = diff::Options::parse(&["--base", "HEAD~3", "--format", "json", "--fail-on", "major"])
        .unwrap();
    assert_eq!(o.base, "HEAD~3");
    assert!(o.json);
    let o = diff::Options::parse(&["a.yaml", "b.yaml"]).unwrap();
    assert_eq!(o.files, Some(("a.yaml".into(), "b.yaml".into())));
    assert!(diff::Options::parse(&["a.yaml"]).is_err());
    assert!(diff::Options::parse(&["--format", "html"]).is_err());
    assert!(diff::Options::parse(&["--fail-on"]).is_err());
    assert!(diff::Options::parse(&["--base", "HEAD", "a.yaml", "b.yaml"]).is_err());
}

/// Odd input is reported, never a panic.
#[test]
fn odd_specs_are_reported_not_crashed() {
    let odd = [
        "",
        "[]",
        "openapi: 3.0.3",
        "openapi: 3.0.3\npaths: {/x: {get: {responses: {'200': {content: {application/json: {schema: 5}}}}}}}",
        "openapi: 3.0.3\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}",
        "openapi: 3.0.3\npaths: {/x: {get: {operationId: X, requestBody: {content: {text/plain: {}}}, responses: {}}}}",
    ];
    for a in odd {
        for b in odd {
            let report = diff::compare_texts(FILE, Some(a), Some(b));
            let _ = diff::render::markdown(&diff::Report {
                base: "a".into(),
                head: "b".into(),
                files: vec![report],
            });
        }
        let report = diff::compare_texts(FILE, Some(&base_text()), Some(a));
        assert!(!report.head.still_generates(), "{a:?}");
    }
}

/// The project's own specs at HEAD, read through git (read-only), compare without error.
#[test]
fn git_mode_reads_the_project_specs() {
    let root = xtask::spec::workspace_root();
    if !root.join(".git").exists() {
        return;
    }
    let pairs = diff::cli::pairs_from_git(&root, "HEAD").unwrap();
    assert!(
        pairs.contains_key("openapi/vpn-v5.yaml"),
        "{:?}",
        pairs.keys()
    );
    assert!(diff::cli::pairs_from_git(&root, "no-such-revision-xyz").is_err());
}

#[test]
#[ignore = "writes the change set for scripts/diff-tools.sh"]
fn write_change_set() {
    let out = PathBuf::from(std::env::var("DIFF_CHANGE_SET_OUT").expect("DIFF_CHANGE_SET_OUT"));
    std::fs::create_dir_all(&out).unwrap();
    let json = |text: &str| -> Option<String> {
        serde_norway::from_str::<Value>(text)
            .ok()
            .map(|v| serde_json::to_string_pretty(&v).unwrap())
    };
    std::fs::write(out.join("base.json"), json(&base_text()).unwrap()).unwrap();
    let mut index = Vec::new();
    // The other tools compare every case against one base: the cases with their own are left
    // out of their table.
    for v in variants().into_iter().filter(|v| v.base == base_text()) {
        let name = format!("{}.json", v.stem);
        match json(&v.text) {
            Some(text) => std::fs::write(out.join(&name), text).unwrap(),
            // Not YAML: the tools get the raw text.
            None => std::fs::write(out.join(&name), &v.text).unwrap(),
        }
        index.push(
            serde_json::json!({"id": v.stem, "title": v.title, "expect": v.expect, "file": name}),
        );
    }
    std::fs::write(
        out.join("index.json"),
        serde_json::to_string_pretty(&index).unwrap(),
    )
    .unwrap();
}
