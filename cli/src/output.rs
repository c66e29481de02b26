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
