//! `-` for stdin, as editors use it: `funnel check -` checks the text as a set of one file,
//! `funnel fmt -` writes the formatted text to stdout, and `--stdin-filename` names the text
//! in messages.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A policy in one file, laid out as `funnel fmt` writes it.
const POLICY: &str =
    "policy \"w\" version 1\n\nschema lead {\n  id: text key\n}\n\nstages {\n  lead\n}\n";

fn funnel(args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run funnel");
    let mut input = child.stdin.take().unwrap();
    // A command that fails before reading closes its end: that is not this test's error.
    let _ = input.write_all(stdin.as_ref());
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_dash_checks_the_text_as_one_set() {
    let out = funnel(&["check", "-"], POLICY);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "checked 1 file: 0 errors, 0 warnings\n");
}

#[test]
fn check_dash_names_the_text_by_stdin_filename() {
    let broken = POLICY.replace("  lead\n", "  lead\n  mql when fitt >= 3\n");
    let out = funnel(
        &["check", "-", "--stdin-filename", "drafts/p.funnel"],
        &broken,
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("[drafts/p.funnel:9:12]"), "{stderr}");
    assert!(stderr.contains("checked 1 file: 1 error"), "{stderr}");

    let out = funnel(&["check", "--format", "json", "-"], &broken);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diagnostics"][0]["file"], "<stdin>");
    assert_eq!(doc["diagnostics"][0]["line"], 9);
}

#[test]
fn stdin_filename_without_dash_is_a_usage_error() {
    let out = funnel(&["check", "policies", "--stdin-filename", "p.funnel"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: --stdin-filename names the text read from stdin: give `-` as the path too\n"
    );
}

#[test]
fn stdin_is_read_once() {
    let out = funnel(&["check", "-", "-"], POLICY);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: `-` (stdin) may be given only once\n"
    );
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_name() {
    let out = funnel(
        &["check", "-", "--stdin-filename", "p.funnel"],
        b"policy \xff",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("p.funnel: not UTF-8 text (an invalid byte at offset 7)"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn fmt_dash_writes_the_formatted_text_to_stdout() {
    let messy = POLICY.replace("  lead\n}", "lead\n   }");
    let out = funnel(&["fmt", "-"], &messy);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), POLICY);
    assert_eq!(text(&out.stderr), "");

    // Formatted text comes back as it went in.
    let out = funnel(&["fmt", "-"], POLICY);
    assert_eq!(text(&out.stdout), POLICY);
}

#[test]
fn fmt_dash_check_and_diff_say_what_would_change() {
    let messy = POLICY.replace("  lead\n}", "lead\n   }");
    let out = funnel(
        &["fmt", "--check", "-", "--stdin-filename", "p.funnel"],
        &messy,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "p.funnel\n");
    let out = funnel(&["fmt", "--check", "-"], POLICY);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");

    let out = funnel(&["fmt", "--diff", "-"], &messy);
    let diff = text(&out.stdout);
    assert!(
        diff.contains("-lead\n") && diff.contains("+  lead\n"),
        "{diff}"
    );
    assert!(diff.starts_with("--- <stdin>"), "{diff}");
}

#[test]
fn fmt_dash_on_a_syntax_error_writes_nothing_and_exits_1() {
    let out = funnel(
        &["fmt", "-", "--stdin-filename", "p.funnel"],
        "stages {\n  lead\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "", "the editor keeps its text");
    assert!(
        text(&out.stderr).contains("p.funnel:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn fmt_dash_goes_alone() {
    let out = funnel(&["fmt", "-", "policies"], POLICY);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "funnel fmt: `-` formats the text on stdin alone: give no other path with it\n"
    );
}
