"""The verdict of each evaluation indicator for readers: the cells of the scorecard that say how
sure a status is, and the sentences on the family of tests and on evaluability.

A status alone ("verbeterd") hides four questions a statistician asks: how large is the change and
its interval (:func:`change_text`; counts from fewer than ten cases are written as counts, never as
a percentage), how many tests were run beside it (:func:`p_q_text`, :func:`family_text`), is the
change more than the trend that was already there (:func:`trend_text`), and could the data show a
change of the size the plan hopes for at all (:func:`detectable_text`, :func:`evaluability_text`).
The scorecard and the conclusions in :mod:`ivp_analysis.present.indicators` use these.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ivp_analysis.indicators.evaluate import Evaluation
from ivp_analysis.present.indicator_reasons import points_text, value_text
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.present.trends.formats import MIN_BASE_FOR_PERCENT
from ivp_analysis.stats.multiplicity import family_summary
from ivp_analysis.vocab import (
    PRIORITIES,
    PROVISIONAL_NL,
    STATUS_IMPROVED,
    STATUS_NL,
    STATUS_WORSENED,
    TREND_NL,
)

# --------------------------------------------------------------------------- cells


def change_text(row: Mapping, kind: str) -> str:
    """Return the change with its interval in Dutch, e.g. ``-52 % (-66 % tot -30 %)``.

    Counts from a baseline below :data:`MIN_BASE_FOR_PERCENT` (or of 0) are written as counts.

    Examples
    --------
    >>> change_text({"change": -51.9, "ci_low": -66.5, "ci_high": -29.6, "baseline_value": 76,
    ...              "eval_value": 37}, "count")
    '-52 % (-66 % tot -30 %)'
    >>> change_text({"change": float("nan"), "ci_low": -81.5, "ci_high": float("nan"),
    ...              "baseline_value": 0, "eval_value": 2}, "count")
    'van 0 naar 2 (geen percentage)'
    >>> change_text({"change": 0.3, "ci_low": float("nan"), "ci_high": float("nan")}, "score")
    '+0,3 punt (marge onbekend)'
    """
    ch = row["change"]
    if kind == "count" and np.isfinite(row.get("eval_value", np.nan)):
        base = row.get("baseline_value", np.nan)
        if not base >= MIN_BASE_FOR_PERCENT or not np.isfinite(ch):
            return (
                f"van {value_text(kind, base)} naar {value_text(kind, row['eval_value'])} "
                "(geen percentage)"
            )
    if ch is None or not np.isfinite(ch):
        return "–"
    if kind == "count":
        if not np.isfinite(row["ci_low"]):
            return format_pct_nl(ch, 0)
        high = format_pct_nl(row["ci_high"], 0) if np.isfinite(row["ci_high"]) else "…"
        return f"{format_pct_nl(ch, 0)} ({format_pct_nl(row['ci_low'], 0)} tot {high})"
    if not np.isfinite(row["ci_low"]):
        return f"{points_text(ch)} (marge onbekend)"
    return f"{points_text(ch)} ({format_nl(row['ci_low'], 2)} tot {format_nl(row['ci_high'], 2)})"


def status_text(status: str, data_status: str) -> str:
    """Return the status in Dutch, marked when it rests on a provisional figure.

    Examples
    --------
    >>> status_text("improved", "provisional"), status_text("improved", "final")
    ('verbeterd (voorlopig)', 'verbeterd')
    """
    word = STATUS_NL[status]
    return f"{word} ({PROVISIONAL_NL})" if data_status == "provisional" else word


def p_q_text(p: float, q: float) -> str:
    """Return ``p / q`` of one indicator, e.g. ``0,027 / 0,27``.

    Examples
    --------
    >>> p_q_text(0.0274, 0.2745), p_q_text(float("nan"), float("nan"))
    ('0,027 / 0,27', '–')
    """
    if not np.isfinite(p):
        return "–"
    p_txt = "< 0,001" if p < 0.001 else format_nl(p, 3)
    q_txt = "< 0,001" if q < 0.001 else format_nl(q, 2)
    return f"{p_txt} / {q_txt}"


def trend_text(row: Mapping) -> str:
    """Return the trend context of one indicator: expected, interval and where the figure lies.

    Examples
    --------
    >>> trend_text({"trend_expected": 53.3, "trend_pi_low": 28.2, "trend_pi_high": 83.2,
    ...             "trend_verdict": "within trend"})
    '53 (28–83), binnen de trend'
    """
    e = row.get("trend_expected", np.nan)
    if e is None or not np.isfinite(e):
        return "–"
    text = f"{format_nl(e)} ({format_nl(row['trend_pi_low'])}–{format_nl(row['trend_pi_high'])})"
    verdict = row.get("trend_verdict")
    return f"{text}, {TREND_NL[verdict]}" if isinstance(verdict, str) else text


def detectable_text(row: Mapping, kind: str) -> str:
    """Return the smallest detectable change of a count indicator (the scorecard column).

    Examples
    --------
    >>> detectable_text({"min_detectable_change": -58.7, "baseline_value": 76.0}, "count")
    '-59 %'
    >>> detectable_text({"min_detectable_change": float("nan"), "baseline_value": 16.0}, "count")
    'niet aantoonbaar'
    """
    if kind != "count" or not np.isfinite(row.get("baseline_value", np.nan)):
        return "–"
    if not row["baseline_value"] >= MIN_BASE_FOR_PERCENT:
        return "te weinig gevallen"
    mdc = row["min_detectable_change"]
    return format_pct_nl(mdc, 0) if np.isfinite(mdc) else "niet aantoonbaar"


# --------------------------------------------------------------------------- the family, evaluability


def family_text(ev: Evaluation) -> str:
    """Say how many indicators were tested, how many false flags the family could hold, and how
    many statuses survive the correction for multiple testing.

    The statuses rest on p: each indicator answers a question the plan set in advance. The
    q-value beside it says which would survive the correction.
    """
    t = ev.table
    s = family_summary(t["p_value"], t["q_value"])
    if not s.size:
        return "Geen enkele indicator kon worden getoetst."
    flagged = t[(t["p_value"] < 0.05) & t["status"].isin([STATUS_IMPROVED, STATUS_WORSENED])]
    survive = int((flagged["q_value"] < 0.05).sum())
    head = (
        f"{s.size} indicatoren zijn getoetst. Elk oordeel beantwoordt een vraag die het plan vooraf "
        "stelde en rust daarom op de eigen p-waarde; maar als er niets veranderd was, zou een "
        f"toets op 5 % bij {s.size} indicatoren gemiddeld {format_nl(s.expected_false_flags, 1)} "
        "keer ten onrechte een verandering aanwijzen."
    )
    if flagged.empty:
        return f"{head} Geen enkel oordeel is 'verbeterd' of 'verslechterd'."
    n = len(flagged)
    judged = "is 1 oordeel" if n == 1 else f"zijn {n} oordelen"
    return (
        f"{head} Er {judged} 'verbeterd' of 'verslechterd'; na correctie voor meervoudig toetsen "
        f"(q < 0,05, Benjamini-Hochberg; de q-waarde staat in de scorekaart naast p) "
        f"{'blijft' if survive == 1 else 'blijven'} er daarvan {survive} over."
    )


def _evaluability_items(rows: pd.DataFrame, kinds: pd.Series) -> list[str]:
    """One item per count indicator: the smallest change it could show, or why none."""
    items = []
    for r in rows.to_dict("records"):
        if kinds[r["indicator_id"]] != "count" or not np.isfinite(r["baseline_value"]):
            continue
        label = str(r["label"])[:1].lower() + str(r["label"])[1:]
        text = detectable_text(r, "count")
        word = "stijging" if r["desired_direction"] == "up" else "daling"
        if text.endswith("%"):
            least = "" if np.isfinite(r["dispersion"]) else "ten minste "
            items.append(f"{label} pas vanaf een {word} van {least}{text.lstrip('+-')}")
        elif text == "niet aantoonbaar":
            items.append(f"{label} zelfs niet bij een {word} tot nul")
        else:
            items.append(f"{label} niet (minder dan {MIN_BASE_FOR_PERCENT} gevallen)")
    return items


def evaluability_text(ev: Evaluation) -> str:
    """Write one sentence per priority on which targets the data can judge at this size.

    For every count indicator with a baseline: the smallest change against the baseline that
    the test detects with 80 % power at the two-sided 5 % level, with the series' dispersion.
    A target smaller than that cannot be judged with the municipality's numbers. Without a
    dispersion estimate the value is a lower bound ("ten minste").
    """
    kinds = ev.details["kind"]
    lines = []
    for key, name in PRIORITIES.items():
        rows = ev.table[ev.table["priority"] == key]
        if rows.empty:
            continue
        items = _evaluability_items(rows, kinds)
        if not items:
            lines.append(f"- **{name}:** geen telcijfers met een nulmeting; niet in te schatten.")
            continue
        lines.append(
            f"- **{name}:** met de aantallen van {ev.name} is een verandering aantoonbaar (80 % "
            f"kans, toets op 5 %) bij {_join(items)}. Een streefwaarde die kleiner is, kan met "
            "deze cijfers niet worden beoordeeld."
        )
    return "\n".join(lines)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + " en " + items[-1]
