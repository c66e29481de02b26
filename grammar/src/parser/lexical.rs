//! Line-level scanning done before pest runs: cutting a file into blocks (at the heads that
//! heads.rs finds), and finding the comments of blocks that did not parse.

use super::heads::block_heads;
use crate::span::text_start;

/// The keywords that start a top-level block when written in column 1.
pub(super) const BLOCK_KEYWORDS: [&str; 14] = [
    "policy", "schema", "table", "persona", "score", "let", "grade", "stages", "route", "calendar",
    "sla", "metric", "test", "use",
];

/// A piece of a file parsed on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Block {
    pub start: usize,
    pub end: usize,
    /// The text before the first block: only blank lines and comments belong there.
    pub preamble: bool,
    /// The block's keyword is not in column 1.
    pub indented: bool,
}

/// Cuts a file at the head of every block. A block thus runs to the next block (a missing `}`
/// is reported at the end of its own block), and the policy header, which has no braces,
/// ends where the next block starts. A byte-order mark is in no block.
pub(super) fn split_blocks(text: &str) -> Vec<Block> {
    let heads = block_heads(text);
    let body = text_start(text);
    let mut blocks = Vec::new();
    let first = heads.first().map_or(text.len(), |h| h.start);
    if first > body || heads.is_empty() {
        blocks.push(Block {
            start: body,
            end: first,
            preamble: true,
            indented: false,
        });
    }
    for (i, head) in heads.iter().enumerate() {
        let end = heads.get(i + 1).map_or(text.len(), |h| h.start);
        blocks.push(Block {
            start: head.start,
            end,
            preamble: false,
            indented: head.indented,
        });
    }
    blocks
}

/// Where each line starts; the first one after the byte-order mark, if there is one.
pub(super) fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(text_start(text)).chain(text.match_indices('\n').map(|(i, _)| i + 1))
}

/// Whether a line starts with a block keyword followed by something that is not part of a
/// name (`score fit`, `stages{`, but not `scores` or `score_total`).
pub(super) fn starts_block(line: &str) -> bool {
    block_keyword(line).is_some()
}

/// The block keyword a line starts with, if any (see [`starts_block`]).
pub(super) fn block_keyword(line: &str) -> Option<&'static str> {
    BLOCK_KEYWORDS.iter().copied().find(|kw| {
        line.strip_prefix(kw)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// The `(start, end)` byte ranges of `#` comments, skipping `#` inside strings. Used only for
/// blocks that failed to parse, so it does not need to know where regexes are.
pub(super) fn comments(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut comment_start = None;
    for (i, c) in text.char_indices() {
        if c == '\n' || c == '\r' {
            if let Some(start) = comment_start.take() {
                found.push((start, i));
            }
            in_string = false;
            escaped = false;
            continue;
        }
        if comment_start.is_some() {
            continue;
        }
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => escaped = false,
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            comment_start = Some(i);
        }
    }
    if let Some(start) = comment_start {
        found.push((start, text.len()));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_start_at_column_one_keywords() {
        let text = "# intro\nscore a {\n  score_x\n}\nscores\nlet x = 1\n";
        let blocks = split_blocks(text);
        assert_eq!(blocks.len(), 3);
        assert!(blocks[0].preamble);
        assert_eq!(
            &text[blocks[1].start..blocks[1].end],
            "score a {\n  score_x\n}\nscores\n"
        );
        assert_eq!(&text[blocks[2].start..blocks[2].end], "let x = 1\n");
    }

    #[test]
    fn comments_skip_strings() {
        let text = "a \"#no\" # yes\n# two";
        assert_eq!(comments(text), vec![(8, 13), (14, 19)]);
    }
}
