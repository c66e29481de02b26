//! Lowering a checked policy for evaluation: constant subexpressions are computed once, here,
//! instead of once per lead.

use crate::checked::*;
use crate::eval::{Slots, State};
use crate::value::Value;

/// Folds every expression of the policy in place.
pub(crate) fn fold_policy(p: &mut Checked) {
    // Folding evaluates constant parts with the policy itself (for regexes and enums), so it
    // works on a copy of the expressions and writes them back.
    let snapshot = p.clone();
    let fold = |e: &mut TExpr| fold(&snapshot, e);
    for l in &mut p.lets {
        fold(&mut l.value);
    }
    for persona in &mut p.personas {
        persona.conditions.iter_mut().for_each(fold);
    }
    for s in &mut p.scores {
        for r in &mut s.rules {
            match &mut r.rule {
                RuleDef::When(e) | RuleDef::Per(e) => fold(e),
            }
        }
    }
    for s in &mut p.stages {
        if let Some(w) = &mut s.when {
            fold(w);
        }
    }
    for r in &mut p.routes {
        if let Some(w) = &mut r.when {
            fold(w);
        }
    }
    for s in &mut p.slas {
        if let SlaBody::Lead(l) = &mut s.body {
            if let Some(a) = &mut l.applies {
                fold(a);
            }
            fold(&mut l.starts);
            fold(&mut l.met_by);
        }
    }
}

/// Whether an expression's value is the same for every lead and instant.
fn is_const(e: &TExpr) -> bool {
    matches!(e.kind, TKind::Const(_))
}

/// Folds children first, then the node when all its children are constants.
fn fold(p: &Checked, e: &mut TExpr) {
    let foldable = match &mut e.kind {
        TKind::Not(a) | TKind::Neg(a) => {
            fold(p, a);
            is_const(a)
        }
        TKind::Binary(_, a, b) => {
            fold(p, a);
            fold(p, b);
            is_const(a) && is_const(b)
        }
        TKind::In { value, list, .. } => {
            fold(p, value);
            fold(p, list);
            is_const(value) && is_const(list)
        }
        TKind::Between(a, b, c) => {
            fold(p, a);
            fold(p, b);
            fold(p, c);
            is_const(a) && is_const(b) && is_const(c)
        }
        TKind::Text { value, arg, .. } => {
            fold(p, value);
            fold(p, arg);
            is_const(value) && is_const(arg)
        }
        TKind::Matches(a, _) => {
            fold(p, a);
            is_const(a)
        }
        TKind::If(c, a, b) => {
            fold(p, c);
            fold(p, a);
            fold(p, b);
            is_const(c) && is_const(a) && is_const(b)
        }
        TKind::Call(_, args) => {
            args.iter_mut().for_each(|a| fold(p, a));
            args.iter().all(is_const)
        }
        TKind::List(items) => {
            items.iter_mut().for_each(|a| fold(p, a));
            items.iter().all(is_const)
        }
        TKind::Get(base, _) => {
            fold(p, base);
            false
        }
        TKind::Query { value, query, .. } => {
            if let Some(v) = value {
                fold(p, v);
            }
            fold_query(p, query);
            false
        }
        TKind::Pick(pick, query) => {
            if let PickKind::Nth(n) = pick {
                fold(p, n);
            }
            fold_query(p, query);
            false
        }
        TKind::Script(_, args) => {
            args.iter_mut().for_each(|a| fold(p, a));
            false
        }
        _ => false,
    };
    if foldable {
        let empty: [Value; 0] = [];
        let now = chrono::DateTime::UNIX_EPOCH.fixed_offset();
        let mut slots = Slots::default();
        let mut state = State::new(p, &empty, now, false, &mut slots);
        let v = state.eval(e);
        e.kind = TKind::Const(v);
    }
}

fn fold_query(p: &Checked, q: &mut TQuery) {
    if let Some(f) = &mut q.filter {
        fold(p, f);
    }
    if let Some(w) = &mut q.within {
        fold(p, w);
    }
}

#[cfg(test)]
mod tests {
    use crate::Policy;
    use funnel_grammar::SourceFile;

    #[test]
    fn constant_parts_are_computed_once() {
        let src = "policy \"f\" version 1\nschema lead {\n  id: text key\n  n: int\n}\nlet limit = 2 * 1_000 + 500\nlet big = n > 2 * 1_000\nstages {\n  lead\n}\n";
        let p = Policy::from_sources(vec![SourceFile::new("f.funnel", src)]).unwrap();
        let lets = &p.checked().lets;
        assert!(matches!(
            lets[0].value.kind,
            crate::checked::TKind::Const(crate::value::Value::Int(2500))
        ));
        match &lets[1].value.kind {
            crate::checked::TKind::Binary(_, _, rhs) => {
                assert!(matches!(
                    rhs.kind,
                    crate::checked::TKind::Const(crate::value::Value::Int(2000))
                ))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
