//! Doc comments of the printed code as people read them: `/// Text`, not `///Text`, and no
//! line past 100 columns.
//!
//! prettyplease prints a `#[doc = "Text"]` exactly as `///Text`, and the specs' descriptions are
//! one long line each, so the generated files had hundreds of `///Text` lines and long ones.
//! This runs on the printed text: in a block of `///` lines (same indentation, consecutive)
//! that has a line without the space, text lines get their one space and code lines (and
//! indented text) move by one, so relative indentation, which code and lists rely on, is kept;
//! lines outside code fences that are too long are wrapped
//! at spaces (Markdown joins them back into the same paragraph). Tables and headings are left
//! as they are.

/// The widest a doc line may be.
const WIDTH: usize = 100;

/// `text` with its doc comments spaced and wrapped.
pub fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut i = 0;
    while i < lines.len() {
        let Some((indent, _)) = doc_line(lines[i]) else {
            out.push_str(lines[i]);
            out.push('\n');
            i += 1;
            continue;
        };
        let start = i;
        while i < lines.len() && doc_line(lines[i]).is_some_and(|(ind, _)| ind == indent) {
            i += 1;
        }
        let block: Vec<&str> = lines[start..i]
            .iter()
            .map(|l| doc_line(l).map_or("", |(_, c)| c))
            .collect();
        let space = block.iter().any(|c| !c.is_empty() && !c.starts_with(' '));
        let mut fenced = false;
        for content in block {
            let fence = content.trim_start().starts_with("```");
            // In code, every line moves by one (relative indentation is the code's); in text a
            // line's single space, such as that of a line the generator added, is enough.
            let shift = space
                && !content.is_empty()
                && (fenced || fence || !content.starts_with(' ') || content.starts_with("  "));
            let content = if shift {
                format!(" {content}")
            } else {
                content.to_string()
            };
            let trimmed = content.trim_start();
            if fence {
                fenced = !fenced;
            }
            let keep = fenced
                || trimmed.starts_with("```")
                || trimmed.starts_with('|')
                || trimmed.starts_with('#');
            for piece in if keep {
                vec![content]
            } else {
                wrap(&content, WIDTH.saturating_sub(indent.len() + 3))
            } {
                out.push_str(indent);
                out.push_str("///");
                out.push_str(&piece);
                out.push('\n');
            }
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// `(indentation, content after ///)` of a doc line (`//// ...` is an ordinary comment).
fn doc_line(line: &str) -> Option<(&str, &str)> {
    let content_start = line.len() - line.trim_start().len();
    let rest = line[content_start..].strip_prefix("///")?;
    (!rest.starts_with('/')).then_some((&line[..content_start], rest))
}

/// `content` (with its leading space) cut at spaces into pieces of at most `width` characters;
/// continuation lines of a list item are indented under its text.
fn wrap(content: &str, width: usize) -> Vec<String> {
    if content.chars().count() <= width {
        return vec![content.to_string()];
    }
    let lead = content.len() - content.trim_start().len();
    let body = &content[lead..];
    let marker = ["- ", "* "]
        .iter()
        .find(|m| body.starts_with(**m))
        .map_or(0, |m| m.len());
    let hang = " ".repeat(lead + marker);
    let mut prefix = &content[..lead];
    let mut pieces = Vec::new();
    let mut line = String::new();
    for word in body.split(' ') {
        let len = prefix.len() + line.chars().count() + 1 + word.chars().count();
        if !line.is_empty() && len > width {
            pieces.push(format!("{prefix}{line}"));
            line.clear();
            prefix = &hang;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    pieces.push(format!("{prefix}{line}"));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_get_one_space_and_keep_their_shape() {
        let text = "    ///Text\n    ///```text\n    ///let x = a()\n    ///    .b();\n    ///```\nfn f() {}\n";
        assert_eq!(
            tidy(text),
            "    /// Text\n    /// ```text\n    /// let x = a()\n    ///     .b();\n    /// ```\nfn f() {}\n"
        );
        // Already spaced blocks and ordinary comments stay as they are.
        let mixed = "///Text\n///\n/// Added line\n///  - nested\n";
        assert_eq!(
            tidy(mixed),
            "/// Text\n///\n/// Added line\n///   - nested\n"
        );
        let spaced = "/// Text\n///\n/// - item\n//// not a doc\n// plain\n";
        assert_eq!(tidy(spaced), spaced);
    }

    #[test]
    fn long_lines_are_wrapped_at_spaces_within_the_width() {
        let long = format!("        ///{}\n", ["word"; 40].join(" "));
        let tidied = tidy(&long);
        assert!(tidied.lines().count() > 1, "{tidied}");
        for line in tidied.lines() {
            assert!(line.len() <= WIDTH, "{line}");
            assert!(line.starts_with("        /// word"), "{line}");
        }
        assert_eq!(
            tidied.split_whitespace().filter(|w| *w == "word").count(),
            40
        );
        // A list item's continuation hangs under its text; code and tables are not wrapped.
        let item = format!("/// - {}\n", ["item"; 30].join(" "));
        let wrapped = tidy(&item);
        assert!(
            wrapped.lines().nth(1).unwrap().starts_with("///   item"),
            "{wrapped}"
        );
        let table = format!("/// | {} |\n", ["cell"; 30].join(" | "));
        assert_eq!(tidy(&table), table);
    }
}
