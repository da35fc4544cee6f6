//! The report: one table row per measure (ours, the baseline, their ratio, the target and
//! whether it is met), the notes, how it was measured, and writing it between markers.

use std::path::Path;

/// Where `--write FILE` puts the report: between these two lines, which stay.
pub const BEGIN_MARKER: &str = "<!-- bench:begin -->";
pub const END_MARKER: &str = "<!-- bench:end -->";

/// A measured number with its text, or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Measured { value: f64, text: String },
    Absent(String),
}

impl Cell {
    pub fn measured(value: f64, text: impl Into<String>) -> Self {
        Cell::Measured {
            value,
            text: text.into(),
        }
    }

    pub fn absent(why: impl Into<String>) -> Self {
        Cell::Absent(why.into())
    }

    fn value(&self) -> Option<f64> {
        match self {
            Cell::Measured { value, .. } => Some(*value),
            Cell::Absent(_) => None,
        }
    }

    fn text(&self) -> &str {
        match self {
            Cell::Measured { text, .. } => text,
            Cell::Absent(why) => why,
        }
    }
}

/// Whether a target is met.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Met {
    Yes,
    No,
    /// No target, or nothing to judge it on.
    NotApplicable,
}

impl Met {
    fn text(self) -> &'static str {
        match self {
            Met::Yes => "yes",
            Met::No => "no",
            Met::NotApplicable => "—",
        }
    }
}

/// A target on the ratio ours ÷ baseline: at most `max_ratio`.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub max_ratio: f64,
    pub text: String,
}

/// ours ÷ baseline, and whether it is within the target. `None` when the ratio is not a
/// number (a baseline of zero, say).
pub fn evaluate(ours: f64, baseline: f64, target: Option<&Target>) -> Option<(f64, Met)> {
    let ratio = ours / baseline;
    if !ratio.is_finite() || baseline <= 0.0 || ours < 0.0 {
        return None;
    }
    let met = match target {
        Some(target) if ratio <= target.max_ratio => Met::Yes,
        Some(_) => Met::No,
        None => Met::NotApplicable,
    };
    Some((ratio, met))
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub what: String,
    pub ours: String,
    pub baseline: String,
    pub ratio: String,
    pub target: String,
    pub met: Met,
}

impl Row {
    /// A comparison of two numbers of the same unit; the ratio is ours ÷ baseline.
    pub fn compare(what: &str, ours: Cell, baseline: Cell, target: Option<Target>) -> Row {
        let judged = match (ours.value(), baseline.value()) {
            (Some(o), Some(b)) => evaluate(o, b, target.as_ref()),
            _ => None,
        };
        let (ratio, met) = match judged {
            Some((ratio, met)) => (format_ratio(ratio), met),
            None => ("—".to_string(), Met::NotApplicable),
        };
        Row {
            what: what.to_string(),
            ours: ours.text().to_string(),
            baseline: baseline.text().to_string(),
            ratio,
            target: target.map_or_else(|| "—".to_string(), |t| t.text),
            met,
        }
    }

    /// A comparison whose verdict comes from an interleaved ratio (`benches/paired.rs`):
    /// `ours` and `baseline` are shown as measured one after the other, and the ratio column
    /// gives the interleaved median with its quartiles, then the sequential ratio.
    pub fn paired(
        what: &str,
        ours: Cell,
        baseline: Cell,
        paired: Result<(f64, f64, f64), String>,
        target: Target,
    ) -> Row {
        let measured = paired.map(|(median, p25, p75)| {
            let how = format!(
                "interleaved (quartiles {}–{})",
                format_ratio(p25),
                format_ratio(p75)
            );
            (median, how)
        });
        Row::judged_on(what, ours, baseline, measured, target)
    }

    /// A comparison judged on the median of a few ratios taken in turns (cold builds, a minute
    /// each): `ours` and `baseline` as measured one after the other, and the ratio column the
    /// median with every round's ratio, then the sequential ratio.
    pub fn rounds(
        what: &str,
        ours: Cell,
        baseline: Cell,
        ratios: &Result<Vec<f64>, String>,
        target: Target,
    ) -> Row {
        let measured = ratios.clone().and_then(|ratios| {
            let median = median(&ratios).ok_or("no round")?;
            let each: Vec<String> = ratios.iter().map(|r| format_ratio(*r)).collect();
            let how = format!(
                "median of {} round(s) in turns ({})",
                ratios.len(),
                each.join(", ")
            );
            Ok((median, how))
        });
        Row::judged_on(what, ours, baseline, measured, target)
    }

    /// A row whose verdict is a ratio measured apart from the cells (`(ratio, how it was
    /// taken)`), shown first in bold, then the cells' own ratio one after the other.
    fn judged_on(
        what: &str,
        ours: Cell,
        baseline: Cell,
        measured: Result<(f64, String), String>,
        target: Target,
    ) -> Row {
        let sequential = match (ours.value(), baseline.value()) {
            (Some(o), Some(b)) => evaluate(o, b, None).map(|(ratio, _)| ratio),
            _ => None,
        };
        let (ratio, met) = match measured {
            Ok((ratio, how)) => {
                let met = if ratio <= target.max_ratio {
                    Met::Yes
                } else {
                    Met::No
                };
                let mut text = format!("**{}** {how}", format_ratio(ratio));
                if let Some(sequential) = sequential {
                    text.push_str(&format!(
                        "; {} one after the other",
                        format_ratio(sequential)
                    ));
                }
                (text, met)
            }
            Err(why) => (format!("— ({why})"), Met::NotApplicable),
        };
        Row {
            what: what.to_string(),
            ours: ours.text().to_string(),
            baseline: baseline.text().to_string(),
            ratio,
            target: target.text,
            met,
        }
    }

    /// A number of ours with nothing to compare it with.
    pub fn single(what: &str, ours: Cell) -> Row {
        Row::compare(what, ours, Cell::absent("—"), None)
    }

    /// A number of ours judged against an absolute limit (`ours ≤ max`), with no baseline.
    pub fn within(what: &str, ours: Cell, max: f64, target: &str) -> Row {
        let met = match ours.value() {
            Some(value) if value <= max => Met::Yes,
            Some(_) => Met::No,
            None => Met::NotApplicable,
        };
        Row {
            met,
            target: target.to_string(),
            ..Row::single(what, ours)
        }
    }

    /// The same row with its target shown but not judged (a smoke run's single, untimed or
    /// unrepresentative numbers).
    pub fn unjudged(self) -> Row {
        Row {
            met: Met::NotApplicable,
            ..self
        }
    }
}

/// The whole report.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// The paragraph above the table (which run this was).
    pub intro: String,
    pub rows: Vec<Row>,
    /// What went wrong or is worth knowing, one item each.
    pub notes: Vec<String>,
    /// How it was measured: commands, one item each.
    pub how: Vec<String>,
    /// The machine, one item each.
    pub machine: Vec<String>,
}

impl Report {
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        if !self.intro.is_empty() {
            out.push_str(self.intro.trim_end());
            out.push_str("\n\n");
        }
        out.push_str("| measure | ours | baseline | ratio (ours ÷ baseline) | target | met |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for row in &self.rows {
            let cells = [
                row.what.as_str(),
                row.ours.as_str(),
                row.baseline.as_str(),
                row.ratio.as_str(),
                row.target.as_str(),
                row.met.text(),
            ];
            out.push('|');
            for cell in cells {
                out.push(' ');
                out.push_str(&escape_cell(cell));
                out.push_str(" |");
            }
            out.push('\n');
        }
        for (title, items) in [
            ("Notes", &self.notes),
            ("How measured", &self.how),
            ("Machine", &self.machine),
        ] {
            if items.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{title}:\n\n"));
            for item in items {
                out.push_str(&format!("- {}\n", item.trim_end()));
            }
        }
        out
    }
}

/// A table cell: no line breaks, `|` escaped.
fn escape_cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

pub fn format_ratio(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 10.0 {
        format!("{ratio:.1}×")
    } else {
        format!("{ratio:.3}×")
    }
}

/// A duration given in nanoseconds, with three significant digits and a fitting unit.
pub fn format_ns(ns: f64) -> String {
    let (value, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{} {unit}", three_digits(value))
}

/// A rate or a count with three significant digits: `812`, `24.3 k`, `1.23 M`.
pub fn format_count(value: f64) -> String {
    if value >= 1e6 {
        format!("{} M", three_digits(value / 1e6))
    } else if value >= 1e3 {
        format!("{} k", three_digits(value / 1e3))
    } else {
        three_digits(value)
    }
}

/// Seconds with a precision that fits them.
pub fn format_seconds(seconds: f64) -> String {
    format_ns(seconds * 1e9)
}

fn three_digits(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// Bytes per iteration and nanoseconds per iteration as MB/s (10^6 bytes).
pub fn megabytes_per_second(bytes: u64, ns: f64) -> f64 {
    bytes as f64 / ns * 1e9 / 1e6
}

/// The median of some numbers (the mean of the middle two for an even count); `None` when
/// there are none or one is not a number.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan()) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    })
}

/// `text` with everything between the two markers replaced by `content`.
pub fn replace_between_markers(text: &str, content: &str) -> Result<String, String> {
    replace_between(text, BEGIN_MARKER, END_MARKER, content)
}

/// `text` with everything between `begin_marker` and `end_marker` (each once) replaced by
/// `content`.
pub fn replace_between(
    text: &str,
    begin_marker: &str,
    end_marker: &str,
    content: &str,
) -> Result<String, String> {
    let count = |marker: &str| text.matches(marker).count();
    match (count(begin_marker), count(end_marker)) {
        (1, 1) => {}
        (0, _) => return Err(format!("the marker {begin_marker} is missing")),
        (_, 0) => return Err(format!("the marker {end_marker} is missing")),
        (begin, end) => {
            return Err(format!(
                "each marker must appear once, found {begin_marker} {begin} times and \
                 {end_marker} {end} times"
            ));
        }
    }
    let (Some(begin), Some(end)) = (text.find(begin_marker), text.find(end_marker)) else {
        return Err("the markers vanished while reading".to_string());
    };
    if end < begin {
        return Err(format!("{end_marker} comes before {begin_marker}"));
    }
    let before = &text[..begin + begin_marker.len()];
    let after = &text[end..];
    Ok(format!("{before}\n{}\n{after}", content.trim_matches('\n')))
}

/// Replaces the text between the markers in the file at `path`; the error names the file.
pub fn write_between_markers(path: &Path, content: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let replaced =
        replace_between_markers(&text, content).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, replaced).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(max_ratio: f64) -> Target {
        Target {
            max_ratio,
            text: format!("≤ {max_ratio}×"),
        }
    }

    #[test]
    fn the_ratio_is_ours_over_the_baseline_and_the_target_is_inclusive() {
        assert_eq!(
            evaluate(105.0, 100.0, Some(&target(1.05))),
            Some((1.05, Met::Yes))
        );
        let (ratio, met) = evaluate(105.1, 100.0, Some(&target(1.05))).unwrap();
        assert!((ratio - 1.051).abs() < 1e-12);
        assert_eq!(met, Met::No);
        assert_eq!(
            evaluate(50.0, 100.0, Some(&target(1.10))),
            Some((0.5, Met::Yes))
        );
        assert_eq!(
            evaluate(300.0, 100.0, None),
            Some((3.0, Met::NotApplicable))
        );
        // Throughput within 20 %: the time ratio may be up to 1 / 0.8 = 1.25.
        assert_eq!(
            evaluate(1250.0, 1000.0, Some(&target(1.0 / 0.8)))
                .unwrap()
                .1,
            Met::Yes
        );
        assert_eq!(
            evaluate(1251.0, 1000.0, Some(&target(1.0 / 0.8)))
                .unwrap()
                .1,
            Met::No
        );
    }

    #[test]
    fn rounds_in_turns_are_judged_on_their_median() {
        let row = |ratios: &[f64]| {
            Row::rounds(
                "cold",
                Cell::measured(40.0, "40 s"),
                Cell::measured(32.0, "32 s"),
                &Ok(ratios.to_vec()),
                target(1.0),
            )
        };
        let over = row(&[1.13, 1.26, 1.18]);
        assert_eq!(over.met, Met::No);
        assert!(
            over.ratio
                .starts_with("**1.180×** median of 3 round(s) in turns (1.130×, 1.260×, 1.180×); 1.250× one after the other"),
            "{}",
            over.ratio
        );
        // The median, not the sequential ratio, decides.
        assert_eq!(row(&[0.9, 1.2, 0.95]).met, Met::Yes);
        let failed = Row::rounds(
            "cold",
            Cell::absent("failed"),
            Cell::measured(32.0, "32 s"),
            &Err("the build failed".to_string()),
            target(1.0),
        );
        assert_eq!(failed.met, Met::NotApplicable);
        assert_eq!(failed.ratio, "— (the build failed)");
        assert_eq!(row(&[]).ratio, "— (no round)");
    }

    #[test]
    fn an_absolute_limit_is_inclusive_and_needs_a_number() {
        let at = |seconds: f64| Row::within("gen", Cell::measured(seconds, "x"), 3.0, "≤ 3 s");
        assert_eq!(at(2.9).met, Met::Yes);
        assert_eq!(at(3.0).met, Met::Yes);
        assert_eq!(at(3.1).met, Met::No);
        assert_eq!(at(3.1).ratio, "—");
        assert_eq!(at(3.1).target, "≤ 3 s");
        assert_eq!(at(3.1).unjudged().met, Met::NotApplicable);
        let none = Row::within("gen", Cell::absent("failed"), 3.0, "≤ 3 s");
        assert_eq!(
            (none.ours.as_str(), none.met),
            ("failed", Met::NotApplicable)
        );
    }

    #[test]
    fn no_ratio_without_a_usable_baseline() {
        assert_eq!(evaluate(1.0, 0.0, None), None);
        assert_eq!(evaluate(1.0, f64::NAN, Some(&target(1.0))), None);
        assert_eq!(evaluate(1.0, -2.0, None), None);
        let row = Row::compare(
            "x",
            Cell::measured(1.0, "1 s"),
            Cell::absent("missing"),
            Some(target(1.05)),
        );
        assert_eq!(row.ratio, "—");
        assert_eq!(row.met, Met::NotApplicable);
        assert_eq!(row.baseline, "missing");
        assert_eq!(row.target, "≤ 1.05×");
    }

    #[test]
    fn rows_render_as_a_markdown_table() {
        let report = Report {
            intro: "Full run.".to_string(),
            rows: vec![
                Row::compare(
                    "create then show | unsigned",
                    Cell::measured(41.0, "41.0 µs"),
                    Cell::measured(40.0, "40.0 µs"),
                    Some(target(1.05)),
                ),
                Row::single("signing", Cell::measured(2000.0, "2.00 µs")),
            ],
            notes: vec!["a note".to_string()],
            how: vec![],
            machine: vec!["2 cores".to_string()],
        };
        let text = report.to_markdown();
        let expected = "Full run.\n\n\
            | measure | ours | baseline | ratio (ours ÷ baseline) | target | met |\n\
            |---|---|---|---|---|---|\n\
            | create then show \\| unsigned | 41.0 µs | 40.0 µs | 1.025× | ≤ 1.05× | yes |\n\
            | signing | 2.00 µs | — | — | — | — |\n\
            \nNotes:\n\n- a note\n\
            \nMachine:\n\n- 2 cores\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn numbers_are_formatted_with_their_units() {
        assert_eq!(format_ns(812.4), "812 ns");
        assert_eq!(format_ns(41_234.0), "41.2 µs");
        assert_eq!(format_ns(3_214_000.0), "3.21 ms");
        assert_eq!(format_seconds(12.34), "12.3 s");
        assert_eq!(format_count(812.0), "812");
        assert_eq!(format_count(24_310.0), "24.3 k");
        assert_eq!(format_count(1_234_000.0), "1.23 M");
        assert_eq!(format_ratio(1.0504), "1.050×");
        assert_eq!(format_ratio(15.26), "15.3×");
        assert!((megabytes_per_second(1_000_000, 2e6) - 500.0).abs() < 1e-9);
    }

    #[test]
    fn the_median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[7.5]), Some(7.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn the_report_replaces_only_the_text_between_the_markers() {
        let text = "# Benchmarks\n\nintro\n\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n\nafter\n";
        let replaced = replace_between_markers(text, "| new |\n").unwrap();
        assert_eq!(
            replaced,
            "# Benchmarks\n\nintro\n\n<!-- bench:begin -->\n| new |\n<!-- bench:end -->\n\nafter\n"
        );
        // Idempotent: a second run gives the same file.
        assert_eq!(
            replace_between_markers(&replaced, "| new |").unwrap(),
            replaced
        );
        // Adjacent markers work too.
        assert_eq!(
            replace_between_markers("<!-- bench:begin --><!-- bench:end -->", "t").unwrap(),
            "<!-- bench:begin -->\nt\n<!-- bench:end -->"
        );
    }

    #[test]
    fn missing_or_misplaced_markers_are_errors() {
        let error = replace_between_markers("no markers", "x").unwrap_err();
        assert_eq!(error, "the marker <!-- bench:begin --> is missing");
        let error = replace_between_markers("<!-- bench:begin -->", "x").unwrap_err();
        assert_eq!(error, "the marker <!-- bench:end --> is missing");
        let error =
            replace_between_markers("<!-- bench:end --> <!-- bench:begin -->", "x").unwrap_err();
        assert!(error.contains("comes before"), "{error}");
        let error = replace_between_markers(
            "<!-- bench:begin --><!-- bench:end --><!-- bench:begin -->",
            "x",
        )
        .unwrap_err();
        assert!(error.contains("must appear once"), "{error}");
    }

    #[test]
    fn writing_into_a_file_keeps_the_rest_and_names_the_file_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("BENCHMARKS.md");
        std::fs::write(&path, "a\n<!-- bench:begin -->\n<!-- bench:end -->\nb\n").unwrap();
        write_between_markers(&path, "table").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "a\n<!-- bench:begin -->\ntable\n<!-- bench:end -->\nb\n"
        );

        let bare = dir.path().join("bare.md");
        std::fs::write(&bare, "nothing here\n").unwrap();
        let error = write_between_markers(&bare, "table").unwrap_err();
        assert!(error.starts_with(&bare.display().to_string()), "{error}");
        assert!(error.contains("bench:begin"), "{error}");
        assert_eq!(std::fs::read_to_string(&bare).unwrap(), "nothing here\n");

        let error = write_between_markers(&dir.path().join("absent.md"), "t").unwrap_err();
        assert!(error.contains("absent.md"), "{error}");
    }
}
