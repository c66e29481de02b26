//! The formatter: idempotent, meaning-preserving (the syntax tree is unchanged) and keeping
//! every comment, on the policies in `policies/` and on generated policies; snapshots of messy
//! inputs.

use funnel_grammar::{format, parse, SourceFile};
use proptest::prelude::*;
use proptest::sample::select;
use std::path::{Path, PathBuf};

/// Formats `text`, panicking with the errors when it does not parse.
fn fmt(text: &str) -> String {
    let file = SourceFile::new("test.funnel", text);
    match format(&file) {
        Ok(out) => out,
        Err(errors) => panic!("syntax errors in\n{text}\n{errors:#?}"),
    }
}

/// The comments of a text, trailing blanks trimmed.
fn comments(text: &str) -> Vec<String> {
    let (tree, _) = parse(&SourceFile::new("c.funnel", text));
    tree.comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect()
}

/// The properties every formatted text has: it parses to the same tree, formatting it again
/// changes nothing, and it keeps the same comments in the same order.
fn check_properties(name: &str, text: &str) -> Result<(), TestCaseError> {
    let source = SourceFile::new(name, text);
    let (before, errors) = parse(&source);
    prop_assert!(
        errors.is_empty(),
        "{name} does not parse: {errors:#?}\n{text}"
    );
    let once = match format(&source) {
        Ok(out) => out,
        Err(errors) => return Err(TestCaseError::fail(format!("{errors:#?}"))),
    };
    let (after, errors) = parse(&SourceFile::new(name, once.as_str()));
    prop_assert!(
        errors.is_empty(),
        "formatted {name} does not parse: {errors:#?}\n{once}"
    );
    prop_assert_eq!(
        &before.items,
        &after.items,
        "the tree changed:\n--- input\n{}\n--- formatted\n{}",
        text,
        once
    );
    let twice = fmt(&once);
    prop_assert_eq!(
        &once,
        &twice,
        "not idempotent:\n--- input\n{}\n--- once\n{}",
        text,
        once
    );
    prop_assert_eq!(
        comments(text),
        comments(&once),
        "comments changed:\n--- input\n{}\n--- formatted\n{}",
        text,
        once
    );
    prop_assert!(once.ends_with('\n') || once.is_empty());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The policies in the repository

fn policy_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "funnel") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_policy_file_formats_idempotently_to_the_same_tree() {
    let files = policy_files();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        if let Err(e) = check_properties(&path.display().to_string(), &text) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn the_language_example_formats_idempotently_to_the_same_tree() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/language_example.funnel");
    let text = std::fs::read_to_string(path).unwrap();
    check_properties("language_example.funnel", &text).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Generated policies: valid texts with random layout, parentheses and comments

const BIN_OPS: &[&str] = &[
    "or",
    "and",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "in",
    "not in",
    "contains",
    "starts with",
    "ends with any",
    "matches",
];

/// What may follow a binary operator: a space, or a line break (with a comment).
const AFTER_OP: &[&str] = &[" ", " ", " ", "\n      ", "  # after an operator\n      "];

/// What may come before `then` and `else`: a space, or a line break (with a comment).
const AROUND_THEN_ELSE: &[&str] = &[" ", " ", "\n      ", "  # before a branch\n      "];

/// What may follow a comma in a list or record.
const AFTER_COMMA: &[&str] = &[", ", ", ", ",\n        ", ",  # after a comma\n        "];

fn leaf() -> impl Strategy<Value = String> {
    select(vec![
        "a",
        "b",
        "fit",
        "company_size",
        "tags",
        "now",
        "stage",
        "route",
        "persona buyer",
        "grade(fit)",
        "match(buyer)",
        "lower(email)",
        "last(events).at",
        "true",
        "0",
        "42",
        "1_000_000",
        "2.5",
        "1e3",
        "\"BR\"",
        "\"é \\\"q\\\" \\u{e9}\"",
        "\"# not a comment\"",
        "30d",
        "4h 15m",
        "75%",
        "2026-12-25",
        "2026-11-26T10:00:00-03:00",
        "/a\\/b|c/i",
        "[]",
        "[saas, finance]",
    ])
    .prop_map(String::from)
}

fn expr() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        let child =
            (inner.clone(), any::<bool>()).prop_map(
                |(e, paren)| {
                    if paren {
                        format!("({e})")
                    } else {
                        e
                    }
                },
            );
        prop_oneof![
            4 => (child.clone(), select(BIN_OPS), select(AFTER_OP), child.clone())
                .prop_map(|(l, op, sep, r)| format!("{l} {op}{sep}{r}")),
            1 => child.clone().prop_map(|e| format!("not {e}")),
            1 => child.clone().prop_map(|e| format!("-{e}")),
            1 => (child.clone(), any::<bool>()).prop_map(|(e, present)| {
                format!("{e} is {}", if present { "present" } else { "missing" })
            }),
            1 => (child.clone(), inner.clone(), inner.clone())
                .prop_map(|(v, lo, hi)| format!("{v} between ({lo}) and ({hi})")),
            1 => inner.clone().prop_map(|e| format!("({e}).size")),
            1 => (prop::collection::vec(inner.clone(), 0..3), select(AFTER_COMMA))
                .prop_map(|(v, sep)| format!("[{}]", v.join(sep))),
            1 => (inner.clone(), inner.clone(), inner.clone(), select(AROUND_THEN_ELSE))
                .prop_map(|(c, a, b, sep)| format!("(if {c}{sep}then {a}{sep}else {b})")),
            1 => (inner.clone(), any::<bool>()).prop_map(|(f, within)| {
                format!("(any event where {f}{})", if within { " within 30d" } else { "" })
            }),
            1 => inner.clone().prop_map(|f| format!("count(events where {f})")),
            1 => inner
                .clone()
                .prop_map(|f| format!("sum(amount of events where {f})")),
            1 => inner
                .clone()
                .prop_map(|f| format!("first(touches where {f}).at")),
            1 => (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            1 => (inner.clone(), select(AFTER_COMMA), inner.clone())
                .prop_map(|(a, sep, b)| format!("{{ x: {a}{sep}y: {b} }}")),
        ]
    })
}

/// A block as lines: `(inner, text)`, inner lines being indented in the block.
type Block = Vec<(bool, String)>;

fn top(s: impl Into<String>) -> (bool, String) {
    (false, s.into())
}

fn inner(s: impl Into<String>) -> (bool, String) {
    (true, s.into())
}

fn header() -> impl Strategy<Value = Block> {
    (any::<bool>(), any::<bool>(), 0..3usize).prop_map(|(tz, owners, limits)| {
        let mut b = vec![top("policy \"acme-inbound\" version 7")];
        if tz {
            b.push(inner("timezone \"America/Sao_Paulo\""));
        }
        if owners {
            b.push(inner("owner marketing \"Ana Souza\""));
            b.push(inner("owner sales \"Bruno Lima\""));
        }
        match limits {
            1 => b.push(inner("script limits { operations 100_000, call_depth 32 }")),
            2 => {
                b.push(inner("script limits {"));
                b.push(inner("operations 100_000,"));
                b.push(inner("call_depth 32"));
                b.push(inner("}"));
            }
            _ => {}
        }
        b
    })
}

fn schema() -> impl Strategy<Value = Block> {
    let fields = vec![
        "id: text key",
        "email: text? from \"E-mail\" missing \"\", \"n/a\"",
        "size: int missing \"0\" key",
        "tags: list<text>",
        "kind: enum(page_view, email_open, webinar, demo_request, call, meeting, other_kind, yet_another_kind, and_more)?",
        "origin: enum(a, b,\n       c)",
        "source: enum(a,  # first\n  b, c)?",
        "events: list<event>",
        "at: datetime",
        "sector: enum(servicos, industria) from \"Setor\" map servicos from \"serviços\", \"Serviços\"",
        "segment: enum(servicos, industria, comercio, agronegocio) from \"Segmento do cliente\"\n    map servicos from \"serviços\", \"Serviços\", \"SERVIÇOS\"  # pt-BR\n    map industria from \"indústria\", \"Indústria\" map comercio from \"comércio\"",
        "opt_in: bool? false \"não\", \"n\" true \"sim\", \"s\"",
        "amount: number decimal \",\" from \"Valor\"",
        "created: date format \"dd/mm/yyyy\"\n    missing \"-\"",
    ];
    prop::sample::subsequence(fields, 1..6).prop_map(|fields| {
        let mut b = vec![top("schema lead {")];
        b.extend(fields.into_iter().map(inner));
        b.push(top("}"));
        b
    })
}

fn persona() -> impl Strategy<Value = Block> {
    (any::<bool>(), prop::collection::vec(expr(), 0..3)).prop_map(|(label, conditions)| {
        let head = if label {
            "persona buyer \"Decision maker\" {"
        } else {
            "persona buyer {"
        };
        let mut b = vec![top(head)];
        b.extend(conditions.into_iter().map(inner));
        b.push(top("}"));
        b
    })
}

fn score_rule() -> impl Strategy<Value = String> {
    prop_oneof![
        expr().prop_map(|e| format!("+10 when {e}")),
        expr().prop_map(|e| format!("-40 when {e}")),
        expr().prop_map(|e| format!("+0.5 per {e}, max 30")),
        expr().prop_map(|e| format!("+2 per event where {e} within 30d, max 30")),
        expr().prop_map(|e| format!("+3 per event where {e}")),
        Just("+15 when any event where kind == webinar".to_string()),
        Just("+1 per events within 7d".to_string()),
    ]
}

fn score() -> impl Strategy<Value = Block> {
    (
        prop::collection::vec(score_rule(), 0..4),
        0..3usize,
        0..3usize,
        expr(),
    )
        .prop_map(|(rules, clamp, decay, since)| {
            let mut b = vec![top("score fit \"Profile fit\" {")];
            let mut lines: Vec<String> = rules;
            if clamp > 0 {
                lines.insert(clamp.min(lines.len()), "clamp -10..100".into());
            }
            match decay {
                1 => lines.push(format!("decay 50% every 30d since {since}")),
                2 => lines.insert(0, "decay half-life 21d since last(events).at".into()),
                _ => {}
            }
            b.extend(lines.into_iter().map(inner));
            b.push(top("}"));
            b
        })
}

fn let_item() -> impl Strategy<Value = Block> {
    (select(vec!["free_mail", "core", "is_student"]), expr())
        .prop_map(|(name, e)| vec![top(format!("let {name} = {e}"))])
}

fn grade() -> impl Strategy<Value = Block> {
    any::<bool>().prop_map(|one_line| {
        if one_line {
            vec![top("grade fit { A >= 70, B > 50.5, C >= -1, else D }")]
        } else {
            vec![
                top("grade intent {"),
                inner("hot >= 60"),
                inner("warm >= 30,"),
                inner("else cold"),
                top("}"),
            ]
        }
    })
}

fn stages() -> impl Strategy<Value = Block> {
    (prop::collection::vec(expr(), 0..3), expr(), 0..3usize).prop_map(|(whens, out, because)| {
        let mut b = vec![top("stages {"), inner("lead")];
        for (i, e) in whens.into_iter().enumerate() {
            b.push(inner(format!("s{i} when {e}")));
        }
        match because {
            1 => b.push(inner(format!(
                "disqualified when {out} because \"Not a buyer\""
            ))),
            2 => {
                b.push(inner(format!("disqualified when {out}")));
                b.push(inner("because \"Not a buyer\""));
            }
            _ => {}
        }
        b.push(top("}"));
        b
    })
}

fn route() -> impl Strategy<Value = Block> {
    prop::collection::vec(expr(), 0..3).prop_map(|whens| {
        let mut b = vec![top("route {")];
        for (i, e) in whens.into_iter().enumerate() {
            b.push(inner(format!("r{i} when {e}")));
        }
        b.push(inner("inside_sales otherwise"));
        b.push(top("}"));
        b
    })
}

fn calendar() -> impl Strategy<Value = Block> {
    Just(vec![
        top("calendar office {"),
        inner("timezone \"America/Sao_Paulo\""),
        inner("mon-fri 09:00-12:00,13:00-18:00"),
        inner("sat 9:00-13:00"),
        inner("holidays brazil"),
        inner("holidays 2026-12-24, 2026-12-31"),
        top("}"),
    ])
}

fn sla() -> impl Strategy<Value = Block> {
    let deadline = select(vec![
        "within 4h 30m of office",
        "within 2d",
        "within 3 business days of office",
        "within 1 business day of office",
    ]);
    prop_oneof![
        (expr(), deadline).prop_map(|(applies, deadline)| vec![
            top("sla first_touch \"Sales calls every SQL\" {"),
            inner("owner sales"),
            inner(format!("applies when {applies}")),
            inner("starts at sql_at"),
            inner("met by first(touches where kind in [call, meeting]).at"),
            inner(deadline),
            inner("warn at 75%"),
            inner("on breach escalate \"sales-manager\", recycle to mql"),
            inner("on breach notify \"#sales\""),
            top("}"),
        ]),
        select(vec![
            "at least 200 leads reach mql per month by created_at",
            "at most 50% of leads reaching mql reach sql per week by created_at",
            "at least 90% of first_touch met per quarter",
        ])
        .prop_map(|line| vec![
            top("sla volume \"Marketing delivers\" {"),
            inner("owner marketing"),
            inner(line),
            top("}"),
        ]),
    ]
}

fn metric() -> impl Strategy<Value = Block> {
    (expr(), any::<bool>()).prop_map(|(e, broken)| {
        let value = format!("count(leads where {e}) / count(leads)");
        if broken {
            vec![
                top("metric rate \"Qualified rate\" ="),
                inner(value),
                inner("per month by created_at"),
            ]
        } else {
            vec![top(format!("metric rate = {value} per week by created_at"))]
        }
    })
}

fn test_block() -> impl Strategy<Value = Block> {
    (0..5usize, prop::collection::vec(expr(), 0..3)).prop_map(|(given, expects)| {
        let mut b = vec![top("test \"a gmail lead stays a lead\" {")];
        match given {
            0 => b.push(inner("given lead from \"leads/one.json\"")),
            3 => b.push(inner("given leads from \"leads/batch.jsonl\"")),
            4 => {
                b.push(inner("given leads ["));
                b.push(inner("{ id: \"t1\", email: \"ana@gmail.com\", tags: [] },"));
                b.push(inner("{ id: \"t2\", email: \"bia@gmail.com\", tags: [], events: [] }"));
                b.push(inner("]"));
            }
            1 => b.push(inner(
                "given lead { id: \"t1\", email: \"ana@gmail.com\", tags: [], events: [] }",
            )),
            _ => {
                b.push(inner("given lead {"));
                b.push(inner("id: \"t1\", email: \"ana@gmail.com\","));
                b.push(inner("company_size: 200"));
                b.push(inner(
                    "events: [{ kind: page_view, at: 2026-11-25T14:05:00-03:00 }, { kind: webinar, at: 2026-11-26T09:10:00-03:00, page: \"/pricing\" }]",
                ));
                b.push(inner("}"));
            }
        }
        b.push(inner("at 2026-11-26T10:00:00-03:00"));
        b.extend(expects.into_iter().map(|e| inner(format!("expect {e}"))));
        b.push(top("}"));
        b
    })
}

fn use_script() -> impl Strategy<Value = Block> {
    Just(vec![
        top("use script \"scripts/tiers.rhai\" {"),
        inner("fn domain_tier(email: text, n: int?) -> list<int>"),
        top("}"),
    ])
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        1 => schema(),
        1 => persona(),
        3 => score(),
        2 => let_item(),
        1 => grade(),
        1 => stages(),
        1 => route(),
        1 => calendar(),
        1 => sla(),
        1 => metric(),
        2 => test_block(),
        1 => use_script(),
    ]
}

/// Layout noise for one line: indentation, a blank line and comments before it, a trailing
/// comment.
#[derive(Debug, Clone)]
struct Noise {
    indent: &'static str,
    blank: bool,
    comment_before: bool,
    trailing: bool,
}

fn noise() -> impl Strategy<Value = Noise> {
    (
        select(vec!["  ", "  ", " ", "\t", "      "]),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(indent, blank, comment_before, trailing)| Noise {
            indent,
            blank,
            comment_before,
            trailing,
        })
}

fn policy_text() -> impl Strategy<Value = String> {
    (
        prop::option::of(header()),
        prop::collection::vec(block(), 1..5),
        prop::collection::vec(noise(), 64),
        any::<bool>(),
    )
        .prop_map(|(header, blocks, noise, comment_at_end)| {
            let lines: Vec<(bool, String)> = header.into_iter().chain(blocks).flatten().collect();
            let mut text = String::new();
            for (i, (is_inner, line)) in lines.iter().enumerate() {
                let n = &noise[i % noise.len()];
                if n.blank {
                    text.push('\n');
                }
                if n.comment_before {
                    text.push_str(if *is_inner { n.indent } else { "" });
                    text.push_str(&format!("# before line {i}\n"));
                }
                if *is_inner {
                    text.push_str(n.indent);
                }
                text.push_str(line);
                if n.trailing {
                    text.push_str(&format!("   #trailing {i}"));
                }
                text.push('\n');
            }
            if comment_at_end {
                text.push_str("# the end\n");
            }
            text
        })
}

proptest! {
    // 256 cases unless PROPTEST_CASES says otherwise.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn generated_policies_format_idempotently_to_the_same_tree(text in policy_text()) {
        check_properties("generated.funnel", &text)?;
    }

    #[test]
    fn generated_expressions_keep_their_meaning(e in expr()) {
        check_properties("expr.funnel", &format!("let x = {e}\n"))?;
    }
}

// ---------------------------------------------------------------------------------------------
// Parentheses

#[test]
fn parentheses_are_printed_where_precedence_needs_them() {
    let cases = [
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or (b and c)"),
        ("a or b and c", "a or (b and c)"),
        ("((a))", "a"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a * (b + c)", "a * (b + c)"),
        ("-(a + b)", "-(a + b)"),
        ("not (a and b)", "not (a and b)"),
        ("not a == b", "not a == b"),
        ("(not a) == b", "(not a) == b"),
        ("(a == b) == c", "a == b == c"),
        ("a == (b == c)", "a == (b == c)"),
        ("(a + b).c", "(a + b).c"),
        ("(a is missing) == b", "a is missing == b"),
        ("a == (b is missing)", "a == (b is missing)"),
        ("x between (1 + 2) and (3)", "x between 1 + 2 and 3"),
        ("x between (a or b) and 3", "x between (a or b) and 3"),
        ("(if a then b else c) + 1", "(if a then b else c) + 1"),
        ("1 + (if a then b else c)", "1 + if a then b else c"),
        (
            "(any event where kind == webinar) and fit > 3",
            "any(event where kind == webinar) and fit > 3",
        ),
        (
            "fit > 3 and (any event where kind == webinar)",
            "fit > 3 and any event where kind == webinar",
        ),
        ("a contains (any e where x)", "a contains (any e where x)"),
        ("count(leads)", "count(leads)"),
        ("- -a", "--a"),
    ];
    for (input, expected) in cases {
        let out = fmt(&format!("let x = {input}\n"));
        assert_eq!(out, format!("let x = {expected}\n"), "for {input}");
        check_properties("p.funnel", &format!("let x = {input}\n")).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Comments

#[test]
fn comments_survive_in_their_places() {
    let text = "\
# file comment

# about the header
policy \"p\" version 1   # trailing on the header
  timezone \"UTC\"
  # before owner
  owner sales \"Bruno\"
score fit {   # after the brace
  # before the first rule
  +10 when a and   # inside the expression
      b
  +5 when c
  # before the closing brace
}   # after the closing brace
# between blocks
let x = [
  1,  # one
  # two next
  2
]
# at the end
";
    let out = fmt(text);
    assert_eq!(comments(text), comments(&out));
    insta::assert_snapshot!("comments_everywhere", out);
    check_properties("comments.funnel", text).unwrap();
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    let file = SourceFile::new("bad.funnel", "score fit {\n  +10 when\n}\n");
    let errors = format(&file).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].span.line_col(), (2, 11));
}

/// Excel and Windows editors start UTF-8 files with a byte-order mark: `funnel fmt` drops it,
/// whether a comment or a block follows it.
#[test]
fn a_byte_order_mark_is_dropped() {
    assert_eq!(
        fmt("\u{FEFF}score fit {\n+1 when a\n}\n"),
        "score fit {\n  +1 when a\n}\n"
    );
    assert_eq!(fmt("\u{FEFF}# note\nlet x = 1\n"), "# note\nlet x = 1\n");
    assert_eq!(fmt("\u{FEFF}"), "");
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n"), "");
    assert_eq!(fmt("# only\n\n\n# comments   \n"), "# only\n\n# comments\n");
}

// ---------------------------------------------------------------------------------------------
// Snapshots of messy inputs

#[test]
fn messy_header_and_schema() {
    let text = "\
policy   \"acme\"
    version 7
 timezone    \"America/Sao_Paulo\"   # zone
\towner  marketing \"Ana\"
  script limits {operations 100_000,call_depth 32
  }
schema lead{
id:text key
      email : text?   from \"E-mail\"  missing \"\" ,\"n/a\"
  kind: enum(page_view, email_open, webinar, demo_request, call, meeting, other_kind, yet_another_kind)?
    tags:list< text >
}
";
    insta::assert_snapshot!("messy_header_and_schema", fmt(text));
    check_properties("messy.funnel", text).unwrap();
}

#[test]
fn field_input_modifiers_stay_on_the_line_when_they_fit_else_one_a_line() {
    let text = "\
schema lead {
  setor: enum(servicos, industria)   from \"Setor\" map servicos from \"serviços\",\"Serviços\"
  segment: enum(servicos, industria, comercio) map servicos from \"serviços\", \"Serviços\" map industria from \"indústria\", \"Indústria\" true \"x\"
  ok: bool   true \"sim\" ,\"s\"
     false \"não\"
  kind: enum(a, b) from \"Tipo\"
    # why b
    map b from \"B\"
  amount: number   decimal \",\"  from \"Valor\"
  created: datetime format \"dd/mm/yyyy hh:mm\" missing \"-\"
}
";
    let out = fmt(text);
    insta::assert_snapshot!("field_input_modifiers", out);
    check_properties("input.funnel", text).unwrap();
}

#[test]
fn messy_scores_lets_and_grades() {
    let text = "\
let free_mail=lower( email )ends with any[\"@gmail.com\",\"@hotmail.com\"]
let   x =
   (a or b)  and    c
score fit \"Profile fit\"{+30 when persona buyer
  -40   when free_mail
      +2 per event where kind==page_view within 30d,max 30
   +1 per count(events)
  decay 50%   every 30d since last ( events ).at
 clamp 0 .. 100
}
grade fit {A>=70,B>50
  else D}
grade intent {
  hot >= 60
  warm >= 30
  else cold
}
";
    insta::assert_snapshot!("messy_scores_lets_and_grades", fmt(text));
    check_properties("messy.funnel", text).unwrap();
}

#[test]
fn messy_stages_routes_calendars_and_slas() {
    let text = "\
stages{
lead
  mql when fit>=40 and
        engagement >= 25
  disqualified when \"competitor\" in tags because \"Not a buyer\"
}
route {
enterprise when company_size > 1000
      inside_sales    otherwise
}
calendar office {
  holidays 2026-12-24,2026-12-31
  mon-fri 9:00-12:00,13:00-18:00
  timezone \"America/Sao_Paulo\"
  sat-sat 09:00 - 13:00
}
sla first_touch \"Sales calls every SQL\" {
  owner sales
  applies when stage==sql
  starts at sql_at
  met by first( touches where kind in [call,meeting] ).at
  within 4h   30m of office
  warn at 75%
  on breach escalate \"mgr\",recycle to mql
}
sla volume{owner marketing
at least 200 leads reach mql per month by created_at}
metric qualified_rate \"Share of leads that reach SQL\" = count(leads where stage >= sql) / count(leads) per month by created_at
metric short=count(leads)per week by created_at
";
    insta::assert_snapshot!("messy_stages_routes_calendars_and_slas", fmt(text));
    check_properties("messy.funnel", text).unwrap();
}

#[test]
fn business_days_round_trip() {
    let text = "\
sla reply {
  starts at created_at
  met by first(touches).at
  within   3   business    days   of office
}
sla quick {
  starts at created_at
  met by first(touches).at
  within 1 business days of office # one day, whatever the plural
}
";
    assert_eq!(
        fmt(text),
        "\
sla reply {
  starts at created_at
  met by first(touches).at
  within 3 business days of office
}

sla quick {
  starts at created_at
  met by first(touches).at
  within 1 business day of office  # one day, whatever the plural
}
"
    );
    check_properties("business_days.funnel", text).unwrap();
}

#[test]
fn messy_tests_and_scripts() {
    let text = "\
test \"a gmail lead\" {
  given lead { id: \"t1\", email: \"ana@gmail.com\", company_size: 200, industry: saas, role: \"Head of Growth\", tags: [] }
  at 2026-11-26T10:00:00-03:00
    expect fit == 0   # no points
  expect stage==lead
}
test \"short\" {
  given lead {id: \"t2\"
    tags: []}
  expect persona buyer
}
test \"from a file\" { given lead from \"leads/x.json\"
}
test \"a batch\" {
  given leads [{ id: \"a\", email: \"ana@gmail.com\", company_size: 200, industry: saas, role: \"Head of Growth\", tags: [] },
    {id: \"b\"
      tags: []}]
  at 2026-11-26T10:00:00-03:00
  expect metric(sql_rate,\"2026-11\") == 1/2
  expect funnel( mql ) == 1
}
test \"a batch from a file\" { given leads from \"leads/batch.jsonl\"
  expect status(mql_volume, \"2026-11\") == held
}
use script \"scripts/tiers.rhai\" {
  fn domain_tier( email : text,n:int? )->int
}
";
    insta::assert_snapshot!("messy_tests_and_scripts", fmt(text));
    check_properties("messy.funnel", text).unwrap();
}

#[test]
fn stage_history_segments_units_targets_and_tables_round_trip() {
    let text = "\
stages {
  prospect
  engaging   at   engage_date when engage_date is present
  lost when deal_stage == Lost because \"Deal lost\"
}
table  spend \"Spend\"   by month {
  month: date
  origin: enum(ads, social) from \"channel\"
  amount:   number
}
metric cpl \"Spend per MQL\" = sum(amount of spend) / count(leads) per month by created_at
  split by origin,grade(fit)
  as money   \"BRL\"
  at most 80
  owner   marketing
sla win_rate {
  at least 60% of leads reaching engaging reach won per quarter by close_date
  split   by sector
}
";
    let expected = "\
stages {
  prospect
  engaging at engage_date when engage_date is present
  lost when deal_stage == Lost
    because \"Deal lost\"
}

table spend \"Spend\" by month {
  month: date
  origin: enum(ads, social) from \"channel\"
  amount: number
}

metric cpl \"Spend per MQL\" =
  sum(amount of spend) / count(leads)
  per month by created_at
  split by origin, grade(fit)
  as money \"BRL\"
  at most 80
  owner marketing

sla win_rate {
  at least 60% of leads reaching engaging reach won per quarter by close_date
  split by sector
}
";
    assert_eq!(fmt(text), expected);
    // Formatting is stable.
    assert_eq!(fmt(expected), expected);
}

#[test]
fn a_tests_table_rows_round_trip() {
    let text = "\
test \"cpl\" {
  given leads from \"leads.jsonl\"
  given   spend   [ { month: 2018-04-01, amount: 120 } ]
  given costs from   \"costs.csv\"
  at 2018-12-01T00:00:00Z
  expect metric(cpl, \"2018-04\") == 60
}
";
    let expected = "\
test \"cpl\" {
  given leads from \"leads.jsonl\"
  given spend [{ month: 2018-04-01, amount: 120 }]
  given costs from \"costs.csv\"
  at 2018-12-01T00:00:00Z
  expect metric(cpl, \"2018-04\") == 60
}
";
    assert_eq!(fmt(text), expected);
    assert_eq!(fmt(expected), expected);
}

/// An indented top-level block is read, with a warning, and formatting moves it to column 1.
#[test]
fn an_indented_block_is_moved_to_column_one() {
    let text = "let a = 1\n\n  score fit {\n    +1 when a\n  }\n";
    let (tree, errors) = parse(&SourceFile::new("i.funnel", text));
    assert_eq!(tree.items.len(), 2);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].kind.is_warning());
    assert_eq!(errors[0].span.text(), "score");
    assert_eq!(errors[0].span.line_col(), (3, 3));
    assert_eq!(
        errors[0].message,
        "the block `score` is indented: a top-level block starts in column 1"
    );
    assert_eq!(errors[0].label, "in column 3");
    assert_eq!(fmt(text), "let a = 1\n\nscore fit {\n  +1 when a\n}\n");
}
