//! `funnel check`: parse and check policy sets, report every diagnostic.

use crate::exit;
use crate::output::{color_stderr, plural, ReportFormat};
use funnel_engine::{check_sources, PolicyDir};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Policy directories or files (a file stands for its directory's set).
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,
    /// Fail when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ReportFormat,
}

pub fn run(args: Args) -> u8 {
    let color = color_stderr();
    let sets = match PolicyDir::discover(&args.paths) {
        Ok(s) => s,
        Err(d) => {
            eprint!("{}", d.render(color));
            return exit::USAGE;
        }
    };
    let (mut files, mut errors, mut warnings) = (0, 0, 0);
    let mut json = Vec::new();
    for set in &sets {
        let sources = match set.read() {
            Ok(s) => s,
            Err(d) => {
                eprint!("{}", d.render(color));
                return exit::USAGE;
            }
        };
        files += sources.len();
        let report = check_sources(sources);
        errors += report.errors();
        warnings += report.warnings();
        for d in &report.diagnostics {
            match args.format {
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
    match args.format {
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
        exit::FAILED
    } else {
        exit::OK
    }
}
