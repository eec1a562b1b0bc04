"""Tests of ivp_analysis.covid.analyse: one result object, periods derived from the parameters."""

import pytest

from ivp_analysis import covid
from ivp_analysis.errors import ParameterError


@pytest.fixture(scope="module")
def small():
    # two national types and a later intervention with a shorter window: everything the
    # chapter singles out must follow the parameters and the phase table
    settings = covid.NationalSettings(
        intervention="2020-05", pre_end="2020-04", forecast_end="2021-06"
    )
    return covid.analyse("GM0088", settings, codes=["1.1.1", "1.2.4"], focus=["1.2.4", "9.9.9"])


def test_result_follows_the_parameters(small):
    assert small.name == "Schiermonnikoog"
    assert small.data.codes == ["1.1.1", "1.2.4"]
    assert small.focus == ["1.2.4"]  # a focus code that is not modelled is left out
    assert small.national["month"].min() == "2020-05"
    assert small.national["month"].max() == "2021-06"
    # the first month of the window whose phase (most days) is a lockdown: December 2020 has
    # 14 days of the partial lockdown and 17 of the strict one
    assert small.first_lockdown_month == "2020-12"
    assert small.history_start == "2017-01"
    assert small.eval_years == (2020, 2021)
    assert set(small.tables()) == {
        "covid_national",
        "covid_summary",
        "covid_national_years",
        "covid_municipal",
    }
    assert small.national_years["year"].tolist() == [2019, 2020, 2021] * 2
    assert small.desk_range.empty  # neither digital-desk series is modelled in this run
    assert (small.own_municipal["region"] == "GM0088").all()
    assert small.own_series["year"].max() == 2021


def test_a_municipal_pre_period_into_the_measures_is_refused():
    with pytest.raises(ParameterError, match="must end before 2020"):
        covid.analyse("GM1926", covid.NationalSettings(), municipal_pre_years=(2015, 2020))
