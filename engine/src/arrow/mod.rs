//! Leads in and decisions out as Arrow record batches (the `arrow` feature): the columnar
//! form Python (pyarrow, pandas, Polars), Spark and Parquet files share.
//!
//! - [`evaluate`] takes a policy, a [`RecordBatch`] of leads and the batch options (the
//!   instant, explanations, workers) and gives an [`Evaluated`]: a batch of decisions
//!   ([`decisions_schema`]), a batch of record errors ([`errors_schema`]) and the totals.
//!   A stream of batches goes through one [`BatchEvaluator`], which numbers records across
//!   them and checks each schema once.
//! - [`LeadColumns`] decodes a batch into [`Lead`](crate::Lead)s without evaluating them.
//!
//! Columns are matched to lead fields as CSV headers are: by a field's `from "Column"` name,
//! else by its name; other columns are ignored (an error with `strict`). Decoding goes a
//! column at a time, never through JSON:
//!
//! | Arrow type | fields it fills |
//! |---|---|
//! | utf8, large_utf8, utf8_view, dictionary of them | any field, each text read as a CSV cell: by the field's input rules (`map`, bool words, `decimal`, date `format`, `missing` texts), a list as `a\|b` or a JSON array, a record as JSON; an empty text is missing except in a `text` field |
//! | int8 to int64, uint8 to uint64 | `int`, `number`, `duration` (seconds), `text` (its digits) |
//! | float16 to float64 | `number`, and `int` and `duration` when whole |
//! | decimal32 to decimal256 | `number`, and `int` when whole |
//! | bool | `bool` |
//! | date32, date64 | `date`, and `datetime` (midnight in the policy's time zone) |
//! | timestamp with a time zone | `datetime` (that instant), `date` (its date in that zone) |
//! | timestamp without one | `datetime` and `date` as local times in the policy's time zone |
//! | duration | `duration` (whole seconds) |
//! | list, large_list, fixed_size_list, list_view of any of these | list fields; a list of structs fills a list of records (events, put in time order) |
//! | struct | a record field, its fields matched by name |
//! | null (and a null value in any column) | missing |
//!
//! A column whose type cannot hold its field's (a bool column for an `int` field) stops the
//! batch with an [`Error`], as a required field with no column does; a value that does not fit
//! (a text that is not a date, a null inside a list) is its row's [`LeadError`],
//! and the other rows decode.
//!
//! ```
//! use arrow::array::{Array, AsArray, Int64Array, RecordBatch, StringArray};
//! use funnel_engine::batch::BatchOptions;
//! use funnel_engine::{EvalOptions, Policy};
//! use funnel_grammar::SourceFile;
//! use std::sync::Arc;
//!
//! let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", r#"
//! policy "demo" version 1
//! schema lead {
//!   id: text key
//!   size: int from "Employees"
//! }
//! stages {
//!   lead
//!   mql when size >= 50
//! }
//! "#)]).unwrap();
//! let leads = RecordBatch::try_from_iter([
//!     ("id", Arc::new(StringArray::from(vec!["a", "b", "c"])) as _),
//!     ("Employees", Arc::new(StringArray::from(vec!["80", "many", "5"])) as _),
//! ])
//! .unwrap();
//! let options = BatchOptions {
//!     at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap(),
//!     eval: EvalOptions::default(),
//!     jobs: 1,
//!     chunk: funnel_engine::batch::CHUNK,
//! };
//! let out = funnel_engine::arrow::evaluate(&policy, &leads, &options).unwrap();
//! let stages = out.decisions.column_by_name("stage").unwrap().as_string::<i32>();
//! assert_eq!(stages.iter().flatten().collect::<Vec<_>>(), ["mql", "lead"]);
//! let messages = out.errors.column_by_name("message").unwrap().as_string::<i32>();
//! assert_eq!(messages.value(0), "expected int, found \"many\"");
//! assert_eq!((out.summary.evaluated, out.summary.failed), (2, 1));
//! ```

mod decisions;
mod decode;

pub use decisions::{decisions_schema, errors_batch, errors_schema};
pub use decode::LeadColumns;

use crate::batch::{BatchOptions, Summary};
use crate::decode::LeadError;
use crate::policy::Policy;
use ::arrow::array::RecordBatch;
use ::arrow::datatypes::SchemaRef;
use decisions::{stage_counts, DecisionColumns};

/// Why a batch as a whole cannot be evaluated. A bad value is its row's
/// [`LeadError`], not this.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The batch's columns do not fit the lead schema: a required field has no column, a
    /// column's type cannot hold its field's, or (with `strict`) a column is not a field.
    #[error("{0}")]
    Columns(String),
    /// Arrow failed to put the outputs together.
    #[error(transparent)]
    Arrow(#[from] ::arrow::error::ArrowError),
    /// A sink given the outcomes failed (e.g. the output pipe closed).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

/// A batch's outcome: a decision for each lead that has one and an error for each that has
/// not, in input order, and their totals.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The decisions, in [`decisions_schema`].
    pub decisions: RecordBatch,
    /// The record errors, in [`errors_schema`].
    pub errors: RecordBatch,
    /// Leads evaluated and failed, and leads per stage.
    pub summary: Summary,
}

/// Evaluates one batch of leads (records numbered from 1). See the [module](self) docs.
pub fn evaluate(
    policy: &Policy,
    leads: &RecordBatch,
    options: &BatchOptions,
) -> Result<Evaluated, Error> {
    BatchEvaluator::new(policy, options.clone()).evaluate(leads)
}

/// Evaluates a stream of batches: records are numbered across them (from 1), the columns of
/// each schema are matched once, and the totals add up.
///
/// ```
/// use arrow::array::{RecordBatch, StringArray};
/// use funnel_engine::arrow::BatchEvaluator;
/// use funnel_engine::batch::{BatchOptions, CHUNK};
/// use funnel_engine::{EvalOptions, Policy};
/// use funnel_grammar::SourceFile;
/// use std::sync::Arc;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel",
///     "policy \"demo\" version 1\nschema lead {\n  id: text key\n  size: int\n}\nstages {\n  lead\n}\n",
/// )]).unwrap();
/// let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap();
/// let options = BatchOptions { at, eval: EvalOptions::default(), jobs: 0, chunk: CHUNK };
/// let mut evaluator = BatchEvaluator::new(&policy, options);
/// for sizes in [vec!["1", "2"], vec!["3", "x"]] {
///     let batch = RecordBatch::try_from_iter([
///         ("id", Arc::new(StringArray::from(vec!["a", "b"])) as _),
///         ("size", Arc::new(StringArray::from(sizes)) as _),
///     ])
///     .unwrap();
///     evaluator.evaluate(&batch).unwrap();
/// }
/// let summary = evaluator.summary();
/// assert_eq!((summary.evaluated, summary.failed), (3, 1));
/// ```
pub struct BatchEvaluator<'p> {
    policy: &'p Policy,
    options: BatchOptions,
    /// The columns of the last schema seen.
    columns: Option<(SchemaRef, LeadColumns)>,
    /// The number of the next batch's first record.
    next_record: u64,
    evaluated: u64,
    failed: u64,
    stages: Vec<u64>,
}

/// One piece of a batch, evaluated by one worker.
struct Piece {
    decisions: RecordBatch,
    errors: Vec<LeadError>,
    stages: Vec<u64>,
}

impl<'p> BatchEvaluator<'p> {
    /// An evaluator of `policy`'s leads with these options (`options.chunk` rows are
    /// evaluated by a worker at a time; `options.jobs` workers, 0 for one per core).
    pub fn new(policy: &'p Policy, options: BatchOptions) -> Self {
        BatchEvaluator {
            policy,
            options,
            columns: None,
            next_record: 1,
            evaluated: 0,
            failed: 0,
            stages: vec![0; policy.checked().stages.len()],
        }
    }

    /// The schema of the decisions it gives.
    pub fn decisions_schema(&self) -> SchemaRef {
        decisions_schema(self.policy, self.options.eval.explain)
    }

    /// The totals of every batch evaluated so far.
    pub fn summary(&self) -> Summary {
        Summary {
            evaluated: self.evaluated,
            failed: self.failed,
            stages: stage_counts(self.policy.checked(), &self.stages),
        }
    }

    /// Evaluates the next batch of leads.
    pub fn evaluate(&mut self, leads: &RecordBatch) -> Result<Evaluated, Error> {
        let schema = leads.schema();
        if !matches!(&self.columns, Some((s, _)) if *s == schema) {
            let columns = LeadColumns::new(self.policy, &schema, self.options.eval.strict)?;
            self.columns = Some((schema.clone(), columns));
        }
        let (_, columns) = self.columns.as_ref().expect("set above");
        let first = self.next_record;
        let rows = leads.num_rows();
        let chunk = self.options.chunk.max(1);
        let starts: Vec<usize> = (0..rows).step_by(chunk).collect();
        let piece = |start: usize| {
            let len = chunk.min(rows - start);
            let slice = leads.slice(start, len);
            self.piece(columns, &slice, first + start as u64)
        };
        let workers = crate::batch::workers(self.options.jobs).min(starts.len());
        let pieces: Vec<Piece> = if workers <= 1 {
            starts.iter().map(|s| piece(*s)).collect()
        } else {
            parallel(&starts, workers, &piece)
        };
        let mut stages = vec![0u64; self.stages.len()];
        let mut errors = Vec::new();
        let mut batches = Vec::with_capacity(pieces.len());
        for p in pieces {
            for (total, n) in stages.iter_mut().zip(&p.stages) {
                *total += n;
            }
            errors.extend(p.errors);
            batches.push(p.decisions);
        }
        let decisions = match batches.len() {
            0 => RecordBatch::new_empty(self.decisions_schema()),
            1 => batches.pop().expect("one batch"),
            _ => ::arrow::compute::concat_batches(&self.decisions_schema(), &batches)?,
        };
        let summary = Summary {
            evaluated: decisions.num_rows() as u64,
            failed: errors.len() as u64,
            stages: stage_counts(self.policy.checked(), &stages),
        };
        self.next_record += rows as u64;
        self.evaluated += summary.evaluated;
        self.failed += summary.failed;
        for (total, n) in self.stages.iter_mut().zip(&stages) {
            *total += n;
        }
        Ok(Evaluated {
            decisions,
            errors: errors_batch(&errors),
            summary,
        })
    }

    /// Decodes and evaluates the rows of one slice.
    fn piece(&self, columns: &LeadColumns, leads: &RecordBatch, first: u64) -> Piece {
        let policy = self.policy;
        let mut evaluator = policy.evaluator(self.options.eval);
        let mut out = DecisionColumns::new(policy, self.options.eval.explain);
        let mut errors = Vec::new();
        let mut stages = vec![0u64; self.stages.len()];
        for (row, lead) in columns.decode(policy, leads, first).into_iter().enumerate() {
            let record = first + row as u64;
            let evaluated = lead.and_then(|lead| {
                let e = evaluator.evaluate(&lead, self.options.at, Some(record))?;
                stages[e.stage_index()] += 1;
                out.push(&e);
                Ok(())
            });
            if let Err(mut e) = evaluated {
                e.record = Some(record);
                errors.push(e);
            }
        }
        Piece {
            decisions: out.finish(policy, self.options.at),
            errors,
            stages,
        }
    }
}

/// Runs `piece` for every start on `workers` threads; the pieces come back in input order.
fn parallel(
    starts: &[usize],
    workers: usize,
    piece: &(dyn Fn(usize) -> Piece + Sync),
) -> Vec<Piece> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Piece)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(start) = starts.get(i) else {
                            return mine;
                        };
                        mine.push((i, piece(*start)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, p)| p).collect()
}
