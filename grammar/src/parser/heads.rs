//! Where top-level blocks start. A block starts at each line that begins, in column 1, with a
//! block keyword. It also starts at an indented line that opens a block (`  score fit {`) where
//! no bracket is open: people indent a block by mistake, and reading it as part of the block
//! above would report its names as undefined everywhere they are used.

use super::lexical::{block_keyword, line_starts};
use super::names::{ascii_spelling, is_accent};
use super::{SyntaxError, SyntaxKind};
use crate::span::{SourceFile, Span};
use funnel_locale::t;
use std::sync::Arc;

/// Where a top-level block starts, as the parser cuts files: its keyword and the name
/// written after it. The checker reads the heads of blocks that did not parse, so that their
/// names count as defined (one syntax error, not one more error at every use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockHead {
    /// Byte offset of the keyword in the file.
    pub start: usize,
    /// The block keyword: `score`, `stages`, ...
    pub keyword: &'static str,
    /// The name after the keyword (`fit` in `score fit {`), empty when there is none.
    pub name: String,
    /// Whether the keyword is not in column 1 (a warning: the block is read all the same).
    pub indented: bool,
}

/// The head of every top-level block of a file, in order: each line that starts, in column 1,
/// with a block keyword (after the byte-order mark, on the first line), and each indented line
/// that opens a block outside any bracket.
pub fn block_heads(text: &str) -> Vec<BlockHead> {
    let mut heads = Vec::new();
    let mut depth = 0;
    for at in line_starts(text) {
        let line = text[at..].split('\n').next().unwrap_or("");
        let rest = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - rest.len();
        if let Some(keyword) = block_keyword(rest) {
            if indent == 0 || depth == 0 && opens_block(keyword, &rest[keyword.len()..]) {
                heads.push(head(text, at + indent, keyword, indent > 0));
                depth = 0;
            }
        }
        depth = brackets(line, depth).0;
    }
    heads
}

/// The warning for a block whose keyword, at `start`, is indented.
pub(super) fn indented(file: &Arc<SourceFile>, start: usize) -> SyntaxError {
    let keyword = block_keyword(&file.text[start..]).unwrap_or("block");
    let (_, column) = file.line_col(start);
    SyntaxError {
        span: Span::new(file.clone(), start, start + keyword.len()),
        message: t!("syntax-block-indented-top-level", keyword = keyword),
        label: t!("syntax-column-label", column = column),
        help: Some(t!(
            "syntax-remove-spaces-before-funnel-help",
            keyword = keyword
        )),
        kind: SyntaxKind::IndentedBlock,
    }
}

fn head(text: &str, start: usize, keyword: &'static str, indented: bool) -> BlockHead {
    let after = text[start + keyword.len()..].trim_start_matches([' ', '\t']);
    let written: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || is_accent(*c))
        .collect();
    BlockHead {
        start,
        keyword,
        // As the parser reads it (see names.rs).
        name: ascii_spelling(&written).unwrap_or(written),
        indented,
    }
}

/// Whether the rest of a line after a block keyword opens that block: `let NAME =`,
/// `metric NAME "label" =`, `policy "`, or a `{` for the others. A line inside a block that
/// merely starts with such a word (`grade(fit) == A`, continuing a `let`) does not.
fn opens_block(keyword: &str, after: &str) -> bool {
    match keyword {
        "policy" => after.trim_start().starts_with('"'),
        "let" | "metric" => assigns(after),
        _ => brackets(after, 0).1,
    }
}

/// `NAME =` or `NAME "label" =`, with blanks between.
fn assigns(after: &str) -> bool {
    let rest = after.trim_start();
    let name = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || is_accent(c)))
        .unwrap_or(rest.len());
    let mut rest = rest[name..].trim_start();
    if let Some(label) = rest.strip_prefix('"') {
        rest = label.split_once('"').map_or("", |(_, r)| r).trim_start();
    }
    name > 0 && rest.starts_with('=') && !rest.starts_with("==")
}

/// How many brackets are open after a line, from `depth` before it, and whether it opens a
/// `{`, outside strings, comments and regexes.
fn brackets(line: &str, mut depth: usize) -> (usize, bool) {
    let mut brace = false;
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => skip_past(&mut chars, '"'),
            '/' if after_matches(&line[..i]) => skip_past(&mut chars, '/'),
            '#' => break,
            '{' | '(' | '[' => {
                depth += 1;
                brace |= c == '{';
            }
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (depth, brace)
}

/// Skips to after the next `end` that no `\` escapes (the end of a string or a regex).
fn skip_past(chars: &mut std::str::CharIndices<'_>, end: char) {
    while let Some((_, c)) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == end {
            return;
        }
    }
}

/// Whether a `/` here starts a regex: it follows the word `matches`.
fn after_matches(before: &str) -> bool {
    let before = before.trim_end();
    before
        .strip_suffix("matches")
        .is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str) -> Vec<(usize, &'static str, bool)> {
        block_heads(text)
            .into_iter()
            .map(|h| (h.start, h.keyword, h.indented))
            .collect()
    }

    #[test]
    fn column_one_keywords_are_heads() {
        let text = "# intro\nscore a {\n  score_x\n}\nscores\nlet x = 1\n";
        assert_eq!(starts(text), [(8, "score", false), (37, "let", false)]);
    }

    #[test]
    fn an_indented_block_starts_where_no_bracket_is_open() {
        let text = "score a {\n  +1 when b\n}\n  score fit {\n    +2 when c\n  }\n";
        assert_eq!(starts(text), [(0, "score", false), (26, "score", true)]);
        let heads = block_heads(text);
        assert_eq!(heads[1].name, "fit");
    }

    #[test]
    fn lines_inside_blocks_that_start_with_block_words_are_not_blocks() {
        for text in [
            // A stage named `score`, a `let` continued with `grade(...)`.
            "stages {\n  lead\n  score when x\n}\n",
            "let a =\n  grade(fit) == A\n",
            "let a = [\n  test\n]\n",
            "persona p {\n  score x {\n}\n",
        ] {
            let shown = starts(text);
            assert_eq!(shown.len(), 1, "{text:?}: {shown:?}");
        }
        // Brackets in strings, comments and regexes do not count.
        for text in [
            "persona p {\n  a matches /[{(\\//i # {\n}\n  score x {\n}\n",
            "let a = \"{\\\"\" # {\n  score x {\n}\n",
            "let a = b / c\n  score x {\n}\n",
        ] {
            let shown = starts(text);
            assert_eq!(shown.len(), 2, "{text:?}: {shown:?}");
        }
        // A `let` or `metric` indented after a closed block is a block.
        assert_eq!(starts("let a = (1)\n  let b = 2\n").len(), 2);
        assert_eq!(starts("let a = 1\n  metric m \"M\" = 1\n").len(), 2);
        assert_eq!(starts("let a = 1\n  policy \"p\" version 1\n").len(), 2);
    }

    #[test]
    fn names_are_read_as_the_parser_reads_them() {
        let heads = block_heads("\u{FEFF}score intenção {\n}\nstages {\n}\n");
        assert_eq!(heads[0].start, 3);
        assert_eq!(heads[0].name, "intencao");
        assert_eq!(heads[1].name, "");
    }
}
