"""National yearly nuisance registrations (Politie 47021NED), context for the COVID-19 chapter."""

from __future__ import annotations

import pandas as pd


def national_nuisance(nuisance: pd.DataFrame) -> pd.DataFrame:
    """National yearly nuisance registrations per type: code, label, year, value (with the total)."""
    d = nuisance.assign(year=nuisance["period"].dt.year)
    return (
        d[["code", "label", "year", "value"]].sort_values(["code", "year"]).reset_index(drop=True)
    )
