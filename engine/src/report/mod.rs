//! Reports over a batch: aggregate SLAs (commitments), metrics, the funnel and per-lead SLA
//! compliance, per period.
//!
//! A lead *reaches* a stage when its furthest stage (the last non-exclusion stage whose
//! condition holds) is that stage or a later one, even if an exclusion took it out after;
//! an exclusion (`because`) is reached by the leads it holds. Compliance counts
//! the leads whose SLA has an outcome (met, met late or breached); open ones are shown apart.

use crate::batch::{self, BatchError, BatchOptions, InputFormat};
pub use crate::checked::Unit;
use crate::checked::*;
use crate::compile::CompiledPolicy;
use crate::decision::{PolicyStamp, SlaState};
use crate::eval::{guarded, Slots, State};
use crate::period;
use crate::policy::Policy;
use crate::value::Value;
use chrono::{DateTime, FixedOffset, NaiveDate};
use exact_sum::ExactSum;
use funnel_grammar::ast::{Bound, ListOp, PeriodUnit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;

mod exact_sum;
mod part;

pub use part::{PartError, ReportPart};

/// Which periods a report shows.
#[derive(Debug, Clone, Default)]
pub struct ReportRange {
    /// The first period shown is the one containing this date.
    pub from: Option<NaiveDate>,
    /// The last period shown is the one containing this date.
    pub to: Option<NaiveDate>,
}

/// Whether a commitment held in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The target was reached.
    Held,
    /// The period is over and the target was not reached.
    Missed,
    /// The period is not over and the target is not reached yet.
    AtRisk,
    /// No lead counted (a share of nothing).
    NoData,
}

impl Status {
    /// As printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Held => "held",
            Status::Missed => "missed",
            Status::AtRisk => "at risk",
            Status::NoData => "no data",
        }
    }
}

/// An aggregate SLA in one period.
#[derive(Debug, Clone, Serialize)]
pub struct Commitment {
    /// The SLA's name.
    pub name: String,
    /// Its label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The owning team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What is promised, as words: `at least 200 leads reach mql`.
    pub promise: String,
    /// `at least` or `at most` the target.
    pub bound: &'static str,
    /// The measured value (a count, or a share from 0 to 1).
    pub value: Option<f64>,
    /// The target.
    pub target: f64,
    /// Whether the value is a share.
    pub percent: bool,
    /// Counted leads (the numerator of a share, or the count).
    pub count: u64,
    /// The base of a share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<u64>,
    /// Held, missed, at risk.
    pub status: Status,
    /// The segment (`origin=social`, `sector=retail, grade(fit)=A`) of a `split by` row;
    /// absent on the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
}

/// A metric in one period.
#[derive(Debug, Clone, Serialize)]
pub struct MetricValue {
    /// The metric's name.
    pub name: String,
    /// Its label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The segment of a `split by` row; absent on the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Its value (`null` when it has none, e.g. a ratio of zero leads).
    pub value: Option<f64>,
    /// How it reads: `{"unit": "percent"}`, `{"unit": "money", "currency": "BRL"}`.
    #[serde(flatten)]
    pub unit: Unit,
    /// The value for people: `61.41%`, `BRL 4,833.33`, `49d`.
    pub display: Option<String>,
    /// The target of a metric that is a commitment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<MetricGoal>,
}

/// A metric's target and whether it held in the period.
#[derive(Debug, Clone, Serialize)]
pub struct MetricGoal {
    /// `at least` or `at most`.
    pub bound: &'static str,
    /// The target, in the metric's number.
    pub target: f64,
    /// The target for people, in the metric's unit.
    pub display: String,
    /// Who promised it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Held, missed, at risk or no data.
    pub status: Status,
}

/// The funnel of a period: its stages in order, and apart, the leads excluded.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Funnel {
    /// The stages that are not exclusions, first to last.
    pub stages: Vec<StageCount>,
    /// The exclusions (stages with `because`), each with the stages its leads had reached.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<Excluded>,
}

impl Funnel {
    /// Whether no lead was counted.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty() && self.excluded.is_empty()
    }
}

/// The funnel of one segment (`grade(fit)=A`).
#[derive(Debug, Clone, Serialize)]
pub struct SegmentFunnel {
    /// The segment.
    pub segment: String,
    /// Its funnel.
    pub funnel: Funnel,
}

/// One stage of the funnel in a period.
#[derive(Debug, Clone, Serialize)]
pub struct StageCount {
    /// The stage.
    pub stage: String,
    /// Leads whose stage it is now.
    pub at: u64,
    /// Leads that reached it: their furthest stage is it or a later one, excluded leads
    /// included (a lost deal that had reached `engaging` reached `engaging`).
    pub reached: u64,
    /// Share of the previous stage's reached leads that reached this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<f64>,
    /// Time from the previous stage to this one, when both name their instant (`at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub velocity: Option<Velocity>,
}

/// Stage velocity: how long leads took from one stage to the next, in days.
#[derive(Debug, Clone, Serialize)]
pub struct Velocity {
    /// Leads with both instants.
    pub leads: u64,
    /// Median, in days (to a tenth).
    pub median_days: f64,
    /// 90th percentile, in days (to a tenth).
    pub p90_days: f64,
}

/// The leads in one exclusion.
#[derive(Debug, Clone, Serialize)]
pub struct Excluded {
    /// The exclusion stage.
    pub stage: String,
    /// Its `because`.
    pub reason: String,
    /// Leads in it.
    pub leads: u64,
    /// How many of them had reached each stage (their furthest), in stage order.
    pub reached: Vec<ReachedCount>,
}

/// A count of leads by the furthest stage they reached.
#[derive(Debug, Clone, Serialize)]
pub struct ReachedCount {
    /// The stage.
    pub stage: String,
    /// Leads.
    pub leads: u64,
}

/// A per-lead SLA's compliance in one period (by the SLA's start).
#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    /// The SLA.
    pub name: String,
    /// The segment of a `split by` row; absent on the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Which `split by` line the segment is of (for ordering).
    #[serde(skip)]
    split_line: usize,
    /// Leads it applied to.
    pub applicable: u64,
    /// Met on time.
    pub met: u64,
    /// Met late.
    pub met_late: u64,
    /// Not met and past due.
    pub breached: u64,
    /// Still open (pending or warning).
    pub open: u64,
    /// Share met on time of those with an outcome.
    pub share_met: Option<f64>,
    /// Median time to meet (met and met late), as a duration.
    pub median_time_to_meet: Option<String>,
    /// 90th percentile time to meet.
    pub p90_time_to_meet: Option<String>,
    /// The median time to meet in seconds (of open time for a business-time SLA).
    pub median_seconds_to_meet: Option<i64>,
    /// The 90th percentile time to meet in seconds.
    pub p90_seconds_to_meet: Option<i64>,
    /// Whether the times count only the calendar's open hours (and read best in hours).
    pub business_time: bool,
}

impl Compliance {
    /// A time to meet (`median_seconds_to_meet`, ...) as people read it, in `style`.
    pub fn time_display_in(&self, seconds: i64, style: NumberStyle) -> String {
        time_display(seconds, self.business_time, style)
    }
}

/// Everything reported for one period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodReport {
    /// The period's name: `2018-01`, `2018-Q1`, `2018-W05`, `2018-01-31`.
    pub period: String,
    /// Its first day.
    pub start: NaiveDate,
    /// Its length (a day, a week, a month, a quarter), which its name is written for.
    #[serde(skip)]
    pub unit: PeriodUnit,
    /// The evaluation instant falls in it: it is not over.
    pub current: bool,
    /// Aggregate SLAs bucketed by this period.
    pub commitments: Vec<Commitment>,
    /// Metrics bucketed by this period.
    pub metrics: Vec<MetricValue>,
    /// The funnel of the leads in this period (by the report's main period).
    #[serde(skip_serializing_if = "Funnel::is_empty")]
    pub funnel: Funnel,
    /// The funnel per segment (`split by` in `stages`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub funnel_segments: Vec<SegmentFunnel>,
    /// Per-lead SLA compliance for SLAs that started in this period.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sla: Vec<Compliance>,
}

/// A report over a batch of leads.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The policy.
    pub policy: PolicyStamp,
    /// The evaluation instant.
    pub at: String,
    /// Leads evaluated.
    pub evaluated: u64,
    /// Records that failed.
    pub failed: u64,
    /// Per period, oldest first.
    pub periods: Vec<PeriodReport>,
    /// The funnel over all leads.
    pub funnel: Funnel,
    /// The funnel over all leads per segment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub funnel_segments: Vec<SegmentFunnel>,
    /// Per-lead SLA compliance over all leads.
    pub sla: Vec<Compliance>,
}

/// The first day of the period containing `d`.
pub fn period_start(unit: PeriodUnit, d: NaiveDate) -> NaiveDate {
    period::start(unit, d)
}

/// The period's name: `2018-04`, `2018-Q2`, `2018-W05`, `2018-04-30`.
pub fn period_label(unit: PeriodUnit, start: NaiveDate) -> String {
    period::label(unit, start)
}

/// A metric's aggregate over `leads`, found by its position in the sources.
struct Aggregate {
    key: usize,
    op: ListOp,
    value: Option<TExpr>,
    filter: Option<TExpr>,
    /// The table it aggregates (`None`: the leads).
    table: Option<usize>,
}

impl Aggregate {
    /// What one lead or row (the state's lead, or its innermost item) adds: 1 to a count,
    /// its value to the others; nothing when the filter does not hold or the value is
    /// unknown.
    fn contribution(&self, state: &mut State) -> Option<f64> {
        let pass = self
            .filter
            .as_ref()
            .is_none_or(|f| state.eval(f) == Value::Bool(true));
        if !pass {
            return None;
        }
        match (&self.value, self.op) {
            (_, ListOp::Count) | (None, _) => Some(1.0),
            (Some(v), _) => state.eval(v).as_f64(),
        }
    }
}

fn collect_aggregates(e: &TExpr, out: &mut Vec<Aggregate>) {
    e.for_each_aggregate(&mut |e| {
        if let TKind::Query { op, value, query } = &e.kind {
            out.push(Aggregate {
                key: e.span.start,
                op: *op,
                value: value.as_deref().cloned(),
                filter: query.filter.as_deref().cloned(),
                table: match query.list.kind {
                    TKind::Table(t) => Some(t),
                    _ => None,
                },
            });
        }
    });
}

/// What one lead contributes to a report.
pub(crate) struct Facts {
    stage: usize,
    /// The furthest stage reached, exclusions left out.
    furthest: usize,
    /// Per stage: seconds since the previous non-exclusion stage's instant, when the lead
    /// reached the stage and both instants are known (empty when no stage names one).
    gaps: Vec<Option<i64>>,
    /// Per aggregate SLA: its period's start for this lead.
    commitment_period: Vec<Option<NaiveDate>>,
    /// Per metric: its period's start, and each aggregate's contribution.
    metric: Vec<(Option<NaiveDate>, Vec<Option<f64>>)>,
    /// Per SLA (per-lead ones that apply only).
    sla: Vec<Option<SlaFacts>>,
    /// The main period's start, for the funnel.
    main: Option<NaiveDate>,
    /// Per aggregate SLA, per metric and per SLA: the lead's segment in each `split by`.
    commitment_segments: Vec<Vec<String>>,
    metric_segments: Vec<Vec<String>>,
    sla_segments: Vec<Vec<String>>,
    funnel_segments: Vec<String>,
}

/// A figure's key in a tally: its period, and its segment (`None` for the total) by the
/// index of its `split by` line, so that rows come in the order the lines are written.
type Key = (NaiveDate, Option<(usize, String)>);

/// A figure's segments in a lead's facts (none when the policy has no `split by`).
fn segments_of(all: &[Vec<String>], i: usize) -> &[String] {
    all.get(i).map_or(&[], Vec::as_slice)
}

/// The keys a lead adds to: the total and one row per `split by`.
fn keys(period: NaiveDate, segments: &[String]) -> impl Iterator<Item = Key> + '_ {
    std::iter::once((period, None)).chain(
        segments
            .iter()
            .enumerate()
            .map(move |(j, s)| (period, Some((j, s.clone())))),
    )
}

fn date_of(v: &Value, tz: chrono_tz::Tz) -> Option<NaiveDate> {
    match v {
        Value::DateTime(d) => Some(d.with_timezone(&tz).date_naive()),
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

#[derive(Default, Clone, Serialize, Deserialize)]
struct Acc {
    /// Table rows in the bucket, before the filter: a table aggregate with none has no
    /// value (a month without a spend row is not a month of zero spend).
    rows: u64,
    count: u64,
    /// Exact, so that a report does not depend on the order its leads came in or on how
    /// they were split into parts.
    sum: ExactSum,
    values: Vec<f64>,
}

#[derive(Default, Clone, Serialize, Deserialize)]
struct SlaAcc {
    applicable: u64,
    met: u64,
    met_late: u64,
    breached: u64,
    open: u64,
    times: Vec<i64>,
}

impl SlaAcc {
    fn add(&mut self, state: SlaState, elapsed: i64) {
        self.applicable += 1;
        match state {
            SlaState::Met => self.met += 1,
            SlaState::MetLate => self.met_late += 1,
            SlaState::Breached => self.breached += 1,
            _ => self.open += 1,
        }
        if matches!(state, SlaState::Met | SlaState::MetLate) {
            self.times.push(elapsed);
        }
    }

    /// The compliance figures; times in hours for business-time SLAs.
    fn finish(mut self, name: &str, business: bool) -> Compliance {
        self.times.sort_unstable();
        let decided = self.met + self.met_late + self.breached;
        let pick = |q: f64| -> Option<i64> {
            if self.times.is_empty() {
                return None;
            }
            let i = ((self.times.len() as f64 - 1.0) * q).round() as usize;
            Some(self.times[i])
        };
        let shown = |t: Option<i64>| t.map(|t| time_display(t, business, NumberStyle::EN));
        Compliance {
            name: name.to_string(),
            segment: None,
            split_line: 0,
            applicable: self.applicable,
            met: self.met,
            met_late: self.met_late,
            breached: self.breached,
            open: self.open,
            share_met: (decided > 0).then(|| self.met as f64 / decided as f64),
            median_time_to_meet: shown(pick(0.5)),
            p90_time_to_meet: shown(pick(0.9)),
            median_seconds_to_meet: pick(0.5),
            p90_seconds_to_meet: pick(0.9),
            business_time: business,
        }
    }
}

/// Whether a lead reached stage `s`: an exclusion by being in it, any other stage by its
/// furthest stage (so an excluded lead keeps what it had reached).
fn reached(p: &Checked, f: &Facts, s: usize) -> bool {
    if p.stages[s].because.is_some() {
        f.stage == s
    } else {
        f.furthest >= s
    }
}

/// A funnel's counts: leads by (stage, furthest stage), and the time between consecutive
/// stages that name their instant.
#[derive(Clone, Serialize, Deserialize)]
struct FunnelAcc {
    /// `[stage * n + furthest]`.
    counts: Vec<u64>,
    /// Per stage: seconds from the previous non-exclusion stage's instant to its own.
    gaps: Vec<Vec<i64>>,
}

impl FunnelAcc {
    fn new(n: usize) -> FunnelAcc {
        FunnelAcc {
            counts: vec![0; n * n],
            gaps: vec![Vec::new(); n],
        }
    }

    fn add(&mut self, p: &Checked, f: &Facts) {
        let n = p.stages.len();
        self.counts[f.stage * n + f.furthest] += 1;
        for (s, gap) in f.gaps.iter().enumerate() {
            if let Some(g) = gap {
                self.gaps[s].push(*g);
            }
        }
    }

    fn finish(mut self, p: &Checked) -> Funnel {
        let n = p.stages.len();
        let at = |s: usize| -> u64 { (0..n).map(|f| self.counts[s * n + f]).sum() };
        // Leads whose furthest stage is `s`, whatever their stage now.
        let furthest = |s: usize| -> u64 { (0..n).map(|k| self.counts[k * n + s]).sum() };
        let mut out = Funnel::default();
        let mut prev_reached: Option<u64> = None;
        for (s, stage) in p.stages.iter().enumerate() {
            if let Some(reason) = &stage.because {
                out.excluded.push(Excluded {
                    stage: stage.name.clone(),
                    reason: reason.clone(),
                    leads: at(s),
                    reached: (0..n)
                        .filter(|&f| self.counts[s * n + f] > 0)
                        .map(|f| ReachedCount {
                            stage: p.stages[f].name.clone(),
                            leads: self.counts[s * n + f],
                        })
                        .collect(),
                });
                continue;
            }
            let reach: u64 = (s..n)
                .filter(|&k| p.stages[k].because.is_none())
                .map(furthest)
                .sum();
            let conversion = prev_reached
                .filter(|n| *n > 0)
                .map(|n| reach as f64 / n as f64);
            prev_reached = Some(reach);
            let gaps = &mut self.gaps[s];
            gaps.sort_unstable();
            let days = |q: f64| {
                let i = ((gaps.len() as f64 - 1.0) * q).round() as usize;
                (gaps[i] as f64 / 8640.0).round() / 10.0
            };
            let velocity = (!gaps.is_empty()).then(|| Velocity {
                leads: gaps.len() as u64,
                median_days: days(0.5),
                p90_days: days(0.9),
            });
            out.stages.push(StageCount {
                stage: stage.name.clone(),
                at: at(s),
                reached: reach,
                conversion,
                velocity,
            });
        }
        out
    }
}

/// Evaluates every lead of `input` and builds the report.
//
// In steps: a `Plan` says what to read of each lead, each lead's `Facts` are added to a
// `Tally`, and the tally becomes the report's periods.
pub fn run<R: Read>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    range: &ReportRange,
    on_error: impl FnMut(&crate::LeadError),
) -> Result<Report, BatchError> {
    run_with_tables(policy, input, format, Vec::new(), options, range, on_error)
}

/// The rows of a policy's `table`, given to a report beside the leads.
pub struct TableInput {
    /// The table's name in the policy.
    pub name: String,
    /// Its rows.
    pub input: Box<dyn Read>,
    /// How they are written.
    pub format: InputFormat,
}

/// [`run`], with the rows of the policy's tables (spend) that its metrics aggregate. A bad
/// row is handed to `on_error` (its message names the table) and counted in `failed`; a
/// table the policy does not declare is an error.
pub fn run_with_tables<R: Read>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    tables: Vec<TableInput>,
    options: &BatchOptions,
    range: &ReportRange,
    on_error: impl FnMut(&crate::LeadError),
) -> Result<Report, BatchError> {
    let part = part_with_tables(policy, input, format, tables, options, on_error)?;
    Ok(part.into_report(policy, range))
}

/// The counts [`run_with_tables`] makes its report of, as a [`ReportPart`] to merge with
/// the parts over other leads (another file, another Spark partition) before it is
/// finished. Records are numbered from 1 in `input`.
pub fn part_with_tables<R: Read>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    tables: Vec<TableInput>,
    options: &BatchOptions,
    on_error: impl FnMut(&crate::LeadError),
) -> Result<ReportPart, BatchError> {
    part_from(policy, tables, options, on_error, |plan, add| {
        batch::map(
            policy,
            input,
            format,
            options,
            || (),
            |_, _, lead, _| policy.with_state(lead, options.at, |state| plan.facts(state)),
            |_, _, result| {
                add(result);
                Ok(())
            },
        )
        .map(|_| ())
    })
}

/// The counts over the leads `leads` hands over (each lead's facts, or its error, in input
/// order), with the rows of the policy's tables: what [`part_with_tables`] does for an
/// input of text, and `crate::arrow` for record batches.
pub(crate) fn part_from(
    policy: &Policy,
    tables: Vec<TableInput>,
    options: &BatchOptions,
    mut on_error: impl FnMut(&crate::LeadError),
    leads: impl FnOnce(&Plan, &mut dyn FnMut(Result<Facts, crate::LeadError>)) -> Result<(), BatchError>,
) -> Result<ReportPart, BatchError> {
    let plan = Plan::new(policy.compiled());
    let mut tally = Tally::new(&plan);
    let mut table_failed = 0;
    // Every name is checked before any row is read.
    let mut given: Vec<usize> = Vec::new();
    for table in &tables {
        let Some(t) = plan.p.tables.iter().position(|d| d.name == table.name) else {
            let names: Vec<&str> = plan.p.tables.iter().map(|d| d.name.as_str()).collect();
            return Err(BatchError::Table {
                table: table.name.clone(),
                message: if names.is_empty() {
                    "the policy declares no table".into()
                } else {
                    format!(
                        "not a table of the policy (its tables: {})",
                        names.join(", ")
                    )
                },
            });
        };
        if given.contains(&t) {
            return Err(BatchError::Table {
                table: table.name.clone(),
                message: "given twice (its rows would count twice)".into(),
            });
        }
        given.push(t);
    }
    for (table, t) in tables.into_iter().zip(given) {
        let rows = policy.table_rows(t);
        let name = &plan.p.tables[t].name;
        let one_reader = BatchOptions {
            jobs: 1,
            ..*options
        };
        let mut bad_rows = 0;
        batch::map(
            &rows,
            table.input,
            table.format,
            &one_reader,
            || (),
            |_, _, row, _| Ok(row.values.clone()),
            |_, record, result| {
                let added = result
                    .map_err(|mut e| {
                        e.message = format!("table `{name}`: {}", e.message);
                        e
                    })
                    .and_then(|row| tally.add_table_row(&plan, t, row, record, options.at));
                if let Err(e) = added {
                    bad_rows += 1;
                    on_error(&e);
                }
                Ok(())
            },
        )
        .map_err(|e| BatchError::Table {
            table: name.clone(),
            message: e.to_string(),
        })?;
        table_failed += bad_rows;
    }
    let (mut evaluated, mut failed) = (0, 0);
    leads(&plan, &mut |result| match result {
        Ok(facts) => {
            evaluated += 1;
            tally.add(&plan, &facts);
        }
        Err(e) => {
            failed += 1;
            on_error(&e);
        }
    })?;
    Ok(ReportPart::new(
        policy,
        options.at,
        tally,
        evaluated,
        failed + table_failed,
    ))
}

/// The report over leads already decoded (a test's batch), as [`run`] builds it over an
/// input: each lead evaluated at `at`, one whose evaluation fails counted as failed and
/// handed to `on_error`, with the rows of the tables the test gives.
pub(crate) fn run_leads(
    policy: &Policy,
    leads: &[crate::decode::Lead],
    tables: &[(usize, Vec<crate::decode::Lead>)],
    at: DateTime<FixedOffset>,
    range: &ReportRange,
    mut on_error: impl FnMut(&crate::LeadError),
) -> Report {
    let plan = Plan::new(policy.compiled());
    let mut tally = Tally::new(&plan);
    let (mut evaluated, mut failed) = (0, 0);
    for (t, rows) in tables {
        for (record, row) in rows.iter().enumerate() {
            let added = tally.add_table_row(&plan, *t, row.values.clone(), record as u64 + 1, at);
            if let Err(e) = added {
                failed += 1;
                on_error(&e);
            }
        }
    }
    for lead in leads {
        match policy.with_state(lead, at, |state| plan.facts(state)) {
            Ok(facts) => {
                evaluated += 1;
                tally.add(&plan, &facts);
            }
            Err(e) => {
                failed += 1;
                on_error(&e);
            }
        }
    }
    tally.into_report(&plan, policy, at, range, evaluated, failed)
}

/// What a report reads of each lead, worked out once from the policy.
pub(crate) struct Plan<'p> {
    p: &'p Checked,
    /// Some metric, SLA or the funnel has a `split by`.
    splits: bool,
    /// Some stage names its instant (`at`): the funnel gives stage velocity.
    instants: bool,
    /// The same policy with its compiled code (metrics may call scripts).
    compiled: &'p CompiledPolicy,
    tz: chrono_tz::Tz,
    /// Each metric's aggregates over `leads`.
    metric_aggs: Vec<Vec<Aggregate>>,
    /// The aggregate SLAs (commitments), with their index among the SLAs.
    aggregate_slas: Vec<(usize, &'p SlaDef)>,
    /// The main period (of the funnel and the compliance tables): the first commitment's with
    /// a `by`, or the first metric's.
    main: Option<&'p PeriodDef>,
}

impl<'p> Plan<'p> {
    fn new(compiled: &'p CompiledPolicy) -> Plan<'p> {
        let p = &compiled.checked;
        let metric_aggs = p
            .metrics
            .iter()
            .map(|m| {
                let mut v = Vec::new();
                collect_aggregates(&m.value, &mut v);
                v
            })
            .collect();
        let aggregate_slas: Vec<(usize, &SlaDef)> = p
            .slas
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.body, SlaBody::Aggregate { .. }))
            .collect();
        let main = aggregate_slas
            .iter()
            .find_map(|(_, s)| match &s.body {
                SlaBody::Aggregate { period, .. } if period.by.is_some() => Some(period),
                _ => None,
            })
            .or_else(|| p.metrics.first().map(|m| &m.period));
        let splits = p.metrics.iter().any(|m| !m.splits.is_empty())
            || p.slas.iter().any(|s| !s.splits.is_empty())
            || !p.funnel_splits.is_empty();
        Plan {
            p,
            splits,
            instants: p.stages.iter().any(|s| s.at.is_some()),
            compiled,
            tz: p.header.timezone,
            metric_aggs,
            aggregate_slas,
            main,
        }
    }

    fn main_unit(&self) -> Option<PeriodUnit> {
        self.main.map(|m| m.unit)
    }

    /// The day a lead's `by` expression gives, in the policy's zone.
    fn date(&self, by: &Option<TExpr>, state: &mut State) -> Option<NaiveDate> {
        by.as_ref().and_then(|e| date_of(&state.eval(e), self.tz))
    }

    /// What one evaluated lead contributes.
    pub(crate) fn facts(&self, state: &mut State) -> Facts {
        let commitment_period = self
            .aggregate_slas
            .iter()
            .map(|(_, s)| self.commitment_period(s, state))
            .collect();
        let metric = self
            .p
            .metrics
            .iter()
            .zip(&self.metric_aggs)
            .map(|(m, aggs)| self.metric_facts(m, aggs, state))
            .collect();
        let sla = (0..self.p.slas.len())
            .map(|i| self.sla_facts(i, state))
            .collect();
        let main = self
            .main
            .and_then(|m| self.date(&m.by, state).map(|d| period_start(m.unit, d)));
        let gaps = self.gaps(state);
        // Without a `split by`, no segment is read and nothing is allocated for them.
        let (commitment_segments, metric_segments, sla_segments) = if self.splits {
            (
                self.aggregate_slas
                    .iter()
                    .map(|(_, s)| self.segments(&s.splits, state))
                    .collect(),
                self.p
                    .metrics
                    .iter()
                    .map(|m| self.segments(&m.splits, state))
                    .collect(),
                self.p
                    .slas
                    .iter()
                    .map(|s| match s.body {
                        SlaBody::Lead(_) => self.segments(&s.splits, state),
                        SlaBody::Aggregate { .. } => Vec::new(),
                    })
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        let funnel_segments = self.segments(&self.p.funnel_splits, state);
        Facts {
            funnel_segments,
            commitment_segments,
            metric_segments,
            sla_segments,
            stage: state.out.stage as usize,
            furthest: state.out.furthest as usize,
            gaps,
            commitment_period,
            metric,
            sla,
            main,
        }
    }

    /// The lead's row in each `split by`: `origin=social`, `sector=retail, grade(fit)=A`.
    fn segments(&self, splits: &[SplitDef], state: &mut State) -> Vec<String> {
        splits
            .iter()
            .map(|split| self.segment_label(&split.names, &split.dims, state))
            .collect()
    }

    /// A row label: each dimension's name and its value, `sector=retail, grade(fit)=A`.
    fn segment_label(&self, names: &[String], dims: &[TExpr], state: &mut State) -> String {
        dims.iter()
            .zip(names)
            .map(|(dim, name)| {
                let value = match state.eval(dim) {
                    Value::Missing => "(missing)".to_string(),
                    Value::Text(t) => t.to_string(),
                    Value::Enum(i) => match &dim.ty {
                        Ty::Enum(e) => self.p.enums[*e]
                            .values
                            .get(i as usize)
                            .cloned()
                            .unwrap_or_default(),
                        _ => i.to_string(),
                    },
                    Value::Bool(b) => b.to_string(),
                    Value::Int(n) => n.to_string(),
                    other => format!("{other:?}"),
                };
                format!("{name}={value}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What one row of table `t` adds to each metric over the table: its period (by the
    /// table's `by`), its segments and each aggregate's contribution. An error for a row
    /// without its date.
    fn row_facts(
        &self,
        t: usize,
        row: Box<[Value]>,
        at: DateTime<FixedOffset>,
    ) -> Result<Vec<RowFacts>, String> {
        let p = self.p;
        let table = &p.tables[t];
        let Some(date) = date_of(&row[table.by], self.tz) else {
            let by = &p.records[table.record].fields[table.by].name;
            return Err(format!("the row has no `{by}`, so it is in no period"));
        };
        let empty: [Value; 0] = [];
        let mut slots = Slots::default();
        let mut state = self.compiled.state(&empty, at, false, &mut slots);
        state.out.items.push(Value::Record(row.into()));
        let mut out = Vec::new();
        for (m, def) in p.metrics.iter().enumerate() {
            let aggs = &self.metric_aggs[m];
            if !aggs.iter().any(|a| a.table == Some(t)) {
                continue;
            }
            // The row's segments, read from the row by each split's dimensions for `t`.
            let segments = def
                .splits
                .iter()
                .map(|split| {
                    let dims = split
                        .per_table
                        .iter()
                        .find(|(table, _)| *table == t)
                        .map(|(_, dims)| dims.as_slice())
                        .unwrap_or_default();
                    self.segment_label(&split.names, dims, &mut state)
                })
                .collect();
            let contributions = aggs
                .iter()
                .map(|a| match a.table == Some(t) {
                    true => a.contribution(&mut state),
                    false => None,
                })
                .collect();
            out.push(RowFacts {
                metric: m,
                period: period_start(def.period.unit, date),
                segments,
                contributions,
            });
        }
        Ok(out)
    }

    /// The time from each stage's previous stage to it, by their `at` instants.
    fn gaps(&self, state: &mut State) -> Vec<Option<i64>> {
        if !self.instants {
            return Vec::new();
        }
        let mut prev: Option<Option<i64>> = None;
        let mut out = vec![None; self.p.stages.len()];
        for (s, stage) in self.p.stages.iter().enumerate() {
            if stage.because.is_some() {
                continue;
            }
            let when = match state.reached_at(s) {
                Value::DateTime(d) => Some(d.timestamp()),
                Value::Date(d) => d
                    .and_hms_opt(0, 0, 0)
                    .and_then(|t| t.and_local_timezone(self.tz).earliest())
                    .map(|t| t.timestamp()),
                _ => None,
            };
            if stage.at.is_some() {
                if let (Some(Some(from)), Some(to)) = (prev, when) {
                    out[s] = Some(to - from);
                }
                prev = Some(when);
            } else {
                prev = None;
            }
        }
        out
    }

    /// The period a commitment counts the lead in.
    fn commitment_period(&self, sla: &SlaDef, state: &mut State) -> Option<NaiveDate> {
        let SlaBody::Aggregate {
            period, measure, ..
        } = &sla.body
        else {
            return None;
        };
        let d = match (&period.by, measure) {
            (Some(_), _) => self.date(&period.by, state),
            // A compliance commitment without `by` counts each lead by its SLA's start.
            (None, AggregateDef::Compliance(i)) => match &state.out.slas[*i] {
                Value::Record(f) => date_of(&f[sla_slot::START], self.tz),
                _ => None,
            },
            (None, _) => None,
        };
        d.map(|d| period_start(period.unit, d))
    }

    /// A metric's period for the lead, and what the lead adds to each of its aggregates.
    fn metric_facts(
        &self,
        m: &MetricDef,
        aggs: &[Aggregate],
        state: &mut State,
    ) -> (Option<NaiveDate>, Vec<Option<f64>>) {
        let period = self
            .date(&m.period.by, state)
            .map(|d| period_start(m.period.unit, d));
        let contributions = aggs
            .iter()
            .map(|a| {
                if a.table.is_some() {
                    return None; // a table's rows are added by `Tally::add_row`
                }
                a.contribution(state)
            })
            .collect();
        (period, contributions)
    }

    /// A per-lead SLA's outcome for the compliance tables, when it applies.
    fn sla_facts(&self, i: usize, state: &State) -> Option<SlaFacts> {
        if !matches!(self.p.slas[i].body, SlaBody::Lead(_)) {
            return None;
        }
        let Value::Record(f) = &state.out.slas[i] else {
            return None;
        };
        let Value::Enum(st) = f[sla_slot::STATE] else {
            return None;
        };
        let sla_state = *SlaState::ALL.get(st as usize)?;
        if sla_state == SlaState::NotApplicable {
            return None;
        }
        let unit = self.main_unit().unwrap_or(PeriodUnit::Month);
        Some(SlaFacts {
            state: sla_state,
            period: date_of(&f[sla_slot::START], self.tz).map(|d| period_start(unit, d)),
            elapsed: match f[sla_slot::ELAPSED] {
                Value::Duration(e) => e,
                _ => 0,
            },
        })
    }
}

/// What a table row adds to one metric.
struct RowFacts {
    metric: usize,
    period: NaiveDate,
    segments: Vec<String>,
    contributions: Vec<Option<f64>>,
}

/// A per-lead SLA's outcome, as the compliance tables count it.
struct SlaFacts {
    state: SlaState,
    /// The start's period (of the main unit).
    period: Option<NaiveDate>,
    /// Seconds from the start to the meeting (or to now).
    elapsed: i64,
}

/// The report's counts so far, keyed by period start. Everything in it is a count, an
/// exact sum or a list read sorted, so tallies of any split of the leads merge
/// ([`part::Merge`]) into the tally of all of them.
#[derive(Serialize, Deserialize)]
struct Tally {
    /// Per commitment: (counted, base) per period and segment.
    commit: Vec<BTreeMap<Key, (u64, u64)>>,
    metric_acc: Vec<BTreeMap<Key, Vec<Acc>>>,
    funnel_by: BTreeMap<NaiveDate, FunnelAcc>,
    funnel_all: FunnelAcc,
    /// The funnel per segment: by (period, segment), and over all periods.
    funnel_seg_by: BTreeMap<Key, FunnelAcc>,
    funnel_seg_all: BTreeMap<(usize, String), FunnelAcc>,
    sla_by: BTreeMap<NaiveDate, Vec<SlaAcc>>,
    sla_all: Vec<SlaAcc>,
    /// Per-lead SLA compliance per segment: by (period, SLA, segment), and over all periods.
    sla_seg_by: BTreeMap<(NaiveDate, usize, (usize, String)), SlaAcc>,
    sla_seg_all: BTreeMap<(usize, (usize, String)), SlaAcc>,
}

impl Tally {
    fn new(plan: &Plan) -> Tally {
        let p = plan.p;
        Tally {
            commit: vec![BTreeMap::new(); plan.aggregate_slas.len()],
            metric_acc: vec![BTreeMap::new(); p.metrics.len()],
            funnel_by: BTreeMap::new(),
            funnel_all: FunnelAcc::new(p.stages.len()),
            funnel_seg_by: BTreeMap::new(),
            funnel_seg_all: BTreeMap::new(),
            sla_by: BTreeMap::new(),
            sla_all: vec![SlaAcc::default(); p.slas.len()],
            sla_seg_by: BTreeMap::new(),
            sla_seg_all: BTreeMap::new(),
        }
    }

    fn add(&mut self, plan: &Plan, f: &Facts) {
        let p = plan.p;
        self.funnel_all.add(p, f);
        if let Some(m) = f.main {
            self.funnel_by
                .entry(m)
                .or_insert_with(|| FunnelAcc::new(p.stages.len()))
                .add(p, f);
        }
        for (j, segment) in f.funnel_segments.iter().enumerate() {
            let n = p.stages.len();
            self.funnel_seg_all
                .entry((j, segment.clone()))
                .or_insert_with(|| FunnelAcc::new(n))
                .add(p, f);
            if let Some(m) = f.main {
                self.funnel_seg_by
                    .entry((m, Some((j, segment.clone()))))
                    .or_insert_with(|| FunnelAcc::new(n))
                    .add(p, f);
            }
        }
        for (c, ((_, sla), period)) in plan
            .aggregate_slas
            .iter()
            .zip(&f.commitment_period)
            .enumerate()
        {
            let Some(period) = period else { continue };
            let SlaBody::Aggregate { measure, .. } = &sla.body else {
                continue;
            };
            // (counted, base) this lead adds.
            let add = match measure {
                AggregateDef::Reach(s) => (reached(p, f, *s) as u64, 0),
                AggregateDef::Conversion(from, to) => match reached(p, f, *from) {
                    true => (reached(p, f, *to) as u64, 1),
                    false => (0, 0),
                },
                AggregateDef::Compliance(i) => match f.sla.get(*i) {
                    Some(Some(sla))
                        if matches!(
                            sla.state,
                            SlaState::Met | SlaState::MetLate | SlaState::Breached
                        ) =>
                    {
                        ((sla.state == SlaState::Met) as u64, 1)
                    }
                    _ => (0, 0),
                },
            };
            for key in keys(*period, segments_of(&f.commitment_segments, c)) {
                let slot = self.commit[c].entry(key).or_insert((0, 0));
                slot.0 += add.0;
                slot.1 += add.1;
            }
        }
        for (m, (period, contributions)) in f.metric.iter().enumerate() {
            let Some(period) = period else { continue };
            for key in keys(*period, segments_of(&f.metric_segments, m)) {
                let accs = self.metric_acc[m]
                    .entry(key)
                    .or_insert_with(|| vec![Acc::default(); contributions.len()]);
                for ((acc, c), agg) in accs.iter_mut().zip(contributions).zip(&plan.metric_aggs[m])
                {
                    if let Some(v) = c {
                        acc.add(*v, agg.op);
                    }
                }
            }
        }
        for (i, s) in f.sla.iter().enumerate() {
            let Some(sla) = s else { continue };
            self.sla_all[i].add(sla.state, sla.elapsed);
            if let Some(start) = sla.period {
                self.sla_by
                    .entry(start)
                    .or_insert_with(|| vec![SlaAcc::default(); p.slas.len()])[i]
                    .add(sla.state, sla.elapsed);
            }
            for seg in segments_of(&f.sla_segments, i).iter().cloned().enumerate() {
                self.sla_seg_all
                    .entry((i, seg.clone()))
                    .or_default()
                    .add(sla.state, sla.elapsed);
                if let Some(start) = sla.period {
                    self.sla_seg_by
                        .entry((start, i, seg.clone()))
                        .or_default()
                        .add(sla.state, sla.elapsed);
                }
            }
        }
    }

    /// One decoded row of table `t`, numbered `record`: an error names the table and the
    /// record. A bug in a metric's arithmetic costs that row, not the report.
    fn add_table_row(
        &mut self,
        plan: &Plan,
        t: usize,
        row: Box<[Value]>,
        record: u64,
        at: DateTime<FixedOffset>,
    ) -> Result<(), crate::LeadError> {
        let facts = guarded(|| plan.row_facts(t, row, at)).and_then(|r| r);
        let facts = facts.map_err(|message| {
            let name = &plan.p.tables[t].name;
            crate::LeadError::new(format!("table `{name}`: {message}")).at_record(record)
        })?;
        self.add_row(plan, t, facts);
        Ok(())
    }

    /// The report: each figure per period, the funnels and the compliance tables.
    fn into_report(
        mut self,
        plan: &Plan,
        policy: &Policy,
        at: DateTime<FixedOffset>,
        range: &ReportRange,
        evaluated: u64,
        failed: u64,
    ) -> Report {
        let mut periods = Periods {
            by_start: BTreeMap::new(),
            range,
            at_date: at.with_timezone(&plan.tz).date_naive(),
        };
        self.commitments(plan, &mut periods);
        self.metrics(plan, at, &mut periods);
        self.funnels_and_compliance(plan, &mut periods);
        let p = plan.p;
        let mut sla = lead_slas(p, self.sla_all);
        for ((i, segment), acc) in self.sla_seg_all {
            sla.push(segment_compliance(p, i, segment, acc));
        }
        sla.sort_by_key(|c| sla_order(p, c));
        Report {
            policy: policy.stamp().clone(),
            at: at.to_rfc3339(),
            evaluated,
            failed,
            periods: periods.by_start.into_values().collect(),
            funnel: self.funnel_all.finish(p),
            funnel_segments: self
                .funnel_seg_all
                .into_iter()
                .map(|((_, segment), acc)| SegmentFunnel {
                    segment,
                    funnel: acc.finish(p),
                })
                .collect(),
            sla,
        }
    }

    /// One row of table `t`, as [`Plan::row_facts`] read it.
    fn add_row(&mut self, plan: &Plan, t: usize, facts: Vec<RowFacts>) {
        for f in facts {
            let aggs = &plan.metric_aggs[f.metric];
            for key in keys(f.period, &f.segments) {
                let accs = self.metric_acc[f.metric]
                    .entry(key)
                    .or_insert_with(|| vec![Acc::default(); aggs.len()]);
                for ((acc, c), agg) in accs.iter_mut().zip(&f.contributions).zip(aggs) {
                    if agg.table != Some(t) {
                        continue;
                    }
                    acc.rows += 1;
                    if let Some(v) = c {
                        acc.add(*v, agg.op);
                    }
                }
            }
        }
    }

    /// Each commitment's value per period, against its target.
    fn commitments(&self, plan: &Plan, periods: &mut Periods) {
        for (c, (_, sla)) in plan.aggregate_slas.iter().enumerate() {
            let SlaBody::Aggregate {
                bound,
                target,
                percent,
                measure,
                period,
            } = &sla.body
            else {
                continue;
            };
            for ((start, segment), (num, den)) in &self.commit[c] {
                let at_date = periods.at_date;
                let Some(report) = periods.entry(period.unit, *start) else {
                    continue;
                };
                let is_share = !matches!(measure, AggregateDef::Reach(_));
                let value = if is_share {
                    (*den > 0).then(|| *num as f64 / *den as f64)
                } else {
                    Some(*num as f64)
                };
                let open = report.current || report.start > at_date;
                let status = status(*bound, *target, value, open);
                report.commitments.push(Commitment {
                    name: sla.name.clone(),
                    label: sla.label.clone(),
                    owner: sla.owner.clone(),
                    promise: promise(plan.p, *bound, *target, *percent, measure),
                    bound: bound_words(*bound),
                    value,
                    target: *target,
                    percent: *percent,
                    count: *num,
                    base: is_share.then_some(*den),
                    status,
                    segment: segment.as_ref().map(|(_, s)| s.clone()),
                });
            }
        }
    }

    /// Each metric's value per period: its aggregates, then its expression over them.
    fn metrics(&self, plan: &Plan, at: DateTime<FixedOffset>, periods: &mut Periods) {
        let p = plan.p;
        for (m, def) in p.metrics.iter().enumerate() {
            for ((start, segment), accs) in &self.metric_acc[m] {
                let at_date = periods.at_date;
                let Some(report) = periods.entry(def.period.unit, *start) else {
                    continue;
                };
                let values = plan.metric_aggs[m]
                    .iter()
                    .zip(accs)
                    .map(|(agg, acc)| {
                        let v = match agg.table {
                            Some(_) if acc.rows == 0 => None,
                            _ => acc.value(agg.op),
                        };
                        (agg.key, v.map_or(Value::Missing, Value::Number))
                    })
                    .collect();
                let empty: [Value; 0] = [];
                let mut slots = Slots::default();
                let mut state = plan.compiled.state(&empty, at, false, &mut slots);
                state.aggregates = Some(values);
                // A bug in a metric's arithmetic costs that value, not the report.
                let value = guarded(|| state.eval(&def.value))
                    .ok()
                    .and_then(|v| v.as_f64())
                    .filter(|v| v.is_finite());
                let open = report.current || report.start > at_date;
                let goal = def.goal.map(|g| MetricGoal {
                    bound: bound_words(g.bound),
                    target: g.target,
                    display: display(&def.unit, g.target),
                    owner: def.owner.clone(),
                    status: status(g.bound, g.target, value, open),
                });
                report.metrics.push(MetricValue {
                    name: def.name.clone(),
                    label: def.label.clone(),
                    segment: segment.as_ref().map(|(_, s)| s.clone()),
                    value,
                    unit: def.unit.clone(),
                    display: value.map(|v| display(&def.unit, v)),
                    goal,
                });
            }
        }
    }

    /// The funnel and the compliance tables per period of the main unit.
    fn funnels_and_compliance(&mut self, plan: &Plan, periods: &mut Periods) {
        let Some(unit) = plan.main_unit() else {
            return;
        };
        let p = plan.p;
        for (start, acc) in std::mem::take(&mut self.funnel_by) {
            if let Some(report) = periods.entry(unit, start) {
                report.funnel = acc.finish(p);
            }
        }
        for ((start, segment), acc) in std::mem::take(&mut self.funnel_seg_by) {
            if let (Some(report), Some((_, segment))) = (periods.entry(unit, start), segment) {
                report.funnel_segments.push(SegmentFunnel {
                    segment,
                    funnel: acc.finish(p),
                });
            }
        }
        for (start, accs) in std::mem::take(&mut self.sla_by) {
            if let Some(report) = periods.entry(unit, start) {
                report.sla = lead_slas(p, accs);
            }
        }
        for ((start, i, segment), acc) in std::mem::take(&mut self.sla_seg_by) {
            if let Some(report) = periods.entry(unit, start) {
                report.sla.push(segment_compliance(p, i, segment, acc));
            }
        }
        for report in periods.by_start.values_mut() {
            report.sla.sort_by_key(|c| sla_order(p, c));
        }
    }
}

impl Acc {
    /// Counts a value into an aggregate `op`, keeping the values themselves only for the
    /// aggregates that read them all.
    fn add(&mut self, v: f64, op: ListOp) {
        self.count += 1;
        self.sum.add(v);
        if matches!(op, ListOp::Median | ListOp::Min | ListOp::Max) {
            self.values.push(v);
        }
    }

    /// The aggregate's value over what was added; `None` for an average or a median of
    /// nothing.
    fn value(&self, op: ListOp) -> Option<f64> {
        let mut sorted = self.values.clone();
        // A total order (NaN last), so that the order values came in does not matter.
        sorted.sort_by(f64::total_cmp);
        match op {
            ListOp::Count => Some(self.count as f64),
            ListOp::Sum => Some(self.sum.value()),
            ListOp::Avg => (self.count > 0).then(|| self.sum.value() / self.count as f64),
            ListOp::Min => sorted.first().copied(),
            ListOp::Max => sorted.last().copied(),
            ListOp::Median => {
                let n = sorted.len();
                (n > 0).then(|| {
                    if n % 2 == 1 {
                        sorted[n / 2]
                    } else {
                        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
                    }
                })
            }
            ListOp::Any | ListOp::All => None,
        }
    }
}

/// The report's periods, each created on first use.
struct Periods<'r> {
    by_start: BTreeMap<(NaiveDate, u8), PeriodReport>,
    range: &'r ReportRange,
    at_date: NaiveDate,
}

impl Periods<'_> {
    fn entry(&mut self, unit: PeriodUnit, start: NaiveDate) -> Option<&mut PeriodReport> {
        period_entry(&mut self.by_start, self.range, self.at_date, unit, start)
    }
}

/// The report of one period, created on first use; `None` outside the requested range.
fn period_entry<'m>(
    periods: &'m mut BTreeMap<(NaiveDate, u8), PeriodReport>,
    range: &ReportRange,
    at_date: NaiveDate,
    unit: PeriodUnit,
    start: NaiveDate,
) -> Option<&'m mut PeriodReport> {
    let in_range = range.from.is_none_or(|f| start >= period_start(unit, f))
        && range.to.is_none_or(|t| start <= period_start(unit, t));
    if !in_range {
        return None;
    }
    Some(
        periods
            .entry((start, unit as u8))
            .or_insert_with(|| PeriodReport {
                period: period_label(unit, start),
                start,
                unit,
                current: start <= at_date && at_date < period::end(unit, start),
                commitments: Vec::new(),
                metrics: Vec::new(),
                funnel: Funnel::default(),
                funnel_segments: Vec::new(),
                sla: Vec::new(),
            }),
    )
}

/// Held, missed, at risk (not held yet in a period not over) or no data.
fn status(bound: Bound, target: f64, value: Option<f64>, open: bool) -> Status {
    let held = value.map(|v| match bound {
        Bound::AtLeast => v >= target,
        Bound::AtMost => v <= target,
    });
    match held {
        None => Status::NoData,
        Some(true) => Status::Held,
        Some(false) if open => Status::AtRisk,
        Some(false) => Status::Missed,
    }
}

/// A per-lead SLA's compliance in one segment (with its `split by` line's index).
fn segment_compliance(
    p: &Checked,
    i: usize,
    (line, segment): (usize, String),
    acc: SlaAcc,
) -> Compliance {
    let s = &p.slas[i];
    let business = matches!(&s.body, SlaBody::Lead(l) if l.calendar.is_some());
    let mut c = acc.finish(&s.name, business);
    c.segment = Some(segment);
    c.split_line = line;
    c
}

/// Compliance rows in the SLAs' order, each total before its segments, the segments in
/// the order of their `split by` lines.
fn sla_order(p: &Checked, c: &Compliance) -> (usize, Option<(usize, String)>) {
    let i = p
        .slas
        .iter()
        .position(|s| s.name == c.name)
        .unwrap_or(usize::MAX);
    (i, c.segment.clone().map(|s| (c.split_line, s)))
}

/// How numbers are written: the thousands and decimal separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberStyle {
    /// Between groups of thousands: `,` in English, `.` in Brazilian Portuguese.
    pub thousands: char,
    /// Before the decimals: `.` in English, `,` in Brazilian Portuguese.
    pub decimal: char,
}

impl NumberStyle {
    /// `74,666.67` (en-US; what the table, JSON and CSV reports print).
    pub const EN: NumberStyle = NumberStyle {
        thousands: ',',
        decimal: '.',
    };
    /// `74.666,67` (pt-BR).
    pub const PT_BR: NumberStyle = NumberStyle {
        thousands: '.',
        decimal: ',',
    };
}

/// A metric's value as people read it, in its unit: `61.41%`, `BRL 4,833.33`, `1,257`,
/// `49d`, `67.7h`; a plain number with two decimals (two significant digits below 0.01).
///
/// ```
/// use funnel_engine::report::{display, Unit};
/// assert_eq!(display(&Unit::Percent, 0.6141), "61.41%");
/// assert_eq!(display(&Unit::Money("BRL".into()), 4833.333), "BRL 4,833.33");
/// ```
pub fn display(unit: &Unit, v: f64) -> String {
    display_in(unit, v, NumberStyle::EN)
}

/// [`display`] with the separators of `style`.
///
/// ```
/// use funnel_engine::report::{display_in, NumberStyle, Unit};
/// assert_eq!(display_in(&Unit::Money("R$".into()), 74666.667, NumberStyle::PT_BR), "R$ 74.666,67");
/// assert_eq!(display_in(&Unit::Days, 9.63, NumberStyle::PT_BR), "9,6d");
/// ```
pub fn display_in(unit: &Unit, v: f64, style: NumberStyle) -> String {
    match unit {
        Unit::Percent => format!("{}%", grouped(v * 100.0, 2, style)),
        Unit::Money(code) => format!("{code} {}", grouped(v, 2, style)),
        Unit::Count if v.fract() == 0.0 => grouped(v, 0, style),
        Unit::Days => format!("{}d", tenths(v, style)),
        Unit::Hours => format!("{}h", tenths(v, style)),
        _ if v.fract() == 0.0 && v.abs() < 1e15 => grouped(v, 0, style),
        _ if v != 0.0 && v.abs() < 0.01 => {
            // Two significant digits: 0.0084, 0.00012.
            let digits = (-v.abs().log10().floor()) as usize + 1;
            format!("{v:.digits$}").replace('.', &style.decimal.to_string())
        }
        _ => grouped(v, 2, style),
    }
}

/// A time to meet, to a tenth of the unit that reads best: hours of open time for a
/// business-time SLA (`67.7h`), days for a wall-clock one (`9.6d`, hours below a day).
fn time_display(seconds: i64, business: bool, style: NumberStyle) -> String {
    let (hours, days) = (seconds as f64 / 3_600.0, seconds as f64 / 86_400.0);
    if business || days < 1.0 {
        format!("{}h", tenths(hours, style))
    } else {
        format!("{}d", tenths(days, style))
    }
}

/// A number to one decimal, without a trailing `.0`: `49`, `14.6`.
fn tenths(v: f64, style: NumberStyle) -> String {
    let t = (v * 10.0).round() / 10.0;
    if t.fract() == 0.0 {
        grouped(t, 0, style)
    } else {
        grouped(t, 1, style)
    }
}

/// `v` with `decimals` decimals and separators between thousands: `74,666.67`.
fn grouped(v: f64, decimals: usize, style: NumberStyle) -> String {
    let text = format!("{:.decimals$}", v.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.len() > 18 || !v.is_finite() {
        return format!("{v:.decimals$}");
    }
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(style.thousands);
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push(style.decimal);
        out.push_str(fraction);
    }
    if v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

fn lead_slas(p: &Checked, accs: Vec<SlaAcc>) -> Vec<Compliance> {
    p.slas
        .iter()
        .zip(accs)
        .filter_map(|(s, a)| match &s.body {
            SlaBody::Lead(l) => Some(a.finish(&s.name, l.calendar.is_some())),
            SlaBody::Aggregate { .. } => None,
        })
        .collect()
}

/// `at least` or `at most`.
fn bound_words(bound: Bound) -> &'static str {
    match bound {
        Bound::AtLeast => "at least",
        Bound::AtMost => "at most",
    }
}

/// The promise in words.
fn promise(p: &Checked, bound: Bound, target: f64, percent: bool, m: &AggregateDef) -> String {
    let b = bound_words(bound);
    let t = if percent {
        format!("{}%", target * 100.0)
    } else {
        format!("{target}")
    };
    match m {
        AggregateDef::Reach(s) => format!("{b} {t} leads reach {}", p.stages[*s].name),
        AggregateDef::Conversion(f, to) => format!(
            "{b} {t} of leads reaching {} reach {}",
            p.stages[*f].name, p.stages[*to].name
        ),
        AggregateDef::Compliance(i) => format!("{b} {t} of {} met", p.slas[*i].name),
    }
}
