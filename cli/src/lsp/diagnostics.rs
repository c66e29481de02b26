//! The checker's diagnostics as the protocol's: by file, with codes, help and related places.

use super::documents::{location, path_uri, range};
use funnel_engine::{CheckReport, Diagnostic, Severity};
use lsp_server::Notification;
use lsp_types::notification::Notification as _;
use std::collections::BTreeMap;
use std::path::Path;

/// One diagnostic as the protocol's, placed at its main label (at the start of its file
/// when it has none). Every diagnostic the server shows goes through here, so the wording
/// (and the language of `--lang`) is decided in one place.
pub fn to_lsp(d: &Diagnostic) -> lsp_types::Diagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let mut places = d.places();
    let main = places.next();
    let mut related: Vec<lsp_types::DiagnosticRelatedInformation> = places
        .map(|l| lsp_types::DiagnosticRelatedInformation {
            location: location(&l.span),
            message: l.message.clone(),
        })
        .collect();
    if let Some(main) = main.filter(|l| !l.message.is_empty()) {
        related.insert(
            0,
            lsp_types::DiagnosticRelatedInformation {
                location: location(&main.span),
                message: main.message.clone(),
            },
        );
    }
    lsp_types::Diagnostic {
        range: main.map(|l| range(&l.span)).unwrap_or_default(),
        severity: Some(match d.severity {
            Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp_types::NumberOrString::String(
            d.code.as_str().to_string(),
        )),
        source: Some("funnel".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}

/// A set's diagnostics by the name (path) of the file each is in, every file of the set
/// present, those without problems with an empty list.
pub fn by_file(report: &CheckReport) -> BTreeMap<String, Vec<lsp_types::Diagnostic>> {
    let mut out: BTreeMap<String, Vec<lsp_types::Diagnostic>> = report
        .files
        .iter()
        .map(|f| (f.name.clone(), Vec::new()))
        .collect();
    let first = report.files.first().map(|f| f.name.clone());
    for d in &report.diagnostics {
        let file = d
            .span()
            .map(|s| s.file.name.clone())
            .or_else(|| first.clone());
        if let Some(list) = file.and_then(|f| out.get_mut(&f)) {
            list.push(to_lsp(d));
        }
    }
    out
}

/// The `textDocument/publishDiagnostics` notification of one file.
pub fn notification(file: &str, diagnostics: Vec<lsp_types::Diagnostic>) -> Notification {
    Notification::new(
        lsp_types::notification::PublishDiagnostics::METHOD.to_string(),
        lsp_types::PublishDiagnosticsParams {
            uri: path_uri(Path::new(file)),
            diagnostics,
            version: None,
        },
    )
}
