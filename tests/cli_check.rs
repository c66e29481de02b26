//! `funnel check` as a user runs it: exit codes, the summary line, `--deny-warnings`,
//! `--format json` and plain output under NO_COLOR.

use funnel_tests::{copy_dir, funnel, workspace_root};
use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(funnel())
        .args(args)
        .current_dir(workspace_root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run funnel")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of policies/acme in a fresh temporary directory, with one text replaced.
struct TempSet(PathBuf);

impl TempSet {
    fn acme_with(name: &str, file: &str, from: &str, to: &str) -> TempSet {
        let dir = std::env::temp_dir().join(format!(
            "funnel-cli-{name}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let src = workspace_root().join("policies/acme");
        copy_dir(&src, &dir);
        let path = dir.join(file);
        let original = std::fs::read_to_string(&path).unwrap();
        assert!(original.contains(from), "`{from}` not in {file}");
        std::fs::write(&path, original.replacen(from, to, 1)).unwrap();
        TempSet(dir)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempSet {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn acme_checks_clean() {
    let out = run(&["check", "policies/acme"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let files = std::fs::read_dir(workspace_root().join("policies/acme"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "funnel"))
        .count();
    assert!(
        stderr.contains(&format!("checked {files} files: 0 errors, 0 warnings")),
        "{stderr}"
    );
    assert!(!stderr.contains("funnel::"), "{stderr}");
}

#[test]
fn acme_passes_deny_warnings() {
    let out = run(&["check", "--deny-warnings", "policies/acme"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_broken_copy_exits_1_with_the_code_and_the_place() {
    let set = TempSet::acme_with(
        "broken",
        "personas.funnel",
        "company_size between",
        "compny_size between",
    );
    let out = run(&["check", set.path()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("funnel::unknown_field"), "{stderr}");
    assert!(stderr.contains("personas.funnel:6:3"), "{stderr}");
    assert!(stderr.contains("did you mean `company_size`?"), "{stderr}");
    assert!(stderr.contains(": 1 error, 0 warnings"), "{stderr}");
}

#[test]
fn a_file_path_checks_its_directory() {
    let out = run(&["check", "policies/acme/scoring.funnel"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn deny_warnings_fails_on_a_warning() {
    let set = TempSet::acme_with(
        "warning",
        "scoring.funnel",
        "+5 when company is present",
        "+0 when company is present",
    );
    let out = run(&["check", set.path()]);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning alone passes: {stderr}"
    );
    assert!(stderr.contains("funnel::zero_points"), "{stderr}");
    assert!(stderr.contains(": 0 errors, 1 warning"), "{stderr}");

    let out = run(&["check", "--deny-warnings", set.path()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn json_output_has_every_field() {
    let set = TempSet::acme_with(
        "json",
        "sla.funnel",
        "within 4h of sao_paulo_office",
        "within 4h of sao_paulo",
    );
    let out = run(&["check", "--format", "json", set.path()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    assert_eq!(doc["errors"], 1, "{doc:#}");
    let diags = doc["diagnostics"].as_array().expect("diagnostics array");
    let d = diags
        .iter()
        .find(|d| d["code"] == "funnel::unknown_calendar")
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert!(d["file"].as_str().unwrap().ends_with("sla.funnel"), "{d:#}");
    assert_eq!(d["line"], 22, "{d:#}");
    assert_eq!(d["column"], 16, "{d:#}");
    assert_eq!(d["severity"], "error", "{d:#}");
    assert_eq!(d["message"], "no calendar named `sao_paulo`", "{d:#}");
    assert_eq!(d["help"], "did you mean `sao_paulo_office`?", "{d:#}");
    for key in ["end_line", "end_column", "labels"] {
        assert!(d.get(key).is_some(), "no {key} in {d:#}");
    }
}

#[test]
fn json_output_on_a_clean_set_is_valid_and_empty() {
    let out = run(&["check", "--format", "json", "policies/acme"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 0);
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_missing_path_exits_2() {
    let out = run(&["check", "policies/no-such-set"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no-such-set"), "{stderr}");
}

#[test]
fn a_bad_flag_exits_2() {
    let out = run(&["check", "--no-such-flag", "policies/acme"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = run(&["check", "--format", "yaml", "policies/acme"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn no_color_output_has_no_escape_codes() {
    let set = TempSet::acme_with("nocolor", "funnel.funnel", "C >= 30, else D }", "C >= 30 }");
    let out = run(&["check", set.path()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("funnel::missing_else"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "escape codes in: {stderr:?}");
}
