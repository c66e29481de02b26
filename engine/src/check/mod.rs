//! The checker: from the syntax trees of a policy set to a [`Checked`] policy.
//!
//! It resolves every name once, types every expression against the schema, orders the
//! definitions by their dependencies, and reports every problem it finds (it goes on after an
//! error, so one run shows them all).

mod blocks;
mod broken;
mod deps;
mod expr;
mod field_input;
mod figures;
mod index;
mod lints;
mod schema;
mod sla;
mod suggest;
mod test_blocks;

use crate::checked::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::script::ScriptRuntime;
use funnel_grammar::ast::{self, Item};
use funnel_grammar::{SourceFile, Span};
use funnel_locale::t;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

pub(crate) use suggest::did_you_mean;

/// The scripts a set's files name (`use script`), read by the loader: by the name of the
/// policy file and the script's path resolved beside it, the text or why it could not be read.
/// The checker reads no files itself.
pub(crate) type ScriptTexts = HashMap<(String, std::path::PathBuf), Result<String, String>>;

/// What checking a set gives: the checked policy and its scripts (when there were no
/// errors), every diagnostic, and the names resolved.
pub(crate) type Outcome = (
    Option<(Checked, Option<ScriptRuntime>)>,
    Vec<Diagnostic>,
    crate::symbols::SymbolIndex,
);

/// Checks a parsed policy set: the checked policy when there were no errors, and every
/// diagnostic, in source order.
pub(crate) fn check(files: &[(Arc<SourceFile>, ast::File)], script_texts: &ScriptTexts) -> Outcome {
    let mut c = Checker::new(files, script_texts);
    let checked = c.run();
    let symbols = c.symbols.take().unwrap_or_else(|| c.symbol_index());
    let runtime = c.runtime.take();
    let checked = checked.map(|checked| (checked, runtime));
    let mut diagnostics = c.diags;
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span().map(|s| (s.file.name.clone(), s.start));
        key(a).cmp(&key(b))
    });
    let has_errors = diagnostics.iter().any(|d| d.is_error());
    (
        if has_errors { None } else { checked },
        diagnostics,
        symbols,
    )
}

/// The namespace of definitions referred to by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DefKind {
    Let,
    Score,
    Persona,
    Calendar,
    Sla,
    Metric,
    ScriptFn,
}

impl DefKind {
    fn noun(self) -> String {
        match self {
            DefKind::Let => t!("noun-let"),
            DefKind::Score => t!("noun-score"),
            DefKind::Persona => t!("noun-persona"),
            DefKind::Calendar => t!("noun-calendar"),
            DefKind::Sla => t!("noun-sla"),
            DefKind::Metric => t!("noun-metric"),
            DefKind::ScriptFn => t!("noun-script-function"),
        }
    }
}

/// The state of a `let` while lets are typed on demand.
#[derive(Clone)]
enum LetState {
    Unchecked,
    InProgress,
    Done(Ty),
}

pub(crate) struct Checker<'a> {
    files: &'a [(Arc<SourceFile>, ast::File)],
    pub(crate) diags: Vec<Diagnostic>,
    records: Vec<RecordDef>,
    /// `table` blocks, checked after the schemas.
    tables: Vec<TableDef>,
    record_names: HashMap<String, RecordId>,
    enums: Vec<EnumDef>,
    regexes: Vec<crate::pattern::Pattern>,
    lead: Option<RecordId>,
    /// Global names: lets, scores, personas, calendars, SLAs, metrics, script functions.
    defs: HashMap<String, (DefKind, usize, Span)>,
    lets_ast: Vec<&'a ast::Let>,
    let_state: Vec<LetState>,
    /// While [`Checker::check_lets`] runs: the first unchecked let the let being checked
    /// uses, which must be checked first.
    let_needed: Option<Option<usize>>,
    lets: Vec<Option<LetDef>>,
    personas_ast: Vec<&'a ast::Persona>,
    scores_ast: Vec<&'a ast::Score>,
    calendars_ast: Vec<&'a ast::Calendar>,
    slas_ast: Vec<&'a ast::Sla>,
    metrics_ast: Vec<&'a ast::Metric>,
    script_fns: Vec<ScriptFnDef>,
    scripts: Vec<ScriptDef>,
    /// The texts of the scripts the files name, read by the loader.
    script_texts: &'a ScriptTexts,
    /// The sandbox the scripts are compiled into (when the policy uses any).
    runtime: Option<ScriptRuntime>,
    /// Score index -> grade index.
    grade_of: HashMap<usize, usize>,
    grades: Vec<GradeDef>,
    stage_enum: EnumId,
    route_enum: EnumId,
    sla_state_enum: EnumId,
    status_enum: EnumId,
    sla_record: RecordId,
    /// Definitions referred to by the node being checked.
    /// (With the place of the first use of each.)
    deps: BTreeMap<Node, Span>,
    /// Every definition's dependencies (with where each is first used) and the definition's
    /// name.
    graph: HashMap<Node, (BTreeMap<Node, Span>, Span)>,
    used_personas: BTreeSet<usize>,
    used_calendars: BTreeSet<usize>,
    /// What blocks that did not parse would have defined (their names are not reported as
    /// unknown, so one syntax error is reported once).
    pub(crate) broken: broken::Broken,
    /// Enums whose values are not all known (their block did not parse): an unknown value of
    /// one is not reported.
    pub(crate) open_enums: HashSet<EnumId>,
    /// Every name resolved, with what it resolved to: the [`crate::SymbolIndex`] editors read.
    pub(crate) uses: Vec<(Span, crate::symbols::Target)>,
    /// The index of [`Checker::uses`], once every block is checked.
    symbols: Option<crate::symbols::SymbolIndex>,
}

impl<'a> Checker<'a> {
    fn new(
        files: &'a [(Arc<SourceFile>, ast::File)],
        script_texts: &'a ScriptTexts,
    ) -> Checker<'a> {
        Checker {
            files,
            script_texts,
            diags: Vec::new(),
            records: Vec::new(),
            tables: Vec::new(),
            record_names: HashMap::new(),
            enums: Vec::new(),
            regexes: Vec::new(),
            lead: None,
            defs: HashMap::new(),
            lets_ast: Vec::new(),
            let_state: Vec::new(),
            let_needed: None,
            lets: Vec::new(),
            personas_ast: Vec::new(),
            scores_ast: Vec::new(),
            calendars_ast: Vec::new(),
            slas_ast: Vec::new(),
            metrics_ast: Vec::new(),
            script_fns: Vec::new(),
            scripts: Vec::new(),
            runtime: None,
            grade_of: HashMap::new(),
            grades: Vec::new(),
            stage_enum: 0,
            route_enum: 0,
            sla_state_enum: 0,
            status_enum: 0,
            sla_record: 0,
            deps: BTreeMap::new(),
            graph: HashMap::new(),
            used_personas: BTreeSet::new(),
            used_calendars: BTreeSet::new(),
            broken: broken::Broken::find(files),
            open_enums: HashSet::new(),
            uses: Vec::new(),
            symbols: None,
        }
    }

    /// Records that the name at `at` resolved to the definition whose name is at `def`.
    pub(crate) fn refer(&mut self, at: &Span, def: &Span) {
        self.uses
            .push((at.clone(), crate::symbols::Target::Def(def.clone())));
    }

    /// Records that the name at `at` is the stage or route named `name`.
    pub(crate) fn refer_named(&mut self, at: &Span, kind: crate::SymbolKind, name: &str) {
        let target = crate::symbols::Target::Named(kind, name.to_string());
        self.uses.push((at.clone(), target));
    }

    /// The span of a global definition's name (a let, score, persona, ...), if it is one.
    pub(crate) fn def_span(&self, name: &str) -> Option<Span> {
        self.defs.get(name).map(|(_, _, span)| span.clone())
    }

    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn items(&self) -> impl Iterator<Item = &'a Item> + 'a {
        self.files.iter().flat_map(|(_, f)| f.items.iter())
    }

    fn run(&mut self) -> Option<Checked> {
        let header = self.check_header();
        self.collect_schemas();
        self.check_tables();
        self.add_builtin_enums();
        self.collect_definitions();
        let limits = crate::script::ScriptLimits::from_settings(
            header
                .as_ref()
                .map(|h| h.script_limits.as_slice())
                .unwrap_or(&[]),
        );
        self.collect_scripts(limits);

        let stages_ast: Vec<&ast::Stages> = self
            .items()
            .filter_map(|i| match i {
                Item::Stages(s) => Some(s),
                _ => None,
            })
            .collect();
        let routes_ast: Vec<&ast::Route> = self
            .items()
            .filter_map(|i| match i {
                Item::Route(r) => Some(r),
                _ => None,
            })
            .collect();
        self.declare_stages(&stages_ast);
        self.declare_routes(&routes_ast);
        self.declare_grades();

        self.check_lets();
        let personas = self.check_personas();
        let scores = self.check_scores();
        self.check_grades();
        let stages = self.check_stages(stages_ast.first().copied());
        let funnel_splits = match stages_ast.first() {
            Some(block) => self.splits(&block.splits),
            None => Vec::new(),
        };
        let routes = self.check_routes(routes_ast.first().copied());
        let calendars = self.check_calendars();
        let slas = self.check_slas(&calendars, &stages);
        let metrics = self.check_metrics();
        let tests = self.check_tests(&slas, &metrics, &funnel_splits);
        self.warn_unused(&personas, &calendars);
        let order = self.order();
        // Built here, before the checked policy takes the checker's records and scripts.
        self.symbols = Some(self.symbol_index());

        let header = header?;
        let lead = self.lead?;
        let key = self.records[lead].fields.iter().position(|f| f.key);
        let lets = self.lets.iter().cloned().collect::<Option<Vec<_>>>()?;
        Some(Checked {
            header,
            sources: self.files.iter().map(|(f, _)| f.clone()).collect(),
            records: std::mem::take(&mut self.records),
            lead,
            key,
            enums: std::mem::take(&mut self.enums),
            stage_enum: self.stage_enum,
            route_enum: self.route_enum,
            sla_state_enum: self.sla_state_enum,
            status_enum: self.status_enum,
            sla_record: self.sla_record,
            regexes: std::mem::take(&mut self.regexes),
            lets,
            personas,
            scores,
            grades: std::mem::take(&mut self.grades),
            stages,
            routes,
            calendars,
            slas,
            tables: std::mem::take(&mut self.tables),
            funnel_splits,
            metrics,
            tests,
            scripts: std::mem::take(&mut self.scripts),
            script_fns: std::mem::take(&mut self.script_fns),
            order: order?,
        })
    }

    /// Labels what the whole set lacks at its `policy` header (`policy "name" version N`), or,
    /// without one, at the start of its first file.
    fn at_header(&self, d: Diagnostic, label: &str) -> Diagnostic {
        let header = self.items().find_map(|i| match i {
            Item::Policy(h) => Some(header_line(h)),
            _ => None,
        });
        match header.or_else(|| Some(Span::new(self.files.first()?.0.clone(), 0, 0))) {
            Some(span) => d.label(&span, label),
            None => d,
        }
    }

    /// Exactly one `policy` header per set.
    fn check_header(&mut self) -> Option<Header> {
        let headers: Vec<&ast::PolicyHeader> = self
            .items()
            .filter_map(|i| match i {
                Item::Policy(h) => Some(h),
                _ => None,
            })
            .collect();
        let Some(first) = headers.first().copied() else {
            if self.broken.header {
                // The header has a syntax error, already reported.
                return None;
            }
            let d = Diagnostic::error(Code::NoHeader, t!("no_policy_header-policy-set-has-no"))
                .help(t!("no_policy_header-add-header-one-file-help"));
            self.error(self.at_header(d, &t!("check-no-header-any-file")));
            return None;
        };
        for extra in &headers[1..] {
            self.error(
                Diagnostic::error(
                    Code::DuplicateHeader,
                    t!("duplicate_policy_header-policy-set-has-exactly"),
                )
                .label(
                    &header_line(extra),
                    t!("duplicate_policy_header-second-header-label"),
                )
                .label(
                    &header_line(first),
                    t!("duplicate_policy_header-first-header-here-label"),
                )
                .help(t!("duplicate_policy_header-keep-one-header-whole-help")),
            );
        }
        let timezone = match &first.timezone {
            None => chrono_tz::UTC,
            Some(tz) => self.timezone(tz).unwrap_or(chrono_tz::UTC),
        };
        let version = first.version.int.unwrap_or(0);
        if first.version.integer && first.version.int.is_none() {
            self.error(expr::too_large_int(&first.version));
        } else if !first.version.integer || version < 0 {
            self.error(
                Diagnostic::error(Code::BadNumber, t!("bad_number-policy-version-must-whole"))
                    .label(&first.version.span, t!("bad_number-whole-number-label"))
                    .help(t!("bad_number-number-versions-1-2-help")),
            );
        }
        let mut script_limits = Vec::new();
        for s in &first.script_limits {
            const KNOWN: &[&str] = &[
                "operations",
                "time_ms",
                "call_depth",
                "string_size",
                "array_size",
                "map_size",
            ];
            if !KNOWN.contains(&s.name.name.as_str()) {
                self.error(
                    Diagnostic::error(
                        Code::UnknownName,
                        t!("unknown_name-unknown-script-limit", name = s.name.name),
                    )
                    .label(&s.name.span, t!("unknown_name-script-limit-label"))
                    .help(did_you_mean(
                        &s.name.name,
                        KNOWN.iter().copied(),
                        &t!("noun-script-limit"),
                    )),
                );
            } else if !s.value.integer || s.value.value < 1.0 {
                self.error(
                    Diagnostic::error(Code::BadNumber, t!("bad_number-script-limit-must-positive"))
                        .label(&s.value.span, t!("bad_number-here-label")),
                );
            } else {
                script_limits.push((s.name.name.clone(), s.value.value as u64));
            }
        }
        Some(Header {
            name: first.name.value.clone(),
            version: version.max(0) as u64,
            timezone,
            owners: first
                .owners
                .iter()
                .map(|o| (o.team.name.clone(), o.name.value.clone()))
                .collect(),
            script_limits,
        })
    }

    /// Marks a name suggested by "did you mean" as used, so that a misspelt reference is not
    /// also reported as an unused definition.
    pub(crate) fn suggested(&mut self, name: &str, kind: DefKind) {
        match self.defs.get(name) {
            Some((k, i, _)) if *k == kind && kind == DefKind::Persona => {
                self.used_personas.insert(*i);
            }
            Some((k, i, _)) if *k == kind && kind == DefKind::Calendar => {
                self.used_calendars.insert(*i);
            }
            _ => {}
        }
    }

    /// Parses an IANA zone name, reporting a misspelt one.
    pub(crate) fn timezone(&mut self, tz: &ast::StrLit) -> Option<chrono_tz::Tz> {
        match tz.value.parse::<chrono_tz::Tz>() {
            Ok(z) => Some(z),
            Err(_) => {
                let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
                self.error(
                    Diagnostic::error(
                        Code::UnknownTimezone,
                        t!("unknown_timezone-unknown-time-zone", zone = tz.value),
                    )
                    .label(&tz.span, t!("unknown_timezone-iana-time-zone-name-label"))
                    .help(match suggest::closest(&tz.value, names) {
                        Some(s) => t!("check-did-you-mean-2", s = s),
                        None => t!("check-use-iana-name-such"),
                    }),
                );
                None
            }
        }
    }

    /// Enters a global name, reporting a duplicate at both places.
    fn define(&mut self, name: &ast::Ident, kind: DefKind, index: usize) {
        if let Some((other_kind, _, other_span)) = self.defs.get(&name.name) {
            let message = if *other_kind == kind {
                t!("check-defined-twice", noun = kind.noun(), name = name.name)
            } else {
                t!(
                    "check-defined",
                    name = name.name,
                    noun = other_kind.noun(),
                    noun2 = kind.noun()
                )
            };
            let other_span = other_span.clone();
            self.error(
                Diagnostic::error(Code::Duplicate, message)
                    .label(
                        &name.span,
                        t!("duplicate_definition-defined-again-here-label"),
                    )
                    .label(
                        &other_span,
                        t!("duplicate_definition-first-defined-here-label"),
                    )
                    .help(t!("duplicate_definition-names-are-shared-by-help")),
            );
            return;
        }
        self.defs
            .insert(name.name.clone(), (kind, index, name.span.clone()));
    }

    fn collect_definitions(&mut self) {
        let items: Vec<&'a Item> = self.items().collect();
        for item in items {
            match item {
                Item::Let(l) => {
                    self.define(&l.name, DefKind::Let, self.lets_ast.len());
                    self.lets_ast.push(l);
                }
                Item::Persona(p) => {
                    self.define(&p.name, DefKind::Persona, self.personas_ast.len());
                    self.personas_ast.push(p);
                }
                Item::Score(s) => {
                    self.define(&s.name, DefKind::Score, self.scores_ast.len());
                    self.scores_ast.push(s);
                }
                Item::Calendar(c) => {
                    self.define(&c.name, DefKind::Calendar, self.calendars_ast.len());
                    self.calendars_ast.push(c);
                }
                Item::Sla(s) => {
                    self.define(&s.name, DefKind::Sla, self.slas_ast.len());
                    self.slas_ast.push(s);
                }
                Item::Metric(m) => {
                    self.define(&m.name, DefKind::Metric, self.metrics_ast.len());
                    self.metrics_ast.push(m);
                }
                _ => {}
            }
        }
        self.let_state = vec![LetState::Unchecked; self.lets_ast.len()];
        self.lets = vec![None; self.lets_ast.len()];
        // A let or score named like a lead field would make bare names ambiguous.
        if let Some(lead) = self.lead {
            let clashes: Vec<(Span, Span, String)> = self.records[lead]
                .fields
                .iter()
                .filter_map(|f| {
                    self.defs.get(&f.name).and_then(|(k, _, s)| {
                        matches!(k, DefKind::Let | DefKind::Score)
                            .then(|| (s.clone(), f.span.clone(), f.name.clone()))
                    })
                })
                .collect();
            for (def, field, name) in clashes {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        t!(
                            "duplicate_definition-both-lead-field-definition",
                            name = name
                        ),
                    )
                    .label(&def, t!("duplicate_definition-defined-here-label"))
                    .label(&field, t!("duplicate_definition-lead-field-label"))
                    .help(t!("duplicate_definition-bare-name-must-mean-help")),
                );
            }
        }
    }

    /// Checks every let, each after the lets it uses. The order is found by trying: a let
    /// that uses one not checked yet is set aside (what its check said is dropped) until that
    /// one is done. The work is a list, not a recursion, so a chain or a cycle of thousands of
    /// lets cannot overflow the stack; each let is checked at most twice.
    fn check_lets(&mut self) {
        self.let_needed = Some(None);
        for root in 0..self.lets_ast.len() {
            let mut work = vec![root];
            while let Some(&i) = work.last() {
                if matches!(self.let_state[i], LetState::Done(_)) {
                    work.pop();
                    continue;
                }
                match self.try_let(i) {
                    Some(first) => work.push(first),
                    None => {
                        work.pop();
                    }
                }
            }
        }
        self.let_needed = None;
    }

    /// Checks let `i`; or, when it uses a let not checked yet, undoes the attempt and names
    /// that let. The let stays in progress meanwhile, so a let that uses it back is a cycle.
    fn try_let(&mut self, i: usize) -> Option<usize> {
        self.let_state[i] = LetState::InProgress;
        let (diags, regexes) = (self.diags.len(), self.regexes.len());
        let l = self.lets_ast[i];
        let saved = std::mem::take(&mut self.deps);
        let value = self.expr(&l.value, &expr::Env::lead(), None);
        let deps = std::mem::replace(&mut self.deps, saved);
        if let Some(first) = self.let_needed.as_mut().and_then(Option::take) {
            self.diags.truncate(diags);
            self.regexes.truncate(regexes);
            return Some(first);
        }
        self.graph.insert(Node::Let(i), (deps, l.name.span.clone()));
        let ty = value.ty.clone();
        self.lets[i] = Some(LetDef {
            name: l.name.name.clone(),
            value,
            span: l.span.clone(),
        });
        self.let_state[i] = LetState::Done(ty);
        None
    }

    /// The type of a `let` (every let is checked by [`Checker::check_lets`] before anything
    /// else asks).
    pub(crate) fn let_type(&mut self, i: usize) -> Ty {
        match &self.let_state[i] {
            LetState::Done(ty) => ty.clone(),
            // A cycle: the dependency graph reports it with its path.
            LetState::InProgress => Ty::Error,
            LetState::Unchecked => {
                if let Some(needed) = &mut self.let_needed {
                    needed.get_or_insert(i);
                }
                Ty::Error
            }
        }
    }

    /// Starts collecting the dependencies of a definition.
    pub(crate) fn begin_node(&mut self) {
        self.deps.clear();
    }

    /// Records the dependencies collected since [`Checker::begin_node`].
    pub(crate) fn end_node(&mut self, node: Node, span: &Span) {
        let deps = std::mem::take(&mut self.deps);
        self.graph
            .entry(node)
            .and_modify(|(d, _)| {
                for (n, s) in &deps {
                    d.entry(*n).or_insert_with(|| s.clone());
                }
            })
            .or_insert((deps, span.clone()));
    }

    /// Records that the definition being checked uses `node`, at `span`.
    pub(crate) fn uses(&mut self, node: Node, span: &Span) {
        self.deps.entry(node).or_insert_with(|| span.clone());
    }

    fn add_enum(&mut self, name: impl Into<String>, values: Vec<String>, ordered: bool) -> EnumId {
        self.enums.push(EnumDef {
            name: name.into(),
            values,
            ordered,
        });
        self.enums.len() - 1
    }

    fn add_builtin_enums(&mut self) {
        self.sla_state_enum = self.add_enum(
            "SLA state",
            SLA_STATES.iter().map(|s| s.to_string()).collect(),
            false,
        );
        let types = [
            Ty::Enum(self.sla_state_enum),
            Ty::DateTime,
            Ty::DateTime,
            Ty::DateTime,
            Ty::Duration,
            Ty::Duration,
        ];
        self.records.push(RecordDef {
            name: "SLA result".into(),
            fields: SLA_RESULT_FIELDS
                .iter()
                .zip(types)
                .map(|(n, ty)| FieldDef {
                    name: n.to_string(),
                    ty,
                    optional: *n != "state",
                    key: false,
                    from: None,
                    input: None,
                    span: Span::synthetic(),
                })
                .collect(),
            at_slot: None,
            span: Span::synthetic(),
        });
        self.sla_record = self.records.len() - 1;
        self.status_enum = self.add_enum(
            "status",
            FIGURE_STATUSES.iter().map(|s| s.to_string()).collect(),
            false,
        );
    }

    fn warn_unused(&mut self, personas: &[PersonaDef], calendars: &[CalendarDef]) {
        if self.broken.any {
            // A block that did not parse may be the one that uses them.
            return;
        }
        // A duplicate is reported as such, not also as unused.
        let first_def =
            |c: &Self, name: &str, i: usize| matches!(c.defs.get(name), Some((_, j, _)) if *j == i);
        for (i, p) in personas.iter().enumerate() {
            if !self.used_personas.contains(&i) && first_def(self, &p.name, i) {
                let span = self.personas_ast[i].name.span.clone();
                self.error(
                    Diagnostic::warning(
                        Code::UnusedPersona,
                        t!("unused_persona-persona-never-used", p = p.name),
                    )
                    .label(&span, t!("unused_persona-defined-here-label"))
                    .help(t!("check-use-score-30-when", p = p.name)),
                );
            }
        }
        for (i, c) in calendars.iter().enumerate() {
            if !self.used_calendars.contains(&i) && first_def(self, &c.name, i) {
                let span = self.calendars_ast[i].name.span.clone();
                self.error(
                    Diagnostic::warning(
                        Code::UnusedCalendar,
                        t!("unused_calendar-calendar-never-used", c = c.name),
                    )
                    .label(&span, t!("unused_calendar-defined-here-label"))
                    .help(t!("unused_calendar-name-sla-within-4h-help", c = c.name)),
                );
            }
        }
    }
}

/// The first line of a header (`policy "name" version N`), for labels: the whole header would
/// show its owners too.
fn header_line(h: &ast::PolicyHeader) -> Span {
    Span::new(
        h.span.file.clone(),
        h.span.start,
        h.version.span.end.max(h.span.start),
    )
}
