"""The baseline rule (which years an indicator's change is measured from) and year ranges."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ivp_analysis.errors import ParameterError
from ivp_analysis.moments import Moment


@dataclass(frozen=True)
class BaselineRule:
    """Which years form the baseline: one year, or the mean of a range of years."""

    rule: str  # "year" or "mean"
    first_year: int
    last_year: int

    @property
    def years(self) -> list[int]:
        """The baseline years."""
        return list(range(self.first_year, self.last_year + 1))


def baseline_rule(
    moment: Moment, baseline: str = "year", first_year: int = 0, last_year: int = 0
) -> BaselineRule:
    """Return the baseline rule for a moment.

    Parameters
    ----------
    moment : Moment
        From :func:`ivp_analysis.moments.resolve`.
    baseline : str
        ``"year"``: the moment's baseline year; ``"mean"``: the mean of ``first_year`` to
        ``last_year`` (counts: summed counts over summed population).
    first_year, last_year : int
        The range for ``"mean"``; it must end before the evaluation year.

    Raises
    ------
    ParameterError
        For an unknown rule or a missing or impossible range.

    Examples
    --------
    >>> from ivp_analysis.moments import resolve
    >>> m = resolve("tussenevaluatie-2024")
    >>> baseline_rule(m)
    BaselineRule(rule='year', first_year=2022, last_year=2022)
    >>> baseline_rule(m, "mean", 2019, 2022).years
    [2019, 2020, 2021, 2022]
    """
    if baseline == "year":
        return BaselineRule("year", moment.baseline_year, moment.baseline_year)
    if baseline != "mean":
        raise ParameterError(f"parameter 'baseline' must be 'year' or 'mean', got {baseline!r}")
    if not first_year or not last_year:
        raise ParameterError(
            "baseline 'mean' needs baseline_first_year and baseline_last_year "
            f"(e.g. {moment.baseline_year - 3} and {moment.baseline_year})"
        )
    if first_year > last_year:
        raise ParameterError(
            f"baseline_first_year {first_year} is after baseline_last_year {last_year}"
        )
    if last_year >= moment.eval_year:
        raise ParameterError(
            f"baseline_last_year {last_year} must be before the evaluation year {moment.eval_year}"
        )
    return BaselineRule("mean", first_year, last_year)


def format_years(years: Iterable[int]) -> str:
    """Write years as ranges, the way the result table's periods are written.

    Examples
    --------
    >>> format_years([2022, 2019, 2020])
    '2019-2020, 2022'
    >>> format_years([])
    ''
    """
    ordered = sorted(years)
    parts: list[str] = []
    start: int | None = None
    for i, y in enumerate(ordered):
        if start is None:
            start = y
        if i == len(ordered) - 1 or ordered[i + 1] != y + 1:
            parts.append(str(start) if start == y else f"{start}-{y}")
            start = None
    return ", ".join(parts)
