//! Go to definition, find references and rename, all read from the checker's
//! [`funnel_engine::SymbolIndex`].

use super::analysis::Analysis;
use super::documents::{location, path_uri, range};
use funnel_engine::SymbolKind;
use funnel_grammar::SourceFile;
use lsp_types::{Location, PrepareRenameResponse, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Where the name at `at` is defined: for a script function, its `fn` in the `.rhai` file
/// first, then its declaration in the policy.
pub fn definition(a: &Analysis, file: &Arc<SourceFile>, at: usize) -> Vec<Location> {
    let index = &a.report.symbols;
    let Some(i) = index.at(&file.name, at) else {
        return Vec::new();
    };
    let s = index.symbol(i);
    s.implementation
        .iter()
        .chain(std::iter::once(&s.span))
        .map(location)
        .collect()
}

/// Every place the name at `at` is written, its definition included when asked.
pub fn references(
    a: &Analysis,
    file: &Arc<SourceFile>,
    at: usize,
    declaration: bool,
) -> Vec<Location> {
    let index = &a.report.symbols;
    let Some(i) = index.at(&file.name, at) else {
        return Vec::new();
    };
    let skip = usize::from(!declaration);
    index
        .occurrences(i)
        .into_iter()
        .skip(skip)
        .map(location)
        .collect()
}

/// The name a rename at `at` would change, or why there is none.
pub fn prepare_rename(
    a: &Analysis,
    file: &Arc<SourceFile>,
    at: usize,
) -> Result<PrepareRenameResponse, String> {
    let index = &a.report.symbols;
    let i = index
        .at(&file.name, at)
        .ok_or("no name of this policy set here to rename")?;
    renamable(a, i)?;
    let span = index
        .occurrences(i)
        .into_iter()
        .find(|s| s.file.name == file.name && s.start <= at && at <= s.end)
        .ok_or("no name here")?;
    Ok(PrepareRenameResponse::RangeWithPlaceholder {
        range: range(span),
        placeholder: span.text().to_string(),
    })
}

/// Why the symbol cannot be renamed, if it cannot.
fn renamable(a: &Analysis, i: usize) -> Result<(), String> {
    let s = a.report.symbols.symbol(i);
    if s.kind == SymbolKind::Field && !s.detail.contains("read from the column") {
        return Err(format!(
            "renaming the field `{0}` would change the input column it reads: give it \
             `from \"{0}\"` first, then rename it",
            s.name
        ));
    }
    if s.kind == SymbolKind::ScriptFn {
        return Err(format!(
            "`{}` is named by its script too: rename it in the script and the policy together",
            s.name
        ));
    }
    Ok(())
}

/// The edits that rename the name at `at` to `new_name` across the set.
// The protocol keys edits by URI; lsp-types' `Uri` caches its parts inside, which clippy
// takes for a mutable key, but it never changes once parsed.
#[allow(clippy::mutable_key_type)]
pub fn rename(
    a: &Analysis,
    file: &Arc<SourceFile>,
    at: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, String> {
    if !is_name(new_name) {
        return Err(format!(
            "`{new_name}` is not a name: names are ASCII letters, digits and `_`, not starting with a digit"
        ));
    }
    let index = &a.report.symbols;
    let i = index
        .at(&file.name, at)
        .ok_or("no name of this policy set here to rename")?;
    renamable(a, i)?;
    let kind = index.symbol(i).kind;
    if let Some(other) = index
        .symbols()
        .iter()
        .find(|s| s.name == new_name && (s.kind == kind || kind != SymbolKind::Field))
    {
        return Err(format!(
            "`{new_name}` is already the name of a {} ({})",
            other.kind.noun(),
            other.span.location()
        ));
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for span in index.occurrences(i) {
        changes
            .entry(path_uri(Path::new(&span.file.name)))
            .or_default()
            .push(TextEdit {
                range: range(span),
                new_text: new_name.to_string(),
            });
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

/// Whether `s` is a name as the grammar reads one.
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
