"""Added inputs: an added figure wins for the same region, code and period within a data set's
scope; every shipped value an added one meets is listed, replaced or kept with the reason."""

from pathlib import Path

import pandas as pd

from ivp_analysis import datasets
from ivp_analysis.inputs import Scope, in_scope, load_added, overlay

FORMATS = Path(__file__).parent / "fixtures" / "formats"
TABLE_47013 = "tests/fixtures/formats/politie_tabel_47013_totaal.csv"


def Y(year):
    return pd.Period(str(year), "Y")


def frame(rows, file):
    return pd.DataFrame(
        [
            dict(region=r, code=c, period=Y(y), value=v, file=file, key=f"k{y}")
            for r, c, y, v in rows
        ]
    )


def test_added_wins_extends_and_an_empty_cell_keeps_the_number():
    shipped = frame(
        [("GM1", "a", 2021, 10.0), ("GM1", "a", 2022, 11.0), ("GM1", "a", 2023, 12.0)], "s"
    )
    added = frame(
        [("GM1", "a", 2022, 15.0), ("GM1", "a", 2023, None), ("GM1", "a", 2024, 9.0)], "x"
    )
    out = overlay(shipped, added)
    assert out[["period", "value", "file"]].values.tolist() == [
        [Y(2021), 10.0, "s"],
        [Y(2022), 15.0, "x"],  # the added figure replaced the shipped one
        [Y(2023), 12.0, "s"],  # an empty added cell never replaces a number
        [Y(2024), 9.0, "x"],  # a new year extends the series
    ]


def test_scope_by_region_frequency_and_codes():
    added = pd.DataFrame(
        {
            "region": ["GM1926", "NL", "BU19260101", "GM1926", "GM1926"],
            "code": ["1.1.1", "1.1.1", "1.1.1", "0.0.0", "1.1.1"],
            "period": [Y(2023), Y(2023), Y(2023), Y(2023), pd.Period("2023-01", "M")],
        }
    )
    shipped = pd.DataFrame({"code": ["1.1.1", "1.2.1"]})
    assert in_scope(added, Scope(("GM",), "Y", "own"), shipped).index.tolist() == [0]
    assert in_scope(added, Scope(("WK", "BU"), "Y", "crime"), shipped).index.tolist() == [2]
    assert in_scope(added, None, shipped).empty


def test_later_input_wins_over_earlier():
    first = FORMATS / "politie_tabel_perioden_rijen.csv"  # GM1926 1.1.1 2022-2024: 76, 37, 54
    second = FORMATS / "politie_tabel_soorten.csv"  # GM1926 1.1.1 2022-2023 again: 76, 37
    d = load_added([first, second]).data
    row = d[(d.region == "GM1926") & (d.code == "1.1.1") & (d.period == Y(2023))]
    assert len(row) == 1 and row["file"].iloc[0].endswith("politie_tabel_soorten.csv")
    assert row["input"].iloc[0] == "tests/fixtures/formats/politie_tabel_soorten.csv"
    # 2024 is only in the first file: it stays
    later = d[(d.region == "GM1926") & (d.code == "1.1.1") & (d.period == Y(2024))]
    assert later["value"].tolist() == [54.0]


def test_the_47013_download_over_the_shipped_data():
    given = [TABLE_47013]
    nl = datasets.get("national_annual_crime", given)
    row = nl[(nl.code == "0.0.0") & (nl.period == Y(2023))].iloc[0]
    # NL 2023: 802043 in both; the added file's cell now stands, with its file and key
    assert (row.value, row.file, row.key) == (802043.0, TABLE_47013, "line/7/#3")
    # the plan stays as printed; the CBS totals stay a series of their own
    plan = datasets.get("plan_figures", given)
    assert plan.equals(datasets.get("plan_figures"))
    o = datasets.overrides(given).set_index(["dataset", "region"])
    cbs = o.loc[("cbs_totals_2022", "GM1926")]
    assert (cbs.shipped_value, cbs.added_value, cbs.replaced) == (1660.0, 1641.0, False)
    assert "rondt af op 5" in cbs.reason
    p = o.loc[("plan_figures", "GM1926")]
    assert (p.shipped_value, p.added_value, p.replaced) == (1641.0, 1641.0, False)
    assert o.loc[("national_annual_crime", "NL"), "replaced"].tolist() == [True, True]
    v = datasets.vintages(given).iloc[0]
    assert (v.format, v.last_period, v.provisional, v.published) == (
        "politie-download-table",
        "2024",
        "2024",
        "",
    )
