//! Period reports over pyarrow record batches, whole or in parts. A part holds the counts
//! over some leads (a Spark partition's) as bytes; parts merge, in any grouping, into the
//! part over all the leads, and a finished part is the report one run over every lead gives
//! ([`funnel_engine::report::ReportPart`]).

use crate::clock::{timed, Span};
use crate::errors::input_failure;
use crate::policy::NativePolicy;
use crate::runs::{error_json, open_tables, report_range};
use arrow::array::RecordBatch;
use arrow_pyarrow::PyArrowType;
use funnel_engine::report::{Report, ReportPart};
use funnel_engine::EvalOptions;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;

/// The report as `funnel report --format json` writes it.
fn report_json(report: &Report) -> String {
    serde_json::to_string(report).expect("reports serialize")
}

/// The period report over the batches of one table of leads (records numbered from 1 across
/// them), as [`crate::runs::report_input`] gives it for a file: its JSON, each bad
/// record's error, and when the run started and finished.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (policy, batches, at, since, until, jobs, tables))]
pub fn report_batches(
    py: Python<'_>,
    policy: &Bound<'_, NativePolicy>,
    batches: Vec<PyArrowType<RecordBatch>>,
    at: &str,
    since: Option<&str>,
    until: Option<&str>,
    jobs: usize,
    tables: Vec<(String, PathBuf)>,
) -> PyResult<(String, Vec<String>, f64, f64)> {
    let native = policy.get();
    let options = native.batch_options(at, EvalOptions::default(), jobs)?;
    let range = report_range(since, until)?;
    let batches = batches.into_iter().map(|b| Ok(b.0));
    let (out, Span { started, finished }) = py.detach(|| {
        timed(|| {
            let tables = open_tables(tables)?;
            let mut errors = Vec::new();
            let on_error = |e: &_| errors.push(error_json(e));
            let report = funnel_engine::arrow::report(
                &native.policy,
                batches,
                tables,
                &options,
                &range,
                on_error,
            );
            report
                .map(|r| (report_json(&r), errors))
                .map_err(|e| e.to_string())
        })
    });
    let (json, errors) = out.map_err(input_failure)?;
    Ok((json, errors, started, finished))
}

/// The counts over the batches (and the rows of `tables`), as a report part's bytes, and
/// each bad record's error (records numbered from 1 across the batches).
#[pyfunction]
#[pyo3(signature = (policy, batches, at, jobs, tables))]
pub fn report_part<'py>(
    py: Python<'py>,
    policy: &Bound<'py, NativePolicy>,
    batches: Vec<PyArrowType<RecordBatch>>,
    at: &str,
    jobs: usize,
    tables: Vec<(String, PathBuf)>,
) -> PyResult<(Bound<'py, PyBytes>, Vec<String>)> {
    let native = policy.get();
    let options = native.batch_options(at, EvalOptions::default(), jobs)?;
    let batches = batches.into_iter().map(|b| Ok(b.0));
    let out = py.detach(|| {
        let tables = open_tables(tables)?;
        let mut errors = Vec::new();
        let on_error = |e: &_| errors.push(error_json(e));
        let part =
            funnel_engine::arrow::report_part(&native.policy, batches, tables, &options, on_error);
        part.map(|p| (p.to_bytes(), errors))
            .map_err(|e| e.to_string())
    });
    let (bytes, errors) = out.map_err(input_failure)?;
    Ok((PyBytes::new(py, &bytes), errors))
}

fn read_part(bytes: &[u8]) -> PyResult<ReportPart> {
    ReportPart::from_bytes(bytes).map_err(|e| input_failure(e.to_string()))
}

/// The parts merged into one (their policy and instant must be the same). It needs no
/// policy, so Spark merges parts on its executors.
#[pyfunction]
pub fn merge_report_parts<'py>(
    py: Python<'py>,
    parts: Vec<Vec<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let merged = py.detach(|| {
        let mut parts = parts.iter();
        let first = parts
            .next()
            .ok_or_else(|| input_failure("no report part to merge"))?;
        let mut merged = read_part(first)?;
        for bytes in parts {
            merged
                .merge(read_part(bytes)?)
                .map_err(|e| input_failure(e.to_string()))?;
        }
        Ok::<_, PyErr>(merged.to_bytes())
    })?;
    Ok(PyBytes::new(py, &merged))
}

/// The report over every lead counted into the part, as JSON, with the periods `since` and
/// `until` ask for.
#[pyfunction]
#[pyo3(signature = (policy, part, since, until))]
pub fn finish_report(
    py: Python<'_>,
    policy: &Bound<'_, NativePolicy>,
    part: Vec<u8>,
    since: Option<&str>,
    until: Option<&str>,
) -> PyResult<String> {
    let native = policy.get();
    let range = report_range(since, until)?;
    py.detach(|| {
        let report = read_part(&part)?
            .finish(&native.policy, &range)
            .map_err(|e| input_failure(e.to_string()))?;
        Ok(report_json(&report))
    })
}
