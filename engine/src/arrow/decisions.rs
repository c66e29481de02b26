//! Decisions and record errors as Arrow record batches.
//!
//! The decisions' columns hold what a decision's JSON holds, in its order and under its
//! names (see [`decisions_schema`]); only the times differ in form: instants are
//! `timestamp[us, UTC]` columns rather than RFC 3339 texts.

use crate::checked::{Checked, SlaBody, Ty};
use crate::decision::{Decision, Named, PersonaResult, SlaOutcome, Step};
use crate::decode::LeadError;
use crate::evaluator::Evaluation;
use crate::policy::Policy;
use crate::value::Value;
use ::arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, RecordBatch, StringArray,
    StringBuilder, StructArray, TimestampMicrosecondArray, TimestampMicrosecondBuilder,
    UInt64Array,
};
use ::arrow::buffer::NullBuffer;
use ::arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use chrono::{DateTime, FixedOffset};
use std::borrow::Cow;
use std::sync::Arc;

/// The type of every instant in the output: microseconds (what Spark and pandas keep) in UTC.
fn instant_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn text(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

/// The columns of an SLA's struct, in the order of its JSON object.
fn sla_fields() -> Fields {
    Fields::from(vec![
        text("state", false),
        Field::new("start", instant_type(), true),
        Field::new("due", instant_type(), true),
        Field::new("met_at", instant_type(), true),
        text("elapsed", true),
        text("remaining", true),
        Field::new(
            "actions",
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            true,
        ),
    ])
}

fn policy_fields() -> Fields {
    Fields::from(vec![
        text("name", false),
        Field::new("version", DataType::UInt64, false),
        text("digest", false),
    ])
}

/// How a `let`'s values are kept: by its type, else as the text its JSON value holds.
#[derive(Clone, Copy)]
enum LetKind {
    Bool,
    Int,
    Number,
    Text,
}

impl LetKind {
    fn of(ty: &Ty) -> LetKind {
        match ty {
            Ty::Bool => LetKind::Bool,
            Ty::Int => LetKind::Int,
            Ty::Number => LetKind::Number,
            _ => LetKind::Text,
        }
    }

    fn data_type(self) -> DataType {
        match self {
            LetKind::Bool => DataType::Boolean,
            LetKind::Int => DataType::Int64,
            LetKind::Number => DataType::Float64,
            LetKind::Text => DataType::Utf8,
        }
    }
}

/// The positions of the per-lead SLAs among the policy's SLAs (aggregate ones have no
/// per-lead state).
fn lead_slas(p: &Checked) -> Vec<usize> {
    (0..p.slas.len())
        .filter(|i| matches!(p.slas[*i].body, SlaBody::Lead(_)))
        .collect()
}

/// A struct column of named children, or nothing when there are none (Parquet cannot
/// hold a struct without fields).
fn group(name: &str, children: Vec<Field>, nullable: bool) -> Option<Field> {
    (!children.is_empty()).then(|| Field::new_struct(name, children, nullable))
}

/// The schema of a policy's decisions, one row a lead. Its columns, in the order of a
/// decision's JSON:
///
/// | column | type | holds |
/// |---|---|---|
/// | `lead` | `utf8` | the lead's key (or its record number when the schema has no key) |
/// | `policy` | `struct<name: utf8, version: uint64, digest: utf8>` | the policy that decided |
/// | `at` | `timestamp[us, UTC]` | the evaluation instant |
/// | `personas` | `struct<persona: struct<matched: bool, match: float64>>` | each persona |
/// | `scores` | `struct<score: float64>` | each score, to two decimals (null if not finite) |
/// | `grades` | `struct<score: utf8>` | each grade's letter, by the score graded |
/// | `values` | `struct<let: bool, int64, float64 or utf8>` | each `let`'s value: bools and numbers as such, anything else as the text its JSON value holds (a list or record as JSON) |
/// | `stage` | `utf8` | the stage |
/// | `reached` | `utf8` | the furthest stage reached, exclusions left out |
/// | `reason` | `utf8`, nullable | why, when the stage is an exclusion |
/// | `route` | `utf8`, nullable | the route taken |
/// | `sla` | `struct<sla: struct<state: utf8, start, due, met_at: timestamp[us, UTC], elapsed, remaining: utf8, actions: list<utf8>>>` | each per-lead SLA (null where the JSON leaves it out) |
/// | `explain` | `utf8` | the explanation as JSON (only with [`crate::EvalOptions::explain`]) |
///
/// The fields of `personas`, `scores`, `values` and `sla` are named for the policy's
/// personas, scores, `let`s and per-lead SLAs, and those of `grades` for the scores graded,
/// in the order the policy defines them. A struct column with no fields (`personas` in a policy without personas, `sla` without
/// per-lead SLAs, ...) is left out: Parquet cannot hold one.
pub fn decisions_schema(policy: &Policy, explain: bool) -> SchemaRef {
    let p = policy.checked();
    let mut fields = vec![
        text("lead", false),
        Field::new_struct("policy", policy_fields(), false),
        Field::new("at", instant_type(), false),
    ];
    let persona = Fields::from(vec![
        Field::new("matched", DataType::Boolean, false),
        Field::new("match", DataType::Float64, false),
    ]);
    let groups = [
        group(
            "personas",
            p.personas
                .iter()
                .map(|x| Field::new_struct(&x.name, persona.clone(), false))
                .collect(),
            false,
        ),
        group(
            "scores",
            p.scores
                .iter()
                .map(|s| Field::new(&s.name, DataType::Float64, true))
                .collect(),
            false,
        ),
        group(
            "grades",
            p.grades
                .iter()
                .map(|g| text(&p.scores[g.score].name, false))
                .collect(),
            false,
        ),
        group(
            "values",
            p.lets
                .iter()
                .map(|l| Field::new(&l.name, LetKind::of(&l.value.ty).data_type(), true))
                .collect(),
            false,
        ),
    ];
    fields.extend(groups.into_iter().flatten());
    fields.extend([
        text("stage", false),
        text("reached", false),
        text("reason", true),
        text("route", true),
    ]);
    let slas = lead_slas(p)
        .into_iter()
        .map(|i| Field::new_struct(&p.slas[i].name, sla_fields(), true))
        .collect();
    fields.extend(group("sla", slas, false));
    if explain {
        fields.push(text("explain", true));
    }
    Arc::new(Schema::new(fields))
}

/// The schema of record errors, one row a record that has no decision: the fields of a
/// [`LeadError`].
///
/// | column | type | holds |
/// |---|---|---|
/// | `record` | uint64 | the record's number in the input, from 1 |
/// | `line` | uint64, nullable | its line in the input file, when it differs |
/// | `lead` | utf8, nullable | the lead's key, when it could be read |
/// | `field` | utf8, nullable | the field path, such as `events[2].at` |
/// | `expected` | utf8, nullable | what the schema expects there |
/// | `found` | utf8, nullable | what the input holds there |
/// | `message` | utf8 | the whole message |
pub fn errors_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("record", DataType::UInt64, false),
        Field::new("line", DataType::UInt64, true),
        text("lead", true),
        text("field", true),
        text("expected", true),
        text("found", true),
        text("message", false),
    ]))
}

/// Record errors as a batch of [`errors_schema`].
pub fn errors_batch(errors: &[LeadError]) -> RecordBatch {
    let texts = |f: &dyn Fn(&LeadError) -> Option<&str>| -> ArrayRef {
        Arc::new(errors.iter().map(f).collect::<StringArray>())
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(UInt64Array::from_iter_values(
            errors.iter().map(|e| e.record.unwrap_or(0)),
        )),
        Arc::new(errors.iter().map(|e| e.line).collect::<UInt64Array>()),
        texts(&|e| e.lead.as_deref()),
        texts(&|e| e.field.as_deref()),
        texts(&|e| e.expected.as_deref()),
        texts(&|e| e.found.as_deref()),
        texts(&|e| Some(e.message.as_str())),
    ];
    RecordBatch::try_new(errors_schema(), columns).expect("the columns fit errors_schema")
}

/// An SLA's columns.
struct SlaColumns {
    /// Its position among the policy's SLAs.
    index: usize,
    present: Vec<bool>,
    state: StringBuilder,
    start: TimestampMicrosecondBuilder,
    due: TimestampMicrosecondBuilder,
    met_at: TimestampMicrosecondBuilder,
    elapsed: StringBuilder,
    remaining: StringBuilder,
    actions: ListBuilder<StringBuilder>,
}

enum LetColumn {
    Bool(BooleanBuilder),
    Int(Int64Builder),
    Number(Float64Builder),
    Text(StringBuilder),
}

/// What the columns read of one decision: an [`Evaluation`], where it was computed, or an
/// owned [`Decision`].
trait Row {
    fn lead(&self) -> Cow<'_, str>;
    fn persona(&self, i: usize) -> PersonaResult;
    fn score(&self, i: usize) -> f64;
    fn letter(&self, grade: usize) -> &str;
    /// A `let`'s value as a decision's JSON holds it.
    fn value(&self, i: usize) -> Cow<'_, serde_json::Value>;
    fn stage(&self) -> &str;
    fn reached(&self) -> &str;
    fn reason(&self) -> Option<&str>;
    fn route(&self) -> Option<&str>;
    /// SLA `index`'s outcome (its position among the policy's SLAs), with its start, due
    /// and met instants in microseconds.
    fn sla(&self, index: usize, name: &str) -> Option<(&SlaOutcome, [Option<i64>; 3])>;
    fn explain(&self) -> Option<&[Step]>;
}

impl Row for Evaluation<'_> {
    fn lead(&self) -> Cow<'_, str> {
        match self.key() {
            Some(key) => Cow::Borrowed(key),
            None => Cow::Owned(self.lead_name()),
        }
    }
    fn persona(&self, i: usize) -> PersonaResult {
        self.persona_at(i)
    }
    fn score(&self, i: usize) -> f64 {
        self.slots().scores[i]
    }
    fn letter(&self, grade: usize) -> &str {
        Evaluation::letter(self, grade)
    }
    fn value(&self, i: usize) -> Cow<'_, serde_json::Value> {
        let p = self.checked();
        Cow::Owned(crate::value_json(
            p,
            &self.slots().lets[i],
            &p.lets[i].value.ty,
        ))
    }
    fn stage(&self) -> &str {
        Evaluation::stage(self)
    }
    fn reached(&self) -> &str {
        Evaluation::reached(self)
    }
    fn reason(&self) -> Option<&str> {
        Evaluation::reason(self)
    }
    fn route(&self) -> Option<&str> {
        Evaluation::route(self)
    }
    fn sla(&self, index: usize, _: &str) -> Option<(&SlaOutcome, [Option<i64>; 3])> {
        let out = self.slots();
        let outcome = out.sla_outcomes[index].as_ref()?;
        // The instants as computed (the outcome holds them as text).
        let times = match &out.slas[index] {
            Value::Record(fields) => &fields[..],
            _ => &[],
        };
        let micros = |slot: usize| match times.get(slot) {
            Some(Value::DateTime(t)) => Some(t.timestamp_micros()),
            _ => None,
        };
        Some((outcome, [micros(1), micros(2), micros(3)]))
    }
    fn explain(&self) -> Option<&[Step]> {
        self.slots().explain.as_deref()
    }
}

impl Row for Decision {
    fn lead(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.lead)
    }
    fn persona(&self, i: usize) -> PersonaResult {
        self.personas.0[i].1.clone()
    }
    fn score(&self, i: usize) -> f64 {
        self.scores.0[i].1
    }
    fn letter(&self, grade: usize) -> &str {
        &self.grades.0[grade].1
    }
    fn value(&self, i: usize) -> Cow<'_, serde_json::Value> {
        Cow::Borrowed(&self.values.0[i].1)
    }
    fn stage(&self) -> &str {
        &self.stage
    }
    fn reached(&self) -> &str {
        &self.reached
    }
    fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
    fn route(&self) -> Option<&str> {
        self.route.as_deref()
    }
    fn sla(&self, _: usize, name: &str) -> Option<(&SlaOutcome, [Option<i64>; 3])> {
        let outcome = self.sla.get(name)?;
        let micros = |t: &Option<String>| {
            let t = DateTime::parse_from_rfc3339(t.as_deref()?).ok()?;
            Some(t.timestamp_micros())
        };
        let times = [
            micros(&outcome.start),
            micros(&outcome.due),
            micros(&outcome.met_at),
        ];
        Some((outcome, times))
    }
    fn explain(&self) -> Option<&[Step]> {
        self.explain.as_deref()
    }
}

/// Decisions gathered into the columns of [`decisions_schema`], one lead at a time, then
/// made into a record batch: for decisions made some other way than by [`crate::arrow::evaluate`]
/// (such as from leads read as JSON).
///
/// ```
/// use funnel_engine::arrow::DecisionBuilder;
/// use funnel_engine::Policy;
/// use funnel_grammar::SourceFile;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel",
///     "policy \"demo\" version 1\nschema lead {\n  id: text key\n  size: int\n}\nstages {\n  lead\n  mql when size >= 50\n}\n",
/// )]).unwrap();
/// let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap();
/// let mut builder = DecisionBuilder::new(&policy, false);
/// for json in [r#"{"id": "a", "size": 80}"#, r#"{"id": "b", "size": 5}"#] {
///     builder.push_decision(&policy.evaluate_json(json.as_bytes(), at).unwrap());
/// }
/// let batch = builder.finish(&policy, at);
/// assert_eq!(batch.num_rows(), 2);
/// assert_eq!(batch.schema(), funnel_engine::arrow::decisions_schema(&policy, false));
/// ```
pub struct DecisionBuilder {
    schema: SchemaRef,
    /// The name of each per-lead SLA, by its column.
    sla_names: Vec<String>,
    lead: StringBuilder,
    personas: Vec<(BooleanBuilder, Float64Builder)>,
    scores: Vec<Float64Builder>,
    grades: Vec<StringBuilder>,
    lets: Vec<LetColumn>,
    stage: StringBuilder,
    reached: StringBuilder,
    reason: StringBuilder,
    route: StringBuilder,
    slas: Vec<SlaColumns>,
    explain: Option<StringBuilder>,
    rows: usize,
}

impl DecisionBuilder {
    /// An empty builder of `policy`'s decisions, with an `explain` column when `explain`.
    pub fn new(policy: &Policy, explain: bool) -> DecisionBuilder {
        let p = policy.checked();
        DecisionBuilder {
            schema: decisions_schema(policy, explain),
            sla_names: lead_slas(p)
                .into_iter()
                .map(|i| p.slas[i].name.clone())
                .collect(),
            lead: StringBuilder::new(),
            personas: p
                .personas
                .iter()
                .map(|_| (BooleanBuilder::new(), Float64Builder::new()))
                .collect(),
            scores: p.scores.iter().map(|_| Float64Builder::new()).collect(),
            grades: p.grades.iter().map(|_| StringBuilder::new()).collect(),
            lets: p
                .lets
                .iter()
                .map(|l| match LetKind::of(&l.value.ty) {
                    LetKind::Bool => LetColumn::Bool(BooleanBuilder::new()),
                    LetKind::Int => LetColumn::Int(Int64Builder::new()),
                    LetKind::Number => LetColumn::Number(Float64Builder::new()),
                    LetKind::Text => LetColumn::Text(StringBuilder::new()),
                })
                .collect(),
            stage: StringBuilder::new(),
            reached: StringBuilder::new(),
            reason: StringBuilder::new(),
            route: StringBuilder::new(),
            slas: lead_slas(p)
                .into_iter()
                .map(|index| SlaColumns {
                    index,
                    present: Vec::new(),
                    state: StringBuilder::new(),
                    start: TimestampMicrosecondBuilder::new(),
                    due: TimestampMicrosecondBuilder::new(),
                    met_at: TimestampMicrosecondBuilder::new(),
                    elapsed: StringBuilder::new(),
                    remaining: StringBuilder::new(),
                    actions: ListBuilder::new(StringBuilder::new()),
                })
                .collect(),
            explain: explain.then(StringBuilder::new),
            rows: 0,
        }
    }

    /// The number of decisions added.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether no decision was added.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Adds one evaluation's decision, read where it was computed.
    pub fn push(&mut self, e: &Evaluation) {
        self.push_row(e)
    }

    /// Adds one decision of the policy the builder was made for.
    ///
    /// # Panics
    ///
    /// If the decision is another policy's (it lacks a persona, score, grade or `let`).
    pub fn push_decision(&mut self, d: &Decision) {
        self.push_row(d)
    }

    fn push_row(&mut self, r: &impl Row) {
        self.rows += 1;
        self.lead.append_value(r.lead());
        for (i, (matched, fraction)) in self.personas.iter_mut().enumerate() {
            let p = r.persona(i);
            matched.append_value(p.matched);
            fraction.append_value(p.fraction);
        }
        for (i, column) in self.scores.iter_mut().enumerate() {
            let score = r.score(i);
            column.append_option(score.is_finite().then_some(score));
        }
        for (i, column) in self.grades.iter_mut().enumerate() {
            column.append_value(r.letter(i));
        }
        for (i, column) in self.lets.iter_mut().enumerate() {
            let v = r.value(i);
            match column {
                LetColumn::Bool(b) => b.append_option(v.as_bool()),
                LetColumn::Int(b) => b.append_option(v.as_i64()),
                LetColumn::Number(b) => b.append_option(v.as_f64()),
                LetColumn::Text(b) => match &*v {
                    serde_json::Value::Null => b.append_null(),
                    serde_json::Value::String(s) => b.append_value(s),
                    other => b.append_value(other.to_string()),
                },
            }
        }
        self.stage.append_value(r.stage());
        self.reached.append_value(r.reached());
        self.reason.append_option(r.reason());
        self.route.append_option(r.route());
        for (sla, name) in self.slas.iter_mut().zip(&self.sla_names) {
            let outcome = r.sla(sla.index, name);
            sla.present.push(outcome.is_some());
            let times = outcome.as_ref().map_or([None; 3], |(_, t)| *t);
            sla.start.append_option(times[0]);
            sla.due.append_option(times[1]);
            sla.met_at.append_option(times[2]);
            match outcome {
                Some((o, _)) => {
                    sla.state.append_value(o.state.as_str());
                    sla.elapsed.append_option(o.elapsed.as_deref());
                    sla.remaining.append_option(o.remaining.as_deref());
                    for a in &o.actions {
                        sla.actions.values().append_value(a);
                    }
                    sla.actions.append(true);
                }
                None => {
                    // A null SLA's children still need a value each: an empty state.
                    sla.state.append_value("");
                    sla.elapsed.append_null();
                    sla.remaining.append_null();
                    sla.actions.append(false);
                }
            }
        }
        if let Some(column) = &mut self.explain {
            match r.explain() {
                Some(steps) => column.append_value(
                    serde_json::to_string(steps).expect("explanations serialize to JSON"),
                ),
                None => column.append_null(),
            }
        }
    }

    /// The batch of the decisions added, made by `policy` (the builder's) at `at`.
    pub fn finish(mut self, policy: &Policy, at: DateTime<FixedOffset>) -> RecordBatch {
        let n = self.rows;
        let stamp = policy.stamp();
        let schema = self.schema.clone();
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
        for field in schema.fields() {
            let children = |f: &Field| match f.data_type() {
                DataType::Struct(fields) => fields.clone(),
                _ => unreachable!("a group column is a struct"),
            };
            let group = |fields: Fields, arrays: Vec<ArrayRef>| -> ArrayRef {
                Arc::new(StructArray::new(fields, arrays, None))
            };
            let column: ArrayRef = match field.name().as_str() {
                "lead" => Arc::new(self.lead.finish()),
                "policy" => group(
                    children(field),
                    vec![
                        Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
                            &stamp.name,
                            n,
                        ))),
                        Arc::new(UInt64Array::from_iter_values(std::iter::repeat_n(
                            stamp.version,
                            n,
                        ))),
                        Arc::new(StringArray::from_iter_values(std::iter::repeat_n(
                            &stamp.digest,
                            n,
                        ))),
                    ],
                ),
                "at" => Arc::new(
                    TimestampMicrosecondArray::from_iter_values(std::iter::repeat_n(
                        at.timestamp_micros(),
                        n,
                    ))
                    .with_timezone("UTC"),
                ),
                "personas" => {
                    let persona = |(m, f): &mut (BooleanBuilder, Float64Builder)| -> ArrayRef {
                        let fields = Fields::from(vec![
                            Field::new("matched", DataType::Boolean, false),
                            Field::new("match", DataType::Float64, false),
                        ]);
                        group(fields, vec![Arc::new(m.finish()), Arc::new(f.finish())])
                    };
                    group(
                        children(field),
                        self.personas.iter_mut().map(persona).collect(),
                    )
                }
                "scores" => group(
                    children(field),
                    self.scores
                        .iter_mut()
                        .map(|b| Arc::new(b.finish()) as ArrayRef)
                        .collect(),
                ),
                "grades" => group(
                    children(field),
                    self.grades
                        .iter_mut()
                        .map(|b| Arc::new(b.finish()) as ArrayRef)
                        .collect(),
                ),
                "values" => group(
                    children(field),
                    self.lets
                        .iter_mut()
                        .map(|c| -> ArrayRef {
                            match c {
                                LetColumn::Bool(b) => Arc::new(b.finish()),
                                LetColumn::Int(b) => Arc::new(b.finish()),
                                LetColumn::Number(b) => Arc::new(b.finish()),
                                LetColumn::Text(b) => Arc::new(b.finish()),
                            }
                        })
                        .collect(),
                ),
                "stage" => Arc::new(self.stage.finish()),
                "reached" => Arc::new(self.reached.finish()),
                "reason" => Arc::new(self.reason.finish()),
                "route" => Arc::new(self.route.finish()),
                "sla" => {
                    let slas = self.slas.iter_mut().map(|s| -> ArrayRef {
                        let instants = |b: &mut TimestampMicrosecondBuilder| -> ArrayRef {
                            Arc::new(b.finish().with_timezone("UTC"))
                        };
                        Arc::new(StructArray::new(
                            sla_fields(),
                            vec![
                                Arc::new(s.state.finish()),
                                instants(&mut s.start),
                                instants(&mut s.due),
                                instants(&mut s.met_at),
                                Arc::new(s.elapsed.finish()),
                                Arc::new(s.remaining.finish()),
                                Arc::new(s.actions.finish()),
                            ],
                            Some(NullBuffer::from(std::mem::take(&mut s.present))),
                        ))
                    });
                    group(children(field), slas.collect())
                }
                "explain" => Arc::new(
                    self.explain
                        .as_mut()
                        .expect("an explain column only with explanations")
                        .finish(),
                ),
                other => unreachable!("no column `{other}` in decisions_schema"),
            };
            columns.push(column);
        }
        RecordBatch::try_new(schema, columns).expect("the columns fit decisions_schema")
    }
}

/// Leads per stage, in stage order, counted from stage positions.
pub(crate) fn stage_counts(p: &Checked, counts: &[u64]) -> Named<u64> {
    Named(
        p.stages
            .iter()
            .map(|s| s.name.clone())
            .zip(counts.iter().copied())
            .collect(),
    )
}
