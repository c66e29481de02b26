//! The hand-written rules and the Rhai script give what the workload's `reference.py` gives,
//! on 20,000 generated leads. Skipped (with a notice) without `../shared/bench`.

use funnel_bench::data::{leads_file, read_lines, reference_outputs, Expected};
use funnel_bench::handwritten::{self, score};
use funnel_bench::rhai::{to_rhai, RhaiScorer};

const LEADS: usize = 20_000;

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
fn handwritten_equals_reference() {
    let Some((leads, expected)) = workload() else {
        return;
    };
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
fn rhai_script_equals_reference() {
    let Some((leads, expected)) = workload() else {
        return;
    };
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
