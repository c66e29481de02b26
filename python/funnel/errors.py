"""The exceptions of the ``funnel`` package, and the diagnostics a policy error carries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, List, Optional


@dataclass(frozen=True)
class Label:
    """A labelled place in the sources that a diagnostic points at."""

    file: str
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a policy set, with the fields ``funnel check --format json`` prints.

    ``file``, ``line`` and ``column`` (1-based) are ``None`` for a problem with no place in the
    sources (such as a directory without policy files).
    """

    code: str
    severity: str
    message: str
    file: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    help: Optional[str] = None
    labels: List[Label] = field(default_factory=list)

    @property
    def is_error(self) -> bool:
        """True for errors, False for warnings."""
        return self.severity == "error"

    @staticmethod
    def _from_json(d: dict) -> "Diagnostic":
        return Diagnostic(
            code=d["code"],
            severity=d["severity"],
            message=d["message"],
            file=d.get("file"),
            line=d.get("line"),
            column=d.get("column"),
            end_line=d.get("end_line"),
            end_column=d.get("end_column"),
            help=d.get("help"),
            labels=[Label(**label) for label in d.get("labels", [])],
        )


def _diagnostics(text: str) -> List[Diagnostic]:
    return [Diagnostic._from_json(d) for d in json.loads(text)]


class FunnelError(Exception):
    """The base of every error this package raises."""


class PolicyError(FunnelError):
    """A policy set that did not load: it has errors, or cannot be read.

    ``diagnostics`` holds every error and warning found (errors first); ``str()`` of the
    exception is the text ``funnel check`` prints for them.
    """

    def __init__(self, rendered: str, diagnostics: List[Diagnostic]):
        super().__init__(rendered)
        self.rendered = rendered
        self.diagnostics = diagnostics

    @property
    def errors(self) -> List[Diagnostic]:
        """The diagnostics that are errors."""
        return [d for d in self.diagnostics if d.is_error]

    def __str__(self) -> str:
        return self.rendered


class LeadError(FunnelError, ValueError):
    """A lead that does not fit the policy's schema, or whose evaluation failed.

    The fields are those of a record error in ``funnel eval --errors``: ``record`` (1-based,
    in a batch), ``lead`` (its key, when it could be read), ``field`` (a path such as
    ``events[2].at``), ``expected``, ``found`` and ``message``.
    """

    def __init__(self, message: str, details: dict):
        super().__init__(message)
        self.details = details
        self.record: Optional[int] = details.get("record")
        self.lead: Optional[str] = details.get("lead")
        self.field: Optional[str] = details.get("field")
        self.expected: Optional[str] = details.get("expected")
        self.found: Optional[str] = details.get("found")
        self.message: str = details.get("message", message)


class InputError(FunnelError, ValueError):
    """An input that cannot be read at all (not one bad record: those are reported, not
    raised), or an argument that is not what it should be (an instant, a format)."""


def _translate(e: Exception) -> Any:
    """The package's exception for a native one (raise the result ``from None``)."""
    from . import _funnel

    if isinstance(e, _funnel.LoadFailure):
        rendered, diagnostics = e.args
        return PolicyError(rendered, _diagnostics(diagnostics))
    if isinstance(e, _funnel.LeadFailure):
        message, details = e.args
        return LeadError(message, json.loads(details))
    if isinstance(e, _funnel.InputFailure):
        return InputError(*e.args)
    return e
