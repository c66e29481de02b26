//! `funnel`: check, evaluate and test marketing and sales policies.

mod check;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes, as documented in the README.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The policy (or the run's input) has errors.
    pub const FAILED: u8 = 1;
    /// Usage or I/O error: the command could not do its job.
    pub const USAGE: u8 = 2;
}

#[derive(Parser)]
#[command(name = "funnel", version, about = "Policy as code for marketing and sales: check, evaluate and test lead policies")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy sets for errors and warnings, like a compiler.
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(args),
    };
    ExitCode::from(code)
}
