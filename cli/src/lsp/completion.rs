//! Completion from what the cursor follows: item fields inside `where`, enum values after
//! `==` and `in [`, the names a function or keyword takes, units after a number, and
//! otherwise the lead's fields, lets, scores, functions and keywords.

use super::analysis::Analysis;
use super::documents::position;
use funnel_engine::{Symbol, SymbolIndex, SymbolKind};
use funnel_grammar::SourceFile;
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Range, TextEdit};
use std::sync::Arc;

/// Keywords that start a top-level block.
const BLOCKS: &[&str] = &[
    "policy",
    "schema",
    "table",
    "persona",
    "score",
    "let",
    "grade",
    "stages",
    "route",
    "calendar",
    "sla",
    "metric",
    "test",
    "use script",
];

/// Keywords inside expressions.
const OPERATORS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "between",
    "contains",
    "ends with",
    "starts with",
    "matches",
    "is",
    "any",
    "all",
    "count",
    "first",
    "last",
    "nth",
    "where",
    "present",
    "missing",
    "persona",
    "if",
    "then",
    "else",
    "when",
];

/// Units after a number: durations and percentages.
const UNITS: &[(&str, &str)] = &[
    ("d", "days"),
    ("h", "hours"),
    ("m", "minutes"),
    ("w", "weeks"),
    ("s", "seconds"),
    ("%", "percent"),
];

/// The completions at byte `at` of `file`.
pub fn complete(a: &Analysis, file: &Arc<SourceFile>, at: usize) -> Vec<CompletionItem> {
    let text = &file.text;
    let at = floor_boundary(text, at.min(text.len()));
    let line = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let word_len = line
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum::<usize>();
    let word = &line[line.len() - word_len..];
    let before = line[..line.len() - word_len].trim_end();
    let replace = Range {
        start: position(text, at - word_len),
        end: position(text, at),
    };
    let index = &a.report.symbols;
    let item = |label: String, kind: CompletionItemKind, detail: String| CompletionItem {
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: replace,
            new_text: label.clone(),
        })),
        label,
        kind: Some(kind),
        detail: (!detail.is_empty()).then_some(detail),
        ..CompletionItem::default()
    };
    let symbols = |it: &mut dyn Iterator<Item = &Symbol>| -> Vec<CompletionItem> {
        it.map(|s| item(s.name.clone(), kind_of(s.kind), detail_of(s)))
            .collect()
    };

    if word.starts_with(|c: char| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return UNITS
            .iter()
            .map(|(unit, name)| {
                item(
                    format!("{word}{unit}"),
                    CompletionItemKind::UNIT,
                    name.to_string(),
                )
            })
            .collect();
    }
    if let Some(base) = before.strip_suffix('.') {
        let base = last_word(base);
        let record = if base == "lead" {
            Some("lead".to_string())
        } else {
            index
                .of_kind(SymbolKind::Field)
                .find(|s| s.name == base)
                .and_then(|s| s.record.clone())
        };
        return match record {
            Some(r) => symbols(&mut fields_of(index, &r)),
            None => Vec::new(),
        };
    }
    if let Some(name) = compared_name(before) {
        let values: Vec<String> = match name {
            "stage" => index
                .of_kind(SymbolKind::Stage)
                .map(|s| s.name.clone())
                .collect(),
            "route" => index
                .of_kind(SymbolKind::Route)
                .map(|s| s.name.clone())
                .collect(),
            _ => index
                .of_kind(SymbolKind::Field)
                .find(|s| s.name == name && !s.values.is_empty())
                .map(|s| s.values.clone())
                .unwrap_or_default(),
        };
        if !values.is_empty() {
            return values
                .into_iter()
                .map(|v| {
                    item(
                        v,
                        CompletionItemKind::ENUM_MEMBER,
                        format!("a value of `{name}`"),
                    )
                })
                .collect();
        }
    }
    if let Some(kinds) = names_taken(before) {
        return symbols(&mut index.symbols().iter().filter(|s| kinds.contains(&s.kind)));
    }
    if before.is_empty() && !line.starts_with([' ', '\t']) {
        return BLOCKS
            .iter()
            .map(|k| item(k.to_string(), CompletionItemKind::KEYWORD, String::new()))
            .collect();
    }
    let keywords = OPERATORS
        .iter()
        .map(|k| item(k.to_string(), CompletionItemKind::KEYWORD, String::new()));
    if let Some(list) = where_list(line) {
        // `events where` names the list field, `event where` its schema.
        let record = index
            .of_kind(SymbolKind::Schema)
            .find(|s| s.name == list)
            .map(|s| s.name.clone())
            .or_else(|| {
                index
                    .of_kind(SymbolKind::Field)
                    .find(|s| s.name == list)
                    .and_then(|s| s.record.clone())
            });
        if let Some(record) = record {
            let mut out = symbols(&mut fields_of(index, &record));
            out.extend(keywords);
            return out;
        }
    }
    let mut out = symbols(&mut fields_of(index, "lead"));
    out.extend(symbols(
        &mut index
            .symbols()
            .iter()
            .filter(|s| matches!(s.kind, SymbolKind::Let | SymbolKind::Score)),
    ));
    let functions = funnel_engine::BUILTIN_FUNCTIONS
        .iter()
        .map(|f| f.to_string())
        .chain(index.of_kind(SymbolKind::ScriptFn).map(|s| s.name.clone()));
    out.extend(functions.map(|f| item(f, CompletionItemKind::FUNCTION, String::new())));
    out.extend(keywords);
    out
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The fields of the schema named `record`.
fn fields_of<'a>(index: &'a SymbolIndex, record: &'a str) -> impl Iterator<Item = &'a Symbol> {
    index
        .of_kind(SymbolKind::Field)
        .filter(move |s| s.parent.as_deref() == Some(record))
}

/// The last name in `text`: its trailing letters, digits and underscores (whatever comes
/// before them, an emoji included).
fn last_word(text: &str) -> &str {
    let start = text
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .len();
    &text[start..]
}

/// The name compared when the cursor is after `NAME ==`, `NAME !=` or `NAME in [..., `.
fn compared_name(before: &str) -> Option<&str> {
    if let Some(left) = before
        .strip_suffix("==")
        .or_else(|| before.strip_suffix("!="))
    {
        return Some(last_word(left.trim_end())).filter(|w| !w.is_empty());
    }
    let open = before.rfind('[')?;
    if before[open..].contains(']') {
        return None;
    }
    let head = before[..open].trim_end();
    let head = head.strip_suffix("in")?.trim_end();
    let head = head.strip_suffix("not").map_or(head, str::trim_end);
    Some(last_word(head)).filter(|w| !w.is_empty())
}

/// The kinds of names a function or keyword just before the cursor takes.
fn names_taken(before: &str) -> Option<&'static [SymbolKind]> {
    let ends = |s: &str| before.ends_with(s);
    Some(if ends("persona") || ends("match(") {
        &[SymbolKind::Persona]
    } else if ends("grade(") || before == "grade" {
        &[SymbolKind::Score]
    } else if ends("reached(")
        || ends("reached_at(")
        || ends("recycle to")
        || ends("reach")
        || ends("funnel(")
    {
        &[SymbolKind::Stage]
    } else if ends("calendar") && !before.starts_with("calendar") {
        &[SymbolKind::Calendar]
    } else if ends("sla(") {
        &[SymbolKind::Sla]
    } else if ends("metric(") || ends("status(") {
        &[SymbolKind::Metric, SymbolKind::Sla]
    } else {
        return None;
    })
}

/// The list whose `where` filter the cursor is in, on this line: `events` in
/// `any events where kind == `.
fn where_list(line: &str) -> Option<&str> {
    let at = line.rfind(" where ")?;
    // A `where` closed by a bracket before the cursor is over.
    let after = &line[at..];
    if after.matches(')').count() > after.matches('(').count() {
        return None;
    }
    Some(last_word(line[..at].trim_end())).filter(|w| !w.is_empty())
}

fn kind_of(kind: SymbolKind) -> CompletionItemKind {
    match kind {
        SymbolKind::Field => CompletionItemKind::FIELD,
        SymbolKind::Schema => CompletionItemKind::STRUCT,
        SymbolKind::Let => CompletionItemKind::VARIABLE,
        SymbolKind::Stage | SymbolKind::Route => CompletionItemKind::ENUM_MEMBER,
        SymbolKind::ScriptFn => CompletionItemKind::FUNCTION,
        _ => CompletionItemKind::CONSTANT,
    }
}

fn detail_of(s: &Symbol) -> String {
    if s.detail.is_empty() {
        s.kind.noun().to_string()
    } else {
        format!("{}: {}", s.kind.noun(), s.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_before_the_cursor_is_read() {
        assert_eq!(compared_name("  +10 when kind =="), Some("kind"));
        assert_eq!(compared_name("when source in [\"ads\","), Some("source"));
        assert_eq!(compared_name("when source not in ["), Some("source"));
        assert_eq!(compared_name("when source in [\"a\"] and"), None);
        assert_eq!(where_list("  +5 when any events where "), Some("events"));
        assert_eq!(where_list("count(events where kind == call) >"), None);
        assert_eq!(
            names_taken("when persona"),
            Some(&[SymbolKind::Persona][..])
        );
        assert_eq!(names_taken("when fit"), None);
    }

    #[test]
    fn a_name_after_a_character_of_several_bytes_is_read_whole() {
        assert_eq!(last_word("when sql_at is present and 😀"), "");
        assert_eq!(last_word("when 😀kind"), "kind");
        assert_eq!(last_word("ação_2"), "o_2");
        assert_eq!(compared_name("when 😀 =="), None);
    }
}
