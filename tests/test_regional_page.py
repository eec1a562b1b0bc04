"""present.regional: summary.csv and index.html of a batch, from hand-made report folders.

The sorting and filtering in a real browser is tested in tests/test_browser.py.
"""

import csv
import re
import shutil
from pathlib import Path

import pytest

from ivp_analysis.batch import BatchResult
from ivp_analysis.present import regional as page

FIXTURES = Path(__file__).parent / "fixtures" / "regional"
MOMENT = "tussenevaluatie-2024"


@pytest.fixture(scope="module")
def batch_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("batch")
    for code in ("GM1926", "GM0599", "GM0363"):
        shutil.copytree(FIXTURES / code, root / code)
    results = [
        BatchResult("GM1926", "done", 1.0, "", str(root / "GM1926" / MOMENT)),
        BatchResult("GM0088", "failed", 0.5, "notebook 01 failed: <boom> & more", ""),
        BatchResult("GM0599", "skipped", 0.1, "", str(root / "GM0599" / MOMENT)),
        BatchResult("GM0363", "done", 1.0, "", str(root / "GM0363" / MOMENT)),
    ]
    written = page.write_overview(root, results)
    assert written == root / "index.html"
    return root


def test_summary_csv_has_one_row_per_municipality_in_batch_order(batch_root):
    with open(batch_root / "summary.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["municipality"] for r in rows] == ["GM1926", "GM0088", "GM0599", "GM0363"]
    assert [r["status"] for r in rows] == ["done", "failed", "skipped", "done"]
    first = rows[0]
    assert first["population"] == "57802"
    assert first["covid_2020_pct"] == "0.7042253521"  # 100 * (143 / 142 - 1), 10 digits
    assert first["burglary_status"] == "improved"
    assert rows[1]["error"] == "notebook 01 failed: <boom> & more"
    assert rows[3]["pdf"] == "GM0363/tussenevaluatie-2024/report.pdf"


def test_page_has_a_row_per_municipality_dutch_headings_and_the_figure(batch_root):
    html = (batch_root / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    assert len(re.findall(r"<tr data-status=", html)) == 4
    for heading in ("Gemeente", "Inwoners", "Woninginbraak: t.o.v. peiljaar", "COVID-19-jaren"):
        assert f">{heading}</th>" in html
    assert html.count('src="data:image/png;base64,') == 1
    assert 'src="http' not in html and "<link" not in html  # self-contained, no server
    assert '<a href="summary.csv">' in html
    assert '<a href="GM0363/tussenevaluatie-2024/report.pdf">pdf</a>' in html
    assert html.count(">pdf</a>") == 1  # only GM0363 has a PDF
    assert "&lt;boom&gt; &amp; more" in html and "<boom>" not in html  # the error is escaped
    assert "4 gemeenten" in html and "1 mislukt" in html and "1 al actueel" in html
    assert "Landelijk lag het totaal aantal misdrijven in 2020 +2,9 %" in html


def test_cells_say_the_verdicts_in_dutch_with_sort_keys(batch_root):
    html = (batch_root / "index.html").read_text(encoding="utf-8")
    assert 'data-col="population" data-sort="57802.0"' in html
    assert "verbeterd: -52 %" in html  # GM1926's burglary, rounded
    assert "binnen de trend" in html and "onder de trend" in html
    assert "-13,7 % per jaar (significante daling)" in html
    assert 'data-col="p-going-concern" data-sort="0"' in html  # 1 improved - 1 worsened


def test_priority_cell_and_baseline_cell():
    html, key = page.priority_cell({"indicators_zorg_worsened": 2}, "zorg")
    assert key == -2 and "▼ 2" in html and "▲ 0" in html
    assert page.priority_cell({}, "zorg") == ("–", None)
    assert page.baseline_cell({"burglary_status": "worsened"}, "burglary") == ("verslechterd", None)
    text, key = page.trend_cell({"total_crime_trend_position": "above trend"}, "total_crime")
    assert (text, key) == ("boven de trend", None)
