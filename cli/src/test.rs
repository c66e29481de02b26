//! `funnel test`: run the policies' `test` blocks, with coverage.

use crate::args::PolicySets;
use crate::exit;
use crate::failure::Outcome;
use crate::output::{color_stderr, plural, ReportFormat};
use funnel_engine::Policy;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    sets: PolicySets,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ReportFormat,
    /// Run only the tests whose name contains this text.
    #[arg(long)]
    filter: Option<String>,
    /// Report which rules, persona conditions, stages, routes and SLA states no test exercised.
    #[arg(long)]
    coverage: bool,
}

/// Relative `file:line` of a `file:line:column` location.
fn line_of(at: &str) -> &str {
    at.rsplit_once(':').map_or(at, |(a, _)| a)
}

pub fn run(args: Args) -> Outcome {
    let color = color_stderr();
    let sets = args.sets.discover("test")?;
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, 0usize);
    let mut json = Vec::new();
    for set in &sets {
        let sources = set.read()?;
        let policy = match Policy::from_sources(sources) {
            Ok(p) => p,
            Err(e) => {
                broken += 1;
                match args.format {
                    ReportFormat::Json => json.push(serde_json::json!({
                        "policy": set.name(),
                        "compiles": false,
                        "diagnostics": e.diagnostics.iter().map(|d| d.to_json()).collect::<Vec<_>>(),
                        "results": [],
                    })),
                    ReportFormat::Human => {
                        for d in &e.diagnostics {
                            eprint!("{}", d.render(color));
                        }
                        eprintln!(
                            "error: the policy in {} does not compile; its tests cannot run",
                            set.name()
                        );
                    }
                }
                continue;
            }
        };
        let run = policy.run_tests(args.filter.as_deref());
        passed += run.passed();
        failed += run.failed();
        match args.format {
            ReportFormat::Json => json.push(serde_json::json!({
                "policy": set.name(),
                "compiles": true,
                "results": run.results,
                "coverage": args.coverage.then_some(&run.coverage),
            })),
            ReportFormat::Human => {
                println!("{} ({})", set.name(), plural(run.results.len(), "test"));
                for r in &run.results {
                    if r.passed {
                        println!("  ok    {}", r.name);
                        continue;
                    }
                    println!("  FAIL  {}  ({})", r.name, line_of(&r.at));
                    if let Some(e) = &r.error {
                        println!("        error: {e}");
                    }
                    for f in &r.failures {
                        println!("        expect {}  ({})", f.expect, line_of(&f.at));
                        println!("          but {}", f.actual);
                    }
                }
                if args.coverage {
                    let c = &run.coverage;
                    println!(
                        "  coverage: {:.1}% ({} of {} rules, conditions, stages, routes, SLA states, metrics and aggregate SLAs)",
                        c.share() * 100.0,
                        c.covered,
                        c.total
                    );
                    for m in &c.missed {
                        println!("    not exercised: {}  {}", m.at, m.what);
                    }
                }
            }
        }
    }
    match args.format {
        ReportFormat::Human => println!("{passed} passed, {failed} failed"),
        ReportFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "passed": passed, "failed": failed, "not_compiled": broken, "sets": json
            }))
            .expect("test results serialize")
        ),
    }
    if failed > 0 || broken > 0 {
        Ok(exit::FAILED)
    } else {
        Ok(exit::OK)
    }
}
