//! A driver for profilers (`perf record`, `valgrind --tool=callgrind`): evaluates the
//! workload's 10,000 leads, already decoded, PASSES times (argument 1, default 50) and does
//! nothing else worth sampling. `hand` as argument 2 runs the hand-written function instead.

use funnel_bench::data::{leads_file, read_lines};
use funnel_bench::funnel::{at, workload_policy};
use funnel_bench::{funnel_eval_one, handwritten};
use funnel_engine::EvalOptions;
use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let passes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let hand = args.next().as_deref() == Some("hand");
    let Some(path) = leads_file(10_000) else {
        eprintln!("the workload (../shared/bench) is absent");
        return;
    };
    let lines = read_lines(&path);
    let policy = workload_policy().expect("the workload policy compiles");
    let options = EvalOptions::default();
    let at = at();
    if hand {
        let leads: Vec<handwritten::Lead> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for _ in 0..passes {
            for lead in &leads {
                black_box(handwritten::score(black_box(lead)));
            }
        }
        return;
    }
    let leads: Vec<funnel_engine::Lead> = lines
        .iter()
        .map(|l| policy.decode_json(l.as_bytes(), &options).unwrap())
        .collect();
    let mut evaluator = policy.evaluator(options);
    for _ in 0..passes {
        for lead in &leads {
            black_box(funnel_eval_one(&mut evaluator, black_box(lead), at));
        }
    }
}
