//! What the operators mean, in one place for the tree walker and the compiled forms:
//! three-valued logic, whole numbers that stay exact, rounding, and comparisons as the set of
//! orderings they accept.

use crate::decision::Truth;
use crate::value::Value;
use funnel_grammar::ast::BinOp;
use std::cmp::Ordering;

/// A value's truth: only `true` and `false` are known.
#[inline]
pub(crate) fn truth(v: &Value) -> Truth {
    match v {
        Value::Bool(true) => Truth::True,
        Value::Bool(false) => Truth::False,
        _ => Truth::Unknown,
    }
}

/// A truth as a value: unknown is a missing value.
pub(crate) fn truth_value(t: Truth) -> Value {
    match t {
        Truth::True => Value::Bool(true),
        Truth::False => Value::Bool(false),
        Truth::Unknown => Value::Missing,
    }
}

#[inline]
pub(crate) fn known(b: bool) -> Truth {
    if b {
        Truth::True
    } else {
        Truth::False
    }
}

/// Kleene `and`: false wins, then unknown. (Callers that can skip the right side when the
/// left is false do so; the result is the same.)
pub(crate) fn and(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::False, _) | (_, Truth::False) => Truth::False,
        (Truth::True, Truth::True) => Truth::True,
        _ => Truth::Unknown,
    }
}

/// Kleene `or`: true wins, then unknown.
pub(crate) fn or(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::True, _) | (_, Truth::True) => Truth::True,
        (Truth::False, Truth::False) => Truth::False,
        _ => Truth::Unknown,
    }
}

/// Kleene `not`: unknown stays unknown.
pub(crate) fn not(t: Truth) -> Truth {
    match t {
        Truth::True => Truth::False,
        Truth::False => Truth::True,
        Truth::Unknown => Truth::Unknown,
    }
}

/// A number as the language keeps it: whole numbers stay exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum N {
    I(i64),
    F(f64),
}

impl N {
    pub(crate) fn f(self) -> f64 {
        match self {
            N::I(i) => i as f64,
            N::F(x) => x,
        }
    }

    #[inline]
    pub(crate) fn of(v: &Value) -> Option<N> {
        match v {
            Value::Int(i) => Some(N::I(*i)),
            Value::Number(x) => Some(N::F(*x)),
            _ => None,
        }
    }

    pub(crate) fn value(n: Option<N>) -> Value {
        match n {
            Some(N::I(i)) => Value::Int(i),
            Some(N::F(x)) => Value::Number(x),
            None => Value::Missing,
        }
    }

    /// Orders like `compare` does: whole numbers exactly, anything else as floats.
    #[inline]
    pub(crate) fn cmp(self, other: N) -> Option<Ordering> {
        match (self, other) {
            (N::I(a), N::I(b)) => Some(a.cmp(&b)),
            (a, b) => a.f().partial_cmp(&b.f()),
        }
    }
}

/// The orderings under which a comparison holds, as a bit set (less, equal, greater), so
/// that checking one is a shift rather than a `match` on the operator.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Accept(u8);

impl Accept {
    const LESS: u8 = 1;
    const EQUAL: u8 = 2;
    const GREATER: u8 = 4;

    pub(crate) fn of(op: BinOp) -> Accept {
        Accept(match op {
            BinOp::Eq => Self::EQUAL,
            BinOp::Ne => Self::LESS | Self::GREATER,
            BinOp::Lt => Self::LESS,
            BinOp::Le => Self::LESS | Self::EQUAL,
            BinOp::Gt => Self::GREATER,
            _ => Self::GREATER | Self::EQUAL,
        })
    }

    /// The same test with its sides swapped: `3 < x` is `x > 3`.
    pub(crate) fn mirrored(self) -> Accept {
        let b = self.0;
        Accept((b & Self::EQUAL) | (b & Self::LESS) << 2 | (b & Self::GREATER) >> 2)
    }

    /// Whether the comparison holds for an ordering of its sides.
    #[inline]
    pub(crate) fn accepts(self, o: Ordering) -> bool {
        self.0 >> (o as i8 + 1) & 1 == 1
    }

    /// The comparison's truth; unknown when the sides do not compare.
    #[inline]
    pub(crate) fn holds(self, o: Option<Ordering>) -> Truth {
        match o {
            Some(o) if self.accepts(o) => Truth::True,
            Some(_) => Truth::False,
            None => Truth::Unknown,
        }
    }
}

/// `-x`: a whole number stays whole unless it is the smallest one, whose negation leaves the
/// 64-bit range and becomes a number (as `+ - *` do).
pub(crate) fn neg(n: N) -> N {
    match n {
        N::I(i) => i.checked_neg().map_or(N::F(-(i as f64)), N::I),
        N::F(x) => N::F(-x),
    }
}

/// `abs(x)`, with the same rule as [`neg`] for the smallest whole number.
pub(crate) fn abs(n: N) -> N {
    match n {
        N::I(i) => i.checked_abs().map_or(N::F((i as f64).abs()), N::I),
        N::F(x) => N::F(x.abs()),
    }
}

/// A float made whole by `round`, `floor` or `ceil` (already applied): unknown when it is not
/// finite or does not fit 64 bits, rather than the nearest bound `as` would saturate to.
pub(crate) fn whole(x: f64) -> Option<i64> {
    // 2^63 is exactly representable; every float below it in size converts exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (x.is_finite() && (-LIMIT..LIMIT).contains(&x)).then_some(x as i64)
}

/// Rounds to the nearest whole number, halves away from zero, as an int; see [`whole`].
pub(crate) fn round_whole(x: f64) -> Option<i64> {
    whole(x.round())
}

/// Rounds to two decimals as a person does on paper: halves away from zero, on the shortest
/// decimal that reads back as `x` (1.005 is 1.01, although the float nearest 1.005 lies just
/// below it). What is compared is what decisions show.
pub(crate) fn round2(x: f64) -> f64 {
    // Most scores are whole, and rounding them changes nothing; `round` is a library call
    // on CPUs without SSE4.1, which portable builds assume. Below 1e13, `x * 100.0` is exact,
    // so the two ways agree.
    if x.abs() < 1e13 && (x as i64) as f64 == x {
        return x;
    }
    let hundredths = x * 100.0;
    if !hundredths.is_finite() || hundredths.abs() >= 4_503_599_627_370_496.0 {
        // Past 2^52 every float is whole in hundredths already.
        return x;
    }
    let below = hundredths.floor();
    let fraction = hundredths - below;
    // Far from a half, the float product rounds like the decimal; near one, the product's
    // own rounding error could tip it, so the decimal digits decide.
    if (fraction - 0.5).abs() > 1e-6 {
        return hundredths.round() / 100.0;
    }
    round2_decimal(x)
}

/// [`round2`] on the decimal text of `x`: its shortest round-trip digits, rounded half away
/// from zero at the second decimal.
#[cold]
fn round2_decimal(x: f64) -> f64 {
    let text = format!("{}", x.abs());
    let (whole_part, decimals) = text.split_once('.').unwrap_or((&text, ""));
    let mut digits: String = whole_part.to_string();
    let kept: String = decimals
        .chars()
        .chain(std::iter::repeat('0'))
        .take(2)
        .collect();
    digits.push_str(&kept);
    let mut hundredths: f64 = digits.parse().unwrap_or(0.0);
    if decimals.as_bytes().get(2).is_some_and(|d| *d >= b'5') {
        hundredths += 1.0;
    }
    (hundredths / 100.0).copysign(x)
}

/// Arithmetic on numbers: whole numbers stay whole until they would overflow; dividing by
/// zero is unknown (`None`), as is a result past the floats' range and any operator that is
/// not arithmetic.
pub(crate) fn arith(op: BinOp, a: N, b: N) -> Option<N> {
    use BinOp::*;
    let n = match (op, a, b) {
        (Add, N::I(x), N::I(y)) => x.checked_add(y).map_or(N::F(x as f64 + y as f64), N::I),
        (Sub, N::I(x), N::I(y)) => x.checked_sub(y).map_or(N::F(x as f64 - y as f64), N::I),
        (Mul, N::I(x), N::I(y)) => x.checked_mul(y).map_or(N::F(x as f64 * y as f64), N::I),
        (Add, x, y) => N::F(x.f() + y.f()),
        (Sub, x, y) => N::F(x.f() - y.f()),
        (Mul, x, y) => N::F(x.f() * y.f()),
        (Div, _, y) if y.f() == 0.0 => return None,
        (Div, x, y) => N::F(x.f() / y.f()),
        _ => return None,
    };
    finite(n)
}

/// A number that left the floats' range (an overflow to infinity, or a NaN from one) is
/// unknown, as a date past the calendar's end is.
#[inline]
pub(crate) fn finite(n: N) -> Option<N> {
    match n {
        N::F(x) if !x.is_finite() => None,
        n => Some(n),
    }
}
