//! `funnel test`: passing and failing expectations, coverage, and the reports people read.

use std::path::Path;
use std::process::{Command, Output};

const POLICY: &str = r#"policy "test-cmd" version 1
  timezone "UTC"

schema lead {
  id: text key
  size: int
  country: text
}

persona local "A Brazilian company" {
  country == "BR"
}

score fit {
  +20 when size >= 50
  +10 when persona local
}

stages {
  lead
  mql when fit >= 20
  sql when fit >= 30
}

route {
  latam when country in ["BR", "AR"]
  global otherwise
}

test "a big Brazilian company is an SQL" {
  given lead { id: "t1", size: 80, country: "BR" }
  at 2026-11-26T10:00:00Z
  expect fit == 30
  expect stage == sql
  expect route == latam
}
"#;

const FAILING: &str = r#"
test "a small company is an MQL" {
  given lead { id: "t2", size: 10, country: "US" }
  at 2026-11-26T10:00:00Z
  expect fit == 20
  expect stage >= mql
}
"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_funnel"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn setup(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("p")).unwrap();
    std::fs::write(
        dir.path().join("p/policy.funnel"),
        format!("{POLICY}{extra}"),
    )
    .unwrap();
    dir
}

#[test]
fn passing_tests_exit_zero_with_a_summary() {
    let dir = setup("");
    let out = run(dir.path(), &["test", "p"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.lines().any(|l| l == "1 passed, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn a_failing_expect_fails_the_run_with_expected_and_actual() {
    let dir = setup(FAILING);
    let out = run(dir.path(), &["test", "p"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    insta::assert_snapshot!("failing_test_report", stdout);
}

#[test]
fn changing_a_rule_s_points_breaks_the_test() {
    let dir = setup("");
    std::fs::write(
        dir.path().join("p/policy.funnel"),
        POLICY.replace("+10 when persona local", "+5 when persona local"),
    )
    .unwrap();
    let out = run(dir.path(), &["test", "p"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("expect fit == 30"), "{stdout}");
    assert!(stdout.contains("but fit is 25"), "{stdout}");
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
}

#[test]
fn filter_selects_tests_by_name() {
    let dir = setup(FAILING);
    let out = run(dir.path(), &["test", "p", "--filter", "Brazilian"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed, 0 failed"));
}

#[test]
fn coverage_lists_what_no_test_exercised() {
    let dir = setup("");
    let out = run(dir.path(), &["test", "p", "--coverage"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    insta::assert_snapshot!("coverage_report", stdout);
}

#[test]
fn json_results_carry_failures() {
    let dir = setup(FAILING);
    let out = run(dir.path(), &["test", "p", "--format", "json", "--coverage"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], 1);
    assert_eq!(v["failed"], 1);
    let failure = &v["sets"][0]["results"][1]["failures"][0];
    assert_eq!(failure["expect"], "fit == 20");
    assert_eq!(failure["actual"], "fit is 0");
    assert!(v["sets"][0]["coverage"]["total"].as_u64().unwrap() > 5);
}

#[test]
fn inline_test_leads_put_lists_in_time_order_like_decoded_leads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("p")).unwrap();
    let policy = r#"policy "order" version 1
schema lead {
  id: text key
  events: list<event>
}
schema event {
  kind: enum(call, email)
  at: datetime
}
let first_kind = first(events).kind
stages {
  lead
}
test "first means earliest, whatever the written order" {
  given lead { id: "t", events: [{ kind: email, at: 2026-11-20T10:00:00Z }, { kind: call, at: 2026-11-01T10:00:00Z }] }
  at 2026-11-26T10:00:00Z
  expect first_kind == call
}
"#;
    std::fs::write(dir.path().join("p/p.funnel"), policy).unwrap();
    let out = run(dir.path(), &["test", "p"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
}

#[test]
fn a_test_lead_file_outside_the_policy_directory_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy");
    std::fs::create_dir(&policy).unwrap();
    let lead = r#"{"id": "outside", "size": 80, "country": "BR"}"#;
    std::fs::write(dir.path().join("outside.json"), lead).unwrap();
    std::fs::write(policy.join("inside.json"), lead).unwrap();
    let tests = r#"
test "a lead beside the policy" {
  given lead from "inside.json"
  at 2026-11-26T10:00:00Z
  expect stage == sql
}

test "a lead from outside" {
  given lead from "../outside.json"
  at 2026-11-26T10:00:00Z
  expect stage == sql
}
"#;
    std::fs::write(policy.join("p.funnel"), format!("{POLICY}{tests}")).unwrap();
    let out = run(dir.path(), &["test", "policy"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("2 passed, 1 failed"), "{stdout}");
    assert!(
        stdout.contains("is outside the policy directory"),
        "{stdout}"
    );
    assert!(!stdout.contains("\"size\""), "{stdout}");
}

#[test]
fn json_on_a_set_that_does_not_compile_carries_its_diagnostics() {
    let dir = setup("");
    std::fs::create_dir(dir.path().join("q")).unwrap();
    std::fs::write(
        dir.path().join("q/policy.funnel"),
        POLICY.replace("mql when fit >= 20", "mql when fitt >= 20"),
    )
    .unwrap();
    let out = run(dir.path(), &["test", "p", "q", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "all of it is in the JSON"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(
        (&v["passed"], &v["failed"], &v["not_compiled"]),
        (&1.into(), &0.into(), &1.into())
    );
    assert_eq!(v["sets"][0]["policy"], "p");
    assert_eq!(v["sets"][0]["compiles"], true);
    let broken = &v["sets"][1];
    assert_eq!(broken["policy"], "q");
    assert_eq!(broken["compiles"], false);
    assert_eq!(broken["results"], serde_json::json!([]));
    let d = &broken["diagnostics"][0];
    assert_eq!(d["severity"], "error", "{d}");
    assert!(
        d["code"].as_str().unwrap().starts_with("funnel::unknown"),
        "{d}"
    );
    assert_eq!(d["file"], "q/policy.funnel", "{d}");
    assert_eq!((&d["line"], &d["column"]), (&21.into(), &12.into()), "{d}");
}
