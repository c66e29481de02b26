//! The dependency graph over lets, personas, scores, grades, stages, the route and SLAs:
//! evaluation order, and cycles reported as their path.

use super::Checker;
use crate::checked::Node;
use crate::diagnostic::{Code, Diagnostic};
use funnel_locale::t;
use std::collections::{BTreeSet, HashMap};

/// How many steps of a cycle a diagnostic names and labels.
const SHOWN_STEPS: usize = 8;

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Active,
    Done,
}

impl<'a> Checker<'a> {
    fn node_name(&self, n: Node) -> String {
        match n {
            Node::Let(i) => self.lets_ast[i].name.name.clone(),
            Node::Persona(i) => format!("persona {}", self.personas_ast[i].name.name),
            Node::Score(i) => self.scores_ast[i].name.name.clone(),
            Node::Grade(i) => format!("grade({})", self.scores_ast[self.grades[i].score].name.name),
            Node::Stages => "stage".into(),
            Node::Route => "route".into(),
            Node::Sla(i) => format!("sla({})", self.slas_ast[i].name.name),
        }
    }

    /// Orders every definition after what it uses; reports each cycle once.
    pub(super) fn order(&mut self) -> Option<Vec<Node>> {
        let mut nodes: Vec<Node> = self.graph.keys().copied().collect();
        nodes.sort();
        let mut marks: HashMap<Node, Mark> = HashMap::new();
        let mut order = Vec::new();
        let mut cycles: Vec<Vec<Node>> = Vec::new();
        for &n in &nodes {
            self.visit(n, &mut marks, &mut order, &mut cycles);
        }
        // One report per group of definitions: two cycles through the same definitions are
        // one mistake.
        let mut reported: BTreeSet<Node> = BTreeSet::new();
        for cycle in &cycles {
            if cycle.iter().any(|n| reported.contains(n)) {
                continue;
            }
            reported.extend(cycle.iter().copied());
            let names: Vec<String> = cycle.iter().map(|n| self.node_name(*n)).collect();
            // A long cycle is shown by its first steps: a path of thousands helps nobody.
            let path = if names.len() > SHOWN_STEPS {
                t!(
                    "check-definitions-all",
                    steps = names[..SHOWN_STEPS].join(" -> "),
                    len = names.len(),
                    first = names[0]
                )
            } else {
                format!("{} -> {}", names.join(" -> "), names[0])
            };
            let def_span = self.graph[&cycle[0]].1.clone();
            let mut d = Diagnostic::error(
                Code::Cycle,
                t!("cycle-depends-itself", name = names[0], path = path),
            )
            .label(&def_span, t!("cycle-defined-here-label", name = names[0]));
            for (i, from) in cycle.iter().enumerate().take(SHOWN_STEPS) {
                let to = cycle[(i + 1) % cycle.len()];
                if let Some(at) = self.graph[from].0.get(&to) {
                    let at = at.clone();
                    d = d.label(
                        &at,
                        t!(
                            "cycle-uses-here-label",
                            from = names[i],
                            to = names[(i + 1) % cycle.len()]
                        ),
                    );
                }
            }
            self.error(d.help(t!("cycle-break-cycle-definition-cannot-help")));
        }
        cycles.is_empty().then_some(order)
    }

    /// Depth-first from `root`, pushing each definition after its dependencies. The walk
    /// keeps its own stack: a chain of thousands of lets would overflow the thread's.
    fn visit(
        &self,
        root: Node,
        marks: &mut HashMap<Node, Mark>,
        order: &mut Vec<Node>,
        cycles: &mut Vec<Vec<Node>>,
    ) {
        if marks.contains_key(&root) {
            return;
        }
        let deps_of = |n: Node| -> Vec<Node> {
            self.graph
                .get(&n)
                .map(|(deps, _)| deps.keys().copied().collect())
                .unwrap_or_default()
        };
        marks.insert(root, Mark::Active);
        // Each entry: a definition, its dependencies, and how many of them were visited.
        let mut stack: Vec<(Node, Vec<Node>, usize)> = vec![(root, deps_of(root), 0)];
        while let Some((n, deps, next)) = stack.last_mut() {
            let Some(&d) = deps.get(*next) else {
                let n = *n;
                stack.pop();
                marks.insert(n, Mark::Done);
                order.push(n);
                continue;
            };
            *next += 1;
            match marks.get(&d) {
                Some(Mark::Done) => {}
                Some(Mark::Active) => {
                    if let Some(pos) = stack.iter().position(|(x, ..)| *x == d) {
                        cycles.push(stack[pos..].iter().map(|(x, ..)| *x).collect());
                    }
                }
                None => {
                    marks.insert(d, Mark::Active);
                    stack.push((d, deps_of(d), 0));
                }
            }
        }
    }
}
