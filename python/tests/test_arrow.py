"""Leads as Arrow tables: scored with the engine's Arrow API, a bad record reported in the
errors table (not raised) while the rest are scored."""

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
