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


def test_wijk_table_every_type_present_with_exact_poisson_interval():
    from scipy import stats

    from ivp_analysis.wijken import wijk_table

    crime = frame(
        [("BU19260101", "0.0.0", 6), ("BU19260102", "0.0.0", 4), ("BU19260101", "1.1.1", 2)], Y23
    )
    pop = frame([("BU19260101", "p", 600), ("BU19260102", "p", 400)], Y24)
    t = wijk_table(crime, pop, "GM1926", last_year=2023).set_index("code")
    assert sorted(t.index) == ["0.0.0", "1.1.1"]  # the types present, each summed per wijk
    total = t.loc["0.0.0"]
    assert (total["count"], total["population"], total["rate_per_1000"]) == (10, 1000, 10.0)
    # Garwood interval of 10 events per 1,000 inhabitants, from scipy's chi-square directly
    lo, hi = stats.chi2.ppf(0.025, 20) / 2, stats.chi2.ppf(0.975, 22) / 2
    assert (total["rate_ci_low"], total["rate_ci_high"]) == (round(lo, 3), round(hi, 3))
    assert total["population_year"] == 2024 and total["buurten"] == 2
    assert t.loc["1.1.1", "count"] == 2 and t.loc["1.1.1", "population"] == 1000


def test_years_after_the_data_vintage_are_left_out():
    from ivp_analysis.wijken import analyse

    crime = frame([("BU19260101", "0.0.0", 6)], Y23)
    w = analyse(crime, frame([("BU19260101", "p", 600)], Y24), crime.iloc[0:0], "GM1926", 2022)
    assert w.table.empty and w.later_years == [2023]


def test_shortfall_against_the_police_total_of_the_same_year():
    # 47013NED gives GM1926 1,663 for 2023; the 32 buurten sum to 1,648: 15 without a buurt
    from ivp_analysis import trends
    from ivp_analysis.present import trends as present

    r = trends.analyse("GM1926", inputs=["tests/fixtures/formats/politie_tabel_47013_totaal.csv"])
    s = r.wijken.shortfall.iloc[0]
    assert (s.code, s.year, s.buurt_sum, s.municipal_count, s.shortfall) == (
        "0.0.0",
        2023,
        1648,
        1663,
        15,
    )
    assert s.shortfall_pct == round(100 * 15 / 1663, 1) == 0.9
    text = present.wijken_text(r)
    assert "15 misdrijven (0,9 %) kon de politie niet aan een buurt toewijzen" in text
    assert "geen trend" in text  # one year of buurt figures
    assert r.result_tables["wijken"]["wijk_name"].tolist() == ["Pijnacker", "Nootdorp", "Delfgauw"]


def test_default_report_says_the_shortfall_needs_the_municipal_total():
    from ivp_analysis import trends
    from ivp_analysis.present import trends as present

    r = trends.analyse("GM1926")
    assert r.wijken.shortfall["municipal_count"].isna().all()  # the plan ends in 2022
    text = present.wijken_text(r)
    assert "niet uit te rekenen" in text and "--tables 47018NED" in text


def test_without_buurt_figures_the_section_says_what_to_fetch():
    from ivp_analysis import trends
    from ivp_analysis.present import trends as present

    r = trends.analyse("GM0363")
    assert "wijken" not in r.result_tables
    assert "ivp fetch --municipality GM0363 --tables 47018NED" in present.wijken_text(r)
    assert present.wijken_table(r).empty
