"""Figures of the crime trends (notebook 01): rates, changes, trends, benchmarks."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ivp_analysis.plots.style import dutch_ticks, format_pct, use_style, wrap
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.present.trends.formats import MIN_BASE_FOR_PERCENT, series_name
from ivp_analysis.trends.inputs import NATIONAL
from ivp_analysis.vocab import (
    SOURCE_CBS,
    SOURCE_PLAN,
    SOURCE_POLICE,
    VERDICT_DOWN,
    VERDICT_NA,
    VERDICT_PROVISIONAL,
    VERDICT_UP,
    VERDICT_WITHIN,
)

TREND_COLOURS = {
    SOURCE_POLICE: "#0173b2",
    SOURCE_CBS: "#029e73",
    SOURCE_PLAN: "#cc78bc",
    NATIONAL: "#555555",
}
#: Colours of the test verdicts (orange = rise, blue = fall: colour-blind safe; pale yellow =
#: a provisional figure without a verdict).
VERDICT_COLOURS = {
    VERDICT_UP: "#d55e00",
    VERDICT_DOWN: "#0173b2",
    VERDICT_WITHIN: "#e6e6e6",
    VERDICT_PROVISIONAL: "#f6ecb8",
    VERDICT_NA: "#ffffff",
}
_RATE_AXIS = "Misdrijven per 1.000 inwoners (gemiddelde bevolking)"


def _rate_panel(ax, sub: pd.DataFrame, nat: pd.DataFrame, marks: tuple[int | None, ...]) -> None:
    """Draw one crime type: each source's rate with its interval, the Netherlands dashed."""
    for source, g in sub.groupby("source", sort=True):
        g = g.set_index("year").reindex(range(int(g["year"].min()), int(g["year"].max()) + 1))
        g = g.reset_index().assign(status=lambda d: d["status"].fillna("missing"))
        colour = TREND_COLOURS.get(source, TREND_COLOURS[SOURCE_POLICE])
        x, r = g["year"].to_numpy(), g["rate_per_1000"].to_numpy(dtype=float)
        lo, hi = g["rate_ci_low"].to_numpy(float), g["rate_ci_high"].to_numpy(float)
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.vlines(x[ok], lo[ok], hi[ok], color=colour, alpha=0.45, lw=1.2)
        ax.plot(x, r, "-", color=colour, lw=1.4)
        prov = (g["status"] == "provisional").to_numpy()
        fin = ~prov & np.isfinite(r)
        ax.plot(x[fin], r[fin], "o", color=colour, ms=3.8)
        ax.plot(x[prov], r[prov], "o", mfc="white", mec=colour, mew=1.3, ms=4.2)
    n = nat.sort_values("year")
    if len(n):
        ax.plot(n["year"], n["rate_per_1000"], "--", color=TREND_COLOURS[NATIONAL], lw=1.1)
    for y in marks:
        if y is not None:
            ax.axvline(y, color="#999999", ls=":", lw=1)


def _rate_legend(name: str, sources: set[str]) -> list[Line2D]:
    """Return the legend of the small multiples: the sources drawn, the Netherlands, the marks."""
    labels = {
        SOURCE_POLICE: f"{name} (Politie 47018NED)",
        SOURCE_CBS: "totaal, CBS 83648NED",
        SOURCE_PLAN: "totaal, zoals in het plan",
    }
    handles = [
        Line2D([], [], color=TREND_COLOURS[s], marker="o", ms=4, label=label)
        for s, label in labels.items()
        if s in sources
    ]
    grey = "#777777"
    return [
        *handles,
        Line2D([], [], color=TREND_COLOURS[NATIONAL], ls="--", label="Nederland (som gemeenten)"),
        Line2D(
            [], [], color=grey, marker="o", mfc="white", ls="none", label="voorlopig cijfer (open)"
        ),
        Line2D(
            [],
            [],
            color=grey,
            marker="|",
            ms=10,
            ls="none",
            alpha=0.6,
            label="95%-interval (met de spreiding van de reeks)",
        ),
        Line2D([], [], color="#999999", ls=":", label="peiljaar en evaluatiejaar"),
    ]


def rate_small_multiples(
    trends: pd.DataFrame,
    municipality: str,
    name: str,
    base_year: int | None = None,
    eval_year: int | None = None,
    ncols: int = 4,
) -> plt.Figure:
    """Draw one panel per crime type: the rate per 1,000 with its 95 % interval.

    The interval carries the series' dispersion (``rate_ci_low``/``rate_ci_high`` of
    ``trends.csv``: exact Poisson only where no dispersion could be estimated).

    Provisional years have open markers; the Netherlands (sum of all municipalities) is a dashed
    grey line; the total (0.0.0) shows the CBS and the plan series side by side.

    Parameters
    ----------
    trends : DataFrame
        ``trends.csv`` (:func:`ivp_analysis.trends.changes.trends_table`), with the
        municipality's and the national rows.
    municipality, name : str
        Code and name of the municipality.
    base_year, eval_year : int, optional
        Drawn as dotted vertical lines.
    """
    use_style()
    own = trends[trends["region"] == municipality]
    nat = trends[trends["region"] == NATIONAL]
    codes = sorted(own["code"].unique())
    nrows = int(np.ceil((len(codes) + 1) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 2.55 * nrows), squeeze=False)
    years = own["year"]
    xlim = (years.min() - 0.6, years.max() + 0.6)
    for i, (ax, code) in enumerate(zip(axes.flat, codes, strict=False)):
        sub = own[own["code"] == code]
        _rate_panel(ax, sub, nat[nat["code"] == code], (base_year, eval_year))
        ax.set_title(wrap(f"{code} {sub['label'].iloc[0]}"), fontsize=9.5)
        ax.set_xlim(*xlim)
        ax.set_ylim(bottom=0)
        ax.set_xticks([y for y in range(int(years.min()), int(years.max()) + 1) if y % 4 == 0])
        # year labels only under the lowest panel of each column (fewer texts to lay out)
        ax.tick_params(labelsize=8, labelbottom=i + ncols >= len(codes))
        dutch_ticks(ax, "y", nbins=4)
    spare = list(axes.flat[len(codes) :])
    for ax in spare:
        ax.axis("off")
    handles = _rate_legend(name, set(own["source"]))
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


def _cell_text(ratio: float, before: float, count: float) -> str:
    """The text of a grid cell: the change in %, or the two counts when the first is small.

    Examples
    --------
    >>> _cell_text(1.224, 61.0, 76.0), _cell_text(float("nan"), 0.0, 2.0), _cell_text(3.0, 2, 6)
    ('+22', '0→2', '2→6')
    """
    if np.isfinite(before) and before < MIN_BASE_FOR_PERCENT:
        return f"{before:.0f}→{count:.0f}"
    if np.isfinite(ratio):
        return format_pct(100 * (ratio - 1))
    return "–"


def change_grid(trends: pd.DataFrame, municipality: str, name: str) -> plt.Figure:
    """Draw each year's change against the year before: colour = verdict, text = change in %.

    The verdict is that of ``trends.csv`` (the series' dispersion, on the q-value; pale yellow:
    a provisional figure without a verdict). Rows are the series of the municipality, columns
    the years; a cell without a previous year is white ("niet te toetsen"). Below ten cases in
    the earlier year the cell shows the two counts instead of a percentage.
    """
    use_style()
    own = trends[(trends["region"] == municipality)].copy()
    before = own[["code", "source", "year", "count"]].assign(year=own["year"] + 1)
    own = own.merge(
        before.rename(columns={"count": "before_count"}), on=["code", "source", "year"], how="left"
    )
    own["row"] = [
        series_name(c, lab, s)
        for c, lab, s in zip(own["code"], own["label"], own["source"], strict=True)
    ]
    rows = list(dict.fromkeys(own.sort_values(["code", "source"])["row"]))
    years = sorted(own["year"].unique())[1:]
    prov = set(own.loc[own["status"] == "provisional", "year"])
    verdicts = list(VERDICT_COLOURS)
    cmap = matplotlib.colors.ListedColormap([VERDICT_COLOURS[v] for v in verdicts])
    grid = np.full((len(rows), len(years)), verdicts.index(VERDICT_NA), dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 + 0.62 * len(years) + 3.2, 0.36 * len(rows) + 1.8))
    cells = own[own["year"].isin(years)]
    for r in cells.itertuples(index=False):
        i, j = rows.index(r.row), years.index(r.year)
        v = r.verdict if r.verdict in VERDICT_COLOURS else VERDICT_NA
        grid[i, j] = verdicts.index(v)
        text = _cell_text(r.rate_ratio, r.before_count, r.count) if np.isfinite(r.p_value) else "–"
        colour = "white" if v in (VERDICT_UP, VERDICT_DOWN) else "#222222"
        colour = "#888888" if text == "–" else colour
        ax.text(j, i, text, ha="center", va="center", fontsize=7.5, color=colour)
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
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
        title=(
            "Toets met de spreiding\nvan de reeks, oordeel op q\n(95 %); tekst: verandering\n"
            "per 1.000 inwoners in %\n(aantallen bij < 10)"
        ),
        title_fontsize=8,
    )
    ax.set_title(f"Verandering ten opzichte van het jaar ervoor, {name}")
    return fig


def trend_position_figure(
    everyone: pd.DataFrame, models: pd.DataFrame, name: str, clip: tuple[float, float] | None = None
) -> plt.Figure:
    """Draw the yearly trend of every municipality per crime type, with the municipality's own.

    Boxes span the middle half of all municipalities' yearly changes (whiskers 5 to 95 %);
    the municipality is a diamond with its 95 % interval, filled when significant on q. The
    x-axis spans the whiskers and the intervals unless ``clip`` gives its limits.
    """
    use_style()
    own = models[models["source"] == SOURCE_POLICE].sort_values("code")
    codes = own["code"].tolist()
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(codes) + 1.6))
    pos = np.arange(len(codes))[::-1]
    data = [everyone.loc[everyone["code"] == c, "change_pct"].dropna().to_numpy() for c in codes]
    ax.boxplot(
        data,
        positions=pos,
        vert=False,
        widths=0.55,
        whis=(5, 95),
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "#dfe8f1", "edgecolor": "#6b8fb3"},
        medianprops={"color": "#35618f"},
        whiskerprops={"color": "#6b8fb3"},
        capprops={"color": "#6b8fb3"},
    )
    sig = own["q_value"].to_numpy(float) < 0.05
    x = own["change_pct"].to_numpy(float)
    lo, hi = own["ci_low_pct"].to_numpy(float), own["ci_high_pct"].to_numpy(float)
    ax.errorbar(
        x, pos, xerr=[x - lo, hi - x], fmt="none", ecolor="#d55e00", elinewidth=1.6, capsize=3
    )
    ax.plot(x[sig], pos[sig], "D", color="#d55e00", ms=7, label=f"{name}, significant")
    ax.plot(
        x[~sig],
        pos[~sig],
        "D",
        mfc="white",
        mec="#d55e00",
        mew=1.5,
        ms=7,
        label=f"{name}, {VERDICT_WITHIN}",
    )
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
    box = Patch(
        facecolor="#dfe8f1",
        edgecolor="#6b8fb3",
        label="alle gemeenten: middelste helft, streep = mediaan, snorharen 5-95 %",
    )
    ax.legend(
        handles=[*ax.get_legend_handles_labels()[0], box],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=3,
        fontsize=8.5,
        frameon=False,
    )
    ax.set_title(f"Trend van {name} naast die van alle gemeenten")
    return fig


#: Where the benchmark's index axis ends (% of the peer median); larger values sit on the edge.
_BENCHMARK_CAP = 300.0


def _benchmark_row(ax, y: float, b, vals: np.ndarray, rng: np.random.Generator) -> int:
    """Draw one crime type of the benchmark as an index of the peer median; return the clipped."""
    cap = _BENCHMARK_CAP
    ref = b.peer_median if b.peer_median > 0 else (vals.mean() if len(vals) else np.nan)
    if not np.isfinite(ref) or ref <= 0:
        ax.text(5, y, "geen gevallen in de groep", va="center", fontsize=8, color="#666666")
        return 0
    idx = 100 * vals / ref
    q1, q3 = 100 * b.peer_q1 / ref, 100 * b.peer_q3 / ref
    box = matplotlib.patches.Rectangle(
        (q1, y - 0.28), q3 - q1, 0.56, facecolor="#dfe8f1", edgecolor="#6b8fb3", zorder=1
    )
    ax.add_patch(box)
    ax.plot([100, 100], [y - 0.28, y + 0.28], color="#35618f", lw=1.5, zorder=2)
    jitter = y + rng.uniform(-0.22, 0.22, len(idx))
    ax.plot(np.minimum(idx, cap), jitter, "o", color="#7a7a7a", ms=2.6, alpha=0.6, zorder=3)
    nl = min(100 * b.nl_rate_per_1000 / ref, cap)
    ax.plot([nl] * 2, [y - 0.36, y + 0.36], color="#222222", lw=2.2, zorder=4)
    own = min(100 * b.rate_per_1000 / ref, cap)
    ax.plot([own], [y], "D", color="#d55e00", mec="white", ms=8, zorder=5)
    text = f"{format_nl(b.rate_per_1000, 2)} (mediaan {format_nl(b.peer_median, 2)})"
    ax.text(cap * 1.02, y, text, va="center", fontsize=8)
    return int(np.sum(idx > cap))


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
        :func:`ivp_analysis.trends.benchmark.peer_rates` (``code``, ``region``, ``rate``).
    bench : DataFrame
        :func:`ivp_analysis.trends.benchmark.benchmark`.
    """
    use_style()
    cap = _BENCHMARK_CAP
    n = len(bench)
    fig, ax = plt.subplots(figsize=(11, 0.52 * n + 1.9))
    rng = np.random.default_rng(1926)
    pos = np.arange(n)[::-1]
    clipped = 0
    for y, b in zip(pos, bench.itertuples(index=False), strict=True):
        vals = rates.loc[rates["code"] == b.code, "rate"].to_numpy(dtype=float)
        clipped += _benchmark_row(ax, y, b, vals[np.isfinite(vals)], rng)
    ax.text(cap * 1.02, n - 0.45, "per 1.000 inwoners", fontsize=8, fontweight="bold", va="bottom")
    ax.set_xlim(0, cap)
    ax.set_ylim(-0.7, n - 0.3)
    names = [series_name(c, lab) for c, lab in zip(bench["code"], bench["label"], strict=True)]
    ax.set_yticks(pos, names, fontsize=9)
    note = f"; {clipped} waarden boven {int(cap)} % staan op de rand" if clipped else ""
    ax.set_xlabel(
        "Misdrijven per 1.000 inwoners als % van de mediaan van de vergelijkingsgroep "
        f"(100 = mediaan{note})"
    )
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
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=3,
        fontsize=8.5,
        frameon=False,
    )
    year = int(bench["year"].iloc[0]) if len(bench) else ""
    ax.set_title(f"{name} naast de vergelijkingsgroep, {year}", pad=14)
    return fig
