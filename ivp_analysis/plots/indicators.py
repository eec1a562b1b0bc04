"""Figures of the evaluation indicators (notebook 03)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ivp_analysis.plots.style import use_style
from ivp_analysis.vocab import (
    STATUS_IMPROVED,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
)

#: Colour per status (seaborn colourblind palette) and a marker that does not rely on colour.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    STATUS_IMPROVED: ("#029e73", "o"),
    STATUS_WORSENED: ("#d55e00", "X"),
    STATUS_NO_CHANGE: ("#0173b2", "s"),
    STATUS_NO_DIRECTION: ("#cc78bc", "D"),
    STATUS_NO_DATA: ("#949494", "o"),
}


def scorecard_figure(table: pd.DataFrame, kinds, title: str) -> plt.Figure:
    """Draw the evaluation scorecard: one row per indicator, grouped by priority.

    Left: a status marker (colour and shape) with the indicator's name; middle: the change of
    the rate per inhabitant with its 95 % interval on a log scale (count indicators); right:
    the baseline and latest figure with their years.

    Parameters
    ----------
    table : DataFrame
        The result table of :func:`ivp_analysis.indicators.evaluate` (``Evaluation.table``).
    kinds : sequence of str
        ``count`` or ``score`` per row of ``table``.
    title : str
        Figure title (Dutch).
    """
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, NullLocator

    from ivp_analysis.present.numbers import format_nl
    from ivp_analysis.vocab import PRIORITIES, STATUS_NL, STATUSES

    use_style()
    rows: list[tuple[str, object]] = []  # ("header", name) or ("row", (record, kind))
    current = None
    for rec, kind in zip(table.to_dict("records"), kinds, strict=True):
        if rec["priority"] != current:
            current = rec["priority"]
            rows.append(("header", PRIORITIES[current]))
        rows.append(("row", (rec, kind)))
    n = len(rows)
    fig = plt.figure(figsize=(9.6, 0.36 * n + 2.1))
    gs = fig.add_gridspec(1, 3, width_ratios=[3.9, 3.1, 2.6], wspace=0.04)
    ax_l, ax_m, ax_r = (fig.add_subplot(gs[0, i]) for i in range(3))

    is_count = [k == "count" for _, (r, k) in ((t, v) for t, v in rows if t == "row")]
    recs = [v[0] for t, v in rows if t == "row"]
    lows = [
        1 + r["ci_low"] / 100
        for r, c in zip(recs, is_count, strict=True)
        if c and np.isfinite(r["ci_low"])
    ]
    highs = [
        1 + r["ci_high"] / 100
        for r, c in zip(recs, is_count, strict=True)
        if c and np.isfinite(r["ci_high"])
    ]
    xmin = max(0.1, min([0.5, *lows]) * 0.9)
    xmax = min(10.0, max([2.0, *highs]) * 1.1)
    mid = float(np.sqrt(xmin * xmax))

    for ax in (ax_l, ax_m, ax_r):
        ax.set_ylim(n - 0.5, -0.5)
        ax.yaxis.set_major_locator(NullLocator())
        ax.grid(False)
    for ax in (ax_l, ax_r):
        ax.set_xlim(0, 1)
        ax.axis("off")
    ax_m.set_xscale("log")
    ax_m.set_xlim(xmin, xmax)
    ax_m.axvline(1.0, color="#444", linewidth=1)
    # Ticks at symmetric ratios (halving and doubling are equally far from 0 on a log scale).
    ratios = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0]
    if xmax / xmin < 6:
        ratios += [2 / 3, 1.5]
    ticks = sorted(r for r in ratios if xmin <= r <= xmax)
    ax_m.xaxis.set_major_locator(FixedLocator(ticks))
    ax_m.xaxis.set_minor_locator(NullLocator())
    ax_m.set_xticklabels(
        [
            ("0" if abs(t - 1) < 1e-9 else f"{'+' if t > 1 else ''}{format_nl((t - 1) * 100)} %")
            for t in ticks
        ]
    )
    ax_m.grid(True, axis="x", color="#e2e2e2")
    ax_m.set_xlabel(
        "Verandering per inwoner t.o.v. de nulmeting (%, log-schaal)\n"
        "punt = schatting, lijn = 95%-interval",
        fontsize=9.5,
    )
    ax_m.tick_params(axis="x", labelsize=9)
    for side in ("left", "right", "top"):
        ax_m.spines[side].set_visible(False)

    for y, (typ, val) in enumerate(rows):
        if typ == "header":
            for ax in (ax_l, ax_m, ax_r):
                ax.axhspan(y - 0.5, y + 0.5, color="#eef1f5", zorder=0)
            ax_l.text(0.0, y, val, va="center", ha="left", fontsize=10.5, fontweight="bold")
            continue
        rec, kind = val
        colour, marker = STATUS_STYLE[rec["status"]]
        filled = rec["status"] != STATUSES[-1]
        ax_l.plot(
            [0.03],
            [y],
            marker=marker,
            markersize=8,
            color=colour,
            markerfacecolor=colour if filled else "white",
            markeredgewidth=1.5,
            clip_on=False,
        )
        ax_l.text(0.075, y, rec["label"], va="center", ha="left", fontsize=9.5)
        has_ci = kind == "count" and np.isfinite(rec["change"]) and np.isfinite(rec["ci_low"])
        if has_ci:
            rr = 1 + rec["change"] / 100
            lo, hi = 1 + rec["ci_low"] / 100, 1 + rec["ci_high"] / 100
            ax_m.plot(
                [max(lo, xmin), min(hi, xmax)],
                [y, y],
                color=colour,
                linewidth=2.2,
                solid_capstyle="butt",
            )
            ax_m.plot(
                [min(max(rr, xmin), xmax)],
                [y],
                marker=marker,
                color=colour,
                markersize=7,
                markeredgecolor="white",
                markeredgewidth=0.6,
            )
            if hi > xmax:
                ax_m.annotate(
                    "",
                    xy=(xmax, y),
                    xytext=(xmax / 1.15, y),
                    arrowprops=dict(arrowstyle="->", color=colour),
                )
            if lo < xmin:
                ax_m.annotate(
                    "",
                    xy=(xmin, y),
                    xytext=(xmin * 1.15, y),
                    arrowprops=dict(arrowstyle="->", color=colour),
                )
        else:
            if kind == "score" and np.isfinite(rec["change"]):
                sign = "+" if rec["change"] > 0 else ""
                txt = f"rapportcijfer {sign}{format_nl(rec['change'], 1)} punt"
            elif rec["status"] == STATUSES[-1]:
                txt = "geen meting" if kind == "score" else "geen cijfer"
            else:
                txt = "geen interval"
            ax_m.text(
                mid,
                y,
                txt,
                va="center",
                ha="center",
                fontsize=9,
                color="#666",
                style="italic",
                bbox=dict(facecolor="white", edgecolor="none", pad=1.5),
            )
        ax_r.text(0.02, y, _scorecard_values(rec, kind), va="center", ha="left", fontsize=9)
    ax_r.text(
        0.02, -0.5, "nulmeting → laatste cijfer", va="bottom", ha="left", fontsize=9, color="#555"
    )
    handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker=STATUS_STYLE[s][1],
            color=STATUS_STYLE[s][0],
            markersize=8,
            markerfacecolor=STATUS_STYLE[s][0] if s != STATUSES[-1] else "white",
            markeredgewidth=1.5,
            label=STATUS_NL[s],
        )
        for s in STATUSES
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=3,
        fontsize=9.5,
        frameon=False,
        bbox_to_anchor=(0.5, -0.02),
    )
    fig.suptitle(title, fontsize=12, fontweight="bold", x=0.02, ha="left")
    fig.subplots_adjust(
        left=0.01, right=0.99, top=1 - 0.85 / fig.get_figheight(), bottom=1.25 / fig.get_figheight()
    )
    return fig


def _scorecard_values(rec: dict, kind: str) -> str:
    """'76 (2022) → 37 (2023)' for the right-hand column of the scorecard."""
    from ivp_analysis.present.numbers import format_nl

    def val(v):
        return format_nl(v, 1) if kind == "score" or not float(v).is_integer() else format_nl(v)

    if not rec["baseline_period"]:
        return "geen cijfers"
    left = f"{val(rec['baseline_value'])} ({rec['baseline_period']})"
    if not rec["eval_period"]:
        return f"{left} → geen {'meting' if kind == 'score' else 'cijfer'}"
    flag = ", voorl." if rec["eval_status_of_data"] == "provisional" else ""
    return f"{left} → {val(rec['eval_value'])} ({rec['eval_period']}{flag})"
