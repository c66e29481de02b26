//! `funnel check --format sarif`: the diagnostics as a SARIF 2.1.0 log, the format GitHub code
//! scanning (and other review tools) reads: one rule per diagnostic code, one result per
//! diagnostic with its file, region, message and level.

use funnel_engine::diagnostic::JsonDiagnostic;
use serde_json::{json, Value};

/// A diagnostic to report, with the file to pin it on when it has no place of its own (the
/// first file of its set): code scanning rejects a result without a location.
pub struct Finding {
    /// The diagnostic, as `--format json` gives it.
    pub diagnostic: JsonDiagnostic,
    /// A file of the diagnostic's set, for a diagnostic without a place.
    pub set_file: Option<String>,
}

/// The SARIF log of one run of `funnel check`.
pub fn document(findings: &[Finding]) -> Value {
    let mut codes: Vec<&str> = findings.iter().map(|f| f.diagnostic.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes.iter().map(|code| rule(code)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let rule_index = codes.binary_search(&f.diagnostic.code).unwrap_or(0);
            result(f, rule_index)
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "funnel",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            // Columns count characters, as the human and JSON output do, not UTF-16 units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A rule: the code, and what it means.
fn rule(code: &str) -> Value {
    let description = funnel_engine::Code::ALL
        .iter()
        .find(|c| c.as_str() == code)
        .map(|c| c.description())
        .unwrap_or_default();
    json!({
        "id": code,
        "shortDescription": { "text": description },
        "help": { "text": description },
    })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let d = &f.diagnostic;
    let text = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let location = match (&d.file, d.line, d.column) {
        (Some(file), Some(line), Some(column)) => {
            let mut region = json!({ "startLine": line, "startColumn": column });
            if let (Some(end_line), Some(end_column)) = (d.end_line, d.end_column) {
                region["endLine"] = json!(end_line);
                region["endColumn"] = json!(end_column);
            }
            Some(physical(file, region))
        }
        _ => f
            .set_file
            .as_deref()
            .map(|file| physical(file, json!({ "startLine": 1 }))),
    };
    // The labels after the main one (another definition of the same name, say).
    let related: Vec<Value> = d
        .labels
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, l)| {
            let mut at = physical(
                &l.file,
                json!({ "startLine": l.line, "startColumn": l.column }),
            );
            at["id"] = json!(i);
            at["message"] = json!({ "text": l.message });
            at
        })
        .collect();
    let mut result = json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": if d.severity == funnel_engine::Severity::Error { "error" } else { "warning" },
        "message": { "text": text },
        "locations": location.into_iter().collect::<Vec<_>>(),
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    result
}

/// A location in a file: `physicalLocation` with the file's URI and a region.
fn physical(file: &str, region: Value) -> Value {
    let mut artifact = json!({ "uri": uri(file) });
    if !file.starts_with('/') {
        // Relative to the checkout, as code scanning resolves it.
        artifact["uriBaseId"] = json!("%SRCROOT%");
    }
    json!({ "physicalLocation": { "artifactLocation": artifact, "region": region } })
}

/// A file name as a URI reference: `/` separators, an absolute path as a `file://` URI, and
/// every byte outside the unreserved characters percent-encoded (spaces, `%`, `#`, `?`, and
/// the bytes of non-ASCII letters).
fn uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_without_a_place_is_pinned_on_its_set_s_first_line() {
        let diagnostic = JsonDiagnostic {
            file: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            severity: funnel_engine::Severity::Error,
            code: "funnel::io",
            message: "cannot read".into(),
            help: None,
            labels: Vec::new(),
        };
        let found = Finding {
            diagnostic,
            set_file: Some("policies/acme/funnel.funnel".into()),
        };
        let log = document(&[found]);
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["message"]["text"], "cannot read");
        assert_eq!(
            result["locations"][0]["physicalLocation"],
            json!({
                "artifactLocation": { "uri": "policies/acme/funnel.funnel", "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": 1 },
            })
        );
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
            "A file or directory could not be read."
        );
    }

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(
            uri("policies/acme/scoring.funnel"),
            "policies/acme/scoring.funnel"
        );
        assert_eq!(uri("/tmp/a b/p.funnel"), "file:///tmp/a%20b/p.funnel");
        assert_eq!(uri("políticas/p.funnel"), "pol%C3%ADticas/p.funnel");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri("dir\\p.funnel"), "dir/p.funnel");
    }
}
