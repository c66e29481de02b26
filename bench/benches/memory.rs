//! Peak memory (the child's `ru_maxrss`, from `wait4` on its pid) of `funnel eval --jobs 1`,
//! `funnel eval` on all cores and `handwritten-eval`, on 100,000 and 1,000,000 leads, output
//! to /dev/null. Prints a table and the 1M/100k ratio: a streaming evaluator's peak should
//! not grow with the input.
//!
//! Runs under `cargo bench` (which passes `--bench`); under `cargo test --benches` it only
//! says so. A filter argument that `memory` does not contain skips it, like criterion's.

use funnel_bench::commands::{funnel_eval, handwritten_eval};
use funnel_bench::data::leads_file;
use funnel_bench::funnel::workload_digest;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run measured.
struct Run {
    peak_kib: i64,
    wall: Duration,
}

/// Builds the command line of a measured program for a lead file.
type MakeCommand<'a> = Box<dyn Fn(&Path) -> Command + 'a>;

/// Runs a command with its output thrown away and waits for it with `wait4`, which gives
/// that child's own resource usage.
// `wait4` reaps the child, in place of `Child::wait`, which does not report usage.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the command");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; zeroed is a valid value for it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to the status and usage.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed (wait status {status})"
    );
    Run {
        // Linux reports kilobytes.
        peak_kib: usage.ru_maxrss,
        wall,
    }
}

/// Whether the command line selects this benchmark: `cargo bench` passes `--bench`, and a
/// positional argument is a filter.
fn selected() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        eprintln!("memory: not run outside `cargo bench`");
        return false;
    }
    // Criterion's options that take a value: their values are not filters.
    const WITH_VALUE: [&str; 12] = [
        "--warm-up-time",
        "--measurement-time",
        "--sample-size",
        "--save-baseline",
        "--baseline",
        "--baseline-lenient",
        "--load-baseline",
        "--profile-time",
        "--output-format",
        "--color",
        "--noise-threshold",
        "--significance-level",
    ];
    let mut filters = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if WITH_VALUE.contains(&a.as_str()) {
            it.next();
        } else if !a.starts_with('-') {
            filters.push(a);
        }
    }
    filters.is_empty() || filters.iter().any(|f| "memory".contains(f.as_str()))
}

fn main() {
    if !selected() {
        return;
    }
    let sizes = [100_000, 1_000_000];
    let files: Vec<(usize, PathBuf)> = sizes
        .iter()
        .filter_map(|&n| leads_file(n).map(|f| (n, f)))
        .collect();
    if files.len() < sizes.len() {
        return;
    }
    let funnel = funnel_tests::funnel();
    let digest = workload_digest();
    let programs: [(&str, MakeCommand); 3] = [
        (
            "funnel eval --jobs 1",
            Box::new(|f| funnel_eval(funnel, f, Some(1))),
        ),
        (
            "funnel eval (all cores)",
            Box::new(|f| funnel_eval(funnel, f, None)),
        ),
        (
            "handwritten-eval",
            Box::new(|f| {
                handwritten_eval(
                    Path::new(env!("CARGO_BIN_EXE_handwritten-eval")),
                    f,
                    &digest,
                )
            }),
        ),
    ];

    println!("\nPeak memory (ru_maxrss of each child), output to /dev/null\n");
    println!(
        "| program | peak RSS, 100k leads | peak RSS, 1M leads | 1M / 100k | time, 100k | time, 1M |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, command) in &programs {
        let runs: Vec<Run> = files
            .iter()
            .map(|(_, f)| measure(&mut command(f)))
            .collect();
        let (small, large) = (&runs[0], &runs[1]);
        println!(
            "| {name} | {:.1} MiB | {:.1} MiB | {:.2} | {:.2} s | {:.2} s |",
            mib(small.peak_kib),
            mib(large.peak_kib),
            large.peak_kib as f64 / small.peak_kib as f64,
            small.wall.as_secs_f64(),
            large.wall.as_secs_f64(),
        );
    }
}

fn mib(kib: i64) -> f64 {
    kib as f64 / 1024.0
}
