//! Arguments that several commands take, flattened into each command's own.

use crate::columnar::Columnar;
use crate::failure::Failure;
use crate::output::{io_reason, parse_at};
use chrono::{DateTime, FixedOffset};
use funnel_engine::batch::{BatchOptions, InputFormat};
use funnel_engine::{Policy, PolicyDir};
use funnel_grammar::SourceFile;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// The policy sets that `check` and `test` go through.
#[derive(clap::Args)]
pub struct PolicySets {
    /// Policy directories or files (a file stands for its directory's set), or `-` for one
    /// file's text on stdin, checked as a set of its own. Default: ./policies.
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub stdin: StdinFile,
}

/// A policy set to go through: a directory's files, or one file's text from stdin.
pub enum PolicySet {
    /// A directory of `*.funnel` files.
    Dir(PolicyDir),
    /// The text given on stdin, as a set of one file.
    Stdin(Arc<SourceFile>),
}

impl PolicySet {
    /// How messages name the set: its directory, or the file name stdin goes by.
    pub fn name(&self) -> String {
        match self {
            PolicySet::Dir(d) => d.dir.display().to_string(),
            PolicySet::Stdin(f) => f.name.clone(),
        }
    }

    /// The set's files, read.
    pub fn read(&self) -> Result<Vec<Arc<SourceFile>>, Failure> {
        match self {
            PolicySet::Dir(d) => Ok(d.read()?),
            PolicySet::Stdin(f) => Ok(vec![f.clone()]),
        }
    }
}

impl PolicySets {
    /// The sets the paths stand for, in the order given; `verb` names the command in the
    /// message for a missing `./policies`.
    pub fn discover(&self, verb: &str) -> Result<Vec<PolicySet>, Failure> {
        let paths = paths_or_default(&self.paths, verb)?;
        self.stdin.check_used(&paths)?;
        let mut sets = Vec::new();
        let mut dirs: Vec<PathBuf> = Vec::new();
        // Directories are discovered together (a directory reached twice is one set), in
        // order around the `-`.
        let flush = |dirs: &mut Vec<PathBuf>, sets: &mut Vec<PolicySet>| -> Result<(), Failure> {
            if !dirs.is_empty() {
                let found = PolicyDir::discover(&std::mem::take(dirs))?;
                sets.extend(found.into_iter().map(PolicySet::Dir));
            }
            Ok(())
        };
        for path in paths {
            if is_stdin(&path) {
                flush(&mut dirs, &mut sets)?;
                sets.push(PolicySet::Stdin(self.stdin.read()?));
            } else {
                dirs.push(path);
            }
        }
        flush(&mut dirs, &mut sets)?;
        Ok(sets)
    }
}

/// `--stdin-filename`: the name text read from stdin (`-`) goes by.
#[derive(clap::Args)]
pub struct StdinFile {
    /// The file name that the text read from stdin (`-`) goes by in messages; paths the
    /// file names (a test's `given lead from`) are resolved against its directory.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

impl StdinFile {
    /// Reads one policy file's text from stdin (at most 8 MiB of UTF-8, as for a file).
    pub fn read(&self) -> Result<Arc<SourceFile>, funnel_engine::Diagnostic> {
        let name = self.stdin_filename.as_deref().unwrap_or("<stdin>");
        PolicyDir::read_from(std::io::stdin().lock(), name)
    }

    /// A `--stdin-filename` without `-` among the paths is a mistake: say so rather than
    /// ignore it. Stdin is read once, so `-` may be given once.
    pub fn check_used(&self, paths: &[PathBuf]) -> Result<(), Failure> {
        let dashes = paths.iter().filter(|p| is_stdin(p)).count();
        if dashes > 1 {
            return Err(Failure::Usage("`-` (stdin) may be given only once".into()));
        }
        if dashes == 0 && self.stdin_filename.is_some() {
            return Err(Failure::Usage(
                "--stdin-filename names the text read from stdin: give `-` as the path too".into(),
            ));
        }
        Ok(())
    }
}

/// Whether a path is `-`, standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The directory `check`, `test` and `fmt` go through when no path is given.
const DEFAULT_DIR: &str = "policies";

/// The paths as given, or `./policies` when none are; without one, an error that says what
/// was looked for, where, and how to give a path.
pub fn paths_or_default(paths: &[PathBuf], verb: &str) -> Result<Vec<PathBuf>, Failure> {
    if !paths.is_empty() {
        return Ok(paths.to_vec());
    }
    if Path::new(DEFAULT_DIR).is_dir() {
        return Ok(vec![PathBuf::from(DEFAULT_DIR)]);
    }
    let here = std::env::current_dir()
        .map(|d| format!(" in {}", d.display()))
        .unwrap_or_default();
    Err(Failure::Usage(format!(
        "no path given, and no ./{DEFAULT_DIR} directory{here} (what `funnel {verb}` reads \
         without one); give a policy directory or file, e.g. `funnel {verb} policies/acme`, \
         or `-` for stdin"
    )))
}

/// The leads of a batch and the threads that evaluate them: `eval` and `report`.
#[derive(clap::Args)]
pub struct Leads {
    /// Leads to evaluate: a JSONL, CSV, JSON, Parquet or Arrow IPC file (stdin when absent or
    /// `-`).
    pub input: Option<PathBuf>,
    /// How the input is written (guessed from the file's extension: .jsonl, .csv, .json,
    /// .parquet, .arrow/.arrows/.ipc; JSONL for stdin).
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
    /// A Parquet file, its columns named as CSV headers are.
    Parquet,
    /// An Arrow IPC file or stream (`.arrow`, `.arrows`, `.ipc`).
    Arrow,
}

impl Leads {
    /// Opens the input (a file, or stdin for none or `-`) and settles its format: as given,
    /// else by the file's extension, else JSONL. Returns the reader, the format and a name
    /// for messages.
    pub fn open(&self) -> Result<(Box<dyn Read>, InputFormat, String), Failure> {
        if self.columnar()?.is_some() {
            return Err(Failure::Usage(format!(
                "{}: Parquet and Arrow leads are read by `funnel eval` and `funnel report`; \
                 this command reads JSONL, CSV or JSON",
                self.name()
            )));
        }
        let path = self.path();
        let format = match (self.input_format, path) {
            (Some(InputKind::Jsonl), _) => InputFormat::Jsonl,
            (Some(InputKind::Csv), _) => InputFormat::Csv,
            (Some(InputKind::Json), _) => InputFormat::Json,
            // Refused above.
            (Some(InputKind::Parquet | InputKind::Arrow), _) => InputFormat::Jsonl,
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

    /// The input file, unless it is stdin (none or `-`).
    pub fn path(&self) -> Option<&Path> {
        self.input.as_deref().filter(|p| p.as_os_str() != "-")
    }

    /// The input's name in messages: its path, or `<stdin>`.
    pub fn name(&self) -> String {
        self.path()
            .map_or("<stdin>".to_string(), |p| p.display().to_string())
    }

    /// Whether the input is record batches (Parquet or Arrow IPC), read by
    /// [`crate::columnar::open`] rather than [`Leads::open`]: as given, else by the file's
    /// extension.
    pub fn columnar(&self) -> Result<Option<Columnar>, Failure> {
        let kind = match (self.input_format, self.path()) {
            (Some(InputKind::Parquet), _) => Some(Columnar::Parquet),
            (Some(InputKind::Arrow), _) => Some(Columnar::Arrow),
            (Some(_), _) | (None, None) => None,
            (None, Some(p)) => Columnar::from_path(p),
        };
        if kind.is_some() && self.delimiter.is_some() {
            return Err(Failure::Usage(
                "--delimiter is for CSV input, and this input is read as Parquet or Arrow".into(),
            ));
        }
        Ok(kind)
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
