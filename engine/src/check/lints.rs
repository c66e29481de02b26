//! Warnings about legal text that likely does not mean what it says, found on checked
//! expressions.

use super::Checker;
use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use funnel_grammar::ast::{self, BinOp, ExprKind};
use funnel_grammar::Span;
use funnel_locale::t;

impl Checker<'_> {
    /// `any event where kind == demo_request or budget_confirmed`: the filter runs to the end
    /// of the line, so a condition about the lead joined by `or`/`and` ends up inside it.
    ///
    /// Warns on each operand of the filter's top `or`/`and` chain that reads no field of the
    /// query's item but reads the lead, unless the whole filter is in parentheses or the query
    /// is written in parentheses (`count(events where ...)`), where the filter's extent is
    /// explicit.
    pub(super) fn lead_condition_in_where(
        &mut self,
        q: &ast::ListQuery,
        tq: &TQuery,
        elem: &Ty,
        value: Option<&ast::Expr>,
        span: &Span,
    ) {
        let Ty::Record(rec) = elem else { return };
        let (Some(filter), Some(typed)) = (&q.filter, &tq.filter) else {
            return;
        };
        let op = match (&filter.kind, &typed.kind) {
            (ExprKind::Binary(op @ (BinOp::Or | BinOp::And), left, _), TKind::Binary(..)) => {
                // `where (a or b)`: the parentheses are in the filter's span, not its left's.
                if left.span.start > filter.span.start {
                    return;
                }
                *op
            }
            _ => return,
        };
        if typed.ty == Ty::Error || written_in_parens(span, q, value) {
            return;
        }
        let mut operands = Vec::new();
        chain(typed, op, &mut operands);
        let (mut item_ops, mut lead_ops) = (Vec::new(), Vec::new());
        for o in &operands {
            let (mut item, mut lead) = (false, false);
            reads(o, 0, &mut item, &mut lead);
            if lead && !item {
                lead_ops.push(*o);
            } else {
                item_ops.push(*o);
            }
        }
        if lead_ops.is_empty() {
            return;
        }
        let word = if op == BinOp::Or { "or" } else { "and" };
        let join = |ops: &[&TExpr]| {
            ops.iter()
                .map(|o| o.span.text())
                .collect::<Vec<_>>()
                .join(&format!(" {word} "))
        };
        // The list form up to its filter, without parentheses written around the whole form.
        let file = &span.file.text;
        let head = file
            .get(span.start..filter.span.start)
            .unwrap_or("")
            .trim_start_matches(|c: char| c == '(' || c.is_whitespace())
            .trim_end();
        let window = q
            .within
            .as_ref()
            .map(|w| format!(" within {}", w.span.text()))
            .unwrap_or_default();
        let narrowed = if item_ops.is_empty() {
            let head = head.strip_suffix("where").unwrap_or(head).trim_end();
            format!("({head}{window})")
        } else {
            format!("({head} {}{window})", join(&item_ops))
        };
        let outside = format!("{narrowed} {word} {}", join(&lead_ops));
        let inside = format!("where ({})", filter.span.text());
        let item = self.records[*rec].name.clone();
        for o in lead_ops {
            self.error(
                Diagnostic::warning(
                    Code::LeadFieldInWhere,
                    t!(
                        "lead_field_in_where-about-lead-each-but",
                        text = o.span.text(),
                        item = item
                    ),
                )
                .label(
                    &o.span,
                    t!("lead_field_in_where-joined-filter-by-label", word = word),
                )
                .help(t!(
                    "lead_field_in_where-filter-runs-end-line-help",
                    outside = outside,
                    inside = inside
                )),
            );
        }
    }
}

/// `count(events where ...)`, `sum(x of events where ...)`: a query whose filter ends at a
/// closing parenthesis of its own.
fn written_in_parens(span: &Span, q: &ast::ListQuery, value: Option<&ast::Expr>) -> bool {
    let inner = value.map_or(q.list.span.start, |v| v.span.start.min(q.list.span.start));
    let Some(text) = span.file.text.get(span.start..inner) else {
        return false;
    };
    // Parentheses around the whole form are not the form's own.
    let text = text.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
    let rest = text.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    rest.trim_start().starts_with('(')
}

/// The operands of a chain of one operator: `a or b or c` gives `a`, `b`, `c`.
fn chain<'e>(e: &'e TExpr, op: BinOp, out: &mut Vec<&'e TExpr>) {
    match &e.kind {
        TKind::Binary(o, a, b) if *o == op => {
            chain(a, op, out);
            chain(b, op, out);
        }
        _ => out.push(e),
    }
}

/// Whether an expression in a query's filter reads the query's item (`depth` counts the
/// queries nested in between) and whether it reads anything about the lead: a field, a let,
/// a score, a grade, a persona, the stage, the route, an SLA, or an item of an outer query.
fn reads(e: &TExpr, depth: usize, item: &mut bool, lead: &mut bool) {
    let mut go = |x: &TExpr| reads(x, depth, item, lead);
    match &e.kind {
        TKind::Const(_) | TKind::Now | TKind::Leads | TKind::Table(_) | TKind::Figure(_) => {}
        TKind::Item { depth: d, .. } => {
            if *d == depth {
                *item = true;
            } else if *d > depth {
                *lead = true;
            }
        }
        TKind::Field(_)
        | TKind::Let(_)
        | TKind::Score(_)
        | TKind::Grade(_)
        | TKind::Persona(_)
        | TKind::PersonaMatch(_)
        | TKind::Stage
        | TKind::Reached(_)
        | TKind::ReachedAt(_)
        | TKind::Route
        | TKind::Sla(_) => *lead = true,
        TKind::List(xs) | TKind::Call(_, xs) | TKind::Script(_, xs) => xs.iter().for_each(go),
        TKind::Get(a, _) | TKind::Not(a) | TKind::Neg(a) | TKind::Matches(a, _) => go(a),
        TKind::IsMissing { value, .. } => go(value),
        TKind::Binary(_, a, b)
        | TKind::In {
            value: a, list: b, ..
        }
        | TKind::Text {
            value: a, arg: b, ..
        }
        | TKind::ListContains(a, b) => {
            go(a);
            go(b);
        }
        TKind::Between(a, b, c) | TKind::If(a, b, c) => {
            go(a);
            go(b);
            go(c);
        }
        TKind::Query { value, query, .. } => {
            query_reads(query, depth, item, lead);
            if let Some(v) = value {
                reads(v, depth + 1, item, lead);
            }
        }
        TKind::Pick(pick, query) => {
            if let PickKind::Nth(n) = pick {
                reads(n, depth, item, lead);
            }
            query_reads(query, depth, item, lead);
        }
    }
}

fn query_reads(q: &TQuery, depth: usize, item: &mut bool, lead: &mut bool) {
    reads(&q.list, depth, item, lead);
    if let Some(w) = &q.within {
        reads(w, depth, item, lead);
    }
    if let Some(f) = &q.filter {
        reads(f, depth + 1, item, lead);
    }
}
