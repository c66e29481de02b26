//! The definitions' expressions compiled, once per policy, into trees of fused operations.
//!
//! Walking the typed tree for every lead pays, at every node, for a dispatch over every kind
//! of expression and for building a [`Value`](crate::value::Value) to hand back. The forms that make up most
//! rules are compiled here into [`Test`]s (conditions) and [`Operand`](forms::Operand)s (numbers): small
//! enums whose leaves read a lead's field where it lies and compare it with a constant
//! already in the right form (a number, a bit set of enum values, texts, a compiled regex or
//! substring searcher). A typical rule then costs one `match` and no call. Any other form is
//! compiled to a closure that walks its tree, so the two always agree; a test runs both on
//! every example lead and on real data.
//!
//! `forms` holds the compiled forms and how each runs; `compiler` makes them from the typed
//! tree.

mod compiler;
mod forms;
#[cfg(test)]
mod tests;

use crate::checked::{Checked, RuleDef};
use compiler::Compiler;
pub(crate) use forms::{LetCode, Rule, RuleCode, Test};

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
