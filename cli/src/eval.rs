//! `funnel eval`: evaluate a batch of leads, streaming, on all cores.

use crate::args::{Leads, PolicyAt};
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::io_reason;
use crate::progress::Progress;
use crate::render::{DecisionWriter, OutputFormat, Rendered};
use funnel_engine::batch::{self, BatchOptions};
use funnel_engine::{EvalOptions, Evaluation, LeadError};
use std::io::{BufWriter, Write};
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

pub fn run(args: Args) -> Outcome {
    let (policy, at) = args.policy.load()?;
    let (input, format, source) = args.leads.open()?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut errors_out = match &args.errors {
        Some(path) => Some(BufWriter::new(create(path)?)),
        None => None,
    };
    // Decisions run to tens of megabytes: a large buffer means few system calls (stdout's
    // own line buffering passes a write of whole lines straight through).
    let out = BufWriter::with_capacity(1 << 16, out);
    let mut writer = DecisionWriter::new(out, args.format, &policy);
    let progress = Progress::for_input(&args.leads, args.quiet);
    let input = progress.wrap(input);
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
    let mut sink = |result: Result<Rendered<'_>, LeadError>| -> std::io::Result<()> {
        leads += 1;
        // Every 4,096 leads: often enough to see the count move, seldom enough to cost
        // nothing (a mask, as `is_multiple_of` is newer than the Rust this builds with).
        if leads & 4095 == 0 {
            progress.leads(leads);
        }
        match result {
            Ok(r) => writer.write(&r),
            Err(e) => {
                progress.println(&format!("error: {source}: {e}"));
                if let Some(w) = errors_out.as_mut() {
                    serde_json::to_writer(&mut *w, &e)?;
                    w.write_all(b"\n")?;
                }
                Ok(())
            }
        }
    };
    // JSON is written onto a buffer each chunk's leads share; rows are cells a lead.
    let result = if args.format.is_json() {
        let write = |e: &Evaluation, buf: &mut Vec<u8>| e.write_json(buf);
        batch::write_each(&policy, input, format, &options, write, |_, r| {
            sink(r.map(Rendered::Json))
        })
    } else {
        let row = |e: &Evaluation| args.format.row(e);
        batch::evaluate_each(&policy, input, format, &options, row, |_, r| {
            sink(r.map(Rendered::Row))
        })
    };
    progress.finish();
    let finished = writer
        .finish()
        .and_then(|_| errors_out.as_mut().map_or(Ok(()), |w| w.flush()));
    let summary = match result {
        Ok(s) => s,
        Err(batch::BatchError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return Ok(exit::OK)
        }
        Err(e) => return Err(Failure::Usage(format!("{source}: {e}"))),
    };
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

/// A file to write, created (or truncated).
fn create(path: &Path) -> Result<std::fs::File, Failure> {
    std::fs::File::create(path)
        .map_err(|e| Failure::Usage(format!("{}: {}", path.display(), io_reason(&e))))
}
