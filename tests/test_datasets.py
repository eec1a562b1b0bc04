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


def test_every_shipped_row_names_the_cell_it_was_read_from():
    # a sample of every data set: the key, read back from the file itself, gives the value
    from ivp_analysis import refs
    from ivp_analysis.paths import ROOT

    for name in datasets.SHIPPED:
        df = datasets.get(name)
        sample = df.iloc[:: max(1, len(df) // 25)]
        for r in sample.itertuples():
            raw = refs.read_cell(ROOT / r.file, r.key)["value"]
            text = str(raw).strip()
            if pd.isna(r.value):
                continue  # withheld, a footnote, or a municipality that did not exist
            if name.startswith("plan"):  # as printed: "1674", "251 145", "7,6", "€ 95.000"
                words = text.replace("€", "").replace(".", "").replace(",", ".").split()
                assert f"{r.value:g}" in words, (name, r.key, text)
            else:
                assert float(text) == r.value, (name, r.key, text, r.value)
