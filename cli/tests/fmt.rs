//! `funnel fmt`: the policies in the repository are formatted; `--check` catches a mangled
//! file; formatting fixes it; `--diff` shows the change without writing.

use funnel_tests::copy_dir;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn funnel(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// A copy of `policies/acme` at `DIR/acme` whose `funnel.funnel` has one line mangled: the
/// directory, that file, and its formatted text.
fn mangled_acme() -> (tempfile::TempDir, PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("policies/acme"), &dir.path().join("acme"));
    let file = dir.path().join("acme/funnel.funnel");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("grade fit { A >= 70,", "grade   fit {A>=70 ,"),
    )
    .unwrap();
    (dir, file, text)
}

#[test]
fn check_passes_on_the_repository_and_fails_after_a_file_is_mangled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = funnel(&["fmt", "--check", "policies"], &root);
    assert!(
        out.status.success(),
        "unformatted: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    let (dir, file, text) = mangled_acme();

    let out = funnel(&["fmt", "--check", "acme"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.lines().any(|l| l.ends_with("funnel.funnel")),
        "{listed}"
    );

    let diff = funnel(&["fmt", "--diff", "acme"], dir.path());
    let shown = String::from_utf8_lossy(&diff.stdout);
    assert!(
        shown.contains("-grade   fit {A>=70 ,") && shown.contains("+grade fit { A >= 70,"),
        "{shown}"
    );
    assert_ne!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "--diff writes nothing"
    );

    assert!(funnel(&["fmt", "acme"], dir.path()).status.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert!(funnel(&["fmt", "--check", "acme"], dir.path())
        .status
        .success());
}

#[test]
fn a_file_with_a_syntax_error_is_reported_not_formatted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.funnel"),
        "score fit {\n  +10 when\n}\n",
    )
    .unwrap();
    let out = funnel(&["fmt", "bad.funnel"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.funnel:2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.funnel")).unwrap(),
        "score fit {\n  +10 when\n}\n"
    );
}

#[test]
fn json_lists_the_files_that_would_change_and_the_syntax_errors() {
    let (dir, file, text) = mangled_acme();

    let out = funnel(&["fmt", "--check", "--format", "json", "acme"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({
            "mode": "check",
            "files": 6,
            "changed": [{ "file": "acme/funnel.funnel", "diff": null }],
            "syntax_errors": 0,
            "diagnostics": [],
        })
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");

    let out = funnel(&["fmt", "--diff", "--format", "json", "acme"], dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diff = doc["changed"][0]["diff"].as_str().unwrap();
    assert!(diff.contains("+grade fit { A >= 70,"), "{diff}");

    std::fs::write(
        dir.path().join("acme/bad.funnel"),
        "score fit {\n  +10 when\n}\n",
    )
    .unwrap();
    let out = funnel(&["fmt", "--format", "json", "acme"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["mode"], "write");
    assert_eq!(doc["syntax_errors"], 1);
    assert_eq!(doc["diagnostics"][0]["file"], "acme/bad.funnel");
    assert_eq!(doc["diagnostics"][0]["code"], "funnel::syntax");
    assert_eq!(doc["changed"][0]["file"], "acme/funnel.funnel", "{doc}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "the good file was formatted"
    );
}

/// A file saved by Excel (a byte-order mark) with an indented block is formatted: the mark is
/// dropped and the block moved to column 1. A file that also has an accented name is not, and
/// its diagnostics carry their own codes and severities.
#[test]
fn fmt_drops_a_byte_order_mark_and_unindents_a_block() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("excel.funnel");
    std::fs::write(
        &file,
        "\u{FEFF}let a = 1\n\n  score fit {\n    +1 when a\n  }\n",
    )
    .unwrap();
    let out = funnel(&["fmt", "excel.funnel"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "let a = 1\n\nscore fit {\n  +1 when a\n}\n"
    );

    std::fs::write(&file, "  score fit {\n    +1 when intenção\n  }\n").unwrap();
    let out = funnel(&["fmt", "--format", "json", "excel.funnel"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shown: Vec<(&str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [
            ("funnel::indented_block", "warning"),
            ("funnel::non_ascii_name", "error")
        ],
        "{doc}"
    );
}
