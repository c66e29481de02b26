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
            Err(BatchError::Input(e)) => {
                let message = e.to_string();
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

/// A policy with a field of each scalar type, for what inputs may hold.
const INPUTS: &str = r#"
policy "inputs" version 1
  timezone "America/Sao_Paulo"

schema lead {
  id: text key
  size: int
  revenue: number?
  wait: duration?
  since: date?
  seen: datetime?
  note: text?
}

stages {
  lead
  mql when size >= 50
}
"#;

fn inputs_policy() -> Policy {
    Policy::from_sources(vec![funnel_grammar::SourceFile::new("p.funnel", INPUTS)]).unwrap()
}

/// What one record gave: the lead and its stage, or the error's message, field and line.
#[derive(Debug, PartialEq)]
enum Seen {
    Decided(String, String),
    Failed(String, Option<String>, Option<u64>),
}

/// Each record's number and outcome, and how the batch ended: (decided, failed) or why not.
type Outcomes = (Vec<(u64, Seen)>, Result<(u64, u64), String>);

/// Runs a batch of `format` and returns each record's number and outcome, and how it ended.
fn outcomes(
    policy: &Policy,
    input: impl std::io::Read,
    format: InputFormat,
    jobs: usize,
    chunk: usize,
) -> Outcomes {
    let mut seen = Vec::new();
    let result = batch::run(policy, input, format, &options(jobs, chunk), |o| {
        let outcome = match o.result {
            Ok(d) => Seen::Decided(d.lead, d.stage),
            Err(e) => {
                assert_eq!(e.record, Some(o.record), "an error names its record");
                Seen::Failed(e.to_string(), e.field, e.line)
            }
        };
        seen.push((o.record, outcome));
        Ok(())
    });
    (
        seen,
        result
            .map(|s| (s.evaluated, s.failed))
            .map_err(|e| e.to_string()),
    )
}

fn decided(id: &str, stage: &str) -> Seen {
    Seen::Decided(id.into(), stage.into())
}

/// The message of a failed record, for tests that look at a part of it.
fn failure(seen: &Seen) -> (&str, Option<&str>, Option<u64>) {
    match seen {
        Seen::Failed(m, f, l) => (m, f.as_deref(), *l),
        Seen::Decided(id, _) => panic!("{id} was decided, expected an error"),
    }
}

#[test]
fn csv_rows_after_a_large_cell_are_read_as_usual() {
    // The `csv` crate's record grows to its largest row, and each row was kept as a copy of
    // it: one 1 MB cell made every later row cost two megabytes (3 GB for 10,000 rows).
    let policy = inputs_policy();
    let mut input = String::from("id,size,note\n");
    input.push_str(&format!("big,60,\"{}\"\n", "x".repeat(1 << 20)));
    for i in 0..3000 {
        input.push_str(&format!("r{i},{},\n", i % 100));
    }
    for (jobs, chunk) in [(1, 1024), (2, 1024), (2, 7)] {
        let (seen, result) = outcomes(&policy, input.as_bytes(), InputFormat::Csv, jobs, chunk);
        assert_eq!(result, Ok((3001, 0)), "jobs {jobs}, chunk {chunk}");
        assert_eq!(seen[0], (1, decided("big", "mql")));
        for (i, (record, outcome)) in seen[1..].iter().enumerate() {
            let stage = if i % 100 >= 50 { "mql" } else { "lead" };
            assert_eq!(*record, i as u64 + 2);
            assert_eq!(*outcome, decided(&format!("r{i}"), stage));
        }
    }
}

#[test]
fn csv_quotes_line_breaks_crlf_blank_lines_and_a_bom_are_read_as_before() {
    let policy = inputs_policy();
    let input = "\u{feff}id,size,note\r\n\
                 a,60,\"one, \"\"two\"\"\nthree\"\r\n\
                 \r\n\
                 b,10,plain\r\n\
                 c,70\r\n\
                 d,80,x,extra\n\
                 e,90,last";
    for step in [1, 5, 1 << 16] {
        for (jobs, chunk) in [(1, 1024), (2, 1)] {
            let reader = Input {
                text: input.as_bytes(),
                step,
                fails: false,
            };
            let mut notes = Vec::new();
            let result = batch::run(
                &policy,
                reader,
                InputFormat::Csv,
                &options(jobs, chunk),
                |o| {
                    let line = o.result.as_ref().err().and_then(|e| e.line);
                    let text = match o.result {
                        Ok(d) => d.lead,
                        Err(e) => e.message,
                    };
                    notes.push((o.record, line, text));
                    Ok(())
                },
            );
            assert_eq!(result.map(|s| s.failed).unwrap(), 2);
            assert_eq!(
                notes,
                [
                    (1, None, "a".to_string()),
                    (2, None, "b".into()),
                    (
                        3,
                        Some(6),
                        "bad CSV row: it has 2 cells, the header 3".into()
                    ),
                    (
                        4,
                        Some(7),
                        "bad CSV row: it has 4 cells, the header 3".into()
                    ),
                    (5, None, "e".into()),
                ],
                "step {step}, jobs {jobs}, chunk {chunk}"
            );
        }
    }
    // The quoted cell keeps its comma, quotes and line break.
    let lead = "id,size,note\na,60,\"one, \"\"two\"\"\nthree\"\n";
    let mut note = None;
    batch::evaluate_each(
        &policy,
        lead.as_bytes(),
        InputFormat::Csv,
        &options(1, 1),
        |e| e.to_decision().lead,
        |_, r| {
            note = Some(r.unwrap());
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(note.as_deref(), Some("a"));
}

#[test]
fn a_csv_cell_that_is_not_utf8_is_its_fields_error() {
    let policy = inputs_policy();
    let mut input = b"id,size,note,other\n".to_vec();
    input.extend_from_slice(b"a,60,caf\xe9,x\n");
    input.extend_from_slice(b"b,60,ok,\xff\n"); // a column the schema does not read
    input.extend_from_slice(b"c,70,,\n");
    let (seen, result) = outcomes(&policy, &input[..], InputFormat::Csv, 1, 1024);
    assert_eq!(result, Ok((2, 1)));
    let (message, field, line) = failure(&seen[0].1);
    assert_eq!(
        (message, field, line),
        (
            "record 1 (line 2) [a]: field `note`: the cell is not UTF-8 text (byte 4)",
            Some("note"),
            Some(2)
        )
    );
    assert_eq!(seen[1], (2, decided("b", "mql")));
    assert_eq!(seen[2], (3, decided("c", "mql")));
}

/// A lead whose `note` is `len` bytes, as JSON.
fn json_lead(id: &str, size: i64, len: usize) -> String {
    format!(
        r#"{{"id":"{id}","size":{size},"note":"{}"}}"#,
        "n".repeat(len)
    )
}

#[test]
fn a_record_larger_than_the_maximum_is_its_error_and_the_batch_goes_on() {
    let policy = inputs_policy();
    let max = batch::MAX_RECORD;
    // The largest record that is read (its JSON is `max` bytes, its CSV cells less).
    let largest = json_lead("fits", 60, 0);
    let largest = json_lead("fits", 60, max - largest.len());
    assert_eq!(largest.len(), max);
    let over = json_lead("over", 60, max + 1);
    let small = json_lead("small", 70, 10);
    let jsonl = format!("{small}\n{over}\n{largest}\n{small}\n");
    let json = format!("[{small},\n{over},\n{largest},\n{small}]");
    let csv = format!(
        "id,size,note\nsmall,70,x\nover,60,{}\nfits,60,{}\nsmall,70,x\n",
        "n".repeat(max + 1),
        "n".repeat(max - 10)
    );
    for (format, input, line) in [
        (InputFormat::Jsonl, &jsonl, None),
        (InputFormat::Json, &json, Some(2)),
        (InputFormat::Csv, &csv, Some(3)),
    ] {
        for (jobs, chunk) in [(1, 1024), (2, 1)] {
            let (seen, result) = outcomes(&policy, input.as_bytes(), format, jobs, chunk);
            let context = format!("{format:?}, jobs {jobs}, chunk {chunk}");
            assert_eq!(result, Ok((3, 1)), "{context}");
            assert_eq!(seen[0], (1, decided("small", "mql")), "{context}");
            let (message, field, at) = failure(&seen[1].1);
            assert!(
                message.ends_with("the record is larger than 16 MiB, the most a record may be"),
                "{context}: {message}"
            );
            assert_eq!((seen[1].0, field, at), (2, None, line), "{context}");
            assert_eq!(seen[2], (3, decided("fits", "mql")), "{context}");
            assert_eq!(seen[3], (4, decided("small", "mql")), "{context}");
        }
    }
}

#[test]
fn a_json_array_is_read_element_by_element_and_a_broken_element_is_its_error() {
    let policy = inputs_policy();
    let lead = |i: usize| format!(r#"{{"id":"e{i}","size":{}}}"#, i % 100);
    let stage = |i: usize| if i % 100 >= 50 { "mql" } else { "lead" };
    // 600 elements, one a line; element 501 is not JSON, but its brackets close.
    let mut elements: Vec<String> = (1..=600).map(lead).collect();
    elements[500] = r#"{"id":"e501","size":,}"#.into();
    let array = format!("[\n{}\n]\n", elements.join(",\n"));
    // The same array cut inside element 501.
    let cut = &array[..array.find(r#""e501""#).unwrap()];
    for (jobs, chunk) in [(1, 1024), (2, 64), (2, 1)] {
        let context = format!("jobs {jobs}, chunk {chunk}");
        let (seen, result) = outcomes(&policy, array.as_bytes(), InputFormat::Json, jobs, chunk);
        assert_eq!(result, Ok((599, 1)), "{context}");
        for (i, (record, outcome)) in seen.iter().enumerate() {
            let n = i + 1;
            assert_eq!(*record, n as u64, "{context}");
            if n == 501 {
                let (message, _, line) = failure(outcome);
                assert_eq!(line, Some(502), "{context}");
                assert!(
                    message.starts_with("record 501 (line 502): malformed JSON: expected value"),
                    "{context}: {message}"
                );
            } else {
                assert_eq!(*outcome, decided(&format!("e{n}"), stage(n)), "{context}");
            }
        }
        let (seen, result) = outcomes(&policy, cut.as_bytes(), InputFormat::Json, jobs, chunk);
        assert_eq!(result, Ok((500, 1)), "{context}");
        assert_eq!(seen.len(), 501, "{context}");
        assert_eq!(seen[499], (500, decided("e500", "lead")), "{context}");
        let (message, _, _) = failure(&seen[500].1);
        assert!(
            message.starts_with("record 501 (line 502): malformed JSON: EOF while parsing"),
            "{context}: {message}"
        );
    }
}

#[test]
fn a_json_array_with_misplaced_commas_reports_them_where_they_are() {
    let policy = inputs_policy();
    let a = r#"{"id":"a","size":60}"#;
    let b = r#"{"id":"b","size":10}"#;
    // The input, each record's number and a part of its error, and the batch's error.
    type Case<'a> = (String, Vec<(u64, Option<&'a str>)>, Option<&'a str>);
    let cases: Vec<Case> = vec![
        // Two commas: an empty element between them; the leads around it are read.
        (
            format!("[{a},,{b}]"),
            vec![(1, None), (2, Some("no element between `,` and `,`")), (3, None)],
            None,
        ),
        // A comma before `]`.
        (
            format!("[{a},\n{b},\n]"),
            vec![(1, None), (2, None), (3, Some("no element between `,` and `]` (line 3)"))],
            None,
        ),
        // No comma: the element after is reported, not guessed at.
        (
            format!("[{a}\n{b}]"),
            vec![(1, None), (2, Some("expected `,` or `]` before this element (line 2)"))],
            None,
        ),
        // A bracket left open: the element ends with the `}` that closes its object (the
        // decoder stops at the list where `size` should be).
        (
            format!(r#"[{{"id":"x","size":[1}},{b}]"#),
            vec![(1, Some("field `size`: expected int, found a list")), (2, None)],
            None,
        ),
        // A string never closed, in a pretty-printed array: the next line is read again.
        (
            format!("[\n{{\"id\":\"x,\n\"size\":1}},\n{b}\n]"),
            vec![(1, Some("malformed JSON")), (2, None)],
            None,
        ),
        // One lead, not in an array.
        (format!(" {a} "), vec![(1, None)], None),
        (" [ ] ".into(), vec![], None),
        // What cannot be split into elements ends the batch after the leads before it.
        (
            format!("[{a}, {b}"),
            vec![(1, None), (2, None)],
            Some("malformed JSON: the input ends before the array is closed (after element 2, line 1)"),
        ),
        (
            format!("[{a}]\n[{b}]"),
            vec![(1, None)],
            Some("malformed JSON: text after the end of the array (line 2)"),
        ),
        (
            " \n ".into(),
            vec![],
            Some("the JSON input is empty: expected an array of leads or one lead"),
        ),
    ];
    for (input, expected, error) in cases {
        for step in [1, 3, 1 << 16] {
            for (jobs, chunk) in [(1, 1024), (2, 1)] {
                let context = format!("{input:?}, step {step}, jobs {jobs}, chunk {chunk}");
                let reader = Input {
                    text: input.as_bytes(),
                    step,
                    fails: false,
                };
                let (seen, result) = outcomes(&policy, reader, InputFormat::Json, jobs, chunk);
                let got: Vec<(u64, Option<String>)> = seen
                    .iter()
                    .map(|(r, s)| {
                        (
                            *r,
                            matches!(s, Seen::Failed(..)).then(|| failure(s).0.into()),
                        )
                    })
                    .collect();
                assert_eq!(got.len(), expected.len(), "{context}: {got:?}");
                for ((record, message), (want, part)) in got.iter().zip(&expected) {
                    assert_eq!(record, want, "{context}");
                    match (message, part) {
                        (None, None) => {}
                        (Some(m), Some(p)) => assert!(m.contains(p), "{context}: {m}"),
                        _ => panic!("{context}: record {record}: {message:?}, expected {part:?}"),
                    }
                }
                match (result, error) {
                    (Ok(_), None) => {}
                    (Err(e), Some(want)) => assert_eq!(e, want, "{context}"),
                    (other, _) => panic!("{context}: {other:?}, expected {error:?}"),
                }
            }
        }
    }
}

#[test]
fn csv_numbers_must_be_finite_as_in_json() {
    let policy = inputs_policy();
    let mut input = String::from("id,size,revenue\n");
    let bad = ["NaN", "nan", "inf", "-inf", "infinity", "1e400", "-1e400"];
    for (i, value) in bad.iter().enumerate() {
        input.push_str(&format!("b{i},60,{value}\n"));
    }
    input.push_str("ok,60,1e300\n");
    let (seen, result) = outcomes(&policy, input.as_bytes(), InputFormat::Csv, 1, 1024);
    assert_eq!(result, Ok((1, bad.len() as u64)));
    for (i, value) in bad.iter().enumerate() {
        let (message, field, _) = failure(&seen[i].1);
        assert_eq!(field, Some("revenue"));
        assert_eq!(
            message,
            format!(
                "record {} (line {}) [b{i}]: field `revenue`: expected number, found \"{value}\"",
                i + 1,
                i + 2
            )
        );
    }
    assert_eq!(seen[bad.len()].1, decided("ok", "mql"));
    // JSON has no such numbers at all: `1e400` is malformed there.
    let (seen, _) = outcomes(
        &policy,
        &br#"{"id":"j","size":60,"revenue":1e400}"#[..],
        InputFormat::Jsonl,
        1,
        1024,
    );
    assert!(failure(&seen[0].1)
        .0
        .contains("malformed JSON: number out of range"));
}

#[test]
fn hostile_values_are_record_errors_naming_their_field() {
    let policy = inputs_policy();
    // Each is a record error, in JSON and in CSV, and the lead after it is decided.
    let cases = [
        ("size", r#"1e300"#, "1e300"),
        ("size", r#"-9.3e18"#, "-9.3e18"),
        ("wait", r#"1e300"#, "1e300"),
        ("wait", r#"-9223372036854775808"#, "-9223372036854775808"),
        ("wait", r#"9223372036854775807"#, "9223372036854775807"),
        ("wait", r#""99999999999999d""#, "99999999999999d"),
        ("wait", r#""106751991167301d""#, "106751991167301d"),
        ("since", r#""+262142-12-31""#, "+262142-12-31"),
        ("since", r#""10000-01-01""#, "10000-01-01"),
        // Near the end of chrono's range, moving the time by its zone overflowed: a panic.
        (
            "seen",
            r#""+262142-12-31 23:59:59""#,
            "+262142-12-31 23:59:59",
        ),
        ("seen", r#""-262143-01-01T00:30""#, "-262143-01-01T00:30"),
        ("seen", r#""+99999-01-01T00:00""#, "+99999-01-01T00:00"),
    ];
    let mut jsonl = String::new();
    let mut csv = String::from("id,size,wait,since,seen\n");
    for (i, (field, json, cell)) in cases.iter().enumerate() {
        let size = if *field == "size" { json } else { "60" };
        let mut lead = format!(r#"{{"id":"h{i}","size":{size}"#);
        let mut row = [
            format!("h{i}"),
            "60".into(),
            "".into(),
            "".into(),
            "".into(),
        ];
        let column = ["id", "size", "wait", "since", "seen"]
            .iter()
            .position(|c| c == field)
            .unwrap();
        row[column] = format!("\"{cell}\"");
        if *field != "size" {
            lead.push_str(&format!(r#","{field}":{json}"#));
        }
        jsonl.push_str(&lead);
        jsonl.push_str("}\n");
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    jsonl.push_str(r#"{"id":"last","size":60,"wait":"2d 4h","since":"9999-12-31","seen":"0000-01-01T00:00:00Z"}"#);
    csv.push_str("last,60,2d 4h,9999-12-31,0000-01-01T00:00:00Z\n");
    for (format, input) in [(InputFormat::Jsonl, &jsonl), (InputFormat::Csv, &csv)] {
        let (seen, result) = outcomes(&policy, input.as_bytes(), format, 2, 3);
        assert_eq!(result, Ok((1, cases.len() as u64)), "{format:?}");
        for (i, (field, _, _)) in cases.iter().enumerate() {
            let (message, at, _) = failure(&seen[i].1);
            assert_eq!(at, Some(*field), "{format:?}: {message}");
            assert!(message.contains("expected"), "{format:?}: {message}");
        }
        assert_eq!(
            seen[cases.len()],
            (cases.len() as u64 + 1, decided("last", "mql"))
        );
    }
}
