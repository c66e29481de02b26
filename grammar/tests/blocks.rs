//! One test per top-level construct, asserting the tree produced.

mod common;
use common::*;
use funnel_grammar::ast::*;

#[test]
fn policy_header_with_indented_lines() {
    let src = "policy \"acme-inbound\" version 7\n  timezone \"America/Sao_Paulo\"   # zone\n  owner marketing \"Ana Souza\"\n  owner sales \"Bruno Lima\"\n  script limits { operations 100_000, call_depth 32 }\n\nlet x = 1\n";
    let tree = parse_ok(src);
    assert_eq!(tree.items.len(), 2);
    let Item::Policy(p) = &tree.items[0] else {
        panic!()
    };
    assert_eq!(
        *p,
        PolicyHeader {
            name: strlit("acme-inbound"),
            version: numlit(7.0, true),
            timezone: Some(strlit("America/Sao_Paulo")),
            owners: vec![
                Owner {
                    team: id("marketing"),
                    name: strlit("Ana Souza"),
                    span: sp()
                },
                Owner {
                    team: id("sales"),
                    name: strlit("Bruno Lima"),
                    span: sp()
                },
            ],
            script_limits: vec![
                Setting {
                    name: id("operations"),
                    value: numlit(100_000.0, true)
                },
                Setting {
                    name: id("call_depth"),
                    value: numlit(32.0, true)
                },
            ],
            span: sp(),
        }
    );
    assert_eq!(
        p.span.text().lines().last(),
        Some("  script limits { operations 100_000, call_depth 32 }")
    );
}

#[test]
fn script_limits_over_several_lines() {
    let Item::Policy(p) =
        item("policy \"p\" version 1\n  script limits {\n    operations 10\n    map_size 5\n  }\n")
    else {
        panic!()
    };
    assert_eq!(p.script_limits.len(), 2);
    assert_eq!(p.script_limits[1].name.name, "map_size");
}

#[test]
fn schema_fields_types_and_options() {
    let src = r#"schema lead {
  id: text key
  company: text?
  size: int
  revenue: number?
  ok: bool
  born: date
  created_at: datetime
  wait: duration
  industry: enum(saas, retail,
                 other)
  tags: list<text>
  events: list<event>?
  owner: person
  lead_origin: text? from "Lead Origin" missing "Select", ""
}"#;
    let Item::Schema(s) = item(src) else { panic!() };
    assert_eq!(s.name, id("lead"));
    let types: Vec<&TypeExpr> = s.fields.iter().map(|f| &f.ty).collect();
    assert_eq!(*types[0], ty(TypeKind::Text, false));
    assert_eq!(*types[1], ty(TypeKind::Text, true));
    assert_eq!(*types[2], ty(TypeKind::Int, false));
    assert_eq!(*types[3], ty(TypeKind::Number, true));
    assert_eq!(*types[4], ty(TypeKind::Bool, false));
    assert_eq!(*types[5], ty(TypeKind::Date, false));
    assert_eq!(*types[6], ty(TypeKind::DateTime, false));
    assert_eq!(*types[7], ty(TypeKind::Duration, false));
    assert_eq!(
        *types[8],
        ty(
            TypeKind::Enum(vec![id("saas"), id("retail"), id("other")]),
            false
        )
    );
    assert_eq!(
        *types[9],
        ty(TypeKind::List(Box::new(ty(TypeKind::Text, false))), false)
    );
    assert_eq!(
        *types[10],
        ty(
            TypeKind::List(Box::new(ty(TypeKind::Named(id("event")), false))),
            true
        )
    );
    assert_eq!(*types[11], ty(TypeKind::Named(id("person")), false));
    assert!(s.fields[0].key.is_some());
    assert!(s.fields[1].key.is_none());
    let origin = &s.fields[12];
    assert_eq!(origin.from, Some(strlit("Lead Origin")));
    assert_eq!(origin.missing, vec![strlit("Select"), strlit("")]);
    assert_eq!(
        origin.span.text(),
        r#"lead_origin: text? from "Lead Origin" missing "Select", """#
    );
}

#[test]
fn field_input_modifiers_on_one_line_and_on_continuation_lines() {
    let src = r#"schema lead {
  sector: enum(servicos, industria) from "Setor" map servicos from "serviços", "Serviços"
    map industria from "indústria"  # a comment between the lines
    # and one on its own line
    map servicos from "SERVIÇOS"
  opt_in: bool? true "sim", "s" false "não", "n"
  amount: number decimal "," from "Valor"
  created: date format "dd/mm/yyyy"
  map: text
  from: text
}"#;
    let Item::Schema(s) = item(src) else { panic!() };
    let names: Vec<&str> = s.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["sector", "opt_in", "amount", "created", "map", "from"],
        "a field named `map` or `from` on the next line is a field, not a modifier"
    );
    let sector = &s.fields[0];
    assert_eq!(sector.from, Some(strlit("Setor")));
    assert_eq!(
        sector.maps,
        vec![
            ValueMap {
                value: id("servicos"),
                from: vec![strlit("serviços"), strlit("Serviços")],
                span: sp(),
            },
            ValueMap {
                value: id("industria"),
                from: vec![strlit("indústria")],
                span: sp(),
            },
            ValueMap {
                value: id("servicos"),
                from: vec![strlit("SERVIÇOS")],
                span: sp(),
            },
        ]
    );
    assert!(sector
        .span
        .text()
        .ends_with(r#"map servicos from "SERVIÇOS""#));
    assert_eq!(s.fields[1].true_words, vec![strlit("sim"), strlit("s")]);
    assert_eq!(s.fields[1].false_words, vec![strlit("não"), strlit("n")]);
    assert_eq!(s.fields[2].decimal, Some(strlit(",")));
    assert_eq!(s.fields[2].from, Some(strlit("Valor")));
    assert_eq!(s.fields[3].format, Some(strlit("dd/mm/yyyy")));
    assert!(s.fields[4].maps.is_empty() && s.fields[4].format.is_none());
}

#[test]
fn a_once_only_field_modifier_given_twice_is_an_error() {
    for (line, what) in [
        ("ok: bool true \"s\" true \"y\"", "`true`"),
        ("ok: bool false \"n\" false \"x\"", "`false`"),
        ("n: number decimal \",\" decimal \".\"", "`decimal`"),
        (
            "d: date format \"dd/mm/yyyy\"\n    format \"yyyy-mm-dd\"",
            "`format`",
        ),
    ] {
        let src = format!("schema lead {{\n  {line}\n}}\n");
        assert_eq!(
            error(&src).message,
            format!("{what} is given twice in this block"),
            "{line}"
        );
    }
}

#[test]
fn persona_one_condition_per_line() {
    let src = "persona dm \"Decisor de compra\" {\n  industry in [saas, finance]\n  size between 50 and 1000\n\n  # a comment line\n  role matches /vp/i\n}\n";
    let Item::Persona(p) = item(src) else {
        panic!()
    };
    assert_eq!(p.name, id("dm"));
    assert_eq!(p.label, Some(strlit("Decisor de compra")));
    assert_eq!(p.conditions.len(), 3);
    assert_eq!(p.conditions[1].span.text(), "size between 50 and 1000");
}

#[test]
fn persona_without_label() {
    let Item::Persona(p) = item("persona dm {\n  a\n}\n") else {
        panic!()
    };
    assert_eq!(p.label, None);
    assert_eq!(p.conditions, vec![name("a")]);
}

#[test]
fn score_rules_clamp_and_step_decay() {
    let src = "score fit \"Profile fit\" {\n  +30 when persona dm\n  -40 when free_mail\n  +1 per pages_viewed, max 20\n  +2.5 per event where kind == page_view within 30d, max 30\n  clamp -10..100\n  decay 50% every 30d since last(events).at\n}\n";
    let Item::Score(s) = item(src) else { panic!() };
    assert_eq!(s.name, id("fit"));
    assert_eq!(s.label, Some(strlit("Profile fit")));
    assert_eq!(
        s.rules,
        vec![
            ScoreRule {
                points: numlit(30.0, true),
                kind: RuleKind::When(ex(ExprKind::Persona(id("dm")))),
                max: None,
                span: sp()
            },
            ScoreRule {
                points: numlit(-40.0, true),
                kind: RuleKind::When(name("free_mail")),
                max: None,
                span: sp()
            },
            ScoreRule {
                points: numlit(1.0, true),
                kind: RuleKind::Per(name("pages_viewed")),
                max: Some(numlit(20.0, true)),
                span: sp()
            },
            ScoreRule {
                points: numlit(2.5, false),
                kind: RuleKind::Per(list_op(
                    ListOp::Count,
                    None,
                    query(
                        name("event"),
                        Some(bin(BinOp::Eq, name("kind"), name("page_view"))),
                        Some(dur(30 * 86_400))
                    )
                )),
                max: Some(numlit(30.0, true)),
                span: sp(),
            },
        ]
    );
    assert_eq!(
        s.rules[3].span.text(),
        "+2.5 per event where kind == page_view within 30d, max 30"
    );
    assert_eq!(
        s.clamp,
        Some(Clamp {
            lo: numlit(-10.0, true),
            hi: numlit(100.0, true),
            span: sp()
        })
    );
    assert_eq!(
        s.decay,
        Some(Decay {
            kind: DecayKind::Step {
                percent: pct(0.5),
                every: dur(30 * 86_400)
            },
            since: field(
                ex(ExprKind::Pick(
                    Pick::Last,
                    query(name("events"), None, None)
                )),
                "at"
            ),
            span: sp(),
        })
    );
}

#[test]
fn half_life_decay() {
    let Item::Score(s) = item("score e {\n  decay half-life 14d since created_at\n}\n") else {
        panic!()
    };
    assert_eq!(
        s.decay,
        Some(Decay {
            kind: DecayKind::HalfLife {
                half_life: dur(14 * 86_400)
            },
            since: name("created_at"),
            span: sp()
        })
    );
}

#[test]
fn let_binding() {
    assert_eq!(
        item("let big = size > 1000\n"),
        Item::Let(Let {
            name: id("big"),
            value: bin(BinOp::Gt, name("size"), int(1000)),
            span: sp()
        })
    );
}

#[test]
fn grade_on_one_line() {
    let Item::Grade(g) = item("grade fit { A >= 70, B > 50, C >= 30, else D }\n") else {
        panic!()
    };
    assert_eq!(g.score, id("fit"));
    let band = |l: &str, strict, t: f64| GradeBand {
        letter: id(l),
        strict,
        threshold: numlit(t, true),
        span: sp(),
    };
    assert_eq!(
        g.bands,
        vec![
            band("A", false, 70.0),
            band("B", true, 50.0),
            band("C", false, 30.0)
        ]
    );
    assert_eq!(g.otherwise, Some(id("D")));
}

#[test]
fn grade_over_lines_and_without_else() {
    let Item::Grade(g) = item("grade fit {\n  A >= 70\n  B >= 50,\n  C >= 30\n}\n") else {
        panic!()
    };
    assert_eq!(g.bands.len(), 3);
    assert_eq!(g.otherwise, None);
}

#[test]
fn stages_with_because_on_the_next_line() {
    let src = "stages {\n  lead\n  mql when fit >= 40\n  disqualified when \"competitor\" in tags\n    because \"Not a buyer\"\n  lost because \"Gone\"\n}\n";
    let Item::Stages(s) = item(src) else { panic!() };
    assert_eq!(s.stages.len(), 4);
    assert_eq!(
        s.stages[0],
        StageDecl {
            name: id("lead"),
            at: None,
            when: None,
            because: None,
            span: sp()
        }
    );
    assert_eq!(s.stages[1].when, Some(bin(BinOp::Ge, name("fit"), int(40))));
    let Item::Stages(at) =
        item("stages {\n  lead at created_at\n  won at close_date when won\n}\n")
    else {
        panic!()
    };
    assert_eq!(at.stages[0].at, Some(id("created_at")));
    assert_eq!(at.stages[1].at, Some(id("close_date")));
    assert_eq!(at.stages[1].when, Some(name("won")));
    assert_eq!(s.stages[2].because, Some(strlit("Not a buyer")));
    assert_eq!(
        s.stages[2].span.text(),
        "disqualified when \"competitor\" in tags\n    because \"Not a buyer\""
    );
    assert_eq!(s.stages[3].when, None);
    assert_eq!(s.stages[3].because, Some(strlit("Gone")));
}

#[test]
fn route_branches_and_otherwise() {
    let Item::Route(r) =
        item("route {\n  enterprise when company_size > 1000\n  inside_sales otherwise\n}\n")
    else {
        panic!()
    };
    assert_eq!(
        r.branches,
        vec![
            RouteBranch {
                name: id("enterprise"),
                when: Some(bin(BinOp::Gt, name("company_size"), int(1000))),
                span: sp()
            },
            RouteBranch {
                name: id("inside_sales"),
                when: None,
                span: sp()
            },
        ]
    );
}

#[test]
fn calendar_hours_and_holidays() {
    let src = "calendar office {\n  timezone \"America/Sao_Paulo\"\n  mon-fri 09:00-12:00, 13:00-18:00\n  sat 09:00-13:00\n  sun 22:00-24:00\n  holidays 2026-12-25, 2027-01-01\n  holidays brazil\n}\n";
    let Item::Calendar(c) = item(src) else {
        panic!()
    };
    assert_eq!(c.name, id("office"));
    assert_eq!(c.timezone, Some(strlit("America/Sao_Paulo")));
    let iv = |start, end| TimeInterval {
        start,
        end,
        span: sp(),
    };
    assert_eq!(
        c.hours,
        vec![
            OpeningHours {
                from_day: 0,
                to_day: 4,
                intervals: vec![iv(540, 720), iv(780, 1080)],
                span: sp()
            },
            OpeningHours {
                from_day: 5,
                to_day: 5,
                intervals: vec![iv(540, 780)],
                span: sp()
            },
            OpeningHours {
                from_day: 6,
                to_day: 6,
                intervals: vec![iv(1320, 1440)],
                span: sp()
            },
        ]
    );
    assert_eq!(
        c.holidays,
        vec![
            Holiday::Date(ex(ExprKind::Lit(Literal::Date(2026, 12, 25)))),
            Holiday::Date(ex(ExprKind::Lit(Literal::Date(2027, 1, 1)))),
            Holiday::Set(id("brazil")),
        ]
    );
    assert_eq!(c.hours[0].span.text(), "mon-fri 09:00-12:00, 13:00-18:00");
}

#[test]
fn per_lead_sla() {
    let src = "sla first_touch \"Sales calls every SQL\" {\n  owner sales\n  applies when stage == sql\n  starts at sql_at\n  met by first(events where kind in [call, meeting]).at\n  within 4h of sao_paulo_office\n  warn at 75%\n  on breach escalate \"sales-manager\", notify \"ops\", recycle to mql\n}\n";
    let Item::Sla(s) = item(src) else { panic!() };
    assert_eq!(s.name, id("first_touch"));
    assert_eq!(s.owner, Some(id("sales")));
    let SlaKind::PerLead(p) = s.kind else {
        panic!("{:?}", s.kind)
    };
    assert_eq!(
        p.applies,
        Some(bin(BinOp::Eq, ex(ExprKind::Stage), name("sql")))
    );
    assert_eq!(p.starts, Some(name("sql_at")));
    assert!(matches!(&p.met_by, Some(Expr { kind: ExprKind::Field(_, f), .. }) if f.name == "at"));
    assert_eq!(p.within, Some(Deadline::Time(dur(4 * 3600))));
    assert_eq!(p.calendar, Some(id("sao_paulo_office")));
    assert_eq!(p.warn_at, Some(pct(0.75)));
    assert_eq!(
        p.on_breach,
        vec![
            BreachAction::Escalate(strlit("sales-manager")),
            BreachAction::Notify(strlit("ops")),
            BreachAction::RecycleTo(id("mql")),
        ]
    );
}

#[test]
fn sla_within_without_calendar() {
    let Item::Sla(s) = item("sla s {\n  within 2d 4h\n}\n") else {
        panic!()
    };
    let SlaKind::PerLead(p) = s.kind else {
        panic!()
    };
    assert_eq!(p.within, Some(Deadline::Time(dur(2 * 86_400 + 4 * 3600))));
    assert_eq!(p.calendar, None);
}

#[test]
fn sla_within_business_days() {
    for (src, n) in [
        ("sla s {\n  within 3 business days of office\n}\n", 3.0),
        ("sla s {\n  within 1 business day of office\n}\n", 1.0),
    ] {
        let Item::Sla(s) = item(src) else { panic!() };
        let SlaKind::PerLead(p) = s.kind else {
            panic!()
        };
        let Some(Deadline::BusinessDays { days, span }) = &p.within else {
            panic!("{:?}", p.within)
        };
        assert_eq!(days.value, n);
        assert!(span.text().ends_with("business days") || span.text() == "1 business day");
        assert_eq!(p.calendar, Some(id("office")));
    }
    // `business` alone is not a unit.
    assert!(!funnel_grammar::parse(&funnel_grammar::SourceFile::new(
        "b.funnel",
        "sla s {\n  within 3 business of office\n}\n"
    ))
    .1
    .is_empty());
}

fn aggregate(src: &str) -> AggregateSla {
    let Item::Sla(s) = item(src) else { panic!() };
    let SlaKind::Aggregate(a) = s.kind else {
        panic!("{:?}", s.kind)
    };
    a
}

#[test]
fn aggregate_sla_reach() {
    let a = aggregate("sla v \"200 MQLs\" {\n  owner marketing\n  at least 200 leads reach mql per month by created_at\n}\n");
    assert_eq!(a.bound, Bound::AtLeast);
    assert_eq!(
        a.target,
        NumLitOrPercent {
            value: 200.0,
            percent: false,
            span: sp()
        }
    );
    assert_eq!(a.measure, AggregateMeasure::Reach { stage: id("mql") });
    assert_eq!(
        a.period,
        Period {
            unit: PeriodUnit::Month,
            by: Some(name("created_at")),
            span: sp()
        }
    );
    assert_eq!(a.period.span.text(), "per month by created_at");
}

#[test]
fn aggregate_sla_conversion_and_compliance() {
    let a = aggregate(
        "sla h {\n  at most 50% of leads reaching mql reach sql per week by created_at\n}\n",
    );
    assert_eq!(a.bound, Bound::AtMost);
    assert_eq!(
        a.target,
        NumLitOrPercent {
            value: 0.5,
            percent: true,
            span: sp()
        }
    );
    assert_eq!(
        a.measure,
        AggregateMeasure::Conversion {
            from: id("mql"),
            to: id("sql")
        }
    );
    assert_eq!(a.period.unit, PeriodUnit::Week);

    let a = aggregate("sla c {\n  at least 90% of first_touch met per quarter\n}\n");
    assert_eq!(
        a.measure,
        AggregateMeasure::Compliance {
            sla: id("first_touch")
        }
    );
    assert_eq!(
        a.period,
        Period {
            unit: PeriodUnit::Quarter,
            by: None,
            span: sp()
        }
    );
    let a = aggregate("sla c {\n  at least 90% of first_touch met per day by sql_at\n}\n");
    assert_eq!(a.period.by, Some(name("sql_at")));
}

#[test]
fn metric_with_period() {
    let src = "metric qualified_rate \"Qualified lead rate\" = count(leads where stage >= sql) / count(leads) per month by created_at\n";
    let Item::Metric(m) = item(src) else { panic!() };
    assert_eq!(m.name, id("qualified_rate"));
    assert_eq!(m.label, Some(strlit("Qualified lead rate")));
    assert!(matches!(m.value.kind, ExprKind::Binary(BinOp::Div, _, _)));
    assert_eq!(
        m.period,
        Period {
            unit: PeriodUnit::Month,
            by: Some(name("created_at")),
            span: sp()
        }
    );
}

#[test]
fn metric_continued_on_the_next_line() {
    let src = "metric cac = sum(cost of leads) /\n    count(leads where stage == won)\n  per quarter by created_at\n";
    let Item::Metric(m) = item(src) else { panic!() };
    assert_eq!(m.label, None);
    assert_eq!(m.period.unit, PeriodUnit::Quarter);
}

#[test]
fn test_block_with_inline_lead() {
    let src = "test \"gmail\" {\n  given lead { id: \"t1\", size: 200,\n               tags: [], events: [] }\n  at 2026-11-26T10:00:00-03:00\n  expect fit == 0\n  expect stage == lead\n}\n";
    let Item::Test(t) = item(src) else { panic!() };
    assert_eq!(t.name, strlit("gmail"));
    assert_eq!(
        t.given,
        Some(Given::Inline(ex(ExprKind::Record(vec![
            (id("id"), text("t1")),
            (id("size"), int(200)),
            (id("tags"), list(vec![])),
            (id("events"), list(vec![])),
        ]))))
    );
    assert_eq!(
        t.at,
        Some(ex(ExprKind::Lit(Literal::DateTime(
            "2026-11-26T10:00:00-03:00".into()
        ))))
    );
    assert_eq!(
        t.expects,
        vec![
            bin(BinOp::Eq, name("fit"), int(0)),
            bin(BinOp::Eq, ex(ExprKind::Stage), name("lead"))
        ]
    );
}

#[test]
fn test_block_with_lead_from_file_and_record_lines() {
    let Item::Test(t) = item(
        "test \"f\" {\n  given lead from \"leads/t1.json\"\n  expect route == enterprise\n}\n",
    ) else {
        panic!()
    };
    assert_eq!(t.given, Some(Given::File(strlit("leads/t1.json"))));
    let Item::Test(t) = item("test \"g\" {\n  given lead {\n    id: \"t2\"\n    size: 3\n  }\n}\n")
    else {
        panic!()
    };
    assert!(
        matches!(t.given, Some(Given::Inline(Expr { kind: ExprKind::Record(ref f), .. })) if f.len() == 2)
    );
}

#[test]
fn test_block_over_a_batch_inline_or_from_a_file() {
    let Item::Test(t) = item(
        "test \"b\" {\n  given leads [\n    { id: \"a\", size: 3 },\n    { id: \"b\", size: 4 }\n  ]\n  expect funnel(mql) == 1\n}\n",
    ) else {
        panic!()
    };
    let Some(Given::Leads(Expr {
        kind: ExprKind::List(ref rows),
        ..
    })) = t.given
    else {
        panic!("{:?}", t.given)
    };
    assert_eq!(rows.len(), 2);
    assert!(t.given.as_ref().is_some_and(Given::is_batch));
    let Item::Test(t) =
        item("test \"f\" {\n  given leads from \"leads/q3.csv\"\n  expect funnel(mql) == 1\n}\n")
    else {
        panic!()
    };
    assert_eq!(t.given, Some(Given::LeadsFile(strlit("leads/q3.csv"))));
    // `lead` (one) is not `leads` (a batch).
    let Item::Test(t) = item("test \"g\" {\n  given lead from \"l.json\"\n}\n") else {
        panic!()
    };
    assert!(!t.given.as_ref().is_some_and(Given::is_batch));
}

#[test]
fn use_script_functions() {
    let src = "use script \"scripts/tiers.rhai\" {\n  fn domain_tier(email: text) -> int\n  fn score_of(a: text, b: list<int>?) -> number\n  fn now_ish() -> datetime\n}\n";
    let Item::UseScript(u) = item(src) else {
        panic!()
    };
    assert_eq!(u.path, strlit("scripts/tiers.rhai"));
    assert_eq!(
        u.functions,
        vec![
            ScriptFn {
                name: id("domain_tier"),
                params: vec![(id("email"), ty(TypeKind::Text, false))],
                ret: ty(TypeKind::Int, false),
                span: sp()
            },
            ScriptFn {
                name: id("score_of"),
                params: vec![
                    (id("a"), ty(TypeKind::Text, false)),
                    (
                        id("b"),
                        ty(TypeKind::List(Box::new(ty(TypeKind::Int, false))), true)
                    ),
                ],
                ret: ty(TypeKind::Number, false),
                span: sp(),
            },
            ScriptFn {
                name: id("now_ish"),
                params: vec![],
                ret: ty(TypeKind::DateTime, false),
                span: sp()
            },
        ]
    );
}

#[test]
fn use_script_on_one_line() {
    let Item::UseScript(u) = item("use script \"t.rhai\" { fn domain_tier(email: text) -> int }\n")
    else {
        panic!()
    };
    assert_eq!(u.functions.len(), 1);
}

#[test]
fn item_spans_cover_the_block_without_trailing_comments() {
    let src = "score fit {\n  +1 when a\n}   # done\n\n# next\nlet x = 1\n";
    let tree = parse_ok(src);
    assert_eq!(tree.items[0].span().text(), "score fit {\n  +1 when a\n}");
    assert_eq!(tree.items[1].span().text(), "let x = 1");
    assert_eq!(tree.items[1].span().line_col(), (6, 1));
}
