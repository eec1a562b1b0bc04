"""Tests of ivp_analysis.indicators.assess: every status and case of one indicator, by hand.

Expected values come from the reference calculations in ``conftest.py`` (binomial tails by
math.comb, Clopper-Pearson limits from scipy, dispersion from statsmodels) or by hand.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ivp_analysis import vocab
from ivp_analysis.indicators.assess import assess
from ivp_analysis.indicators.baseline import BaselineRule
from ivp_analysis.indicators.comparisons import survey_margin
from ivp_analysis.present.indicator_reasons import gap_text, reason_text

# --------------------------------------------------------------------------- statuses by hand

RULE_2022 = BaselineRule("year", 2022, 2022)
EQUAL_POP = pd.Series({y: 10_000.0 for y in range(2015, 2027)})


def _series(values: dict, status: str = "final", **extra) -> pd.DataFrame:
    df = pd.DataFrame({"year": list(values), "value": [float(v) for v in values.values()]})
    df["status"] = status
    for k, v in extra.items():
        df[k] = [float(x) for x in v]
    return df


def test_count_improved_and_worsened_follow_the_desired_direction(ref):
    # Equal population: under equal rates the 2023 count is Binomial(150, 1/2).
    s = _series({2022: 100, 2023: 50})
    down = assess("count", "down", s, RULE_2022, 2023, EQUAL_POP)
    up = assess("count", "up", s, RULE_2022, 2023, EQUAL_POP)
    assert down.status == vocab.STATUS_IMPROVED
    assert up.status == vocab.STATUS_WORSENED
    assert down.change == pytest.approx(-50.0)
    assert down.p_value == pytest.approx(2 * ref.binom_cdf(50, 150, 0.5), rel=1e-9)
    lo, hi = ref.clopper_pearson_rr(100, 10_000, 50, 10_000)
    assert (down.ci_low, down.ci_high) == pytest.approx((100 * (lo - 1), 100 * (hi - 1)), rel=1e-7)
    assert "Significante daling; dalen is gewenst" in reason_text(down)


def test_count_no_significant_change(ref):
    r = assess("count", "down", _series({2022: 100, 2023: 95}), RULE_2022, 2023, EQUAL_POP)
    assert r.status == vocab.STATUS_NO_CHANGE
    assert r.p_value == pytest.approx(ref.exact_p(100, 1e4, 95, 1e4), rel=1e-9)
    assert r.ci_low < 0 < r.ci_high


def test_interpretive_gets_no_target_direction_with_the_caveat():
    r = assess(
        "count",
        "interpretive",
        _series({2022: 100, 2023: 50}),
        RULE_2022,
        2023,
        EQUAL_POP,
        caveat='§1.3.2: "meer zichtbaar"',
    )
    assert r.status == vocab.STATUS_NO_DIRECTION
    assert r.change == pytest.approx(-50.0)  # the change is still shown
    assert '§1.3.2: "meer zichtbaar"' in reason_text(r)


@pytest.mark.parametrize(
    ("values", "pop", "gap", "words", "case", "gap_years"),
    [
        (
            {2022: 100},
            EQUAL_POP,
            "cijfers na 2022",
            "Geen cijfer na 2022: het laatste cijfer is van 2022 (100)",
            vocab.CASE_NO_LATER,
            (2022,),
        ),
        (
            {2021: 100, 2023: 90},
            EQUAL_POP,
            "nulmeting 2022",
            "Geen cijfer voor de nulmeting (2022)",
            vocab.CASE_NO_BASELINE,
            (2022,),
        ),
        ({}, EQUAL_POP, "alle jaren", "Geen enkel cijfer", vocab.CASE_NO_FIGURES, ()),
        (
            {2022: 100, 2023: 90},
            pd.Series({2022: 1e4}),
            "bevolking 2023",
            "Geen bevolkingscijfer voor 2023",
            vocab.CASE_NO_POPULATION,
            (2023,),
        ),
        (
            {2022: float("nan"), 2023: 90},
            EQUAL_POP,
            "nulmeting 2022",
            "Geen cijfer voor de nulmeting",
            vocab.CASE_NO_BASELINE,
            (2022,),
        ),
    ],
)
def test_no_data_cases(values, pop, gap, words, case, gap_years):
    s = _series(values) if values else pd.DataFrame({"year": [], "value": []})
    r = assess("count", "down", s, RULE_2022, 2023, pop)
    assert r.status == vocab.STATUS_NO_DATA
    assert gap_text(r) == gap
    assert words in reason_text(r)
    assert (r.case, r.gap_years) == (case, gap_years)


def test_a_later_figure_is_never_used_and_an_older_one_is_flagged():
    s = _series({2022: 100, 2024: 60, 2026: 10}, status="provisional")
    r = assess("count", "down", s, RULE_2022, 2025, EQUAL_POP)
    assert r.eval_period == "2024" and r.eval_value == 60.0
    assert r.eval_status_of_data == "provisional"
    assert "niet van het evaluatiejaar 2025" in reason_text(r)
    assert "voorlopig" in reason_text(r)
    assert gap_text(r) == "cijfers 2025"


def test_zero_in_both_years_is_no_change():
    r = assess("count", "down", _series({2022: 0, 2023: 0}), RULE_2022, 2023, EQUAL_POP)
    assert r.status == vocab.STATUS_NO_CHANGE
    assert r.change == 0.0
    assert r.case == vocab.CASE_ZERO and np.isnan(r.p_value)


def test_a_short_history_keeps_the_exact_test_and_says_so(ref):
    # Three years up to the baseline: too few to judge the spread (at least five are needed).
    r = assess(
        "count",
        "down",
        _series({2020: 90, 2021: 95, 2022: 100, 2023: 60}),
        RULE_2022,
        2023,
        EQUAL_POP,
    )
    assert r.method == "exact Poisson" and np.isnan(r.dispersion)
    assert r.history_years == (2020, 2021, 2022) and r.short_history
    assert r.p_value == pytest.approx(ref.exact_p(100, 1e4, 60, 1e4), rel=1e-9)
    assert "Met 3 jaar tot en met de nulmeting" in reason_text(r)


def test_overdispersed_series_widens_the_interval(ref):
    # Six years alternating 60/140 with equal population: far more variable than Poisson.
    hist = {2017: 60, 2018: 140, 2019: 60, 2020: 140, 2021: 60, 2022: 140}
    s = _series({**hist, 2023: 100})
    r = assess("count", "down", s, RULE_2022, 2023, EQUAL_POP)
    phi, df = ref.glm_dispersion(list(hist.values()), [1e4] * 6, list(hist))
    assert phi > 10 and df == 3
    assert r.p_value == pytest.approx(ref.quasi_p(140, 1e4, 100, 1e4, phi, df), rel=1e-6)
    # Poisson alone would call 140 -> 100 significant; with the series' own spread it is not.
    assert ref.exact_p(140, 1e4, 100, 1e4) < 0.05 and r.p_value_exact < 0.05
    assert r.status == vocab.STATUS_NO_CHANGE
    assert "quasi-Poisson" in reason_text(r)
    # The facts behind the reason: the factor that widened the test, and the years that judged it.
    assert r.method == "quasi-Poisson" and r.dispersion == pytest.approx(phi, rel=1e-6)
    assert r.dispersion_df == 3
    assert r.history_years == tuple(hist) and not r.short_history
    # the interval inverts the same test: it holds 1 (no change) exactly when p >= 0.05
    assert r.ci_low < 0 < r.ci_high


# --------------------------------------------------------------------------- survey margins


def test_survey_difference_larger_than_the_margin():
    s = _series({2021: 7.5, 2023: 7.9}, margin_95=[0.2, 0.2], respondents=[np.nan, np.nan])
    r = assess("score", "up", s, RULE_2022, 2023)
    margin = math.sqrt(0.2**2 + 0.2**2)  # 0.2828
    assert r.baseline_period == "2021"  # the 2021 survey is the baseline for 2022
    assert r.change == pytest.approx(0.4)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.4 - margin, 0.4 + margin))
    assert r.status == vocab.STATUS_IMPROVED
    assert r.p_value == pytest.approx(2 * stats.norm.sf(1.959963984540054 * 0.4 / margin))


def test_survey_margin_from_respondents_with_the_stated_sd():
    m = 1.959963984540054 * 1.5 / math.sqrt(400)  # 0.147 per survey
    assert survey_margin(float("nan"), 400) == pytest.approx(m)
    both = math.sqrt(2) * m  # 0.208
    yes = assess(
        "score", "up", _series({2022: 7.5, 2023: 7.8}, respondents=[400, 400]), RULE_2022, 2023
    )
    no = assess(
        "score", "up", _series({2022: 7.5, 2023: 7.7}, respondents=[400, 400]), RULE_2022, 2023
    )
    assert 0.2 < both < 0.3
    assert yes.status == vocab.STATUS_IMPROVED
    assert no.status == vocab.STATUS_NO_CHANGE
    assert no.ci_high - no.change == pytest.approx(both)


@pytest.mark.parametrize("margins", [[np.nan, np.nan], [0.2, np.nan], [np.nan, 0.2]])
def test_survey_margin_unknown(margins):
    s = _series({2021: 7.8, 2023: 8.1}, margin_95=margins, respondents=[np.nan, np.nan])
    r = assess("score", "up", s, RULE_2022, 2023)
    assert r.status == vocab.STATUS_NO_DATA
    assert "marge onbekend" in reason_text(r)
    assert r.change == pytest.approx(0.3)
    assert gap_text(r).startswith("respondenten of marge")


def test_survey_baseline_looks_back_two_years_only():
    r = assess(
        "score", "up", _series({2019: 7.8, 2023: 8.1}, margin_95=[0.1, 0.1]), RULE_2022, 2023
    )
    assert r.status == vocab.STATUS_NO_DATA
    assert gap_text(r) == "nulmeting 2020-2022"


# --------------------------------------------------------------------------- baseline rule


def test_baseline_mean_with_a_missing_year_says_so():
    s = _series({2019: 100, 2021: 80, 2022: 90, 2023: 85})
    r = assess("count", "down", s, BaselineRule("mean", 2019, 2022), 2023, EQUAL_POP)
    assert r.baseline_period == "2019, 2021-2022"
    assert r.baseline_value == pytest.approx(90.0)
    assert "zonder 2020" in reason_text(r)


def test_survey_baseline_mean_combines_margins():
    s = _series({2017: 7.5, 2019: 7.7, 2023: 8.0}, margin_95=[0.2, 0.2, 0.1])
    r = assess("score", "up", s, BaselineRule("mean", 2017, 2021), 2023)
    m0 = math.sqrt(0.04 + 0.04) / 2
    assert r.baseline_value == pytest.approx(7.6)
    assert r.ci_high - r.change == pytest.approx(math.sqrt(m0**2 + 0.01))
    assert r.status == vocab.STATUS_IMPROVED  # 0.4 > 0.173
