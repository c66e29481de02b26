//! Evaluating many leads fast: an [`Evaluator`] keeps its working space from one lead to the
//! next, and an [`Evaluation`] reads the results where they were computed. Nothing is copied
//! into a [`Decision`] unless asked for, and an evaluation writes the same JSON a
//! decision does.

use crate::checked::Checked;
use crate::compile::CompiledPolicy;
use crate::decision::{Decision, Named, PersonaResult, PolicyStamp};
use crate::decode::{key_text, Lead, LeadError};
use crate::eval::{round2, JsonValue, Slots, State};
use crate::value::Value;
use chrono::{DateTime, FixedOffset};
use std::sync::OnceLock;

/// Options for evaluating a lead.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalOptions {
    /// Attach the explanation: every rule that fired or was skipped, with its source location.
    pub explain: bool,
    /// Report input fields that the schema does not have (they are ignored otherwise).
    pub strict: bool,
}

/// Evaluates leads one after another, reusing its working space. One per thread: it is cheap
/// to make ([`crate::Policy::evaluator`]) and not shared.
///
/// ```
/// use funnel_engine::{EvalOptions, Policy};
/// use funnel_grammar::SourceFile;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", r#"
/// policy "demo" version 1
/// schema lead {
///   id: text key
///   size: int
/// }
/// score fit {
///   +30 when size >= 50
/// }
/// stages {
///   lead
///   mql when fit >= 30
/// }
/// "#)]).unwrap();
/// let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap();
/// let options = EvalOptions::default();
/// let mut evaluator = policy.evaluator(options);
/// let mut mqls = Vec::new();
/// for json in [r#"{"id": "a", "size": 80}"#, r#"{"id": "b", "size": 5}"#] {
///     let lead = policy.decode_json(json.as_bytes(), &options).unwrap();
///     let e = evaluator.evaluate(&lead, at, None).unwrap();
///     if e.stage() == "mql" {
///         mqls.push((e.key().unwrap().to_string(), e.score("fit").unwrap()));
///     }
/// }
/// assert_eq!(mqls, [("a".to_string(), 30.0)]);
/// ```
pub struct Evaluator<'p> {
    policy: &'p CompiledPolicy,
    options: EvalOptions,
    slots: Slots,
    /// The last evaluation instant, its RFC 3339 text and the JSON pieces that hold it: a
    /// batch has one instant, so they are made once rather than once per lead.
    at: Option<(DateTime<FixedOffset>, String, OnceLock<JsonParts>)>,
}

impl<'p> Evaluator<'p> {
    pub(crate) fn new(policy: &'p CompiledPolicy, options: EvalOptions) -> Self {
        Evaluator {
            policy,
            options,
            slots: Slots::default(),
            at: None,
        }
    }

    /// Evaluates a decoded lead at an instant. `record` names the lead when the schema has no
    /// key. The error is a script that failed for this lead.
    pub fn evaluate<'e>(
        &'e mut self,
        lead: &'e Lead,
        at: DateTime<FixedOffset>,
        record: Option<u64>,
    ) -> Result<Evaluation<'e>, LeadError> {
        let p = &self.policy.checked;
        if !matches!(&self.at, Some((t, ..)) if *t == at) {
            // The JSON parts are made on the first `write_json`: callers that only want a
            // `Decision` never pay for them.
            self.at = Some((at, at.to_rfc3339(), OnceLock::new()));
        }
        let explain = self.options.explain;
        let mut state = self
            .policy
            .state(&lead.values, at, explain, &mut self.slots);
        state.run();
        if let Some(message) = state.error.take() {
            let mut e = LeadError::new(message);
            e.record = record;
            e.lead = lead.key(p);
            return Err(e);
        }
        let (_, at, json) = self.at.as_ref().expect("set above");
        Ok(Evaluation {
            state,
            stamp: &self.policy.stamp,
            at,
            json,
            record,
        })
    }
}

/// One lead's results, read where its [`Evaluator`] keeps them; [`Evaluation::to_decision`]
/// makes an owned copy.
pub struct Evaluation<'e> {
    state: State<'e>,
    stamp: &'e PolicyStamp,
    at: &'e str,
    json: &'e OnceLock<JsonParts>,
    record: Option<u64>,
}

impl<'e> Evaluation<'e> {
    fn policy(&self) -> &'e Checked {
        self.state.policy
    }

    /// The checked policy, for the outputs built outside this module (Arrow columns).
    #[cfg(feature = "arrow")]
    pub(crate) fn checked(&self) -> &'e Checked {
        self.state.policy
    }

    /// The results where they were computed.
    #[cfg(feature = "arrow")]
    pub(crate) fn slots(&self) -> &crate::eval::Slots {
        self.state.out
    }

    /// The lead's key, when the schema has a text key (read in place; a decision names a
    /// lead by an int key too).
    pub fn key(&self) -> Option<&str> {
        match &self.state.lead[self.policy().key?] {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// What names the lead in its decision: the key, else the record number.
    pub(crate) fn lead_name(&self) -> String {
        key_text(self.policy(), self.state.lead)
            .or_else(|| self.record.map(|r| r.to_string()))
            .unwrap_or_default()
    }

    /// The stage reached.
    pub fn stage(&self) -> &'e str {
        self.policy()
            .stages
            .get(self.state.out.stage as usize)
            .map_or("", |s| s.name.as_str())
    }

    /// The furthest stage the lead reached, exclusions left out: for a lead in an exclusion,
    /// the stage it had got to; otherwise its stage.
    pub fn reached(&self) -> &'e str {
        self.policy()
            .stages
            .get(self.state.out.furthest as usize)
            .map_or("", |s| s.name.as_str())
    }

    /// The stage's position in the `stages` block.
    pub(crate) fn stage_index(&self) -> usize {
        self.state.out.stage as usize
    }

    /// Why, when the stage is an exclusion (`because`).
    pub fn reason(&self) -> Option<&'e str> {
        let p = self.policy();
        self.state
            .out
            .reason
            .and_then(|i| p.stages[i].because.as_deref())
    }

    /// The route taken (none when the policy has no route or no branch held).
    pub fn route(&self) -> Option<&'e str> {
        let p = self.policy();
        self.state
            .out
            .route
            .map(|r| p.enums[p.route_enum].values[r as usize].as_str())
    }

    /// A score's value, to two decimals.
    pub fn score(&self, name: &str) -> Option<f64> {
        let i = self.policy().scores.iter().position(|s| s.name == name)?;
        Some(self.state.out.scores[i])
    }

    /// The letter a score's grade gives.
    pub fn grade(&self, score: &str) -> Option<&'e str> {
        let p = self.policy();
        let i = p
            .grades
            .iter()
            .position(|g| p.scores[g.score].name == score)?;
        Some(self.letter(i))
    }

    pub(crate) fn letter(&self, grade: usize) -> &'e str {
        let p = self.policy();
        let g = &p.grades[grade];
        &p.enums[g.letters].values[self.state.out.grades[grade] as usize]
    }

    /// A persona's result.
    pub fn persona(&self, name: &str) -> Option<PersonaResult> {
        let i = self.policy().personas.iter().position(|x| x.name == name)?;
        Some(self.persona_at(i))
    }

    pub(crate) fn persona_at(&self, i: usize) -> PersonaResult {
        let (matched, fraction) = self.state.out.personas[i];
        PersonaResult {
            matched,
            fraction: round2(fraction),
        }
    }

    /// An owned copy of everything, as one [`Decision`].
    pub fn to_decision(&self) -> Decision {
        let p = self.policy();
        let s = &self.state;
        Decision {
            lead: self.lead_name(),
            policy: self.stamp.clone(),
            at: self.at.to_string(),
            personas: Named(
                (0..p.personas.len())
                    .map(|i| (p.personas[i].name.clone(), self.persona_at(i)))
                    .collect(),
            ),
            scores: Named(
                p.scores
                    .iter()
                    .zip(&s.out.scores)
                    .map(|(d, v)| (d.name.clone(), *v))
                    .collect(),
            ),
            grades: Named(
                (0..p.grades.len())
                    .map(|i| {
                        let score = &p.scores[p.grades[i].score].name;
                        (score.clone(), self.letter(i).to_string())
                    })
                    .collect(),
            ),
            values: Named(
                p.lets
                    .iter()
                    .zip(&s.out.lets)
                    .map(|(d, v)| (d.name.clone(), crate::value_json(p, v, &d.value.ty)))
                    .collect(),
            ),
            stage: self.stage().to_string(),
            reached: self.reached().to_string(),
            reason: self.reason().map(str::to_string),
            route: self.route().map(str::to_string),
            sla: Named(
                p.slas
                    .iter()
                    .zip(&s.out.sla_outcomes)
                    .filter_map(|(d, o)| o.clone().map(|o| (d.name.clone(), o)))
                    .collect(),
            ),
            explain: s.out.explain.clone(),
        }
    }
}

/// The parts of a decision's JSON that are the same for every lead of a policy and instant,
/// escaped once: everything between the lead and the personas, and each name as an object
/// key.
struct JsonParts {
    /// `,"policy":{...},"at":"...","personas":{`
    after_lead: Vec<u8>,
    personas: Vec<Vec<u8>>,
    scores: Vec<Vec<u8>>,
    /// Keyed by the graded score's name.
    grades: Vec<Vec<u8>>,
    lets: Vec<Vec<u8>>,
    slas: Vec<Vec<u8>>,
    /// Each stage's name as a JSON string.
    stages: Vec<Vec<u8>>,
    /// Each grade's letters as JSON strings.
    letters: Vec<Vec<Vec<u8>>>,
    /// The route enum's values as JSON strings.
    routes: Vec<Vec<u8>>,
}

fn json_string(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).expect("a string serializes")
}

/// `"name":`
fn json_key(name: &str) -> Vec<u8> {
    let mut key = json_string(name);
    key.push(b':');
    key
}

impl JsonParts {
    fn new(p: &Checked, stamp: &PolicyStamp, at: &str) -> JsonParts {
        let mut after_lead = b",\"policy\":".to_vec();
        serde_json::to_writer(&mut after_lead, stamp).expect("the stamp serializes");
        after_lead.extend_from_slice(b",\"at\":");
        after_lead.extend(json_string(at));
        after_lead.extend_from_slice(b",\"personas\":{");
        JsonParts {
            after_lead,
            personas: p.personas.iter().map(|x| json_key(&x.name)).collect(),
            scores: p.scores.iter().map(|x| json_key(&x.name)).collect(),
            grades: p
                .grades
                .iter()
                .map(|g| json_key(&p.scores[g.score].name))
                .collect(),
            lets: p.lets.iter().map(|x| json_key(&x.name)).collect(),
            slas: p.slas.iter().map(|x| json_key(&x.name)).collect(),
            stages: p.stages.iter().map(|x| json_string(&x.name)).collect(),
            letters: p
                .grades
                .iter()
                .map(|g| {
                    p.enums[g.letters]
                        .values
                        .iter()
                        .map(|l| json_string(l))
                        .collect()
                })
                .collect(),
            routes: p.enums[p.route_enum]
                .values
                .iter()
                .map(|r| json_string(r))
                .collect(),
        }
    }
}

impl Evaluation<'_> {
    /// Appends the evaluation's JSON to `out`: the same bytes `serde_json` writes for its
    /// [`Decision`], without building one. The parts that are the same for every lead are
    /// written as they were escaped once.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let p = self.policy();
        let s = &self.state;
        let json = self
            .json
            .get_or_init(|| JsonParts::new(p, self.stamp, self.at));
        out.extend_from_slice(b"{\"lead\":");
        match self.key() {
            Some(key) => value(out, &key),
            None => value(out, &self.lead_name()),
        }
        out.extend_from_slice(&json.after_lead);
        for i in 0..p.personas.len() {
            comma(out, i);
            out.extend_from_slice(&json.personas[i]);
            value(out, &self.persona_at(i));
        }
        out.extend_from_slice(b"},\"scores\":{");
        for (i, score) in s.out.scores.iter().enumerate() {
            comma(out, i);
            out.extend_from_slice(&json.scores[i]);
            score_json(out, *score);
        }
        out.extend_from_slice(b"},\"grades\":{");
        for i in 0..p.grades.len() {
            comma(out, i);
            out.extend_from_slice(&json.grades[i]);
            out.extend_from_slice(&json.letters[i][s.out.grades[i] as usize]);
        }
        out.extend_from_slice(b"},\"values\":{");
        for (i, d) in p.lets.iter().enumerate() {
            comma(out, i);
            out.extend_from_slice(&json.lets[i]);
            match &s.out.lets[i] {
                Value::Bool(true) => out.extend_from_slice(b"true"),
                Value::Bool(false) => out.extend_from_slice(b"false"),
                Value::Missing => out.extend_from_slice(b"null"),
                v => value(out, &JsonValue(p, v, &d.value.ty)),
            }
        }
        out.extend_from_slice(b"},\"stage\":");
        match json.stages.get(s.out.stage as usize) {
            Some(stage) => out.extend_from_slice(stage),
            None => out.extend_from_slice(b"\"\""),
        }
        out.extend_from_slice(b",\"reached\":");
        match json.stages.get(s.out.furthest as usize) {
            Some(stage) => out.extend_from_slice(stage),
            None => out.extend_from_slice(b"\"\""),
        }
        if let Some(reason) = self.reason() {
            out.extend_from_slice(b",\"reason\":");
            value(out, &reason);
        }
        out.extend_from_slice(b",\"route\":");
        match s.out.route {
            Some(r) => out.extend_from_slice(&json.routes[r as usize]),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"sla\":{");
        let outcomes = s.out.sla_outcomes.iter().enumerate();
        for (n, (i, o)) in outcomes
            .filter_map(|(i, o)| Some((i, o.as_ref()?)))
            .enumerate()
        {
            comma(out, n);
            out.extend_from_slice(&json.slas[i]);
            value(out, o);
        }
        out.push(b'}');
        if let Some(steps) = &s.out.explain {
            out.extend_from_slice(b",\"explain\":");
            value(out, steps);
        }
        out.push(b'}');
    }
}

fn comma(out: &mut Vec<u8>, i: usize) {
    if i > 0 {
        out.push(b',');
    }
}

/// A score as `serde_json` writes an `f64`. Scores are rounded to two decimals and never
/// `-0.0`, so a whole one is written as its digits and `.0` (what `serde_json` writes below
/// 1e16) without the float formatter.
fn score_json(out: &mut Vec<u8>, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 && !(x == 0.0 && x.is_sign_negative()) {
        out.extend_from_slice(itoa::Buffer::new().format(x as i64).as_bytes());
        out.extend_from_slice(b".0");
    } else {
        value(out, &x);
    }
}

/// One JSON value, written by `serde_json`.
fn value<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    serde_json::to_writer(out, v).expect("decision values serialize to JSON");
}

#[cfg(test)]
mod tests {
    use super::score_json;

    #[test]
    fn scores_are_written_as_serde_json_writes_them() {
        let cases = [
            0.0,
            -0.0,
            1.0,
            -60.0,
            24.0,
            0.5,
            -0.25,
            75.33,
            1e14,
            999_999_999_999_999.0,
            1e15,
            -1e15,
            1e16,
            1.5e300,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for x in cases {
            let mut ours = Vec::new();
            score_json(&mut ours, x);
            let theirs = serde_json::to_vec(&x).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "{x}"
            );
        }
    }
}
