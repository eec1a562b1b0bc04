"""Figures of the data overview (notebook 00)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ivp_analysis.plots.style import use_style
from ivp_analysis.vocab import DATA_STATUS_NL

#: Colours per status (colour-blind safe, from seaborn's colorblind palette).
STATUS_COLOURS = {
    "final": "#0173b2",
    "provisional": "#de8f05",
    "unknown": "#949494",
    "missing": "#ffffff",
}


def availability_heatmap(avail: pd.DataFrame, title: str) -> plt.Figure:
    """Draw which figures exist per source, code and year, coloured by status.

    Parameters
    ----------
    avail : DataFrame
        ``data_availability.csv`` (:func:`ivp_analysis.overview.availability`).
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
    ax.imshow(
        np.ma.masked_invalid(grid),
        aspect="auto",
        cmap=cmap,
        vmin=-0.5,
        vmax=len(codes) - 0.5,
        interpolation="nearest",
    )
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
        Patch(facecolor=STATUS_COLOURS[c], edgecolor="#999", label=DATA_STATUS_NL[c]) for c in codes
    ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), title="Status", fontsize=8
    )
    return fig
