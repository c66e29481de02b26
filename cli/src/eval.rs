//! `funnel eval`: evaluate a batch of leads, streaming, on all cores.

use crate::args::{Leads, PolicyAt};
use crate::columnar::{self, Batches, ParquetDecisions};
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::io_reason;
use crate::progress::Progress;
use crate::render::{DecisionWriter, OutputFormat, Rendered};
use funnel_engine::arrow::BatchEvaluator;
use funnel_engine::batch::{self, BatchOptions, Summary};
use funnel_engine::{EvalOptions, Evaluation, LeadError};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    policy: PolicyAt,
    #[command(flatten)]
    leads: Leads,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: OutputFormat,
    /// Attach each decision's explanation.
    #[arg(long)]
    explain: bool,
    /// Write decisions to this file instead of stdout.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Also write each bad record's error to this file, as JSONL.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Report input fields the schema does not have.
    #[arg(long)]
    strict: bool,
    /// Do not print the progress bar or the closing summary.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Why an evaluation stopped before its input's end.
enum Stop {
    /// Writing the decisions failed (a closed pipe ends the run quietly).
    Output(std::io::Error),
    /// The input cannot be read on.
    Input(String),
}

impl From<batch::BatchError> for Stop {
    fn from(e: batch::BatchError) -> Stop {
        match e {
            batch::BatchError::Output(e) => Stop::Output(e),
            e => Stop::Input(e.to_string()),
        }
    }
}

impl From<funnel_engine::arrow::Error> for Stop {
    fn from(e: funnel_engine::arrow::Error) -> Stop {
        match e {
            funnel_engine::arrow::Error::Output(e) => Stop::Output(e),
            e => Stop::Input(e.to_string()),
        }
    }
}

pub fn run(args: Args) -> Outcome {
    let (policy, at) = args.policy.load()?;
    let columnar = args.leads.columnar()?;
    let parquet = args.format == OutputFormat::Parquet;
    if parquet && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "not writing Parquet to a terminal: give --output FILE, or redirect stdout".into(),
        ));
    }
    // Opened before the output is created, so that a missing input leaves no empty file.
    let (input, source) = match columnar {
        Some(kind) => {
            let source = args.leads.name();
            let batches = columnar::open(args.leads.path(), kind, &source)?;
            (Input::Batches(batches), source)
        }
        None => {
            let (input, format, source) = args.leads.open()?;
            (Input::Text(input, format), source)
        }
    };
    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(create(path)?),
        None => Box::new(std::io::stdout()),
    };
    let mut errors_out = match &args.errors {
        Some(path) => Some(BufWriter::new(create(path)?)),
        None => None,
    };
    // Decisions run to tens of megabytes: a large buffer means few system calls (stdout's
    // own line buffering passes a write of whole lines straight through).
    let out = BufWriter::with_capacity(1 << 16, out);
    let progress = match &input {
        Input::Batches(b) => Progress::for_leads(b.rows, args.quiet),
        Input::Text(..) => Progress::for_input(&args.leads, args.quiet),
    };
    let mut leads = 0u64;
    let options = BatchOptions {
        at,
        eval: EvalOptions {
            explain: args.explain,
            strict: args.strict,
        },
        jobs: args.leads.jobs(),
        chunk: batch::CHUNK,
    };
    // Each record's error is printed (and kept with --errors); `count` says how many leads
    // are done.
    let mut record_error = |e: &LeadError| -> std::io::Result<()> {
        progress.println(&format!("error: {source}: {e}"));
        if let Some(w) = errors_out.as_mut() {
            serde_json::to_writer(&mut *w, e)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    };
    let mut count = || {
        leads += 1;
        // Every 4,096 leads: often enough to see the count move, seldom enough to cost
        // nothing (a mask, as `is_multiple_of` is newer than the Rust this builds with).
        if leads & 4095 == 0 {
            progress.leads(leads);
        }
    };
    let result: Result<(Summary, Finish<'_>), Stop> = if parquet {
        let mut writer = ParquetDecisions::new(out, &policy, args.explain)?;
        let summary = match input {
            Input::Batches(b) => (|| {
                let mut evaluator = BatchEvaluator::new(&policy, options.clone());
                for batch in b.batches {
                    let batch = batch.map_err(|e| Stop::Input(e.to_string()))?;
                    let out = evaluator.evaluate(&batch)?;
                    for _ in 0..batch.num_rows() {
                        count();
                    }
                    writer.write(&out.decisions).map_err(Stop::Output)?;
                    for e in errors_of(&out.errors) {
                        record_error(&e).map_err(Stop::Output)?;
                    }
                }
                Ok(evaluator.summary())
            })(),
            Input::Text(input, format) => {
                let input = progress.wrap(input);
                let decision = |e: &Evaluation| e.to_decision();
                batch::evaluate_each(&policy, input, format, &options, decision, |_, r| {
                    count();
                    match r {
                        Ok(d) => writer.push(&d, at),
                        Err(e) => record_error(&e),
                    }
                })
                .map_err(Stop::from)
            }
        };
        summary.map(|s| {
            let finish: Finish<'_> = Box::new(move || writer.finish(at));
            (s, finish)
        })
    } else {
        let mut writer = DecisionWriter::new(out, args.format, &policy);
        let mut sink = |result: Result<Rendered<'_>, LeadError>| -> std::io::Result<()> {
            count();
            match result {
                Ok(r) => writer.write(&r),
                Err(e) => record_error(&e),
            }
        };
        // JSON is written onto a buffer each chunk's leads share; rows are cells a lead.
        let write = |e: &Evaluation, buf: &mut Vec<u8>| e.write_json(buf);
        let row = |e: &Evaluation| args.format.row(e);
        let summary = match input {
            Input::Batches(b) => (|| {
                let mut evaluator = BatchEvaluator::new(&policy, options.clone());
                for batch in b.batches {
                    let batch = batch.map_err(|e| Stop::Input(e.to_string()))?;
                    if args.format.is_json() {
                        evaluator.write_each(&batch, write, |_, r| sink(r.map(Rendered::Json)))?;
                    } else {
                        evaluator.evaluate_each(&batch, row, |_, r| sink(r.map(Rendered::Row)))?;
                    }
                }
                Ok(evaluator.summary())
            })(),
            Input::Text(input, format) => {
                let input = progress.wrap(input);
                let result = if args.format.is_json() {
                    batch::write_each(&policy, input, format, &options, write, |_, r| {
                        sink(r.map(Rendered::Json))
                    })
                } else {
                    batch::evaluate_each(&policy, input, format, &options, row, |_, r| {
                        sink(r.map(Rendered::Row))
                    })
                };
                result.map_err(Stop::from)
            }
        };
        summary.map(|s| {
            let finish: Finish<'_> = Box::new(move || writer.finish());
            (s, finish)
        })
    };
    progress.finish();
    let (summary, finish) = match result {
        Ok(done) => done,
        Err(Stop::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(exit::OK),
        Err(Stop::Output(e)) => return Err(Failure::Usage(format!("cannot write output: {e}"))),
        Err(Stop::Input(e)) => return Err(Failure::Usage(format!("{source}: {e}"))),
    };
    let finished = finish().and_then(|_| errors_out.as_mut().map_or(Ok(()), |w| w.flush()));
    if let Err(e) = finished {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(Failure::Usage(format!("cannot write output: {e}")));
        }
    }
    if !args.quiet {
        let stages: Vec<String> = summary
            .stages
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        eprintln!(
            "evaluated {} leads, {} failed; {}",
            summary.evaluated,
            summary.failed,
            stages.join(", ")
        );
    }
    if summary.failed > 0 {
        Ok(exit::RECORDS_FAILED)
    } else {
        Ok(exit::OK)
    }
}

/// What closes the output once the leads are done: the JSON array's bracket, the Parquet
/// footer.
type Finish<'a> = Box<dyn FnOnce() -> std::io::Result<()> + 'a>;

/// The leads: text read by the batch reader, or record batches.
enum Input {
    Text(Box<dyn std::io::Read>, batch::InputFormat),
    Batches(Batches),
}

/// The record errors of a batch of [`funnel_engine::arrow::errors_schema`], read back.
fn errors_of(errors: &arrow::array::RecordBatch) -> Vec<LeadError> {
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::UInt64Type;
    let text = |name: &str, row: usize| {
        let column = errors.column_by_name(name)?.as_string::<i32>();
        (!column.is_null(row)).then(|| column.value(row).to_string())
    };
    let number = |name: &str, row: usize| {
        let column = errors.column_by_name(name)?.as_primitive::<UInt64Type>();
        (!column.is_null(row)).then(|| column.value(row))
    };
    (0..errors.num_rows())
        .map(|row| {
            let mut e = LeadError::new(text("message", row).unwrap_or_default());
            e.record = number("record", row);
            e.line = number("line", row);
            e.lead = text("lead", row);
            e.field = text("field", row);
            e.expected = text("expected", row);
            e.found = text("found", row);
            e
        })
        .collect()
}

/// A file to write, created (or truncated).
fn create(path: &Path) -> Result<std::fs::File, Failure> {
    std::fs::File::create(path)
        .map_err(|e| Failure::Usage(format!("{}: {}", path.display(), io_reason(&e))))
}
