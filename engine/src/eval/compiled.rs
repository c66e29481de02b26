//! The definitions' expressions compiled, once per policy, into trees of fused operations.
//!
//! Walking the typed tree for every lead pays, at every node, for a dispatch over every kind
//! of expression and for building a [`Value`] to hand back. The forms that make up most
//! rules are compiled here into [`Test`]s (conditions) and [`Operand`]s (numbers): small
//! enums whose leaves read a lead's field where it lies and compare it with a constant
//! already in the right form (a number, a bit set of enum values, texts, a compiled regex or
//! substring searcher). A typical rule then costs one `match` and no call. Any other form is
//! compiled to a closure that walks its tree, so the two always agree; a test runs both on
//! every example lead and on real data.

use super::expr::{same, text_test};
use super::{cap, truth, State};
use crate::decision::Truth;
use crate::ir::*;
use crate::value::Value;
use funnel_grammar::ast::{BinOp, TextOp};
use memchr::memmem::Finder;
use regex::Regex;
use std::cmp::Ordering;
use std::sync::Arc;

/// An expression left to the tree walker.
pub(crate) type Walk = Box<dyn Fn(&mut State) -> Value + Send + Sync>;

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
    fn of(v: &Value) -> Option<N> {
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
    fn cmp(self, other: N) -> Option<Ordering> {
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

    fn of(op: BinOp) -> Accept {
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
    fn mirrored(self) -> Accept {
        let b = self.0;
        Accept((b & Self::EQUAL) | (b & Self::LESS) << 2 | (b & Self::GREATER) >> 2)
    }

    #[inline]
    fn holds(self, o: Option<Ordering>) -> Truth {
        match o {
            Some(o) => known(self.0 >> (o as i8 + 1) & 1 == 1),
            None => Truth::Unknown,
        }
    }
}

/// Where a number is read in place.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Place {
    Field(usize),
    Let(usize),
    Score(usize),
}

impl Place {
    #[inline(always)]
    fn number(self, s: &State) -> Option<N> {
        match self {
            Place::Field(slot) => N::of(&s.lead[slot]),
            Place::Let(i) => N::of(&s.out.lets[i]),
            Place::Score(i) => Some(N::F(s.out.scores[i])),
        }
    }
}

/// A number: read where it lies (a constant, a lead field, a let, a score), or computed.
/// `None` is unknown.
pub(crate) enum Operand {
    Const(Option<N>),
    Field(usize),
    Let(usize),
    Score(usize),
    PersonaMatch(usize),
    Neg(Box<Operand>),
    Arith(Box<(BinOp, Operand, Operand)>),
    If(Box<(Test, Operand, Operand)>),
    /// `floor(x)`, or `ceil(x)` when `ceil`.
    Round(bool, Box<Operand>),
    Walk(Walk),
}

impl Operand {
    /// Where the number lies, when it is read in place.
    fn place(&self) -> Option<Place> {
        match self {
            Operand::Field(slot) => Some(Place::Field(*slot)),
            Operand::Let(i) => Some(Place::Let(*i)),
            Operand::Score(i) => Some(Place::Score(*i)),
            _ => None,
        }
    }

    /// The number. Those read in place are read here, inlined into their callers; the
    /// rest are a call away.
    #[inline(always)]
    pub(crate) fn get(&self, s: &mut State) -> Option<N> {
        match self {
            Operand::Const(n) => *n,
            Operand::Field(slot) => N::of(&s.lead[*slot]),
            Operand::Let(i) => N::of(&s.out.lets[*i]),
            Operand::Score(i) => Some(N::F(s.out.scores[*i])),
            _ => self.compute(s),
        }
    }

    #[inline(never)]
    fn compute(&self, s: &mut State) -> Option<N> {
        match self {
            Operand::Const(_) | Operand::Field(_) | Operand::Let(_) | Operand::Score(_) => {
                self.get(s)
            }
            Operand::PersonaMatch(i) => Some(N::F(s.out.personas[*i].1)),
            Operand::Neg(a) => a.get(s).map(|n| match n {
                N::I(i) => N::I(i.saturating_neg()),
                N::F(x) => N::F(-x),
            }),
            Operand::Arith(parts) => {
                let (op, a, b) = &**parts;
                // Both sides are computed, as the tree walker does, so a failing script on
                // the right is reported even when the left is unknown.
                match (a.get(s), b.get(s)) {
                    (Some(x), Some(y)) => arith(*op, x, y),
                    _ => None,
                }
            }
            Operand::If(parts) => {
                let (c, a, b) = &**parts;
                match c.get(s) {
                    Truth::True => a.get(s),
                    Truth::False => b.get(s),
                    Truth::Unknown => None,
                }
            }
            Operand::Round(ceil, a) => {
                let x = a.get(s)?.f();
                Some(N::I(if *ceil { x.ceil() } else { x.floor() } as i64))
            }
            Operand::Walk(w) => N::of(&w(s)),
        }
    }
}

/// A condition: read where it lies (a constant, a bool field or let, a persona), a fused
/// test of a field against constants, or the logic joining them.
pub(crate) enum Test {
    Const(Truth),
    Field(usize),
    Let(usize),
    Persona(usize),
    Not(Box<Test>),
    And(Box<(Test, Test)>),
    Or(Box<(Test, Test)>),
    /// A field, let or score against a constant: the commonest rule and stage condition.
    Cmp {
        place: Place,
        accept: Accept,
        k: N,
    },
    Compare(Accept, Box<(Operand, Operand)>),
    /// `field between lo and hi` with constant bounds.
    FieldBetween {
        slot: usize,
        lo: N,
        hi: N,
    },
    Between(Box<(Operand, Operand, Operand)>),
    /// An enum field in a constant set (`==` is a set of one).
    EnumIn {
        slot: usize,
        set: u64,
        negated: bool,
    },
    Text(Box<TextTest>),
    /// A list field holds a text (`"vip" in tags`, `tags contains "vip"`).
    ListHasText {
        slot: usize,
        text: Arc<str>,
        negated: bool,
    },
    IsMissing {
        slot: usize,
        negated: bool,
    },
    Walk(Walk),
}

impl Test {
    /// The condition's truth. The commonest leaves are tested here, inlined into the loop
    /// that sums a score's rules; the rest are a call away.
    #[inline(always)]
    pub(crate) fn get(&self, s: &mut State) -> Truth {
        match self {
            Test::Cmp { place, accept, k } => accept.holds(place.number(s).and_then(|x| x.cmp(*k))),
            Test::FieldBetween { slot, lo, hi } => match N::of(&s.lead[*slot]) {
                Some(x) => between(x, *lo, *hi),
                None => Truth::Unknown,
            },
            Test::EnumIn { slot, set, negated } => match s.lead[*slot] {
                Value::Enum(i) if i < 64 => known((set >> i & 1 == 1) != *negated),
                Value::Enum(_) => known(*negated),
                _ => Truth::Unknown,
            },
            Test::Field(slot) => truth(&s.lead[*slot]),
            Test::Let(i) => truth(&s.out.lets[*i]),
            _ => self.get_other(s),
        }
    }

    #[inline(never)]
    fn get_other(&self, s: &mut State) -> Truth {
        match self {
            Test::Const(t) => *t,
            Test::Persona(i) => known(s.out.personas[*i].0),
            Test::Not(a) => not(a.get(s)),
            Test::And(ab) => match ab.0.get(s) {
                Truth::False => Truth::False,
                Truth::True => ab.1.get(s),
                Truth::Unknown => match ab.1.get(s) {
                    Truth::False => Truth::False,
                    _ => Truth::Unknown,
                },
            },
            Test::Or(ab) => match ab.0.get(s) {
                Truth::True => Truth::True,
                Truth::False => ab.1.get(s),
                Truth::Unknown => match ab.1.get(s) {
                    Truth::True => Truth::True,
                    _ => Truth::Unknown,
                },
            },
            Test::Compare(accept, sides) => match (sides.0.get(s), sides.1.get(s)) {
                (Some(x), Some(y)) => accept.holds(x.cmp(y)),
                _ => Truth::Unknown,
            },
            Test::Between(parts) => {
                let (v, lo, hi) = &**parts;
                match (v.get(s), lo.get(s), hi.get(s)) {
                    (Some(x), Some(l), Some(h)) => between(x, l, h),
                    _ => Truth::Unknown,
                }
            }
            Test::Text(t) => t.get(s),
            Test::ListHasText {
                slot,
                text,
                negated,
            } => match &s.lead[*slot] {
                Value::List(items) => known(
                    items
                        .iter()
                        .any(|i| matches!(i, Value::Text(t) if same(t, text)))
                        != *negated,
                ),
                _ => Truth::Unknown,
            },
            Test::IsMissing { slot, negated } => known(s.lead[*slot].is_present() == *negated),
            Test::Walk(w) => truth(&w(s)),
            Test::Cmp { .. }
            | Test::FieldBetween { .. }
            | Test::EnumIn { .. }
            | Test::Field(_)
            | Test::Let(_) => self.get(s),
        }
    }
}

fn between(x: N, lo: N, hi: N) -> Truth {
    match (x.cmp(lo), x.cmp(hi)) {
        (Some(a), Some(b)) => known(a.is_ge() && b.is_le()),
        _ => Truth::Unknown,
    }
}

/// A test of a text against constants.
pub(crate) struct TextTest {
    source: TextSource,
    check: TextCheck,
}

/// What a text is tested for.
enum TextCheck {
    /// `==` (or `!=` when false).
    Equals(Arc<str>, bool),
    /// `in [...]` (or `not in` when true).
    In(Vec<Arc<str>>, bool),
    /// `starts with (any)` / `ends with (any)`.
    Affix(TextOp, Vec<Arc<str>>),
    /// `contains (any)`, each needle's searcher built once.
    Contains(Vec<Finder<'static>>),
    Matches(Regex),
}

impl TextCheck {
    #[inline]
    fn holds(&self, t: &str) -> bool {
        match self {
            TextCheck::Equals(k, eq) => same(t, k) == *eq,
            TextCheck::In(set, negated) => set.iter().any(|x| same(x, t)) != *negated,
            TextCheck::Affix(op, args) => args.iter().any(|a| text_test(*op, t, a)),
            TextCheck::Contains(finders) => finders.iter().any(|f| f.find(t.as_bytes()).is_some()),
            TextCheck::Matches(re) => re.is_match(t),
        }
    }
}

impl TextTest {
    fn get(&self, s: &mut State) -> Truth {
        self.source.test(s, |t| self.check.holds(t))
    }
}

/// A rule's compiled condition or amount.
pub(crate) enum RuleCode {
    When(Test),
    Per(Operand),
}

/// A score rule compiled: everything summing it needs, in one place.
pub(crate) struct Rule {
    pub(crate) code: RuleCode,
    pub(crate) points: f64,
    pub(crate) max: Option<f64>,
}

impl Rule {
    /// The points the rule gives, `None` when it does not apply (its condition is not true
    /// or its amount unknown).
    #[inline(always)]
    pub(crate) fn points(&self, s: &mut State) -> Option<f64> {
        let points = match &self.code {
            RuleCode::When(test) if test.get(s) == Truth::True => self.points,
            RuleCode::When(_) => return None,
            RuleCode::Per(amount) => self.points * amount.get(s)?.f(),
        };
        Some(cap(points, self.max).0)
    }
}

/// A let's compiled value.
pub(crate) enum LetCode {
    Bool(Test),
    Number(Operand),
    Walk(Walk),
}

impl LetCode {
    pub(crate) fn get(&self, s: &mut State) -> Value {
        match self {
            LetCode::Bool(t) => match t.get(s) {
                Truth::True => Value::Bool(true),
                Truth::False => Value::Bool(false),
                Truth::Unknown => Value::Missing,
            },
            LetCode::Number(n) => N::value(n.get(s)),
            LetCode::Walk(w) => w(s),
        }
    }
}

/// Every definition's expressions, compiled.
pub(crate) struct Program {
    pub(crate) lets: Vec<LetCode>,
    pub(crate) personas: Vec<Vec<Test>>,
    pub(crate) rules: Vec<Vec<Rule>>,
    pub(crate) stages: Vec<Option<Test>>,
    pub(crate) routes: Vec<Option<Test>>,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Program { .. }")
    }
}

/// Compiles the expressions of a checked (and folded) policy.
pub(crate) fn compile(p: &Checked) -> Program {
    let c = Compiler { p };
    Program {
        lets: p.lets.iter().map(|l| c.let_code(&l.value)).collect(),
        personas: p
            .personas
            .iter()
            .map(|x| x.conditions.iter().map(|e| c.test(e)).collect())
            .collect(),
        rules: p
            .scores
            .iter()
            .map(|s| {
                s.rules
                    .iter()
                    .map(|r| Rule {
                        code: match &r.rule {
                            RuleDef::When(e) => RuleCode::When(c.test(e)),
                            RuleDef::Per(e) => RuleCode::Per(c.operand(e)),
                        },
                        points: r.points,
                        max: r.max,
                    })
                    .collect()
            })
            .collect(),
        stages: p
            .stages
            .iter()
            .map(|s| s.when.as_ref().map(|e| c.test(e)))
            .collect(),
        routes: p
            .routes
            .iter()
            .map(|r| r.when.as_ref().map(|e| c.test(e)))
            .collect(),
    }
}

fn known(b: bool) -> Truth {
    if b {
        Truth::True
    } else {
        Truth::False
    }
}

fn not(t: Truth) -> Truth {
    match t {
        Truth::True => Truth::False,
        Truth::False => Truth::True,
        Truth::Unknown => Truth::Unknown,
    }
}

fn is_numeric(ty: &Ty) -> bool {
    matches!(ty, Ty::Int | Ty::Number)
}

/// Where a text comes from: read in place when it is a lead field, lower-cased into a
/// buffer for `lower(field)`, computed otherwise.
enum TextSource {
    Field(usize),
    LowerField(usize),
    Other(Walk),
}

impl TextSource {
    /// Applies `test` to the text; unknown when there is none.
    #[inline]
    fn test(&self, s: &mut State, test: impl Fn(&str) -> bool) -> Truth {
        match self {
            TextSource::Field(slot) => match &s.lead[*slot] {
                Value::Text(t) => known(test(t)),
                _ => Truth::Unknown,
            },
            TextSource::LowerField(slot) => match &s.lead[*slot] {
                Value::Text(t) if t.is_ascii() => {
                    // Most texts are ASCII: lower-case them on the stack when they are short.
                    let mut buf = [0u8; 64];
                    match buf.get_mut(..t.len()) {
                        Some(b) => {
                            b.copy_from_slice(t.as_bytes());
                            b.make_ascii_lowercase();
                            let lower = std::str::from_utf8(b).expect("ASCII stays UTF-8");
                            known(test(lower))
                        }
                        None => known(test(&t.to_ascii_lowercase())),
                    }
                }
                Value::Text(t) => known(test(&t.to_lowercase())),
                _ => Truth::Unknown,
            },
            TextSource::Other(f) => match f(s) {
                Value::Text(t) => known(test(&t)),
                _ => Truth::Unknown,
            },
        }
    }
}

struct Compiler<'a> {
    p: &'a Checked,
}

impl Compiler<'_> {
    /// The tree walker, for the forms not compiled further.
    fn walk(&self, e: &TExpr) -> Walk {
        let e = e.clone();
        Box::new(move |s| s.eval(&e))
    }

    fn let_code(&self, e: &TExpr) -> LetCode {
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
    fn operand(&self, e: &TExpr) -> Operand {
        use TKind::*;
        match &e.kind {
            Const(v) => Operand::Const(N::of(v)),
            Field(slot) => Operand::Field(*slot),
            Let(i) => Operand::Let(*i),
            Score(i) => Operand::Score(*i),
            PersonaMatch(i) => Operand::PersonaMatch(*i),
            Neg(a) if is_numeric(&a.ty) => Operand::Neg(Box::new(self.operand(a))),
            Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b)
                if is_numeric(&a.ty) && is_numeric(&b.ty) =>
            {
                Operand::Arith(Box::new((*op, self.operand(a), self.operand(b))))
            }
            If(c, a, b) if is_numeric(&e.ty) => {
                Operand::If(Box::new((self.test(c), self.operand(a), self.operand(b))))
            }
            Call(f @ (Builtin::Floor | Builtin::Ceil), args)
                if args.len() == 1 && is_numeric(&args[0].ty) =>
            {
                Operand::Round(*f == Builtin::Ceil, Box::new(self.operand(&args[0])))
            }
            _ => Operand::Walk(self.walk(e)),
        }
    }

    /// A condition.
    fn test(&self, e: &TExpr) -> Test {
        use TKind::*;
        match &e.kind {
            Const(v) => Test::Const(truth(v)),
            Field(slot) => Test::Field(*slot),
            Let(i) => Test::Let(*i),
            Persona(i) => Test::Persona(*i),
            Not(a) => Test::Not(Box::new(self.test(a))),
            Binary(BinOp::And, a, b) => Test::And(Box::new((self.test(a), self.test(b)))),
            Binary(BinOp::Or, a, b) => Test::Or(Box::new((self.test(a), self.test(b)))),
            Binary(op, a, b) if is_numeric(&a.ty) && is_numeric(&b.ty) && is_comparison(*op) => {
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
            Between(v, lo, hi) if is_numeric(&v.ty) && is_numeric(&lo.ty) && is_numeric(&hi.ty) => {
                match (self.operand(v), self.operand(lo), self.operand(hi)) {
                    (Operand::Field(slot), Operand::Const(Some(lo)), Operand::Const(Some(hi))) => {
                        Test::FieldBetween { slot, lo, hi }
                    }
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

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

/// Arithmetic as the tree walker does it: whole numbers stay whole until they would
/// overflow; dividing by zero is unknown.
fn arith(op: BinOp, a: N, b: N) -> Option<N> {
    use BinOp::*;
    Some(match (op, a, b) {
        (Add, N::I(x), N::I(y)) => x.checked_add(y).map_or(N::F(x as f64 + y as f64), N::I),
        (Sub, N::I(x), N::I(y)) => x.checked_sub(y).map_or(N::F(x as f64 - y as f64), N::I),
        (Mul, N::I(x), N::I(y)) => x.checked_mul(y).map_or(N::F(x as f64 * y as f64), N::I),
        (Add, x, y) => N::F(x.f() + y.f()),
        (Sub, x, y) => N::F(x.f() - y.f()),
        (Mul, x, y) => N::F(x.f() * y.f()),
        (_, _, y) if y.f() == 0.0 => return None,
        (_, x, y) => N::F(x.f() / y.f()),
    })
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

#[cfg(test)]
mod tests {
    //! The compiled closures and the tree walker agree on every decision, explanations
    //! included, for the example policy sets on their own leads and on real data.

    use crate::batch::{self, BatchOptions, InputFormat};
    use crate::ir::TestLead;
    use crate::{EvalOptions, Lead, Policy};
    use std::path::PathBuf;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn at() -> chrono::DateTime<chrono::FixedOffset> {
        chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap()
    }

    const EXPLAIN: EvalOptions = EvalOptions {
        explain: true,
        strict: false,
    };

    /// The set's test leads written inline.
    fn inline_leads(policy: &Policy) -> Vec<Lead> {
        let p = policy.checked();
        p.tests
            .iter()
            .filter_map(|t| match &t.lead {
                TestLead::Inline(e) => crate::testing::inline_lead(p, e).ok(),
                TestLead::File(..) => None,
            })
            .collect()
    }

    /// Compiled and walked give the same decisions, with explanations and without (scores
    /// are summed on a path of their own when nothing is explained).
    fn agree_on(policy: &Policy, leads: &[Lead]) -> usize {
        let walking = policy.walking();
        for lead in leads {
            for options in [EXPLAIN, EvalOptions::default()] {
                let compiled = policy.evaluate(lead, at(), &options, None);
                assert_eq!(compiled, walking.evaluate(lead, at(), &options, None));
            }
        }
        leads.len()
    }

    /// Every lead's decision, explained, then every lead's decision without explanations.
    fn decisions(policy: &Policy, input: &[u8], format: InputFormat) -> Vec<String> {
        let mut out = Vec::new();
        for eval in [EXPLAIN, EvalOptions::default()] {
            let options = BatchOptions {
                at: at(),
                eval,
                jobs: 1,
                chunk: 4096,
            };
            batch::run(policy, input, format, &options, |o| {
                out.push(format!("{:?}", o.result));
                Ok(())
            })
            .unwrap();
        }
        out
    }

    #[test]
    fn compiled_and_walked_agree_on_the_example_sets() {
        for set in ["policies/acme", "policies/olist", "policies/xeducation"] {
            let policy = Policy::load(root().join(set)).unwrap();
            assert!(
                agree_on(&policy, &inline_leads(&policy)) > 0,
                "{set} has inline leads"
            );
        }
        let acme = Policy::load(root().join("policies/acme")).unwrap();
        let jsonl = std::fs::read(root().join("policies/acme/leads/leads.jsonl")).unwrap();
        let compiled = decisions(&acme, &jsonl, InputFormat::Jsonl);
        assert_eq!(compiled.len(), 2 * 20);
        assert_eq!(
            compiled,
            decisions(&acme.walking(), &jsonl, InputFormat::Jsonl)
        );
    }

    /// Every fused form, each with its field present, absent and at its edges.
    #[test]
    fn compiled_and_walked_agree_on_every_fused_form() {
        let policy = Policy::from_sources(vec![funnel_grammar::SourceFile::new(
            "forms.funnel",
            r#"
policy "forms" version 1
schema lead {
  id: text key
  n: int?
  x: number?
  e: enum(a, b, c)?
  t: text?
  flag: bool?
  tags: list<text>
}
let half = if flag then floor(n / 2) else ceil(x)
let gone = n is missing or t is present
score s {
  +1 when n > 3
  +2 when 3 < n
  +3 when 10 >= x
  +4 when n != 5
  +5 when n between 2 and 8
  +6 when x between n and 9.5
  +7 when e == b
  +8 when e != c
  +9 when e in [a, c]
  +10 when e not in [a]
  +11 when t == "Ana"
  +12 when t in ["x", "Ana"]
  +13 when t not in ["x"]
  +14 when lower(t) contains any ["an", "zz"]
  +15 when t starts with "A"
  +16 when t ends with any ["na", "q"]
  +17 when t matches /^a/i
  +18 when "vip" in tags
  +19 when "vip" not in tags
  +20 when tags contains "vip"
  +21 when not flag or n < -x
  +22 when flag and gone
  +23 when 2 <= half
  +1 per half, max 50
  +1 per n * 2 - x
}
stages {
  lead
  mql when s >= 40
}
"#,
        )])
        .unwrap();
        let options = EvalOptions::default();
        let leads: Vec<Lead> = [
            r#"{"id":"all","n":5,"x":9.5,"e":"b","t":"Ana","flag":true,"tags":["vip"]}"#,
            r#"{"id":"edges","n":2,"x":10,"e":"a","t":"ana","flag":false,"tags":[]}"#,
            r#"{"id":"more","n":8,"x":-3.5,"e":"c","t":"Q","flag":true,"tags":["a","vip"]}"#,
            r#"{"id":"none","tags":[]}"#,
            r#"{"id":"some","n":-9,"t":"JOANA","tags":["VIP"]}"#,
        ]
        .iter()
        .map(|j| policy.decode_json(j.as_bytes(), &options).unwrap())
        .collect();
        assert_eq!(agree_on(&policy, &leads), 5);
        // The fused forms really are used (not the walker), and they score what the rules say.
        let program = policy.checked().program.clone().unwrap();
        let walked = program.rules[0]
            .iter()
            .filter(|r| matches!(r.code, super::RuleCode::When(super::Test::Walk(_))))
            .count();
        assert_eq!(walked, 0);
        let all = policy.evaluate(&leads[0], at(), &options, None).unwrap();
        // n=5 x=9.5 e=b t=Ana flag tags=[vip]: every `when` rule but 4, 9 (b is not in
        // [a, c]), 19 and 21 holds; half = floor(5 / 2) = 2 and n * 2 - x = 0.5.
        let whens: f64 = (1..=23)
            .filter(|i| ![4, 9, 19, 21].contains(i))
            .sum::<i32>() as f64;
        assert_eq!(all.scores.0[0].1, whens + 2.0 + 0.5);
    }

    #[test]
    fn compiled_and_walked_agree_on_real_leads() {
        let csv = root().join("../shared/data/x-education-leads/Leads.csv");
        let Ok(input) = std::fs::read(&csv) else {
            eprintln!("skipped: {} is absent (CI has it)", csv.display());
            return;
        };
        let policy = Policy::load(root().join("policies/xeducation")).unwrap();
        let compiled = decisions(&policy, &input, InputFormat::Csv);
        assert_eq!(compiled.len(), 2 * 9240);
        assert_eq!(
            compiled,
            decisions(&policy.walking(), &input, InputFormat::Csv)
        );
    }
}
