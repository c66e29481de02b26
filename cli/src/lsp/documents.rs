//! The editor's side of the files: the open buffers (unsaved edits count), the policy set a
//! file belongs to, file URIs and LSP positions.
//!
//! LSP positions count UTF-16 code units on a line (the protocol's default encoding); Funnel's
//! spans are byte offsets. Every conversion goes through [`offset`] and [`position`], which
//! clamp instead of failing, so no position an editor sends can panic the server.

use funnel_engine::PolicyDir;
use funnel_grammar::{SourceFile, Span};
use lsp_types::{Position, Range, Uri};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The open buffers, by path.
#[derive(Default)]
pub struct Documents {
    open: HashMap<PathBuf, String>,
}

impl Documents {
    /// Opens (or replaces) a buffer.
    pub fn set(&mut self, path: PathBuf, text: String) {
        self.open.insert(path, text);
    }

    /// Closes a buffer: the file on disk counts again.
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    /// The buffer's text, when it is open.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.open.get(path).map(String::as_str)
    }

    /// The files of the policy set in `dir`: its `*.funnel` files on disk with the open
    /// buffers in their place, and buffers not saved yet, in path order. A file that cannot
    /// be read is left out (the others are still served) and its reason returned.
    pub fn set_files(&self, dir: &Path) -> (Vec<Arc<SourceFile>>, Vec<String>) {
        let mut texts: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if is_policy(&path) {
                    texts.insert(path, None);
                }
            }
        }
        for (path, text) in &self.open {
            if is_policy(path) && path.parent() == Some(dir) {
                texts.insert(path.clone(), Some(text.clone()));
            }
        }
        let mut problems = Vec::new();
        let mut files = Vec::new();
        for (path, text) in texts {
            match text {
                Some(text) => files.push(SourceFile::new(path.display().to_string(), text)),
                None => match PolicyDir::read_file(&path) {
                    Ok(file) => files.push(file),
                    Err(e) => problems.push(e.message),
                },
            }
        }
        (files, problems)
    }
}

/// Whether a path names a policy file.
pub fn is_policy(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == funnel_engine::POLICY_EXTENSION)
}

/// The directory of a policy file: its set.
pub fn set_dir(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path`: only the local host is a path here.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let raw = rest.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match raw[i] {
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    bytes.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => bytes.push(b'%'),
            },
            b'?' | b'#' => break,
            b => bytes.push(b),
        }
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(bytes).ok()?))
}

/// The `file:` URI of a path (an absolute one), percent-encoding what a URI path cannot hold.
pub fn path_uri(path: &Path) -> Uri {
    let mut out = String::from("file://");
    for b in path.display().to_string().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a constant URI parses"))
}

/// The byte offset of an LSP position in `text`, clamped to the line and the text.
pub fn offset(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0u32;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= pos.character {
            return line_start + i;
        }
        units += c.len_utf16() as u32;
    }
    line_end
}

/// The LSP position of a byte offset in `text` (clamped to the text).
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count() as u32;
    Position { line, character }
}

/// The LSP range of a span, in its own file.
pub fn range(span: &Span) -> Range {
    let text = &span.file.text;
    Range {
        start: position(text, span.start),
        end: position(text, span.end),
    }
}

/// An LSP location for a span (the span's file name is its path).
pub fn location(span: &Span) -> lsp_types::Location {
    lsp_types::Location {
        uri: path_uri(Path::new(&span.file.name)),
        range: range(span),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_clamp() {
        let text = "ab\nçé😀x\n";
        let p = |line, character| Position { line, character };
        assert_eq!(offset(text, p(0, 1)), 1);
        assert_eq!(offset(text, p(1, 0)), 3);
        // ç and é are one unit each (two bytes), the emoji two units (four bytes).
        assert_eq!(offset(text, p(1, 4)), 3 + 4 + 4);
        assert_eq!(position(text, 3 + 4 + 4), p(1, 4));
        // Past the line's end, past the last line, inside a character: clamped.
        assert_eq!(offset(text, p(0, 99)), 2);
        assert_eq!(offset(text, p(9, 0)), text.len());
        assert_eq!(position(text, 4), p(1, 0));
        assert_eq!(position(text, 999), p(2, 0));
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/my policies/ação.funnel");
        let uri = path_uri(path);
        assert_eq!(
            uri.as_str(),
            "file:///tmp/my%20policies/a%C3%A7%C3%A3o.funnel"
        );
        assert_eq!(uri_path(&uri).unwrap(), path);
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_path(&other), None);
    }
}
