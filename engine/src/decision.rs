//! The decision for one lead: what the policy says about it, and why.

use serde::{Serialize, Serializer};

/// Named results in the order the policy defines them (serialized as a JSON object).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T> Named<T> {
    /// The result for a name.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The names and results, in definition order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v))
    }
}

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Which policy made a decision: name, version and a digest of its sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyStamp {
    /// The `policy` header's name.
    pub name: String,
    /// The header's version.
    pub version: u64,
    /// `sha256:` of the sources, independent of file order and location.
    pub digest: String,
}

/// A persona's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonaResult {
    /// Every condition holds.
    pub matched: bool,
    /// The share of conditions that hold (0 to 1).
    #[serde(rename = "match")]
    pub fraction: f64,
}

/// A per-lead SLA's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Met at or before the deadline.
    Met,
    /// Met after the deadline.
    MetLate,
    /// Not met, and the deadline has passed.
    Breached,
    /// Not met, past the warning point.
    Warning,
    /// Not met, before the warning point.
    Pending,
    /// The SLA does not apply, or its start is unknown.
    NotApplicable,
}

impl SlaState {
    /// Every state, in the order of their names in `checked::SLA_STATES` (an SLA record holds
    /// the index).
    pub(crate) const ALL: [SlaState; 6] = [
        SlaState::Met,
        SlaState::MetLate,
        SlaState::Breached,
        SlaState::Warning,
        SlaState::Pending,
        SlaState::NotApplicable,
    ];

    /// The state's name as written in policies.
    pub fn as_str(self) -> &'static str {
        crate::checked::SLA_STATES[self as usize]
    }
}

/// A per-lead SLA's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaOutcome {
    /// The state at the evaluation instant.
    pub state: SlaState,
    /// When the clock started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// When it was met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub met_at: Option<String>,
    /// Time used (business time with a calendar), as a duration such as `2h 30m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<String>,
    /// Time left before the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<String>,
    /// Breach actions for the host service to carry out (only when breached).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
}

/// A three-valued result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    /// Held.
    True,
    /// Did not hold.
    False,
    /// Could not be decided: a value it needs is missing.
    Unknown,
}

/// One step of an explanation, with where its rule lives in the sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// A `let`'s value.
    Value {
        /// The let.
        name: String,
        /// Its value.
        value: serde_json::Value,
        /// `file:line:column`.
        at: String,
    },
    /// A persona condition.
    Persona {
        /// The persona.
        persona: String,
        /// The condition as written.
        condition: String,
        /// Its result.
        result: Truth,
        /// `file:line:column`.
        at: String,
    },
    /// A score rule that fired, or was skipped because of an unknown.
    Rule {
        /// The score.
        score: String,
        /// The rule as written.
        rule: String,
        /// Points added (0 when skipped).
        points: f64,
        /// `true`: fired; `unknown`: skipped because a value was missing.
        result: Truth,
        /// The rule's `max` limited the points.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        capped: bool,
        /// `file:line:column`.
        at: String,
    },
    /// A decay applied to a score.
    Decay {
        /// The score.
        score: String,
        /// The factor applied.
        factor: f64,
        /// Before.
        before: f64,
        /// After.
        after: f64,
        /// `file:line:column`.
        at: String,
    },
    /// A clamp that changed a score.
    Clamp {
        /// The score.
        score: String,
        /// Before.
        before: f64,
        /// After.
        after: f64,
        /// `file:line:column`.
        at: String,
    },
    /// A score's final value.
    Score {
        /// The score.
        score: String,
        /// Its value.
        value: f64,
        /// `file:line:column`.
        at: String,
    },
    /// A grade given.
    Grade {
        /// The score graded.
        score: String,
        /// The letter.
        letter: String,
        /// `file:line:column`.
        at: String,
    },
    /// A stage condition checked.
    Stage {
        /// The stage.
        stage: String,
        /// Its condition as written.
        condition: String,
        /// Its result.
        result: Truth,
        /// `file:line:column`.
        at: String,
    },
    /// A route branch checked.
    Route {
        /// The branch.
        route: String,
        /// Its condition (`otherwise` for the catch-all).
        condition: String,
        /// Its result.
        result: Truth,
        /// `file:line:column`.
        at: String,
    },
    /// A per-lead SLA's state.
    Sla {
        /// The SLA.
        sla: String,
        /// Its state.
        state: SlaState,
        /// `file:line:column`.
        at: String,
    },
}

/// What the policy decided about one lead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The lead's key (or its record number when the schema has no key).
    pub lead: String,
    /// The policy that decided.
    pub policy: PolicyStamp,
    /// The evaluation instant.
    pub at: String,
    /// Each persona: matched and match fraction.
    pub personas: Named<PersonaResult>,
    /// Each score, to two decimals.
    pub scores: Named<f64>,
    /// Each grade's letter.
    pub grades: Named<String>,
    /// Each `let`'s value.
    pub values: Named<serde_json::Value>,
    /// The lead's stage: the last listed stage whose condition holds, an exclusion winning.
    pub stage: String,
    /// The furthest stage reached, exclusions left out: a lost or disqualified lead keeps
    /// the stage it had got to (for any other lead, its stage).
    pub reached: String,
    /// Why, when the stage is an exclusion (`because`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The route taken (`null` when the policy has no route).
    pub route: Option<String>,
    /// Each per-lead SLA.
    pub sla: Named<SlaOutcome>,
    /// The explanation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<Step>>,
}
