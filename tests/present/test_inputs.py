"""The data chapter's section on added files: sentences and tables from hand-made overviews."""

import pandas as pd

from ivp_analysis.inputs import MEETING_COLUMNS
from ivp_analysis.overview import Overview
from ivp_analysis.present.inputs import inputs_text, overrides_table, overrides_text

Y = pd.Period


def overview(inputs=(), meetings=()):
    o = pd.DataFrame(list(meetings), columns=MEETING_COLUMNS)
    return Overview(
        "GM1926",
        "Pijnacker-Nootdorp",
        pd.DataFrame(),
        pd.DataFrame(),
        None,
        tuple(inputs),
        pd.DataFrame(),
        o,
    )


def meeting(dataset, region, shipped, added, replaced, reason=""):
    return (
        dataset,
        region,
        "0.0.0",
        Y("2022", "Y"),
        shipped,
        added,
        replaced,
        reason,
        "s",
        "k",
        "a.csv",
        "line/8/#2",
    )


def test_without_inputs_the_section_says_how_to_add_current_figures():
    text = inputs_text(overview())
    assert "alleen de meegeleverde gegevens" in text
    assert "ivp fetch --municipality GM1926" in text and "--data fetched" in text
    assert overrides_text(overview()) == ""


def test_overrides_are_counted_and_shown_for_the_municipality_and_nl_only():
    o = overview(
        ["a.csv"],
        [
            meeting("national_annual_crime", "NL", 10.0, 10.0, True),
            meeting("municipal_crime", "GM1926", 5.0, 7.0, True),
            meeting("plan_figures", "GM1926", 5.0, 7.0, False, "het plan zoals gedrukt"),
            meeting("municipal_crime", "GM0363", 50.0, 51.0, True),
        ],
    )
    text = overrides_text(o)
    # four met: three replaced (two with another value), one kept; one is another municipality's
    assert "raken 4 meegeleverde cijfers: 3 vervangen (waarvan 2 met een andere waarde)" in text
    assert "en 1 blijven staan" in text and "1 cijfers gelden voor andere gemeenten" in text
    t = overrides_table(o)
    assert t["regio"].tolist() == ["NL", "GM1926", "GM1926"]
    assert t["vervangen"].tolist() == ["ja", "ja", "nee"]
    assert t.loc[2, "toelichting"] == "het plan zoals gedrukt"
    assert inputs_text(o).startswith(
        "Dit rapport voegt 1 bestand toe aan de meegeleverde gegevens: `a.csv`"
    )
