//! Arguments that several commands take, flattened into each command's own.

use crate::failure::Failure;
use crate::output::{io_reason, parse_at, ReportFormat};
use chrono::{DateTime, FixedOffset};
use funnel_engine::batch::{BatchOptions, InputFormat};
use funnel_engine::{Policy, PolicyDir};
use std::io::Read;
use std::path::PathBuf;

/// The policy and the evaluation instant that `eval`, `explain` and `report` start with.
#[derive(clap::Args)]
pub struct PolicyAt {
    /// The policy directory.
    pub policy: PathBuf,
    /// The evaluation instant (RFC 3339); now when absent.
    #[arg(long)]
    pub at: Option<String>,
}

impl PolicyAt {
    /// Loads the policy and settles the instant.
    pub fn load(&self) -> Result<(Policy, DateTime<FixedOffset>), Failure> {
        let policy = Policy::load(&self.policy).map_err(|e| Failure::load(&self.policy, e))?;
        let at = parse_at(self.at.as_deref(), &policy).map_err(Failure::Usage)?;
        Ok((policy, at))
    }
}

/// The policy sets that `check` and `test` go through, and how they report.
#[derive(clap::Args)]
pub struct PolicySets {
    /// Policy directories or files (a file stands for its directory's set).
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: ReportFormat,
}

impl PolicySets {
    /// The sets the paths stand for.
    pub fn discover(&self) -> Result<Vec<PolicyDir>, Failure> {
        Ok(PolicyDir::discover(&self.paths)?)
    }
}

/// The leads of a batch and the threads that evaluate them: `eval` and `report`.
#[derive(clap::Args)]
pub struct Leads {
    /// Leads to evaluate: a JSONL, CSV or JSON file (stdin when absent or `-`).
    pub input: Option<PathBuf>,
    /// How the input is written (guessed from the file's extension; JSONL for stdin).
    #[arg(long, value_enum)]
    pub input_format: Option<InputKind>,
    /// The character between CSV cells, such as ';' or '\t' (default: `;` when the header
    /// line has a `;` and no `,` outside quotes, else `,`).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum InputKind {
    Jsonl,
    Csv,
    Json,
}

impl Leads {
    /// Opens the input (a file, or stdin for none or `-`) and settles its format: as given,
    /// else by the file's extension, else JSONL. Returns the reader, the format and a name
    /// for messages.
    pub fn open(&self) -> Result<(Box<dyn Read>, InputFormat, String), Failure> {
        let path = self.input.as_ref().filter(|p| p.as_os_str() != "-");
        let format = match (self.input_format, path) {
            (Some(InputKind::Jsonl), _) => InputFormat::Jsonl,
            (Some(InputKind::Csv), _) => InputFormat::Csv,
            (Some(InputKind::Json), _) => InputFormat::Json,
            (None, Some(p)) => InputFormat::from_path(p),
            (None, None) => InputFormat::Jsonl,
        };
        let format = match (self.delimiter, format) {
            (None, format) => format,
            (Some(d), InputFormat::Csv) => InputFormat::CsvWith(d),
            (Some(_), other) => {
                let kind = if other == InputFormat::Json {
                    "JSON"
                } else {
                    "JSONL"
                };
                return Err(Failure::Usage(format!(
                    "--delimiter is for CSV input, and this input is read as {kind} (give --input-format csv)"
                )));
            }
        };
        match path {
            None => Ok((Box::new(std::io::stdin().lock()), format, "<stdin>".into())),
            Some(p) => match std::fs::File::open(p) {
                Ok(f) => Ok((Box::new(f), format, p.display().to_string())),
                Err(e) => Err(Failure::Usage(format!(
                    "{}: {}",
                    p.display(),
                    io_reason(&e)
                ))),
            },
        }
    }

    /// The worker threads: 0 for one per core.
    pub fn jobs(&self) -> usize {
        self.jobs.unwrap_or(0)
    }

    /// How to read and evaluate these leads at `at`, without explanations.
    pub fn batch_options(&self, at: DateTime<FixedOffset>) -> BatchOptions {
        BatchOptions {
            at,
            eval: funnel_engine::EvalOptions::default(),
            jobs: self.jobs(),
            chunk: funnel_engine::batch::CHUNK,
        }
    }
}

/// A CSV delimiter: one ASCII character other than a quote or a line break, or `\t` written
/// as two characters (a tab is awkward to type in a shell).
pub(crate) fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text.as_bytes() {
        b"\\t" | b"tab" => Ok(b'\t'),
        [b'"' | b'\n' | b'\r'] => Err("a quote or a line break cannot separate cells".into()),
        [b] if b.is_ascii() => Ok(*b),
        _ => Err(format!(
            "expected one ASCII character such as ';' or '\\t', found {text:?}"
        )),
    }
}
