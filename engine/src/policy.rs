//! [`Policy`]: a compiled policy set, ready to evaluate leads.

use crate::checked::Checked;
use crate::compile::{compile, CompiledPolicy};
use crate::decision::{Decision, PolicyStamp};
use crate::decode::{decode_json, FieldIndex, Lead, LeadError};
use crate::diagnostic::Diagnostic;
use crate::eval::{guarded, Slots, State};
use crate::evaluator::{EvalOptions, Evaluator};
use chrono::{DateTime, FixedOffset};
use funnel_grammar::SourceFile;
use funnel_locale::t;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// A policy set that did not compile: every error and warning found.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// The diagnostics, errors first in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors: Vec<&Diagnostic> = self.diagnostics.iter().filter(|d| d.is_error()).collect();
        match errors.first() {
            Some(first) => {
                let place = first
                    .span()
                    .map(|s| format!("{}: ", s.location()))
                    .unwrap_or_default();
                write!(f, "{place}{}", first.message)?;
                if errors.len() > 1 {
                    f.write_str(&t!("common-and-more-errors", count = errors.len() - 1))?;
                }
                Ok(())
            }
            None => f.write_str(&t!("common-policy-did-compile")),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<Diagnostic> for LoadError {
    fn from(d: Diagnostic) -> LoadError {
        LoadError {
            diagnostics: vec![d],
        }
    }
}

#[derive(Clone)]
struct Inner {
    compiled: CompiledPolicy,
    warnings: Vec<Diagnostic>,
}

/// A compiled policy: immutable, cheap to clone, and shareable between threads.
///
/// ```
/// use funnel_engine::{Policy, EvalOptions};
/// use funnel_grammar::SourceFile;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", r#"
/// policy "demo" version 1
/// schema lead {
///   id: text key
///   country: text
/// }
/// score fit {
///   +10 when country == "BR"
/// }
/// stages {
///   lead
///   mql when fit >= 10
/// }
/// "#)]).unwrap();
/// let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap();
/// let d = policy.evaluate_json(br#"{"id": "L-1", "country": "BR"}"#, at).unwrap();
/// assert_eq!(d.stage, "mql");
/// assert_eq!(d.scores.get("fit"), Some(&10.0));
/// ```
#[derive(Clone)]
pub struct Policy {
    inner: Arc<Inner>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Policy({} v{} {})",
            self.name(),
            self.version(),
            self.digest()
        )
    }
}

impl Policy {
    /// Reads, checks and compiles the policy set in a directory.
    pub fn load(dir: impl AsRef<Path>) -> Result<Policy, LoadError> {
        let sets = crate::PolicyDir::discover(&[dir.as_ref().to_path_buf()])?;
        if sets.len() > 1 {
            return Err(Diagnostic::error(
                crate::Code::NoPolicyFiles,
                t!(
                    "common-holds-several-policy-sets",
                    as_ref = dir.as_ref().display()
                ),
            )
            .into());
        }
        Policy::from_sources(sets[0].read()?)
    }

    /// Checks and compiles a policy set from its files' texts.
    pub fn from_sources(files: Vec<Arc<SourceFile>>) -> Result<Policy, LoadError> {
        let report = crate::check_sources(files);
        let Some((checked, runtime)) = report.checked else {
            let mut diagnostics = report.diagnostics;
            diagnostics.sort_by_key(|d| !d.is_error());
            return Err(LoadError { diagnostics });
        };
        Ok(Policy {
            inner: Arc::new(Inner {
                compiled: compile(checked, runtime, &report.files),
                warnings: report.diagnostics,
            }),
        })
    }

    /// The `policy` header's name.
    pub fn name(&self) -> &str {
        &self.inner.compiled.stamp.name
    }

    /// The header's version.
    pub fn version(&self) -> u64 {
        self.inner.compiled.stamp.version
    }

    /// `sha256:...` of the sources (file names within the set and their text), the same
    /// whatever the files' order or location on disk.
    pub fn digest(&self) -> &str {
        &self.inner.compiled.stamp.digest
    }

    /// Name, version and digest, as stamped on every decision.
    pub fn stamp(&self) -> &PolicyStamp {
        &self.inner.compiled.stamp
    }

    /// Warnings found when the policy was checked.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.inner.warnings
    }

    /// The time zone of the `policy` header: input times without an offset and periods are
    /// read in it.
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.inner.compiled.checked.header.timezone
    }

    /// An instant written as in `--at` or a test's `at`: RFC 3339, or a local time in the
    /// policy's zone. `None` when the text is not a time.
    ///
    /// ```
    /// # let policy = funnel_engine::Policy::load("../policies/acme").unwrap();
    /// let at = policy.parse_at("2026-11-26 10:00:00").unwrap();
    /// assert_eq!(at.to_rfc3339(), "2026-11-26T10:00:00-03:00");
    /// assert!(policy.parse_at("soon").is_none());
    /// ```
    pub fn parse_at(&self, text: &str) -> Option<DateTime<FixedOffset>> {
        crate::decode::parse_datetime(text, self.timezone())
    }

    /// The names the policy defines, in written order: what a tool lists or makes columns of
    /// without reading the checked form.
    ///
    /// ```
    /// # let policy = funnel_engine::Policy::load("../policies/acme").unwrap();
    /// let names = policy.names();
    /// assert_eq!(names.stages.first().map(String::as_str), Some("lead"));
    /// assert!(names.scores.iter().any(|s| s == "fit"));
    /// ```
    pub fn names(&self) -> PolicyNames {
        let p = &self.inner.compiled.checked;
        let slas = |per_lead: bool| {
            p.slas
                .iter()
                .filter(|s| s.is_per_lead() == per_lead)
                .map(|s| s.name.clone())
                .collect()
        };
        PolicyNames {
            scores: p.scores.iter().map(|x| x.name.clone()).collect(),
            grades: p
                .grades
                .iter()
                .map(|g| {
                    let letters = p.enums[g.letters].values.clone();
                    (p.scores[g.score].name.clone(), letters)
                })
                .collect(),
            personas: p.personas.iter().map(|x| x.name.clone()).collect(),
            stages: p.stages.iter().map(|x| x.name.clone()).collect(),
            routes: p.enums[p.route_enum].values.clone(),
            lead_slas: slas(true),
            commitments: slas(false),
            metrics: p.metrics.iter().map(|x| x.name.clone()).collect(),
            tables: p.tables.iter().map(|x| x.name.clone()).collect(),
        }
    }

    /// The compiled policy (for the engine's tests and reports, which need more than the
    /// decision).
    pub(crate) fn compiled(&self) -> &CompiledPolicy {
        &self.inner.compiled
    }

    /// The same policy reading the rows of table `t` as its records (for decoding a table's
    /// input with the batch reader; it evaluates nothing).
    pub(crate) fn table_rows(&self, t: usize) -> Policy {
        let mut compiled = self.inner.compiled.clone();
        compiled.checked.lead = compiled.checked.tables[t].record;
        compiled.checked.key = None;
        Policy {
            inner: Arc::new(Inner {
                compiled,
                warnings: Vec::new(),
            }),
        }
    }

    /// The set's policy files, in name order (to check them again with one more file).
    pub(crate) fn sources(&self) -> &[Arc<SourceFile>] {
        &self.inner.compiled.checked.sources
    }

    /// Whether the `let` named `name` is a condition (true or false).
    pub(crate) fn let_is_bool(&self, name: &str) -> bool {
        let p = &self.inner.compiled.checked;
        p.lets
            .iter()
            .any(|l| l.name == name && l.value.ty == crate::checked::Ty::Bool)
    }

    /// The names of the exclusion stages (`because`).
    pub(crate) fn excluded_stages(&self) -> Vec<String> {
        let p = &self.inner.compiled.checked;
        p.stages
            .iter()
            .filter(|s| s.because.is_some())
            .map(|s| s.name.clone())
            .collect()
    }

    /// The checked policy (for the engine's own tests and reports).
    pub(crate) fn checked(&self) -> &Checked {
        &self.inner.compiled.checked
    }

    /// Decodes a lead from JSON text.
    pub fn decode_json(&self, json: &[u8], options: &EvalOptions) -> Result<Lead, LeadError> {
        // Checked as UTF-8 once, here, rather than string by string while parsing.
        let text = std::str::from_utf8(json).map_err(|e| {
            let mut err = LeadError::new(format!(
                "malformed JSON: not UTF-8 text (byte {})",
                e.valid_up_to() + 1
            ));
            err.found = Some("malformed JSON".into());
            err
        })?;
        self.decode_json_str(text, options)
    }

    /// Decodes a lead from JSON text already known to be UTF-8.
    pub fn decode_json_str(&self, json: &str, options: &EvalOptions) -> Result<Lead, LeadError> {
        let mut de = serde_json::Deserializer::from_str(json);
        let decoded = decode_json(
            &self.inner.compiled.checked,
            &self.inner.compiled.index,
            options.strict,
            &mut de,
        )
        .and_then(|values| {
            de.end()
                .map_err(|e| LeadError::new(format!("malformed JSON: {e}")))?;
            Ok(values)
        });
        decoded.map(|values| Lead { values }).map_err(|mut e| {
            // Name the lead in the error when its key can be read at all.
            if e.lead.is_none() {
                e.lead = self.key_of_json(json.as_bytes());
            }
            e
        })
    }

    /// The key field's value in a JSON lead that did not decode (for error messages).
    fn key_of_json(&self, json: &[u8]) -> Option<String> {
        let p = &self.inner.compiled.checked;
        let field = &p.records[p.lead].fields[p.key?];
        let doc: serde_json::Value = serde_json::from_slice(json).ok()?;
        let v = doc
            .get(&field.name)
            .or_else(|| doc.get(field.from.as_deref()?))?;
        match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Decodes a lead from a JSON value.
    pub fn decode_value(
        &self,
        value: &serde_json::Value,
        options: &EvalOptions,
    ) -> Result<Lead, LeadError> {
        let values = decode_json(
            &self.inner.compiled.checked,
            &self.inner.compiled.index,
            options.strict,
            value,
        )?;
        Ok(Lead { values })
    }

    /// An evaluator for many leads, which reuses its working space from one to the next.
    pub fn evaluator(&self, options: EvalOptions) -> Evaluator<'_> {
        Evaluator::new(&self.inner.compiled, options)
    }

    /// Evaluates a decoded lead at an instant. `record` names the lead in the decision when
    /// the schema has no key. For many leads, [`Policy::evaluator`] is faster.
    pub fn evaluate(
        &self,
        lead: &Lead,
        at: DateTime<FixedOffset>,
        options: &EvalOptions,
        record: Option<u64>,
    ) -> Result<Decision, LeadError> {
        self.evaluator(*options)
            .evaluate(lead, at, record)
            .map(|e| e.to_decision())
    }

    /// Decodes and evaluates one lead given as JSON text.
    pub fn evaluate_json(
        &self,
        json: &[u8],
        at: DateTime<FixedOffset>,
    ) -> Result<Decision, LeadError> {
        let options = EvalOptions::default();
        let lead = self.decode_json(json, &options)?;
        self.evaluate(&lead, at, &options, None)
    }

    /// Decodes and evaluates one lead given as a JSON value.
    pub fn evaluate_value(
        &self,
        value: &serde_json::Value,
        at: DateTime<FixedOffset>,
    ) -> Result<Decision, LeadError> {
        let options = EvalOptions::default();
        let lead = self.decode_value(value, &options)?;
        self.evaluate(&lead, at, &options, None)
    }

    /// Evaluates a lead and hands the finished evaluation state to `f` (for reports, which
    /// need more than the decision).
    pub(crate) fn with_state<R>(
        &self,
        lead: &Lead,
        at: DateTime<FixedOffset>,
        f: impl FnOnce(&mut State) -> R,
    ) -> Result<R, LeadError> {
        let p = &self.inner.compiled.checked;
        let mut slots = Slots::default();
        let mut state = self
            .inner
            .compiled
            .state(&lead.values, at, false, &mut slots);
        state.run();
        let outcome = match state.error.take() {
            Some(message) => Err(message),
            // What `f` reads is the caller's; a bug there costs this lead, like one in `run`.
            None => guarded(|| f(&mut state)),
        };
        outcome.map_err(|message| {
            let mut e = LeadError::new(message);
            e.lead = lead.key(p);
            e
        })
    }

    /// The same policy without its compiled closures: every expression walks its tree (for
    /// the tests that check the two ways agree).
    #[cfg(test)]
    pub(crate) fn walking(&self) -> Policy {
        let mut inner = (*self.inner).clone();
        inner.compiled.program = None;
        Policy {
            inner: Arc::new(inner),
        }
    }

    pub(crate) fn index(&self) -> &FieldIndex {
        &self.inner.compiled.index
    }
}

/// The names a policy defines, each list in written order (see [`Policy::names`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyNames {
    /// Scores.
    pub scores: Vec<String>,
    /// Each graded score with its letters, best first.
    pub grades: Vec<(String, Vec<String>)>,
    /// Personas.
    pub personas: Vec<String>,
    /// Stages, first to last (exclusions included).
    pub stages: Vec<String>,
    /// Route branches (without repeats).
    pub routes: Vec<String>,
    /// Per-lead SLAs.
    pub lead_slas: Vec<String>,
    /// Aggregate SLAs (commitments over a period's leads).
    pub commitments: Vec<String>,
    /// Metrics.
    pub metrics: Vec<String>,
    /// Tables of dated rows (spend), given to `funnel report` with `--table NAME=FILE`.
    pub tables: Vec<String>,
}
