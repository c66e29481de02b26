//! The engine's clock: seconds on one monotonic clock for the whole process, read where a run
//! starts and ends with the GIL released. Two runs whose spans overlap were inside the engine
//! at the same time, which is what a caller needs to see threads really run in parallel.

use pyo3::prelude::*;
use std::sync::OnceLock;
use std::time::Instant;

/// The instant the clock counts from (the first time it is read).
fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

/// Seconds since the clock's origin.
pub fn now() -> f64 {
    origin().elapsed().as_secs_f64()
}

/// The engine clock now, in seconds (comparable with the `started`/`finished` of results).
#[pyfunction]
pub fn engine_clock() -> f64 {
    now()
}

/// When a run was inside the engine.
#[derive(Clone, Copy)]
pub struct Span {
    pub started: f64,
    pub finished: f64,
}

/// Runs `f`, timing it on the engine clock.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Span) {
    let started = now();
    let out = f();
    (
        out,
        Span {
            started,
            finished: now(),
        },
    )
}
