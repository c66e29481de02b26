//! Expressions: literals, operators and their precedence, list forms.

mod common;
use common::*;
use funnel_grammar::ast::*;

// ---- literals ----

#[test]
fn numbers_with_underscores_and_fractions() {
    assert_eq!(expr("1_000_000"), int(1_000_000));
    assert_eq!(expr("2.5"), float(2.5));
    assert_eq!(expr("30"), int(30));
    match expr("1e3").kind {
        ExprKind::Lit(Literal::Number(n)) => assert!(n.value == 1000.0 && !n.integer),
        other => panic!("{other:?}"),
    }
}

#[test]
fn strings_decode_escapes_and_keep_utf8() {
    assert_eq!(
        expr(r#""a \"b\" \\ \n \t \u{e9}""#),
        text("a \"b\" \\ \n \t é")
    );
    assert_eq!(
        expr("\"Decisor de compra ção\""),
        text("Decisor de compra ção")
    );
    assert_eq!(expr("\"has # inside\""), text("has # inside"));
}

#[test]
fn booleans() {
    assert_eq!(expr("true"), ex(ExprKind::Lit(Literal::Bool(true))));
    assert_eq!(expr("false"), ex(ExprKind::Lit(Literal::Bool(false))));
}

#[test]
fn durations_store_total_seconds() {
    assert_eq!(expr("30d"), dur(30 * 86_400));
    assert_eq!(expr("4h 15m"), dur(4 * 3600 + 15 * 60));
    assert_eq!(expr("2w"), dur(14 * 86_400));
    assert_eq!(expr("90s"), dur(90));
    assert_eq!(expr("1d 2h 3m 4s"), dur(86_400 + 7200 + 180 + 4));
}

#[test]
fn dates_and_datetimes() {
    assert_eq!(
        expr("2026-12-25"),
        ex(ExprKind::Lit(Literal::Date(2026, 12, 25)))
    );
    for dt in [
        "2026-11-26T10:00:00-03:00",
        "2026-11-26T10:00:00Z",
        "2026-11-26T10:00:00.250+01:00",
    ] {
        assert_eq!(expr(dt), ex(ExprKind::Lit(Literal::DateTime(dt.into()))));
    }
}

#[test]
fn date_minus_number_is_not_a_date() {
    // A date needs exactly 4-2-2 digits; anything else is arithmetic.
    assert_eq!(expr("2026 - 12"), bin(BinOp::Sub, int(2026), int(12)));
}

#[test]
fn percents_are_fractions() {
    assert_eq!(expr("75%"), pct(0.75));
    assert_eq!(expr("12.5%"), pct(0.125));
}

#[test]
fn regexes_with_flags_and_escaped_slashes() {
    assert_eq!(
        expr(r"role matches /\b(head|vp)\b/i"),
        ex(ExprKind::Matches(
            b(name("role")),
            b(ex(ExprKind::Lit(Literal::Regex {
                pattern: r"\b(head|vp)\b".into(),
                flags: "i".into()
            })))
        ))
    );
    assert_eq!(
        expr(r"url matches /a\/b#c/ms"),
        ex(ExprKind::Matches(
            b(name("url")),
            b(ex(ExprKind::Lit(Literal::Regex {
                pattern: "a/b#c".into(),
                flags: "ms".into()
            })))
        ))
    );
}

#[test]
fn slash_between_operands_is_division() {
    assert_eq!(
        expr("a / b / c"),
        bin(BinOp::Div, bin(BinOp::Div, name("a"), name("b")), name("c"))
    );
}

#[test]
fn lists_and_records() {
    assert_eq!(
        expr("[a, \"b\", 3]"),
        list(vec![name("a"), text("b"), int(3)])
    );
    assert_eq!(expr("[]"), list(vec![]));
    assert_eq!(expr("[\n  1,\n  2,\n]"), list(vec![int(1), int(2)]));
    assert_eq!(
        expr("{ id: \"t1\", events: [{ kind: call, at: 2026-01-02 }], owner: { name: \"A\" } }"),
        ex(ExprKind::Record(vec![
            (id("id"), text("t1")),
            (
                id("events"),
                list(vec![ex(ExprKind::Record(vec![
                    (id("kind"), name("call")),
                    (id("at"), ex(ExprKind::Lit(Literal::Date(2026, 1, 2)))),
                ]))])
            ),
            (
                id("owner"),
                ex(ExprKind::Record(vec![(id("name"), text("A"))]))
            ),
        ]))
    );
}

#[test]
fn keywords_for_now_stage_route_and_persona() {
    assert_eq!(expr("now"), ex(ExprKind::Now));
    assert_eq!(expr("stage"), ex(ExprKind::Stage));
    assert_eq!(expr("route"), ex(ExprKind::RouteRef));
    assert_eq!(
        expr("persona decision_maker"),
        ex(ExprKind::Persona(id("decision_maker")))
    );
}

#[test]
fn names_may_start_with_a_keyword() {
    assert_eq!(expr("index"), name("index"));
    assert_eq!(
        expr("android or notes"),
        bin(BinOp::Or, name("android"), name("notes"))
    );
    assert_eq!(expr("personality"), name("personality"));
}

// ---- precedence ----

#[test]
fn or_is_weaker_than_and() {
    assert_eq!(
        expr("a or b and c"),
        bin(BinOp::Or, name("a"), bin(BinOp::And, name("b"), name("c")))
    );
}

#[test]
fn not_is_weaker_than_comparisons_and_stronger_than_and() {
    assert_eq!(
        expr("not a == b and c"),
        bin(
            BinOp::And,
            ex(ExprKind::Not(b(bin(BinOp::Eq, name("a"), name("b"))))),
            name("c")
        )
    );
}

#[test]
fn arithmetic_binds_tighter_than_comparison() {
    assert_eq!(
        expr("a + b * c >= d - e"),
        bin(
            BinOp::Ge,
            bin(BinOp::Add, name("a"), bin(BinOp::Mul, name("b"), name("c"))),
            bin(BinOp::Sub, name("d"), name("e"))
        )
    );
}

#[test]
fn subtraction_is_left_associative() {
    assert_eq!(
        expr("a - b - c"),
        bin(BinOp::Sub, bin(BinOp::Sub, name("a"), name("b")), name("c"))
    );
}

#[test]
fn unary_minus_binds_tighter_than_multiplication() {
    assert_eq!(
        expr("-a * b"),
        bin(BinOp::Mul, ex(ExprKind::Neg(b(name("a")))), name("b"))
    );
}

#[test]
fn field_access_binds_tightest() {
    assert_eq!(expr("-a.b"), ex(ExprKind::Neg(b(field(name("a"), "b")))));
    assert_eq!(
        expr("last(events).at"),
        field(
            ex(ExprKind::Pick(
                Pick::Last,
                query(name("events"), None, None)
            )),
            "at"
        )
    );
}

#[test]
fn parentheses_override_precedence() {
    assert_eq!(
        expr("(a or b) and c"),
        bin(BinOp::And, bin(BinOp::Or, name("a"), name("b")), name("c"))
    );
}

#[test]
fn comparison_operators() {
    for (src, op) in [
        ("==", BinOp::Eq),
        ("!=", BinOp::Ne),
        ("<", BinOp::Lt),
        ("<=", BinOp::Le),
        (">", BinOp::Gt),
        (">=", BinOp::Ge),
    ] {
        assert_eq!(
            expr(&format!("a {src} 1")),
            bin(op, name("a"), int(1)),
            "{src}"
        );
    }
}

#[test]
fn in_and_not_in() {
    assert_eq!(
        expr("country in [\"BR\", \"PT\"]"),
        ex(ExprKind::In {
            value: b(name("country")),
            list: b(list(vec![text("BR"), text("PT")])),
            negated: false
        })
    );
    assert_eq!(
        expr("a not in tags and b"),
        bin(
            BinOp::And,
            ex(ExprKind::In {
                value: b(name("a")),
                list: b(name("tags")),
                negated: true
            }),
            name("b")
        )
    );
}

#[test]
fn between_takes_arithmetic_bounds() {
    assert_eq!(
        expr("size between 50 and 1000 and ok"),
        bin(
            BinOp::And,
            ex(ExprKind::Between {
                value: b(name("size")),
                lo: b(int(50)),
                hi: b(int(1000))
            }),
            name("ok")
        )
    );
    assert_eq!(
        expr("x between a + 1 and b * 2"),
        ex(ExprKind::Between {
            value: b(name("x")),
            lo: b(bin(BinOp::Add, name("a"), int(1))),
            hi: b(bin(BinOp::Mul, name("b"), int(2)))
        })
    );
}

#[test]
fn text_operators() {
    let t = |op, any, value: Expr, arg: Expr| {
        ex(ExprKind::Text {
            op,
            value: b(value),
            any,
            arg: b(arg),
        })
    };
    assert_eq!(
        expr("a contains \"x\""),
        t(TextOp::Contains, false, name("a"), text("x"))
    );
    assert_eq!(
        expr("a starts with \"x\""),
        t(TextOp::StartsWith, false, name("a"), text("x"))
    );
    assert_eq!(
        expr("a ends with \"x\""),
        t(TextOp::EndsWith, false, name("a"), text("x"))
    );
    assert_eq!(
        expr("email ends with any [\"@gmail.com\", \"@yahoo.com\"]"),
        t(
            TextOp::EndsWith,
            true,
            name("email"),
            list(vec![text("@gmail.com"), text("@yahoo.com")])
        )
    );
    assert_eq!(
        expr("a contains any tags"),
        t(TextOp::Contains, true, name("a"), name("tags"))
    );
    assert_eq!(
        expr("a starts with any tags"),
        t(TextOp::StartsWith, true, name("a"), name("tags"))
    );
}

#[test]
fn is_missing_and_is_present() {
    assert_eq!(
        expr("company is missing"),
        ex(ExprKind::IsMissing {
            value: b(name("company")),
            negated: false
        })
    );
    assert_eq!(
        expr("a.b is present or c"),
        bin(
            BinOp::Or,
            ex(ExprKind::IsMissing {
                value: b(field(name("a"), "b")),
                negated: true
            }),
            name("c")
        )
    );
}

#[test]
fn if_then_else() {
    assert_eq!(
        expr("if a > 1 then \"big\" else \"small\""),
        ex(ExprKind::If(
            b(bin(BinOp::Gt, name("a"), int(1))),
            b(text("big")),
            b(text("small"))
        ))
    );
}

#[test]
fn calls_of_any_function() {
    assert_eq!(expr("grade(fit)"), call("grade", vec![name("fit")]));
    assert_eq!(
        expr("days_between(a, now)"),
        call("days_between", vec![name("a"), ex(ExprKind::Now)])
    );
    assert_eq!(
        expr("match(decision_maker)"),
        call("match", vec![name("decision_maker")])
    );
    assert_eq!(expr("max(a, b)"), call("max", vec![name("a"), name("b")]));
    assert_eq!(
        expr("domain_tier(email)"),
        call("domain_tier", vec![name("email")])
    );
    assert_eq!(
        expr("sla(first_touch).state"),
        field(call("sla", vec![name("first_touch")]), "state")
    );
}

// ---- list forms ----

#[test]
fn any_all_count_with_filter_and_window() {
    assert_eq!(
        expr("any event where kind == webinar"),
        list_op(
            ListOp::Any,
            None,
            query(
                name("event"),
                Some(bin(BinOp::Eq, name("kind"), name("webinar"))),
                None
            )
        )
    );
    assert_eq!(
        expr("all events where kind == call within 14d"),
        list_op(
            ListOp::All,
            None,
            query(
                name("events"),
                Some(bin(BinOp::Eq, name("kind"), name("call"))),
                Some(dur(14 * 86_400))
            )
        )
    );
    assert_eq!(
        expr("count events > 3"),
        bin(
            BinOp::Gt,
            list_op(ListOp::Count, None, query(name("events"), None, None)),
            int(3)
        )
    );
}

#[test]
fn where_extends_greedily_to_the_closing_parenthesis() {
    assert_eq!(
        expr("a and (b or any event where kind == demo and x)"),
        bin(
            BinOp::And,
            name("a"),
            bin(
                BinOp::Or,
                name("b"),
                list_op(
                    ListOp::Any,
                    None,
                    query(
                        name("event"),
                        Some(bin(
                            BinOp::And,
                            bin(BinOp::Eq, name("kind"), name("demo")),
                            name("x")
                        )),
                        None
                    )
                )
            )
        )
    );
}

#[test]
fn aggregates_with_of() {
    assert_eq!(
        expr("sum deal_value of leads where stage == won"),
        list_op(
            ListOp::Sum,
            Some(name("deal_value")),
            query(
                name("leads"),
                Some(bin(BinOp::Eq, ex(ExprKind::Stage), name("won"))),
                None
            )
        )
    );
    assert_eq!(
        expr("sum(deal_value of leads where stage == won)"),
        list_op(
            ListOp::Sum,
            Some(name("deal_value")),
            query(
                name("leads"),
                Some(bin(BinOp::Eq, ex(ExprKind::Stage), name("won"))),
                None
            )
        )
    );
    for (word, op) in [
        ("avg", ListOp::Avg),
        ("median", ListOp::Median),
        ("min", ListOp::Min),
        ("max", ListOp::Max),
    ] {
        assert_eq!(
            expr(&format!("{word}(cost of leads)")),
            list_op(op, Some(name("cost")), query(name("leads"), None, None)),
            "{word}"
        );
    }
}

#[test]
fn parenthesized_counts_in_a_ratio() {
    assert_eq!(
        expr("count(leads where stage >= sql) / count(leads)"),
        bin(
            BinOp::Div,
            list_op(
                ListOp::Count,
                None,
                query(
                    name("leads"),
                    Some(bin(BinOp::Ge, ex(ExprKind::Stage), name("sql"))),
                    None
                )
            ),
            list_op(ListOp::Count, None, query(name("leads"), None, None))
        )
    );
}

#[test]
fn first_last_nth() {
    assert_eq!(
        expr("first(events where kind in [call, meeting]).at"),
        field(
            ex(ExprKind::Pick(
                Pick::First,
                query(
                    name("events"),
                    Some(ex(ExprKind::In {
                        value: b(name("kind")),
                        list: b(list(vec![name("call"), name("meeting")])),
                        negated: false
                    })),
                    None
                )
            )),
            "at"
        )
    );
    assert_eq!(
        expr("nth(5, events where kind == call within 30d)"),
        ex(ExprKind::Pick(
            Pick::Nth(b(int(5))),
            query(
                name("events"),
                Some(bin(BinOp::Eq, name("kind"), name("call"))),
                Some(dur(30 * 86_400))
            )
        ))
    );
}

// ---- spans ----

#[test]
fn spans_cover_exactly_what_was_written() {
    let e = expr("a + (b * c)   # comment");
    assert_eq!(e.span.text(), "a + (b * c)");
    match e.kind {
        ExprKind::Binary(_, l, r) => {
            assert_eq!(l.span.text(), "a");
            assert_eq!(r.span.text(), "(b * c)");
        }
        other => panic!("{other:?}"),
    }
    let e = expr("count(leads where x) / 2");
    match e.kind {
        ExprKind::Binary(_, l, _) => assert_eq!(l.span.text(), "count(leads where x)"),
        other => panic!("{other:?}"),
    }
}
