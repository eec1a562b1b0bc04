"""Tests of ivp_analysis.covid.sensitivity: the variants and the comparison of verdicts."""

import pandas as pd

from ivp_analysis import vocab
from ivp_analysis.covid import sensitivity
from ivp_analysis.covid.settings import NationalSettings


def test_variant_settings_shift_the_intervention_and_the_pre_period():
    v = sensitivity.variant_settings(NationalSettings(), "2015-01")
    assert list(v) == list(sensitivity.VARIANTS)
    assert (v["intervention_earlier"].pre_end, v["intervention_earlier"].intervention) == (
        "2020-01",
        "2020-02",
    )
    assert (v["intervention_later"].pre_end, v["intervention_later"].intervention) == (
        "2020-03",
        "2020-04",
    )
    assert v["later_pre_start"].pre_start == "2015-01"
    assert v["later_pre_start"].forecast_end == "2022-02"


def test_compare_verdicts_lists_only_changed_periods_they_share():
    base = pd.DataFrame(
        {
            "code": ["a", "a", "b"],
            "phase": ["p1", "p2", "p1"],
            "label": ["A", "A", "B"],
            "phase_label": ["P1", "P2", "P1"],
            "verdict": [vocab.VERDICT_BELOW, vocab.VERDICT_WITHIN, vocab.VERDICT_ABOVE],
            "pct_difference": [-20.0, 1.0, 15.0],
        }
    )
    other = pd.DataFrame(
        {
            "code": ["a", "a", "c"],
            "phase": ["p1", "p2", "p1"],
            "verdict": [vocab.VERDICT_WITHIN, vocab.VERDICT_WITHIN, vocab.VERDICT_BELOW],
            "pct_difference": [-5.0, 2.0, -30.0],
        }
    )
    d = sensitivity.compare_verdicts(base, other, "x")
    assert d[["code", "phase_label", "verdict", "verdict_alt"]].values.tolist() == [
        ["a", "P1", vocab.VERDICT_BELOW, vocab.VERDICT_WITHIN]
    ]
    assert d["pct_difference_alt"].tolist() == [-5.0]


def test_pre_start_range_of_the_digital_desk_series(nat, default_settings):
    d = sensitivity.pre_start_range(
        nat.counts, nat.population, nat.starts, default_settings, nat.labels, [2020, 2021, 2022]
    )
    # cybercrime is modelled from 2014-01 (a level shift found in 2013), online fraud from
    # 2016-01; the last start leaves three years before the pre-period ends (2017-01)
    starts = d.groupby("code")["pre_start"].unique()
    assert starts["3.7.4"].tolist() == ["2014-01", "2015-01", "2016-01", "2017-01"]
    assert starts["3.9.1"].tolist() == ["2016-01", "2017-01"]
    assert set(d["period"]) == {"2020", "2021", "2022", "totaal"}
    r = d[(d["code"] == "3.7.4") & (d["period"] == "2020")]
    assert (r["observed"] == 9570).all()  # 47022NED, March-December 2020
    assert r["pct_difference"].min() < r["pct_difference"].max()
