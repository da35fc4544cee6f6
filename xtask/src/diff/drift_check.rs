//! oxidecomputer's `drift` (crates.io `drift` 0.2) on the same pair of documents.
//!
//! drift reads both documents with `openapiv3` 2.2 (the version the generator uses) and walks
//! operations (matched by method and path, parameter names ignored), parameters, request bodies,
//! responses and the schemas they reach. It classifies operation, parameter, body and response
//! code changes and schema kind/type changes; most schema-level differences (string, integer,
//! array and object details: lengths, ranges, patterns, enum values, required properties,
//! formats) it reports as `unhandled` without saying what changed, and it ignores defaults,
//! examples and extensions such as `x-secret`. It panics on some inputs (a media type added or
//! removed); that is caught and reported. We run it as a cross-check and show its findings
//! beside ours; the report's verdicts are our walker's.

use serde::Serialize;
use serde_json::Value;

/// One finding of drift.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DriftFinding {
    /// JSON pointer in the new document (the old one for removals) where drift saw the change.
    pub at: String,
    /// drift's class: backward-incompatible, forward-incompatible, incompatible, trivial,
    /// unhandled.
    pub class: String,
    pub message: String,
}

/// What drift said about a pair.
#[derive(Clone, Debug, Serialize)]
pub struct DriftOutcome {
    pub ran: bool,
    /// Why drift did not run or failed (its error or panic message).
    pub error: Option<String>,
    pub findings: Vec<DriftFinding>,
}

impl DriftOutcome {
    pub fn not_run(why: &str) -> DriftOutcome {
        DriftOutcome {
            ran: false,
            error: Some(why.to_string()),
            findings: Vec::new(),
        }
    }
}

fn class_name(class: drift::ChangeClass) -> &'static str {
    match class {
        drift::ChangeClass::BackwardIncompatible => "backward-incompatible",
        drift::ChangeClass::ForwardIncompatible => "forward-incompatible",
        drift::ChangeClass::Incompatible => "incompatible",
        drift::ChangeClass::Trivial => "trivial",
        drift::ChangeClass::Unhandled => "unhandled",
    }
}

/// Runs drift; a panic or an error becomes `error`.
pub fn run(base: &Value, head: &Value) -> DriftOutcome {
    let result = super::quietly(|| drift::compare(base, head).map_err(|e| format!("{e:#}")));
    match result {
        Ok(changes) => {
            let mut findings = Vec::new();
            for change in &changes {
                let Some(path) = change.paths.first() else {
                    continue;
                };
                for info in &change.changes {
                    let (stack, sub) = if path.new.current_pointer() == "#/paths" {
                        (&path.old, &info.old_subpath)
                    } else {
                        (&path.new, &info.new_subpath)
                    };
                    let (base, _) = stack.base_and_subpath();
                    let at = if sub.is_empty() {
                        base.to_string()
                    } else {
                        format!("{base}/{sub}")
                    };
                    findings.push(DriftFinding {
                        at: at.trim_start_matches('#').to_string(),
                        class: class_name(info.class).to_string(),
                        message: info.message.clone(),
                    });
                }
            }
            findings.sort();
            findings.dedup();
            DriftOutcome {
                ran: true,
                error: None,
                findings,
            }
        }
        Err(e) => DriftOutcome {
            ran: true,
            error: Some(e),
            findings: Vec::new(),
        },
    }
}
