//! Syntax errors: plain words, a span on the right line, a help line for common slips, and
//! recovery so that one broken block does not hide the others.

mod common;
use common::*;
use funnel_grammar::ast::Item;
use funnel_grammar::{parse, SourceFile, SyntaxKind};

fn line(e: &funnel_grammar::SyntaxError) -> usize {
    e.span.line_col().0
}

/// No message may show a grammar rule name.
fn assert_plain(e: &funnel_grammar::SyntaxError) {
    let rule_like = |text: &str| {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .find(|w| {
                ["expr", "arith", "EOI", "SOI", "Rule", "positives"].contains(w)
                    || ["kw_", "p_", "op_", "lit_"]
                        .iter()
                        .any(|p| w.starts_with(p))
                    || w.ends_with("_line")
            })
            .map(str::to_string)
    };
    assert_eq!(rule_like(&e.message), None, "{:?}", e.message);
    assert_eq!(rule_like(&e.label), None, "{:?}", e.label);
}

#[test]
fn single_equals_suggests_double() {
    let e = error("score fit {\n  +10 when country = \"BR\"\n}\n");
    assert_eq!(line(&e), 2);
    assert_eq!(e.span.text(), "=");
    assert!(e.message.contains("found `=`"), "{}", e.message);
    assert_eq!(e.help.as_deref(), Some("use `==` to compare"));
    assert_plain(&e);
}

#[test]
fn missing_when_in_a_score_rule() {
    let e = error("score fit {\n  +10 country == \"BR\"\n}\n");
    assert_eq!(line(&e), 2);
    assert_eq!(e.message, "expected `when` or `per`, found `country`");
    assert!(e.help.unwrap().contains("+10 when"));
}

#[test]
fn points_without_a_sign() {
    let e = error("score fit {\n  +5 when a\n  10 when x\n}\n");
    assert_eq!(line(&e), 3);
    assert!(
        e.message
            .starts_with("expected a score rule such as `+10 when ...`"),
        "{}",
        e.message
    );
    assert_eq!(
        e.help.as_deref(),
        Some("write the points with a sign: `+10` or `-10`")
    );
    assert_plain(&e);
}

#[test]
fn c_style_logic_operators() {
    assert_eq!(
        error("let x = a && b\n").help.as_deref(),
        Some("write `and` to require both")
    );
    assert_eq!(
        error("let x = a || b\n").help.as_deref(),
        Some("write `or` to accept either")
    );
}

#[test]
fn unterminated_string() {
    let e = error("persona p {\n  role == \"Head of\n}\n");
    assert_eq!(line(&e), 2);
    assert_eq!(e.span.text(), "\"Head of");
    assert!(e.message.contains("closing `\"`"));
    assert!(e.help.is_some());
}

#[test]
fn unknown_escape_in_a_string() {
    let e = error("let x = \"a\\qb\"\n");
    assert_eq!(e.message, "`\\q` is not an escape a text can contain");
}

#[test]
fn missing_closing_brace_is_reported_at_the_end_of_its_block() {
    let e = error("score fit {\n  +10 when a\n\n# comment\nlet x = 1\n");
    assert_eq!(line(&e), 2, "{e:?}");
    assert!(e.message.starts_with("expected `}`"), "{}", e.message);
    assert!(
        e.message.ends_with("found the next block (line 5)"),
        "{}",
        e.message
    );
    assert!(e.help.unwrap().contains("score fit"));
    let e = error("stages {\n  lead\n");
    assert!(
        e.message.ends_with("found the end of the file"),
        "{}",
        e.message
    );
}

#[test]
fn missing_closing_parenthesis() {
    let e = error("let x = (a + b\n");
    assert!(e.message.starts_with("expected `)`"), "{}", e.message);
}

#[test]
fn a_type_is_expected() {
    let e = error("schema lead {\n  id: 42\n}\n");
    assert_eq!(
        e.message,
        "expected a type such as `text` or `list<event>`, found `42`"
    );
}

#[test]
fn stray_text_before_the_first_block() {
    let e = error("hello\nlet x = 1\n");
    assert_eq!(line(&e), 1);
    assert!(
        e.message.starts_with("expected a block such as"),
        "{}",
        e.message
    );
    assert!(e.help.unwrap().contains("policy, schema"));
}

#[test]
fn aggregate_commitment_needs_by() {
    let e = error("sla v {\n  at least 200 leads reach mql per month\n}\n");
    assert_eq!(e.message, "expected `by`, found the end of the line");
}

#[test]
fn invalid_dates_times_and_clock_hours() {
    assert!(error("let d = 2026-13-01\n")
        .message
        .contains("not a valid date"));
    assert!(error("let d = 2026-01-01T25:00:00Z\n")
        .message
        .contains("invalid time"));
    let e = error("calendar c {\n  mon-fri 09:00-24:30\n}\n");
    assert_eq!(e.span.text(), "24:30");
}

#[test]
fn repeated_once_only_lines() {
    let e = error("score s {\n  clamp 0..10\n  clamp 0..20\n}\n");
    assert_eq!(line(&e), 3);
    assert_eq!(e.message, "`clamp` is given twice in this block");
    assert_eq!(
        error("grade g { A >= 1, else B, else C }\n").message,
        "`else` is given twice in this block"
    );
}

#[test]
fn an_sla_cannot_mix_per_lead_and_aggregate_lines() {
    let e =
        error("sla s {\n  within 4h\n  at least 10 leads reach mql per month by created_at\n}\n");
    assert_eq!(line(&e), 2);
}

#[test]
fn reserved_words_are_not_names() {
    let e = error("let stage = 1\n");
    assert!(e.message.contains("a name"), "{}", e.message);
}

#[test]
fn recovery_reports_every_broken_block_and_keeps_the_good_ones() {
    let src = "score a {\n  +10 when x = 1\n}\n\nlet good = 1\n\nstages {\n  lead\n  mql when fit >=\n}\n\nroute {\n  x otherwise\n}\n";
    let (tree, errors) = parse(&SourceFile::new("r.funnel", src));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(line(&errors[0]), 2);
    assert_eq!(line(&errors[1]), 10);
    assert_eq!(tree.items.len(), 2);
    assert!(matches!(tree.items[0], Item::Let(_)));
    assert!(matches!(tree.items[1], Item::Route(_)));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("let x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    let e = error(&deep);
    assert!(e.message.contains("nested too deeply"), "{}", e.message);
    // Within the limit it parses.
    parse_ok(&format!("let x = {}1{}\n", "(".repeat(60), ")".repeat(60)));
}

#[test]
fn very_deep_input_does_not_overflow_the_stack() {
    for src in [
        format!("let x = {}1\n", "(".repeat(100_000)),
        format!("let x = {}1\n", "[".repeat(50_000)),
        format!("let x = {}a\n", "not ".repeat(50_000)),
        format!("let x = {}a\n", "- ".repeat(50_000)),
        format!("let x = {}1 else 2\n", "if a then ".repeat(20_000)),
        format!("let x = a{}\n", " + a".repeat(100_000)),
        format!("let x = a{}\n", " or a".repeat(50_000)),
        format!("schema s {{\n  a: {}int\n}}\n", "list<".repeat(5_000)),
        format!(
            "schema s {{\n  a: {}int{}\n}}\n",
            "list<".repeat(100),
            ">".repeat(100)
        ),
        format!("let x = {}\n", "{a: ".repeat(5_000)),
    ] {
        let errs = errors(&src);
        assert_eq!(errs.len(), 1, "{:?}", &src[..30]);
        assert_plain(&errs[0]);
    }
}

#[test]
fn messages_never_name_grammar_rules() {
    for src in [
        "score s {\n  +1 when\n}\n",
        "schema s {\n  a: list<\n}\n",
        "calendar c {\n  mon 9\n}\n",
        "sla s {\n  on breach shout \"x\"\n}\n",
        "test \"t\" {\n  given lead\n}\n",
        "use script \"x\" {\n  fn (a: text) -> int\n}\n",
        "policy \"p\"\n",
        "grade g { A 10 }\n",
        "metric m = 1 per year by x\n",
        "let x = [1, 2\n",
        "let x = {a 1}\n",
        "let x = a between 1\n",
    ] {
        let errs = errors(src);
        assert_eq!(errs.len(), 1, "{src:?}");
        assert_plain(&errs[0]);
        assert!(
            errs[0].message.starts_with("expected "),
            "{src:?}: {}",
            errs[0].message
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Names with accents

/// An accented name is an error once per spelling and file, with the ASCII spelling to write
/// and the other lines that spell it so, and it is read as that spelling.
#[test]
fn an_accented_name_is_read_as_its_ascii_spelling() {
    let src = "score intenção {\n  +1 when a\n}\nlet b = intenção + 1\nlet c = intenção * 2\n";
    let (tree, errors) = parse(&SourceFile::new("n.funnel", src));
    assert_eq!(tree.items.len(), 3);
    let Item::Score(s) = &tree.items[0] else {
        panic!("{:?}", tree.items[0])
    };
    assert_eq!(s.name.name, "intencao");
    assert_eq!(s.name.span.text(), "intenção");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!(e.kind, SyntaxKind::NonAsciiName);
    assert_eq!(e.span.line_col(), (1, 7));
    assert_eq!(
        e.message,
        "`intenção` is not a valid name: names are made of ASCII letters, digits and `_`"
    );
    assert_eq!(e.label, "`ç` is not an ASCII letter");
    assert_eq!(
        e.help.as_deref(),
        Some("write `intencao` here and on lines 4 and 5")
    );
}

#[test]
fn an_accented_field_may_keep_its_input_spelling_with_from() {
    let e = error("schema lead {\n  funcionários: int\n}\n");
    assert_eq!(e.span.text(), "funcionários");
    assert_eq!(
        e.help.as_deref(),
        Some("write `funcionarios`; if the input calls the field `funcionários`, add `from \"funcionários\"` after its type")
    );
    let e = error("schema lead {\n  funcionários: int from \"Employees\"\n}\n");
    assert_eq!(e.help.as_deref(), Some("write `funcionarios`"));
}

#[test]
fn a_name_without_an_ascii_spelling_is_to_be_renamed() {
    let e = error("let 客户 = 1\n");
    assert_eq!(e.kind, SyntaxKind::NonAsciiName);
    assert!(e.help.unwrap().starts_with("rename it with ASCII letters"));
    // `ór` would be `or`, a reserved word: no spelling is suggested.
    let e = error("let ór = 1\n");
    assert!(
        e.help.as_deref().unwrap_or("").starts_with("rename it"),
        "{e:?}"
    );
}

/// A word with an accent is one word: `orçamento` is not `or` followed by `çamento`.
#[test]
fn an_accented_word_is_not_a_keyword_and_the_rest() {
    let e = error("let x = a orçamento\n");
    assert_eq!(e.kind, SyntaxKind::Grammar);
    assert_eq!(e.span.text(), "orçamento");
    let e = error("let x = orçamento\n");
    assert_eq!(e.kind, SyntaxKind::NonAsciiName);
    assert_eq!(e.help.as_deref(), Some("write `orcamento`"));
}

// ---------------------------------------------------------------------------------------------
// Numbers written as elsewhere

/// The message, underlined text and help of the only error of `let x = {written}`.
fn slip(src: &str) -> (String, String, String) {
    let e = error(src);
    assert_plain(&e);
    (
        e.message,
        e.span.text().to_string(),
        e.help.unwrap_or_default(),
    )
}

#[test]
fn thousands_separated_by_dots_suggest_underscores() {
    let (message, text, help) = slip("let x = y >= 1.000.000\n");
    assert_eq!(text, "1.000.000");
    assert_eq!(
        message,
        "`1.000.000` is not a number: `.` starts the decimals, it does not separate thousands"
    );
    assert_eq!(
        help,
        "write `1_000_000` (or `1000000`): `_` may separate the thousands"
    );
    let (_, text, help) = slip("let x = [2.500.000,75]\n");
    assert_eq!(text, "2.500.000,75");
    assert!(
        help.starts_with("write `2_500_000.75` (or `2500000.75`)"),
        "{help}"
    );
    // A field of a record named with digits is not a number.
    let (message, _, _) = slip("let x = a1.000.000\n");
    assert!(message.starts_with("expected a name"), "{message}");
}

#[test]
fn unknown_duration_units_map_to_the_languages() {
    let cases = [
        ("let x = now - y > 4 horas\n", "4 horas", "write `4h`"),
        ("let x = now - y > 4 hours\n", "4 hours", "write `4h`"),
        ("let x = now - y > 4hrs\n", "4hrs", "write `4h`"),
        ("let x = now - y > 30dias\n", "30dias", "write `30d`"),
        ("let x = now - y > 30 days\n", "30 days", "write `30d`"),
        ("let x = now - y > 2 semanas\n", "2 semanas", "write `2w`"),
        (
            "let x = now - y > 15 minutos\n",
            "15 minutos",
            "write `15m`",
        ),
        ("let x = now - y > 15min\n", "15min", "write `15m`"),
        ("let x = now - y > 4 h\n", "4 h", "write `4h`"),
        (
            "let x = now - y > 3 meses\n",
            "3 meses",
            "write `90d`, counting 30 days a month",
        ),
        (
            "let x = now - y > 1 mês\n",
            "1 mês",
            "write `30d`, counting 30 days a month",
        ),
        (
            "let x = now - y > 1mo\n",
            "1mo",
            "write `30d`, counting 30 days a month",
        ),
        (
            "let x = now - y > 2 anos\n",
            "2 anos",
            "write `730d`, counting 365 days a year",
        ),
        (
            "let x = now - y > 3x\n",
            "3x",
            "write a unit the language has",
        ),
    ];
    for (src, underlined, fix) in cases {
        let (message, text, help) = slip(src);
        assert_eq!(text, underlined, "{src}");
        assert_eq!(
            message,
            format!("`{underlined}` is not a duration"),
            "{src}"
        );
        assert_eq!(
            help,
            format!("{fix}; a duration is a whole number and a unit, without a space: `w` (weeks), `d` (days), `h` (hours), `m` (minutes) or `s` (seconds), as in `30d` or `4h 15m`"),
            "{src}"
        );
    }
}

#[test]
fn days_in_an_sla_may_be_business_days() {
    let (_, text, help) = slip("sla s {\n  within 3 days of office\n}\n");
    assert_eq!(text, "3 days");
    assert!(
        help.starts_with("write `3d`, or `3 business days` to count the calendar's open days; "),
        "{help}"
    );
}

/// Words after a number that are no unit keep their own messages.
#[test]
fn other_words_after_a_number_are_other_slips() {
    let (message, _, _) = slip("score s {\n  +10 wen x\n}\n");
    assert_eq!(message, "expected `when` or `per`, found `wen`");
    let (message, _, _) = slip("policy \"p\" version 3a\n");
    assert_eq!(message, "expected a number, found `3a`");
}

#[test]
fn an_accented_enum_value_may_keep_its_input_spelling_with_map() {
    let e = error("schema lead {\n  setor: enum(saas, serviços, varejo)\n}\n");
    assert_eq!(e.span.text(), "serviços");
    assert_eq!(
        e.help.as_deref(),
        Some("write `servicos`; if the input writes `serviços`, add `map servicos from \"serviços\"` after the type")
    );
    // Not in a type: a plain rename.
    let e = error("let x = enum_of(serviços)\n");
    assert_eq!(e.help.as_deref(), Some("write `servicos`"));
}
