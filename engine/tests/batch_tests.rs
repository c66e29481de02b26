//! Tests over a batch (`given leads`): each figure function against numbers worked out by
//! hand, a failing expectation's message, a bad record in a leads file, coverage of metrics
//! and aggregate SLAs, and what the checker rejects.

use funnel_engine::testing::TestRun;
use funnel_engine::{check_sources, Code, Policy};
use funnel_grammar::SourceFile;
use std::path::Path;

const POLICY: &str = r#"
policy "batch-tests" version 1
  timezone "UTC"

schema lead {
  id: text key
  created_at: datetime
  sector: enum(retail, tech)
  deal_stage: enum(open, won, lost)?
  value: number?
}

stages {
  prospect
  engaging when deal_stage is present
  won when deal_stage == won
  lost when deal_stage == lost
    because "Deal lost"
}

sla wins "Two wins a quarter" {
  at least 2 leads reach won per quarter by created_at
}

sla engaged_to_won "Half the engaged deals are won" {
  at least 50% of leads reaching engaging reach won per quarter by created_at
  split by sector
}

metric win_rate "Won over closed" =
  count(leads where stage == won) / count(leads where stage == won or stage == lost)
  per quarter by created_at
  split by sector
  as percent
  at least 60%

metric revenue "Won value" =
  sum(value of leads where stage == won)
  per month by created_at
  as money "USD"

metric deals "Deals created" = count(leads) per month by created_at
"#;

// 2017-Q3: a retail won (100, July), b retail lost, c tech won (250, August), d tech won
// (50, August), e tech open, f retail prospect. 2017-Q4: g retail won.
//   wins Q3: a, c, d = 3 (held); engaged_to_won Q3: of a, b, c, d, e (5), won 3 = 3/5;
//   per sector: retail a, b -> 1/2; tech c, d, e -> 2/3.
//   win_rate Q3: 3 won of 4 closed = 3/4 (held); retail 1/2 (missed: the quarter is over);
//   tech 2/2. revenue 2017-08: 300. Funnel over all: prospect 7, engaging 6 (a..e, g), won
//   4, lost 1; in 2017-Q3 (the funnel's unit: the first SLA's): won 3.
const LEADS: &str = r#"[
    { id: "a", created_at: 2017-07-03T10:00:00Z, sector: retail, deal_stage: won, value: 100 },
    { id: "b", created_at: 2017-07-10T10:00:00Z, sector: retail, deal_stage: lost },
    { id: "c", created_at: 2017-08-01T10:00:00Z, sector: tech, deal_stage: won, value: 250 },
    { id: "d", created_at: 2017-08-20T10:00:00Z, sector: tech, deal_stage: won, value: 50 },
    { id: "e", created_at: 2017-09-01T10:00:00Z, sector: tech, deal_stage: open },
    { id: "f", created_at: 2017-09-30T23:00:00Z, sector: retail },
    { id: "g", created_at: 2017-10-05T10:00:00Z, sector: retail, deal_stage: won, value: 70 }
  ]"#;

fn test_block(name: &str, given: &str, expects: &[&str]) -> String {
    let mut t = format!("\ntest \"{name}\" {{\n  given {given}\n  at 2018-01-01T00:00:00Z\n");
    for e in expects {
        t.push_str(&format!("  expect {e}\n"));
    }
    t.push_str("}\n");
    t
}

fn policy(tests: &str) -> Policy {
    Policy::from_sources(vec![SourceFile::new(
        "b.funnel",
        format!("{POLICY}{tests}"),
    )])
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs one batch test over the inline leads and returns the run.
fn run(expects: &[&str]) -> TestRun {
    let tests = test_block("batch", &format!("leads {LEADS}"), expects);
    policy(&tests).run_tests(None)
}

fn assert_passes(expects: &[&str]) {
    let run = run(expects);
    let r = &run.results[0];
    assert!(r.passed, "{:#?}", r);
}

#[test]
fn metric_reads_a_metric_or_an_aggregate_sla_per_period_and_segment() {
    assert_passes(&[
        "metric(win_rate, \"2017-Q3\") == 3 / 4",
        "metric(win_rate, \"2017-Q3\", \"sector=retail\") == 1 / 2",
        "metric(win_rate, \"2017-Q3\", \"sector=tech\") == 1",
        "metric(win_rate, \"2017-Q4\") == 1",
        "metric(revenue, \"2017-08\") == 300",
        "metric(revenue, \"2017-09\") == 0",
        "metric(deals, \"2017-07\") == 2",
        // An aggregate SLA: its count, or its share.
        "metric(wins, \"2017-Q3\") == 3",
        "metric(engaged_to_won, \"2017-Q3\") == 3 / 5",
        "metric(engaged_to_won, \"2017-Q3\", \"sector=tech\") == 2 / 3",
        // No row: no leads in the period, or in the segment.
        "metric(revenue, \"2017-11\") is missing",
        "metric(win_rate, \"2017-Q4\", \"sector=tech\") is missing",
    ]);
}

#[test]
fn status_reads_held_missed_at_risk_or_no_data() {
    assert_passes(&[
        "status(win_rate, \"2017-Q3\") == held",
        "status(win_rate, \"2017-Q3\", \"sector=retail\") == missed",
        "status(wins, \"2017-Q3\") == held",
        // One win in Q4, and the quarter is over at the test's instant.
        "status(wins, \"2017-Q4\") == missed",
        "status(engaged_to_won, \"2017-Q3\", \"sector=retail\") == held",
        "status(wins, \"2018-Q1\") == no_data",
    ]);
    // The current period is at risk, not missed.
    let tests = test_block(
        "at risk",
        &format!("leads {LEADS}"),
        &["status(wins, \"2017-Q4\") == at_risk"],
    )
    .replace("at 2018-01-01T00:00:00Z", "at 2017-11-01T00:00:00Z");
    let run = policy(&tests).run_tests(None);
    assert!(run.results[0].passed, "{:#?}", run.results[0]);
}

#[test]
fn funnel_counts_the_leads_that_reached_a_stage() {
    assert_passes(&[
        "funnel(prospect) == 7",
        "funnel(engaging) == 6",
        "funnel(won) == 4",
        // An exclusion: the leads in it.
        "funnel(lost) == 1",
        "funnel(won, \"2017-Q3\") == 3",
        "funnel(engaging, \"2017-Q4\") == 1",
        "funnel(won, \"2018-Q2\") == 0",
    ]);
}

#[test]
fn a_failing_expectation_shows_the_figure_in_its_unit_and_in_full() {
    let run = run(&[
        "metric(engaged_to_won, \"2017-Q3\", \"sector=tech\") == 0.66",
        "metric(revenue, \"2017-08\") > 1000",
        "status(win_rate, \"2017-Q3\", \"sector=retail\") == held",
        "funnel(won) == 5",
        "metric(revenue, \"2017-11\") is present",
        "3 / 4 != metric(win_rate, \"2017-Q3\")",
    ]);
    let r = &run.results[0];
    assert!(!r.passed && r.error.is_none(), "{r:#?}");
    let actual: Vec<&str> = r.failures.iter().map(|f| f.actual.as_str()).collect();
    assert_eq!(
        actual,
        [
            "metric(engaged_to_won, \"2017-Q3\", \"sector=tech\") is 66.67% (0.6666666666666666)",
            "metric(revenue, \"2017-08\") is USD 300.00 (300)",
            "status(win_rate, \"2017-Q3\", \"sector=retail\") is missed",
            "funnel(won) is 4",
            "metric(revenue, \"2017-11\") is unknown (the report has no value there)",
            "metric(win_rate, \"2017-Q3\") is 75.00% (0.75)",
        ]
    );
    assert_eq!(
        r.failures[0].expect,
        "metric(engaged_to_won, \"2017-Q3\", \"sector=tech\") == 0.66"
    );
}

fn write_set(dir: &Path, tests: &str, leads_file: (&str, &str)) -> Policy {
    std::fs::create_dir_all(dir.join("leads")).unwrap();
    std::fs::write(dir.join("leads").join(leads_file.0), leads_file.1).unwrap();
    std::fs::write(dir.join("policy.funnel"), format!("{POLICY}{tests}")).unwrap();
    Policy::load(dir).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn leads_from_a_jsonl_or_csv_file_beside_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = r#"{"id":"a","created_at":"2017-07-03T10:00:00Z","sector":"retail","deal_stage":"won","value":100,"note":"ignored"}
{"id":"b","created_at":"2017-07-10T10:00:00Z","sector":"retail","deal_stage":"lost"}
"#;
    let tests = test_block(
        "from a file",
        "leads from \"leads/q3.jsonl\"",
        &[
            "metric(win_rate, \"2017-Q3\") == 1 / 2",
            "funnel(lost) == 1",
        ],
    );
    let run = write_set(dir.path(), &tests, ("q3.jsonl", jsonl)).run_tests(None);
    assert!(run.results[0].passed, "{:#?}", run.results[0]);

    let dir = tempfile::tempdir().unwrap();
    let csv = "id,created_at,sector,deal_stage,value\na,2017-07-03T10:00:00Z,retail,won,100\nc,2017-08-01T10:00:00Z,tech,won,250\n";
    let tests = test_block(
        "from a csv",
        "leads from \"leads/q3.csv\"",
        &["metric(revenue, \"2017-08\") == 250", "funnel(won) == 2"],
    );
    let run = write_set(dir.path(), &tests, ("q3.csv", csv)).run_tests(None);
    assert!(run.results[0].passed, "{:#?}", run.results[0]);
}

#[test]
fn a_bad_record_in_a_leads_file_fails_the_test_with_the_decoders_message() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = r#"{"id":"a","created_at":"2017-07-03T10:00:00Z","sector":"retail","deal_stage":"won"}
{"id":"b","created_at":"2017-07-10T10:00:00Z","sector":"food","deal_stage":"lost"}
"#;
    let tests = test_block(
        "a bad record",
        "leads from \"leads/bad.jsonl\"",
        &["funnel(won) == 1"],
    );
    let run = write_set(dir.path(), &tests, ("bad.jsonl", jsonl)).run_tests(None);
    let r = &run.results[0];
    assert!(!r.passed, "{r:#?}");
    let error = r.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("bad.jsonl")
            && error.contains("record 2")
            && error.contains("field `sector`")
            && error.contains("food"),
        "{error}"
    );
}

#[test]
fn coverage_counts_metrics_and_aggregate_slas_a_batch_test_expects() {
    let run = run(&[
        "metric(win_rate, \"2017-Q3\") == 3 / 4",
        "status(wins, \"2017-Q3\") == held",
        "funnel(lost) == 1",
    ]);
    let missed: Vec<&str> = run
        .coverage
        .missed
        .iter()
        .map(|i| i.what.as_str())
        .collect();
    for covered in ["metric win_rate", "sla wins", "stage lost"] {
        assert!(!missed.contains(&covered), "{covered} in {missed:?}");
    }
    for not_covered in [
        "metric revenue",
        "metric deals",
        "sla engaged_to_won",
        "stage won",
    ] {
        assert!(
            missed.contains(&not_covered),
            "{not_covered} not in {missed:?}"
        );
    }
    // 4 stages, 2 aggregate SLAs, 3 metrics; 3 covered.
    assert_eq!((run.coverage.covered, run.coverage.total), (3, 9));
}

/// The codes a set of tests gets from the checker.
fn codes(tests: &str) -> Vec<(Code, String)> {
    let report = check_sources(vec![SourceFile::new(
        "b.funnel",
        format!("{POLICY}{tests}"),
    )]);
    report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

#[test]
fn the_checker_knows_the_reports_shape() {
    let batch = |e: &str| codes(&test_block("t", &format!("leads {LEADS}"), &[e]));
    let one = |e: &str| {
        codes(&test_block(
            "t",
            "lead { id: \"x\", created_at: 2017-07-03T10:00:00Z, sector: tech }",
            &[e],
        ))
    };
    let first = |c: Vec<(Code, String)>| c.into_iter().next().expect("a diagnostic");
    assert_eq!(batch("metric(win_rate, \"2017-Q3\") == 1"), []);
    assert_eq!(
        first(batch("metric(win_rat, \"2017-Q3\") == 1")).0,
        Code::UnknownName
    );
    assert_eq!(first(batch("funnel(wonn) == 1")).0, Code::UnknownStage);
    let (code, message) = first(batch("metric(win_rate, \"2017-07\") == 1"));
    assert_eq!(
        (code, message.as_str()),
        (
            Code::BadTest,
            "`2017-07` is not a quarter as the report writes it"
        )
    );
    for (bad, unit) in [
        ("2017-13", "revenue"),
        ("2017-7", "revenue"),
        ("2017-Q5", "win_rate"),
        ("2017Q3", "win_rate"),
    ] {
        assert_eq!(
            first(batch(&format!("metric({unit}, \"{bad}\") == 1"))).0,
            Code::BadTest,
            "{bad}"
        );
    }
    // The segment's dimensions are checked, not its value (the batch decides the rows).
    assert_eq!(
        batch("metric(win_rate, \"2017-Q3\", \"sector=food\") is missing"),
        []
    );
    let (code, message) = first(batch("metric(win_rate, \"2017-Q3\", \"origin=x\") == 1"));
    assert_eq!(
        (code, message.as_str()),
        (Code::BadTest, "`origin=x` is not a segment of `win_rate`")
    );
    assert_eq!(
        first(batch("metric(revenue, \"2017-08\", \"sector=tech\") == 1")).0,
        Code::BadTest
    );
    let (code, message) = first(batch("status(revenue, \"2017-08\") == held"));
    assert_eq!(
        (code, message.as_str()),
        (
            Code::BadTest,
            "the metric `revenue` has no target, so no status"
        )
    );
    assert_eq!(first(batch("metric(win_rate, 2017) == 1")).0, Code::BadTest);
    assert_eq!(first(batch("metric(win_rate) == 1")).0, Code::WrongArity);
    // A lead's own values have no meaning over a batch, and the figures none for one lead.
    for e in ["stage == won", "value > 0", "reached(won)"] {
        assert_eq!(first(batch(e)).0, Code::BadTest, "{e}");
    }
    for e in ["funnel(won) == 1", "metric(win_rate, \"2017-Q3\") == 1"] {
        assert_eq!(first(one(e)).0, Code::BadTest, "{e}");
    }
    assert_eq!(one("stage == prospect"), []);
    // Elsewhere the functions do not exist.
    let (code, _) = first(codes(
        "\nlet x = funnel(won) == 1\nscore s {\n  +1 when x\n}\n",
    ));
    assert_eq!(code, Code::UnknownFunction);
}
