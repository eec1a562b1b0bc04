"""Tests of ivp_analysis.indicators.sources: templates, indicator series, population and budget."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis.errors import InputFileError
from ivp_analysis.indicators.catalogue import Indicator, Source
from ivp_analysis.indicators.sources import (
    budget,
    indicator_series,
    population_series,
    read_template,
)

# --------------------------------------------------------------------------- templates


def test_header_only_template_is_empty_and_bad_templates_are_rejected(tmp_path):
    (tmp_path / "leeg.csv").write_text("region,period,code,value,note\n", encoding="utf-8")
    assert len(read_template("leeg", tmp_path)) == 0
    (tmp_path / "typo.csv").write_text("region,period,code,value,respondenten\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"column 'respondenten': unknown column"):
        read_template("typo", tmp_path)
    (tmp_path / "maand.csv").write_text(
        "region,period,code,value\nGM1926,2023-05,ond.meldingen,3\n"
    )
    with pytest.raises(InputFileError, match="period is not a year"):
        read_template("maand", tmp_path)
    (tmp_path / "neg.csv").write_text("region,period,code,value\nGM1926,2023,ond.meldingen,-3\n")
    with pytest.raises(InputFileError, match="negative count"):
        read_template("neg", tmp_path)
    (tmp_path / "kort.csv").write_text("region,period,value\n")
    with pytest.raises(InputFileError, match="column 'code': missing column"):
        read_template("kort", tmp_path)


def test_shipped_templates_hold_only_the_plans_figures():
    inc = read_template("incidenten")
    assert sorted(inc["period"].map(lambda p: p.year).unique()) == list(range(2017, 2023))
    jeugd = inc[inc["code"] == "inc.overlast_jeugd"]["value"].tolist()
    assert jeugd == [351, 278, 173, 346, 284, 307]
    assert inc[inc["code"] == "inc.verward_gedrag"]["value"].isna().sum() == 2  # '1.' in the plan
    enq = read_template("enquetes")
    assert enq["value"].tolist() == [7.5, 7.8, 7.6, 7.9]
    assert enq["respondents"].isna().all() and enq["margin_95"].isna().all()
    assert len(read_template("handhaving")) == 0 and len(read_template("ondermijning")) == 0


def _indicator(kind: str, name: str, code: str) -> Indicator:
    return Indicator(
        id="x",
        label="X",
        priority="jeugd",
        theme="t",
        source=Source(kind, name, code),
        unit="incidenten",
        desired_direction="down",
        kind="count",
        caveat="c",
    )


def test_series_of_a_template_keeps_respondents_and_margin(tmp_path):
    (tmp_path / "enq.csv").write_text(
        "region,period,code,value,respondents,margin_95\n"
        "GM1926,2023,ivm.veiligheid,7.3,,0.2\n"
        "GM1926,2021,ivm.veiligheid,7.8,500,\n"
        "GM0363,2021,ivm.veiligheid,6.9,,\n",
        encoding="utf-8",
    )
    s = indicator_series(_indicator("template", "enq", "ivm.veiligheid"), "GM1926", tmp_path)
    assert s["year"].tolist() == [2021, 2023]  # sorted, other municipality left out
    assert s["value"].tolist() == [7.8, 7.3]
    assert s["respondents"].iloc[0] == 500 and np.isnan(s["respondents"].iloc[1])
    assert np.isnan(s["margin_95"].iloc[0]) and s["margin_95"].iloc[1] == 0.2


def test_series_of_a_shipped_data_set():
    s = indicator_series(_indicator("dataset", "municipal_crime", "1.1.1"), "GM1926")
    # Burglary in Pijnacker-Nootdorp, Politie 47018NED: 73, 61, 76, 37 in 2020-2023.
    assert s.set_index("year").loc[2020:2023, "value"].tolist() == [73, 61, 76, 37]
    assert s.set_index("year").loc[2023, "status"] == "final"


def test_budget_per_inhabitant():
    b = budget("GM1926").set_index("year")
    assert b.loc[2023, "budget"] == 95_000
    assert b.loc[2023, "per_inhabitant"] == pytest.approx(95_000 / 57_802)
    assert b.loc[2025, "per_inhabitant"] == pytest.approx(190_000 / 58_126)
    assert np.isnan(b.loc[2026, "per_inhabitant"])  # no population for 2026 yet
    assert budget("GM0363").empty  # the shipped budget is Pijnacker-Nootdorp's only


def test_population_is_indexed_by_year():
    pop = population_series("GM1926")
    assert isinstance(pop, pd.Series) and pop.index.is_monotonic_increasing
    assert pop.loc[[2022, 2023]].tolist() == [57_122.0, 57_802.0]
