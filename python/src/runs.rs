//! Decisions for every lead of a whole input (a file, or its bytes), with the engine's batch
//! reader on all cores and the GIL released, and when the run was inside the engine, on the
//! engine clock ([`crate::clock`]); and reading such an input, which reports share
//! ([`crate::reports`]).

use crate::clock::{timed, Span};
use crate::errors::input_failure;
use crate::policy::NativePolicy;
use funnel_engine::batch::{self, InputFormat};
use funnel_engine::{EvalOptions, LeadError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::io::Read;
use std::path::{Path, PathBuf};

/// How the leads are written: `jsonl`, `csv` or `json`, as `funnel eval --input-format`.
pub(crate) fn input_format(format: &str, delimiter: Option<char>) -> PyResult<InputFormat> {
    let format = match format {
        "jsonl" => InputFormat::Jsonl,
        "csv" => InputFormat::Csv,
        "json" => InputFormat::Json,
        other => {
            return Err(input_failure(format!(
                "format {other:?} is not one of jsonl, csv, json"
            )))
        }
    };
    match (delimiter, format) {
        (None, f) => Ok(f),
        (Some(d), InputFormat::Csv) if d.is_ascii() && !matches!(d, '"' | '\n' | '\r') => {
            Ok(InputFormat::CsvWith(d as u8))
        }
        (Some(d), InputFormat::Csv) => Err(input_failure(format!(
            "delimiter {d:?} is not one ASCII character other than a quote or a line break"
        ))),
        (Some(_), _) => Err(input_failure("a delimiter is only for CSV input")),
    }
}

/// The leads to read: a file, or bytes already in memory.
pub(crate) fn open<'a>(
    path: Option<&Path>,
    data: Option<&'a [u8]>,
) -> PyResult<Box<dyn Read + Send + 'a>> {
    match (path, data) {
        (Some(p), None) => std::fs::File::open(p)
            .map(|f| Box::new(f) as Box<dyn Read + Send>)
            .map_err(|e| input_failure(format!("{}: {e}", p.display()))),
        (None, Some(d)) => Ok(Box::new(d)),
        _ => Err(input_failure(
            "give the leads as a path or as bytes, not both",
        )),
    }
}

pub(crate) fn error_json(e: &LeadError) -> String {
    serde_json::to_string(e).expect("lead errors serialize")
}

/// What [`evaluate_input`] returns: the decisions' JSON lines, the bad records' errors as
/// JSON, leads evaluated, records failed, and when the run started and finished.
type Evaluated<'py> = (Bound<'py, PyBytes>, Vec<String>, u64, u64, f64, f64);

/// Every lead's decision, as `funnel eval --format jsonl` writes it (one JSON a line, in
/// input order), and each bad record's error as `--errors` writes it.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (policy, path, data, format, delimiter, at, explain, strict, jobs))]
pub fn evaluate_input<'py>(
    py: Python<'py>,
    policy: &Bound<'py, NativePolicy>,
    path: Option<PathBuf>,
    data: Option<&[u8]>,
    format: &str,
    delimiter: Option<char>,
    at: &str,
    explain: bool,
    strict: bool,
    jobs: usize,
) -> PyResult<Evaluated<'py>> {
    let native = policy.get();
    let options = native.batch_options(at, EvalOptions { explain, strict }, jobs)?;
    let format = input_format(format, delimiter)?;
    let input = open(path.as_deref(), data)?;
    let (out, Span { started, finished }) = py.detach(|| {
        timed(|| {
            let mut decisions = Vec::new();
            let mut errors = Vec::new();
            let write = |e: &funnel_engine::Evaluation, buf: &mut Vec<u8>| e.write_json(buf);
            let summary =
                batch::write_each(&native.policy, input, format, &options, write, |_, r| {
                    match r {
                        Ok(json) => {
                            decisions.extend_from_slice(json);
                            decisions.push(b'\n');
                        }
                        Err(e) => errors.push(error_json(&e)),
                    }
                    Ok(())
                });
            summary.map(|s| (decisions, errors, s.evaluated, s.failed))
        })
    });
    let (decisions, errors, evaluated, failed) = out.map_err(|e| input_failure(e.to_string()))?;
    Ok((
        PyBytes::new(py, &decisions),
        errors,
        evaluated,
        failed,
        started,
        finished,
    ))
}
