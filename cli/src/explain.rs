//! `funnel explain`: why one lead got its scores, stage, route and SLA states.

use crate::args::PolicyAt;
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::io_reason;
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
    #[command(flatten)]
    policy: PolicyAt,
    /// The lead, as a JSON file (`-` for stdin).
    lead: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ExplainFormat,
}

pub fn run(args: Args) -> Outcome {
    let (policy, at) = args.policy.load()?;
    let bytes = if args.lead.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Failure::Usage(format!("cannot read stdin: {e}")))?;
        buf
    } else {
        std::fs::read(&args.lead)
            .map_err(|e| Failure::Usage(format!("{}: {}", args.lead.display(), io_reason(&e))))?
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
            Ok(exit::OK)
        }
        Err(e) => Err(Failure::Lead(format!("{}: {e}", args.lead.display()))),
    }
}
