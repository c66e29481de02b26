//! The last line of defence against bugs: a panic caught where one lead, one script call or
//! one reload can fail alone, with its message kept for the report. The panic hook still
//! prints it on standard error, with its place in the code, for a bug report.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`; a panic in it becomes its message.
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string())
    })
}
