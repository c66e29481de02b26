//! The lead-scoring-v1 benchmark policy (`bench/lead-scoring-v1`) gives what the workload's
//! reference implementation gives, on every one of 100,000 generated leads: fit,
//! engagement, stage and grade (../shared/bench/workload.md).

use funnel_engine::batch::{self, BatchOptions, InputFormat};
use funnel_engine::{EvalOptions, Policy};
use funnel_tests::workspace_root;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const LEADS: usize = 100_000;

fn bench_dir() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/bench");
    dir.join("reference.py").is_file().then_some(dir)
}

/// Runs a Python script of the workload, feeding it `input`, and returns what it prints.
fn python(script: &std::path::Path, args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
    let mut child = Command::new("python3")
        .arg(script)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run python3 {}: {e}", script.display()));
    let out = std::thread::scope(|s| {
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            s.spawn(move || std::io::Write::write_all(&mut stdin, input).unwrap());
        }
        child.wait_with_output().unwrap()
    });
    assert!(out.status.success(), "{} failed", script.display());
    out.stdout
}

#[test]
fn lead_scoring_v1_equals_the_reference_on_100_000_leads() {
    let Some(dir) = bench_dir() else {
        eprintln!("skipped: ../shared/bench is absent (CI has it)");
        return;
    };
    let leads = python(&dir.join("gen_leads.py"), &[&LEADS.to_string()], None);
    let expected = python(&dir.join("reference.py"), &[], Some(&leads));
    let expected = String::from_utf8(expected).unwrap();

    let policy = Policy::load(workspace_root().join("bench/lead-scoring-v1")).unwrap();
    let options = BatchOptions {
        at: chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap(),
        eval: EvalOptions::default(),
        jobs: 0,
        chunk: 4096,
    };
    let mut got = Vec::with_capacity(LEADS);
    let summary = batch::evaluate_each(
        &policy,
        leads.as_slice(),
        InputFormat::Jsonl,
        &options,
        |e| {
            let number = |score| e.score(score).unwrap();
            format!(
                "{}\t{}\t{}\t{}\t{}",
                e.key().unwrap(),
                number("fit"),
                number("engagement"),
                e.stage(),
                e.grade("fit").unwrap()
            )
        },
        |record, line| {
            got.push(line.unwrap_or_else(|e| panic!("record {record}: {e}")));
            Ok(())
        },
    )
    .unwrap();
    assert_eq!((summary.evaluated, summary.failed), (LEADS as u64, 0));

    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(got.len(), expected.len());
    let differ: Vec<(&String, &&str)> = got.iter().zip(&expected).filter(|(g, e)| g != e).collect();
    assert!(
        differ.is_empty(),
        "{} of {LEADS} leads differ from reference.py; the first: funnel {:?}, reference {:?}",
        differ.len(),
        differ[0].0,
        differ[0].1
    );
    // Every stage and grade occurs, so the comparison is not of one constant answer.
    for word in ["\tsql\t", "\tmql\t", "\tlead\t", "\tA", "\tB", "\tC", "\tD"] {
        assert!(expected.iter().any(|l| l.contains(word)), "no {word:?}");
    }
}
