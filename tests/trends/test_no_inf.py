"""No ``inf`` anywhere a reader or a CSV can see it, for a small, a large and the default
municipality (the review found "Stijging van inf %" and ``change = inf`` for GM0088)."""

import csv
import re

import numpy as np
import pytest

from ivp_analysis import indicators, trends
from ivp_analysis.present import indicators as present_indicators
from ivp_analysis.present import trends as present_trends
from ivp_analysis.present.indicator_reasons import result_table

INF = re.compile(r"(?<![A-Za-z])[+-]?inf(inity)?(?![A-Za-z])", re.IGNORECASE)


def _no_inf_in_frame(df, where):
    numbers = df.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any(), where
    texts = [str(x) for x in df.select_dtypes(exclude="number").to_numpy().ravel()]
    assert not [t for t in texts if INF.search(t)], where


@pytest.mark.parametrize("municipality", ["GM0088", "GM0363"])
def test_small_and_large_municipalities_have_no_inf(municipality, inputs):
    r = trends.analyse(municipality, data=inputs)
    for name, table in r.result_tables.items():
        _no_inf_in_frame(table, f"{municipality} {name}.csv")
    texts = [
        present_trends.conclusions_text(r),
        present_trends.context_text(r),
        present_trends.multiplicity_text(r, "previous"),
        present_trends.change_example_text(r),
    ]
    for against in ("previous", "base"):
        _no_inf_in_frame(present_trends.changes_table(r, against), f"{municipality} {against}")
    ev = indicators.evaluate(municipality)
    _no_inf_in_frame(result_table(ev), f"{municipality} indicators.csv")
    texts += [
        present_indicators.summary_text(ev),
        present_indicators.scorecard_html(ev),
        present_indicators.evaluability_text(ev),
    ]
    assert not [t for t in texts if INF.search(t)]


def test_gm0088_writes_counts_where_the_base_is_zero(inputs):
    # Schiermonnikoog: drug trafficking 0 in 2022 and 2 in 2023
    ev = indicators.evaluate("GM0088")
    row = result_table(ev).set_index("indicator_id").loc["drugshandel"]
    assert np.isnan(row["change"]) and np.isnan(row["ci_high"])
    assert row["reason"].startswith("Van 0 naar 2: bij minder dan 10 gevallen")


def test_the_default_report_has_no_inf_and_no_year_after_its_vintage(default_report):
    for path in sorted((default_report / "results").glob("*.csv")):
        with path.open(encoding="utf-8") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert not [c for c in cells if INF.fullmatch(c.strip()) or re.search(r"\binf\s*%", c)]
    html = (default_report / "index.html").read_text(encoding="utf-8")
    html = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", "", html)  # figures
    assert not INF.search(html)
    with (default_report / "results" / "trend_models.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert max(int(r["last_year"]) for r in rows if r["last_year"]) == 2023
    assert all(r["provisional_years"] == "" for r in rows)
    with (default_report / "results" / "trends.csv").open(encoding="utf-8") as f:
        assert max(int(r["year"]) for r in csv.DictReader(f)) == 2023
