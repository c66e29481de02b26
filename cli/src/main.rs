//! `funnel`: check, evaluate and test marketing and sales policies.

// Lead errors are the engine's (see funnel-engine): large, and rare.
#![allow(clippy::result_large_err)]

mod annotations;
mod args;
mod backtest;
mod check;
mod columnar;
mod csv_lines;
mod diff;
mod eval;
mod examples;
mod explain;
mod failure;
mod fmt;
mod html;
mod join;
mod lsp;
mod output;
mod progress;
mod render;
mod report;
mod sarif;
mod serve;
mod test;
mod watch;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
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
    /// When to colour diagnostics and messages.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    color: output::ColorChoice,
    /// The language of diagnostics: `en` or `pt-BR` [default: from LC_ALL, LC_MESSAGES or
    /// LANG, else English].
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<funnel_locale::Lang>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy sets for errors and warnings, like a compiler.
    #[command(after_help = examples::help(examples::CHECK))]
    Check(check::Args),
    /// Evaluate leads (JSONL, CSV or JSON) and write one decision per lead.
    #[command(after_help = examples::help(examples::EVAL))]
    Eval(eval::Args),
    /// Explain the decision for one lead: every rule, condition and threshold.
    #[command(after_help = examples::help(examples::EXPLAIN))]
    Explain(explain::Args),
    /// Check (and with --test, test) a policy on every change of its files.
    #[command(after_help = examples::help(examples::WATCH))]
    Watch(watch::Args),
    /// Rewrite policy files in the canonical layout; `--check` lists the unformatted ones.
    #[command(after_help = examples::help(examples::FMT))]
    Fmt(fmt::Args),
    /// Run the policies' tests; `--coverage` shows what no test exercised.
    #[command(after_help = examples::help(examples::TEST))]
    Test(test::Args),
    /// Report commitments, metrics, the funnel and SLA compliance per period over a batch.
    #[command(after_help = examples::help(examples::REPORT))]
    Report(report::Args),
    /// What a change to a policy does to the same leads: stage transitions, scores, and
    /// commitments before and after.
    #[command(after_help = examples::help(examples::DIFF))]
    Diff(diff::Args),
    /// How well the scores, grades and stages predict an outcome the leads already have
    /// (and, with --suggest, points re-fitted to it).
    #[command(after_help = examples::help(examples::BACKTEST))]
    Backtest(backtest::Args),
    /// Left-join two CSV files on a key column (e.g. MQLs with their closed deals).
    #[command(after_help = examples::help(examples::JOIN))]
    Join(join::Args),
    /// Serve the policy over HTTP: evaluate leads, policy status, health and metrics.
    #[command(after_help = examples::help(examples::SERVE))]
    Serve(serve::Args),
    /// A language server on stdio, for editors: diagnostics as you type, hover, go to
    /// definition, references, rename, completion, formatting and test results.
    #[command(after_help = examples::help(examples::LSP))]
    Lsp(lsp::Args),
}

/// A reader that stops early (`funnel check ... | head`) ends a one-shot command quietly, as
/// it ends `cat`, instead of making every `println!` panic. Not for `serve` and `watch`,
/// whose sockets and long runs must see a closed pipe as an error, not die of it.
fn stop_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Found before clap parses, so that clap's own help and usage errors follow it too.
    let color = color_arg(&args);
    output::set_color(color);
    let command = Cli::command().color(match color {
        output::ColorChoice::Auto => clap::ColorChoice::Auto,
        output::ColorChoice::Always => clap::ColorChoice::Always,
        output::ColorChoice::Never => clap::ColorChoice::Never,
    });
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
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
    funnel_locale::set_language(cli.lang.unwrap_or_else(funnel_locale::Lang::from_env));
    if !matches!(
        cli.command,
        Command::Serve(_) | Command::Watch(_) | Command::Lsp(_)
    ) {
        stop_quietly_on_a_closed_pipe();
    }
    match try_main(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprint!("{}", failure.render(output::color_stderr()));
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The `--color` given on the command line (`--color WHEN` or `--color=WHEN`, the last one
/// wins, none after `--`); `auto` when there is none or it is not a valid choice (clap then
/// says so).
fn color_arg(args: &[std::ffi::OsString]) -> output::ColorChoice {
    use clap::ValueEnum as _;
    let mut choice = output::ColorChoice::Auto;
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        let value = match word.as_ref() {
            "--" => break,
            "--color" => words.next().map(|v| v.into_owned()),
            w => w.strip_prefix("--color=").map(str::to_string),
        };
        if let Some(c) = value.and_then(|v| output::ColorChoice::from_str(&v, true).ok()) {
            choice = c;
        }
    }
    choice
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
        Command::Lsp(args) => lsp::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::color_arg;
    use crate::output::ColorChoice;

    fn color(line: &str) -> ColorChoice {
        let args: Vec<std::ffi::OsString> = line.split(' ').map(Into::into).collect();
        color_arg(&args)
    }

    #[test]
    fn color_is_found_in_either_spelling_and_the_last_wins() {
        assert_eq!(color("funnel check p"), ColorChoice::Auto);
        assert_eq!(color("funnel --color never check p"), ColorChoice::Never);
        assert_eq!(color("funnel check p --color=always"), ColorChoice::Always);
        assert_eq!(
            color("funnel --color never check --color always p"),
            ColorChoice::Always
        );
        assert_eq!(color("funnel check --color sometimes p"), ColorChoice::Auto);
        assert_eq!(color("funnel check -- --color never"), ColorChoice::Auto);
    }
}
