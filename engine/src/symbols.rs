//! The names of a policy set: where each is defined and every place it is used.
//!
//! The checker resolves every name once; while it does, it records each use against the
//! definition it resolved to. A [`SymbolIndex`] is that record, kept for editors: "what is
//! under the cursor", "where is it defined", "where is it used" and "rename it everywhere"
//! all read it, so an editor never resolves a name differently from `funnel check`.
//!
//! ```
//! use funnel_grammar::SourceFile;
//!
//! let text = "policy \"p\" version 1\nschema lead {\n  email: text key\n}\n\
//!             let corporate = email ends with \"@acme.com\"\n\
//!             score fit {\n  +10 when corporate\n}\n";
//! let report = funnel_engine::check_sources(vec![SourceFile::new("p.funnel", text)]);
//! let index = &report.symbols;
//! // The cursor on `corporate` in the score's rule:
//! let at = text.rfind("corporate").unwrap() + 2;
//! let symbol = index.at("p.funnel", at).unwrap();
//! assert_eq!(index.symbol(symbol).name, "corporate");
//! assert_eq!(index.symbol(symbol).kind, funnel_engine::SymbolKind::Let);
//! // Its definition, then its one use:
//! let places: Vec<usize> = index.occurrences(symbol).iter().map(|s| s.start).collect();
//! assert_eq!(places, vec![text.find("corporate").unwrap(), text.rfind("corporate").unwrap()]);
//! ```

use funnel_grammar::Span;
use std::collections::HashMap;

/// What kind of definition a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A `schema` (or a `table`'s rows).
    Schema,
    /// A field of a schema.
    Field,
    /// A `let`.
    Let,
    /// A `score`.
    Score,
    /// A `persona`.
    Persona,
    /// A stage of `stages`.
    Stage,
    /// A branch of `route`.
    Route,
    /// A `calendar`.
    Calendar,
    /// An `sla`.
    Sla,
    /// A `metric`.
    Metric,
    /// A function a script declares (`use script ... { fn ... }`).
    ScriptFn,
}

impl SymbolKind {
    /// The kind in words, as in messages: `field`, `SLA`, `script function`.
    pub fn noun(self) -> &'static str {
        match self {
            SymbolKind::Schema => "schema",
            SymbolKind::Field => "field",
            SymbolKind::Let => "let",
            SymbolKind::Score => "score",
            SymbolKind::Persona => "persona",
            SymbolKind::Stage => "stage",
            SymbolKind::Route => "route",
            SymbolKind::Calendar => "calendar",
            SymbolKind::Sla => "SLA",
            SymbolKind::Metric => "metric",
            SymbolKind::ScriptFn => "script function",
        }
    }
}

/// One definition.
#[derive(Debug, Clone)]
pub struct Symbol {
    /// What it is.
    pub kind: SymbolKind,
    /// Its name.
    pub name: String,
    /// The name where it is defined.
    pub span: Span,
    /// The whole definition (a block, a field's line), for outlines and hovers.
    pub block: Span,
    /// What the checker knows of it in one line: a field's type and input column, a let's
    /// type, a script function's signature. Empty when the block says it all.
    pub detail: String,
    /// The schema of a field; `None` for everything else.
    pub parent: Option<String>,
    /// Where a script function is written, in its `.rhai` file.
    pub implementation: Option<Span>,
    /// The values of a field whose type is an enum (or a list of one), in order.
    pub values: Vec<String>,
    /// The schema of a field that holds a record or a list of records.
    pub record: Option<String>,
}

/// What a recorded use resolved to, before the index is built.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// The definition whose name is at this span.
    Def(Span),
    /// The stage or route of this name.
    Named(SymbolKind, String),
}

/// Every definition of a policy set and every use of each (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct SymbolIndex {
    symbols: Vec<Symbol>,
    /// Each use and the symbol it resolved to, in the order the checker met them.
    uses: Vec<(Span, usize)>,
}

/// A place, for matching a use's target with a definition.
fn key(span: &Span) -> (String, usize, usize) {
    (span.file.name.clone(), span.start, span.end)
}

impl SymbolIndex {
    /// Builds the index from the definitions and the uses the checker recorded; a use whose
    /// target is not a known definition (a name in a block that did not parse) is dropped.
    pub(crate) fn new(symbols: Vec<Symbol>, uses: Vec<(Span, Target)>) -> SymbolIndex {
        let by_place: HashMap<_, usize> = symbols
            .iter()
            .enumerate()
            .map(|(i, s)| (key(&s.span), i))
            .collect();
        let by_name: HashMap<(SymbolKind, &str), usize> = symbols
            .iter()
            .enumerate()
            .rev()
            .map(|(i, s)| ((s.kind, s.name.as_str()), i))
            .collect();
        let mut resolved: Vec<(Span, usize)> = uses
            .into_iter()
            .filter_map(|(at, target)| {
                let i = match &target {
                    Target::Def(def) => by_place.get(&key(def)).copied(),
                    Target::Named(kind, name) => by_name.get(&(*kind, name.as_str())).copied(),
                }?;
                Some((at, i))
            })
            .collect();
        // The checker reads some names twice (a stage's `at` when it is checked and at each
        // `reached_at`): a place is one use.
        resolved.sort_by_key(|(at, i)| (key(at), *i));
        resolved.dedup_by(|a, b| a.1 == b.1 && a.0.same_place(&b.0));
        SymbolIndex {
            symbols,
            uses: resolved,
        }
    }

    /// Every definition, in the order the checker declared them.
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    /// One definition, by its index in [`SymbolIndex::symbols`].
    pub fn symbol(&self, i: usize) -> &Symbol {
        &self.symbols[i]
    }

    /// The symbol whose name (defined or used) is at byte `offset` of the file named `file`
    /// (the offset may be just past the name's end, where an editor's cursor stops).
    pub fn at(&self, file: &str, offset: usize) -> Option<usize> {
        let hit = |s: &Span| s.file.name == file && s.start <= offset && offset <= s.end;
        self.symbols
            .iter()
            .position(|s| hit(&s.span))
            .or_else(|| self.uses.iter().find(|(at, _)| hit(at)).map(|(_, i)| *i))
    }

    /// Where the symbol's name is written: its definition first, then every use.
    pub fn occurrences(&self, symbol: usize) -> Vec<&Span> {
        std::iter::once(&self.symbols[symbol].span)
            .chain(self.uses_of(symbol))
            .collect()
    }

    /// Every use of the symbol (its definition not included), in file and offset order.
    pub fn uses_of(&self, symbol: usize) -> impl Iterator<Item = &Span> {
        self.uses
            .iter()
            .filter(move |(_, i)| *i == symbol)
            .map(|(at, _)| at)
    }

    /// The symbols of one kind.
    pub fn of_kind(&self, kind: SymbolKind) -> impl Iterator<Item = &Symbol> {
        self.symbols.iter().filter(move |s| s.kind == kind)
    }
}
