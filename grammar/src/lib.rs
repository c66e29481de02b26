//! The Funnel policy language: its pest grammar, the syntax tree with spans, and the formatter.
//!
//! This crate knows the shape of policy files, not their meaning: checking names and types is
//! the job of `funnel-engine`.
//!
//! ```
//! use funnel_grammar::{parse, SourceFile, ast::Item};
//!
//! let file = SourceFile::new("scoring.funnel", "score fit {\n  +10 when country == \"BR\"\n}\n");
//! let (tree, errors) = parse(&file);
//! assert!(errors.is_empty());
//! assert!(matches!(tree.items[0], Item::Score(_)));
//! ```
#![deny(missing_docs)]

pub mod ast;
pub mod format;
mod parser;
mod span;

pub use format::format;
pub use parser::{block_heads, parse, BlockHead, SyntaxError, SyntaxKind};
pub use span::{SourceFile, Span};
