"""Tests of ivp_analysis.covid.data: rates by hand, code selection, series breaks."""

import pandas as pd
import pytest

from ivp_analysis import datasets
from ivp_analysis.covid import data, settings


def test_month_length_normalisation_by_hand():
    f = data.month_length_factor(
        pd.PeriodIndex(["2020-01", "2020-02", "2021-02", "2021-04"], freq="M")
    )
    assert f == pytest.approx([30.4375 / 31, 30.4375 / 29, 30.4375 / 28, 30.4375 / 30], rel=1e-15)
    # 2,900 crimes in February 2020 (29 days) = 100 a day = 3,043.75 in an average month;
    # among 17,500,000 inhabitants that is 17.392857... per 100,000
    r = data.normalised_rate(2900, 17_500_000, pd.PeriodIndex(["2020-02"], freq="M"))
    assert r[0] == pytest.approx(3043.75 / 175, rel=1e-13)


def test_national_rates_use_start_of_month_population(nat):
    m = pd.Period("2019-03", "M")
    assert nat.population[m] == 17_290_688 or nat.population[m] > 17_000_000
    pop = datasets.get("national_population_monthly")
    row = pop[pop["period"].astype(str) == "2019-03"]["value"].iloc[0]
    assert nat.population[m] == row
    assert nat.counts.loc[m, "1.1.1"] == 3015  # 47022NED, burglary March 2019
    assert nat.counts.index.max() == pd.Period("2022-06", "M")  # population ends there


def test_forecast_end_after_population_is_refused():
    bad = settings.NationalSettings(forecast_end="2022-07")
    with pytest.raises(ValueError, match="after the last month with a population"):
        data.prepare_national(
            datasets.get("national_monthly_crime"), datasets.get("national_population_monthly"), bad
        )


def test_code_selection_and_declared_breaks(nat):
    excluded = set(nat.excluded["code"])
    assert {"1.4.1", "3.2.1", "3.2.2", "3.7.3"} <= excluded  # never published monthly
    assert "0.0.0" in nat.codes and "1.1.1" in nat.codes and "3.7.4" in nat.codes
    reasons = nat.excluded.set_index("code")["reason"]
    assert reasons["1.4.1"] == data.EXCLUDED_NOT_PUBLISHED
    assert reasons["1.6.3"] == data.EXCLUDED_TOO_FEW
    # every modelled code has a pre-period mean >= 100 and no zero month
    for code in nat.codes:
        s = nat.counts.loc[pd.Period(nat.starts[code], "M") : pd.Period("2020-02", "M"), code]
        assert s.mean() >= 100 and (s > 0).all()
    assert nat.starts["3.9.1"] == "2016-01" and nat.starts["3.9.3"] == "2016-01"
    assert nat.starts["1.1.1"] == "2012-01"


def test_level_shift_detection_finds_the_fraud_break(nat):
    months = pd.period_range("2012-01", "2020-02", freq="M")
    rates = nat.counts.loc[months, ["1.1.1", "3.9.1", "3.9.3"]]
    d = data.detect_level_shifts(rates).set_index("code")
    assert d.loc["3.9.1", "flagged"] and d.loc["3.9.1", "month"] in ("2015-06", "2015-07")
    assert d.loc["3.9.3", "flagged"] and d.loc["3.9.3", "month"] in (
        "2015-06",
        "2015-07",
        "2015-08",
    )
    assert not d.loc["1.1.1", "flagged"]
    b = nat.breaks.set_index("code")
    assert b.loc["3.7.4", "source"] == "found" and b.loc["3.7.4", "first_model_month"] == "2014-01"


def test_code_sort_key():
    assert sorted(["2.6.10", "2.6.9", "10.1.1", "1.1.1"], key=data.code_sort_key) == [
        "1.1.1",
        "2.6.9",
        "2.6.10",
        "10.1.1",
    ]


def test_national_years_summed_from_the_months(nat):
    d = data.national_years(nat.counts, nat.labels, ["1.1.1"], [2019, 2020, 2021])
    raw = datasets.get("national_monthly_crime")
    raw = raw[raw["code"] == "1.1.1"]
    by_year = raw.groupby(raw["period"].map(lambda p: p.year))["value"].sum()
    assert d["count"].tolist() == [by_year[2019], by_year[2020], by_year[2021]]
    want = round(100 * (by_year[2020] / by_year[2019] - 1), 1)
    assert d.loc[d["year"] == 2020, "change_vs_previous"].item() == want
    assert d.columns.tolist() == ["code", "label", "year", "count", "change_vs_previous"]
