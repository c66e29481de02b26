//! `funnel watch`: check (and test) a policy on every change.

use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::{color_stderr, plural, ReportFormat};
use funnel_engine::{Diagnostic, LivePolicy, Policy, ReloadEvent, WatchOptions};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// The policy directory.
    policy: PathBuf,
    /// Also run the policy's tests after each successful reload.
    #[arg(long)]
    test: bool,
    /// Output format: `json` writes one JSON object a line on stdout for every check (and
    /// test) run: `event` (loaded, reloaded, failed or fixed), `errors`, `warnings`,
    /// `diagnostics`, the `policy` served and, with --test, the `tests`.
    #[arg(long, value_enum, default_value = "human")]
    format: ReportFormat,
}

/// `acme-inbound v7 (sha256:9f2c1a...)`.
pub fn describe(p: &Policy) -> String {
    let digest: String = p.digest().chars().take(13).collect();
    format!("{} v{} ({digest}...)", p.name(), p.version())
}

/// How each run is reported: lines for people on stderr, or a JSON object a line on stdout.
struct Reporter {
    json: bool,
    color: bool,
    dir: String,
    test: bool,
}

impl Reporter {
    /// The files did not compile; `serving` is the version still served, if any.
    fn failed(&self, diagnostics: &[Diagnostic], serving: Option<&Policy>) {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        if self.json {
            return self.emit(json!({
                "event": "failed",
                "errors": errors,
                "warnings": diagnostics.len() - errors,
                "diagnostics": diagnostics.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
                "policy": serving.map(policy_json),
            }));
        }
        for d in diagnostics {
            eprint!("{}", d.render(self.color));
        }
        eprintln!(
            "{} in {}; waiting for a change",
            plural(errors, "error"),
            self.dir
        );
        if let Some(p) = serving {
            eprintln!("still serving {}", describe(p));
        }
    }

    /// A version compiled: the first (`took` is `None`) or a reload.
    fn loaded(&self, policy: &Policy, took: Option<Duration>) {
        let tests = self.test.then(|| policy.run_tests(None));
        if self.json {
            let warnings = policy.warnings();
            return self.emit(json!({
                "event": if took.is_some() { "reloaded" } else { "loaded" },
                "took_ms": took.map(|t| t.as_millis() as u64),
                "errors": 0,
                "warnings": warnings.len(),
                "diagnostics": warnings.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
                "policy": policy_json(policy),
                "tests": tests.map(|run| json!({
                    "passed": run.passed(),
                    "failed": run.failed(),
                    "results": run.results,
                })),
            }));
        }
        match took {
            None => eprintln!("watching {}: {}", self.dir, describe(policy)),
            Some(took) => {
                eprintln!("reloaded {} in {} ms", describe(policy), took.as_millis());
                for w in policy.warnings() {
                    eprint!("{}", w.render(self.color));
                }
            }
        }
        if let Some(run) = tests {
            for r in run.results.iter().filter(|r| !r.passed) {
                eprintln!("  FAIL  {}", r.name);
                if let Some(e) = &r.error {
                    eprintln!("        error: {e}");
                }
                for f in &r.failures {
                    eprintln!("        expect {}  but {}", f.expect, f.actual);
                }
            }
            eprintln!("{} passed, {} failed", run.passed(), run.failed());
        }
    }

    /// The files are back to the text being served: the errors are gone.
    fn fixed(&self, policy: &Policy) {
        if self.json {
            return self.emit(json!({
                "event": "fixed",
                "errors": 0,
                "warnings": policy.warnings().len(),
                "diagnostics": policy.warnings().iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
                "policy": policy_json(policy),
            }));
        }
        eprintln!("fixed: serving {} again", describe(policy));
    }

    /// One JSON line on stdout, with the policy directory; flushed, so a reader sees each
    /// run as it happens.
    fn emit(&self, mut event: Value) {
        event["policy_dir"] = json!(self.dir);
        println!("{event}");
    }
}

/// The version served: name, version and digest, as decisions carry them.
fn policy_json(p: &Policy) -> Value {
    json!({ "name": p.name(), "version": p.version(), "digest": p.digest() })
}

pub fn run(args: Args) -> Outcome {
    let reporter = Reporter {
        json: args.format == ReportFormat::Json,
        color: color_stderr(),
        dir: args.policy.display().to_string(),
        test: args.test,
    };
    let live = LivePolicy::watch_until_valid(&args.policy, WatchOptions::default(), |e| {
        reporter.failed(&e.diagnostics, None)
    })
    .map_err(|e| Failure::Usage(e.to_string()))?;
    let events = live.subscribe();
    reporter.loaded(&live.current(), None);
    let mut broken = false;
    for event in events {
        match event {
            ReloadEvent::Reloaded { policy, took } => {
                broken = false;
                reporter.loaded(&policy, Some(took));
            }
            // Back to the text being served: say the errors are gone.
            ReloadEvent::Unchanged if broken => {
                broken = false;
                reporter.fixed(&live.current());
            }
            ReloadEvent::Unchanged => {}
            ReloadEvent::Failed { diagnostics } => {
                broken = true;
                reporter.failed(&diagnostics, Some(&live.current()));
            }
        }
    }
    Ok(exit::OK)
}
