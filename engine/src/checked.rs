//! The checked policy: every name resolved, every expression typed.
//!
//! The checker produces this from the syntax trees of a policy set; the evaluator runs it. Field
//! access is by slot index, enum values are small integers, regexes are compiled, and the
//! definitions come with the order they must be evaluated in, so evaluating a lead does no name
//! lookup.

use crate::value::Value;
use funnel_grammar::ast::{BinOp, Bound, ListOp, PeriodUnit, TextOp};
use funnel_grammar::{SourceFile, Span};
use std::sync::Arc;

/// Index into [`Checked::records`].
pub type RecordId = usize;
/// Index into [`Checked::enums`].
pub type EnumId = usize;

/// A type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `number`
    Number,
    /// `text`
    Text,
    /// `date`
    Date,
    /// `datetime`
    DateTime,
    /// `duration`
    Duration,
    /// One of an enum's values.
    Enum(EnumId),
    /// A record.
    Record(RecordId),
    /// A list.
    List(Box<Ty>),
    /// A compiled regular expression (only as a literal).
    Regex,
    /// The type of an expression that already has an error; it fits anywhere, so one mistake
    /// is reported once.
    Error,
}

impl Ty {
    /// `int` or `number`.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Number | Ty::Error)
    }
}

/// An enum's values. Stages, grade letters, routes and SLA states are enums too.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// What the values are values of, for messages (`industry`, `stage`, `grade of fit`).
    pub name: String,
    /// The values in order.
    pub values: Vec<String>,
    /// Whether `<`, `>=`, ... compare positions (true for stages).
    pub ordered: bool,
}

/// A record type (a `schema`).
#[derive(Debug, Clone)]
pub struct RecordDef {
    /// The schema's name.
    pub name: String,
    /// Fields in slot order.
    pub fields: Vec<FieldDef>,
    /// Slot of the field named `at` when it is a datetime (for `within` and item order).
    pub at_slot: Option<usize>,
    /// Where it was defined.
    pub span: Span,
}

/// A field of a record.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// Name in policies.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// May be absent.
    pub optional: bool,
    /// Identifies the lead.
    pub key: bool,
    /// Name in the input (`from "Lead Origin"`), when it differs.
    pub from: Option<String>,
    /// How its input is written, when it says (`missing`, `map`, `true`/`false`, `decimal`,
    /// `format`); `None` for most fields, which then cost the decoder one test of a pointer.
    pub input: Option<Box<crate::input_rules::FieldInput>>,
    /// Where it was declared.
    pub span: Span,
}

/// A definition the evaluator computes, in [`Checked::order`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// A `let`.
    Let(usize),
    /// A persona.
    Persona(usize),
    /// A score.
    Score(usize),
    /// A grade.
    Grade(usize),
    /// The stages.
    Stages,
    /// The route.
    Route,
    /// A per-lead SLA.
    Sla(usize),
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct TExpr {
    /// What it computes.
    pub kind: TKind,
    /// Its type.
    pub ty: Ty,
    /// Where it was written.
    pub span: Span,
}

impl TExpr {
    /// Calls `f` on each aggregate over the batch (`count(leads ...)`, `sum(x of spend)`) in
    /// a metric's expression: the queries over `leads` or a table, outside any other query.
    pub fn for_each_aggregate(&self, f: &mut impl FnMut(&TExpr)) {
        let mut visit = |x: &TExpr| x.for_each_aggregate(f);
        match &self.kind {
            TKind::Query { query, .. }
                if matches!(query.list.kind, TKind::Leads | TKind::Table(_)) =>
            {
                f(self)
            }
            TKind::Not(a) | TKind::Neg(a) | TKind::Get(a, _) | TKind::Matches(a, _) => visit(a),
            TKind::Binary(_, a, b) | TKind::ListContains(a, b) => {
                visit(a);
                visit(b);
            }
            TKind::If(a, b, c) | TKind::Between(a, b, c) => {
                visit(a);
                visit(b);
                visit(c);
            }
            TKind::In { value, list, .. } => {
                visit(value);
                visit(list);
            }
            TKind::Text { value, arg, .. } => {
                visit(value);
                visit(arg);
            }
            TKind::Call(_, args) | TKind::Script(_, args) | TKind::List(args) => {
                args.iter().for_each(visit)
            }
            _ => {}
        }
    }
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `lower(text)`
    Lower,
    /// `upper(text)`
    Upper,
    /// `len(text | list)`
    Len,
    /// `min(a, b, ...)`
    Min,
    /// `max(a, b, ...)`
    Max,
    /// `abs(x)`
    Abs,
    /// `round(x)` / `round(x, digits)`
    Round,
    /// `floor(x)`
    Floor,
    /// `ceil(x)`
    Ceil,
    /// `days_between(a, b)`: whole days from a to b.
    DaysBetween,
}

impl Builtin {
    /// Looks a built-in up by name.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "lower" => Builtin::Lower,
            "upper" => Builtin::Upper,
            "len" => Builtin::Len,
            "min" => Builtin::Min,
            "max" => Builtin::Max,
            "abs" => Builtin::Abs,
            "round" => Builtin::Round,
            "floor" => Builtin::Floor,
            "ceil" => Builtin::Ceil,
            "days_between" => Builtin::DaysBetween,
            _ => return None,
        })
    }

    /// Every built-in name, for suggestions.
    pub const NAMES: &'static [&'static str] = &[
        "lower",
        "upper",
        "len",
        "min",
        "max",
        "abs",
        "round",
        "floor",
        "ceil",
        "days_between",
        "grade",
        "match",
        "sla",
        "reached",
        "reached_at",
    ];
}

/// Which item `first`/`last`/`nth` picks.
#[derive(Debug, Clone)]
pub enum PickKind {
    /// The earliest.
    First,
    /// The latest.
    Last,
    /// The N-th (1-based).
    Nth(Box<TExpr>),
}

/// A list with its filter and window.
#[derive(Debug, Clone)]
pub struct TQuery {
    /// The list (a lead field, or the batch in metrics).
    pub list: Box<TExpr>,
    /// Evaluated with the item in scope (`TKind::Item`).
    pub filter: Option<Box<TExpr>>,
    /// A duration: only items whose `at` lies in `[now - D, now]`.
    pub within: Option<Box<TExpr>>,
    /// The items' `at` slot, when they have one: items after `now` are not seen.
    pub at_slot: Option<usize>,
}

/// The fields of `sla(NAME)`, in slot order.
pub const SLA_RESULT_FIELDS: &[&str] = &["state", "start", "due", "met_at", "elapsed", "remaining"];

/// The slots of `sla(NAME)`'s record, by name (in [`SLA_RESULT_FIELDS`]' order).
pub(crate) mod sla_slot {
    pub(crate) const STATE: usize = 0;
    pub(crate) const START: usize = 1;
    pub(crate) const ELAPSED: usize = 4;
}

/// The per-lead SLA states, in enum order.
pub const SLA_STATES: &[&str] = &[
    "met",
    "met_late",
    "breached",
    "warning",
    "pending",
    "not_applicable",
];

/// What `status(..)` gives, in enum order (the report's statuses).
pub const FIGURE_STATUSES: &[&str] = &["held", "missed", "at_risk", "no_data"];

/// What a figure of a test's batch report is of.
#[derive(Debug, Clone, PartialEq)]
pub enum FigureOf {
    /// A metric, by name.
    Metric(String),
    /// An aggregate SLA, by name.
    Sla(String),
    /// A stage of the funnel, by index.
    Stage(usize),
}

/// `metric(NAME, "PERIOD"[, "SEGMENT"])`, `status(..)` or `funnel(STAGE[, "PERIOD"])`: a
/// figure of the report over a test's batch of leads (only in a batch test's `expect` lines).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Whose figure.
    pub of: FigureOf,
    /// `status(..)`: held, missed, at risk or no data, rather than the value.
    pub status: bool,
    /// The report's label of the period (`2017-Q3`); `None` for the funnel over all periods.
    pub period: Option<String>,
    /// A `split by` row's label (`sector=retail`); `None` for the total.
    pub segment: Option<String>,
}

/// The forms of typed expressions.
#[derive(Debug, Clone)]
pub enum TKind {
    /// A constant.
    Const(Value),
    /// A list literal whose items are not all constants.
    List(Vec<TExpr>),
    /// A field of the lead, by slot.
    Field(usize),
    /// A field of the current item of an enclosing list query (`depth` 0 is the innermost).
    Item {
        /// How many queries out.
        depth: usize,
        /// The field's slot in the item's record.
        slot: usize,
    },
    /// A field of a record value.
    Get(Box<TExpr>, usize),
    /// A `let`'s value.
    Let(usize),
    /// A score's value.
    Score(usize),
    /// A grade's letter.
    Grade(usize),
    /// Whether a persona matched.
    Persona(usize),
    /// The share of a persona's conditions that hold.
    PersonaMatch(usize),
    /// The rows of a table (only in a metric's aggregates).
    Table(usize),
    /// The lead's stage.
    Stage,
    /// `reached(S)`: the lead reached stage S (its furthest stage is S or later; for an
    /// exclusion, the lead is in it).
    Reached(usize),
    /// `reached_at(S)`: the instant stage S's `at` field holds, when the lead reached S.
    ReachedAt(usize),
    /// The lead's route.
    Route,
    /// The result record of a per-lead SLA.
    Sla(usize),
    /// The evaluation instant.
    Now,
    /// `not`
    Not(Box<TExpr>),
    /// unary `-`
    Neg(Box<TExpr>),
    /// Binary operators (`and`/`or` follow three-valued logic).
    Binary(BinOp, Box<TExpr>, Box<TExpr>),
    /// `in` / `not in`
    In {
        /// The value looked for.
        value: Box<TExpr>,
        /// The list.
        list: Box<TExpr>,
        /// `not in`.
        negated: bool,
    },
    /// `between` (inclusive).
    Between(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// `contains`, `starts with`, `ends with` (with `any`, the argument is a list).
    Text {
        /// The test.
        op: TextOp,
        /// With `any`.
        any: bool,
        /// The text tested.
        value: Box<TExpr>,
        /// The other text or the list.
        arg: Box<TExpr>,
    },
    /// `contains` on a list: the list holds the value.
    ListContains(Box<TExpr>, Box<TExpr>),
    /// `matches`, with the regex by index in [`Checked::regexes`].
    Matches(Box<TExpr>, usize),
    /// `is missing` / `is present`.
    IsMissing {
        /// The value tested.
        value: Box<TExpr>,
        /// `is present`.
        negated: bool,
    },
    /// `if C then A else B`.
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// A built-in function.
    Call(Builtin, Vec<TExpr>),
    /// A script function, by index in [`Checked::script_fns`].
    Script(usize, Vec<TExpr>),
    /// any/all/count/sum/avg/median/min/max over a list.
    Query {
        /// Which.
        op: ListOp,
        /// The value taken from each item (sum and the others).
        value: Option<Box<TExpr>>,
        /// The list.
        query: TQuery,
    },
    /// first/last/nth.
    Pick(PickKind, TQuery),
    /// The batch of leads (only inside a metric's aggregates).
    Leads,
    /// A figure of the report over a test's batch (only in a batch test's `expect` lines).
    Figure(Box<Figure>),
}

/// The policy header.
#[derive(Debug, Clone)]
pub struct Header {
    /// Name.
    pub name: String,
    /// Version.
    pub version: u64,
    /// Zone for periods and dates without an offset.
    pub timezone: chrono_tz::Tz,
    /// (team, person).
    pub owners: Vec<(String, String)>,
    /// Sandbox limits for scripts (name, value).
    pub script_limits: Vec<(String, u64)>,
}

/// A `let`.
#[derive(Debug, Clone)]
pub struct LetDef {
    /// Name.
    pub name: String,
    /// Value.
    pub value: TExpr,
    /// Where.
    pub span: Span,
}

/// A persona.
#[derive(Debug, Clone)]
pub struct PersonaDef {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Conditions, all must hold.
    pub conditions: Vec<TExpr>,
    /// Where.
    pub span: Span,
}

/// How a rule earns points.
#[derive(Debug, Clone)]
pub enum RuleDef {
    /// Points once when true.
    When(TExpr),
    /// Points times a number.
    Per(TExpr),
}

/// A score rule.
#[derive(Debug, Clone)]
pub struct ScoreRuleDef {
    /// Signed points.
    pub points: f64,
    /// Condition or multiplier.
    pub rule: RuleDef,
    /// The most this rule adds (by absolute value).
    pub max: Option<f64>,
    /// The rule as written, for explanations.
    pub span: Span,
}

/// A decay.
#[derive(Debug, Clone)]
pub enum DecayDef {
    /// Multiply by (1-p)^floor(elapsed/every).
    Step {
        /// Share lost per step (0..1].
        percent: f64,
        /// Step in seconds.
        every: i64,
        /// The instant measured from.
        since: TExpr,
    },
    /// Multiply by 0.5^(elapsed/half_life).
    HalfLife {
        /// Half-life in seconds.
        half_life: i64,
        /// The instant measured from.
        since: TExpr,
    },
}

/// A score.
#[derive(Debug, Clone)]
pub struct ScoreDef {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Rules in order.
    pub rules: Vec<ScoreRuleDef>,
    /// (lo, hi).
    pub clamp: Option<(f64, f64)>,
    /// Decay, applied before the clamp.
    pub decay: Option<(DecayDef, Span)>,
    /// Where.
    pub span: Span,
}

/// A grade.
#[derive(Debug, Clone)]
pub struct GradeDef {
    /// The score graded.
    pub score: usize,
    /// The letters' enum.
    pub letters: EnumId,
    /// (letter index, strict `>`, threshold), highest first.
    pub bands: Vec<(u16, bool, f64)>,
    /// The `else` letter's index.
    pub otherwise: u16,
    /// Where.
    pub span: Span,
}

/// One stage.
#[derive(Debug, Clone)]
pub struct StageDef {
    /// Name.
    pub name: String,
    /// `at FIELD`: the lead field holding when the stage was reached.
    pub at: Option<TExpr>,
    /// Condition (none for the first).
    pub when: Option<TExpr>,
    /// Exclusion reason.
    pub because: Option<String>,
    /// Where.
    pub span: Span,
}

/// One route branch.
#[derive(Debug, Clone)]
pub struct RouteDef {
    /// Name.
    pub name: String,
    /// The name's index in the route enum.
    pub value: u16,
    /// Condition (none for `otherwise`).
    pub when: Option<TExpr>,
    /// Where.
    pub span: Span,
}

/// A built-in set of holidays that a calendar may name; the dates each holds are in
/// `calendar/mod.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidaySet {
    /// Brazil's national holidays.
    Brazil,
}

impl HolidaySet {
    /// Every set, in the order the checker suggests them.
    pub const ALL: [HolidaySet; 1] = [HolidaySet::Brazil];

    /// The name a policy writes.
    pub fn name(self) -> &'static str {
        match self {
            HolidaySet::Brazil => "brazil",
        }
    }

    /// The set a policy names, if there is one by that name.
    pub fn from_name(name: &str) -> Option<HolidaySet> {
        HolidaySet::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A business calendar.
#[derive(Debug, Clone)]
pub struct CalendarDef {
    /// Name.
    pub name: String,
    /// Zone.
    pub timezone: chrono_tz::Tz,
    /// Opening intervals per weekday (0 = Monday), minutes after midnight, sorted.
    pub week: [Vec<(u16, u16)>; 7],
    /// Listed closed dates.
    pub holidays: Vec<chrono::NaiveDate>,
    /// Built-in holiday sets (`holidays brazil`).
    pub holiday_sets: Vec<HolidaySet>,
    /// Where.
    pub span: Span,
    /// The open time of whole days, counted on first use and kept for the policy's life.
    pub open_days: crate::open_days::OpenDays,
}

/// What to do on a breach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionDef {
    /// `escalate "x"`
    Escalate(String),
    /// `notify "x"`
    Notify(String),
    /// `recycle to STAGE` (stage index)
    RecycleTo(usize),
}

/// A per-lead SLA.
#[derive(Debug, Clone)]
pub struct LeadSlaDef {
    /// When it applies (always when absent).
    pub applies: Option<TExpr>,
    /// Start instant.
    pub starts: TExpr,
    /// Met instant (unknown while not met).
    pub met_by: TExpr,
    /// How long the SLA allows.
    pub deadline: Deadline,
    /// Business calendar, by index.
    pub calendar: Option<usize>,
    /// Warning point as a share of `within`.
    pub warn_at: Option<f64>,
    /// Breach actions.
    pub on_breach: Vec<ActionDef>,
}

/// How long a per-lead SLA allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Seconds: wall-clock time, or open time of the SLA's calendar.
    Time(i64),
    /// Business days of the SLA's calendar (which it always has): the same local clock time
    /// on the N-th following day with any opening.
    BusinessDays(u32),
}

/// What an aggregate SLA measures.
#[derive(Debug, Clone)]
pub enum AggregateDef {
    /// Leads reaching a stage.
    Reach(usize),
    /// Share of leads reaching `from` that reach `to`.
    Conversion(usize, usize),
    /// Share of applicable leads meeting a per-lead SLA on time.
    Compliance(usize),
}

/// Bucketing of a batch.
#[derive(Debug, Clone)]
pub struct PeriodDef {
    /// Bucket size.
    pub unit: PeriodUnit,
    /// The instant (or date) placing a lead in a bucket; `None`: the SLA's start.
    pub by: Option<TExpr>,
}

/// The two forms of SLA.
// Built once per policy; the size difference costs nothing on the evaluation path.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum SlaBody {
    /// Per lead.
    Lead(LeadSlaDef),
    /// Over a period's leads.
    Aggregate {
        /// At least / at most.
        bound: Bound,
        /// The target (a fraction for percents).
        target: f64,
        /// Written as a percent.
        percent: bool,
        /// What is measured.
        measure: AggregateDef,
        /// Bucketing.
        period: PeriodDef,
    },
}

/// An SLA.
#[derive(Debug, Clone)]
pub struct SlaDef {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// Owning team.
    pub owner: Option<String>,
    /// Per lead or aggregate.
    pub body: SlaBody,
    /// Its breakdowns (compliance or the commitment per segment).
    pub splits: Vec<SplitDef>,
    /// Where.
    pub span: Span,
}

impl SlaDef {
    /// A deadline per lead, rather than a commitment over a period's leads.
    pub fn is_per_lead(&self) -> bool {
        matches!(self.body, SlaBody::Lead(_))
    }
}

/// A `table`: a second input of dated rows (spend), which metrics aggregate like leads.
#[derive(Debug, Clone)]
pub struct TableDef {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// The record type of a row.
    pub record: RecordId,
    /// The slot of the `by` field (a date or datetime) that places a row in a period.
    pub by: usize,
    /// Where.
    pub span: Span,
}

/// `split by DIM, ...`: figures broken down per combination of the dimensions' values.
#[derive(Debug, Clone)]
pub struct SplitDef {
    /// The dimensions, each about one lead (text, enum, bool or int).
    pub dims: Vec<TExpr>,
    /// Each dimension as written (on one line), for row labels: `origin`, `grade(fit)`.
    pub names: Vec<String>,
    /// The same dimensions about a row of each table the figure aggregates, by table index.
    pub per_table: Vec<(usize, Vec<TExpr>)>,
    /// Where.
    pub span: Span,
}

/// How a metric's number reads.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "currency")]
pub enum Unit {
    /// A plain number (the default).
    Number,
    /// A count.
    Count,
    /// A share, printed as a percent.
    Percent,
    /// Money, in a currency (`BRL`, `USD`).
    Money(String),
    /// A number of days.
    Days,
    /// A number of hours.
    Hours,
}

/// A metric's target: it is held when the value is at least (at most) the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// At least or at most.
    pub bound: Bound,
    /// The target, in the metric's number (a share for a percent).
    pub target: f64,
}

/// A metric.
#[derive(Debug, Clone)]
pub struct MetricDef {
    /// Name.
    pub name: String,
    /// Label.
    pub label: Option<String>,
    /// The value over a period's leads.
    pub value: TExpr,
    /// Bucketing.
    pub period: PeriodDef,
    /// How it reads.
    pub unit: Unit,
    /// Its target, when it is a commitment.
    pub goal: Option<Goal>,
    /// Who promised the target.
    pub owner: Option<String>,
    /// Its breakdowns.
    pub splits: Vec<SplitDef>,
    /// Where.
    pub span: Span,
}

/// Where a test's lead comes from.
#[derive(Debug, Clone)]
pub enum TestLead {
    /// Written in the test (already checked against the schema).
    Inline(TExpr),
    /// A JSON file, path resolved against the policy file's directory.
    File(std::path::PathBuf, Span),
    /// `given leads [...]`: a batch written in the test (each record checked against the
    /// schema).
    Batch(Vec<TExpr>),
    /// `given leads from "file"`: a batch in a JSONL, CSV or JSON file, path resolved against
    /// the policy file's directory.
    BatchFile(std::path::PathBuf, Span),
}

impl TestLead {
    /// Whether the test is over a batch of leads, read through its report.
    pub fn is_batch(&self) -> bool {
        matches!(self, TestLead::Batch(_) | TestLead::BatchFile(..))
    }
}

/// A test.
#[derive(Debug, Clone)]
pub struct TestDef {
    /// Name.
    pub name: String,
    /// The lead, or the batch of leads.
    pub lead: TestLead,
    /// The rows of the policy's tables a batch test gives (by table index).
    pub tables: Vec<(usize, TestLead)>,
    /// The evaluation instant.
    pub at: TExpr,
    /// Boolean expectations.
    pub expects: Vec<TExpr>,
    /// Where.
    pub span: Span,
}

/// A declared script function.
#[derive(Debug, Clone)]
pub struct ScriptFnDef {
    /// Name.
    pub name: String,
    /// Parameter types.
    pub params: Vec<Ty>,
    /// Return type.
    pub ret: Ty,
    /// Which script (index in [`Checked::scripts`]).
    pub script: usize,
    /// Where declared.
    pub span: Span,
}

/// A script file.
#[derive(Debug, Clone)]
pub struct ScriptDef {
    /// Resolved path.
    pub path: std::path::PathBuf,
    /// Its text.
    pub source: Arc<SourceFile>,
    /// Where it was declared.
    pub span: Span,
}

/// A checked policy set.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The header.
    pub header: Header,
    /// The policy files, in name order.
    pub sources: Vec<Arc<SourceFile>>,
    /// Record types; [`Checked::lead`] is the leads'.
    pub records: Vec<RecordDef>,
    /// The lead record.
    pub lead: RecordId,
    /// The lead's key slot.
    pub key: Option<usize>,
    /// Enum types.
    pub enums: Vec<EnumDef>,
    /// The enum of stage names.
    pub stage_enum: EnumId,
    /// The enum of route names.
    pub route_enum: EnumId,
    /// The enum of SLA states.
    pub sla_state_enum: EnumId,
    /// The enum of `status(..)` in batch tests: held, missed, at_risk, no_data.
    pub status_enum: EnumId,
    /// The record type of `sla(NAME)`.
    pub sla_record: RecordId,
    /// Compiled regexes.
    pub regexes: Vec<crate::pattern::Pattern>,
    /// Lets.
    pub lets: Vec<LetDef>,
    /// Personas.
    pub personas: Vec<PersonaDef>,
    /// Scores.
    pub scores: Vec<ScoreDef>,
    /// Grades.
    pub grades: Vec<GradeDef>,
    /// Stages, first to last.
    pub stages: Vec<StageDef>,
    /// The funnel's breakdowns (`split by` in `stages`).
    pub funnel_splits: Vec<SplitDef>,
    /// Route branches.
    pub routes: Vec<RouteDef>,
    /// Calendars.
    pub calendars: Vec<CalendarDef>,
    /// SLAs.
    pub slas: Vec<SlaDef>,
    /// Tables of dated rows.
    pub tables: Vec<TableDef>,
    /// Metrics.
    pub metrics: Vec<MetricDef>,
    /// Tests.
    pub tests: Vec<TestDef>,
    /// Script files.
    pub scripts: Vec<ScriptDef>,
    /// Script functions.
    pub script_fns: Vec<ScriptFnDef>,
    /// The order definitions are evaluated in (dependencies first).
    pub order: Vec<Node>,
}
