//! `funnel backtest`: how well the policy's scores, grades and stages predict an outcome the
//! leads already have.

use crate::args::{Leads, PolicyAt};
use crate::exit;
use crate::failure::{Failure, Outcome};
use funnel_engine::backtest::{self, Backtest, BacktestError, Bucket};
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BacktestFormat {
    /// For reading.
    Table,
    /// One JSON document.
    Json,
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
}

pub fn run(args: Args) -> Outcome {
    let (policy, at) = args.policy.load()?;
    let (input, format, source) = args.leads.open()?;
    let options = args.leads.batch_options(at);
    let outcome = backtest::OutcomeSpec {
        condition: args
            .outcome
            .clone()
            .or(args.outcome_column.clone())
            .unwrap_or_default(),
        column: args.outcome_column.clone(),
    };
    let result = backtest::run(&policy, input, format, &options, &outcome, |e| {
        eprintln!("error: {source}: {e}")
    });
    let b = match result {
        Ok(b) => b,
        Err(BacktestError::Outcome(e)) => {
            for d in &e.diagnostics {
                eprintln!("{}", d.render(crate::output::color_stderr()));
            }
            return Err(Failure::Usage(format!(
                "the outcome `{}` does not check against the policy",
                outcome.condition
            )));
        }
        Err(e) => return Err(Failure::Usage(format!("{source}: {e}"))),
    };
    match args.format {
        BacktestFormat::Table => print!("{}", table(&b)),
        BacktestFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&b).expect("backtests serialize")
        ),
    }
    Ok(if b.failed > 0 {
        exit::RECORDS_FAILED
    } else {
        exit::OK
    })
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
