"""Settings of the national COVID-19 analysis: periods, interval levels and the decision rule."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class NationalSettings:
    """Periods and levels of one national analysis (the notebook's parameters)."""

    pre_start: str = "2012-01"
    pre_end: str = "2020-02"
    intervention: str = "2020-03"
    forecast_end: str = "2022-02"
    level: float = 0.95
    level_strict: float = 0.99
    min_run: int = 2
    method: str = "reml"

    def __post_init__(self) -> None:
        ps, pe, iv, fe = (
            pd.Period(x, "M")
            for x in (self.pre_start, self.pre_end, self.intervention, self.forecast_end)
        )
        if not ps < pe < iv <= fe:
            raise ValueError(
                "need pre-period start < pre-period end < intervention month <= forecast end, got "
                f"{ps}, {pe}, {iv}, {fe}"
            )
        if not 0.5 < self.level < self.level_strict < 1:
            raise ValueError("need 0.5 < level < level_strict < 1")
        if self.min_run < 1:
            raise ValueError("min_run must be at least 1")

    def col(self, which: str, strict: bool = False) -> str:
        """Column name of an interval limit: ``lower_95`` for level 0.95."""
        lev = self.level_strict if strict else self.level
        return f"{which}_{100 * lev:g}"

    def shifted(self, months: int = 0, pre_start: str | None = None) -> NationalSettings:
        """The same analysis with the pre-period end and intervention moved by ``months``."""
        return NationalSettings(
            pre_start=pre_start or self.pre_start,
            pre_end=str(pd.Period(self.pre_end, "M") + months),
            intervention=str(pd.Period(self.intervention, "M") + months),
            forecast_end=self.forecast_end,
            level=self.level,
            level_strict=self.level_strict,
            min_run=self.min_run,
            method=self.method,
        )
