//! What the operators mean on numbers and orderings, in one place for the tree walker and
//! the compiled forms: whole numbers stay exact, a comparison is the set of orderings it
//! accepts.

use crate::decision::Truth;
use crate::value::Value;
use funnel_grammar::ast::BinOp;
use std::cmp::Ordering;

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

/// Arithmetic on numbers: whole numbers stay whole until they would overflow; dividing by
/// zero is unknown (`None`), as is any operator that is not arithmetic.
pub(crate) fn arith(op: BinOp, a: N, b: N) -> Option<N> {
    use BinOp::*;
    Some(match (op, a, b) {
        (Add, N::I(x), N::I(y)) => x.checked_add(y).map_or(N::F(x as f64 + y as f64), N::I),
        (Sub, N::I(x), N::I(y)) => x.checked_sub(y).map_or(N::F(x as f64 - y as f64), N::I),
        (Mul, N::I(x), N::I(y)) => x.checked_mul(y).map_or(N::F(x as f64 * y as f64), N::I),
        (Add, x, y) => N::F(x.f() + y.f()),
        (Sub, x, y) => N::F(x.f() - y.f()),
        (Mul, x, y) => N::F(x.f() * y.f()),
        (Div, _, y) if y.f() == 0.0 => return None,
        (Div, x, y) => N::F(x.f() / y.f()),
        _ => return None,
    })
}
