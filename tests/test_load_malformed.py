"""The malformed-input corpus: every row of tests/fixtures/malformed/README.md is checked here.

An error row must raise InputFileError whose message names the file, the line and column the
table gives, and every quoted piece of its last column. A "parses" row must load to the exact
rows in ``PARSES``, worked out by hand from the file.
"""

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from ivp_analysis import load_table
from ivp_analysis.errors import InputFileError

MALFORMED = Path(__file__).parent / "fixtures" / "malformed"
NONE = "—"


def _cells(line: str) -> list[str]:
    """Split a Markdown table row on unescaped pipes and unescape the cells."""
    parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [p.strip().replace("\\|", "|") for p in parts]


def _read_table() -> list[dict]:
    rows = []
    for line in (MALFORMED / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        file, problem, outcome, row, column, words = _cells(line)
        rows.append(
            dict(
                file=file.strip("`"),
                problem=problem,
                outcome=outcome,
                line=None if row == NONE else int(row),
                column=None if column == NONE else column,
                words=re.findall(r"`([^`]*)`", words),
            )
        )
    return rows


TABLE = _read_table()
ERRORS = [r for r in TABLE if r["outcome"] == "error"]

Y, M = "Y", "M"

#: file -> rows (region, period, code, value, status), in the loader's order (region, code,
#: period); None where the value must be NaN. Worked out by hand from each file.
PARSES = {
    "template_bom.csv": [
        ("GM1926", pd.Period("2022", Y), "1.1.1", 76.0, "unknown"),
        ("GM1926", pd.Period("2022", Y), "1.2.2", 32.0, "unknown"),
    ],
    "year_gaps.csv": [
        ("GM1926", pd.Period("2017", Y), "1.1.1", 103.0, "unknown"),
        ("GM1926", pd.Period("2019", Y), "1.1.1", 80.0, "unknown"),
        ("GM1926", pd.Period("2022", Y), "1.1.1", 76.0, "unknown"),
    ],
    "padded_keys.csv": [
        ("GM1926", pd.Period("2019", Y), "1.1.1", 80.0, "unknown"),
        ("GM1926", pd.Period("2019", Y), "2.6.10", 0.0, "unknown"),
        ("NL", pd.Period("2019", Y), "0.0.0", 803646.0, "unknown"),
    ],
    "mixed_periods.json": [
        ("NL", pd.Period("2020", Y), "population_start", 17407585.0, "unknown"),
        ("NL", pd.Period("2020-01", M), "population_start", 17407585.0, "unknown"),
        ("NL", pd.Period("2020-02", M), "population_start", 17413971.0, "unknown"),
    ],
    "all_zero_type_row.csv": [
        ("GM0088", pd.Period("2020", Y), "0.0.0", 35.0, "unknown"),
        ("GM0088", pd.Period("2020", Y), "CRI3400", 0.0, "unknown"),
        ("GM0738", pd.Period("2019", Y), "0.0.0", None, "unknown"),
        ("GM0738", pd.Period("2019", Y), "CRI3400", None, "unknown"),
    ],
    "provisional_double_star.csv": [
        ("GM1926", pd.Period("2022", Y), "1.1.1", 76.0, "unknown"),
        ("GM1926", pd.Period("2023", Y), "1.1.1", 37.0, "provisional"),
        ("GM1926", pd.Period("2024", Y), "1.1.1", 54.0, "provisional"),
    ],
    "provisional_star_template.csv": [
        ("GM1926", pd.Period("2023", Y), "1.1.1", 37.0, "final"),
        ("GM1926", pd.Period("2024", Y), "1.1.1", 54.0, "provisional"),
    ],
}


def test_table_and_folder_agree():
    listed = [r["file"] for r in TABLE]
    assert len(listed) == len(set(listed)), "a file is listed twice"
    present = {p.name for p in MALFORMED.iterdir() if p.name != "README.md"}
    assert set(listed) == present
    assert len(ERRORS) >= 25
    assert {r["file"] for r in TABLE if r["outcome"] == "parses"} == set(PARSES)
    assert {r["outcome"] for r in TABLE} == {"error", "parses"}


@pytest.mark.parametrize("case", ERRORS, ids=[r["file"] for r in ERRORS])
def test_malformed_file_raises_a_clear_error(case):
    with pytest.raises(InputFileError) as info:
        load_table(MALFORMED / case["file"])
    msg = str(info.value)
    assert case["file"] in msg
    assert "\n" not in msg
    if case["line"] is not None:
        assert f"line {case['line']}" in msg
        assert info.value.row == case["line"]
    if case["column"] is not None:
        assert f"column '{case['column']}'" in msg
    for words in case["words"]:
        assert words in msg, f"{words!r} missing from: {msg}"


@pytest.mark.parametrize("name", sorted(PARSES))
def test_file_that_looks_wrong_parses_exactly(name):
    df = load_table(MALFORMED / name)
    got = [
        (r.region, r.period, r.code, None if math.isnan(r.value) else r.value, r.status)
        for r in df.itertuples()
    ]
    assert got == PARSES[name]


def test_mixed_period_codes_keep_their_frequency():
    df = load_table(MALFORMED / "mixed_periods.json")
    assert [p.freqstr for p in df["period"]] == ["Y-DEC", "M", "M"]


def test_all_zero_rows_are_nan_only_where_the_region_did_not_exist():
    df = load_table(MALFORMED / "all_zero_type_row.csv")
    note = "alle maten 0: gemeente bestond niet in dit jaar"
    assert df["note"].tolist() == ["", "", note, note]


def test_padded_keys_are_stripped_and_nl00_is_nl():
    df = load_table(MALFORMED / "padded_keys.csv")
    assert df["region"].tolist() == ["GM1926", "GM1926", "NL"]
    assert df["region_name"].tolist() == ["Pijnacker-Nootdorp", "Pijnacker-Nootdorp", "Nederland"]
