"""Parse the period notations of CBS/Politie tables, police downloads and our own files."""

from __future__ import annotations

import re

import pandas as pd

#: Dutch month names as used by StatLine labels ("2022 december").
DUTCH_MONTHS = {
    name: number
    for number, name in enumerate(
        "januari februari maart april mei juni juli augustus september oktober november "
        "december".split(),
        start=1,
    )
}

_CODE = re.compile(r"^(\d{4})(JJ|MM|KW)(\d{2})$")
_YEAR = re.compile(r"^(\d{4})(\*{0,2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})(?:[-/](\d{1,2}))?$")
_LABEL_MONTH = re.compile(r"^(\d{4})\s+([a-z]+)(\*{0,2})$")
_LABEL_QUARTER = re.compile(r"^(\d{4})\s+([1-4])e\s+kwartaal(\*{0,2})$")

EXPECTED = (
    "a year such as 2022, a month such as 2022-12 or '2022 december', "
    "or a CBS period code such as 2022JJ00, 2022MM12 or 2022KW04"
)


def parse_period(text: str, *, monthly_dates: bool = False) -> tuple[pd.Period, bool]:
    """Parse one period notation into a pandas Period.

    Parameters
    ----------
    text : str
        ``2020JJ00`` (year), ``2020MM03`` (month), ``2020KW01`` (quarter), ``2020``,
        ``2020*`` (StatLine's mark for a provisional figure; ``2020**`` for "nader
        voorlopig", revised but still provisional), ``2022 december``,
        ``2020 1e kwartaal``, ``2020-03`` or ``2020-03-01``. Surrounding spaces are ignored.
    monthly_dates : bool
        Accept full dates (``2020-03-01``) as months; only for files known to hold
        one row per month on its first day.

    Returns
    -------
    (pandas.Period, bool)
        The period and whether the notation marked it provisional (a trailing ``*``).

    Raises
    ------
    ValueError
        When the text is not a period; the message says what was expected.

    Examples
    --------
    >>> parse_period("2020JJ00")
    (Period('2020', 'Y-DEC'), False)
    >>> parse_period("2020MM03 ")
    (Period('2020-03', 'M'), False)
    >>> parse_period("2022 december")
    (Period('2022-12', 'M'), False)
    >>> parse_period("2024*")
    (Period('2024', 'Y-DEC'), True)
    >>> parse_period("2023** ")
    (Period('2023', 'Y-DEC'), True)
    >>> parse_period("2022 december*")
    (Period('2022-12', 'M'), True)
    >>> parse_period("2020KW01")
    (Period('2020Q1', 'Q-DEC'), False)
    >>> parse_period("2020-03-01", monthly_dates=True)
    (Period('2020-03', 'M'), False)
    >>> parse_period("2020MM13")
    Traceback (most recent call last):
    ...
    ValueError: month 13 is not 1-12
    """
    s = str(text).strip()
    m = _CODE.match(s)
    if m:
        year, kind, num = int(m[1]), m[2], int(m[3])
        if kind == "JJ":
            if num != 0:
                raise ValueError(f"year code must end in JJ00, not JJ{num:02d}")
            return pd.Period(year=year, freq="Y"), False
        if kind == "MM":
            _check_month(num)
            return pd.Period(year=year, month=num, freq="M"), False
        if not 1 <= num <= 4:
            raise ValueError(f"quarter {num} is not 1-4")
        return pd.Period(year=year, quarter=num, freq="Q"), False
    m = _YEAR.match(s)
    if m:
        return pd.Period(year=int(m[1]), freq="Y"), bool(m[2])
    m = _LABEL_MONTH.match(s.lower())
    if m:
        name = m[2]
        if name not in DUTCH_MONTHS:
            raise ValueError(f"{name!r} is not a Dutch month name")
        return pd.Period(year=int(m[1]), month=DUTCH_MONTHS[name], freq="M"), bool(m[3])
    m = _LABEL_QUARTER.match(s.lower())
    if m:
        return pd.Period(year=int(m[1]), quarter=int(m[2]), freq="Q"), bool(m[3])
    m = _YEAR_MONTH.match(s)
    if m and (m[3] is None or monthly_dates):
        month = int(m[2])
        _check_month(month)
        if m[3] is not None and int(m[3]) != 1:
            raise ValueError("a monthly date must be the first day of the month")
        return pd.Period(year=int(m[1]), month=month, freq="M"), False
    raise ValueError("not a period")


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1-12")


def period_label(period: pd.Period) -> str:
    """Return the machine-readable text of a period: ``2022``, ``2022-12`` or ``2022Q4``.

    Examples
    --------
    >>> period_label(pd.Period("2022", "Y"))
    '2022'
    >>> period_label(pd.Period("2022-03", "M"))
    '2022-03'
    """
    return str(period)
