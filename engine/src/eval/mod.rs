//! Evaluating a checked policy against one decoded lead.
//!
//! Definitions run in dependency order; each result lands in a slot the later ones read, so
//! nothing is computed twice and no name is looked up.

pub(crate) mod compiled;
pub(crate) mod expr;
pub(crate) mod ops;
#[cfg(test)]
mod panic_tests;
mod sla;

use crate::checked::*;
use crate::decision::*;
use crate::script::ScriptRuntime;
use crate::value::Value;
use chrono::{DateTime, FixedOffset};
use compiled::{Program, Rule, RuleCode, Test};
use ops::N;
pub(crate) use ops::{round2, truth};

/// The state of one lead's evaluation: what it reads, and the [`Slots`] it writes its
/// results to.
pub(crate) struct State<'p> {
    pub(crate) policy: &'p Checked,
    pub(crate) lead: &'p [Value],
    pub(crate) now: DateTime<FixedOffset>,
    /// Where results land; borrowed, so that an [`crate::Evaluator`] keeps them from lead to
    /// lead and an evaluation reads them where they are.
    pub(crate) out: &'p mut Slots,
    /// The first error that stopped a value from being computed (a failing script).
    pub(crate) error: Option<String>,
    /// A metric's aggregates over a period's leads, by the aggregate's source position
    /// (only while a report computes a metric's value); in a test over a batch, the report's
    /// figures its `expect` lines read, by the figure's source position.
    pub(crate) aggregates: Option<std::collections::HashMap<usize, Value>>,
    /// The policy's expressions as closures (absent while the policy is being compiled, and
    /// in the tests that walk every tree).
    program: Option<&'p Program>,
    /// The scripts' sandbox (when the policy uses scripts).
    runtime: Option<&'p ScriptRuntime>,
}

/// Runs `f`, turning a panic into the message of an internal error: one lead's bug does not
/// take a batch, a test run or a server down.
pub(crate) fn guarded<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    crate::guard::catch(f).map_err(|what| {
        format!(
            "internal error while evaluating this lead (a bug in Funnel, please report it): {what}"
        )
    })
}

/// A rule's points held to its `max` (either sign), and whether they were.
#[inline]
pub(crate) fn cap(points: f64, max: Option<f64>) -> (f64, bool) {
    match max {
        Some(m) if points.abs() > m => (m.copysign(points), true),
        _ => (points, false),
    }
}

/// The rule's text on one line, for explanations.
pub(crate) fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An evaluation's results and working space. Kept between leads (by an
/// [`crate::Evaluator`]) so that evaluating one allocates nothing the lead's own values do
/// not need.
#[derive(Default)]
pub(crate) struct Slots {
    pub(crate) lets: Vec<Value>,
    pub(crate) scores: Vec<f64>,
    pub(crate) personas: Vec<(bool, f64)>,
    pub(crate) grades: Vec<u16>,
    pub(crate) stage: u16,
    /// The furthest stage reached, exclusions left out: an excluded lead keeps it.
    pub(crate) furthest: u16,
    pub(crate) reason: Option<usize>,
    pub(crate) route: Option<u16>,
    pub(crate) slas: Vec<Value>,
    pub(crate) sla_outcomes: Vec<Option<SlaOutcome>>,
    /// The items of the enclosing list queries, innermost last.
    pub(crate) items: Vec<Value>,
    pub(crate) explain: Option<Vec<Step>>,
    /// Where `lower(field)` lower-cases an ASCII text.
    pub(crate) lower: String,
}

/// Gives `v` exactly `n` slots, filled with `x` when it did not have them. Slots left from
/// the last lead are not cleared: definitions run in dependency order, so every slot of a
/// lead is written before anything reads it (and an SLA's slots, never written for a lead,
/// keep `x`).
#[inline]
fn size<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    if v.len() != n {
        v.clear();
        v.resize(n, x);
    }
}

impl<'p> State<'p> {
    /// A state for one lead that writes to `out`, sized for the policy. What `out` holds
    /// from an earlier lead is overwritten, not cleared (see [`size`]).
    pub(crate) fn new(
        policy: &'p Checked,
        lead: &'p [Value],
        now: DateTime<FixedOffset>,
        explain: bool,
        out: &'p mut Slots,
    ) -> Self {
        size(&mut out.lets, policy.lets.len(), Value::Missing);
        size(&mut out.scores, policy.scores.len(), 0.0);
        size(&mut out.personas, policy.personas.len(), (false, 0.0));
        size(&mut out.grades, policy.grades.len(), 0);
        size(&mut out.slas, policy.slas.len(), Value::Missing);
        size(&mut out.sla_outcomes, policy.slas.len(), None);
        out.stage = 0;
        out.furthest = 0;
        out.reason = None;
        out.route = None;
        out.items.clear();
        match (&mut out.explain, explain) {
            (Some(steps), true) => steps.clear(),
            (steps, on) => *steps = on.then(Vec::new),
        }
        State {
            policy,
            lead,
            now,
            out,
            error: None,
            aggregates: None,
            program: None,
            runtime: None,
        }
    }

    /// The same state running the policy's compiled expressions and scripts.
    pub(crate) fn with_code(
        mut self,
        program: Option<&'p Program>,
        runtime: Option<&'p ScriptRuntime>,
    ) -> Self {
        self.program = program;
        self.runtime = runtime;
        self
    }

    /// The policy's compiled expressions.
    fn program(&self) -> Option<&'p Program> {
        self.program
    }

    /// A condition's truth: by its compiled code when there is some, else by walking it.
    fn condition(&mut self, code: Option<&'p Test>, e: &TExpr) -> Truth {
        match code {
            Some(test) => test.get(self),
            None => truth(&self.eval(e)),
        }
    }

    fn step(&mut self, make: impl FnOnce() -> Step) {
        if let Some(steps) = &mut self.out.explain {
            steps.push(make());
        }
    }

    /// Evaluates every definition in dependency order. A panic (a bug) while doing so becomes
    /// this lead's error, so that it costs one lead and not the batch.
    pub(crate) fn run(&mut self) {
        if let Err(message) = guarded(|| self.run_definitions()) {
            self.error = Some(message);
            // A list query may have been left with its item pushed.
            self.out.items.clear();
        }
    }

    fn run_definitions(&mut self) {
        for node in &self.policy.order {
            match *node {
                Node::Let(i) => self.eval_let(i),
                Node::Persona(i) => self.eval_persona(i),
                Node::Score(i) => self.eval_score(i),
                Node::Grade(i) => self.eval_grade(i),
                Node::Stages => self.eval_stages(),
                Node::Route => self.eval_route(),
                Node::Sla(i) => self.eval_sla(i),
            }
        }
    }

    fn eval_let(&mut self, i: usize) {
        let def = &self.policy.lets[i];
        let v = match self.program() {
            Some(code) => code.lets[i].get(self),
            None => self.eval(&def.value),
        };
        if self.out.explain.is_some() {
            let value = value_json(self.policy, &v, &def.value.ty);
            let (name, at) = (def.name.clone(), def.span.location());
            self.step(|| Step::Value { name, value, at });
        }
        self.out.lets[i] = v;
    }

    fn eval_persona(&mut self, i: usize) {
        let def = &self.policy.personas[i];
        let mut held = 0usize;
        for (j, c) in def.conditions.iter().enumerate() {
            let code = self.program().map(|code| &code.personas[i][j]);
            let r = self.condition(code, c);
            if r == Truth::True {
                held += 1;
            }
            if self.out.explain.is_some() {
                let (persona, condition, at) =
                    (def.name.clone(), squash(c.span.text()), c.span.location());
                self.step(|| Step::Persona {
                    persona,
                    condition,
                    result: r,
                    at,
                });
            }
        }
        let n = def.conditions.len();
        let fraction = if n == 0 { 1.0 } else { held as f64 / n as f64 };
        self.out.personas[i] = (held == n, fraction);
    }

    /// A score's rules summed, without recording why: the path of most evaluations, kept
    /// free of everything an explanation needs.
    fn sum_rules(&mut self, rules: &[Rule]) -> f64 {
        rules.iter().filter_map(|rule| rule.points(self)).sum()
    }

    fn eval_score(&mut self, i: usize) {
        let total = match self.program() {
            Some(code) if self.out.explain.is_none() => self.sum_rules(&code.rules[i]),
            _ => self.sum_rules_explained(i),
        };
        self.finish_score(i, total);
    }

    /// A score's rules summed, with a step for each rule that did not fail.
    fn sum_rules_explained(&mut self, i: usize) -> f64 {
        let def = &self.policy.scores[i];
        let mut total = 0.0;
        for (j, rule) in def.rules.iter().enumerate() {
            let code = self.program().map(|code| &code.rules[i][j].code);
            let (points, result) = match &rule.rule {
                RuleDef::When(c) => {
                    let test = match code {
                        Some(RuleCode::When(test)) => Some(test),
                        _ => None,
                    };
                    match self.condition(test, c) {
                        Truth::True => (rule.points, Truth::True),
                        r => (0.0, r),
                    }
                }
                RuleDef::Per(e) => {
                    let amount = match code {
                        Some(RuleCode::Per(n)) => n.get(self).map(N::f),
                        _ => self.eval(e).as_f64(),
                    };
                    match amount {
                        Some(n) => (
                            rule.points * n,
                            if n == 0.0 { Truth::False } else { Truth::True },
                        ),
                        None => (0.0, Truth::Unknown),
                    }
                }
            };
            let (points, capped) = cap(points, rule.max);
            total += points;
            if self.out.explain.is_some() && result != Truth::False {
                let (score, text, at) = (
                    def.name.clone(),
                    squash(rule.span.text()),
                    rule.span.location(),
                );
                self.step(|| Step::Rule {
                    score,
                    rule: text,
                    points,
                    result,
                    capped,
                    at,
                });
            }
        }
        total
    }

    /// Applies a score's decay and clamp to the rules' sum, then rounds and stores it.
    fn finish_score(&mut self, i: usize, mut total: f64) {
        let def = &self.policy.scores[i];
        if let Some((decay, span)) = &def.decay {
            let (since, factor) = match decay {
                DecayDef::Step {
                    percent,
                    every,
                    since,
                } => (since, Some((*percent, *every, true))),
                DecayDef::HalfLife { half_life, since } => (since, Some((0.5, *half_life, false))),
            };
            if let (Value::DateTime(t), Some((p, period, step))) = (self.eval(since), factor) {
                let elapsed = self.now.signed_duration_since(t).num_seconds().max(0) as f64;
                let periods = elapsed / period as f64;
                let f = if step {
                    (1.0 - p).powf(periods.floor())
                } else {
                    0.5f64.powf(periods)
                };
                let before = total;
                total *= f;
                if self.out.explain.is_some() {
                    let (score, at) = (def.name.clone(), span.location());
                    self.step(|| Step::Decay {
                        score,
                        factor: f,
                        before: round2(before),
                        after: round2(total),
                        at,
                    });
                }
            }
        }
        if let Some((lo, hi)) = def.clamp {
            let before = total;
            total = total.clamp(lo, hi);
            if total != before && self.out.explain.is_some() {
                let (score, at) = (def.name.clone(), def.span.location());
                self.step(|| Step::Clamp {
                    score,
                    before: round2(before),
                    after: total,
                    at,
                });
            }
        }
        if !total.is_finite() {
            // Only points past the floats' range get here (1e308 and more): no score could
            // be shown or compared, so the lead is an error rather than a wrong decision.
            let message = format!(
                "score `{}` cannot be computed: its points add up past the largest number (about 1.8e308)",
                def.name
            );
            self.error.get_or_insert(message);
            total = 0.0;
        }
        let total = round2(total) + 0.0; // + 0.0 turns -0.0 into 0.0
        self.out.scores[i] = total;
        if self.out.explain.is_some() {
            let (score, at) = (def.name.clone(), def.span.location());
            self.step(|| Step::Score {
                score,
                value: total,
                at,
            });
        }
    }

    fn eval_grade(&mut self, i: usize) {
        let def = &self.policy.grades[i];
        let s = self.out.scores[def.score];
        let letter = def
            .bands
            .iter()
            .find(|(_, strict, t)| if *strict { s > *t } else { s >= *t })
            .map_or(def.otherwise, |(l, _, _)| *l);
        self.out.grades[i] = letter;
        if self.out.explain.is_some() {
            let score = self.policy.scores[def.score].name.clone();
            let letter = self.policy.enums[def.letters].values[letter as usize].clone();
            let at = def.span.location();
            self.step(|| Step::Grade { score, letter, at });
        }
    }

    /// The last listed stage whose condition holds; an exclusion (`because`) that holds wins
    /// over every other stage.
    fn eval_stages(&mut self) {
        let mut reached = 0usize;
        let mut excluded: Option<usize> = None;
        for (i, s) in self.policy.stages.iter().enumerate() {
            let Some(w) = &s.when else { continue };
            let code = self.program().and_then(|code| code.stages[i].as_ref());
            let r = self.condition(code, w);
            if r == Truth::True {
                if s.because.is_some() {
                    excluded = Some(i);
                } else {
                    reached = i;
                }
            }
            if self.out.explain.is_some() {
                let (stage, condition, at) =
                    (s.name.clone(), squash(w.span.text()), s.span.location());
                self.step(|| Step::Stage {
                    stage,
                    condition,
                    result: r,
                    at,
                });
            }
        }
        self.out.furthest = reached as u16;
        if let Some(e) = excluded {
            reached = e;
            self.out.reason = Some(e);
        }
        self.out.stage = reached as u16;
    }

    /// Whether the lead reached stage `s`: an exclusion only by being in it, any other stage
    /// by having got to it or further before any exclusion.
    pub(crate) fn reached(&self, s: usize) -> bool {
        if self.policy.stages[s].because.is_some() {
            self.out.stage as usize == s
        } else {
            self.out.furthest as usize >= s
        }
    }

    /// When the lead reached stage `s`, by the stage's `at` field; unknown when it did not
    /// reach it or the field is missing.
    pub(crate) fn reached_at(&mut self, s: usize) -> Value {
        match &self.policy.stages[s].at {
            Some(at) if self.reached(s) => self.eval(at),
            _ => Value::Missing,
        }
    }

    fn eval_route(&mut self) {
        for (i, r) in self.policy.routes.iter().enumerate() {
            let result = match &r.when {
                Some(w) => {
                    let code = self.program().and_then(|code| code.routes[i].as_ref());
                    self.condition(code, w)
                }
                None => Truth::True,
            };
            if self.out.explain.is_some() {
                let condition = r
                    .when
                    .as_ref()
                    .map_or("otherwise".to_string(), |w| squash(w.span.text()));
                let (route, at) = (r.name.clone(), r.span.location());
                self.step(|| Step::Route {
                    route,
                    condition,
                    result,
                    at,
                });
            }
            if result == Truth::True {
                self.out.route = Some(r.value);
                return;
            }
        }
    }

    /// A script function call; a failure is an error for the lead (the first one is kept).
    pub(crate) fn call_script(&mut self, i: usize, args: &[Value]) -> Value {
        let Some(runtime) = self.runtime else {
            return Value::Missing;
        };
        match runtime.call(self.policy, i, args) {
            Ok(v) => v,
            Err(e) => {
                self.error.get_or_insert(e);
                Value::Missing
            }
        }
    }
}

/// A value as JSON, with enum values by name.
pub fn value_json(p: &Checked, v: &Value, ty: &Ty) -> serde_json::Value {
    serde_json::to_value(JsonValue(p, v, ty)).unwrap_or(serde_json::Value::Null)
}

/// A value serialized as decisions show it: enum values by name, dates and datetimes as
/// RFC 3339 text, durations as `2h 30m`, record fields by name in name order.
pub(crate) struct JsonValue<'a>(pub &'a Checked, pub &'a Value, pub &'a Ty);

impl serde::Serialize for JsonValue<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let JsonValue(p, v, ty) = *self;
        match (v, ty) {
            (Value::Missing, _) => s.serialize_unit(),
            (Value::Bool(b), _) => s.serialize_bool(*b),
            (Value::Int(i), _) => s.serialize_i64(*i),
            (Value::Number(n), _) if n.is_finite() => s.serialize_f64(*n),
            (Value::Number(_), _) => s.serialize_unit(),
            (Value::Text(t), _) => s.serialize_str(t),
            (Value::Date(d), _) => s.collect_str(d),
            (Value::DateTime(d), _) => s.serialize_str(&d.to_rfc3339()),
            (Value::Duration(secs), _) => s.serialize_str(&format_duration(*secs)),
            (Value::Enum(i), Ty::Enum(e)) => match p.enums[*e].values.get(*i as usize) {
                Some(name) => s.serialize_str(name),
                None => s.serialize_unit(),
            },
            (Value::Enum(i), _) => s.serialize_u16(*i),
            (Value::List(items), ty) => {
                let inner = match ty {
                    Ty::List(t) => t,
                    _ => &Ty::Error,
                };
                s.collect_seq(items.iter().map(|i| JsonValue(p, i, inner)))
            }
            (Value::Record(values), Ty::Record(r)) => {
                let fields = &p.records[*r].fields;
                let mut order: Vec<usize> = (0..fields.len().min(values.len())).collect();
                order.sort_by(|a, b| fields[*a].name.cmp(&fields[*b].name));
                let mut map = s.serialize_map(Some(order.len()))?;
                for i in order {
                    map.serialize_entry(&fields[i].name, &JsonValue(p, &values[i], &fields[i].ty))?;
                }
                map.end()
            }
            (Value::Record(_), _) => s.serialize_unit(),
        }
    }
}

/// Seconds in hours and minutes, for business time: `76h`, `2h 30m`, `0s` for none.
pub fn format_hours(secs: i64) -> String {
    let (h, rest) = (secs / 3600, secs % 3600);
    match (h, rest) {
        (0, _) => format_duration(rest),
        (h, 0) => format!("{h}h"),
        (h, r) => format!("{h}h {}", format_duration(r)),
    }
}

/// Seconds as the language writes durations: `2d 4h 30m`, `0s` for none.
pub fn format_duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let sign = if secs < 0 { "-" } else { "" };
    let mut left = secs.unsigned_abs();
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
        if left >= size {
            parts.push(format!("{}{unit}", left / size));
            left %= size;
        }
    }
    format!("{sign}{}", parts.join(" "))
}
