//! The native exceptions. Each carries JSON the Python package turns into its own typed
//! exception (`funnel.PolicyError`, `funnel.LeadError`, `funnel.InputError`), so the
//! diagnostics' fields are the ones `funnel check --format json` prints.

use funnel_engine::{Diagnostic, LeadError};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::PyErr;

create_exception!(
    _funnel,
    LoadFailure,
    PyException,
    "A policy set that did not load: (rendered text, JSON list of diagnostics)."
);
create_exception!(
    _funnel,
    LeadFailure,
    PyException,
    "A lead that could not be evaluated: (message, JSON of the lead error)."
);
create_exception!(
    _funnel,
    InputFailure,
    PyException,
    "An input that cannot be read as a whole (not one bad record): its message."
);

/// A policy's diagnostics as the exception: the text rendered as `funnel check` prints it
/// (plain, without colour), and each diagnostic's JSON.
pub fn load_failure(diagnostics: &[Diagnostic]) -> PyErr {
    let rendered: String = diagnostics.iter().map(|d| d.render(false)).collect();
    let json: Vec<_> = diagnostics.iter().map(|d| d.to_json()).collect();
    let json = serde_json::to_string(&json).expect("diagnostics serialize");
    LoadFailure::new_err((rendered, json))
}

/// A lead's error as the exception.
pub fn lead_failure(e: &LeadError) -> PyErr {
    let json = serde_json::to_string(e).expect("lead errors serialize");
    LeadFailure::new_err((e.to_string(), json))
}

/// An input that cannot be read on.
pub fn input_failure(message: impl Into<String>) -> PyErr {
    InputFailure::new_err(message.into())
}
