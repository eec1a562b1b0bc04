"""Tests of ivp_analysis.indicators.comparisons: the count test, the survey margin, the status."""

import math

import numpy as np
import pandas as pd
import pytest

from ivp_analysis import vocab
from ivp_analysis.indicators.comparisons import (
    compare_counts,
    compare_scores,
    dispersion,
    status_of,
    survey_margin,
)


@pytest.mark.parametrize(
    ("direction", "significant", "up", "status"),
    [
        ("down", True, False, vocab.STATUS_IMPROVED),
        ("down", True, True, vocab.STATUS_WORSENED),
        ("up", True, True, vocab.STATUS_IMPROVED),
        ("up", True, False, vocab.STATUS_WORSENED),
        ("down", False, False, vocab.STATUS_NO_CHANGE),
        ("up", False, True, vocab.STATUS_NO_CHANGE),
        ("interpretive", True, True, vocab.STATUS_NO_DIRECTION),
        ("interpretive", False, False, vocab.STATUS_NO_DIRECTION),
    ],
)
def test_status_follows_the_desired_direction(direction, significant, up, status):
    assert status_of(direction, significant, up) == status


def test_dispersion_agrees_with_statsmodels(ref):
    counts = [351, 278, 173, 346, 284, 307]  # youth nuisance 2017-2022 (plan table)
    exposure = [52_000.0, 53_000.0, 54_000.0, 55_491.0, 56_123.0, 57_122.0]
    years = np.arange(2017, 2023)
    phi, df = dispersion(np.array(counts, float), np.array(exposure), years)
    want_phi, want_df = ref.glm_dispersion(counts, exposure, years)
    assert phi == pytest.approx(want_phi, rel=1e-6)
    assert df == want_df == 3  # six years, three parameters (trend and the pandemic level)


def test_survey_margin_prefers_the_given_margin():
    assert survey_margin(0.3, 100) == 0.3
    assert survey_margin(float("nan"), 100, sd=2.0) == pytest.approx(1.959963984540054 * 2.0 / 10)
    assert math.isnan(survey_margin(float("nan"), 0))


def _rows(values: dict, **extra) -> pd.DataFrame:
    df = pd.DataFrame({"year": list(values), "value": [float(v) for v in values.values()]})
    for k, v in extra.items():
        df[k] = [float(x) for x in v]
    return df


def test_counts_a_range_is_summed_over_its_summed_population(ref):
    base = _rows({2020: 30, 2021: 50})
    latest = _rows({2023: 20}).iloc[0]
    pop = pd.Series({2020: 1_000.0, 2021: 3_000.0, 2023: 2_000.0})
    out = compare_counts(base, latest, base, pop, "down")
    # 80 per 4,000 against 20 per 2,000: rate ratio 0.5; two years: no dispersion, exact test.
    assert out["change"] == pytest.approx(-50.0)
    assert out["p_value"] == pytest.approx(ref.exact_p(80, 4_000, 20, 2_000), rel=1e-9)
    assert out["p_value"] == out["p_value_exact"]
    assert out["method"] == "exact Poisson" and out["history_years"] == (2020, 2021)
    assert out["case"] == vocab.CASE_COUNTS


def test_counts_from_a_baseline_of_zero_give_no_percentage():
    history = _rows({y: 0 for y in range(2016, 2023)})
    pop = pd.Series(950.0, index=range(2016, 2024))
    out = compare_counts(history.tail(1), _rows({2023: 2}).iloc[0], history, pop, "down")
    assert math.isnan(out["change"]) and math.isnan(out["ci_high"])  # never inf
    assert out["status"] == vocab.STATUS_NO_CHANGE and 0 < out["p_value"] < 1


def test_counts_without_population_name_the_missing_years():
    out = compare_counts(
        _rows({2022: 5}), _rows({2023: 7}).iloc[0], _rows({2022: 5}), pd.Series({2021: 1.0}), "up"
    )
    assert out == {
        "case": vocab.CASE_NO_POPULATION,
        "status": vocab.STATUS_NO_DATA,
        "gap": vocab.GAP_POPULATION,
        "gap_years": (2022, 2023),
    }


def test_scores_mean_baseline_margin_and_p_value():
    base = _rows({2017: 7.0, 2019: 7.4}, margin_95=[0.3, 0.4], respondents=[np.nan, np.nan])
    latest = _rows({2023: 7.9}, margin_95=[0.5], respondents=[np.nan]).iloc[0]
    out = compare_scores(base, latest, "up")
    # Mean 7.2 with margin sqrt(0.09 + 0.16) / 2 = 0.25; difference 0.7 with margin
    # sqrt(0.25^2 + 0.5^2) = 0.559: beyond the margin, so improved; z = 1.96 * 0.7 / 0.559.
    margin = math.sqrt(0.25**2 + 0.5**2)
    assert out["margin"] == pytest.approx(margin)
    assert out["change"] == pytest.approx(0.7)
    assert out["significant"] and out["status"] == vocab.STATUS_IMPROVED
    z = 1.959963984540054 * 0.7 / margin
    assert out["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))


def test_scores_without_margin_list_the_surveys_in_order():
    base = _rows({2021: 7.8}, margin_95=[np.nan], respondents=[np.nan])
    latest = _rows({2023: 8.0}, margin_95=[np.nan], respondents=[np.nan]).iloc[0]
    out = compare_scores(base, latest, "up")
    assert out["case"] == vocab.CASE_NO_MARGIN and out["gap_years"] == (2021, 2023)
    assert out["change"] == pytest.approx(0.2) and out["status"] == vocab.STATUS_NO_DATA
