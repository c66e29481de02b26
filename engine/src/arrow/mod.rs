//! Leads in and decisions out as Arrow record batches (the `arrow` feature): the columnar
//! form Python (pyarrow, pandas, Polars), Spark and Parquet files share.
//!
//! - [`evaluate`] takes a policy, a [`RecordBatch`] of leads and the batch options (the
//!   instant, explanations, workers) and gives an [`Evaluated`]: a batch of decisions
//!   ([`decisions_schema`]), a batch of record errors ([`errors_schema`]) and the totals.
//!   A stream of batches goes through one [`BatchEvaluator`], which numbers records across
//!   them and checks each schema once; its [`BatchEvaluator::write_each`] and
//!   [`BatchEvaluator::evaluate_each`] hand each evaluation to the caller instead.
//! - [`DecisionBuilder`] makes the decisions batch of decisions made some other way;
//!   [`report()`] is the period report over batches.
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
//! | timestamp with a time zone | `datetime` (that instant, at that zone's offset: where JSON keeps each text's own offset, a column has one zone), `date` (its date in that zone) |
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

pub use decisions::{decisions_schema, errors_batch, errors_schema, DecisionBuilder};
pub use decode::LeadColumns;

use crate::batch::{BatchError, BatchOptions, InputError, Summary};
use crate::decode::LeadError;
use crate::evaluator::Evaluation;
use crate::policy::Policy;
use crate::report::ReportPart;
use ::arrow::array::RecordBatch;
use ::arrow::datatypes::SchemaRef;
use decisions::stage_counts;

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

/// What one piece of a batch gave: its worker's output, and its leads per stage.
struct Piece<P> {
    out: P,
    stages: Vec<u64>,
    failed: u64,
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
        let (policy, explain, at) = (self.policy, self.options.eval.explain, self.options.at);
        let (pieces, summary) = self.pieces(
            leads,
            || (DecisionBuilder::new(policy, explain), Vec::new()),
            |(decisions, errors), _, result| match result {
                Ok(e) => decisions.push(e),
                Err(e) => errors.push(e),
            },
            |(decisions, errors)| (decisions.finish(policy, at), errors),
        )?;
        let mut errors = Vec::new();
        let mut batches = Vec::with_capacity(pieces.len());
        for (decisions, errs) in pieces {
            errors.extend(errs);
            batches.push(decisions);
        }
        let decisions = match batches.len() {
            0 => RecordBatch::new_empty(self.decisions_schema()),
            1 => batches.pop().expect("one batch"),
            _ => ::arrow::compute::concat_batches(&self.decisions_schema(), &batches)?,
        };
        Ok(Evaluated {
            decisions,
            errors: errors_batch(&errors),
            summary,
        })
    }

    /// Evaluates the next batch of leads and turns each evaluation into a `T` with `f`, on
    /// the worker that evaluated it; `sink` receives each record's number and result in
    /// input order. (The Arrow form of [`crate::batch::evaluate_each`].)
    pub fn evaluate_each<T: Send>(
        &mut self,
        leads: &RecordBatch,
        f: impl Fn(&Evaluation) -> T + Sync,
        mut sink: impl FnMut(u64, Result<T, LeadError>) -> std::io::Result<()>,
    ) -> Result<Summary, Error> {
        let (pieces, summary) = self.pieces(
            leads,
            Vec::new,
            |out, record, result| out.push((record, result.map(&f))),
            |out| out,
        )?;
        for (record, result) in pieces.into_iter().flatten() {
            sink(record, result).map_err(Error::Output)?;
        }
        Ok(summary)
    }

    /// Evaluates the next batch of leads and writes each evaluation with `write` onto a
    /// buffer its piece's leads share, on the worker that evaluated it; `sink` receives each
    /// lead's bytes in input order. (The Arrow form of [`crate::batch::write_each`].)
    pub fn write_each(
        &mut self,
        leads: &RecordBatch,
        write: impl Fn(&Evaluation, &mut Vec<u8>) + Sync,
        mut sink: impl FnMut(u64, Result<&[u8], LeadError>) -> std::io::Result<()>,
    ) -> Result<Summary, Error> {
        let (pieces, summary) = self.pieces(
            leads,
            || (Vec::new(), Vec::new()),
            |(buf, out), record, result| {
                let range = result.map(|e| {
                    let start = buf.len();
                    write(e, buf);
                    start..buf.len()
                });
                out.push((record, range));
            },
            |piece| piece,
        )?;
        for (buf, outcomes) in pieces {
            for (record, range) in outcomes {
                sink(record, range.map(|r| &buf[r])).map_err(Error::Output)?;
            }
        }
        Ok(summary)
    }

    /// The columns of `leads`' schema, matched when it is new.
    fn columns(&mut self, leads: &RecordBatch) -> Result<(), Error> {
        let schema = leads.schema();
        if !matches!(&self.columns, Some((s, _)) if *s == schema) {
            let columns = LeadColumns::new(self.policy, &schema, self.options.eval.strict)?;
            self.columns = Some((schema, columns));
        }
        Ok(())
    }

    /// Decodes and evaluates every row of `leads` in pieces of `options.chunk` rows on the
    /// workers. Each piece's rows go to `each` (record number, evaluation or error) with a
    /// working value `init` makes for the piece, which `finish` turns into its output. The
    /// outputs come back in input order, with the batch's totals (added to the stream's).
    fn pieces<W, P: Send>(
        &mut self,
        leads: &RecordBatch,
        init: impl Fn() -> W + Sync,
        each: impl Fn(&mut W, u64, Result<&Evaluation, LeadError>) + Sync,
        finish: impl Fn(W) -> P + Sync,
    ) -> Result<(Vec<P>, Summary), Error> {
        self.columns(leads)?;
        let (_, columns) = self.columns.as_ref().expect("set above");
        let (policy, options) = (self.policy, &self.options);
        let first = self.next_record;
        let stage_count = self.stages.len();
        let piece = |start: usize, len: usize| {
            let slice = leads.slice(start, len);
            let first = first + start as u64;
            let mut evaluator = policy.evaluator(options.eval);
            let mut work = init();
            let mut stages = vec![0u64; stage_count];
            let mut failed = 0;
            for (row, lead) in columns
                .decode(policy, &slice, first)
                .into_iter()
                .enumerate()
            {
                let record = first + row as u64;
                let evaluated = lead.and_then(|lead| {
                    let e = evaluator.evaluate(&lead, options.at, Some(record))?;
                    stages[e.stage_index()] += 1;
                    each(&mut work, record, Ok(&e));
                    Ok(())
                });
                if let Err(mut e) = evaluated {
                    e.record = Some(record);
                    failed += 1;
                    each(&mut work, record, Err(e));
                }
            }
            Piece {
                out: finish(work),
                stages,
                failed,
            }
        };
        let pieces = in_pieces(leads.num_rows(), options.chunk, options.jobs, &piece);
        let mut summary = vec![0u64; stage_count];
        let mut failed = 0;
        let outs = pieces
            .into_iter()
            .map(|p| {
                for (total, n) in summary.iter_mut().zip(&p.stages) {
                    *total += n;
                }
                failed += p.failed;
                p.out
            })
            .collect();
        let evaluated: u64 = summary.iter().sum();
        self.next_record += leads.num_rows() as u64;
        self.evaluated += evaluated;
        self.failed += failed;
        for (total, n) in self.stages.iter_mut().zip(&summary) {
            *total += n;
        }
        let summary = Summary {
            evaluated,
            failed,
            stages: stage_counts(policy.checked(), &summary),
        };
        Ok((outs, summary))
    }
}

/// Runs `piece(start, len)` over `rows` rows in pieces of `chunk`, on `jobs` threads (0: one
/// per core; none started for one piece or one job). The pieces come back in input order.
fn in_pieces<P: Send>(
    rows: usize,
    chunk: usize,
    jobs: usize,
    piece: &(dyn Fn(usize, usize) -> P + Sync),
) -> Vec<P> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let chunk = chunk.max(1);
    let starts: Vec<usize> = (0..rows).step_by(chunk).collect();
    let run = |start: usize| piece(start, chunk.min(rows - start));
    let workers = crate::batch::workers(jobs).min(starts.len());
    if workers <= 1 {
        return starts.into_iter().map(run).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, P)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(start) = starts.get(i) else {
                            return mine;
                        };
                        mine.push((i, run(*start)));
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

/// The report over leads given as record batches (a Parquet or Arrow file's), with the rows
/// of the policy's tables: [`crate::report::run_with_tables`] for batches. Each batch is
/// decoded and its leads' facts computed in pieces on `options.jobs` workers; records are
/// numbered across the batches. A batch that cannot be read, or whose columns do not fit
/// the schema, stops the report.
pub fn report(
    policy: &Policy,
    batches: impl IntoIterator<Item = Result<RecordBatch, ::arrow::error::ArrowError>>,
    tables: Vec<crate::report::TableInput>,
    options: &BatchOptions,
    range: &crate::report::ReportRange,
    on_error: impl FnMut(&LeadError),
) -> Result<crate::report::Report, BatchError> {
    let part = report_part(policy, batches, tables, options, on_error)?;
    Ok(part.into_report(policy, range))
}

/// The counts [`report`] makes its report of, as a [`ReportPart`] to merge with the parts
/// over other batches (a Spark partition's, another file's) before it is finished.
/// Records are numbered from 1 across `batches`.
pub fn report_part(
    policy: &Policy,
    batches: impl IntoIterator<Item = Result<RecordBatch, ::arrow::error::ArrowError>>,
    tables: Vec<crate::report::TableInput>,
    options: &BatchOptions,
    on_error: impl FnMut(&LeadError),
) -> Result<ReportPart, BatchError> {
    crate::report::part_from(policy, tables, options, on_error, |plan, add| {
        let mut columns: Option<(SchemaRef, LeadColumns)> = None;
        let mut next = 1u64;
        for batch in batches {
            let batch = batch.map_err(|e| InputError::Read(std::io::Error::other(e)))?;
            let schema = batch.schema();
            if !matches!(&columns, Some((s, _)) if *s == schema) {
                let c = LeadColumns::new(policy, &schema, options.eval.strict)
                    .map_err(|e| InputError::Columns(e.to_string()))?;
                columns = Some((schema, c));
            }
            let (_, c) = columns.as_ref().expect("set above");
            let piece = |start: usize, len: usize| {
                let first = next + start as u64;
                let leads = c.decode(policy, &batch.slice(start, len), first);
                leads
                    .into_iter()
                    .enumerate()
                    .map(|(row, lead)| {
                        let lead = lead?;
                        policy
                            .with_state(&lead, options.at, |state| plan.facts(state))
                            .map_err(|mut e| {
                                e.record = Some(first + row as u64);
                                e
                            })
                    })
                    .collect::<Vec<_>>()
            };
            let rows = batch.num_rows();
            for result in in_pieces(rows, options.chunk, options.jobs, &piece)
                .into_iter()
                .flatten()
            {
                add(result);
            }
            next += rows as u64;
        }
        Ok(())
    })
}
