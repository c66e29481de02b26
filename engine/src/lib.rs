//! Funnel's engine: checks, compiles and evaluates marketing and sales policies.
//!
//! A policy set goes text -> syntax tree ([`funnel_grammar`]) -> checked (names resolved,
//! expressions typed) -> compiled ([`Policy`]) -> a [`Decision`] per lead, and a
//! [`report::Report`] per period over many leads.
//!
//! # The public API
//!
//! | To | Use |
//! |---|---|
//! | check a set and read its diagnostics | [`check_dir`], [`check_sources`] -> [`CheckReport`]; [`Diagnostic`], [`Code`], [`Severity`] ([`diagnostic`]) |
//! | find and read sets on disk | [`PolicyDir`] |
//! | load a set | [`Policy::load`], [`Policy::from_sources`] (or [`LoadError`]) |
//! | know the policy | [`Policy::name`], [`Policy::version`], [`Policy::digest`], [`Policy::timezone`], [`Policy::names`] -> [`PolicyNames`], [`Policy::warnings`] |
//! | evaluate one lead | [`Policy::evaluate_json`], [`Policy::evaluate_value`], [`Policy::decode_json`] -> [`Lead`] + [`Policy::evaluate`] ([`EvalOptions`]; a bad lead is a [`LeadError`]) |
//! | evaluate many leads fast | [`Policy::evaluator`] -> [`Evaluator`] -> [`Evaluation`]; whole inputs: [`batch`] |
//! | read a decision and its explanation | [`Decision`], [`decision::Step`] ([`decision`]) |
//! | report over periods | [`report::run`] -> [`report::Report`] ([`report`]) |
//! | report in parts (per file, per Spark partition), merged then finished | [`report::part_with_tables`] -> [`report::ReportPart`]: `merge`, `to_bytes`, `finish` |
//! | measure how well scores, grades and stages predict an outcome | [`backtest::run`] -> [`backtest::Backtest`] ([`backtest`]) |
//! | propose score points fitted to an outcome | [`backtest::suggest()`] -> [`backtest::Suggestion`] ([`backtest::SuggestOptions`]) |
//! | run a set's tests | [`Policy::run_tests`] -> [`testing::TestRun`] ([`testing`]) |
//! | serve a set that reloads when edited | [`LivePolicy`], [`WatchOptions`], [`ReloadEvent`], [`ReloadFailure`] |
//! | evaluate Arrow record batches (feature `arrow`) | [`arrow::evaluate`], [`arrow::BatchEvaluator`] -> [`arrow::Evaluated`]; reports: [`arrow::report()`], [`arrow::report_part`]; decoding alone: [`arrow::LeadColumns`] |
//! | print values as decisions do | [`format_duration`], [`format_hours`], [`value_json`] |
//!
//! Everything else (the checker, the checked form, the compiled program, decoding, calendars,
//! scripts) is internal and may change.
//!
//! ```no_run
//! let report = funnel_engine::check_dir("policies/acme").unwrap();
//! for d in &report.diagnostics {
//!     eprintln!("{}", d.render(false));
//! }
//! ```
#![deny(missing_docs)]
// A lead error carries its record, path and expected/found texts; it is the rare path, and
// boxing it would only move the cost to every caller.
#![allow(clippy::result_large_err)]

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod backtest;
pub mod batch;
mod calendar;
mod check;
mod checked;
mod compile;
pub mod decision;
mod decode;
pub mod diagnostic;
mod eval;
mod evaluator;
mod guard;
mod input_rules;
mod live;
mod load;
mod open_days;
mod pattern;
mod period;
mod policy;
pub mod report;
mod script;
mod source;
mod symbols;
pub mod testing;
mod value;

pub use decision::Decision;
pub use decode::{Lead, LeadError};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use eval::{format_duration, format_hours, value_json};
pub use evaluator::{EvalOptions, Evaluation, Evaluator};
pub use live::{LivePolicy, ReloadEvent, ReloadFailure, WatchOptions};
pub use load::{check_dir, check_sources, CheckReport};
pub use policy::{LoadError, Policy, PolicyNames};
pub use source::PolicyDir;
/// The extension of policy files: `funnel`.
pub use source::EXTENSION as POLICY_EXTENSION;
pub use symbols::{Symbol, SymbolIndex, SymbolKind};
/// The built-in functions' names (`lower`, `days_between`, `reached_at`, ...).
pub const BUILTIN_FUNCTIONS: &[&str] = checked::Builtin::NAMES;

/// The README's Rust examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
