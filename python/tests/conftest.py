"""Shared fixtures: the repository, the `funnel` CLI the results are compared with, and the
real datasets of ../shared/data (tests that need them skip, saying so, when they are absent)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"

# Paths are given as the CLI is given them, relative to the repository: explanations name a
# rule's file as the policy was loaded.
os.chdir(ROOT)


def _cli_binary() -> Path:
    """The CLI built from this checkout (built once if missing): FUNNEL_BIN, else
    target/debug/funnel."""
    given = os.environ.get("FUNNEL_BIN")
    if given:
        return Path(given)
    binary = ROOT / "target" / "debug" / "funnel"
    if not binary.exists():
        subprocess.run(
            ["cargo", "build", "--quiet", "--locked", "-p", "funnel-cli"], cwd=ROOT, check=True
        )
    return binary


class Cli:
    """Runs the `funnel` CLI from the repository's root."""

    def __init__(self, binary: Path):
        self.binary = binary

    def run(self, *args, input=None, ok=(0,)) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(self.binary), *map(str, args)],
            cwd=ROOT,
            input=input,
            capture_output=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        if done.returncode not in ok:
            raise AssertionError(
                f"funnel {' '.join(map(str, args))} exited {done.returncode}: "
                f"{done.stderr.decode(errors='replace')}"
            )
        return done

    def eval_jsonl(self, *args) -> bytes:
        """`funnel eval ... --format jsonl -q`'s output."""
        return self.run("eval", *args, "--format", "jsonl", "-q", ok=(0, 3)).stdout


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(_cli_binary())


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def shared_data(name: str) -> Path:
    """A dataset folder of ../shared/data, or a skip that names what is missing."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"needs ../shared/data/{name} (the real datasets, beside the checkout)")
    return path


@pytest.fixture(scope="session")
def olist_csv(cli, tmp_path_factory) -> Path:
    """The Olist leads joined with their closed deals, as policies/olist/README.md makes them
    with `funnel join`."""
    d = shared_data("olist-marketing-funnel")
    out = tmp_path_factory.mktemp("olist") / "joined.csv"
    joined = cli.run(
        "join",
        d / "olist_marketing_qualified_leads_dataset.csv",
        d / "olist_closed_deals_dataset.csv",
        "--on",
        "mql_id",
        "-q",
    ).stdout
    out.write_bytes(joined)
    return out


@pytest.fixture(scope="session")
def xeducation_csv() -> Path:
    return shared_data("x-education-leads") / "Leads.csv"


def lines(jsonl: bytes):
    return [json.loads(line) for line in jsonl.splitlines()]
