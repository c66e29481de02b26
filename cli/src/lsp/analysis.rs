//! Checked policy sets, by directory, kept until one of their files changes.

use super::diagnostics;
use super::documents::{set_dir, Documents};
use funnel_engine::{check_sources, CheckReport};
use funnel_grammar::SourceFile;
use lsp_server::Notification;
use lsp_types::notification::Notification as _;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One set as last checked.
pub struct Analysis {
    /// The checker's report: diagnostics, and the names it resolved.
    pub report: CheckReport,
    /// Files of the directory that could not be read, and why (the others are checked).
    pub unreadable: Vec<String>,
}

impl Analysis {
    /// One file of the set, by path.
    pub fn file(&self, path: &Path) -> Option<Arc<SourceFile>> {
        let name = path.display().to_string();
        self.report.files.iter().find(|f| f.name == name).cloned()
    }
}

/// The sets the editor has open files in.
#[derive(Default)]
pub struct Sets {
    checked: HashMap<PathBuf, Analysis>,
    /// The files each set last published diagnostics for, to clear those that left the set.
    published: HashMap<PathBuf, BTreeSet<String>>,
}

impl Sets {
    /// The directories of the sets checked or published so far.
    pub fn dirs(&self) -> Vec<PathBuf> {
        let mut dirs: BTreeSet<PathBuf> = self.published.keys().cloned().collect();
        dirs.extend(self.checked.keys().cloned());
        dirs.into_iter().collect()
    }

    /// Forgets a set's analysis: one of its files changed.
    pub fn invalidate(&mut self, dir: &Path) {
        self.checked.remove(dir);
    }

    /// The analysis of the set of the file at `path`, checked now if it is not current.
    pub fn analysis(&mut self, path: &Path, docs: &Documents) -> &Analysis {
        let dir = set_dir(path);
        self.checked.entry(dir.clone()).or_insert_with(|| {
            let (files, unreadable) = docs.set_files(&dir);
            Analysis {
                report: check_sources(files),
                unreadable,
            }
        })
    }

    /// Checks the set in `dir` and returns its `publishDiagnostics` notifications: one for
    /// every file of the set (an empty list clears a file's fixed problems), and one for each
    /// file that has left the set since.
    pub fn publish(&mut self, dir: &Path, docs: &Documents) -> Vec<Notification> {
        let mut out = Vec::new();
        // `analysis` wants a file's path; any name in the directory stands for the set.
        let analysis = self.analysis(&dir.join("_.funnel"), docs);
        let by_file = diagnostics::by_file(&analysis.report);
        let now: BTreeSet<String> = by_file.keys().cloned().collect();
        for (file, list) in by_file {
            out.push(diagnostics::notification(&file, list));
        }
        for reason in &analysis.unreadable {
            out.push(Notification::new(
                lsp_types::notification::LogMessage::METHOD.to_string(),
                lsp_types::LogMessageParams {
                    typ: lsp_types::MessageType::WARNING,
                    message: format!("funnel lsp: not checked: {reason}"),
                },
            ));
        }
        let before = self.published.insert(dir.to_path_buf(), now.clone());
        for gone in before.unwrap_or_default().difference(&now) {
            out.push(diagnostics::notification(gone, Vec::new()));
        }
        out
    }
}
