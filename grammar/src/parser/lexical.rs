//! Line-level scanning done before pest runs: cutting a file into blocks, and finding the
//! comments of blocks that did not parse.

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
}

/// Cuts a file at every line that starts, in column 1, with a block keyword. A block thus
/// runs to the next block (a missing `}` is reported at the end of its own block), and the
/// policy header, which has no braces, ends where the next block starts.
pub(super) fn split_blocks(text: &str) -> Vec<Block> {
    let starts: Vec<usize> = line_starts(text)
        .filter(|&at| starts_block(&text[at..]))
        .collect();
    let mut blocks = Vec::new();
    let first = starts.first().copied().unwrap_or(text.len());
    if first > 0 || starts.is_empty() {
        blocks.push(Block {
            start: 0,
            end: first,
            preamble: true,
        });
    }
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        blocks.push(Block {
            start,
            end,
            preamble: false,
        });
    }
    blocks
}

fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1))
}

/// Whether a line starts with a block keyword followed by something that is not part of a
/// name (`score fit`, `stages{`, but not `scores` or `score_total`).
pub(super) fn starts_block(line: &str) -> bool {
    BLOCK_KEYWORDS.iter().any(|kw| {
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
