//! The formatter: one canonical layout for every construct, comments kept where they were.
//!
//! Formatting works on the syntax tree, not on the text: [`format()`] parses the file, prints
//! every item in the canonical layout (see below) and puts the comments back.
//!
//! **Layout.** A blank line between top-level blocks; blocks as `name {` ... `}` with two
//! spaces of indentation a level; header lines (`timezone`, `owner`, `script limits`) indented
//! two spaces; one rule, condition, stage, branch, field or test line a line, in the order they
//! were written; a stage's `because` on a continuation line indented four spaces; a field's
//! modifiers in the order `key`, `from`, `missing`, `decimal`, `format`, then its `true`,
//! `false` and `map` modifiers as written, on its line when they fit (and hold no comment),
//! else one a continuation line indented four spaces; single spaces
//! around operators and after commas. A `grade`, a `metric` and `script limits` stay on one
//! line when they fit in [`WIDTH`] columns (and hold no comment), else they are broken one band,
//! part or setting a line. Lists and records (test leads) stay on one line when they fit, else
//! they get one item a line; `enum(...)` values are filled up to the width, continuation lines
//! aligned after `enum(`. Other expressions stay on one line however long. Literals are printed
//! as written (`1_000_000`, `"\u{e9}"`, `4h 15m`), except clock times, printed `HH:MM`.
//! Parentheses are printed exactly where the operators' precedence needs them (the tree has no
//! parenthesis node), so redundant ones disappear.
//!
//! **Comments.** An own-line comment stays before the line it preceded, at that line's
//! indentation; a trailing comment stays at the end of its line, two spaces after the longest
//! line of its run of consecutive commented lines. A comment written inside a construct that
//! is now printed on one line goes before that line. Blank lines between the lines of a block
//! (and between top-level comments) are kept, one at most.
//!
//! ```
//! use funnel_grammar::{format, SourceFile};
//!
//! let file = SourceFile::new("a.funnel", "score fit{\n+10 when  (a or b)and c # why\n}\n");
//! assert_eq!(format(&file).unwrap(), "score fit {\n  +10 when (a or b) and c  # why\n}\n");
//! ```

mod expr;
mod items;

use crate::ast::{Comment, File};
use crate::parser::{parse, SyntaxError};
use crate::span::SourceFile;
use std::sync::Arc;

/// The column limit that decides whether a grade, metric, list or record stays on one line.
pub const WIDTH: usize = 100;

/// Formats a file in the canonical layout. A file with syntax errors is not formatted: its
/// errors are returned instead. Warnings are what formatting fixes (an indented block), so a
/// file with only warnings is formatted.
pub fn format(file: &Arc<SourceFile>) -> Result<String, Vec<SyntaxError>> {
    let (tree, errors) = parse(file);
    if errors.iter().any(|e| !e.kind.is_warning()) {
        return Err(errors);
    }
    Ok(format_tree(&tree, &file.text))
}

/// Formats a parsed file; `text` is the source the tree's spans point into.
fn format_tree(tree: &File, text: &str) -> String {
    let mut p = Printer::new(text, &tree.comments);
    for (i, item) in tree.items.iter().enumerate() {
        p.item = i;
        p.item(item);
        p.finish();
    }
    assemble(&p.lines, &tree.comments, text)
}

/// One printed line of code, with the source range it came from (to put comments back).
#[derive(Debug, Clone)]
struct Line {
    indent: usize,
    text: String,
    /// Source offset where what the line prints begins.
    start: usize,
    /// Source offset where it ends.
    end: usize,
    /// Ends with an opening `{` or `[`: no blank line after it.
    opener: bool,
    /// Starts with a closing `}` or `]`: comments before it are indented one level more.
    close: bool,
    /// Continues the line before (`because`, `enum(` values, a broken metric): no blank line
    /// before it or its comments.
    glue: bool,
    /// The top-level item it belongs to.
    item: usize,
}

/// Prints syntax nodes into [`Line`]s.
struct Printer<'a> {
    text: &'a str,
    comments: &'a [Comment],
    lines: Vec<Line>,
    cur: Option<Line>,
    item: usize,
    /// Measuring: never break a list or record.
    flat: bool,
    /// How many brackets the expression being printed is in: list forms such as `any event
    /// where ...` are written bare only outside any.
    depth: usize,
    /// Inside a metric: aggregates keep their parenthesized form, `count(leads where ...)`.
    metric: bool,
}

impl<'a> Printer<'a> {
    fn new(text: &'a str, comments: &'a [Comment]) -> Printer<'a> {
        Printer {
            text,
            comments,
            lines: Vec::new(),
            cur: None,
            item: 0,
            flat: false,
            depth: 0,
            metric: false,
        }
    }

    /// Starts a line (finishing the current one).
    fn open(&mut self, indent: usize, start: usize) {
        self.finish();
        self.cur = Some(Line {
            indent,
            text: String::new(),
            start,
            end: start,
            opener: false,
            close: false,
            glue: false,
            item: self.item,
        });
    }

    /// Starts a line that continues the construct of the line before.
    fn open_glued(&mut self, indent: usize, start: usize) {
        self.open(indent, start);
        self.line_mut().glue = true;
    }

    /// Starts a line with a closing bracket.
    fn open_close(&mut self, indent: usize, start: usize) {
        self.open(indent, start);
        self.line_mut().close = true;
    }

    /// Ends the current line with an opening bracket and finishes it.
    fn finish_opener(&mut self, end: usize) {
        self.end_at(end);
        self.line_mut().opener = true;
        self.finish();
    }

    fn finish(&mut self) {
        if let Some(line) = self.cur.take() {
            self.lines.push(line);
        }
    }

    fn line_mut(&mut self) -> &mut Line {
        let item = self.item;
        self.cur.get_or_insert_with(|| Line {
            indent: 0,
            text: String::new(),
            start: 0,
            end: 0,
            opener: false,
            close: false,
            glue: false,
            item,
        })
    }

    fn push(&mut self, s: &str) {
        self.line_mut().text.push_str(s);
    }

    /// Extends the current line's source range to `pos`.
    fn end_at(&mut self, pos: usize) {
        let line = self.line_mut();
        line.end = line.end.max(pos);
    }

    fn indent(&self) -> usize {
        self.cur.as_ref().map_or(0, |l| l.indent)
    }

    /// The column the next character goes to.
    fn col(&self) -> usize {
        self.cur
            .as_ref()
            .map_or(0, |l| l.indent + l.text.chars().count())
    }

    /// The width of what `print` prints when nothing is broken.
    fn measure(&self, print: impl FnOnce(&mut Printer<'a>)) -> usize {
        self.flat_text(print).chars().count()
    }

    /// What `print` prints when nothing is broken.
    fn flat_text(&self, print: impl FnOnce(&mut Printer<'a>)) -> String {
        let mut p = Printer::new(self.text, self.comments);
        p.flat = true;
        p.depth = self.depth;
        p.metric = self.metric;
        print(&mut p);
        p.cur.map(|l| l.text).unwrap_or_default()
    }

    /// Whether a comment lies strictly inside `start..end` of the source.
    fn comment_inside(&self, start: usize, end: usize) -> bool {
        let first = self.comments.partition_point(|c| c.span.start <= start);
        self.comments.get(first).is_some_and(|c| c.span.start < end)
    }
}

/// Whether there is code before `pos` on its source line.
fn is_trailing(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    !text[line_start..pos].trim().is_empty()
}

/// Whether the source between two entries holds a blank line.
fn has_blank(text: &str, end: usize, start: usize) -> bool {
    if end >= start || start > text.len() {
        return false;
    }
    let parts: Vec<&str> = text[end..start].split('\n').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .any(|p| p.trim().is_empty())
}

/// A line of output.
enum Row {
    Blank,
    Comment {
        indent: usize,
        text: String,
    },
    Code {
        indent: usize,
        text: String,
        trailing: Option<String>,
    },
}

fn comment_text(c: &Comment) -> String {
    format!("#{}", c.text.trim_end())
}

/// Puts the comments back among the printed lines and joins everything into the file's text.
fn assemble(lines: &[Line], comments: &[Comment], text: &str) -> String {
    let n = lines.len();
    let mut before: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut trailing: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut at_end = Vec::new();
    for (ci, c) in comments.iter().enumerate() {
        let pos = c.span.start;
        let next = lines.partition_point(|l| l.start <= pos);
        let prev = next.checked_sub(1);
        if let (true, Some(p)) = (is_trailing(text, pos), prev) {
            trailing[p].push(ci);
            continue;
        }
        match prev {
            // Written inside what is now one line: it goes before that line.
            Some(p) if lines[p].start < pos && pos < lines[p].end => before[p].push(ci),
            _ if next < n => before[next].push(ci),
            _ => at_end.push(ci),
        }
    }
    // A line keeps one trailing comment; more (or one written before a comment that now goes
    // above the line) go above it, in their order.
    for i in 0..n {
        let Some(&first) = trailing[i].first() else {
            continue;
        };
        let after_before = before[i].iter().any(|&b| b > first);
        if trailing[i].len() > 1 || after_before {
            let moved = std::mem::take(&mut trailing[i]);
            before[i].extend(moved);
            before[i].sort_unstable();
        }
    }

    let mut rows = Vec::new();
    // The source end of the previous entry, and whether a blank line may follow it.
    let mut prev: Option<(usize, bool)> = None;
    let blank_between = |prev: Option<(usize, bool)>, start: usize, allowed: bool| {
        allowed && prev.is_some_and(|(end, ok)| ok && has_blank(text, end, start))
    };
    // Two one-line items (`let`s, short grades) keep the blank line between them or its
    // absence; other items are always separated by one.
    let items = lines.last().map_or(0, |l| l.item + 1);
    let mut line_count = vec![0; items];
    for line in lines {
        line_count[line.item] += 1;
    }
    for (i, line) in lines.iter().enumerate() {
        let new_item = i > 0
            && lines[i - 1].item != line.item
            && (line_count[lines[i - 1].item] > 1 || line_count[line.item] > 1);
        let mut first_of_group = true;
        for &ci in &before[i] {
            let c = &comments[ci];
            if (new_item && first_of_group) || blank_between(prev, c.span.start, !line.glue) {
                rows.push(Row::Blank);
            }
            first_of_group = false;
            let indent = line.indent + if line.close { 2 } else { 0 };
            rows.push(Row::Comment {
                indent,
                text: comment_text(c),
            });
            prev = Some((c.span.end, true));
        }
        let allowed = !line.glue && !line.close;
        if (new_item && first_of_group) || blank_between(prev, line.start, allowed) {
            rows.push(Row::Blank);
        }
        let tail = trailing[i].first().map(|&ci| &comments[ci]);
        rows.push(Row::Code {
            indent: line.indent,
            text: line.text.clone(),
            trailing: tail.map(comment_text),
        });
        let end = tail.map_or(line.end, |c| c.span.end.max(line.end));
        prev = Some((end, !line.opener));
    }
    for (k, &ci) in at_end.iter().enumerate() {
        let c = &comments[ci];
        if (k == 0 && n > 0) || blank_between(prev, c.span.start, true) {
            rows.push(Row::Blank);
        }
        rows.push(Row::Comment {
            indent: 0,
            text: comment_text(c),
        });
        prev = Some((c.span.end, true));
    }
    render_rows(&rows)
}

/// Trailing comments of consecutive lines are aligned when the lines' widths differ by at most
/// this; a much longer or shorter line starts a new run.
const ALIGN_SPREAD: usize = 20;

/// Joins rows into text, aligning the trailing comments of consecutive lines.
fn render_rows(rows: &[Row]) -> String {
    let width = |indent: &usize, text: &str| indent + text.chars().count();
    let mut columns = vec![0; rows.len()];
    let mut i = 0;
    while i < rows.len() {
        // A run of consecutive commented lines of similar widths.
        let (mut j, mut min, mut max) = (i, usize::MAX, 0);
        while let Some(Row::Code {
            indent,
            text,
            trailing: Some(_),
        }) = rows.get(j)
        {
            let w = width(indent, text);
            if w.max(max) - w.min(min) > ALIGN_SPREAD {
                break;
            }
            (min, max) = (min.min(w), max.max(w));
            j += 1;
        }
        let col = max + 2;
        for c in &mut columns[i..j] {
            *c = col;
        }
        i = j.max(i + 1);
    }
    let mut out = String::new();
    for (row, col) in rows.iter().zip(columns) {
        match row {
            Row::Blank => {}
            Row::Comment { indent, text } => {
                out.push_str(&" ".repeat(*indent));
                out.push_str(text);
            }
            Row::Code {
                indent,
                text,
                trailing,
            } => {
                out.push_str(&" ".repeat(*indent));
                out.push_str(text);
                if let Some(comment) = trailing {
                    let pad = col.saturating_sub(width(indent, text)).max(1);
                    out.push_str(&" ".repeat(pad));
                    out.push_str(comment);
                }
            }
        }
        out.push('\n');
    }
    out
}
