"""The README's Python examples (the ```python blocks of its "Python and Spark" section), run
as written from the repository's root, so they stay true. Their asserts check the results."""

import re

import pytest

from conftest import ROOT, SHARED_DATA


def blocks():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Python and Spark") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_section_has_its_examples():
    assert len(blocks()) == 3


@pytest.mark.parametrize("index", range(3), ids=["quick-start", "arrow", "spark"])
def test_readme_example_runs(index):
    code = blocks()[index]
    if "../shared/data" in code and not SHARED_DATA.exists():
        pytest.skip("needs ../shared/data (the real datasets, beside the checkout)")
    if "pyspark" in code:
        pytest.importorskip("pyspark", reason="needs pyspark (.ci/run installs it)")
    exec(compile(code, f"README.md python block {index + 1}", "exec"), {"__name__": "readme"})
