//! End-to-end: 100,000 leads from a JSONL file to decisions written to /dev/null, as
//! separate processes — the hand-written program (`handwritten-eval`, one thread) beside
//! `funnel eval --jobs 1` and `funnel eval` on all cores; and `funnel eval --jobs 1` on the
//! same leads as a Parquet file.

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use funnel_bench::commands::{funnel_eval, handwritten_eval};
use funnel_bench::data::{leads_file, leads_parquet};
use funnel_bench::funnel::workload_digest;
use std::path::Path;
use std::process::{Command, Stdio};

/// Leads in the input file.
const LEADS: usize = 100_000;

/// Runs a command to completion with its output thrown away; panics when it fails.
fn run(cmd: &mut Command) {
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("start the command");
    assert!(status.success(), "{cmd:?} failed: {status}");
}

fn cli(c: &mut Criterion) {
    let Some(file) = leads_file(LEADS) else {
        return;
    };
    let funnel = funnel_tests::funnel();
    let digest = workload_digest();

    let mut g = c.benchmark_group("cli");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(LEADS as u64));
    g.bench_function("handwritten_eval", |b| {
        b.iter(|| {
            run(&mut handwritten_eval(
                Path::new(env!("CARGO_BIN_EXE_handwritten-eval")),
                &file,
                &digest,
            ))
        })
    });
    g.bench_function("funnel_eval_jobs_1", |b| {
        b.iter(|| run(&mut funnel_eval(funnel, &file, Some(1))))
    });
    g.bench_function("funnel_eval_all_cores", |b| {
        b.iter(|| run(&mut funnel_eval(funnel, &file, None)))
    });
    let parquet = leads_parquet(LEADS).expect("the leads as Parquet");
    g.bench_function("funnel_eval_jobs_1_parquet", |b| {
        b.iter(|| run(&mut funnel_eval(funnel, &parquet, Some(1))))
    });
    g.finish();
}

criterion_group!(benches, cli);
criterion_main!(benches);
