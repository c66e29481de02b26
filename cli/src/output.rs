//! Where and how output goes: colour only on a terminal and never with NO_COLOR.

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

/// `--at`: an RFC 3339 instant (or a local time in the policy's zone); now when absent.
pub fn parse_at(
    at: Option<&str>,
    policy: &funnel_engine::Policy,
) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    match at {
        None => Ok(chrono::Utc::now()
            .with_timezone(&policy.timezone())
            .fixed_offset()),
        Some(s) => policy.parse_at(s).ok_or_else(|| {
            format!("--at {s:?} is not a datetime; write e.g. 2026-11-26T10:00:00-03:00")
        }),
    }
}

/// An I/O error's reason as the messages word it.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Writes `text` to the file at `path`, or to standard output without one (a reader that
/// stops early, such as `head`, is not an error).
pub fn write_to(path: Option<&std::path::Path>, text: &str) -> Result<(), crate::failure::Failure> {
    use std::io::Write as _;
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| {
            crate::failure::Failure::Usage(format!(
                "cannot write {}: {}",
                p.display(),
                io_reason(&e)
            ))
        }),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(crate::failure::Failure::Usage(format!(
                        "cannot write output: {}",
                        io_reason(&e)
                    )))
                }
                _ => Ok(()),
            }
        }
    }
}

/// A file's change as a unified diff with three lines of context (`funnel fmt --check`, the
/// points `funnel backtest --suggest` proposes).
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}
