//! Line breaks and comments.

mod common;
use common::*;
use funnel_grammar::ast::*;
use funnel_grammar::{parse, SourceFile};

fn score_rules(src: &str) -> Vec<ScoreRule> {
    match item(src) {
        Item::Score(s) => s.rules,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_signed_rule_on_the_next_line_is_a_new_rule() {
    let rules = score_rules("score fit {\n  +30 when persona dm\n  -40 when free_mail\n}\n");
    assert_eq!(rules.len(), 2);
    assert_eq!(
        rules[0].kind,
        RuleKind::When(ex(ExprKind::Persona(id("dm"))))
    );
    assert_eq!(rules[1].points, numlit(-40.0, true));
}

#[test]
fn a_line_starting_with_and_or_continues_the_condition() {
    let rules = score_rules("score fit {\n  +10 when a\n    and b\n    or c\n  +5 when d\n}\n");
    assert_eq!(rules.len(), 2);
    assert_eq!(
        rules[0].kind,
        RuleKind::When(bin(
            BinOp::Or,
            bin(BinOp::And, name("a"), name("b")),
            name("c")
        ))
    );
}

#[test]
fn an_if_may_span_lines_at_then_and_else() {
    let one_line = score_rules("score fit {\n  +1 per if a then b else c\n  +5 when d\n}\n");
    for src in [
        "score fit {\n  +1 per if a\n    then b\n    else c\n  +5 when d\n}\n",
        "score fit {\n  +1 per if a then\n    b else\n    c\n  +5 when d\n}\n",
        "score fit {\n  +1 per if\n    a\n    then b  # why\n\n    else c\n  +5 when d\n}\n",
    ] {
        let rules = score_rules(src);
        assert_eq!(rules.len(), 2, "{src}");
        assert_eq!(rules[0].kind, one_line[0].kind, "{src}");
        assert_eq!(rules[1].kind, one_line[1].kind, "{src}");
    }
}

#[test]
fn an_expression_continues_after_an_infix_operator() {
    let Item::Persona(p) =
        item("persona p {\n  size >=\n    50\n  a +\n  # comment between\n  b > 3\n}\n")
    else {
        panic!()
    };
    assert_eq!(
        p.conditions,
        vec![
            bin(BinOp::Ge, name("size"), int(50)),
            bin(BinOp::Gt, bin(BinOp::Add, name("a"), name("b")), int(3))
        ]
    );
}

#[test]
fn brackets_allow_line_breaks_after_opening_after_commas_and_before_closing() {
    assert_eq!(expr("[\n  a,\n  b\n]"), list(vec![name("a"), name("b")]));
    assert_eq!(
        expr("f(\n  a,\n  b\n)"),
        call("f", vec![name("a"), name("b")])
    );
    assert_eq!(expr("(\n  a or b\n)"), bin(BinOp::Or, name("a"), name("b")));
}

#[test]
fn blank_lines_and_comments_between_lines() {
    let rules = score_rules("score fit {   # opening comment\n\n  # a note\n  +1 when a   # why\n\n\n  +2 when b\n  # before the end\n}\n");
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0].span.text(), "+1 when a");
}

#[test]
fn every_comment_is_collected_with_its_span() {
    let src = "# header comment\npolicy \"p\" version 1   # trailing\nscore s { # in block\n  +1 when a == \"#not a comment\"  # after string\n  +2 when b matches /a#b/ # after regex\n}\n";
    let file = SourceFile::new("c.funnel", src);
    let (tree, errors) = parse(&file);
    assert!(errors.is_empty(), "{errors:?}");
    let texts: Vec<&str> = tree.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            " header comment",
            " trailing",
            " in block",
            " after string",
            " after regex"
        ]
    );
    for c in &tree.comments {
        assert!(c.span.text().starts_with('#'));
        assert_eq!(&c.span.text()[1..], c.text);
    }
    assert_eq!(tree.comments[3].span.line_col(), (4, 34));
}

#[test]
fn comments_are_collected_even_from_broken_blocks() {
    let (tree, errors) = parse(&SourceFile::new(
        "c.funnel",
        "score s {\n  +1 when # note\n}\n",
    ));
    assert_eq!(errors.len(), 1);
    assert_eq!(tree.comments.len(), 1);
    assert_eq!(tree.comments[0].text, " note");
}

#[test]
fn windows_line_endings() {
    let tree = parse_ok("score fit {\r\n  +1 when a # c\r\n  -2 when b\r\n}\r\n");
    let Item::Score(s) = &tree.items[0] else {
        panic!()
    };
    assert_eq!(s.rules.len(), 2);
    assert_eq!(tree.comments[0].text, " c");
}

/// A byte-order mark (Excel, Windows editors) is not part of the text: the block after it is
/// read, its spans point after the mark and columns do not count it.
#[test]
fn a_byte_order_mark_is_skipped() {
    let file = SourceFile::new(
        "bom.funnel",
        "\u{FEFF}score fit {\n  +1 when a\n}\nlet x = 1\n",
    );
    let (tree, errors) = parse(&file);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(tree.items.len(), 2);
    let Item::Score(s) = &tree.items[0] else {
        panic!("{:?}", tree.items[0])
    };
    assert_eq!(s.name.span.text(), "fit");
    assert_eq!(s.name.span.line_col(), (1, 7));
    assert_eq!(tree.items[0].span().line_col(), (1, 1));
    let tree = parse_ok("\u{FEFF}# made in Excel\nlet x = 1\n");
    assert_eq!(tree.items.len(), 1);
    assert_eq!(tree.comments[0].span.line_col(), (1, 1));
}

#[test]
fn a_file_with_only_comments_is_empty() {
    let tree = parse_ok("# nothing here\n\n# really\n");
    assert!(tree.items.is_empty());
    assert_eq!(tree.comments.len(), 2);
    assert!(parse_ok("").items.is_empty());
}

#[test]
fn blocks_may_follow_each_other_without_blank_lines() {
    let tree = parse_ok("let a = 1\nlet b = 2\nstages {\n  lead\n}\nroute {\n  x otherwise\n}");
    assert_eq!(tree.items.len(), 4);
}
