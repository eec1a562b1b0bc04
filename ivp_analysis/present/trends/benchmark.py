"""Section 5 of the crime trends: the municipality against the Netherlands and its peers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.present.trends.formats import RATE_UNIT, series_name
from ivp_analysis.trends import TrendAnalysis

#: Decimals of the benchmark table's rates.
BENCHMARK_DECIMALS = {
    c: 3
    for c in ("gemeente per 1.000", "Nederland per 1.000", "groep Q1", "groep mediaan", "groep Q3")
}


def peers_text(result: TrendAnalysis) -> str:
    """Return the peer group in one line: how it was formed and how many municipalities."""
    peers = result.peers
    if peers is None:
        return ""
    return f"Vergelijkingsgroep: {peers.description}; {len(peers.codes)} gemeenten"


def benchmark_table(result: TrendAnalysis) -> pd.DataFrame:
    """Return the benchmark as a reader's table."""
    b = result.benchmark
    ranks = [
        f"{int(r)} van {n}" if np.isfinite(r) else "–"
        for r, n in zip(b["peer_rank"], b["n_peers"], strict=True)
    ]
    return pd.DataFrame(
        {
            "soort": [series_name(c, lab) for c, lab in zip(b["code"], b["label"], strict=True)],
            "aantal": b["count"],
            "gemeente per 1.000": b["rate_per_1000"],
            "Nederland per 1.000": b["nl_rate_per_1000"],
            "groep Q1": b["peer_q1"],
            "groep mediaan": b["peer_median"],
            "groep Q3": b["peer_q3"],
            "rang (1 = laagste)": ranks,
            "plaats in de groep": b["position"],
        }
    )


def benchmark_caption(result: TrendAnalysis) -> str:
    """Return the caption of :func:`benchmark_table`."""
    year = result.moment.benchmark_year
    return f"{result.name} in {year} naast Nederland en de vergelijkingsgroep ({RATE_UNIT})"


def benchmark_figure_alt(result: TrendAnalysis) -> str:
    """Return the alternative text of the benchmark figure."""
    n = len(result.peers.codes) if result.peers is not None else 0
    name = result.name
    return (
        f"Eén rij per soort misdrijf met de cijfers per 1.000 inwoners van de {n} gemeenten in de "
        f"vergelijkingsgroep in {result.moment.benchmark_year}, uitgedrukt als percentage van de "
        "mediaan van de groep: grijze stippen voor de gemeenten, een box voor de middelste helft, "
        f"een zwarte streep voor Nederland en een oranje ruit voor {name}; rechts staat het cijfer "
        f"van {name} en de mediaan per 1.000 inwoners."
    )


def benchmark_figure_caption(result: TrendAnalysis) -> str:
    """Return the caption of the benchmark figure."""
    description = result.peers.description if result.peers is not None else ""
    return (
        f"Vergelijkingsgroep: {description}. Omdat soorten sterk verschillen in omvang, staat elk "
        "cijfer als percentage van de mediaan van de groep; 100 = de mediaan."
    )
