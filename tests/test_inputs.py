"""inputs.combine: an added file wins for the same region, code and period; every override is listed."""

from pathlib import Path

import pandas as pd

from ivp_analysis import load_table
from ivp_analysis.inputs import combine

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def test_added_total_wins_and_is_listed(tmp_path):
    # shipped: the plan's figures (0.0.0 GM1926 2017-2022, 2022 = 1641, no 2023)
    shipped = load_table(
        FORMATS.parents[2] / "data" / "raw" / "ivp-2023-2026" / "politiecijfers_2017_2022.csv"
    )
    added = tmp_path / "total.csv"
    added.write_text(
        "region,period,code,value\nGM1926,2022,0.0.0,1650\nGM1926,2023,0.0.0,1663\n",
        encoding="utf-8",
    )
    out = combine(shipped, [added])
    d = out.data
    sel = d[(d.region == "GM1926") & (d.code == "0.0.0")]
    tot = sel.set_index(sel["period"].astype(str))["value"]
    assert tot["2022"] == 1650  # the added value replaced the plan's 1641
    assert tot["2023"] == 1663  # a new year
    assert tot["2021"] == 1596  # untouched
    assert len(d) == len(shipped) + 1
    assert out.overrides.to_dict("records") == [
        dict(
            region="GM1926",
            code="0.0.0",
            period=pd.Period("2022", "Y"),
            shipped_value=1641.0,
            added_value=1650.0,
            source_file=str(added),
        )
    ]
    assert out.vintages.loc[0, "format"] == "municipal-template"
    assert out.vintages.loc[0, "vintage"].startswith("bestand van ")


def test_later_input_wins_over_earlier():
    first = FORMATS / "politie_tabel_perioden_rijen.csv"  # GM1926 1.1.1 2022-2024: 76, 37, 54
    second = FORMATS / "politie_tabel_soorten.csv"  # GM1926 1.1.1 2022-2023 again: 76, 37
    empty = load_table(FORMATS / "template_comma.csv").iloc[0:0]
    out = combine(empty, [first, second])
    # GM1926, Amsterdam and Nederland 1.1.1 2022-2023 are in both files: six overrides, same figures
    assert len(out.overrides) == 6
    assert (out.overrides["shipped_value"] == out.overrides["added_value"]).all()
    assert set(out.overrides["source_file"]) == {"tests/fixtures/formats/politie_tabel_soorten.csv"}
    d = out.data
    row = d[(d.region == "GM1926") & (d.code == "1.1.1") & (d.period == pd.Period("2023", "Y"))]
    assert len(row) == 1 and row["file"].iloc[0].endswith("politie_tabel_soorten.csv")
