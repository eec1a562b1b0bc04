"""regional: the overview fields of a batch, read from hand-made report folders by column name.

The folders are in tests/fixtures/regional/ (its README works the expected values out by hand).
"""

import math
from pathlib import Path

import pytest

from ivp_analysis import regional
from ivp_analysis.batch import BatchResult

FIXTURES = Path(__file__).parent / "fixtures" / "regional"
MOMENT = "tussenevaluatie-2024"


def _results(root: Path = FIXTURES) -> list[BatchResult]:
    def done(code):
        return BatchResult(code, "done", 1.0, "", str(root / code / MOMENT))

    failed = BatchResult("GM0088", "failed", 0.5, "notebook 01_crime_trends.ipynb failed", "")
    return [done("GM1926"), failed, done("GM0599"), done("GM0363")]


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    frame = regional.overview(_results(), FIXTURES)
    assert frame["municipality"].tolist() == ["GM1926", "GM0088", "GM0599", "GM0363"]
    return {r["municipality"]: r for r in frame.to_dict("records")}


def _empty(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_identity_moment_population_and_links(rows):
    r = rows["GM1926"]
    assert (r["name"], r["status"], r["moment"]) == ("Pijnacker-Nootdorp", "done", MOMENT)
    assert (r["baseline_year"], r["eval_year"]) == (2022, 2023)
    assert (r["population"], r["population_year"]) == (57802, 2023)  # not 2024, after it
    assert r["report"] == "GM1926/tussenevaluatie-2024/index.html"
    assert _empty(r["pdf"])
    a = rows["GM0363"]
    assert (a["population"], a["population_year"]) == (882633, 2022)  # 2021 has no figure
    assert a["pdf"] == "GM0363/tussenevaluatie-2024/report.pdf"


def test_a_failed_municipality_is_a_row_with_its_error(rows):
    r = rows["GM0088"]
    assert (r["name"], r["status"]) == ("Schiermonnikoog", "failed")
    assert r["error"] == "notebook 01_crime_trends.ipynb failed"
    assert _empty(r["report"]) and _empty(r["population"])


def test_indicator_statuses_are_counted_per_priority(rows):
    r = rows["GM1926"]
    got = {g: r[f"indicators_going-concern_{g}"] for g in regional.STATUS_GROUPS}
    assert got == {"improved": 1, "worsened": 1, "no_change": 1, "not_assessable": 1, "other": 0}
    assert r["indicators_ondermijning_not_assessable"] == 1  # "no target direction"
    assert r["indicators_jeugd_not_assessable"] == 1  # "no data"
    assert _empty(r["indicators_zorg_improved"])  # no indicator of that priority in the table
    assert rows["GM0599"]["indicators_zorg_not_assessable"] == 1
    assert _empty(rows["GM0363"]["indicators_going-concern_improved"])  # no indicators.csv


def test_burglary_against_baseline_and_trend_with_the_new_columns(rows):
    r = rows["GM1926"]
    assert r["burglary_status"] == "improved"
    assert (r["burglary_change"], r["burglary_ci_low"], r["burglary_ci_high"]) == (
        -51.9,
        -68.2,
        -28.1,
    )
    assert (r["burglary_q_value"], r["burglary_min_detectable_change"]) == (0.005, -41.0)
    assert (r["burglary_trend_position"], r["burglary_baseline_vs_trend"]) == (
        "within trend",
        "above",
    )
    assert (r["burglary_trend_source"], r["burglary_trend_years"]) == (
        "Politie 47018NED",
        "2012-2023",
    )
    assert (r["burglary_trend_change_pct"], r["burglary_trend_verdict"]) == (
        -13.7,
        "significante daling",
    )


def test_without_the_new_columns_the_fields_stay_empty_or_come_from_trends(rows):
    r = rows["GM0599"]
    assert (r["burglary_status"], r["burglary_change"]) == ("no significant change", 9.0)
    assert _empty(r["burglary_q_value"]) and _empty(r["burglary_min_detectable_change"])
    assert r["burglary_trend_position"] == "below trend"  # trends.csv, evaluation year
    a = rows["GM0363"]
    assert _empty(a["burglary_status"]) and a["burglary_trend_change_pct"] == -9.9


def test_total_crime_prefers_the_cbs_trend_over_the_plan_figures(rows):
    r = rows["GM1926"]
    assert r["total_crime_status"] == "not assessable: no data"
    assert _empty(r["total_crime_change"])
    assert (r["total_crime_trend_source"], r["total_crime_trend_change_pct"]) == (
        "CBS 83648NED",
        -5.0,
    )


def test_covid_years_sum_the_municipality_own_rows(rows):
    r = rows["GM1926"]
    assert (r["covid_2020_observed"], r["covid_2020_expected"]) == (143.0, 142.0)
    assert r["covid_2020_pct"] == pytest.approx(100 * (143 / 142 - 1))
    assert (r["covid_2020_below"], r["covid_2020_above"], r["covid_2020_types"]) == (1, 1, 3)
    assert r["covid_2021_pct"] == pytest.approx(100 * (61 / 61.44 - 1))
    assert r["covid_2021_types"] == 1
    s = rows["GM0599"]  # the GM1926 row in its file is not counted
    assert (s["covid_2020_observed"], s["covid_2020_expected"]) == (1010.0, 1100.0)
    assert s["covid_2020_pct"] == pytest.approx(-8.181818, abs=1e-6)
    assert (s["covid_2020_below"], s["covid_2020_above"]) == (1, 0)
    assert s["covid_2021_pct"] == 0.0
    assert _empty(rows["GM0363"]["covid_2020_pct"])


def test_national_covid_context_from_the_summary_table():
    got = regional.national_covid(FIXTURES / "GM1926" / MOMENT)
    assert got == {
        "2020": {"pct": 2.9, "verdict": "binnen normale schommeling"},
        "2021": {"pct": 4.8, "verdict": "hoger dan verwacht"},
    }
    assert regional.national_covid(FIXTURES / "GM0363" / MOMENT) == {}


def test_columns_are_fixed_and_unique():
    cols = regional.columns(regional.priorities())
    assert len(cols) == len(set(cols))
    assert cols[:4] == ["municipality", "name", "status", "error"]
    frame = regional.overview(_results(), FIXTURES)
    assert list(frame.columns) == cols


def test_a_row_read_by_the_worker_is_taken_as_is_and_equals_reading_it_at_the_end():
    results = _results()
    read_late = regional.overview(results, FIXTURES)
    for r in results:
        if r.folder:
            r.row = regional.report_row(Path(r.folder), r.municipality)
    assert regional.overview(results, FIXTURES).equals(read_late)
    # the worker's fields are what the overview shows: it does not read the folder again
    results[0].row = {**results[0].row, "population": 1}
    assert regional.overview(results, FIXTURES)["population"].iloc[0] == 1
