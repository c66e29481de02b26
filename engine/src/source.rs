//! Finding and reading the files of policy sets.

use crate::diagnostic::{Code, Diagnostic};
use funnel_grammar::SourceFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The extension of policy files.
pub const EXTENSION: &str = "funnel";

/// A policy set on disk: a directory and its `*.funnel` files, in name order.
#[derive(Debug, Clone)]
pub struct PolicyDir {
    /// The directory.
    pub dir: PathBuf,
    /// Its policy files, sorted by name (file order never changes a result, but it keeps
    /// messages stable).
    pub files: Vec<PathBuf>,
}

impl PolicyDir {
    /// Finds the policy sets under the given paths. A directory holding `.funnel` files is one
    /// set; a directory without any is searched for sets one level down and further; a file
    /// stands for the set of its directory.
    pub fn discover(paths: &[PathBuf]) -> Result<Vec<PolicyDir>, Diagnostic> {
        let mut out: Vec<PolicyDir> = Vec::new();
        for p in paths {
            let meta = std::fs::metadata(p).map_err(|e| io_error(p, &e))?;
            let dir = if meta.is_file() {
                p.parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("."))
            } else {
                p.clone()
            };
            let before = out.len();
            collect(&dir, &mut out)?;
            if out.len() == before {
                return Err(Diagnostic::error(
                    Code::NoPolicyFiles,
                    format!("no .{EXTENSION} files in {}", dir.display()),
                )
                .help("point at a directory of policy files, e.g. `funnel check policies/acme`"));
            }
        }
        out.dedup_by(|a, b| a.dir == b.dir);
        Ok(out)
    }

    /// Reads the set's files.
    pub fn read(&self) -> Result<Vec<Arc<SourceFile>>, Diagnostic> {
        self.files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).map_err(|e| io_error(f, &e))?;
                Ok(SourceFile::new(f.display().to_string(), text))
            })
            .collect()
    }
}

fn collect(dir: &Path, out: &mut Vec<PolicyDir>) -> Result<(), Diagnostic> {
    let mut files = Vec::new();
    let mut subdirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))? {
        let path = entry.map_err(|e| io_error(dir, &e))?.path();
        if path.is_dir() {
            subdirs.push(path);
        } else if path.extension().is_some_and(|e| e == EXTENSION) {
            files.push(path);
        }
    }
    if !files.is_empty() {
        files.sort();
        out.push(PolicyDir {
            dir: dir.to_path_buf(),
            files,
        });
        return Ok(());
    }
    subdirs.sort();
    for d in subdirs {
        collect(&d, out)?;
    }
    Ok(())
}

/// An I/O error as a diagnostic naming the path.
pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    };
    Diagnostic::error(Code::Io, format!("{}: {reason}", path.display()))
}
