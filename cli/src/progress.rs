//! The progress shown on stderr while `eval` and `report` read a batch: a bar with the bytes
//! read, the total and an ETA when the input is a file (its length is known), a spinner with
//! the bytes read otherwise (stdin, a pipe). Record batches (Parquet, Arrow) are counted in
//! leads instead: a bar when the input says how many it has (a Parquet file), a spinner
//! otherwise. Only on a terminal, and never with `-q`: a
//! redirected stderr or a CI log gets no control characters.

use crate::args::Leads;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::path::Path;

/// Progress over the bytes (or the leads) of a batch's input, or nothing at all.
pub struct Progress(Option<ProgressBar>, Unit);

/// What a progress bar counts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Bytes,
    Leads,
}

impl Progress {
    /// Progress for reading `leads`' input, on stderr when it is a terminal and not `quiet`.
    pub fn for_input(leads: &Leads, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None, Unit::Bytes);
        }
        let len = input_len(leads.input.as_deref());
        Progress(Some(bar(len, ProgressDrawTarget::stderr())), Unit::Bytes)
    }

    /// Progress over the leads of record batches, `total` of them when known.
    pub fn for_leads(total: Option<u64>, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None, Unit::Leads);
        }
        Progress(
            Some(leads_bar(total, ProgressDrawTarget::stderr())),
            Unit::Leads,
        )
    }

    /// The input, counted as it is read.
    pub fn wrap(&self, input: Box<dyn Read>) -> Box<dyn Read> {
        match &self.0 {
            Some(bar) => Box::new(bar.wrap_read(input)),
            None => input,
        }
    }

    /// Says how many leads are done: beside the bytes, or as the bar's position.
    pub fn leads(&self, n: u64) {
        match (&self.0, self.1) {
            (Some(bar), Unit::Bytes) => {
                bar.set_message(format!(", {} leads", indicatif::HumanCount(n)))
            }
            (Some(bar), Unit::Leads) => bar.set_position(n),
            (None, _) => {}
        }
    }

    /// Prints a line above the bar (the bar is drawn again below it).
    pub fn println(&self, line: &str) {
        match &self.0 {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar, leaving stderr as it was before it.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The byte length of the input when it is a regular file; `None` for stdin (none or `-`),
/// pipes and devices, whose length is not known in advance.
fn input_len(input: Option<&Path>) -> Option<u64> {
    let path = input.filter(|p| p.as_os_str() != "-")?;
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then_some(meta.len())
}

/// A bar over `len` bytes with an ETA, or a spinner when the length is unknown.
fn bar(len: Option<u64>, target: ProgressDrawTarget) -> ProgressBar {
    let (bar, template) = match len {
        Some(len) => (
            ProgressBar::with_draw_target(Some(len), target),
            // The bar takes the width left, so the line never wraps on a narrow terminal.
            "{wide_bar} {percent:>3}% of {total_bytes}, {eta} left{msg}",
        ),
        None => (
            ProgressBar::with_draw_target(None, target),
            "{spinner} {bytes} read, {bytes_per_sec}{msg}",
        ),
    };
    bar.set_style(ProgressStyle::with_template(template).expect("a valid progress template"));
    bar
}

/// A bar over `total` leads with an ETA, or a spinner counting them.
fn leads_bar(total: Option<u64>, target: ProgressDrawTarget) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(total, target);
    let template = match total {
        Some(_) => "{wide_bar} {percent:>3}% of {human_len} leads, {eta} left",
        None => "{spinner} {human_pos} leads, {per_sec}",
    };
    bar.set_style(ProgressStyle::with_template(template).expect("a valid progress template"));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gives_a_bar_whose_total_is_its_length_and_reading_advances_it() {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), "x".repeat(10_000)).unwrap();
        let len = input_len(Some(file.path()));
        assert_eq!(len, Some(10_000));
        let bar = bar(len, ProgressDrawTarget::hidden());
        assert_eq!(bar.length(), Some(10_000));
        let mut read = bar.wrap_read(std::fs::File::open(file.path()).unwrap());
        let mut first = [0u8; 4_000];
        read.read_exact(&mut first).unwrap();
        assert_eq!(bar.position(), 4_000);
        std::io::copy(&mut read, &mut std::io::sink()).unwrap();
        assert_eq!(bar.position(), 10_000);
    }

    #[test]
    fn a_parquet_files_leads_make_the_bar_and_advance_it() {
        let bar = leads_bar(Some(20_000), ProgressDrawTarget::hidden());
        let progress = Progress(Some(bar.clone()), Unit::Leads);
        progress.leads(8_192);
        assert_eq!((bar.position(), bar.length()), (8_192, Some(20_000)));
        assert_eq!(leads_bar(None, ProgressDrawTarget::hidden()).length(), None);
    }

    #[test]
    fn stdin_and_a_missing_file_have_no_known_length() {
        assert_eq!(input_len(None), None);
        assert_eq!(input_len(Some(Path::new("-"))), None);
        assert_eq!(input_len(Some(Path::new("/no/such/file.jsonl"))), None);
        assert_eq!(bar(None, ProgressDrawTarget::hidden()).length(), None);
    }
}
