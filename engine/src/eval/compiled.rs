//! The definitions' expressions compiled to closures, once per policy.
//!
//! Walking the typed tree for every lead pays, at every node, for a dispatch over every kind
//! of expression and for building a [`Value`] to hand back. The forms that make up most
//! rules (conditions on fields, numbers, enums and texts against constants, and the logic
//! joining them) are compiled here into closures that return a [`Truth`] or a number
//! directly, with constant lists turned into sets. Any other form is compiled to a closure
//! that walks its tree, so the two always agree; a test runs both on every example lead.

use super::expr::{same, text_test};
use super::{truth, State};
use crate::decision::Truth;
use crate::ir::*;
use crate::value::Value;
use funnel_grammar::ast::BinOp;
use regex::Regex;
use std::sync::Arc;

/// A compiled condition.
pub(crate) type Cond = Box<dyn Fn(&mut State) -> Truth + Send + Sync>;
/// A compiled number: `None` is unknown.
pub(crate) type Num = Box<dyn Fn(&mut State) -> Option<N> + Send + Sync>;
/// A compiled expression of any other type.
pub(crate) type Any = Box<dyn Fn(&mut State) -> Value + Send + Sync>;

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
    fn cmp(self, other: N) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (N::I(a), N::I(b)) => Some(a.cmp(&b)),
            (a, b) => a.f().partial_cmp(&b.f()),
        }
    }
}

/// A number read where it lies (a constant, a lead field, a let, a score) without a call, or
/// computed by compiled code. Most comparisons have such operands on both sides, so they
/// cost one call instead of three.
pub(crate) enum Operand {
    Const(Option<N>),
    Field(usize),
    Let(usize),
    Score(usize),
    Code(Num),
}

impl Operand {
    #[inline]
    pub(crate) fn get(&self, s: &mut State) -> Option<N> {
        match self {
            Operand::Const(n) => *n,
            Operand::Field(slot) => N::of(&s.lead[*slot]),
            Operand::Let(i) => N::of(&s.lets[*i]),
            Operand::Score(i) => Some(N::F(s.scores[*i])),
            Operand::Code(f) => f(s),
        }
    }
}

/// A truth read where it lies (a constant, a bool field or let, a persona) without a call,
/// or computed by compiled code.
pub(crate) enum Test {
    Const(Truth),
    Field(usize),
    Let(usize),
    Persona(usize),
    Code(Cond),
}

impl Test {
    #[inline]
    pub(crate) fn get(&self, s: &mut State) -> Truth {
        match self {
            Test::Const(t) => *t,
            Test::Field(slot) => truth(&s.lead[*slot]),
            Test::Let(i) => truth(&s.lets[*i]),
            Test::Persona(i) => known(s.personas[*i].0),
            Test::Code(f) => f(s),
        }
    }
}

/// A rule's compiled condition or amount.
pub(crate) enum RuleCode {
    When(Test),
    Per(Operand),
}

/// Every definition's expressions, compiled.
pub(crate) struct Program {
    pub(crate) lets: Vec<Any>,
    pub(crate) personas: Vec<Vec<Test>>,
    pub(crate) rules: Vec<Vec<RuleCode>>,
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
        lets: p.lets.iter().map(|l| c.any(&l.value)).collect(),
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
                    .map(|r| match &r.rule {
                        RuleDef::When(e) => RuleCode::When(c.test(e)),
                        RuleDef::Per(e) => RuleCode::Per(c.operand(e)),
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
    Other(Any),
}

impl TextSource {
    /// Applies `test` to the text; unknown when there is none.
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
    fn walk(&self, e: &TExpr) -> Any {
        let e = e.clone();
        Box::new(move |s| s.eval(&e))
    }

    fn any(&self, e: &TExpr) -> Any {
        match e.ty {
            Ty::Bool => {
                let t = self.test(e);
                Box::new(move |s| match t.get(s) {
                    Truth::True => Value::Bool(true),
                    Truth::False => Value::Bool(false),
                    Truth::Unknown => Value::Missing,
                })
            }
            Ty::Int | Ty::Number => {
                let n = self.operand(e);
                Box::new(move |s| N::value(n.get(s)))
            }
            _ => self.walk(e),
        }
    }

    fn text(&self, e: &TExpr) -> TextSource {
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

    /// A condition: read in place when it is a constant, a field, a let or a persona.
    fn test(&self, e: &TExpr) -> Test {
        match &e.kind {
            TKind::Const(v) => Test::Const(truth(v)),
            TKind::Field(slot) => Test::Field(*slot),
            TKind::Let(i) => Test::Let(*i),
            TKind::Persona(i) => Test::Persona(*i),
            _ => Test::Code(self.cond(e)),
        }
    }

    /// A number: read in place when it is a constant, a field, a let or a score.
    fn operand(&self, e: &TExpr) -> Operand {
        match &e.kind {
            TKind::Const(v) => Operand::Const(N::of(v)),
            TKind::Field(slot) => Operand::Field(*slot),
            TKind::Let(i) => Operand::Let(*i),
            TKind::Score(i) => Operand::Score(*i),
            _ => Operand::Code(self.num(e)),
        }
    }

    /// Code for a number that is not read in place (see [`Compiler::operand`]).
    fn num(&self, e: &TExpr) -> Num {
        use TKind::*;
        match &e.kind {
            PersonaMatch(i) => {
                let i = *i;
                Box::new(move |s| Some(N::F(s.personas[i].1)))
            }
            Neg(a) if is_numeric(&a.ty) => {
                let a = self.operand(a);
                Box::new(move |s| {
                    a.get(s).map(|n| match n {
                        N::I(i) => N::I(i.saturating_neg()),
                        N::F(x) => N::F(-x),
                    })
                })
            }
            Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b)
                if is_numeric(&a.ty) && is_numeric(&b.ty) =>
            {
                let (op, a, b) = (*op, self.operand(a), self.operand(b));
                // Both sides are computed, as the tree walker does, so a failing script on
                // the right is reported even when the left is unknown.
                Box::new(move |s| match (a.get(s), b.get(s)) {
                    (Some(x), Some(y)) => arith(op, x, y),
                    _ => None,
                })
            }
            If(c, a, b) if is_numeric(&e.ty) => {
                let (c, a, b) = (self.test(c), self.operand(a), self.operand(b));
                Box::new(move |s| match c.get(s) {
                    Truth::True => a.get(s),
                    Truth::False => b.get(s),
                    Truth::Unknown => None,
                })
            }
            Call(f @ (Builtin::Floor | Builtin::Ceil), args)
                if args.len() == 1 && is_numeric(&args[0].ty) =>
            {
                let (ceil, a) = (*f == Builtin::Ceil, self.operand(&args[0]));
                Box::new(move |s| {
                    let x = a.get(s)?.f();
                    Some(N::I(if ceil { x.ceil() } else { x.floor() } as i64))
                })
            }
            _ => {
                let w = self.walk(e);
                Box::new(move |s| N::of(&w(s)))
            }
        }
    }

    /// Code for a condition that is not read in place (see [`Compiler::test`]).
    fn cond(&self, e: &TExpr) -> Cond {
        use TKind::*;
        match &e.kind {
            Not(a) => {
                let a = self.test(a);
                Box::new(move |s| not(a.get(s)))
            }
            Binary(BinOp::And, a, b) => {
                let (a, b) = (self.test(a), self.test(b));
                Box::new(move |s| match a.get(s) {
                    Truth::False => Truth::False,
                    Truth::True => b.get(s),
                    Truth::Unknown => match b.get(s) {
                        Truth::False => Truth::False,
                        _ => Truth::Unknown,
                    },
                })
            }
            Binary(BinOp::Or, a, b) => {
                let (a, b) = (self.test(a), self.test(b));
                Box::new(move |s| match a.get(s) {
                    Truth::True => Truth::True,
                    Truth::False => b.get(s),
                    Truth::Unknown => match b.get(s) {
                        Truth::True => Truth::True,
                        _ => Truth::Unknown,
                    },
                })
            }
            Binary(op, a, b) if is_numeric(&a.ty) && is_numeric(&b.ty) && is_comparison(*op) => {
                let (op, a, b) = (*op, self.operand(a), self.operand(b));
                Box::new(move |s| match (a.get(s), b.get(s)) {
                    (Some(x), Some(y)) => x.cmp(y).map_or(Truth::Unknown, |o| known(holds(op, o))),
                    _ => Truth::Unknown,
                })
            }
            Binary(op @ (BinOp::Eq | BinOp::Ne), a, b) => match (&a.kind, &b.kind) {
                (Field(slot), Const(Value::Enum(k))) | (Const(Value::Enum(k)), Field(slot)) => {
                    let (slot, k, eq) = (*slot, *k, *op == BinOp::Eq);
                    Box::new(move |s| match s.lead[slot] {
                        Value::Enum(v) => known((v == k) == eq),
                        _ => Truth::Unknown,
                    })
                }
                (_, Const(Value::Text(k))) | (Const(Value::Text(k)), _) => {
                    let other = if matches!(a.kind, Const(_)) { b } else { a };
                    let (src, k, eq) = (self.text(other), k.clone(), *op == BinOp::Eq);
                    Box::new(move |s| src.test(s, |t| (t == &*k) == eq))
                }
                _ => self.walked_cond(e),
            },
            In {
                value,
                list,
                negated,
            } => match (&value.ty, &list.kind) {
                (Ty::Enum(_), Const(Value::List(items))) if items.len() <= 64 => {
                    let Some(set) = enum_set(items) else {
                        return self.walked_cond(e);
                    };
                    let negated = *negated;
                    let test = move |v: &Value| match v {
                        Value::Enum(i) if *i < 64 => known((set >> i & 1 == 1) != negated),
                        Value::Enum(_) => known(negated),
                        _ => Truth::Unknown,
                    };
                    match value.kind {
                        Field(slot) => Box::new(move |s| test(&s.lead[slot])),
                        _ => {
                            let v = self.any(value);
                            Box::new(move |s| test(&v(s)))
                        }
                    }
                }
                (Ty::Text, Const(Value::List(items))) => {
                    let Some(set) = texts(items) else {
                        return self.walked_cond(e);
                    };
                    let (src, negated) = (self.text(value), *negated);
                    Box::new(move |s| src.test(s, |t| set.iter().any(|x| same(x, t)) != negated))
                }
                (Ty::Text, Field(slot)) => match &value.kind {
                    Const(Value::Text(k)) => {
                        let (slot, k, negated) = (*slot, k.clone(), *negated);
                        Box::new(move |s| list_has_text(s, slot, &k, negated))
                    }
                    _ => self.walked_cond(e),
                },
                _ => self.walked_cond(e),
            },
            Between(v, lo, hi) if is_numeric(&v.ty) && is_numeric(&lo.ty) && is_numeric(&hi.ty) => {
                let (v, lo, hi) = (self.operand(v), self.operand(lo), self.operand(hi));
                Box::new(move |s| match (v.get(s), lo.get(s), hi.get(s)) {
                    (Some(x), Some(l), Some(h)) => match (x.cmp(l), x.cmp(h)) {
                        (Some(a), Some(b)) => known(a.is_ge() && b.is_le()),
                        _ => Truth::Unknown,
                    },
                    _ => Truth::Unknown,
                })
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
                        None => return self.walked_cond(e),
                    },
                    _ => return self.walked_cond(e),
                };
                let (op, src) = (*op, self.text(value));
                Box::new(move |s| src.test(s, |t| args.iter().any(|a| text_test(op, t, a))))
            }
            Matches(v, re) => {
                let (src, re): (TextSource, Regex) = (self.text(v), self.p.regexes[*re].clone());
                Box::new(move |s| src.test(s, |t| re.is_match(t)))
            }
            ListContains(list, v) => match (&list.kind, &v.kind) {
                (Field(slot), Const(Value::Text(k))) => {
                    let (slot, k) = (*slot, k.clone());
                    Box::new(move |s| list_has_text(s, slot, &k, false))
                }
                _ => self.walked_cond(e),
            },
            IsMissing { value, negated } => match value.kind {
                Field(slot) => {
                    let negated = *negated;
                    Box::new(move |s| known(s.lead[slot].is_present() == negated))
                }
                _ => self.walked_cond(e),
            },
            _ => self.walked_cond(e),
        }
    }

    fn walked_cond(&self, e: &TExpr) -> Cond {
        let w = self.walk(e);
        Box::new(move |s| truth(&w(s)))
    }
}

/// Whether the lead's list field holds a text (`"vip" in tags`, `tags contains "vip"`).
fn list_has_text(s: &State, slot: usize, k: &str, negated: bool) -> Truth {
    match &s.lead[slot] {
        Value::List(items) => known(
            items
                .iter()
                .any(|i| matches!(i, Value::Text(t) if same(t, k)))
                != negated,
        ),
        _ => Truth::Unknown,
    }
}

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

fn holds(op: BinOp, o: std::cmp::Ordering) -> bool {
    match op {
        BinOp::Eq => o.is_eq(),
        BinOp::Ne => o.is_ne(),
        BinOp::Lt => o.is_lt(),
        BinOp::Le => o.is_le(),
        BinOp::Gt => o.is_gt(),
        _ => o.is_ge(),
    }
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

    fn agree_on(policy: &Policy, leads: &[Lead]) -> usize {
        let walking = policy.walking();
        for lead in leads {
            let compiled = policy.evaluate(lead, at(), &EXPLAIN, None);
            assert_eq!(compiled, walking.evaluate(lead, at(), &EXPLAIN, None));
        }
        leads.len()
    }

    fn decisions(policy: &Policy, input: &[u8], format: InputFormat) -> Vec<String> {
        let options = BatchOptions {
            at: at(),
            eval: EXPLAIN,
            jobs: 1,
            chunk: 4096,
        };
        let mut out = Vec::new();
        batch::run(policy, input, format, &options, |o| {
            out.push(format!("{:?}", o.result));
            Ok(())
        })
        .unwrap();
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
        assert_eq!(compiled.len(), 20);
        assert_eq!(
            compiled,
            decisions(&acme.walking(), &jsonl, InputFormat::Jsonl)
        );
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
        assert_eq!(compiled.len(), 9240);
        assert_eq!(
            compiled,
            decisions(&policy.walking(), &input, InputFormat::Csv)
        );
    }
}
