//! Why a command stopped short, with its exit code: each command returns it, and `main`
//! prints it once.
//!
//! A command's own outcome (checks with errors, failed tests, leads that could not be
//! evaluated) is not a failure: it is the `Ok` exit code, its report already written.

use crate::exit;
use crate::output::plural;
use funnel_engine::{Code, Diagnostic, LoadError};
use std::path::PathBuf;

/// A command that could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Usage or I/O: `error: ...`, exit 2.
    #[error("error: {0}")]
    Usage(String),
    /// `funnel fmt`'s usage or I/O errors, which it words as `funnel fmt: ...`; exit 2.
    #[error("funnel fmt: {0}")]
    Fmt(String),
    /// The one lead of `funnel explain` could not be evaluated: exit 3, like a batch with
    /// failed records.
    #[error("error: {0}")]
    Lead(String),
    /// A policy directory that cannot be found or read: the diagnostic, exit 2.
    #[error("{0}")]
    Unreadable(Box<Diagnostic>),
    /// A policy that did not load: its diagnostics, then what that means for the command.
    #[error("the policy in {} did not load", path.display())]
    Load {
        /// The policy directory as given.
        path: PathBuf,
        /// Why.
        error: Box<LoadError>,
    },
}

impl Failure {
    /// A policy that did not load from `path`.
    pub fn load(path: impl Into<PathBuf>, error: LoadError) -> Failure {
        Failure::Load {
            path: path.into(),
            error: Box::new(error),
        }
    }

    /// A directory or file that cannot be read is an I/O error (2, as `check` says),
    /// anything else a policy with errors (1).
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) | Failure::Fmt(_) | Failure::Unreadable(_) => exit::USAGE,
            Failure::Lead(_) => exit::RECORDS_FAILED,
            Failure::Load { error, .. } if unreadable(error) => exit::USAGE,
            Failure::Load { .. } => exit::FAILED,
        }
    }

    /// What stderr gets: diagnostics rendered (in colour when `color`), messages on a line.
    pub fn render(&self, color: bool) -> String {
        match self {
            Failure::Unreadable(d) => d.render(color),
            Failure::Load { path, error } => {
                let mut out: String = error.diagnostics.iter().map(|d| d.render(color)).collect();
                if unreadable(error) {
                    out += &format!("error: cannot read the policy in {}\n", path.display());
                } else {
                    let errors = error.diagnostics.iter().filter(|d| d.is_error()).count();
                    out += &format!(
                        "error: the policy in {} does not compile ({})\n",
                        path.display(),
                        plural(errors, "error")
                    );
                }
                out
            }
            _ => format!("{self}\n"),
        }
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Failure {
        Failure::Unreadable(Box::new(d))
    }
}

fn unreadable(e: &LoadError) -> bool {
    e.diagnostics
        .iter()
        .any(|d| matches!(d.code, Code::Io | Code::NoPolicyFiles))
}

/// A command's exit code, or why it stopped.
pub type Outcome = Result<u8, Failure>;
