//! `funnel check`: parse and check policy sets, report every diagnostic.

use crate::args::PolicySets;
use crate::exit;
use crate::failure::Outcome;
use crate::output::color_stderr;
use crate::sarif::Finding;
use funnel_engine::check_sources;

/// `--format` of `funnel check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// For people: source snippets with labels, on stderr.
    Human,
    /// For tools and editors: one JSON document on stdout.
    Json,
    /// SARIF 2.1.0 on stdout, for GitHub code scanning and other review tools.
    Sarif,
    /// GitHub Actions workflow commands on stdout: an annotation on each line with a problem.
    Github,
}

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    sets: PolicySets,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// Fail when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
}

pub fn run(args: Args) -> Outcome {
    let color = color_stderr();
    let sets = args.sets.discover("check")?;
    let (mut files, mut errors, mut warnings) = (0, 0, 0);
    let mut findings = Vec::new();
    for set in &sets {
        let sources = set.read()?;
        files += sources.len();
        let set_file = sources.first().map(|f| f.name.clone());
        let report = check_sources(sources);
        errors += report.errors();
        warnings += report.warnings();
        for d in &report.diagnostics {
            match args.format {
                CheckFormat::Human => eprint!("{}", d.render(color)),
                CheckFormat::Github => println!("{}", crate::annotations::line(&d.to_json())),
                CheckFormat::Json | CheckFormat::Sarif => findings.push(Finding {
                    diagnostic: d.to_json(),
                    set_file: set_file.clone(),
                }),
            }
        }
    }
    let summary = funnel_locale::t!(
        "cli-checked-summary",
        files = files,
        errors = errors,
        warnings = warnings
    );
    match args.format {
        CheckFormat::Human | CheckFormat::Github => eprintln!("{summary}"),
        CheckFormat::Json => {
            let diagnostics: Vec<_> = findings.into_iter().map(|f| f.diagnostic).collect();
            let doc = serde_json::json!({
                "files": files,
                "errors": errors,
                "warnings": warnings,
                "diagnostics": diagnostics,
            });
            println!("{}", pretty(&doc));
        }
        CheckFormat::Sarif => {
            println!("{}", pretty(&crate::sarif::document(&findings)));
            eprintln!("{summary}");
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        Ok(exit::FAILED)
    } else {
        Ok(exit::OK)
    }
}

fn pretty(doc: &serde_json::Value) -> String {
    serde_json::to_string_pretty(doc).expect("a JSON value serializes")
}
