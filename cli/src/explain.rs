//! `funnel explain`: why one lead got its scores, stage, route and SLA states.

use crate::exit;
use crate::output::policy_at;
use crate::render::explain_text;
use funnel_engine::EvalOptions;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Aligned text with file:line for each rule.
    Human,
    /// The decision with its explanation, as JSON.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The policy directory.
    policy: PathBuf,
    /// The lead, as a JSON file (`-` for stdin).
    lead: PathBuf,
    /// The evaluation instant (RFC 3339); now when absent.
    #[arg(long)]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ExplainFormat,
}

pub fn run(args: Args) -> u8 {
    let (policy, at) = match policy_at(&args.policy, args.at.as_deref()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let bytes = if args.lead.as_os_str() == "-" {
        let mut buf = Vec::new();
        if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf) {
            eprintln!("error: cannot read stdin: {e}");
            return exit::USAGE;
        }
        buf
    } else {
        match std::fs::read(&args.lead) {
            Ok(b) => b,
            Err(e) => {
                eprintln!(
                    "error: {}: {}",
                    args.lead.display(),
                    crate::eval::io_reason(&e)
                );
                return exit::USAGE;
            }
        }
    };
    let options = EvalOptions {
        explain: true,
        strict: false,
    };
    let decision = policy
        .decode_json(&bytes, &options)
        .and_then(|lead| policy.evaluate(&lead, at, &options, None));
    match decision {
        Ok(d) => {
            match args.format {
                ExplainFormat::Human => print!("{}", explain_text(&d)),
                ExplainFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&d).expect("decisions serialize")
                ),
            }
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.lead.display());
            exit::RECORDS_FAILED
        }
    }
}
