//! Name resolution and type checking of expressions.

use super::suggest::{closest, did_you_mean, unknown_name};
use super::{Checker, DefKind};
use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::pattern::{Pattern, PatternError};
use crate::value::Value;
use funnel_grammar::ast::{self, BinOp, ExprKind, ListOp, Literal, TextOp};
use funnel_grammar::Span;
use funnel_locale::t;
use std::sync::Arc;

/// What names mean where an expression is checked.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    /// The item records of the enclosing list queries, innermost last (`None` for lists of
    /// plain values).
    items: Vec<Option<RecordId>>,
    /// At the top of a metric: lead fields are only reachable inside an aggregate over `leads`.
    metric: bool,
    /// Inside a query over a list whose type is already in error: its items' fields are not
    /// known, so unknown names are not reported again.
    lenient: bool,
    /// In a test's `expect` lines: which figures they may read.
    pub(super) test: TestScope,
}

/// Where `metric(..)`, `status(..)` and `funnel(..)` may be called.
#[derive(Debug, Clone)]
pub(crate) enum TestScope {
    /// Not in a test.
    None,
    /// The `expect` lines of a test of one lead: they read its values, not a report.
    OneLead,
    /// The `expect` lines of a test over a batch: they read the batch's report.
    Batch(Arc<ReportShape>),
}

/// What a report has, for checking the figures a batch test expects.
#[derive(Debug, Default)]
pub(crate) struct ReportShape {
    /// Metrics and aggregate SLAs by name.
    pub(crate) figures: std::collections::HashMap<String, FigureShape>,
    /// The per-lead SLAs (which have no figure of their own).
    pub(crate) per_lead_slas: Vec<String>,
    /// The unit of the funnel's periods (the first aggregate SLA's with a `by`, or the first
    /// metric's), `None` when the report has no periods.
    pub(crate) main: Option<ast::PeriodUnit>,
    /// The funnel's `split by` lines (each the names of its dimensions).
    pub(crate) funnel_splits: Vec<Vec<String>>,
}

/// A metric's or an aggregate SLA's figures in a report.
#[derive(Debug)]
pub(crate) struct FigureShape {
    /// An aggregate SLA rather than a metric.
    pub(crate) sla: bool,
    /// The unit of its periods.
    pub(crate) unit: ast::PeriodUnit,
    /// Whether it has a target (an SLA always does), so a status.
    pub(crate) target: bool,
    /// Each `split by` line's dimensions as written.
    pub(crate) splits: Vec<Vec<String>>,
}

impl Env {
    /// Expressions about one lead.
    pub(crate) fn lead() -> Env {
        Env {
            items: Vec::new(),
            metric: false,
            lenient: false,
            test: TestScope::None,
        }
    }

    /// The top of a metric's expression.
    pub(crate) fn metric() -> Env {
        Env {
            items: Vec::new(),
            metric: true,
            lenient: false,
            test: TestScope::None,
        }
    }

    /// The `expect` lines of a test of one lead.
    pub(crate) fn one_lead_test() -> Env {
        Env {
            test: TestScope::OneLead,
            ..Env::lead()
        }
    }

    /// The `expect` lines of a test over a batch: like the top of a metric (no one lead's
    /// values), with the report's figures.
    pub(crate) fn batch_test(shape: Arc<ReportShape>) -> Env {
        Env {
            test: TestScope::Batch(shape),
            ..Env::metric()
        }
    }

    pub(super) fn batch(&self) -> bool {
        matches!(self.test, TestScope::Batch(_))
    }

    pub(super) fn with_item(&self, item: Option<RecordId>) -> Env {
        let mut e = self.clone();
        e.items.push(item);
        e
    }

    fn lenient(mut self) -> Env {
        self.lenient = true;
        self
    }
}

fn mk(kind: TKind, ty: Ty, span: &Span) -> TExpr {
    TExpr {
        kind,
        ty,
        span: span.clone(),
    }
}

fn boxed(e: TExpr) -> Box<TExpr> {
    Box::new(e)
}

/// What to do when an expression of type `found` stands where `want` is needed.
fn type_help(want: &Ty, found: &Ty, span: &Span) -> Option<String> {
    let written = span.text();
    let unquoted = written
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|s| s.replace('_', "").parse::<f64>().is_ok());
    if let (Some(n), true) = (unquoted, want.is_numeric()) {
        return Some(t!(
            "check-numbers-are-written-without",
            n = n,
            written = written
        ));
    }
    Some(match (want, found) {
        (Ty::DateTime, Ty::Date) => {
            t!("check-date-has-no-time")
        }
        (Ty::DateTime, _) => {
            t!("check-use-datetime-field-such")
        }
        (Ty::Duration, _) => t!("check-write-duration-such-30d"),
        (Ty::Int, Ty::Number) => t!("check-whole-number-needed-here"),
        (w, Ty::Text) if w.is_numeric() => {
            t!("check-text-use-number-field")
        }
        (Ty::Text, f) if f.is_numeric() => t!("check-text-written-quotes-300"),
        (w, _) if w.is_numeric() => t!("check-use-number-field-score"),
        _ => return None,
    })
}

/// True for two types that may be compared or mixed (numbers mix with whole numbers).
pub(crate) fn compatible(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (Ty::Error, _) | (_, Ty::Error) => true,
        (x, y) if x.is_numeric() && y.is_numeric() => true,
        (Ty::List(x), Ty::List(y)) => compatible(x, y),
        (x, y) => x == y,
    }
}

impl<'a> Checker<'a> {
    /// Describes a type for messages.
    pub(crate) fn ty_name(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::Int => "int".into(),
            Ty::Number => "number".into(),
            Ty::Text => "text".into(),
            Ty::Date => "date".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Duration => "duration".into(),
            Ty::Enum(e) => match self.enums.get(*e) {
                Some(def) if def.name == "stage" || def.name == "route" => def.name.clone(),
                Some(def) => t!("check-value", def = def.name),
                None => "enum".into(),
            },
            Ty::Record(r) => t!("check-record", record = self.records[*r].name),
            Ty::List(t) => format!("list<{}>", self.ty_name(t)),
            Ty::Regex => "regex".into(),
            Ty::Error => "unknown".into(),
        }
    }

    /// Reports a type mismatch unless `e` fits `want`.
    pub(crate) fn want(&mut self, e: TExpr, want: &Ty, context: &str) -> TExpr {
        if !compatible(&e.ty, want) {
            let found = self.ty_name(&e.ty);
            let wanted = self.ty_name(want);
            let mut d = Diagnostic::error(
                Code::TypeMismatch,
                t!(
                    "type_mismatch-must-but",
                    context = context,
                    wanted = wanted,
                    found = found
                ),
            )
            .label(&e.span, t!("type_mismatch-text-label", found = found));
            if *want == Ty::Bool && e.ty.is_numeric() {
                d = d.help(t!("type_mismatch-compare-make-condition-e-help"));
            } else if *want == Ty::Bool {
                d = d.help(t!("type_mismatch-condition-must-true-false-help"));
            } else if let Some(h) = type_help(want, &e.ty, &e.span) {
                d = d.help(h);
            }
            self.error(d);
            return mk(e.kind, Ty::Error, &e.span);
        }
        e
    }

    /// Checks a condition (a bool expression).
    pub(crate) fn condition(&mut self, e: &ast::Expr, env: &Env, context: &str) -> TExpr {
        let t = self.expr(e, env, Some(&Ty::Bool));
        self.want(t, &Ty::Bool, context)
    }

    /// Checks an expression; `expected` lets bare names resolve as enum values (`kind ==
    /// page_view`, `stage >= mql`, `grade(fit) in [A, B]`).
    pub(crate) fn expr(&mut self, e: &ast::Expr, env: &Env, expected: Option<&Ty>) -> TExpr {
        let span = &e.span;
        match &e.kind {
            ExprKind::Lit(lit) => self.literal(lit, span),
            ExprKind::List(items) => self.list_literal(items, env, expected, span),
            ExprKind::Record(_) => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        t!("type_mismatch-record-literal-can-only"),
                    )
                    .label(span, t!("type_mismatch-record-literal-here-label"))
                    .help(t!("type_mismatch-write-given-lead-test-help")),
                );
                mk(TKind::Const(Value::Missing), Ty::Error, span)
            }
            ExprKind::Name(id) => self.name(id, env, expected),
            ExprKind::Now => mk(TKind::Now, Ty::DateTime, span),
            ExprKind::Stage => {
                if env.metric {
                    return self.misplaced_lead_value(env, span, "stage");
                }
                self.uses(Node::Stages, span);
                mk(TKind::Stage, Ty::Enum(self.stage_enum), span)
            }
            ExprKind::RouteRef => {
                if env.metric {
                    return self.misplaced_lead_value(env, span, "route");
                }
                self.uses(Node::Route, span);
                mk(TKind::Route, Ty::Enum(self.route_enum), span)
            }
            ExprKind::Field(base, field) => {
                let b = self.expr(base, env, None);
                self.field_of(b, field, span)
            }
            ExprKind::Not(inner) => {
                let t = self.condition(inner, env, &t!("check-operand"));
                mk(TKind::Not(boxed(t)), Ty::Bool, span)
            }
            ExprKind::Neg(inner) => {
                let t = self.expr(inner, env, None);
                if !(t.ty.is_numeric() || t.ty == Ty::Duration) {
                    let found = self.ty_name(&t.ty);
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            t!("type_mismatch-cannot-negate", found = found),
                        )
                        .label(&t.span, t!("type_mismatch-text-label", found = found)),
                    );
                }
                let ty = t.ty.clone();
                mk(TKind::Neg(boxed(t)), ty, span)
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, env, span),
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                let (v, l) = self.pair(
                    value,
                    list,
                    env,
                    |t| Ty::List(Box::new(t.clone())),
                    |t| match t {
                        Ty::List(inner) => (**inner).clone(),
                        _ => Ty::Error,
                    },
                );
                let l = match &l.ty {
                    Ty::List(inner) => {
                        if !compatible(inner, &v.ty) {
                            let (a, b) = (self.ty_name(&v.ty), self.ty_name(&l.ty));
                            self.error(
                                Diagnostic::error(
                                    Code::TypeMismatch,
                                    t!("type_mismatch-cannot-look", a = a, b = b),
                                )
                                .label(&v.span, t!("type_mismatch-text-label-2", a = a))
                                .label(&l.span, t!("type_mismatch-text-label-3", b = b)),
                            );
                        }
                        l
                    }
                    Ty::Error => l,
                    _ => {
                        let found = self.ty_name(&l.ty);
                        self.error(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                t!("type_mismatch-needs-list-right-but", found = found),
                            )
                            .label(&l.span, t!("type_mismatch-text-label", found = found))
                            .help(t!("type_mismatch-write-list-such-br-help")),
                        );
                        l
                    }
                };
                mk(
                    TKind::In {
                        value: boxed(v),
                        list: boxed(l),
                        negated: *negated,
                    },
                    Ty::Bool,
                    span,
                )
            }
            ExprKind::Between { value, lo, hi } => {
                let v = self.expr(value, env, None);
                let lo_t = self.expr(lo, env, Some(&v.ty));
                let hi_t = self.expr(hi, env, Some(&v.ty));
                if !(v.ty.is_numeric() || matches!(v.ty, Ty::Date | Ty::DateTime | Ty::Duration)) {
                    let found = self.ty_name(&v.ty);
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            t!(
                                "type_mismatch-between-compares-numbers-dates",
                                found = found
                            ),
                        )
                        .label(&v.span, t!("type_mismatch-text-label", found = found)),
                    );
                }
                let lo_t = self.same_as(lo_t, &v, &t!("check-between-bounds"));
                let hi_t = self.same_as(hi_t, &v, &t!("check-between-bounds"));
                mk(
                    TKind::Between(boxed(v), boxed(lo_t), boxed(hi_t)),
                    Ty::Bool,
                    span,
                )
            }
            ExprKind::Text {
                op,
                value,
                any,
                arg,
            } => self.text_op(*op, *any, value, arg, env, span),
            ExprKind::Matches(value, re) => {
                let v = self.expr(value, env, Some(&Ty::Text));
                let v = self.want(v, &Ty::Text, &t!("check-left-side-matches"));
                match &re.kind {
                    ExprKind::Lit(Literal::Regex { pattern, flags }) => {
                        match self.compile_regex(pattern, flags, &re.span) {
                            Some(i) => mk(TKind::Matches(boxed(v), i), Ty::Bool, span),
                            None => mk(TKind::Const(Value::Missing), Ty::Error, span),
                        }
                    }
                    _ => {
                        self.error(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                t!("type_mismatch-matches-needs-regex-literal"),
                            )
                            .label(&re.span, t!("type_mismatch-regex-label"))
                            .help(t!("type_mismatch-write-pattern-between-slashes-help")),
                        );
                        mk(TKind::Const(Value::Missing), Ty::Error, span)
                    }
                }
            }
            ExprKind::IsMissing { value, negated } => {
                let v = self.expr(value, env, None);
                if let TKind::Field(slot) = v.kind {
                    if let Some(lead) = self.lead {
                        let f = &self.records[lead].fields[slot];
                        if !f.optional {
                            let name = f.name.clone();
                            self.error(
                                Diagnostic::warning(
                                    Code::AlwaysPresent,
                                    t!("always_present-required-so-never-missing", name = name),
                                )
                                .label(&v.span, t!("always_present-required-field-label"))
                                .help(t!(
                                    "always_present-declare-optional-remove-test-help",
                                    name = name
                                )),
                            );
                        }
                    }
                }
                mk(
                    TKind::IsMissing {
                        value: boxed(v),
                        negated: *negated,
                    },
                    Ty::Bool,
                    span,
                )
            }
            ExprKind::If(c, a, b) => {
                let c = self.condition(c, env, &t!("check-condition-if"));
                let a = self.expr(a, env, expected);
                let b = self.expr(b, env, Some(&a.ty).or(expected));
                let b = self.same_as(b, &a, &t!("check-both-branches-if"));
                let ty = if a.ty == Ty::Error {
                    b.ty.clone()
                } else if a.ty.is_numeric() && b.ty.is_numeric() && a.ty != b.ty {
                    Ty::Number
                } else {
                    a.ty.clone()
                };
                mk(TKind::If(boxed(c), boxed(a), boxed(b)), ty, span)
            }
            ExprKind::Call(f, args) => self.call(f, args, env, span),
            ExprKind::Persona(name) if env.batch() => {
                self.misplaced_lead_value(env, span, &format!("persona {}", name.name))
            }
            ExprKind::Persona(name) => match self.persona_ref(name) {
                Some(i) => mk(TKind::Persona(i), Ty::Bool, span),
                None => mk(TKind::Const(Value::Missing), Ty::Error, span),
            },
            ExprKind::ListOp { op, value, query } => {
                self.list_op(*op, value.as_deref(), query, env, span)
            }
            ExprKind::Pick(pick, query) => {
                let pick = match pick {
                    ast::Pick::First => PickKind::First,
                    ast::Pick::Last => PickKind::Last,
                    ast::Pick::Nth(n) => {
                        let n = self.expr(n, env, Some(&Ty::Int));
                        PickKind::Nth(boxed(self.want(n, &Ty::Int, &t!("check-position-nth"))))
                    }
                };
                let (q, elem) = self.query(query, env, span);
                mk(TKind::Pick(pick, q), elem, span)
            }
        }
    }

    /// The stage named `id` (its index in the stage enum); an unknown one is reported,
    /// unless the `stages` block did not parse.
    pub(super) fn stage_named(&mut self, id: &ast::Ident) -> Option<usize> {
        let found = self.enums[self.stage_enum]
            .values
            .iter()
            .position(|v| *v == id.name);
        if found.is_some() {
            self.refer_named(&id.span, crate::SymbolKind::Stage, &id.name);
        }
        if found.is_none() && !self.open_enums.contains(&self.stage_enum) {
            let names = self.enums[self.stage_enum].values.clone();
            self.error(unknown_name(
                Code::UnknownStage,
                &t!("noun-stage"),
                id,
                names.iter().map(String::as_str),
            ));
        }
        found
    }

    /// A checked expression built only from literals, arithmetic and other such lets, with
    /// those lets written out; `None` when it reads anything of a lead. `expanding` holds the
    /// lets being written out: a let met again is a cycle (reported with the lets' order),
    /// and the written-out expression stays small (at most 256 nodes).
    fn constant(&mut self, e: &TExpr, expanding: &mut Vec<usize>) -> Option<TExpr> {
        const MOST: usize = 256;
        if expanding.len() > MOST {
            return None;
        }
        let kind = match &e.kind {
            TKind::Const(_) => e.kind.clone(),
            TKind::Neg(a) => TKind::Neg(boxed(self.constant(a, expanding)?)),
            TKind::Binary(op, a, b) => {
                let a = self.constant(a, expanding)?;
                let b = self.constant(b, expanding)?;
                TKind::Binary(*op, boxed(a), boxed(b))
            }
            TKind::Let(j) => {
                if expanding.contains(j) {
                    return None;
                }
                self.let_type(*j);
                let value = self.lets[*j].as_ref()?.value.clone();
                expanding.push(*j);
                let out = self.constant(&value, expanding);
                // `j` leaves the path (a sibling may use it again), but a marker stays, so
                // every let written out counts towards the bound.
                expanding.retain(|x| x != j);
                expanding.push(usize::MAX);
                return out;
            }
            _ => return None,
        };
        Some(TExpr {
            kind,
            ty: e.ty.clone(),
            span: e.span.clone(),
        })
    }

    fn misplaced_lead_value(&mut self, env: &Env, span: &Span, what: &str) -> TExpr {
        if env.batch() {
            self.error(
                Diagnostic::error(
                    Code::BadTest,
                    t!("bad_test-test-over-batch-expects", what = what),
                )
                .label(span, t!("bad_test-single-lead-value-label"))
                .help(t!("bad_test-expect-metric-name-period-help")),
            );
            return mk(TKind::Const(Value::Missing), Ty::Error, span);
        }
        self.error(
            Diagnostic::error(
                Code::MisplacedAggregate,
                t!("misplaced_aggregate-metric-about-many-leads", what = what),
            )
            .label(span, t!("misplaced_aggregate-single-lead-value-label"))
            .help(t!(
                "misplaced_aggregate-count-sum-over-period-help",
                what = what
            )),
        );
        mk(TKind::Const(Value::Missing), Ty::Error, span)
    }

    /// Checks two operands where the second's expected type follows from the first, or the
    /// other way round when the first is a bare enum value (`page_view == kind`).
    fn pair(
        &mut self,
        a: &ast::Expr,
        b: &ast::Expr,
        env: &Env,
        from_a: impl Fn(&Ty) -> Ty,
        from_b: impl Fn(&Ty) -> Ty,
    ) -> (TExpr, TExpr) {
        if self.is_unresolved_name(a, env) && !self.is_unresolved_name(b, env) {
            let tb = self.expr(b, env, None);
            let ta = self.expr(a, env, Some(&from_b(&tb.ty)));
            (ta, tb)
        } else {
            let ta = self.expr(a, env, None);
            let tb = self.expr(b, env, Some(&from_a(&ta.ty)));
            (ta, tb)
        }
    }

    fn is_unresolved_name(&self, e: &ast::Expr, env: &Env) -> bool {
        match &e.kind {
            ExprKind::Name(id) => self.lookup(&id.name, env).is_none(),
            _ => false,
        }
    }

    fn same_as(&mut self, e: TExpr, other: &TExpr, context: &str) -> TExpr {
        if compatible(&e.ty, &other.ty) {
            return e;
        }
        let (a, b) = (self.ty_name(&e.ty), self.ty_name(&other.ty));
        self.error(
            Diagnostic::error(
                Code::TypeMismatch,
                t!(
                    "type_mismatch-must-have-one-type",
                    context = context,
                    b = b,
                    a = a
                ),
            )
            .label(&e.span, t!("type_mismatch-text-label-2", a = a))
            .label(&other.span, t!("type_mismatch-text-label-3", b = b)),
        );
        mk(e.kind, Ty::Error, &e.span)
    }

    fn literal(&mut self, lit: &Literal, span: &Span) -> TExpr {
        let (value, ty) = match lit {
            Literal::Number(n) => match (n.integer, n.int) {
                (_, Some(i)) => (Value::Int(i), Ty::Int),
                (false, None) => (Value::Number(n.value), Ty::Number),
                (true, None) => {
                    self.error(too_large_int(n));
                    (Value::Missing, Ty::Error)
                }
            },
            Literal::Text(s) => (Value::Text(Arc::from(s.as_str())), Ty::Text),
            Literal::Bool(b) => (Value::Bool(*b), Ty::Bool),
            Literal::Duration(s) => (Value::Duration(*s), Ty::Duration),
            Literal::Percent(p) => (Value::Number(*p), Ty::Number),
            Literal::Date(y, m, d) => match chrono::NaiveDate::from_ymd_opt(*y, *m, *d) {
                Some(date) => (Value::Date(date), Ty::Date),
                None => {
                    self.error(
                        Diagnostic::error(Code::BadDate, t!("bad_date-date", text = span.text()))
                            .label(span, t!("bad_date-no-such-day-label"))
                            .help(t!("bad_date-write-dates-yyyy-mm-help")),
                    );
                    (Value::Missing, Ty::Error)
                }
            },
            Literal::DateTime(text) => match chrono::DateTime::parse_from_rfc3339(text) {
                Ok(dt) => (Value::DateTime(dt), Ty::DateTime),
                Err(e) => {
                    self.error(
                        Diagnostic::error(
                            Code::BadDate,
                            t!("bad_date-valid-datetime", text = text, e = e),
                        )
                        .label(span, t!("bad_date-invalid-datetime-label"))
                        .help(t!("bad_date-write-rfc-3339-offset-help")),
                    );
                    (Value::Missing, Ty::Error)
                }
            },
            Literal::Regex { pattern, flags } => match self.compile_regex(pattern, flags, span) {
                Some(_) => (Value::Missing, Ty::Regex),
                None => (Value::Missing, Ty::Error),
            },
        };
        mk(TKind::Const(value), ty, span)
    }

    /// Compiles a regex once, at check time; the evaluator refers to it by index.
    pub(crate) fn compile_regex(
        &mut self,
        pattern: &str,
        flags: &str,
        span: &Span,
    ) -> Option<usize> {
        match Pattern::new(pattern, flags) {
            Ok(re) => {
                self.regexes.push(re);
                Some(self.regexes.len() - 1)
            }
            Err(PatternError::UnknownFlag(other)) => {
                self.error(
                    Diagnostic::error(
                        Code::BadRegex,
                        t!("bad_regex-unknown-regex-flag", other = other),
                    )
                    .label(span, t!("bad_regex-regex-label"))
                    .help(t!("bad_regex-flags-are-i-ignore-help")),
                );
                None
            }
            Err(PatternError::Invalid(detail)) => {
                self.error(
                    Diagnostic::error(
                        Code::BadRegex,
                        t!("bad_regex-regex-does-compile", detail = detail),
                    )
                    .label(span, t!("bad_regex-invalid-regex-label"))
                    .help(t!("bad_regex-check-brackets-escapes-literal-help")),
                );
                None
            }
        }
    }

    fn list_literal(
        &mut self,
        items: &[ast::Expr],
        env: &Env,
        expected: Option<&Ty>,
        span: &Span,
    ) -> TExpr {
        let mut elem_expected = match expected {
            Some(Ty::List(t)) => Some((**t).clone()),
            _ => None,
        };
        // `country in [BR, PT]`: text without quotes, reported once for the whole list.
        let mut unquoted: Vec<&ast::Ident> = Vec::new();
        if elem_expected == Some(Ty::Text) {
            for item in items {
                if let ExprKind::Name(id) = &item.kind {
                    if self.lookup(&id.name, env).is_none()
                        && !self.already_reported(&id.name, env, Some(&Ty::Text))
                        && !self.defs.contains_key(&id.name)
                    {
                        unquoted.push(id);
                    }
                }
            }
        }
        if let Some(first) = unquoted.first() {
            let quoted: Vec<String> = items
                .iter()
                .map(|i| match &i.kind {
                    ExprKind::Name(id) if unquoted.iter().any(|u| u.span.same_place(&id.span)) => {
                        format!("\"{}\"", id.name)
                    }
                    _ => i.span.text().to_string(),
                })
                .collect();
            let mut d = if unquoted.len() == 1 {
                Diagnostic::error(
                    Code::UnknownName,
                    t!("unknown_name-field-definition", name = first.name),
                )
            } else {
                Diagnostic::error(Code::UnknownName, t!("unknown_name-these-names-are-fields"))
            };
            for u in &unquoted {
                d = d.label(&u.span, t!("unknown_name-bare-name-label"));
            }
            self.error(d.help(t!(
                "unknown_name-text-written-quotes-help",
                quoted = quoted.join(", ")
            )));
        }
        let mut out: Vec<TExpr> = Vec::new();
        for item in items {
            if let ExprKind::Name(id) = &item.kind {
                if unquoted.iter().any(|u| u.span.same_place(&id.span)) {
                    out.push(mk(TKind::Const(Value::Missing), Ty::Error, &item.span));
                    continue;
                }
            }
            let t = self.expr(item, env, elem_expected.as_ref());
            let t = match out.first() {
                Some(first) => {
                    let first = first.clone();
                    self.same_as(t, &first, &t!("check-items-list"))
                }
                None => t,
            };
            if elem_expected.is_none() && t.ty != Ty::Error {
                elem_expected = Some(t.ty.clone());
            }
            out.push(t);
        }
        let elem = if out.iter().any(|t| t.ty == Ty::Number) {
            Ty::Number
        } else {
            elem_expected.unwrap_or(Ty::Error)
        };
        let ty = Ty::List(Box::new(elem));
        if out.iter().all(|t| matches!(t.kind, TKind::Const(_))) {
            let values: Vec<Value> = out
                .into_iter()
                .map(|t| match t.kind {
                    TKind::Const(v) => v,
                    _ => Value::Missing,
                })
                .collect();
            mk(TKind::Const(Value::List(values.into())), ty, span)
        } else {
            mk(TKind::List(out), ty, span)
        }
    }

    /// What a bare name means here, without reporting anything.
    fn lookup(&self, name: &str, env: &Env) -> Option<(TKind, Ty)> {
        for (depth, item) in env.items.iter().rev().enumerate() {
            if let Some(r) = item {
                if let Some(slot) = self.records[*r].fields.iter().position(|f| f.name == name) {
                    return Some((
                        TKind::Item { depth, slot },
                        self.records[*r].fields[slot].ty.clone(),
                    ));
                }
            }
        }
        if let Some(lead) = self.lead {
            if let Some(slot) = self.records[lead]
                .fields
                .iter()
                .position(|f| f.name == name)
            {
                return Some((
                    TKind::Field(slot),
                    self.records[lead].fields[slot].ty.clone(),
                ));
            }
        }
        match self.defs.get(name) {
            Some((DefKind::Let, i, _)) => Some((TKind::Let(*i), Ty::Error)),
            Some((DefKind::Score, i, _)) => Some((TKind::Score(*i), Ty::Number)),
            _ => None,
        }
    }

    /// Where the bare name that [`Checker::lookup`] resolves is defined: a field of an item
    /// or of the lead, a let or a score.
    fn lookup_def(&self, name: &str, env: &Env) -> Option<Span> {
        let records = env.items.iter().rev().flatten().chain(self.lead.as_ref());
        for r in records {
            if let Some(f) = self.records[*r].fields.iter().find(|f| f.name == name) {
                return Some(f.span.clone());
            }
        }
        match self.defs.get(name) {
            Some((DefKind::Let | DefKind::Score, _, span)) => Some(span.clone()),
            _ => None,
        }
    }

    fn name(&mut self, id: &ast::Ident, env: &Env, expected: Option<&Ty>) -> TExpr {
        let span = &id.span;
        // An enum value wins where an enum is expected: `kind == call` means the value.
        if let Some(Ty::Enum(e)) = expected {
            if let Some(i) = self.enums[*e].values.iter().position(|v| *v == id.name) {
                if *e == self.stage_enum {
                    self.refer_named(span, crate::SymbolKind::Stage, &id.name);
                } else if *e == self.route_enum {
                    self.refer_named(span, crate::SymbolKind::Route, &id.name);
                }
                return mk(TKind::Const(Value::Enum(i as u16)), Ty::Enum(*e), span);
            }
        }
        if let Some(def) = self.lookup_def(&id.name, env) {
            self.refer(span, &def);
        }
        match self.lookup(&id.name, env) {
            Some((TKind::Field(slot), ty)) => {
                if env.metric {
                    return self.misplaced_lead_value(env, span, &id.name);
                }
                mk(TKind::Field(slot), ty, span)
            }
            Some((TKind::Let(i), _)) => {
                if env.metric {
                    // A let of literals (a margin, a churn rate) is the same for every lead.
                    self.let_type(i);
                    if let Some(value) = self.lets[i].as_ref().map(|l| l.value.clone()) {
                        if let Some(constant) = self.constant(&value, &mut vec![i]) {
                            return constant;
                        }
                    }
                    return self.misplaced_lead_value(env, span, &id.name);
                }
                self.uses(Node::Let(i), span);
                let ty = self.let_type(i);
                mk(TKind::Let(i), ty, span)
            }
            Some((TKind::Score(i), ty)) => {
                if env.metric {
                    return self.misplaced_lead_value(env, span, &id.name);
                }
                self.uses(Node::Score(i), span);
                mk(TKind::Score(i), ty, span)
            }
            Some((kind, ty)) => mk(kind, ty, span),
            None => {
                self.unknown_name(id, env, expected);
                mk(TKind::Const(Value::Missing), Ty::Error, span)
            }
        }
    }

    /// True when an unknown name is a consequence of an error already reported: a block that
    /// did not parse, or an operand whose type is already in error.
    fn already_reported(&self, name: &str, env: &Env, expected: Option<&Ty>) -> bool {
        env.lenient
            || self.broken.defines(name)
            || (self.lead.is_none() && self.broken.lead_schema())
            || match expected {
                Some(Ty::Error) => true,
                Some(Ty::List(t)) => **t == Ty::Error,
                Some(Ty::Enum(e)) => self.open_enums.contains(e),
                _ => false,
            }
    }

    fn unknown_name(&mut self, id: &ast::Ident, env: &Env, expected: Option<&Ty>) {
        if self.already_reported(&id.name, env, expected) {
            return;
        }
        if let Some(Ty::Enum(e)) = expected {
            let def = &self.enums[*e];
            if let Some(score) = def.name.strip_prefix("grade of ") {
                let help = did_you_mean(&id.name, def.values.iter().map(|s| s.as_str()), "letter");
                self.error(
                    Diagnostic::error(
                        Code::UnknownEnumValue,
                        t!(
                            "unknown_enum_value-letter-grade",
                            name = id.name,
                            score = score
                        ),
                    )
                    .label(
                        &id.span,
                        t!(
                            "unknown_enum_value-letters-are-label",
                            letters = def.values.join(", ")
                        ),
                    )
                    .help(help),
                );
                return;
            }
            let what = if def.name == "stage"
                || def.name == "route"
                || def.name.starts_with("grade")
                || def.name == "SLA state"
            {
                def.name.clone()
            } else {
                format!("`{}`", def.name)
            };
            let d = super::suggest::not_a_value(id, &what, &def.values);
            self.error(d);
            return;
        }
        let mut fields: Vec<String> = Vec::new();
        for r in env.items.iter().flatten() {
            fields.extend(self.records[*r].fields.iter().map(|f| f.name.clone()));
        }
        if let Some(lead) = self.lead {
            fields.extend(self.records[lead].fields.iter().map(|f| f.name.clone()));
        }
        let defs: Vec<String> = self
            .defs
            .iter()
            .filter(|(_, (k, _, _))| matches!(k, DefKind::Let | DefKind::Score))
            .map(|(n, _)| n.clone())
            .collect();
        let all: Vec<&str> = fields
            .iter()
            .chain(defs.iter())
            .map(|s| s.as_str())
            .collect();
        let best = closest(&id.name, all.iter().copied());
        let is_field = best.is_none_or(|b| fields.iter().any(|f| f == b));
        // A persona or other definition used as a value gets its own hint.
        let hint = match self.defs.get(&id.name) {
            Some((DefKind::Persona, _, _)) => {
                Some(t!("check-use-persona-write-persona", name = id.name))
            }
            Some((kind, _, _)) => Some(t!(
                "check-which-value-here",
                name = id.name,
                noun = kind.noun()
            )),
            None => None,
        };
        if hint.is_none() && best.is_none() && expected == Some(&Ty::Text) {
            self.error(
                Diagnostic::error(
                    Code::UnknownName,
                    t!("unknown_name-field-definition", name = id.name),
                )
                .label(&id.span, t!("unknown_name-bare-name-label"))
                .help(t!(
                    "unknown_name-text-written-quotes-help-2",
                    name = id.name
                )),
            );
            return;
        }
        let help = hint.unwrap_or_else(|| match best {
            Some(b) => t!("check-did-you-mean", b = b),
            None => t!("check-declare-field-schema-lead"),
        });
        let (code, message) = if is_field && !self.defs.contains_key(&id.name) {
            (
                Code::UnknownField,
                t!("check-no-field-lead-schema", name = id.name),
            )
        } else {
            (Code::UnknownName, t!("check-unknown-name", name = id.name))
        };
        self.error(
            Diagnostic::error(code, message)
                .label(&id.span, t!("common-defined-label"))
                .help(help),
        );
    }

    fn field_of(&mut self, base: TExpr, field: &ast::Ident, span: &Span) -> TExpr {
        match &base.ty {
            Ty::Record(r) => {
                let r = *r;
                match self.records[r]
                    .fields
                    .iter()
                    .position(|f| f.name == field.name)
                {
                    Some(slot) => {
                        let def = self.records[r].fields[slot].span.clone();
                        self.refer(&field.span, &def);
                        let ty = self.records[r].fields[slot].ty.clone();
                        mk(TKind::Get(boxed(base), slot), ty, span)
                    }
                    None => {
                        let rec = &self.records[r];
                        let help = did_you_mean(
                            &field.name,
                            rec.fields.iter().map(|f| f.name.as_str()),
                            &t!("noun-field"),
                        );
                        let name = rec.name.clone();
                        self.error(
                            Diagnostic::error(
                                Code::UnknownField,
                                t!("unknown_field-no-field", field = field.name, name = name),
                            )
                            .label(&field.span, t!("unknown_field-unknown-field-label"))
                            .help(help),
                        );
                        mk(TKind::Const(Value::Missing), Ty::Error, span)
                    }
                }
            }
            Ty::Error => mk(TKind::Const(Value::Missing), Ty::Error, span),
            other => {
                let found = self.ty_name(other);
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        t!(
                            "type_mismatch-needs-record-but",
                            field = field.name,
                            found = found
                        ),
                    )
                    .label(&base.span, t!("type_mismatch-text-label", found = found)),
                );
                mk(TKind::Const(Value::Missing), Ty::Error, span)
            }
        }
    }

    fn binary(&mut self, op: BinOp, l: &ast::Expr, r: &ast::Expr, env: &Env, span: &Span) -> TExpr {
        use BinOp::*;
        match op {
            And | Or => {
                let what = if op == And {
                    &t!("check-operand-2")
                } else {
                    &t!("check-operand-3")
                };
                let a = self.condition(l, env, what);
                let b = self.condition(r, env, what);
                mk(TKind::Binary(op, boxed(a), boxed(b)), Ty::Bool, span)
            }
            Eq | Ne | Lt | Le | Gt | Ge => {
                let (a, b) = self.pair(l, r, env, |t| t.clone(), |t| t.clone());
                if !compatible(&a.ty, &b.ty) {
                    let (x, y) = (self.ty_name(&a.ty), self.ty_name(&b.ty));
                    let mut d = Diagnostic::error(
                        Code::TypeMismatch,
                        t!("type_mismatch-cannot-compare", x = x, y = y),
                    )
                    .label(&a.span, t!("type_mismatch-text-label-4", x = x))
                    .label(&b.span, t!("type_mismatch-text-label-5", y = y));
                    if a.ty.is_numeric() && b.ty == Ty::Text
                        || a.ty == Ty::Text && b.ty.is_numeric()
                    {
                        d = d.help(t!("type_mismatch-numbers-are-written-without-help"));
                    }
                    self.error(d);
                } else if matches!(op, Lt | Le | Gt | Ge) {
                    let ordered = match &a.ty {
                        Ty::Enum(e) => self.enums[*e].ordered,
                        t => {
                            t.is_numeric()
                                || matches!(t, Ty::Date | Ty::DateTime | Ty::Duration | Ty::Text)
                        }
                    };
                    if !ordered {
                        let x = self.ty_name(&a.ty);
                        self.error(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                t!(
                                    "type_mismatch-needs-ordered-values-has",
                                    op = op.as_str(),
                                    x = x
                                ),
                            )
                            .label(span, t!("type_mismatch-ordered-comparison-label"))
                            .help(t!("type_mismatch-use-these-values-help")),
                        );
                    }
                }
                mk(TKind::Binary(op, boxed(a), boxed(b)), Ty::Bool, span)
            }
            Add | Sub | Mul | Div => {
                let a = self.expr(l, env, None);
                let b = self.expr(r, env, None);
                let ty = match (op, &a.ty, &b.ty) {
                    (_, Ty::Error, _) | (_, _, Ty::Error) => Some(Ty::Error),
                    (Div, x, y) if x.is_numeric() && y.is_numeric() => Some(Ty::Number),
                    (_, Ty::Int, Ty::Int) => Some(Ty::Int),
                    (_, x, y) if x.is_numeric() && y.is_numeric() => Some(Ty::Number),
                    (Add, Ty::Text, Ty::Text) => Some(Ty::Text),
                    (Add | Sub, Ty::DateTime, Ty::Duration) => Some(Ty::DateTime),
                    (Add, Ty::Duration, Ty::DateTime) => Some(Ty::DateTime),
                    (Sub, Ty::DateTime, Ty::DateTime) => Some(Ty::Duration),
                    (Add | Sub, Ty::Date, Ty::Duration) => Some(Ty::Date),
                    (Sub, Ty::Date, Ty::Date) => Some(Ty::Duration),
                    (Add | Sub, Ty::Duration, Ty::Duration) => Some(Ty::Duration),
                    (Mul, Ty::Duration, y) if y.is_numeric() => Some(Ty::Duration),
                    (Mul, x, Ty::Duration) if x.is_numeric() => Some(Ty::Duration),
                    (Div, Ty::Duration, y) if y.is_numeric() => Some(Ty::Duration),
                    (Div, Ty::Duration, Ty::Duration) => Some(Ty::Number),
                    _ => None,
                };
                let ty = ty.unwrap_or_else(|| {
                    let (x, y) = (self.ty_name(&a.ty), self.ty_name(&b.ty));
                    let help = match (&a.ty, &b.ty) {
                        (Ty::DateTime, Ty::DateTime) => &t!("check-two-datetimes-can-subtracted"),
                        (Ty::DateTime, t) | (t, Ty::DateTime) if t.is_numeric() => {
                            &t!("check-add-duration-datetime-created")
                        }
                        _ => &t!("check-arithmetic-works-numbers-datetimes"),
                    };
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            t!("type_mismatch-cannot-apply", op = op.as_str(), x = x, y = y),
                        )
                        .label(&a.span, t!("type_mismatch-text-label-4", x = x))
                        .label(&b.span, t!("type_mismatch-text-label-5", y = y))
                        .help(help),
                    );
                    Ty::Error
                });
                mk(TKind::Binary(op, boxed(a), boxed(b)), ty, span)
            }
        }
    }

    fn text_op(
        &mut self,
        op: TextOp,
        any: bool,
        value: &ast::Expr,
        arg: &ast::Expr,
        env: &Env,
        span: &Span,
    ) -> TExpr {
        let v = self.expr(value, env, None);
        // `tags contains "vip"`: a list holding a value.
        if let (TextOp::Contains, false, Ty::List(elem)) = (op, any, &v.ty) {
            let elem = (**elem).clone();
            let a = self.expr(arg, env, Some(&elem));
            let a = self.want(a, &elem, &t!("check-value-looked"));
            return mk(TKind::ListContains(boxed(v), boxed(a)), Ty::Bool, span);
        }
        let opname = match op {
            TextOp::Contains => "contains",
            TextOp::StartsWith => "starts with",
            TextOp::EndsWith => "ends with",
        };
        let v = self.want(v, &Ty::Text, &t!("check-left-side", opname = opname));
        let want = if any {
            Ty::List(Box::new(Ty::Text))
        } else {
            Ty::Text
        };
        let a = self.expr(arg, env, Some(&want));
        let what = if any {
            t!("check-right-side-any", opname = opname)
        } else {
            t!("check-right-side", opname = opname)
        };
        let a = self.want(a, &want, &what);
        mk(
            TKind::Text {
                op,
                any,
                value: boxed(v),
                arg: boxed(a),
            },
            Ty::Bool,
            span,
        )
    }

    pub(crate) fn persona_ref(&mut self, name: &ast::Ident) -> Option<usize> {
        match self.defs.get(&name.name) {
            Some((DefKind::Persona, i, def)) => {
                let (i, def) = (*i, def.clone());
                self.refer(&name.span, &def);
                self.used_personas.insert(i);
                self.uses(Node::Persona(i), &name.span);
                Some(i)
            }
            _ if self.broken.defines(&name.name) => None,
            _ => {
                let names: Vec<String> = self
                    .personas_ast
                    .iter()
                    .map(|p| p.name.name.clone())
                    .collect();
                let candidates = names.iter().map(|s| s.as_str());
                self.error(unknown_name(
                    Code::UnknownPersona,
                    &t!("noun-persona"),
                    name,
                    candidates.clone(),
                ));
                if let Some(meant) = closest(&name.name, candidates) {
                    let meant = meant.to_string();
                    self.suggested(&meant, DefKind::Persona);
                }
                None
            }
        }
    }

    fn score_ref(&mut self, name: &ast::Ident) -> Option<usize> {
        match self.defs.get(&name.name) {
            Some((DefKind::Score, i, def)) => {
                let (i, def) = (*i, def.clone());
                self.refer(&name.span, &def);
                Some(i)
            }
            _ if self.broken.defines(&name.name) => None,
            _ => {
                let names: Vec<String> = self
                    .scores_ast
                    .iter()
                    .map(|p| p.name.name.clone())
                    .collect();
                let names = names.iter().map(|s| s.as_str());
                self.error(unknown_name(
                    Code::UnknownScore,
                    &t!("noun-score"),
                    name,
                    names,
                ));
                None
            }
        }
    }

    /// How a function is called, for help lines.
    fn signature(&self, name: &str) -> Option<String> {
        Some(match name {
            "lower" | "upper" => format!("{name}(text)"),
            "len" => t!("check-len-text-list"),
            "min" | "max" => format!("{name}(a, b, ...)"),
            "abs" | "floor" | "ceil" => format!("{name}(number)"),
            "round" => t!("check-round-number-round-number"),
            "days_between" => "days_between(from, to)".into(),
            "grade" => "grade(score)".into(),
            "match" => "match(persona)".into(),
            "sla" => "sla(name)".into(),
            "reached" => "reached(stage)".into(),
            "reached_at" => "reached_at(stage)".into(),
            "metric" | "status" => {
                t!("check-figure-signature", name = name)
            }
            "funnel" => t!("check-funnel-stage-funnel-stage"),
            _ => {
                let (_, i, _) = self.defs.get(name).filter(|d| d.0 == DefKind::ScriptFn)?;
                let f = &self.script_fns[*i];
                let params: Vec<String> = f.params.iter().map(|p| self.ty_name(p)).collect();
                format!("{name}({})", params.join(", "))
            }
        })
    }

    pub(super) fn arity(
        &mut self,
        f: &ast::Ident,
        args: &[ast::Expr],
        min: usize,
        max: usize,
        span: &Span,
    ) -> bool {
        if args.len() < min || args.len() > max {
            let wanted = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                t!("check-at-least", min = min)
            } else {
                t!("check-min-or-max", min = min, max = max)
            };
            self.error(
                Diagnostic::error(
                    Code::WrongArity,
                    t!(
                        "wrong_arity-takes-argument-but-given",
                        name = f.name,
                        wanted = wanted,
                        max = max,
                        given = args.len()
                    ),
                )
                .label(span, t!("wrong_arity-argument-label", given = args.len()))
                .help(match self.signature(&f.name) {
                    Some(sig) => t!("check-call", sig = sig),
                    None => t!(
                        "wrong_arity-give-arguments-help",
                        name = f.name,
                        wanted = wanted,
                        max = max
                    ),
                }),
            );
            return false;
        }
        true
    }

    /// The one bare-name argument of `grade(..)`, `match(..)` and `sla(..)`.
    fn name_arg<'e>(
        &mut self,
        f: &ast::Ident,
        args: &'e [ast::Expr],
        span: &Span,
        what: &str,
    ) -> Option<&'e ast::Ident> {
        if !self.arity(f, args, 1, 1, span) {
            return None;
        }
        match &args[0].kind {
            ExprKind::Name(id) => Some(id),
            _ => {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        t!("type_mismatch-takes-name", name = f.name, what = what),
                    )
                    .label(&args[0].span, t!("type_mismatch-name-label", what = what)),
                );
                None
            }
        }
    }

    fn call(&mut self, f: &ast::Ident, args: &[ast::Expr], env: &Env, span: &Span) -> TExpr {
        let error = |_: &mut Self| mk(TKind::Const(Value::Missing), Ty::Error, span);
        if env.metric
            && matches!(
                f.name.as_str(),
                "grade" | "match" | "sla" | "reached" | "reached_at"
            )
        {
            return self.misplaced_lead_value(env, span, &f.name);
        }
        match f.name.as_str() {
            "grade" => {
                let Some(id) = self.name_arg(f, args, span, "score") else {
                    return error(self);
                };
                let Some(score) = self.score_ref(id) else {
                    return error(self);
                };
                match self.grade_of.get(&score) {
                    Some(&g) => {
                        self.uses(Node::Grade(g), span);
                        mk(TKind::Grade(g), Ty::Enum(self.grades[g].letters), span)
                    }
                    None if self.broken.grades.contains(&id.name) => error(self),
                    None => {
                        self.error(
                            Diagnostic::error(
                                Code::UnknownScore,
                                t!("unknown_score-score-has-no-grade", name = id.name),
                            )
                            .label(&id.span, t!("unknown_score-no-grade-block-score-label"))
                            .help(t!("unknown_score-add-grade-70-b-help", name = id.name)),
                        );
                        error(self)
                    }
                }
            }
            "match" => {
                let Some(id) = self.name_arg(f, args, span, "persona") else {
                    return error(self);
                };
                match self.persona_ref(id) {
                    Some(p) => mk(TKind::PersonaMatch(p), Ty::Number, span),
                    None => error(self),
                }
            }
            "reached" | "reached_at" => {
                let Some(id) = self.name_arg(f, args, span, "stage") else {
                    return error(self);
                };
                let Some(s) = self.stage_named(id) else {
                    return error(self);
                };
                self.uses(Node::Stages, span);
                if f.name == "reached" {
                    return mk(TKind::Reached(s), Ty::Bool, span);
                }
                let at = self
                    .items()
                    .find_map(|i| match i {
                        ast::Item::Stages(b) => Some(b),
                        _ => None,
                    })
                    .and_then(|b| b.stages.get(s))
                    .map(|decl| decl.at.clone());
                match at {
                    Some(Some(at)) => match self.stage_at(&at, false) {
                        Some(field) => mk(TKind::ReachedAt(s), field.ty, span),
                        None => error(self),
                    },
                    Some(None) => {
                        self.error(
                            Diagnostic::error(
                                Code::BadStage,
                                t!("bad_stage-stage-names-no-instant", name = id.name),
                            )
                            .label(&id.span, t!("bad_stage-no-at-stage-label"))
                            .help(t!("bad_stage-say-which-lead-field-help", name = id.name)),
                        );
                        error(self)
                    }
                    None => error(self),
                }
            }
            "sla" => {
                let Some(id) = self.name_arg(f, args, span, "SLA") else {
                    return error(self);
                };
                match self.defs.get(&id.name) {
                    Some((DefKind::Sla, i, def))
                        if matches!(self.slas_ast[*i].kind, ast::SlaKind::PerLead(_)) =>
                    {
                        let (i, def) = (*i, def.clone());
                        self.refer(&id.span, &def);
                        self.uses(Node::Sla(i), span);
                        mk(TKind::Sla(i), Ty::Record(self.sla_record), span)
                    }
                    Some((DefKind::Sla, _, _)) => {
                        self.error(
                            Diagnostic::error(
                                Code::UnknownSla,
                                t!("unknown_sla-aggregate-sla-which-has", name = id.name),
                            )
                            .label(&id.span, t!("unknown_sla-aggregate-sla-label"))
                            .help(t!("unknown_sla-aggregate-slas-are-reported-help")),
                        );
                        error(self)
                    }
                    _ if self.broken.defines(&id.name) => error(self),
                    _ => {
                        let names: Vec<String> =
                            self.slas_ast.iter().map(|s| s.name.name.clone()).collect();
                        let names = names.iter().map(|s| s.as_str());
                        self.error(unknown_name(Code::UnknownSla, &t!("noun-sla"), id, names));
                        error(self)
                    }
                }
            }
            "metric" | "status" | "funnel"
                if !matches!(self.defs.get(&f.name), Some((DefKind::ScriptFn, ..))) =>
            {
                self.figure(f, args, env, span)
            }
            name => {
                if let Some(b) = Builtin::from_name(name) {
                    return self.builtin(b, f, args, env, span);
                }
                if let Some((DefKind::ScriptFn, i, def)) = self.defs.get(name) {
                    let (i, def) = (*i, def.clone());
                    self.refer(&f.span, &def);
                    let def = self.script_fns[i].clone();
                    if !self.arity(f, args, def.params.len(), def.params.len(), span) {
                        return error(self);
                    }
                    let targs = args
                        .iter()
                        .zip(&def.params)
                        .map(|(a, p)| {
                            let t = self.expr(a, env, Some(p));
                            self.want(t, p, &t!("check-argument", name = name))
                        })
                        .collect();
                    return mk(TKind::Script(i, targs), def.ret.clone(), span);
                }
                let names: Vec<String> = Builtin::NAMES
                    .iter()
                    .map(|s| s.to_string())
                    .chain(self.script_fns.iter().map(|f| f.name.clone()))
                    .collect();
                self.error(
                    Diagnostic::error(
                        Code::UnknownFunction,
                        t!("unknown_function-unknown-function", name = name),
                    )
                    .label(&f.span, t!("unknown_function-built-script-function-label"))
                    .help(did_you_mean(
                        name,
                        names.iter().map(|s| s.as_str()),
                        &t!("noun-function"),
                    )),
                );
                for a in args {
                    self.expr(a, env, None);
                }
                error(self)
            }
        }
    }

    fn builtin(
        &mut self,
        b: Builtin,
        f: &ast::Ident,
        args: &[ast::Expr],
        env: &Env,
        span: &Span,
    ) -> TExpr {
        let (min, max) = match b {
            Builtin::Min | Builtin::Max => (2, usize::MAX),
            Builtin::Round => (1, 2),
            Builtin::DaysBetween => (2, 2),
            _ => (1, 1),
        };
        let targs: Vec<TExpr> = args.iter().map(|a| self.expr(a, env, None)).collect();
        if !self.arity(f, args, min, max, span) {
            return mk(TKind::Const(Value::Missing), Ty::Error, span);
        }
        let what = t!("check-argument-2", name = f.name);
        let ty = match b {
            Builtin::Lower | Builtin::Upper => {
                let a = self.want(targs[0].clone(), &Ty::Text, &what);
                return mk(TKind::Call(b, vec![a]), Ty::Text, span);
            }
            Builtin::Len => {
                // A timed list is seen as of `now` by every list form; `len` agrees with
                // `count`, so the items that have not happened yet are left out here too.
                if let Ty::List(elem) = &targs[0].ty {
                    if let Ty::Record(r) = **elem {
                        if let Some(at_slot) = self.records[r].at_slot {
                            let query = TQuery {
                                list: boxed(targs[0].clone()),
                                filter: None,
                                within: None,
                                at_slot: Some(at_slot),
                            };
                            let count = TKind::Query {
                                op: ListOp::Count,
                                value: None,
                                query,
                            };
                            return mk(count, Ty::Int, span);
                        }
                    }
                }
                if !matches!(targs[0].ty, Ty::Text | Ty::List(_) | Ty::Error) {
                    let found = self.ty_name(&targs[0].ty);
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            t!("type_mismatch-len-measures-text-list", found = found),
                        )
                        .label(
                            &targs[0].span,
                            t!("type_mismatch-text-label", found = found),
                        ),
                    );
                }
                Ty::Int
            }
            Builtin::Min | Builtin::Max => {
                let first = targs[0].clone();
                if !(first.ty.is_numeric()
                    || matches!(first.ty, Ty::Date | Ty::DateTime | Ty::Duration))
                {
                    let found = self.ty_name(&first.ty);
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            t!(
                                "type_mismatch-compares-numbers-dates-durations",
                                name = f.name,
                                found = found
                            ),
                        )
                        .label(&first.span, t!("type_mismatch-text-label", found = found)),
                    );
                }
                let mut ty = first.ty.clone();
                for a in &targs[1..] {
                    self.same_as(a.clone(), &first, &t!("check-arguments", name = f.name));
                    if a.ty == Ty::Number {
                        ty = Ty::Number;
                    }
                }
                ty
            }
            Builtin::Abs => {
                let a = self.want(targs[0].clone(), &Ty::Number, &what);
                a.ty
            }
            Builtin::Round | Builtin::Floor | Builtin::Ceil => {
                self.want(targs[0].clone(), &Ty::Number, &what);
                if let Some(d) = targs.get(1) {
                    self.want(d.clone(), &Ty::Int, &t!("check-digits-round"));
                    // Evaluation holds computed digits to 0..=12; a written number outside
                    // that range is a mistake worth saying.
                    if let TKind::Const(Value::Int(n)) = d.kind {
                        if !(0..=12).contains(&n) {
                            self.error(
                                Diagnostic::error(
                                    Code::BadNumber,
                                    t!("bad_number-round-keeps-0-12", n = n),
                                )
                                .label(&d.span, t!("bad_number-decimals-label"))
                                .help(t!("bad_number-write-number-decimals-from-help")),
                            );
                        }
                    }
                    Ty::Number
                } else {
                    Ty::Int
                }
            }
            Builtin::DaysBetween => {
                for a in &targs {
                    if !matches!(a.ty, Ty::Date | Ty::DateTime | Ty::Error) {
                        let found = self.ty_name(&a.ty);
                        self.error(
                            Diagnostic::error(
                                Code::TypeMismatch,
                                t!("type_mismatch-days-between-takes-dates", found = found),
                            )
                            .label(&a.span, t!("type_mismatch-text-label", found = found)),
                        );
                    }
                }
                Ty::Int
            }
        };
        mk(TKind::Call(b, targs), ty, span)
    }

    /// Resolves the list of a query: a list field, its item type's name, or `leads` in a metric.
    fn query_list(&mut self, list: &ast::Expr, env: &Env) -> (TExpr, Option<Ty>) {
        if let ExprKind::Name(id) = &list.kind {
            let is_batch = (id.name == "leads" || self.tables.iter().any(|t| t.name == id.name))
                && self.lookup(&id.name, env).is_none();
            if is_batch && env.items.iter().any(|i| i.is_some()) {
                // Inside a table's aggregate: an aggregate there would be computed per row,
                // where the batch is not seen.
                self.error(
                    Diagnostic::error(
                        Code::MisplacedAggregate,
                        t!(
                            "misplaced_aggregate-cannot-aggregated-inside-another",
                            name = id.name
                        ),
                    )
                    .label(
                        &id.span,
                        t!("misplaced_aggregate-aggregate-within-aggregate-label"),
                    )
                    .help(t!("misplaced_aggregate-compute-two-aggregates-side-help")),
                );
                return (
                    mk(TKind::Const(Value::Missing), Ty::Error, &list.span),
                    Some(Ty::Error),
                );
            }
            if id.name == "leads" && self.lookup("leads", env).is_none() {
                return (mk(TKind::Leads, Ty::Error, &list.span), None);
            }
            if let Some(t) = self.tables.iter().position(|t| t.name == id.name) {
                if self.lookup(&id.name, env).is_none() {
                    let ty = Ty::List(Box::new(Ty::Record(self.tables[t].record)));
                    if !env.metric {
                        self.error(
                            Diagnostic::error(
                                Code::MisplacedAggregate,
                                t!("misplaced_aggregate-table-can-only-used", name = id.name),
                            )
                            .label(
                                &id.span,
                                t!("misplaced_aggregate-rows-given-beside-leads-label"),
                            )
                            .help(t!("misplaced_aggregate-score-stage-sla-about-help")),
                        );
                    }
                    return (mk(TKind::Table(t), ty.clone(), &list.span), Some(ty));
                }
            }
            if self.lookup(&id.name, env).is_none() {
                if let (Some(&rec), Some(lead)) = (self.record_names.get(&id.name), self.lead) {
                    // `any(event where ...)`: the schema's name stands for the lead's list.
                    let schema = self.records[rec].span.clone();
                    self.refer(&id.span, &schema);
                    let want = Ty::List(Box::new(Ty::Record(rec)));
                    let slots: Vec<usize> = self.records[lead]
                        .fields
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.ty == want)
                        .map(|(i, _)| i)
                        .collect();
                    match slots.as_slice() {
                        [slot] if !env.metric => {
                            return (
                                mk(TKind::Field(*slot), want.clone(), &list.span),
                                Some(want),
                            );
                        }
                        [] | [_] => {}
                        _ => {
                            let names: Vec<String> = slots
                                .iter()
                                .map(|s| self.records[lead].fields[*s].name.clone())
                                .collect();
                            self.error(
                                Diagnostic::error(
                                    Code::UnknownName,
                                    t!("unknown_name-several-lists-hold-items", name = id.name),
                                )
                                .label(&id.span, t!("unknown_name-which-list-label"))
                                .help(t!(
                                    "unknown_name-name-list-itself-help",
                                    lists = names.join(", ")
                                )),
                            );
                            return (
                                mk(TKind::Const(Value::Missing), Ty::Error, &list.span),
                                Some(Ty::Error),
                            );
                        }
                    }
                }
            }
        }
        let t = self.expr(list, env, None);
        let ty = t.ty.clone();
        (t, Some(ty))
    }

    /// Checks a list query; returns it with the item type.
    fn query(&mut self, q: &ast::ListQuery, env: &Env, span: &Span) -> (TQuery, Ty) {
        let (list, list_ty) = self.query_list(&q.list, env);
        let (item_env, elem) = match &list_ty {
            // `leads`: conditions are about each lead, as at the top of a lead expression.
            None => {
                if !env.metric || env.batch() {
                    self.error(
                        Diagnostic::error(
                            Code::MisplacedAggregate,
                            t!("misplaced_aggregate-leads-whole-batch-can"),
                        )
                        .label(&q.list.span, t!("misplaced_aggregate-batch-leads-label"))
                        .help(t!("misplaced_aggregate-score-stage-sla-about-help-2")),
                    );
                }
                (Env::lead(), Ty::Error)
            }
            Some(Ty::List(elem)) => {
                let rec = match **elem {
                    Ty::Record(r) => Some(r),
                    _ => None,
                };
                (env.with_item(rec), (**elem).clone())
            }
            Some(Ty::Error) => (env.with_item(None).lenient(), Ty::Error),
            Some(other) => {
                let found = self.ty_name(other);
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        t!("type_mismatch-needs-list-but", found = found),
                    )
                    .label(&q.list.span, t!("type_mismatch-text-label", found = found))
                    .help(t!("type_mismatch-name-list-field-lead-help")),
                );
                (env.with_item(None), Ty::Error)
            }
        };
        let filter = q
            .filter
            .as_ref()
            .map(|f| boxed(self.condition(f, &item_env, &t!("check-where-condition"))));
        // Items with an `at` are seen as of `now`: later ones have not happened yet.
        let mut at_slot = match &elem {
            Ty::Record(r) => self.records[*r].at_slot,
            _ => None,
        };
        let within = q.within.as_ref().map(|w| {
            let t = self.expr(w, env, Some(&Ty::Duration));
            let t = self.want(t, &Ty::Duration, "`within`");
            match &elem {
                // `leads`: a metric's leads are placed in periods by `per ... by`; a window
                // relative to `now` would mean something else in every period.
                Ty::Error if list_ty.is_none() => {
                    self.error(
                        Diagnostic::error(Code::BadMetric, t!("bad_metric-leads-takes-no-within"))
                            .label(&w.span, t!("bad_metric-time-window-label"))
                            .help(t!("bad_metric-metric-periods-come-from-help")),
                    );
                }
                _ if matches!(list.kind, TKind::Table(_)) => {
                    self.error(
                        Diagnostic::error(Code::BadMetric, t!("bad_metric-table-takes-no-within"))
                            .label(&w.span, t!("bad_metric-time-window-label"))
                            .help(t!("bad_metric-table-rows-are-placed-help")),
                    );
                }
                Ty::Record(r) => {
                    at_slot = self.records[*r].at_slot;
                    if at_slot.is_none() {
                        let name = self.records[*r].name.clone();
                        self.error(
                            Diagnostic::error(
                                Code::UnknownField,
                                t!("unknown_field-within-needs-at-datetime", name = name),
                            )
                            .label(&w.span, t!("unknown_field-time-window-label"))
                            .help(t!("unknown_field-add-at-datetime-schema-help", name = name)),
                        );
                    }
                }
                Ty::Error => {}
                _ => {
                    self.error(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            t!("type_mismatch-within-needs-list-records"),
                        )
                        .label(&w.span, t!("type_mismatch-time-window-label"))
                        .help(t!("type_mismatch-within-keeps-items-whose-help")),
                    );
                }
            }
            boxed(t)
        });
        let _ = span;
        (
            TQuery {
                list: boxed(list),
                filter,
                within,
                at_slot,
            },
            elem,
        )
    }

    fn list_op(
        &mut self,
        op: ListOp,
        value: Option<&ast::Expr>,
        q: &ast::ListQuery,
        env: &Env,
        span: &Span,
    ) -> TExpr {
        let (query, elem) = self.query(q, env, span);
        self.lead_condition_in_where(q, &query, &elem, value, span);
        let is_leads = matches!(query.list.kind, TKind::Leads);
        let is_batch = is_leads || matches!(query.list.kind, TKind::Table(_));
        let item_env = if is_leads {
            Env::lead()
        } else {
            let rec = match elem {
                Ty::Record(r) => Some(r),
                _ => None,
            };
            env.with_item(rec)
        };
        if is_batch && matches!(op, ListOp::Any | ListOp::All) {
            // A report computes a metric's aggregates as numbers per period; a yes or no over
            // the batch would be silently null there.
            let word = if op == ListOp::Any { "any" } else { "all" };
            self.error(
                Diagnostic::error(
                    Code::BadMetric,
                    t!(
                        "bad_metric-over-has-no-value",
                        word = word,
                        text = q.list.span.text()
                    ),
                )
                .label(span, t!("bad_metric-yes-no-over-whole-label"))
                .help(t!("bad_metric-count-instead-count-leads-help")),
            );
        }
        let value = value.map(|v| {
            let t = self.expr(v, &item_env, None);
            if !(t.ty.is_numeric()
                || (matches!(op, ListOp::Min | ListOp::Max | ListOp::Median)
                    && matches!(t.ty, Ty::Duration | Ty::DateTime)))
            {
                let found = self.ty_name(&t.ty);
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        t!("type_mismatch-only-numbers-can-summed", found = found),
                    )
                    .label(&t.span, t!("type_mismatch-text-label", found = found)),
                );
            }
            boxed(t)
        });
        let ty = match op {
            ListOp::Any | ListOp::All => Ty::Bool,
            ListOp::Count => Ty::Int,
            ListOp::Sum | ListOp::Avg => Ty::Number,
            ListOp::Median | ListOp::Min | ListOp::Max => {
                match value.as_ref().map(|v| v.ty.clone()) {
                    Some(Ty::Duration) => Ty::Duration,
                    Some(Ty::DateTime) => Ty::DateTime,
                    _ => Ty::Number,
                }
            }
        };
        mk(TKind::Query { op, value, query }, ty, span)
    }
}

/// A whole-number literal past the 64-bit range: an `int` cannot hold it, and reading it as a
/// float would silently change its value.
pub(super) fn too_large_int(n: &ast::NumLit) -> Diagnostic {
    Diagnostic::error(
        Code::BadNumber,
        t!("bad_number-whole-number-does-fit", text = n.span.text()),
    )
    .label(&n.span, t!("bad_number-too-large-int-label"))
    .help(t!("bad_number-whole-numbers-go-up-help"))
}
