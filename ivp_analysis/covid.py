"""COVID-19 effects on registered crime: counterfactual forecasts against the phases of the Dutch measures.

The design follows the published work (``docs/methods.md`` section 1): fit a model on the months
before the pandemic, forecast the pandemic months, and compare observed with expected.

* **Phases** of the Dutch measures live in ``data/covid_phases.csv`` (checked by
  :func:`check_phases`); :func:`month_phase` gives each month the phase that covers most of its days.
* **National monthly model** (Politie 47022NED): the log of the rate per 100,000 inhabitants,
  normalised to an average month length, is a linear trend plus month-of-year effects with AR(1)
  errors. It is fitted for all crime types at once (:func:`fit_ar1_regression`, vectorised
  over series; verified against statsmodels' SARIMAX in the tests), and forecast with intervals
  that include the uncertainty of the trend and month effects (:func:`forecast_ar1`).
* **Decision rule**: a month is flagged only when the observed count lies outside the 99 %
  interval on the same side for at least two consecutive months (:func:`significant_runs`), as
  in Ashby (2020).
* **Municipal yearly model** (Politie 47018NED): Poisson or negative binomial regression with
  population exposure from :mod:`ivp_analysis.stats.countmodels`, one batched fit for all
  municipalities and crime types (:func:`municipal_counterfactual`).

Everything here is vectorised over series: the national models, the back-test, the sensitivity
analyses and the 342 x 12 municipal models together take well under a second
(``benchmarks/bench_covid.py``), so there is no model cache to go stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special, stats

from ivp_analysis import cache, paths
from ivp_analysis.errors import ParameterError
from ivp_analysis.stats import countmodels
from ivp_analysis.vocab import (
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_MIXED,
    VERDICT_NA,
    VERDICT_WITHIN,
)

#: Average month length in days: counts are normalised to this (``count / days x 365.25 / 12``).
AVERAGE_MONTH_DAYS = 365.25 / 12
#: Rates are per this many inhabitants.
PER_INHABITANTS = 100_000

PHASES_FILE = "covid_phases.csv"
BREAKS_FILE = "covid_series_breaks.csv"
# the data files the cached national and municipal models read when no phase or break table is
# passed: part of their disk-cache key
_MODEL_FILES = (paths.DATA_DIR / PHASES_FILE, paths.DATA_DIR / BREAKS_FILE)
PHASE_COLUMNS = ["phase_id", "label", "start", "end", "kind", "description", "source"]
PHASE_KINDS = ("lockdown", "maatregelen", "versoepeling")

#: Dutch verdicts. The national ones come from the two-consecutive-months rule, the municipal
#: ones from the 95 % prediction interval of one year.

#: Codes of 47022NED that the police never publish monthly (0 in every month after NA -> 0).
NEVER_PUBLISHED_MONTHLY = ("1.4.1", "3.2.1", "3.2.2", "3.7.3")


# =========================================================================== phases


def load_phases(path: str | Path | None = None) -> pd.DataFrame:
    """Read the phase table of the Dutch COVID-19 measures and check it.

    Parameters
    ----------
    path : path, optional
        Defaults to ``data/covid_phases.csv``.

    Returns
    -------
    DataFrame
        Columns ``phase_id, label, start, end, kind, description, source`` with ``start`` and
        ``end`` as Timestamps (both days included), in chronological order.

    Raises
    ------
    ValueError
        When :func:`check_phases` finds a problem; the message lists every problem.

    Examples
    --------
    >>> p = load_phases()
    >>> p.iloc[0]["start"].date().isoformat(), p.iloc[-1]["end"].date().isoformat()
    ('2020-03-12', '2022-02-24')
    """
    path = Path(path) if path is not None else paths.DATA_DIR / PHASES_FILE
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in PHASE_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; expected {PHASE_COLUMNS}")
    df = df[PHASE_COLUMNS].copy()
    for c in ("start", "end"):
        try:
            df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
        except ValueError as exc:
            raise ValueError(
                f"{path}: column {c!r} must hold dates like 2020-03-23 ({exc})"
            ) from None
    problems = check_phases(df)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return df.reset_index(drop=True)


def check_phases(phases: pd.DataFrame) -> list[str]:
    """Return the problems of a phase table (empty when it is sound).

    Checked: unique ids, known kinds, no phase that ends before it starts, phases in
    chronological order, and no gap or overlap between consecutive phases (each phase starts
    the day after the previous one ends: periods without a lockdown are phases of kind
    ``versoepeling``, not holes).

    Examples
    --------
    >>> bad = pd.DataFrame({"phase_id": ["a", "b"], "kind": ["lockdown"] * 2,
    ...     "start": pd.to_datetime(["2020-03-23", "2020-05-20"]),
    ...     "end": pd.to_datetime(["2020-05-10", "2020-05-01"])})
    >>> check_phases(bad)  # doctest: +NORMALIZE_WHITESPACE
    ['phase b ends (2020-05-01) before it starts (2020-05-20)',
     'gap of 9 days between a (ends 2020-05-10) and b (starts 2020-05-20)']
    """
    out = []
    if phases["phase_id"].duplicated().any():
        out.append(
            f"duplicate phase ids: {sorted(phases.loc[phases['phase_id'].duplicated(), 'phase_id'])}"
        )
    bad_kind = sorted(set(phases["kind"]) - set(PHASE_KINDS))
    if bad_kind:
        out.append(f"unknown kind {bad_kind}; allowed: {list(PHASE_KINDS)}")
    for r in phases.itertuples():
        if r.end < r.start:
            out.append(
                f"phase {r.phase_id} ends ({r.end.date()}) before it starts ({r.start.date()})"
            )
    for prev, cur in zip(phases.iloc[:-1].itertuples(), phases.iloc[1:].itertuples(), strict=True):
        if cur.start < prev.start:
            out.append(f"phase {cur.phase_id} starts before {prev.phase_id}: not in order")
            continue
        gap = (cur.start - prev.end).days - 1
        if gap > 0:
            out.append(f"gap of {gap} days between {prev.phase_id} (ends {prev.end.date()}) "
                       f"and {cur.phase_id} (starts {cur.start.date()})")  # fmt: skip
        elif gap < 0:
            out.append(f"{cur.phase_id} overlaps {prev.phase_id} by {-gap} days")
    return out


def phase_days(months, phases: pd.DataFrame) -> pd.DataFrame:
    """Count the days of each month that fall in each phase.

    Examples
    --------
    >>> p = load_phases()
    >>> d = phase_days(pd.period_range("2020-03", "2020-03", freq="M"), p)
    >>> {k: int(v) for k, v in d.iloc[0].items() if v}
    {'eerste_maatregelen': 11, 'intelligente_lockdown': 9}
    """
    months = pd.PeriodIndex(months, freq="M")
    first = months.start_time.values.astype("datetime64[D]")
    last = months.end_time.values.astype("datetime64[D]")
    ps = phases["start"].values.astype("datetime64[D]")
    pe = phases["end"].values.astype("datetime64[D]")
    lo = np.maximum(first[:, None], ps[None, :])
    hi = np.minimum(last[:, None], pe[None, :])
    days = np.maximum((hi - lo).astype(int) + 1, 0)
    return pd.DataFrame(days, index=months, columns=phases["phase_id"].tolist())


def month_phase(months, phases: pd.DataFrame) -> pd.Series:
    """Give each month the phase that covers most of its days.

    Days outside the table (before the first measures, after the last) belong to no phase and
    do not compete: March 2020 has 11 days of "eerste maatregelen" and 9 of the lockdown and
    belongs to "eerste maatregelen". On a tie the later phase wins (the newer measure). A month
    without any day in a phase gets ``""``.

    Examples
    --------
    >>> p = load_phases()
    >>> month_phase(pd.period_range("2020-02", "2020-05", freq="M"), p).tolist()
    ['', 'eerste_maatregelen', 'intelligente_lockdown', 'eerste_versoepeling']
    """
    d = phase_days(months, phases)
    arr = d.to_numpy()
    # argmax of the reversed columns picks the last (latest) phase among ties
    idx = arr.shape[1] - 1 - np.argmax(arr[:, ::-1], axis=1)
    out = np.where(arr.max(axis=1) > 0, np.asarray(d.columns, dtype=object)[idx], "")
    return pd.Series(out, index=d.index, name="phase")


# =========================================================================== national data


def check_municipal_pre_period(first_year: int, last_year: int) -> None:
    """Refuse a municipal pre-period that is not at least two years before 2020.

    Examples
    --------
    >>> check_municipal_pre_period(2012, 2019)
    >>> check_municipal_pre_period(2015, 2020)
    Traceback (most recent call last):
    ...
    ivp_analysis.errors.ParameterError: covid_municipal_pre_start/covid_municipal_pre_end = 2015-2020: the municipal pre-period must end before 2020 and span at least two years
    """
    if not first_year < last_year < 2020:
        raise ParameterError(
            f"covid_municipal_pre_start/covid_municipal_pre_end = {first_year}-{last_year}: "
            "the municipal pre-period must end before 2020 and span at least two years"
        )


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
    counts = crime.pivot_table(index="period", columns="code", values="value", aggfunc="first",
                               dropna=False)  # fmt: skip
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


def load_breaks(path: str | Path | None = None) -> pd.DataFrame:
    """Read the declared series breaks (``data/covid_series_breaks.csv``).

    ``handling`` is ``start`` (model the series from ``first_model_month``) or ``flag`` (model
    as usual, but report the break next to every result of that code).

    Examples
    --------
    >>> b = load_breaks().set_index("code")
    >>> b.loc["3.9.1", "first_model_month"], b.loc["3.1.3", "handling"]
    ('2016-01', 'flag')
    """
    path = Path(path) if path is not None else paths.DATA_DIR / BREAKS_FILE
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    bad = sorted(set(df["handling"]) - {"start", "flag"})
    if bad:
        raise ValueError(f"{path}: unknown handling {bad}; use 'start' or 'flag'")
    if ((df["handling"] == "start") & (df["first_model_month"] == "")).any():
        raise ValueError(f"{path}: handling 'start' needs first_model_month")
    return df


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
        One row per excluded code: code, label, mean a month, months with 0 or missing, reason (Dutch).
    starts : dict
        First month of the model per code (the pre-period start or a later declared start).
    """
    breaks = load_breaks() if breaks is None else breaks
    starts_declared = dict(
        zip(breaks.loc[breaks["handling"] == "start", "code"],
            breaks.loc[breaks["handling"] == "start", "first_model_month"], strict=True)
    )  # fmt: skip
    keep, rows, starts = [], [], {}
    for code in counts.columns:
        start = max(pd.Period(pre_start, "M"), pd.Period(starts_declared.get(code, pre_start), "M"))
        s = counts.loc[start : pd.Period(pre_end, "M"), code]
        zeros = int((s.fillna(0) == 0).sum())
        mean = float(s.mean()) if s.notna().any() else float("nan")
        if code in NEVER_PUBLISHED_MONTHLY or zeros == len(s):
            reason = (
                "niet per maand gepubliceerd (0 of leeg in elke maand; NA is 0 gemaakt in de bron)"
            )
        elif zeros:
            reason = f"{zeros} maanden met 0 in de voorperiode (mogelijk niet gepubliceerd)"
        elif not mean >= min_mean:
            reason = f"te weinig: gemiddeld {mean:.0f} per maand (minder dan {min_mean:g})"
        else:
            keep.append(code)
            starts[code] = str(start)
            continue
        rows.append({"code": code, "label": labels.get(code, ""), "mean_per_month": mean,
                     "zero_months": zeros, "reason": reason})  # fmt: skip
    excluded = pd.DataFrame(
        rows, columns=["code", "label", "mean_per_month", "zero_months", "reason"]
    )
    return keep, excluded, starts


def series_breaks(
    counts: pd.DataFrame, population: pd.Series, labels: pd.Series, pre_start: str, pre_end: str,
    declared: pd.DataFrame | None = None, factor: float = 2.0,
) -> pd.DataFrame:  # fmt: skip
    """Combine the declared series breaks with the level shifts found in the pre-period.

    A shift found by :func:`detect_level_shifts` (at least ``factor`` within a year) that is
    not declared is handled like a declared break: the model starts in January of the year
    after the shift. Declared breaks keep their own handling.

    Returns
    -------
    DataFrame
        code, label, month, ratio (12 months after / 12 before), source (``gedeclareerd`` or
        ``gevonden``), handling (``start`` or ``flag``), first_model_month, description.
    """
    declared = load_breaks() if declared is None else declared
    months = pd.period_range(pre_start, pre_end, freq="M")
    rates = counts.reindex(months).mul(to_rate_factor(population.reindex(months), months), axis=0)
    found = detect_level_shifts(rates, factor=factor).set_index("code")
    rows = []
    for r in declared.itertuples():
        rows.append({"code": r.code, "label": labels.get(r.code, ""), "month": r.month,
                     "ratio": found["ratio"].get(r.code, np.nan), "source": "gedeclareerd",
                     "handling": r.handling, "first_model_month": r.first_model_month,
                     "description": r.description})  # fmt: skip
    for code, r in found[found["flagged"]].iterrows():
        if code in set(declared["code"]) or code in NEVER_PUBLISHED_MONTHLY:
            continue
        start = f"{pd.Period(r['month'], 'M').year + 1}-01"
        rows.append({
            "code": code, "label": labels.get(code, ""), "month": r["month"], "ratio": r["ratio"],
            "source": "gevonden", "handling": "start", "first_model_month": start,
            "description": f"niveau x{r['ratio']:.2f} in twaalf maanden rond {r['month']} "
                           f"(automatisch gevonden, oorzaak niet gedocumenteerd); model vanaf {start}",
        })  # fmt: skip
    out = pd.DataFrame(rows, columns=["code", "label", "month", "ratio", "source", "handling",
                                      "first_model_month", "description"])  # fmt: skip
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
    crime: pd.DataFrame, population: pd.DataFrame, settings: NationalSettings,
    min_mean: float = 100.0, codes: list[str] | None = None,
) -> NationalData:  # fmt: skip
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
    keep, excluded, starts = select_codes(counts, labels, settings.pre_start, settings.pre_end,
                                          min_mean, breaks)  # fmt: skip
    if codes:
        unknown = [c for c in codes if c not in counts.columns]
        if unknown:
            raise ValueError(f"unknown crime codes {unknown}; known: {', '.join(counts.columns)}")
        bad = excluded[excluded["code"].isin(codes)]
        if len(bad):
            raise ValueError("these codes cannot be modelled: " + "; ".join(
                f"{r.code} ({r.reason})" for r in bad.itertuples()))  # fmt: skip
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
        rows.append({
            "code": code,
            "month": str(rates.index[k]) if k >= 0 else "",
            "ratio": float(np.exp(d)) if np.isfinite(d) else np.nan,
            "flagged": bool(np.isfinite(d) and abs(d) >= np.log(factor)),
        })  # fmt: skip
    return pd.DataFrame(rows)


# =========================================================================== AR(1) regression


def design_matrix(months, origin: str = "2012-01") -> np.ndarray:
    """Design of the national model: intercept, linear trend (years since ``origin``), and 11
    month-of-year dummies (January is the reference).

    Examples
    --------
    >>> X = design_matrix(pd.period_range("2012-01", "2012-03", freq="M"))
    >>> X.shape, X[2, :4].tolist()
    ((3, 13), [1.0, 0.16666666666666666, 0.0, 1.0])
    """
    months = pd.PeriodIndex(months, freq="M")
    t = (
        (months.year - pd.Period(origin, "M").year) * 12
        + months.month
        - pd.Period(origin, "M").month
    )
    cols = [np.ones(len(months)), np.asarray(t, float) / 12.0]
    cols += [(np.asarray(months.month) == m).astype(float) for m in range(2, 13)]
    return np.column_stack(cols)


@dataclass
class AR1Fit:
    """Estimates of a batch of regressions with AR(1) errors (one row per series)."""

    params: np.ndarray  # (S, p) regression coefficients (GLS given phi)
    phi: np.ndarray  # (S,) AR(1) coefficient
    sigma2: np.ndarray  # (S,) innovation variance used for forecasting: SSR / (n - p)
    sigma2_ml: np.ndarray  # (S,) maximum-likelihood innovation variance: SSR / n
    cov: np.ndarray  # (S, p, p) covariance of params given phi: sigma2 (X~'X~)^-1
    n_obs: np.ndarray  # (S,)
    loglike: np.ndarray  # (S,) exact Gaussian log-likelihood at the estimates (ML version)
    method: str
    first: np.ndarray  # (S,) index of each series' first observation
    last_resid: np.ndarray  # (S,) residual y - X beta at the last observation


def _moments(Y, X):
    """Cross-products needed to evaluate the Prais-Winsten regression for any phi."""
    S, T = Y.shape
    ok = np.isfinite(Y)
    first = np.argmax(ok, axis=1)
    contiguous = ok.sum(1) == T - first
    if not (contiguous.all() and ok[:, -1].all()):
        raise ValueError(
            "each series must be observed from its first month to the last without gaps"
        )
    Z = np.concatenate([np.broadcast_to(X, (S, T, X.shape[1])), Y[..., None]], axis=2)
    Z = np.where(ok[..., None], Z, 0.0)
    full = np.einsum("sti,stj->sij", Z, Z)
    za = Z[np.arange(S), first]
    zlast = Z[:, -1]
    D = np.einsum("si,sj->sij", za, za)
    A = full - D  # t > first
    B = np.einsum("sti,stj->sij", Z[:, 1:], Z[:, :-1])  # z_t z_{t-1}', zero before first
    Cl = full - np.einsum("si,sj->sij", zlast, zlast)  # z_{t-1} z_{t-1}' for t > first
    n = (T - first).astype(float)
    return A, B + np.swapaxes(B, 1, 2), Cl, D, n, first


def _ar1_inputs(Y, X):
    """Return (Y, X, p, moments, S) for the AR(1) regression, refusing series that are too short."""
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    X = np.asarray(X, dtype=float)
    p = X.shape[1]
    mom = _moments(Y, X)
    if np.any(mom[4] < p + 2):
        raise ValueError(f"every series needs at least {p + 2} observations")
    return Y, X, p, mom, Y.shape[0]


def _evaluate(phi, mom, p, method):
    A, B2, Cl, D, n, _first = mom
    f = phi[:, None, None]
    M = A - f * B2 + f**2 * Cl + (1 - f**2) * D
    XX, Xy, yy = M[:, :p, :p], M[:, :p, p], M[:, p, p]
    beta = np.linalg.solve(XX, Xy[..., None])[..., 0]
    ssr = np.maximum(yy - np.einsum("sp,sp->s", Xy, beta), 1e-300)
    half_log_det_r = 0.5 * np.log(1 - phi**2)
    if method == "ml":
        obj = -0.5 * n * (np.log(2 * np.pi * ssr / n) + 1) + half_log_det_r
    else:  # restricted (diffuse) likelihood: the regression coefficients integrated out
        m = n - p
        _, logdet = np.linalg.slogdet(XX)
        obj = -0.5 * m * (np.log(2 * np.pi * ssr / m) + 1) + half_log_det_r - 0.5 * logdet
    return obj, beta, ssr, XX


def fit_ar1_regression(
    Y, X, method: str = "reml", phi_bounds=(-0.98, 0.98), phi: float | None = None
) -> AR1Fit:
    """Fit ``y_t = X_t beta + u_t`` with ``u_t = phi u_{t-1} + e_t`` for every row of ``Y`` at once.

    For a given ``phi`` the model is a regression after the Prais-Winsten transform, so
    ``beta`` and ``sigma2`` have closed forms and only ``phi`` is searched: on a grid of
    0.02, then by golden-section search to 1e-9. All series are handled in the same arrays,
    which is what makes dozens of models cost milliseconds.

    Parameters
    ----------
    Y : array (S, T)
        One series per row; a series may start later (leading NaN), all end at ``T``.
    X : array (T, p)
        Design shared by the series.
    method : {"reml", "ml"}
        ``"ml"``: exact maximum likelihood (statsmodels ``SARIMAX(order=(1, 0, 0), exog=X)``).
        ``"reml"`` (default): restricted likelihood, with ``beta`` integrated out (statsmodels
        ``SARIMAX(..., mle_regression=False)`` with an exact diffuse prior on ``beta``); less
        biased ``phi`` in short series.
    phi : float, optional
        Fix ``phi`` instead of estimating it.

    Examples
    --------
    A series without autocorrelation and an exact line gets ``beta`` of the line:

    >>> t = np.arange(40.0)
    >>> f = fit_ar1_regression((1 + 0.5 * t)[None, :], np.c_[np.ones(40), t], method="ml")
    >>> np.round(f.params[0], 6).tolist()
    [1.0, 0.5]
    """
    if method not in ("ml", "reml"):
        raise ValueError("method must be 'ml' or 'reml'")
    Y, X, p, mom, S = _ar1_inputs(Y, X)
    if phi is not None:
        return _ar1_fit_at(np.full(S, float(phi)), Y, X, mom, method)
    lo, hi = phi_bounds
    grid = np.arange(lo, hi + 1e-9, 0.02)
    objs = np.stack([_evaluate(np.full(S, g), mom, p, method)[0] for g in grid], axis=1)
    k = np.argmax(objs, axis=1)
    a = grid[np.maximum(k - 1, 0)]
    b = grid[np.minimum(k + 1, len(grid) - 1)]
    # golden-section search inside the bracket around the best grid point
    g = (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = _evaluate(c, mom, p, method)[0], _evaluate(d, mom, p, method)[0]
    for _ in range(60):
        left = fc > fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        c_new, d_new = b - g * (b - a), a + g * (b - a)
        c, d = np.where(left, c_new, d), np.where(left, c, d_new)
        fc, fd = _evaluate(c, mom, p, method)[0], _evaluate(d, mom, p, method)[0]
        if np.max(b - a) < 1e-9:
            break
    return _ar1_fit_at((a + b) / 2, Y, X, mom, method)


def _ar1_fit_at(phi, Y, X, mom, method):
    p = X.shape[1]
    n, first = mom[4], mom[5]
    _, beta, ssr, XX = _evaluate(phi, mom, p, method)
    sigma2 = ssr / (n - p)
    cov = sigma2[:, None, None] * np.linalg.inv(XX)
    ll = -0.5 * n * (np.log(2 * np.pi * ssr / n) + 1) + 0.5 * np.log(1 - phi**2)
    resid_last = Y[:, -1] - beta @ X[-1]
    return AR1Fit(params=beta, phi=phi, sigma2=sigma2, sigma2_ml=ssr / n, cov=cov, n_obs=n,
                  loglike=ll, method=method, first=first, last_resid=resid_last)  # fmt: skip


@dataclass
class AR1Forecast:
    """Forecasts of a batch of AR(1) regressions on the modelled (log) scale."""

    mean: np.ndarray  # (S, H)
    sd: np.ndarray  # (S, H)
    cov: np.ndarray  # (S, H, H) joint covariance of the forecast errors
    df: np.ndarray  # (S,) degrees of freedom for t quantiles

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the lower and upper limits of the central ``level`` interval (t quantiles)."""
        q = stats.t.ppf(0.5 + level / 2, self.df)[:, None]
        return self.mean - q * self.sd, self.mean + q * self.sd


def forecast_ar1(fit: AR1Fit, X_last, X_future) -> AR1Forecast:
    """Forecast ``H`` periods after the last observation, with the joint error covariance.

    The forecast error of ``y_{T+h}`` is the future AR(1) noise plus the error in the estimated
    regression part: ``Var = sigma2 (1 - phi^2h) / (1 - phi^2) + g_h' Cov(beta) g_h`` with
    ``g_h = x_{T+h} - phi^h x_T``; ``phi`` is treated as known (as statsmodels does).

    Parameters
    ----------
    fit : AR1Fit
    X_last : array (p,)
        Design row of the last observed period.
    X_future : array (H, p)
        Design rows of the forecast periods, consecutive from the period after the last.

    Examples
    --------
    >>> t = np.arange(40.0)
    >>> f = fit_ar1_regression((1 + 0.5 * t + np.sin(t))[None, :], np.c_[np.ones(40), t])
    >>> fc = forecast_ar1(f, [1, 39], np.c_[np.ones(3), 40 + np.arange(3)])
    >>> bool(np.all(np.diff(fc.sd[0]) > 0))
    True
    """
    X_last = np.asarray(X_last, dtype=float)
    X_future = np.atleast_2d(np.asarray(X_future, dtype=float))
    H = X_future.shape[0]
    h = np.arange(1, H + 1)
    phi = fit.phi[:, None]
    powers = phi**h  # (S, H)
    mean = fit.params @ X_future.T + powers * fit.last_resid[:, None]
    G = X_future[None, :, :] - powers[..., None] * X_last[None, None, :]  # (S, H, p)
    param_part = np.einsum("shp,spq,sgq->shg", G, fit.cov, G)
    hmin = np.minimum.outer(h, h)
    lag = np.abs(np.subtract.outer(h, h))
    ph = fit.phi[:, None, None]
    ar_part = fit.sigma2[:, None, None] * ph**lag * (1 - ph ** (2 * hmin)) / (1 - ph**2)
    cov = ar_part + param_part
    sd = np.sqrt(np.einsum("shh->sh", cov))
    p = fit.params.shape[1]
    return AR1Forecast(mean=mean, sd=sd, cov=cov, df=fit.n_obs - p - 1)


@dataclass
class AR1Predictive:
    """Predictive distribution of future values that integrates over the AR(1) coefficient.

    Given ``phi``, the forecast is Student t (``beta`` and ``log sigma`` integrated out with
    flat priors, as in :func:`forecast_ar1`); ``phi`` itself is integrated out over a grid with
    weights proportional to the restricted likelihood. Plugging in one estimate of ``phi``
    makes the 99 % intervals too narrow at long horizons (``phi`` is estimated with error and
    biased towards 0 in short series); the mixture removes that (see ``docs/covid.md``).
    Each series keeps its own grid values (``phi``), the fewest that hold all but 1e-6 of the
    weight.
    """

    phi: np.ndarray  # (S, K) grid values per series
    weights: np.ndarray  # (S, K), rows sum to 1 (0 for padding)
    mean: np.ndarray  # (S, K, H) component means (log scale)
    sd: np.ndarray  # (S, K, H) component scales
    df: np.ndarray  # (S,) degrees of freedom of the t components
    cov_beta: np.ndarray  # (S, K, p, p)
    sigma2: np.ndarray  # (S, K)
    X_last: np.ndarray  # (p,)
    X_future: np.ndarray  # (H_all, p)
    cols: np.ndarray  # (H,) which of the forecast periods this object covers

    def cdf(self, x) -> np.ndarray:
        """Predictive CDF at ``x`` (S, H), with exact t components."""
        z = (np.asarray(x, float)[:, None, :] - self.mean) / self.sd
        return np.einsum("sk,skh->sh", self.weights, special.stdtr(self.df[:, None, None], z))

    def quantile(self, q: float) -> np.ndarray:
        """Predictive quantile (S, H), by bisection between the component quantiles.

        For speed each t component is replaced by the normal with the same ``q`` quantile
        (``scale x t_q / z_q``), which moves the result by far less than the Monte Carlo
        error of any interval check (tested against the exact t mixture).
        """
        zq = stats.norm.ppf(q)
        factor = stats.t.ppf(q, self.df) / zq if q != 0.5 else np.ones_like(self.df)
        scale = self.sd * factor[:, None, None]
        comp = self.mean + zq * scale
        used = (self.weights > 0)[:, :, None]
        lo = np.where(used, comp, np.inf).min(axis=1)
        hi = np.where(used, comp, -np.inf).max(axis=1)
        for _ in range(30):
            mid = (lo + hi) / 2
            z = (mid[:, None, :] - self.mean) / scale
            below = np.einsum("sk,skh->sh", self.weights, special.ndtr(z)) < q
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        return (lo + hi) / 2

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed central ``level`` interval (S, H)."""
        return self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)

    def median(self) -> np.ndarray:
        """Predictive median (S, H): the point forecast."""
        return self.quantile(0.5)

    def window(self, keep) -> AR1Predictive:
        """The same distribution restricted to some forecast periods (boolean mask over H)."""
        keep = np.asarray(keep, bool)
        return AR1Predictive(
            phi=self.phi, weights=self.weights, mean=self.mean[:, :, keep], sd=self.sd[:, :, keep],
            df=self.df, cov_beta=self.cov_beta, sigma2=self.sigma2, X_last=self.X_last,
            X_future=self.X_future, cols=self.cols[keep],
        )  # fmt: skip

    def simulate(self, n_sim: int, seed: int = 20200312) -> np.ndarray:
        """Draw future paths (S, n_sim, H) from the joint predictive distribution (seeded).

        Each draw picks ``phi`` by its weight, then a multivariate t path with the joint
        forecast covariance of that ``phi``.
        """
        rng = np.random.default_rng(seed)
        S, K, H = self.mean.shape
        cum = np.cumsum(self.weights, axis=1)
        comp = np.minimum((rng.random((S, n_sim))[..., None] > cum[:, None, :]).sum(axis=2), K - 1)
        z = rng.standard_normal((S, n_sim, H))
        scale = np.sqrt(self.df[:, None] / rng.chisquare(self.df[:, None], (S, n_sim)))
        out = np.empty((S, n_sim, H))
        h_all = np.arange(1, len(self.X_future) + 1)
        for k in range(K):
            if not (comp == k).any():
                continue
            cov = _joint_cov(self.phi[:, k], self.sigma2[:, k], self.cov_beta[:, k], self.X_last,
                             self.X_future, h_all)[:, self.cols][:, :, self.cols]  # fmt: skip
            chol = np.linalg.cholesky(cov + 1e-12 * np.eye(H))
            for s_ in np.where((comp == k).any(axis=1))[0]:
                sel = comp[s_] == k
                out[s_, sel] = self.mean[s_, k] + scale[s_, sel, None] * (z[s_, sel] @ chol[s_].T)
        return out


def _joint_cov(phi, sigma2, cov_beta, X_last, X_future, h):
    """Joint covariance (S, H, H) of the forecast errors, one value of phi per series."""
    phi = np.broadcast_to(np.asarray(phi, float), sigma2.shape)[:, None, None]
    powers = phi[:, :, 0] ** h[None, :]  # (S, H)
    G = X_future[None, :, :] - powers[..., None] * X_last[None, None, :]
    param_part = np.einsum("shp,spq,sgq->shg", G, cov_beta, G)
    hmin = np.minimum.outer(h, h)[None]
    lag = np.abs(np.subtract.outer(h, h))[None]
    ar = phi**lag * (1 - phi ** (2 * hmin)) / (1 - phi**2)
    return sigma2[:, None, None] * ar + param_part


def predictive_ar1(
    Y, X, X_future, method: str = "reml", step: float = 0.02, bounds=(-0.98, 0.98),
    tail_mass: float = 1e-6,
) -> AR1Predictive:  # fmt: skip
    """Fit the AR(1) regression to every row of ``Y`` and return the predictive distribution
    of the next ``len(X_future)`` periods, integrated over ``phi``.

    Parameters
    ----------
    Y : array (S, T)
        Series (leading NaN allowed), all ending in the last period of ``X``.
    X : array (T, p)
    X_future : array (H, p)
        Design of the periods after the last observation, consecutive.
    method : {"reml", "ml"}
        Likelihood that weighs the values of ``phi`` (restricted by default).
    step, bounds : grid of ``phi`` values (flat prior on the grid).
    tail_mass : each series drops its least likely grid values that together weigh less.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(60.0)
    >>> Y = (0.02 * t + rng.normal(0, 0.1, (3, 60)))
    >>> pr = predictive_ar1(Y, np.c_[np.ones(60), t], np.c_[np.ones(12), 60 + np.arange(12)])
    >>> lo, hi = pr.interval(0.95)
    >>> bool(np.all(lo < pr.median()) and np.all(pr.median() < hi))
    True
    """
    Y, X, p, mom, S = _ar1_inputs(Y, X)
    n = mom[4]
    X_future = np.atleast_2d(np.asarray(X_future, dtype=float))
    grid = np.arange(bounds[0], bounds[1] + 1e-9, step)
    objs = np.stack([_evaluate(np.full(S, g), mom, p, method)[0] for g in grid], axis=1)
    w = np.exp(objs - objs.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    order = np.argsort(-w, axis=1, kind="stable")
    w_sorted = np.take_along_axis(w, order, axis=1)
    n_keep = (np.cumsum(w_sorted, axis=1) < 1 - tail_mass).sum(axis=1) + 1
    K = int(n_keep.max())
    phi = grid[order[:, :K]]
    weights = np.where(np.arange(K)[None, :] < n_keep[:, None], w_sorted[:, :K], 0.0)
    weights /= weights.sum(axis=1, keepdims=True)
    H = X_future.shape[0]
    h = np.arange(1, H + 1)
    mean = np.empty((S, K, H))
    sd = np.empty((S, K, H))
    cov_k = np.empty((S, K, p, p))
    s2_k = np.empty((S, K))
    y_last = Y[:, -1]
    for k in range(K):
        g = phi[:, k]
        _, beta, ssr, XX = _evaluate(g, mom, p, method)
        s2 = ssr / (n - p)
        cov = s2[:, None, None] * np.linalg.inv(XX)
        powers = g[:, None] ** h[None, :]
        resid = y_last - beta @ X[-1]
        mean[:, k] = beta @ X_future.T + powers * resid[:, None]
        G = X_future[None, :, :] - powers[..., None] * X[-1][None, None, :]
        var = s2[:, None] * (1 - powers**2) / (1 - g[:, None] ** 2) + np.einsum(
            "shp,spq,shq->sh", G, cov, G
        )
        sd[:, k] = np.sqrt(var)
        cov_k[:, k], s2_k[:, k] = cov, s2
    return AR1Predictive(phi=phi, weights=weights, mean=mean, sd=sd, df=n - p, cov_beta=cov_k,
                         sigma2=s2_k, X_last=X[-1].copy(), X_future=X_future, cols=np.arange(H))  # fmt: skip


# =========================================================================== decision rule


def significant_runs(side, min_run: int = 2) -> np.ndarray:
    """Mark the months that belong to a run of at least ``min_run`` consecutive months outside
    the interval on the same side.

    Parameters
    ----------
    side : array (..., H) of -1, 0, 1
        -1 below the interval, +1 above, 0 inside (or missing), per month in order.
    min_run : int

    Examples
    --------
    >>> significant_runs([0, -1, -1, 0, 1, 0, 1, 1, 1, -1], 2).astype(int).tolist()
    [0, 1, 1, 0, 0, 0, 1, 1, 1, 0]
    >>> significant_runs([-1, 1, -1], 2).any()
    np.False_
    """
    side = np.asarray(side)
    flat = side.reshape(-1, side.shape[-1])
    out = np.zeros(flat.shape, dtype=bool)
    H = flat.shape[1]
    run = np.zeros(flat.shape, dtype=int)
    run[:, 0] = flat[:, 0] != 0
    for t in range(1, H):
        same = (flat[:, t] != 0) & (flat[:, t] == flat[:, t - 1])
        run[:, t] = np.where(flat[:, t] != 0, np.where(same, run[:, t - 1] + 1, 1), 0)
    # a month is significant when the run through it reaches min_run: walk back from run ends
    end_len = np.zeros(flat.shape, dtype=int)
    end_len[:, -1] = run[:, -1]
    for t in range(H - 2, -1, -1):
        cont = (flat[:, t] != 0) & (flat[:, t + 1] == flat[:, t])
        end_len[:, t] = np.where(cont, end_len[:, t + 1], run[:, t])
    out = (flat != 0) & (end_len >= min_run)
    return out.reshape(side.shape)


def rule_rate_independent(n_months: int, level: float = 0.99, min_run: int = 2) -> float:
    """Probability that the rule fires at least once in ``n_months`` when months are independent
    and each falls outside the central ``level`` interval with probability ``1 - level``
    (half below, half above).

    Dynamic programming over the current run (side and length).

    Examples
    --------
    Two months, rule of two: both below or both above, ``2 x 0.005^2``:

    >>> rule_rate_independent(2, 0.99, 2)
    5e-05
    """
    q = (1 - level) / 2
    L = min_run
    if L == 1:
        return float(1 - (1 - 2 * q) ** n_months)
    # probability of being in a run of length k (1..L-1) below / above, or inside (no run)
    inside, low, high = 1.0, np.zeros(L), np.zeros(L)
    fired = 0.0
    for _ in range(n_months):
        alive = inside + low.sum() + high.sum()
        new_low, new_high = np.zeros(L), np.zeros(L)
        # a month below: continues a run below, or starts one
        new_low[1] = (inside + high.sum()) * q
        new_low[2:] = low[1:-1] * q
        new_high[1] = (inside + low.sum()) * q
        new_high[2:] = high[1:-1] * q
        fired += (low[L - 1] + high[L - 1]) * q
        inside, low, high = alive * (1 - 2 * q), new_low, new_high
    return float(round(fired, 15))


def rule_rate_gaussian(corr, level: float = 0.99, min_run: int = 2, n_sim: int = 200_000,
                       seed: int = 20200323) -> float:  # fmt: skip
    """Probability that the rule fires when the standardised forecast errors are jointly normal
    with correlation ``corr`` (H, H): the rule's nominal rate for correlated months.

    Examples
    --------
    With independent months it agrees with :func:`rule_rate_independent`:

    >>> r = rule_rate_gaussian(np.eye(24), 0.9, 2, n_sim=100_000)
    >>> abs(r - rule_rate_independent(24, 0.9, 2)) < 0.01
    True
    """
    corr = np.asarray(corr, float)
    rng = np.random.default_rng(seed)
    L = np.linalg.cholesky(corr + 1e-12 * np.eye(len(corr)))
    z = rng.standard_normal((n_sim, len(corr))) @ L.T
    k = stats.norm.ppf(0.5 + level / 2)
    side = np.where(z < -k, -1, np.where(z > k, 1, 0))
    return float(significant_runs(side, min_run).any(axis=1).mean())


def mase(observed, forecast, insample, m: int = 12) -> np.ndarray:
    """Mean absolute scaled error: forecast MAE divided by the in-sample MAE of the seasonal
    naive forecast (``y_t - y_{t-m}``), per row.

    Examples
    --------
    >>> mase([[4.0, 6.0]], [[5.0, 5.0]], [[1.0, 2.0, 3.0, 5.0]], m=2)
    array([0.4])
    """
    observed, forecast, insample = (
        np.atleast_2d(np.asarray(a, float)) for a in (observed, forecast, insample)
    )
    scale = np.nanmean(np.abs(insample[:, m:] - insample[:, :-m]), axis=1)
    return np.nanmean(np.abs(observed - forecast), axis=1) / scale


# =========================================================================== national pipeline


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
        ps, pe, iv, fe = (pd.Period(x, "M") for x in (self.pre_start, self.pre_end,
                                                       self.intervention, self.forecast_end))  # fmt: skip
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
            forecast_end=self.forecast_end, level=self.level, level_strict=self.level_strict,
            min_run=self.min_run, method=self.method,
        )  # fmt: skip


def _fit_and_forecast(counts, population, codes, starts, fit_start, fit_end, fc_end, method):
    """Fit the log-rate model per code from its start to ``fit_end``; forecast to ``fc_end``."""
    fit_months = pd.period_range(fit_start, fit_end, freq="M")
    fc_months = pd.period_range(pd.Period(fit_end, "M") + 1, fc_end, freq="M")
    factor_fit = to_rate_factor(population.reindex(fit_months), fit_months)
    Y = np.log(counts.reindex(fit_months)[codes].to_numpy(float).T * factor_fit)
    for i, c in enumerate(codes):
        Y[i, fit_months < pd.Period(max(starts[c], fit_start), "M")] = np.nan
    X = design_matrix(fit_months)
    Xf = design_matrix(fc_months)
    fit = fit_ar1_regression(Y, X, method=method)
    pred = predictive_ar1(Y, X, Xf, method=method)
    return fit, pred, fc_months, Y


@cache.memoize("covid", files=_MODEL_FILES)
def national_counterfactual(
    counts: pd.DataFrame,
    population: pd.Series,
    codes: list[str],
    starts: dict[str, str],
    settings: NationalSettings,
    labels: pd.Series | None = None,
    phases: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, AR1Predictive, AR1Fit]:
    """Expected counts without COVID-19 per code and month, with intervals and the decision rule.

    Parameters
    ----------
    counts, population : from :func:`national_monthly`
    codes, starts : from :func:`select_codes`
    settings : NationalSettings
    labels : Series, optional
        Dutch label per code.
    phases : DataFrame, optional
        Phase table (default :func:`load_phases`).

    Returns
    -------
    table : DataFrame
        One row per code and month from the intervention month to the forecast end:
        ``code, month, observed, expected, lower_95, upper_95, lower_99, upper_99, phase``, then
        ``label, phase_label, to_rate, pct_difference, side, significant``. Counts are crimes
        in the month; multiply by ``to_rate`` for the normalised rate per 100,000.
    predictive : AR1Predictive
        On the log-rate scale, for the months of the table (for intervals of sums).
    fit : AR1Fit
        Point estimates (``phi`` and the coefficients) of each code's model.
    """
    s = settings
    phases = load_phases() if phases is None else phases
    if pd.Period(s.forecast_end, "M") > population.dropna().index.max():
        raise ValueError(
            f"forecast end {s.forecast_end} is after the last month with a population "
            f"({population.dropna().index.max()}; CBS 83474NED)"
        )
    fit, pred, months, _Y = _fit_and_forecast(counts, population, codes, starts, s.pre_start,
                                             s.pre_end, s.forecast_end, s.method)  # fmt: skip
    factor = to_rate_factor(population.reindex(months), months)
    obs = counts.reindex(months)[codes].to_numpy(float).T
    lo1, hi1 = pred.interval(s.level)
    lo2, hi2 = pred.interval(s.level_strict)
    to_count = 1 / factor[None, :]
    expected = np.exp(pred.median()) * to_count
    side = np.where(obs < np.exp(lo2) * to_count, -1, np.where(obs > np.exp(hi2) * to_count, 1, 0))
    side = np.where(np.isfinite(obs), side, 0)
    window = months >= pd.Period(s.intervention, "M")
    sig = np.zeros_like(side, dtype=bool)
    sig[:, window] = significant_runs(side[:, window], s.min_run)
    phase = month_phase(months, phases).to_numpy()
    plabel = dict(zip(phases["phase_id"], phases["label"], strict=True))
    S, H = obs.shape
    df = pd.DataFrame({
        "code": np.repeat(codes, H),
        "month": np.tile(months.astype(str), S),
        "observed": obs.ravel(),
        "expected": expected.ravel(),
        s.col("lower"): (np.exp(lo1) * to_count).ravel(),
        s.col("upper"): (np.exp(hi1) * to_count).ravel(),
        s.col("lower", True): (np.exp(lo2) * to_count).ravel(),
        s.col("upper", True): (np.exp(hi2) * to_count).ravel(),
        "phase": np.tile(phase, S),
        "label": np.repeat([labels.get(c, "") if labels is not None else "" for c in codes], H),
        "phase_label": [plabel.get(x, "") for x in np.tile(phase, S)],
        "to_rate": np.tile(factor, S),
        "pct_difference": (100 * (obs / expected - 1)).ravel(),
        "side": side.ravel(),
        "significant": sig.ravel(),
        "_in_window": np.tile(window, S),
    })  # fmt: skip
    df = df[df.pop("_in_window")].reset_index(drop=True)
    return df, pred.window(window), fit


def _verdict(sides_sig: np.ndarray) -> str:
    low = bool(np.any(sides_sig < 0))
    high = bool(np.any(sides_sig > 0))
    if low and high:
        return VERDICT_MIXED
    if low:
        return VERDICT_BELOW
    if high:
        return VERDICT_ABOVE
    return VERDICT_WITHIN


@cache.memoize("covid", files=_MODEL_FILES)
def phase_summary(
    national: pd.DataFrame,
    predictive: AR1Predictive,
    settings: NationalSettings,
    phases: pd.DataFrame | None = None,
    backtest_table: pd.DataFrame | None = None,
    breaks: pd.DataFrame | None = None,
    n_sim: int = 2000,
    seed: int = 20200312,
) -> pd.DataFrame:
    """Sum observed and expected over each phase, each calendar year and the whole window.

    The verdict of a period comes from the decision rule: ``lager dan verwacht`` when at least
    one of its months belongs to a run of ``min_run`` months below the strict interval (and
    none above), ``hoger dan verwacht`` likewise, ``wisselend`` when both occur. The interval of
    a sum is simulated from the joint forecast distribution (seeded).

    Returns
    -------
    DataFrame
        ``code, phase, observed, expected, pct_difference, verdict, mase`` then ``label,
        period_type, phase_label, first_month, last_month, months, months_significant_below,
        months_significant_above, lower_95, upper_95, sum_outside, mase_naive, beats_naive,
        backtest_coverage_95, backtest_rule_fired, note`` (see ``docs/covid.md``).
    """
    s = settings
    phases = load_phases() if phases is None else phases
    breaks = load_breaks() if breaks is None else breaks
    codes = list(dict.fromkeys(national["code"]))
    months = pd.PeriodIndex(national.loc[national["code"] == codes[0], "month"], freq="M")
    H = len(months)
    obs = national["observed"].to_numpy(float).reshape(len(codes), H)
    to_count = 1 / national["to_rate"].to_numpy(float).reshape(len(codes), H)
    exp_ = national["expected"].to_numpy(float).reshape(len(codes), H)
    side_sig = np.where(national["significant"].to_numpy(bool), national["side"].to_numpy(int), 0)
    side_sig = side_sig.reshape(len(codes), H)
    phase = national.loc[national["code"] == codes[0], "phase"].to_numpy()
    periods = []
    for r in phases.itertuples():
        m = phase == r.phase_id
        if m.any():
            periods.append((r.phase_id, "fase", r.label, m))
    for y in sorted(set(months.year)):
        m = np.asarray(months.year == y)
        lab = f"{y} ({_nl_month(months[m][0])} t/m {_nl_month(months[m][-1])})"
        periods.append((str(y), "jaar", lab, m))
    periods.append(("totaal", "totaal", f"{_nl_month(months[0])} {months[0].year} t/m "
                    f"{_nl_month(months[-1])} {months[-1].year}", np.ones(H, bool)))  # fmt: skip
    notes = _code_notes(breaks)
    lab = dict(zip(national["code"], national["label"], strict=False))
    bt = backtest_table.set_index("code") if backtest_table is not None else pd.DataFrame()
    lo_q, hi_q = (1 - s.level) / 2, 1 - (1 - s.level) / 2
    P = np.column_stack([m for *_x, m in periods]).astype(float)  # months x periods
    if n_sim:
        draws = np.exp(predictive.simulate(n_sim, seed)) * to_count[:, None, :]
        sums = draws @ P  # (codes, n_sim, periods)
        lims = np.quantile(sums, [lo_q, hi_q], axis=1)  # (2, codes, periods)
    else:
        lims = np.full((2, len(codes), P.shape[1]), np.nan)

    def from_bt(code, col):
        if code in bt.index and pd.notna(bt.loc[code, col]):
            return bt.loc[code, col]
        return np.nan

    rows = []
    for i, code in enumerate(codes):
        for j, (pid, ptype, plabel, m) in enumerate(periods):
            o, e = obs[i, m].sum(), exp_[i, m].sum()
            lo, hi = float(lims[0, i, j]), float(lims[1, i, j])
            beats = from_bt(code, "beats_naive")
            fired = from_bt(code, "rule_fired")
            rows.append({
                "code": code, "phase": pid, "observed": o, "expected": e,
                "pct_difference": 100 * (o / e - 1), "verdict": _verdict(side_sig[i, m]),
                "mase": from_bt(code, "mase"),
                "label": lab.get(code, ""), "period_type": ptype, "phase_label": plabel,
                "first_month": str(months[m][0]), "last_month": str(months[m][-1]),
                "months": int(m.sum()),
                "months_significant_below": int((side_sig[i, m] < 0).sum()),
                "months_significant_above": int((side_sig[i, m] > 0).sum()),
                s.col("lower"): lo, s.col("upper"): hi,
                "sum_outside": "lager" if o < lo else ("hoger" if o > hi else ""),
                "mase_naive": from_bt(code, "mase_naive"),
                "beats_naive": None if pd.isna(beats) else bool(beats),
                "backtest_coverage_95": from_bt(code, "coverage"),
                "backtest_rule_fired": None if pd.isna(fired) else bool(fired),
                "note": notes.get(code, ""),
            })  # fmt: skip
    return pd.DataFrame(rows)


_NL_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _nl_month(p: pd.Period) -> str:
    return _NL_MONTHS[p.month - 1]


def nl_month_label(month) -> str:
    """Dutch short label of a month: ``apr 2020``.

    Examples
    --------
    >>> nl_month_label("2020-04")
    'apr 2020'
    """
    p = pd.Period(month, "M")
    return f"{_nl_month(p)} {p.year}"


def _code_notes(breaks: pd.DataFrame) -> dict[str, str]:
    notes: dict[str, list[str]] = {}
    for r in breaks.itertuples():
        kind = (
            "reeksbreuk"
            if getattr(r, "source", "gedeclareerd") == "gedeclareerd"
            else "gevonden niveausprong"
        )
        if r.handling == "start":
            text = f"{kind} {r.month}: model vanaf {r.first_model_month}"
        else:
            text = f"{kind} {r.month}: niet gecorrigeerd"
        notes.setdefault(r.code, []).append(text)
    for code in ("3.7.4", "3.9.1"):
        notes.setdefault(code, []).append("digitaal aangifteloket vanaf april 2020")
    return {k: "; ".join(v) for k, v in notes.items()}


@cache.memoize("covid", files=_MODEL_FILES)
def backtest(
    counts: pd.DataFrame,
    population: pd.Series,
    codes: list[str],
    starts: dict[str, str],
    fit_start: str = "2012-01",
    fit_end: str = "2017-12",
    test_end: str = "2019-12",
    level: float = 0.95,
    level_strict: float = 0.99,
    min_run: int = 2,
    method: str = "reml",
) -> pd.DataFrame:
    """Fit on ``fit_start``..``fit_end``, forecast to ``test_end``, and score against what happened.

    Returns
    -------
    DataFrame
        Per code: ``mase`` of the model and ``mase_naive`` of the seasonal naive forecast (the
        last 12 fitted months repeated), both scaled by the in-sample seasonal naive error
        (rates), ``beats_naive`` (model MASE < naive MASE), ``coverage`` of the ``level``
        interval, ``coverage_strict``, ``rule_fired`` (the decision rule fired although no
        pandemic happened), ``fit_months``, ``bias_pct`` (mean of observed / expected - 1).
        Codes with fewer than 24 months before ``fit_end`` get NaN.
    """
    all_codes = codes
    latest = pd.Period(fit_end, "M") - 23
    codes = [c for c in codes if pd.Period(max(starts[c], fit_start), "M") <= latest]
    fit, pred, months, Y = _fit_and_forecast(counts, population, codes, starts, fit_start,
                                             fit_end, test_end, method)  # fmt: skip
    obs = np.log(counts.reindex(months)[codes].to_numpy(float).T
                 * to_rate_factor(population.reindex(months), months))  # fmt: skip
    rate_obs, rate_fc = np.exp(obs), np.exp(pred.median())
    rate_in = np.exp(Y)
    naive = np.tile(rate_in[:, -12:], (1, int(np.ceil(len(months) / 12))))[:, : len(months)]
    m_model = mase(rate_obs, rate_fc, rate_in)
    m_naive = mase(rate_obs, naive, rate_in)
    lo, hi = pred.interval(level)
    lo2, hi2 = pred.interval(level_strict)
    side = np.where(obs < lo2, -1, np.where(obs > hi2, 1, 0))
    return pd.DataFrame({
        "code": codes,
        "mase": m_model,
        "mase_naive": m_naive,
        "beats_naive": m_model < m_naive,
        "coverage": ((obs >= lo) & (obs <= hi)).mean(axis=1),
        "coverage_strict": ((obs >= lo2) & (obs <= hi2)).mean(axis=1),
        "rule_fired": significant_runs(side, min_run).any(axis=1),
        "bias_pct": 100 * (np.mean(rate_obs / rate_fc, axis=1) - 1),
        "fit_months": fit.n_obs.astype(int),
        "phi": fit.phi,
    }).set_index("code").reindex(all_codes).rename_axis("code").reset_index()  # fmt: skip


def compare_verdicts(base: pd.DataFrame, other: pd.DataFrame, name: str) -> pd.DataFrame:
    """List the periods whose verdict differs between two summaries (matched on code and phase).

    Periods that exist in only one of them (a month more or less in the window) are compared
    on what they share. Returns code, label, phase_label, both verdicts and both percentages.
    """
    key = ["code", "phase"]
    m = base.merge(other[[*key, "verdict", "pct_difference"]], on=key, suffixes=("", "_alt"))
    changed = m[m["verdict"] != m["verdict_alt"]]
    return pd.DataFrame({
        "variant": name,
        "code": changed["code"],
        "label": changed["label"],
        "phase_label": changed["phase_label"],
        "verdict": changed["verdict"],
        "verdict_alt": changed["verdict_alt"],
        "pct_difference": changed["pct_difference"],
        "pct_difference_alt": changed["pct_difference_alt"],
    }).reset_index(drop=True)  # fmt: skip


@cache.memoize("covid", files=_MODEL_FILES)
def sensitivity(
    counts, population, codes, starts, settings: NationalSettings, base_summary: pd.DataFrame,
    phases=None, breaks=None, pre_start_alt: str = "2015-01",
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Rerun the national analysis with the intervention a month earlier and later, and with a
    later pre-period start; return (overview per variant and code, changed verdicts).

    The overview holds, per variant and code, the % difference over the whole window and in
    the first lockdown month (April 2020) and the number of significant months.
    """
    variants = {
        "basis": settings,
        "interventie 1 maand eerder": settings.shifted(-1),
        "interventie 1 maand later": settings.shifted(+1),
        f"voorperiode vanaf {pre_start_alt}": settings.shifted(0, pre_start=pre_start_alt),
    }
    overview, changes = [], []
    for name, st in variants.items():
        st_starts = {c: max(v, st.pre_start) for c, v in starts.items()}
        nat, pred, _ = national_counterfactual(
            counts, population, codes, st_starts, st, phases=phases
        )
        summ = (base_summary if name == "basis"
                else phase_summary(nat, pred, st, phases=phases, breaks=breaks, n_sim=0))  # fmt: skip
        tot = summ[summ["period_type"] == "totaal"].set_index("code")
        apr = nat[nat["month"] == "2020-04"].set_index("code")
        for c in codes:
            overview.append({
                "variant": name, "code": c, "pct_difference_total": tot.loc[c, "pct_difference"],
                "verdict_total": tot.loc[c, "verdict"],
                "pct_difference_apr2020": apr.loc[c, "pct_difference"] if c in apr.index else np.nan,
                "significant_months": int(nat.loc[nat["code"] == c, "significant"].sum()),
                "sum_outside_total": tot.loc[c, "sum_outside"],
            })  # fmt: skip
        if name != "basis":
            changes.append(compare_verdicts(base_summary, summ, name))
    return pd.DataFrame(overview), pd.concat(changes, ignore_index=True)


def history_table(counts, population, codes, first: str, last: str) -> pd.DataFrame:
    """Observed normalised rates per code and month (long), for figures with the pre-period."""
    months = pd.period_range(first, last, freq="M")
    factor = to_rate_factor(population.reindex(months), months)
    r = counts.reindex(months)[codes].mul(factor, axis=0)
    out = r.stack().rename("rate").reset_index()
    out.columns = ["month", "code", "rate"]
    out["month"] = out["month"].astype(str)
    return out


# =========================================================================== municipal


def municipal_panel(
    crime: pd.DataFrame, population: pd.DataFrame, years: range
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame]:
    """Arrange municipal counts and populations as arrays (series x years).

    The population of a municipality formed by a merger is not published for the years before
    it existed, while its counts are restated on the new boundaries; for those years the first
    published population is used (flagged: a municipality's population changes by a few
    percent at most over the pre-period).

    Returns
    -------
    y : (S, T) counts; exposure : (S, T) population; imputed : (S, T) bool;
    index : DataFrame with region, region_name, code, label per series (sorted by region, code).
    """
    years = list(years)
    crime = crime[(crime["region"] != "GM0000") & crime["period"].dt.year.isin(years)]
    c = crime.assign(year=crime["period"].dt.year)
    y = c.pivot_table(
        index=["region", "code"], columns="year", values="value", aggfunc="first", dropna=False
    )
    y = y.reindex(columns=years)
    order = sorted(y.index, key=lambda rc: (rc[0], code_sort_key(rc[1])))
    y = y.reindex(order)
    pop = population.assign(year=population["period"].dt.year)
    pop = pop.pivot_table(index="region", columns="year", values="value", aggfunc="first")
    pop = pop.reindex(y.index.get_level_values(0))
    imputed = ~np.isfinite(pop.reindex(columns=years).to_numpy(float))
    # back-fill with the first published year, which may lie after the analysed years
    filled = pop.bfill(axis=1).reindex(columns=years).to_numpy(float)
    names = crime.drop_duplicates("region").set_index("region")["region_name"]
    labels = crime.drop_duplicates("code").set_index("code")["label"]
    idx = pd.DataFrame({"region": y.index.get_level_values(0), "code": y.index.get_level_values(1)})
    idx["region_name"] = idx["region"].map(names)
    idx["label"] = idx["code"].map(labels)
    return y.to_numpy(float), filled, imputed & np.isfinite(filled), idx


@cache.memoize("covid", files=_MODEL_FILES)
def municipal_counterfactual(
    crime: pd.DataFrame,
    population: pd.DataFrame,
    pre_years: tuple[int, int] = (2012, 2019),
    eval_years: tuple[int, ...] = (2020, 2021),
    level: float = 0.95,
    n_sim: int = 1000,
    seed: int = 20200323,
    dispersion_mixture: bool = True,
) -> pd.DataFrame:
    """Expected counts in the COVID years per municipality and crime type, with the distribution.

    One :func:`countmodels.fit_auto` call fits every municipality x crime type (log-linear trend
    with population exposure, Poisson or NB2); :func:`predict_counts` gives the expected count
    and a 95 % prediction interval per evaluated year: :func:`countmodels.predict_interval` for
    Poisson series, :func:`predict_interval_nb_mixture` for overdispersed ones (simulated in
    blocks of one crime type to bound memory). The ratio observed / expected is ranked among
    all municipalities per crime type and year (:func:`percentile_among`).

    Returns
    -------
    DataFrame
        ``region, code, year, observed, expected, lower_95, upper_95, ratio, verdict,
        percentile`` then ``region_name, label, family, interval_method, population,
        population_imputed, p_value``, sorted by region, code, year.
    """
    years = range(pre_years[0], max(eval_years) + 1)
    y_all, expo_all, imputed, idx = municipal_panel(crime, population, years)
    yrs = np.array(list(years))
    pre = (yrs >= pre_years[0]) & (yrs <= pre_years[1])
    ev = np.isin(yrs, eval_years)
    centre = (pre_years[0] + pre_years[1]) / 2
    X = np.column_stack([np.ones(pre.sum()), yrs[pre] - centre])
    X_new = np.column_stack([np.ones(ev.sum()), yrs[ev] - centre])
    S, E = y_all.shape[0], ev.sum()
    obs = y_all[:, ev]
    pc = predict_counts(y_all[:, pre], X, expo_all[:, pre], X_new, expo_all[:, ev], level=level,
                        n_sim=n_sim, seed=seed, dispersion_mixture=dispersion_mixture,
                        blocks=idx["code"].to_numpy(), observed=obs)  # fmt: skip
    fit, conv, use_mix = pc["fit"], pc["converged"], pc["mixture"]
    expected, lower, upper, p_le, p_ge = (
        pc[k] for k in ("expected", "lower", "upper", "p_le", "p_ge")
    )
    ok = np.isfinite(expected) & np.isfinite(obs)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok & (expected > 0), obs / expected, np.nan)
    verdict = np.where(~ok, VERDICT_NA, np.where(obs < lower, VERDICT_BELOW,
                       np.where(obs > upper, VERDICT_ABOVE, VERDICT_WITHIN)))  # fmt: skip
    out = pd.DataFrame({
        "region": np.repeat(idx["region"].to_numpy(), E),
        "code": np.repeat(idx["code"].to_numpy(), E),
        "year": np.tile(yrs[ev], S),
        "observed": obs.ravel(),
        "expected": expected.ravel(),
        f"lower_{100 * level:g}": lower.ravel(),
        f"upper_{100 * level:g}": upper.ravel(),
        "ratio": ratio.ravel(),
        "verdict": verdict.ravel(),
    })  # fmt: skip
    out["percentile"] = out.groupby(["code", "year"])["ratio"].transform(percentile_among)
    out["region_name"] = np.repeat(idx["region_name"].to_numpy(), E)
    out["label"] = np.repeat(idx["label"].to_numpy(), E)
    out["family"] = np.repeat(np.where(conv, fit.family, ""), E)
    out["interval_method"] = np.repeat(
        np.where(~conv, "", np.where(use_mix, "dispersie-mengsel", "plug-in")), E
    )
    out["population"] = expo_all[:, ev].ravel()
    out["population_imputed"] = np.repeat(imputed[:, pre | ev].any(axis=1), E)
    out["p_value"] = np.where(ok, np.minimum(1.0, 2 * np.minimum(p_le, p_ge)), np.nan).ravel()
    return out


#: Grid of NB2 dispersions over which :func:`predict_interval_nb_mixture` integrates.
NB_ALPHA_GRID = np.exp(np.linspace(np.log(1e-4), np.log(3.0), 32))


def nb_profile(y, X, exposure, alphas=NB_ALPHA_GRID) -> dict[str, np.ndarray]:
    """Fit NB2 regressions with the dispersion fixed at each value of ``alphas``, for every series.

    Returns, per series and dispersion, ``beta`` (S, K, p), ``cov`` (S, K, p, p: inverse Fisher
    information), ``loglike`` (S, K) and ``apl`` (S, K): the Cox-Reid adjusted profile
    log-likelihood ``loglike - 0.5 log det(X' W X)``, which corrects the profile likelihood of
    the dispersion for the estimated regression coefficients (as in edgeR and DESeq2 for
    short count series).
    """
    y, X, offset, w = countmodels._prepare(y, X, exposure)
    S, p = y.shape[0], X.shape[1]
    T = X.shape[0]
    K = len(alphas)
    a = np.asarray(alphas, float)[None, :, None]
    XXo = np.einsum("tp,tq->tpq", X, X).reshape(T, p * p)
    rate = (y * w).sum(1) / np.maximum((np.exp(offset) * w).sum(1), 1e-300)
    beta = np.zeros((S, K, p))
    beta[:, :, 0] = np.log(np.maximum(rate, 1e-10))[:, None]

    def info_of(mu):
        return ((w[:, None, :] * mu / (1 + a * mu)).reshape(-1, T) @ XXo).reshape(S, K, p, p)

    for _ in range(50):
        mu = np.exp(offset[:, None, :] + beta @ X.T)
        grad = (w[:, None, :] * (y[:, None, :] - mu) / (1 + a * mu)) @ X
        step = np.linalg.solve(info_of(mu), grad[..., None])[..., 0]
        beta += step
        if np.max(np.abs(step)) < 1e-9:
            break
    mu = np.exp(offset[:, None, :] + beta @ X.T)
    inv = 1 / a
    yk = y[:, None, :]
    ll = (w[:, None, :] * (special.gammaln(yk + inv) - special.gammaln(inv) - special.gammaln(yk + 1)
          + inv * np.log(inv / (inv + mu)) + yk * np.log(mu / (inv + mu)))).sum(2)  # fmt: skip
    info = info_of(mu)
    _, logdet = np.linalg.slogdet(info)
    return {"beta": beta, "cov": np.linalg.inv(info), "loglike": ll, "apl": ll - 0.5 * logdet}


def predict_interval_nb_mixture(
    y, X, exposure, X_new, exposure_new, level: float = 0.95, n_sim: int = 1000,
    seed: int = 20200323, alphas=NB_ALPHA_GRID,
) -> dict[str, np.ndarray]:  # fmt: skip
    """Prediction interval for overdispersed counts that integrates over the NB2 dispersion.

    :func:`countmodels.predict_interval` plugs in the estimated dispersion. With eight yearly
    counts that estimate is poor and biased low, and the simulation test found 95 % intervals
    that held the true count only about 88-90 % of the time for overdispersed series. Here the
    dispersion is drawn from its Cox-Reid adjusted profile likelihood (flat prior on
    ``log alpha`` over ``alphas``), the coefficients from their normal approximation given
    that dispersion, and the count from NB2 (seeded).

    Returns
    -------
    dict
        ``lower``, ``upper`` (S, T_new), ``mean`` (S, T_new: the mean of the predictive
        distribution of the expected count, ``sum_k w_k exposure exp(x'b_k + x'C_k x / 2)``)
        and ``simulated`` (S, n_sim, T_new).
    """
    prof = nb_profile(y, X, exposure, alphas)
    apl = prof["apl"]
    wts = np.exp(apl - apl.max(axis=1, keepdims=True))
    wts /= wts.sum(axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    S, K = wts.shape
    X_new = np.atleast_2d(np.asarray(X_new, float))
    exposure_new = np.broadcast_to(np.asarray(exposure_new, float), (S, X_new.shape[0]))
    # inverse-CDF draw of the component per simulation: one searchsorted over all series,
    # each series' cumulative weights shifted by its row number
    cum = np.cumsum(wts, axis=1)
    cum[:, -1] = 1.0
    offset = np.arange(S)[:, None]
    comp = np.searchsorted((cum + offset).ravel(), (rng.random((S, n_sim)) + offset).ravel())
    comp = np.minimum(comp.reshape(S, n_sim) - offset * K, K - 1)
    b = np.take_along_axis(prof["beta"], comp[..., None], axis=1)
    chol = np.linalg.cholesky(
        countmodels._nearest_pd(prof["cov"].reshape(-1, *prof["cov"].shape[2:]))
    )
    chol = chol.reshape(prof["cov"].shape)
    L = np.take_along_axis(chol, comp[..., None, None], axis=1)
    b = b + (L @ rng.standard_normal(b.shape)[..., None])[..., 0]
    mu = exposure_new[:, None, :] * np.exp(b @ X_new.T)
    al = np.asarray(alphas, float)[comp][..., None]
    counts = rng.poisson(mu * rng.gamma(1 / al, al, size=mu.shape))
    q = (1 - level) / 2
    log_mu_k = np.einsum("skp,tp->skt", prof["beta"], X_new) + 0.5 * np.einsum(
        "tp,skpq,tq->skt", X_new, prof["cov"], X_new
    )
    mean = exposure_new * np.einsum("sk,skt->st", wts, np.exp(log_mu_k))
    return {
        "lower": np.quantile(counts, q, axis=1, method="inverted_cdf"),
        "upper": np.quantile(counts, 1 - q, axis=1, method="inverted_cdf"),
        "mean": mean,
        "simulated": counts,
    }


def predict_counts(
    y, X, exposure, X_new, exposure_new, level: float = 0.95, n_sim: int = 1000,
    seed: int = 20200323, dispersion_mixture: bool = True, blocks=None, observed=None,
    overdispersion_alpha: float = 0.2,
) -> dict:  # fmt: skip
    """Fit every count series and predict new periods: expected counts and prediction intervals.

    One :func:`countmodels.fit_auto` call for all series (those with crimes in at least two
    periods; a log-linear trend through crimes in one period only runs off to infinity). A
    series counts as overdispersed when Pearson's test of the Poisson fit gives
    ``p < overdispersion_alpha``; the default 0.2 is lenient on purpose: with six degrees of
    freedom the test has little power, a missed overdispersion gives too narrow intervals, and
    treating a Poisson series as overdispersed costs little (``tests/test_covid_validation.py``).
    Intervals: :func:`countmodels.predict_interval` for the Poisson series, and
    :func:`predict_interval_nb_mixture` for the overdispersed ones (``dispersion_mixture``;
    with ``False`` the plug-in ``predict_interval`` for all). Simulation runs per block (e.g.
    crime type) to bound memory.

    Returns
    -------
    dict
        ``fit`` (CountFit), ``converged``, ``mixture`` (bool per series), ``expected``,
        ``lower``, ``upper`` (S, T_new), and with ``observed`` the simulated tail shares
        ``p_le`` = P(count <= observed), ``p_ge`` = P(count >= observed).
    """
    y = np.asarray(y, float)
    exposure = np.broadcast_to(np.asarray(exposure, float), y.shape)
    X_new = np.atleast_2d(np.asarray(X_new, float))
    S, E = y.shape[0], X_new.shape[0]
    exposure_new = np.broadcast_to(np.asarray(exposure_new, float), (S, E))
    estimable = ((y > 0) & np.isfinite(exposure)).sum(axis=1) >= 2
    fit = countmodels._subset(_empty_fit(S, X.shape[1]), np.ones(S, bool))
    if estimable.any():
        sub_fit = countmodels.fit_auto(y[estimable], X, exposure[estimable], overdispersion_alpha)
        for name in sub_fit.__dataclass_fields__:
            getattr(fit, name)[estimable] = getattr(sub_fit, name)
    conv = fit.converged & np.isfinite(fit.params).all(axis=1)
    # every series the Pearson test calls overdispersed gets the dispersion mixture, also when
    # the NB2 maximum likelihood estimate of alpha sits on the Poisson boundary
    with np.errstate(invalid="ignore"):
        use_mix = conv & (fit.dispersion_p < overdispersion_alpha) & dispersion_mixture
    # Expected = mean of the predictive distribution of the mean, exp(x'b + x'Cov x / 2): with
    # it, observed / expected is an unbiased estimate of (1 + effect) (the plug-in exp(x'b)
    # overstates the ratio by exp(x'Cov x / 2), 1-3 % for short, small series).
    with np.errstate(over="ignore", invalid="ignore"):
        beta0 = np.nan_to_num(fit.params)
        v = np.einsum("tp,spq,tq->st", X_new, np.nan_to_num(fit.cov), X_new)
        expected = np.where(conv[:, None], exposure_new * np.exp(beta0 @ X_new.T + v / 2), np.nan)
    lower, upper, p_le, p_ge = (np.full((S, E), np.nan) for _ in range(4))
    blocks = np.zeros(S, int) if blocks is None else np.asarray(blocks)
    for block in pd.unique(blocks):
        for mix in (False, True):
            mask = (blocks == block) & conv & (use_mix == mix)
            if not mask.any():
                continue
            if mix:
                pi = predict_interval_nb_mixture(y[mask], X, exposure[mask], X_new, exposure_new[mask],
                                                 level=level, n_sim=n_sim, seed=seed)  # fmt: skip
            else:
                pi = countmodels.predict_interval(countmodels._subset(fit, mask), X_new, exposure_new[mask],
                                                  level=level, n_sim=n_sim, seed=seed)  # fmt: skip
            lower[mask], upper[mask] = pi["lower"], pi["upper"]
            if mix:
                expected[mask] = pi["mean"]
            if observed is not None:
                o = np.asarray(observed, float)[mask][:, None, :]
                p_le[mask] = (pi["simulated"] <= o).mean(axis=1)
                p_ge[mask] = (pi["simulated"] >= o).mean(axis=1)
    return {"fit": fit, "converged": conv, "mixture": use_mix, "expected": expected, "lower": lower,
            "upper": upper, "p_le": p_le, "p_ge": p_ge}  # fmt: skip


def _empty_fit(S: int, p: int) -> countmodels.CountFit:
    return countmodels.CountFit(
        family=np.full(S, "", dtype=object), params=np.full((S, p), np.nan),
        cov=np.full((S, p, p), np.nan), alpha=np.full(S, np.nan), loglike=np.full(S, np.nan),
        pearson_chi2=np.full(S, np.nan), df_resid=np.full(S, np.nan),
        dispersion_p=np.full(S, np.nan), n_obs=np.zeros(S), converged=np.zeros(S, bool),
    )  # fmt: skip


def percentile_among(values) -> np.ndarray:
    """Percentile of each value among all finite values: the share that is lower, ties counted
    half (``scipy.stats.percentileofscore(kind="mean")``); NaN stays NaN.

    Examples
    --------
    >>> percentile_among([1.0, 2.0, 2.0, 4.0, np.nan]).tolist()
    [12.5, 50.0, 50.0, 87.5, nan]
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    out = np.full(v.shape, np.nan)
    if ok.any():
        ranks = stats.rankdata(v[ok], method="average")
        out[ok] = 100 * (ranks - 0.5) / ok.sum()
    return out


def municipal_fit_statsmodels(y, X, exposure, overdispersion_alpha: float = 0.05) -> list[dict]:
    """Fit each series with statsmodels, one call per series (the reference route).

    Poisson GLM with ``log(exposure)`` offset; where Pearson's chi-square test of the Poisson
    fit gives ``p < overdispersion_alpha``, statsmodels' NB2 ``NegativeBinomial`` instead. Used
    by the tests (the batched route must give the same estimates) and the benchmark.
    """
    import warnings

    import statsmodels.api as sm

    out = []
    y = np.atleast_2d(np.asarray(y, float))
    exposure = np.broadcast_to(np.asarray(exposure, float), y.shape)
    for yi, ei in zip(y, exposure, strict=True):
        ok = np.isfinite(yi) & np.isfinite(ei) & (ei > 0)
        if yi[ok].sum() <= 0:
            out.append({"family": "", "params": np.full(X.shape[1], np.nan), "alpha": np.nan})
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            glm = sm.GLM(yi[ok], X[ok], family=sm.families.Poisson(), offset=np.log(ei[ok])).fit(
                tol=1e-12
            )
            pval = stats.chi2.sf(glm.pearson_chi2, glm.df_resid)
            if pval < overdispersion_alpha:
                nb = sm.NegativeBinomial(yi[ok], X[ok], offset=np.log(ei[ok]), loglike_method="nb2")
                mu = glm.fittedvalues
                a0 = max(float(np.sum((yi[ok] - mu) ** 2 - yi[ok]) / np.sum(mu**2)), 0.01)
                res = nb.fit(start_params=np.r_[glm.params, a0], method="bfgs", maxiter=2000,
                             disp=0, gtol=1e-10)  # fmt: skip
                res = nb.fit(
                    start_params=res.params, method="newton", maxiter=100, disp=0, tol=1e-12
                )
                if np.all(np.isfinite(res.params)) and res.params[-1] > 1e-6:
                    out.append(
                        {"family": "negbin", "params": res.params[:-1], "alpha": res.params[-1]}
                    )
                    continue
            out.append({"family": "poisson", "params": glm.params, "alpha": 0.0})
    return out


# =========================================================================== validation


def simulate_national(
    beta, phi: float, sigma: float, n_series: int, pre_months: int = 98, horizon: int = 24,
    origin: str = "2012-01", seed: int = 1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Simulate log-rate series from the national model (trend, month effects, AR(1) noise).

    Returns ``(Y_pre, Y_future, X_all)``: the pre-period (S, pre_months), the counterfactual
    forecast months (S, horizon) and the design of all months. The AR(1) noise starts from its
    stationary distribution.
    """
    rng = np.random.default_rng(seed)
    months = pd.period_range(origin, periods=pre_months + horizon, freq="M")
    X = design_matrix(months, origin)
    T = len(months)
    e = rng.standard_normal((n_series, T)) * sigma
    u = np.empty_like(e)
    u[:, 0] = e[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, T):
        u[:, t] = phi * u[:, t - 1] + e[:, t]
    Y = X @ np.asarray(beta, float) + u
    return Y[:, :pre_months], Y[:, pre_months:], X


def validate_national(
    beta, phi, sigma, n_series: int = 1000, effect: float = -0.25, level: float = 0.95,
    level_strict: float = 0.99, min_run: int = 2, method: str = "reml", seed: int = 1,
) -> dict:  # fmt: skip
    """Run the national model on simulated series with a planted effect and score it.

    Returns coverage of the ``level`` interval for the true counterfactual (all months and per
    horizon), the mean estimated effect against the planted one, the rule's false-alarm rate
    on series without an effect, and the rule's nominal rates (independent months, and
    correlated months with the true parameters).
    """
    Y, F, X = simulate_national(beta, phi, sigma, n_series, seed=seed)
    T = Y.shape[1]
    pred = predictive_ar1(Y, X[:T], X[T:], method=method)
    lo, hi = pred.interval(level)
    med = pred.median()
    covered = (F >= lo) & (F <= hi)
    observed = F + np.log1p(effect)
    est = np.mean(observed - med, axis=1)  # mean log(observed / expected)
    lo2, hi2 = pred.interval(level_strict)
    outside_strict = (F < lo2) | (F > hi2)
    side = np.where(F < lo2, -1, np.where(F > hi2, 1, 0))
    fired = significant_runs(side, min_run).any(axis=1)
    side_eff = np.where(observed < lo2, -1, np.where(observed > hi2, 1, 0))
    power = significant_runs(side_eff, min_run).any(axis=1)
    # nominal rate: correlation of the forecast errors under the true parameters
    A, B2, Cl, D, _n, _f = _moments(Y[:1], X[:T])
    XX = (A - phi * B2 + phi**2 * Cl + (1 - phi**2) * D)[:, :-1, :-1]
    h = np.arange(1, X.shape[0] - T + 1)
    cov = _joint_cov(
        np.array([phi]), np.array([sigma**2]), sigma**2 * np.linalg.inv(XX), X[T - 1], X[T:], h
    )[0]
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    return {
        "n_series": n_series,
        "coverage": float(covered.mean()),
        "coverage_by_horizon_min": float(covered.mean(axis=0).min()),
        "coverage_by_horizon_max": float(covered.mean(axis=0).max()),
        "outside_strict_rate": float(outside_strict.mean()),
        "effect_planted_pct": 100 * effect,
        "effect_estimated_pct": float(100 * (np.exp(est.mean()) - 1)),
        "effect_bias_log": float(est.mean() - np.log1p(effect)),
        "effect_bias_se": float(est.std(ddof=1) / np.sqrt(n_series)),
        "false_alarm_rate": float(fired.mean()),
        "nominal_rate_independent": rule_rate_independent(F.shape[1], level_strict, min_run),
        "nominal_rate_correlated": rule_rate_gaussian(corr, level_strict, min_run),
        "power": float(power.mean()),
    }


def validate_municipal(
    intercept, slope, alpha, population, replicates: int = 1, pre_years: int = 8,
    eval_years: int = 2, effect: float = -0.25, level: float = 0.95, n_sim: int = 1000,
    seed: int = 2, overdispersion_alpha: float = 0.2,
) -> dict:  # fmt: skip
    """Run the municipal count model on simulated yearly counts with a planted effect.

    Each parameter set (``intercept``, ``slope``, ``alpha``, ``population``: scalars or arrays
    of equal length, e.g. taken from fits to real series) is simulated ``replicates`` times:
    NB2 counts (Poisson where ``alpha`` is 0) around ``population x exp(intercept + slope x
    (year - centre of the pre-period))``. The model sees the pre-period only. Coverage is
    reported for the intervals used in the reports (dispersion mixture for overdispersed
    series) and for the plain route (``fit_auto`` at its default test level with the plug-in
    ``countmodels.predict_interval``).
    """
    rng = np.random.default_rng(seed)
    a0, b0, al0, pop0 = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, float))
                                              for v in (intercept, slope, alpha, population)))  # fmt: skip
    a0, b0, al0, pop0 = (np.repeat(v, replicates) for v in (a0, b0, al0, pop0))
    S, T = len(a0), pre_years + eval_years
    t = np.arange(T) - (pre_years - 1) / 2
    mu = pop0[:, None] * np.exp(a0[:, None] + b0[:, None] * t[None, :])
    gam = np.where(al0[:, None] > 0, rng.gamma(1 / np.maximum(al0, 1e-12)[:, None],
                                               np.maximum(al0, 1e-12)[:, None], (S, T)), 1.0)  # fmt: skip
    lam = mu * gam
    y = rng.poisson(lam).astype(float)
    X = np.column_stack([np.ones(T), t])
    expo = np.broadcast_to(pop0[:, None], (S, T))
    pre, ev = slice(0, pre_years), slice(pre_years, T)
    res = predict_counts(y[:, pre], X[pre], expo[:, pre], X[ev], expo[:, ev], level=level, n_sim=n_sim,
                         seed=seed + 1, overdispersion_alpha=overdispersion_alpha)  # fmt: skip
    # the plain route: fit_auto with its default test level and plug-in predict_interval
    plain = predict_counts(y[:, pre], X[pre], expo[:, pre], X[ev], expo[:, ev], level=level, n_sim=n_sim,
                           seed=seed + 1, dispersion_mixture=False, overdispersion_alpha=0.05)  # fmt: skip
    cf = y[:, ev]  # the true counterfactual
    ok = res["converged"]
    covered = ((cf >= res["lower"]) & (cf <= res["upper"]))[ok]
    covered_plain = ((cf >= plain["lower"]) & (cf <= plain["upper"]))[ok]
    over = (al0 > 0)[ok]
    # the planted effect changes the expected count of the evaluated years
    observed = rng.poisson(lam[:, ev] * (1 + effect)).astype(float)
    ratio = (observed / res["expected"])[ok]
    return {
        "n_series": int(ok.sum()),
        "mean_count_pre": float(y[ok][:, pre].mean()),
        "coverage": float(covered.mean()),
        "coverage_overdispersed": float(covered[over].mean()) if over.any() else float("nan"),
        "coverage_poisson": float(covered[~over].mean()) if (~over).any() else float("nan"),
        "coverage_plugin": float(covered_plain.mean()),
        "coverage_plugin_overdispersed": float(covered_plain[over].mean())
        if over.any()
        else float("nan"),
        "effect_planted_pct": 100 * effect,
        "effect_estimated_pct": float(100 * (ratio.mean() - 1)),
        "effect_bias_pct": float(100 * (ratio.mean() - (1 + effect))),
        "effect_bias_se_pct": float(100 * ratio.std(ddof=1) / np.sqrt(ratio.size)),
        "false_alarm_rate": float(1 - covered.mean()),
        "nominal_rate": 1 - level,
        "share_negbin": float(np.mean(res["fit"].family[ok] == "negbin")),
    }


# =========================================================================== tables and text


def _fmt_pct(v: float, decimals: int = 0) -> str:
    from ivp_analysis.present.numbers import format_pct_nl

    return format_pct_nl(v, decimals)


def _fmt(v: float, decimals: int = 0) -> str:
    from ivp_analysis.present.numbers import format_nl

    return format_nl(v, decimals)


def phases_table_nl(phases: pd.DataFrame) -> pd.DataFrame:
    """The phase table with Dutch headers and dates as dd-mm-jjjj, for reports."""
    return pd.DataFrame({
        "fase": phases["label"],
        "soort": phases["kind"],
        "van": phases["start"].dt.strftime("%d-%m-%Y"),
        "tot en met": phases["end"].dt.strftime("%d-%m-%Y"),
        "dagen": (phases["end"] - phases["start"]).dt.days + 1,
        "maatregelen": phases["description"],
    })  # fmt: skip


def month_phase_table_nl(months, phases: pd.DataFrame) -> pd.DataFrame:
    """Each month with its phase and the days it shares with each phase, for reports."""
    months = pd.PeriodIndex(months, freq="M")
    days = phase_days(months, phases)
    chosen = month_phase(months, phases)
    labels = dict(zip(phases["phase_id"], phases["label"], strict=True))
    detail = [
        ", ".join(f"{labels[c]} {int(v)}" for c, v in row.items() if v)
        for _, row in days.iterrows()
    ]
    return pd.DataFrame({
        "maand": [nl_month_label(m) for m in months],
        "fase (meeste dagen)": [labels.get(c, "geen") for c in chosen],
        "dagen per fase": detail,
        "dagen zonder fase": months.days_in_month - days.sum(axis=1).to_numpy(),
    })  # fmt: skip


def excluded_table_nl(excluded: pd.DataFrame) -> pd.DataFrame:
    """Codes that are not modelled, with the reason, for reports."""
    return pd.DataFrame({
        "code": excluded["code"], "soort": excluded["label"],
        "gemiddeld per maand": excluded["mean_per_month"].round(1),
        "maanden met 0": excluded["zero_months"], "reden": excluded["reason"],
    })  # fmt: skip


def breaks_table_nl(breaks: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Series breaks of the modelled codes with their handling, for reports."""
    b = breaks[breaks["code"].isin(codes)]
    handling = {"start": "model begint later", "flag": "gemeld, niet gecorrigeerd"}
    return pd.DataFrame({
        "code": b["code"], "soort": b["label"], "maand": b["month"],
        "factor (12 mnd na / voor)": b["ratio"].round(2), "bron": b["source"],
        "aanpak": b["handling"].map(handling), "model vanaf": b["first_model_month"],
        "toelichting": b["description"],
    })  # fmt: skip


def backtest_table_nl(bt: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Back-test scores per code with Dutch headers."""
    return pd.DataFrame({
        "code": bt["code"], "soort": bt["code"].map(labels),
        "MASE model": bt["mase"].round(2), "MASE naïef": bt["mase_naive"].round(2),
        "beter dan naïef": bt["beats_naive"].map({True: "ja", False: "nee"}).fillna("–"),
        "95%-interval raak (%)": (100 * bt["coverage"]).round(0),
        "regel sloeg aan": bt["rule_fired"].map({True: "ja", False: "nee"}).fillna("–"),
        "maanden in fit": bt["fit_months"],
    })  # fmt: skip


def backtest_text(bt: pd.DataFrame, labels: pd.Series, level: float = 0.95) -> str:
    """Dutch summary of the back-test, generated from its table."""
    d = bt.dropna(subset=["mase"])
    worse = d[~d["beats_naive"].astype(bool)]
    fired = d[d["rule_fired"].astype(bool)]
    lines = [
        f"In de back-test (model geschat tot en met 2017, voorspeld voor 2018-2019) was het model bij "
        f"{len(d) - len(worse)} van de {len(d)} soorten nauwkeuriger dan de seizoensnaïeve voorspelling "
        f"(mediaan MASE {_fmt(d['mase'].median(), 2)} tegen {_fmt(d['mase_naive'].median(), 2)}).",
        f"Het {100 * level:g}%-interval bevatte de geregistreerde waarde in {_fmt(100 * d['coverage'].mean(), 0)} % "
        f"van alle maanden (mediaan per soort {_fmt(100 * d['coverage'].median(), 0)} %): minder dan "
        f"{100 * level:g} %, omdat een aantal soorten in 2018-2019 van trend veranderde.",
    ]
    if len(worse):
        lines.append("Het model is **niet** beter dan de naïeve voorspelling bij: " + "; ".join(
            f"{c} {labels.get(c, '')}" for c in worse["code"]) + ". Voor deze soorten is de verwachting "
            "minder betrouwbaar.")  # fmt: skip
    if len(fired):
        lines.append(
            f"De beslisregel sloeg in de back-test aan bij {len(fired)} soorten, terwijl er toen geen "
            "pandemie was: "
            + "; ".join(f"{c} {labels.get(c, '')}" for c in fired["code"])
            + ". Een "
            "signaal bij deze soorten in 2020-2022 is daarom geen sterk bewijs van een COVID-effect."
        )
    return "\n\n".join(lines)


def month_table_nl(
    national: pd.DataFrame, month: str, codes: list[str], settings: NationalSettings
) -> pd.DataFrame:
    """One month of the national table for some codes, with Dutch headers."""
    s = settings
    d = national[(national["month"] == month) & national["code"].isin(codes)]
    return pd.DataFrame({
        "code": d["code"], "soort": d["label"], "geregistreerd": d["observed"],
        "verwacht": d["expected"].round(0),
        f"{100 * s.level_strict:g}%-interval": [f"{_fmt(a)} – {_fmt(b)}" for a, b in
                                                zip(d[s.col("lower", True)], d[s.col("upper", True)], strict=True)],
        "verschil (%)": d["pct_difference"].round(1),
        "significant (regel)": d["significant"].map({True: "ja", False: "nee"}),
    })  # fmt: skip


def summary_table_nl(summary: pd.DataFrame, code: str, settings: NationalSettings) -> pd.DataFrame:
    """Phases, years and the whole window of one code, with Dutch headers."""
    s = settings
    d = summary[summary["code"] == code]
    return pd.DataFrame({
        "periode": d["phase_label"], "maanden": d["months"],
        "geregistreerd": d["observed"], "verwacht": d["expected"].round(0),
        "verschil (%)": d["pct_difference"].round(1),
        f"{100 * s.level:g}%-interval som": [f"{_fmt(a)} – {_fmt(b)}" for a, b in
                                            zip(d[s.col("lower")], d[s.col("upper")], strict=True)],
        "mnd sign. lager": d["months_significant_below"],
        "mnd sign. hoger": d["months_significant_above"],
    })  # fmt: skip


def totals_table_nl(summary: pd.DataFrame, settings: NationalSettings) -> pd.DataFrame:
    """The whole window for every code, with Dutch headers."""
    s = settings
    d = summary[summary["period_type"] == "totaal"]
    return pd.DataFrame({
        "code": d["code"], "soort": d["label"], "geregistreerd": d["observed"],
        "verwacht": d["expected"].round(0), "verschil (%)": d["pct_difference"].round(1),
        f"som buiten {100 * s.level:g}%-interval": d["sum_outside"].replace("", "nee"),
        "mnd sign. lager": d["months_significant_below"],
        "mnd sign. hoger": d["months_significant_above"],
        "back-test: beter dan naïef": d["beats_naive"].map({True: "ja", False: "nee"}).fillna("–"),
        "opmerking": d["note"],
    })  # fmt: skip


def sensitivity_table_nl(overview: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Whole-window % difference per code (rows) and variant (columns), with the verdict sign."""
    mark = {VERDICT_BELOW: " (lager)", VERDICT_ABOVE: " (hoger)", VERDICT_MIXED: " (wisselend)",
            VERDICT_WITHIN: "", VERDICT_NA: ""}  # fmt: skip
    o = overview.assign(
        cell=[
            f"{_fmt_pct(v)}{mark.get(k, '')}"
            for v, k in zip(
                overview["pct_difference_total"], overview["verdict_total"], strict=True
            )
        ]
    )
    wide = o.pivot(index="code", columns="variant", values="cell")
    wide = wide.reindex(
        index=list(dict.fromkeys(overview["code"])),
        columns=list(dict.fromkeys(overview["variant"])),
    )
    wide.insert(0, "soort", [labels.get(c, "") for c in wide.index])
    return wide.reset_index()


def sensitivity_text(overview: pd.DataFrame, changes: pd.DataFrame, labels: pd.Series) -> str:
    """Dutch text on which conclusions change under the sensitivity variants."""
    base = overview[overview["variant"] == "basis"].set_index("code")
    lines = []
    for v, g in overview[overview["variant"] != "basis"].groupby("variant", sort=False):
        g = g.set_index("code")
        flips = [c for c in g.index if g.loc[c, "verdict_total"] != base.loc[c, "verdict_total"]]
        n_changes = int((changes["variant"] == v).sum())
        text = (f"- **{v}**: {n_changes} van de periodeoordelen (fase, jaar of hele periode) veranderen; "
                f"over de hele periode verandert het oordeel bij ")  # fmt: skip
        if flips:
            text += "; ".join(f"{c} {labels.get(c, '')} ({base.loc[c, 'verdict_total']} → "
                              f"{g.loc[c, 'verdict_total']})" for c in flips) + "."  # fmt: skip
        else:
            text += "geen enkele soort."
        lines.append(text)
    return "\n".join(lines)


def municipal_table_nl(results: pd.DataFrame, region: str) -> pd.DataFrame:
    """The municipality's rows of the municipal table, with Dutch headers."""
    d = results[results["region"] == region]
    lo = [c for c in d.columns if c.startswith("lower_")][0]
    hi = [c for c in d.columns if c.startswith("upper_")][0]
    return pd.DataFrame({
        "code": d["code"], "soort": d["label"], "jaar": d["year"], "geregistreerd": d["observed"],
        "verwacht": d["expected"].round(1),
        "95%-interval": [f"{_fmt(a)} – {_fmt(b)}" for a, b in zip(d[lo], d[hi], strict=True)],
        "geregistreerd / verwacht": d["ratio"].round(2), "oordeel": d["verdict"],
        "percentiel onder gemeenten": d["percentile"].round(0),
    })  # fmt: skip


def municipal_series(crime: pd.DataFrame, region: str, first: int, last: int) -> pd.DataFrame:
    """One municipality's yearly counts per crime type: code, label, year, value."""
    d = crime[(crime["region"] == region)]
    d = d.assign(year=d["period"].dt.year)
    d = d[(d["year"] >= first) & (d["year"] <= last)]
    d = d[["code", "label", "year", "value"]]
    return d.sort_values(
        ["code", "year"], key=lambda c: c.map(code_sort_key) if c.name == "code" else c
    )


#: Code of the nuisance total in 47021NED (the sum of the eight registration types).
NUISANCE_TOTAL = "overlast.totaal"


def national_nuisance(nuisance: pd.DataFrame) -> pd.DataFrame:
    """National yearly nuisance registrations per type: code, label, year, value (with the total)."""
    d = nuisance.assign(year=nuisance["period"].dt.year)
    return (
        d[["code", "label", "year", "value"]].sort_values(["code", "year"]).reset_index(drop=True)
    )


def nuisance_text(
    nuisance: pd.DataFrame, before: int = 2019, during: tuple[int, int] = (2020, 2021)
) -> str:
    """Dutch sentences on the nuisance registrations before and during COVID-19.

    Examples
    --------
    >>> d = pd.DataFrame({"code": ["A", "A", "A", NUISANCE_TOTAL, NUISANCE_TOTAL, NUISANCE_TOTAL],
    ...     "label": ["Jeugd"] * 3 + ["Totaal"] * 3, "year": [2019, 2020, 2021] * 2,
    ...     "value": [100.0, 200.0, 150.0, 100.0, 200.0, 150.0]})
    >>> print(nuisance_text(d))
    Alle overlastregistraties samen: 100 in 2019 en gemiddeld 175 per jaar in 2020-2021 (+75 %). De grootste stijging: Jeugd (A), +75 % ten opzichte van 2019.
    """
    w = nuisance.pivot(index="code", columns="year", values="value")
    lab = nuisance.drop_duplicates("code").set_index("code")["label"]
    total_b = w.loc[NUISANCE_TOTAL, before]
    total_d = w.loc[NUISANCE_TOTAL, list(during)].mean()
    types = w.drop(index=NUISANCE_TOTAL)
    change = 100 * (types[list(during)].mean(axis=1) / types[before] - 1)
    top = change.idxmax()
    return (
        f"Alle overlastregistraties samen: {_fmt(total_b)} in {before} en gemiddeld {_fmt(total_d)} per "
        f"jaar in {during[0]}-{during[1]} ({_fmt_pct(100 * (total_d / total_b - 1))}). De grootste "
        f"stijging: {lab[top]} ({top}), {_fmt_pct(change[top])} ten opzichte van {before}."
    )


def month_text(national: pd.DataFrame, month: str, labels: pd.Series) -> str:
    """Dutch summary of one month: how many types lay below or above expected, which significantly."""
    d = national[national["month"] == month]
    below, above = d[d["pct_difference"] < 0], d[d["pct_difference"] > 0]
    sig_b = below[below["significant"]]
    sig_a = above[above["significant"]]

    def names(x):
        return "; ".join(
            f"{c} {labels.get(c, '')} ({_fmt_pct(v)})"
            for c, v in zip(x["code"], x["pct_difference"], strict=True)
        )

    text = (f"In {nl_month_label(month)} lag het aantal bij {len(below)} van de {len(d)} soorten onder de "
            f"verwachting en bij {len(above)} erboven.")  # fmt: skip
    if len(sig_b):
        text += f" Significant lager volgens de regel: {names(sig_b)}."
    if len(sig_a):
        text += f" Significant hoger: {names(sig_a)}."
    return text


def national_conclusions(
    national: pd.DataFrame, summary: pd.DataFrame, settings: NationalSettings, focus: list[str],
    months: tuple[str, ...] = ("2020-04",), year: int = 2020,
) -> str:  # fmt: skip
    """Dutch conclusions from the national results; only the decision rule makes a month significant."""
    s = settings
    tot = summary[summary["period_type"] == "totaal"].set_index("code")
    yr = summary[summary["phase"] == str(year)].set_index("code")
    low = tot.index[tot["months_significant_below"] > 0].tolist()
    high = tot.index[tot["months_significant_above"] > 0].tolist()
    lines = [
        f"Van de {len(tot)} landelijke reeksen lag het aantal tussen {nl_month_label(s.intervention)} en "
        f"{nl_month_label(s.forecast_end)} bij {len(low)} soorten in ten minste {s.min_run} opeenvolgende "
        f"maanden onder het {100 * s.level_strict:g}%-interval, en bij {len(high)} soorten erboven; bij "
        f"{len(tot) - len(set(low) | set(high))} soorten bleef het binnen de normale schommeling.",
        "",
    ]
    for code in focus:
        if code not in tot.index:
            continue
        t = tot.loc[code]
        bits = []
        for m in months:
            r = national[(national["code"] == code) & (national["month"] == m)]
            if len(r):
                r = r.iloc[0]
                sig = (
                    "significant volgens de regel"
                    if r["significant"]
                    else "niet significant volgens de regel"
                )
                bits.append(f"in {nl_month_label(m)} {_fmt(r['observed'])} geregistreerd tegen "
                            f"{_fmt(r['expected'])} verwacht ({_fmt_pct(r['pct_difference'])}, {sig})")  # fmt: skip
        if code in yr.index:
            r = yr.loc[code]
            where = {"lager": "onder", "hoger": "boven", "": "binnen"}[r["sum_outside"]]
            bits.append(f"over {r['phase_label']} {_fmt_pct(r['pct_difference'])} ({_fmt(r['observed'])} tegen "
                        f"{_fmt(r['expected'])}; de som ligt {where} het {100 * s.level:g}%-interval "
                        f"{_fmt(r[s.col('lower')])} – {_fmt(r[s.col('upper')])})")  # fmt: skip
        caveat = []
        if pd.notna(t["beats_naive"]) and not bool(t["beats_naive"]):
            caveat.append("in de back-test was het model niet beter dan de naïeve voorspelling")
        if pd.notna(t["backtest_rule_fired"]) and bool(t["backtest_rule_fired"]):
            caveat.append("de regel sloeg in de back-test ook zonder pandemie aan")
        text = f"- **{t['label']} ({code})**: " + "; ".join(bits) + "."
        if caveat:
            text += " Let op: " + " en ".join(caveat) + "."
        if t["note"]:
            text += f" ({t['note']}.)"
        lines.append(text)
    return "\n".join(lines)


def municipal_conclusions(
    results: pd.DataFrame, region: str, name: str, level: float = 0.95
) -> str:
    """Dutch conclusions for one municipality from the municipal table."""
    d = results[results["region"] == region]
    out = d[d["verdict"].isin([VERDICT_BELOW, VERDICT_ABOVE])]
    years = " en ".join(str(y) for y in sorted(d["year"].unique()))
    tested = int((d["verdict"] != VERDICT_NA).sum())
    lines = [f"{name} heeft {len(d)} combinaties van soort en jaar ({years}); bij {len(out)} daarvan lag het "
             f"aantal buiten het {100 * level:g}%-voorspelinterval van het trendmodel. Bij {tested} toetsen valt "
             f"door toeval al ongeveer {_fmt(tested * (1 - level), 1)} combinatie buiten het interval; één "
             "afwijking op zich is dus geen sterk bewijs.", ""]  # fmt: skip
    for r in out.itertuples():
        lines.append(f"- {r.label} ({r.code}) in {r.year}: {_fmt(r.observed)} geregistreerd tegen "
                     f"{_fmt(r.expected, 1)} verwacht ({r.verdict}; verhouding {_fmt(r.ratio, 2)}, "
                     f"percentiel {_fmt(r.percentile)} onder alle gemeenten).")  # fmt: skip
    typical = d[d["verdict"] == VERDICT_WITHIN]
    if len(typical):
        lines.append("")
        lines.append(f"De overige {len(typical)} combinaties liggen binnen de normale schommeling; met tientallen "
                     "misdrijven per jaar zijn de intervallen breed, dus ook een daling of stijging van 20 à 30 % "
                     "kan toeval zijn.")  # fmt: skip
    return "\n".join(lines)
