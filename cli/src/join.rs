//! `funnel join`: a streaming left join of two CSV files on a key column.
//!
//! The right file is read whole into a map from key to row; the left file is streamed, so the
//! left side may be as large as you like. The output is CSV: the left columns, then the right
//! columns except the key. A left row with no match gets empty cells on the right. When the
//! right file holds a key more than once, the first row wins and a warning gives the count.
//!
//! This is how two exports are fed to `funnel eval` as one lead per row, for example Olist's
//! MQLs and closed deals:
//!
//! ```text
//! funnel join olist_marketing_qualified_leads_dataset.csv olist_closed_deals_dataset.csv \
//!     --on mql_id | funnel eval policies/olist --input-format csv
//! ```

use crate::csv_lines::LineCounted;
use crate::exit;
use crate::failure::{Failure, Outcome};
use crate::output::io_reason;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// A CSV file being read, its lines counted.
type Reader = csv::Reader<LineCounted<BufReader<Box<dyn Read>>>>;

#[derive(clap::Args)]
pub struct Args {
    /// The left CSV file: every one of its rows is written once (`-` for stdin).
    left: PathBuf,
    /// The right CSV file: its columns are added to the left rows with the same key.
    right: PathBuf,
    /// The key column, present in both files.
    #[arg(long, value_name = "COLUMN")]
    on: String,
    /// The character between the input files' cells, such as ';' (default: each file's own,
    /// `;` when its header line has a `;` and no `,` outside quotes, else `,`). The output is
    /// separated by `,`.
    #[arg(long, value_name = "CHAR", value_parser = crate::args::parse_delimiter)]
    delimiter: Option<u8>,
    /// Write the joined CSV to this file instead of stdout.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Do not print the closing summary.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Totals of a join, for the closing summary.
struct Totals {
    rows: u64,
    matched: u64,
    right_rows: u64,
    duplicates: u64,
}

pub fn run(args: Args) -> Outcome {
    match join(&args)? {
        None => Ok(exit::OK),
        Some(t) => {
            if t.duplicates > 0 {
                eprintln!(
                    "warning: {}: {} duplicate {} for key column `{}`; the first row of each key was kept",
                    args.right.display(),
                    t.duplicates,
                    if t.duplicates == 1 { "row" } else { "rows" },
                    args.on
                );
            }
            if !args.quiet {
                eprintln!(
                    "joined {} rows on `{}`: {} matched, {} unmatched ({} right rows)",
                    t.rows,
                    args.on,
                    t.matched,
                    t.rows - t.matched,
                    t.right_rows
                );
            }
            Ok(exit::OK)
        }
    }
}

fn name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

fn reader(path: &Path, delimiter: Option<u8>) -> Result<Reader, Failure> {
    let input: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match File::open(path) {
            Ok(f) if f.metadata().is_ok_and(|m| m.is_dir()) => {
                return Err(Failure::Usage(format!(
                    "{}: is a directory, not a CSV file",
                    path.display()
                )))
            }
            Ok(f) => Box::new(f),
            Err(e) => {
                return Err(Failure::Usage(format!(
                    "{}: {}",
                    path.display(),
                    io_reason(&e)
                )))
            }
        }
    };
    let mut input = BufReader::with_capacity(1 << 16, input);
    let delimiter = match delimiter {
        Some(d) => d,
        None => {
            let start = input
                .fill_buf()
                .map_err(|e| Failure::Usage(format!("{}: {}", name(path), io_reason(&e))))?;
            funnel_engine::batch::detect_delimiter(start)
        }
    };
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .from_reader(LineCounted::new(input)))
}

/// A CSV error with its file and line (counted by [`LineCounted`]: the crate's own line is
/// one short after a CRLF).
fn csv_failure(file: &str, r: &Reader, e: &csv::Error) -> Failure {
    let line = e.position().map(|p| r.get_ref().line_of(p.byte()));
    let reason = match e.kind() {
        csv::ErrorKind::Io(io) => io_reason(io),
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 ({err})"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("the row has {len} fields, but the header has {expected_len}")
        }
        _ => e.to_string(),
    };
    match line {
        Some(l) => Failure::Usage(format!("{file}:{l}: {reason}")),
        None => Failure::Usage(format!("{file}: {reason}")),
    }
}

/// Reads the next row, forgetting the line breaks before it; `Ok(false)` at the end.
fn next_row(file: &str, r: &mut Reader, row: &mut csv::StringRecord) -> Result<bool, Failure> {
    let start = r.position().byte();
    r.get_mut().forget_before(start);
    r.read_record(row).map_err(|e| csv_failure(file, r, &e))
}

/// The header row (line 1) and the key column's index in it.
fn header(file: &str, r: &mut Reader, key: &str) -> Result<(csv::StringRecord, usize), Failure> {
    let headers = match r.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_failure(file, r, &e)),
    };
    if headers.is_empty() {
        return Err(Failure::Usage(format!(
            "{file}: the file is empty; expected a header row with a `{key}` column"
        )));
    }
    let clean = |h: &str| h.trim_start_matches('\u{feff}').trim().to_string();
    match headers.iter().position(|h| clean(h) == key) {
        Some(i) => Ok((headers, i)),
        None => {
            let columns: Vec<String> = headers.iter().map(|h| format!("`{}`", clean(h))).collect();
            Err(Failure::Usage(format!(
                "{file}:1: no key column `{key}` in the header; its columns are {}",
                columns.join(", ")
            )))
        }
    }
}

/// Runs the join; `Ok(None)` when the output pipe closed early (nothing more to say).
fn join(args: &Args) -> Result<Option<Totals>, Failure> {
    let left_name = name(&args.left);
    let right_name = name(&args.right);
    if args.left.as_os_str() == "-" && args.right.as_os_str() == "-" {
        return Err(Failure::Usage(
            "only one of LEFT and RIGHT can be stdin (`-`)".into(),
        ));
    }

    // The right side, whole: key -> its other cells.
    let mut right = reader(&args.right, args.delimiter)?;
    let (right_headers, right_key) = header(&right_name, &mut right, &args.on)?;
    let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
    let mut duplicates = 0u64;
    let mut right_rows = 0u64;
    let mut row = csv::StringRecord::new();
    while next_row(&right_name, &mut right, &mut row)? {
        right_rows += 1;
        let key = row.get(right_key).unwrap_or("").to_string();
        if key.is_empty() {
            continue; // An empty key matches nothing.
        }
        if by_key.contains_key(&key) {
            duplicates += 1;
            continue;
        }
        let cells = row
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != right_key)
            .map(|(_, c)| c.to_string())
            .collect();
        by_key.insert(key, cells);
    }
    let right_width = right_headers.len() - 1;

    // The left side, streamed.
    let mut left = reader(&args.left, args.delimiter)?;
    let (left_headers, left_key) = header(&left_name, &mut left, &args.on)?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => match File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return Err(Failure::Usage(format!(
                    "{}: {}",
                    path.display(),
                    io_reason(&e)
                )))
            }
        },
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::new(out));
    let out_name = args
        .output
        .as_ref()
        .map_or("<stdout>".to_string(), |p| p.display().to_string());
    let mut out_header: Vec<String> = left_headers.iter().map(str::to_string).collect();
    for (i, h) in right_headers.iter().enumerate() {
        if i == right_key {
            continue;
        }
        let h = h.trim_start_matches('\u{feff}');
        if out_header.iter().any(|l| l == h) {
            eprintln!(
                "warning: the column `{h}` is in both {left_name} and {right_name}; the output has it twice"
            );
        }
        out_header.push(h.to_string());
    }
    if let Some(first) = out_header.first_mut() {
        *first = first.trim_start_matches('\u{feff}').to_string();
    }
    let write_failed = |e: csv::Error| -> Result<Option<Totals>, Failure> {
        match e.kind() {
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe => Ok(None),
            csv::ErrorKind::Io(io) => Err(Failure::Usage(format!("{out_name}: {}", io_reason(io)))),
            _ => Err(Failure::Usage(format!("{out_name}: {e}"))),
        }
    };
    if let Err(e) = w.write_record(&out_header) {
        return write_failed(e);
    }
    let empty = vec![String::new(); right_width];
    let (mut rows, mut matched) = (0u64, 0u64);
    while next_row(&left_name, &mut left, &mut row)? {
        rows += 1;
        let key = row.get(left_key).unwrap_or("");
        let cells = match by_key.get(key).filter(|_| !key.is_empty()) {
            Some(cells) => {
                matched += 1;
                cells
            }
            None => &empty,
        };
        let record = row.iter().chain(cells.iter().map(String::as_str));
        if let Err(e) = w.write_record(record) {
            return write_failed(e);
        }
    }
    if let Err(e) = w.flush() {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(None);
        }
        return Err(Failure::Usage(format!("{out_name}: {}", io_reason(&e))));
    }
    Ok(Some(Totals {
        rows,
        matched,
        right_rows,
        duplicates,
    }))
}
