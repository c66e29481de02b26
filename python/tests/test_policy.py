"""The Python API gives the CLI's results: the same decisions, byte for byte, for every lead of
the example policies, the same reports, and the same diagnostics."""

import json
import threading

import pytest

import funnel
from conftest import lines

ACME_AT = "2026-11-26T10:00:00-03:00"
ACME_LEADS = "policies/acme/leads/leads.jsonl"


@pytest.fixture(scope="module")
def acme(root):
    return funnel.Policy.load("policies/acme")


def test_load_names_the_policy(acme):
    assert acme.name == "acme-inbound"
    assert acme.version == 3
    assert acme.digest.startswith("sha256:") and len(acme.digest) == 7 + 64
    assert acme.stamp == funnel.Stamp(acme.name, acme.version, acme.digest)
    assert "lead" in acme.names["stages"]


def test_from_sources_is_the_same_policy(acme):
    again = funnel.Policy.from_sources(acme.sources)
    assert again.digest == acme.digest
    assert [n for n, _ in acme.sources] == sorted(n for n, _ in acme.sources)


def test_every_acme_lead_as_a_dict_is_the_clis_decision(acme, cli, root):
    expected = lines(cli.eval_jsonl("policies/acme", ACME_LEADS, "--at", ACME_AT))
    leads = [json.loads(line) for line in (root / ACME_LEADS).read_text().splitlines()]
    assert len(leads) == len(expected) == 20
    for lead, want in zip(leads, expected):
        got = acme.evaluate(lead, ACME_AT)
        assert got == want
        assert got["policy"] == {"name": acme.name, "version": acme.version, "digest": acme.digest}


def test_one_lead_as_json_is_the_clis_line_byte_for_byte(acme, cli, root):
    expected = cli.eval_jsonl("policies/acme", ACME_LEADS, "--at", ACME_AT).splitlines()
    for line, want in zip((root / ACME_LEADS).read_bytes().splitlines(), expected):
        assert acme.evaluate_json(line, ACME_AT).encode() == want


def test_explanations_on_request(acme, cli, root):
    expected = lines(cli.eval_jsonl("policies/acme", ACME_LEADS, "--at", ACME_AT, "--explain"))
    lead = json.loads((root / ACME_LEADS).read_text().splitlines()[1])
    got = acme.evaluate(lead, ACME_AT, explain=True)
    assert got == expected[1]
    assert any(step["kind"] == "rule" for step in got["explain"])
    assert "explain" not in acme.evaluate(lead, ACME_AT)


def test_the_instant_as_a_datetime(acme, root):
    import datetime as dt

    lead = json.loads((root / ACME_LEADS).read_text().splitlines()[0])
    at = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    assert acme.evaluate(lead, at) == acme.evaluate(lead, ACME_AT)
    # A naive datetime is read in the policy's zone (America/Sao_Paulo, -03:00).
    assert acme.evaluate(lead, at.replace(tzinfo=None))["at"] == ACME_AT


def test_a_file_of_leads_is_the_clis_output(acme, cli, root):
    result = acme.evaluate_file(root / ACME_LEADS, ACME_AT)
    assert result.jsonl == cli.eval_jsonl("policies/acme", ACME_LEADS, "--at", ACME_AT)
    assert (result.evaluated, result.failed, result.errors) == (20, 0, [])
    assert result.policy == acme.stamp


def test_olist_every_lead_is_the_clis(cli, root, olist_csv):
    policy = funnel.Policy.load("policies/olist")
    at = "2018-12-01T00:00:00-02:00"
    want = cli.eval_jsonl("policies/olist", olist_csv, "--input-format", "csv", "--at", at)
    got = policy.evaluate_file(olist_csv, at)
    assert got.evaluated == 8000 and got.failed == 0
    assert got.jsonl == want


def test_xeducation_every_lead_is_the_clis(cli, root, xeducation_csv):
    policy = funnel.Policy.load("policies/xeducation")
    at = "2026-01-05T10:00:00+05:30"
    want = cli.eval_jsonl("policies/xeducation", xeducation_csv, "--at", at)
    got = policy.evaluate_file(xeducation_csv, at)
    assert got.evaluated == 9240 and got.failed == 0
    assert got.jsonl == want


def test_the_report_is_the_clis(acme, cli):
    want = json.loads(
        cli.run("report", "policies/acme", ACME_LEADS, "--at", ACME_AT, "--format", "json", "-q").stdout
    )
    got = acme.report(ACME_LEADS, ACME_AT)
    assert got.pop("errors") == []
    assert got == want
    assert got["policy"]["digest"] == acme.digest


def test_olist_report_with_its_spend_table_is_the_clis(cli, root, olist_csv):
    policy = funnel.Policy.load("policies/olist")
    args = ("--at", "2018-12-01T00:00:00-02:00", "--from", "2018-04-01", "--to", "2018-04-30")
    spend = "policies/olist/spend/illustrative_spend.csv"
    want = cli.run(
        "report", "policies/olist", olist_csv, "--input-format", "csv", *args,
        "--table", f"spend={spend}", "--format", "json", "-q",
    ).stdout
    got = policy.report(
        olist_csv, args[1], since="2018-04-01", until="2018-04-30", tables={"spend": root / spend}
    )
    got.pop("errors")
    assert got == json.loads(want)


def test_a_bad_record_is_reported_and_the_rest_are_scored(acme, root):
    good = (root / ACME_LEADS).read_bytes().splitlines()
    data = b"\n".join([good[0], b'{"id": "L-bad", "company_size": "many"}', b"{not json", good[1]])
    result = acme.evaluate_file(data, ACME_AT)
    assert (result.evaluated, result.failed) == (2, 2)
    assert [d["lead"] for d in result.decisions] == [json.loads(good[0])["id"], json.loads(good[1])["id"]]
    bad, malformed = result.errors
    assert (bad["record"], bad["lead"], bad["field"]) == (2, "L-bad", "company_size")
    assert malformed["record"] == 3 and "malformed JSON" in malformed["message"]


def test_a_lead_that_does_not_fit_raises_lead_error(acme):
    with pytest.raises(funnel.LeadError) as e:
        acme.evaluate({"id": "L-1", "company_size": "many"}, ACME_AT)
    assert e.value.field == "company_size"
    assert e.value.lead == "L-1"
    assert "company_size" in str(e.value)


def test_a_bad_instant_raises_input_error(acme):
    with pytest.raises(funnel.InputError, match="not a datetime"):
        acme.evaluate({"id": "L-1"}, "soon")


BROKEN = """policy "broken" version 1
schema lead {
  id: text key
  size: numbr
}
stages {
  lead
}
"""


def test_a_broken_policy_raises_policy_error_rendered_as_check(cli, tmp_path):
    (tmp_path / "policy.funnel").write_text(BROKEN)
    with pytest.raises(funnel.PolicyError) as e:
        funnel.Policy.load(tmp_path)
    [d] = e.value.errors
    assert (d.code, d.severity, d.line, d.column) == ("funnel::unknown_type", "error", 4, 9)
    assert d.file.endswith("policy.funnel")
    assert "numbr" in d.message
    checked = cli.run("check", tmp_path, ok=(1,)).stderr.decode()
    # `funnel check` prints the diagnostics, then a summary line.
    assert checked.startswith(str(e.value))
    assert checked[len(str(e.value)):].startswith("checked 1 file: 1 error")


def test_a_missing_directory_is_a_policy_error(tmp_path):
    with pytest.raises(funnel.PolicyError) as e:
        funnel.Policy.load(tmp_path / "nowhere")
    assert e.value.diagnostics[0].file is None


def test_a_policy_pickles_as_its_sources(acme):
    import pickle

    again = pickle.loads(pickle.dumps(acme))
    assert again.digest == acme.digest


def test_two_threads_are_inside_the_engine_at_once(acme, root):
    """The GIL is released while evaluating: two threads' runs overlap on the engine clock
    (each run's start and end are read inside the engine, with the GIL let go)."""
    data = b"\n".join((root / ACME_LEADS).read_bytes().splitlines() * 5000)  # 100,000 leads
    results = {}
    barrier = threading.Barrier(2)

    def score(name):
        barrier.wait()
        results[name] = acme.evaluate_file(data, ACME_AT, jobs=1)

    threads = [threading.Thread(target=score, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a, b = results["a"], results["b"]
    assert a.evaluated == b.evaluated == 100_000
    # Each began before the other finished: both were evaluating at the same time.
    assert a.started < b.finished and b.started < a.finished
