//! Running a policy's `test` blocks, and measuring what they cover.
//!
//! Coverage counts, over all tests of a set: each score rule that fired, each persona
//! condition that held, each stage reached, each route taken, and for each per-lead SLA the
//! states `met`, `breached` and `not_applicable` (and `warning` when it has `warn at`); and
//! each metric and aggregate SLA a test over a batch expects a figure of (`metric(..)`,
//! `status(..)`), each stage it expects a funnel count of (`funnel(..)`).
//!
//! A test over a batch (`given leads`) builds the report of its leads at its `at`, as
//! `funnel report --at AT` would over all periods, and its `expect` lines read the report's
//! figures.

use crate::checked::*;
use crate::decision::{SlaState, Step, Truth};
use crate::decode::Lead;
use crate::eval::{guarded, value_json, Slots, State};
use crate::evaluator::EvalOptions;
use crate::policy::Policy;
use crate::report::{Report, Status};
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
    for m in &p.metrics {
        out.push(item(
            format!("metric {}", m.name),
            &m.span,
            format!("metric {}", m.name),
        ));
    }
    for s in &p.slas {
        if !s.is_per_lead() {
            out.push(item(
                format!("sla {}", s.name),
                &s.span,
                format!("sla {}", s.name),
            ));
        }
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
    if let TKind::Binary(op, l, r) = &e.kind {
        if op.is_comparison() {
            // The figure of a batch's report, wherever it stands.
            let side = match (&l.kind, &r.kind) {
                (TKind::Figure(_), _) | (_, TKind::Figure(_))
                    if !matches!(l.kind, TKind::Figure(_)) =>
                {
                    r
                }
                _ => l,
            };
            let v = state.eval(side);
            return format!("{} is {}", squash(side.span.text()), show_side(p, side, &v));
        }
    }
    if let TKind::IsMissing { value, .. } = &e.kind {
        if let TKind::Figure(_) = value.kind {
            let v = state.eval(value);
            return format!(
                "{} is {}",
                squash(value.span.text()),
                show_side(p, value, &v)
            );
        }
    }
    match result {
        Value::Missing => "it is unknown (a value it needs is missing)".into(),
        _ => "it is false".into(),
    }
}

/// A compared value for a failure message: a figure of a batch's report in its unit and in
/// full (`61.41% (0.6140692640692641)`), anything else as [`show`] gives it.
fn show_side(p: &Checked, e: &TExpr, v: &Value) -> String {
    let TKind::Figure(f) = &e.kind else {
        return show(p, v, &e.ty);
    };
    let n = match v {
        Value::Missing => return "unknown (the report has no value there)".into(),
        Value::Number(n) => *n,
        _ => return show(p, v, &e.ty),
    };
    if f.status {
        return show(p, v, &e.ty);
    }
    let unit = match &f.of {
        FigureOf::Metric(name) => p
            .metrics
            .iter()
            .find(|m| &m.name == name)
            .map_or(Unit::Number, |m| m.unit.clone()),
        FigureOf::Sla(name) => match p.slas.iter().find(|s| &s.name == name).map(|s| &s.body) {
            Some(SlaBody::Aggregate {
                measure: AggregateDef::Reach(_),
                ..
            }) => Unit::Count,
            _ => Unit::Percent,
        },
        FigureOf::Stage(_) => Unit::Count,
    };
    let shown = crate::report::display(&unit, n);
    let full = format!("{n}");
    if shown == full {
        shown
    } else {
        format!("{shown} ({full})")
    }
}

/// Every figure of a batch's report an expectation reads.
fn figures<'e>(e: &'e TExpr, out: &mut Vec<&'e TExpr>) {
    let mut go = |x: &'e TExpr| figures(x, out);
    match &e.kind {
        TKind::Figure(_) => out.push(e),
        TKind::Not(a) | TKind::Neg(a) | TKind::Get(a, _) | TKind::Matches(a, _) => go(a),
        TKind::IsMissing { value, .. } => go(value),
        TKind::Binary(_, a, b) | TKind::ListContains(a, b) => {
            go(a);
            go(b);
        }
        TKind::If(a, b, c) | TKind::Between(a, b, c) => {
            go(a);
            go(b);
            go(c);
        }
        TKind::In { value, list, .. } => {
            go(value);
            go(list);
        }
        TKind::Text { value, arg, .. } => {
            go(value);
            go(arg);
        }
        TKind::Call(_, args) | TKind::Script(_, args) | TKind::List(args) => {
            args.iter().for_each(go)
        }
        _ => {}
    }
}

/// A figure's value in a report: unknown when the report has none (a metric or an SLA
/// without a row for the period or segment), `no_data` for the status of such a row, 0 for
/// a funnel count of a period without leads.
fn figure_value(p: &Checked, report: &Report, f: &Figure) -> Value {
    let period = f
        .period
        .as_ref()
        .and_then(|label| report.periods.iter().find(|r| &r.period == label));
    let no_data = || {
        Value::Enum(
            FIGURE_STATUSES
                .iter()
                .position(|s| *s == "no_data")
                .unwrap_or(3) as u16,
        )
    };
    let status = |s: Status| {
        let name = match s {
            Status::Held => "held",
            Status::Missed => "missed",
            Status::AtRisk => "at_risk",
            Status::NoData => "no_data",
        };
        Value::Enum(FIGURE_STATUSES.iter().position(|x| *x == name).unwrap_or(3) as u16)
    };
    let number = |v: Option<f64>| v.map_or(Value::Missing, Value::Number);
    match &f.of {
        FigureOf::Metric(name) => {
            let row = period.and_then(|r| {
                r.metrics
                    .iter()
                    .find(|m| &m.name == name && m.segment == f.segment)
            });
            match (row, f.status) {
                (Some(m), true) => m.goal.as_ref().map_or(Value::Missing, |g| status(g.status)),
                (None, true) => no_data(),
                (row, false) => number(row.and_then(|m| m.value)),
            }
        }
        FigureOf::Sla(name) => {
            let row = period.and_then(|r| {
                r.commitments
                    .iter()
                    .find(|c| &c.name == name && c.segment == f.segment)
            });
            match (row, f.status) {
                (Some(c), true) => status(c.status),
                (None, true) => no_data(),
                (row, false) => number(row.and_then(|c| c.value)),
            }
        }
        FigureOf::Stage(s) => {
            // The funnel of the period (or of all), or of one of its segments.
            let funnel = match (&f.period, &f.segment) {
                (None, _) => Some(&report.funnel),
                (Some(_), None) => period.map(|r| &r.funnel),
                (Some(_), Some(segment)) => period.and_then(|r| {
                    r.funnel_segments
                        .iter()
                        .find(|s| &s.segment == segment)
                        .map(|s| &s.funnel)
                }),
            };
            let name = &p.stages[*s].name;
            let count = funnel.map_or(0, |fun| {
                fun.stages
                    .iter()
                    .find(|c| &c.stage == name)
                    .map(|c| c.reached)
                    .or_else(|| {
                        fun.excluded
                            .iter()
                            .find(|x| &x.stage == name)
                            .map(|x| x.leads)
                    })
                    .unwrap_or(0)
            });
            Value::Int(count as i64)
        }
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
            if t.lead.is_batch() {
                self.run_batch(t, &mut result, &mut seen);
                results.push(result);
                continue;
            }
            let lead = match &t.lead {
                TestLead::Inline(e) => inline_lead(p, e),
                TestLead::Batch(_) | TestLead::BatchFile(..) => {
                    Err("the test's leads are a batch".to_string())
                }
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
            let mut slots = Slots::default();
            let at = match test_at(p, t) {
                Ok(at) => at,
                Err(e) => {
                    result.error = Some(e);
                    results.push(result);
                    continue;
                }
            };
            let mut state = self.compiled().state(&lead.values, at, true, &mut slots);
            state.run();
            if let Some(e) = state.error.take() {
                result.error = Some(e);
                results.push(result);
                continue;
            }
            check_expects(&mut state, &t.expects, &mut result);
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

impl Policy {
    /// A test over a batch: its leads reported at its `at`, then its expectations read the
    /// report's figures.
    fn run_batch(&self, t: &TestDef, result: &mut TestResult, seen: &mut BTreeSet<String>) {
        let p = self.checked();
        let mut found: Vec<&TExpr> = Vec::new();
        for e in &t.expects {
            figures(e, &mut found);
        }
        // Coverage is what the test asks about, pass or fail.
        for f in &found {
            let TKind::Figure(fig) = &f.kind else {
                continue;
            };
            seen.insert(match &fig.of {
                FigureOf::Metric(name) => format!("metric {name}"),
                FigureOf::Sla(name) => format!("sla {name}"),
                FigureOf::Stage(s) => format!("stage {}", p.stages[*s].name),
            });
        }
        let at = match test_at(p, t) {
            Ok(at) => at,
            Err(e) => {
                result.error = Some(e);
                return;
            }
        };
        let leads = match self.batch_leads(&t.lead, at) {
            Ok(leads) => leads,
            Err(e) => {
                result.error = Some(e);
                return;
            }
        };
        // The tables' rows, decoded as the leads are, each table through a view of the
        // policy that reads its rows as records.
        let mut tables = Vec::new();
        for (i, rows) in &t.tables {
            match self.table_rows(*i).batch_leads(rows, at) {
                Ok(rows) => tables.push((*i, rows)),
                Err(e) => {
                    let name = &p.tables[*i].name;
                    result.error = Some(format!("table `{name}`: {e}"));
                    return;
                }
            }
        }
        let mut failed: Option<String> = None;
        let report =
            crate::report::run_leads(self, &leads, &tables, at, &Default::default(), |e| {
                failed.get_or_insert_with(|| e.to_string());
            });
        if let Some(e) = failed {
            result.error = Some(e);
            return;
        }
        let values = found
            .iter()
            .filter_map(|f| match &f.kind {
                TKind::Figure(fig) => Some((f.span.start, figure_value(p, &report, fig))),
                _ => None,
            })
            .collect();
        let empty: [Value; 0] = [];
        let mut slots = Slots::default();
        let mut state = self.compiled().state(&empty, at, false, &mut slots);
        state.aggregates = Some(values);
        check_expects(&mut state, &t.expects, result);
    }

    /// A batch test's leads: its records, or its file decoded as `funnel report` decodes its
    /// input (the first bad record fails the test, with the decoder's message).
    fn batch_leads(
        &self,
        lead: &TestLead,
        at: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<Vec<Lead>, String> {
        let p = self.checked();
        match lead {
            TestLead::Batch(rows) => rows.iter().map(|e| inline_lead(p, e)).collect(),
            TestLead::BatchFile(path, span) => {
                // Confined like scripts and lead files: nothing outside the policy directory.
                let text = crate::source::read_beside(&span.file.name, path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let options = crate::batch::BatchOptions {
                    at,
                    eval: EvalOptions::default(),
                    jobs: 1,
                    chunk: crate::batch::CHUNK,
                };
                let mut leads = Vec::new();
                let mut bad: Option<String> = None;
                crate::batch::map(
                    self,
                    text.as_bytes(),
                    crate::batch::InputFormat::from_path(path),
                    &options,
                    || (),
                    |_, _, lead, _| Ok(lead.clone()),
                    |_, _, decoded| {
                        match decoded {
                            Ok(lead) => leads.push(lead),
                            Err(e) => {
                                bad.get_or_insert_with(|| format!("{}: {e}", path.display()));
                            }
                        }
                        Ok(())
                    },
                )
                .map_err(|e| format!("{}: {e}", path.display()))?;
                match bad {
                    Some(e) => Err(e),
                    None => Ok(leads),
                }
            }
            TestLead::Inline(_) | TestLead::File(..) => Err("the test has one lead".into()),
        }
    }
}

/// Evaluates each expectation: one that is not true is a failure with what it found; a bug
/// while evaluating them is the test's error.
fn check_expects(state: &mut State, expects: &[TExpr], result: &mut TestResult) {
    let checked = guarded(|| {
        for e in expects {
            let v = state.eval(e);
            if v != Value::Bool(true) {
                result.failures.push(ExpectFailure {
                    expect: squash(e.span.text()),
                    at: e.span.location(),
                    actual: explain_failure(state, e, &v),
                });
            }
        }
    });
    if let Err(e) = checked {
        result.error = Some(e);
    }
    result.passed = result.failures.is_empty() && result.error.is_none();
}

/// The test's instant.
fn test_at(p: &Checked, t: &TestDef) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    let empty: [Value; 0] = [];
    let mut slots = Slots::default();
    match State::new(
        p,
        &empty,
        chrono::DateTime::UNIX_EPOCH.fixed_offset(),
        false,
        &mut slots,
    )
    .eval(&t.at)
    {
        Value::DateTime(at) => Ok(at),
        _ => Err("the test's `at` is not a datetime".into()),
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
