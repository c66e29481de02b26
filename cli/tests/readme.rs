//! The README's command examples, run as written: every `$ funnel ...` and `$ cargo run ...
//! -- ...` line in a `console` block must succeed, and the output lines shown under it must
//! appear in what it prints (`...` stands for lines left out).

use std::path::Path;
use std::process::Command;

struct Example {
    args: Vec<String>,
    expected: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut in_console = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_console = line.trim() == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            let words = shell_words(cmd);
            let args = if words[0] == "funnel" {
                Some(words[1..].to_vec())
            } else if words[0] == "cargo" && words[1] == "run" {
                words
                    .iter()
                    .position(|w| w == "--")
                    .map(|i| words[i + 1..].to_vec())
            } else {
                None // `cargo test` itself: that is this run.
            };
            if let Some(args) = args {
                out.push(Example {
                    args,
                    expected: Vec::new(),
                });
            }
        } else if let Some(last) = out.last_mut() {
            // `...` stands for lines left out.
            if !line.trim().is_empty() && line.trim() != "..." {
                last.expected.push(line.trim().to_string());
            }
        }
    }
    out
}

#[test]
fn readme_commands_run_as_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let examples = examples(&readme);
    assert!(
        examples.len() >= 4,
        "the README shows its commands in console blocks"
    );
    for ex in examples {
        let output = Command::new(env!("CARGO_BIN_EXE_funnel"))
            .args(&ex.args)
            .current_dir(&root)
            .env("NO_COLOR", "1")
            .output()
            .expect("run funnel");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.status.success(),
            "`funnel {}` failed:\n{text}",
            ex.args.join(" ")
        );
        for line in &ex.expected {
            assert!(
                text.lines().any(|l| l.trim() == line),
                "`funnel {}` did not print `{line}`:\n{text}",
                ex.args.join(" ")
            );
        }
    }
}

/// A command line's words as a shell splits them: on spaces, except inside double quotes
/// (`--outcome "sql_at is present"` is two words).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
fn shell_words_keep_quoted_spaces() {
    assert_eq!(
        shell_words(r#"funnel backtest p --outcome "sql_at is present" -q"#),
        [
            "funnel",
            "backtest",
            "p",
            "--outcome",
            "sql_at is present",
            "-q"
        ]
    );
}

/// The `run: funnel ...` steps of the README's GitHub Actions workflow (```yaml blocks).
fn workflow_steps(readme: &str) -> Vec<String> {
    let mut in_yaml = false;
    let mut steps = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_yaml = line.trim() == "```yaml";
            continue;
        }
        let step = line.trim().trim_start_matches("- ").trim_start();
        if let Some(command) = step
            .strip_prefix("run: ")
            .filter(|c| c.starts_with("funnel "))
        {
            if in_yaml {
                steps.push(command.to_string());
            }
        }
    }
    steps
}

#[test]
fn the_ci_recipe_runs_on_the_shipped_policies() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let steps = workflow_steps(&readme);
    assert!(
        steps.contains(&"funnel check --deny-warnings --format github policies".to_string()),
        "the recipe annotates pull requests: {steps:?}"
    );
    // In a copy, so that `> funnel.sarif` lands there.
    let dir = tempfile::tempdir().unwrap();
    funnel_tests::copy_dir(&root.join("policies"), &dir.path().join("policies"));
    for step in &steps {
        let out = funnel_tests::shell(step, dir.path(), Path::new(env!("CARGO_BIN_EXE_funnel")));
        assert!(
            out.status.success(),
            "`{step}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if step.contains("--format github") {
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "",
                "no annotations on the shipped policies"
            );
        }
    }
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("funnel.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}
