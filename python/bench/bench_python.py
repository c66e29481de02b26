#!/usr/bin/env python3
"""Where the time goes when Funnel scores from Python and Spark.

    python python/bench/bench_python.py [--leads 1000000] [--funnel target/release/funnel]

Run from the repository's root with the package installed (pip install ./python, which builds
it in release) and a release CLI (cargo build --release -p funnel-cli). It scores the
benchmark workload (../shared/bench/gen_leads.py with bench/lead-scoring-v1), made once under
target/spark-example, and prints:

1. Python's overhead per batch: the wall time of Policy.evaluate_batch against the time the
   engine itself spent (measured inside the call, with the GIL released), one worker, for
   batches of several sizes.
2. Throughput on all cores: the engine in-process on an Arrow table, `funnel eval` on the same
   leads as JSON lines, and funnel.spark on local[2] reading the same leads as Parquet.
3. The same for reports: Policy.report on the table, `funnel report` on the JSON lines, and
   funnel.spark.report (a part per partition, merged in Spark), with the size of a part.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

import funnel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
from spark_score import generated_parquet, session  # noqa: E402

AT = "2026-11-26T10:00:00Z"


def overhead(policy, table) -> None:
    print("Python overhead per batch (one engine worker; median of 5):")
    print("| leads a batch | wall | inside the engine | overhead | overhead a lead |")
    print("|---:|---:|---:|---:|---:|")
    for size in (1_000, 10_000, 100_000):
        batch = table.slice(0, size).combine_chunks().to_batches()[0]
        walls, inside = [], []
        for _ in range(5):
            t = time.perf_counter()
            scored = policy.evaluate_batch(batch, AT, jobs=1)
            walls.append(time.perf_counter() - t)
            inside.append(scored.finished - scored.started)
        wall, engine = statistics.median(walls), statistics.median(inside)
        print(
            f"| {size:,} | {wall * 1e3:.2f} ms | {engine * 1e3:.2f} ms | "
            f"{(wall - engine) * 1e3:.3f} ms | {(wall - engine) / size * 1e9:.0f} ns |"
        )


def throughput(policy, table, jsonl: Path, parquet: Path, cli: str, master: str) -> None:
    n = table.num_rows
    print(f"\nThroughput, {n:,} leads (best of 3 for the first two; Spark once, after a warm-up):")
    print("| path | seconds | leads/s |")
    print("|---|---:|---:|")
    best = min(
        (lambda t: (policy.evaluate_batch(table, AT, jobs=0), time.perf_counter() - t)[1])(
            time.perf_counter()
        )
        for _ in range(3)
    )
    print(f"| engine in-process, Arrow table, all cores (Policy.evaluate_batch) | {best:.2f} | {n / best:,.0f} |")
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(
            [cli, "eval", "bench/lead-scoring-v1", str(jsonl), "--at", AT, "-q", "-o", os.devnull],
            check=True,
        )
        runs.append(time.perf_counter() - t)
    print(f"| `funnel eval` JSON lines, all cores | {min(runs):.2f} | {n / min(runs):,.0f} |")
    spark = session(master)
    from funnel import spark as fspark

    df = spark.read.parquet(str(parquet))
    # A warm-up on a slice: the JVM, the Python workers and the policy's compilation.
    fspark.score(df.limit(1000), policy, AT).decisions.write.format("noop").mode("overwrite").save()
    t = time.perf_counter()
    fspark.score(df, policy, AT).decisions.write.format("noop").mode("overwrite").save()
    seconds = time.perf_counter() - t
    print(f"| funnel.spark on {master}, Parquet in, decisions to a no-op sink | {seconds:.2f} | {n / seconds:,.0f} |")
    reports(policy, table, jsonl, df, cli, master)
    spark.stop()


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        work()
        times.append(time.perf_counter() - t)
    return min(times)


def reports(policy, table, jsonl: Path, df, cli: str, master: str) -> None:
    from funnel import spark as fspark

    n = table.num_rows
    print(f"\nReports, {n:,} leads (best of 3; Spark once, after a warm-up):")
    print("| path | seconds | leads/s |")
    print("|---|---:|---:|")
    seconds = best_of(3, lambda: policy.report(table, AT))
    print(f"| engine in-process, Arrow table, all cores (Policy.report) | {seconds:.2f} | {n / seconds:,.0f} |")
    command = [cli, "report", "bench/lead-scoring-v1", str(jsonl), "--at", AT, "-q", "--format", "json"]
    seconds = best_of(3, lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))
    print(f"| `funnel report` JSON lines, all cores | {seconds:.2f} | {n / seconds:,.0f} |")
    fspark.report(df.limit(1000), policy, AT)
    t = time.perf_counter()
    report = fspark.report(df, policy, AT)
    seconds = time.perf_counter() - t
    assert report["evaluated"] == n
    print(f"| funnel.spark.report on {master}, Parquet in | {seconds:.2f} | {n / seconds:,.0f} |")
    half = policy.report_part(table.slice(0, n // 2), AT, jobs=0)
    print(f"A part over {n // 2:,} leads is {len(half.to_bytes()):,} bytes.")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--leads", type=int, default=1_000_000)
    args.add_argument("--work", type=Path, default=Path("target/spark-example"))
    args.add_argument("--funnel", default="target/release/funnel")
    args.add_argument("--master", default="local[2]")
    a = args.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    parquet = generated_parquet(a.work, a.leads)
    table = pq.read_table(parquet)
    policy = funnel.Policy.load("bench/lead-scoring-v1")
    overhead(policy, table)
    throughput(policy, table, a.work / f"leads-{a.leads}.jsonl", parquet, a.funnel, a.master)


if __name__ == "__main__":
    main()
