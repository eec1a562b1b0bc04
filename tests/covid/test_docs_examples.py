"""The examples of docs/covid.md run and print what the page says they print."""

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "covid.md"
PAIRS = re.findall(
    r"```python\n(.*?)```\n\n```text\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S
)


def test_the_page_has_examples():
    assert len(PAIRS) == 2


@pytest.mark.parametrize(("code", "printed"), PAIRS, ids=["eurostat-monthly", "co2-weekly"])
def test_example_prints_what_the_page_shows(code, printed):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(DOC), "exec"), {})  # noqa: S102 - our own documentation
    assert out.getvalue() == printed
