"""Figures for the reports: one style, Dutch labels, units on every axis.

Each function returns a matplotlib Figure; notebooks show it with
:func:`ivp_analysis.display.show_figure`, which requires alternative text.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

#: Colours per status (colour-blind safe, from seaborn's colorblind palette).
STATUS_COLOURS = {
    "final": "#0173b2",
    "provisional": "#de8f05",
    "unknown": "#949494",
    "missing": "#ffffff",
}
STATUS_NL = {
    "final": "definitief",
    "provisional": "voorlopig",
    "unknown": "status onbekend",
    "missing": "ontbreekt",
}


def use_style() -> None:
    """Set the report style: white grid, readable fonts, Dutch decimal comma on axes."""
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    plt.rcParams.update({
        "figure.dpi": 110, "axes.titleweight": "bold", "axes.titlesize": 12,
        "axes.formatter.use_locale": False, "savefig.bbox": "tight", "svg.hashsalt": "ivp",
        # a fixed title height: automatic placement measures every tick label of every panel
        # on each draw (a third of the drawing time); no figure has ticks above its axes
        "axes.titley": 1.0,
        # unhinted glyphs: as readable at 110 dpi and 15 % less drawing time than auto-hinting
        "text.hinting": "no_hinting",
    })  # fmt: skip


def dutch_axis(ax, axis: str = "y", decimals: int | None = None) -> None:
    """Format tick labels with a decimal comma and a dot for thousands."""
    from matplotlib.ticker import FuncFormatter

    from ivp_analysis.display import format_nl

    def fmt(x, _pos):
        # as few decimals as the value needs (0.05 stays "0,05", not "0,1"), at most three
        d = decimals
        if d is None:
            d = next((k for k in range(4) if abs(round(x, k) - x) < 1e-9), 3)
        return format_nl(x, d)

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def availability_heatmap(avail: pd.DataFrame, title: str) -> plt.Figure:
    """Draw which figures exist per source, code and year, coloured by status.

    Parameters
    ----------
    avail : DataFrame
        Output of :func:`ivp_analysis.overview.availability`.
    title : str
        Figure title (Dutch).
    """
    use_style()
    rows = avail.assign(
        row=avail["dataset"] + ": " + avail["code"] + " " + avail["label"].str.slice(0, 38)
    )
    order = list(dict.fromkeys(rows.sort_values(["dataset", "code"])["row"]))
    years = list(range(int(rows["year"].min()), int(rows["year"].max()) + 1))
    codes = list(STATUS_COLOURS)
    grid = np.full((len(order), len(years)), np.nan)
    for r in rows.itertuples():
        grid[order.index(r.row), years.index(r.year)] = codes.index(r.status)
    cmap = matplotlib.colors.ListedColormap([STATUS_COLOURS[c] for c in codes])
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(order) + 1.6))
    ax.imshow(np.ma.masked_invalid(grid), aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(codes) - 0.5,
              interpolation="nearest")  # fmt: skip
    ax.set_yticks(range(len(order)), order, fontsize=8)
    ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=90, fontsize=8)
    ax.set_xlabel("Jaar")
    ax.set_ylabel("Bron: code en soort")
    ax.set_title(title)
    ax.grid(False)
    ax.set_xticks(np.arange(-0.5, len(years)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(order)), minor=True)
    ax.grid(which="minor", color="#d0d0cc", linewidth=0.5)
    ax.tick_params(which="minor", length=0)
    handles = [
        Patch(facecolor=STATUS_COLOURS[c], edgecolor="#999", label=STATUS_NL[c]) for c in codes
    ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), title="Status", fontsize=8
    )
    return fig


# ---- indicators ----


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

    from ivp_analysis.display import format_nl
    from ivp_analysis.indicators import PRIORITIES, STATUS_NL, STATUS_STYLE, STATUSES

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
    ax_m.set_xticklabels([("0" if abs(t - 1) < 1e-9 else f"{'+' if t > 1 else ''}{format_nl((t - 1) * 100)} %")
                          for t in ticks])  # fmt: skip
    ax_m.grid(True, axis="x", color="#e2e2e2")
    ax_m.set_xlabel("Verandering per inwoner t.o.v. de nulmeting (%, log-schaal)\n"
                    "punt = schatting, lijn = 95%-interval", fontsize=9.5)  # fmt: skip
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
        ax_l.plot([0.03], [y], marker=marker, markersize=8, color=colour,
                  markerfacecolor=colour if filled else "white", markeredgewidth=1.5,
                  clip_on=False)  # fmt: skip
        ax_l.text(0.075, y, rec["label"], va="center", ha="left", fontsize=9.5)
        has_ci = kind == "count" and np.isfinite(rec["change"]) and np.isfinite(rec["ci_low"])
        if has_ci:
            rr = 1 + rec["change"] / 100
            lo, hi = 1 + rec["ci_low"] / 100, 1 + rec["ci_high"] / 100
            ax_m.plot([max(lo, xmin), min(hi, xmax)], [y, y], color=colour, linewidth=2.2,
                      solid_capstyle="butt")  # fmt: skip
            ax_m.plot([min(max(rr, xmin), xmax)], [y], marker=marker, color=colour, markersize=7,
                      markeredgecolor="white", markeredgewidth=0.6)  # fmt: skip
            if hi > xmax:
                ax_m.annotate("", xy=(xmax, y), xytext=(xmax / 1.15, y),
                              arrowprops=dict(arrowstyle="->", color=colour))  # fmt: skip
            if lo < xmin:
                ax_m.annotate("", xy=(xmin, y), xytext=(xmin * 1.15, y),
                              arrowprops=dict(arrowstyle="->", color=colour))  # fmt: skip
        else:
            if kind == "score" and np.isfinite(rec["change"]):
                sign = "+" if rec["change"] > 0 else ""
                txt = f"rapportcijfer {sign}{format_nl(rec['change'], 1)} punt"
            elif rec["status"] == STATUSES[-1]:
                txt = "geen meting" if kind == "score" else "geen cijfer"
            else:
                txt = "geen interval"
            ax_m.text(mid, y, txt, va="center", ha="center", fontsize=9, color="#666", style="italic",
                      bbox=dict(facecolor="white", edgecolor="none", pad=1.5))  # fmt: skip
        ax_r.text(0.02, y, _scorecard_values(rec, kind), va="center", ha="left", fontsize=9)
    ax_r.text(0.02, -0.5, "nulmeting → laatste cijfer", va="bottom", ha="left", fontsize=9,
              color="#555")  # fmt: skip
    handles = [
        Line2D([], [], linestyle="", marker=STATUS_STYLE[s][1], color=STATUS_STYLE[s][0], markersize=8,
               markerfacecolor=STATUS_STYLE[s][0] if s != STATUSES[-1] else "white",
               markeredgewidth=1.5, label=STATUS_NL[s])
        for s in STATUSES
    ]  # fmt: skip
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=9.5, frameon=False,
               bbox_to_anchor=(0.5, -0.02))  # fmt: skip
    fig.suptitle(title, fontsize=12, fontweight="bold", x=0.02, ha="left")
    fig.subplots_adjust(left=0.01, right=0.99, top=1 - 0.85 / fig.get_figheight(),
                        bottom=1.25 / fig.get_figheight())  # fmt: skip
    return fig


def _scorecard_values(rec: dict, kind: str) -> str:
    """'76 (2022) → 37 (2023)' for the right-hand column of the scorecard."""
    from ivp_analysis.display import format_nl

    def val(v):
        return format_nl(v, 1) if kind == "score" or not float(v).is_integer() else format_nl(v)

    if not rec["baseline_period"]:
        return "geen cijfers"
    left = f"{val(rec['baseline_value'])} ({rec['baseline_period']})"
    if not rec["eval_period"]:
        return f"{left} → geen {'meting' if kind == 'score' else 'cijfer'}"
    flag = ", voorl." if rec["eval_status_of_data"] == "provisional" else ""
    return f"{left} → {val(rec['eval_value'])} ({rec['eval_period']}{flag})"


# ---- trends ----

#: Colours of the series sources in the trend figures (seaborn colorblind palette).
TREND_COLOURS = {
    "Politie 47018NED": "#0173b2",
    "CBS 83648NED": "#029e73",
    "IVP 2023-2026": "#cc78bc",
    "NL": "#555555",
}
#: Colours of the test verdicts (orange = rise, blue = fall: colour-blind safe).
VERDICT_COLOURS = {
    "significante stijging": "#d55e00",
    "significante daling": "#0173b2",
    "binnen normale schommeling": "#e6e6e6",
    "niet te toetsen": "#ffffff",
}
_RATE_AXIS = "Misdrijven per 1.000 inwoners (gemiddelde bevolking)"


def dutch_ticks(ax, axis: str = "y", nbins: int = 5) -> None:
    """Fix the ticks of an axis and label them Dutch style, with as many decimals as the step needs.

    Call it after the limits are final. Unlike :func:`dutch_axis`, every tick gets the same number
    of decimals; fixed ticks also spare matplotlib from re-running locator and formatter at every
    layout pass.
    """
    from matplotlib.ticker import MaxNLocator

    from ivp_analysis.display import format_nl

    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    ticks = MaxNLocator(nbins).tick_values(lo, hi)
    span = abs(hi - lo) * 1e-9
    ticks = ticks[(ticks >= min(lo, hi) - span) & (ticks <= max(lo, hi) + span)]
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    decimals = next((d for d in range(6) if abs(round(step, d) - step) < 1e-9 * max(1.0, step)), 6)
    labels = [format_nl(t, decimals).replace("-", "\N{MINUS SIGN}") for t in ticks]
    if axis == "y":
        ax.set_yticks(ticks, labels)
        ax.set_ylim(lo, hi)
    else:
        ax.set_xticks(ticks, labels)
        ax.set_xlim(lo, hi)


def _wrap(text: str, width: int = 32) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def rate_small_multiples(
    trends: pd.DataFrame,
    municipality: str,
    name: str,
    base_year: int | None = None,
    eval_year: int | None = None,
    ncols: int = 4,
) -> plt.Figure:
    """Draw one panel per crime type: the rate per 1,000 with its exact 95 % interval.

    Provisional years have open markers; the Netherlands (sum of all municipalities) is a dashed
    grey line; the total (0.0.0) shows the CBS and the plan series side by side.

    Parameters
    ----------
    trends : DataFrame
        ``trends.csv`` (:func:`ivp_analysis.trends.trends_table`), with the municipality's and
        the national rows.
    municipality, name : str
        Code and name of the municipality.
    base_year, eval_year : int, optional
        Drawn as dotted vertical lines.
    """
    from matplotlib.lines import Line2D

    use_style()
    own = trends[trends["region"] == municipality]
    nat = trends[trends["region"] == "NL"]
    codes = sorted(own["code"].unique())
    nrows = int(np.ceil((len(codes) + 1) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 2.55 * nrows), squeeze=False)
    years = own["year"]
    xlim = (years.min() - 0.6, years.max() + 0.6)
    for i, (ax, code) in enumerate(zip(axes.flat, codes, strict=False)):
        sub = own[own["code"] == code]
        for source, g in sub.groupby("source", sort=True):
            g = g.set_index("year").reindex(range(int(g["year"].min()), int(g["year"].max()) + 1))
            g = g.reset_index().assign(status=lambda d: d["status"].fillna("missing"))
            colour = TREND_COLOURS.get(source, "#0173b2")
            x, r = g["year"].to_numpy(), g["rate_per_1000"].to_numpy(dtype=float)
            lo, hi = g["rate_ci_low"].to_numpy(float), g["rate_ci_high"].to_numpy(float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            ax.vlines(x[ok], lo[ok], hi[ok], color=colour, alpha=0.45, lw=1.2)
            ax.plot(x, r, "-", color=colour, lw=1.4)
            prov = (g["status"] == "provisional").to_numpy()
            fin = ~prov & np.isfinite(r)
            ax.plot(x[fin], r[fin], "o", color=colour, ms=3.8)
            ax.plot(x[prov], r[prov], "o", mfc="white", mec=colour, mew=1.3, ms=4.2)
        n = nat[nat["code"] == code].sort_values("year")
        if len(n):
            ax.plot(n["year"], n["rate_per_1000"], "--", color=TREND_COLOURS["NL"], lw=1.1)
        for y in (base_year, eval_year):
            if y is not None:
                ax.axvline(y, color="#999999", ls=":", lw=1)
        ax.set_title(_wrap(f"{code} {sub['label'].iloc[0]}"), fontsize=9.5)
        ax.set_xlim(*xlim)
        ax.set_ylim(bottom=0)
        ax.set_xticks([y for y in range(int(years.min()), int(years.max()) + 1) if y % 4 == 0])
        # year labels only under the lowest panel of each column (fewer texts to lay out)
        ax.tick_params(labelsize=8, labelbottom=i + ncols >= len(codes))
        dutch_ticks(ax, "y", nbins=4)
    spare = list(axes.flat[len(codes) :])
    for ax in spare:
        ax.axis("off")
    handles = [
        Line2D([], [], color=TREND_COLOURS["Politie 47018NED"], marker="o", ms=4, label=f"{name} (Politie 47018NED)"),
        Line2D([], [], color=TREND_COLOURS["CBS 83648NED"], marker="o", ms=4, label="totaal, CBS 83648NED"),
        Line2D([], [], color=TREND_COLOURS["IVP 2023-2026"], marker="o", ms=4, label="totaal, zoals in het plan"),
        Line2D([], [], color=TREND_COLOURS["NL"], ls="--", label="Nederland (som gemeenten)"),
        Line2D([], [], color="#777777", marker="o", mfc="white", ls="none", label="voorlopig cijfer (open)"),
        Line2D([], [], color="#777777", marker="|", ms=10, ls="none", alpha=0.6, label="95%-interval (Poisson)"),
        Line2D([], [], color="#999999", ls=":", label="peiljaar en evaluatiejaar"),
    ]  # fmt: skip
    if spare:
        spare[0].legend(handles=handles, loc="upper left", fontsize=8.5, frameon=False)
    else:
        fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8.5)
    fig.supylabel(_RATE_AXIS, fontsize=10, x=0.005)
    fig.supxlabel("Jaar", fontsize=10, y=0.005)
    fig.suptitle(f"Geregistreerde misdrijven per 1.000 inwoners, {name}", fontweight="bold")
    # tight_layout would cost a full extra draw: the margins are fixed by hand instead.
    fig.subplots_adjust(left=0.06, right=0.985, bottom=0.055, top=0.9, wspace=0.22, hspace=0.5)
    return fig


def change_grid(trends: pd.DataFrame, municipality: str, name: str) -> plt.Figure:
    """Draw each year's change against the year before: colour = test verdict, text = change in %.

    Rows are the series of the municipality, columns the years; a cell without a previous year
    is white ("niet te toetsen").
    """
    from ivp_analysis.trends import series_name

    use_style()
    own = trends[(trends["region"] == municipality)].copy()
    own["row"] = [
        series_name(c, lab, s)
        for c, lab, s in zip(own["code"], own["label"], own["source"], strict=True)
    ]
    rows = list(dict.fromkeys(own.sort_values(["code", "source"])["row"]))
    years = sorted(own["year"].unique())[1:]
    prov = set(own.loc[own["status"] == "provisional", "year"])
    verdicts = list(VERDICT_COLOURS)
    cmap = matplotlib.colors.ListedColormap([VERDICT_COLOURS[v] for v in verdicts])
    grid = np.full((len(rows), len(years)), verdicts.index("niet te toetsen"), dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 + 0.62 * len(years) + 3.2, 0.36 * len(rows) + 1.8))
    cells = own[own["year"].isin(years)]
    for r in cells.itertuples(index=False):
        i, j = rows.index(r.row), years.index(r.year)
        v = r.verdict if r.verdict in VERDICT_COLOURS else "niet te toetsen"
        grid[i, j] = verdicts.index(v)
        if np.isfinite(r.rate_ratio):
            text = format_pct(100 * (r.rate_ratio - 1))
            colour = "white" if v in ("significante stijging", "significante daling") else "#222222"
            ax.text(j, i, text, ha="center", va="center", fontsize=7.5, color=colour)
        else:
            ax.text(j, i, "–", ha="center", va="center", fontsize=7.5, color="#888888")
    ax.imshow(
        grid, aspect="auto", cmap=cmap, vmin=-0.5, vmax=len(verdicts) - 0.5, interpolation="nearest"
    )
    ax.set_yticks(range(len(rows)), rows, fontsize=8.5)
    ax.set_xticks(
        range(len(years)), [f"{y}\n(voorl.)" if y in prov else str(y) for y in years], fontsize=8
    )
    ax.set_xlabel("Jaar (vergeleken met het jaar ervoor)")
    ax.set_ylabel("Soort misdrijf")
    ax.grid(False)
    ax.set_xticks(np.arange(-0.5, len(years)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="#ffffff", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    handles = [Patch(facecolor=VERDICT_COLOURS[v], edgecolor="#999999", label=v) for v in verdicts]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              title="Toets (exact, 95 %)\ntekst: verandering per\n1.000 inwoners in %", title_fontsize=8)  # fmt: skip
    ax.set_title(f"Verandering ten opzichte van het jaar ervoor, {name}")
    return fig


def format_pct(value: float) -> str:
    """Format a percentage change for a small label: '+22', '−5', '0'.

    Examples
    --------
    >>> format_pct(22.4), format_pct(-5.2), format_pct(0.2)
    ('+22', '−5', '0')
    """
    v = int(round(value))
    return f"+{v}" if v > 0 else ("0" if v == 0 else f"−{abs(v)}")


def trend_position_figure(
    everyone: pd.DataFrame, models: pd.DataFrame, name: str, clip: tuple[float, float] | None = None
) -> plt.Figure:
    """Draw the yearly trend of every municipality per crime type, with the municipality's own.

    Boxes span the middle half of all municipalities' yearly changes (whiskers 5 to 95 %);
    the municipality is a diamond with its 95 % interval. The x-axis spans the whiskers and the
    intervals unless ``clip`` gives its limits.
    """
    from ivp_analysis.trends import SOURCE_POLICE, series_name

    use_style()
    own = models[models["source"] == SOURCE_POLICE].sort_values("code")
    codes = own["code"].tolist()
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(codes) + 1.6))
    pos = np.arange(len(codes))[::-1]
    data = [everyone.loc[everyone["code"] == c, "change_pct"].dropna().to_numpy() for c in codes]
    ax.boxplot(data, positions=pos, vert=False, widths=0.55, whis=(5, 95), showfliers=False,
               patch_artist=True, boxprops={"facecolor": "#dfe8f1", "edgecolor": "#6b8fb3"},
               medianprops={"color": "#35618f"}, whiskerprops={"color": "#6b8fb3"},
               capprops={"color": "#6b8fb3"})  # fmt: skip
    sig = own["p_value"].to_numpy(float) < 0.05
    x = own["change_pct"].to_numpy(float)
    lo, hi = own["ci_low_pct"].to_numpy(float), own["ci_high_pct"].to_numpy(float)
    ax.errorbar(
        x, pos, xerr=[x - lo, hi - x], fmt="none", ecolor="#d55e00", elinewidth=1.6, capsize=3
    )
    ax.plot(x[sig], pos[sig], "D", color="#d55e00", ms=7, label=f"{name}, significant")
    ax.plot(x[~sig], pos[~sig], "D", mfc="white", mec="#d55e00", mew=1.5, ms=7,
            label=f"{name}, binnen normale schommeling")  # fmt: skip
    ax.axvline(0, color="#333333", lw=0.8)
    ax.set_yticks(
        pos,
        [series_name(c, lab) for c, lab in zip(own["code"], own["label"], strict=True)],
        fontsize=9,
    )
    if clip is None:
        ends = [np.percentile(d, [5, 95]) for d in data if len(d)]
        lo_all = np.nanmin([*(e[0] for e in ends), *lo, 0.0])
        hi_all = np.nanmax([*(e[1] for e in ends), *hi, 0.0])
        pad = 0.06 * (hi_all - lo_all)
        clip = (lo_all - pad, hi_all + pad)
    ax.set_xlim(*clip)
    first, last = int(own["first_year"].min()), int(own["last_year"].max())
    ax.set_xlabel(
        f"Verandering per jaar in % (trend {first}–{last}, misdrijven per 1.000 inwoners)"
    )
    ax.set_ylabel("Soort misdrijf")
    dutch_ticks(ax, "x")
    ax.legend(handles=[*ax.get_legend_handles_labels()[0],
                       Patch(facecolor="#dfe8f1", edgecolor="#6b8fb3", label="alle gemeenten: middelste helft, streep = mediaan, snorharen 5-95 %")],
              loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=8.5, frameon=False)  # fmt: skip
    ax.set_title(f"Trend van {name} naast die van alle gemeenten")
    return fig


def benchmark_figure(
    rates: pd.DataFrame, bench: pd.DataFrame, municipality: str, name: str
) -> plt.Figure:
    """Draw, per crime type, the peer group's rates as an index with the municipality and NL.

    One row per crime type; the x-axis is the rate per 1,000 as a percentage of the peer median
    (100 = median; where the median is 0, the peer mean), so rare and common crimes share one
    axis. Dots are the peers, the box their middle half, the diamond the municipality, the bar
    the Netherlands. The municipality's own rate is written at the right.

    Parameters
    ----------
    rates : DataFrame
        :func:`ivp_analysis.trends.peer_rates` (``code``, ``region``, ``rate``).
    bench : DataFrame
        :func:`ivp_analysis.trends.benchmark`.
    """
    from matplotlib.lines import Line2D

    from ivp_analysis.display import format_nl
    from ivp_analysis.trends import series_name

    use_style()
    cap = 300.0
    n = len(bench)
    fig, ax = plt.subplots(figsize=(11, 0.52 * n + 1.9))
    rng = np.random.default_rng(1926)
    pos = np.arange(n)[::-1]
    clipped = 0
    for y, b in zip(pos, bench.itertuples(index=False), strict=True):
        vals = rates.loc[rates["code"] == b.code, "rate"].to_numpy(dtype=float)
        vals = vals[np.isfinite(vals)]
        ref = b.peer_median if b.peer_median > 0 else (vals.mean() if len(vals) else np.nan)
        if not np.isfinite(ref) or ref <= 0:
            ax.text(5, y, "geen gevallen in de groep", va="center", fontsize=8, color="#666666")
            continue
        idx = 100 * vals / ref
        clipped += int(np.sum(idx > cap))
        q1, q3 = 100 * b.peer_q1 / ref, 100 * b.peer_q3 / ref
        ax.add_patch(matplotlib.patches.Rectangle((q1, y - 0.28), q3 - q1, 0.56, facecolor="#dfe8f1",
                                                  edgecolor="#6b8fb3", zorder=1))  # fmt: skip
        ax.plot([100, 100], [y - 0.28, y + 0.28], color="#35618f", lw=1.5, zorder=2)
        ax.plot(np.minimum(idx, cap), y + rng.uniform(-0.22, 0.22, len(idx)), "o", color="#7a7a7a",
                ms=2.6, alpha=0.6, zorder=3)  # fmt: skip
        ax.plot([min(100 * b.nl_rate_per_1000 / ref, cap)] * 2, [y - 0.36, y + 0.36], color="#222222",
                lw=2.2, zorder=4)  # fmt: skip
        ax.plot([min(100 * b.rate_per_1000 / ref, cap)], [y], "D", color="#d55e00", mec="white", ms=8,
                zorder=5)  # fmt: skip
        ax.text(cap * 1.02, y, f"{format_nl(b.rate_per_1000, 2)} (mediaan {format_nl(b.peer_median, 2)})",
                va="center", fontsize=8)  # fmt: skip
    ax.text(cap * 1.02, n - 0.45, "per 1.000 inwoners", fontsize=8, fontweight="bold", va="bottom")
    ax.set_xlim(0, cap)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks(pos, [series_name(c, lab) for c, lab in zip(bench["code"], bench["label"], strict=True)],
                  fontsize=9)  # fmt: skip
    note = f"; {clipped} waarden boven {int(cap)} % staan op de rand" if clipped else ""
    ax.set_xlabel("Misdrijven per 1.000 inwoners als % van de mediaan van de vergelijkingsgroep "
                  f"(100 = mediaan{note})")  # fmt: skip
    ax.set_ylabel("Soort misdrijf")
    dutch_ticks(ax, "x")
    handles = [
        Line2D([], [], marker="D", color="#d55e00", ls="none", ms=7, label=name),
        Line2D([], [], marker="o", color="#7a7a7a", ls="none", ms=4, label="gemeenten in de groep"),
        Patch(
            facecolor="#dfe8f1", edgecolor="#6b8fb3", label="middelste helft van de groep (Q1-Q3)"
        ),
        Line2D([], [], color="#35618f", lw=1.5, label="mediaan van de groep"),
        Line2D([], [], color="#222222", lw=2.2, label="Nederland"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8.5,
              frameon=False)  # fmt: skip
    year = int(bench["year"].iloc[0]) if len(bench) else ""
    ax.set_title(f"{name} naast de vergelijkingsgroep, {year}", pad=14)
    return fig


# ---- covid ----

#: Colours of the phase bands per kind of phase (colour-blind safe, seaborn colorblind palette).
PHASE_COLOURS = {"lockdown": "#d55e00", "maatregelen": "#de8f05", "versoepeling": "#029e73"}
PHASE_ALPHA = {"lockdown": 0.22, "maatregelen": 0.16, "versoepeling": 0.08}
PHASE_KIND_NL = {
    "lockdown": "lockdown",
    "maatregelen": "andere maatregelen",
    "versoepeling": "versoepeling",
}


def _finish_panels(fig, axes, used: int, xlabel: str, bands: list, ncol: int, below: float) -> None:
    """Hide unused panels, label the bottom row and put one legend (series and phases) below."""
    for ax in axes.ravel()[used:]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(xlabel)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles + bands, labels + [b.get_label() for b in bands], loc="lower center",
               ncol=ncol, fontsize=8, bbox_to_anchor=(0.5, -below))  # fmt: skip


def _fixed_margins(
    fig, *, top_in: float, bottom_in: float, left: float, wspace: float, hspace: float
) -> None:
    """Place the panels with fixed margins (title and legend space in inches).

    ``tight_layout`` would measure every label with an extra draw of the whole figure; the
    saved image is cropped to its content anyway (``display.figure_png``).
    """
    height = fig.get_figheight()
    fig.subplots_adjust(left=left, right=0.985, bottom=bottom_in / height, top=1 - top_in / height,
                        wspace=wspace, hspace=hspace)  # fmt: skip


def _to_year_fraction(ts: pd.Timestamp) -> float:
    start = pd.Timestamp(year=ts.year, month=1, day=1)
    days = 366 if ts.is_leap_year else 365
    return ts.year + (ts - start).days / days


def phase_bands(ax, phases: pd.DataFrame, *, years: bool = False, legend: bool = False) -> list:
    """Shade the COVID-19 phases on a time axis (dates, or years as numbers when ``years``).

    Returns legend handles (one per kind of phase) so a figure can show one legend.
    """
    import matplotlib.dates as mdates
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba

    spans, colours = [], []
    for start, end, kind in zip(phases["start"], phases["end"], phases["kind"], strict=True):
        end = end + pd.Timedelta(days=1)
        if years:
            # a year axis puts each year's value at the year's middle (2020 -> 2020.5)
            start, end = _to_year_fraction(start) - 0.5, _to_year_fraction(end) - 0.5
        else:
            start, end = mdates.date2num(start), mdates.date2num(end)
        spans.append([(start, 0), (start, 1), (end, 1), (end, 0)])
        colours.append(to_rgba(PHASE_COLOURS[kind], PHASE_ALPHA[kind]))
    if spans:
        # one collection instead of one axvspan per phase (a third of the time of a panel);
        # x in data units, y over the full height, and the x range counts for the limits
        ax.add_collection(PolyCollection(spans, facecolors=colours, linewidths=0, zorder=0,
                                         transform=ax.get_xaxis_transform()), autolim=False)  # fmt: skip
        xs = [x for span in spans for x, _y in span]
        ax.update_datalim([(min(xs), 0), (max(xs), 0)], updatey=False)
        ax.autoscale_view(scaley=False)
    handles = [Patch(facecolor=PHASE_COLOURS[k], alpha=PHASE_ALPHA[k] + 0.1, label=PHASE_KIND_NL[k])
               for k in PHASE_COLOURS]  # fmt: skip
    if legend:
        ax.legend(handles=handles, loc="upper left", fontsize=8, title="COVID-19-fase")
    return handles


def covid_phase_timeline(phases: pd.DataFrame) -> plt.Figure:
    """Draw the phases of the Dutch COVID-19 measures as a time line (one bar per phase)."""
    import matplotlib.dates as mdates

    use_style()
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(phases) + 1.4))
    for i, r in enumerate(phases.itertuples()):
        end = r.end + pd.Timedelta(days=1)
        ax.barh(i, (end - r.start).days, left=r.start, color=PHASE_COLOURS[r.kind],
                alpha=0.35 + PHASE_ALPHA[r.kind], edgecolor="#444", lw=0.5)  # fmt: skip
        ax.text(end + pd.Timedelta(days=5), i, f"{r.label} ({r.start:%d-%m-%Y} t/m {r.end:%d-%m-%Y})",
                va="center", fontsize=8)  # fmt: skip
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_xlim(
        phases["start"].min() - pd.Timedelta(days=20), phases["end"].max() + pd.Timedelta(days=330)
    )
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%Y"))
    ax.tick_params(axis="x", labelsize=8, rotation=45)
    ax.set_xlabel("Datum (maand-jaar)")
    ax.set_title("Fasen van de COVID-19-maatregelen in Nederland")
    ax.legend(handles=phase_bands(ax, phases), loc="upper right", fontsize=8, title="Soort fase")
    return fig


def covid_national_panels(
    history: pd.DataFrame, national: pd.DataFrame, codes: list[str], phases: pd.DataFrame,
    level: float, level_strict: float, ncols: int = 2, first: str = "2017-01",
) -> plt.Figure:  # fmt: skip
    """Observed rate against the expected rate without COVID-19, per crime type.

    Parameters
    ----------
    history : DataFrame
        ``covid.history_table`` output: month, code, rate (normalised, per 100,000).
    national : DataFrame
        ``covid.national_counterfactual`` table (counts with ``to_rate``).
    """
    use_style()
    lo1, hi1 = f"lower_{100 * level:g}", f"upper_{100 * level:g}"
    lo2, hi2 = f"lower_{100 * level_strict:g}", f"upper_{100 * level_strict:g}"
    nrows = int(np.ceil(len(codes) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(5.2 * ncols, 3.1 * nrows), squeeze=False, sharex=True
    )
    for ax, code in zip(axes.ravel(), codes, strict=False):
        h = history[(history["code"] == code) & (history["month"] >= first)]
        n = national[national["code"] == code]
        xh = pd.PeriodIndex(h["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
        xn = pd.PeriodIndex(n["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
        f = n["to_rate"].to_numpy()
        bands = phase_bands(ax, phases)
        ax.fill_between(xn, n[lo2] * f, n[hi2] * f, color="#0173b2", alpha=0.15, lw=0,
                        label=f"{100 * level_strict:g}%-interval")  # fmt: skip
        ax.fill_between(xn, n[lo1] * f, n[hi1] * f, color="#0173b2", alpha=0.28, lw=0,
                        label=f"{100 * level:g}%-interval")  # fmt: skip
        ax.plot(
            xn,
            n["expected"] * f,
            color="#0173b2",
            ls="--",
            lw=1.4,
            label="verwacht zonder COVID-19",
        )
        ax.plot(xh, h["rate"], color="black", lw=1.1, label="geregistreerd")
        sig = n["significant"].to_numpy(bool)
        ax.plot(xn[sig], (n["observed"] * f)[sig], "o", color="#cc0000", ms=4,
                label="significant (regel)")  # fmt: skip
        label = n["label"].iloc[0] if len(n) else code
        ax.set_title(f"{code} {label}", fontsize=10)
        ax.set_ylabel("per 100.000 inwoners\n(per gemiddelde maand)", fontsize=8)
        ax.set_ylim(bottom=0)
        dutch_axis(ax)
        ax.tick_params(labelsize=8)
    _finish_panels(fig, axes, len(codes), "Maand", bands, ncol=4, below=0.02 + 0.02 / nrows)
    fig.suptitle("Geregistreerde misdrijven tegenover de verwachting zonder COVID-19 (Nederland)",
                 fontweight="bold")  # fmt: skip
    _fixed_margins(fig, top_in=0.94, bottom_in=1.02, left=0.083, wspace=0.19, hspace=0.23)
    return fig


def covid_difference_heatmap(
    national: pd.DataFrame, phases: pd.DataFrame, clip: float = 100.0
) -> plt.Figure:
    """Percentage difference observed vs expected per crime type (rows) and month (columns).

    Months counted as significant by the decision rule carry a dot; a strip above the grid
    shows the COVID-19 phases.
    """
    use_style()
    codes = list(dict.fromkeys(national["code"]))
    months = list(dict.fromkeys(national["month"]))
    grid = national.pivot(index="code", columns="month", values="pct_difference").reindex(
        index=codes, columns=months
    )
    sig = national.pivot(index="code", columns="month", values="significant").reindex(
        index=codes, columns=months
    )
    labels = national.drop_duplicates("code").set_index("code")["label"].reindex(codes)
    fig = plt.figure(figsize=(11, 0.3 * len(codes) + 2.2))
    gs = fig.add_gridspec(
        2, 2, height_ratios=[0.5, 0.3 * len(codes)], width_ratios=[40, 1], hspace=0.05, wspace=0.02
    )
    ax_strip = fig.add_subplot(gs[0, 0])
    ax = fig.add_subplot(gs[1, 0], sharex=None)
    cax = fig.add_subplot(gs[1, 1])
    cmap = plt.get_cmap("RdBu_r")
    im = ax.imshow(np.clip(grid.to_numpy(float), -clip, clip), aspect="auto", cmap=cmap, vmin=-clip,
                   vmax=clip, interpolation="nearest")  # fmt: skip
    yy, xx = np.where(sig.to_numpy(bool))
    ax.plot(xx, yy, "o", color="black", ms=2.5)
    ax.set_yticks(range(len(codes)), [f"{c} {labels[c][:30]}" for c in codes], fontsize=8)
    ticks = [i for i, m in enumerate(months) if m.endswith(("-01", "-04", "-07", "-10"))]
    ax.set_xticks(ticks, [_month_nl(months[i]) for i in ticks], rotation=90, fontsize=8)
    ax.set_xlabel("Maand")
    ax.grid(False)
    cb = fig.colorbar(im, cax=cax)
    cb.set_label(f"verschil met verwacht (%; afgekapt op ±{clip:g})", fontsize=8)
    # phase strip on the same month positions
    m_idx = pd.PeriodIndex(months, freq="M")
    for r in phases.itertuples():
        x0 = (
            (pd.Period(r.start, "M") - m_idx[0]).n + (r.start.day - 1) / r.start.days_in_month - 0.5
        )
        x1 = (pd.Period(r.end, "M") - m_idx[0]).n + r.end.day / r.end.days_in_month - 0.5
        ax_strip.axvspan(
            x0, x1, color=PHASE_COLOURS[r.kind], alpha=0.35 + PHASE_ALPHA[r.kind], lw=0
        )
    ax_strip.set_xlim(-0.5, len(months) - 0.5)
    ax_strip.set_yticks([])
    ax_strip.set_xticks([])
    ax_strip.set_ylabel("fase", rotation=0, ha="right", va="center", fontsize=8)
    ax_strip.grid(False)
    ax_strip.set_title(
        "Verschil tussen geregistreerd en verwacht per maand (stip: significant volgens de regel)"
    )
    ax_strip.legend(handles=phase_bands(ax_strip, phases.iloc[:0]) , loc="center left",
                    bbox_to_anchor=(1.01, 0.5), fontsize=7, frameon=False)  # fmt: skip
    return fig


def _month_nl(month: str) -> str:
    names = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
    p = pd.Period(month, "M")
    return f"{names[p.month - 1]} {p.year}"


def covid_backtest(bt: pd.DataFrame, labels: pd.Series) -> plt.Figure:
    """Back-test error (MASE) of the model and of the seasonal naive forecast per crime type."""
    use_style()
    d = bt.dropna(subset=["mase"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(d) + 1.5))
    y = np.arange(len(d))
    ax.hlines(
        y,
        d[["mase", "mase_naive"]].min(axis=1),
        d[["mase", "mase_naive"]].max(axis=1),
        color="#999",
        lw=1,
    )
    ax.plot(d["mase_naive"], y, "s", color="#949494", label="seizoensnaïeve voorspelling")
    ax.plot(d["mase"], y, "o", color="#0173b2", label="model (trend, maand, AR(1))")
    ax.set_yticks(y, [f"{c} {str(labels.get(c, ''))[:30]}" for c in d["code"]], fontsize=8)
    ax.axvline(1, color="#666", lw=0.8, ls=":")
    ax.set_xlabel(
        "MASE in de back-test 2018-2019 (lager is beter; schaal: fout van de naïeve methode)"
    )
    ax.set_title("Voorspelfout in de back-test: model tegenover seizoensnaïef")
    dutch_axis(ax, "x")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def covid_sensitivity(overview: pd.DataFrame, labels: pd.Series) -> plt.Figure:
    """Percentage difference over the whole window per crime type under each variant."""
    use_style()
    codes = list(dict.fromkeys(overview["code"]))[::-1]
    variants = list(dict.fromkeys(overview["variant"]))
    fig, ax = plt.subplots(figsize=(8.5, 0.3 * len(codes) + 1.6))
    marks = ["o", "<", ">", "D"]
    for i, v in enumerate(variants):
        d = overview[overview["variant"] == v].set_index("code").reindex(codes)
        ax.plot(d["pct_difference_total"], np.arange(len(codes)) + (i - 1.5) * 0.12, marks[i % 4],
                ms=5, label=v, alpha=0.85)  # fmt: skip
    ax.axvline(0, color="#666", lw=0.8)
    ax.set_yticks(
        range(len(codes)), [f"{c} {str(labels.get(c, ''))[:30]}" for c in codes], fontsize=8
    )
    ax.set_xlabel("Verschil geregistreerd tegenover verwacht over de hele periode (%)")
    ax.set_title("Gevoeligheid: andere interventiemaand en kortere voorperiode")
    dutch_axis(ax, "x")
    ax.legend(fontsize=8, loc="lower right")
    return fig


def covid_municipal_series(
    series: pd.DataFrame, results: pd.DataFrame, phases: pd.DataFrame, title: str, ncols: int = 3,
) -> plt.Figure:  # fmt: skip
    """Yearly counts of one municipality per crime type with the expected 2020-2021 and interval.

    Parameters
    ----------
    series : DataFrame
        code, label, year, value (observed counts, all years to show).
    results : DataFrame
        ``covid.municipal_counterfactual`` rows of the municipality.
    """
    use_style()
    codes = list(dict.fromkeys(series["code"]))
    nrows = int(np.ceil(len(codes) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.7 * nrows), squeeze=False)
    lo = [c for c in results.columns if c.startswith("lower_")][0]
    hi = [c for c in results.columns if c.startswith("upper_")][0]
    for ax, code in zip(axes.ravel(), codes, strict=False):
        s = series[series["code"] == code]
        r = results[results["code"] == code]
        bands = phase_bands(ax, phases, years=True)
        ax.plot(s["year"], s["value"], "-o", color="black", ms=3, lw=1, label="geregistreerd")
        ax.errorbar(r["year"], r["expected"], yerr=[r["expected"] - r[lo], r[hi] - r["expected"]],
                    fmt="s", color="#0173b2", ms=4, capsize=3, label="verwacht met 95%-interval")  # fmt: skip
        out = r["verdict"].isin(["lager dan verwacht", "hoger dan verwacht"])
        ax.plot(r.loc[out, "year"], r.loc[out, "observed"], "o", mfc="none", mec="#cc0000", ms=9, mew=1.5,
                label="buiten het interval")  # fmt: skip
        ax.set_title(f"{code} {str(s['label'].iloc[0])[:32]}", fontsize=9)
        ax.set_ylabel("misdrijven per jaar", fontsize=8)
        ax.set_ylim(bottom=0)
        ax.set_xticks(range(int(s["year"].min()), int(s["year"].max()) + 1, 2))
        dutch_axis(ax)
        ax.tick_params(labelsize=8)
    _finish_panels(fig, axes, len(codes), "Jaar", bands, ncol=3, below=0.03)
    fig.suptitle(title, fontweight="bold")
    # wide enough for five-digit tick labels (the largest municipalities)
    _fixed_margins(fig, top_in=1.07, bottom_in=1.19, left=0.065, wspace=0.3, hspace=0.36)
    return fig


def covid_municipal_distribution(
    results: pd.DataFrame, municipality: str, year: int, title: str
) -> plt.Figure:
    """Ratio observed / expected of every municipality per crime type, with one highlighted."""
    use_style()
    d = results[(results["year"] == year) & results["ratio"].notna() & (results["ratio"] > 0)]
    codes = list(dict.fromkeys(d["code"]))
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(codes) + 1.6))
    rng = np.random.default_rng(0)
    for i, code in enumerate(codes):
        r = d[d["code"] == code]
        jitter = rng.uniform(-0.25, 0.25, len(r))
        ax.plot(r["ratio"], i + jitter, ".", color="#949494", ms=3, alpha=0.5)
        ax.plot([r["ratio"].median()] * 2, [i - 0.32, i + 0.32], color="#333", lw=1.5)
        own = r[r["region"] == municipality]
        if len(own):
            ax.plot(own["ratio"], [i], "D", color="#de8f05", mec="black", ms=8)
    ax.set_xscale("log")
    ax.axvline(1, color="#0173b2", lw=1, ls="--")
    labels = d.drop_duplicates("code").set_index("code")["label"]
    ax.set_yticks(range(len(codes)), [f"{c} {str(labels[c])[:30]}" for c in codes], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"Geregistreerd / verwacht in {year} (logaritmische schaal; 1 = zoals verwacht)")
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter

    from ivp_analysis.display import format_nl

    ax.xaxis.set_major_locator(FixedLocator([0.25, 0.5, 1, 2, 4]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_nl(x, 2 if x < 1 else 0)))
    ax.xaxis.set_minor_locator(FixedLocator([]))
    ax.legend(handles=[Line2D([], [], marker=".", ls="", color="#949494", label="andere gemeenten"),
                       Line2D([], [], color="#333", lw=1.5, label="mediaan van alle gemeenten"),
                       Line2D([], [], marker="D", ls="", color="#de8f05", mec="black", label="deze gemeente")],
              fontsize=8, loc="lower right")  # fmt: skip
    ax.set_title(title)
    return fig


def covid_nuisance(nuisance: pd.DataFrame, phases: pd.DataFrame) -> plt.Figure:
    """National yearly nuisance registrations per type (47021NED) with the COVID-19 phases."""
    use_style()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    bands = phase_bands(ax, phases, years=True)
    # the eight registration types; their total is in the text, not in the figure
    for code, g in nuisance[nuisance["code"] != "overlast.totaal"].groupby("code", sort=True):
        ax.plot(
            g["year"], g["value"] / 1000, "-o", ms=3, lw=1.2, label=f"{code} {g['label'].iloc[0]}"
        )
    ax.set_ylabel("registraties per jaar (x 1.000)")
    ax.set_xlabel("Jaar")
    ax.set_title("Registraties van overlast in Nederland (politie, 47021NED)")
    dutch_axis(ax)
    h, lab = ax.get_legend_handles_labels()
    ax.legend(h + bands, lab + [b.get_label() for b in bands], fontsize=7, loc="upper left",
              bbox_to_anchor=(1.01, 1))  # fmt: skip
    return fig
