//! `funnel eval`: evaluate a batch of leads, streaming, on all cores.

use crate::exit;
use crate::output::policy_at;
use crate::render::{DecisionWriter, OutputFormat, Rendered};
use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::{EvalOptions, Evaluation, LeadError};
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The policy directory.
    policy: PathBuf,
    /// Leads to evaluate: a JSONL, CSV or JSON file (stdin when absent or `-`).
    input: Option<PathBuf>,
    /// The evaluation instant (RFC 3339); now when absent.
    #[arg(long)]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: OutputFormat,
    /// How the input is written (guessed from the file's extension; JSONL for stdin).
    #[arg(long, value_enum)]
    input_format: Option<InputKind>,
    /// Attach each decision's explanation.
    #[arg(long)]
    explain: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Write decisions to this file instead of stdout.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Also write each bad record's error to this file, as JSONL.
    #[arg(long)]
    errors: Option<PathBuf>,
    /// Report input fields the schema does not have.
    #[arg(long)]
    strict: bool,
    /// Do not print the closing summary.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum InputKind {
    Jsonl,
    Csv,
    Json,
}

pub fn run(args: Args) -> u8 {
    let (policy, at) = match policy_at(&args.policy, args.at.as_deref()) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (input, format, source) = match open_input(args.input.as_ref(), args.input_format) {
        Ok(x) => x,
        Err(msg) => {
            eprintln!("error: {msg}");
            return exit::USAGE;
        }
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("error: {}: {}", path.display(), io_reason(&e));
                return exit::USAGE;
            }
        },
        None => Box::new(std::io::stdout().lock()),
    };
    let mut errors_out = match &args.errors {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Some(BufWriter::new(f)),
            Err(e) => {
                eprintln!("error: {}: {}", path.display(), io_reason(&e));
                return exit::USAGE;
            }
        },
        None => None,
    };
    // Decisions run to tens of megabytes: a large buffer means few system calls (stdout's
    // own line buffering passes a write of whole lines straight through).
    let out = BufWriter::with_capacity(1 << 16, out);
    let mut writer = DecisionWriter::new(out, args.format, &policy);
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {human_pos} leads ({per_sec}) {msg}",
            )
            .expect("valid progress template"),
        );
        bar
    });
    let options = BatchOptions {
        at,
        eval: EvalOptions {
            explain: args.explain,
            strict: args.strict,
        },
        jobs: args.jobs.unwrap_or(0),
        chunk: batch::CHUNK,
    };
    let mut sink = |result: Result<Rendered<'_>, LeadError>| -> std::io::Result<()> {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
        match result {
            Ok(r) => writer.write(&r),
            Err(e) => {
                let line = format!("error: {source}: {e}");
                match &progress {
                    Some(bar) => bar.suspend(|| eprintln!("{line}")),
                    None => eprintln!("{line}"),
                }
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
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let finished = writer
        .finish()
        .and_then(|_| errors_out.as_mut().map_or(Ok(()), |w| w.flush()));
    let summary = match result {
        Ok(s) => s,
        Err(batch::BatchError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return exit::OK
        }
        Err(e) => {
            eprintln!("error: {source}: {e}");
            return exit::USAGE;
        }
    };
    if let Err(e) = finished {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write output: {e}");
            return exit::USAGE;
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
        exit::RECORDS_FAILED
    } else {
        exit::OK
    }
}

/// Opens the input (a file, or stdin for none or `-`) and settles its format: as given,
/// else by the file's extension, else JSONL. Returns the reader, the format and a name for
/// messages.
pub fn open_input(
    path: Option<&PathBuf>,
    kind: Option<InputKind>,
) -> Result<(Box<dyn Read>, InputFormat, String), String> {
    let path = path.filter(|p| p.as_os_str() != "-");
    let format = match (kind, path) {
        (Some(InputKind::Jsonl), _) => InputFormat::Jsonl,
        (Some(InputKind::Csv), _) => InputFormat::Csv,
        (Some(InputKind::Json), _) => InputFormat::Json,
        (None, Some(p)) => InputFormat::from_path(p),
        (None, None) => InputFormat::Jsonl,
    };
    match path {
        None => Ok((Box::new(std::io::stdin().lock()), format, "<stdin>".into())),
        Some(p) => std::fs::File::open(p)
            .map(|f| {
                (
                    Box::new(f) as Box<dyn Read>,
                    format,
                    p.display().to_string(),
                )
            })
            .map_err(|e| format!("{}: {}", p.display(), io_reason(&e))),
    }
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
