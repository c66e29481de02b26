//! The complete example of the language design parses with no errors.

use funnel_grammar::ast::*;
use funnel_grammar::{parse, SourceFile};

const EXAMPLE: &str = include_str!("fixtures/language_example.funnel");

#[test]
fn the_language_example_parses_without_errors() {
    let (tree, errors) = parse(&SourceFile::new("acme.funnel", EXAMPLE));
    assert!(errors.is_empty(), "{errors:#?}");
    let kinds: Vec<&str> = tree
        .items
        .iter()
        .map(|i| match i {
            Item::Policy(_) => "policy",
            Item::Schema(_) => "schema",
            Item::Table(_) => "table",
            Item::Persona(_) => "persona",
            Item::Score(_) => "score",
            Item::Let(_) => "let",
            Item::Grade(_) => "grade",
            Item::Stages(_) => "stages",
            Item::Route(_) => "route",
            Item::Calendar(_) => "calendar",
            Item::Sla(_) => "sla",
            Item::Metric(_) => "metric",
            Item::Test(_) => "test",
            Item::UseScript(_) => "use",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "policy", "schema", "schema", "persona", "score", "score", "let", "grade", "stages",
            "route", "calendar", "sla", "sla", "sla", "metric", "test"
        ]
    );
    assert_eq!(tree.comments.len(), 3);
}

#[test]
fn the_example_tree_has_the_expected_details() {
    let (tree, _) = parse(&SourceFile::new("acme.funnel", EXAMPLE));
    let Item::Score(fit) = &tree.items[4] else {
        panic!()
    };
    assert_eq!(fit.rules.len(), 5);
    assert_eq!(fit.rules[3].points.value, -40.0);
    assert!(fit.clamp.is_some());
    let Item::Stages(stages) = &tree.items[8] else {
        panic!()
    };
    let names: Vec<&str> = stages.stages.iter().map(|s| s.name.name.as_str()).collect();
    assert_eq!(names, ["lead", "mql", "sql", "disqualified"]);
    assert_eq!(
        stages.stages[3].because.as_ref().map(|b| b.value.as_str()),
        Some("Not a buyer")
    );
    let Item::Test(test) = &tree.items[15] else {
        panic!()
    };
    let Some(Given::Inline(Expr {
        kind: ExprKind::Record(fields),
        ..
    })) = &test.given
    else {
        panic!()
    };
    assert_eq!(fields.len(), 10);
    assert_eq!(test.expects.len(), 2);
    for item in &tree.items {
        let (line, col) = item.span().line_col();
        assert_eq!(col, 1, "item at line {line}");
    }
}
