//! Backtests: how well a policy's scores, grades and stages predict an outcome the leads
//! already have (`Converted`, or `stage == won` as of a later instant).
//!
//! ```no_run
//! use funnel_engine::batch::{BatchOptions, InputFormat};
//! use funnel_engine::{backtest, EvalOptions, Policy};
//!
//! let policy = Policy::load("policies/xeducation").unwrap();
//! let options = BatchOptions {
//!     at: chrono::DateTime::parse_from_rfc3339("2026-01-05T10:00:00+05:30").unwrap(),
//!     eval: EvalOptions::default(),
//!     jobs: 0,
//!     chunk: funnel_engine::batch::CHUNK,
//! };
//! let leads = std::fs::File::open("Leads.csv").unwrap();
//! let outcome = backtest::OutcomeSpec::column("Converted");
//! let b = backtest::run(&policy, leads, InputFormat::Csv, &options, &outcome, |_| {}).unwrap();
//! println!("AUC of {}: {:?}", b.scores[0].score, b.scores[0].auc);
//! ```

use crate::batch::{self, BatchError, BatchOptions, InputFormat};
use crate::decision::PolicyStamp;
use crate::policy::{LoadError, Policy};
use serde::Serialize;
use std::io::Read;

mod logistic;
pub mod suggest;

pub use logistic::Logistic;
pub use suggest::{suggest, RuleSuggestion, ScoreSuggestion, SuggestOptions, Suggestion};

/// The name the outcome is evaluated under (a `let` added to the policy).
const OUTCOME: &str = "backtest_outcome";

/// What went wrong with a backtest as a whole.
#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    /// The outcome expression does not check against the policy.
    #[error("the outcome does not check: {0}")]
    Outcome(LoadError),
    /// The outcome is not true or false.
    #[error(
        "the outcome must be true or false (a condition such as `converted` or `stage == won`)"
    )]
    NotACondition,
    /// The input cannot be read.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// Points cannot be suggested (a held-out share out of range, one outcome only).
    #[error("{0}")]
    Suggest(String),
    /// The proposed policy does not load: a bug in the suggestion, since only points change.
    #[error("the proposed policy does not check: {0}")]
    Proposal(LoadError),
}

/// A backtest's results.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// The policy.
    pub policy: PolicyStamp,
    /// The evaluation instant.
    pub at: String,
    /// The outcome, as written.
    pub outcome: String,
    /// Leads whose outcome is known (true or false).
    pub leads: u64,
    /// Of them, those whose outcome is true.
    pub converted: u64,
    /// Leads whose outcome is unknown (left out).
    pub unknown: u64,
    /// Records that failed.
    pub failed: u64,
    /// Each score: how well it ranks converted leads above the others.
    pub scores: Vec<ScoreFit>,
    /// Conversion by each graded score's letter, best first.
    pub grades: Vec<GradeFit>,
    /// Conversion by stage, first to last.
    pub stages: Vec<Bucket>,
    /// Orders that conversion does not follow (a grade below converting better, ...).
    pub warnings: Vec<String>,
}

/// How well one score predicts the outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreFit {
    /// The score.
    pub score: String,
    /// Area under the ROC curve: the chance a converted lead scores above one that did not
    /// (ties count half); `None` without leads of both kinds.
    pub auc: Option<f64>,
    /// Its 95% confidence interval (Hanley and McNeil).
    pub auc_low: Option<f64>,
    /// The interval's upper end.
    pub auc_high: Option<f64>,
    /// Leads by tenths of the ranking, highest scores first.
    pub deciles: Vec<Decile>,
    /// Calibration: leads by bands of equal width in points, lowest first (ten or so,
    /// of a round width), and how many converted in each: conversion should rise band by
    /// band.
    pub bands: Vec<Band>,
}

/// The leads whose score falls in `from..to` (the last band includes its end).
#[derive(Debug, Clone, Serialize)]
pub struct Band {
    /// The band's lowest score.
    pub from: f64,
    /// Its end.
    pub to: f64,
    /// Leads in it.
    pub leads: u64,
    /// Converted among them.
    pub converted: u64,
    /// Their share (`None` for no lead).
    pub conversion: Option<f64>,
}

/// A tenth of the leads ranked by a score.
#[derive(Debug, Clone, Serialize)]
pub struct Decile {
    /// 1 for the highest scores.
    pub decile: u8,
    /// Leads in it.
    pub leads: u64,
    /// Converted among them.
    pub converted: u64,
    /// Their share.
    pub conversion: f64,
    /// The share over the overall conversion.
    pub lift: Option<f64>,
    /// The lowest score in it.
    pub min_score: f64,
    /// The highest.
    pub max_score: f64,
}

/// Conversion by a graded score's letters.
#[derive(Debug, Clone, Serialize)]
pub struct GradeFit {
    /// The graded score.
    pub score: String,
    /// Each letter, best first.
    pub letters: Vec<Bucket>,
}

/// Leads sharing a value (a letter, a stage) and how many converted.
#[derive(Debug, Clone, Serialize)]
pub struct Bucket {
    /// The value.
    pub name: String,
    /// Leads.
    pub leads: u64,
    /// Converted.
    pub converted: u64,
    /// Their share (`None` for no lead).
    pub conversion: Option<f64>,
}

/// One lead as the backtest reads it.
pub(crate) struct Observation {
    /// Its record number in the input.
    pub(crate) record: u64,
    /// Each score's value, in the policy's order.
    pub(crate) scores: Vec<f64>,
    grades: Vec<Option<String>>,
    stage: String,
    /// The outcome; `None` when unknown.
    pub(crate) outcome: Option<bool>,
    /// Per score, per rule: what the rule added over its points (see
    /// [`suggest::Rules::features`]); empty unless asked for.
    pub(crate) firings: Vec<Vec<f64>>,
}

/// What a backtest predicts: a condition over a lead in the policy's language
/// (`converted`, `stage == won`), which may read one more input column that the policy's
/// schema leaves out (a policy built on what is known before contact does not declare the
/// outcome), read as an optional bool.
#[derive(Debug, Clone)]
pub struct OutcomeSpec {
    /// The condition.
    pub condition: String,
    /// An input column the condition reads as a field of that name (`Converted`).
    pub column: Option<String>,
}

impl OutcomeSpec {
    /// The outcome is this input column, a bool the schema does not declare.
    pub fn column(name: &str) -> OutcomeSpec {
        OutcomeSpec {
            condition: name.to_string(),
            column: Some(name.to_string()),
        }
    }
}

/// Evaluates every lead of `input` and the outcome, and measures how well the policy's
/// scores, grades and stages predict it. Bad records go to `on_error`.
pub fn run<R: Read>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    outcome: &OutcomeSpec,
    mut on_error: impl FnMut(&crate::LeadError),
) -> Result<Backtest, BacktestError> {
    let judged = with_outcome(policy, outcome)?;
    let names = policy.names();
    let (observations, failed) = observe(&judged, input, format, options, None, &mut on_error)?;
    let known: Vec<&Observation> = observations
        .iter()
        .filter(|o| o.outcome.is_some())
        .collect();
    let outcomes: Vec<bool> = known.iter().map(|o| o.outcome == Some(true)).collect();
    let converted = outcomes.iter().filter(|c| **c).count() as u64;
    let overall = (!known.is_empty()).then(|| converted as f64 / known.len() as f64);
    let scores = names
        .scores
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let values: Vec<f64> = known.iter().map(|o| o.scores[i]).collect();
            let auc = auc(&values, &outcomes);
            let (low, high) = match auc {
                Some(a) => {
                    let (l, h) = auc_interval(a, converted, known.len() as u64 - converted);
                    (Some(l), Some(h))
                }
                None => (None, None),
            };
            ScoreFit {
                score: name.clone(),
                auc,
                auc_low: low,
                auc_high: high,
                deciles: deciles(&values, &outcomes, overall),
                bands: bands(&values, &outcomes),
            }
        })
        .collect();
    let mut warnings = Vec::new();
    let grades = names
        .grades
        .iter()
        .enumerate()
        .map(|(g, (score, letters))| {
            let letters: Vec<Bucket> = letters
                .iter()
                .map(|letter| {
                    bucket(
                        letter,
                        known
                            .iter()
                            .zip(&outcomes)
                            .filter(|(o, _)| o.grades[g].as_deref() == Some(letter)),
                    )
                })
                .collect();
            warn_order(&mut warnings, &letters, &format!("grade({score})"), true);
            GradeFit {
                score: score.clone(),
                letters,
            }
        })
        .collect();
    let stages: Vec<Bucket> = names
        .stages
        .iter()
        .map(|stage| {
            bucket(
                stage,
                known
                    .iter()
                    .zip(&outcomes)
                    .filter(|(o, _)| &o.stage == stage),
            )
        })
        .collect();
    let excluded = policy.excluded_stages();
    let ordered: Vec<Bucket> = stages
        .iter()
        .filter(|s| !excluded.contains(&s.name))
        .cloned()
        .collect();
    warn_order(&mut warnings, &ordered, "stage", false);
    Ok(Backtest {
        policy: policy.stamp().clone(),
        at: options.at.to_rfc3339(),
        outcome: outcome.condition.clone(),
        leads: known.len() as u64,
        converted,
        unknown: (observations.len() - known.len()) as u64,
        failed,
        scores,
        grades,
        stages,
        warnings,
    })
}

/// Every lead of `input` as `judged` (a policy with its outcome, see [`with_outcome`])
/// evaluates it, in input order, and how many records failed; with `rules`, each lead's
/// firings too, read from its explanation.
fn observe<R: Read>(
    judged: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    rules: Option<&suggest::Rules>,
    on_error: &mut impl FnMut(&crate::LeadError),
) -> Result<(Vec<Observation>, u64), BacktestError> {
    let names = judged.names();
    let mut options = options.clone();
    options.eval.explain = rules.is_some();
    let mut observations = Vec::new();
    let summary = batch::evaluate_each(
        judged,
        input,
        format,
        &options,
        |e| {
            let d = e.to_decision();
            let firings = match (rules, &d.explain) {
                (Some(rules), Some(steps)) => rules.features(steps),
                _ => Vec::new(),
            };
            Observation {
                record: 0,
                scores: names
                    .scores
                    .iter()
                    .map(|s| e.score(s).unwrap_or(0.0))
                    .collect(),
                grades: names
                    .grades
                    .iter()
                    .map(|(s, _)| e.grade(s).map(str::to_string))
                    .collect(),
                stage: e.stage().to_string(),
                outcome: d.values.get(OUTCOME).and_then(|v| v.as_bool()),
                firings,
            }
        },
        |record, result| {
            match result {
                Ok(mut o) => {
                    o.record = record;
                    observations.push(o);
                }
                Err(e) => on_error(&e),
            }
            Ok(())
        },
    )?;
    Ok((observations, summary.failed))
}

/// The policy with the outcome as one more `let`, checked as a condition (and its column as
/// one more optional field of the lead).
fn with_outcome(policy: &Policy, outcome: &OutcomeSpec) -> Result<Policy, BacktestError> {
    let mut files = policy.sources().to_vec();
    if let Some(column) = &outcome.column {
        add_lead_field(&mut files, &format!("{column}: bool?"));
    }
    files.push(funnel_grammar::SourceFile::new(
        "--outcome",
        format!("let {OUTCOME} = {}\n", outcome.condition),
    ));
    let judged = Policy::from_sources(files).map_err(BacktestError::Outcome)?;
    if !judged.let_is_bool(OUTCOME) {
        return Err(BacktestError::NotACondition);
    }
    Ok(judged)
}

/// Writes `field` as the last line of `schema lead`, in whichever file holds it.
fn add_lead_field(files: &mut [std::sync::Arc<funnel_grammar::SourceFile>], field: &str) {
    for file in files.iter_mut() {
        let (tree, _) = funnel_grammar::parse(file);
        let end = tree.items.iter().find_map(|i| match i {
            funnel_grammar::ast::Item::Schema(s) if s.name.name == "lead" => Some(s.span.end),
            _ => None,
        });
        // The schema's span ends after its closing brace.
        if let Some(end) = end.filter(|e| *e > 0 && file.text.as_bytes()[e - 1] == b'}') {
            let mut text = file.text.clone();
            text.insert_str(end - 1, &format!("\n  {field}\n"));
            *file = funnel_grammar::SourceFile::new(file.name.clone(), text);
            return;
        }
    }
}

fn bucket<'o>(name: &str, leads: impl Iterator<Item = (&'o &'o Observation, &'o bool)>) -> Bucket {
    let (mut n, mut c) = (0u64, 0u64);
    for (_, converted) in leads {
        n += 1;
        c += *converted as u64;
    }
    Bucket {
        name: name.to_string(),
        leads: n,
        converted: c,
        conversion: (n > 0).then(|| c as f64 / n as f64),
    }
}

/// A warning for each neighbour pair whose conversion goes against the order: a better
/// letter (listed first) converting less, or a later stage converting less.
fn warn_order(warnings: &mut Vec<String>, buckets: &[Bucket], what: &str, best_first: bool) {
    let with_leads: Vec<&Bucket> = buckets.iter().filter(|b| b.conversion.is_some()).collect();
    for pair in with_leads.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (ca, cb) = (a.conversion.unwrap_or(0.0), b.conversion.unwrap_or(0.0));
        let wrong = if best_first { ca < cb } else { ca > cb };
        if wrong {
            warnings.push(format!(
                "{what} {} converts {:.2}% but {what} {} converts {:.2}%: the order does not follow conversion",
                a.name,
                ca * 100.0,
                b.name,
                cb * 100.0
            ));
        }
    }
}

/// The area under the ROC curve of `scores` for `outcomes`, by ranks (ties share their
/// average rank, so a tie counts half).
pub fn auc(scores: &[f64], outcomes: &[bool]) -> Option<f64> {
    let n1 = outcomes.iter().filter(|o| **o).count();
    let n0 = outcomes.len() - n1;
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Ranks i+1..=j+1 share their average.
        let rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += rank * order[i..=j].iter().filter(|k| outcomes[**k]).count() as f64;
        i = j + 1;
    }
    let (n1, n0) = (n1 as f64, n0 as f64);
    Some((rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0))
}

/// The 95% confidence interval of an AUC from `positives` and `negatives` leads (Hanley and
/// McNeil, 1982), held to 0..1.
pub fn auc_interval(auc: f64, positives: u64, negatives: u64) -> (f64, f64) {
    let (n1, n0) = (positives as f64, negatives as f64);
    let q1 = auc / (2.0 - auc);
    let q2 = 2.0 * auc * auc / (1.0 + auc);
    let var = (auc * (1.0 - auc) + (n1 - 1.0) * (q1 - auc * auc) + (n0 - 1.0) * (q2 - auc * auc))
        / (n1 * n0);
    let se = var.max(0.0).sqrt();
    ((auc - 1.96 * se).max(0.0), (auc + 1.96 * se).min(1.0))
}

/// The leads in tenths by score, highest first (equal-sized by rank; among equal scores the
/// input order decides).
/// The leads in bands of a round width (1, 2 or 5 times a power of ten) that cut the
/// scores' range into ten or so, lowest first; empty bands are kept (a gap is a finding).
fn bands(scores: &[f64], outcomes: &[bool]) -> Vec<Band> {
    let finite = || scores.iter().copied().filter(|s| s.is_finite());
    let (Some(low), Some(high)) = (finite().reduce(f64::min), finite().reduce(f64::max)) else {
        return Vec::new();
    };
    let width = round_width((high - low) / 10.0);
    let first = (low / width).floor() * width;
    let count = (((high - first) / width).floor() as usize + 1).min(11);
    let mut out: Vec<Band> = (0..count)
        .map(|i| Band {
            from: first + i as f64 * width,
            to: first + (i + 1) as f64 * width,
            leads: 0,
            converted: 0,
            conversion: None,
        })
        .collect();
    for (score, converted) in scores.iter().zip(outcomes) {
        if !score.is_finite() {
            continue;
        }
        let i = (((score - first) / width).floor() as usize).min(count - 1);
        out[i].leads += 1;
        out[i].converted += u64::from(*converted);
    }
    for b in &mut out {
        b.conversion = (b.leads > 0).then(|| b.converted as f64 / b.leads as f64);
    }
    out
}

/// The smallest of 1, 2 and 5 times a power of ten that is at least `w` (1 for a range of
/// nothing: every lead in one band).
fn round_width(w: f64) -> f64 {
    if w <= 0.0 || !w.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(w.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|c| *c >= w * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

fn deciles(scores: &[f64], outcomes: &[bool], overall: Option<f64>) -> Vec<Decile> {
    let n = scores.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    (0..10)
        .filter_map(|d| {
            let (from, to) = (d * n / 10, (d + 1) * n / 10);
            let part = &order[from..to];
            if part.is_empty() {
                return None;
            }
            let converted = part.iter().filter(|i| outcomes[**i]).count() as u64;
            let conversion = converted as f64 / part.len() as f64;
            Some(Decile {
                decile: d as u8 + 1,
                leads: part.len() as u64,
                converted,
                conversion,
                lift: overall.filter(|o| *o > 0.0).map(|o| conversion / o),
                min_score: part
                    .iter()
                    .map(|i| scores[*i])
                    .fold(f64::INFINITY, f64::min),
                max_score: part
                    .iter()
                    .map(|i| scores[*i])
                    .fold(f64::NEG_INFINITY, f64::max),
            })
        })
        .collect()
}
