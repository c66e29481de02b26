//! The last line of defence: a panic while evaluating one lead (a bug) becomes that lead's
//! error, and the batch, the report and the test run go on. Test builds make `upper` panic
//! on one text, since no input may make a correct build panic.

use crate::batch::{self, BatchOptions, InputFormat};
use crate::report::{self, ReportRange};
use crate::{EvalOptions, Policy};
use funnel_grammar::SourceFile;

/// The text that makes `upper` panic in test builds.
pub(crate) const PANIC_TEXT: &str = "\u{1}panic for a test\u{1}";

const POLICY: &str = r#"
policy "guard" version 1
schema lead {
  id: text key
  t: text
  created_at: datetime
}
let shout = upper(t)
stages {
  lead
  mql when shout == "YES"
}
sla volume {
  at least 1 leads reach mql per month by created_at
}
test "a normal lead" {
  given lead { id: "a", t: "yes", created_at: 2026-11-02T10:00:00Z }
  at 2026-11-26T10:00:00Z
  expect stage == mql
}
test "a lead that hits the bug" {
  given lead { id: "b", t: "\u{1}panic for a test\u{1}", created_at: 2026-11-02T10:00:00Z }
  at 2026-11-26T10:00:00Z
  expect stage == lead
}
"#;

fn policy() -> Policy {
    Policy::from_sources(vec![SourceFile::new("guard.funnel", POLICY)]).unwrap()
}

/// Three leads; the second hits the bug.
fn input() -> String {
    ["yes", PANIC_TEXT, "no"]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let lead = serde_json::json!({"id": format!("L{i}"), "t": t, "created_at": "2026-11-02T10:00:00Z"});
            format!("{lead}\n")
        })
        .collect()
}

fn options(jobs: usize) -> BatchOptions {
    BatchOptions {
        at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs,
        chunk: 1,
    }
}

fn is_internal(message: &str) -> bool {
    message.starts_with("internal error while evaluating this lead")
        && message.contains("a panic injected by a test")
}

#[test]
fn a_panic_costs_one_lead_of_a_batch_on_one_core_and_many() {
    let policy = policy();
    for jobs in [1, 3] {
        let mut outcomes = Vec::new();
        let summary = batch::run(
            &policy,
            input().as_bytes(),
            InputFormat::Jsonl,
            &options(jobs),
            |o| {
                outcomes.push(o);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!((summary.evaluated, summary.failed), (2, 1));
        let stages: Vec<Result<String, (Option<u64>, bool)>> = outcomes
            .into_iter()
            .map(|o| {
                o.result
                    .map(|d| d.stage)
                    .map_err(|e| (e.record, is_internal(&e.message)))
            })
            .collect();
        assert_eq!(
            stages,
            [
                Ok("mql".to_string()),
                Err((Some(2), true)),
                Ok("lead".into())
            ]
        );
    }
}

#[test]
fn a_panic_costs_one_lead_of_a_report() {
    let policy = policy();
    let mut errors = Vec::new();
    let report = report::run(
        &policy,
        input().as_bytes(),
        InputFormat::Jsonl,
        &options(2),
        &ReportRange::default(),
        |e| errors.push((e.record, is_internal(&e.message))),
    )
    .unwrap();
    assert_eq!(errors, [(Some(2), true)]);
    assert_eq!((report.evaluated, report.failed), (2, 1));
}

#[test]
fn a_panic_fails_its_test_and_the_others_run() {
    let run = policy().run_tests(None);
    let results: Vec<(&str, bool, bool)> = run
        .results
        .iter()
        .map(|r| {
            let internal = r.error.as_deref().is_some_and(is_internal);
            (r.name.as_str(), r.passed, internal)
        })
        .collect();
    assert_eq!(
        results,
        [
            ("a normal lead", true, false),
            ("a lead that hits the bug", false, true)
        ]
    );
}

#[test]
fn a_panic_is_the_error_of_one_evaluation() {
    let policy = policy();
    let at = options(1).at;
    let lead =
        serde_json::json!({"id": "x", "t": PANIC_TEXT, "created_at": "2026-11-02T10:00:00Z"});
    let err = policy
        .evaluate_json(lead.to_string().as_bytes(), at)
        .unwrap_err();
    assert!(is_internal(&err.message), "{err}");
    assert_eq!(err.lead.as_deref(), Some("x"));
    // The same evaluator goes on with the next lead as if nothing happened.
    let mut evaluator = policy.evaluator(EvalOptions::default());
    let options = EvalOptions::default();
    let bad = policy
        .decode_json(lead.to_string().as_bytes(), &options)
        .unwrap();
    assert!(evaluator.evaluate(&bad, at, Some(1)).is_err());
    let good = serde_json::json!({"id": "y", "t": "yes", "created_at": "2026-11-02T10:00:00Z"});
    let good = policy
        .decode_json(good.to_string().as_bytes(), &options)
        .unwrap();
    assert_eq!(
        evaluator.evaluate(&good, at, Some(2)).unwrap().stage(),
        "mql"
    );
}
