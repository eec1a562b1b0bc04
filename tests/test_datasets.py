"""The shipped data sets, checked against figures stated in their PROVENANCE files and the plan."""

import pandas as pd

from ivp_analysis import datasets


def _value(df, region, code, period):
    row = df[(df.region == region) & (df.code == code) & (df.period == pd.Period(period))]
    assert len(row) == 1
    return float(row.value.iloc[0])


def test_every_shipped_file_exists_and_loads():
    for name in datasets.SHIPPED:
        assert datasets.path_of(name).exists(), name
        assert len(datasets.get(name)) > 0, name


def test_figures_from_provenance():
    crime = datasets.municipal_crime()
    assert _value(crime, "GM1926", "1.1.1", "2017") == 103
    assert _value(crime, "GM1926", "1.1.1", "2023") == 37
    pop = datasets.municipal_population()
    assert _value(pop, "GM1926", "population_avg", "2017") == 53145
    cbs = datasets.get("cbs_totals_2010_2020")
    assert _value(cbs, "GM1926", "0.0.0", "2017") == 1695
    nl = datasets.get("national_annual_crime")
    assert _value(nl, "NL", "0.0.0", "2019") == 803646
    monthly = datasets.get("national_monthly_crime")
    assert _value(monthly, "NL", "0.0.0", "2020-04") == 56465


def test_municipalities_exclude_the_unknown_municipality():
    m = datasets.municipalities()
    assert "GM0000" not in set(m.region)
    assert m.region.is_unique and m.region.str.fullmatch(r"GM\d{4}").all()
