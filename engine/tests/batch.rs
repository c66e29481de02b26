//! Batches keep what they read: outcomes come in input order whatever the chunking and the
//! number of workers, a line that cannot be a lead is that lead's error, and the leads read
//! before an input error are still evaluated.

use funnel_engine::batch::{self, BatchError, BatchOptions, InputFormat};
use funnel_engine::{EvalOptions, Policy};
use std::path::Path;

fn acme() -> (Policy, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let policy = Policy::load(root.join("policies/acme")).unwrap();
    let jsonl = std::fs::read_to_string(root.join("policies/acme/leads/leads.jsonl")).unwrap();
    (policy, jsonl.lines().map(str::to_string).collect())
}

fn options(jobs: usize, chunk: usize) -> BatchOptions {
    BatchOptions {
        at: chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00-03:00").unwrap(),
        eval: EvalOptions::default(),
        jobs,
        chunk,
    }
}

/// Runs a batch and returns what reached the sink (record and stage) and how it ended.
fn run(
    policy: &Policy,
    input: &[u8],
    jobs: usize,
    chunk: usize,
) -> (Vec<(u64, String)>, Result<u64, BatchError>) {
    let mut seen = Vec::new();
    let result = batch::run(
        policy,
        input,
        InputFormat::Jsonl,
        &options(jobs, chunk),
        |o| {
            seen.push((o.record, o.result.map(|d| d.stage).unwrap_or_default()));
            Ok(())
        },
    );
    (seen, result.map(|s| s.evaluated))
}

#[test]
fn outcomes_come_in_input_order_for_any_chunking() {
    let (policy, lines) = acme();
    let input = lines.join("\n").into_bytes();
    let (expected, result) = run(&policy, &input, 1, 4096);
    assert_eq!(result.unwrap(), lines.len() as u64);
    for (jobs, chunk) in [(1, 1), (2, 1), (2, 3), (4, 7)] {
        let (seen, result) = run(&policy, &input, jobs, chunk);
        assert_eq!(result.unwrap(), lines.len() as u64);
        assert_eq!(seen, expected, "jobs {jobs}, chunk {chunk}");
    }
}

#[test]
fn a_line_that_is_not_utf8_is_that_leads_error_and_the_batch_goes_on() {
    let (policy, lines) = acme();
    let mut input = Vec::new();
    for line in &lines[..5] {
        input.extend_from_slice(line.as_bytes());
        input.push(b'\n');
    }
    input.extend_from_slice(b"{\"id\": \"\xff\"}\n");
    input.extend_from_slice(lines[5].as_bytes());
    for (jobs, chunk) in [(1, 4096), (2, 4096), (2, 2)] {
        let mut seen = Vec::new();
        let summary = batch::run(
            &policy,
            &input[..],
            InputFormat::Jsonl,
            &options(jobs, chunk),
            |o| {
                seen.push((o.record, o.result.map_err(|e| e.message)));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!((summary.evaluated, summary.failed), (6, 1));
        let records: Vec<u64> = seen.iter().map(|(r, _)| *r).collect();
        assert_eq!(records, [1, 2, 3, 4, 5, 6, 7], "jobs {jobs}, chunk {chunk}");
        match &seen[5].1 {
            Err(message) => assert!(message.contains("not UTF-8"), "{message}"),
            Ok(_) => panic!("line 6 is not UTF-8 and cannot be a lead"),
        }
    }
}

/// An input that gives at most `step` bytes a read (so that lines are cut between reads), then
/// either ends or, when `fails`, fails as a broken pipe or a vanished file would.
struct Input<'a> {
    text: &'a [u8],
    step: usize,
    fails: bool,
}

impl std::io::Read for Input<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.text.is_empty() && self.fails {
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.step).min(self.text.len());
        buf[..n].copy_from_slice(&self.text[..n]);
        self.text = &self.text[n..];
        Ok(n)
    }
}

#[test]
fn leads_read_before_an_input_error_are_still_evaluated() {
    let (policy, lines) = acme();
    let mut good = Vec::new();
    for line in &lines[..5] {
        good.extend_from_slice(line.as_bytes());
        good.push(b'\n');
    }
    for (jobs, chunk) in [(1, 4096), (2, 4096), (2, 2)] {
        let mut seen = Vec::new();
        let result = batch::run(
            &policy,
            Input {
                text: &good,
                step: usize::MAX,
                fails: true,
            },
            InputFormat::Jsonl,
            &options(jobs, chunk),
            |o| {
                seen.push(o.record);
                Ok(())
            },
        );
        assert_eq!(seen, [1, 2, 3, 4, 5], "jobs {jobs}, chunk {chunk}");
        match result {
            Err(BatchError::Input(message)) => {
                assert!(
                    message.contains("line 6") && message.contains("the disk went away"),
                    "{message}"
                )
            }
            other => panic!("expected an input error, got {other:?}"),
        }
    }
}

#[test]
fn written_output_is_each_leads_own_bytes_for_any_chunking() {
    let (policy, lines) = acme();
    let mut input = lines[..4].join("\n").into_bytes();
    input.extend_from_slice(b"\n{\"id\": 42}\n");
    input.extend_from_slice(lines[4..].join("\n").as_bytes());
    // What each lead's JSON must be: its decision evaluated alone.
    let mut expected = Vec::new();
    let at = options(1, 1).at;
    let mut evaluator = policy.evaluator(EvalOptions::default());
    for (i, line) in lines.iter().enumerate() {
        let lead = policy
            .decode_json(line.as_bytes(), &EvalOptions::default())
            .unwrap();
        let record = if i < 4 { i + 1 } else { i + 2 } as u64;
        let mut json = Vec::new();
        evaluator
            .evaluate(&lead, at, Some(record))
            .unwrap()
            .write_json(&mut json);
        expected.push((record, Ok(String::from_utf8(json).unwrap())));
    }
    expected.insert(4, (5, Err(())));
    for (jobs, chunk) in [(1, 4096), (1, 3), (2, 1), (2, 3), (4, 7)] {
        let mut seen = Vec::new();
        let summary = batch::write_each(
            &policy,
            &input[..],
            InputFormat::Jsonl,
            &options(jobs, chunk),
            |e, buf| e.write_json(buf),
            |record, result| {
                let text = result.map(|b| String::from_utf8(b.to_vec()).unwrap());
                seen.push((record, text.map_err(|_| ())));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!((summary.evaluated, summary.failed), (lines.len() as u64, 1));
        assert_eq!(seen, expected, "jobs {jobs}, chunk {chunk}");
    }
}

#[test]
fn lines_cut_between_reads_blank_lines_and_crlf_keep_their_numbers() {
    let (policy, lines) = acme();
    // Line 2 and 4 are blank, line 3 ends in CRLF, and the last line has no line break.
    let text = format!("{}\n\n{}\r\n   \n{}", lines[0], lines[1], lines[2]);
    let expected: Vec<(u64, String)> = [(1, &lines[0]), (3, &lines[1]), (5, &lines[2])]
        .iter()
        .map(|(n, line)| {
            let eval = EvalOptions::default();
            let lead = policy.decode_json(line.as_bytes(), &eval).unwrap();
            let d = policy
                .evaluate(&lead, options(1, 1).at, &eval, None)
                .unwrap();
            (*n, d.stage)
        })
        .collect();
    for step in [1, 7, 64, 1 << 20] {
        for (jobs, chunk) in [(1, 1), (1, 2), (2, 1), (2, 2), (2, 4096)] {
            let mut seen = Vec::new();
            let input = Input {
                text: text.as_bytes(),
                step,
                fails: false,
            };
            let summary = batch::run(
                &policy,
                input,
                InputFormat::Jsonl,
                &options(jobs, chunk),
                |o| {
                    seen.push((o.record, o.result.map(|d| d.stage).unwrap_or_default()));
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(summary.failed, 0, "step {step}, jobs {jobs}, chunk {chunk}");
            assert_eq!(seen, expected, "step {step}, jobs {jobs}, chunk {chunk}");
        }
    }
}

#[test]
fn once_the_sink_fails_it_is_not_called_again() {
    let (policy, lines) = acme();
    let input = lines.join("\n").into_bytes();
    assert!(lines.len() > 6);
    for (jobs, chunk) in [(1, 2), (2, 1), (2, 2), (4, 3)] {
        let mut calls = 0;
        let result = batch::run(
            &policy,
            &input[..],
            InputFormat::Jsonl,
            &options(jobs, chunk),
            |_| {
                calls += 1;
                if calls >= 3 {
                    Err(std::io::Error::other("the disk is full"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(calls, 3, "jobs {jobs}, chunk {chunk}");
        assert!(
            matches!(result, Err(BatchError::Output(ref e)) if e.to_string() == "the disk is full"),
            "jobs {jobs}, chunk {chunk}: {result:?}"
        );
    }
}
