"""Tests of ivp_analysis.indicators.baseline: the baseline rule and year ranges."""

import pytest

from ivp_analysis.errors import ParameterError
from ivp_analysis.indicators.baseline import BaselineRule, baseline_rule, format_years
from ivp_analysis.moments import resolve as resolve_moment


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("median", 0, 0), "must be 'year' or 'mean'"),
        (("mean", 0, 0), "needs baseline_first_year and baseline_last_year"),
        (("mean", 2022, 2019), "is after"),
        (("mean", 2019, 2023), "must be before the evaluation year 2023"),
    ],
)
def test_bad_baseline_parameters(args, match):
    with pytest.raises(ParameterError, match=match):
        baseline_rule(resolve_moment("tussenevaluatie-2024"), *args)


def test_the_moment_gives_the_baseline_year():
    assert baseline_rule(resolve_moment("eindevaluatie-2026")) == BaselineRule("year", 2022, 2022)
    custom = resolve_moment("custom", 2017, 2021)
    assert baseline_rule(custom).years == [2017]
    assert baseline_rule(custom, "mean", 2015, 2017).years == [2015, 2016, 2017]


@pytest.mark.parametrize(
    ("years", "text"),
    [
        ([2022], "2022"),
        ([2019, 2020, 2022], "2019-2020, 2022"),
        ([2023, 2021, 2022, 2017], "2017, 2021-2023"),
        (range(2024, 2026), "2024-2025"),
        ([], ""),
    ],
)
def test_format_years(years, text):
    assert format_years(years) == text
