//! Period reports, as `funnel report --format json` writes them, over a whole input (a file
//! or its bytes) or over pyarrow record batches, whole or in parts, with the GIL released. A
//! part holds the counts over some leads (a Spark partition's) as bytes; parts merge, in any
//! grouping, into the part over all the leads, and a finished part is the report one run
//! over every lead gives ([`funnel_engine::report::ReportPart`]).

use crate::errors::input_failure;
use crate::policy::NativePolicy;
use crate::runs::{error_json, input_format, open};
use arrow::array::RecordBatch;
use arrow_pyarrow::PyArrowType;
use chrono::NaiveDate;
use funnel_engine::batch::{BatchError, InputFormat};
use funnel_engine::report::{self, Report, ReportPart, ReportRange, TableInput};
use funnel_engine::{EvalOptions, LeadError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;

/// The report as `funnel report --format json` writes it.
fn report_json(report: &Report) -> String {
    serde_json::to_string(report).expect("reports serialize")
}

/// A day written `YYYY-MM-DD`.
fn date(text: Option<&str>, what: &str) -> PyResult<Option<NaiveDate>> {
    text.map(|t| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map_err(|_| input_failure(format!("{what} {t:?} is not a date written YYYY-MM-DD")))
    })
    .transpose()
}

/// The periods a report shows: `since` and `until` (`--from`, `--to`), as `YYYY-MM-DD`.
fn report_range(since: Option<&str>, until: Option<&str>) -> PyResult<ReportRange> {
    Ok(ReportRange {
        from: date(since, "since")?,
        to: date(until, "until")?,
    })
}

/// The policy's tables (spend) given as `(name, path)`, opened. Call it on the thread that
/// reads them: a table's reader is not Send.
fn open_tables(tables: Vec<(String, PathBuf)>) -> Result<Vec<TableInput>, String> {
    tables
        .into_iter()
        .map(|(name, path)| {
            let file =
                std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(TableInput {
                name,
                input: Box::new(file),
                format: InputFormat::from_path(&path),
            })
        })
        .collect()
}

/// Runs a report (or a part) with the GIL released: the policy's `tables` opened on the
/// thread that reads them, and each bad record's error kept as JSON.
fn counted<T: Send>(
    py: Python<'_>,
    tables: Vec<(String, PathBuf)>,
    run: impl FnOnce(Vec<TableInput>, &mut dyn FnMut(&LeadError)) -> Result<T, BatchError> + Send,
) -> PyResult<(T, Vec<String>)> {
    py.detach(|| {
        let tables = open_tables(tables)?;
        let mut errors = Vec::new();
        let out = run(tables, &mut |e| errors.push(error_json(e))).map_err(|e| e.to_string())?;
        Ok::<_, String>((out, errors))
    })
    .map_err(input_failure)
}

/// The period report over every lead, as `funnel report --format json` writes it, and each
/// bad record's error. `tables` are the policy's tables (spend) as `(name, path)`.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (policy, path, data, format, delimiter, at, since, until, jobs, tables))]
pub fn report_input<'py>(
    py: Python<'py>,
    policy: &Bound<'py, NativePolicy>,
    path: Option<PathBuf>,
    data: Option<&[u8]>,
    format: &str,
    delimiter: Option<char>,
    at: &str,
    since: Option<&str>,
    until: Option<&str>,
    jobs: usize,
    tables: Vec<(String, PathBuf)>,
) -> PyResult<(String, Vec<String>)> {
    let native = policy.get();
    let options = native.batch_options(at, EvalOptions::default(), jobs)?;
    let range = report_range(since, until)?;
    let format = input_format(format, delimiter)?;
    let input = open(path.as_deref(), data)?;
    counted(py, tables, |tables, on_error| {
        let report = report::run_with_tables(
            &native.policy,
            input,
            format,
            tables,
            &options,
            &range,
            on_error,
        );
        report.map(|r| report_json(&r))
    })
}

/// The period report over the batches of one table of leads (records numbered from 1 across
/// them), as [`report_input`] gives it for a file: its JSON and each bad record's error.
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
) -> PyResult<(String, Vec<String>)> {
    let native = policy.get();
    let options = native.batch_options(at, EvalOptions::default(), jobs)?;
    let range = report_range(since, until)?;
    let batches = batches.into_iter().map(|b| Ok(b.0));
    counted(py, tables, |tables, on_error| {
        let report = funnel_engine::arrow::report(
            &native.policy,
            batches,
            tables,
            &options,
            &range,
            on_error,
        );
        report.map(|r| report_json(&r))
    })
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
    let (bytes, errors) = counted(py, tables, |tables, on_error| {
        let part =
            funnel_engine::arrow::report_part(&native.policy, batches, tables, &options, on_error);
        part.map(|p| p.to_bytes())
    })?;
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
