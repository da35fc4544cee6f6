//! `cargo xtask diff`: what a spec change changes, on the wire and in the generated Rust API.
//!
//! Four layers, each kept separate so that a reviewer can tell where a verdict comes from:
//!
//! * [`walk`]: our own walker over the two spec documents (raw JSON values, `$ref`s not
//!   followed into other components: every component schema is compared once, by name, and
//!   every operation once, by `operationId`, then by method and path). It finds each change and
//!   classifies it for the wire with a one-line reason.
//! * [`api`]: the generated code of both sides, produced in memory by the real pipeline
//!   ([`crate::generate::generate_module`]), reduced to a model of its public items (types,
//!   fields, variants and their wire values, builder methods and whether they are required,
//!   client methods, value checks, redacted fields, the request each operation sends) and
//!   diffed. Each item change is classified under Rust semver (Cargo's SemVer rules).
//! * attribution ([`attribute`]): a spec change gets the semver level of the generated-API
//!   changes it produced, found by typify's and progenitor's naming rules. The levels
//!   themselves always come from the real generated code, never from the spec.
//! * [`drift_check`]: oxidecomputer's `drift` crate run on the same pair, as a cross-check.
//!
//! Rendering is in [`render`] (Markdown for a review, JSON).

pub mod api;
mod attribute;
pub mod cli;
pub mod drift_check;
pub mod render;
mod walk;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use api::{ApiChange, ApiModel};
pub use cli::{Options, fails, run};
pub use drift_check::{DriftFinding, DriftOutcome};

/// What a change does on the wire, between callers and servers written against either side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Wire {
    /// Callers and servers written against either side keep working together.
    Compatible,
    /// Servers written against the base do not satisfy the head: callers written against the
    /// head break on them (a new operation, a new request value). Deploy servers first.
    BreaksServers,
    /// Callers written against the base break on servers that follow the head.
    BreaksCallers,
    /// Both of the above.
    BreaksCallersAndServers,
}

impl Wire {
    /// The words used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Wire::Compatible => "compatible",
            Wire::BreaksServers => "breaks existing servers",
            Wire::BreaksCallers => "breaks existing callers",
            Wire::BreaksCallersAndServers => "breaks existing callers and servers",
        }
    }

    pub fn breaks_callers(self) -> bool {
        matches!(self, Wire::BreaksCallers | Wire::BreaksCallersAndServers)
    }

    pub fn breaks_servers(self) -> bool {
        matches!(self, Wire::BreaksServers | Wire::BreaksCallersAndServers)
    }

    /// The union of two verdicts (a schema used by requests and responses).
    pub fn join(self, other: Wire) -> Wire {
        match (
            self.breaks_callers() || other.breaks_callers(),
            self.breaks_servers() || other.breaks_servers(),
        ) {
            (true, true) => Wire::BreaksCallersAndServers,
            (true, false) => Wire::BreaksCallers,
            (false, true) => Wire::BreaksServers,
            (false, false) => Wire::Compatible,
        }
    }
}

/// What a change does to the generated crate's public API under semver (Cargo's SemVer
/// reference: code that compiled may stop compiling, or code that ran may now fail, is major).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    Patch,
    Minor,
    Major,
}

impl Semver {
    pub fn label(self) -> &'static str {
        match self {
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// Where the schema that changed is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Request,
    Response,
    /// Used by requests and responses.
    Both,
    /// Not used by any operation (on either side).
    Unused,
    /// Not about a schema (an operation's path, method, ...).
    Operation,
}

/// The kinds of change the walker reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    SpecAdded,
    SpecRemoved,
    OperationAdded,
    OperationRemoved,
    OperationIdChanged,
    PathChanged,
    MethodChanged,
    SuccessCodeChanged,
    ResponseAdded,
    ResponseRemoved,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequired,
    RequestBodyOptional,
    ParameterAdded,
    ParameterRemoved,
    ParameterRenamed,
    ParameterRequired,
    ParameterOptional,
    SchemaAdded,
    SchemaRemoved,
    PropertyAdded,
    PropertyRemoved,
    PropertyRequired,
    PropertyOptional,
    TypeChanged,
    ReferenceChanged,
    NullableAdded,
    NullableRemoved,
    EnumValueAdded,
    EnumValueRemoved,
    LimitTightened,
    LimitLoosened,
    PatternChanged,
    FormatChanged,
    DefaultChanged,
    ExampleChanged,
    SecretAdded,
    SecretRemoved,
    AdditionalPropertiesChanged,
    ServerAdded,
    ServerRemoved,
    SecuritySchemeAdded,
    SecuritySchemeRemoved,
    SecuritySchemeChanged,
    SecurityAdded,
    SecurityRemoved,
    HeaderAdded,
    HeaderRemoved,
    HeaderOptional,
}

impl Kind {
    /// The kind as the report spells it (`limit-tightened`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// What a change is about: an operation, a component schema or the spec file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Subject {
    Operation(String),
    Schema(String),
    Spec(String),
}

impl Subject {
    pub fn label(&self) -> String {
        match self {
            Subject::Operation(id) => format!("operation `{id}`"),
            Subject::Schema(name) => format!("schema `{name}`"),
            Subject::Spec(file) => format!("spec `{file}`"),
        }
    }
}

/// One change found by the walker, classified twice.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub subject: Subject,
    /// Where inside the subject (`request body field \`psk\``, `parameter \`limit\``), or empty.
    pub at: String,
    pub kind: Kind,
    /// What changed, in a few words (`\`maxLength\` 64 → 32`).
    pub detail: String,
    /// JSON pointer in the head document (in the base one for what was removed).
    pub pointer: String,
    pub direction: Direction,
    pub wire: Wire,
    pub wire_reason: String,
    /// `None` when the generated code of either side could not be produced.
    pub rust: Option<Semver>,
    pub rust_reason: String,
    /// The generated-API changes this spec change produced (their `item`s).
    pub rust_items: Vec<String>,
    #[serde(skip)]
    pub(crate) anchors: Vec<attribute::Anchor>,
}

/// One side (base or head) of a spec comparison.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Side {
    /// The file exists on this side.
    pub present: bool,
    /// It parses as YAML into a mapping.
    pub parses: bool,
    /// `cargo xtask lint` findings (generation refuses a spec that has any).
    pub lint: Vec<String>,
    /// The generator produced a module from it (progenitor, the passes, and the output
    /// parses as Rust; it is not compiled).
    pub generates: bool,
    /// Why it does not parse or generate.
    pub error: Option<String>,
}

impl Side {
    /// Would `cargo xtask generate` accept this side?
    pub fn still_generates(&self) -> bool {
        self.present && self.parses && self.lint.is_empty() && self.generates
    }
}

/// The comparison of one spec file.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub file: String,
    pub module: String,
    pub base: Side,
    pub head: Side,
    pub changes: Vec<Change>,
    /// Changes among the public items of the generated module, from the real generated code.
    pub api_changes: Vec<ApiChange>,
    /// The generated module text differs (even if only in docs).
    pub generated_code_changed: bool,
    /// The worst wire verdict among `changes`.
    pub wire: Wire,
    /// The semver level of the generated-API change; `None` when the generated code is
    /// identical or a side did not generate (see `base` and `head`).
    pub rust: Option<Semver>,
    pub drift: DriftOutcome,
}

/// The comparison of every spec.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub base: String,
    pub head: String,
    pub files: Vec<FileReport>,
}

impl Report {
    pub fn has_changes(&self) -> bool {
        self.files.iter().any(|f| {
            !f.changes.is_empty()
                || !f.api_changes.is_empty()
                || f.base.present != f.head.present
                || f.base.still_generates() != f.head.still_generates()
        })
    }

    /// A head spec that no longer parses or generates (while its base did, or is new).
    pub fn head_broken(&self) -> bool {
        self.files
            .iter()
            .any(|f| f.head.present && !f.head.still_generates())
    }

    /// The changes that expose a secret (`x-secret` removed): whatever the wire says, a value
    /// that was kept out of logs and `Debug` output no longer is.
    pub fn secrets_exposed(&self) -> Vec<(&FileReport, &Change)> {
        self.files
            .iter()
            .flat_map(|f| f.changes.iter().map(move |c| (f, c)))
            .filter(|(_, c)| c.kind == Kind::SecretRemoved)
            .collect()
    }

    pub fn breaks_callers(&self) -> bool {
        self.files
            .iter()
            .flat_map(|f| &f.changes)
            .any(|c| c.wire.breaks_callers())
    }

    pub fn rust_level(&self) -> Option<Semver> {
        self.files.iter().filter_map(|f| f.rust).max()
    }
}

/// Parses one side's text; `None` text means the file is absent on that side.
fn load_side(rel_path: &str, text: Option<&str>) -> (Side, Option<crate::spec::SpecFile>) {
    let mut side = Side::default();
    let Some(text) = text else {
        return (side, None);
    };
    side.present = true;
    match crate::spec::parse(rel_path, text) {
        Ok(spec) => {
            side.parses = true;
            side.lint = crate::lint::lint(&spec)
                .iter()
                .map(ToString::to_string)
                .collect();
            (side, Some(spec))
        }
        Err(e) => {
            side.error = Some(e);
            (side, None)
        }
    }
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into an error without printing the panic message.
///
/// One process-wide hook is installed once; it stays silent only on a thread inside `quietly`
/// and otherwise calls the previous hook, so concurrent tests keep their panic messages.
pub(crate) fn quietly<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    match result {
        Ok(result) => result,
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .map(|m| format!("panicked: {m}"))
            .unwrap_or_else(|| "panicked".into())),
    }
}

/// Generates one side's module in memory.
fn generate(side: &mut Side, spec: Option<&crate::spec::SpecFile>) -> Option<String> {
    let spec = spec?;
    match quietly(|| crate::generate::generate_module(spec)) {
        Ok(text) => {
            side.generates = true;
            Some(text)
        }
        Err(e) => {
            side.error = Some(e);
            None
        }
    }
}

/// Compares two versions of one spec file. `file` names it in the report (and, through its
/// stem, the generated module); `None` means the file does not exist on that side.
pub fn compare_texts(file: &str, base: Option<&str>, head: Option<&str>) -> FileReport {
    let (mut base_side, base_spec) = load_side(file, base);
    let (mut head_side, head_spec) = load_side(file, head);
    let module = crate::spec::parse(file, "{}")
        .map(|s| s.module)
        .unwrap_or_default();

    let empty = Value::Object(Default::default());
    let base_doc = base_spec.as_ref().map(|s| &s.doc);
    let head_doc = head_spec.as_ref().map(|s| &s.doc);

    // The walker needs both documents; an absent file compares as an empty document.
    let mut changes = match (base_doc, head_doc) {
        (Some(b), Some(h)) => {
            let mut c = walk::compare(b, h);
            c.extend(walk::spec_settings(file, b, h));
            c
        }
        (None, Some(h)) if !base_side.present => {
            let mut c = walk::compare(&empty, h);
            c.push(walk::spec_level(file, Kind::SpecAdded));
            c
        }
        (Some(b), None) if !head_side.present => {
            let mut c = walk::compare(b, &empty);
            c.push(walk::spec_level(file, Kind::SpecRemoved));
            c
        }
        _ => Vec::new(),
    };

    let base_code = generate(&mut base_side, base_spec.as_ref());
    let head_code = generate(&mut head_side, head_spec.as_ref());
    let empty_model = ApiModel::default();
    let models = match (&base_code, &head_code) {
        (Some(b), Some(h)) => Some((ApiModel::extract(b), ApiModel::extract(h))),
        (None, Some(h)) if !base_side.present => {
            Some((Ok(empty_model.clone()), ApiModel::extract(h)))
        }
        (Some(b), None) if !head_side.present => Some((ApiModel::extract(b), Ok(empty_model))),
        _ => None,
    };
    let (api_changes, rust) = match models {
        Some((Ok(b), Ok(h))) => {
            let api = api::diff(&b, &h);
            let level = api
                .iter()
                .map(|c| c.level)
                .max()
                .or_else(|| (base_code != head_code).then_some(Semver::Patch));
            (api, level)
        }
        Some((Err(e), _)) | Some((_, Err(e))) => {
            head_side
                .error
                .get_or_insert(format!("generated code does not parse: {e}"));
            (Vec::new(), None)
        }
        None => (Vec::new(), None),
    };
    let generated_code_changed = base_code != head_code;
    let rust_known = models_known(&base_side, &head_side);
    let known = rust_known.is_ok();
    attribute::attribute(&mut changes, &api_changes, rust_known);
    changes.sort_by_key(sort_key);

    let drift = match (base_doc, head_doc) {
        (Some(b), Some(h)) => drift_check::run(b, h),
        _ => DriftOutcome::not_run(
            "drift compares two documents; one side is absent or does not parse",
        ),
    };

    let wire = changes
        .iter()
        .map(|c| c.wire)
        .fold(Wire::Compatible, Wire::join);
    FileReport {
        file: file.to_string(),
        module,
        base: base_side,
        head: head_side,
        changes,
        api_changes,
        generated_code_changed,
        wire,
        rust: if known { rust } else { None },
        drift,
    }
}

/// Whether both generated sides are known (a side that is absent counts as an empty API).
fn models_known(base: &Side, head: &Side) -> Result<(), String> {
    let side_ok = |s: &Side, name: &str| -> Result<(), String> {
        if !s.present || s.generates {
            Ok(())
        } else {
            Err(format!("the {name} spec does not generate"))
        }
    };
    side_ok(base, "base")?;
    side_ok(head, "head")
}

fn sort_key(c: &Change) -> (u8, String, String, Kind, String) {
    let (order, name) = match &c.subject {
        Subject::Spec(f) => (0, f.clone()),
        Subject::Operation(id) => (1, id.clone()),
        Subject::Schema(name) => (2, name.clone()),
    };
    (order, name, c.at.clone(), c.kind, c.detail.clone())
}

/// Spec texts by file name: (base, head); `None` where the file is absent.
pub type Pairs = BTreeMap<String, (Option<String>, Option<String>)>;

/// Compares many files; `pairs` maps a file name to its (base, head) texts.
pub fn compare_all(base_label: &str, head_label: &str, pairs: &Pairs) -> Report {
    let files = pairs
        .iter()
        .map(|(file, (b, h))| compare_texts(file, b.as_deref(), h.as_deref()))
        .collect();
    Report {
        base: base_label.to_string(),
        head: head_label.to_string(),
        files,
    }
}
