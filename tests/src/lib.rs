//! Helpers shared by the test suites: where the fixtures are, and what each one is.

pub mod iam_standin;
pub mod logs;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// What a fixture file holds, read from its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `request.<label>.json`: a request body.
    Request,
    /// `response-<status>.<label>.json`: a response body with that status.
    Response(u16),
}

/// One fixture file.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// The operation (folder name), e.g. `CreateVpnConnection`.
    pub operation: String,
    /// File name, e.g. `response-201.seed-003.json`.
    pub file: String,
    pub kind: Kind,
    pub label: String,
    pub body: Value,
}

impl Fixture {
    /// A short name for snapshots and messages: `CreateVpnConnection/response-201.seed-003`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.operation, self.file.trim_end_matches(".json"))
    }
}

/// Every fixture under `tests/fixtures/`, sorted by operation and file name.
///
/// Panics with the file name if a fixture's name or JSON is malformed: a broken fixture is a
/// test failure, not something to skip.
pub fn fixtures() -> Vec<Fixture> {
    let dir = root().join("tests/fixtures");
    let mut out = Vec::new();
    let mut ops: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    ops.sort();
    for op_dir in ops.into_iter().filter(|p| p.is_dir()) {
        let operation = op_dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&op_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = file.trim_end_matches(".json");
            let (head, label) = stem
                .split_once('.')
                .map(|(h, l)| (h.to_string(), l.to_string()))
                .unwrap_or_else(|| panic!("{operation}/{file}: name is not <kind>.<label>.json"));
            let kind = if head == "request" {
                Kind::Request
            } else if let Some(code) = head.strip_prefix("response-") {
                Kind::Response(
                    code.parse()
                        .unwrap_or_else(|_| panic!("{operation}/{file}: bad status")),
                )
            } else {
                panic!("{operation}/{file}: name must start with request. or response-<status>.")
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let body = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{operation}/{file}: not JSON: {e}"));
            out.push(Fixture {
                operation: operation.clone(),
                file,
                kind,
                label,
                body,
            });
        }
    }
    out
}

/// The fixtures of one operation and kind.
pub fn fixture(operation: &str, file: &str) -> Value {
    let path = root().join("tests/fixtures").join(operation).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The loaded specs, keyed by module name (`vpn_v5`, `ipsec_v2`).
pub fn specs() -> Vec<xtask::spec::SpecFile> {
    xtask::generate::load_all(&root()).unwrap()
}

/// Finds an operation by `operationId` in the specs: (spec, path, method, operation pointer).
pub fn find_operation(
    specs: &[xtask::spec::SpecFile],
    operation_id: &str,
) -> Option<(usize, String, String, String)> {
    for (i, spec) in specs.iter().enumerate() {
        for op in xtask::spec::operations(&spec.doc) {
            if op.op.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                return Some((
                    i,
                    op.path.to_string(),
                    op.method.to_string(),
                    op.pointer.clone(),
                ));
            }
        }
    }
    None
}

/// The JSON pointer of the schema a fixture must match, in its spec.
///
/// Requests: the request body's schema. Responses: the schema under the exact status, else
/// under its class (`4XX`), following a `$ref`'d response.
pub fn schema_pointer(
    spec: &xtask::spec::SpecFile,
    op_pointer: &str,
    kind: &Kind,
) -> Option<String> {
    let doc = &spec.doc;
    match kind {
        Kind::Request => {
            let at = format!("{op_pointer}/requestBody/content/application~1json/schema");
            doc.pointer(&at).map(|_| at)
        }
        Kind::Response(code) => {
            let class = format!("{}XX", code / 100);
            for key in [code.to_string(), class] {
                let at = format!("{op_pointer}/responses/{key}");
                let Some(response) = doc.pointer(&at) else {
                    continue;
                };
                let (_, resolved_at) = xtask::spec::deref(doc, response, &at)?;
                let schema_at = format!("{resolved_at}/content/application~1json/schema");
                return doc.pointer(&schema_at).map(|_| schema_at);
            }
            None
        }
    }
}
