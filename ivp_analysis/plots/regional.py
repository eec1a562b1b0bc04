"""Figure of the regional overview of a batch: the municipalities side by side."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullLocator

from ivp_analysis.plots.indicators import STATUS_STYLE
from ivp_analysis.plots.style import dutch_axis, use_style
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.vocab import STATUS_NL

#: Municipalities named next to their point up to this many (more would overlap).
MAX_LABELS = 25
#: Population ticks of the log axis: 1, 2 and 5 times a power of ten.
POPULATION_TICKS = tuple(m * 10**e for e in range(3, 8) for m in (1, 2, 5))
_NEUTRAL = "#0173b2"


def municipalities_figure(frame: pd.DataFrame) -> plt.Figure:
    """Draw the municipalities of a batch by population: burglary change and the COVID-19 year.

    Left: the change of burglary per inhabitant against the baseline year (%, with its 95 %
    interval), marked by the indicator's status; right: registered crime in 2020 against the
    expectation without COVID-19 (%, the crime types of the municipal model together). Points
    are named when there are at most :data:`MAX_LABELS` municipalities.

    Parameters
    ----------
    frame : DataFrame
        The overview of :func:`ivp_analysis.regional.overview` (columns ``name``,
        ``population``, ``burglary_change``, ``burglary_ci_low``, ``burglary_ci_high``,
        ``burglary_status``, ``covid_2020_pct``).
    """
    use_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6), sharex=True)
    rows = frame[pd.to_numeric(frame["population"], errors="coerce") > 0]
    label = len(rows) <= MAX_LABELS
    _burglary_panel(left, rows, label)
    _covid_panel(right, rows, label)
    for ax in (left, right):
        if len(rows):
            _population_axis(ax, _numbers(rows, "population"))
        ax.set_xlabel("Inwoners (log-schaal)")
        ax.axhline(0, color="#333333", lw=0.8, zorder=1)
        dutch_axis(ax, "y")
    fig.tight_layout()
    return fig


def _population_axis(ax: Axes, population: np.ndarray) -> None:
    """Put population on a log scale with round Dutch tick labels (10.000, 20.000, ...)."""
    ax.set_xscale("log")
    lo, hi = np.nanmin(population) / 1.3, np.nanmax(population) * 1.3
    ax.set_xlim(lo, hi)
    ticks = [t for t in POPULATION_TICKS if lo <= t <= hi] or [float(np.nanmedian(population))]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(ticks, [format_nl(t) for t in ticks])


def _numbers(rows: pd.DataFrame, column: str) -> np.ndarray:
    if column not in rows:
        return np.full(len(rows), np.nan)
    return pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype=float)


def _burglary_panel(ax: Axes, rows: pd.DataFrame, label: bool) -> None:
    x = _numbers(rows, "population")
    y = _numbers(rows, "burglary_change")
    lo, hi = _numbers(rows, "burglary_ci_low"), _numbers(rows, "burglary_ci_high")
    status = rows["burglary_status"].fillna("").to_numpy() if "burglary_status" in rows else []
    ok = np.isfinite(y)
    ax.set_title("Woninginbraak: verandering t.o.v. het peiljaar")
    ax.set_ylabel("Per inwoner (%)")
    if not ok.any():
        _empty(ax)
        return
    has_ci = ok & np.isfinite(lo) & np.isfinite(hi)
    ax.vlines(x[has_ci], lo[has_ci], hi[has_ci], color="#b0b0b0", lw=1, zorder=2)
    shown = []
    for s, (colour, marker) in STATUS_STYLE.items():
        pick = ok & (np.asarray(status) == s)
        if pick.any():
            ax.scatter(x[pick], y[pick], color=colour, marker=marker, s=34, zorder=3)
            shown.append(Line2D([], [], color=colour, marker=marker, ls="", label=STATUS_NL[s]))
    other = ok & ~np.isin(np.asarray(status), list(STATUS_STYLE))
    if other.any():
        ax.scatter(x[other], y[other], color="#666666", marker="o", s=34, zorder=3)
    if shown:
        ax.legend(handles=shown, fontsize=8, loc="best", frameon=True)
    if label:
        _names(ax, x[ok], y[ok], rows["name"].to_numpy()[ok])


def _covid_panel(ax: Axes, rows: pd.DataFrame, label: bool) -> None:
    x = _numbers(rows, "population")
    y = _numbers(rows, "covid_2020_pct")
    ok = np.isfinite(y)
    ax.set_title("2020: geregistreerd t.o.v. verwacht zonder COVID-19")
    ax.set_ylabel("Verschil (%)")
    if not ok.any():
        _empty(ax)
        return
    ax.scatter(x[ok], y[ok], color=_NEUTRAL, s=34, zorder=3)
    if label:
        _names(ax, x[ok], y[ok], rows["name"].to_numpy()[ok])


def _names(ax: Axes, x: np.ndarray, y: np.ndarray, names: np.ndarray) -> None:
    for xi, yi, name in zip(x, y, names, strict=True):
        short = str(name).replace(" (gemeente)", "")
        ax.annotate(short, (xi, yi), xytext=(4, 3), textcoords="offset points", fontsize=7)


def _empty(ax: Axes) -> None:
    ax.text(0.5, 0.5, "geen cijfers", ha="center", va="center", transform=ax.transAxes)
    ax.set_yticks([])
