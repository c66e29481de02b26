//! Expressions: operators with exactly the parentheses precedence needs, literals as written,
//! lists and records on one line or one item a line.

use super::{Printer, WIDTH};
use crate::ast::{BinOp, Expr, ExprKind, Ident, ListOp, ListQuery, Literal, NumLit, Pick, TextOp};
use crate::span::Span;

// Binding strength, loosest first, as in the parser's Pratt table.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
pub(super) const CMP: u8 = 4;
/// The loosest an `arith` position (`between`, `within`, `every`, `warn at` ...) accepts.
pub(super) const ARITH: u8 = 5;
const MUL: u8 = 6;
const NEG: u8 = 7;
const FIELD: u8 = 8;
const ATOM: u8 = 9;

fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => match op {
            BinOp::Or => OR,
            BinOp::And => AND,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => CMP,
            BinOp::Add | BinOp::Sub => ARITH,
            BinOp::Mul | BinOp::Div => MUL,
        },
        ExprKind::Not(_) => NOT,
        ExprKind::In { .. }
        | ExprKind::Between { .. }
        | ExprKind::Text { .. }
        | ExprKind::Matches(..)
        | ExprKind::IsMissing { .. } => CMP,
        ExprKind::Neg(_) => NEG,
        ExprKind::Field(..) => FIELD,
        _ => ATOM,
    }
}

/// Whether a list form's list can be written bare (`events`, `f(x)`, `lead.events`): a list
/// in parentheses is written in the parenthesized form of the aggregate instead.
fn plain_source(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Call(..) => true,
        ExprKind::Field(x, _) => plain_source(x),
        _ => false,
    }
}

fn list_word(op: ListOp) -> &'static str {
    match op {
        ListOp::Any => "any",
        ListOp::All => "all",
        ListOp::Count => "count",
        ListOp::Sum => "sum",
        ListOp::Avg => "avg",
        ListOp::Median => "median",
        ListOp::Min => "min",
        ListOp::Max => "max",
    }
}

impl Printer<'_> {
    /// Prints `e` where operators looser than `min` need parentheses. `open` says whether the
    /// expression ends its context (followed by a line break, `,`, `)`, a keyword such as
    /// `then`, ...): only there may an `if` or a list form such as `any event where ...`,
    /// whose last part extends as far as it can, be written bare.
    pub(super) fn expr(&mut self, e: &Expr, min: u8, open: bool) {
        if prec(e) < min || (!open && matches!(e.kind, ExprKind::If(..))) {
            self.push("(");
            self.nested(|p| p.expr_bare(e, true));
            self.push(")");
        } else {
            self.expr_bare(e, open);
        }
    }

    fn expr_bare(&mut self, e: &Expr, open: bool) {
        match &e.kind {
            ExprKind::Lit(lit) => {
                let text = literal_text(lit, &e.span);
                self.push(&text);
            }
            ExprKind::List(items) => self.list(e, items),
            ExprKind::Record(fields) => self.record(e, fields),
            ExprKind::Name(n) => self.push(&n.name),
            ExprKind::Now => self.push("now"),
            ExprKind::Stage => self.push("stage"),
            ExprKind::RouteRef => self.push("route"),
            ExprKind::Field(x, f) => {
                self.expr(x, FIELD, false);
                self.push(".");
                self.push(&f.name);
            }
            ExprKind::Not(x) => {
                self.push("not ");
                self.expr(x, NOT, open);
            }
            ExprKind::Neg(x) => {
                self.push("-");
                self.expr(x, NEG, open);
            }
            ExprKind::Binary(op, l, r) => {
                // `and` inside `or` always gets parentheses, for readers who do not know
                // which binds tighter.
                let p = prec(e);
                let (lmin, rmin) = if *op == BinOp::Or {
                    (AND + 1, AND + 1)
                } else {
                    (p, p + 1)
                };
                self.expr(l, lmin, false);
                self.push(" ");
                self.push(op.as_str());
                self.push(" ");
                self.expr(r, rmin, open);
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                self.expr(value, CMP, false);
                self.push(if *negated { " not in " } else { " in " });
                self.expr(list, ARITH, open);
            }
            ExprKind::Between { value, lo, hi } => {
                self.expr(value, CMP, false);
                self.push(" between ");
                self.expr(lo, ARITH, false);
                self.push(" and ");
                self.expr(hi, ARITH, open);
            }
            ExprKind::Text {
                op,
                value,
                any,
                arg,
            } => {
                self.expr(value, CMP, false);
                self.push(match op {
                    TextOp::Contains => " contains ",
                    TextOp::StartsWith => " starts with ",
                    TextOp::EndsWith => " ends with ",
                });
                if *any {
                    self.push("any ");
                }
                // Without `any`, an argument starting with the word `any` would be read as
                // the operator's `any`.
                let starts_with_any = {
                    let text = self.flat_text(|p| p.expr(arg, ARITH, open));
                    text.strip_prefix("any").is_some_and(|rest| {
                        !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    })
                };
                if !*any && starts_with_any {
                    self.push("(");
                    self.expr_bare(arg, true);
                    self.push(")");
                } else {
                    self.expr(arg, ARITH, open);
                }
            }
            ExprKind::Matches(value, re) => {
                self.expr(value, CMP, false);
                self.push(" matches ");
                self.expr(re, ARITH, open);
            }
            ExprKind::IsMissing { value, negated } => {
                self.expr(value, CMP, false);
                self.push(if *negated {
                    " is present"
                } else {
                    " is missing"
                });
            }
            ExprKind::If(c, a, b) => {
                self.push("if ");
                self.nested(|p| p.expr(c, 0, true));
                self.push(" then ");
                self.nested(|p| p.expr(a, 0, true));
                self.push(" else ");
                self.expr(b, 0, open);
            }
            ExprKind::Call(name, args) => self.call(name, args),
            ExprKind::Persona(name) => {
                self.push("persona ");
                self.push(&name.name);
            }
            ExprKind::ListOp { op, value, query } => {
                let bare = open
                    && self.depth == 0
                    && !self.metric
                    && (query.filter.is_some() || query.within.is_some())
                    && plain_source(&query.list);
                self.push(list_word(*op));
                self.push(if bare { " " } else { "(" });
                let depth = self.depth;
                if !bare {
                    self.depth += 1;
                }
                if let Some(v) = value {
                    self.expr(v, ARITH, false);
                    self.push(" of ");
                }
                self.query(query, true);
                self.depth = depth;
                if !bare {
                    self.push(")");
                }
            }
            ExprKind::Pick(pick, query) => self.nested(|p| p.pick(pick, query)),
        }
    }

    /// `first(..)`, `last(..)`, `nth(N, ..)`.
    fn pick(&mut self, pick: &Pick, query: &ListQuery) {
        match pick {
            Pick::First => self.push("first("),
            Pick::Last => self.push("last("),
            Pick::Nth(n) => {
                self.push("nth(");
                self.expr(n, 0, true);
                self.push(", ");
            }
        }
        self.query(query, true);
        self.push(")");
    }

    fn call(&mut self, name: &Ident, args: &[Expr]) {
        self.push(&name.name);
        self.push("(");
        self.depth += 1;
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.expr(a, 0, true);
        }
        self.depth -= 1;
        self.push(")");
    }

    /// `LIST [where COND] [within D]`.
    pub(super) fn query(&mut self, q: &ListQuery, open: bool) {
        self.list_source(&q.list);
        if let Some(filter) = &q.filter {
            self.push(" where ");
            self.expr(filter, 0, open && q.within.is_none());
        }
        if let Some(within) = &q.within {
            self.push(" within ");
            self.expr(within, ARITH, open);
        }
    }

    /// The list of a list form: a name, a call or a parenthesized expression, then fields.
    fn list_source(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.push(&n.name),
            ExprKind::Call(name, args) => self.call(name, args),
            ExprKind::Field(x, f) if plain_source(x) => {
                self.list_source(x);
                self.push(".");
                self.push(&f.name);
            }
            _ => {
                self.push("(");
                self.nested(|p| p.expr_bare(e, true));
                self.push(")");
            }
        }
    }

    /// Whether a list or record stays on one line: it fits and holds no comment.
    fn stays_flat(&self, e: &Expr, flat_width: usize) -> bool {
        self.flat
            || (self.col() + flat_width <= WIDTH && !self.comment_inside(e.span.start, e.span.end))
    }

    /// Prints inside brackets, where list forms take their parenthesized form.
    fn nested(&mut self, print: impl FnOnce(&mut Self)) {
        self.depth += 1;
        print(self);
        self.depth -= 1;
    }

    fn list(&mut self, e: &Expr, items: &[Expr]) {
        self.nested(|p| p.list_items(e, items));
    }

    fn list_items(&mut self, e: &Expr, items: &[Expr]) {
        let width = self.measure(|p| p.list_flat(items));
        if items.is_empty() || self.stays_flat(e, width) {
            self.list_flat(items);
            return;
        }
        let indent = self.indent();
        self.push("[");
        self.finish_opener(e.span.start + 1);
        for (i, item) in items.iter().enumerate() {
            self.open(indent + 2, item.span.start);
            self.expr(item, 0, true);
            if i + 1 < items.len() {
                self.push(",");
            }
            self.end_at(item.span.end);
        }
        self.open_close(indent, e.span.end.saturating_sub(1));
        self.push("]");
        self.end_at(e.span.end);
    }

    fn list_flat(&mut self, items: &[Expr]) {
        self.push("[");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.expr(item, 0, true);
        }
        self.push("]");
    }

    fn record(&mut self, e: &Expr, fields: &[(Ident, Expr)]) {
        self.nested(|p| p.record_fields(e, fields));
    }

    fn record_fields(&mut self, e: &Expr, fields: &[(Ident, Expr)]) {
        let width = self.measure(|p| p.record_flat(fields));
        if fields.is_empty() || self.stays_flat(e, width) {
            self.record_flat(fields);
            return;
        }
        let indent = self.indent();
        self.push("{");
        self.finish_opener(e.span.start + 1);
        for (name, value) in fields {
            self.open(indent + 2, name.span.start);
            self.push(&name.name);
            self.push(": ");
            self.expr(value, 0, true);
            self.end_at(value.span.end);
        }
        self.open_close(indent, e.span.end.saturating_sub(1));
        self.push("}");
        self.end_at(e.span.end);
    }

    fn record_flat(&mut self, fields: &[(Ident, Expr)]) {
        if fields.is_empty() {
            self.push("{}");
            return;
        }
        self.push("{ ");
        for (i, (name, value)) in fields.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push(&name.name);
            self.push(": ");
            self.expr(value, 0, true);
        }
        self.push(" }");
    }
}

/// A literal as written. The span of a literal in parentheses covers them: the literal is
/// found inside. Falls back to printing the value (for trees not parsed from text).
pub(super) fn literal_text(lit: &Literal, span: &Span) -> String {
    let raw = skip_open(span.text());
    let token = match lit {
        Literal::Number(n) => Some(n.span.text().to_string()).filter(|t| !t.is_empty()),
        Literal::Bool(b) => return b.to_string(),
        Literal::DateTime(text) => return text.clone(),
        Literal::Text(_) if raw.starts_with('"') => Some(scan_string(raw).to_string()),
        Literal::Regex { .. } if raw.starts_with('/') => Some(scan_regex(raw).to_string()),
        Literal::Duration(_) => {
            let end = raw
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ' ' || c == '\t'))
                .unwrap_or(raw.len());
            let parts: Vec<&str> = raw[..end].split_whitespace().collect();
            Some(parts.join(" "))
        }
        Literal::Date(..) | Literal::Percent(_) => {
            let end = raw
                .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-%".contains(c)))
                .unwrap_or(raw.len());
            Some(raw[..end].to_string())
        }
        _ => None,
    };
    match token.filter(|t| !t.is_empty()) {
        Some(t) => t,
        None => literal_value(lit),
    }
}

/// A literal printed from its value.
fn literal_value(lit: &Literal) -> String {
    match lit {
        Literal::Number(NumLit { int: Some(i), .. }) => i.to_string(),
        Literal::Number(n) => format!("{:?}", n.value),
        Literal::Text(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        Literal::Bool(b) => b.to_string(),
        Literal::Duration(s) => format!("{s}s"),
        Literal::Date(y, m, d) => format!("{y:04}-{m:02}-{d:02}"),
        Literal::DateTime(t) => t.clone(),
        Literal::Percent(f) => format!("{}%", f * 100.0),
        Literal::Regex { pattern, flags } => format!("/{}/{flags}", pattern.replace('/', "\\/")),
    }
}

/// Skips opening parentheses, blanks and comments before a literal.
fn skip_open(mut t: &str) -> &str {
    loop {
        t = t.trim_start();
        if let Some(rest) = t.strip_prefix('(') {
            t = rest;
        } else if t.starts_with('#') {
            t = &t[t.find('\n').unwrap_or(t.len())..];
        } else {
            return t;
        }
    }
}

/// The string literal at the start of `t`, quotes included.
fn scan_string(t: &str) -> &str {
    let mut escaped = false;
    for (i, c) in t.char_indices().skip(1) {
        match (escaped, c) {
            (false, '\\') => escaped = true,
            (false, '"') => return &t[..=i],
            _ => escaped = false,
        }
    }
    t
}

/// The regex literal at the start of `t`, slashes and flags included.
fn scan_regex(t: &str) -> &str {
    let mut escaped = false;
    for (i, c) in t.char_indices().skip(1) {
        match (escaped, c) {
            (false, '\\') => escaped = true,
            (false, '/') => {
                let rest = &t[i + 1..];
                let flags = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                return &t[..i + 1 + flags];
            }
            _ => escaped = false,
        }
    }
    t
}
