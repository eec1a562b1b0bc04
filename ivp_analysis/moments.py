"""Evaluation moments: the one place that turns a moment's name into every year it implies.

A moment fixes the baseline year (the plan's last year), the evaluated year and the data
vintage: the last year of figures that existed when the evaluation was written. No trend, test
or verdict of a moment uses a later year (:func:`resolve` refuses a series that reaches past the
vintage). The parameter check, the report and every notebook receive the same :class:`Moment`
from :func:`resolve`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ivp_analysis.errors import ParameterError

#: Name of the moment whose years the user chooses.
CUSTOM = "custom"
#: First year of the shipped crime series (Politie 47018NED starts in 2012).
FIRST_DATA_YEAR = 2012
#: Years with COVID-19 measures for most of the year (2020-03 to 2022-02): the pre-plan trend
#: models give them a level of their own, so that a temporary shock neither bends the trend nor
#: inflates its dispersion (see docs/trends.md, "Trend context").
PANDEMIC_YEARS = (2020, 2021)


@dataclass(frozen=True)
class Moment:
    """An evaluation moment of the plan and every year derived from it.

    Attributes
    ----------
    name : str
        ``tussenevaluatie-2024``, ``eindevaluatie-2026`` or ``custom``.
    label : str
        Dutch name for reports.
    baseline_year : int
        The plan's baseline year (nulmeting).
    eval_year : int
        The year the evaluation judges.
    data_last_year : int
        The data vintage: the last year with figures when the evaluation is written; no trend,
        test or verdict of the moment uses a later year.
    note : str
        Dutch sentence on why these years.
    first_year, last_year : int
        First and last year of the series the analyses show (``last_year`` defaults to the
        data vintage and may not come after it).
    base_year : int
        The year the crime trends compare every later year with: the baseline year unless a
        report sets another (0 until resolved).
    benchmark_year : int
        The year of the peer benchmark: the evaluation year unless a report sets another
        (0 until resolved).
    """

    name: str
    label: str
    baseline_year: int
    eval_year: int
    data_last_year: int
    note: str
    first_year: int = FIRST_DATA_YEAR
    last_year: int = 0
    base_year: int = 0
    benchmark_year: int = 0

    @property
    def years(self) -> range:
        """The years of the series, ``first_year`` to ``last_year``."""
        return range(self.first_year, self.last_year + 1)


#: The plan's evaluation moments (section 1.3.2 of the IVP). The baseline is 2022, the last
#: year in the plan's own table; the evaluated year is the last full year available when the
#: evaluation is written.
MOMENTS: dict[str, Moment] = {
    "tussenevaluatie-2024": Moment(
        name="tussenevaluatie-2024",
        label="Tussenevaluatie 2024",
        baseline_year=2022,
        eval_year=2023,
        data_last_year=2023,
        note="Geschreven in het derde kwartaal van 2024: het laatste volledige jaar is 2023.",
    ),
    "eindevaluatie-2026": Moment(
        name="eindevaluatie-2026",
        label="Eindevaluatie 2026",
        baseline_year=2022,
        eval_year=2025,
        data_last_year=2025,
        note=(
            "Start in het vierde kwartaal van 2025, rapport in 2026: het laatste jaar is 2025 "
            "(voorlopige cijfers)."
        ),
    ),
}


def names() -> list[str]:
    """Return the allowed moment names, ``custom`` last."""
    return [*MOMENTS, CUSTOM]


def resolve(
    moment: str,
    baseline_year: int = 0,
    eval_year: int = 0,
    *,
    first_year: int = FIRST_DATA_YEAR,
    last_year: int = 0,
    base_year: int = 0,
    benchmark_year: int = 0,
    data_last_year: int = 0,
    available: tuple[int, int] | None = None,
) -> Moment:
    """Return the evaluation moment with every derived year filled in.

    Parameters
    ----------
    moment : str
        A name from :data:`MOMENTS`, or ``custom``.
    baseline_year, eval_year : int
        The years of a ``custom`` moment (0 for a named moment).
    first_year : int
        First year of the series.
    last_year : int
        Last year of the series; 0 takes the moment's data vintage. A later year than the
        vintage is refused: it did not exist when the evaluation was written.
    base_year, benchmark_year : int
        The comparison year of the crime trends and the year of the peer benchmark; 0 takes
        the baseline year and the evaluation year.
    data_last_year : int
        The data vintage of a ``custom`` moment (0: its evaluation year). A named moment's
        vintage is fixed; giving another one is an error.
    available : tuple of int, optional
        First and last year of the data. When given, the series is cut back to these years and
        every year is checked against it (see :func:`within_data`).

    Examples
    --------
    >>> resolve("tussenevaluatie-2024").eval_year
    2023
    >>> resolve("custom", 2019, 2023).label
    'Evaluatie 2023 t.o.v. 2019'
    >>> resolve("tussenevaluatie-2024").years
    range(2012, 2024)
    >>> resolve("custom", 2022, 2023, data_last_year=2025).last_year
    2025
    >>> m = resolve("eindevaluatie-2026", available=(2012, 2025))
    >>> m.last_year, m.base_year, m.benchmark_year, m.data_last_year
    (2025, 2022, 2025, 2025)
    """
    if moment in MOMENTS:
        m = MOMENTS[moment]
    elif moment == CUSTOM:
        m = _custom(baseline_year, eval_year, data_last_year)
    else:
        raise ParameterError(f"unknown moment {moment!r}; allowed: {', '.join(names())}")
    _check_vintage(m, data_last_year, last_year)
    m = replace(
        m,
        first_year=first_year,
        last_year=last_year or m.data_last_year,
        base_year=base_year or m.baseline_year,
        benchmark_year=benchmark_year or m.eval_year,
    )
    return m if available is None else within_data(m, available)


def _custom(baseline_year: int, eval_year: int, data_last_year: int) -> Moment:
    """Return a ``custom`` moment: the user's years, the vintage its evaluation year by default."""
    if not baseline_year or not eval_year or baseline_year >= eval_year:
        raise ParameterError(
            "moment 'custom' needs baseline_year and eval_year with baseline_year < eval_year"
        )
    if data_last_year and data_last_year < eval_year:
        raise ParameterError(
            f"data_last_year {data_last_year} comes before the evaluation year {eval_year}"
        )
    return Moment(
        name=CUSTOM,
        label=f"Evaluatie {eval_year} t.o.v. {baseline_year}",
        baseline_year=baseline_year,
        eval_year=eval_year,
        data_last_year=data_last_year or eval_year,
        note="Zelf gekozen peiljaar en evaluatiejaar.",
    )


def _check_vintage(m: Moment, data_last_year: int, last_year: int) -> None:
    """Refuse another vintage for a named moment, and a series beyond the moment's vintage."""
    if m.name != CUSTOM and data_last_year and data_last_year != m.data_last_year:
        raise ParameterError(
            f"data_last_year {data_last_year}: the data vintage of {m.name} is fixed at "
            f"{m.data_last_year}; use moment 'custom' for another vintage"
        )
    if last_year > m.data_last_year:
        raise ParameterError(
            f"last_year {last_year} comes after the data vintage of {m.name} "
            f"({m.data_last_year}): figures of later years did not exist when the evaluation "
            "was written; use 0 (the vintage) or moment 'custom' with data_last_year"
        )


def within_data(m: Moment, available: tuple[int, int]) -> Moment:
    """Cut the series years back to the data and check every year of ``m`` against them.

    A ``last_year`` beyond the data is cut back to the last year available (a vintage the
    shipped data do not reach yet); a base, evaluation or benchmark year outside the series is
    an error.

    Raises
    ------
    ParameterError
        When no period is left, a year lies outside it, or the evaluation year does not come
        after the base year.

    Examples
    --------
    >>> m = within_data(resolve("custom", 2022, 2026), (2012, 2025))
    Traceback (most recent call last):
    ...
    ivp_analysis.errors.ParameterError: evaluation year 2026 lies outside the period 2012-2025
    >>> m = within_data(resolve("custom", 2022, 2023, data_last_year=2030), (2012, 2025))
    >>> m.first_year, m.last_year
    (2012, 2025)
    """
    lo, hi = available
    first, last = max(m.first_year, lo), min(m.last_year, hi)
    if first >= last:
        raise ParameterError(
            f"first_year {m.first_year} and last_year {m.last_year} leave no period within the "
            f"data ({lo}-{hi})"
        )
    years = (
        ("base_year", m.base_year),
        ("evaluation year", m.eval_year),
        ("benchmark_year", m.benchmark_year),
    )
    for name, y in years:
        if not first <= y <= last:
            raise ParameterError(f"{name} {y} lies outside the period {first}-{last}")
    if m.eval_year <= m.base_year:
        raise ParameterError(
            f"the evaluation year {m.eval_year} must come after base_year {m.base_year}"
        )
    return replace(m, first_year=first, last_year=last)


#: Report parameters that :func:`from_params` passes on to :func:`resolve`.
YEAR_PARAMS = (
    "baseline_year",
    "eval_year",
    "first_year",
    "last_year",
    "base_year",
    "benchmark_year",
    "data_last_year",
)


def from_params(params: Mapping, available: tuple[int, int] | None = None) -> Moment:
    """Return the moment of a report's parameters, resolved as the notebooks resolve it.

    The parameter check and the report page call this, so they see exactly the years the
    notebooks will use (a parameter a notebook does not declare takes its default).

    Examples
    --------
    >>> m = from_params({"moment": "custom", "baseline_year": 2019, "eval_year": 2023})
    >>> m.base_year, m.last_year
    (2019, 2023)
    """
    given = {k: params[k] for k in YEAR_PARAMS if params.get(k)}
    baseline, evaluated = given.pop("baseline_year", 0), given.pop("eval_year", 0)
    return resolve(params.get("moment", ""), baseline, evaluated, available=available, **given)
