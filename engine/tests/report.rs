//! Report numbers checked against a small fixture computed by hand.

use chrono::DateTime;
use funnel_engine::batch::{BatchOptions, InputFormat};
use funnel_engine::report::{self, ReportRange, Status};
use funnel_engine::{EvalOptions, Policy};
use funnel_grammar::SourceFile;

const POLICY: &str = r#"
policy "report-test" version 1
  timezone "UTC"

schema lead {
  id: text key
  created_at: datetime
  score_in: int
  cost: number?
  sql_at: datetime?
  called_at: datetime?
  spam: bool
}

score fit {
  +1 per score_in
}

stages {
  lead
  mql when fit >= 10
  sql when fit >= 20
  junk when spam because "spam"
  split by spam
}

sla call_back "Call every SQL within a day" {
  applies when stage == sql
  starts at sql_at
  met by called_at
  within 1d
  split by spam
}

sla volume "Three MQLs a month" {
  at least 3 leads reach mql per month by created_at
}

sla conversion "Half of the MQLs become SQLs" {
  at least 50% of leads reaching mql reach sql per month by created_at
  split by spam
}

sla calls "Nine in ten SQLs called on time" {
  at least 90% of call_back met per month
}

metric cost_per_mql "Cost per MQL" = sum(cost of leads) / count(leads where stage >= mql) per month by created_at
metric median_fit "Median fit" = median(fit of leads) per month by created_at
metric mql_share "Share of leads at MQL or later" =
  count(leads where stage >= mql) / count(leads)
  per month by created_at
  split by spam
  as percent
  at least 50%
  owner marketing
"#;

// October: 4 leads. a: fit 25 (sql, called after 2h: met); b: fit 12 (mql); c: fit 30 but
// spam (junk, having reached sql); d: fit 5 (lead). MQLs reached: a, b and c (an excluded lead
// keeps what it had reached) = 3 -> volume held. Conversion: of a, b, c, two (a, c) reached
// sql = 2/3 -> held. Calls: a met = 1/1 -> held. Cost: 10 + 20 + 30 + 40 = 100 over the 2
// leads whose stage is mql or later (c's is junk) = 50. Median fit of 25, 12, 30, 5 =
// (12+25)/2.
// November (current at 2026-11-15): e: fit 22 (sql, not called, started 11-10: breached);
// f: fit 21 (sql, called 30h after: met late). Volume 2 (e, f): at risk. Conversion 2/2 held.
// Calls: 0 of 2 on time: at risk. Cost 5 / 2 = 2.5; median fit (21+22)/2 = 21.5.
const LEADS: &str = r#"{"id":"a","created_at":"2026-10-03T10:00:00Z","score_in":25,"cost":10,"sql_at":"2026-10-05T09:00:00Z","called_at":"2026-10-05T11:00:00Z","spam":false}
{"id":"b","created_at":"2026-10-10T10:00:00Z","score_in":12,"cost":20,"spam":false}
{"id":"c","created_at":"2026-10-20T10:00:00Z","score_in":30,"cost":30,"spam":true}
{"id":"d","created_at":"2026-10-31T23:59:59Z","score_in":5,"cost":40,"spam":false}
{"id":"e","created_at":"2026-11-01T00:00:00Z","score_in":22,"cost":5,"sql_at":"2026-11-10T09:00:00Z","spam":false}
{"id":"f","created_at":"2026-11-02T00:00:00Z","score_in":21,"sql_at":"2026-11-03T09:00:00Z","called_at":"2026-11-04T15:00:00Z","spam":false}
"#;

fn run(range: ReportRange) -> report::Report {
    let policy = Policy::from_sources(vec![SourceFile::new("r.funnel", POLICY)])
        .unwrap_or_else(|e| panic!("{e}"));
    let options = BatchOptions {
        at: DateTime::parse_from_rfc3339("2026-11-15T12:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs: 2,
        chunk: 2,
    };
    report::run(
        &policy,
        LEADS.as_bytes(),
        InputFormat::Jsonl,
        &options,
        &range,
        |e| panic!("{e}"),
    )
    .unwrap()
}

#[test]
fn commitments_metrics_funnel_and_compliance_per_month() {
    let r = run(ReportRange::default());
    assert_eq!((r.evaluated, r.failed), (6, 0));
    let periods: Vec<&str> = r.periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(periods, ["2026-10", "2026-11"]);
    let (oct, nov) = (&r.periods[0], &r.periods[1]);
    assert!(!oct.current && nov.current);

    let c = |p: &report::PeriodReport, name: &str| {
        p.commitments
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (c(oct, "volume").value, c(oct, "volume").status),
        (Some(3.0), Status::Held)
    );
    assert_eq!(
        (c(oct, "conversion").value, c(oct, "conversion").status),
        (Some(2.0 / 3.0), Status::Held)
    );
    assert_eq!(
        (c(oct, "conversion").count, c(oct, "conversion").base),
        (2, Some(3))
    );
    assert_eq!(
        (c(oct, "calls").value, c(oct, "calls").status),
        (Some(1.0), Status::Held)
    );
    assert_eq!(
        (c(nov, "volume").value, c(nov, "volume").status),
        (Some(2.0), Status::AtRisk)
    );
    assert_eq!(
        (c(nov, "conversion").value, c(nov, "conversion").status),
        (Some(1.0), Status::Held)
    );
    assert_eq!(
        (c(nov, "calls").value, c(nov, "calls").status),
        (Some(0.0), Status::AtRisk)
    );
    assert_eq!(c(nov, "calls").base, Some(2));

    let m = |p: &report::PeriodReport, name: &str| {
        p.metrics.iter().find(|m| m.name == name).unwrap().value
    };
    assert_eq!(m(oct, "cost_per_mql"), Some(50.0));
    assert_eq!(m(oct, "median_fit"), Some(18.5));
    assert_eq!(m(nov, "cost_per_mql"), Some(2.5));
    assert_eq!(m(nov, "median_fit"), Some(21.5));

    let reached: Vec<(String, u64, u64)> = oct
        .funnel
        .stages
        .iter()
        .map(|s| (s.stage.clone(), s.at, s.reached))
        .collect();
    assert_eq!(
        reached,
        [
            ("lead".into(), 1, 4),
            ("mql".into(), 1, 3),
            ("sql".into(), 1, 2),
        ]
    );
    assert_eq!(oct.funnel.stages[2].conversion, Some(2.0 / 3.0));
    // The excluded lead is apart, with the stage it had reached.
    let junk = &oct.funnel.excluded[0];
    assert_eq!(
        (junk.stage.as_str(), junk.reason.as_str(), junk.leads),
        ("junk", "spam", 1)
    );
    let had: Vec<(&str, u64)> = junk
        .reached
        .iter()
        .map(|r| (r.stage.as_str(), r.leads))
        .collect();
    assert_eq!(had, [("sql", 1)]);

    // Compliance by the SLA's start: a (October) met; f (November) late, e breached.
    let all = &r.sla[0];
    assert_eq!(
        (
            all.applicable,
            all.met,
            all.met_late,
            all.breached,
            all.open
        ),
        (3, 1, 1, 1, 0)
    );
    assert_eq!(all.share_met, Some(1.0 / 3.0));
    // 2h and 30h: the upper middle, to a tenth of a day.
    assert_eq!(all.median_time_to_meet.as_deref(), Some("1.3d"));
    assert_eq!(nov.sla[0].met_late, 1);
}

#[test]
fn from_and_to_select_periods() {
    let d = |s: &str| s.parse().ok();
    let r = run(ReportRange {
        from: d("2026-11-05"),
        to: None,
    });
    assert_eq!(r.periods.len(), 1);
    assert_eq!(r.periods[0].period, "2026-11");
    let r = run(ReportRange {
        from: None,
        to: d("2026-10-31"),
    });
    assert_eq!(r.periods.len(), 1);
    assert_eq!(r.periods[0].period, "2026-10");
}

#[test]
fn split_rows_follow_their_total_with_units_and_goals() {
    let r = run(ReportRange::default());
    let oct = &r.periods[0];
    // October: a, b (mql or later) and d are not spam; c is (junk, having reached sql).
    type Row<'r> = (Option<&'r str>, Option<f64>, Option<&'r str>, Status);
    let rows: Vec<Row> = oct
        .metrics
        .iter()
        .filter(|m| m.name == "mql_share")
        .map(|m| {
            let g = m.goal.as_ref().unwrap();
            (
                m.segment.as_deref(),
                m.value,
                m.display.as_deref(),
                g.status,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (None, Some(0.5), Some("50.00%"), Status::Held),
            (
                Some("spam=false"),
                Some(2.0 / 3.0),
                Some("66.67%"),
                Status::Held
            ),
            (Some("spam=true"), Some(0.0), Some("0.00%"), Status::Missed),
        ]
    );
    let goal = oct.metrics.iter().find(|m| m.name == "mql_share").unwrap();
    let goal = goal.goal.as_ref().unwrap();
    assert_eq!(
        (goal.bound, goal.target, goal.display.as_str()),
        ("at least", 0.5, "50.00%")
    );
    assert_eq!(goal.owner.as_deref(), Some("marketing"));
    // Conversion per segment: of a and b one reached sql; c (spam) reached mql and sql.
    let conv: Vec<(Option<&str>, u64, Option<u64>)> = oct
        .commitments
        .iter()
        .filter(|c| c.name == "conversion")
        .map(|c| (c.segment.as_deref(), c.count, c.base))
        .collect();
    assert_eq!(
        conv,
        [
            (None, 2, Some(3)),
            (Some("spam=false"), 1, Some(2)),
            (Some("spam=true"), 1, Some(1)),
        ]
    );
    // Per-lead SLA compliance per segment, after its total: the three SQLs (a met, e
    // breached, f late) are not spam.
    let compliance: Vec<(Option<&str>, u64, u64, u64, u64)> = r
        .sla
        .iter()
        .map(|c| {
            (
                c.segment.as_deref(),
                c.applicable,
                c.met,
                c.met_late,
                c.breached,
            )
        })
        .collect();
    assert_eq!(
        compliance,
        [(None, 3, 1, 1, 1), (Some("spam=false"), 3, 1, 1, 1)]
    );
}

#[test]
fn the_funnel_splits_by_segment_with_its_exclusions() {
    let r = run(ReportRange::default());
    let oct = &r.periods[0];
    let rows: Vec<(&str, Vec<u64>, u64)> = oct
        .funnel_segments
        .iter()
        .map(|s| {
            let reached = s.funnel.stages.iter().map(|st| st.reached).collect();
            let excluded = s.funnel.excluded.iter().map(|e| e.leads).sum();
            (s.segment.as_str(), reached, excluded)
        })
        .collect();
    // Not spam: a (sql), b (mql), d (lead). Spam: c, junk, having reached sql.
    assert_eq!(
        rows,
        [
            ("spam=false", vec![3, 2, 1], 0),
            ("spam=true", vec![1, 1, 1], 1)
        ]
    );
    assert_eq!(r.funnel_segments.len(), 2);
}

#[test]
fn numbers_read_in_their_unit() {
    use funnel_engine::report::{display, Unit};
    assert_eq!(display(&Unit::Percent, 0.614_069), "61.41%");
    assert_eq!(
        display(&Unit::Money("BRL".into()), 4833.333),
        "BRL 4,833.33"
    );
    assert_eq!(
        display(&Unit::Money("USD".into()), -1_234_567.0),
        "USD -1,234,567.00"
    );
    assert_eq!(display(&Unit::Count, 1257.0), "1,257");
    assert_eq!(display(&Unit::Days, 49.0), "49d");
    assert_eq!(display(&Unit::Days, 14.64), "14.6d");
    assert_eq!(display(&Unit::Hours, 67.69), "67.7h");
    assert_eq!(display(&Unit::Number, 74_666.666_7), "74,666.67");
    assert_eq!(display(&Unit::Number, 0.0084), "0.0084");
    assert_eq!(display(&Unit::Number, 790.0), "790");
}

/// A policy with a spend table: cost per lead per month and channel.
const SPEND_POLICY: &str = r#"
policy "spend-test" version 1
  timezone "UTC"

schema lead {
  id: text key
  created_at: datetime
  channel: enum(ads, social, organic)
  won: bool
}

stages {
  lead
  won when won
}

table spend "Spend per channel and month" by month {
  month: date
  channel: enum(ads, social) from "medium"
  amount: number
}

let value_per_win = 1_000

metric cpl "Spend per lead" =
  sum(amount of spend) / count(leads)
  per month by created_at
  split by channel
  as money "USD"

metric roi "Return on spend" =
  (count(leads where stage == won) * value_per_win - sum(amount of spend)) / sum(amount of spend)
  per month by created_at
  as percent
"#;

fn spend_report(spend: &str) -> (report::Report, Vec<String>) {
    let policy = Policy::from_sources(vec![SourceFile::new("s.funnel", SPEND_POLICY)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(policy.names().tables, ["spend"]);
    let leads = r#"{"id":"a","created_at":"2026-10-03T10:00:00Z","channel":"ads","won":true}
{"id":"b","created_at":"2026-10-04T10:00:00Z","channel":"ads","won":false}
{"id":"c","created_at":"2026-10-05T10:00:00Z","channel":"social","won":false}
{"id":"d","created_at":"2026-10-06T10:00:00Z","channel":"organic","won":false}
{"id":"e","created_at":"2026-11-06T10:00:00Z","channel":"ads","won":false}
"#;
    let options = BatchOptions {
        at: DateTime::parse_from_rfc3339("2026-12-15T12:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs: 1,
        chunk: 2,
    };
    let mut errors = Vec::new();
    let tables = vec![report::TableInput {
        name: "spend".into(),
        input: Box::new(std::io::Cursor::new(spend.to_string())),
        format: InputFormat::Csv,
    }];
    let r = report::run_with_tables(
        &policy,
        leads.as_bytes(),
        InputFormat::Jsonl,
        tables,
        &options,
        &ReportRange::default(),
        |e| errors.push(e.to_string()),
    )
    .unwrap();
    (r, errors)
}

#[test]
fn a_spend_table_is_bucketed_by_its_own_month_and_split_like_the_leads() {
    let (r, errors) = spend_report(
        "month,medium,amount\n2026-10-01,ads,300\n2026-10-01,social,100\n2026-11-01,social,50\n",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let value = |period: &str, name: &str, segment: Option<&str>| {
        let p = r.periods.iter().find(|p| p.period == period).unwrap();
        p.metrics
            .iter()
            .find(|m| m.name == name && m.segment.as_deref() == segment)
            .map(|m| m.value)
    };
    // October: 400 over 4 leads; ads 300 over 2; social 100 over 1; no organic spend row.
    assert_eq!(value("2026-10", "cpl", None), Some(Some(100.0)));
    assert_eq!(
        value("2026-10", "cpl", Some("channel=ads")),
        Some(Some(150.0))
    );
    assert_eq!(
        value("2026-10", "cpl", Some("channel=social")),
        Some(Some(100.0))
    );
    assert_eq!(value("2026-10", "cpl", Some("channel=organic")), Some(None));
    // November: social spent 50 with no lead (no value), ads had a lead and no spend row.
    assert_eq!(value("2026-11", "cpl", Some("channel=social")), Some(None));
    assert_eq!(value("2026-11", "cpl", Some("channel=ads")), Some(None));
    assert_eq!(value("2026-11", "cpl", None), Some(Some(50.0)));
    // A constant let in a metric: (1 win × 1,000 − 400) / 400.
    assert_eq!(value("2026-10", "roi", None), Some(Some(1.5)));
}

#[test]
fn a_bad_spend_row_is_reported_with_its_table_and_record_and_the_rest_counts() {
    let (r, errors) =
        spend_report("month,medium,amount\n2026-10-01,ads,lots\n2026-10-01,social,100\n");
    assert_eq!(r.failed, 1);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("table `spend`"), "{errors:?}");
    assert!(errors[0].contains("record 1"), "{errors:?}");
    assert!(errors[0].contains("amount"), "{errors:?}");
    let oct = &r.periods[0];
    let cpl = oct.metrics.iter().find(|m| m.name == "cpl").unwrap();
    assert_eq!(cpl.value, Some(25.0)); // 100 over 4 leads
}

#[test]
fn a_spend_row_without_its_month_is_a_failed_record() {
    let (r, errors) = spend_report("month,medium,amount\n,ads,300\n2026-10-01,social,100\n");
    assert_eq!(r.failed, 1);
    assert!(
        errors[0].contains("field `month`") && errors[0].contains("table `spend`"),
        "{errors:?}"
    );
    assert!(errors[0].contains("record 1"), "{errors:?}");
}

#[test]
fn a_table_the_policy_does_not_declare_is_an_error() {
    let policy = Policy::from_sources(vec![SourceFile::new("s.funnel", SPEND_POLICY)]).unwrap();
    let options = BatchOptions {
        at: DateTime::parse_from_rfc3339("2026-12-15T12:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs: 1,
        chunk: 2,
    };
    // The error of a report given empty tables by these names.
    let error_with = |names: &[&str]| {
        let tables = names
            .iter()
            .map(|name| report::TableInput {
                name: name.to_string(),
                input: Box::new(std::io::empty()),
                format: InputFormat::Jsonl,
            })
            .collect();
        report::run_with_tables(
            &policy,
            &b""[..],
            InputFormat::Jsonl,
            tables,
            &options,
            &ReportRange::default(),
            |_| {},
        )
        .err()
        .map(|e| e.to_string())
    };
    assert_eq!(
        error_with(&["costs"]).as_deref(),
        Some("table `costs`: not a table of the policy (its tables: spend)")
    );
    // The same table twice would count its rows twice.
    assert_eq!(
        error_with(&["spend", "spend"]).as_deref(),
        Some("table `spend`: given twice (its rows would count twice)")
    );
    // Given once, an empty JSONL table is no rows.
    assert_eq!(error_with(&["spend"]), None);
}

#[test]
fn a_batch_test_gives_a_tables_rows_and_a_one_lead_test_cannot() {
    let with_test = |test: &str| {
        Policy::from_sources(vec![SourceFile::new(
            "s.funnel",
            format!("{SPEND_POLICY}\n{test}"),
        )])
    };
    let p = with_test(
        r#"test "cpl" {
  given leads [
    { id: "a", created_at: 2026-10-03T10:00:00Z, channel: ads, won: true },
    { id: "b", created_at: 2026-10-04T10:00:00Z, channel: social, won: false }
  ]
  given spend [{ month: 2026-10-01, channel: ads, amount: 300 }]
  at 2026-12-01T00:00:00Z
  expect metric(cpl, "2026-10") == 150
  expect metric(cpl, "2026-10", "channel=ads") == 300
  expect metric(cpl, "2026-10", "channel=social") is missing
}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = p.run_tests(None);
    assert_eq!((run.passed(), run.failed()), (1, 0), "{:?}", run.results);
    let err = with_test(
        r#"test "one" {
  given lead { id: "a", created_at: 2026-10-03T10:00:00Z, channel: ads, won: true }
  given spend [{ month: 2026-10-01, channel: ads, amount: 300 }]
  at 2026-12-01T00:00:00Z
  expect stage == won
}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.diagnostics[0].message,
        "the rows of `spend` go with a batch of leads"
    );
    let err = with_test(
        r#"test "unknown" {
  given leads [{ id: "a", created_at: 2026-10-03T10:00:00Z, channel: ads, won: true }]
  given spnd [{ month: 2026-10-01, amount: 3 }]
  at 2026-12-01T00:00:00Z
  expect metric(cpl, "2026-10") == 3
}"#,
    )
    .unwrap_err();
    assert_eq!(err.diagnostics[0].message, "no table named `spnd`");
}

// Reports in parts: counted over pieces of the leads, merged, finished.

fn fixture_policy() -> Policy {
    Policy::from_sources(vec![SourceFile::new("r.funnel", POLICY)])
        .unwrap_or_else(|e| panic!("{e}"))
}

fn options_at(at: &str) -> BatchOptions {
    BatchOptions {
        at: DateTime::parse_from_rfc3339(at).unwrap(),
        eval: EvalOptions::default(),
        jobs: 1,
        chunk: 3,
    }
}

/// The part over some JSON lines.
fn part_of(policy: &Policy, lines: &[&str], options: &BatchOptions) -> report::ReportPart {
    let jsonl = lines.join("\n");
    report::part_with_tables(
        policy,
        jsonl.as_bytes(),
        InputFormat::Jsonl,
        vec![],
        options,
        |_| {},
    )
    .unwrap()
}

/// The report over `lines` split into `pieces` parts (lead `i` in part `i * 7 % pieces`, so
/// each part holds leads from all over the input, out of order), each sent through its
/// bytes, merged last part first: it must equal the report over the whole input, as JSON.
fn assert_parts_make_the_whole(policy: &Policy, lines: &[&str], at: &str) {
    let options = options_at(at);
    let whole = report::run(
        policy,
        lines.join("\n").as_bytes(),
        InputFormat::Jsonl,
        &options,
        &ReportRange::default(),
        |_| {},
    )
    .unwrap();
    let whole = serde_json::to_string_pretty(&whole).unwrap();
    for pieces in [1, 2, 3, 5, lines.len()] {
        let mut split: Vec<Vec<&str>> = vec![Vec::new(); pieces];
        for (i, line) in lines.iter().enumerate() {
            split[i * 7 % pieces].push(line);
        }
        let mut parts: Vec<report::ReportPart> = split
            .iter()
            .map(|p| part_of(policy, p, &options))
            .map(|p| report::ReportPart::from_bytes(&p.to_bytes()).unwrap())
            .collect();
        let mut merged = parts.pop().unwrap();
        while let Some(p) = parts.pop() {
            merged.merge(p).unwrap();
        }
        let report = merged.finish(policy, &ReportRange::default()).unwrap();
        assert_eq!(
            serde_json::to_string_pretty(&report).unwrap(),
            whole,
            "{pieces} parts"
        );
    }
}

#[test]
fn parts_merged_in_any_grouping_make_the_report_of_the_whole() {
    let lines: Vec<&str> = LEADS.lines().filter(|l| !l.is_empty()).collect();
    assert_parts_make_the_whole(&fixture_policy(), &lines, "2026-11-15T12:00:00Z");

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let acme = Policy::load(root.join("policies/acme")).unwrap();
    let jsonl = std::fs::read_to_string(root.join("policies/acme/leads/leads.jsonl")).unwrap();
    let lines: Vec<&str> = jsonl.lines().filter(|l| !l.is_empty()).collect();
    assert_parts_make_the_whole(&acme, &lines, "2026-11-26T10:00:00-03:00");
}

#[test]
fn a_sum_does_not_depend_on_how_the_leads_were_split() {
    // 0.1 ten times is 0.9999999999999999 added in order; the report's sum is exact.
    let policy = Policy::from_sources(vec![SourceFile::new(
        "s.funnel",
        "policy \"s\" version 1\nschema lead {\n  id: text key\n  created: date\n  cost: number\n}\n\
         stages {\n  lead\n}\n\
         metric spend \"Spend\" = sum(cost of leads) per month by created\n",
    )])
    .unwrap();
    let lines: Vec<String> = (0..10)
        .map(|i| format!(r#"{{"id": "l{i}", "created": "2026-11-02", "cost": 0.1}}"#))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let options = options_at("2026-11-15T12:00:00Z");
    let mut merged = part_of(&policy, &lines[..3], &options);
    merged
        .merge(part_of(&policy, &lines[3..], &options))
        .unwrap();
    let report = merged.finish(&policy, &ReportRange::default()).unwrap();
    assert_eq!(report.periods[0].metrics[0].value, Some(1.0));
    assert_parts_make_the_whole(&policy, &lines, "2026-11-15T12:00:00Z");
}

#[test]
fn parts_of_another_policy_or_instant_or_not_parts_at_all_are_refused() {
    let policy = fixture_policy();
    let lines: Vec<&str> = LEADS.lines().filter(|l| !l.is_empty()).collect();
    let at = "2026-11-15T12:00:00Z";
    let mut part = part_of(&policy, &lines, &options_at(at));
    assert_eq!((part.evaluated(), part.failed()), (6, 0));

    let other = Policy::from_sources(vec![SourceFile::new(
        "r.funnel",
        POLICY.replace("version 1", "version 2"),
    )])
    .unwrap();
    let theirs = part_of(&other, &lines, &options_at(at));
    let e = part.merge(theirs).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "the report part was counted with policy {}, not {}",
            other.digest(),
            policy.digest()
        )
    );
    let later = part_of(&policy, &lines, &options_at("2026-11-16T12:00:00Z"));
    let e = part.merge(later).unwrap_err().to_string();
    assert_eq!(
        e,
        "the report parts were counted at different instants \
         (2026-11-15T12:00:00+00:00 and 2026-11-16T12:00:00+00:00)"
    );
    // The refused merges left the part as it was.
    assert_eq!((part.evaluated(), part.failed()), (6, 0));

    let bytes = part.to_bytes();
    assert!(report::ReportPart::from_bytes(b"{\"evaluated\": 6}")
        .unwrap_err()
        .to_string()
        .starts_with("not a report part written by this version of funnel"));
    assert!(report::ReportPart::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    let part = report::ReportPart::from_bytes(&bytes).unwrap();
    let e = part.finish(&other, &ReportRange::default()).unwrap_err();
    assert!(matches!(e, report::PartError::Policy { .. }), "{e}");
}

#[test]
fn a_bad_lead_is_counted_failed_once_in_the_merged_part() {
    let policy = fixture_policy();
    let mut lines: Vec<&str> = LEADS.lines().filter(|l| !l.is_empty()).collect();
    lines.insert(
        2,
        r#"{"id": "bad", "created_at": "yesterday", "score_in": 1, "spam": false}"#,
    );
    let options = options_at("2026-11-15T12:00:00Z");
    let mut errors = Vec::new();
    let jsonl = lines[..4].join("\n");
    let mut part = report::part_with_tables(
        &policy,
        jsonl.as_bytes(),
        InputFormat::Jsonl,
        vec![],
        &options,
        |e| errors.push(e.to_string()),
    )
    .unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("record 3"), "{}", errors[0]);
    part.merge(part_of(&policy, &lines[4..], &options)).unwrap();
    let report = part.finish(&policy, &ReportRange::default()).unwrap();
    assert_eq!((report.evaluated, report.failed), (6, 1));
}
