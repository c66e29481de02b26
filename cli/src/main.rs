//! `funnel`: check, evaluate and test marketing and sales policies.

// Lead errors are the engine's (see funnel-engine): large, and rare.
#![allow(clippy::result_large_err)]

mod args;
mod backtest;
mod check;
mod csv_lines;
mod diff;
mod eval;
mod explain;
mod failure;
mod fmt;
mod join;
mod output;
mod render;
mod report;
mod serve;
mod test;
mod watch;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes, as documented in the README.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The policy has errors (or, for `funnel test`, a test failed).
    pub const FAILED: u8 = 1;
    /// Usage or I/O error: the command could not do its job.
    pub const USAGE: u8 = 2;
    /// Some records (leads) could not be evaluated; the others were.
    pub const RECORDS_FAILED: u8 = 3;
}

#[derive(Parser)]
#[command(
    name = "funnel",
    version,
    about = "Policy as code for marketing and sales: check, evaluate and test lead policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy sets for errors and warnings, like a compiler.
    Check(check::Args),
    /// Evaluate leads (JSONL, CSV or JSON) and write one decision per lead.
    Eval(eval::Args),
    /// Explain the decision for one lead: every rule, condition and threshold.
    Explain(explain::Args),
    /// Check (and with --test, test) a policy on every change of its files.
    Watch(watch::Args),
    /// Rewrite policy files in the canonical layout; `--check` lists the unformatted ones.
    Fmt(fmt::Args),
    /// Run the policies' tests; `--coverage` shows what no test exercised.
    Test(test::Args),
    /// Report commitments, metrics, the funnel and SLA compliance per period over a batch.
    Report(report::Args),
    /// What a change to a policy does to the same leads: stage transitions, scores, and
    /// commitments before and after.
    Diff(diff::Args),
    /// How well the scores, grades and stages predict an outcome the leads already have.
    Backtest(backtest::Args),
    /// Left-join two CSV files on a key column (e.g. MQLs with their closed deals).
    Join(join::Args),
    /// Serve the policy over HTTP: evaluate leads, policy status, health and metrics.
    Serve(serve::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match try_main(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprint!("{}", failure.render(output::color_stderr()));
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Runs a command: its exit code, or why it stopped (printed once, by `main`).
fn try_main(command: Command) -> failure::Outcome {
    match command {
        Command::Check(args) => check::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Report(args) => report::run(args),
        Command::Backtest(args) => backtest::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Test(args) => test::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Join(args) => join::run(args),
        Command::Serve(args) => serve::run(args),
    }
}
