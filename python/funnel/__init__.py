"""Funnel policies from Python: load and check a policy set, evaluate leads one by one or a
whole file at a time, run period reports, and score Spark DataFrames (:mod:`funnel.spark`).

    import funnel
    policy = funnel.Policy.load("policies/acme")
    decision = policy.evaluate(lead_dict, "2026-11-26T10:00:00-03:00")
    decision["stage"], decision["scores"], decision["policy"]["digest"]

Every result names the policy that made it (name, version and digest), and the engine runs
with the GIL released, so threads score in parallel.
"""

from .errors import Diagnostic, FunnelError, InputError, Label, LeadError, PolicyError
from .policy import Decisions, Policy, ReportPart, Scored, Stamp, engine_clock


def load(path) -> Policy:
    """Reads, checks and compiles the policy set in a directory: :meth:`Policy.load`."""
    return Policy.load(path)


__all__ = [
    "Decisions",
    "Diagnostic",
    "FunnelError",
    "InputError",
    "Label",
    "LeadError",
    "Policy",
    "PolicyError",
    "ReportPart",
    "Scored",
    "Stamp",
    "engine_clock",
    "load",
]
