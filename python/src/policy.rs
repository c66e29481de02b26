//! `NativePolicy`: a compiled policy set, loaded from a directory or from its files' texts
//! (what Spark ships to executors), and one lead evaluated at an instant.

use crate::errors::{input_failure, lead_failure, load_failure};
use chrono::{DateTime, FixedOffset};
use funnel_engine::{EvalOptions, Policy, PolicyDir};
use funnel_grammar::SourceFile;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// The texts of the policy set in a directory, as `(file name, text)` in name order: what a
/// Spark driver reads once and ships to its executors.
#[pyfunction]
pub fn read_sources(path: PathBuf) -> PyResult<Vec<(String, String)>> {
    let sets = PolicyDir::discover(std::slice::from_ref(&path)).map_err(|d| load_failure(&[d]))?;
    if sets.len() > 1 {
        // Policy::load refuses a directory of several sets, with the diagnostic that says so.
        Policy::load(&path).map_err(|e| load_failure(&e.diagnostics))?;
    }
    let files = sets[0].read().map_err(|d| load_failure(&[d]))?;
    Ok(files
        .iter()
        .map(|f| (f.name.clone(), f.text.clone()))
        .collect())
}

/// A compiled policy set. Immutable and shared between threads.
#[pyclass(frozen, module = "funnel._funnel")]
pub struct NativePolicy {
    pub policy: Policy,
}

#[pymethods]
impl NativePolicy {
    /// Reads, checks and compiles the policy set in a directory.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<NativePolicy> {
        let policy = py
            .detach(|| Policy::load(&path))
            .map_err(|e| load_failure(&e.diagnostics))?;
        Ok(NativePolicy { policy })
    }

    /// Checks and compiles a policy set from `(file name, text)` pairs.
    #[staticmethod]
    fn from_sources(py: Python<'_>, files: Vec<(String, String)>) -> PyResult<NativePolicy> {
        let files: Vec<Arc<SourceFile>> = files
            .into_iter()
            .map(|(name, text)| SourceFile::new(name, text))
            .collect();
        let policy = py
            .detach(|| Policy::from_sources(files))
            .map_err(|e| load_failure(&e.diagnostics))?;
        Ok(NativePolicy { policy })
    }

    #[getter]
    fn name(&self) -> &str {
        self.policy.name()
    }

    #[getter]
    fn version(&self) -> u64 {
        self.policy.version()
    }

    #[getter]
    fn digest(&self) -> &str {
        self.policy.digest()
    }

    #[getter]
    fn timezone(&self) -> String {
        self.policy.timezone().to_string()
    }

    /// The warnings found when the policy was checked: (rendered text, JSON list).
    fn warnings(&self) -> (String, String) {
        let w = self.policy.warnings();
        let rendered: String = w.iter().map(|d| d.render(false)).collect();
        let json: Vec<_> = w.iter().map(|d| d.to_json()).collect();
        (
            rendered,
            serde_json::to_string(&json).expect("diagnostics serialize"),
        )
    }

    /// The policy's names (stages, scores, grades, ...) as JSON.
    fn names_json(&self) -> String {
        let n = self.policy.names();
        serde_json::json!({
            "scores": n.scores,
            "grades": n.grades,
            "personas": n.personas,
            "stages": n.stages,
            "routes": n.routes,
            "lead_slas": n.lead_slas,
            "commitments": n.commitments,
            "metrics": n.metrics,
            "tables": n.tables,
        })
        .to_string()
    }

    /// An instant written as `--at` takes it (RFC 3339, or a local time in the policy's
    /// zone), as RFC 3339; `None` when the text is not a time.
    fn parse_at(&self, text: &str) -> Option<String> {
        self.policy.parse_at(text).map(|t| t.to_rfc3339())
    }

    /// Decodes and evaluates one lead given as JSON text, at an instant; the decision's JSON,
    /// written as `funnel eval --format jsonl` writes it.
    #[pyo3(signature = (lead, at, explain = false, strict = false))]
    fn evaluate_json(
        &self,
        py: Python<'_>,
        lead: &str,
        at: &str,
        explain: bool,
        strict: bool,
    ) -> PyResult<String> {
        let at = self.instant(at)?;
        let options = EvalOptions { explain, strict };
        py.detach(|| {
            let lead = self.policy.decode_json_str(lead, &options)?;
            let mut evaluator = self.policy.evaluator(options);
            let e = evaluator.evaluate(&lead, at, None)?;
            let mut out = Vec::new();
            e.write_json(&mut out);
            Ok(String::from_utf8(out).expect("decisions are UTF-8 JSON"))
        })
        .map_err(|e| lead_failure(&e))
    }
}

impl NativePolicy {
    /// Reads an instant as `--at` does.
    pub fn instant(&self, at: &str) -> PyResult<DateTime<FixedOffset>> {
        self.policy.parse_at(at).ok_or_else(|| {
            input_failure(format!(
                "at {at:?} is not a datetime; write e.g. 2026-11-26T10:00:00-03:00"
            ))
        })
    }

    /// The options of a batch run at `at` (read as `--at`), as the CLI's are.
    pub fn batch_options(
        &self,
        at: &str,
        eval: funnel_engine::EvalOptions,
        jobs: usize,
    ) -> PyResult<funnel_engine::batch::BatchOptions> {
        Ok(funnel_engine::batch::BatchOptions {
            at: self.instant(at)?,
            eval,
            jobs,
            chunk: funnel_engine::batch::CHUNK,
        })
    }
}
