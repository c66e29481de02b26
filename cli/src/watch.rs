//! `funnel watch`: check (and test) a policy on every change.

use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::{color_stderr, plural};
use funnel_engine::{LivePolicy, Policy, ReloadEvent, WatchOptions};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The policy directory.
    policy: PathBuf,
    /// Also run the policy's tests after each successful reload.
    #[arg(long)]
    test: bool,
}

/// `acme-inbound v7 (sha256:9f2c1a...)`.
pub fn describe(p: &Policy) -> String {
    let digest: String = p.digest().chars().take(13).collect();
    format!("{} v{} ({digest}...)", p.name(), p.version())
}

fn run_tests(p: &Policy) {
    let run = p.run_tests(None);
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

pub fn run(args: Args) -> Outcome {
    let color = color_stderr();
    let print_errors = |diagnostics: &[funnel_engine::Diagnostic]| {
        for d in diagnostics {
            eprint!("{}", d.render(color));
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        eprintln!(
            "{} in {}; waiting for a change",
            plural(errors, "error"),
            args.policy.display()
        );
    };
    let live = LivePolicy::watch_until_valid(&args.policy, WatchOptions::default(), |e| {
        print_errors(&e.diagnostics)
    })
    .map_err(|e| Failure::Usage(e.to_string()))?;
    let events = live.subscribe();
    eprintln!(
        "watching {}: {}",
        args.policy.display(),
        describe(&live.current())
    );
    if args.test {
        run_tests(&live.current());
    }
    let mut broken = false;
    for event in events {
        match event {
            ReloadEvent::Reloaded { policy, took } => {
                broken = false;
                eprintln!("reloaded {} in {} ms", describe(&policy), took.as_millis());
                for w in policy.warnings() {
                    eprint!("{}", w.render(color));
                }
                if args.test {
                    run_tests(&policy);
                }
            }
            // Back to the text being served: say the errors are gone.
            ReloadEvent::Unchanged if broken => {
                broken = false;
                eprintln!("fixed: serving {} again", describe(&live.current()));
            }
            ReloadEvent::Unchanged => {}
            ReloadEvent::Failed { diagnostics } => {
                broken = true;
                print_errors(&diagnostics);
                eprintln!("still serving {}", describe(&live.current()));
            }
        }
    }
    Ok(exit::OK)
}
