#!/usr/bin/env python3
"""Scores the example policies' real inputs and a generated file of a million leads on a local
Spark (local[2]) with funnel.spark, and prints each run's stages and throughput, then Olist's
monthly report (with its spend table) computed in Spark.

    python python/examples/spark_score.py [--leads 1000000] [--work target/spark-example]

Run from the repository's root, with the package installed (pip install ./python pyspark
pandas) and the CLI built (cargo build -p funnel-cli): Olist's leads are joined to their
deals with `funnel join`, as policies/olist/README.md does. The real datasets are read from
../shared/data; the generated leads (../shared/bench/gen_leads.py, scored by
bench/lead-scoring-v1) are written once as Parquet under --work.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import funnel
from funnel import spark as fspark

DATA = Path("../shared/data")


def session(master: str):
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("funnel-example")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def generated_parquet(work: Path, n: int) -> Path:
    """n leads of the benchmark workload as Parquet, made once."""
    import pyarrow.json as pajson
    import pyarrow.parquet as pq

    out = work / f"leads-{n}.parquet"
    if not out.exists():
        jsonl = work / f"leads-{n}.jsonl"
        with open(jsonl, "wb") as f:
            subprocess.run([sys.executable, "../shared/bench/gen_leads.py", str(n)], stdout=f, check=True)
        pq.write_table(pajson.read_json(jsonl), out)
    return out


def run(name: str, df, policy: funnel.Policy, at: str, out: Path = None) -> None:
    started = time.perf_counter()
    scored = fspark.score(df, policy, at)
    decisions = scored.decisions.cache()
    if out is not None:
        decisions.write.mode("overwrite").parquet(str(out))
    stages = sorted((r["stage"], r["count"]) for r in decisions.groupBy("stage").count().collect())
    errors = scored.errors.count()
    seconds = time.perf_counter() - started
    leads = sum(n for _, n in stages)
    print(f"{name}: {policy.name} v{policy.version} ({policy.digest[:15]}...) at {at}")
    print(f"  {leads} leads, {errors} errors in {seconds:.1f} s ({leads / seconds:,.0f} leads/s)")
    print("  " + ", ".join(f"{stage} {n}" for stage, n in stages))
    decisions.unpersist()


def report(df, policy: funnel.Policy, at: str, spend: str) -> None:
    """Olist's report over its leads in Spark: each partition counted on its executor, the
    parts merged in Spark, April 2018's figures printed."""
    started = time.perf_counter()
    r = fspark.report(df, policy, at, tables={"spend": spend})
    seconds = time.perf_counter() - started
    print(f"olist report: {r['evaluated']} leads, {r['failed']} errors in {seconds:.1f} s")
    for period in r["periods"]:
        if period["period"] != "2018-04":
            continue
        for c in period["commitments"]:
            if "segment" not in c:
                print(f"  2018-04 {c['name']}: {c['value']:.4g} ({c['status']}, {c['promise']})")
        for m in period["metrics"]:
            if "segment" not in m:
                print(f"  2018-04 {m['name']}: {m['display']}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--leads", type=int, default=1_000_000, help="generated leads (default 1M)")
    args.add_argument("--work", type=Path, default=Path("target/spark-example"))
    args.add_argument("--master", default="local[2]")
    args.add_argument("--funnel", default="target/debug/funnel", help="the funnel CLI")
    a = args.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    spark = session(a.master)

    olist = DATA / "olist-marketing-funnel"
    joined = a.work / "olist-joined.csv"
    with open(joined, "wb") as f:
        subprocess.run(
            [a.funnel, "join", olist / "olist_marketing_qualified_leads_dataset.csv",
             olist / "olist_closed_deals_dataset.csv", "--on", "mql_id", "-q"],
            stdout=f, check=True,
        )
    csv = spark.read.option("header", True)
    olist_policy = funnel.Policy.load("policies/olist")
    olist_at = "2018-12-01T00:00:00-02:00"
    run("olist", csv.csv(str(joined)), olist_policy, olist_at)
    report(csv.csv(str(joined)).repartition(4), olist_policy, olist_at,
           "policies/olist/spend/illustrative_spend.csv")
    run(
        "xeducation",
        csv.csv(str(DATA / "x-education-leads" / "Leads.csv")),
        funnel.Policy.load("policies/xeducation"),
        "2026-01-05T10:00:00+05:30",
    )
    parquet = generated_parquet(a.work, a.leads)
    run(
        f"generated ({a.leads:,} leads, Parquet)",
        spark.read.parquet(str(parquet)),
        funnel.Policy.load("bench/lead-scoring-v1"),
        "2026-11-26T10:00:00Z",
        out=a.work / "decisions.parquet",
    )
    spark.stop()


if __name__ == "__main__":
    main()
