//! The dependency graph over lets, personas, scores, grades, stages, the route and SLAs:
//! evaluation order, and cycles reported as their path.

use super::Checker;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::Node;
use std::collections::{BTreeSet, HashMap};

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
            let mut stack = Vec::new();
            self.visit(n, &mut marks, &mut stack, &mut order, &mut cycles);
        }
        let mut reported: BTreeSet<BTreeSet<Node>> = BTreeSet::new();
        for cycle in &cycles {
            let members: BTreeSet<Node> = cycle.iter().copied().collect();
            if !reported.insert(members) {
                continue;
            }
            let path: Vec<String> = cycle.iter().map(|n| self.node_name(*n)).collect();
            let path = format!("{} -> {}", path.join(" -> "), path[0]);
            let first = cycle[0];
            let span = self.graph[&first].1.clone();
            let mut d = Diagnostic::error(Code::Cycle, format!("`{}` depends on itself: {path}", self.node_name(first)))
                .label(&span, "part of a cycle")
                .help("break the cycle: a definition cannot use, directly or through others, its own value");
            for n in &cycle[1..] {
                let s = self.graph[n].1.clone();
                d = d.label(&s, format!("`{}` is in the cycle", self.node_name(*n)));
            }
            self.error(d);
        }
        cycles.is_empty().then_some(order)
    }

    fn visit(
        &self,
        n: Node,
        marks: &mut HashMap<Node, Mark>,
        stack: &mut Vec<Node>,
        order: &mut Vec<Node>,
        cycles: &mut Vec<Vec<Node>>,
    ) {
        match marks.get(&n) {
            Some(Mark::Done) => return,
            Some(Mark::Active) => {
                if let Some(pos) = stack.iter().position(|x| *x == n) {
                    cycles.push(stack[pos..].to_vec());
                }
                return;
            }
            None => {}
        }
        marks.insert(n, Mark::Active);
        stack.push(n);
        if let Some((deps, _)) = self.graph.get(&n) {
            for &d in deps {
                self.visit(d, marks, stack, order, cycles);
            }
        }
        stack.pop();
        marks.insert(n, Mark::Done);
        order.push(n);
    }
}
