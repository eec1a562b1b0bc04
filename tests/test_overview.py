"""Data overview on tiny hand-made frames and on the shipped data."""

import numpy as np
import pandas as pd

from ivp_analysis import overview


def _frame():
    return pd.DataFrame({
        "dataset": ["plan_figures"] * 3 + ["municipal_crime"] * 2,
        "region": ["GM1926"] * 5,
        "code": ["inc.x", "inc.x", "inc.x", "1.1.1", "1.1.1"],
        "label": ["Overlast", "Overlast", "Overlast", "Inbraak", "Inbraak"],
        "source": ["IVP"] * 3 + ["Politie"] * 2,
        "unit": ["incidenten"] * 5,
        "period": pd.PeriodIndex(["2017", "2018", "2020", "2024", "2025"], freq="Y"),
        "value": [np.nan, 5.0, 7.0, 54.0, 51.0],
        "status": ["unknown", "unknown", "unknown", "provisional", "provisional"],
        "note": ["niet beschikbaar", "", "", "", ""],
        "file": ["p.csv"] * 3 + ["d.json"] * 2,
    })  # fmt: skip


def test_availability_fills_gaps_and_marks_withheld_values():
    a = overview.availability(_frame())
    plan = a[a["dataset"] == "plan_figures"]
    assert plan[["year", "status"]].values.tolist() == [
        [2017, "missing"], [2018, "unknown"], [2019, "missing"], [2020, "unknown"]]  # fmt: skip
    assert plan.set_index("year").loc[2019, "note"] == "geen waarde in het bestand"
    assert overview.provisional_years(a) == [2024, 2025]


def test_survey_gaps_are_not_missing():
    d = _frame().assign(unit="rapportcijfer (1-10)")
    a = overview.availability(d[d["dataset"] == "plan_figures"])
    assert a["year"].tolist() == [2017, 2018, 2020]


def test_summary_names_missing_plan_figures_and_provisional_years():
    text = overview.summary_text("Testdorp", overview.availability(_frame()))
    assert "Overlast (2017)" in text and "Overlast (2019)" in text
    assert "Voorlopige cijfers: 2024, 2025" in text


def test_shipped_data_for_pijnacker_nootdorp():
    data = overview.municipal_data("GM1926")
    table = overview.sources_table(data).set_index("gegevensbestand")
    # 12 crime types + average population, 2012-2025 (data.json)
    assert table.loc["municipal_crime", "codes"] == 13
    assert (
        table.loc["municipal_crime", "eerste periode"],
        table.loc["municipal_crime", "laatste periode"],
    ) == ("2012", "2025")
    # the plan's table has 6 cells marked "1." (not available): 2 x verward gedrag, 2 x
    # conflictbemiddeling, 2 x "w.v. online handel"
    assert table.loc["plan_figures", "ontbrekend"] == 6
