//! Evaluating many leads fast: an [`Evaluator`] keeps its working space from one lead to the
//! next, and an [`Evaluation`] reads the results where they were computed. Nothing is copied
//! into a [`Decision`] unless asked for, and an evaluation serializes to the same JSON a
//! decision does.

use crate::decision::{Decision, Named, PersonaResult, PolicyStamp};
use crate::decode::{Lead, LeadError};
use crate::eval::{round2, JsonValue, Slots, State};
use crate::ir::Checked;
use crate::policy::{EvalOptions, Policy};
use crate::value::Value;
use chrono::{DateTime, FixedOffset};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

/// Evaluates leads one after another, reusing its working space. One per thread: it is cheap
/// to make ([`Policy::evaluator`]) and not shared.
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
    policy: &'p Policy,
    options: EvalOptions,
    slots: Slots,
    /// The last evaluation instant and its RFC 3339 text: a batch has one instant, so it is
    /// written once rather than once per lead.
    at: Option<(DateTime<FixedOffset>, String)>,
}

impl<'p> Evaluator<'p> {
    pub(crate) fn new(policy: &'p Policy, options: EvalOptions) -> Self {
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
        let p = self.policy.checked();
        if !matches!(&self.at, Some((t, _)) if *t == at) {
            self.at = Some((at, at.to_rfc3339()));
        }
        let slots = std::mem::take(&mut self.slots);
        let mut state = State::reuse(p, &lead.values, at, self.options.explain, slots);
        state.run();
        if let Some(message) = state.error.take() {
            self.slots = state.take_slots();
            let mut e = LeadError::new(message);
            e.record = record;
            e.lead = lead.key(p);
            return Err(e);
        }
        Ok(Evaluation {
            state,
            home: &mut self.slots,
            stamp: self.policy.stamp(),
            at: self.at.as_ref().map_or("", |(_, text)| text.as_str()),
            record,
        })
    }
}

/// One lead's results, read in place. Dropping it hands the working space back to its
/// [`Evaluator`]; [`Evaluation::to_decision`] makes an owned copy.
pub struct Evaluation<'e> {
    state: State<'e>,
    home: &'e mut Slots,
    stamp: &'e PolicyStamp,
    at: &'e str,
    record: Option<u64>,
}

impl Drop for Evaluation<'_> {
    fn drop(&mut self) {
        *self.home = self.state.take_slots();
    }
}

impl<'e> Evaluation<'e> {
    fn policy(&self) -> &'e Checked {
        self.state.policy
    }

    /// The lead's key, when the schema has one.
    pub fn key(&self) -> Option<&str> {
        match &self.state.lead[self.policy().key?] {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// What names the lead in its decision: the key, else the record number.
    fn lead_name(&self) -> String {
        let p = self.policy();
        match p.key.map(|k| &self.state.lead[k]) {
            Some(Value::Text(t)) => t.to_string(),
            Some(Value::Int(i)) => i.to_string(),
            _ => self.record.map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    /// The stage reached.
    pub fn stage(&self) -> &'e str {
        self.policy()
            .stages
            .get(self.state.stage as usize)
            .map_or("", |s| s.name.as_str())
    }

    /// The stage's position in the `stages` block.
    pub(crate) fn stage_index(&self) -> usize {
        self.state.stage as usize
    }

    /// Why, when the stage is an exclusion (`because`).
    pub fn reason(&self) -> Option<&'e str> {
        let p = self.policy();
        self.state
            .reason
            .and_then(|i| p.stages[i].because.as_deref())
    }

    /// The route taken (none when the policy has no route or no branch held).
    pub fn route(&self) -> Option<&'e str> {
        let p = self.policy();
        self.state
            .route
            .map(|r| p.enums[p.route_enum].values[r as usize].as_str())
    }

    /// A score's value, to two decimals.
    pub fn score(&self, name: &str) -> Option<f64> {
        let i = self.policy().scores.iter().position(|s| s.name == name)?;
        Some(self.state.scores[i])
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

    fn letter(&self, grade: usize) -> &'e str {
        let p = self.policy();
        let g = &p.grades[grade];
        &p.enums[g.letters].values[self.state.grades[grade] as usize]
    }

    /// A persona's result.
    pub fn persona(&self, name: &str) -> Option<PersonaResult> {
        let i = self.policy().personas.iter().position(|x| x.name == name)?;
        Some(self.persona_at(i))
    }

    fn persona_at(&self, i: usize) -> PersonaResult {
        let (matched, fraction) = self.state.personas[i];
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
                    .zip(&s.scores)
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
                    .zip(&s.lets)
                    .map(|(d, v)| (d.name.clone(), crate::value_json(p, v, &d.value.ty)))
                    .collect(),
            ),
            stage: self.stage().to_string(),
            reason: self.reason().map(str::to_string),
            route: self.route().map(str::to_string),
            sla: Named(
                p.slas
                    .iter()
                    .zip(&s.sla_outcomes)
                    .filter_map(|(d, o)| o.clone().map(|o| (d.name.clone(), o)))
                    .collect(),
            ),
            explain: s.explain.clone(),
        }
    }
}

/// The same JSON as the evaluation's [`Decision`], written straight from the results.
impl Serialize for Evaluation<'_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let p = self.policy();
        let s = &self.state;
        let reason = self.reason();
        let fields = 10 + usize::from(reason.is_some()) + usize::from(s.explain.is_some());
        let mut out = ser.serialize_struct("Decision", fields)?;
        match self.key() {
            Some(key) => out.serialize_field("lead", key)?,
            None => out.serialize_field("lead", &self.lead_name())?,
        }
        out.serialize_field("policy", self.stamp)?;
        out.serialize_field("at", self.at)?;
        out.serialize_field(
            "personas",
            &Map(p.personas.len(), |i: usize| {
                (&p.personas[i].name, self.persona_at(i))
            }),
        )?;
        out.serialize_field(
            "scores",
            &Map(p.scores.len(), |i: usize| (&p.scores[i].name, s.scores[i])),
        )?;
        out.serialize_field(
            "grades",
            &Map(p.grades.len(), |i: usize| {
                (&p.scores[p.grades[i].score].name, self.letter(i))
            }),
        )?;
        out.serialize_field(
            "values",
            &Map(p.lets.len(), |i: usize| {
                let d = &p.lets[i];
                (&d.name, JsonValue(p, &s.lets[i], &d.value.ty))
            }),
        )?;
        out.serialize_field("stage", self.stage())?;
        if let Some(reason) = reason {
            out.serialize_field("reason", reason)?;
        }
        out.serialize_field("route", &self.route())?;
        let slas: Vec<(&String, &crate::decision::SlaOutcome)> = p
            .slas
            .iter()
            .zip(&s.sla_outcomes)
            .filter_map(|(d, o)| o.as_ref().map(|o| (&d.name, o)))
            .collect();
        out.serialize_field("sla", &Map(slas.len(), |i: usize| slas[i]))?;
        if let Some(steps) = &s.explain {
            out.serialize_field("explain", steps)?;
        }
        out.end()
    }
}

/// A JSON object of `len` entries made on the fly by `entry`.
struct Map<F>(usize, F);

impl<K: Serialize, V: Serialize, F: Fn(usize) -> (K, V)> Serialize for Map<F> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(Some(self.0))?;
        for i in 0..self.0 {
            let (k, v) = (self.1)(i);
            map.serialize_entry(&k, &v)?;
        }
        map.end()
    }
}
