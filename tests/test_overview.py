"""Data overview (``ivp_analysis.overview`` and ``ivp_analysis.present.overview``) on tiny
hand-made frames and on the shipped data."""

import numpy as np
import pandas as pd

from ivp_analysis import overview
from ivp_analysis.present import overview as po


def _frame():
    return pd.DataFrame(
        {
            "dataset": ["plan_figures"] * 3 + ["municipal_crime"] * 2,
            "region": ["GM1926"] * 5,
            "code": ["inc.x", "inc.x", "inc.x", "1.1.1", "1.1.1"],
            "label": ["Overlast", "Overlast", "Overlast", "Inbraak", "Inbraak"],
            "source": ["IVP"] * 3 + ["Politie"] * 2,
            "unit": ["incidenten"] * 3 + ["misdrijven"] * 2,
            "period": pd.PeriodIndex(["2017", "2018", "2020", "2024", "2025"], freq="Y"),
            "value": [np.nan, 5.0, 7.0, 54.0, 51.0],
            "status": ["unknown", "unknown", "unknown", "provisional", "provisional"],
            "note": ["niet beschikbaar", "", "", "", ""],
            "file": ["p.csv"] * 3 + ["d.json"] * 2,
        }
    )


def _with_population(data):
    """Add the average population to the police data set: a code of that set, not a crime type."""
    pop = data[data["dataset"] == "municipal_crime"].assign(
        code="population_avg", label="Gemiddeld aantal inwoners", unit="inwoners", value=55000.0
    )
    return pd.concat([data, pop], ignore_index=True)


def _overview(data, name="Testdorp", gap=None):
    return overview.Overview("GM1926", name, data, overview.availability(data), gap)


def test_availability_fills_gaps_and_marks_withheld_values():
    a = overview.availability(_frame().assign(unit="incidenten"))
    plan = a[a["dataset"] == "plan_figures"]
    assert plan[["year", "status"]].values.tolist() == [
        [2017, "missing"],
        [2018, "unknown"],
        [2019, "missing"],
        [2020, "unknown"],
    ]
    assert plan.set_index("year").loc[2019, "note"] == "geen waarde in het bestand"
    assert overview.provisional_years(a) == [2024, 2025]


def test_survey_gaps_are_not_missing():
    d = _frame().assign(unit="rapportcijfer (1-10)")
    a = overview.availability(d[d["dataset"] == "plan_figures"])
    assert a["year"].tolist() == [2017, 2018, 2020]


def test_summary_names_missing_plan_figures_and_provisional_years():
    text = po.summary_text(_overview(_frame()))
    assert "Overlast (2017)" in text and "Overlast (2019)" in text
    assert "Voorlopige cijfers: 2024, 2025" in text


def test_summary_counts_crime_types_not_the_population():
    # one crime type (1.1.1) and the average population in the police data set: "1 soorten", not 2
    data = _with_population(_frame())
    assert overview.crime_types(data) == ["1.1.1"]
    text = po.summary_text(_overview(data))
    assert "voor 1 soorten misdrijven over 2024–2025" in text
    assert (
        po.sources_table(_overview(data))
        .set_index("gegevensbestand")
        .loc["municipal_crime", "codes"]
        == 2
    )


def test_the_plan_is_named_only_where_it_has_figures():
    total = pd.DataFrame(
        {
            "dataset": ["cbs_totals_2022", "plan_figures"],
            "region": "GM1926",
            "code": "0.0.0",
            "label": "Totaal misdrijven",
            "source": ["CBS", "IVP"],
            "unit": "misdrijven",
            "period": pd.PeriodIndex(["2022", "2022"], freq="Y"),
            "value": [1660.0, 1641.0],
            "status": "unknown",
            "note": "",
            "file": ["c", "p"],
        }
    )
    with_plan = _overview(total, gap=(1.16, 2.1))
    assert "uit CBS 83648NED en het plan; jaren met een totaal: 2022" in po.summary_text(with_plan)
    assert "komt uit CBS-tabel 83648NED en uit het plan zelf." in po.sources_text(with_plan)
    assert po.caveats_text(with_plan).endswith(
        "- CBS 83648NED rondt af op vijftallen; de cijfers van het plan komen uit een andere "
        "politie-uitvraag en wijken daar 1 à 2 % van af."
    )
    cbs_only = _overview(total[total["dataset"] != "plan_figures"], name="Elders")
    assert "uit CBS 83648NED; jaren met een totaal: 2022" in po.summary_text(cbs_only)
    assert "het plan" not in po.sources_text(cbs_only)
    assert po.caveats_text(cbs_only).endswith("- CBS 83648NED rondt af op vijftallen.")


def test_counts_text():
    assert po.counts_text(_overview(_frame())) == (
        "Testdorp (GM1926): 5 cijfers uit 2 gegevensbestanden"
    )


def test_shipped_data_for_pijnacker_nootdorp():
    result = overview.analyse("GM1926")
    table = po.sources_table(result).set_index("gegevensbestand")
    # 12 crime types + average population, 2012-2025 (data.json)
    assert table.loc["municipal_crime", "codes"] == 13
    assert len(overview.crime_types(result.data)) == 12
    assert (
        table.loc["municipal_crime", "eerste periode"],
        table.loc["municipal_crime", "laatste periode"],
    ) == ("2012", "2025")
    # the plan's table has 6 cells marked "1." (not available): 2 x verward gedrag, 2 x
    # conflictbemiddeling, 2 x "w.v. online handel"
    assert table.loc["plan_figures", "ontbrekend"] == 6
    # the plan's totals lie 19 / 1,641 (2022) to 37 / 1,763 (2020) below CBS 83648NED
    assert result.plan_gap is not None
    assert np.allclose(result.plan_gap, (100 * 19 / 1641, 100 * 37 / 1763))
    assert "12 soorten misdrijven" in po.summary_text(result)


def test_a_municipality_without_plan_figures():
    result = overview.analyse("GM0363")
    assert result.plan_gap is None and not result.has_plan
    assert "het plan" not in po.sources_text(result)
