//! `POST /v1/evaluate`: what the body holds (one lead, a JSON array, or JSONL) and its
//! evaluation against one policy snapshot.

use super::error::ApiError;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use funnel_engine::{Decision, EvalOptions, LeadError, Policy};
use rayon::prelude::*;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// The body, split into leads.
#[derive(Debug)]
pub enum Input<'a> {
    /// One JSON document: one lead, one decision (or one error) in the answer.
    One(&'a [u8]),
    /// A JSON array of leads.
    Array(Vec<serde_json::Value>),
    /// JSONL: (line number, line) for each non-blank line.
    Lines(Vec<(u64, &'a [u8])>),
}

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "malformed", message)
}

/// Splits a body: JSONL when the content type says so, a batch when it starts with `[`,
/// JSONL when one JSON document is followed by more on later lines, else one lead.
pub fn split(body: &[u8], ndjson: bool) -> Result<Input<'_>, ApiError> {
    // JSON and JSONL are UTF-8 by definition: a body that is not is rejected whole, before
    // any lead is read, rather than surfacing as one lead's error.
    if let Err(e) = std::str::from_utf8(body) {
        let at = e.valid_up_to();
        let line_start = body[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = body[..at].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(malformed(format!(
            "the body is not UTF-8: invalid bytes at line {line}, column {} (byte offset {at})",
            at - line_start + 1
        )));
    }
    if ndjson {
        return Ok(Input::Lines(lines(body)));
    }
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(malformed(
            "the body is empty; send a lead as a JSON object, a JSON array of leads, or JSONL",
        ));
    };
    if body[start] == b'[' {
        return serde_json::from_slice::<Vec<serde_json::Value>>(body)
            .map(Input::Array)
            .map_err(|e| malformed(format!("malformed JSON: {e}")));
    }
    let mut stream = serde_json::Deserializer::from_slice(body).into_iter::<IgnoredAny>();
    match stream.next() {
        Some(Ok(_)) => {}
        Some(Err(e)) => return Err(malformed(format!("malformed JSON: {e}"))),
        None => return Err(malformed("the body is empty")),
    }
    let rest = &body[stream.byte_offset()..];
    let gap = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &rest[..i]);
    match gap {
        None => Ok(Input::One(body)),
        Some(gap) if gap.contains(&b'\n') => Ok(Input::Lines(lines(body))),
        Some(_) => Err(malformed(
            "malformed JSON: trailing characters after the lead; send a batch as a JSON array or one lead a line (JSONL)",
        )),
    }
}

/// The non-blank lines, numbered from 1.
fn lines(body: &[u8]) -> Vec<(u64, &[u8])> {
    body.split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| l.iter().any(|b| !b.is_ascii_whitespace()))
        .map(|(i, l)| (i as u64 + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .collect()
}

/// What a request's evaluation produced.
pub struct Outcome {
    /// The answer's body (a decision, or `{"decisions": [...]}`), or the error for one lead.
    pub response: Result<Vec<u8>, ApiError>,
    /// Decisions by stage.
    pub stages: BTreeMap<String, u64>,
    /// Records that failed.
    pub errors: u64,
    /// The decisions as JSONL, for the decision log (empty unless asked for).
    pub log: Vec<u8>,
}

/// One record of the input.
enum Record<'a> {
    Text(&'a [u8]),
    Value(&'a serde_json::Value),
}

/// A decision serialized, with its stage; or the record's error.
type Evaluated = Result<(Vec<u8>, String), ApiError>;

fn evaluate_record(
    policy: &Policy,
    record: Record<'_>,
    number: Option<u64>,
    at: DateTime<FixedOffset>,
    options: &EvalOptions,
) -> Evaluated {
    let number_it = |mut e: LeadError| {
        if e.record.is_none() {
            e.record = number;
        }
        e
    };
    let lead = match record {
        Record::Text(text) => policy.decode_json(text, options).map_err(|e| {
            // A lead that is not JSON at all is malformed; one that is JSON but does not
            // fit the schema is a bad lead.
            let code = if serde_json::from_slice::<IgnoredAny>(text).is_err() {
                "malformed"
            } else {
                "bad_lead"
            };
            ApiError::lead(code, number_it(e))
        })?,
        Record::Value(v) => policy
            .decode_value(v, options)
            .map_err(|e| ApiError::lead("bad_lead", number_it(e)))?,
    };
    let decision: Decision = policy
        .evaluate(&lead, at, options, number)
        .map_err(|e| ApiError::lead("eval_failed", number_it(e)))?;
    let json = serde_json::to_vec(&decision).expect("a decision serializes");
    Ok((json, decision.stage))
}

/// Evaluates every lead of the input with one policy; batches are spread over all cores.
pub fn evaluate(
    policy: &Policy,
    input: &Input<'_>,
    at: DateTime<FixedOffset>,
    options: &EvalOptions,
    log: bool,
) -> Outcome {
    let mut out = Outcome {
        response: Ok(Vec::new()),
        stages: BTreeMap::new(),
        errors: 0,
        log: Vec::new(),
    };
    let keep = |out: &mut Outcome, decision: &[u8], stage: String| {
        *out.stages.entry(stage).or_default() += 1;
        if log {
            out.log.extend_from_slice(decision);
            out.log.push(b'\n');
        }
    };
    let results: Vec<Evaluated> = match input {
        Input::One(text) => {
            match evaluate_record(policy, Record::Text(text), None, at, options) {
                Ok((json, stage)) => {
                    keep(&mut out, &json, stage);
                    out.response = Ok(json);
                }
                Err(e) => {
                    out.errors = 1;
                    out.response = Err(e);
                }
            }
            return out;
        }
        Input::Array(values) => values
            .par_iter()
            .enumerate()
            .map(|(i, v)| {
                evaluate_record(policy, Record::Value(v), Some(i as u64 + 1), at, options)
            })
            .collect(),
        Input::Lines(lines) => lines
            .par_iter()
            .map(|(n, text)| evaluate_record(policy, Record::Text(text), Some(*n), at, options))
            .collect(),
    };
    let mut body = Vec::with_capacity(results.len() * 512 + 16);
    body.extend_from_slice(b"{\"decisions\":[");
    for (i, r) in results.into_iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        match r {
            Ok((json, stage)) => {
                body.extend_from_slice(&json);
                keep(&mut out, &json, stage);
            }
            Err(e) => {
                out.errors += 1;
                serde_json::to_writer(&mut body, &e.to_json()).expect("JSON serializes");
            }
        }
    }
    body.extend_from_slice(b"]}");
    out.response = Ok(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lead_an_array_and_jsonl() {
        assert!(matches!(split(b" {\"id\": 1}\n", false), Ok(Input::One(_))));
        assert!(matches!(split(b"[{}, {}]", false), Ok(Input::Array(v)) if v.len() == 2));
        let Ok(Input::Lines(lines)) = split(b"{\"id\": 1}\n\n{\"id\": 2}\r\n{bad\n", false) else {
            panic!("JSONL")
        };
        assert_eq!(
            lines,
            vec![
                (1, &b"{\"id\": 1}"[..]),
                (3, &b"{\"id\": 2}"[..]),
                (4, &b"{bad"[..])
            ]
        );
        assert!(matches!(split(b"{\"id\": 1}", true), Ok(Input::Lines(l)) if l.len() == 1));
    }

    #[test]
    fn a_body_that_is_not_utf8_is_malformed_and_says_where() {
        for (body, ndjson) in [
            (&b"{\"id\": 1}\n{\"id\": \"a\xff\"}\n"[..], true),
            (b"{\"id\": 1}\n{\"id\": \"a\xff\"}\n", false),
        ] {
            let e = split(body, ndjson).expect_err("not UTF-8");
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(e.code, "malformed");
            assert_eq!(
                e.message,
                "the body is not UTF-8: invalid bytes at line 2, column 10 (byte offset 19)"
            );
        }
    }

    #[test]
    fn malformed_documents() {
        for body in [&b""[..], b"  ", b"{\"id\": ", b"[{}", b"{} {}", b"nope"] {
            let e = split(body, false).expect_err(&String::from_utf8_lossy(body));
            assert_eq!(e.code, "malformed");
            assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
    }
}
