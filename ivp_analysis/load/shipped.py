"""Read the national series and population tables shipped in ``data/raw`` in their upstream layouts.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import math

import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis.load.common import Ctx
from ivp_analysis.load.labels import code_from_label
from ivp_analysis.load.numbers import number, period

Body = list[tuple[int, list[str]]]
_ZERO_SERIES_NOTE = "hele reeks 0: niet gepubliceerd (NA door 0 vervangen in de bron)"


def read_47022_monthly(ctx: Ctx, names: list[str], body: Body) -> None:
    """Read ``crime_type_code,date,frequency,...`` (47022NED, national, NA written as 0)."""
    ci, di, fi = names.index("crime_type_code"), names.index("date"), names.index("frequency")
    for line, f in body:
        code = f[ci].strip()
        if not ctx.codes.known(code):
            raise ctx.error(
                "unknown crime code",
                row=line,
                column="crime_type_code",
                found=code,
                expected="a code of the police code list (e.g. 1.1.1)",
            )
        when, _ = period(ctx, f[di], line, "date", monthly_dates=True)
        ctx.add(
            region="NL",
            period=when,
            code=code,
            value=number(ctx, f[fi], line, "frequency"),
            raw=f[fi],
            _line=line,
            _col="frequency",
            status="unknown",
            source="Politie 47022NED",
            note="NA vervangen door 0 in de bron",
            unit=None,
        )
    _withheld_zero_series(ctx)


def read_annual_labels(ctx: Ctx, names: list[str], body: Body) -> None:
    """Read ``incident_type_code,year,incident_count`` (47025NED / 47021NED labels, national)."""
    li, yi, vi = (
        names.index("incident_type_code"),
        names.index("year"),
        names.index("incident_count"),
    )
    for line, f in body:
        code = code_from_label(ctx, f[li], ("police", "nuisance"), line, "incident_type_code")
        nuisance = code == _codes.NUISANCE_TOTAL or ctx.codes.family(code) == "nuisance"
        when, _ = period(ctx, f[yi], line, "year")
        ctx.add(
            region="NL",
            period=when,
            code=code,
            value=number(ctx, f[vi], line, "incident_count"),
            raw=f[vi],
            _line=line,
            _col="incident_count",
            status="unknown",
            source="Politie 47021NED" if nuisance else "Politie 47025NED",
            note="NA vervangen door 0 in de bron",
            unit=None,
        )
    _withheld_zero_series(ctx)


def _withheld_zero_series(ctx: Ctx) -> None:
    """Turn a series that is 0 in every period back into NaN: withheld, not zero.

    The shipped national series replaced NA by 0. A crime type that is 0 in every one of
    127 months (sexual offences 1.4.1, for instance, which 47025NED counts in thousands a
    year) was never published, so its zeros are NaN again; a series with any non-zero
    value keeps its zeros, which may be real.
    """
    nonzero = {(r["region"], r["code"]) for r in ctx.records if r["value"] != 0}
    for r in ctx.records:
        if (r["region"], r["code"]) not in nonzero:
            r["value"] = math.nan
            r["note"] = _ZERO_SERIES_NOTE


def read_population_monthly(ctx: Ctx, names: list[str], body: Body) -> None:
    """Read ``date,population`` (83474NED, population at the start of each month)."""
    for line, (date, pop) in body:
        when, _ = period(ctx, date, line, "date", monthly_dates=True)
        ctx.add(
            region="NL",
            period=when,
            code="population_start",
            value=number(ctx, pop, line, "population"),
            raw=pop,
            _line=line,
            _col="population",
            status="unknown",
            source="CBS 83474NED",
            note="",
            unit=None,
        )


def _read_population(
    ctx: Ctx,
    names: list[str],
    body: Body,
    key: str,
    column: str,
    year: str,
    status: str,
    source: str,
) -> None:
    """Read a CBS population file with a region column ``key`` and a count column ``column``."""
    ki, vi = names.index(key), names.index(column)
    for line, f in body:
        ctx.add(
            region=_codes.normalise_region(f[ki]),
            period=pd.Period(year, "Y"),
            code="population_jan1",
            value=number(ctx, f[vi], line, column),
            raw=f[vi],
            _line=line,
            _col=column,
            status=status,
            source=source,
            note="",
            unit=None,
            _rcol=key,
        )


def read_population_jan1(ctx: Ctx, names: list[str], body: Body) -> None:
    """Read the 83648NED ``pop.csv``: population on 1 January 2022 per region."""
    _read_population(
        ctx, names, body, "Key", "Populatie", "2022", "unknown", "CBS bevolking 1 januari 2022"
    )


def read_buurt_population(ctx: Ctx, names: list[str], body: Body) -> None:
    """Read ``"",nhood_id,population`` (CBS 85984NED, inhabitants per buurt on 1 January 2024)."""
    _read_population(ctx, names, body, "nhood_id", "population", "2024", "final", "CBS 85984NED")
