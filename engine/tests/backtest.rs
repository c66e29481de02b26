//! Backtests: AUC, deciles and conversion by grade and stage against counts made by hand.

use chrono::DateTime;
use funnel_engine::backtest::{self, OutcomeSpec};
use funnel_engine::batch::{BatchOptions, InputFormat};
use funnel_engine::{EvalOptions, Policy};
use funnel_grammar::SourceFile;

/// The AUC by its definition: over every (converted, not converted) pair, 1 when the
/// converted lead scores higher, a half for a tie.
fn pairwise_auc(scores: &[f64], outcomes: &[bool]) -> f64 {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (i, a) in scores.iter().enumerate() {
        for (j, b) in scores.iter().enumerate() {
            if outcomes[i] && !outcomes[j] {
                pairs += 1.0;
                wins += if a > b {
                    1.0
                } else if a == b {
                    0.5
                } else {
                    0.0
                };
            }
        }
    }
    wins / pairs
}

#[test]
fn the_auc_is_the_share_of_pairs_ranked_right_ties_counting_half() {
    let scores = [10.0, 20.0, 20.0, 30.0, 40.0, 40.0, 5.0, 25.0];
    let outcomes = [false, true, false, true, true, false, false, true];
    let auc = backtest::auc(&scores, &outcomes).unwrap();
    assert!(
        (auc - pairwise_auc(&scores, &outcomes)).abs() < 1e-12,
        "{auc}"
    );
    assert_eq!(backtest::auc(&[1.0, 2.0], &[true, true]), None);
    // Perfect and reversed rankings.
    assert_eq!(
        backtest::auc(&[1.0, 2.0, 3.0], &[false, true, true]),
        Some(1.0)
    );
    assert_eq!(
        backtest::auc(&[1.0, 2.0, 3.0], &[true, false, false]),
        Some(0.0)
    );
    let (low, high) = backtest::auc_interval(0.8, 50, 50);
    assert!(
        low < 0.8 && 0.8 < high && low > 0.6 && high < 1.0,
        "{low} {high}"
    );
}

const POLICY: &str = r#"
policy "bt" version 1
  timezone "UTC"

schema lead {
  id: text key
  size: int
}

score fit {
  +1 per size
}

grade fit { A >= 15, B >= 8, else C }

stages {
  lead
  mql when fit >= 8
  sql when fit >= 15
}
"#;

#[test]
fn a_backtest_gives_auc_deciles_and_conversion_by_grade_and_stage() {
    let policy = Policy::from_sources(vec![SourceFile::new("bt.funnel", POLICY)]).unwrap();
    // Twenty leads of sizes 1..=20; converted: 4, 9, 12, 15, 16, 18, 19, 20.
    let converted = [4, 9, 12, 15, 16, 18, 19, 20];
    let mut csv = String::from("id,size,Converted\n");
    for size in 1..=20 {
        let c = if converted.contains(&size) { "1" } else { "0" };
        csv.push_str(&format!("l{size},{size},{c}\n"));
    }
    csv.push_str("l21,3,\n"); // unknown outcome: left out
    let options = BatchOptions {
        at: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs: 2,
        chunk: 4,
    };
    let b = backtest::run(
        &policy,
        csv.as_bytes(),
        InputFormat::Csv,
        &options,
        &OutcomeSpec::column("Converted"),
        |e| panic!("{e}"),
    )
    .unwrap();
    assert_eq!((b.leads, b.converted, b.unknown, b.failed), (20, 8, 1, 0));
    let scores: Vec<f64> = (1..=20).map(|s| s as f64).collect();
    let outcomes: Vec<bool> = (1..=20).map(|s| converted.contains(&s)).collect();
    let fit = &b.scores[0];
    assert_eq!(fit.score, "fit");
    assert!((fit.auc.unwrap() - pairwise_auc(&scores, &outcomes)).abs() < 1e-12);
    // Deciles of two leads each, highest first: 20 and 19 both converted; 18 and 17 one.
    let first: Vec<(u64, u64)> = fit.deciles.iter().map(|d| (d.leads, d.converted)).collect();
    assert_eq!(
        first,
        [
            (2, 2),
            (2, 1),
            (2, 2),
            (2, 0),
            (2, 1),
            (2, 1),
            (2, 0),
            (2, 0),
            (2, 1),
            (2, 0)
        ]
    );
    assert_eq!(fit.deciles[0].lift, Some(1.0 / 0.4));
    assert_eq!(
        (fit.deciles[0].min_score, fit.deciles[0].max_score),
        (19.0, 20.0)
    );
    // By grade: A (15..=20) 5 of 6; B (8..=14) 2 of 7; C (1..=7) 1 of 7.
    let letters: Vec<(&str, u64, u64)> = b.grades[0]
        .letters
        .iter()
        .map(|l| (l.name.as_str(), l.leads, l.converted))
        .collect();
    assert_eq!(letters, [("A", 6, 5), ("B", 7, 2), ("C", 7, 1)]);
    let stages: Vec<(&str, u64, u64)> = b
        .stages
        .iter()
        .map(|s| (s.name.as_str(), s.leads, s.converted))
        .collect();
    assert_eq!(stages, [("lead", 7, 1), ("mql", 7, 2), ("sql", 6, 5)]);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);

    // An outcome against the order: the small leads convert. Every order is reversed.
    let b = backtest::run(
        &policy,
        csv.as_bytes(),
        InputFormat::Csv,
        &options,
        &OutcomeSpec {
            condition: "size <= 7".into(),
            column: None,
        },
        |e| panic!("{e}"),
    )
    .unwrap();
    assert_eq!(b.scores[0].auc, Some(0.0));
    assert!(
        b.warnings
            .iter()
            .any(|w| w.starts_with("grade(fit) B converts 0.00% but grade(fit) C converts 100.00%")),
        "{:?}",
        b.warnings
    );
    assert!(b
        .warnings
        .iter()
        .any(|w| w.starts_with("stage lead converts")));
}

#[test]
fn an_outcome_that_is_not_a_condition_or_does_not_check_is_an_error() {
    let policy = Policy::from_sources(vec![SourceFile::new("bt.funnel", POLICY)]).unwrap();
    let options = BatchOptions {
        at: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs: 1,
        chunk: 4,
    };
    let run = |condition: &str| {
        backtest::run(
            &policy,
            &b""[..],
            InputFormat::Jsonl,
            &options,
            &OutcomeSpec {
                condition: condition.into(),
                column: None,
            },
            |_| {},
        )
        .err()
        .unwrap()
        .to_string()
    };
    assert_eq!(
        run("size + 1"),
        "the outcome must be true or false (a condition such as `converted` or `stage == won`)"
    );
    assert!(run("converted").starts_with("the outcome does not check"));
}
