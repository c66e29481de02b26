//! Where and how output goes: colour as `--color` says (by default only on a terminal and
//! never with NO_COLOR).

use std::io::IsTerminal;

/// `--format` for commands that report diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// For people: source snippets with labels.
    Human,
    /// For CI and editors: one JSON document on stdout.
    Json,
}

/// `--color`: when to colour diagnostics and messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always colour, even through a pipe (for a pager such as `less -R`) or with NO_COLOR.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour a stream, given NO_COLOR's value and whether the stream is a terminal.
    /// An explicit `--color` wins over NO_COLOR, as the NO_COLOR convention asks.
    pub fn colors(self, no_color: Option<&std::ffi::OsStr>, terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => no_color.is_none_or(|v| v.is_empty()) && terminal,
        }
    }
}

/// The `--color` of this run, set once by `main` before any command runs. A process-wide
/// setting rather than an argument: every command, the failure printer and the watcher's
/// threads colour their diagnostics, and all of them must agree.
static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

/// Records `--color` for [`color_stderr`]; the first call wins.
pub fn set_color(choice: ColorChoice) {
    let _ = COLOR.set(choice);
}

/// Whether to colour what goes to stderr: as `--color` says; with `auto` (the default), when
/// stderr is a terminal and NO_COLOR is not set.
pub fn color_stderr() -> bool {
    COLOR.get().copied().unwrap_or_default().colors(
        std::env::var_os("NO_COLOR").as_deref(),
        std::io::stderr().is_terminal(),
    )
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

/// Where a verb that reports writes its output, and the language of its HTML page
/// (`report`, `backtest`).
#[derive(clap::Args)]
pub struct Written {
    /// Write the output to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
    /// The language, month names and number separators of the HTML page.
    #[arg(long, value_enum, default_value = "en-US")]
    pub locale: crate::html::Locale,
}

impl Written {
    /// Writes `text` where `--output` says.
    pub fn write(&self, text: &str) -> Result<(), crate::failure::Failure> {
        write_to(self.output.as_deref(), text)
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

#[cfg(test)]
mod tests {
    use super::ColorChoice;
    use std::ffi::OsStr;

    #[test]
    fn auto_colours_a_terminal_without_no_color() {
        assert!(ColorChoice::Auto.colors(None, true));
        assert!(ColorChoice::Auto.colors(Some(OsStr::new("")), true));
        assert!(!ColorChoice::Auto.colors(Some(OsStr::new("1")), true));
        assert!(!ColorChoice::Auto.colors(None, false));
    }

    #[test]
    fn always_and_never_win_over_the_terminal_and_no_color() {
        assert!(ColorChoice::Always.colors(Some(OsStr::new("1")), false));
        assert!(!ColorChoice::Never.colors(None, true));
    }
}
