//! `funnel check`: parse and check policy sets, report every diagnostic.

use crate::args::PolicySets;
use crate::exit;
use crate::failure::Outcome;
use crate::output::{color_stderr, plural, ReportFormat};
use funnel_engine::check_sources;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    sets: PolicySets,
    /// Fail when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args) -> Outcome {
    let color = color_stderr();
    let sets = args.sets.discover()?;
    let (mut files, mut errors, mut warnings) = (0, 0, 0);
    let mut json = Vec::new();
    for set in &sets {
        let sources = set.read()?;
        files += sources.len();
        let report = check_sources(sources);
        errors += report.errors();
        warnings += report.warnings();
        for d in &report.diagnostics {
            match args.sets.format {
                ReportFormat::Human => eprint!("{}", d.render(color)),
                ReportFormat::Json => json.push(d.to_json()),
            }
        }
    }
    let summary = format!(
        "checked {}: {}, {}",
        plural(files, "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    match args.sets.format {
        ReportFormat::Human => eprintln!("{summary}"),
        ReportFormat::Json => {
            let doc = serde_json::json!({
                "files": files,
                "errors": errors,
                "warnings": warnings,
                "diagnostics": json,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("diagnostics serialize")
            );
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        Ok(exit::FAILED)
    } else {
        Ok(exit::OK)
    }
}
