//! Leads as pyarrow record batches, scored with the engine's Arrow API
//! ([`funnel_engine::arrow`]): the batches cross through Arrow's C data interface without a
//! copy, are decoded a column at a time, and come back as a table of decisions and a table of
//! record errors. A bad value is its record's error; the rest are scored.

use crate::clock::{timed, Span};
use crate::errors::input_failure;
use crate::policy::NativePolicy;
use arrow::array::RecordBatch;
use arrow::datatypes::Schema;
use arrow_pyarrow::PyArrowType;
use funnel_engine::arrow::{errors_batch, errors_schema, BatchEvaluator, Error};

use funnel_engine::EvalOptions;
use pyo3::prelude::*;

/// Batches of one schema, as pyarrow takes them back.
type Batches = (Vec<PyArrowType<RecordBatch>>, PyArrowType<Schema>);

/// What [`evaluate_batches`] returns: the decisions, the record errors, leads evaluated,
/// records failed, and when the run started and finished on the engine clock.
type Scored = (Batches, Batches, u64, u64, f64, f64);

/// Runs `score` with an evaluator of the policy over `batches` (records numbered from 1
/// across them, `jobs` threads, 0 for one per core), with the GIL released, and times it on
/// the engine clock.
#[allow(clippy::too_many_arguments)]
fn with_evaluator<T: Send>(
    py: Python<'_>,
    policy: &Bound<'_, NativePolicy>,
    batches: Vec<PyArrowType<RecordBatch>>,
    at: &str,
    explain: bool,
    strict: bool,
    jobs: usize,
    score: impl FnOnce(&mut BatchEvaluator, &[RecordBatch]) -> Result<T, Error> + Send,
) -> PyResult<(T, Span)> {
    let native = policy.get();
    let options = native.batch_options(at, EvalOptions { explain, strict }, jobs)?;
    let batches: Vec<RecordBatch> = batches.into_iter().map(|b| b.0).collect();
    let (out, span) =
        py.detach(|| timed(|| score(&mut BatchEvaluator::new(&native.policy, options), &batches)));
    Ok((out.map_err(|e| input_failure(e.to_string()))?, span))
}

/// Scores the batches of one table of leads (records numbered from 1 across them) on `jobs`
/// threads (0: one per core), with the GIL released.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (policy, batches, at, explain, strict, jobs))]
pub fn evaluate_batches(
    py: Python<'_>,
    policy: &Bound<'_, NativePolicy>,
    batches: Vec<PyArrowType<RecordBatch>>,
    at: &str,
    explain: bool,
    strict: bool,
    jobs: usize,
) -> PyResult<Scored> {
    let score = |evaluator: &mut BatchEvaluator, batches: &[RecordBatch]| {
        let mut decisions = Vec::with_capacity(batches.len());
        let mut errors = Vec::with_capacity(batches.len());
        for leads in batches {
            let out = evaluator.evaluate(leads)?;
            decisions.push(out.decisions);
            errors.push(out.errors);
        }
        Ok((
            decisions,
            errors,
            evaluator.decisions_schema(),
            evaluator.summary(),
        ))
    };
    let ((decisions, errors, schema, summary), Span { started, finished }) =
        with_evaluator(py, policy, batches, at, explain, strict, jobs, score)?;
    let wrap = |v: Vec<RecordBatch>| v.into_iter().map(PyArrowType).collect();
    Ok((
        (wrap(decisions), PyArrowType(schema.as_ref().clone())),
        (wrap(errors), PyArrowType(errors_schema().as_ref().clone())),
        summary.evaluated,
        summary.failed,
        started,
        finished,
    ))
}

/// What [`evaluate_batches_json`] returns: each decision's lead key and JSON, the record
/// errors, leads evaluated and records failed.
type ScoredJson = (Vec<(String, String)>, Batches, u64, u64);

/// Scores the batches as [`evaluate_batches`] does, each decision written as the JSON line
/// `funnel eval --format jsonl` writes for it: `(lead, json)` pairs in input order.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (policy, batches, at, explain, strict, jobs))]
pub fn evaluate_batches_json(
    py: Python<'_>,
    policy: &Bound<'_, NativePolicy>,
    batches: Vec<PyArrowType<RecordBatch>>,
    at: &str,
    explain: bool,
    strict: bool,
    jobs: usize,
) -> PyResult<ScoredJson> {
    let score = |evaluator: &mut BatchEvaluator, batches: &[RecordBatch]| {
        let mut decisions = Vec::new();
        let mut errors = Vec::new();
        let write = |e: &funnel_engine::Evaluation, buf: &mut Vec<u8>| {
            // The decision, a NUL (JSON escapes any in its texts), then the key: split below.
            e.write_json(buf);
            buf.push(0);
            buf.extend_from_slice(e.key().unwrap_or_default().as_bytes());
        };
        for leads in batches {
            evaluator.write_each(leads, write, |_, r| {
                match r {
                    Ok(bytes) => {
                        let text = std::str::from_utf8(bytes).expect("UTF-8 JSON");
                        let (json, key) = text.split_once('\0').expect("written above");
                        decisions.push((key.to_string(), json.to_string()));
                    }
                    Err(e) => errors.push(e),
                }
                Ok(())
            })?;
        }
        Ok((decisions, errors, evaluator.summary()))
    };
    let ((decisions, errors, summary), _) =
        with_evaluator(py, policy, batches, at, explain, strict, jobs, score)?;
    Ok((
        decisions,
        (
            vec![PyArrowType(errors_batch(&errors))],
            PyArrowType(errors_schema().as_ref().clone()),
        ),
        summary.evaluated,
        summary.failed,
    ))
}
