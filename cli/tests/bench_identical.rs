//! The hand-written Rust the benchmarks compare Funnel with (`funnel_bench::handwritten`,
//! written out by `funnel_bench::decision`, as the `handwritten-eval` binary does) prints, byte
//! for byte, what `funnel eval bench/lead-scoring-v1 FILE --at 2026-01-01T00:00:00Z --jobs 1`
//! prints, on 20,000 generated leads.
//!
//! It lives here, not in `bench/tests`, so that it runs the `funnel` binary Cargo builds for
//! this package's tests (`CARGO_BIN_EXE_funnel`) rather than building it again. It needs the
//! workload's generator (`../shared/bench`, run with python3), so it is ignored unless asked
//! for: `.ci/run` runs it with `--include-ignored`.

use funnel_bench::commands::funnel_eval;
use funnel_bench::data::{leads_file, read_lines};
use funnel_bench::decision::DecisionWriter;
use funnel_bench::funnel::{at, workload_digest};
use funnel_bench::handwritten::{score, Lead};
use std::path::Path;
use std::process::Stdio;

const LEADS: usize = 20_000;

#[test]
#[ignore = "needs ../shared/bench and python3"]
fn handwritten_eval_prints_what_funnel_eval_prints() {
    let file = leads_file(LEADS).expect("../shared/bench is absent: no generated leads");
    let out = funnel_eval(Path::new(env!("CARGO_BIN_EXE_funnel")), &file, Some(1))
        .arg("--quiet")
        .stderr(Stdio::inherit())
        .output()
        .expect("run funnel eval");
    assert!(out.status.success(), "funnel eval failed: {}", out.status);
    let funnel = out.stdout;

    let writer = DecisionWriter::new(&workload_digest(), at());
    let mut hand = Vec::new();
    for line in read_lines(&file) {
        let lead: Lead = serde_json::from_str(&line).expect("a workload lead decodes");
        writer
            .write(&mut hand, &lead, &score(&lead))
            .expect("write to memory");
    }

    assert_eq!(funnel.iter().filter(|&&b| b == b'\n').count(), LEADS);
    if funnel != hand {
        let (f, h) = (
            String::from_utf8_lossy(&funnel),
            String::from_utf8_lossy(&hand),
        );
        let (n, (fl, hl)) = f
            .lines()
            .zip(h.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((0, ("(a line count differs)", "")));
        panic!(
            "line {} differs:\nfunnel:      {fl}\nhandwritten: {hl}",
            n + 1
        );
    }
}
