"""Reconciliation: every figure the plan prints, set against the official series for the same
code and year (``reconciliation.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ivp_analysis import refs
from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.trends.inputs import TOTAL, Inputs, yearly
from ivp_analysis.vocab import (
    MATCH_NO,
    MATCH_NO_SERIES,
    MATCH_NOT_IN_PLAN,
    MATCH_ROUNDING,
    MATCH_YES,
    NO_FIGURE_FOR_YEAR_NL,
    NOTE_CBS_NL,
    NOTE_SWAPPED_NL,
    SOURCE_CBS_ROUNDED,
    SOURCE_POLICE,
)

#: Columns of ``reconciliation.csv``.
RECONCILIATION_COLUMNS = [
    "region",
    "code",
    "label",
    "year",
    "plan_value",
    "official_value",
    "official_source",
    "difference",
    "difference_pct",
    "match",
    "note",
    *SOURCE_COLUMNS,
]

#: Plan codes with a shipped official municipal series: code -> (source, rounding base).
PLAN_OFFICIAL_SOURCES: dict[str, tuple[str, int]] = {
    TOTAL: (SOURCE_CBS_ROUNDED, 5),
    "1.1.1": (SOURCE_POLICE, 1),
    "1.2.1": (SOURCE_POLICE, 1),
    "1.2.2": (SOURCE_POLICE, 1),
}


def official_for_plan(inputs: Inputs) -> pd.DataFrame:
    """Return the official series that the plan's codes can be checked against.

    Returns
    -------
    DataFrame
        ``region, code, year, value, source, rounding`` for 47018NED (1.1.1, 1.2.1, 1.2.2) and
        CBS 83648NED (0.0.0, rounded to 5).
    """
    parts = []
    for code, (source, rounding) in PLAN_OFFICIAL_SOURCES.items():
        frame = inputs.cbs_totals if rounding == 5 else inputs.crime
        f = frame[frame["code"] == code]
        parts.append(
            f[["region", "code", "year", "value", "file", "key"]].assign(
                source=source, rounding=rounding
            )
        )
    return pd.concat(parts, ignore_index=True)


def _match(r, sources: Mapping[str, tuple[str, int]]) -> tuple[str, str]:
    """Return the match value and the official source of one merged row (rules: :func:`reconcile`)."""
    src = r.official_source if isinstance(r.official_source, str) else ""
    if r.code not in sources:
        src = MATCH_NO_SERIES
    elif not src:
        src = NO_FIGURE_FOR_YEAR_NL.format(source=sources[r.code][0], year=r.year)
    if pd.isna(r.plan_value):
        return MATCH_NOT_IN_PLAN, src
    if pd.isna(r.official_value):
        return MATCH_NO_SERIES, src
    if r.difference == 0:
        return MATCH_YES, src
    if r.rounding > 1 and abs(r.difference) < r.rounding:
        return MATCH_ROUNDING, src
    return MATCH_NO, src


def reconcile(
    plan: pd.DataFrame,
    official: pd.DataFrame,
    sources: Mapping[str, tuple[str, int]] = PLAN_OFFICIAL_SOURCES,
) -> pd.DataFrame:
    """Set every figure printed in the plan against the official series for the same code and year.

    Matching rules, in this order:

    - the plan printed a footnote, not a figure: ``geen cijfer in het plan``;
    - no official municipal series for the code is shipped, or none for that year:
      ``geen officiële reeks meegeleverd`` (``official_source`` says which);
    - equal: ``ja``;
    - the official series is rounded to ``r`` (CBS: 5) and the difference is below ``r``:
      ``afronding``;
    - otherwise ``nee``.

    ``difference`` is plan minus official. Two adjacent years whose values are each other's
    official values get the note that the plan seems to have swapped them. ``source_file`` and
    ``source_key`` name the plan's cell and the official one (where the frames carry ``file``
    and ``key``).

    Examples
    --------
    >>> plan = pd.DataFrame({"region": "GM1", "code": ["a", "a", "t", "x"], "label": "l",
    ...                      "year": [2017, 2018, 2017, 2017], "value": [98.0, 97.0, 1673.0, 5.0]})
    >>> off = pd.DataFrame({"region": "GM1", "code": ["a", "a", "t"], "year": [2017, 2018, 2017],
    ...                     "value": [97.0, 98.0, 1675.0], "source": ["P", "P", "C"],
    ...                     "rounding": [1, 1, 5]})
    >>> r = reconcile(plan, off, {"a": ("P", 1), "t": ("C", 5)})
    >>> r["match"].tolist()
    ['nee', 'nee', 'afronding', 'geen officiële reeks meegeleverd']
    """
    p = _cells(yearly(plan), "_p")
    p = p[["region", "code", "label", "year", "value", "_pf", "_pk"]].rename(
        columns={"value": "plan_value"}
    )
    off = _cells(official, "_o")[
        ["region", "code", "year", "value", "source", "rounding", "_of", "_ok"]
    ].rename(columns={"value": "official_value", "source": "official_source"})
    m = p.merge(off, on=["region", "code", "year"], how="left", validate="many_to_one")
    cells = [
        refs.refer([a, b], [c, d]) for a, b, c, d in zip(m._pf, m._of, m._pk, m._ok, strict=True)
    ]
    m["source_file"] = [f for f, _ in cells]
    m["source_key"] = [k for _, k in cells]
    m["difference"] = m["plan_value"] - m["official_value"]
    with np.errstate(invalid="ignore", divide="ignore"):
        m["difference_pct"] = (100 * m["difference"] / m["official_value"]).round(2)
    matched = [_match(r, sources) for r in m.itertuples(index=False)]
    m["match"] = [match for match, _ in matched]
    m["official_source"] = [source for _, source in matched]
    m["note"] = ""
    m = m.sort_values(["region", "code", "year"]).reset_index(drop=True)
    _mark_swaps(m)
    for i, r in m.iterrows():
        if r["rounding"] == 5 and r["match"] in (MATCH_NO, MATCH_ROUNDING, MATCH_YES):
            m.at[i, "note"] = "; ".join(x for x in (m.at[i, "note"], NOTE_CBS_NL) if x)
    return m[RECONCILIATION_COLUMNS]


def _cells(df: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Return ``df`` with its ``file`` and ``key`` as ``<prefix>f`` and ``<prefix>k`` (None if absent)."""
    return df.assign(
        **{
            f"{prefix}f": df["file"] if "file" in df else None,
            f"{prefix}k": df["key"] if "key" in df else None,
        }
    )


def _mark_swaps(m: pd.DataFrame) -> None:
    """Note two adjacent years whose plan values are each other's official values."""
    for i in range(len(m) - 1):
        a, b = m.iloc[i], m.iloc[i + 1]
        adjacent = (
            a["code"] == b["code"] and a["region"] == b["region"] and b["year"] == a["year"] + 1
        )
        swapped = (
            a["match"] == MATCH_NO
            and b["match"] == MATCH_NO
            and a["plan_value"] == b["official_value"]
            and b["plan_value"] == a["official_value"]
        )
        if adjacent and swapped:
            text = NOTE_SWAPPED_NL.format(first=a["year"], second=b["year"])
            m.iloc[i, m.columns.get_loc("note")] = text
            m.iloc[i + 1, m.columns.get_loc("note")] = text


def plan_reconciliation(inputs: Inputs, municipality: str) -> pd.DataFrame:
    """Reconcile the plan's figures of ``municipality`` (none shipped: an empty table)."""
    plan = inputs.plan[inputs.plan["region"] == municipality]
    return reconcile(plan, official_for_plan(inputs))


def total_gap(recon: pd.DataFrame) -> tuple[float, float] | None:
    """Return how far the official totals lie above the plan's, in % of the plan: lowest, highest.

    Only the total (0.0.0) years with both figures count; ``None`` when there is none.

    Examples
    --------
    >>> r = pd.DataFrame({"code": "0.0.0", "plan_value": [1674.0, 1432.0, np.nan],
    ...                   "official_value": [1695.0, 1455.0, 1600.0]})
    >>> [round(x, 2) for x in total_gap(r)]
    [1.25, 1.61]
    """
    t = recon[(recon["code"] == TOTAL) & recon["plan_value"].notna()]
    t = t[t["official_value"].notna()]
    if t.empty:
        return None
    gap = 100 * (t["official_value"] - t["plan_value"]) / t["plan_value"]
    return float(gap.min()), float(gap.max())
