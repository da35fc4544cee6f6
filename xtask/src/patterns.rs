//! A spec's `pattern` (ECMAScript with the `u` flag, what JSON Schema tools read) as the checks
//! the generated client runs: automata built here with regex-automata (Rust's regex dialect),
//! written into the generated code as tables that `huaweicloud_vpn_types`'s `automaton` walks.
//!
//! Why: the client used regress, an ECMAScript engine whose Unicode tables made it about 4 s of
//! a consumer's cold build for a dozen patterns, then regex-lite, which still compiled last and
//! held the types back (BENCHMARKS.md, "Sixth pass"); the patterns are known when the code is
//! generated, so a program now compiles only a table walk. The two dialects agree on what the
//! specs use (literal classes, ranges, counted repeats, alternation, anchors) and differ
//! elsewhere; this module carries over only what means the same in both and refuses the rest
//! with the construct named, so a spec change cannot silently change a check:
//!
//! - leading negative lookaheads after `^` (`^(?![A-Z]+$)(?![a-z]+$)[A-Za-z]+$`, "not only one
//!   kind of character") become patterns the value must *not* match (`^(?:[A-Z]+$)`), which is
//!   what a lookahead at the start means; an automaton has no lookaround;
//! - `\d` and `\w` (ASCII in ECMAScript, Unicode in Rust's dialect) are written as the ASCII
//!   classes they are (`[0-9]`, `[0-9A-Za-z_]`);
//! - refused: other lookaround, back-references, `\p{..}`/`\P{..}` (the engines' Unicode
//!   versions differ), `\s`/`\S` (different space sets), `\D`/`\W` inside a class, `\b`/`\B`,
//!   and in a class an unescaped `[` or `&&`, `--`, `~~` (nested classes and set operations in
//!   Rust's dialect, literal characters in ECMAScript).
//!
//! The pattern must compile in both engines. A test compares the emitted tables, walked by the
//! client's own code (included below), with regress on every string of the fixtures and their
//! mutations (`tests`).

use regex_automata::dfa::{Automaton as _, StartKind, dense};
use regex_automata::util::{primitives::StateID, start};
use regex_automata::{Anchored, MatchKind};

/// The walk the generated client runs, so that the tests below check the tables with it.
#[path = "../../crates/huaweicloud-vpn-types/src/automaton.rs"]
#[allow(dead_code)]
pub mod automaton;

/// A pattern as the generated code checks it: `matching` must match, none of `not_matching`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub matching: String,
    pub not_matching: Vec<String>,
}

/// The checks for an ECMAScript (`u`) pattern, or why it cannot be carried over.
pub fn translate(pattern: &str) -> Result<Translated, String> {
    regress::Regex::with_flags(pattern, "u")
        .map_err(|e| format!("not a valid ECMAScript pattern: {e}"))?;
    let (matching, not_matching) = peel_lookaheads(pattern)?;
    let matching = ascii_classes(&matching)?;
    let not_matching = not_matching
        .iter()
        .map(|negative| ascii_classes(negative))
        .collect::<Result<Vec<_>, _>>()?;
    for text in std::iter::once(&matching).chain(&not_matching) {
        refuse_differences(text)?;
        Table::build(text)?;
    }
    Ok(Translated {
        matching,
        not_matching,
    })
}

/// One pattern's automaton, as the generated code holds it (see `automaton::Dfa`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub class_of: [u8; 256],
    pub classes: u8,
    pub next: Vec<u8>,
    pub start: u8,
}

impl Table {
    /// The automaton of `pattern` (Rust's dialect, searched anywhere in the value; `^` and `$`
    /// anchor it): regex-automata's minimal DFA, its states renumbered so that the dead state
    /// is [`automaton::DEAD`], every match state [`automaton::MATCH`] (a search stops at the
    /// first match), the rest in the order a walk from the start reaches them.
    pub fn build(pattern: &str) -> Result<Table, String> {
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .minimize(true)
                    .start_kind(StartKind::Unanchored)
                    .match_kind(MatchKind::LeftmostFirst),
            )
            .build(pattern)
            .map_err(|e| format!("regex-automata rejects `{pattern}`: {e}"))?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::No))
            .map_err(|e| format!("`{pattern}`: no start state: {e}"))?;
        let bytes = dfa.byte_classes();
        let classes = bytes.alphabet_len();
        let too_large = || format!("`{pattern}` needs more than 256 states or classes");
        let classes_u8 = u8::try_from(classes).map_err(|_| too_large())?;
        // One byte of each class (the last class is the end of the value).
        let mut representative = vec![None; classes - 1];
        for byte in 0..=255u8 {
            representative[usize::from(bytes.get(byte))].get_or_insert(byte);
        }
        let mut numbered: std::collections::HashMap<StateID, u8> = Default::default();
        let mut order: Vec<StateID> = Vec::new();
        let mut number = |state: StateID, order: &mut Vec<StateID>| -> Result<u8, String> {
            if dfa.is_dead_state(state) {
                return Ok(automaton::DEAD);
            }
            if dfa.is_match_state(state) {
                return Ok(automaton::MATCH);
            }
            if dfa.is_quit_state(state) {
                return Err(format!("`{pattern}` needs a search the table cannot do"));
            }
            if let Some(&n) = numbered.get(&state) {
                return Ok(n);
            }
            let n = u8::try_from(order.len() + 2).map_err(|_| too_large())?;
            numbered.insert(state, n);
            order.push(state);
            Ok(n)
        };
        let start = number(start, &mut order)?;
        let mut next = [
            vec![automaton::DEAD; classes],
            vec![automaton::MATCH; classes],
        ]
        .concat();
        let mut i = 0;
        while let Some(&state) = order.get(i) {
            for byte in &representative {
                let byte = byte.ok_or_else(|| format!("`{pattern}`: a class without a byte"))?;
                next.push(number(dfa.next_state(state, byte), &mut order)?);
            }
            next.push(number(dfa.next_eoi_state(state), &mut order)?);
            i += 1;
        }
        let mut class_of = [0u8; 256];
        for byte in 0..=255u8 {
            class_of[usize::from(byte)] = bytes.get(byte);
        }
        Ok(Table {
            class_of,
            classes: classes_u8,
            next,
            start,
        })
    }

    /// The table as the client's walk reads it.
    pub fn dfa(&self) -> automaton::Dfa<'_> {
        automaton::Dfa {
            class_of: &self.class_of,
            classes: self.classes,
            next: &self.next,
            start: self.start,
        }
    }
}

/// `\d` and `\w` as the ASCII classes ECMAScript means by them (Rust's dialect reads them as
/// Unicode classes); `\D` and `\W` likewise outside a class. Everything else unchanged.
fn ascii_classes(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next().unwrap_or('\\');
                match (escaped, in_class) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('d', true) => out.push_str("0-9"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('D' | 'W', true) => {
                        return Err(format!(
                            "`{pattern}` uses `\\{escaped}` inside a class, which Rust's dialect \
                             reads as a Unicode class; write the class out"
                        ));
                    }
                    _ => {
                        out.push('\\');
                        out.push(escaped);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// `^(?!A)(?!B)rest` → (`^rest`, [`^(?:A)`, `^(?:B)`]); anything else unchanged.
fn peel_lookaheads(pattern: &str) -> Result<(String, Vec<String>), String> {
    let Some(mut rest) = pattern.strip_prefix('^') else {
        return Ok((pattern.to_string(), Vec::new()));
    };
    let mut negatives = Vec::new();
    while let Some(inner) = rest.strip_prefix("(?!") {
        let end = group_end(inner).ok_or_else(|| format!("unbalanced lookahead in `{pattern}`"))?;
        negatives.push(format!("^(?:{})", &inner[..end]));
        rest = &inner[end + 1..];
    }
    Ok((format!("^{rest}"), negatives))
}

/// The index of the `)` closing a group whose text starts at `text` (after its opening).
fn group_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// Refuses the constructs on which ECMAScript and Rust's dialect disagree (see the module docs).
fn refuse_differences(pattern: &str) -> Result<(), String> {
    let refuse = |what: &str| {
        Err(format!(
            "`{pattern}` uses {what}, which the generated client's automaton (Rust's regex \
             dialect) does not read as ECMAScript does; write it with literal classes"
        ))
    };
    let mut in_class = false;
    let mut previous = '\0';
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next().unwrap_or('\\');
                match escaped {
                    'p' | 'P' => return refuse("a Unicode property class (`\\p{..}`)"),
                    's' | 'S' => return refuse("`\\s` (the engines' space sets differ)"),
                    'b' | 'B' => return refuse("a word boundary (`\\b`, `\\B`)"),
                    'k' | '1'..='9' => return refuse("a back-reference"),
                    _ => {}
                }
                previous = '\0';
                continue;
            }
            '[' if in_class => return refuse("`[` inside a class"),
            '[' => {
                in_class = true;
                if chars.peek() == Some(&'^') {
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    return refuse("an empty class (`[]`, `[^]`)");
                }
            }
            '.' if !in_class => {
                return refuse("`.` outside a class (ECMAScript's excludes \\r and U+2028 too)");
            }
            ']' if in_class => in_class = false,
            '&' | '-' | '~' if in_class && previous == c => {
                return refuse("a doubled `&`, `-` or `~` inside a class");
            }
            '(' if !in_class && chars.peek() == Some(&'?') => {
                let mut ahead = chars.clone();
                ahead.next();
                match (ahead.next(), ahead.next()) {
                    (Some('=' | '!'), _) | (Some('<'), Some('=' | '!')) => {
                        return refuse("lookaround other than at the start");
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        previous = c;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ecma(pattern: &str, value: &str) -> bool {
        regress::Regex::with_flags(pattern, "u")
            .unwrap()
            .find(value)
            .is_some()
    }

    /// A translation's tables, walked as the generated client walks them.
    struct Tables(Table, Vec<Table>);

    impl Tables {
        fn of(t: &Translated) -> Tables {
            let table = |p: &String| Table::build(p).unwrap();
            Tables(
                table(&t.matching),
                t.not_matching.iter().map(table).collect(),
            )
        }

        fn is_match(&self, value: &str) -> bool {
            self.0.dfa().is_match(value) && self.1.iter().all(|n| !n.dfa().is_match(value))
        }
    }

    fn ours(t: &Translated, value: &str) -> bool {
        Tables::of(t).is_match(value)
    }

    #[test]
    fn leading_lookaheads_become_patterns_the_value_must_not_match() {
        let t = translate("^(?![A-Z]+$)(?![0-9]+$)[A-Z0-9]+$").unwrap();
        assert_eq!(t.matching, "^[A-Z0-9]+$");
        assert_eq!(t.not_matching, ["^(?:[A-Z]+$)", "^(?:[0-9]+$)"]);
        for (value, expected) in [("AB1", true), ("ABC", false), ("123", false), ("", false)] {
            assert_eq!(ours(&t, value), expected, "{value}");
            assert_eq!(ecma("^(?![A-Z]+$)(?![0-9]+$)[A-Z0-9]+$", value), expected);
        }
        // A `)` inside a class or escaped does not close the lookahead.
        let t = translate(r"^(?![)\)]+$)[a)]+$").unwrap();
        assert_eq!(t.not_matching, [r"^(?:[)\)]+$)"]);
    }

    #[test]
    fn what_the_engines_read_differently_is_refused_with_the_construct_named() {
        for (pattern, named) in [
            (r"^\p{L}+$", "Unicode property"),
            (r"^\s*$", "`\\s`"),
            (r"^(a)\1$", "back-reference"),
            ("^a(?=b)", "lookaround"),
            ("^a(?<!b)$", "lookaround"),
            ("^[a[b]$", "`[` inside a class"),
            ("^[a&&b]$", "doubled"),
            ("^[+--]$", "doubled"),
            ("^[a~~b]$", "doubled"),
            ("^a.b$", "`.` outside a class"),
            ("^[]a$", "empty class"),
            (r"^\bA$", "word boundary"),
            (r"^[\D_]$", "inside a class"),
        ] {
            let error = translate(pattern).unwrap_err();
            assert!(error.contains(named), "{pattern}: {error}");
        }
        assert!(translate("^(").unwrap_err().contains("ECMAScript"));
        // Escaped, the same characters are literals in both.
        assert!(translate(r"^[\[\]\-\\&~]+$").is_ok());
    }

    #[test]
    fn perl_classes_are_the_ascii_classes_ecmascript_means() {
        let pattern = r"^\d+[\w.]*\W?$";
        let t = translate(pattern).unwrap();
        assert_eq!(t.matching, "^[0-9]+[0-9A-Za-z_.]*[^0-9A-Za-z_]?$");
        // Arabic-Indic digits and a letter with an accent: Unicode `\d`/`\w` in Rust's
        // dialect, not in ECMAScript's.
        for value in ["12", "12a.b", "12!", "\u{661}\u{662}", "1é", "1\u{661}", ""] {
            assert_eq!(ours(&t, value), ecma(pattern, value), "{value:?}");
        }
    }

    #[test]
    fn a_table_starts_numbering_after_the_dead_and_match_states() {
        let table = Table::build("^(disable|[0-9]{1,3})$").unwrap();
        let classes = usize::from(table.classes);
        assert_eq!(table.next.len() % classes, 0);
        assert!(table.start >= 2, "{table:?}");
        assert!(table.next[..classes].iter().all(|&s| s == automaton::DEAD));
        assert!(
            table.next[classes..2 * classes]
                .iter()
                .all(|&s| s == automaton::MATCH)
        );
        let states = table.next.len() / classes;
        assert!(table.next.iter().all(|&s| usize::from(s) < states));
        for (value, expected) in [("disable", true), ("disabled", false), ("255", true)] {
            assert_eq!(table.dfa().is_match(value), expected, "{value}");
        }
        // A pattern without anchors is searched for anywhere, as typify's checks did.
        let anywhere = Table::build("ab").unwrap();
        assert!(anywhere.dfa().is_match("xxabyy"));
        assert!(!anywhere.dfa().is_match("xxa"));
    }

    /// Every pattern the specs hand to generation, on every string of the fixtures, each with
    /// one character changed, removed or added, and on strings of the patterns' own characters:
    /// the translation's tables, walked by the client's code, decide as regress (ECMAScript,
    /// `u`) does.
    #[test]
    fn the_specs_patterns_decide_as_ecmascript_does() {
        let root = crate::spec::workspace_root();
        let mut patterns = std::collections::BTreeSet::new();
        for path in crate::spec::discover(&root).unwrap() {
            let spec = crate::spec::load(&root, &path).unwrap();
            spec_patterns(&spec.doc, &mut patterns);
        }
        assert!(patterns.len() >= 10, "patterns in the specs: {patterns:?}");
        let mut corpus = std::collections::BTreeSet::new();
        collect_strings(&root.join("tests/fixtures"), &mut corpus);
        assert!(corpus.len() > 200, "fixture strings: {}", corpus.len());
        corpus.retain(|s| s.chars().count() <= 80);
        // The patterns carried over (a refused one fails generation, the lint says where).
        let carried: Vec<(&String, Tables, regress::Regex)> = patterns
            .iter()
            .filter_map(|p| {
                let t = translate(p).ok()?;
                Some((
                    p,
                    Tables::of(&t),
                    regress::Regex::with_flags(p, "u").unwrap(),
                ))
            })
            .collect();
        let alphabet: Vec<char> = "aZ0-_. '[\\一é".chars().collect();
        let evenly = |items: Vec<&String>, at_most: usize| -> Vec<String> {
            let step = items.len().div_ceil(at_most).max(1);
            items.into_iter().step_by(step).cloned().collect()
        };
        let raw = evenly(corpus.iter().collect(), 3000);
        let mut checked = 0;
        for (pattern, t, regress) in &carried {
            // Fixture strings; those this pattern accepts also with one character changed,
            // removed or added at the ends and in the middle, where anchors, counts and classes
            // decide; and strings of the pattern's own characters.
            let accepted = evenly(
                corpus
                    .iter()
                    .filter(|s| regress.find(s).is_some())
                    .collect(),
                150,
            );
            let mut samples = raw.clone();
            for s in &accepted {
                let chars: Vec<char> = s.chars().collect();
                let n = chars.len();
                let mut positions = vec![0, 1, n / 2, n.saturating_sub(2), n.saturating_sub(1)];
                positions.retain(|&i| i < n);
                positions.dedup();
                for i in positions {
                    let mut removed = chars.clone();
                    removed.remove(i);
                    samples.push(removed.into_iter().collect());
                    for &a in &alphabet {
                        let mut changed = chars.clone();
                        changed[i] = a;
                        samples.push(changed.iter().collect());
                        changed.insert(i, a);
                        samples.push(changed.into_iter().collect());
                    }
                }
            }
            let own: Vec<char> = pattern
                .chars()
                .filter(|c| !"^$()?!+*{}".contains(*c))
                .collect();
            for len in 1..12 {
                for start in 0..own.len() {
                    samples.push(
                        own.iter()
                            .cycle()
                            .skip(start)
                            .step_by(3)
                            .take(len)
                            .collect(),
                    );
                }
            }
            let mut accepted_here = 0;
            for value in &samples {
                let expected = regress.find(value).is_some();
                assert_eq!(
                    t.is_match(value),
                    expected,
                    "pattern {pattern} on {value:?}"
                );
                accepted_here += usize::from(expected);
                checked += 1;
            }
            assert!(accepted_here > 0, "no sample matches {pattern}");
        }
        let carried = carried.len();
        assert!(carried >= 10, "patterns carried over: {carried}");
        assert!(checked > 50_000, "values checked: {checked}");
        println!("{carried} patterns, {checked} values compared");
    }

    fn spec_patterns(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_json::Value::Array(items) => items.iter().for_each(|v| spec_patterns(v, out)),
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("pattern", serde_json::Value::String(p)) => {
                            out.insert(p.clone());
                        }
                        _ => spec_patterns(v, out),
                    }
                }
            }
            _ => {}
        }
    }

    fn collect_strings(dir: &std::path::Path, out: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_strings(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                    walk(&value, out);
                }
            }
        }
    }

    fn walk(value: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_json::Value::String(s) => {
                out.insert(s.clone());
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| {
                out.insert(k.clone());
                walk(v, out);
            }),
            _ => {}
        }
    }
}
