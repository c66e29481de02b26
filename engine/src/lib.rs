//! Funnel's engine: checks, compiles and evaluates marketing and sales policies.
//!
//! ```no_run
//! let report = funnel_engine::check_dir("policies/acme").unwrap();
//! for d in &report.diagnostics {
//!     eprintln!("{}", d.render(false));
//! }
//! ```
#![deny(missing_docs)]
// A lead error carries its record, path and expected/found texts; it is the rare path, and
// boxing it would only move the cost to every caller.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod calendar;
mod check;
pub mod decision;
pub mod decode;
pub mod diagnostic;
mod eval;
mod evaluator;
mod guard;
pub mod ir;
mod live;
mod lower;
pub mod pattern;
mod policy;
pub mod report;
mod script;
pub mod source;
pub mod testing;
mod value;

pub use decision::Decision;
pub use decode::{Lead, LeadError};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use eval::{format_duration, format_hours, value_json};
pub use evaluator::{Evaluation, Evaluator};
pub use live::{LivePolicy, ReloadEvent, ReloadFailure, WatchOptions};
pub use policy::{EvalOptions, LoadError, Policy, PolicyNames};
pub use source::PolicyDir;

use funnel_grammar::SourceFile;
use std::sync::Arc;

/// The outcome of checking one policy set.
pub struct CheckReport {
    /// The set's files.
    pub files: Vec<Arc<SourceFile>>,
    /// The checked policy, when there were no errors.
    pub checked: Option<ir::Checked>,
    /// Errors and warnings, syntax errors included.
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckReport {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Parses and checks the files of one policy set.
pub fn check_sources(files: Vec<Arc<SourceFile>>) -> CheckReport {
    let mut diagnostics = Vec::new();
    let mut parsed = Vec::new();
    for f in &files {
        let (tree, errors) = funnel_grammar::parse(f);
        diagnostics.extend(errors.into_iter().map(syntax_diagnostic));
        parsed.push((f.clone(), tree));
    }
    let (checked, found) = check::check(&parsed);
    diagnostics.extend(found);
    let checked = if diagnostics.iter().any(|d| d.is_error()) {
        None
    } else {
        checked
    };
    CheckReport {
        files,
        checked,
        diagnostics,
    }
}

/// Reads, parses and checks the policy set in a directory.
pub fn check_dir(dir: impl AsRef<std::path::Path>) -> Result<CheckReport, Diagnostic> {
    let sets = PolicyDir::discover(&[dir.as_ref().to_path_buf()])?;
    let set = sets
        .into_iter()
        .next()
        .ok_or_else(|| Diagnostic::error(Code::NoPolicyFiles, "no policy files found"))?;
    Ok(check_sources(set.read()?))
}

fn syntax_diagnostic(e: funnel_grammar::SyntaxError) -> Diagnostic {
    let mut d = Diagnostic::error(Code::Syntax, e.message).label(&e.span, e.label);
    if let Some(h) = e.help {
        d = d.help(h);
    }
    d
}

/// The README's Rust examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
