//! Hover: what a name is (a field's type and input column, a definition's block, a grade's
//! bands with its score), or a duration in words.

use super::analysis::Analysis;
use super::documents::range;
use funnel_engine::{Symbol, SymbolKind};
use funnel_grammar::{SourceFile, Span};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};
use std::sync::Arc;

/// The most lines of a definition a hover shows.
const MAX_LINES: usize = 20;

/// The hover at byte `at` of `file`, if there is something to say.
pub fn hover(a: &Analysis, file: &Arc<SourceFile>, at: usize) -> Option<Hover> {
    let index = &a.report.symbols;
    if let Some(i) = index.at(&file.name, at) {
        let symbol = index.symbol(i);
        let span = index
            .occurrences(i)
            .into_iter()
            .find(|s| s.file.name == file.name && s.start <= at && at <= s.end)
            .cloned();
        return Some(markdown(describe(symbol), span.as_ref()));
    }
    let (span, secs) = duration_at(file, at)?;
    Some(markdown(
        format!("**duration** `{}`: {}", span.text(), in_words(secs)),
        Some(&span),
    ))
}

fn markdown(value: String, span: Option<&Span>) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: span.map(range),
    }
}

/// A symbol in Markdown: its kind and name, what the checker knows, and its definition.
pub fn describe(s: &Symbol) -> String {
    let mut out = format!("**{}** `{}`", s.kind.noun(), s.name);
    if let Some(parent) = &s.parent {
        out.push_str(&format!(" of `{parent}`"));
    }
    if !s.detail.is_empty() {
        out.push_str(&format!(": {}", s.detail));
    }
    if !s.values.is_empty() {
        out.push_str(&format!("\n\nvalues: {}", s.values.join(", ")));
    }
    let block: Vec<&str> = s.block.text().lines().collect();
    if s.kind != SymbolKind::Field && !block.is_empty() {
        let shown = &block[..block.len().min(MAX_LINES)];
        let more = if block.len() > MAX_LINES { "\n..." } else { "" };
        out.push_str(&format!("\n\n```funnel\n{}{more}\n```", shown.join("\n")));
    }
    if let Some(imp) = &s.implementation {
        let (line, _) = imp.line_col();
        out.push_str(&format!("\n\nwritten in `{}` line {line}", imp.file.name));
    }
    out
}

/// The duration literal (`2d 4h`, `90m`) around byte `at`, and its length in seconds.
fn duration_at(file: &Arc<SourceFile>, at: usize) -> Option<(Span, i64)> {
    let text = &file.text;
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let is_part = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ' ' || c == '\t';
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_part(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let end = text[at..]
        .char_indices()
        .find(|(_, c)| !is_part(*c))
        .map_or(text.len(), |(i, _)| at + i);
    // The words around the cursor; the duration is the run of duration parts holding it.
    let mut secs = 0i64;
    let (mut run_start, mut run_end) = (None, 0);
    let mut offset = start;
    for word in text[start..end].split(' ') {
        let word_end = offset + word.len();
        match part_secs(word.trim()) {
            Some(s) => {
                run_start.get_or_insert(offset);
                run_end = word_end;
                secs = secs.saturating_add(s);
            }
            None if run_start.is_some_and(|_| run_end >= at) => break,
            None => {
                run_start = None;
                secs = 0;
            }
        }
        offset = word_end + 1;
    }
    let run_start = run_start?;
    (run_start <= at && at <= run_end).then(|| (Span::new(file.clone(), run_start, run_end), secs))
}

/// Seconds of one duration part (`30d`, `1_000m`), as the grammar reads it.
fn part_secs(word: &str) -> Option<i64> {
    let unit = word.chars().last()?;
    let digits = &word[..word.len() - 1];
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    let per = match unit {
        'w' => 7 * 86_400,
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        's' => 1,
        _ => return None,
    };
    n.checked_mul(per)
}

/// A duration in words: `2 days 4 hours`.
fn in_words(secs: i64) -> String {
    let units = [
        (7 * 86_400, "week"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    let mut left = secs;
    let mut parts = Vec::new();
    for (size, name) in units {
        let n = left / size;
        if n > 0 {
            parts.push(format!("{n} {name}{}", if n == 1 { "" } else { "s" }));
            left -= n * size;
        }
    }
    if parts.is_empty() {
        return "no time".to_string();
    }
    let total_hours = secs as f64 / 3600.0;
    if secs >= 86_400 {
        format!("{} ({total_hours} hours)", parts.join(" "))
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_found_around_the_cursor_and_said_in_words() {
        let file = SourceFile::new("a.funnel", "  within 2d 4h on business\n");
        let at = file.text.find("4h").unwrap();
        let (span, secs) = duration_at(&file, at).unwrap();
        assert_eq!(span.text(), "2d 4h");
        assert_eq!(in_words(secs), "2 days 4 hours (52 hours)");
        assert_eq!(in_words(90 * 60), "1 hour 30 minutes");
        assert!(duration_at(&file, file.text.find("within").unwrap()).is_none());
        assert!(duration_at(&file, file.text.find("business").unwrap()).is_none());
    }
}
