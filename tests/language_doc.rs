//! Every ```funnel block of docs/language.md is a valid policy example.
//!
//! Each block is checked in the example set `policies/acme` (header and schema in
//! `policy.funnel`, the names the examples use in the other files): the block's own
//! definitions replace the set's definitions of the same name (its `stages` block replaces the
//! set's, its `let free_mail` the set's `free_mail`, ...), and the set's tests are left out.
//! A block fails on any error, and on any warning in its own lines except that nothing uses a
//! persona or calendar it defines. Blocks fenced ```text (deliberately invalid examples,
//! examples that need a file) are not checked.

use funnel_engine::{check_sources, Code, Diagnostic};
use funnel_grammar::SourceFile;
use funnel_tests::{enter_workspace, render, workspace_root, PolicySet};
use std::collections::HashSet;
use std::sync::Arc;

const DOC: &str = "docs/language.md";
/// The name a block is checked under: a file of the example set, so that paths in it
/// (`given lead from "leads/..."`) resolve as in the set. Messages show `DOC` instead.
const CHECKED_AS: &str = "policies/acme/language.md";

/// A fenced code block: its language, the 1-based line of its first line, its text.
struct Block {
    lang: String,
    line: usize,
    text: String,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in doc.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                open = Some(Block {
                    lang: lang.trim().to_string(),
                    line: i + 2,
                    text: String::new(),
                })
            }
            (Some(_), Some("")) => out.push(open.take().expect("a block is open")),
            (Some(b), _) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "{DOC}: a code block is never closed");
    out
}

/// What a top-level block defines: (kind, name).
type Defines = (&'static str, String);

/// What a top-level block defines, from its first line; names of lets, scores, personas,
/// calendars, SLAs and metrics share one namespace.
fn defines(first_line: &str) -> Option<Defines> {
    let mut words = first_line.split(|c: char| c.is_whitespace() || c == '{' || c == '=');
    let words: Vec<&str> = words.by_ref().filter(|w| !w.is_empty()).collect();
    let name = |i: usize| words.get(i).copied().unwrap_or("").to_string();
    Some(match *words.first()? {
        "policy" => ("policy", String::new()),
        "stages" => ("stages", String::new()),
        "route" => ("route", String::new()),
        "schema" => ("schema", name(1)),
        "grade" => ("grade", name(1)),
        "test" => ("test", name(1)),
        "use" => ("use", name(2)),
        "let" | "score" | "persona" | "calendar" | "sla" | "metric" => ("name", name(1)),
        _ => return None,
    })
}

/// A file cut into its top-level blocks (a block starts at a line that starts, in column 1,
/// with a block keyword): (what the block defines, its 0-based first line, its line count).
fn top_level(text: &str) -> Vec<(Option<Defines>, usize, usize)> {
    let mut out: Vec<(Option<Defines>, usize, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match defines(line) {
            Some(d) => out.push((Some(d), i, 1)),
            None => match out.last_mut() {
                Some(last) => last.2 += 1,
                None => out.push((None, i, 1)),
            },
        }
    }
    out
}

/// The example set around a block: the set's files, without the blocks that define what the
/// block defines, and without the set's tests. Removed lines become blank lines, so the
/// places in messages stay true.
fn context(block: &str) -> Vec<Arc<SourceFile>> {
    let replaced: HashSet<Defines> = top_level(block)
        .into_iter()
        .filter_map(|(d, _, _)| d)
        .collect();
    PolicySet::acme()
        .files
        .iter()
        .map(|(name, text)| {
            let lines: Vec<&str> = text.lines().collect();
            let mut kept = String::new();
            for (d, start, len) in top_level(text) {
                let drop = d
                    .as_ref()
                    .is_some_and(|d| d.0 == "test" || replaced.contains(d));
                for line in &lines[start..start + len] {
                    if !drop {
                        kept.push_str(line);
                    }
                    kept.push('\n');
                }
            }
            SourceFile::new(name.clone(), kept)
        })
        .collect()
}

/// The problems of one block, rendered, or `None` when it is a valid example.
fn problems(block: &Block) -> Option<String> {
    // Blank lines up to the block keep its line numbers those of the doc.
    let padded = "\n".repeat(block.line - 1) + block.text.as_str();
    let mut files = context(&block.text);
    files.push(SourceFile::new(CHECKED_AS, padded));
    enter_workspace();
    let report = check_sources(files);
    let in_block = |d: &Diagnostic| d.span().is_some_and(|s| s.file.name == CHECKED_AS);
    let bad: Vec<Diagnostic> = report
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.is_error()
                || (in_block(d) && !matches!(d.code, Code::UnusedPersona | Code::UnusedCalendar))
        })
        .collect();
    (!bad.is_empty()).then(|| render(&bad).replace(CHECKED_AS, DOC))
}

fn doc() -> String {
    std::fs::read_to_string(workspace_root().join(DOC)).expect("read docs/language.md")
}

#[test]
fn every_funnel_block_of_the_language_doc_checks() {
    let blocks = blocks(&doc());
    let funnel: Vec<&Block> = blocks.iter().filter(|b| b.lang == "funnel").collect();
    assert!(funnel.len() >= 10, "{DOC}: too few ```funnel blocks found");
    let failures: Vec<String> = funnel
        .iter()
        .filter_map(|b| {
            problems(b).map(|p| {
                format!(
                    "{DOC}:{}: this ```funnel block does not check:\n{p}",
                    b.line
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} ```funnel blocks fail (fence a deliberately invalid example with ```text):\n\n{}",
        failures.len(),
        funnel.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_block_with_a_mistake_is_reported_at_its_line() {
    let doc = "intro\n\n```funnel\nlet x = 1\nlet y = company_sise + 1\n```\n";
    let blocks = blocks(doc);
    assert_eq!(blocks.len(), 1);
    let p = problems(&blocks[0]).expect("a misspelt field is an error");
    assert!(p.contains("docs/language.md:5"), "{p}");
    assert!(p.contains("company_sise"), "{p}");
}

/// The doc says its example schema is the one of `policies/acme/policy.funnel`.
#[test]
fn the_example_schema_of_the_language_doc_is_the_acme_schema() {
    let words = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect()
    };
    let schema_of = |text: &str| -> String {
        let start = text.find("schema lead {").expect("a `schema lead`");
        text[start..].to_string()
    };
    let doc = doc();
    let block = blocks(&doc)
        .into_iter()
        .find(|b| b.lang == "funnel" && b.text.starts_with("schema lead {"))
        .expect("docs/language.md shows the example schema");
    let acme = PolicySet::acme();
    assert_eq!(
        words(&block.text),
        words(&schema_of(acme.text("policy.funnel"))),
        "the example schema of {DOC} (line {}) differs from policies/acme/policy.funnel",
        block.line
    );
}
