//! A driver for profilers (`perf record`, `valgrind --tool=callgrind`): runs one piece of
//! the workload on its 10,000 leads PASSES times and does little else worth sampling.
//!
//! `cargo run --release -p funnel-bench --example profile_eval -- PASSES [MODE]`, where MODE
//! is `eval` (Funnel, leads already decoded; the default), `decode` (Funnel, decode and
//! evaluate from JSON lines), `hand` or `hand-decode` (the same, hand-written).

use funnel_bench::data::{leads_file, read_lines};
use funnel_bench::funnel::{at, workload_policy};
use funnel_bench::{funnel_eval_one, handwritten};
use funnel_engine::EvalOptions;
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let passes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let mode = args.next().unwrap_or_else(|| "eval".into());
    let Some(path) = leads_file(10_000) else {
        eprintln!("the workload (../shared/bench) is absent");
        return;
    };
    let lines = read_lines(&path);
    let policy = workload_policy().expect("the workload policy compiles");
    let options = EvalOptions::default();
    let at = at();
    let mut evaluator = policy.evaluator(options);
    match mode.as_str() {
        "hand" => {
            let leads: Vec<handwritten::Lead> = lines
                .iter()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            for _ in 0..passes {
                for lead in &leads {
                    black_box(handwritten::score(black_box(lead)));
                }
            }
        }
        "hand-decode" => {
            for _ in 0..passes {
                for line in &lines {
                    let lead: handwritten::Lead = serde_json::from_str(line).unwrap();
                    black_box(handwritten::score(&lead));
                }
            }
        }
        "decode" => {
            for _ in 0..passes {
                for line in &lines {
                    let lead = policy.decode_json(line.as_bytes(), &options).unwrap();
                    black_box(funnel_eval_one(&mut evaluator, &lead, at));
                }
            }
        }
        _ => {
            let leads: Vec<funnel_engine::Lead> = lines
                .iter()
                .map(|l| policy.decode_json(l.as_bytes(), &options).unwrap())
                .collect();
            for _ in 0..passes {
                for lead in &leads {
                    black_box(funnel_eval_one(&mut evaluator, black_box(lead), at));
                }
            }
        }
    }
}
