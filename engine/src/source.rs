//! Finding and reading the files of policy sets.
//!
//! Everything read here is confined: a policy file or a script must be a regular file inside
//! the policy directory once symlinks are resolved, and no larger than [`MAX_FILE_BYTES`].
//! Diagnostics quote the text of the files they point into, so reading a file that is not
//! the policy's (`use script "/proc/self/environ"`, a `leak.funnel` symlink to `/etc/passwd`)
//! would print its content; and a FIFO or `/dev/zero` would block or fill memory.

use crate::diagnostic::{Code, Diagnostic};
use funnel_grammar::SourceFile;
use funnel_locale::t;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The extension of policy files.
pub const EXTENSION: &str = "funnel";

/// The largest policy file or script read, in bytes (8 MiB). Real policies are a few
/// kilobytes; the bound keeps a mistaken file (a log, a symlink to a huge file) from filling
/// memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

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
    /// The largest policy file or script read, in bytes (8 MiB): real policies are a few
    /// kilobytes, and the bound keeps a mistaken file from filling memory.
    pub const MAX_FILE_BYTES: u64 = MAX_FILE_BYTES;

    /// Every `*.funnel` file under `dir` at any depth, in path order (what `funnel fmt`
    /// formats), found as [`PolicyDir::discover`] finds sets.
    pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
        funnel_files_under(dir)
    }

    /// Reads one policy file, confined to its own directory as [`PolicyDir::read`] confines
    /// a set's files: a `*.funnel` symlink to a file elsewhere is not read.
    pub fn read_file(path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let text = read_confined(path, dir.unwrap_or(Path::new("."))).map_err(|reason| {
            Diagnostic::error(
                Code::Io,
                t!("io-text", path = path.display(), reason = reason),
            )
        })?;
        Ok(SourceFile::new(path.display().to_string(), text))
    }

    /// Reads one policy file's text from `reader` (standard input, as an editor sends it),
    /// bounded and checked as a file on disk is: at most [`PolicyDir::MAX_FILE_BYTES`], UTF-8.
    /// `name` is the file's name in messages, and paths the file names (a test's `given lead
    /// from`) are resolved against its directory.
    pub fn read_from(reader: impl Read, name: &str) -> Result<Arc<SourceFile>, Diagnostic> {
        let text = read_bounded(reader, 0).map_err(|reason| {
            Diagnostic::error(Code::Io, t!("io-text-2", name = name, reason = reason))
        })?;
        Ok(SourceFile::new(name, text))
    }

    /// Finds the policy sets under the given paths. A directory holding `.funnel` files is one
    /// set; a directory without any is searched for sets one level down and further; a file
    /// stands for the set of its directory. Entries that are not regular files (FIFOs,
    /// devices, sockets) are skipped, and a directory reached twice through symlinks is
    /// searched once.
    pub fn discover(paths: &[PathBuf]) -> Result<Vec<PolicyDir>, Diagnostic> {
        let mut out: Vec<PolicyDir> = Vec::new();
        for p in paths {
            let meta = std::fs::metadata(p).map_err(|e| io_error(p, &e))?;
            let dir = if meta.is_file() {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
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
                    t!("io-no-files", extension = EXTENSION, dir = dir.display()),
                )
                .help(t!("no_policy_files-point-at-directory-policy-help")));
            }
        }
        out.dedup_by(|a, b| a.dir == b.dir);
        Ok(out)
    }

    /// Reads the set's files, each confined to the set's directory: after following
    /// symlinks, a file must be a regular file inside it, of at most
    /// [`PolicyDir::MAX_FILE_BYTES`].
    pub fn read(&self) -> Result<Vec<Arc<SourceFile>>, Diagnostic> {
        self.files
            .iter()
            .map(|f| {
                let text = read_confined(f, &self.dir).map_err(|reason| {
                    Diagnostic::error(Code::Io, t!("io-text-3", f = f.display(), reason = reason))
                        .help(t!("io-policy-files-must-regular-help"))
                })?;
                Ok(SourceFile::new(f.display().to_string(), text))
            })
            .collect()
    }
}

/// Searches `root` for sets: a directory with policy files is a set, one without is searched
/// further down.
fn collect(root: &Path, out: &mut Vec<PolicyDir>) -> Result<(), Diagnostic> {
    walk(root, |dir, files| {
        if files.is_empty() {
            return true;
        }
        out.push(PolicyDir {
            dir: dir.to_path_buf(),
            files,
        });
        false
    })
}

/// Every `*.funnel` file under `dir` at any depth, in path order (what `funnel fmt` formats),
/// found as [`PolicyDir::discover`] finds them.
pub(crate) fn funnel_files_under(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut all = Vec::new();
    walk(dir, |_, files| {
        all.extend(files);
        true
    })?;
    all.sort();
    Ok(all)
}

/// Walks the directories under `root`, depth first in name order, handing `visit` each one's
/// policy files (sorted); `visit` says whether to go into its subdirectories. Iterative, and
/// each directory (by its canonical path) is visited once: symlinks that loop (`a -> .`,
/// `b -> ..`) would otherwise multiply the paths to walk until they grow too long, which took
/// minutes.
fn walk(root: &Path, mut visit: impl FnMut(&Path, Vec<PathBuf>) -> bool) -> Result<(), Diagnostic> {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let canonical = std::fs::canonicalize(&dir).map_err(|e| io_error(&dir, &e))?;
        if !seen.insert(canonical) {
            continue;
        }
        let mut files = Vec::new();
        let mut subdirs = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| io_error(&dir, &e))? {
            let path = entry.map_err(|e| io_error(&dir, &e))?.path();
            let is_policy = path.extension().is_some_and(|e| e == EXTENSION);
            // `metadata` follows symlinks and never opens the file, so a FIFO does not block.
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => subdirs.push(path),
                Ok(m) if is_policy && m.is_file() => files.push(path),
                // FIFOs, devices and sockets named `*.funnel` are not policy files.
                Ok(_) => {}
                // A dangling or looping symlink named `*.funnel` is kept, so that reading it
                // says what is wrong with it instead of the file silently missing.
                Err(_) if is_policy => files.push(path),
                Err(_) => {}
            }
        }
        files.sort();
        if visit(&dir, files) {
            subdirs.sort();
            stack.extend(subdirs.into_iter().rev());
        }
    }
    Ok(())
}

/// Reads `path` as text when, after resolving symlinks, it is a regular file inside `root`
/// of at most [`MAX_FILE_BYTES`]; otherwise says why not (the reason names paths, never
/// content). For policy files and the scripts they use.
pub(crate) fn read_confined(path: &Path, root: &Path) -> Result<String, String> {
    let root_real = std::fs::canonicalize(root).map_err(|e| {
        t!(
            "io-policy-directory",
            root = root.display(),
            reason = reason(&e)
        )
    })?;
    let real = std::fs::canonicalize(path).map_err(|e| reason(&e))?;
    if !real.starts_with(&root_real) {
        return Err(t!(
            "io-outside-policy-directory",
            real = real.display(),
            root = root.display()
        ));
    }
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let meta = std::fs::metadata(&real).map_err(|e| reason(&e))?;
    if !meta.is_file() {
        return Err(t!("io-regular-file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(&real).map_err(|e| reason(&e))?;
    // A file can grow between the size check and the read: `read_bounded` stops one byte past.
    read_bounded(file, meta.len())
}

/// Reads at most [`MAX_FILE_BYTES`] of text from `reader` (`capacity` bytes expected), or says
/// why not: too large, not UTF-8, or the reader's error.
fn read_bounded(reader: impl Read, capacity: u64) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(capacity.min(MAX_FILE_BYTES) as usize);
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| reason(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        t!(
            "io-utf-8-text-invalid",
            valid_up_to = e.utf8_error().valid_up_to()
        )
    })
}

/// Why a file is not read: its size.
fn too_large() -> String {
    t!(
        "io-larger-than-mib-most",
        mib = MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// An I/O error's reason in words.
fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => t!("io-no-such-file-directory"),
        std::io::ErrorKind::PermissionDenied => t!("io-permission-denied"),
        _ => e.to_string(),
    }
}

/// An I/O error as a diagnostic naming the path.
pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        t!("io-text-4", path = path.display(), reason = reason(e)),
    )
}

/// A path a policy file names (a `use script`, a test's `given lead from`), resolved against
/// that file's directory.
pub(crate) fn relative_to(file: &SourceFile, path: &str) -> PathBuf {
    let base = Path::new(&file.name)
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    base.join(path)
}

/// Reads a file a policy file names (a `use script`, a test's `given lead from`), given the
/// policy file's name as read (a path): the file is confined to that file's directory, the
/// policy directory.
pub(crate) fn read_beside(policy_file: &str, path: &Path) -> Result<String, String> {
    let root = Path::new(policy_file)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    read_confined(path, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_a_reader_is_named_and_bounded_like_a_file() {
        let file =
            PolicyDir::read_from("stages {\n  lead\n}\n".as_bytes(), "draft.funnel").unwrap();
        assert_eq!(file.name, "draft.funnel");
        assert_eq!(file.text, "stages {\n  lead\n}\n");

        let huge = std::io::repeat(b'#').take(MAX_FILE_BYTES + 1);
        let e = PolicyDir::read_from(huge, "<stdin>").unwrap_err();
        assert_eq!(
            e.message,
            "<stdin>: larger than 8 MiB, the most a policy file or script may be"
        );

        let e = PolicyDir::read_from(&b"ok\xff"[..], "<stdin>").unwrap_err();
        assert_eq!(
            e.message,
            "<stdin>: not UTF-8 text (an invalid byte at offset 2)"
        );
    }
}
