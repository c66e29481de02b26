//! The outline of one file: its blocks, with a schema's fields, the stages and the routes
//! inside theirs. Read from the syntax tree, so a file that does not check still has one.

use super::documents::range;
use funnel_grammar::ast::Item;
use funnel_grammar::{SourceFile, Span};
use lsp_types::{DocumentSymbol, SymbolKind};
use std::sync::Arc;

/// The file's blocks as document symbols, in order.
pub fn symbols(file: &Arc<SourceFile>) -> Vec<DocumentSymbol> {
    let (tree, _) = funnel_grammar::parse(file);
    tree.items.iter().filter_map(item).collect()
}

#[allow(deprecated)] // `deprecated` is a field the protocol still has.
fn symbol(
    name: &str,
    detail: &str,
    kind: SymbolKind,
    whole: &Span,
    name_span: &Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() {
            detail.to_string()
        } else {
            name.to_string()
        },
        detail: Some(detail.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range: range(whole),
        selection_range: range(name_span),
        children: (!children.is_empty()).then_some(children),
    }
}

fn item(item: &Item) -> Option<DocumentSymbol> {
    let whole = item.span();
    Some(match item {
        Item::Policy(p) => symbol(
            &p.name.value,
            "policy",
            SymbolKind::PACKAGE,
            whole,
            &p.name.span,
            vec![],
        ),
        Item::Schema(s) => schema(s, whole),
        Item::Table(t) => schema(&t.schema, whole),
        Item::Persona(p) => symbol(
            &p.name.name,
            "persona",
            SymbolKind::CLASS,
            whole,
            &p.name.span,
            vec![],
        ),
        Item::Score(s) => symbol(
            &s.name.name,
            "score",
            SymbolKind::NUMBER,
            whole,
            &s.name.span,
            vec![],
        ),
        Item::Let(l) => symbol(
            &l.name.name,
            "let",
            SymbolKind::VARIABLE,
            whole,
            &l.name.span,
            vec![],
        ),
        Item::Grade(g) => symbol(
            &format!("grade {}", g.score.name),
            "grade",
            SymbolKind::ENUM,
            whole,
            &g.score.span,
            vec![],
        ),
        Item::Stages(s) => {
            let stages = s
                .stages
                .iter()
                .map(|st| {
                    symbol(
                        &st.name.name,
                        "stage",
                        SymbolKind::ENUM_MEMBER,
                        &st.span,
                        &st.name.span,
                        vec![],
                    )
                })
                .collect();
            symbol("stages", "stages", SymbolKind::ENUM, whole, whole, stages)
        }
        Item::Route(r) => {
            let routes = r
                .branches
                .iter()
                .map(|b| {
                    symbol(
                        &b.name.name,
                        "route",
                        SymbolKind::ENUM_MEMBER,
                        &b.span,
                        &b.name.span,
                        vec![],
                    )
                })
                .collect();
            symbol("route", "route", SymbolKind::ENUM, whole, whole, routes)
        }
        Item::Calendar(c) => symbol(
            &c.name.name,
            "calendar",
            SymbolKind::OBJECT,
            whole,
            &c.name.span,
            vec![],
        ),
        Item::Sla(s) => symbol(
            &s.name.name,
            "SLA",
            SymbolKind::EVENT,
            whole,
            &s.name.span,
            vec![],
        ),
        Item::Metric(m) => symbol(
            &m.name.name,
            "metric",
            SymbolKind::NUMBER,
            whole,
            &m.name.span,
            vec![],
        ),
        Item::Test(t) => symbol(
            &t.name.value,
            "test",
            SymbolKind::METHOD,
            whole,
            &t.name.span,
            vec![],
        ),
        Item::UseScript(u) => {
            let fns = u
                .functions
                .iter()
                .map(|f| {
                    symbol(
                        &f.name.name,
                        "script function",
                        SymbolKind::FUNCTION,
                        &f.span,
                        &f.name.span,
                        vec![],
                    )
                })
                .collect();
            symbol(
                &u.path.value,
                "use script",
                SymbolKind::MODULE,
                whole,
                &u.path.span,
                fns,
            )
        }
    })
}

fn schema(s: &funnel_grammar::ast::Schema, whole: &Span) -> DocumentSymbol {
    let fields = s
        .fields
        .iter()
        .map(|f| {
            symbol(
                &f.name.name,
                f.ty.span.text(),
                SymbolKind::FIELD,
                &f.span,
                &f.name.span,
                vec![],
            )
        })
        .collect();
    symbol(
        &s.name.name,
        "schema",
        SymbolKind::STRUCT,
        whole,
        &s.name.span,
        fields,
    )
}
