"""The national monthly series (Politie 47022NED, CBS 83474NED) arranged for modelling.

Counts become rates per 100,000 inhabitants normalised to an average month length
(:func:`normalised_rate`); :func:`select_codes` chooses the crime types with enough volume and no
withheld months; :func:`series_breaks` combines the declared breaks with the level shifts found
in the pre-period (:func:`detect_level_shifts`); :func:`prepare_national` does all of it and
returns one :class:`NationalData`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp_analysis.covid.phases import load_breaks
from ivp_analysis.covid.settings import NationalSettings

#: Average month length in days: counts are normalised to this (``count / days x 365.25 / 12``).
AVERAGE_MONTH_DAYS = 365.25 / 12
#: Rates are per this many inhabitants.
PER_INHABITANTS = 100_000


#: Codes of 47022NED that the police never publish monthly (0 in every month after NA -> 0).
NEVER_PUBLISHED_MONTHLY = ("1.4.1", "3.2.1", "3.2.2", "3.7.3")

#: Why :func:`select_codes` leaves a code out (``reason`` of its excluded table).
EXCLUDED_NOT_PUBLISHED = "not_published_monthly"
EXCLUDED_ZERO_MONTHS = "zero_months"
EXCLUDED_TOO_FEW = "too_few"
EXCLUDED_REASONS = (EXCLUDED_NOT_PUBLISHED, EXCLUDED_ZERO_MONTHS, EXCLUDED_TOO_FEW)


def month_length_factor(months) -> np.ndarray:
    """Return ``(365.25 / 12) / days in month``: multiply a count by it to get an average-length month.

    Examples
    --------
    >>> np.round(month_length_factor(pd.period_range("2020-01", "2020-02", freq="M")), 6).tolist()
    [0.981855, 1.049569]
    """
    return AVERAGE_MONTH_DAYS / np.asarray(
        pd.PeriodIndex(months, freq="M").days_in_month, dtype=float
    )


def normalised_rate(counts, population, months) -> np.ndarray:
    """Rate per 100,000 inhabitants, normalised to an average month length.

    ``rate = count / population x 100,000 x (365.25 / 12) / days in month``.

    Examples
    --------
    3,000 crimes in February 2020 (29 days) among 17,400,000 inhabitants:

    >>> round(float(normalised_rate(3000, 17_400_000, pd.period_range("2020-02", periods=1, freq="M"))[0]), 4)
    18.096
    """
    return np.asarray(counts, dtype=float) * to_rate_factor(population, months)


def to_rate_factor(population, months) -> np.ndarray:
    """Return the factor that turns a month's count into a normalised rate per 100,000."""
    return PER_INHABITANTS / np.asarray(population, dtype=float) * month_length_factor(months)


def national_monthly(
    crime: pd.DataFrame, population: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Arrange the national monthly counts as a month x code table with the population.

    Parameters
    ----------
    crime : DataFrame
        Tidy frame of ``datasets.get("national_monthly_crime")``.
    population : DataFrame
        Tidy frame of ``datasets.get("national_population_monthly")`` (monthly and yearly rows;
        the yearly rows are ignored).

    Returns
    -------
    counts : DataFrame
        Months (PeriodIndex) x codes, only months that have a population.
    population : Series
        Population at the start of each month.
    labels : Series
        Dutch label per code.
    """
    pop = population[population["code"] == "population_start"]
    pop = pop[pop["period"].map(lambda p: p.freqstr.startswith("M"))]
    pop = pd.Series(
        pop["value"].to_numpy(float), index=pd.PeriodIndex(pop["period"].tolist(), freq="M")
    )
    pop = pop.sort_index()
    counts = crime.pivot_table(
        index="period", columns="code", values="value", aggfunc="first", dropna=False
    )
    counts.index = pd.PeriodIndex(counts.index, freq="M")
    counts = counts.sort_index()
    counts = counts.loc[counts.index.isin(pop.index)]
    counts = counts[sorted(counts.columns, key=code_sort_key)]
    labels = crime.drop_duplicates("code").set_index("code")["label"]
    return counts, pop.reindex(counts.index), labels


def code_sort_key(code: str) -> tuple:
    """Sort police codes numerically per part (``2.6.9`` before ``2.6.10``).

    Examples
    --------
    >>> sorted(["2.6.10", "2.6.9", "0.0.0"], key=code_sort_key)
    ['0.0.0', '2.6.9', '2.6.10']
    """
    return tuple(int(x) if x.isdigit() else x for x in re.split(r"[.]", str(code)))


def select_codes(
    counts: pd.DataFrame,
    labels: pd.Series,
    pre_start: str,
    pre_end: str,
    min_mean: float = 100.0,
    breaks: pd.DataFrame | None = None,
) -> tuple[list[str], pd.DataFrame, dict[str, str]]:
    """Choose the crime types with enough volume for a monthly model.

    A type is modelled when, over its pre-period (from the declared first model month where a
    break is declared), it has a mean of at least ``min_mean`` crimes a month and no month
    with 0 or a missing value (a 0 may be a withheld figure: NA was replaced by 0 upstream).

    Returns
    -------
    codes : list of str
        The modelled codes in code order.
    excluded : DataFrame
        One row per excluded code: code, label, mean a month, months with 0 or missing, and
        ``reason``: one of :data:`EXCLUDED_REASONS`.
    starts : dict
        First month of the model per code (the pre-period start or a later declared start).
    """
    breaks = load_breaks() if breaks is None else breaks
    starts_declared = dict(
        zip(
            breaks.loc[breaks["handling"] == "start", "code"],
            breaks.loc[breaks["handling"] == "start", "first_model_month"],
            strict=True,
        )
    )
    keep, rows, starts = [], [], {}
    for code in counts.columns:
        start = max(pd.Period(pre_start, "M"), pd.Period(starts_declared.get(code, pre_start), "M"))
        s = counts.loc[start : pd.Period(pre_end, "M"), code]
        zeros = int((s.fillna(0) == 0).sum())
        mean = float(s.mean()) if s.notna().any() else float("nan")
        if code in NEVER_PUBLISHED_MONTHLY or zeros == len(s):
            reason = EXCLUDED_NOT_PUBLISHED
        elif zeros:
            reason = EXCLUDED_ZERO_MONTHS
        elif not mean >= min_mean:
            reason = EXCLUDED_TOO_FEW
        else:
            keep.append(code)
            starts[code] = str(start)
            continue
        rows.append(
            {
                "code": code,
                "label": labels.get(code, ""),
                "mean_per_month": mean,
                "zero_months": zeros,
                "reason": reason,
            }
        )
    excluded = pd.DataFrame(
        rows, columns=["code", "label", "mean_per_month", "zero_months", "reason"]
    )
    return keep, excluded, starts


def series_breaks(
    counts: pd.DataFrame,
    population: pd.Series,
    labels: pd.Series,
    pre_start: str,
    pre_end: str,
    declared: pd.DataFrame | None = None,
    factor: float = 2.0,
) -> pd.DataFrame:
    """Combine the declared series breaks with the level shifts found in the pre-period.

    A shift found by :func:`detect_level_shifts` (at least ``factor`` within a year) that is
    not declared is handled like a declared break: the model starts in January of the year
    after the shift. Declared breaks keep their own handling.

    Returns
    -------
    DataFrame
        code, label, month, ratio (12 months after / 12 before), source (``declared`` or
        ``found``), handling (``start`` or ``flag``), first_model_month, description (from the
        declared table; empty for a found shift).
    """
    declared = load_breaks() if declared is None else declared
    months = pd.period_range(pre_start, pre_end, freq="M")
    rates = counts.reindex(months).mul(to_rate_factor(population.reindex(months), months), axis=0)
    found = detect_level_shifts(rates, factor=factor).set_index("code")
    rows = []
    for r in declared.itertuples():
        rows.append(
            {
                "code": r.code,
                "label": labels.get(r.code, ""),
                "month": r.month,
                "ratio": found["ratio"].get(r.code, np.nan),
                "source": "declared",
                "handling": r.handling,
                "first_model_month": r.first_model_month,
                "description": r.description,
            }
        )
    for code, r in found[found["flagged"]].iterrows():
        if code in set(declared["code"]) or code in NEVER_PUBLISHED_MONTHLY:
            continue
        start = f"{pd.Period(r['month'], 'M').year + 1}-01"
        rows.append(
            {
                "code": code,
                "label": labels.get(code, ""),
                "month": r["month"],
                "ratio": r["ratio"],
                "source": "found",
                "handling": "start",
                "first_model_month": start,
                "description": "",
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "code",
            "label",
            "month",
            "ratio",
            "source",
            "handling",
            "first_model_month",
            "description",
        ],
    )
    return out.sort_values("code", key=lambda c: c.map(code_sort_key)).reset_index(drop=True)


@dataclass
class NationalData:
    """The national monthly series ready for modelling."""

    counts: pd.DataFrame  # months x codes
    population: pd.Series  # population at the start of each month
    labels: pd.Series  # Dutch label per code
    codes: list[str]  # modelled codes
    excluded: pd.DataFrame  # codes not modelled, with the reason
    starts: dict[str, str]  # first model month per code
    breaks: pd.DataFrame  # declared and detected series breaks


def prepare_national(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    settings: NationalSettings,
    min_mean: float = 100.0,
    codes: list[str] | None = None,
) -> NationalData:
    """Arrange the national data, find series breaks and choose the codes to model.

    Parameters
    ----------
    crime, population : the shipped tidy frames (47022NED and 83474NED).
    settings : NationalSettings
    min_mean : float
        Minimum mean number of crimes a month in the pre-period.
    codes : list of str, optional
        Model only these codes (each must pass the volume rule); default all that pass.
    """
    counts, pop, labels = national_monthly(crime, population)
    last = pop.dropna().index.max()
    if pd.Period(settings.forecast_end, "M") > last:
        raise ValueError(
            f"forecast end {settings.forecast_end} is after the last month with a population "
            f"({last}; CBS 83474NED ends there)"
        )
    if pd.Period(settings.pre_start, "M") < counts.index.min():
        raise ValueError(
            f"pre-period start {settings.pre_start} is before the data ({counts.index.min()})"
        )
    breaks = series_breaks(counts, pop, labels, settings.pre_start, settings.pre_end)
    keep, excluded, starts = select_codes(
        counts, labels, settings.pre_start, settings.pre_end, min_mean, breaks
    )
    if codes:
        unknown = [c for c in codes if c not in counts.columns]
        if unknown:
            raise ValueError(f"unknown crime codes {unknown}; known: {', '.join(counts.columns)}")
        bad = excluded[excluded["code"].isin(codes)]
        if len(bad):
            raise ValueError(
                "these codes cannot be modelled: "
                + "; ".join(
                    f"{r.code} ({r.reason}: mean {r.mean_per_month:.0f} a month, "
                    f"{r.zero_months} months with 0)"
                    for r in bad.itertuples()
                )
            )
        keep = [c for c in keep if c in codes]
        starts = {c: starts[c] for c in keep}
    return NationalData(counts, pop, labels, keep, excluded, starts, breaks)


def detect_level_shifts(rates: pd.DataFrame, window: int = 12, factor: float = 2.0) -> pd.DataFrame:
    """Find the largest level shift in each series: the mean of ``window`` months after a month
    against the mean of the ``window`` months before it, on the log scale.

    Whole years on both sides cancel the seasonal pattern. A shift of at least ``factor``
    (doubling or halving within a year) is flagged. This finds breaks of registration such as
    "horizontale fraude" in 2015; it cannot tell a real change from a registration change.

    Returns
    -------
    DataFrame
        code, month (first month after the shift), ratio (after / before), flagged.

    Examples
    --------
    >>> idx = pd.period_range("2012-01", periods=48, freq="M")
    >>> r = pd.DataFrame({"a": np.r_[np.full(30, 10.0), np.full(18, 40.0)], "b": np.full(48, 5.0)}, index=idx)
    >>> d = detect_level_shifts(r)
    >>> d["month"].tolist(), np.round(d["ratio"], 6).tolist(), d["flagged"].tolist()
    (['2014-07', '2013-01'], [4.0, 1.0], [True, False])
    """
    rows = []
    for code in rates.columns:
        s = rates[code]
        y = np.log(s.where(s > 0).to_numpy(float))
        best = (np.nan, -1)
        for k in range(window, len(y) - window + 1):
            d = np.mean(y[k : k + window]) - np.mean(y[k - window : k])
            if np.isfinite(d) and (not np.isfinite(best[0]) or abs(d) > abs(best[0]) + 1e-12):
                best = (d, k)
        d, k = best
        rows.append(
            {
                "code": code,
                "month": str(rates.index[k]) if k >= 0 else "",
                "ratio": float(np.exp(d)) if np.isfinite(d) else np.nan,
                "flagged": bool(np.isfinite(d) and abs(d) >= np.log(factor)),
            }
        )
    return pd.DataFrame(rows)


def history_table(counts, population, codes, first: str, last: str) -> pd.DataFrame:
    """Observed normalised rates per code and month (long), for figures with the pre-period."""
    months = pd.period_range(first, last, freq="M")
    factor = to_rate_factor(population.reindex(months), months)
    r = counts.reindex(months)[codes].mul(factor, axis=0)
    out = r.stack().rename("rate").reset_index()
    out.columns = ["month", "code", "rate"]
    out["month"] = out["month"].astype(str)
    return out


def national_years(
    counts: pd.DataFrame, labels: pd.Series, codes: list[str], years
) -> pd.DataFrame:
    """Calendar-year totals of the national series, summed from the monthly counts.

    Parameters
    ----------
    counts : DataFrame
        Months x codes (:func:`national_monthly`).
    years : sequence of int
        The years to show; the change of the first one needs the year before it.

    Returns
    -------
    DataFrame
        ``code, label, year, count, change_vs_previous``: one row per code and year, the change
        against the previous year in percent with one decimal (empty when a year lacks months).

    Examples
    --------
    >>> idx = pd.period_range("2018-01", "2020-12", freq="M")
    >>> c = pd.DataFrame({"a": [10.0] * 12 + [11.0] * 12 + [8.25] * 12}, index=idx)
    >>> national_years(c, pd.Series({"a": "A"}), ["a"], [2019, 2020]).values.tolist()
    [['a', 'A', 2019, 132.0, 10.0], ['a', 'A', 2020, 99.0, -25.0]]
    """
    years = list(years)
    span = range(years[0] - 1, years[-1] + 1)
    rows = []
    for code in codes:
        s = counts[code]
        totals = {}
        for y in span:
            months = s[s.index.year == y]
            totals[y] = (
                float(months.sum()) if len(months) == 12 and months.notna().all() else np.nan
            )
        for y in years:
            change = round(100 * (totals[y] / totals[y - 1] - 1), 1)
            rows.append(
                {
                    "code": code,
                    "label": labels.get(code, ""),
                    "year": y,
                    "count": totals[y],
                    "change_vs_previous": change,
                }
            )
    return pd.DataFrame(rows, columns=["code", "label", "year", "count", "change_vs_previous"])
