//! Parsing text into the syntax tree (the only module that sees pest's types).
//!
//! A file is first cut into top-level blocks (at each line that starts, in column 1, with a
//! block keyword) and every block is parsed on its own, so an error in one block does not hide
//! the errors of the others. Inside a block, pest builds a parse tree that the functions of
//! [`blocks`] and [`expr`] turn into [`crate::ast`] nodes, one function per grammar rule.

mod blocks;
mod errors;
mod expr;
mod heads;
mod lexical;
mod names;
mod numbers;

pub use heads::{block_heads, BlockHead};

use crate::ast::{Comment, File, Item};
use crate::span::{SourceFile, Span};
use funnel_locale::t;
use pest::iterators::Pair;
use pest::Parser;
use pest_derive::Parser;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// A syntax error: where, what was found, and what would have been accepted, in plain words.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub span: Span,
    /// What went wrong, e.g. "expected a score rule such as `+10 when ...`, found `}`".
    pub message: String,
    /// The label under the span, e.g. "unexpected `=`".
    pub label: String,
    /// What to do about it, when the parser can tell.
    pub help: Option<String>,
    /// What kind of problem it is.
    pub kind: SyntaxKind,
}

/// What kind of problem a [`SyntaxError`] is. Most are text the grammar does not accept; the
/// others are read all the same, so that one mistake is reported once (and they have codes of
/// their own in the checker's diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxKind {
    /// The text does not follow the grammar: the block it is in is dropped.
    Grammar,
    /// A name with a letter outside ASCII (`funcionários`). It is read as its ASCII spelling,
    /// so that its definition and its uses agree; reported once per spelling and file.
    NonAsciiName,
    /// A top-level block whose keyword is not in column 1. A warning: the block is read, and
    /// `funnel fmt` moves it to column 1.
    IndentedBlock,
}

impl SyntaxKind {
    /// Whether the problem is only a warning: the file means what it says, and `funnel fmt`
    /// rewrites it.
    pub fn is_warning(self) -> bool {
        self == SyntaxKind::IndentedBlock
    }
}

#[derive(Parser)]
#[grammar = "funnel.pest"]
struct FunnelParser;

/// A parse-tree node of the grammar (never leaves this module).
type P<'i> = Pair<'i, Rule>;

/// How deeply expressions may nest (parentheses, lists, `if`, `where` ...). Deeper input is
/// rejected with a clear error instead of risking the stack.
const MAX_NESTING: usize = 64;

/// How deep a syntax tree may grow through operator chains (`a + b + c + ...`): beyond this,
/// code that walks the tree recursively (including `Drop`) could exhaust the stack.
const MAX_TREE_DEPTH: usize = 256;

/// Parses one file. Returns every top-level block that parsed and the errors of those that
/// did not: an error inside one block does not hide errors in the others.
pub fn parse(file: &Arc<SourceFile>) -> (File, Vec<SyntaxError>) {
    let mut items = Vec::new();
    let mut comments = Vec::new();
    let mut errors = Vec::new();
    for chunk in lexical::split_blocks(&file.text) {
        if chunk.indented {
            errors.push(heads::indented(file, chunk.start));
        }
        let ctx = Ctx::new(file, chunk.start);
        if let Some(item) = ctx.parse_chunk(&file.text[chunk.start..chunk.end], chunk.preamble) {
            items.push(item);
        }
        comments.extend(ctx.comments.into_inner());
        errors.extend(ctx.errors.into_inner());
    }
    comments.sort_by_key(|c: &Comment| c.span.start);
    names::first_of_each_spelling(&mut errors);
    (File { items, comments }, errors)
}

/// What the builder functions share while turning one block's parse tree into syntax nodes.
struct Ctx<'f> {
    file: &'f Arc<SourceFile>,
    /// Byte offset of the block in the file: pest's positions are relative to the block.
    base: usize,
    /// Comments of the block, by absolute end offset (to trim them off node spans).
    comment_at_end: RefCell<HashMap<usize, usize>>,
    comments: RefCell<Vec<Comment>>,
    errors: RefCell<Vec<SyntaxError>>,
    /// Nesting of `expr` calls, so that only the outermost checks the tree's depth.
    expr_depth: std::cell::Cell<usize>,
}

impl<'f> Ctx<'f> {
    fn new(file: &'f Arc<SourceFile>, base: usize) -> Ctx<'f> {
        Ctx {
            file,
            base,
            comment_at_end: RefCell::new(HashMap::new()),
            comments: RefCell::new(Vec::new()),
            errors: RefCell::new(Vec::new()),
            expr_depth: std::cell::Cell::new(0),
        }
    }

    /// Parses one block (or the comments before the first block) and builds its item.
    fn parse_chunk(&self, text: &str, preamble: bool) -> Option<Item> {
        let rule = if preamble {
            Rule::preamble
        } else {
            Rule::chunk
        };
        let pairs = match FunnelParser::parse(rule, text) {
            Ok(pairs) => pairs,
            Err(err) => {
                self.collect_comments_lexically(text);
                let error = errors::convert(self, text, &err);
                self.errors.borrow_mut().push(error);
                return None;
            }
        };
        for pair in pairs.clone().flatten() {
            if pair.as_rule() == Rule::COMMENT {
                self.add_comment(&pair);
            }
        }
        let top = pairs.into_iter().next()?;
        if let Some(too_deep) = too_deeply_nested(top.clone()) {
            self.error(
                self.span(&too_deep),
                t!("syntax-nested-too-deeply-more", max_nesting = MAX_NESTING),
                &t!("syntax-nested-too-deeply-label"),
                Some(t!("syntax-split-into-smaller-pieces-help")),
            );
            return None;
        }
        let item = kids(top).next()?;
        self.item(item)
    }

    fn add_comment(&self, pair: &P<'_>) {
        let (start, end) = (pair.as_span().start(), pair.as_span().end());
        self.push_comment(start, end, pair.as_str());
    }

    fn push_comment(&self, start: usize, end: usize, text: &str) {
        let (start, end) = (start + self.base, end + self.base);
        self.comment_at_end.borrow_mut().insert(end, start);
        self.comments.borrow_mut().push(Comment {
            text: text
                .strip_prefix('#')
                .unwrap_or(text)
                .trim_end_matches('\r')
                .to_string(),
            span: Span::new(self.file.clone(), start, end),
        });
    }

    /// Comments of a block that did not parse (the formatter refuses such files, but tools
    /// that list comments still see them).
    fn collect_comments_lexically(&self, text: &str) {
        for (start, end) in lexical::comments(text) {
            self.push_comment(start, end, &text[start..end]);
        }
    }

    /// The span of a node, without the spaces and comments pest may have skipped at its end.
    fn span(&self, pair: &P<'_>) -> Span {
        let s = pair.as_span();
        self.span_at(s.start(), s.end())
    }

    /// A span from block-relative offsets, trimmed of trailing blanks and comments.
    fn span_at(&self, start: usize, end: usize) -> Span {
        let (start, mut end) = (start + self.base, end + self.base);
        let text = self.file.text.as_bytes();
        let comments = self.comment_at_end.borrow();
        loop {
            while end > start && matches!(text[end - 1], b' ' | b'\t') {
                end -= 1;
            }
            match comments.get(&end) {
                Some(&comment_start) if comment_start >= start => end = comment_start,
                _ => break,
            }
        }
        Span::new(self.file.clone(), start, end)
    }

    fn error(&self, span: Span, message: impl Into<String>, label: &str, help: Option<String>) {
        self.errors.borrow_mut().push(SyntaxError {
            span,
            message: message.into(),
            label: label.to_string(),
            help,
            kind: SyntaxKind::Grammar,
        });
    }
}

/// The children of a node that carry meaning: without comments, line breaks, keywords and
/// punctuation (whose presence the grammar already guaranteed).
fn kids(pair: P<'_>) -> impl Iterator<Item = P<'_>> {
    pair.into_inner().filter(|p| !is_noise(p.as_rule()))
}

/// The children of a node without comments and line breaks, keywords included (for the rules
/// whose keywords tell alternatives apart, such as `when` and `per`).
fn words(pair: P<'_>) -> impl Iterator<Item = P<'_>> {
    pair.into_inner()
        .filter(|p| !matches!(p.as_rule(), Rule::COMMENT | Rule::nl))
}

fn is_noise(rule: Rule) -> bool {
    if matches!(rule, Rule::COMMENT | Rule::nl) {
        return true;
    }
    let name = format!("{rule:?}");
    name.starts_with("kw_") || name.starts_with("p_")
}

/// The first expression or type nested more than [`MAX_NESTING`] levels deep, walking the
/// parse tree with an explicit stack so that the walk itself cannot overflow.
fn too_deeply_nested(top: P<'_>) -> Option<P<'_>> {
    let mut stack = vec![(top, 0usize)];
    while let Some((pair, depth)) = stack.pop() {
        let nests = matches!(pair.as_rule(), Rule::expr | Rule::arith | Rule::type_expr);
        let depth = depth + usize::from(nests);
        if depth > MAX_NESTING {
            return Some(pair);
        }
        stack.extend(pair.into_inner().map(|p| (p, depth)));
    }
    None
}
