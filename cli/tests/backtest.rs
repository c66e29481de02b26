//! `funnel backtest --suggest`: points re-fitted from the data, as a diff of the policy file,
//! on a policy whose points are clearly wrong.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_funnel");

/// `signal` predicts conversion (80% against 20%) but earns 5 points; `noise`, independent of
/// it, earns 40.
const WRONG: &str = r#"policy "wrong" version 1
  timezone "UTC"

schema lead {
  id: text key
  signal: bool
  noise: bool
}

score fit {
  +5 when signal
  +40 when noise
  clamp 0..100
}

stages {
  lead
  mql when fit >= 40
}
"#;

/// The policy and 500 leads (signal on even ones, noise on every other pair, conversion
/// following the signal in four leads of five) in a temporary directory.
fn wrong_policy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::write(dir.path().join("policy/wrong.funnel"), WRONG).unwrap();
    let mut csv = String::from("id,signal,noise,Converted\n");
    for i in 0..500 {
        let signal = i % 2 == 0;
        let converted = signal != (i % 10 < 2);
        csv.push_str(&format!(
            "l{i},{signal},{},{}\n",
            (i / 2) % 2 == 0,
            u8::from(converted)
        ));
    }
    std::fs::write(dir.path().join("leads.csv"), csv).unwrap();
    dir
}

fn backtest(dir: &Path, extra: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args([
            "backtest",
            "policy",
            "leads.csv",
            "--outcome-column",
            "Converted",
        ])
        .args(["--at", "2026-01-01T00:00:00Z"])
        .args(extra)
        .output()
        .expect("run funnel backtest")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn suggest_prints_the_aucs_and_a_diff_the_same_for_a_seed() {
    let dir = wrong_policy();
    let once = stdout(&backtest(dir.path(), &["--suggest"]));
    assert_eq!(once, stdout(&backtest(dir.path(), &["--suggest"])));
    assert_eq!(
        once,
        stdout(&backtest(dir.path(), &["--suggest", "--seed", "1"])),
        "1 is the default seed"
    );
    assert_ne!(
        once,
        stdout(&backtest(dir.path(), &["--suggest", "--seed", "7"]))
    );
    assert!(
        once.contains(
            "suggested points (seed 1): fitted on 350 leads, measured on 150 held out (30%)"
        ),
        "{once}"
    );
    let line = once
        .lines()
        .find(|l| l.starts_with("  score fit: held-out AUC "))
        .unwrap();
    let aucs: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert!(aucs[1] > aucs[0] + 0.05, "{line}");
    assert!(
        once.contains("--- policy/wrong.funnel\n+++ policy/wrong.funnel\n"),
        "{once}"
    );
    assert!(
        once.contains("\n-  +5 when signal\n-  +40 when noise\n"),
        "{once}"
    );
}

#[test]
fn the_json_suggestion_has_each_rule_and_its_diff_makes_a_policy_that_checks_clean() {
    let dir = wrong_policy();
    let out = stdout(&backtest(
        dir.path(),
        &["--suggest", "--holdout", "0.4", "--format", "json"],
    ));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["leads"], 500, "the backtest is still there");
    let s = &json["suggestion"];
    assert_eq!(
        (s["training"].as_u64(), s["held_out"].as_u64()),
        (Some(300), Some(200))
    );
    let fit = &s["scores"][0];
    assert_eq!(fit["score"], "fit");
    let rules = fit["rules"].as_array().unwrap();
    assert_eq!(rules[0]["rule"], "+5 when signal");
    assert_eq!(rules[0]["old_points"], 5.0);
    let (signal, noise) = (
        rules[0]["new_points"].as_f64().unwrap(),
        rules[1]["new_points"].as_f64().unwrap(),
    );
    assert!(signal >= 35.0 && noise.abs() <= 3.0, "{signal} {noise}");
    assert!(rules[0]["weight"].as_f64().unwrap() > 1.0);
    assert!(fit["auc_after"].as_f64() > fit["auc_before"].as_f64());

    // Apply the diff's one hunk: the proposed file checks clean, with the new points.
    let diff = s["diff"].as_str().unwrap();
    let removed: Vec<&str> = diff.lines().filter(|l| l.starts_with("-  ")).collect();
    let added: Vec<&str> = diff.lines().filter(|l| l.starts_with("+  ")).collect();
    assert_eq!(removed.len(), added.len(), "{diff}");
    let mut text = WRONG.to_string();
    for (old, new) in removed.iter().zip(&added) {
        text = text.replacen(&old[1..], &new[1..], 1);
    }
    assert!(
        text.contains(&format!("  +{signal} when signal\n")),
        "{text}"
    );
    std::fs::write(dir.path().join("policy/wrong.funnel"), &text).unwrap();
    let check = Command::new(BIN)
        .current_dir(dir.path())
        .args(["check", "--deny-warnings", "policy"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn suggest_options_are_checked() {
    let dir = wrong_policy();
    let out = backtest(dir.path(), &["--seed", "3"]);
    assert_eq!(out.status.code(), Some(2), "--seed needs --suggest");
    let out = backtest(dir.path(), &["--suggest", "--holdout", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --suggest: the held-out share must be between 0 and 1, not 1\n"
    );
}
