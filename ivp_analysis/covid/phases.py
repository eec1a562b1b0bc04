"""The phases of the Dutch COVID-19 measures and the declared breaks of the national series.

Both are small tables written by hand and kept as data (``data/covid_phases.csv``,
``data/covid_series_breaks.csv``, explained in ``data/covid_phases.README.md``), so that an
auditor can read them; :func:`check_phases` refuses a phase table with a phase that ends before
it starts, a gap or an overlap. :func:`month_phase` gives each month the phase that covers most
of its days; :func:`first_lockdown_month` and :func:`measure_years` derive the periods the
reports single out from the table instead of hard-coding them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ivp_analysis import paths

PHASES_FILE = "covid_phases.csv"
BREAKS_FILE = "covid_series_breaks.csv"
# the data files the cached national and municipal models read when no phase or break table is
# passed: part of their disk-cache key
MODEL_FILES = (paths.DATA_DIR / PHASES_FILE, paths.DATA_DIR / BREAKS_FILE)
PHASE_COLUMNS = ["phase_id", "label", "start", "end", "kind", "description", "source"]
PHASE_KINDS = ("lockdown", "maatregelen", "versoepeling")


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
            out.append(
                f"gap of {gap} days between {prev.phase_id} (ends {prev.end.date()}) "
                f"and {cur.phase_id} (starts {cur.start.date()})"
            )
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


def first_lockdown_month(months, phases: pd.DataFrame) -> str:
    """Return the first of ``months`` whose phase (most days) is a lockdown, or ``""``.

    Examples
    --------
    >>> p = load_phases()
    >>> first_lockdown_month(pd.period_range("2020-03", "2020-12", freq="M"), p)
    '2020-04'
    >>> first_lockdown_month(pd.period_range("2020-06", "2020-09", freq="M"), p)
    ''
    """
    months = pd.PeriodIndex(months, freq="M")
    kind = dict(zip(phases["phase_id"], phases["kind"], strict=True))
    for month, phase in month_phase(months, phases).items():
        if kind.get(phase) == "lockdown":
            return str(month)
    return ""


def measure_years(phases: pd.DataFrame, min_share: float = 0.5) -> tuple[int, ...]:
    """Return the calendar years with at least ``min_share`` of their days in a phase.

    These are the years a yearly analysis evaluates: with the shipped table 2020 (295 of 366
    days from 12 March) and 2021, not 2022 (55 days).

    Examples
    --------
    >>> measure_years(load_phases())
    (2020, 2021)
    """
    first, last = phases["start"].min().year, phases["end"].max().year
    years = []
    for year in range(first, last + 1):
        start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        lo = phases["start"].clip(lower=start)
        hi = phases["end"].clip(upper=end)
        days = ((hi - lo).dt.days + 1).clip(lower=0).sum()
        if days >= min_share * ((end - start).days + 1):
            years.append(year)
    return tuple(years)
