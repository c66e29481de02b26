//! `bench-ratios [CRITERION_DIR]`: after `cargo bench -p funnel-bench`, prints criterion's
//! results as a markdown table: each benchmark's mean time (per lead in the groups that
//! measure leads, else per iteration) and its ratio to the hand-written baseline of its
//! group.
//!
//! Reads `<dir>/<group>/<benchmark>/new/{benchmark,estimates}.json`; the directory is the
//! argument, else `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else
//! `target/criterion` at the workspace root.

use funnel_bench::data::target_dir;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The groups in the order the benchmarks define them; others follow by name.
const GROUP_ORDER: [&str; 5] = ["evaluate", "decode_evaluate", "compile", "reload", "cli"];

/// One benchmark's result.
struct Row {
    group: String,
    bench: String,
    /// Mean time per iteration, in nanoseconds.
    mean_ns: f64,
    /// Leads (elements) per iteration, when the benchmark declared them.
    elements: Option<u64>,
}

impl Row {
    /// The time of one unit: a lead when the benchmark counts leads, else an iteration.
    fn unit_ns(&self) -> f64 {
        self.mean_ns / self.elements.unwrap_or(1) as f64
    }

    fn is_baseline(&self) -> bool {
        self.bench.starts_with("handwritten")
    }
}

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("CRITERION_HOME").map(PathBuf::from))
        .unwrap_or_else(|| target_dir().join("criterion"));
    let mut rows = Vec::new();
    collect(&dir, &mut rows);
    if rows.is_empty() {
        eprintln!(
            "no criterion results under {}: run `cargo bench -p funnel-bench` first",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    rows.sort_by(|a, b| {
        let rank = |g: &str| {
            GROUP_ORDER
                .iter()
                .position(|x| *x == g)
                .unwrap_or(usize::MAX)
        };
        (rank(&a.group), &a.group, !a.is_baseline(), &a.bench).cmp(&(
            rank(&b.group),
            &b.group,
            !b.is_baseline(),
            &b.bench,
        ))
    });
    println!("| group | benchmark | mean time | per | leads/s | × handwritten |");
    println!("|---|---|---:|---|---:|---:|");
    for r in &rows {
        let baseline = rows.iter().find(|b| b.group == r.group && b.is_baseline());
        let ratio = baseline.map_or("—".to_string(), |b| {
            format!("{:.2}", r.unit_ns() / b.unit_ns())
        });
        let (per, rate) = match r.elements {
            Some(_) => ("lead", format!("{:.0}", 1e9 / r.unit_ns())),
            None => ("iteration", "—".to_string()),
        };
        println!(
            "| {} | {} | {} | {per} | {rate} | {ratio} |",
            r.group,
            r.bench,
            duration(r.unit_ns())
        );
    }
    ExitCode::SUCCESS
}

/// Finds every `new/benchmark.json` below `dir` and reads it with its `estimates.json`.
fn collect(dir: &Path, rows: &mut Vec<Row>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            if let Some(row) = read(&path) {
                rows.push(row);
            }
        } else if path.file_name().is_some_and(|n| n != "report") {
            collect(&path, rows);
        }
    }
}

fn read(new: &Path) -> Option<Row> {
    let json = |name: &str| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(new.join(name)).ok()?).ok()
    };
    let id = json("benchmark.json")?;
    let estimates = json("estimates.json")?;
    let text = |v: &Value| v.as_str().map(str::to_string);
    let group = text(&id["group_id"])?;
    let bench = [text(&id["function_id"]), text(&id["value_str"])]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("/");
    let elements = id["throughput"]
        .get("Elements")
        .or_else(|| id["throughput"].get("ElementsAndBytes")?.get("elements"))
        .and_then(Value::as_u64);
    Some(Row {
        group,
        bench,
        mean_ns: estimates["mean"]["point_estimate"].as_f64()?,
        elements,
    })
}

/// A time in nanoseconds, in the unit that suits it.
fn duration(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.2} ms", n / 1e6),
        n => format!("{:.3} s", n / 1e9),
    }
}
