"""Leads as Arrow tables: scored with the engine's Arrow API, a bad record reported in the
errors table (not raised) while the rest are scored; reports over a table, whole or in parts
merged, equal the CLI's."""

import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import funnel
from conftest import lines

XED_AT = "2026-01-05T10:00:00+05:30"


@pytest.fixture(scope="module")
def xeducation():
    return funnel.Policy.load("policies/xeducation")


@pytest.fixture(scope="module")
def xed_table(xeducation_csv):
    """Leads.csv with every cell as text, as the CLI reads it."""
    table = pacsv.read_csv(xeducation_csv)
    return table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))


def test_a_table_of_leads_gives_the_clis_decisions(xeducation, xed_table, xeducation_csv, cli):
    table = xed_table
    decisions, errors = xeducation.evaluate_batch(table, XED_AT)
    want = lines(cli.eval_jsonl("policies/xeducation", xeducation_csv, "--at", XED_AT))
    assert errors.num_rows == 0
    assert decisions.column("lead").to_pylist() == [d["lead"] for d in want]
    assert decisions.column("stage").to_pylist() == [d["stage"] for d in want]
    scores = decisions.column("scores").to_pylist()
    assert scores == [d["scores"] for d in want]
    stamp = decisions.column("policy").to_pylist()
    assert set(map(tuple, (s.values() for s in stamp))) == {
        (xeducation.name, xeducation.version, xeducation.digest)
    }


def test_a_malformed_record_is_in_the_errors_table_and_the_rest_are_scored(xeducation, xed_table):
    table = xed_table.slice(0, 3)
    visits = table.schema.get_field_index("TotalVisits")
    table = table.set_column(visits, "TotalVisits", pa.array(["3", "lots", "5"]))
    keys = table.column("Prospect ID").to_pylist()
    scored = xeducation.evaluate_batch(table, XED_AT)
    decisions, errors = scored
    assert (scored.evaluated, scored.failed) == (2, 1)
    assert decisions.column("lead").to_pylist() == [keys[0], keys[2]]
    [error] = errors.to_pylist()
    assert (error["record"], error["lead"], error["found"]) == (2, keys[1], '"lots"')
    assert "lots" in error["message"]


def test_a_table_without_a_required_column_raises_input_error(xeducation):
    with pytest.raises(funnel.InputError):
        xeducation.evaluate_batch(pa.table({"nothing": ["x"]}), XED_AT)


def test_pandas_goes_through_arrow(xeducation, xed_table):
    pytest.importorskip("pandas")
    table = xed_table.slice(0, 2)
    decisions, errors = xeducation.evaluate_batch(table.to_pandas(), XED_AT)
    assert decisions.column("lead").to_pylist() == table.column("Prospect ID").to_pylist()
    assert errors.num_rows == 0


def test_a_report_over_a_table_is_the_clis(cli, root, olist_csv):
    """policies/olist's report (its spend table, sums, medians, segments) over the joined
    leads as an Arrow table equals `funnel report` over the CSV."""
    policy = funnel.Policy.load("policies/olist")
    at = "2018-12-01T00:00:00-02:00"
    spend = "policies/olist/spend/illustrative_spend.csv"
    want = json.loads(cli.run(
        "report", "policies/olist", olist_csv, "--at", at, "--table", f"spend={spend}",
        "--format", "json", "-q",
    ).stdout)
    table = pacsv.read_csv(olist_csv)
    table = table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))
    got = policy.report(table, at, tables={"spend": root / spend})
    assert got.pop("errors") == []
    assert got["evaluated"] == 8000
    assert got == want


def test_report_parts_of_any_split_make_the_report_of_the_whole(cli, root, olist_csv):
    policy = funnel.Policy.load("policies/olist")
    at = "2018-12-01T00:00:00-02:00"
    spend = {"spend": root / "policies/olist/spend/illustrative_spend.csv"}
    table = pacsv.read_csv(olist_csv)
    table = table.cast(pa.schema([(f.name, pa.string()) for f in table.schema]))
    whole = policy.report(table, at, tables=spend)
    # Five uneven parts, the spend rows counted in the last, merged out of order and after
    # a trip through bytes.
    cuts = [0, 1, 1700, 4000, 7999, 8000]
    parts = [
        policy.report_part(table.slice(a, b - a), at, tables=spend if b == 8000 else None)
        for a, b in zip(cuts, cuts[1:])
    ]
    parts = [funnel.ReportPart.from_bytes(p.to_bytes()) for p in parts]
    merged = parts[3].merge(parts[0], parts[4]).merge(parts[2].merge(parts[1]))
    assert merged.finish(policy) == whole
    april = merged.finish(policy, since="2018-04-01", until="2018-04-30")
    assert [p["period"] for p in april["periods"]] == ["2018-04"]


def test_a_part_of_another_policy_is_refused(xeducation, xed_table):
    olist = funnel.Policy.load("policies/olist")
    part = xeducation.report_part(xed_table.slice(0, 10), XED_AT)
    with pytest.raises(funnel.InputError, match="counted with policy"):
        part.finish(olist)
    with pytest.raises(funnel.InputError, match="not a report part"):
        funnel.ReportPart.from_bytes(b"garbage").merge(part)


def test_a_bad_record_in_a_report_is_an_error_and_the_rest_are_counted(xeducation, xed_table):
    table = xed_table.slice(0, 5)
    visits = table.column("TotalVisits").to_pylist()
    visits[2] = "lots"
    table = table.set_column(table.schema.get_field_index("TotalVisits"), "TotalVisits", pa.array(visits))
    report = xeducation.report(table, XED_AT)
    assert (report["evaluated"], report["failed"]) == (4, 1)
    [error] = report["errors"]
    assert error["record"] == 3 and error["found"] == '"lots"'
