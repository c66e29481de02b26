//! `funnel._funnel`: the native half of the `funnel` Python module.
//!
//! The Python package (`python/funnel/`) is the API people use; this module gives it a
//! compiled policy and the engine's batch and report runs. What crosses is plain: texts,
//! bytes and JSON written by the same code as the CLI's, so a decision from Python is the
//! CLI's decision byte for byte. Every run that takes time releases the GIL
//! ([`Python::detach`]), so threads score in parallel.

// A lead error carries its record, path and expected/found texts, as in the engine.
#![allow(clippy::result_large_err)]

mod arrow_batch;
mod clock;
mod errors;
mod policy;
mod reports;
mod runs;

use pyo3::prelude::*;

/// The module `funnel._funnel`.
#[pymodule]
fn _funnel(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<policy::NativePolicy>()?;
    m.add("LoadFailure", m.py().get_type::<errors::LoadFailure>())?;
    m.add("LeadFailure", m.py().get_type::<errors::LeadFailure>())?;
    m.add("InputFailure", m.py().get_type::<errors::InputFailure>())?;
    m.add_function(wrap_pyfunction!(policy::read_sources, m)?)?;
    m.add_function(wrap_pyfunction!(runs::evaluate_input, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_batch::evaluate_batches, m)?)?;
    m.add_function(wrap_pyfunction!(arrow_batch::evaluate_batches_json, m)?)?;
    m.add_function(wrap_pyfunction!(reports::report_input, m)?)?;
    m.add_function(wrap_pyfunction!(reports::report_batches, m)?)?;
    m.add_function(wrap_pyfunction!(reports::report_part, m)?)?;
    m.add_function(wrap_pyfunction!(reports::merge_report_parts, m)?)?;
    m.add_function(wrap_pyfunction!(reports::finish_report, m)?)?;
    m.add_function(wrap_pyfunction!(clock::engine_clock, m)?)?;
    Ok(())
}
