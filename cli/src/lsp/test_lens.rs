//! Above each `test` block, whether it passes (the set's tests run as `funnel test` runs
//! them), and the command that runs them all.

use super::analysis::Analysis;
use super::documents::range;
use super::RUN_TESTS;
use funnel_engine::testing::TestRun;
use funnel_engine::Policy;
use funnel_grammar::ast::Item;
use lsp_types::{CodeLens, Command, Uri};
use std::path::Path;

/// The outcome of running a set's tests.
pub struct Summary {
    /// Whether the policy compiled (tests run only then).
    pub compiles: bool,
    /// Failed tests.
    pub failed: usize,
    /// The results, when it compiled.
    pub run: Option<TestRun>,
    /// One line for people: `12 passed, 1 failed`.
    pub message: String,
}

impl Summary {
    /// The command's answer.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "compiles": self.compiles,
            "passed": self.run.as_ref().map_or(0, |r| r.passed()),
            "failed": self.failed,
            "results": self.run.as_ref().map(|r| &r.results),
        })
    }
}

/// Runs the set's tests.
pub fn run_tests(a: &Analysis) -> Summary {
    match Policy::from_sources(a.report.files.clone()) {
        Ok(policy) => {
            let run = policy.run_tests(None);
            let failed = run.failed();
            let mut message = format!("funnel test: {} passed, {failed} failed", run.passed());
            for r in run.results.iter().filter(|r| !r.passed) {
                message.push_str(&format!("\nFAIL {} ({})", r.name, r.at));
            }
            Summary {
                compiles: true,
                failed,
                run: Some(run),
                message,
            }
        }
        Err(e) => Summary {
            compiles: false,
            failed: 0,
            run: None,
            message: format!(
                "funnel test: the policy has {} error(s); its tests cannot run",
                e.diagnostics.iter().filter(|d| d.is_error()).count()
            ),
        },
    }
}

/// A lens above each test of the file at `path`: passes, fails (and why), or cannot run.
pub fn lenses(a: &Analysis, path: &Path, uri: &Uri) -> Vec<CodeLens> {
    let Some(file) = a.file(path) else {
        return Vec::new();
    };
    let (tree, _) = funnel_grammar::parse(&file);
    let tests: Vec<_> = tree
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Test(t) => Some(t),
            _ => None,
        })
        .collect();
    if tests.is_empty() {
        return Vec::new();
    }
    let summary = run_tests(a);
    tests
        .into_iter()
        .map(|t| {
            let at = t.span.location();
            let result = summary
                .run
                .as_ref()
                .and_then(|run| run.results.iter().find(|r| r.at == at));
            let title = match (summary.compiles, result) {
                (false, _) => "▶ run tests (the policy has errors)".to_string(),
                (true, Some(r)) if r.passed => "✓ passes · ▶ run tests".to_string(),
                (true, Some(r)) => match (&r.error, r.failures.first()) {
                    (Some(e), _) => format!("✗ fails: {e} · ▶ run tests"),
                    (None, Some(f)) => format!(
                        "✗ fails: expect {} but {} · ▶ run tests",
                        f.expect, f.actual
                    ),
                    (None, None) => "✗ fails · ▶ run tests".to_string(),
                },
                (true, None) => "▶ run tests".to_string(),
            };
            CodeLens {
                range: range(&t.span),
                command: Some(Command {
                    title,
                    command: RUN_TESTS.to_string(),
                    arguments: Some(vec![serde_json::to_value(uri).unwrap_or_default()]),
                }),
                data: None,
            }
        })
        .collect()
}
