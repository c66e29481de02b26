//! The compiled forms made from a checked policy's typed expressions.

use super::forms::*;
use crate::checked::*;
use crate::eval::ops::{Accept, N};
use crate::eval::truth;
use crate::value::Value;
use funnel_grammar::ast::{BinOp, TextOp};
use memchr::memmem::Finder;
use std::sync::Arc;

/// Makes the compiled forms of one policy's expressions.
pub(super) struct Compiler<'a> {
    pub(super) p: &'a Checked,
}

impl Compiler<'_> {
    /// The tree walker, for the forms not compiled further.
    fn walk(&self, e: &TExpr) -> Walk {
        let e = e.clone();
        Box::new(move |s| s.eval(&e))
    }

    pub(super) fn let_code(&self, e: &TExpr) -> LetCode {
        match e.ty {
            Ty::Bool => LetCode::Bool(self.test(e)),
            Ty::Int | Ty::Number => LetCode::Number(self.operand(e)),
            _ => LetCode::Walk(self.walk(e)),
        }
    }

    fn text_source(&self, e: &TExpr) -> TextSource {
        match &e.kind {
            TKind::Field(slot) => TextSource::Field(*slot),
            TKind::Call(Builtin::Lower, args) => match args.as_slice() {
                [TExpr {
                    kind: TKind::Field(slot),
                    ..
                }] => TextSource::LowerField(*slot),
                _ => TextSource::Other(self.walk(e)),
            },
            _ => TextSource::Other(self.walk(e)),
        }
    }

    fn text(&self, value: &TExpr, check: TextCheck) -> Test {
        Test::Text(Box::new(TextTest {
            source: self.text_source(value),
            check,
        }))
    }

    /// A number.
    pub(super) fn operand(&self, e: &TExpr) -> Operand {
        use TKind::*;
        match &e.kind {
            Const(v) => Operand::Const(N::of(v)),
            Field(slot) => Operand::At(Place::Field(*slot)),
            Let(i) => Operand::At(Place::Let(*i)),
            Score(i) => Operand::At(Place::Score(*i)),
            PersonaMatch(i) => Operand::PersonaMatch(*i),
            Neg(a) if a.ty.is_numeric() => Operand::Neg(Box::new(self.operand(a))),
            Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b)
                if a.ty.is_numeric() && b.ty.is_numeric() =>
            {
                Operand::Arith(Box::new((*op, self.operand(a), self.operand(b))))
            }
            If(c, a, b) if e.ty.is_numeric() => {
                Operand::If(Box::new((self.test(c), self.operand(a), self.operand(b))))
            }
            Call(f @ (Builtin::Floor | Builtin::Ceil), args)
                if args.len() == 1 && args[0].ty.is_numeric() =>
            {
                Operand::Round(*f == Builtin::Ceil, Box::new(self.operand(&args[0])))
            }
            _ => Operand::Walk(self.walk(e)),
        }
    }

    /// A condition.
    pub(super) fn test(&self, e: &TExpr) -> Test {
        use TKind::*;
        match &e.kind {
            Const(v) => Test::Const(truth(v)),
            Field(slot) => Test::Field(*slot),
            Let(i) => Test::Let(*i),
            Persona(i) => Test::Persona(*i),
            Not(a) => Test::Not(Box::new(self.test(a))),
            Binary(BinOp::And, a, b) => Test::And(Box::new((self.test(a), self.test(b)))),
            Binary(BinOp::Or, a, b) => Test::Or(Box::new((self.test(a), self.test(b)))),
            Binary(op, a, b) if a.ty.is_numeric() && b.ty.is_numeric() && op.is_comparison() => {
                let accept = Accept::of(*op);
                let (a, b) = (self.operand(a), self.operand(b));
                match (a.place(), &b, &a, b.place()) {
                    (Some(place), Operand::Const(Some(k)), ..) => Test::Cmp {
                        place,
                        accept,
                        k: *k,
                    },
                    (_, _, Operand::Const(Some(k)), Some(place)) => Test::Cmp {
                        place,
                        accept: accept.mirrored(),
                        k: *k,
                    },
                    _ => Test::Compare(accept, Box::new((a, b))),
                }
            }
            Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => match (&a.kind, &b.kind) {
                (Field(slot), Const(Value::Enum(k))) | (Const(Value::Enum(k)), Field(slot))
                    if *k < 64 =>
                {
                    Test::EnumIn {
                        slot: *slot,
                        set: 1 << k,
                        negated: *op == BinOp::Ne,
                    }
                }
                (_, Const(Value::Text(k))) | (Const(Value::Text(k)), _) => {
                    let other = if matches!(a.kind, Const(_)) { b } else { a };
                    self.text(other, TextCheck::Equals(k.clone(), *op == BinOp::Eq))
                }
                _ => self.walked(e),
            },
            In {
                value,
                list,
                negated,
            } => match (&value.ty, &list.kind, &value.kind) {
                (Ty::Enum(_), Const(Value::List(items)), Field(slot)) => match enum_set(items) {
                    Some(set) => Test::EnumIn {
                        slot: *slot,
                        set,
                        negated: *negated,
                    },
                    None => self.walked(e),
                },
                (Ty::Text, Const(Value::List(items)), _) => match texts(items) {
                    Some(set) => self.text(value, TextCheck::In(set, *negated)),
                    None => self.walked(e),
                },
                (Ty::Text, Field(slot), Const(Value::Text(k))) => Test::ListHasText {
                    slot: *slot,
                    text: k.clone(),
                    negated: *negated,
                },
                _ => self.walked(e),
            },
            Between(v, lo, hi) if v.ty.is_numeric() && lo.ty.is_numeric() && hi.ty.is_numeric() => {
                match (self.operand(v), self.operand(lo), self.operand(hi)) {
                    (
                        Operand::At(Place::Field(slot)),
                        Operand::Const(Some(lo)),
                        Operand::Const(Some(hi)),
                    ) => Test::FieldBetween { slot, lo, hi },
                    (v, lo, hi) => Test::Between(Box::new((v, lo, hi))),
                }
            }
            Text {
                op,
                any,
                value,
                arg,
            } => {
                let args: Vec<Arc<str>> = match (&arg.kind, any) {
                    (Const(Value::Text(t)), false) => vec![t.clone()],
                    (Const(Value::List(items)), true) => match texts(items) {
                        Some(set) => set,
                        None => return self.walked(e),
                    },
                    _ => return self.walked(e),
                };
                let check = match op {
                    TextOp::Contains => TextCheck::Contains(
                        args.iter()
                            .map(|a| Finder::new(a.as_bytes()).into_owned())
                            .collect(),
                    ),
                    op => TextCheck::Affix(*op, args),
                };
                self.text(value, check)
            }
            Matches(v, re) => self.text(v, TextCheck::Matches(self.p.regexes[*re].clone())),
            ListContains(list, v) => match (&list.kind, &v.kind) {
                (Field(slot), Const(Value::Text(k))) => Test::ListHasText {
                    slot: *slot,
                    text: k.clone(),
                    negated: false,
                },
                _ => self.walked(e),
            },
            IsMissing { value, negated } => match value.kind {
                Field(slot) => Test::IsMissing {
                    slot,
                    negated: *negated,
                },
                _ => self.walked(e),
            },
            _ => self.walked(e),
        }
    }

    fn walked(&self, e: &TExpr) -> Test {
        Test::Walk(self.walk(e))
    }
}

/// The texts of a constant list (none when an item is not a text).
fn texts(items: &[Value]) -> Option<Vec<Arc<str>>> {
    items
        .iter()
        .map(|i| match i {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// The enum values of a constant list, as a bit set (none when one is not an enum value or
/// does not fit).
fn enum_set(items: &[Value]) -> Option<u64> {
    items.iter().try_fold(0u64, |set, i| match i {
        Value::Enum(v) if *v < 64 => Some(set | 1 << v),
        _ => None,
    })
}
