//! `funnel backtest`: how well the policy's scores, grades and stages predict an outcome the
//! leads already have.

use crate::args::{Leads, PolicyAt};
use crate::exit;
use crate::failure::{Failure, Outcome};
use funnel_engine::backtest::{self, Backtest, BacktestError, Bucket, SuggestOptions, Suggestion};
use std::fmt::Write as _;
use std::io::Read as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BacktestFormat {
    /// For reading.
    Table,
    /// One JSON document.
    Json,
    /// One self-contained page with charts, for people (write it with `--output`).
    Html,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    policy: PolicyAt,
    #[command(flatten)]
    leads: Leads,
    /// What the policy should predict: a condition over a lead, as in a policy
    /// (`converted`, `stage == won`, `deal_stage == Won`). Leads for which it is unknown are
    /// left out.
    #[arg(long, required_unless_present = "outcome_column")]
    outcome: Option<String>,
    /// The outcome is this input column, a yes/no the policy's schema leaves out (e.g.
    /// `Converted`); `--outcome` may then read it by that name.
    #[arg(long, value_name = "COLUMN")]
    outcome_column: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: BacktestFormat,
    /// Also propose points for each score's rules, fitted to the outcome: an L2-regularised
    /// logistic regression over the rules' firings on a training part of the leads, scaled
    /// to the score's points and rounded, printed as a diff of the policy files with each
    /// score's AUC before and after on the held-out leads (the proposal evaluated).
    #[arg(long)]
    suggest: bool,
    /// With --suggest: the seed that picks the held-out leads (the same seed, the same
    /// proposal).
    #[arg(long, requires = "suggest", default_value_t = SuggestOptions::DEFAULT_SEED)]
    seed: u64,
    /// With --suggest: the share of the leads held out from the fit to measure it.
    #[arg(long, value_name = "FRACTION", requires = "suggest", default_value_t = SuggestOptions::DEFAULT_HOLDOUT)]
    holdout: f64,
    #[command(flatten)]
    written: crate::output::Written,
}

pub fn run(args: Args) -> Outcome {
    let (policy, at) = args.policy.load()?;
    let (mut input, format, source) = args.leads.open()?;
    let options = args.leads.batch_options(at);
    let outcome = backtest::OutcomeSpec {
        condition: args
            .outcome
            .clone()
            .or(args.outcome_column.clone())
            .unwrap_or_default(),
        column: args.outcome_column.clone(),
    };
    // A suggestion reads the leads again: read them once.
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Usage(format!("{source}: {}", crate::output::io_reason(&e))))?;
    let failure = |e| backtest_failure(e, &outcome, &source);
    let b = backtest::run(&policy, &bytes[..], format, &options, &outcome, |e| {
        eprintln!("error: {source}: {e}")
    })
    .map_err(failure)?;
    let suggestion = if args.suggest {
        let settings = SuggestOptions {
            seed: args.seed,
            holdout: args.holdout,
            ..SuggestOptions::default()
        };
        // Bad records were reported by the backtest above.
        let s = backtest::suggest(
            &policy,
            &bytes,
            format,
            &options,
            &outcome,
            &settings,
            |_| {},
        )
        .map_err(failure)?;
        Some(s)
    } else {
        None
    };
    let text = match args.format {
        BacktestFormat::Table => {
            let mut text = table(&b);
            if let Some(s) = &suggestion {
                text += &suggestion_table(s);
            }
            text
        }
        BacktestFormat::Json => {
            let mut json = serde_json::to_value(&b).expect("backtests serialize");
            if let (Some(s), Some(object)) = (&suggestion, json.as_object_mut()) {
                let mut value = serde_json::to_value(s).expect("suggestions serialize");
                value["diff"] = diff(s).into();
                object.insert("suggestion".into(), value);
            }
            serde_json::to_string_pretty(&json).expect("JSON values serialize") + "\n"
        }
        BacktestFormat::Html => crate::html::backtest::page(
            &b,
            suggestion.as_ref().map(|s| (s, diff(s))).as_ref(),
            &source,
            args.written.locale,
        ),
    };
    args.written.write(&text)?;
    Ok(if b.failed > 0 {
        exit::RECORDS_FAILED
    } else {
        exit::OK
    })
}

/// What a backtest's error means for the command: an outcome that does not check shows its
/// diagnostics.
fn backtest_failure(e: BacktestError, outcome: &backtest::OutcomeSpec, source: &str) -> Failure {
    match e {
        BacktestError::Outcome(e) => {
            for d in &e.diagnostics {
                eprintln!("{}", d.render(crate::output::color_stderr()));
            }
            Failure::Usage(format!(
                "the outcome `{}` does not check against the policy",
                outcome.condition
            ))
        }
        BacktestError::Suggest(reason) => Failure::Usage(format!("--suggest: {reason}")),
        e => Failure::Usage(format!("{source}: {e}")),
    }
}

/// The proposal as a unified diff of each file it changes.
fn diff(s: &Suggestion) -> String {
    s.files
        .iter()
        .map(|f| crate::output::unified_diff(&f.name, &f.old, &f.new))
        .collect()
}

fn auc3(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{x:.3}"))
}

/// The suggestion for reading: each score's AUC before and after, then the diff.
pub fn suggestion_table(s: &Suggestion) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nsuggested points (seed {}): fitted on {} leads, measured on {} held out ({}%)",
        s.seed,
        s.training,
        s.held_out,
        (s.holdout * 10_000.0).round() / 100.0
    );
    for score in &s.scores {
        let _ = writeln!(
            out,
            "  score {}: held-out AUC {} as written, {} as proposed",
            score.score,
            auc3(score.auc_before),
            auc3(score.auc_after)
        );
    }
    let diff = diff(s);
    if diff.is_empty() {
        let _ = writeln!(out, "\nno change proposed");
    } else {
        let _ = write!(out, "\n{diff}");
    }
    out
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{:.2}%", x * 100.0))
}

fn buckets(out: &mut String, title: &str, buckets: &[Bucket]) {
    let _ = writeln!(out, "\n{title}");
    for b in buckets {
        let _ = writeln!(
            out,
            "  {:<16} {:>8} leads {:>8} converted  {:>8}",
            b.name,
            b.leads,
            b.converted,
            pct(b.conversion)
        );
    }
}

/// The backtest for reading.
pub fn table(b: &Backtest) -> String {
    let mut out = String::new();
    let overall = (b.leads > 0).then(|| b.converted as f64 / b.leads as f64);
    let _ = writeln!(
        out,
        "{} v{} at {}: outcome `{}`: {} leads, {} converted ({}), {} unknown, {} failed",
        b.policy.name,
        b.policy.version,
        b.at,
        b.outcome,
        b.leads,
        b.converted,
        pct(overall),
        b.unknown,
        b.failed
    );
    for s in &b.scores {
        let auc = match (s.auc, s.auc_low, s.auc_high) {
            (Some(a), Some(l), Some(h)) => format!("AUC {a:.3} (95% CI {l:.3} to {h:.3})"),
            _ => "AUC - (needs converted and unconverted leads)".into(),
        };
        let _ = writeln!(out, "\nscore {}: {auc}", s.score);
        let _ = writeln!(
            out,
            "  decile    leads converted conversion   lift   scores"
        );
        for d in &s.deciles {
            let lift = d.lift.map_or("-".into(), |l| format!("{l:.2}x"));
            let _ = writeln!(
                out,
                "  {:>6} {:>8} {:>9} {:>10} {:>6}   {} to {}",
                d.decile,
                d.leads,
                d.converted,
                pct(Some(d.conversion)),
                lift,
                d.min_score,
                d.max_score
            );
        }
        let _ = writeln!(out, "  calibration: conversion by band of points");
        for band in &s.bands {
            let _ = writeln!(
                out,
                "  {:>7} to {:<7} {:>8} leads {:>8} converted  {:>8}",
                band.from,
                band.to,
                band.leads,
                band.converted,
                pct(band.conversion)
            );
        }
    }
    for g in &b.grades {
        buckets(&mut out, &format!("grade({})", g.score), &g.letters);
    }
    buckets(&mut out, "stage", &b.stages);
    for w in &b.warnings {
        let _ = writeln!(out, "\nwarning: {w}");
    }
    out
}
