"""funnel.spark on a local Spark (local[2], several partitions): the decisions equal the
CLI's byte for byte after sorting, stamped with the policy, and bad records come back as
errors while the rest are scored; the report computed in parts on the executors and merged
in Spark equals the CLI's."""

import json
import os
import sys

import pytest

import funnel

pyspark = pytest.importorskip("pyspark", reason="needs pyspark (.ci/run installs it)")
from funnel import spark as fspark  # noqa: E402

XED_AT = "2026-01-05T10:00:00+05:30"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The Python workers run this interpreter, where funnel and pyarrow are installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("funnel-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def leads(spark, xeducation_csv):
    """Leads.csv in three partitions, every cell read as text as the CLI reads it."""
    return spark.read.option("header", True).csv(str(xeducation_csv)).repartition(3)


@pytest.fixture(scope="module")
def policy():
    return funnel.Policy.load("policies/xeducation")


def test_decisions_are_the_clis_byte_for_byte(leads, policy, cli, xeducation_csv):
    assert leads.rdd.getNumPartitions() == 3
    scored = fspark.score(leads, policy, XED_AT, json=True)
    got = sorted(r.decision for r in scored.decisions.collect())
    want = sorted(cli.eval_jsonl("policies/xeducation", xeducation_csv, "--at", XED_AT).decode().splitlines())
    assert len(got) == 9240
    assert got == want
    assert scored.errors.count() == 0


def test_decisions_are_columns_stamped_with_the_policy(leads, policy):
    scored = fspark.score(leads, policy, XED_AT)
    decisions = scored.decisions
    stamps = decisions.select("policy.name", "policy.version", "policy.digest").distinct().collect()
    assert [tuple(s) for s in stamps] == [(policy.name, policy.version, policy.digest)]
    stages = {r["stage"]: r["count"] for r in decisions.groupBy("stage").count().collect()}
    # policies/xeducation/README.md: lead 4772, mql 3362, sales_ready 1105, disqualified 1.
    assert stages == {"lead": 4772, "mql": 3362, "sales_ready": 1105, "disqualified": 1}


def with_a_bad_record(leads, rows: int, bad: int):
    """The first `rows` leads in two partitions, lead `bad` with "lots" visits (not a
    number), and that lead's key."""
    from pyspark.sql import functions as F

    first = leads.orderBy("Prospect ID").limit(rows).cache()
    bad_key = first.collect()[bad]["Prospect ID"]
    broken = first.withColumn(
        "TotalVisits",
        F.when(F.col("Prospect ID") == bad_key, F.lit("lots")).otherwise(F.col("TotalVisits")),
    ).repartition(2)
    return broken, bad_key


def test_a_bad_record_is_an_error_row_and_the_rest_are_scored(spark, leads, policy):
    broken, bad_key = with_a_bad_record(leads, 4, 1)
    scored = fspark.score(broken, policy, XED_AT)
    assert scored.decisions.count() == 3
    [error] = scored.errors.collect()
    assert error["lead"] == bad_key and error["found"] == '"lots"'
    assert error["partition"] in (0, 1) and error["record"] >= 1


OLIST_AT = "2018-12-01T00:00:00-02:00"
OLIST_SPEND = "policies/olist/spend/illustrative_spend.csv"


def test_the_report_is_the_clis_however_the_rows_are_partitioned(spark, cli, olist_csv):
    """policies/olist (spend table, exact sums, medians, segments, per-lead SLAs) over the
    joined leads: the report from 1, 3 and 7 partitions equals `funnel report`'s."""
    policy = funnel.Policy.load("policies/olist")
    want = json.loads(cli.run(
        "report", "policies/olist", olist_csv, "--at", OLIST_AT, "--table",
        f"spend={OLIST_SPEND}", "--format", "json", "-q",
    ).stdout)
    leads = spark.read.option("header", True).csv(str(olist_csv)).cache()
    for partitions in (1, 3, 7):
        df = leads.repartition(partitions)
        assert df.rdd.getNumPartitions() == partitions
        got = fspark.report(df, policy, OLIST_AT, tables={"spend": OLIST_SPEND})
        assert got.pop("errors") == []
        assert got == want, f"{partitions} partitions"
    april = fspark.report(leads.repartition(3), policy, OLIST_AT, since="2018-04-01",
                          until="2018-04-30", tables={"spend": OLIST_SPEND})
    assert [p["period"] for p in april["periods"]] == ["2018-04"]


def test_a_bad_record_in_a_spark_report_is_an_error_with_its_partition(spark, leads, policy):
    broken, bad_key = with_a_bad_record(leads, 6, 4)
    report = fspark.report(broken, policy, XED_AT)
    assert (report["evaluated"], report["failed"]) == (5, 1)
    [error] = report["errors"]
    assert error["lead"] == bad_key and error["found"] == '"lots"'
    assert error["partition"] in (0, 1) and error["record"] >= 1


def test_a_report_without_a_required_column_raises_before_any_task(spark, leads, policy):
    with pytest.raises(funnel.InputError):
        fspark.report(leads.drop("Prospect ID"), policy, XED_AT)
