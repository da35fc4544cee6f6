//! The report as Markdown (for a review) and as JSON.

use std::fmt::Write;

use super::{FileReport, Report, Semver, Side, Wire};

/// At most `n` characters of `text` (long progenitor errors), with an ellipsis.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(n).collect::<String>())
    }
}

/// Escapes text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn wire_cell(wire: Wire, reason: &str) -> String {
    let label = match wire {
        Wire::Compatible => wire.label().to_string(),
        _ => format!("**{}**", wire.label()),
    };
    format!("{label}: {}", cell(reason))
}

fn rust_cell(level: Option<Semver>, reason: &str) -> String {
    match level {
        Some(Semver::Major) => format!("**major**: {}", cell(reason)),
        Some(level) => format!("{}: {}", level.label(), cell(reason)),
        None => format!("unknown: {}", cell(reason.trim_start_matches("unknown: "))),
    }
}

fn side_text(side: &Side) -> String {
    if !side.present {
        return "absent".into();
    }
    if !side.parses {
        return format!(
            "**does not parse**: {}",
            cell(&clip(side.error.as_deref().unwrap_or("?"), 300))
        );
    }
    let lint = if side.lint.is_empty() {
        "lint clean".to_string()
    } else {
        format!(
            "**{} lint finding(s)** (`cargo xtask generate` refuses it)",
            side.lint.len()
        )
    };
    let generates = if side.generates {
        "generates".to_string()
    } else {
        format!(
            "**does not generate**: {}",
            cell(&clip(side.error.as_deref().unwrap_or("?"), 300))
        )
    };
    format!("parses, {lint}, {generates}")
}

fn counts(file: &FileReport) -> String {
    let mut parts = Vec::new();
    for wire in [
        Wire::BreaksCallersAndServers,
        Wire::BreaksCallers,
        Wire::BreaksServers,
        Wire::Compatible,
    ] {
        let n = file.changes.iter().filter(|c| c.wire == wire).count();
        if n > 0 {
            parts.push(format!("{} {n}", wire.label()));
        }
    }
    if parts.is_empty() {
        "no change".into()
    } else {
        parts.join(", ")
    }
}

fn rust_summary(file: &FileReport) -> String {
    match file.rust {
        Some(level) if file.api_changes.is_empty() && !file.generated_code_changed => {
            format!("{} (generated code identical)", level.label())
        }
        Some(level) if file.api_changes.is_empty() => {
            format!("{} (no public item changed)", level.label())
        }
        Some(Semver::Major) => "**major**".into(),
        Some(level) => level.label().into(),
        None if (file.base.generates || !file.base.present)
            && (file.head.generates || !file.head.present) =>
        {
            "none (generated code identical)".into()
        }
        None => "unknown (a side does not generate)".into(),
    }
}

/// Markdown fit to paste into a review.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Spec diff: `{}` → `{}`\n", report.base, report.head);
    // A secret made visible heads the report, whatever else changed.
    for (f, c) in report.secrets_exposed() {
        let at = if c.at.is_empty() {
            String::new()
        } else {
            format!(": {}", c.at)
        };
        let _ = writeln!(
            out,
            "> **Secret exposed** in `{}`, {}{at}: `x-secret` removed, so its value will show in logs and `Debug` output. Every `--fail-on` level fails on it.\n",
            f.file,
            c.subject.label()
        );
    }
    let _ = writeln!(
        out,
        "| spec | wire | Rust API (semver) | head still generates |\n|---|---|---|---|"
    );
    for f in &report.files {
        let generates = if !f.head.present {
            "n/a (removed)".to_string()
        } else if f.head.still_generates() {
            "yes".to_string()
        } else {
            "**no**".to_string()
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {generates} |",
            f.file,
            counts(f),
            rust_summary(f)
        );
    }
    for f in &report.files {
        if f.changes.is_empty()
            && f.api_changes.is_empty()
            && f.head.still_generates() == f.base.still_generates()
            && f.drift.findings.is_empty()
        {
            continue;
        }
        file_markdown(&mut out, f);
    }
    if !report.has_changes() {
        let _ = writeln!(out, "\nNo change.");
    }
    out
}

fn file_markdown(out: &mut String, f: &FileReport) {
    let _ = writeln!(out, "\n### `{}` (module `{}`)\n", f.file, f.module);
    let _ = writeln!(out, "- base: {}", side_text(&f.base));
    let _ = writeln!(out, "- head: {}", side_text(&f.head));
    for finding in f.head.lint.iter().take(10) {
        let _ = writeln!(out, "  - `{}`", finding.replace('`', "'"));
    }
    if f.head.lint.len() > 10 {
        let _ = writeln!(out, "  - … {} more", f.head.lint.len() - 10);
    }
    if !f.changes.is_empty() {
        let _ = writeln!(out, "\n#### Changes ({})\n", f.changes.len());
        let _ = writeln!(
            out,
            "| where | change | wire | Rust API |\n|---|---|---|---|"
        );
        for c in &f.changes {
            let at = if c.at.is_empty() {
                c.subject.label()
            } else {
                format!("{}: {}", c.subject.label(), c.at)
            };
            let _ = writeln!(
                out,
                "| {} | {}: {} | {} | {} |",
                cell(&at),
                c.kind.name(),
                cell(&c.detail),
                wire_cell(c.wire, &c.wire_reason),
                rust_cell(c.rust, &c.rust_reason)
            );
        }
    }
    if !f.api_changes.is_empty() {
        let _ = writeln!(
            out,
            "\n#### Generated API of `{}` ({} change(s), from the generated code of both sides)\n",
            f.module,
            f.api_changes.len()
        );
        let level_text = |level: Semver| match level {
            Semver::Major => "**major**".to_string(),
            other => other.label().to_string(),
        };
        // Many additions of one kind (a new API area) read better as one line.
        let mut groups: std::collections::BTreeMap<(Semver, String), Vec<&str>> =
            Default::default();
        for a in &f.api_changes {
            if a.change == "added" && a.level == Semver::Minor {
                let noun = match a.facet {
                    super::api::Facet::Type => "new types",
                    super::api::Facet::Method => "new methods",
                    super::api::Facet::Setter => "new optional builder methods",
                    _ => "other additions",
                };
                groups
                    .entry((a.level, noun.to_string()))
                    .or_default()
                    .push(&a.item);
            }
        }
        let grouped = |a: &super::ApiChange| {
            a.change == "added"
                && a.level == Semver::Minor
                && groups
                    .values()
                    .any(|items| items.len() > 5 && items.contains(&a.item.as_str()))
        };
        for a in &f.api_changes {
            if !grouped(a) {
                let _ = writeln!(out, "- {}: {}", level_text(a.level), a.reason);
            }
        }
        for ((level, noun), items) in &groups {
            if items.len() > 5 {
                let list: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
                let _ = writeln!(
                    out,
                    "- {}: {} {noun}: {}",
                    level_text(*level),
                    items.len(),
                    list.join(", ")
                );
            }
        }
    } else if f.base.generates && f.head.generates {
        let what = if f.generated_code_changed {
            "only non-API text (docs, request details) differs"
        } else {
            "identical"
        };
        let _ = writeln!(
            out,
            "\nGenerated API of `{}`: no public item changed ({what}).",
            f.module
        );
    }
    let d = &f.drift;
    let title = match (&d.error, d.ran) {
        (Some(e), true) => format!("drift 0.2 failed on this pair: {}", cell(e)),
        (Some(e), false) => format!("drift 0.2 not run: {}", cell(e)),
        (None, _) => format!(
            "drift 0.2 on the same pair: {} finding(s)",
            d.findings.len()
        ),
    };
    if d.findings.is_empty() {
        let _ = writeln!(out, "\n{title}.");
    } else {
        let _ = writeln!(
            out,
            "\n<details><summary>{title}</summary>\n\n| drift class | where | drift's message |\n|---|---|---|"
        );
        for x in &d.findings {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} |",
                x.class,
                cell(&x.at),
                cell(&x.message)
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
}

/// The report as pretty JSON.
pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
