"""Section 2: which national series are modelled, which are left out and why, and their breaks."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.covid.data import EXCLUDED_NOT_PUBLISHED, EXCLUDED_TOO_FEW, EXCLUDED_ZERO_MONTHS
from ivp_analysis.present.numbers import format_nl


def _excluded_reason(row) -> str:
    if row.reason == EXCLUDED_NOT_PUBLISHED:
        return "niet per maand gepubliceerd (0 of leeg in elke maand; NA is 0 gemaakt in de bron)"
    if row.reason == EXCLUDED_ZERO_MONTHS:
        return f"{row.zero_months} maanden met 0 in de voorperiode (mogelijk niet gepubliceerd)"
    if row.reason == EXCLUDED_TOO_FEW:
        return (
            f"te weinig: gemiddeld {row.mean_per_month:.0f} per maand (minder dan {row.minimum:g})"
        )
    return str(row.reason)


def excluded_table(r: CovidAnalysis) -> pd.DataFrame:
    """National codes that are not modelled, with the reason."""
    e = r.data.excluded.assign(minimum=r.min_monthly_count)
    return pd.DataFrame(
        {
            "code": e["code"],
            "soort": e["label"],
            "gemiddeld per maand": e["mean_per_month"].round(1),
            "maanden met 0": e["zero_months"],
            "reden": [_excluded_reason(row) for row in e.itertuples()],
        }
    )


def excluded_caption(r: CovidAnalysis) -> str:
    """Caption of the table of codes that are not modelled."""
    return (
        f"Niet gemodelleerde soorten (drempel: gemiddeld {format_nl(r.min_monthly_count)} per "
        "maand in de voorperiode, geen maand met 0)"
    )


def _break_description(row) -> str:
    if row.source == "declared":
        return str(row.description)
    return (
        f"niveau x{row.ratio:.2f} in twaalf maanden rond {row.month} (automatisch gevonden, "
        f"oorzaak niet gedocumenteerd); model vanaf {row.first_model_month}"
    )


def breaks_table(r: CovidAnalysis) -> pd.DataFrame:
    """Series breaks of the modelled codes with their handling."""
    b = r.data.breaks[r.data.breaks["code"].isin(r.data.codes)]
    handling = {"start": "model begint later", "flag": "gemeld, niet gecorrigeerd"}
    source = {"declared": "gedeclareerd", "found": "gevonden"}
    description = [_break_description(row) for row in b.itertuples()]
    return pd.DataFrame(
        {
            "code": b["code"],
            "soort": b["label"],
            "maand": b["month"],
            "factor (12 mnd na / voor)": b["ratio"].round(2),
            "bron": b["source"].map(source),
            "aanpak": b["handling"].map(handling),
            "model vanaf": b["first_model_month"],
            "toelichting": description,
        }
    )
