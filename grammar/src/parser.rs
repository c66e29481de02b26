//! Parsing text into the syntax tree (the only module that sees pest's types).

use crate::ast::File;
use crate::span::{SourceFile, Span};
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
}

/// Parses one file. Returns every top-level block that parsed and the errors of those that
/// did not: an error inside one block does not hide errors in the others.
pub fn parse(file: &Arc<SourceFile>) -> (File, Vec<SyntaxError>) {
    let _ = file;
    unimplemented!("parser in progress")
}
