"""``Policy``: a compiled policy set, and what it evaluates."""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import _funnel
from .errors import Diagnostic, InputError, _diagnostics, _translate

#: A time as the package takes it: an aware ``datetime`` (a naive one is read in the policy's
#: time zone), or text written as ``funnel eval --at`` takes it.
Instant = Union[_dt.datetime, str]

#: Leads to read: a path (str or ``os.PathLike``), or the text itself as ``bytes``.
Source = Union[str, "os.PathLike[str]", bytes]


@dataclass(frozen=True)
class Stamp:
    """Which policy made a result: the ``policy`` header's name and version, and the digest
    of its sources (``sha256:...``, the same wherever the files are)."""

    name: str
    version: int
    digest: str


@dataclass(frozen=True)
class Decisions:
    """The decisions of a batch, in input order, and the records that could not be evaluated.

    ``jsonl`` is the text ``funnel eval --format jsonl`` writes for the same leads, byte for
    byte; ``decisions`` is it read as dicts. ``errors`` are the bad records as
    ``funnel eval --errors`` writes them (``record``, ``lead``, ``field``, ``expected``,
    ``found``, ``message``). ``started`` and ``finished`` say when the run was inside the
    engine, in seconds on :func:`funnel.engine_clock`.
    """

    jsonl: bytes
    errors: List[Dict[str, Any]]
    evaluated: int
    failed: int
    policy: Stamp
    started: float
    finished: float
    _parsed: List[Dict[str, Any]] = field(default_factory=list, repr=False, compare=False)

    @property
    def decisions(self) -> List[Dict[str, Any]]:
        """Each decision as a dict (read from ``jsonl`` once)."""
        if not self._parsed and self.jsonl:
            self._parsed.extend(json.loads(line) for line in self.jsonl.splitlines())
        return self._parsed


@dataclass(frozen=True)
class Scored:
    """A table of leads scored: ``decisions`` and ``errors`` are ``pyarrow.Table``s, and the
    result unpacks as those two (``decisions, errors = policy.evaluate_batch(table)``).

    ``decisions`` has a row for each lead that has a decision, in input order: ``lead``,
    ``policy`` (name, version, digest), ``at``, ``personas``, ``scores``, ``grades``,
    ``values``, ``stage``, ``reached``, ``reason``, ``route``, ``sla`` (each SLA's state and
    its times as timestamps) and, on request, ``explain``. ``errors`` has a row for each record
    that has none: ``record`` (1-based across the table), ``line``, ``lead``, ``field``,
    ``expected``, ``found`` and ``message``. ``started`` and ``finished`` say when the run was
    inside the engine (:func:`funnel.engine_clock`).
    """

    decisions: Any
    errors: Any
    evaluated: int
    failed: int
    policy: Stamp
    started: float
    finished: float

    def __iter__(self):
        return iter((self.decisions, self.errors))


def _record_batches(data: Any) -> List[Any]:
    """The record batches of a pyarrow Table, RecordBatch or RecordBatchReader, of a pandas or
    Polars DataFrame (through Arrow), or of anything that exports an Arrow C stream."""
    import pyarrow as pa

    if isinstance(data, pa.RecordBatch):
        return [data]
    if isinstance(data, (list, tuple)) and all(isinstance(b, pa.RecordBatch) for b in data):
        return list(data)
    if isinstance(data, pa.Table):
        return data.to_batches()
    if isinstance(data, pa.RecordBatchReader):
        return list(data)
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False).to_batches()
    if module == "polars":
        return data.to_arrow().to_batches()
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data).to_batches()
    raise TypeError(
        f"leads as {type(data).__name__}: give a pyarrow Table, RecordBatch or "
        "RecordBatchReader, or a pandas or Polars DataFrame"
    )


def _json_default(value: Any) -> Any:
    """What ``json`` does not know: times and dates as ISO text, decimals as numbers, sets as
    lists (what a lead from a database or a DataFrame row holds)."""
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    try:
        from decimal import Decimal

        if isinstance(value, Decimal):
            return float(value)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"a lead's value of type {type(value).__name__} is not JSON")


def _format_of(source: Source, format: Optional[str]) -> str:
    """The input format as given, else by the file's extension (``.csv``, ``.json``, else
    JSON lines), as ``funnel eval`` settles it."""
    if format is not None:
        return format
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "jsonl"
    suffix = os.path.splitext(os.fspath(source))[1].lower()
    return {".csv": "csv", ".json": "json"}.get(suffix, "jsonl")


def _path_and_data(source: Source) -> Tuple[Optional[str], Optional[bytes]]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return None, bytes(source)
    return os.fspath(source), None


def _is_file_source(source: Any) -> bool:
    """A file's path or its bytes, rather than a table of leads."""
    return isinstance(source, (str, bytes, bytearray, memoryview, os.PathLike))


def _day(d: Optional[Union[str, _dt.date]]) -> Optional[str]:
    return d.isoformat() if isinstance(d, _dt.date) else d


def _table_paths(
    tables: Optional[Mapping[str, Union[str, "os.PathLike[str]"]]],
) -> List[Tuple[str, str]]:
    return [(name, os.fspath(path)) for name, path in (tables or {}).items()]


class ReportPart:
    """The counts of a report over some leads (:meth:`Policy.report_part`), not finished
    into periods: counts, exact sums and the values medians and percentiles need, never a
    lead. Parts of one policy at one instant merge, in any order and grouping, into the part
    over all their leads; :meth:`finish` gives the report. :meth:`to_bytes` and
    :meth:`from_bytes` carry a part between processes (a Spark executor and the driver).

    ``errors`` holds the bad records' errors, as :meth:`Policy.report` gives them.
    """

    __slots__ = ("_data", "errors")

    def __init__(self, data: bytes, errors: Optional[List[Dict[str, Any]]] = None):
        self._data = bytes(data)
        self.errors: List[Dict[str, Any]] = list(errors or [])

    def merge(self, *others: "ReportPart") -> "ReportPart":
        """A new part holding this one's counts and the others'. Raises
        :class:`funnel.InputError` for parts of another policy or instant."""
        try:
            data = _funnel.merge_report_parts([self._data, *(o._data for o in others)])
        except _funnel.InputFailure as e:
            raise _translate(e) from None
        return ReportPart(data, self.errors + [e for o in others for e in o.errors])

    def finish(
        self,
        policy: "Policy",
        *,
        since: Optional[Union[str, _dt.date]] = None,
        until: Optional[Union[str, _dt.date]] = None,
    ) -> Dict[str, Any]:
        """The report over every lead counted into the part, as :meth:`Policy.report`
        returns it. ``policy`` must be the one that counted it (the same digest)."""
        try:
            text = _funnel.finish_report(policy._native, self._data, _day(since), _day(until))
        except _funnel.InputFailure as e:
            raise _translate(e) from None
        report = json.loads(text)
        report["errors"] = list(self.errors)
        return report

    def to_bytes(self) -> bytes:
        """The counts as bytes (the errors are not in them)."""
        return self._data

    @classmethod
    def from_bytes(cls, data: bytes) -> "ReportPart":
        """A part from :meth:`to_bytes`' bytes; checked when it is merged or finished."""
        return cls(data)

    def __repr__(self) -> str:
        return f"ReportPart({len(self._data)} bytes, {len(self.errors)} errors)"


class Policy:
    """A compiled policy set: immutable, and safe to share between threads.

    Load one with :meth:`Policy.load` (a directory) or :meth:`Policy.from_sources` (the files'
    texts). A set with errors raises :class:`funnel.PolicyError`.

    ::

        policy = funnel.Policy.load("policies/acme")
        policy.version, policy.digest   # (3, 'sha256:04f4...')
    """

    __slots__ = ("_native", "_sources")

    def __init__(self, native: "_funnel.NativePolicy", sources: Tuple[Tuple[str, str], ...]):
        self._native = native
        self._sources = sources

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Policy":
        """Reads, checks and compiles the policy set in a directory (or the set of a file's
        directory), as ``funnel check`` and ``funnel eval`` read it."""
        try:
            sources = tuple(_funnel.read_sources(os.fspath(path)))
            native = _funnel.NativePolicy.from_sources(list(sources))
        except _funnel.LoadFailure as e:
            raise _translate(e) from None
        return cls(native, sources)

    @classmethod
    def from_sources(
        cls, files: Union[Mapping[str, str], Iterable[Tuple[str, str]]]
    ) -> "Policy":
        """Checks and compiles a policy set from its files' texts, given as ``{name: text}``
        or ``(name, text)`` pairs. The digest is the one the same files on disk have."""
        pairs = tuple(files.items() if isinstance(files, Mapping) else files)
        try:
            native = _funnel.NativePolicy.from_sources([(str(n), str(t)) for n, t in pairs])
        except _funnel.LoadFailure as e:
            raise _translate(e) from None
        return cls(native, pairs)

    @property
    def name(self) -> str:
        """The ``policy`` header's name."""
        return self._native.name

    @property
    def version(self) -> int:
        """The header's version."""
        return self._native.version

    @property
    def digest(self) -> str:
        """``sha256:...`` of the set's files (names and texts), whatever their location."""
        return self._native.digest

    @property
    def stamp(self) -> Stamp:
        """Name, version and digest, as stamped on every result."""
        return Stamp(self.name, self.version, self.digest)

    @property
    def timezone(self) -> str:
        """The time zone of the ``policy`` header (an IANA name such as ``America/Sao_Paulo``)."""
        return self._native.timezone

    @property
    def sources(self) -> Tuple[Tuple[str, str], ...]:
        """The set's files as ``(name, text)``, in name order: what :meth:`from_sources`
        compiles back into the same policy (Spark ships these to its executors)."""
        return self._sources

    @property
    def warnings(self) -> List[Diagnostic]:
        """The warnings found when the set was checked."""
        return _diagnostics(self._native.warnings()[1])

    @property
    def names(self) -> Dict[str, Any]:
        """The names the policy defines, in written order: ``scores``, ``grades`` (score and
        letters), ``personas``, ``stages``, ``routes``, ``lead_slas``, ``commitments``,
        ``metrics`` and ``tables``."""
        return json.loads(self._native.names_json())

    def instant(self, at: Optional[Instant]) -> str:
        """An instant as RFC 3339 text: ``None`` is now, a naive
        ``datetime`` or a time without offset is read in the policy's zone."""
        if at is None:
            text = _dt.datetime.now(_dt.timezone.utc).isoformat()
        elif isinstance(at, _dt.datetime):
            text = at.isoformat()
        elif isinstance(at, _dt.date):
            text = at.isoformat() + "T00:00:00"
        else:
            text = str(at)
        parsed = self._native.parse_at(text)
        if parsed is None:
            raise InputError(f"at {at!r} is not a datetime; write e.g. 2026-11-26T10:00:00-03:00")
        return parsed

    def evaluate(
        self,
        lead: Mapping[str, Any],
        at: Optional[Instant] = None,
        *,
        explain: bool = False,
        strict: bool = False,
    ) -> Dict[str, Any]:
        """Evaluates one lead (a dict, as one line of ``funnel eval``'s JSON input) at an
        instant, and returns its decision: the dict ``funnel eval --format json`` prints for
        it (``lead``, ``policy`` with name, version and digest, ``at``, ``personas``,
        ``scores``, ``grades``, ``values``, ``stage``, ``reached``, ``route``, ``sla``, and
        ``explain`` when asked for).

        A lead that does not fit the schema raises :class:`funnel.LeadError` naming its field.
        The GIL is released while the lead is evaluated.
        """
        text = json.dumps(lead, default=_json_default, ensure_ascii=False)
        return json.loads(self.evaluate_json(text, at, explain=explain, strict=strict))

    def evaluate_json(
        self,
        lead: Union[str, bytes],
        at: Optional[Instant] = None,
        *,
        explain: bool = False,
        strict: bool = False,
    ) -> str:
        """:meth:`evaluate` for a lead already written as JSON: the decision's JSON text, byte
        for byte a line of ``funnel eval``'s output."""
        if isinstance(lead, (bytes, bytearray)):
            lead = bytes(lead).decode("utf-8")
        try:
            return self._native.evaluate_json(lead, self.instant(at), explain, strict)
        except (_funnel.LeadFailure, _funnel.InputFailure) as e:
            raise _translate(e) from None

    def evaluate_file(
        self,
        source: Source,
        at: Optional[Instant] = None,
        *,
        format: Optional[str] = None,
        delimiter: Optional[str] = None,
        explain: bool = False,
        strict: bool = False,
        jobs: int = 0,
    ) -> Decisions:
        """Evaluates every lead of a file (or of its bytes) as ``funnel eval`` does: JSON
        lines, CSV (a header, then a lead a row) or a JSON array, on ``jobs`` threads (0: one
        per core). A bad record is reported in :attr:`Decisions.errors` and the rest are
        evaluated; an input that cannot be read at all raises :class:`funnel.InputError`.
        The GIL is released for the whole run."""
        path, data = _path_and_data(source)
        try:
            jsonl, errors, evaluated, failed, started, finished = _funnel.evaluate_input(
                self._native,
                path,
                data,
                _format_of(source, format),
                delimiter,
                self.instant(at),
                explain,
                strict,
                jobs,
            )
        except _funnel.InputFailure as e:
            raise _translate(e) from None
        return Decisions(
            jsonl=jsonl,
            errors=[json.loads(e) for e in errors],
            evaluated=evaluated,
            failed=failed,
            policy=self.stamp,
            started=started,
            finished=finished,
        )

    def evaluate_batch(
        self,
        leads: Any,
        at: Optional[Instant] = None,
        *,
        explain: bool = False,
        strict: bool = False,
        jobs: int = 0,
    ) -> Scored:
        """Scores a table of leads: a ``pyarrow.Table``, ``RecordBatch`` or
        ``RecordBatchReader``, or a pandas or Polars DataFrame (converted to Arrow). Columns
        are matched to the schema's fields as CSV headers are (a field's ``from`` name, else
        its name), lists and events from list and struct columns. The batches reach the
        engine without a copy and are decoded a column at a time on ``jobs`` threads (0: one
        per core), with the GIL released.

        A value that does not fit its field is that record's row in ``errors``, and the other
        leads are scored; columns that cannot hold the schema's fields (a required field
        without a column, a bool column for a number) raise :class:`funnel.InputError`.
        Returns a :class:`Scored`, which unpacks as ``(decisions, errors)``.
        """
        import pyarrow as pa

        batches = _record_batches(leads)
        try:
            decisions, errors, evaluated, failed, started, finished = _funnel.evaluate_batches(
                self._native, batches, self.instant(at), explain, strict, jobs
            )
        except _funnel.InputFailure as e:
            raise _translate(e) from None
        return Scored(
            decisions=pa.Table.from_batches(*decisions),
            errors=pa.Table.from_batches(*errors),
            evaluated=evaluated,
            failed=failed,
            policy=self.stamp,
            started=started,
            finished=finished,
        )

    def report(
        self,
        source: Any,
        at: Optional[Instant] = None,
        *,
        format: Optional[str] = None,
        delimiter: Optional[str] = None,
        since: Optional[Union[str, _dt.date]] = None,
        until: Optional[Union[str, _dt.date]] = None,
        tables: Optional[Mapping[str, Union[str, "os.PathLike[str]"]]] = None,
        jobs: int = 0,
    ) -> Dict[str, Any]:
        """The period report over every lead of ``source``: the dict
        ``funnel report --format json`` prints (``policy``, ``at``, ``evaluated``, ``failed``,
        ``periods``, ``funnel``, ``sla``), with the bad records' errors under ``"errors"``.

        ``source`` is a file (a path), its bytes, or a table of leads as
        :meth:`evaluate_batch` takes it (a pyarrow ``Table``/``RecordBatch``, a pandas or
        Polars DataFrame), read a column at a time. ``since``/``until`` bound the periods
        shown (``--from``/``--to``); ``tables`` maps the policy's tables (spend) to their
        files (``--table NAME=FILE``)."""
        given_tables = _table_paths(tables)
        try:
            if _is_file_source(source):
                path, data = _path_and_data(source)
                text, errors = _funnel.report_input(
                    self._native,
                    path,
                    data,
                    _format_of(source, format),
                    delimiter,
                    self.instant(at),
                    _day(since),
                    _day(until),
                    jobs,
                    given_tables,
                )
            else:
                if format is not None or delimiter is not None:
                    raise TypeError("format and delimiter are for files; a table has columns")
                text, errors = _funnel.report_batches(
                    self._native,
                    _record_batches(source),
                    self.instant(at),
                    _day(since),
                    _day(until),
                    jobs,
                    given_tables,
                )
        except _funnel.InputFailure as e:
            raise _translate(e) from None
        report = json.loads(text)
        report["errors"] = [json.loads(e) for e in errors]
        return report

    def report_part(
        self,
        leads: Any = None,
        at: Optional[Instant] = None,
        *,
        tables: Optional[Mapping[str, Union[str, "os.PathLike[str]"]]] = None,
        jobs: int = 0,
    ) -> "ReportPart":
        """The counts of a report over a table of leads (as :meth:`evaluate_batch` takes
        it; ``None`` for no leads) and the rows of ``tables``, not yet finished into periods:
        a :class:`ReportPart`. Parts over pieces of the leads, counted at the same instant,
        merge into the part over all of them, and :meth:`ReportPart.finish` gives the report
        :meth:`report` gives over the whole. :func:`funnel.spark.report` counts a part per
        Spark partition this way."""
        batches = [] if leads is None else _record_batches(leads)
        try:
            data, errors = _funnel.report_part(
                self._native, batches, self.instant(at), jobs, _table_paths(tables)
            )
        except _funnel.InputFailure as e:
            raise _translate(e) from None
        return ReportPart(data, [json.loads(e) for e in errors])

    def __repr__(self) -> str:
        return f"Policy({self.name!r} v{self.version} {self.digest})"

    def __reduce__(self):
        # Pickled as its sources, compiled again where it is unpickled (a Spark executor).
        return (Policy.from_sources, (self._sources,))


def engine_clock() -> float:
    """The engine's clock, in seconds: the clock of :attr:`Decisions.started` and
    :attr:`Decisions.finished`."""
    return _funnel.engine_clock()
