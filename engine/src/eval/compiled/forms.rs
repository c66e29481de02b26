//! The compiled forms and how each runs against a lead.

use super::super::expr::{same, text_test};
use super::super::ops::{and, arith, known, neg, not, or, truth_value, whole, Accept, N};
use super::super::{cap, truth, State};
use crate::decision::Truth;
use crate::pattern::Pattern;
use crate::value::Value;
use funnel_grammar::ast::{BinOp, TextOp};
use memchr::memmem::Finder;
use std::sync::Arc;

/// An expression left to the tree walker.
pub(crate) type Walk = Box<dyn Fn(&mut State) -> Value + Send + Sync>;

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
    At(Place),
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
    pub(super) fn place(&self) -> Option<Place> {
        match self {
            Operand::At(place) => Some(*place),
            _ => None,
        }
    }

    /// The number. Those read in place are read here, inlined into their callers; the
    /// rest are a call away.
    #[inline(always)]
    pub(crate) fn get(&self, s: &mut State) -> Option<N> {
        match self {
            Operand::Const(n) => *n,
            Operand::At(place) => place.number(s),
            _ => self.compute(s),
        }
    }

    #[inline(never)]
    fn compute(&self, s: &mut State) -> Option<N> {
        match self {
            Operand::Const(_) | Operand::At(_) => self.get(s),
            Operand::PersonaMatch(i) => Some(N::F(s.out.personas[*i].1)),
            Operand::Neg(a) => a.get(s).map(neg),
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
                whole(if *ceil { x.ceil() } else { x.floor() }).map(N::I)
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
            // The right side is skipped where the left decides, as the walker does.
            Test::And(ab) => match ab.0.get(s) {
                Truth::False => Truth::False,
                left => and(left, ab.1.get(s)),
            },
            Test::Or(ab) => match ab.0.get(s) {
                Truth::True => Truth::True,
                left => or(left, ab.1.get(s)),
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
    pub(super) source: TextSource,
    pub(super) check: TextCheck,
}

/// What a text is tested for.
pub(super) enum TextCheck {
    /// `==` (or `!=` when false).
    Equals(Arc<str>, bool),
    /// `in [...]` (or `not in` when true).
    In(Vec<Arc<str>>, bool),
    /// `starts with (any)` / `ends with (any)`.
    Affix(TextOp, Vec<Arc<str>>),
    /// `contains (any)`, each needle's searcher built once.
    Contains(Vec<Finder<'static>>),
    Matches(Pattern),
}

impl TextCheck {
    #[inline]
    fn holds(&self, t: &str) -> bool {
        match self {
            TextCheck::Equals(k, eq) => same(t, k) == *eq,
            TextCheck::In(set, negated) => set.iter().any(|x| same(x, t)) != *negated,
            TextCheck::Affix(op, args) => args.iter().any(|a| text_test(*op, t, a)),
            TextCheck::Contains(finders) => finders.iter().any(|f| contains(f, t.as_bytes())),
            TextCheck::Matches(re) => re.is_match(t),
        }
    }
}

/// Whether `haystack` holds the finder's needle. Most texts tested are short (titles,
/// names): there, the places of the needle's first byte, each followed by a compare, cost
/// less than setting up the searcher.
#[inline]
fn contains(finder: &Finder, haystack: &[u8]) -> bool {
    match finder.needle().split_first() {
        Some((&first, rest)) if haystack.len() < 64 => {
            memchr::memchr_iter(first, haystack).any(|i| haystack[i + 1..].starts_with(rest))
        }
        _ => finder.find(haystack).is_some(),
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
            LetCode::Bool(t) => truth_value(t.get(s)),
            LetCode::Number(n) => N::value(n.get(s)),
            LetCode::Walk(w) => w(s),
        }
    }
}

/// Where a text comes from: read in place when it is a lead field, lower-cased into a
/// buffer for `lower(field)`, computed otherwise.
pub(super) enum TextSource {
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
                    // Most texts are ASCII: lower-cased in a buffer kept from lead to lead,
                    // as text, so that it need not be checked again for UTF-8.
                    let mut lower = std::mem::take(&mut s.out.lower);
                    lower.clear();
                    lower.push_str(t);
                    lower.make_ascii_lowercase();
                    let holds = test(&lower);
                    s.out.lower = lower;
                    known(holds)
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
