//! Running a policy's `test` blocks, and measuring what they cover.
//!
//! Coverage counts, over all tests of a set: each score rule that fired, each persona
//! condition that held, each stage reached, each route taken, and for each per-lead SLA the
//! states `met`, `breached` and `not_applicable` (and `warning` when it has `warn at`).

use crate::checked::*;
use crate::decision::{SlaState, Step, Truth};
use crate::decode::Lead;
use crate::eval::{guarded, value_json, Slots, State};
use crate::evaluator::EvalOptions;
use crate::policy::Policy;
use crate::value::Value;
use funnel_grammar::Span;
use serde::Serialize;
use std::collections::BTreeSet;

/// One `expect` line that did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectFailure {
    /// The expectation as written.
    pub expect: String,
    /// `file:line:column`.
    pub at: String,
    /// What was found instead: `fit is 30`, `it is unknown`.
    pub actual: String,
}

/// The outcome of one test.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// `file:line:column` of the test.
    pub at: String,
    /// Every expectation held.
    pub passed: bool,
    /// The expectations that failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<ExpectFailure>,
    /// The lead could not be read or evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Something tests can exercise.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct CoverageItem {
    /// `file:line`.
    pub at: String,
    /// What it is: `score fit: +10 when ...`, `stage mql`, `sla first_touch: breached`.
    pub what: String,
}

/// What a set's tests exercised.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Coverage {
    /// Items exercised.
    pub covered: usize,
    /// Items in all.
    pub total: usize,
    /// Items no test exercised, in source order.
    pub missed: Vec<CoverageItem>,
}

impl Coverage {
    /// Share covered, from 0 to 1 (1 when there is nothing to cover).
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.covered as f64 / self.total as f64
        }
    }
}

/// The results of a set's tests.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun {
    /// One per test run, in source order.
    pub results: Vec<TestResult>,
    /// What they covered.
    pub coverage: Coverage,
}

impl TestRun {
    /// Tests that passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed).count()
    }

    /// Tests that failed.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

fn short(span: &Span) -> String {
    let (line, _) = span.line_col();
    format!("{}:{line}", span.file.name)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every coverable item of a policy, keyed as the tests record them.
fn all_items(p: &Checked) -> Vec<(String, CoverageItem)> {
    let mut out = Vec::new();
    let item = |key: String, span: &Span, what: String| {
        (
            key,
            CoverageItem {
                at: short(span),
                what,
            },
        )
    };
    for s in &p.scores {
        for r in &s.rules {
            out.push(item(
                format!("rule {}", r.span.location()),
                &r.span,
                format!("score {}: {}", s.name, squash(r.span.text())),
            ));
        }
    }
    for persona in &p.personas {
        for c in &persona.conditions {
            out.push(item(
                format!("persona {}", c.span.location()),
                &c.span,
                format!("persona {}: {}", persona.name, squash(c.span.text())),
            ));
        }
    }
    for s in &p.stages {
        out.push(item(
            format!("stage {}", s.name),
            &s.span,
            format!("stage {}", s.name),
        ));
    }
    for r in &p.routes {
        out.push(item(
            format!("route {}", r.name),
            &r.span,
            format!("route {}", r.name),
        ));
    }
    for s in &p.slas {
        let SlaBody::Lead(l) = &s.body else { continue };
        let mut states = vec![SlaState::Met, SlaState::Breached, SlaState::NotApplicable];
        if l.warn_at.is_some() {
            states.push(SlaState::Warning);
        }
        for st in states {
            out.push(item(
                format!("sla {} {}", s.name, st.as_str()),
                &s.span,
                format!("sla {}: {}", s.name, st.as_str()),
            ));
        }
    }
    out
}

/// Describes a value for a failure message.
fn show(p: &Checked, v: &Value, ty: &Ty) -> String {
    match v {
        Value::Missing => "unknown".into(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
        // Durations in hours: SLA times are business hours, and "2d 7h" would read as days.
        Value::Duration(s) => crate::eval::format_hours(*s),
        _ => match value_json(p, v, ty) {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        },
    }
}

/// Why an expectation failed: the compared sides' values, or what the condition was.
fn explain_failure(state: &mut State, e: &TExpr, result: &Value) -> String {
    let p = state.policy;
    if let TKind::Binary(op, l, _) = &e.kind {
        if op.is_comparison() {
            let lv = state.eval(l);
            return format!("{} is {}", squash(l.span.text()), show(p, &lv, &l.ty));
        }
    }
    match result {
        Value::Missing => "it is unknown (a value it needs is missing)".into(),
        _ => "it is false".into(),
    }
}

/// A lead written inline in a test. It gets what decoded leads get: lists in time order.
pub(crate) fn inline_lead(p: &Checked, e: &TExpr) -> Result<Lead, String> {
    match &e.kind {
        TKind::Const(Value::Record(fields)) => {
            let mut values = fields.to_vec();
            crate::decode::finish_record(p, p.lead, &mut values, String::new)
                .map(|()| Lead {
                    values: values.into(),
                })
                .map_err(|e| e.to_string())
        }
        _ => Err("the test's lead is not a record".to_string()),
    }
}

impl Policy {
    /// Runs the tests whose name contains `filter` (all when `None`).
    pub fn run_tests(&self, filter: Option<&str>) -> TestRun {
        let p = self.checked();
        let items = all_items(p);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut results = Vec::new();
        let options = EvalOptions {
            explain: true,
            strict: true,
        };
        for t in &p.tests {
            if filter.is_some_and(|f| !t.name.contains(f)) {
                continue;
            }
            let mut result = TestResult {
                name: t.name.clone(),
                at: t.span.location(),
                passed: false,
                failures: Vec::new(),
                error: None,
            };
            let lead = match &t.lead {
                TestLead::Inline(e) => inline_lead(p, e),
                // Confined like scripts: a lead file outside the policy directory is not read.
                TestLead::File(path, span) => crate::source::read_beside(&span.file.name, path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
                    .and_then(|text| {
                        self.decode_json(text.as_bytes(), &options)
                            .map_err(|e| format!("{}: {e}", path.display()))
                    }),
            };
            let lead = match lead {
                Ok(l) => l,
                Err(e) => {
                    result.error = Some(e);
                    results.push(result);
                    continue;
                }
            };
            let empty: [Value; 0] = [];
            let mut slots = Slots::default();
            let Value::DateTime(at) = State::new(
                p,
                &empty,
                chrono::DateTime::UNIX_EPOCH.fixed_offset(),
                false,
                &mut slots,
            )
            .eval(&t.at) else {
                result.error = Some("the test's `at` is not a datetime".into());
                results.push(result);
                continue;
            };
            let mut state = self.compiled().state(&lead.values, at, true, &mut slots);
            state.run();
            if let Some(e) = state.error.take() {
                result.error = Some(e);
                results.push(result);
                continue;
            }
            let checked = guarded(|| {
                for e in &t.expects {
                    let v = state.eval(e);
                    if v != Value::Bool(true) {
                        result.failures.push(ExpectFailure {
                            expect: squash(e.span.text()),
                            at: e.span.location(),
                            actual: explain_failure(&mut state, e, &v),
                        });
                    }
                }
            });
            if let Err(e) = checked {
                result.error = Some(e);
            }
            result.passed = result.failures.is_empty() && result.error.is_none();
            record_coverage(&state, &mut seen);
            results.push(result);
        }
        let missed: Vec<CoverageItem> = items
            .iter()
            .filter(|(k, _)| !seen.contains(k))
            .map(|(_, i)| i.clone())
            .collect();
        let coverage = Coverage {
            covered: items.len() - missed.len(),
            total: items.len(),
            missed,
        };
        TestRun { results, coverage }
    }
}

fn record_coverage(state: &State, seen: &mut BTreeSet<String>) {
    let p = state.policy;
    for s in state.out.explain.iter().flatten() {
        match s {
            Step::Rule {
                result: Truth::True,
                at,
                ..
            } => {
                seen.insert(format!("rule {at}"));
            }
            Step::Persona {
                result: Truth::True,
                at,
                ..
            } => {
                seen.insert(format!("persona {at}"));
            }
            _ => {}
        }
    }
    if let Some(s) = p.stages.get(state.out.stage as usize) {
        seen.insert(format!("stage {}", s.name));
    }
    if let Some(r) = state.out.route {
        seen.insert(format!(
            "route {}",
            p.enums[p.route_enum].values[r as usize]
        ));
    }
    for (s, o) in p.slas.iter().zip(&state.out.sla_outcomes) {
        if let Some(o) = o {
            seen.insert(format!("sla {} {}", s.name, o.state.as_str()));
        }
    }
}
