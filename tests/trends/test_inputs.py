"""The inputs of the crime trends (``ivp_analysis.trends.inputs``): tidy frames joined and summed
by hand, and the national population checked against an independent CBS table."""

import numpy as np
import pandas as pd

from ivp_analysis import datasets
from ivp_analysis.trends import inputs as tin
from ivp_analysis.trends.changes import add_rates


def test_national_series_adds_gm0000_to_the_count_but_not_to_the_population():
    crime = pd.DataFrame(
        {
            "region": ["GM0001", "GM0002", "GM0000", "GM0001", "GM0002", "GM0000"],
            "code": "1.1.1",
            "label": "x",
            "year": [2024] * 3 + [2023] * 3,
            "value": [5.0, 7.0, 3.0, 4.0, np.nan, 1.0],
            "status": ["provisional", "final", "final", "final", "final", "final"],
        }
    )
    pop = pd.DataFrame(
        {
            "region": ["GM0001", "GM0002", "GM0001", "GM0002"],
            "year": [2024, 2024, 2023, 2023],
            "value": [1000.0, 4000.0, 990.0, 3990.0],
        }
    )
    nat = add_rates(tin.national_series(crime, pop)).set_index("year")
    assert nat.loc[2024, "count"] == 15 and nat.loc[2024, "population"] == 5000
    assert nat.loc[2024, "rate_per_1000"] == 3.0
    assert nat.loc[2024, "status"] == "provisional"  # one provisional municipality is enough
    assert np.isnan(nat.loc[2023, "count"])  # a missing municipal count leaves no national sum


def test_cbs_zero_rows_are_municipalities_that_did_not_exist():
    a = pd.DataFrame(
        {
            "region": ["GM0305", "GM0305", "GM1926"],
            "code": "0.0.0",
            "year": [2010, 2011, 2011],
            "value": [550.0, 0.0, 2570.0],
        }
    )
    assert tin.cbs_totals(a)[["region", "year"]].values.tolist() == [
        ["GM0305", 2010],
        ["GM1926", 2011],
    ]


def test_small_numbers_are_series_with_a_median_below_twenty():
    # medians: a = 19 (3 years: 10, 19, 40), b = 20 (exactly the threshold: not small)
    s = pd.DataFrame(
        {
            "code": ["a"] * 3 + ["b"] * 2,
            "label": "x",
            "source": "S",
            "count": [10.0, 19.0, 40.0, 18.0, 22.0],
        }
    )
    out = tin.small_numbers(s)
    assert out[["code", "median", "min", "max"]].values.tolist() == [["a", 19.0, 10.0, 40.0]]


def test_national_population_lies_between_january_populations(inputs):
    # The sum of municipal average populations must lie between the national population on
    # 1 January of the year and of the next year (CBS 83474NED, an independent table).
    jan = datasets.get("national_population_monthly")
    jan = jan[jan["period"].map(lambda p: p.freqstr.startswith("Y"))]
    jan = jan.set_index(jan["period"].map(lambda p: p.year))["value"]
    crime = inputs.crime[inputs.crime["code"] == "1.1.1"]
    nat = tin.national_series(crime, inputs.population).set_index("year")["population"]
    for year in range(2012, 2021):
        assert jan[year] * 0.999 <= nat[year] <= jan[year + 1] * 1.001, year


def test_shipped_inputs_years_and_plan(inputs):
    assert inputs.years == (2012, 2025)
    assert inputs.plan_regions == ("GM1926",)  # the plan of Pijnacker-Nootdorp
    assert "GM0000" not in inputs.names
