//! `handwritten-eval` prints, byte for byte, what `funnel eval bench/lead-scoring-v1 FILE
//! --at 2026-01-01T00:00:00Z --jobs 1` prints, on 20,000 generated leads. Skipped (with a
//! notice) without `../shared/bench`.

use funnel_bench::commands::{funnel_eval, handwritten_eval};
use funnel_bench::data::leads_file;
use funnel_bench::funnel::workload_policy;
use std::path::Path;
use std::process::{Command, Stdio};

const LEADS: usize = 20_000;

fn stdout_of(cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .expect("start the command");
    assert!(out.status.success(), "{cmd:?} failed: {}", out.status);
    out.stdout
}

#[test]
fn handwritten_eval_prints_what_funnel_eval_prints() {
    let Some(file) = leads_file(LEADS) else {
        return;
    };
    let policy = workload_policy().expect("the workload policy compiles");
    let funnel = stdout_of(funnel_eval(funnel_tests::funnel(), &file, Some(1)).arg("--quiet"));
    let hand = stdout_of(&mut handwritten_eval(
        Path::new(env!("CARGO_BIN_EXE_handwritten-eval")),
        &file,
        policy.digest(),
    ));
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
