//! Benchmarks of Funnel on the lead-scoring-v1 workload (`../shared/bench/workload.md`),
//! beside the two things it is compared with: the same rules written by hand in Rust (the
//! limit a compiled engine can approach) and the same rules as a Rhai script.
//!
//! - [`data`] finds the shared workload and generates lead files once, under
//!   `target/bench-data/`.
//! - [`handwritten`] is the workload as plain Rust; [`decision`] writes its result as the
//!   same JSON line `funnel eval` prints.
//! - [`rhai`] runs the workload's Rhai script (`bench/rhai/lead_scoring.rhai`).
//! - [`generate`] writes large synthetic policies, to measure compile time.
//! - [`funnel`] is the one place the benchmarks call the engine to evaluate a lead;
//!   [`commands`] builds the `funnel eval` and `handwritten-eval` command lines.
//!
//! The benchmarks are in `bench/benches` (`cargo bench -p funnel-bench`); `bench-ratios`
//! prints their results as a table afterwards.

pub mod commands;
pub mod data;
pub mod decision;
pub mod funnel;
pub mod generate;
pub mod handwritten;
pub mod rhai;

pub use data::{leads_file, shared_bench_dir, workspace_root};
pub use funnel::funnel_eval_one;
pub use generate::generated_policy;

/// The evaluation instant every benchmark and comparison uses, as given to `funnel eval --at`.
pub const AT: &str = "2026-01-01T00:00:00Z";

/// The workload's policy directory, relative to the workspace root.
pub const POLICY_DIR: &str = "bench/lead-scoring-v1";
