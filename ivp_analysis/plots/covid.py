"""Figures of the COVID-19 chapter (notebook 02): phases, counterfactuals, municipalities."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ivp_analysis.codes import NUISANCE_TOTAL
from ivp_analysis.plots.style import dutch_axis, use_style
from ivp_analysis.vocab import MONTHS_NL, VERDICT_ABOVE, VERDICT_BELOW

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
    fig.legend(
        handles + bands,
        labels + [b.get_label() for b in bands],
        loc="lower center",
        ncol=ncol,
        fontsize=8,
        bbox_to_anchor=(0.5, -below),
    )


def _fixed_margins(
    fig, *, top_in: float, bottom_in: float, left: float, wspace: float, hspace: float
) -> None:
    """Place the panels with fixed margins (title and legend space in inches).

    ``tight_layout`` would measure every label with an extra draw of the whole figure; the
    saved image is cropped to its content anyway (``display.figure_png``).
    """
    height = fig.get_figheight()
    fig.subplots_adjust(
        left=left,
        right=0.985,
        bottom=bottom_in / height,
        top=1 - top_in / height,
        wspace=wspace,
        hspace=hspace,
    )


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
        ax.add_collection(
            PolyCollection(
                spans,
                facecolors=colours,
                linewidths=0,
                zorder=0,
                transform=ax.get_xaxis_transform(),
            ),
            autolim=False,
        )
        xs = [x for span in spans for x, _y in span]
        ax.update_datalim([(min(xs), 0), (max(xs), 0)], updatey=False)
        ax.autoscale_view(scaley=False)
    handles = [
        Patch(facecolor=PHASE_COLOURS[k], alpha=PHASE_ALPHA[k] + 0.1, label=PHASE_KIND_NL[k])
        for k in PHASE_COLOURS
    ]
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
        ax.barh(
            i,
            (end - r.start).days,
            left=r.start,
            color=PHASE_COLOURS[r.kind],
            alpha=0.35 + PHASE_ALPHA[r.kind],
            edgecolor="#444",
            lw=0.5,
        )
        ax.text(
            end + pd.Timedelta(days=5),
            i,
            f"{r.label} ({r.start:%d-%m-%Y} t/m {r.end:%d-%m-%Y})",
            va="center",
            fontsize=8,
        )
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
    history: pd.DataFrame,
    national: pd.DataFrame,
    codes: list[str],
    phases: pd.DataFrame,
    level: float,
    level_strict: float,
    ncols: int = 2,
) -> plt.Figure:
    """Observed rate against the expected rate without COVID-19, per crime type.

    Parameters
    ----------
    history : DataFrame
        ``covid.data.history_table`` output: month, code, rate (normalised, per 100,000), from
        the first month to show.
    national : DataFrame
        ``covid.national.national_counterfactual`` table (counts with ``to_rate``).
    """
    use_style()
    nrows = int(np.ceil(len(codes) / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(5.2 * ncols, 3.1 * nrows), squeeze=False, sharex=True
    )
    bands: list = []
    for ax, code in zip(axes.ravel(), codes, strict=False):
        bands = phase_bands(ax, phases)
        _national_panel(ax, code, history[history["code"] == code], national, level, level_strict)
    _finish_panels(fig, axes, len(codes), "Maand", bands, ncol=4, below=0.02 + 0.02 / nrows)
    fig.suptitle(
        "Geregistreerde misdrijven tegenover de verwachting zonder COVID-19 (Nederland)",
        fontweight="bold",
    )
    _fixed_margins(fig, top_in=0.94, bottom_in=1.02, left=0.083, wspace=0.19, hspace=0.23)
    return fig


def _national_panel(ax, code, h, national, level, level_strict) -> None:
    """Draw one crime type: observed rate, expected rate, both intervals, significant months."""
    lo1, hi1 = f"lower_{100 * level:g}", f"upper_{100 * level:g}"
    lo2, hi2 = f"lower_{100 * level_strict:g}", f"upper_{100 * level_strict:g}"
    n = national[national["code"] == code]
    xh = pd.PeriodIndex(h["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
    xn = pd.PeriodIndex(n["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
    f = n["to_rate"].to_numpy()
    blue = "#0173b2"
    ax.fill_between(
        xn,
        n[lo2] * f,
        n[hi2] * f,
        color=blue,
        alpha=0.15,
        lw=0,
        label=f"{100 * level_strict:g}%-interval",
    )
    ax.fill_between(
        xn, n[lo1] * f, n[hi1] * f, color=blue, alpha=0.28, lw=0, label=f"{100 * level:g}%-interval"
    )
    ax.plot(xn, n["expected"] * f, color=blue, ls="--", lw=1.4, label="verwacht zonder COVID-19")
    ax.plot(xh, h["rate"], color="black", lw=1.1, label="geregistreerd")
    sig = n["significant"].to_numpy(bool)
    ax.plot(
        xn[sig], (n["observed"] * f)[sig], "o", color="#cc0000", ms=4, label="significant (regel)"
    )
    label = n["label"].iloc[0] if len(n) else code
    ax.set_title(f"{code} {label}", fontsize=10)
    ax.set_ylabel("per 100.000 inwoners\n(per gemiddelde maand)", fontsize=8)
    ax.set_ylim(bottom=0)
    dutch_axis(ax)
    ax.tick_params(labelsize=8)


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
    im = ax.imshow(
        np.clip(grid.to_numpy(float), -clip, clip),
        aspect="auto",
        cmap=cmap,
        vmin=-clip,
        vmax=clip,
        interpolation="nearest",
    )
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
    ax_strip.legend(
        handles=phase_bands(ax_strip, phases.iloc[:0]),
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
        fontsize=7,
        frameon=False,
    )
    return fig


def _month_nl(month: str) -> str:
    p = pd.Period(month, "M")
    return f"{MONTHS_NL[p.month - 1]} {p.year}"


def covid_backtest(bt: pd.DataFrame, labels: pd.Series, period: str) -> plt.Figure:
    """Rolling back-test per crime type: MASE and interval coverage of the model and of naive.

    ``bt`` holds the scores of :func:`ivp_analysis.covid.backtest.rolling_backtest` with a
    ``code`` column; ``period`` says what was forecast (axis label).
    """
    use_style()
    d = bt[bt["origins"] > 0].iloc[::-1]
    cov = [c for c in d.columns if c.startswith("coverage_") and not c.endswith("_naive")][0]
    fig, (ax, ax2) = plt.subplots(
        1, 2, figsize=(11, 0.28 * len(d) + 1.7), sharey=True, gridspec_kw={"width_ratios": [3, 2]}
    )
    y = np.arange(len(d))
    for a, (m, n) in ((ax, ("mase", "mase_naive")), (ax2, (cov, cov + "_naive"))):
        scale = 100 if a is ax2 else 1
        a.hlines(
            y, d[[m, n]].min(axis=1) * scale, d[[m, n]].max(axis=1) * scale, color="#999", lw=1
        )
        a.plot(d[n] * scale, y, "s", color="#949494", label="seizoensnaïeve voorspelling")
        a.plot(d[m] * scale, y, "o", color="#0173b2", label="model (seizoensverschil, AR(1))")
        dutch_axis(a, "x")
    ax.set_yticks(y, [f"{c} {str(labels.get(c, ''))[:30]}" for c in d["code"]], fontsize=8)
    ax.axvline(1, color="#666", lw=0.8, ls=":")
    ax.set_xlabel("MASE (lager is beter; schaal: fout van de naïeve methode)")
    level = cov.removeprefix("coverage_")
    ax2.axvspan(90, 97, color="#029e73", alpha=0.12, lw=0, label="doel: 90-97 %")
    ax2.axvline(85, color="#d55e00", lw=0.8, ls=":", label="ondergrens 85 %")
    ax2.set_xlabel(f"{level}%-interval raak (% van de back-testmaanden)")
    ax.legend(fontsize=8, loc="lower right")
    ax2.legend(fontsize=7, loc="lower left")
    fig.suptitle(f"Rolling back-test ({period}): model tegenover seizoensnaïef")
    return fig


def covid_sensitivity(
    overview: pd.DataFrame, labels: pd.Series, variant_labels: dict[str, str]
) -> plt.Figure:
    """Percentage difference over the whole window per crime type under each variant.

    ``variant_labels`` gives the legend text of each variant in ``overview["variant"]``.
    """
    use_style()
    codes = list(dict.fromkeys(overview["code"]))[::-1]
    variants = list(dict.fromkeys(overview["variant"]))
    fig, ax = plt.subplots(figsize=(8.5, 0.3 * len(codes) + 1.6))
    marks = ["o", "<", ">", "D"]
    for i, v in enumerate(variants):
        d = overview[overview["variant"] == v].set_index("code").reindex(codes)
        ax.plot(
            d["pct_difference_total"],
            np.arange(len(codes)) + (i - 1.5) * 0.12,
            marks[i % 4],
            ms=5,
            label=variant_labels.get(v, v),
            alpha=0.85,
        )
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
    series: pd.DataFrame,
    results: pd.DataFrame,
    phases: pd.DataFrame,
    title: str,
    ncols: int = 3,
) -> plt.Figure:
    """Yearly counts of one municipality per crime type with the expected counts and intervals.

    Parameters
    ----------
    series : DataFrame
        code, label, year, value (observed counts, all years to show).
    results : DataFrame
        ``covid.municipal.municipal_counterfactual`` rows of the municipality.
    """
    use_style()
    codes = list(dict.fromkeys(series["code"]))
    nrows = int(np.ceil(len(codes) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.7 * nrows), squeeze=False)
    lo = [c for c in results.columns if c.startswith("lower_")][0]
    hi = [c for c in results.columns if c.startswith("upper_")][0]
    expected_label = f"verwacht met {lo.removeprefix('lower_')}%-interval"
    for ax, code in zip(axes.ravel(), codes, strict=False):
        s = series[series["code"] == code]
        r = results[results["code"] == code]
        bands = phase_bands(ax, phases, years=True)
        ax.plot(s["year"], s["value"], "-o", color="black", ms=3, lw=1, label="geregistreerd")
        ax.errorbar(
            r["year"],
            r["expected"],
            yerr=[r["expected"] - r[lo], r[hi] - r["expected"]],
            fmt="s",
            color="#0173b2",
            ms=4,
            capsize=3,
            label=expected_label,
        )
        out = r["verdict"].isin([VERDICT_BELOW, VERDICT_ABOVE])
        ax.plot(
            r.loc[out, "year"],
            r.loc[out, "observed"],
            "o",
            mfc="none",
            mec="#cc0000",
            ms=9,
            mew=1.5,
            label="buiten het interval",
        )
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
    results: pd.DataFrame, municipality: str, years, title: str
) -> plt.Figure:
    """Ratio observed / expected of every municipality per crime type, with one highlighted.

    One panel per year of ``years``, side by side with the crime types on a shared axis.
    """
    from matplotlib.lines import Line2D

    use_style()
    years = list(years)
    d = results[results["year"].isin(years) & results["ratio"].notna() & (results["ratio"] > 0)]
    codes = list(dict.fromkeys(d["code"]))
    labels = d.drop_duplicates("code").set_index("code")["label"]
    fig, axes = plt.subplots(
        1,
        len(years),
        figsize=(4.6 * len(years) + 2.4, 0.42 * len(codes) + 1.8),
        squeeze=False,
        sharey=True,
    )
    for ax, year in zip(axes[0], years, strict=True):
        _ratio_panel(ax, d[d["year"] == year], codes, municipality)
        ax.set_title(str(year), fontsize=10)
        ax.set_xlabel("Geregistreerd / verwacht\n(logaritmische schaal; 1 = zoals verwacht)")
    ax0 = axes[0, 0]
    ax0.set_yticks(range(len(codes)), [f"{c} {str(labels[c])[:30]}" for c in codes], fontsize=8)
    ax0.invert_yaxis()
    handles = [
        Line2D([], [], marker=".", ls="", color="#949494", label="andere gemeenten"),
        Line2D([], [], color="#333", lw=1.5, label="mediaan van alle gemeenten"),
        Line2D([], [], marker="D", ls="", color="#de8f05", mec="black", label="deze gemeente"),
    ]
    fig.legend(handles=handles, fontsize=8, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.04))
    fig.suptitle(title, fontweight="bold")
    return fig


def _ratio_panel(ax, d: pd.DataFrame, codes: list[str], municipality: str) -> None:
    """Draw one year's ratios: every municipality as a dot, the median, the municipality."""
    from matplotlib.ticker import FixedLocator, FuncFormatter

    from ivp_analysis.present.numbers import format_nl

    rng = np.random.default_rng(0)
    for i, code in enumerate(codes):
        r = d[d["code"] == code]
        jitter = rng.uniform(-0.25, 0.25, len(r))
        ax.plot(r["ratio"], i + jitter, ".", color="#949494", ms=3, alpha=0.5)
        if len(r):
            ax.plot([r["ratio"].median()] * 2, [i - 0.32, i + 0.32], color="#333", lw=1.5)
        own = r[r["region"] == municipality]
        if len(own):
            ax.plot(own["ratio"], [i], "D", color="#de8f05", mec="black", ms=8)
    ax.set_xscale("log")
    ax.axvline(1, color="#0173b2", lw=1, ls="--")
    ax.xaxis.set_major_locator(FixedLocator([0.25, 0.5, 1, 2, 4]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: format_nl(x, 2 if x < 1 else 0)))
    ax.xaxis.set_minor_locator(FixedLocator([]))


def covid_nuisance(nuisance: pd.DataFrame, phases: pd.DataFrame) -> plt.Figure:
    """National yearly nuisance registrations per type (47021NED) with the COVID-19 phases."""
    use_style()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    bands = phase_bands(ax, phases, years=True)
    # the eight registration types; their total is in the text, not in the figure
    for code, g in nuisance[nuisance["code"] != NUISANCE_TOTAL].groupby("code", sort=True):
        ax.plot(
            g["year"], g["value"] / 1000, "-o", ms=3, lw=1.2, label=f"{code} {g['label'].iloc[0]}"
        )
    ax.set_ylabel("registraties per jaar (x 1.000)")
    ax.set_xlabel("Jaar")
    ax.set_title("Registraties van overlast in Nederland (politie, 47021NED)")
    dutch_axis(ax)
    h, lab = ax.get_legend_handles_labels()
    ax.legend(
        h + bands,
        lab + [b.get_label() for b in bands],
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
    )
    return fig
