"""Traceability on a real default report: every source_file/source_key reads back to its value,
the manifest names the functions of each table, and ``ivp trace`` prints the chain."""

import csv
import json

import pytest

from ivp_analysis import refs, tables
from ivp_analysis.cli import main
from ivp_analysis.paths import ROOT
from ivp_analysis.refs import SOURCE_COLUMNS

DATA_JSON = "data/raw/politie-47018ned-gemeente-selected-types/data.json"
#: Result table -> the column whose value comes straight from the cell its row names.
DIRECT = {
    "trends": "count",
    "benchmark": "count",
    "covid_national": "observed",
    "covid_municipal": "observed",
    "data_availability": "value",
}


def rows(report, name):
    with open(report / "results" / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def raw_sum(source_file, source_key):
    total = 0.0
    for file, pattern in refs.split(source_file, source_key):
        path = ROOT / file
        doc = json.loads(path.read_text()) if not refs.is_line_key(pattern) else None
        text = refs.decode(path.read_bytes())
        for key in refs.expand(pattern, doc):
            try:
                if doc is None:
                    value = refs.read_line_cell(text, key)["value"]
                else:
                    value = refs.read_json_cell(doc, key)
            except KeyError:  # a region of a '*' pattern without that year
                continue
            words = str(value).replace(".", "").replace(",", ".").split()
            if "ivp-2023-2026" in file:  # the plan's cell as printed: "1.674", "362 158"
                return words
            total += float(value or 0)
    return total


def test_every_result_table_ends_with_the_source_columns(default_report):
    for table in sorted((default_report / "results").glob("*.csv")):
        header = next(csv.reader(table.open(encoding="utf-8")))
        assert header[-2:] == SOURCE_COLUMNS, table.name


@pytest.mark.parametrize("name", sorted(DIRECT))
def test_each_direct_value_reads_back_from_its_cell(default_report, name):
    # the raw cell (or, for a national sum, the cells of its pattern) gives the row's value
    checked, table = 0, rows(default_report, name)
    step = max(1, len(table) // 40)  # about 40 rows a table keep the test quick
    for i, r in enumerate(table):
        if not r["source_key"] or i % step:
            continue
        got, want = raw_sum(r["source_file"], r["source_key"]), float(r[DIRECT[name]])
        if isinstance(got, list):
            assert f"{want:g}" in got
        else:
            assert got == pytest.approx(want)
        checked += 1
    assert checked > 3


def test_sums_read_back_the_cells_they_add_up(default_report):
    for r in rows(default_report, "wijken"):  # a wijk: its buurten
        assert raw_sum(r["source_file"], r["source_key"]) == float(r["count"])
    for r in rows(default_report, "covid_national_years")[:5]:  # a year: its twelve months
        assert raw_sum(r["source_file"], r["source_key"]) == float(r["count"])
    nl = [r for r in rows(default_report, "trends") if r["region"] == "NL"][:3]
    for r in nl:  # the Netherlands: every municipality of data.json, GM0000 included
        assert r["source_key"].startswith("counts/") and "/*/" in r["source_key"]
        assert raw_sum(r["source_file"], r["source_key"]) == float(r["count"])


def test_the_manifest_names_the_functions_of_every_table(default_report):
    made = json.loads((default_report / "manifest.json").read_text())["reproducible"]["tables"]
    written = {p.stem for p in (default_report / "results").glob("*.csv")}
    assert set(made) == written
    for entry in made.values():
        for name in (entry["analysis"], *entry["builders"]):
            assert callable(tables.resolve(name)), name
    assert made["indicators"]["analysis"] == "ivp_analysis.indicators.evaluate:evaluate"


def test_every_function_of_the_map_exists():
    for maker in tables.MAKERS.values():
        for name in (maker.analysis, *maker.builders):
            tables.resolve(name)
        assert (ROOT / "notebooks" / maker.notebook).is_file()


def test_trace_of_the_burglary_indicator(default_report, capsys):
    assert main(["trace", str(default_report), "indicators", "indicator_id=woninginbraak"]) == 0
    out = capsys.readouterr().out
    # the raw cells, read back from data.json, and their tidy values
    assert f"{DATA_JSON}  [SHA-256" in out and "unchanged since the report" in out
    assert "counts/1.1.1/GM1926/2022 = 76" in out and "counts/1.1.1/GM1926/2023 = 37" in out
    assert "tidy: region GM1926, code 1.1.1, period 2023: 37 (final" in out
    # the functions, the row and the verdict
    assert "ivp_analysis.indicators.evaluate:evaluate" in out
    assert "ivp_analysis.indicators.assess:assess" in out
    assert "baseline_value        = 76" in out
    assert out.rstrip().splitlines()[-3:][0].strip() == "status = improved"


def test_trace_of_a_text_cell_shows_the_line(default_report, capsys):
    # the plan's 2017 total: line 2 of its CSV, column 'printed'
    assert main(["trace", str(default_report), "reconciliation", "code=0.0.0,year=2017"]) == 0
    out = capsys.readouterr().out
    assert "data/raw/ivp-2023-2026/politiecijfers_2017_2022.csv" in out
    assert "column 'printed' = '1674'" in out and "line 2: GM1926," in out
    assert "match = " in out


def test_trace_refuses_an_unknown_or_ambiguous_row(default_report, capsys):
    assert main(["trace", str(default_report), "trends", "code=1.1.1"]) == 2
    assert "matches" in capsys.readouterr().err
    assert main(["trace", str(default_report), "trends", "99999"]) == 2
    assert main(["trace", str(default_report), "nope", "1"]) == 2
    assert "no such result table" in capsys.readouterr().err
