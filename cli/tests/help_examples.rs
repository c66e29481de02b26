//! Every verb's `--help` ends with an "Examples:" section, and its examples work: each runs,
//! as a shell runs it (pipes, `<` and `>` included), from a directory holding a copy of
//! `policies/acme`, and succeeds. The verbs that never return (`watch`, `serve`, `lsp`) and `join`,
//! whose examples name exports that are not shipped, are parsed instead: their command with
//! `--help` appended must be accepted.

use funnel_tests::{copy_dir, shell, workspace_root};
use std::path::Path;
use std::process::{Command, Output};

const PARSED_ONLY: &[&str] = &["watch", "serve", "lsp", "join"];

fn funnel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run funnel")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The verbs `funnel --help` lists under "Commands:" (without `help`).
fn verbs() -> Vec<String> {
    let help = text(&funnel(&["--help"]));
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|v| *v != "help")
        .map(str::to_string)
        .collect()
}

/// The commands of a help text's "Examples:" section (its `#` lines describe them).
fn examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Examples:")
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_verb_has_examples_and_they_work() {
    let verbs = verbs();
    assert!(verbs.len() >= 11, "the verbs: {verbs:?}");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &workspace_root().join("policies/acme"),
        &dir.path().join("policies/acme"),
    );
    let mut ran = 0;
    for verb in &verbs {
        let out = funnel(&[verb, "--help"]);
        let help = text(&out);
        assert!(out.status.success(), "funnel {verb} --help: {help}");
        let examples = examples(&help);
        assert!(
            !examples.is_empty(),
            "no examples in `funnel {verb} --help`:\n{help}"
        );
        for example in examples {
            assert!(
                example.contains(&format!("funnel {verb}")),
                "an example of {verb} runs it: {example}"
            );
            let out = if PARSED_ONLY.contains(&verb.as_str()) {
                // The command up to a pipe, with `--help`: clap checks every flag and value.
                let mut words: Vec<&str> = example
                    .split_whitespace()
                    .skip(1)
                    .take_while(|w| *w != "|")
                    .collect();
                words.push("--help");
                funnel(&words)
            } else {
                ran += 1;
                shell(
                    &example,
                    dir.path(),
                    Path::new(env!("CARGO_BIN_EXE_funnel")),
                )
            };
            assert!(
                out.status.success(),
                "`{example}` exited {:?}:\n{}",
                out.status.code(),
                text(&out)
            );
        }
    }
    assert!(ran >= 20, "{ran} examples ran");
    let sarif = std::fs::read_to_string(dir.path().join("funnel.sarif")).unwrap();
    assert!(sarif.contains("\"version\": \"2.1.0\""), "{sarif}");
    let report = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("<html"), "the HTML report was written");
}

#[test]
fn the_examples_section_is_found_in_a_help_text() {
    let help = "Usage: funnel x\n\nExamples:\n  # Do it\n  funnel x a\n\n  # Again\n  cat f | funnel x -\n";
    assert_eq!(examples(help), ["funnel x a", "cat f | funnel x -"]);
}
