//! Where and how output goes: colour only on a terminal and never with NO_COLOR.

use funnel_engine::Code;
use std::io::IsTerminal;

/// `--format` for commands that report diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// For people: source snippets with labels.
    Human,
    /// For CI and editors: one JSON document on stdout.
    Json,
}

/// True when stderr is a terminal and NO_COLOR is not set.
pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// "1 error", "2 warnings".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Loads a policy, printing its diagnostics when it does not compile (and its warnings
/// when it does); the error is the exit code (see [`load_failed`]).
pub fn load_policy(path: &std::path::Path, color: bool) -> Result<funnel_engine::Policy, u8> {
    funnel_engine::Policy::load(path).map_err(|e| load_failed(path, &e, color))
}

/// Prints why a policy did not load and returns the exit code: a directory or file that
/// cannot be read is an I/O error (2, as `check` says), anything else a policy with errors (1).
pub fn load_failed(path: &std::path::Path, e: &funnel_engine::LoadError, color: bool) -> u8 {
    for d in &e.diagnostics {
        eprint!("{}", d.render(color));
    }
    let unreadable = e
        .diagnostics
        .iter()
        .any(|d| matches!(d.code, Code::Io | Code::NoPolicyFiles));
    if unreadable {
        eprintln!("error: cannot read the policy in {}", path.display());
        return crate::exit::USAGE;
    }
    let errors = e.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "error: the policy in {} does not compile ({})",
        path.display(),
        plural(errors, "error")
    );
    crate::exit::FAILED
}

/// `--at`: an RFC 3339 instant (or a local time in the policy's zone); now when absent.
pub fn parse_at(
    at: Option<&str>,
    policy: &funnel_engine::Policy,
) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    match at {
        None => Ok(chrono::Utc::now()
            .with_timezone(&policy.checked().header.timezone)
            .fixed_offset()),
        Some(s) => funnel_engine::decode::parse_datetime(s, policy.checked().header.timezone)
            .ok_or_else(|| {
                format!("--at {s:?} is not a datetime; write e.g. 2026-11-26T10:00:00-03:00")
            }),
    }
}

/// The policy and the evaluation instant that `eval`, `explain` and `report` start with;
/// on failure, the message is printed and the exit code returned.
pub fn policy_at(
    path: &std::path::Path,
    at: Option<&str>,
) -> Result<(funnel_engine::Policy, chrono::DateTime<chrono::FixedOffset>), u8> {
    let policy = load_policy(path, color_stderr())?;
    let at = parse_at(at, &policy).map_err(|msg| {
        eprintln!("error: {msg}");
        crate::exit::USAGE
    })?;
    Ok((policy, at))
}
