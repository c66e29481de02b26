//! Evaluating a checked policy against one decoded lead.
//!
//! Definitions run in dependency order; each result lands in a slot the later ones read, so
//! nothing is computed twice and no name is looked up.

pub(crate) mod expr;
mod sla;

use crate::decision::*;
use crate::ir::*;
use crate::value::Value;
use chrono::{DateTime, FixedOffset};

/// The state of one lead's evaluation.
pub(crate) struct State<'p> {
    pub(crate) policy: &'p Checked,
    pub(crate) lead: &'p [Value],
    pub(crate) now: DateTime<FixedOffset>,
    pub(crate) lets: Vec<Value>,
    pub(crate) scores: Vec<f64>,
    pub(crate) personas: Vec<(bool, f64)>,
    pub(crate) grades: Vec<u16>,
    pub(crate) stage: u16,
    pub(crate) reason: Option<usize>,
    pub(crate) route: Option<u16>,
    pub(crate) slas: Vec<Value>,
    pub(crate) sla_outcomes: Vec<Option<SlaOutcome>>,
    /// The items of the enclosing list queries, innermost last.
    pub(crate) items: Vec<Value>,
    pub(crate) explain: Option<Vec<Step>>,
    /// The first error that stopped a value from being computed (a failing script).
    pub(crate) error: Option<String>,
    /// A metric's aggregates over a period's leads, by the aggregate's source position
    /// (only while a report computes a metric's value).
    pub(crate) aggregates: Option<std::collections::HashMap<usize, Value>>,
}

fn truth(v: &Value) -> Truth {
    match v {
        Value::Bool(true) => Truth::True,
        Value::Bool(false) => Truth::False,
        _ => Truth::Unknown,
    }
}

/// Rounds a score to the two decimals decisions show, so what is compared is what is shown.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The rule's text on one line, for explanations.
pub(crate) fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'p> State<'p> {
    pub(crate) fn new(
        policy: &'p Checked,
        lead: &'p [Value],
        now: DateTime<FixedOffset>,
        explain: bool,
    ) -> Self {
        State {
            policy,
            lead,
            now,
            lets: vec![Value::Missing; policy.lets.len()],
            scores: vec![0.0; policy.scores.len()],
            personas: vec![(false, 0.0); policy.personas.len()],
            grades: vec![0; policy.grades.len()],
            stage: 0,
            reason: None,
            route: None,
            slas: vec![Value::Missing; policy.slas.len()],
            sla_outcomes: vec![None; policy.slas.len()],
            items: Vec::new(),
            explain: explain.then(Vec::new),
            error: None,
            aggregates: None,
        }
    }

    fn step(&mut self, make: impl FnOnce() -> Step) {
        if let Some(steps) = &mut self.explain {
            steps.push(make());
        }
    }

    /// Evaluates every definition in dependency order.
    pub(crate) fn run(&mut self) {
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
        let v = self.eval(&def.value);
        if self.explain.is_some() {
            let value = value_json(self.policy, &v, &def.value.ty);
            let (name, at) = (def.name.clone(), def.span.location());
            self.step(|| Step::Value { name, value, at });
        }
        self.lets[i] = v;
    }

    fn eval_persona(&mut self, i: usize) {
        let def = &self.policy.personas[i];
        let mut held = 0usize;
        for c in &def.conditions {
            let r = self.eval(c);
            if r == Value::Bool(true) {
                held += 1;
            }
            if self.explain.is_some() {
                let (persona, condition, at) =
                    (def.name.clone(), squash(c.span.text()), c.span.location());
                self.step(|| Step::Persona {
                    persona,
                    condition,
                    result: truth(&r),
                    at,
                });
            }
        }
        let n = def.conditions.len();
        let fraction = if n == 0 { 1.0 } else { held as f64 / n as f64 };
        self.personas[i] = (held == n, fraction);
    }

    fn eval_score(&mut self, i: usize) {
        let def = &self.policy.scores[i];
        let mut total = 0.0;
        for rule in &def.rules {
            let (points, result) = match &rule.rule {
                RuleDef::When(c) => match self.eval(c) {
                    Value::Bool(true) => (rule.points, Truth::True),
                    Value::Bool(false) => (0.0, Truth::False),
                    _ => (0.0, Truth::Unknown),
                },
                RuleDef::Per(e) => match self.eval(e).as_f64() {
                    Some(n) => (
                        rule.points * n,
                        if n == 0.0 { Truth::False } else { Truth::True },
                    ),
                    None => (0.0, Truth::Unknown),
                },
            };
            let capped = rule.max.is_some_and(|m| points.abs() > m);
            let points = match rule.max {
                Some(m) if capped => m.copysign(points),
                _ => points,
            };
            total += points;
            if self.explain.is_some() && result != Truth::False {
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
                if self.explain.is_some() {
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
            if total != before && self.explain.is_some() {
                let (score, at) = (def.name.clone(), def.span.location());
                self.step(|| Step::Clamp {
                    score,
                    before: round2(before),
                    after: total,
                    at,
                });
            }
        }
        let total = round2(total) + 0.0; // + 0.0 turns -0.0 into 0.0
        self.scores[i] = total;
        if self.explain.is_some() {
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
        let s = self.scores[def.score];
        let letter = def
            .bands
            .iter()
            .find(|(_, strict, t)| if *strict { s > *t } else { s >= *t })
            .map_or(def.otherwise, |(l, _, _)| *l);
        self.grades[i] = letter;
        if self.explain.is_some() {
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
            let r = self.eval(w);
            if r == Value::Bool(true) {
                if s.because.is_some() {
                    excluded = Some(i);
                } else {
                    reached = i;
                }
            }
            if self.explain.is_some() {
                let (stage, condition, at) =
                    (s.name.clone(), squash(w.span.text()), s.span.location());
                self.step(|| Step::Stage {
                    stage,
                    condition,
                    result: truth(&r),
                    at,
                });
            }
        }
        if let Some(e) = excluded {
            reached = e;
            self.reason = Some(e);
        }
        self.stage = reached as u16;
    }

    fn eval_route(&mut self) {
        for r in &self.policy.routes {
            let result = match &r.when {
                Some(w) => self.eval(w),
                None => Value::Bool(true),
            };
            if self.explain.is_some() {
                let condition = r
                    .when
                    .as_ref()
                    .map_or("otherwise".to_string(), |w| squash(w.span.text()));
                let (route, at) = (r.name.clone(), r.span.location());
                self.step(|| Step::Route {
                    route,
                    condition,
                    result: truth(&result),
                    at,
                });
            }
            if result == Value::Bool(true) {
                self.route = Some(r.value);
                return;
            }
        }
    }

    /// A script function call; a failure is an error for the lead (the first one is kept).
    pub(crate) fn call_script(&mut self, i: usize, args: &[Value]) -> Value {
        let Some(runtime) = &self.policy.runtime else {
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

    /// Builds the decision from the computed slots.
    pub(crate) fn decision(self, lead: String, stamp: PolicyStamp) -> Decision {
        let p = self.policy;
        Decision {
            lead,
            policy: stamp,
            at: self.now.to_rfc3339(),
            personas: Named(
                p.personas
                    .iter()
                    .zip(&self.personas)
                    .map(|(d, (m, f))| {
                        (
                            d.name.clone(),
                            PersonaResult {
                                matched: *m,
                                fraction: round2(*f),
                            },
                        )
                    })
                    .collect(),
            ),
            scores: Named(
                p.scores
                    .iter()
                    .zip(&self.scores)
                    .map(|(d, s)| (d.name.clone(), *s))
                    .collect(),
            ),
            grades: Named(
                p.grades
                    .iter()
                    .zip(&self.grades)
                    .map(|(g, l)| {
                        (
                            p.scores[g.score].name.clone(),
                            p.enums[g.letters].values[*l as usize].clone(),
                        )
                    })
                    .collect(),
            ),
            values: Named(
                p.lets
                    .iter()
                    .zip(&self.lets)
                    .map(|(d, v)| (d.name.clone(), value_json(p, v, &d.value.ty)))
                    .collect(),
            ),
            stage: p
                .stages
                .get(self.stage as usize)
                .map_or_else(String::new, |s| s.name.clone()),
            reason: self.reason.and_then(|i| p.stages[i].because.clone()),
            route: self
                .route
                .map(|r| p.enums[p.route_enum].values[r as usize].clone()),
            sla: Named(
                p.slas
                    .iter()
                    .zip(self.sla_outcomes)
                    .filter_map(|(d, o)| o.map(|o| (d.name.clone(), o)))
                    .collect(),
            ),
            explain: self.explain,
        }
    }
}

/// A value as JSON, with enum values by name.
pub fn value_json(p: &Checked, v: &Value, ty: &Ty) -> serde_json::Value {
    use serde_json::Value as J;
    match (v, ty) {
        (Value::Missing, _) => J::Null,
        (Value::Bool(b), _) => J::Bool(*b),
        (Value::Int(i), _) => J::from(*i),
        (Value::Number(n), _) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
        (Value::Text(t), _) => J::String(t.to_string()),
        (Value::Date(d), _) => J::String(d.to_string()),
        (Value::DateTime(d), _) => J::String(d.to_rfc3339()),
        (Value::Duration(s), _) => J::String(format_duration(*s)),
        (Value::Enum(i), Ty::Enum(e)) => p.enums[*e]
            .values
            .get(*i as usize)
            .map_or(J::Null, |s| J::String(s.clone())),
        (Value::Enum(i), _) => J::from(*i),
        (Value::List(items), Ty::List(t)) => {
            J::Array(items.iter().map(|i| value_json(p, i, t)).collect())
        }
        (Value::List(items), _) => {
            J::Array(items.iter().map(|i| value_json(p, i, &Ty::Error)).collect())
        }
        (Value::Record(fields), Ty::Record(r)) => J::Object(
            p.records[*r]
                .fields
                .iter()
                .zip(fields.iter())
                .map(|(f, v)| (f.name.clone(), value_json(p, v, &f.ty)))
                .collect(),
        ),
        (Value::Record(_), _) => J::Null,
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
