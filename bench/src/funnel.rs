//! The one place the benchmarks ask the engine to evaluate a lead, so that a faster
//! evaluation path can replace it without touching the benchmarks.

use chrono::{DateTime, FixedOffset};
use funnel_engine::{Evaluator, Lead, LoadError, Policy};

/// Evaluates one decoded lead with the engine, as an embedding caller of many leads would (an
/// [`Evaluator`] per thread), and reads what the hand-written function returns: fit,
/// engagement, stage and grade.
///
/// # Panics
/// When the lead fails to evaluate (no workload lead does).
pub fn funnel_eval_one<'e>(
    evaluator: &'e mut Evaluator<'_>,
    lead: &'e Lead,
    at: DateTime<FixedOffset>,
) -> (f64, f64, &'e str, &'e str) {
    let e = evaluator
        .evaluate(lead, at, None)
        .expect("a workload lead evaluates");
    let score = |name| e.score(name).expect("the workload's scores");
    (
        score("fit"),
        score("engagement"),
        e.stage(),
        e.grade("fit").expect("the workload's grade"),
    )
}

/// Loads the workload's policy (`bench/lead-scoring-v1`).
///
/// # Errors
/// When it does not compile.
pub fn workload_policy() -> Result<Policy, LoadError> {
    Policy::load(crate::workspace_root().join(crate::POLICY_DIR))
}

/// The workload policy's digest, which every decision line carries.
///
/// # Panics
/// When the policy does not compile.
pub fn workload_digest() -> String {
    workload_policy()
        .expect("the workload policy compiles")
        .digest()
        .to_string()
}

/// The benchmarks' evaluation instant ([`crate::AT`]).
pub fn at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(crate::AT).expect("a valid instant")
}
