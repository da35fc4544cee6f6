//! A spec's `pattern` (ECMAScript with the `u` flag, what JSON Schema tools read) as the checks
//! the generated client runs with `regex-lite`.
//!
//! Why: the client used regress, an ECMAScript engine whose Unicode tables made it about 4 s of
//! a consumer's cold build for a dozen patterns; regex-lite builds in under 1 s. The two dialects
//! agree on what the specs use (literal classes, ranges, counted repeats, alternation, anchors),
//! and differ elsewhere; this module carries over only what means the same in both and refuses
//! the rest with the construct named, so a spec change cannot silently change a check:
//!
//! - leading negative lookaheads after `^` (`^(?![A-Z]+$)(?![a-z]+$)[A-Za-z]+$`, "not only one
//!   kind of character") become patterns the value must *not* match (`^(?:[A-Z]+$)`), which is
//!   what a lookahead at the start means; regex-lite has no lookaround;
//! - refused: other lookaround, back-references, `\p{..}`/`\P{..}` (regex-lite has no Unicode
//!   classes), `\s`/`\S` (Unicode spaces in ECMAScript, ASCII in regex-lite), and in a class an
//!   unescaped `[` or `&&`, `--`, `~~` (nested classes and set operations in regex-lite,
//!   literal characters in ECMAScript).
//!
//! The pattern must compile in both engines. A test compares the two on every string of the
//! fixtures and their mutations (`xtask/src/patterns.rs`, `tests`).

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
    refuse_differences(&matching)?;
    for negative in &not_matching {
        refuse_differences(negative)?;
    }
    for text in std::iter::once(&matching).chain(&not_matching) {
        regex_lite::Regex::new(text).map_err(|e| format!("regex-lite rejects `{text}`: {e}"))?;
    }
    Ok(Translated {
        matching,
        not_matching,
    })
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

/// Refuses the constructs on which ECMAScript and regex-lite disagree (see the module docs).
fn refuse_differences(pattern: &str) -> Result<(), String> {
    let refuse = |what: &str| {
        Err(format!(
            "`{pattern}` uses {what}, which the generated client's regex engine (regex-lite) \
             does not read as ECMAScript does; write it with literal classes"
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
                    's' | 'S' => return refuse("`\\s` (Unicode spaces in ECMAScript)"),
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

    fn ours(t: &Translated, value: &str) -> bool {
        regex_lite::Regex::new(&t.matching).unwrap().is_match(value)
            && t.not_matching
                .iter()
                .all(|n| !regex_lite::Regex::new(n).unwrap().is_match(value))
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
        ] {
            let error = translate(pattern).unwrap_err();
            assert!(error.contains(named), "{pattern}: {error}");
        }
        assert!(translate("^(").unwrap_err().contains("ECMAScript"));
        // Escaped, the same characters are literals in both.
        assert!(translate(r"^[\[\]\-\\&~]+$").is_ok());
    }

    /// Every pattern the specs hand to generation, on every string of the fixtures, each with
    /// one character changed, removed or added, and on strings of the patterns' own characters:
    /// regex-lite with the translation decides as regress (ECMAScript, `u`) does.
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
        let carried: Vec<(&String, Translated, regress::Regex)> = patterns
            .iter()
            .filter_map(|p| {
                let t = translate(p).ok()?;
                Some((p, t, regress::Regex::with_flags(p, "u").unwrap()))
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
                assert_eq!(ours(t, value), expected, "pattern {pattern} on {value:?}");
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
