//! Source files and spans that carry them.
//!
//! A [`Span`] holds a shared handle to the file it points into, so anything that holds a span
//! (a syntax node, a diagnostic) can show its own snippet with no other context.

use std::fmt;
use std::sync::Arc;

/// One policy file's name and text, shared by every span that points into it.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SourceFile {
    /// The path as the user gave it (used in messages, e.g. `policies/acme/scoring.funnel`).
    pub name: String,
    /// The whole text of the file.
    pub text: String,
}

impl SourceFile {
    /// Wraps a file's name and text for sharing between spans.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<SourceFile> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
        })
    }

    /// 1-based line and column (in characters) of a byte offset. A byte-order mark is not a
    /// column: editors show the first character after it in column 1.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(text_start(&self.text), |i| i + 1);
        let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}

/// The byte-order mark that Excel and Windows editors write at the start of a UTF-8 file.
pub(crate) const BOM: char = '\u{FEFF}';

/// Where a file's text proper starts: after its byte-order mark, if it has one. The mark is
/// kept in [`SourceFile::text`] (so `funnel fmt` sees a difference and drops it), but it is
/// no part of the policy: the parser starts after it and columns do not count it.
pub(crate) fn text_start(text: &str) -> usize {
    if text.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        0
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A byte range in a [`SourceFile`].
///
/// `==` on spans ignores their positions, so two syntax trees that differ only in layout
/// compare equal (the formatter's round-trip tests rely on this). To ask whether two spans
/// are the same place, use [`Span::same_place`].
#[derive(Clone)]
pub struct Span {
    /// The file this span points into.
    pub file: Arc<SourceFile>,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
}

impl Span {
    /// A span over `start..end` of `file`.
    pub fn new(file: Arc<SourceFile>, start: usize, end: usize) -> Span {
        Span { file, start, end }
    }

    /// A span for nodes that were not parsed from a file (built by code or by tests).
    pub fn synthetic() -> Span {
        thread_local! {
            static EMPTY: Arc<SourceFile> = SourceFile::new("<generated>", "");
        }
        EMPTY.with(|f| Span::new(f.clone(), 0, 0))
    }

    /// The source text the span covers.
    pub fn text(&self) -> &str {
        self.file.text.get(self.start..self.end).unwrap_or("")
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for an empty span.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// 1-based line and column where the span starts.
    pub fn line_col(&self) -> (usize, usize) {
        self.file.line_col(self.start)
    }

    /// `file:line:column`, as printed in explanations and messages.
    pub fn location(&self) -> String {
        let (line, col) = self.line_col();
        format!("{}:{}:{}", self.file.name, line, col)
    }

    /// Whether both spans cover the same bytes of the same file: the identity of a node, where
    /// `==` only compares trees.
    ///
    /// ```
    /// use funnel_grammar::{SourceFile, Span};
    /// let file = SourceFile::new("a.funnel", "let x = 1");
    /// let (a, b) = (Span::new(file.clone(), 4, 5), Span::new(file, 8, 9));
    /// assert!(a == b && !a.same_place(&b) && a.same_place(&a.clone()));
    /// ```
    pub fn same_place(&self, other: &Span) -> bool {
        self.start == other.start && self.end == other.end && Arc::ptr_eq(&self.file, &other.file)
    }

    /// The smallest span covering both (which must be in the same file).
    pub fn to(&self, other: &Span) -> Span {
        Span::new(
            self.file.clone(),
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }
}

/// Positions are layout, not structure (see [`Span`]).
impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}
impl Eq for Span {}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("a.funnel", "ab\nçé x\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // "çé " is 5 bytes; x is the 4th character of line 2.
        assert_eq!(f.line_col(8), (2, 4));
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let f = SourceFile::new("a.funnel", "\u{FEFF}let x = 1\nlet y = 2\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(1), (1, 1));
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(7), (1, 5));
        assert_eq!(f.line_col(13), (2, 1));
    }
}
