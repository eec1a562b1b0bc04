"""Figures of the evaluation indicators (notebook 03): the scorecard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullLocator

from ivp_analysis.plots.style import use_style
from ivp_analysis.present.indicator_reasons import value_text
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.present.trends.formats import MIN_BASE_FOR_PERCENT
from ivp_analysis.vocab import (
    PRIORITIES,
    STATUS_IMPROVED,
    STATUS_NL,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
    STATUSES,
)

#: Colour per status (seaborn colourblind palette) and a marker that does not rely on colour.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    STATUS_IMPROVED: ("#029e73", "o"),
    STATUS_WORSENED: ("#d55e00", "X"),
    STATUS_NO_CHANGE: ("#0173b2", "s"),
    STATUS_NO_DIRECTION: ("#cc78bc", "D"),
    STATUS_NO_DATA: ("#949494", "o"),
}
#: Height of one row, and the space above and below the rows, in inches.
ROW_IN, TOP_IN, BOTTOM_IN = 0.36, 1.3, 1.0
#: Ticks at symmetric ratios: halving and doubling are equally far from 0 on a log scale.
RATIO_TICKS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
_HEADER_BAND = "#eef1f5"
#: Colour of the mark of the smallest detectable change.
_MDC_COLOUR = "#555555"
_AXIS_LABEL = "Verandering per inwoner t.o.v. de nulmeting (%, log-schaal)"


@dataclass(frozen=True)
class _Row:
    """One line of the scorecard: a priority heading, or an indicator with its kind."""

    heading: str = ""
    record: dict | None = None
    kind: str = ""


@dataclass(frozen=True)
class _Scale:
    """The log scale of the middle column: limits and tick positions of the rate ratio."""

    xmin: float
    xmax: float
    ticks: tuple[float, ...]

    @property
    def mid(self) -> float:
        return float(np.sqrt(self.xmin * self.xmax))


def scorecard_figure(table: pd.DataFrame, kinds: Sequence[str], title: str) -> plt.Figure:
    """Draw the evaluation scorecard: one row per indicator, grouped by priority.

    Left: a status marker (colour and shape) with the indicator's name; middle: the change of
    the rate per inhabitant with its 95 % interval on a log scale (count indicators from at
    least ten cases in the baseline; fewer are written as counts), and a grey bar at the
    smallest change the data could detect (80 % power); right: the baseline and latest figure
    with their years. The figure is tall, so the legend sits at
    the top and the axis is labelled at the top, in every priority heading and at the bottom:
    a reader sees both wherever the rows are read.

    Parameters
    ----------
    table : DataFrame
        The result table of :func:`ivp_analysis.indicators.evaluate` (``Evaluation.table``).
    kinds : sequence of str
        ``count`` or ``score`` per row of ``table``.
    title : str
        Figure title (Dutch).
    """
    use_style()
    rows = _rows(table, kinds)
    scale = _scale(rows)
    n = len(rows)
    fig = plt.figure(figsize=(9.6, ROW_IN * n + TOP_IN + BOTTOM_IN))
    gs = fig.add_gridspec(1, 3, width_ratios=[3.9, 3.1, 2.6], wspace=0.04)
    ax_l, ax_m, ax_r = (fig.add_subplot(gs[0, i]) for i in range(3))
    _frame(ax_l, ax_m, ax_r, n, scale)
    for y, row in enumerate(rows):
        if row.record is None:
            _heading(ax_l, ax_m, ax_r, y, row.heading, scale)
        else:
            _indicator(ax_l, ax_m, ax_r, y, row.record, row.kind, scale)
    _legend(fig)
    fig.suptitle(title, fontsize=12, fontweight="bold", x=0.02, ha="left")
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.01, right=0.99, top=1 - TOP_IN / height, bottom=BOTTOM_IN / height)
    return fig


def _rows(table: pd.DataFrame, kinds: Sequence[str]) -> list[_Row]:
    """Return the lines of the scorecard: a heading before the first indicator of a priority."""
    rows: list[_Row] = []
    current = None
    for rec, kind in zip(table.to_dict("records"), kinds, strict=True):
        if rec["priority"] != current:
            current = rec["priority"]
            rows.append(_Row(heading=PRIORITIES[str(current)]))
        rows.append(_Row(record=rec, kind=kind))
    return rows


def _scale(rows: list[_Row]) -> _Scale:
    """Return limits that hold every interval of a count (within 1/10 and 10 times)."""
    counts = [
        r.record
        for r in rows
        if r.record is not None
        and r.kind == "count"
        and r.record.get("baseline_value", np.nan) >= MIN_BASE_FOR_PERCENT
    ]
    lows = [1 + r["ci_low"] / 100 for r in counts if np.isfinite(r["ci_low"])]
    highs = [1 + r["ci_high"] / 100 for r in counts if np.isfinite(r["ci_high"])]
    xmin = max(0.1, min([0.5, *lows]) * 0.9)
    xmax = min(10.0, max([2.0, *highs]) * 1.1)
    ratios = [*RATIO_TICKS, *([2 / 3, 1.5] if xmax / xmin < 6 else [])]
    ticks = sorted(r for r in ratios if xmin <= r <= xmax)
    if len(ticks) > 5:  # a wide axis: quarter, same and four times leave room for each label
        ticks = [t for t in ticks if round(np.log2(t)) % 2 == 0]
    return _Scale(xmin, xmax, tuple(ticks))


def _tick_label(ratio: float) -> str:
    """Write a rate ratio as a change in percent: 0.5 -> '-50 %', 1 -> '0', 2 -> '+100 %'."""
    if abs(ratio - 1) < 1e-9:
        return "0"
    return f"{'+' if ratio > 1 else ''}{format_nl((ratio - 1) * 100)} %"


def _frame(ax_l: Axes, ax_m: Axes, ax_r: Axes, n: int, scale: _Scale) -> None:
    """Set up the three columns: rows top down, the log axis in the middle, column titles."""
    for ax in (ax_l, ax_m, ax_r):
        ax.set_ylim(n - 0.5, -0.5)
        ax.yaxis.set_major_locator(NullLocator())
        ax.grid(False)
    for ax in (ax_l, ax_r):
        ax.set_xlim(0, 1)
        ax.axis("off")
    ax_m.set_xscale("log")
    ax_m.set_xlim(scale.xmin, scale.xmax)
    ax_m.axvline(1.0, color="#444", linewidth=1)
    ax_m.xaxis.set_major_locator(FixedLocator(list(scale.ticks)))
    ax_m.xaxis.set_minor_locator(NullLocator())
    ax_m.set_xticklabels([_tick_label(t) for t in scale.ticks])
    ax_m.grid(True, axis="x", color="#e2e2e2")
    ax_m.set_xlabel(f"{_AXIS_LABEL}\npunt = schatting, lijn = 95%-interval", fontsize=9.5)
    ax_m.tick_params(axis="x", labelsize=9)
    for side in ("left", "right", "top"):
        ax_m.spines[side].set_visible(False)
    small: dict[str, Any] = {"va": "bottom", "fontsize": 9, "color": "#555"}
    ax_m.text(scale.mid, -0.62, "verandering per inwoner (95%-interval)", ha="center", **small)
    ax_r.text(0.02, -0.62, "nulmeting → laatste cijfer", ha="left", **small)


def _heading(ax_l: Axes, ax_m: Axes, ax_r: Axes, y: int, name: str, scale: _Scale) -> None:
    """Draw a priority heading, with the axis's tick labels repeated in the middle column."""
    for ax in (ax_l, ax_m, ax_r):
        ax.axhspan(y - 0.5, y + 0.5, color=_HEADER_BAND, zorder=0)
    ax_l.text(0.0, y, name, va="center", ha="left", fontsize=10.5, fontweight="bold")
    for t in scale.ticks:
        ax_m.text(
            t,
            y,
            _tick_label(t),
            va="center",
            ha="center",
            fontsize=8,
            color="#555",
            zorder=3,
            bbox={"facecolor": _HEADER_BAND, "edgecolor": "none", "pad": 0.5},
        )


def _indicator(
    ax_l: Axes, ax_m: Axes, ax_r: Axes, y: int, rec: dict, kind: str, scale: _Scale
) -> None:
    """Draw one indicator: marker and name, its change (or why there is none), its figures."""
    colour, marker = STATUS_STYLE[rec["status"]]
    filled = rec["status"] != STATUS_NO_DATA
    _detectable(ax_m, y, rec, kind, scale)
    ax_l.plot(
        [0.03],
        [y],
        marker=marker,
        markersize=8,
        color=colour,
        clip_on=False,
        markerfacecolor=colour if filled else "white",
        markeredgewidth=1.5,
    )
    ax_l.text(0.075, y, rec["label"], va="center", ha="left", fontsize=9.5)
    big = rec.get("baseline_value", np.nan) >= MIN_BASE_FOR_PERCENT
    if kind == "count" and big and np.isfinite(rec["change"]) and np.isfinite(rec["ci_low"]):
        _interval(ax_m, y, rec, colour, marker, scale)
    else:
        ax_m.text(
            scale.mid,
            y,
            _no_interval_text(rec, kind),
            va="center",
            ha="center",
            fontsize=9,
            color="#666",
            style="italic",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
        )
    ax_r.text(0.02, y, _scorecard_values(rec, kind), va="center", ha="left", fontsize=9)


def _interval(ax: Axes, y: int, rec: dict, colour: str, marker: str, scale: _Scale) -> None:
    """Draw the rate ratio and its interval; an arrow where the interval leaves the axis."""
    lo, hi = 1 + rec["ci_low"] / 100, 1 + rec["ci_high"] / 100
    rr = min(max(1 + rec["change"] / 100, scale.xmin), scale.xmax)
    line = [max(lo, scale.xmin), min(hi, scale.xmax)]
    ax.plot(line, [y, y], color=colour, linewidth=2.2, solid_capstyle="butt")
    ax.plot(
        [rr],
        [y],
        marker=marker,
        color=colour,
        markersize=7,
        markeredgecolor="white",
        markeredgewidth=0.6,
    )
    arrow = {"arrowstyle": "->", "color": colour}
    if hi > scale.xmax:
        ax.annotate("", xy=(scale.xmax, y), xytext=(scale.xmax / 1.15, y), arrowprops=arrow)
    if lo < scale.xmin:
        ax.annotate("", xy=(scale.xmin, y), xytext=(scale.xmin * 1.15, y), arrowprops=arrow)


def _detectable(ax: Axes, y: int, rec: dict, kind: str, scale: _Scale) -> None:
    """Mark the smallest detectable change of a count (a grey bar; a triangle at the edge).

    Only on rows with a change drawn; the table gives it for every count indicator.
    """
    mdc = rec.get("min_detectable_change", np.nan)
    big = rec.get("baseline_value", np.nan) >= MIN_BASE_FOR_PERCENT
    if kind != "count" or not big or not np.isfinite(mdc) or not np.isfinite(rec["eval_value"]):
        return
    ratio = 1 + mdc / 100
    if ratio < scale.xmin or ratio > scale.xmax:
        edge = scale.xmin if ratio < scale.xmin else scale.xmax
        marker = "<" if ratio < scale.xmin else ">"
        ax.plot([edge], [y], marker=marker, color=_MDC_COLOUR, markersize=5, clip_on=False)
        return
    ax.plot([ratio, ratio], [y - 0.3, y + 0.3], color=_MDC_COLOUR, linewidth=1.6)


def _no_interval_text(rec: dict, kind: str) -> str:
    """Say why a row has no interval: a survey mark's difference, small counts, or no figure."""
    if kind == "score" and np.isfinite(rec["change"]):
        sign = "+" if rec["change"] > 0 else ""
        return f"rapportcijfer {sign}{format_nl(rec['change'], 1)} punt"
    if kind == "count" and np.isfinite(rec["eval_value"]) and rec["baseline_period"]:
        base, last = value_text(kind, rec["baseline_value"]), value_text(kind, rec["eval_value"])
        return f"van {base} naar {last}: geen percentage"
    if rec["status"] == STATUS_NO_DATA:
        return "geen meting" if kind == "score" else "geen cijfer"
    return "geen interval"


def _legend(fig: plt.Figure) -> None:
    """Put the legend of the status markers under the title, above the rows."""
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=STATUS_STYLE[s][1],
            color=STATUS_STYLE[s][0],
            markersize=8,
            markeredgewidth=1.5,
            label=STATUS_NL[s],
            markerfacecolor=STATUS_STYLE[s][0] if s != STATUS_NO_DATA else "white",
        )
        for s in STATUSES
    ]
    handles.append(
        Line2D(
            [],
            [],
            linestyle="",
            marker="|",
            color=_MDC_COLOUR,
            markersize=10,
            markeredgewidth=1.6,
            label="kleinste aantoonbare verandering",
        )
    )
    fig.legend(
        handles=handles,
        loc="upper left",
        ncol=3,
        fontsize=9.5,
        frameon=False,
        bbox_to_anchor=(0.01, 1 - 0.42 / fig.get_figheight()),
    )


def _scorecard_values(rec: dict, kind: str) -> str:
    """'76 (2022) → 37 (2023)' for the right-hand column of the scorecard."""
    if not rec["baseline_period"]:
        return "geen cijfers"
    left = f"{value_text(kind, rec['baseline_value'])} ({rec['baseline_period']})"
    if not rec["eval_period"]:
        return f"{left} → geen {'meting' if kind == 'score' else 'cijfer'}"
    flag = ", voorl." if rec["eval_status_of_data"] == "provisional" else ""
    return f"{left} → {value_text(kind, rec['eval_value'])} ({rec['eval_period']}{flag})"
