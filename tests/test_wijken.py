"""Counts and rates per wijk; expected values worked out by hand from tiny frames and the buurt excerpt."""

import math

import pandas as pd

from ivp_analysis.datasets import wijk_figures
from ivp_analysis.wijken import per_wijk

Y23, Y24 = pd.Period("2023", "Y"), pd.Period("2024", "Y")


def frame(rows, period):
    return pd.DataFrame(
        [dict(region=r, code=c, period=period, value=v) for r, c, v in rows],
        columns=["region", "code", "period", "value"],
    )


def test_buurten_add_up_per_wijk_and_rates_use_wijk_population():
    crime = frame(
        [
            ("BU19260101", "0.0.0", 10),
            ("BU19260102", "0.0.0", 5),
            ("BU19260201", "0.0.0", 4),
            ("BU19260201", "1.1.1", 99),
            ("BU03630000", "0.0.0", 1000),
            ("GM1926", "0.0.0", 30),
        ],
        Y23,
    )
    pop = frame(
        [("BU19260101", "p", 1000), ("BU19260102", "p", 500), ("BU19260201", "p", 2000)], Y24
    )
    w = per_wijk(crime, pop, "GM1926").set_index("wijk")
    assert w.loc["WK192601", "count"] == 15 and w.loc["WK192601", "buurten"] == 2
    assert w.loc["WK192601", "rate_per_1000"] == 15 / 1500 * 1000  # 10.0
    assert w.loc["WK192602", "count"] == 4  # only the total, not 1.1.1
    assert list(w.index) == ["WK192601", "WK192602"]  # no Amsterdam buurt, no GM row


def test_a_withheld_buurt_makes_the_wijk_unknown():
    crime = frame([("BU19260101", "0.0.0", 10), ("BU19260102", "0.0.0", float("nan"))], Y23)
    w = per_wijk(crime, frame([], Y24), "GM1926")
    assert math.isnan(w["count"].iloc[0]) and math.isnan(w["rate_per_1000"].iloc[0])


def test_shipped_pijnacker_nootdorp_2023():
    # PROVENANCE of the buurt folder: Pijnacker 864, Nootdorp 578, Delfgauw 206 (sum 1,648);
    # 85984NED buurt population sums to 57,935
    w = wijk_figures("GM1926")
    assert w["wijk_name"].tolist() == ["Pijnacker", "Nootdorp", "Delfgauw"]
    assert w["count"].tolist() == [864, 578, 206]
    assert w["population"].sum() == 57935
    assert round(w["rate_per_1000"].iloc[0], 1) == round(864 / 29990 * 1000, 1)


def test_buurt_population_format():
    from ivp_analysis import load_table
    from ivp_analysis.datasets import path_of

    df = load_table(path_of("buurt_population_2024"))
    assert df.attrs["format"] == "cbs-85984-buurt-population"
    gm1926 = df[df["region"].str.startswith("BU1926")]
    assert len(gm1926) == 32 and gm1926["value"].sum() == 57935
