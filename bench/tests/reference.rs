//! The Funnel policy (`bench/lead-scoring-v1`) gives what the workload's `reference.py` gives
//! on every one of 100,000 generated leads, and so do the hand-written rules and the Rhai
//! script that it is measured against, on 20,000. The tests need the workload's generator and
//! reference (`../shared/bench`, run with python3), so they are ignored unless asked for:
//! `.ci/run` runs them with `--include-ignored`, and without the workload they fail.

use funnel_bench::data::{leads_file, read_lines, reference_outputs, Expected};
use funnel_bench::funnel::{at, workload_policy};
use funnel_bench::handwritten::{self, score};
use funnel_bench::rhai::{to_rhai, RhaiScorer};
use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::EvalOptions;

const LEADS: usize = 20_000;

/// Why an ignored test run without the workload fails.
const ABSENT: &str = "../shared/bench is absent: no generated leads or reference outputs";

/// The leads and what the reference says about them, or `None` without the workload.
fn workload() -> Option<(Vec<handwritten::Lead>, Vec<Expected>)> {
    let file = leads_file(LEADS)?;
    let expected = reference_outputs(&file)?;
    let leads: Vec<handwritten::Lead> = read_lines(&file)
        .iter()
        .map(|l| serde_json::from_str(l).expect("a workload lead decodes"))
        .collect();
    assert_eq!(leads.len(), LEADS);
    assert_eq!(expected.len(), LEADS, "one reference line per lead");
    Some((leads, expected))
}

/// Compares outputs lead by lead and reports the first few that differ.
fn assert_same(got: &[Expected], expected: &[Expected], what: &str) {
    let wrong: Vec<(&Expected, &Expected)> =
        got.iter().zip(expected).filter(|(g, e)| g != e).collect();
    assert!(
        wrong.is_empty(),
        "{what}: {} of {} leads differ from reference.py, first: {:#?}",
        wrong.len(),
        expected.len(),
        &wrong[..wrong.len().min(3)]
    );
}

#[test]
#[ignore = "needs ../shared/bench and python3"]
fn handwritten_equals_reference() {
    let (leads, expected) = workload().expect(ABSENT);
    let got: Vec<Expected> = leads
        .iter()
        .map(|lead| {
            let s = score(lead);
            Expected {
                id: lead.id.clone(),
                fit: s.fit,
                engagement: s.engagement,
                stage: s.stage.as_str().to_string(),
                grade: s.grade.as_str().to_string(),
            }
        })
        .collect();
    assert_same(&got, &expected, "handwritten::score");
}

#[test]
#[ignore = "needs ../shared/bench and python3"]
fn rhai_script_equals_reference() {
    let (leads, expected) = workload().expect(ABSENT);
    let scorer = RhaiScorer::new().expect("the script compiles");
    let got: Vec<Expected> = leads
        .iter()
        .map(|lead| {
            let s = scorer.score_typed(&to_rhai(lead)).expect("the script runs");
            // The script's activity is the hand-written one, which the reference checks
            // through engagement.
            assert_eq!(s.activity, score(lead).activity, "activity of {}", lead.id);
            Expected {
                id: lead.id.clone(),
                fit: s.fit,
                engagement: s.engagement,
                stage: s.stage,
                grade: s.grade,
            }
        })
        .collect();
    assert_same(&got, &expected, "the Rhai script");
}

/// A score the workload's rules keep whole, as the reference prints it.
fn whole(score: Option<f64>) -> i64 {
    let x = score.expect("the workload's scores");
    assert_eq!(x.fract(), 0.0, "a whole score, found {x}");
    x as i64
}

#[test]
#[ignore = "needs ../shared/bench and python3"]
fn funnel_policy_equals_reference_on_100_000_leads() {
    const MANY: usize = 100_000;
    let file = leads_file(MANY).expect(ABSENT);
    let expected = reference_outputs(&file).expect("the workload is there");
    let policy = workload_policy().expect("the workload policy compiles");
    let options = BatchOptions {
        at: at(),
        eval: EvalOptions::default(),
        jobs: 0,
        chunk: 4096,
    };
    let input = std::fs::File::open(&file).expect("open the leads");
    let mut got = Vec::with_capacity(MANY);
    let summary = batch::evaluate_each(
        &policy,
        input,
        InputFormat::Jsonl,
        &options,
        |e| Expected {
            id: e.key().expect("a text key").to_string(),
            fit: whole(e.score("fit")),
            engagement: whole(e.score("engagement")),
            stage: e.stage().to_string(),
            grade: e.grade("fit").expect("a grade of fit").to_string(),
        },
        |record, result| {
            got.push(result.unwrap_or_else(|e| panic!("record {record}: {e}")));
            Ok(())
        },
    )
    .expect("the batch runs");
    assert_eq!((summary.evaluated, summary.failed), (MANY as u64, 0));
    assert_eq!(expected.len(), MANY, "one reference line per lead");
    assert_same(&got, &expected, "the Funnel policy");
    // Every stage and grade occurs, so the comparison is not of one constant answer.
    for stage in ["lead", "mql", "sql"] {
        assert!(expected.iter().any(|e| e.stage == stage), "no {stage}");
    }
    for grade in ["A", "B", "C", "D"] {
        assert!(expected.iter().any(|e| e.grade == grade), "no {grade}");
    }
}
