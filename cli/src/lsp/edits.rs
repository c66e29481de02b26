//! Whole-file formatting (the `funnel fmt` layout) and quick fixes for "did you mean".

use super::analysis::Analysis;
use super::diagnostics::to_lsp;
use super::documents::{path_uri, position, range};
use funnel_grammar::SourceFile;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Range, TextEdit,
    WorkspaceEdit,
};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The edit that lays the file out as `funnel fmt` would; none when it is formatted already
/// or has syntax errors (which the diagnostics show).
pub fn format(file: &Arc<SourceFile>) -> Vec<TextEdit> {
    match funnel_grammar::format(file) {
        Ok(formatted) if formatted != file.text => vec![TextEdit {
            range: Range {
                start: position(&file.text, 0),
                end: position(&file.text, file.text.len()),
            },
            new_text: formatted,
        }],
        _ => Vec::new(),
    }
}

/// A quick fix for each diagnostic in the range whose help suggests a name ("did you mean
/// `score`?"): the name in place of the misspelt one.
pub fn code_actions(a: &Analysis, file: &str, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in &a.report.diagnostics {
        let (Some(span), Some(help)) = (d.span(), d.help.as_deref()) else {
            continue;
        };
        let r = range(span);
        if span.file.name != file || r.end < p.range.start || p.range.end < r.start {
            continue;
        }
        let Some(meant) = suggested_name(help) else {
            continue;
        };
        let edit = TextEdit {
            range: r,
            new_text: meant.to_string(),
        };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: funnel_locale::t!("lsp-change-to", written = span.text(), meant = meant),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![to_lsp(d)]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(path_uri(Path::new(file)), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    out
}

/// The name a help line suggests, as the checker words it in the language of the moment:
/// "did you mean `name`?", "você quis dizer `name`?".
fn suggested_name(help: &str) -> Option<&str> {
    let template = funnel_locale::t!("common-did-you-mean-help", name = '\u{1}');
    let (before, after) = template.split_once('\u{1}')?;
    let rest = &help[help.find(before)? + before.len()..];
    let name = &rest[..rest.find(after)?];
    (!name.is_empty() && !name.contains([' ', '`'])).then_some(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_suggested_name_is_read_from_the_help() {
        assert_eq!(super::suggested_name("did you mean `fit`?"), Some("fit"));
        let pt = funnel_locale::with_language(funnel_locale::Lang::PtBr, || {
            super::suggested_name("você quis dizer `fit`?").map(str::to_string)
        });
        assert_eq!(pt.as_deref(), Some("fit"));
        assert_eq!(super::suggested_name("declare it as a field"), None);
    }
}
