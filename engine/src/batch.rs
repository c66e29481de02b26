//! Batch evaluation: streams JSONL, CSV or a JSON array in chunks, evaluates the chunks on all
//! cores (each worker a chunk of its own), and hands the outcomes back in input order. Memory
//! holds about one chunk per worker, however large the input: a chunk holds at most
//! [`BatchOptions::chunk`] records and is handed on early once its text passes a few
//! megabytes, and a record larger than [`MAX_RECORD`] is that record's error, read past
//! without being kept.

use crate::decision::{Decision, Named};
use crate::decode::{CsvDecoder, Lead, LeadError, Row};
use crate::evaluator::EvalOptions;
use crate::evaluator::Evaluation;
use crate::policy::Policy;
use chrono::{DateTime, FixedOffset};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;

/// How the input is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object a line.
    Jsonl,
    /// A header row, then one lead a row. Cells are separated by `,`, or by `;` when the
    /// header line has a `;` and no `,` outside quotes (Excel writes `;` in the languages
    /// whose numbers have a decimal comma, such as Portuguese).
    Csv,
    /// CSV whose cells are separated by this byte (such as `b';'` or `b'\t'`), whatever the
    /// header holds.
    CsvWith(u8),
    /// One JSON document: a lead object or an array of them (an array is read element by
    /// element).
    Json,
}

impl InputFormat {
    /// Guesses from a file name: `.csv`, `.json`, anything else JSONL.
    pub fn from_path(path: &std::path::Path) -> InputFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
        {
            Some(e) if e == "csv" => InputFormat::Csv,
            Some(e) if e == "json" => InputFormat::Json,
            _ => InputFormat::Jsonl,
        }
    }
}

/// Leads per chunk that suits most runs. A chunk of this size (about 400 KB of JSON lines,
/// with its outcomes) stays in the cache between being read, evaluated and written; 4,096
/// leads measured 10% slower on all cores and no faster on one (see BENCHMARKS.md).
pub const CHUNK: usize = 1024;

/// The largest record read, in bytes: a JSONL line, the cells of a CSV row, an element of a
/// JSON array. A larger record is that record's error, and the batch goes on: it is read past
/// without being kept, so memory does not grow with the input's largest record.
pub const MAX_RECORD: usize = 16 << 20;

/// A chunk is handed on once its text reaches this many bytes, however few records it has:
/// 1,024 records of a megabyte each would otherwise make a chunk of a gigabyte. The
/// benchmark's chunks are about 400 KB, so this only cuts chunks of large records.
const CHUNK_BYTES: usize = 4 << 20;

/// The most columns a CSV header may have (a header is a record too, bounded in bytes, but
/// each column costs a slot per row).
const MAX_COLUMNS: usize = 1 << 16;

/// Settings of a batch run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// The evaluation instant for every lead.
    pub at: DateTime<FixedOffset>,
    /// Explanations and strictness.
    pub eval: EvalOptions,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// Leads per chunk: the most held in memory at once ([`CHUNK`] suits most runs).
    pub chunk: usize,
}

/// One lead's outcome.
#[derive(Debug)]
pub struct Outcome {
    /// 1-based record number.
    pub record: u64,
    /// The decision, or why there is none.
    pub result: Result<Decision, LeadError>,
}

/// Totals of a batch run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Leads evaluated.
    pub evaluated: u64,
    /// Records that failed.
    pub failed: u64,
    /// Leads per stage, in stage order.
    pub stages: Named<u64>,
}

/// An error that stops the whole batch: the input cannot be read, or the sink failed.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Reading the input failed, or its shape is wrong for every record (a CSV without a
    /// required column).
    #[error(transparent)]
    Input(#[from] InputError),
    /// The sink returned an error (e.g. the output pipe closed).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
    /// A table given to a report is not one of the policy's, or cannot be read.
    #[error("table `{table}`: {message}")]
    Table {
        /// The table's name as given.
        table: String,
        /// What is wrong.
        message: String,
    },
}

/// Why the input as a whole cannot be read on. Records before it were handed on; a bad
/// record alone is that record's [`LeadError`], not this.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Reading failed.
    #[error("cannot read input: {0}")]
    Read(#[source] std::io::Error),
    /// Reading a JSONL line failed.
    #[error("cannot read line {line}: {source}")]
    Line {
        /// The line's number, from 1.
        line: u64,
        /// Why.
        source: std::io::Error,
    },
    /// Reading the CSV header failed.
    #[error("cannot read the CSV header: {0}")]
    CsvHeader(#[source] std::io::Error),
    /// The CSV header is larger than a record may be.
    #[error(
        "the CSV header is larger than the most a record may be ({} MiB, {MAX_COLUMNS} columns)",
        MAX_RECORD >> 20
    )]
    CsvHeaderTooLarge,
    /// A header cell is not UTF-8.
    #[error("the CSV header is not UTF-8 text")]
    CsvHeaderNotUtf8,
    /// The CSV's columns do not fit the schema (e.g. a required one is missing).
    #[error("{0}")]
    CsvColumns(String),
    /// The columns of a record batch (Parquet, Arrow) do not fit the schema: a required
    /// field has no column, or a column's type cannot hold its field's.
    #[error("{0}")]
    Columns(String),
    /// Reading a CSV record failed.
    #[error("cannot read record {record} (line {line}): {source}")]
    CsvRecord {
        /// The record's number, from 1.
        record: u64,
        /// The line it starts on.
        line: u64,
        /// Why.
        source: std::io::Error,
    },
    /// A JSON input with nothing in it.
    #[error("the JSON input is empty: expected an array of leads or one lead")]
    JsonEmpty,
    /// A JSON array that is never closed.
    #[error(
        "malformed JSON: the input ends before the array is closed (after element {after}, line {line})"
    )]
    JsonUnclosed {
        /// Elements read.
        after: u64,
        /// The last line.
        line: u64,
    },
    /// Text after a JSON array.
    #[error("malformed JSON: text after the end of the array (line {line})")]
    JsonTrailing {
        /// Where the text is.
        line: u64,
    },
    /// A worker thread stopped (it panicked): the batch cannot go on.
    #[error("a worker thread stopped")]
    WorkerStopped,
}

/// A raw record before decoding.
enum Raw {
    /// Where the record's JSON is in its chunk's text.
    Json(Range<usize>),
    /// Where the row's bounds are in its chunk's `cells`: the row's start in the chunk's
    /// text, then the end of each of its cells. Rows are copied onto the chunk's text, not
    /// kept as `csv::StringRecord`s: a copy of one of those is as large as the largest row
    /// read before it, which made one 1 MB cell cost every later row a megabyte.
    Csv(Range<usize>),
    /// A record that could not even be split into fields (boxed: it is rare, and a chunk
    /// holds thousands of records).
    Bad(Box<LeadError>),
}

/// Evaluates every record of `input`, calling `sink` with each outcome in input order.
///
/// ```
/// use funnel_engine::batch::{self, BatchOptions, InputFormat};
/// use funnel_engine::{EvalOptions, Policy};
/// use funnel_grammar::SourceFile;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", r#"
/// policy "demo" version 1
/// schema lead {
///   id: text key
///   size: int
/// }
/// stages {
///   lead
///   mql when size >= 50
/// }
/// "#)]).unwrap();
/// let input = "{\"id\": \"a\", \"size\": 80}\n{\"id\": \"b\", \"size\": \"big\"}\n{\"id\": \"c\", \"size\": 5}\n";
/// let options = BatchOptions {
///     at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap(),
///     eval: EvalOptions::default(),
///     jobs: 2,
///     chunk: 1024,
/// };
/// let mut stages = Vec::new();
/// let summary = batch::run(&policy, input.as_bytes(), InputFormat::Jsonl, &options, |o| {
///     stages.push(o.result.map(|d| d.stage).map_err(|e| e.to_string()));
///     Ok(())
/// })
/// .unwrap();
/// assert_eq!((summary.evaluated, summary.failed), (2, 1));
/// assert_eq!(stages[0], Ok("mql".to_string()));
/// assert_eq!(stages[1], Err("record 2 [b]: field `size`: expected int, found text \"big\"".to_string()));
/// assert_eq!(stages[2], Ok("lead".to_string()));
/// ```
pub fn run<R: Read>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    mut sink: impl FnMut(Outcome) -> std::io::Result<()>,
) -> Result<Summary, BatchError> {
    evaluate_each(
        policy,
        input,
        format,
        options,
        |e: &Evaluation| e.to_decision(),
        |record, result| sink(Outcome { record, result }),
    )
}

/// Evaluates every record of `input` and turns each evaluation into a `T` with `f`, on the
/// worker thread that evaluated it (so rendering output uses every core too); `sink` receives
/// the results in input order.
///
/// ```
/// use funnel_engine::batch::{self, BatchOptions, InputFormat};
/// use funnel_engine::{EvalOptions, Policy};
/// use funnel_grammar::SourceFile;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", r#"
/// policy "demo" version 1
/// schema lead {
///   id: text key
///   size: int
/// }
/// stages {
///   lead
/// }
/// "#)]).unwrap();
/// let input = "{\"id\": \"a\", \"size\": 80}\n{\"id\": \"b\", \"size\": 5}\n";
/// let options = BatchOptions {
///     at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap(),
///     eval: EvalOptions::default(),
///     jobs: 2,
///     chunk: 1024,
/// };
/// let mut lines = Vec::new();
/// batch::evaluate_each(
///     &policy,
///     input.as_bytes(),
///     InputFormat::Jsonl,
///     &options,
///     |e| {
///         let mut json = Vec::new();
///         e.write_json(&mut json);
///         String::from_utf8(json).unwrap()
///     },
///     |_, line| Ok(lines.push(line.unwrap())),
/// )
/// .unwrap();
/// assert!(lines[1].starts_with(r#"{"lead":"b","policy":{"name":"demo","version":1,"#));
/// ```
pub fn evaluate_each<R: Read, T: Send>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    f: impl Fn(&Evaluation) -> T + Sync,
    mut sink: impl FnMut(u64, Result<T, LeadError>) -> std::io::Result<()>,
) -> Result<Summary, BatchError> {
    tally(
        policy,
        input,
        format,
        options,
        |_, e| f(e),
        |_, record, result| sink(record, result),
    )
}

/// Evaluates every record of `input` and writes each evaluation with `write`, on the worker
/// thread that evaluated it, onto a buffer its chunk's leads share; `sink` receives each
/// lead's bytes in input order. This is [`evaluate_each`] for output that is bytes: no
/// allocation a lead, and no buffer moved between threads a lead.
///
/// ```
/// use funnel_engine::batch::{self, BatchOptions, InputFormat};
/// use funnel_engine::{EvalOptions, Policy};
/// use funnel_grammar::SourceFile;
///
/// let policy = Policy::from_sources(vec![SourceFile::new("p.funnel", r#"
/// policy "demo" version 1
/// schema lead {
///   id: text key
///   size: int
/// }
/// stages {
///   lead
///   mql when size >= 50
/// }
/// "#)]).unwrap();
/// let input = "{\"id\": \"a\", \"size\": 80}\n{\"id\": \"b\", \"size\": 5}\n";
/// let options = BatchOptions {
///     at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z").unwrap(),
///     eval: EvalOptions::default(),
///     jobs: 2,
///     chunk: 1024,
/// };
/// let mut out = Vec::new();
/// batch::write_each(
///     &policy,
///     input.as_bytes(),
///     InputFormat::Jsonl,
///     &options,
///     |e, buf| buf.extend_from_slice(e.stage().as_bytes()),
///     |_, stage| Ok(out.push(String::from_utf8(stage.unwrap().to_vec()).unwrap())),
/// )
/// .unwrap();
/// assert_eq!(out, ["mql", "lead"]);
/// ```
pub fn write_each<R: Read>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    write: impl Fn(&Evaluation, &mut Vec<u8>) + Sync,
    mut sink: impl FnMut(u64, Result<&[u8], LeadError>) -> std::io::Result<()>,
) -> Result<Summary, BatchError> {
    tally(
        policy,
        input,
        format,
        options,
        |buf, e| {
            let start = buf.len();
            write(e, buf);
            start..buf.len()
        },
        |buf, record, result| sink(record, result.map(|range| &buf[range])),
    )
}

/// Evaluates every record, counting leads by stage: [`evaluate_each`] and [`write_each`],
/// with `out` the bytes a chunk's leads share.
fn tally<R: Read, T: Send>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    f: impl Fn(&mut Vec<u8>, &Evaluation) -> T + Sync,
    mut sink: impl FnMut(&[u8], u64, Result<T, LeadError>) -> std::io::Result<()>,
) -> Result<Summary, BatchError> {
    let names = &policy.checked().stages;
    let mut stages: Vec<u64> = vec![0; names.len()];
    let (evaluated, failed) = map(
        policy,
        input,
        format,
        options,
        || policy.evaluator(options.eval),
        |evaluator, out, lead, record| {
            let e = evaluator.evaluate(lead, options.at, Some(record))?;
            Ok((e.stage_index(), f(out, &e)))
        },
        |out, record, result| {
            let result = result.map(|(stage, t)| {
                if let Some(n) = stages.get_mut(stage) {
                    *n += 1;
                }
                t
            });
            sink(out, record, result)
        },
    )?;
    Ok(Summary {
        evaluated,
        failed,
        stages: Named(names.iter().map(|s| s.name.clone()).zip(stages).collect()),
    })
}

/// The worker threads `jobs` asks for: 0 means one per core.
pub(crate) fn workers(jobs: usize) -> usize {
    match jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Decodes every record of `input` and applies `f` to each lead on the worker threads (on
/// the calling thread when there is one worker), with working space `init` makes for each
/// of them and a buffer of bytes each chunk's leads share; `sink` receives the results in
/// input order, with their chunk's bytes. Returns (succeeded, failed) counts.
pub(crate) fn map<R: Read, T: Send, W>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    init: impl Fn() -> W + Sync,
    f: impl Fn(&mut W, &mut Vec<u8>, &Lead, u64) -> Result<T, LeadError> + Sync,
    mut sink: impl FnMut(&[u8], u64, Result<T, LeadError>) -> std::io::Result<()>,
) -> Result<(u64, u64), BatchError> {
    let chunk = options.chunk.max(1);
    let workers = workers(options.jobs);
    if workers == 1 {
        return in_turn(policy, input, format, options, init(), f, sink);
    }
    // Each worker evaluates a chunk of its own, with one working space for all of them,
    // while the next chunks are read and the finished ones written. The workers are plain
    // threads that block when idle: a pool's idle workers spin before they sleep, which
    // cost 4% more CPU time on two cores for no gain in time.
    let depth = workers;
    let mut pipeline = Pipeline {
        in_flight: VecDeque::new(),
        spare: Vec::new(),
        ok: 0,
        failed: 0,
    };
    let (jobs, queue) = std::sync::mpsc::sync_channel::<Job<T>>(depth);
    let queue = std::sync::Mutex::new(queue);
    std::thread::scope(|scope| {
        let (queue, init, f) = (&queue, &init, &f);
        for _ in 0..workers {
            scope.spawn(move || {
                // One working space a worker, kept from chunk to chunk.
                let mut work = init();
                loop {
                    // The lock is held only to take a job; a poisoned lock means another
                    // worker panicked, which the scope reports.
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok((mut done, csv, reply)) = job else {
                        return; // no more chunks
                    };
                    let Done {
                        chunk,
                        out,
                        outcomes,
                    } = &mut done;
                    let chunk = &*chunk;
                    outcomes.extend(chunk.records.iter().map(|entry| {
                        let csv = csv.as_deref();
                        let result = outcome(policy, options, csv, chunk, entry, &mut work, out, f);
                        (entry.0, result)
                    }));
                    // When the batch stops early, its receiver is gone and the outcomes
                    // are just not read.
                    let _ = reply.send(done);
                }
            });
        }
        let mut process =
            |batch: &mut Chunk, csv: Option<&Arc<CsvDecoder>>| -> Result<(), BatchError> {
                let spare = pipeline.spare.pop();
                let mut done = spare.unwrap_or_else(|| Done::like(batch));
                std::mem::swap(batch, &mut done.chunk);
                let (reply, rx) = std::sync::mpsc::sync_channel(1);
                jobs.send((done, csv.cloned(), reply))
                    .map_err(|_| InputError::WorkerStopped)?;
                pipeline.in_flight.push_back(rx);
                pipeline.drain(depth, &mut sink)
            };
        // The chunks read before an input error are still evaluated and handed on; once the
        // sink has failed, nothing more is handed to it.
        let read = read_chunks(policy, input, format, options, chunk, &mut process);
        drop(jobs); // the workers stop once the chunks sent are done
        let rest = match read {
            Err(BatchError::Output(_)) => Ok(()),
            _ => pipeline.drain(0, &mut sink),
        };
        read.and(rest)
    })?;
    Ok((pipeline.ok, pipeline.failed))
}

/// One worker: each chunk is evaluated on the calling thread as soon as it is read, then
/// handed on. No thread is started, and a chunk's buffers are reused for the next.
fn in_turn<R: Read, T, W>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    mut work: W,
    f: impl Fn(&mut W, &mut Vec<u8>, &Lead, u64) -> Result<T, LeadError>,
    mut sink: impl FnMut(&[u8], u64, Result<T, LeadError>) -> std::io::Result<()>,
) -> Result<(u64, u64), BatchError> {
    let (mut ok, mut failed) = (0, 0);
    let mut out = Vec::new();
    let mut process =
        |batch: &mut Chunk, csv: Option<&Arc<CsvDecoder>>| -> Result<(), BatchError> {
            out.clear();
            for entry in &batch.records {
                let csv = csv.map(|c| &**c);
                let result = outcome(policy, options, csv, batch, entry, &mut work, &mut out, &f);
                if result.is_ok() {
                    ok += 1;
                } else {
                    failed += 1;
                }
                sink(&out, entry.0, result).map_err(BatchError::Output)?;
            }
            batch.clear();
            Ok(())
        };
    let chunk = options.chunk.max(1);
    read_chunks(policy, input, format, options, chunk, &mut process)?;
    Ok((ok, failed))
}

/// One record decoded and handed to `f`; an error names the record and its line.
#[allow(clippy::too_many_arguments)] // one call in each of `map`'s two paths
fn outcome<T, W>(
    policy: &Policy,
    options: &BatchOptions,
    csv: Option<&CsvDecoder>,
    chunk: &Chunk,
    (record, line, raw): &(u64, Option<u64>, Raw),
    work: &mut W,
    out: &mut Vec<u8>,
    f: &impl Fn(&mut W, &mut Vec<u8>, &Lead, u64) -> Result<T, LeadError>,
) -> Result<T, LeadError> {
    decode_raw(policy, chunk, raw, csv, options)
        .and_then(|lead| f(work, out, &lead, *record))
        .map_err(|mut e| {
            e.record = Some(*record);
            e.line = *line;
            e
        })
}

/// A chunk for a worker: its buffers, its CSV decoder, and where to send it back.
type Job<T> = (Done<T>, Option<Arc<CsvDecoder>>, SyncSender<Done<T>>);

/// One chunk's outcomes: record number and result, in input order.
type Outcomes<T> = Vec<(u64, Result<T, LeadError>)>;

/// A chunk on its way through a worker: its records, then the outcomes and bytes they gave.
/// Once handed on, its buffers carry the next chunk read (a chunk's text and bytes run to
/// hundreds of kilobytes: fresh ones for every chunk cost page faults on all cores).
struct Done<T> {
    chunk: Chunk,
    out: Vec<u8>,
    outcomes: Outcomes<T>,
}

impl<T> Done<T> {
    /// Empty buffers with the room `last` needed.
    fn like(last: &Chunk) -> Done<T> {
        Done {
            chunk: Chunk::like(last),
            out: Vec::new(),
            outcomes: Vec::with_capacity(last.records.capacity()),
        }
    }
}

/// The chunks being evaluated, oldest first, the buffers of those handed on, and their
/// counts.
struct Pipeline<T> {
    in_flight: VecDeque<Receiver<Done<T>>>,
    spare: Vec<Done<T>>,
    ok: u64,
    failed: u64,
}

impl<T> Pipeline<T> {
    /// Hands the oldest chunks' outcomes to `sink`, in order, until at most `keep` are left.
    fn drain(
        &mut self,
        keep: usize,
        sink: &mut impl FnMut(&[u8], u64, Result<T, LeadError>) -> std::io::Result<()>,
    ) -> Result<(), BatchError> {
        while self.in_flight.len() > keep {
            let chunk = self
                .in_flight
                .pop_front()
                .expect("more than `keep` in flight");
            let mut done = chunk.recv().map_err(|_| InputError::WorkerStopped)?;
            for (record, result) in done.outcomes.drain(..) {
                if result.is_ok() {
                    self.ok += 1;
                } else {
                    self.failed += 1;
                }
                sink(&done.out, record, result).map_err(BatchError::Output)?;
            }
            done.chunk.clear();
            done.out.clear();
            self.spare.push(done);
        }
        Ok(())
    }
}

/// A chunk of raw records.
#[derive(Default)]
struct Chunk {
    /// The text of its JSON records or CSV rows' cells, one after another: one allocation
    /// a chunk, not one a line, and the text is checked as UTF-8 on the worker threads, a
    /// record at a time.
    text: Vec<u8>,
    /// For each CSV row, its start in `text`, then the end of each of its cells.
    cells: Vec<usize>,
    /// Record number, input line (when it differs), the record.
    records: Vec<(u64, Option<u64>, Raw)>,
}

impl Chunk {
    /// An empty chunk with the room the last one needed.
    fn like(last: &Chunk) -> Chunk {
        Chunk {
            text: Vec::with_capacity(last.text.capacity()),
            cells: Vec::with_capacity(last.cells.capacity()),
            records: Vec::with_capacity(last.records.capacity()),
        }
    }

    /// Whether the chunk is ready to be handed on: `chunk` records, or enough bytes.
    fn full(&self, chunk: usize) -> bool {
        self.records.len() >= chunk || self.text.len() >= CHUNK_BYTES
    }

    fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.records.clear();
    }

    fn push(&mut self, record: u64, line: Option<u64>, raw: Raw) {
        self.records.push((record, line, raw));
    }

    /// A CSV row: its cells' bytes, and where each ends among them.
    fn push_csv(&mut self, record: u64, line: Option<u64>, text: &[u8], ends: &[usize]) {
        let start = self.text.len();
        self.text.extend_from_slice(text);
        let first = self.cells.len();
        self.cells.push(start);
        self.cells.extend(ends.iter().map(|e| start + e));
        self.push(record, line, Raw::Csv(first..self.cells.len()));
    }
}

/// The error of a record larger than [`MAX_RECORD`].
fn too_large() -> Raw {
    let mut e = LeadError::new(format!(
        "the record is larger than {} MiB, the most a record may be",
        MAX_RECORD >> 20
    ));
    e.found = Some(format!("a record of more than {} MiB", MAX_RECORD >> 20));
    Raw::Bad(Box::new(e))
}

/// A record that is not one (a CSV row with too few cells, a stray `,` in a JSON array).
fn bad(message: String) -> Raw {
    Raw::Bad(Box::new(LeadError::new(message)))
}

/// `fill_buf`, retried when a signal interrupts it (as `read_until` does); the bytes are
/// then in `input.buffer()` (returning them from the loop does not pass the borrow checker).
fn fill<R: Read>(input: &mut BufReader<R>) -> std::io::Result<()> {
    loop {
        match input.fill_buf() {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
            Ok(_) => return Ok(()),
        }
    }
}

/// Reads a line onto the end of `buf`, with its `\n`. `None` at the end of the input;
/// `Some(false)` for a line longer than [`MAX_RECORD`], which is read past but not kept.
fn read_line<R: Read>(
    input: &mut BufReader<R>,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<bool>> {
    let start = buf.len();
    let (mut any, mut fits) = (false, true);
    loop {
        fill(input)?;
        let available = input.buffer();
        if available.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if fits {
            // Room for a `\r\n` after a line of the largest size.
            if buf.len() - start + used > MAX_RECORD + 2 {
                fits = false;
                buf.truncate(start);
            } else {
                buf.extend_from_slice(&available[..used]);
            }
        }
        input.consume(used);
        if done {
            return Ok(Some(fits));
        }
    }
}

/// Reads `input` in chunks of `chunk` records and hands each to `process` (with the CSV
/// header's decoder for CSV).
fn read_chunks<R: Read>(
    policy: &Policy,
    input: R,
    format: InputFormat,
    options: &BatchOptions,
    chunk: usize,
    process: &mut impl FnMut(&mut Chunk, Option<&Arc<CsvDecoder>>) -> Result<(), BatchError>,
) -> Result<(), BatchError> {
    let mut batch = Chunk::default();
    match format {
        InputFormat::Jsonl => {
            let mut reader = BufReader::with_capacity(1 << 16, input);
            let mut number = 0u64;
            loop {
                number += 1;
                // Each line is read onto the end of the chunk's text, where it stays.
                let start = batch.text.len();
                let fits = match read_line(&mut reader, &mut batch.text) {
                    Ok(Some(fits)) => fits,
                    Ok(None) => break,
                    Err(e) => {
                        // The lines before it are leads like any others.
                        batch.text.truncate(start);
                        process(&mut batch, None)?;
                        return Err(InputError::Line {
                            line: number,
                            source: e,
                        }
                        .into());
                    }
                };
                let line = batch.text[start..]
                    .strip_suffix(b"\n")
                    .unwrap_or(&batch.text[start..]);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let end = start + line.len();
                if !fits || line.len() > MAX_RECORD {
                    batch.text.truncate(start);
                    batch.push(number, None, too_large());
                } else if line.iter().all(u8::is_ascii_whitespace) {
                    batch.text.truncate(start);
                    continue;
                } else {
                    batch.push(number, None, Raw::Json(start..end));
                }
                if batch.full(chunk) {
                    process(&mut batch, None)?;
                }
            }
            process(&mut batch, None)?;
        }
        InputFormat::Json => {
            let mut elements = JsonElements::new(input);
            let mut record = 0u64;
            loop {
                let start = batch.text.len();
                let element = match elements.next(&mut batch.text) {
                    Ok(Some(element)) => element,
                    Ok(None) => break,
                    Err(e) => {
                        // The elements before it are leads like any others.
                        batch.text.truncate(start);
                        process(&mut batch, None)?;
                        return Err(e);
                    }
                };
                record += 1;
                let raw = match element.problem {
                    Some(problem) => {
                        batch.text.truncate(start);
                        bad(problem)
                    }
                    None if !element.fits => too_large(),
                    None => Raw::Json(start..batch.text.len()),
                };
                batch.push(record, element.line, raw);
                if batch.full(chunk) {
                    process(&mut batch, None)?;
                }
            }
            process(&mut batch, None)?;
        }
        InputFormat::Csv | InputFormat::CsvWith(_) => {
            let delimiter = match format {
                InputFormat::CsvWith(d) => Some(d),
                _ => None,
            };
            let mut rows = CsvRows::new(input, delimiter).map_err(InputError::CsvHeader)?;
            let header = rows.next(MAX_COLUMNS).map_err(InputError::CsvHeader)?;
            let headers = match header {
                None => Vec::new(),
                Some(h) if h.too_large || h.cells > MAX_COLUMNS => {
                    return Err(InputError::CsvHeaderTooLarge.into())
                }
                Some(h) => rows.header(&h)?,
            };
            let decoder = Arc::new(
                CsvDecoder::new(
                    policy.checked(),
                    policy.index(),
                    &headers,
                    options.eval.strict,
                )
                .map_err(|e| InputError::CsvColumns(e.message))?,
            );
            let width = decoder.width();
            let mut record = 0u64;
            loop {
                record += 1;
                let row = match rows.next(width) {
                    Ok(Some(row)) => row,
                    Ok(None) => break,
                    Err(e) => {
                        process(&mut batch, Some(&decoder))?;
                        return Err(InputError::CsvRecord {
                            record,
                            line: rows.line,
                            source: e,
                        }
                        .into());
                    }
                };
                let line = Some(row.line);
                if row.too_large {
                    batch.push(record, line, too_large());
                } else if row.cells != width {
                    let message = format!(
                        "bad CSV row: it has {} cells, the header {width}",
                        row.cells
                    );
                    batch.push(record, line, bad(message));
                } else {
                    batch.push_csv(record, line, &rows.out[..row.len], &rows.ends[..row.cells]);
                }
                if batch.full(chunk) {
                    process(&mut batch, Some(&decoder))?;
                }
            }
            process(&mut batch, Some(&decoder))?;
        }
    }
    Ok(())
}

fn decode_raw(
    policy: &Policy,
    chunk: &Chunk,
    raw: &Raw,
    csv: Option<&CsvDecoder>,
    options: &BatchOptions,
) -> Result<Lead, LeadError> {
    match (raw, csv) {
        (Raw::Json(range), _) => policy.decode_json(&chunk.text[range.clone()], &options.eval),
        (Raw::Csv(bounds), Some(decoder)) => {
            let row = Row {
                text: &chunk.text,
                bounds: &chunk.cells[bounds.clone()],
            };
            Ok(Lead {
                values: decoder
                    .decode(policy.checked(), policy.index(), row)?
                    .into(),
            })
        }
        (Raw::Csv(_), None) => Err(LeadError::new("a CSV row without its header")),
        (Raw::Bad(e), _) => Err((**e).clone()),
    }
}

/// The delimiter of a CSV file whose first bytes are `start`: `;` when its header line has a
/// `;` and no `,` outside quotes, else `,`. A spreadsheet saved as CSV where numbers have a
/// decimal comma (pt-BR, es, fr, de, ...) separates cells with `;`; its header, names only,
/// holds no `,` but in quotes. The header is looked for in `start` (the input's first 64 KiB
/// when the batch reads it).
///
/// ```
/// use funnel_engine::batch::detect_delimiter;
///
/// assert_eq!(detect_delimiter(b"id;Setor;\"Valor, R$\"\r\nL-1;servi\xc3\xa7os;1,5\r\n"), b';');
/// assert_eq!(detect_delimiter(b"id,sector\na;b,c\n"), b',');
/// assert_eq!(detect_delimiter(b"id;sector,size\n"), b',');
/// assert_eq!(detect_delimiter(b"\"id;sector\"\n"), b',');
/// ```
pub fn detect_delimiter(start: &[u8]) -> u8 {
    let (mut quoted, mut semicolons) = (false, 0usize);
    // Blank lines before the header are skipped, as the reader skips them.
    for &b in start.iter().skip_while(|b| matches!(b, b'\n' | b'\r')) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => return b',',
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > 0 {
        b';'
    } else {
        b','
    }
}

/// CSV rows read by `csv_core` into buffers bounded by [`MAX_RECORD`]. (The `csv` crate's
/// reader has no bound: it holds a row whole, however large.)
struct CsvRows<R> {
    input: BufReader<R>,
    core: csv_core::Reader,
    /// The cells of the row being read, one after another.
    out: Vec<u8>,
    /// Where each of its cells ends in `out`.
    ends: Vec<usize>,
    /// The input line the reader is on.
    line: u64,
}

/// A row read by [`CsvRows::next`]: its cells are `out[..len]`, ending at `ends[..cells]`,
/// unless it has more cells than were kept or is too large.
struct RowRead {
    /// The input line it starts on.
    line: u64,
    len: usize,
    cells: usize,
    too_large: bool,
}

impl<R: Read> CsvRows<R> {
    /// Cells separated by `delimiter`, or by the one the header line shows (see
    /// [`detect_delimiter`]).
    fn new(input: R, delimiter: Option<u8>) -> std::io::Result<Self> {
        let mut input = BufReader::with_capacity(1 << 16, input);
        let delimiter = match delimiter {
            Some(d) => d,
            None => {
                fill(&mut input)?;
                detect_delimiter(input.buffer())
            }
        };
        Ok(CsvRows {
            input,
            // The `csv` crate's defaults otherwise: `"` doubled inside quotes, any line ending.
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            out: vec![0; 1 << 10],
            ends: vec![0; 64],
            line: 1,
        })
    }

    /// Skips the line breaks before a row, counting them: `csv_core` skips blank lines
    /// itself, but its line count then names a row by the line of the break before it.
    fn skip_line_breaks(&mut self) -> std::io::Result<()> {
        loop {
            fill(&mut self.input)?;
            let bytes = self.input.buffer();
            let n = bytes
                .iter()
                .position(|&b| b != b'\n' && b != b'\r')
                .unwrap_or(bytes.len());
            self.line += memchr::memchr_iter(b'\n', &bytes[..n]).count() as u64;
            self.input.consume(n);
            if n == 0 || !self.input.buffer().is_empty() {
                return Ok(());
            }
        }
    }

    /// Reads the next row, keeping the ends of at most `most` of its cells (the others are
    /// counted, not kept); `None` at the end of the input.
    fn next(&mut self, most: usize) -> std::io::Result<Option<RowRead>> {
        use csv_core::ReadRecordResult as R;
        self.skip_line_breaks()?;
        let line = self.line;
        let lines_before = self.core.line();
        let (mut len, mut kept, mut cells, mut too_large) = (0, 0, 0, false);
        loop {
            fill(&mut self.input)?;
            let (result, read, written, ended) = self.core.read_record(
                self.input.buffer(),
                &mut self.out[len..],
                &mut self.ends[kept..],
            );
            self.input.consume(read);
            len += written;
            kept += ended;
            cells += ended;
            match result {
                R::InputEmpty => {}
                R::OutputFull if self.out.len() >= MAX_RECORD => {
                    // The rest of the row is read over the same bytes: only its end matters.
                    too_large = true;
                    len = 0;
                }
                R::OutputFull => {
                    let room = (self.out.len() * 2).min(MAX_RECORD);
                    self.out.resize(room, 0);
                }
                // A row with more cells than the header is an error: count the rest.
                R::OutputEndsFull if self.ends.len() > most => kept = 0,
                R::OutputEndsFull => {
                    let room = self.ends.len() * 2;
                    self.ends.resize(room, 0);
                }
                R::Record => {
                    self.line += self.core.line() - lines_before;
                    return Ok(Some(RowRead {
                        line,
                        len,
                        cells,
                        too_large,
                    }));
                }
                R::End => return Ok(None),
            }
        }
    }

    /// The header's cells as text.
    fn header(&self, h: &RowRead) -> Result<Vec<String>, BatchError> {
        let mut start = 0;
        self.ends[..h.cells]
            .iter()
            .map(|&end| {
                let cell = &self.out[start..end];
                start = end;
                String::from_utf8(cell.to_vec()).map_err(|_| InputError::CsvHeaderNotUtf8.into())
            })
            .collect()
    }
}

/// An element of a JSON array, as [`JsonElements::next`] finds it.
struct Element {
    /// The input line it starts on (none for a document that is not an array).
    line: Option<u64>,
    /// Whether it was kept: at most [`MAX_RECORD`] bytes.
    fits: bool,
    /// Why it is not an element at all (a stray `,`).
    problem: Option<String>,
}

/// Where [`JsonElements`] is in the document.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Before the document.
    Start,
    /// After `[`, before the first element.
    First,
    /// After a `,`.
    Comma,
    /// After an element.
    After,
    /// After the array's `]`, or after a document that is not an array.
    Done,
}

/// The elements of a JSON array, one at a time, found by a scan of the brackets and strings
/// that does not parse them: each is then decoded on a worker like a JSONL line. So the
/// array is never held whole, and an element that is not valid JSON is that element's error
/// while the elements after it are still read. A document that is not an array is one
/// element.
struct JsonElements<R> {
    input: BufReader<R>,
    /// The line the scan is on.
    line: u64,
    place: Place,
    /// The elements read.
    count: u64,
    scan: Scan,
}

/// Where a scan is inside an element.
#[derive(Default)]
struct Scan {
    /// The brackets open, innermost last, up to [`Scan::DEEPEST`].
    open: Vec<u8>,
    /// Brackets open beyond those (a decoder refuses such depths anyway).
    deeper: u64,
    in_string: bool,
    escaped: bool,
}

impl Scan {
    const DEEPEST: usize = 1 << 12;

    fn depth(&self) -> u64 {
        self.open.len() as u64 + self.deeper
    }

    /// Scans `bytes`, which continue an element; gives how many of them belong to it, and
    /// whether it ends there. `line` counts the line breaks scanned.
    fn feed(&mut self, bytes: &[u8], line: &mut u64) -> (usize, bool) {
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    *line += u64::from(b == b'\n');
                    i += 1;
                    continue;
                }
                let Some(j) = memchr::memchr3(b'"', b'\\', b'\n', &bytes[i..]) else {
                    return (bytes.len(), false);
                };
                i += j;
                match bytes[i] {
                    b'\\' => self.escaped = true,
                    b'"' => {
                        self.in_string = false;
                        if self.depth() == 0 {
                            return (i + 1, true);
                        }
                    }
                    _ => {
                        // A line break cannot be inside a JSON string: this one was never
                        // closed. Ending it here lets the lines after be read as JSON again
                        // (the element is malformed, and its decoder says so).
                        self.in_string = false;
                        if self.depth() == 0 {
                            return (i, true);
                        }
                        *line += 1;
                    }
                }
                i += 1;
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' if self.open.len() < Self::DEEPEST => self.open.push(b),
                b'{' | b'[' => self.deeper += 1,
                b'}' | b']' if self.deeper > 0 => self.deeper -= 1,
                b'}' | b']' => {
                    let opener = if b == b'}' { b'{' } else { b'[' };
                    match self.open.iter().rposition(|&o| o == opener) {
                        // Brackets left open inside are closed with it, so that an element
                        // with a missing bracket still ends where it was meant to.
                        Some(k) => self.open.truncate(k),
                        // A `]` that closes nothing in the element closes the array.
                        None if b == b']' => return (i, true),
                        None => {}
                    }
                    if self.open.is_empty() {
                        return (i + 1, true);
                    }
                }
                // A number, `true`, `false` or `null` ends at what follows it.
                b',' | b' ' | b'\t' | b'\r' | b'\n' if self.open.is_empty() => return (i, true),
                b'\n' => *line += 1,
                _ => {}
            }
            i += 1;
        }
        (bytes.len(), false)
    }
}

impl<R: Read> JsonElements<R> {
    fn new(input: R) -> Self {
        JsonElements {
            input: BufReader::with_capacity(1 << 16, input),
            line: 1,
            place: Place::Start,
            count: 0,
            scan: Scan::default(),
        }
    }

    fn read_error(e: std::io::Error) -> BatchError {
        InputError::Read(e).into()
    }

    /// Skips white space; gives the next byte, not consumed (`None` at the end).
    fn peek(&mut self) -> Result<Option<u8>, BatchError> {
        loop {
            fill(&mut self.input).map_err(Self::read_error)?;
            let bytes = self.input.buffer();
            if bytes.is_empty() {
                return Ok(None);
            }
            let mut n = 0;
            for &b in bytes {
                match b {
                    b'\n' => self.line += 1,
                    b' ' | b'\t' | b'\r' => {}
                    _ => break,
                }
                n += 1;
            }
            let next = bytes.get(n).copied();
            self.input.consume(n);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// The next element, read onto the end of `buf` (unless it is too large); `None` after
    /// the last. An error is a document that cannot be split into elements any further.
    fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Element>, BatchError> {
        loop {
            let next = self.peek()?;
            match (self.place, next) {
                (Place::Start, None) => return Err(InputError::JsonEmpty.into()),
                (Place::Start, Some(b'[')) => {
                    self.input.consume(1);
                    self.place = Place::First;
                }
                (Place::Start, Some(_)) => {
                    // One lead: the whole document, decoded like a line of JSONL.
                    self.place = Place::Done;
                    let fits = self.rest(buf)?;
                    return Ok(Some(Element {
                        line: None,
                        fits,
                        problem: None,
                    }));
                }
                (Place::First | Place::After, Some(b']')) => {
                    self.input.consume(1);
                    self.place = Place::Done;
                }
                (Place::After, Some(b',')) => {
                    self.input.consume(1);
                    self.place = Place::Comma;
                }
                (Place::Comma, Some(b @ (b',' | b']'))) => {
                    // Reported as an element of its own, so that the elements around it
                    // are read as they are.
                    self.count += 1;
                    if b == b',' {
                        self.input.consume(1);
                    } else {
                        self.place = Place::After; // the `]` is read next, as the array's end
                    }
                    let what = if b == b',' { "`,`" } else { "`]`" };
                    return Ok(Some(Element {
                        line: Some(self.line),
                        fits: true,
                        problem: Some(format!(
                            "malformed JSON: no element between `,` and {what} (line {})",
                            self.line
                        )),
                    }));
                }
                (Place::First | Place::Comma | Place::After, None) => {
                    return Err(InputError::JsonUnclosed {
                        after: self.count,
                        line: self.line,
                    }
                    .into())
                }
                (Place::First | Place::Comma | Place::After, Some(_)) => {
                    let missing_comma = self.place == Place::After;
                    let line = self.line;
                    self.count += 1;
                    self.place = Place::After;
                    let fits = self.element(buf)?;
                    // Without its `,` the element may be the tail of a broken one: it is
                    // reported, not guessed at.
                    let problem = missing_comma.then(|| {
                        format!(
                            "malformed JSON: expected `,` or `]` before this element (line {line})"
                        )
                    });
                    return Ok(Some(Element {
                        line: Some(line),
                        fits,
                        problem,
                    }));
                }
                (Place::Done, None) => return Ok(None),
                (Place::Done, Some(_)) => {
                    return Err(InputError::JsonTrailing { line: self.line }.into())
                }
            }
        }
    }

    /// Scans one element onto `buf`; whether it fits in [`MAX_RECORD`].
    fn element(&mut self, buf: &mut Vec<u8>) -> Result<bool, BatchError> {
        let start = buf.len();
        let mut fits = true;
        self.scan.open.clear();
        self.scan.deeper = 0;
        self.scan.in_string = false;
        self.scan.escaped = false;
        let mut first = true;
        loop {
            fill(&mut self.input).map_err(Self::read_error)?;
            let bytes = self.input.buffer();
            if bytes.is_empty() {
                // The input ends inside the element: its decoder reports how, and the array
                // left open says nothing more.
                self.place = Place::Done;
                return Ok(fits);
            }
            let (mut used, done) = self.scan.feed(bytes, &mut self.line);
            if first && used == 0 {
                // A byte no element can start with (`}`): taken as the element, so that
                // the scan moves on and the decoder reports it.
                used = 1;
            }
            first = false;
            if fits {
                if buf.len() - start + used > MAX_RECORD {
                    fits = false;
                    buf.truncate(start);
                } else {
                    buf.extend_from_slice(&bytes[..used]);
                }
            }
            self.input.consume(used);
            if done {
                return Ok(fits);
            }
        }
    }

    /// Reads the rest of the input onto `buf`; whether it fits in [`MAX_RECORD`].
    fn rest(&mut self, buf: &mut Vec<u8>) -> Result<bool, BatchError> {
        let start = buf.len();
        let mut fits = true;
        loop {
            fill(&mut self.input).map_err(Self::read_error)?;
            let bytes = self.input.buffer();
            if bytes.is_empty() {
                return Ok(fits);
            }
            if fits {
                if buf.len() - start + bytes.len() > MAX_RECORD {
                    fits = false;
                    buf.truncate(start);
                } else {
                    buf.extend_from_slice(bytes);
                }
            }
            let n = bytes.len();
            self.input.consume(n);
        }
    }
}
