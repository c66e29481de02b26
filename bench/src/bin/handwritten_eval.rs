//! `handwritten-eval FILE --digest D --at INSTANT`: the lead-scoring-v1 workload end to end,
//! written by hand. Reads JSONL leads, scores each one, and prints the same decision lines
//! `funnel eval bench/lead-scoring-v1 FILE --at INSTANT --jobs 1` prints. Single-threaded.

use funnel_bench::decision::DecisionWriter;
use funnel_bench::handwritten::{score, Lead};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: handwritten-eval FILE --digest DIGEST --at RFC3339";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (mut file, mut digest, mut at) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--digest" => digest = args.next(),
            "--at" => at = args.next(),
            _ if file.is_none() && !a.starts_with("--") => file = Some(a),
            _ => return Err(format!("unexpected argument {a:?}\n{USAGE}").into()),
        }
    }
    let (Some(file), Some(digest), Some(at)) = (file, digest, at) else {
        return Err(USAGE.into());
    };
    let at = chrono::DateTime::parse_from_rfc3339(&at)?;
    let writer = DecisionWriter::new(&digest, at);

    let mut input = BufReader::with_capacity(1 << 16, std::fs::File::open(&file)?);
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        let lead: Lead =
            serde_json::from_str(&line).map_err(|e| format!("{file}:{number}: {e}"))?;
        writer.write(&mut out, &lead, &score(&lead))?;
    }
    out.flush()?;
    Ok(())
}
