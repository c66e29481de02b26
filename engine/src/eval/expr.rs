//! Evaluating typed expressions against one lead, with three-valued logic for missing values.

use super::ops::{self, Accept, N};
use super::State;
use crate::checked::*;
use crate::decision::Truth;
use crate::value::Value;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use funnel_grammar::ast::{BinOp, ListOp, TextOp};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Orders two values of one type; `None` when either is missing (or they do not compare).
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Text(x), Value::Text(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        (Value::Duration(x), Value::Duration(y)) => Some(x.cmp(y)),
        (Value::Enum(x), Value::Enum(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (x, y) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => None,
        },
    }
}

/// Equality with unknowns: `None` when either side is missing.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Missing, _) | (_, Value::Missing) => None,
        (Value::List(x), Value::List(y)) => Some(
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|(a, b)| equal(a, b) == Some(true)),
        ),
        _ => compare(a, b).map(|o| o == Ordering::Equal),
    }
}

fn bool_of(b: Option<bool>) -> Value {
    b.map_or(Value::Missing, Value::Bool)
}

fn int_of(i: Option<i64>) -> Value {
    i.map_or(Value::Missing, Value::Int)
}

fn secs(d: Duration) -> i64 {
    d.num_seconds()
}

/// A datetime moved by seconds; unknown past the representable range.
fn add_secs(dt: &DateTime<FixedOffset>, s: Option<i64>) -> Value {
    s.and_then(Duration::try_seconds)
        .and_then(|d| dt.checked_add_signed(d))
        .map_or(Value::Missing, Value::DateTime)
}

/// A date moved by the whole days of a duration, counted toward zero (so `d + x` and
/// `d - (-x)` agree); unknown past the representable range.
fn shift_date(date: &NaiveDate, secs: i64, sign: i64) -> Value {
    Duration::try_days(secs / 86_400 * sign)
        .and_then(|d| date.checked_add_signed(d))
        .map_or(Value::Missing, Value::Date)
}

/// A length of time computed as a float, made whole seconds (halves away from zero);
/// unknown when it is not finite or leaves the 64-bit range.
fn duration_of(secs: f64) -> Value {
    ops::round_whole(secs).map_or(Value::Missing, Value::Duration)
}

fn arith(op: BinOp, a: &Value, b: &Value) -> Value {
    use BinOp::*;
    use Value::*;
    match (op, a, b) {
        (_, Missing, _) | (_, _, Missing) => Missing,
        (Add, Text(x), Text(y)) => Text(format!("{x}{y}").into()),
        (Add, DateTime(t), Duration(d)) | (Add, Duration(d), DateTime(t)) => add_secs(t, Some(*d)),
        (Sub, DateTime(t), Duration(d)) => add_secs(t, d.checked_neg()),
        (Sub, DateTime(x), DateTime(y)) => Duration(secs(x.signed_duration_since(*y))),
        (Add, Date(x), Duration(d)) => shift_date(x, *d, 1),
        (Sub, Date(x), Duration(d)) => shift_date(x, *d, -1),
        (Sub, Date(x), Date(y)) => Duration(x.signed_duration_since(*y).num_days() * 86_400),
        (Add, Duration(x), Duration(y)) => x.checked_add(*y).map_or(Missing, Duration),
        (Sub, Duration(x), Duration(y)) => x.checked_sub(*y).map_or(Missing, Duration),
        (Mul, Duration(d), n) | (Mul, n, Duration(d)) => {
            n.as_f64().map_or(Missing, |n| duration_of(*d as f64 * n))
        }
        (Div, Duration(x), Duration(y)) => {
            if *y == 0 {
                Missing
            } else {
                Number(*x as f64 / *y as f64)
            }
        }
        (Div, Duration(d), n) => match n.as_f64() {
            Some(n) if n != 0.0 => duration_of(*d as f64 / n),
            _ => Missing,
        },
        // Numbers as the compiled forms do them (dividing by zero is unknown, like a
        // missing field).
        (op, x, y) => match (N::of(x), N::of(y)) {
            (Some(x), Some(y)) => N::value(ops::arith(op, x, y)),
            _ => Missing,
        },
    }
}

pub(crate) fn text_test(op: TextOp, value: &str, arg: &str) -> bool {
    let (v, a) = (value.as_bytes(), arg.as_bytes());
    match op {
        TextOp::Contains => value.contains(arg),
        TextOp::StartsWith => v.len() >= a.len() && same_bytes(&v[..a.len()], a),
        TextOp::EndsWith => v.len() >= a.len() && same_bytes(&v[v.len() - a.len()..], a),
    }
}

/// Text equality for the short texts rules compare with (codes, tags, domains): a loop the
/// compiler inlines instead of a call to `memcmp` per comparison.
pub(crate) fn same(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        false
    } else if a.len() > 32 {
        a == b
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

impl<'p> State<'p> {
    /// Evaluates an expression, borrowing constants and lead fields instead of copying them
    /// (a text or a list copied is a reference count touched twice).
    pub(crate) fn eval_ref<'e>(&mut self, e: &'e TExpr) -> Cow<'e, Value>
    where
        'p: 'e,
    {
        match &e.kind {
            TKind::Const(v) => Cow::Borrowed(v),
            TKind::Field(slot) => Cow::Borrowed(&self.lead[*slot]),
            _ => Cow::Owned(self.eval(e)),
        }
    }

    /// Evaluates an expression.
    pub(crate) fn eval(&mut self, e: &TExpr) -> Value {
        match &e.kind {
            TKind::Const(v) => v.clone(),
            TKind::List(items) => Value::List(
                items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Vec<_>>()
                    .into(),
            ),
            TKind::Field(slot) => self.lead[*slot].clone(),
            TKind::Item { depth, slot } => {
                let item = &self.out.items[self.out.items.len() - 1 - depth];
                match item {
                    Value::Record(fields) => fields[*slot].clone(),
                    _ => Value::Missing,
                }
            }
            TKind::Get(base, slot) => match self.eval(base) {
                Value::Record(fields) => fields[*slot].clone(),
                _ => Value::Missing,
            },
            TKind::Let(i) => self.out.lets[*i].clone(),
            TKind::Score(i) => Value::Number(self.out.scores[*i]),
            TKind::Grade(i) => Value::Enum(self.out.grades[*i]),
            TKind::Persona(i) => Value::Bool(self.out.personas[*i].0),
            TKind::PersonaMatch(i) => Value::Number(self.out.personas[*i].1),
            TKind::Stage => Value::Enum(self.out.stage),
            TKind::Route => self.out.route.map_or(Value::Missing, Value::Enum),
            TKind::Reached(s) => Value::Bool(self.reached(*s)),
            TKind::ReachedAt(s) => self.reached_at(*s),
            TKind::Sla(i) => self.out.slas[*i].clone(),
            TKind::Now => Value::DateTime(self.now),
            TKind::Not(inner) => ops::truth_value(ops::not(ops::truth(&self.eval(inner)))),
            TKind::Neg(inner) => match self.eval(inner) {
                Value::Duration(d) => d.checked_neg().map_or(Value::Missing, Value::Duration),
                v => N::value(N::of(&v).map(ops::neg)),
            },
            TKind::Binary(op, a, b) => {
                let x = self.eval_ref(a);
                // Short-circuit where the left side decides, as Kleene logic allows.
                match (op, &*x) {
                    (BinOp::And, Value::Bool(false)) => return Value::Bool(false),
                    (BinOp::Or, Value::Bool(true)) => return Value::Bool(true),
                    _ => {}
                }
                let y = self.eval_ref(b);
                let (x, y) = (&*x, &*y);
                if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
                    && a.ty == Ty::Enum(self.policy.stage_enum)
                {
                    return self.stage_order(*op, x, y);
                }
                match op {
                    BinOp::And => ops::truth_value(ops::and(ops::truth(x), ops::truth(y))),
                    BinOp::Or => ops::truth_value(ops::or(ops::truth(x), ops::truth(y))),
                    BinOp::Eq => bool_of(equal(x, y)),
                    BinOp::Ne => bool_of(equal(x, y).map(|b| !b)),
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        bool_of(compare(x, y).map(|o| Accept::of(*op).accepts(o)))
                    }
                    _ => arith(*op, x, y),
                }
            }
            TKind::In {
                value,
                list,
                negated,
            } => {
                let v = self.eval_ref(value);
                let l = self.eval_ref(list);
                let found = match (&*v, &*l) {
                    (Value::Missing, _) | (_, Value::Missing) => None,
                    (v, Value::List(items)) => {
                        Some(items.iter().any(|i| equal(v, i) == Some(true)))
                    }
                    _ => None,
                };
                bool_of(found.map(|f| f != *negated))
            }
            TKind::Between(v, lo, hi) => {
                let (v, lo, hi) = (self.eval_ref(v), self.eval_ref(lo), self.eval_ref(hi));
                match (compare(&v, &lo), compare(&v, &hi)) {
                    (Some(a), Some(b)) => {
                        Value::Bool(a != Ordering::Less && b != Ordering::Greater)
                    }
                    _ => Value::Missing,
                }
            }
            TKind::Text {
                op,
                any,
                value,
                arg,
            } => {
                let v = self.eval_ref(value);
                let a = self.eval_ref(arg);
                match (&*v, &*a, any) {
                    (Value::Text(v), Value::Text(a), false) => Value::Bool(text_test(*op, v, a)),
                    (Value::Text(v), Value::List(items), true) => Value::Bool(
                        items
                            .iter()
                            .any(|i| matches!(i, Value::Text(a) if text_test(*op, v, a))),
                    ),
                    _ => Value::Missing,
                }
            }
            TKind::ListContains(list, v) => {
                let l = self.eval_ref(list);
                let v = self.eval_ref(v);
                match (&*l, &*v) {
                    (Value::List(items), v) if v.is_present() => {
                        Value::Bool(items.iter().any(|i| equal(v, i) == Some(true)))
                    }
                    _ => Value::Missing,
                }
            }
            TKind::Matches(v, re) => match &*self.eval_ref(v) {
                Value::Text(t) => Value::Bool(self.policy.regexes[*re].is_match(t)),
                _ => Value::Missing,
            },
            TKind::IsMissing { value, negated } => {
                Value::Bool(self.eval_ref(value).is_present() == *negated)
            }
            TKind::If(c, a, b) => match self.eval(c) {
                Value::Bool(true) => self.eval(a),
                Value::Bool(false) => self.eval(b),
                _ => Value::Missing,
            },
            TKind::Call(f, args) => self.builtin(*f, args),
            TKind::Script(i, args) => {
                let args: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
                self.call_script(*i, &args)
            }
            TKind::Query { query, .. }
                if matches!(query.list.kind, TKind::Leads | TKind::Table(_)) =>
            {
                self.aggregates
                    .as_ref()
                    .and_then(|a| a.get(&e.span.start).cloned())
                    .unwrap_or(Value::Missing)
            }
            TKind::Query { op, value, query } => self.query(*op, value.as_deref(), query),
            TKind::Pick(pick, query) => self.pick(pick, query),
            // Only metric aggregates see the batch; the report evaluates those itself.
            TKind::Leads | TKind::Table(_) => Value::Missing,
            // A batch test reads its report's figures, which it puts beside the aggregates.
            TKind::Figure(_) => self
                .aggregates
                .as_ref()
                .and_then(|a| a.get(&e.span.start).cloned())
                .unwrap_or(Value::Missing),
        }
    }

    /// Ordered comparison of stages. Exclusions (`because`) stand outside the funnel's order:
    /// `stage >= mql` is false for a disqualified lead, whatever the listing order.
    fn stage_order(&self, op: BinOp, x: &Value, y: &Value) -> Value {
        let (Value::Enum(a), Value::Enum(b)) = (x, y) else {
            return Value::Missing;
        };
        let excluded = |i: &u16| {
            self.policy
                .stages
                .get(*i as usize)
                .is_some_and(|s| s.because.is_some())
        };
        let ordering = a.cmp(b);
        if a != b && (excluded(a) || excluded(b)) {
            return Value::Bool(false);
        }
        Value::Bool(Accept::of(op).accepts(ordering))
    }

    fn builtin(&mut self, f: Builtin, args: &[TExpr]) -> Value {
        // Calls take one to three arguments but for `min` and `max`: those are evaluated on
        // the stack.
        let mut small = [Value::Missing, Value::Missing, Value::Missing];
        let many: Vec<Value>;
        let vals: &[Value] = if args.len() <= small.len() {
            for (slot, a) in small.iter_mut().zip(args) {
                *slot = self.eval(a);
            }
            &small[..args.len()]
        } else {
            many = args.iter().map(|a| self.eval(a)).collect();
            &many
        };
        if vals.iter().any(|v| !v.is_present()) {
            return Value::Missing;
        }
        match (f, vals) {
            (Builtin::Lower, [Value::Text(t)]) => Value::Text(t.to_lowercase().into()),
            (Builtin::Upper, [Value::Text(t)]) => {
                #[cfg(test)]
                assert_ne!(
                    &**t,
                    super::panic_tests::PANIC_TEXT,
                    "a panic injected by a test"
                );
                Value::Text(t.to_uppercase().into())
            }
            (Builtin::Len, [Value::Text(t)]) => Value::Int(t.chars().count() as i64),
            (Builtin::Len, [Value::List(l)]) => Value::Int(l.len() as i64),
            (Builtin::Min | Builtin::Max, [first, rest @ ..]) => {
                let mut best = first.clone();
                for v in rest {
                    let better = match compare(v, &best) {
                        Some(Ordering::Less) => f == Builtin::Min,
                        Some(Ordering::Greater) => f == Builtin::Max,
                        _ => false,
                    };
                    if better {
                        best = v.clone();
                    }
                }
                // Mixed int and number arguments give a number.
                if vals.iter().any(|v| matches!(v, Value::Number(_))) {
                    best.as_f64().map_or(best, Value::Number)
                } else {
                    best
                }
            }
            (Builtin::Abs, [n]) => N::value(N::of(n).map(ops::abs)),
            (Builtin::Round, [n]) => int_of(n.as_f64().and_then(ops::round_whole)),
            (Builtin::Round, [n, Value::Int(d)]) => n.as_f64().map_or(Value::Missing, |n| {
                let p = 10f64.powi((*d).clamp(0, 12) as i32);
                N::value(ops::finite(N::F((n * p).round() / p)))
            }),
            (Builtin::Floor, [n]) => int_of(n.as_f64().and_then(|n| ops::whole(n.floor()))),
            (Builtin::Ceil, [n]) => int_of(n.as_f64().and_then(|n| ops::whole(n.ceil()))),
            (Builtin::DaysBetween, [a, b]) => match (a, b) {
                (Value::Date(a), Value::Date(b)) => {
                    Value::Int(b.signed_duration_since(*a).num_days())
                }
                (Value::DateTime(a), Value::DateTime(b)) => {
                    Value::Int(b.signed_duration_since(*a).num_days())
                }
                (Value::Date(a), Value::DateTime(b)) => {
                    Value::Int(b.date_naive().signed_duration_since(*a).num_days())
                }
                (Value::DateTime(a), Value::Date(b)) => {
                    Value::Int(b.signed_duration_since(a.date_naive()).num_days())
                }
                _ => Value::Missing,
            },
            _ => Value::Missing,
        }
    }

    /// How an item stands in a query: left out before its filter is asked (after `now`, or
    /// outside the window), or seen, with its filter's truth.
    fn item_passes(&mut self, item: &Value, q: &TQuery, window: Option<i64>) -> Seen {
        if let Some(slot) = q.at_slot {
            let Value::Record(fields) = item else {
                return Seen::Out;
            };
            match (&fields[slot], window) {
                (Value::DateTime(at), _) if *at > self.now => return Seen::Out,
                (Value::DateTime(at), Some(w))
                    if self.now.signed_duration_since(*at).num_seconds() > w =>
                {
                    return Seen::Out
                }
                (Value::DateTime(_), _) => {}
                // An item without a time cannot be placed in a window.
                (_, Some(_)) => return Seen::Out,
                (_, None) => {}
            }
        }
        let Some(filter) = &q.filter else {
            return Seen::In(Truth::True);
        };
        self.out.items.push(item.clone());
        let r = self.eval(filter);
        self.out.items.pop();
        Seen::In(ops::truth(&r))
    }

    fn window(&mut self, q: &TQuery) -> Result<Option<i64>, ()> {
        match &q.within {
            None => Ok(None),
            Some(w) => match self.eval(w) {
                Value::Duration(d) => Ok(Some(d)),
                _ => Err(()),
            },
        }
    }

    fn query(&mut self, op: ListOp, value: Option<&TExpr>, q: &TQuery) -> Value {
        let Value::List(items) = self.eval(&q.list) else {
            return Value::Missing;
        };
        let Ok(window) = self.window(q) else {
            return Value::Missing;
        };
        let mut unknown = false;
        let mut count = 0i64;
        // Sums and averages accumulate as they go; only median, min and max keep the values.
        let (mut sum, mut summed) = (0.0f64, 0usize);
        let keep = matches!(op, ListOp::Median | ListOp::Min | ListOp::Max);
        let mut kept: Vec<Value> = Vec::new();
        for item in items.iter() {
            match self.item_passes(item, q, window) {
                // Items the list form does not see are not asked, even by `all`.
                Seen::Out => {}
                Seen::In(Truth::True) => {
                    count += 1;
                    if let Some(v) = value {
                        self.out.items.push(item.clone());
                        let x = self.eval(v);
                        self.out.items.pop();
                        if let Some(f) = x.as_f64() {
                            sum += f;
                            summed += 1;
                        }
                        if keep && x.is_present() {
                            kept.push(x);
                        }
                    }
                    if op == ListOp::Any {
                        return Value::Bool(true);
                    }
                }
                Seen::In(Truth::False) => {
                    if op == ListOp::All {
                        return Value::Bool(false);
                    }
                }
                Seen::In(Truth::Unknown) => unknown = true,
            }
        }
        match op {
            ListOp::Any | ListOp::All if unknown => Value::Missing,
            ListOp::Any => Value::Bool(false),
            ListOp::All => Value::Bool(true),
            ListOp::Count => Value::Int(count),
            ListOp::Sum => N::value(ops::finite(N::F(sum))),
            ListOp::Avg if summed == 0 => Value::Missing,
            ListOp::Avg => N::value(ops::finite(N::F(sum / summed as f64))),
            ListOp::Median | ListOp::Min | ListOp::Max => {
                kept.sort_by(|a, b| compare(a, b).unwrap_or(Ordering::Equal));
                let picked = match op {
                    ListOp::Min => kept.first().cloned(),
                    ListOp::Max => kept.last().cloned(),
                    _ => median(&kept),
                };
                picked.unwrap_or(Value::Missing)
            }
        }
    }

    fn pick(&mut self, pick: &PickKind, q: &TQuery) -> Value {
        let Value::List(items) = self.eval(&q.list) else {
            return Value::Missing;
        };
        let Ok(window) = self.window(q) else {
            return Value::Missing;
        };
        let n = match pick {
            PickKind::Nth(n) => match self.eval(n) {
                Value::Int(n) if n >= 1 => Some(n as usize),
                _ => return Value::Missing,
            },
            _ => None,
        };
        let mut seen = 0usize;
        let mut last = Value::Missing;
        for item in items.iter() {
            if !matches!(self.item_passes(item, q, window), Seen::In(Truth::True)) {
                continue;
            }
            seen += 1;
            match (pick, n) {
                (PickKind::First, _) => return item.clone(),
                (PickKind::Nth(_), Some(n)) if seen == n => return item.clone(),
                _ => last = item.clone(),
            }
        }
        match pick {
            PickKind::Last => last,
            _ => Value::Missing,
        }
    }
}

/// How an item stands in a list query.
enum Seen {
    /// Left out before the filter is asked: after `now`, or outside the window.
    Out,
    /// Seen; the filter's truth (true when there is no filter).
    In(Truth),
}

/// The middle value: for an even count, the midpoint of the two middle ones, whatever their
/// type (numbers, durations in whole seconds, datetimes).
pub(crate) fn median(sorted: &[Value]) -> Option<Value> {
    if sorted.is_empty() {
        return None;
    }
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        return Some(sorted[mid].clone());
    }
    Some(midpoint(&sorted[mid - 1], &sorted[mid]))
}

/// Halfway between two values of one type, computed so that it cannot overflow.
fn midpoint(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Duration(a), Value::Duration(b)) => {
            let twice = i128::from(*a) + i128::from(*b);
            // Halves of a second round away from zero, as every duration does.
            let half = (twice + twice.signum()) / 2;
            Value::Duration(half as i64)
        }
        (Value::DateTime(a), Value::DateTime(b)) => a
            .checked_add_signed(b.signed_duration_since(*a) / 2)
            .map_or(Value::Missing, Value::DateTime),
        (a, b) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => Value::Number(a / 2.0 + b / 2.0),
            _ => Value::Missing,
        },
    }
}
