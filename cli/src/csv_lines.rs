//! Line numbers for the `csv` crate's records, counted from the bytes it reads.
//!
//! The crate numbers a record by the lines counted when the record before it ended. A record
//! ends at the first byte of its line break, so after `\r\n` the `\n` is not counted yet, nor
//! are blank lines: in a CRLF file (what Excel writes) every record after the first was placed
//! one line early. [`LineCounted`] sits between the file and the crate and keeps the line
//! breaks of the bytes not yet behind the current record, so a record's line is the line of
//! its first byte that is not a line break.

use std::collections::VecDeque;
use std::io::Read;

/// A reader that keeps the offsets of the line breaks it passes on.
pub struct LineCounted<R> {
    inner: R,
    /// Bytes passed on so far.
    offset: u64,
    /// The `\r` and `\n` passed on and not yet forgotten: (offset, byte), in order.
    breaks: VecDeque<(u64, u8)>,
    /// The `\n` forgotten.
    newlines_before: u64,
}

impl<R: Read> LineCounted<R> {
    /// Counts the lines of `inner`.
    pub fn new(inner: R) -> Self {
        LineCounted {
            inner,
            offset: 0,
            breaks: VecDeque::new(),
            newlines_before: 0,
        }
    }

    /// The 1-based line of the record that starts at byte `start` (the crate's
    /// `Position::byte`), past the line breaks it starts with.
    pub fn line_of(&self, start: u64) -> u64 {
        let (mut first, mut newlines) = (start, self.newlines_before);
        for &(at, byte) in &self.breaks {
            if at > first {
                break;
            }
            if at == first {
                first += 1;
            }
            newlines += u64::from(byte == b'\n');
        }
        newlines + 1
    }

    /// Forgets the line breaks before byte `start`, where the next record begins: memory
    /// holds the breaks of one record and of what the crate has read ahead, not of the file.
    pub fn forget_before(&mut self, start: u64) {
        while let Some(&(at, byte)) = self.breaks.front() {
            if at >= start {
                break;
            }
            self.newlines_before += u64::from(byte == b'\n');
            self.breaks.pop_front();
        }
    }
}

impl<R: Read> Read for LineCounted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.breaks.push_back((self.offset + i as u64, b));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of each record, and of the error of the first bad one, as the join reads them.
    fn lines(text: &str) -> (Vec<u64>, Option<u64>) {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(LineCounted::new(text.as_bytes()));
        let mut row = csv::StringRecord::new();
        let mut seen = Vec::new();
        loop {
            match r.read_record(&mut row) {
                Ok(true) => {
                    let start = row.position().unwrap().byte();
                    seen.push(r.get_ref().line_of(start));
                    let next = r.position().byte();
                    r.get_mut().forget_before(next);
                }
                Ok(false) => return (seen, None),
                Err(e) => {
                    let start = e.position().unwrap().byte();
                    return (seen, Some(r.get_ref().line_of(start)));
                }
            }
        }
    }

    #[test]
    fn lf_crlf_blank_lines_and_quoted_line_breaks() {
        assert_eq!(lines("a,b\n1,2\n3,4\n"), (vec![1, 2, 3], None));
        assert_eq!(lines("a,b\r\n1,2\r\n3,4\r\n"), (vec![1, 2, 3], None));
        assert_eq!(lines("a,b\r\n\r\n\r\n1,2\n\n3,4"), (vec![1, 4, 6], None));
        assert_eq!(
            lines("a,b\r\n\"x\r\ny\",2\r\n3,4\r\n"),
            (vec![1, 2, 4], None)
        );
        // The bad row's line, which the crate gives as 2.
        assert_eq!(lines("a,b\r\n1,2\r\n3,4,5\r\n"), (vec![1, 2], Some(3)));
    }
}
