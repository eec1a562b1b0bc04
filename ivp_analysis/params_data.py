"""What the shipped data holds, as far as the parameter checks need it: codes, years, months, phases.

:class:`DataFacts` reads each fact the first time a check asks for it (a report whose notebooks
declare no COVID-19 month never reads the monthly data). Tests pass tiny hand-made facts instead.
"""

from __future__ import annotations

import csv
import json
from functools import cache

from ivp_analysis import paths

#: A month as ``(12 * year + month - 1, "YYYY-MM")``; a date as ``(month number, "YYYY-MM-DD")``.
Month = tuple[int, str]


def month_key(text: str) -> Month:
    """Return the month number and text of a ``YYYY-MM`` or ``YYYY-MM-DD`` string.

    Examples
    --------
    >>> month_key("2020-03-12")
    (24242, '2020-03-12')
    """
    return 12 * int(text[:4]) + int(text[5:7]) - 1, text


class DataFacts:
    """Facts about the shipped data that parameter values are checked against.

    Every argument is optional: a fact not given is read from ``data/`` when first needed.

    Parameters
    ----------
    municipalities : dict, optional
        Code -> name of the municipalities with crime figures.
    years : (int, int), optional
        First and last year of the municipal crime series (Politie 47018NED).
    months : (Month, Month), optional
        First and last month of the national monthly series (crime and population both).
    phases : (Month, Month), optional
        Start of the first and end of the last COVID-19 phase (``data/covid_phases.csv``).
    national_codes : set of str, optional
        Crime codes of the national monthly series.

    Examples
    --------
    >>> DataFacts(years=(2012, 2025)).years
    (2012, 2025)
    """

    def __init__(
        self,
        *,
        municipalities: dict[str, str] | None = None,
        years: tuple[int, int] | None = None,
        months: tuple[Month, Month] | None = None,
        phases: tuple[Month, Month] | None = None,
        national_codes: set[str] | None = None,
    ) -> None:
        self._municipalities = municipalities
        self._years = years
        self._months = months
        self._phases = phases
        self._national_codes = national_codes

    @property
    def municipalities(self) -> dict[str, str]:
        """Code -> name of every municipality with crime figures."""
        if self._municipalities is None:
            from ivp_analysis.datasets import municipality_codes

            self._municipalities = municipality_codes()
        return self._municipalities

    @property
    def years(self) -> tuple[int, int]:
        """First and last year of the municipal crime series."""
        if self._years is None:
            self._years = _municipal_years()
        return self._years

    @property
    def months(self) -> tuple[Month, Month]:
        """First and last month with national crime figures and a population."""
        if self._months is None:
            self._months = _national_months()
        return self._months

    @property
    def phases(self) -> tuple[Month, Month]:
        """Start of the first and end of the last COVID-19 phase."""
        if self._phases is None:
            self._phases = _phase_span()
        return self._phases

    @property
    def national_codes(self) -> set[str]:
        """Crime codes of the national monthly series."""
        if self._national_codes is None:
            self._national_codes = set(_national_frames()[0]["code"])
        return self._national_codes


@cache
def _municipal_years() -> tuple[int, int]:
    from ivp_analysis.datasets import path_of

    with open(path_of("municipal_crime"), encoding="utf-8") as f:
        years = json.load(f)["years"]
    return int(min(years)), int(max(years))


@cache
def _national_frames():
    from ivp_analysis import datasets

    return datasets.get("national_monthly_crime"), datasets.get("national_population_monthly")


def _national_months() -> tuple[Month, Month]:
    crime, population = _national_frames()
    monthly = [str(p) for p in crime["period"] if p.freqstr.startswith("M")]
    with_population = [
        str(p)
        for p, v in zip(population["period"], population["value"], strict=True)
        if p.freqstr.startswith("M") and v == v  # v == v: not NaN
    ]
    last = min(max(monthly), max(with_population))
    return month_key(min(monthly)), month_key(last)


@cache
def _phase_span() -> tuple[Month, Month]:
    with open(paths.DATA_DIR / "covid_phases.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return month_key(min(r["start"] for r in rows)), month_key(max(r["end"] for r in rows))
