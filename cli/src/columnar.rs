//! Leads as record batches: Parquet files and Arrow IPC files or streams, read a batch at a
//! time (`funnel eval`, `funnel report`); and decisions written as Parquet
//! (`funnel eval --format parquet`).

use crate::failure::Failure;
use crate::output::io_reason;
use arrow::array::RecordBatch;
use arrow::error::ArrowError;
use funnel_engine::arrow::DecisionBuilder;
use funnel_engine::{Decision, Policy};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// Rows a batch read holds: large enough that the workers share it in pieces, small
/// enough that a batch and its decisions stay a few megabytes.
const BATCH_ROWS: usize = 8192;

/// A columnar input's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columnar {
    /// A Parquet file.
    Parquet,
    /// An Arrow IPC file (`ARROW1` at its start) or stream.
    Arrow,
}

impl Columnar {
    /// The format a file name says: `.parquet`, or `.arrow`, `.arrows`, `.ipc`, `.feather`.
    pub fn from_path(path: &Path) -> Option<Columnar> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "parquet" | "pq" => Some(Columnar::Parquet),
            "arrow" | "arrows" | "ipc" | "feather" => Some(Columnar::Arrow),
            _ => None,
        }
    }
}

/// The record batches of an input, and how many rows it has when that is known before
/// reading (a Parquet file's footer says).
pub struct Batches {
    pub batches: Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>>>,
    pub rows: Option<u64>,
}

/// Opens a columnar input: the file at `path`, or stdin (a Parquet file or an Arrow IPC
/// file on stdin is first copied to a temporary file, as both are read from their end).
/// `source` names the input in errors.
pub fn open(path: Option<&Path>, kind: Columnar, source: &str) -> Result<Batches, Failure> {
    let unreadable = |e: &dyn std::fmt::Display| {
        let what = match kind {
            Columnar::Parquet => "Parquet",
            Columnar::Arrow => "Arrow IPC",
        };
        Failure::Usage(format!("{source}: cannot read it as {what}: {e}"))
    };
    let file = match path {
        Some(p) => std::fs::File::open(p)
            .map_err(|e| Failure::Usage(format!("{source}: {}", io_reason(&e))))?,
        None => {
            let mut stdin = BufReader::new(std::io::stdin().lock());
            let start = stdin
                .fill_buf()
                .map_err(|e| Failure::Usage(format!("{source}: {}", io_reason(&e))))?;
            if kind == Columnar::Arrow && !start.starts_with(b"ARROW1") {
                // A stream is read as it comes.
                let reader = arrow::ipc::reader::StreamReader::try_new(stdin, None)
                    .map_err(|e| unreadable(&e))?;
                return Ok(Batches {
                    batches: Box::new(reader),
                    rows: None,
                });
            }
            spool(stdin).map_err(|e| Failure::Usage(format!("{source}: {}", io_reason(&e))))?
        }
    };
    match kind {
        Columnar::Parquet => {
            let builder =
                ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| unreadable(&e))?;
            let rows = u64::try_from(builder.metadata().file_metadata().num_rows()).ok();
            let reader = builder
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| unreadable(&e))?;
            Ok(Batches {
                batches: Box::new(reader),
                rows,
            })
        }
        Columnar::Arrow => {
            let mut file = BufReader::new(file);
            let is_file = file.fill_buf().map(|b| b.starts_with(b"ARROW1"));
            let batches: Box<dyn Iterator<Item = _>> = if is_file.unwrap_or(false) {
                Box::new(
                    arrow::ipc::reader::FileReader::try_new(file, None)
                        .map_err(|e| unreadable(&e))?,
                )
            } else {
                Box::new(
                    arrow::ipc::reader::StreamReader::try_new(file, None)
                        .map_err(|e| unreadable(&e))?,
                )
            };
            Ok(Batches {
                batches,
                rows: None,
            })
        }
    }
}

/// Copies a reader to an unnamed temporary file, read from its start.
fn spool(mut from: impl Read) -> std::io::Result<std::fs::File> {
    use std::io::Seek;
    let mut file = tempfile::tempfile()?;
    std::io::copy(&mut from, &mut file)?;
    file.rewind()?;
    Ok(file)
}

/// Decisions written as a Parquet file, in row groups of [`BATCH_ROWS`] decisions or of the
/// batches given.
pub struct ParquetDecisions<'p, W: Write + Send> {
    writer: ArrowWriter<W>,
    policy: &'p Policy,
    explain: bool,
    pending: DecisionBuilder,
}

impl<'p, W: Write + Send> ParquetDecisions<'p, W> {
    pub fn new(out: W, policy: &'p Policy, explain: bool) -> Result<Self, Failure> {
        let schema = funnel_engine::arrow::decisions_schema(policy, explain);
        // Snappy: what Spark, pandas and DuckDB read and write by default, and fast.
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(out, schema, Some(props))
            .map_err(|e| Failure::Usage(format!("cannot write Parquet: {e}")))?;
        Ok(ParquetDecisions {
            writer,
            policy,
            explain,
            pending: DecisionBuilder::new(policy, explain),
        })
    }

    /// Adds one decision (from leads read as text).
    pub fn push(
        &mut self,
        d: &Decision,
        at: chrono::DateTime<chrono::FixedOffset>,
    ) -> std::io::Result<()> {
        self.pending.push_decision(d);
        if self.pending.len() >= BATCH_ROWS {
            self.flush_pending(at)?;
        }
        Ok(())
    }

    fn flush_pending(&mut self, at: chrono::DateTime<chrono::FixedOffset>) -> std::io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(
            &mut self.pending,
            DecisionBuilder::new(self.policy, self.explain),
        );
        self.write(&full.finish(self.policy, at))
    }

    /// Writes a batch of decisions.
    pub fn write(&mut self, decisions: &RecordBatch) -> std::io::Result<()> {
        self.writer.write(decisions).map_err(parquet_io)
    }

    /// Writes what is pending and the file's footer.
    pub fn finish(mut self, at: chrono::DateTime<chrono::FixedOffset>) -> std::io::Result<()> {
        self.flush_pending(at)?;
        let mut out = self.writer.into_inner().map_err(parquet_io)?;
        out.flush()
    }
}

/// A Parquet writer's error as an I/O error (what the eval's sink stops on); a closed pipe
/// stays one.
fn parquet_io(e: parquet::errors::ParquetError) -> std::io::Error {
    match e {
        parquet::errors::ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(io) => *io,
            Err(other) => std::io::Error::other(other),
        },
        other => std::io::Error::other(other),
    }
}
