//! Batch evaluation: streams JSONL or CSV in chunks, evaluates the chunks on all cores (each
//! worker a chunk of its own), and hands the outcomes back in input order. Memory holds about
//! one chunk per worker, however large the input.

use crate::decision::{Decision, Named};
use crate::decode::{CsvDecoder, Lead, LeadError};
use crate::evaluator::Evaluation;
use crate::policy::{EvalOptions, Policy};
use chrono::{DateTime, FixedOffset};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::Arc;

/// How the input is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object a line.
    Jsonl,
    /// A header row, then one lead a row.
    Csv,
    /// One JSON document: a lead object or an array of them (read whole).
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
#[derive(Debug)]
pub enum BatchError {
    /// Reading the input failed, or its shape is wrong for every record (a CSV without a
    /// required column).
    Input(String),
    /// The sink returned an error (e.g. the output pipe closed).
    Output(std::io::Error),
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::Input(m) => f.write_str(m),
            BatchError::Output(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl std::error::Error for BatchError {}

/// A raw record before decoding.
enum Raw {
    /// Where the record's JSON is in its chunk's text.
    Json(Range<usize>),
    Csv(csv::StringRecord),
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
    let workers = match options.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
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
                    outcomes.extend(chunk.records.iter().map(|entry| {
                        let (csv, text) = (csv.as_deref(), &chunk.text);
                        let result = outcome(policy, options, csv, text, entry, &mut work, out, f);
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
                    .map_err(|_| BatchError::Input("a worker thread stopped".into()))?;
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
                let (csv, text) = (csv.map(|c| &**c), &batch.text);
                let result = outcome(policy, options, csv, text, entry, &mut work, &mut out, &f);
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
    text: &[u8],
    (record, line, raw): &(u64, Option<u64>, Raw),
    work: &mut W,
    out: &mut Vec<u8>,
    f: &impl Fn(&mut W, &mut Vec<u8>, &Lead, u64) -> Result<T, LeadError>,
) -> Result<T, LeadError> {
    decode_raw(policy, text, raw, csv, options)
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
            let mut done = chunk
                .recv()
                .map_err(|_| BatchError::Input("a worker thread stopped".into()))?;
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
    /// The text of its JSON records, one after another: one allocation a chunk, not one a
    /// line, and the text is checked as UTF-8 on the worker threads, a record at a time.
    text: Vec<u8>,
    /// Record number, input line (when it differs), the record.
    records: Vec<(u64, Option<u64>, Raw)>,
}

impl Chunk {
    /// An empty chunk with the room the last one needed.
    fn like(last: &Chunk) -> Chunk {
        Chunk {
            text: Vec::with_capacity(last.text.capacity()),
            records: Vec::with_capacity(last.records.capacity()),
        }
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.records.clear();
    }

    fn push(&mut self, record: u64, line: Option<u64>, raw: Raw) {
        self.records.push((record, line, raw));
    }

    fn push_json(&mut self, record: u64, json: &[u8]) {
        let start = self.text.len();
        self.text.extend_from_slice(json);
        self.push(record, None, Raw::Json(start..self.text.len()));
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
                match reader.read_until(b'\n', &mut batch.text) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        // The lines before it are leads like any others.
                        batch.text.truncate(start);
                        process(&mut batch, None)?;
                        return Err(BatchError::Input(format!("cannot read line {number}: {e}")));
                    }
                }
                let line = batch.text[start..]
                    .strip_suffix(b"\n")
                    .unwrap_or(&batch.text[start..]);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let end = start + line.len();
                if line.iter().all(u8::is_ascii_whitespace) {
                    batch.text.truncate(start);
                    continue;
                }
                batch.push(number, None, Raw::Json(start..end));
                if batch.len() == chunk {
                    process(&mut batch, None)?;
                }
            }
            process(&mut batch, None)?;
        }
        InputFormat::Json => {
            let mut text = String::new();
            BufReader::new(input)
                .read_to_string(&mut text)
                .map_err(|e| BatchError::Input(format!("cannot read input: {e}")))?;
            let doc: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| BatchError::Input(format!("malformed JSON: {e}")))?;
            let items = match doc {
                serde_json::Value::Array(items) => items,
                other => vec![other],
            };
            for (i, item) in items.into_iter().enumerate() {
                batch.push_json((i + 1) as u64, item.to_string().as_bytes());
                if batch.len() == chunk {
                    process(&mut batch, None)?;
                }
            }
            process(&mut batch, None)?;
        }
        InputFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().from_reader(input);
            let headers = reader
                .headers()
                .map_err(|e| BatchError::Input(format!("cannot read the CSV header: {e}")))?
                .clone();
            let decoder = Arc::new(
                CsvDecoder::new(
                    policy.checked(),
                    policy.index(),
                    &headers,
                    options.eval.strict,
                )
                .map_err(|e| BatchError::Input(e.message))?,
            );
            let mut record = 0u64;
            let mut row = csv::StringRecord::new();
            loop {
                record += 1;
                match reader.read_record(&mut row) {
                    Ok(true) => {
                        let line = row.position().map(|p| p.line());
                        batch.push(record, line, Raw::Csv(row.clone()));
                    }
                    Ok(false) => break,
                    Err(e) => {
                        // A row the CSV reader cannot split is that record's error.
                        let line = e.position().map(|p| p.line());
                        batch.push(
                            record,
                            line,
                            Raw::Bad(Box::new(LeadError::new(format!("bad CSV row: {e}")))),
                        );
                    }
                }
                if batch.len() == chunk {
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
    text: &[u8],
    raw: &Raw,
    csv: Option<&CsvDecoder>,
    options: &BatchOptions,
) -> Result<Lead, LeadError> {
    match (raw, csv) {
        (Raw::Json(range), _) => policy.decode_json(&text[range.clone()], &options.eval),
        (Raw::Csv(row), Some(decoder)) => Ok(Lead {
            values: decoder
                .decode(policy.checked(), policy.index(), row)?
                .into(),
        }),
        (Raw::Csv(_), None) => Err(LeadError::new("a CSV row without its header")),
        (Raw::Bad(e), _) => Err((**e).clone()),
    }
}
