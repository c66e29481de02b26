//! The syntax tree of a Funnel policy file.
//!
//! The tree mirrors what was written, with a [`Span`] on every node a diagnostic can point at.
//! It knows nothing of meaning: names are not resolved and types are not checked (that is the
//! engine's checker). Spans compare equal whatever their positions, so `==` on two trees
//! compares their structure only.

use crate::span::Span;

/// A name as written (`fit`, `company_size`, `decision_maker`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// A string literal with its escapes resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    /// The decoded value.
    pub value: String,
    /// Where it was written, quotes included.
    pub span: Span,
}

/// A number literal (`30`, `-40`, `1_000_000`, `2.5`).
#[derive(Debug, Clone, PartialEq)]
pub struct NumLit {
    /// The value.
    pub value: f64,
    /// True when written without a fraction or exponent (`30`, not `30.0`).
    pub integer: bool,
    /// The exact value of a whole number that fits in 64 bits (`9007199254740993` is not
    /// a float's neighbour); `None` for other numbers and for whole numbers too large.
    pub int: Option<i64>,
    /// Where it was written.
    pub span: Span,
}

/// One parsed file: its top-level items in order and its comments.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// The top-level blocks, in source order.
    pub items: Vec<Item>,
    /// Every `#` comment, in source order (kept for the formatter).
    pub comments: Vec<Comment>,
}

/// A `# ...` comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The text after `#`, without the line break.
    pub text: String,
    /// Where it was written, `#` included.
    pub span: Span,
}

/// A top-level block.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `policy "name" version N ...`
    Policy(PolicyHeader),
    /// `schema NAME { ... }`
    Schema(Schema),
    /// `table NAME "label" by FIELD { ... }`
    Table(Table),
    /// `persona NAME "label" { ... }`
    Persona(Persona),
    /// `score NAME "label" { ... }`
    Score(Score),
    /// `let NAME = EXPR`
    Let(Let),
    /// `grade SCORE { A >= 70, ..., else D }`
    Grade(Grade),
    /// `stages { ... }`
    Stages(Stages),
    /// `route { ... }`
    Route(Route),
    /// `calendar NAME { ... }`
    Calendar(Calendar),
    /// `sla NAME "label" { ... }`
    Sla(Sla),
    /// `metric NAME "label" = EXPR per PERIOD by EXPR`
    Metric(Metric),
    /// `test "name" { ... }`
    Test(Test),
    /// `use script "path" { fn ... }`
    UseScript(UseScript),
}

impl Item {
    /// The span of the whole block.
    pub fn span(&self) -> &Span {
        match self {
            Item::Policy(x) => &x.span,
            Item::Schema(x) => &x.span,
            Item::Table(x) => &x.schema.span,
            Item::Persona(x) => &x.span,
            Item::Score(x) => &x.span,
            Item::Let(x) => &x.span,
            Item::Grade(x) => &x.span,
            Item::Stages(x) => &x.span,
            Item::Route(x) => &x.span,
            Item::Calendar(x) => &x.span,
            Item::Sla(x) => &x.span,
            Item::Metric(x) => &x.span,
            Item::Test(x) => &x.span,
            Item::UseScript(x) => &x.span,
        }
    }
}

/// ```text
/// policy "acme-inbound" version 7
///   timezone "America/Sao_Paulo"
///   owner marketing "Ana Souza"
///   owner sales "Bruno Lima"
///   script limits { operations 100_000, call_depth 32, string_size 10_000, array_size 1_000, map_size 1_000 }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyHeader {
    /// The policy's name.
    pub name: StrLit,
    /// Its version (a whole number).
    pub version: NumLit,
    /// `timezone "..."`: the IANA zone for periods and for dates without an offset.
    pub timezone: Option<StrLit>,
    /// `owner TEAM "Person"` lines.
    pub owners: Vec<Owner>,
    /// `script limits { NAME N, ... }` settings for the Rhai sandbox.
    pub script_limits: Vec<Setting>,
    /// The whole header.
    pub span: Span,
}

/// `owner marketing "Ana Souza"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    /// The team (`marketing`, `sales`, or any other name).
    pub team: Ident,
    /// The person or group.
    pub name: StrLit,
    /// The whole line.
    pub span: Span,
}

/// A `NAME NUMBER` setting, as in `operations 100_000`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The setting's name.
    pub name: Ident,
    /// Its value.
    pub value: NumLit,
}

/// ```text
/// schema lead {
///   id: text key
///   company: text?
///   lead_origin: text? from "Lead Origin" missing "Select", ""
///   sector: enum(servicos, industria) from "Setor" map servicos from "serviços", "Serviços"
///   events: list<event>
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The record's name (`lead` is the one leads are decoded into).
    pub name: Ident,
    /// Its fields in order.
    pub fields: Vec<FieldDecl>,
    /// The whole block.
    pub span: Span,
}

/// ```text
/// table spend "Media spend per channel and month" by month {
///   month: date
///   channel: text
///   amount: number
/// }
/// ```
/// A second input of dated rows (spend, first of all), which metrics aggregate like leads.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its name and fields, as a schema's (the span is the whole block).
    pub schema: Schema,
    /// The human label.
    pub label: Option<StrLit>,
    /// `by FIELD`: the date or datetime field that places a row in a period.
    pub by: Ident,
}

/// One field of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// The field's name in policies.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// `key`: this field identifies the lead.
    pub key: Option<Span>,
    /// `from "Column Name"`: the name in the input when it differs.
    pub from: Option<StrLit>,
    /// `missing "Select", ""`: input values that mean "not given".
    pub missing: Vec<StrLit>,
    /// `map servicos from "serviços", "Serviços"`: input texts read as an enum value, in the
    /// order written.
    pub maps: Vec<ValueMap>,
    /// `true "sim", "s"`: more input texts read as `true`.
    pub true_words: Vec<StrLit>,
    /// `false "não", "n"`: more input texts read as `false`.
    pub false_words: Vec<StrLit>,
    /// `decimal ","`: the decimal separator of numbers written as text (`1.234,56`).
    pub decimal: Option<StrLit>,
    /// `format "dd/mm/yyyy"`: how dates and datetimes are written in the input.
    pub format: Option<StrLit>,
    /// The whole declaration, continuation lines included.
    pub span: Span,
}

/// `map VALUE from "text", ...`: input texts that stand for one value of an enum field.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueMap {
    /// The enum value they are read as.
    pub value: Ident,
    /// The texts, as written.
    pub from: Vec<StrLit>,
    /// The whole modifier.
    pub span: Span,
}

/// A type as written, with `?` for optional.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    /// What kind of type.
    pub kind: TypeKind,
    /// Written with a trailing `?`.
    pub optional: bool,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// `text`
    Text,
    /// `int`
    Int,
    /// `number`
    Number,
    /// `bool`
    Bool,
    /// `date`
    Date,
    /// `datetime`
    DateTime,
    /// `duration`
    Duration,
    /// `list<T>`
    List(Box<TypeExpr>),
    /// `enum(a, b, c)`
    Enum(Vec<Ident>),
    /// A record named by another `schema`.
    Named(Ident),
}

/// ```text
/// persona decision_maker "Decision maker at a mid-size SaaS" {
///   industry in [saas, finance]
///   company_size between 50 and 1000
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Persona {
    /// Its name.
    pub name: Ident,
    /// The human label.
    pub label: Option<StrLit>,
    /// One condition a line; all must hold.
    pub conditions: Vec<Expr>,
    /// The whole block.
    pub span: Span,
}

/// ```text
/// score fit "Profile fit" {
///   +30 when persona decision_maker
///   +2 per event where kind == page_view within 30d, max 30
///   +1 per pages_viewed, max 20
///   clamp 0..100
///   decay 50% every 30d since last(events).at
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Its name.
    pub name: Ident,
    /// The human label.
    pub label: Option<StrLit>,
    /// Its rules, in order.
    pub rules: Vec<ScoreRule>,
    /// `clamp lo..hi`.
    pub clamp: Option<Clamp>,
    /// `decay ...`.
    pub decay: Option<Decay>,
    /// The whole block.
    pub span: Span,
}

/// One `+N ...` line of a score.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRule {
    /// The signed points (`+30`, `-40`).
    pub points: NumLit,
    /// When and how often the points are given.
    pub kind: RuleKind,
    /// `, max M`: the most this one rule adds.
    pub max: Option<NumLit>,
    /// The whole line.
    pub span: Span,
}

/// How a score rule earns its points.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// `when COND`: the points once, when the condition is true.
    When(Expr),
    /// `per EXPR`: the points times a number. Also `per event where COND within D`, which is
    /// `per` applied to a [`ListOp::Count`] without the `count` keyword.
    Per(Expr),
}

/// `clamp lo..hi`.
#[derive(Debug, Clone, PartialEq)]
pub struct Clamp {
    /// Lower bound.
    pub lo: NumLit,
    /// Upper bound.
    pub hi: NumLit,
    /// The whole line.
    pub span: Span,
}

/// The two decay forms.
#[derive(Debug, Clone, PartialEq)]
pub enum DecayKind {
    /// `decay P% every D since T`
    Step {
        /// The share lost each step (a percent literal).
        percent: Expr,
        /// The step length (a duration).
        every: Expr,
    },
    /// `decay half-life D since T`
    HalfLife {
        /// The half-life (a duration).
        half_life: Expr,
    },
}

/// A `decay` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Decay {
    /// Step or half-life.
    pub kind: DecayKind,
    /// The instant decay is measured from.
    pub since: Expr,
    /// The whole line.
    pub span: Span,
}

/// `let NAME = EXPR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    /// Its name.
    pub name: Ident,
    /// Its value.
    pub value: Expr,
    /// The whole line.
    pub span: Span,
}

/// `grade fit { A >= 70, B >= 50, C >= 30, else D }` (commas or line breaks between bands).
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    /// The score graded.
    pub score: Ident,
    /// The bands, highest first.
    pub bands: Vec<GradeBand>,
    /// The `else` letter; `None` when it was left out (an error the checker reports).
    pub otherwise: Option<Ident>,
    /// The whole block.
    pub span: Span,
}

/// `A >= 70` (also `>`).
#[derive(Debug, Clone, PartialEq)]
pub struct GradeBand {
    /// The letter (any name).
    pub letter: Ident,
    /// True for `>` (strict), false for `>=`.
    pub strict: bool,
    /// The threshold.
    pub threshold: NumLit,
    /// The whole band.
    pub span: Span,
}

/// ```text
/// stages {
///   lead
///   mql when fit >= 40
///   disqualified when "competitor" in tags because "Not a buyer"
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Stages {
    /// The stages, first to last.
    pub stages: Vec<StageDecl>,
    /// `split by DIM, ...` lines: the report's funnel per segment.
    pub splits: Vec<Split>,
    /// The whole block.
    pub span: Span,
}

/// One stage line.
#[derive(Debug, Clone, PartialEq)]
pub struct StageDecl {
    /// Its name.
    pub name: Ident,
    /// `at FIELD`: the lead field holding when the stage was reached.
    pub at: Option<Ident>,
    /// `when COND` (the first stage has none).
    pub when: Option<Expr>,
    /// `because "reason"`: a terminal exclusion.
    pub because: Option<StrLit>,
    /// The whole line.
    pub span: Span,
}

/// ```text
/// route {
///   enterprise when company_size > 1000
///   inside_sales otherwise
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The branches in order.
    pub branches: Vec<RouteBranch>,
    /// The whole block.
    pub span: Span,
}

/// One branch of a route.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteBranch {
    /// Where the lead goes.
    pub name: Ident,
    /// `when COND`, or `None` for `otherwise`.
    pub when: Option<Expr>,
    /// The whole line.
    pub span: Span,
}

/// ```text
/// calendar sao_paulo_office {
///   timezone "America/Sao_Paulo"
///   mon-fri 09:00-12:00, 13:00-18:00
///   sat 09:00-13:00
///   holidays brazil
///   holidays 2026-12-24, 2026-12-31
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Its name.
    pub name: Ident,
    /// The IANA time zone.
    pub timezone: Option<StrLit>,
    /// Opening hours, one line per day range.
    pub hours: Vec<OpeningHours>,
    /// Holidays, listed or built-in sets.
    pub holidays: Vec<Holiday>,
    /// The whole block.
    pub span: Span,
}

/// `mon-fri 09:00-12:00, 13:00-18:00`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningHours {
    /// First weekday (0 = Monday).
    pub from_day: u8,
    /// Last weekday, inclusive (equal to `from_day` for a single day).
    pub to_day: u8,
    /// Opening intervals; an interval whose end is before its start crosses midnight.
    pub intervals: Vec<TimeInterval>,
    /// The whole line.
    pub span: Span,
}

/// `09:00-12:00` in minutes after midnight (`24:00` is 1440).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeInterval {
    /// Opening minute.
    pub start: u16,
    /// Closing minute.
    pub end: u16,
    /// Where it was written.
    pub span: Span,
}

/// One entry of a `holidays` line.
#[derive(Debug, Clone, PartialEq)]
pub enum Holiday {
    /// A date such as `2026-12-25`.
    Date(Expr),
    /// A built-in set such as `brazil`.
    Set(Ident),
}

/// An SLA clause: per lead or aggregate.
#[derive(Debug, Clone, PartialEq)]
pub struct Sla {
    /// Its name.
    pub name: Ident,
    /// The human label.
    pub label: Option<StrLit>,
    /// `owner TEAM`.
    pub owner: Option<Ident>,
    /// Per lead or aggregate.
    pub kind: SlaKind,
    /// `split by DIM, ...` lines: compliance or the commitment per segment.
    pub splits: Vec<Split>,
    /// The whole block.
    pub span: Span,
}

/// The two forms of SLA.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one per SLA block: boxing would only complicate matching
pub enum SlaKind {
    /// A deadline per lead.
    PerLead(PerLeadSla),
    /// A commitment over a period's leads.
    Aggregate(AggregateSla),
}

/// ```text
///   applies when stage == sql
///   starts at sql_at
///   met by first(events where kind in [call, meeting]).at
///   within 4h of sao_paulo_office
///   warn at 75%
///   on breach escalate "sales-manager", recycle to mql
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PerLeadSla {
    /// `applies when COND` (always applies when absent).
    pub applies: Option<Expr>,
    /// `starts at EXPR` (a datetime).
    pub starts: Option<Expr>,
    /// `met by EXPR` (a datetime; unknown while not met).
    pub met_by: Option<Expr>,
    /// `within D` or `within N business days`.
    pub within: Option<Deadline>,
    /// `of CALENDAR`: business time.
    pub calendar: Option<Ident>,
    /// `warn at P%`.
    pub warn_at: Option<Expr>,
    /// `on breach ...` actions.
    pub on_breach: Vec<BreachAction>,
}

/// How long a per-lead SLA allows.
#[derive(Debug, Clone, PartialEq)]
pub enum Deadline {
    /// `within 4h`: a duration (of open time, with a calendar).
    Time(Expr),
    /// `within 3 business days`: the same clock time on the N-th following business day.
    BusinessDays {
        /// How many business days.
        days: NumLit,
        /// The whole `3 business days`.
        span: Span,
    },
}

impl Deadline {
    /// Where the deadline was written (without `within`).
    pub fn span(&self) -> &Span {
        match self {
            Deadline::Time(e) => &e.span,
            Deadline::BusinessDays { span, .. } => span,
        }
    }
}

/// What the host service should do on a breach.
#[derive(Debug, Clone, PartialEq)]
pub enum BreachAction {
    /// `escalate "to"`
    Escalate(StrLit),
    /// `notify "who"`
    Notify(StrLit),
    /// `recycle to STAGE`
    RecycleTo(Ident),
}

/// An aggregate commitment.
///
/// ```text
///   at least 200 leads reach mql per month by created_at
///   at least 50% of leads reaching mql reach sql per month by created_at
///   at least 90% of first_touch met per month
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateSla {
    /// `at least` or `at most`.
    pub bound: Bound,
    /// The target (a number, or a percent for the ratio forms).
    pub target: NumLitOrPercent,
    /// What is measured.
    pub measure: AggregateMeasure,
    /// `per PERIOD by EXPR`.
    pub period: Period,
    /// The whole clause.
    pub span: Span,
}

/// A number or percent literal target.
#[derive(Debug, Clone, PartialEq)]
pub struct NumLitOrPercent {
    /// The value (a percent is stored as a fraction: `50%` is 0.5).
    pub value: f64,
    /// Written as a percent.
    pub percent: bool,
    /// Where it was written.
    pub span: Span,
}

/// `at least` or `at most`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `at least`
    AtLeast,
    /// `at most`
    AtMost,
}

/// What an aggregate SLA measures.
#[derive(Debug, Clone, PartialEq)]
pub enum AggregateMeasure {
    /// `leads reach STAGE`: how many leads reached the stage.
    Reach {
        /// The stage.
        stage: Ident,
    },
    /// `of leads reaching FROM reach TO`: the share of one stage's leads that reach another.
    Conversion {
        /// The stage counted from.
        from: Ident,
        /// The stage counted to.
        to: Ident,
    },
    /// `of SLA met`: the share of applicable leads whose per-lead SLA was met on time.
    Compliance {
        /// The per-lead SLA.
        sla: Ident,
    },
}

/// `per month by created_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// The bucket size.
    pub unit: PeriodUnit,
    /// The datetime (or date) that places a lead in a bucket; for compliance SLAs it may be
    /// left out, and the SLA's start is used.
    pub by: Option<Expr>,
    /// Where it was written.
    pub span: Span,
}

/// Bucket sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    /// `day`
    Day,
    /// `week` (ISO weeks, starting Monday)
    Week,
    /// `month`
    Month,
    /// `quarter`
    Quarter,
}

/// `metric NAME "label" = EXPR per PERIOD by EXPR`, where EXPR uses aggregates:
/// `count(leads where COND) / count(leads)`, `sum(deal_value of leads where stage == won)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Its name.
    pub name: Ident,
    /// The human label.
    pub label: Option<StrLit>,
    /// The value, built from aggregates over the period's leads.
    pub value: Expr,
    /// `per PERIOD by EXPR`.
    pub period: Period,
    /// `split by DIM, ...` lines: the segments it is broken down by.
    pub splits: Vec<Split>,
    /// `as UNIT`: how it reads.
    pub unit: Option<Unit>,
    /// `at least|at most TARGET`: the metric is a commitment.
    pub goal: Option<Goal>,
    /// `owner TEAM`: who promised the goal.
    pub owner: Option<Ident>,
    /// The whole block.
    pub span: Span,
}

/// `split by origin, grade(fit)`: a row per combination of the dimensions' values.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The dimensions, each an expression about one lead.
    pub dims: Vec<Expr>,
    /// The whole line.
    pub span: Span,
}

/// How a metric reads (`as percent`).
#[derive(Debug, Clone, PartialEq)]
pub enum UnitKind {
    /// `as number` (the default).
    Number,
    /// `as count`.
    Count,
    /// `as percent`: a share, printed as a percent.
    Percent,
    /// `as money "BRL"`.
    Money(StrLit),
    /// `as days`: a duration, in days.
    Days,
    /// `as hours`: a duration, in hours.
    Hours,
}

/// `as UNIT`.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Which.
    pub kind: UnitKind,
    /// The whole clause.
    pub span: Span,
}

/// `at least 60%`, `at most 80`: a metric's target.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// At least or at most.
    pub bound: Bound,
    /// The target: a percent, duration or number literal.
    pub target: Expr,
    /// The whole clause.
    pub span: Span,
}

/// ```text
/// test "a gmail decision maker stays below SQL" {
///   given lead { id: "t1", email: "ana@gmail.com", tags: [], events: [] }
///   at 2026-11-26T10:00:00-03:00
///   expect fit == 0
///   expect stage == lead
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// The test's name.
    pub name: StrLit,
    /// The lead, or the batch of leads.
    pub given: Option<Given>,
    /// `given TABLE [..]` / `given TABLE from "file"`: a table's rows (`Given::Leads` or
    /// `Given::LeadsFile` in form), for a batch test.
    pub tables: Vec<(Ident, Given)>,
    /// `at DATETIME`: the evaluation instant.
    pub at: Option<Expr>,
    /// `expect EXPR` lines.
    pub expects: Vec<Expr>,
    /// The whole block.
    pub span: Span,
}

/// Where a test's lead comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// `given lead { field: value, ... }`
    Inline(Expr),
    /// `given lead from "file.json"` (relative to the policy file).
    File(StrLit),
    /// `given leads [{ ... }, { ... }]`: a batch written inline, as a list literal.
    Leads(Expr),
    /// `given leads from "leads.jsonl"`: a batch read from a JSONL, CSV or JSON file
    /// (relative to the policy file).
    LeadsFile(StrLit),
}

impl Given {
    /// Whether the test is over a batch of leads (`given leads`).
    pub fn is_batch(&self) -> bool {
        matches!(self, Given::Leads(_) | Given::LeadsFile(_))
    }
}

/// `use script "scripts/tiers.rhai" { fn domain_tier(email: text) -> int }`.
#[derive(Debug, Clone, PartialEq)]
pub struct UseScript {
    /// The script's path, relative to the policy file.
    pub path: StrLit,
    /// The functions it provides.
    pub functions: Vec<ScriptFn>,
    /// The whole block.
    pub span: Span,
}

/// One declared script function.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptFn {
    /// Its name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<(Ident, TypeExpr)>,
    /// Its return type.
    pub ret: TypeExpr,
    /// The whole declaration.
    pub span: Span,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// Literal values.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `42`, `1_000_000`, `2.5`
    Number(NumLit),
    /// `"text"`
    Text(String),
    /// `true`, `false`
    Bool(bool),
    /// `30d`, `4h 15m`, `2w`: total seconds.
    Duration(i64),
    /// `2026-12-25` as (year, month, day).
    Date(i32, u32, u32),
    /// `2026-11-26T10:00:00-03:00` as written (validated by the checker).
    DateTime(String),
    /// `75%` as a fraction (0.75).
    Percent(f64),
    /// `/pattern/flags`.
    Regex {
        /// The pattern between the slashes.
        pattern: String,
        /// The flags after the closing slash (`i`, `m`, `s`, `x`).
        flags: String,
    },
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// `==`, `!=`, `<`, `<=`, `>` or `>=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// Text tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    /// `contains`
    Contains,
    /// `starts with`
    StartsWith,
    /// `ends with`
    EndsWith,
}

/// The list quantifiers and aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOp {
    /// `any LIST where COND`: some item matches.
    Any,
    /// `all LIST where COND`: every item matches.
    All,
    /// `count LIST where COND`: how many match.
    Count,
    /// `sum EXPR of LIST where COND`
    Sum,
    /// `avg EXPR of LIST where COND`
    Avg,
    /// `median EXPR of LIST where COND`
    Median,
    /// `min EXPR of LIST where COND` (only as an aggregate over `leads` in metrics)
    Min,
    /// `max EXPR of LIST where COND` (only as an aggregate over `leads` in metrics)
    Max,
}

/// `first(..)`, `last(..)`, `nth(N, ..)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Pick {
    /// The earliest matching item.
    First,
    /// The latest matching item.
    Last,
    /// The N-th matching item (1-based).
    Nth(Box<Expr>),
}

/// A list with an optional filter and time window, as in `events where kind == call within 30d`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    /// The list: a list field (`events`), its item type's name (`event`) or, in metrics, `leads`.
    pub list: Box<Expr>,
    /// `where COND`, evaluated on each item (item fields are in scope by name).
    pub filter: Option<Box<Expr>>,
    /// `within D`: only items whose `at` lies within D before `now`.
    pub within: Option<Box<Expr>>,
}

/// The forms an expression takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Lit(Literal),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `{ field: value, ... }` (test leads).
    Record(Vec<(Ident, Expr)>),
    /// A bare name: a field, let, score, stage, route or enum value (resolved by the checker).
    Name(Ident),
    /// `now`: the evaluation instant.
    Now,
    /// `stage`: the lead's stage.
    Stage,
    /// `route`: the lead's route.
    RouteRef,
    /// `EXPR.field`
    Field(Box<Expr>, Ident),
    /// `not EXPR`
    Not(Box<Expr>),
    /// `-EXPR`
    Neg(Box<Expr>),
    /// `A op B`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `A in B` / `A not in B`
    In {
        /// The value looked for.
        value: Box<Expr>,
        /// The list looked in.
        list: Box<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// `A between LO and HI` (inclusive)
    Between {
        /// The value.
        value: Box<Expr>,
        /// Lower bound.
        lo: Box<Expr>,
        /// Upper bound.
        hi: Box<Expr>,
    },
    /// `A contains B`, `A starts with B`, `A ends with any [..]`
    Text {
        /// Which test.
        op: TextOp,
        /// The text tested.
        value: Box<Expr>,
        /// `any`: the right side is a list and one must match.
        any: bool,
        /// The other text (or list with `any`).
        arg: Box<Expr>,
    },
    /// `A matches /re/`
    Matches(Box<Expr>, Box<Expr>),
    /// `A is missing` / `A is present`
    IsMissing {
        /// The value tested.
        value: Box<Expr>,
        /// `is present`.
        negated: bool,
    },
    /// `if C then A else B`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`: built-in functions (`lower`, `grade`, `match`, `sla`, `days_between`, ...)
    /// and script functions.
    Call(Ident, Vec<Expr>),
    /// `persona NAME`
    Persona(Ident),
    /// `any/all/count LIST where ...`, `sum EXPR of LIST where ...` (also with parentheses:
    /// `count(leads where ...)`).
    ListOp {
        /// Which operation.
        op: ListOp,
        /// For sum/avg/median/min/max: the value taken from each item.
        value: Option<Box<Expr>>,
        /// The list and its filter.
        query: ListQuery,
    },
    /// `first(LIST where ...)`, `last(..)`, `nth(N, ..)`: one item, unknown when none.
    Pick(Pick, ListQuery),
}
