//! Loading the hand-written specs and walking them by JSON pointer.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One spec file under `openapi/`, parsed into a JSON value (YAML is a superset we read with
/// `serde_norway`; JSON keeps the pointers and the lint independent of `openapiv3`'s model).
#[derive(Clone, Debug)]
pub struct SpecFile {
    /// Path relative to the workspace root, with `/` separators, e.g. `openapi/vpn-v5.yaml`.
    pub rel_path: String,
    /// Rust module name the spec is generated into, e.g. `vpn_v5`.
    pub module: String,
    pub doc: Value,
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Every `openapi/*.yaml`, sorted by file name so that output order is deterministic.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("openapi");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no *.yaml spec found", dir.display()));
    }
    Ok(files)
}

/// Reads and parses one spec. A YAML syntax error names the file, line and column.
pub fn load(root: &Path, path: &Path) -> Result<SpecFile, String> {
    let rel_path = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let text = std::fs::read_to_string(path).map_err(|e| format!("{rel_path}: {e}"))?;
    parse(&rel_path, &text)
}

/// Parses spec text; `rel_path` is used for messages and to name the module.
pub fn parse(rel_path: &str, text: &str) -> Result<SpecFile, String> {
    let doc: Value =
        serde_norway::from_str(text).map_err(|e| format!("{rel_path}: not valid YAML: {e}"))?;
    if !doc.is_object() {
        return Err(format!("{rel_path}: the document is not a mapping"));
    }
    let stem = Path::new(rel_path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let module = stem.replace(['-', '.'], "_");
    Ok(SpecFile {
        rel_path: rel_path.to_string(),
        module,
        doc,
    })
}

/// Escapes one JSON-pointer token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins a pointer and a token.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// Resolves a local `$ref` such as `#/components/schemas/Tag`.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// Follows `$ref` chains (at most 32 hops) and returns the target and its pointer.
pub fn deref<'a>(doc: &'a Value, value: &'a Value, pointer: &str) -> Option<(&'a Value, String)> {
    let mut current = value;
    let mut at = pointer.to_string();
    for _ in 0..32 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                current = resolve(doc, r)?;
                at = r.trim_start_matches('#').to_string();
            }
            None => return Some((current, at)),
        }
    }
    None
}

/// The HTTP methods an OpenAPI path item may hold, in the order they are reported.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation found in `paths`.
pub struct Operation<'a> {
    pub path: &'a str,
    pub method: &'static str,
    pub pointer: String,
    pub op: &'a Value,
}

/// Every operation, in document order of paths and in [`METHODS`] order.
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    let pointer = join(&join("/paths", path), method);
                    out.push(Operation {
                        path,
                        method,
                        pointer,
                        op,
                    });
                }
            }
        }
    }
    out
}

/// Whether a response key (`"200"`, `"2XX"`) is a success code.
pub fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

/// Runs `f`, and with `XTASK_TIMINGS` set in the environment prints how long it took on
/// stderr (`timing <label>: <duration>`): how the generator's steps are profiled.
pub fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    if std::env::var_os("XTASK_TIMINGS").is_none() {
        return f();
    }
    let start = std::time::Instant::now();
    let out = f();
    eprintln!("timing {label}: {:.1?}", start.elapsed());
    out
}
