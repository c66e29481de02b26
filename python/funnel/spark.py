"""Scoring Spark DataFrames with a Funnel policy.

:func:`score` runs the policy on the executors with ``mapInArrow``: the policy's files are
read once on the driver (:attr:`funnel.Policy.sources`) and shipped with the job as text, each
executor process compiles them once, and each Arrow batch of a partition is scored by the
engine (columnar decoding, all the task's cores, no JSON). Every decision carries the
policy's name, version and digest, so a run is traceable to the exact policy that made it.

::

    from funnel import Policy, spark as fspark
    scored = fspark.score(df, Policy.load("policies/xeducation"), "2026-01-05T10:00:00+05:30")
    scored.decisions.groupBy("stage").count().show()
    scored.errors.show()

:func:`report` computes the period report of a DataFrame where its rows are: each partition
counts its leads into a :class:`funnel.ReportPart` on its executor, Spark merges the parts
(``treeAggregate``, on the executors), and the driver finishes the one merged part. The
report is the one ``funnel report`` gives over the same leads, to the last digit, however
the rows are partitioned::

    report = fspark.report(df, Policy.load("policies/olist"), "2018-12-01T00:00:00-02:00",
                           tables={"spend": "policies/olist/spend/illustrative_spend.csv"})
    report["periods"][0]["metrics"]
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as _dt
import json as _json
import os
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from .policy import Instant, Policy, ReportPart

#: Policies compiled in this process, by digest: an executor compiles a policy once, however
#: many tasks and batches it scores.
_COMPILED: Dict[str, Policy] = {}


def _compiled(sources: Tuple[Tuple[str, str], ...], digest: str) -> Policy:
    policy = _COMPILED.get(digest)
    if policy is None:
        policy = Policy.from_sources(sources)
        if policy.digest != digest:  # pragma: no cover - the same texts give the same digest
            raise RuntimeError(f"shipped policy compiled to {policy.digest}, not {digest}")
        _COMPILED[digest] = policy
    return policy


def _signed(t: Any) -> Any:
    """An Arrow type Spark can hold: unsigned integers become int64 (Spark has none)."""
    import pyarrow as pa

    if pa.types.is_unsigned_integer(t):
        return pa.int64()
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_signed(f.type)) for f in t])
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.list_(t.value_field.with_type(_signed(t.value_type)))
    return t


@dataclass(frozen=True)
class Scoring:
    """A DataFrame scored by :func:`score`. Nothing runs until one of the DataFrames is used;
    ``scored`` holds both (``cache()`` it to score once and read both).

    - ``decisions``: one row per lead with a decision, the columns of
      :meth:`funnel.Policy.evaluate_batch`'s decisions (``lead``, ``policy`` with name,
      version and digest, ``at``, ``scores``, ``grades``, ``stage``, ``reached``, ``route``,
      ``sla``, ...), or with ``json=True`` ``lead`` and ``decision``: the JSON line
      ``funnel eval`` writes for the lead.
    - ``errors``: one row per record that could not be scored: ``partition`` and ``record``
      (1-based within the partition) say where, then ``lead``, ``field``, ``expected``,
      ``found`` and ``message``.
    """

    scored: Any
    policy: Any

    @property
    def decisions(self) -> Any:
        return self.scored.where("decision is not null").select("decision.*")

    @property
    def errors(self) -> Any:
        return self.scored.where("error is not null").select("error.*")


def score(
    df: Any,
    policy: Policy,
    at: Optional[Instant] = None,
    *,
    explain: bool = False,
    strict: bool = False,
    json: bool = False,
    jobs: int = 1,
) -> Scoring:
    """Scores every row of a Spark DataFrame as a lead of ``policy`` at the instant ``at``
    (the same instant for every partition: ``None`` is now, on the driver).

    Columns are matched to the schema's fields as CSV headers are; the columns' types are
    checked against the schema on the driver, before any task runs (a missing required field
    raises :class:`funnel.InputError`). ``jobs`` is the engine threads per task (Spark already
    runs a task per core). Returns a :class:`Scoring` with the ``decisions`` and ``errors``
    DataFrames.
    """
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    instant = policy.instant(at)
    sources, digest = policy.sources, policy.digest
    # The decisions' columns, from scoring no rows of the DataFrame's columns.
    empty = pa.RecordBatch.from_pylist([], schema=to_arrow_schema(df.schema))
    probe = policy.evaluate_batch(empty, instant, explain=explain, strict=strict, jobs=1)
    if json:
        decision_type = pa.struct([("lead", pa.string()), ("decision", pa.string())])
    else:
        decision_type = _signed(pa.struct(list(probe.decisions.schema)))
    error_type = pa.struct(
        [pa.field("partition", pa.int64(), False)]
        + [f.with_type(_signed(f.type)) for f in probe.errors.schema]
    )
    out_schema = pa.schema([("decision", decision_type), ("error", error_type)])

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        from . import _funnel

        compiled = _compiled(sources, digest)
        context = TaskContext.get()
        partition = context.partitionId() if context else 0
        batches = [b for b in batches if b.num_rows]
        if not batches:
            return
        if json:
            pairs, (errors, errors_schema), _, _ = _funnel.evaluate_batches_json(
                compiled._native, batches, instant, explain, strict, jobs
            )
            leads = pa.array([k for k, _ in pairs], pa.string())
            texts = pa.array([j for _, j in pairs], pa.string())
            decisions = pa.StructArray.from_arrays([leads, texts], fields=list(decision_type))
            errors = pa.Table.from_batches(errors, errors_schema)
        else:
            scored = compiled.evaluate_batch(
                batches, instant, explain=explain, strict=strict, jobs=jobs
            )
            table = scored.decisions.cast(pa.schema(list(decision_type)))
            decisions = pa.StructArray.from_arrays(
                [c.combine_chunks() for c in table.columns], fields=list(decision_type)
            ) if table.num_rows else pa.array([], decision_type)
            errors = scored.errors
        if len(decisions):
            yield pa.RecordBatch.from_arrays(
                [decisions, pa.nulls(len(decisions), error_type)], schema=out_schema
            )
        if errors.num_rows:
            parts = pa.array([partition] * errors.num_rows, pa.int64())
            columns = [parts] + [
                c.combine_chunks().cast(_signed(c.type)) for c in errors.columns
            ]
            error_array = pa.StructArray.from_arrays(columns, fields=list(error_type))
            yield pa.RecordBatch.from_arrays(
                [pa.nulls(errors.num_rows, decision_type), error_array], schema=out_schema
            )

    scored = df.mapInArrow(run, from_arrow_schema(out_schema))
    return Scoring(scored=scored, policy=policy.stamp)


#: A merged report part as the reduction carries it: the part's bytes and the errors' JSON.
_Merged = Optional[Tuple[bytes, List[str]]]


def _merge(a: _Merged, b: _Merged) -> _Merged:
    """Two partitions' parts as one (on an executor, with no policy needed)."""
    from . import _funnel

    if a is None or b is None:
        return a if b is None else b
    return bytes(_funnel.merge_report_parts([a[0], b[0]])), a[1] + b[1]


def report(
    df: Any,
    policy: Policy,
    at: Optional[Instant] = None,
    *,
    since: Optional[Union[str, _dt.date]] = None,
    until: Optional[Union[str, _dt.date]] = None,
    tables: Optional[Mapping[str, Union[str, "os.PathLike[str]"]]] = None,
    jobs: int = 1,
    depth: int = 2,
) -> Dict[str, Any]:
    """The period report over every row of a Spark DataFrame, as leads of ``policy`` at the
    instant ``at`` (``None`` is now, on the driver): the dict :meth:`funnel.Policy.report`
    returns, which is what ``funnel report --format json`` prints, with the bad records'
    errors under ``"errors"`` (each with its ``partition`` and its ``record`` within it).

    The per-lead part runs on the executors: each partition is evaluated and counted into a
    report part (counts, exact sums, the values of medians and percentiles) with
    ``mapInArrow``. The aggregation runs in Spark: the parts are merged with
    ``treeAggregate`` (``depth`` levels, on the executors). The driver only finishes the
    merged part into periods, adding the rows of ``tables`` (the policy's spend tables, as
    files, like ``--table NAME=FILE``). Columns are matched to fields as :func:`score`
    matches them, and checked on the driver before any task runs.
    """
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    instant = policy.instant(at)
    sources, digest = policy.sources, policy.digest
    # The columns are checked (a missing required field raises InputError) and the tables
    # read on the driver, before any task runs.
    empty = pa.RecordBatch.from_pylist([], schema=to_arrow_schema(df.schema))
    driver_part = policy.report_part(empty, instant, tables=tables, jobs=1)
    out_schema = pa.schema([("part", pa.binary(), False), ("errors", pa.list_(pa.string()))])

    def count(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        from . import _funnel

        compiled = _compiled(sources, digest)
        context = TaskContext.get()
        partition = context.partitionId() if context else 0
        batches = [b for b in batches if b.num_rows]
        part, errors = _funnel.report_part(compiled._native, batches, instant, jobs, [])
        located = [
            _json.dumps({"partition": partition, **_json.loads(e)}) for e in errors
        ]
        yield pa.RecordBatch.from_pylist(
            [{"part": bytes(part), "errors": located}], schema=out_schema
        )

    parts = df.mapInArrow(count, from_arrow_schema(out_schema))
    merged = parts.rdd.map(lambda row: (bytes(row.part), list(row.errors))).treeAggregate(
        None, _merge, _merge, depth
    )
    total = driver_part if merged is None else driver_part.merge(ReportPart(merged[0]))
    result = total.finish(policy, since=since, until=until)
    errors = [_json.loads(e) for e in (merged[1] if merged else [])]
    errors.sort(key=lambda e: (e["partition"], e.get("record") or 0))
    result["errors"] = driver_part.errors + errors
    return result
