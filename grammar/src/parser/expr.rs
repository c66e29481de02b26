//! Expressions: operator precedence (pest's PrattParser), operands and literals.

use super::{kids, words, Ctx, Rule, MAX_NESTING, MAX_TREE_DEPTH, P};
use crate::ast::{
    BinOp, Expr, ExprKind, Ident, ListOp, ListQuery, Literal, NumLit, Pick, StrLit, TextOp,
};
use crate::span::Span;
use funnel_locale::t;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::OnceLock;

/// Operator precedence, lowest first: `or` < `and` < `not` < comparisons and word operators
/// < `+ -` < `* /` < unary `-` < `.field`.
fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        use Assoc::Left;
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Left))
            .op(Op::infix(Rule::op_and, Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Left)
                | Op::infix(Rule::op_ne, Left)
                | Op::infix(Rule::op_lt, Left)
                | Op::infix(Rule::op_le, Left)
                | Op::infix(Rule::op_gt, Left)
                | Op::infix(Rule::op_ge, Left)
                | Op::infix(Rule::op_in, Left)
                | Op::infix(Rule::op_not_in, Left)
                | Op::infix(Rule::op_contains, Left)
                | Op::infix(Rule::op_starts, Left)
                | Op::infix(Rule::op_ends, Left)
                | Op::infix(Rule::op_matches, Left)
                | Op::postfix(Rule::op_is_missing)
                | Op::postfix(Rule::op_is_present)
                | Op::postfix(Rule::op_between))
            .op(Op::infix(Rule::op_add, Left) | Op::infix(Rule::op_sub, Left))
            .op(Op::infix(Rule::op_mul, Left) | Op::infix(Rule::op_div, Left))
            .op(Op::prefix(Rule::op_neg))
            .op(Op::postfix(Rule::op_field))
    })
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Ctx<'_> {
    /// An `expr`, `arith` or `condition` node.
    pub(super) fn expr(&self, pair: P<'_>) -> Expr {
        let pair = if pair.as_rule() == Rule::condition {
            match kids(pair.clone()).next() {
                Some(inner) => inner,
                None => return self.placeholder(&pair),
            }
        } else {
            pair
        };
        let whole = self.span(&pair);
        let seq: Vec<P<'_>> = words(pair).collect();
        // The Pratt parser recurses once per prefix operator: bound them like nesting.
        let prefixes = seq
            .iter()
            .filter(|p| matches!(p.as_rule(), Rule::op_not | Rule::op_neg))
            .count();
        if prefixes > MAX_NESTING {
            self.error(
                whole.clone(),
                t!("syntax-expression-has-more-than", max_nesting = MAX_NESTING),
                &t!("syntax-too-many-prefix-operators-label"),
                None,
            );
            return Expr {
                kind: ExprKind::Lit(Literal::Bool(false)),
                span: whole,
            };
        }
        self.expr_depth.set(self.expr_depth.get() + 1);
        let mut built = pratt()
            .map_primary(|p| self.operand(p))
            .map_prefix(|op, rhs| self.prefix(op, rhs))
            .map_postfix(|lhs, op| self.postfix(lhs, op))
            .map_infix(|lhs, op, rhs| self.infix(lhs, op, rhs))
            .parse(seq.into_iter());
        self.expr_depth.set(self.expr_depth.get() - 1);
        if self.expr_depth.get() == 0 && depth_of(&mut built) > MAX_TREE_DEPTH {
            self.error(
                whole.clone(),
                t!(
                    "syntax-expression-too-long-more",
                    max_tree_depth = MAX_TREE_DEPTH
                ),
                &t!("syntax-expression-too-long-label"),
                Some(t!("syntax-split-into-smaller-pieces-help")),
            );
            dismantle(built);
            return Expr {
                kind: ExprKind::Lit(Literal::Bool(false)),
                span: whole,
            };
        }
        built
    }

    fn placeholder(&self, pair: &P<'_>) -> Expr {
        Expr {
            kind: ExprKind::Lit(Literal::Bool(false)),
            span: self.span(pair),
        }
    }

    fn prefix(&self, op: P<'_>, rhs: Expr) -> Expr {
        let span = self.span(&op).to(&rhs.span);
        let kind = match op.as_rule() {
            Rule::op_not => ExprKind::Not(boxed(rhs)),
            _ => ExprKind::Neg(boxed(rhs)),
        };
        Expr { kind, span }
    }

    fn postfix(&self, lhs: Expr, op: P<'_>) -> Expr {
        let span = lhs.span.to(&self.span(&op));
        let value = boxed(lhs);
        let kind = match op.as_rule() {
            Rule::op_field => {
                let name = kids(op).next().map(|n| self.ident(&n));
                ExprKind::Field(value, name.unwrap_or_else(|| synthetic_ident(&span)))
            }
            Rule::op_is_missing => ExprKind::IsMissing {
                value,
                negated: false,
            },
            Rule::op_is_present => ExprKind::IsMissing {
                value,
                negated: true,
            },
            _ => {
                // `between LO and HI`
                let mut bounds = kids(op).map(|b| self.expr(b));
                let lo = bounds.next().unwrap_or_else(|| false_at(&span));
                let hi = bounds.next().unwrap_or_else(|| false_at(&span));
                ExprKind::Between {
                    value,
                    lo: boxed(lo),
                    hi: boxed(hi),
                }
            }
        };
        Expr { kind, span }
    }

    fn infix(&self, lhs: Expr, op: P<'_>, rhs: Expr) -> Expr {
        let span = lhs.span.to(&rhs.span);
        let any = words(op.clone()).any(|w| w.as_rule() == Rule::kw_any);
        let (value, arg) = (boxed(lhs), boxed(rhs));
        let kind = match op.as_rule() {
            Rule::op_contains => ExprKind::Text {
                op: TextOp::Contains,
                value,
                any,
                arg,
            },
            Rule::op_starts => ExprKind::Text {
                op: TextOp::StartsWith,
                value,
                any,
                arg,
            },
            Rule::op_ends => ExprKind::Text {
                op: TextOp::EndsWith,
                value,
                any,
                arg,
            },
            Rule::op_in => ExprKind::In {
                value,
                list: arg,
                negated: false,
            },
            Rule::op_not_in => ExprKind::In {
                value,
                list: arg,
                negated: true,
            },
            Rule::op_matches => ExprKind::Matches(value, arg),
            rule => ExprKind::Binary(bin_op(rule), value, arg),
        };
        Expr { kind, span }
    }

    /// One operand: a literal, a name, a bracketed form or a keyword form.
    pub(super) fn operand(&self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::paren => match kids(pair).next() {
                // Keep the inner expression, with the parentheses in its span.
                Some(inner) => {
                    return Expr {
                        span,
                        ..self.expr(inner)
                    }
                }
                None => return false_at(&span),
            },
            Rule::list_lit => ExprKind::List(kids(pair).map(|e| self.expr(e)).collect()),
            Rule::record_lit => ExprKind::Record(kids(pair).map(|f| self.field_init(f)).collect()),
            Rule::if_expr => {
                let mut parts = kids(pair).map(|e| boxed(self.expr(e)));
                let mut next = || parts.next().unwrap_or_else(|| boxed(false_at(&span)));
                ExprKind::If(next(), next(), next())
            }
            Rule::pick => return self.pick(pair),
            Rule::agg_paren | Rule::list_form | Rule::agg_form => return self.list_op(pair),
            Rule::persona_ref => match kids(pair).next() {
                Some(name) => ExprKind::Persona(self.ident(&name)),
                None => return false_at(&span),
            },
            Rule::call => {
                let mut parts = kids(pair);
                let name = match parts.next() {
                    Some(n) => self.ident(&n),
                    None => return false_at(&span),
                };
                ExprKind::Call(name, parts.map(|a| self.expr(a)).collect())
            }
            Rule::lit_now => ExprKind::Now,
            Rule::lit_stage => ExprKind::Stage,
            Rule::lit_route => ExprKind::RouteRef,
            Rule::name => ExprKind::Name(self.ident(&pair)),
            _ => ExprKind::Lit(self.literal(&pair)),
        };
        Expr { kind, span }
    }

    /// `name: value` inside a record literal.
    fn field_init(&self, pair: P<'_>) -> (Ident, Expr) {
        let span = self.span(&pair);
        let mut parts = kids(pair);
        let name = parts
            .next()
            .map(|n| self.ident(&n))
            .unwrap_or_else(|| synthetic_ident(&span));
        let value = parts
            .next()
            .map(|v| self.expr(v))
            .unwrap_or_else(|| false_at(&span));
        (name, value)
    }

    /// `first(LIST ...)`, `last(LIST ...)`, `nth(N, LIST ...)`.
    fn pick(&self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let mut which = None;
        let mut index = None;
        let mut query = None;
        for part in words(pair) {
            match part.as_rule() {
                Rule::kw_first => which = Some(Pick::First),
                Rule::kw_last => which = Some(Pick::Last),
                Rule::expr => index = Some(boxed(self.expr(part))),
                Rule::list_query => query = Some(self.list_query(part)),
                _ => {}
            }
        }
        let pick = match (which, index) {
            (Some(p), _) => p,
            (None, Some(n)) => Pick::Nth(n),
            (None, None) => Pick::First,
        };
        let query = query.unwrap_or_else(|| empty_query(&span));
        Expr {
            kind: ExprKind::Pick(pick, query),
            span,
        }
    }

    /// `any/all/count LIST ...` and `sum/avg/median/min/max VALUE of LIST ...`, bare or in
    /// parentheses.
    fn list_op(&self, pair: P<'_>) -> Expr {
        let span = self.span(&pair);
        let mut op = ListOp::Count;
        let mut value = None;
        let mut query = None;
        for part in kids(pair) {
            match part.as_rule() {
                Rule::list_word | Rule::value_word => op = list_op_word(part.as_str()),
                Rule::arith => value = Some(boxed(self.expr(part))),
                Rule::list_query => query = Some(self.list_query(part)),
                _ => {}
            }
        }
        let query = query.unwrap_or_else(|| empty_query(&span));
        Expr {
            kind: ExprKind::ListOp { op, value, query },
            span,
        }
    }

    /// `LIST [where COND] [within D]` (also `per_query`, the same without `count`).
    pub(super) fn list_query(&self, pair: P<'_>) -> ListQuery {
        let span = self.span(&pair);
        let mut query = empty_query(&span);
        for part in kids(pair) {
            match part.as_rule() {
                Rule::list_source => *query.list = self.list_source(part),
                Rule::where_clause => query.filter = self.clause(part),
                Rule::within_clause => query.within = self.clause(part),
                _ => {}
            }
        }
        query
    }

    fn clause(&self, pair: P<'_>) -> Option<Box<Expr>> {
        kids(pair).next().map(|e| boxed(self.expr(e)))
    }

    /// The list of a list form: a name, call or parenthesized expression, then `.field`s.
    fn list_source(&self, pair: P<'_>) -> Expr {
        let mut parts = kids(pair);
        let mut list = match parts.next() {
            Some(first) => self.operand(first),
            None => {
                return Expr {
                    kind: ExprKind::Lit(Literal::Bool(false)),
                    span: Span::synthetic(),
                }
            }
        };
        for field in parts {
            list = self.postfix(list, field);
        }
        list
    }

    pub(super) fn ident(&self, pair: &P<'_>) -> Ident {
        let span = self.span(pair);
        Ident {
            name: self.name_of(pair.as_str(), &span),
            span,
        }
    }

    /// A literal's value; malformed contents (a 13th month, an unknown escape) are reported
    /// here with the literal's span.
    pub(super) fn literal(&self, pair: &P<'_>) -> Literal {
        let text = pair.as_str();
        match pair.as_rule() {
            Rule::number => Literal::Number(self.number(pair)),
            Rule::percent => Literal::Percent(self.percent_value(pair)),
            Rule::duration => Literal::Duration(self.duration(pair)),
            Rule::date => {
                let (y, m, d) = self.date_parts(pair);
                Literal::Date(y, m, d)
            }
            Rule::datetime => {
                self.date_parts(pair);
                Literal::DateTime(text.to_string())
            }
            Rule::string => Literal::Text(self.string(pair).value),
            Rule::regex => self.regex(pair),
            Rule::lit_true => Literal::Bool(true),
            _ => Literal::Bool(false),
        }
    }

    /// A number literal (`number`, `signed_number` or `points`).
    pub(super) fn number(&self, pair: &P<'_>) -> NumLit {
        let text = pair.as_str();
        let integer = !text.contains(['.', 'e', 'E']);
        let int = integer
            .then(|| {
                let clean: String = text.chars().filter(|&c| c != '_' && c != '+').collect();
                clean.parse::<i64>().ok()
            })
            .flatten();
        NumLit {
            value: self.float(pair, text),
            integer,
            int,
            span: self.span(pair),
        }
    }

    /// `75%` as 0.75.
    pub(super) fn percent_value(&self, pair: &P<'_>) -> f64 {
        self.float(pair, pair.as_str().trim_end_matches('%')) / 100.0
    }

    fn float(&self, pair: &P<'_>, text: &str) -> f64 {
        let clean: String = text.chars().filter(|&c| c != '_' && c != '+').collect();
        match clean.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                self.error(
                    self.span(pair),
                    t!("syntax-number-too-large", text = text),
                    &t!("syntax-too-large-label"),
                    None,
                );
                0.0
            }
        }
    }

    /// `4h 15m` in seconds.
    fn duration(&self, pair: &P<'_>) -> i64 {
        let mut total: Option<i64> = Some(0);
        for part in pair.as_str().split([' ', '\t']).filter(|p| !p.is_empty()) {
            let (digits, unit) = part.split_at(part.len() - 1);
            let unit_seconds = match unit {
                "w" => 604_800,
                "d" => 86_400,
                "h" => 3_600,
                "m" => 60,
                _ => 1,
            };
            let n = digits.replace('_', "").parse::<i64>().ok();
            total = total
                .zip(n)
                .and_then(|(t, n)| n.checked_mul(unit_seconds)?.checked_add(t));
        }
        total.unwrap_or_else(|| {
            self.error(
                self.span(pair),
                t!("syntax-duration-too-long"),
                &t!("syntax-too-long-label"),
                None,
            );
            0
        })
    }

    /// The date part of a date or datetime, with its month and day checked.
    pub(super) fn date_parts(&self, pair: &P<'_>) -> (i32, u32, u32) {
        let text = pair.as_str();
        let field = |range: std::ops::Range<usize>| {
            text.get(range).and_then(|s| s.parse().ok()).unwrap_or(0)
        };
        let (y, m, d) = (field(0..4) as i32, field(5..7), field(8..10));
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            self.error(
                self.span(pair),
                t!("syntax-valid-date", text = text),
                &t!("syntax-date-label"),
                Some(t!("syntax-dates-are-written-year-help")),
            );
        } else if let Some(bad) = bad_time(text) {
            self.error(
                self.span(pair),
                t!("syntax-has-invalid-time", text = text, bad = bad),
                &t!("syntax-invalid-time-label"),
                None,
            );
        }
        (y, m, d)
    }

    /// A string literal with its escapes decoded.
    pub(super) fn string(&self, pair: &P<'_>) -> StrLit {
        let raw = pair.as_str();
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let value = match decode_escapes(inner) {
            Ok(v) => v,
            Err(bad) => {
                self.error(
                    self.span(pair),
                    t!("syntax-u-valid-character", bad = bad),
                    &t!("syntax-invalid-escape-label"),
                    Some(t!("syntax-write-unicode-code-point-help")),
                );
                String::new()
            }
        };
        StrLit {
            value,
            span: self.span(pair),
        }
    }

    /// `/pattern/flags`, with `\/` turned back into `/` (what the regex engine expects).
    fn regex(&self, pair: &P<'_>) -> Literal {
        let mut pattern = String::new();
        let mut flags = String::new();
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::regex_body => pattern = part.as_str().replace("\\/", "/"),
                Rule::regex_flags => flags = part.as_str().to_string(),
                _ => {}
            }
        }
        Literal::Regex { pattern, flags }
    }
}

fn bin_op(rule: Rule) -> BinOp {
    match rule {
        Rule::op_or => BinOp::Or,
        Rule::op_and => BinOp::And,
        Rule::op_eq => BinOp::Eq,
        Rule::op_ne => BinOp::Ne,
        Rule::op_lt => BinOp::Lt,
        Rule::op_le => BinOp::Le,
        Rule::op_gt => BinOp::Gt,
        Rule::op_ge => BinOp::Ge,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        _ => BinOp::Div,
    }
}

fn list_op_word(word: &str) -> ListOp {
    match word {
        "any" => ListOp::Any,
        "all" => ListOp::All,
        "sum" => ListOp::Sum,
        "avg" => ListOp::Avg,
        "median" => ListOp::Median,
        "min" => ListOp::Min,
        "max" => ListOp::Max,
        _ => ListOp::Count,
    }
}

fn empty_query(span: &Span) -> ListQuery {
    ListQuery {
        list: boxed(false_at(span)),
        filter: None,
        within: None,
    }
}

/// A stand-in for a part the grammar guarantees but that could not be read (never reached on
/// input that parsed; it keeps the builder total instead of panicking).
fn false_at(span: &Span) -> Expr {
    Expr {
        kind: ExprKind::Lit(Literal::Bool(false)),
        span: span.clone(),
    }
}

fn synthetic_ident(span: &Span) -> Ident {
    Ident {
        name: String::new(),
        span: span.clone(),
    }
}

/// Decodes `\" \\ \n \t \r \u{...}`; the grammar has already rejected other escapes. Returns
/// the hex digits of an escape that is not a Unicode scalar value.
fn decode_escapes(inner: &str) -> Result<String, String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => return Err(hex),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

/// What is wrong with the time of a datetime literal, if anything.
fn bad_time(text: &str) -> Option<String> {
    let time = text.get(11..)?;
    let num = |r: std::ops::Range<usize>| time.get(r).and_then(|s| s.parse::<u32>().ok());
    if num(0..2)? > 23 {
        return Some(t!("syntax-hours-from-00-23"));
    }
    if num(3..5)? > 59 {
        return Some(t!("syntax-minutes-from-00-59"));
    }
    if time.as_bytes().get(5) == Some(&b':') && num(6..8)? > 60 {
        return Some(t!("syntax-seconds-from-00-59"));
    }
    None
}

/// The children of an expression node (for walking trees without recursion).
fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    fn query(q: &mut ListQuery) -> Vec<&mut Expr> {
        let mut v = vec![&mut *q.list];
        v.extend(q.filter.as_deref_mut());
        v.extend(q.within.as_deref_mut());
        v
    }
    match &mut e.kind {
        ExprKind::Lit(_)
        | ExprKind::Name(_)
        | ExprKind::Now
        | ExprKind::Stage
        | ExprKind::RouteRef => vec![],
        ExprKind::Persona(_) => vec![],
        ExprKind::List(items) => items.iter_mut().collect(),
        ExprKind::Record(fields) => fields.iter_mut().map(|(_, v)| v).collect(),
        ExprKind::Call(_, args) => args.iter_mut().collect(),
        ExprKind::Field(x, _) | ExprKind::Not(x) | ExprKind::Neg(x) => vec![&mut **x],
        ExprKind::IsMissing { value, .. } => vec![&mut **value],
        ExprKind::Binary(_, a, b) | ExprKind::Matches(a, b) => vec![&mut **a, &mut **b],
        ExprKind::In { value, list, .. } => vec![&mut **value, &mut **list],
        ExprKind::Text { value, arg, .. } => vec![&mut **value, &mut **arg],
        ExprKind::Between { value, lo, hi } => vec![&mut **value, &mut **lo, &mut **hi],
        ExprKind::If(a, b, c) => vec![&mut **a, &mut **b, &mut **c],
        ExprKind::ListOp {
            value, query: q, ..
        } => {
            let mut v: Vec<&mut Expr> = value.as_deref_mut().into_iter().collect();
            v.extend(query(q));
            v
        }
        ExprKind::Pick(pick, q) => {
            let mut v: Vec<&mut Expr> = match pick {
                Pick::Nth(n) => vec![&mut **n],
                _ => vec![],
            };
            v.extend(query(q));
            v
        }
    }
}

/// The depth of a tree, measured with an explicit stack (`&mut` only to share
/// [`children_mut`] with [`dismantle`]).
fn depth_of(root: &mut Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((e, d)) = stack.pop() {
        max = max.max(d);
        stack.extend(children_mut(e).into_iter().map(|c| (c, d + 1)));
    }
    max
}

/// Drops a tree without recursion (the derived `Drop` recurses once per level).
fn dismantle(root: Expr) {
    let mut stack = vec![root];
    while let Some(mut e) = stack.pop() {
        for child in children_mut(&mut e) {
            let placeholder = Expr {
                kind: ExprKind::Now,
                span: child.span.clone(),
            };
            stack.push(std::mem::replace(child, placeholder));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode() {
        assert_eq!(
            decode_escapes(r#"a\"b\\c\n\t\u{e9}"#).unwrap(),
            "a\"b\\c\n\té"
        );
        assert_eq!(decode_escapes(r"\u{d800}").unwrap_err(), "d800");
    }

    #[test]
    fn times_are_checked() {
        assert_eq!(
            bad_time("2026-01-01T24:00:00Z").as_deref(),
            Some("hours go from 00 to 23")
        );
        assert_eq!(bad_time("2026-01-01T10:00:00Z"), None);
    }
}
