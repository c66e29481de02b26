//! The checker's names as a [`SymbolIndex`]: its definitions (schemas and fields, the global
//! names, stages and routes) with what it knows of each, and the uses it recorded with
//! [`Checker::refer`].

use super::{Checker, DefKind};
use crate::checked::Ty;
use crate::symbols::{Symbol, SymbolIndex, SymbolKind};
use funnel_grammar::ast::Item;
use funnel_grammar::Span;

impl Checker<'_> {
    /// Everything the checker resolved, as an index (built also when there were errors).
    pub(crate) fn symbol_index(&mut self) -> SymbolIndex {
        let mut symbols = Vec::new();
        let in_set = |span: &Span| self.files.iter().any(|(f, _)| f.name == span.file.name);
        for record in &self.records {
            if !in_set(&record.span) {
                continue;
            }
            let block = self.block_of(&record.span);
            symbols.push(symbol(
                SymbolKind::Schema,
                &record.name,
                &record.span,
                block,
                "",
            ));
            for field in &record.fields {
                let mut detail = self.ty_name(&field.ty);
                if field.optional {
                    detail.push('?');
                }
                if field.key {
                    detail.push_str(", the key");
                }
                if let Some(from) = &field.from {
                    detail.push_str(&format!(", read from the column \"{from}\""));
                }
                let block = line_of(&field.span);
                let mut s = symbol(SymbolKind::Field, &field.name, &field.span, block, &detail);
                s.parent = Some(record.name.clone());
                let inner = match &field.ty {
                    Ty::List(t) => t,
                    t => t,
                };
                match inner {
                    Ty::Enum(e) => s.values = self.enums[*e].values.clone(),
                    Ty::Record(r) => s.record = Some(self.records[*r].name.clone()),
                    _ => {}
                }
                symbols.push(s);
            }
        }
        let mut globals: Vec<(&String, &(DefKind, usize, Span))> = self.defs.iter().collect();
        globals.sort_by_key(|(_, (_, _, span))| (span.file.name.clone(), span.start));
        for (name, (kind, i, span)) in globals {
            let (kind, detail, implementation) = match kind {
                DefKind::Let => {
                    let ty = match self.lets.get(*i) {
                        Some(Some(def)) => self.ty_name(&def.value.ty),
                        _ => String::new(),
                    };
                    (SymbolKind::Let, ty, None)
                }
                DefKind::Score => (SymbolKind::Score, "number".to_string(), None),
                DefKind::Persona => (SymbolKind::Persona, String::new(), None),
                DefKind::Calendar => (SymbolKind::Calendar, String::new(), None),
                DefKind::Sla => (SymbolKind::Sla, String::new(), None),
                DefKind::Metric => (SymbolKind::Metric, String::new(), None),
                DefKind::ScriptFn => {
                    let Some(f) = self.script_fns.get(*i) else {
                        continue;
                    };
                    let params: Vec<String> = f.params.iter().map(|p| self.ty_name(p)).collect();
                    let signature =
                        format!("{name}({}) -> {}", params.join(", "), self.ty_name(&f.ret));
                    let implementation = self.scripts.get(f.script).and_then(|script| {
                        let text = &script.source.text;
                        let at = text.find(&format!("fn {name}("))? + 3;
                        Some(Span::new(script.source.clone(), at, at + name.len()))
                    });
                    (SymbolKind::ScriptFn, signature, implementation)
                }
            };
            let block = self.block_of(span);
            let mut detail = detail;
            if kind == SymbolKind::Score {
                // A score's hover shows its grade's bands too.
                if let Some(grade) = self.items().find_map(|item| match item {
                    Item::Grade(g) if g.score.name == *name => Some(g.span.text()),
                    _ => None,
                }) {
                    let grade: Vec<&str> = grade.split_whitespace().collect();
                    detail = format!("{detail}; {}", grade.join(" "));
                }
            }
            let mut s = symbol(kind, name, span, block, &detail);
            s.implementation = implementation;
            symbols.push(s);
        }
        for item in self.items() {
            match item {
                Item::Stages(stages) => {
                    for stage in &stages.stages {
                        let s = &stage.name;
                        symbols.push(symbol(
                            SymbolKind::Stage,
                            &s.name,
                            &s.span,
                            stage.span.clone(),
                            "",
                        ));
                    }
                }
                Item::Route(route) => {
                    for branch in &route.branches {
                        let b = &branch.name;
                        symbols.push(symbol(
                            SymbolKind::Route,
                            &b.name,
                            &b.span,
                            branch.span.clone(),
                            "",
                        ));
                    }
                }
                _ => {}
            }
        }
        SymbolIndex::new(symbols, std::mem::take(&mut self.uses))
    }

    /// The top-level block holding `span`, or the span itself when none does.
    fn block_of(&self, span: &Span) -> Span {
        self.items()
            .map(Item::span)
            .find(|b| b.file.name == span.file.name && b.start <= span.start && span.end <= b.end)
            .cloned()
            .unwrap_or_else(|| span.clone())
    }
}

/// A symbol with no parent or implementation.
fn symbol(kind: SymbolKind, name: &str, span: &Span, block: Span, detail: &str) -> Symbol {
    Symbol {
        kind,
        name: name.to_string(),
        span: span.clone(),
        block,
        detail: detail.to_string(),
        parent: None,
        implementation: None,
        values: Vec::new(),
        record: None,
    }
}

/// The line a span starts on, without its line break.
fn line_of(span: &Span) -> Span {
    let text = &span.file.text;
    let start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let end = text[span.start.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    Span::new(span.file.clone(), start, end)
}
