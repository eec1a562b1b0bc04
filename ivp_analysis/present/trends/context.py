"""The evaluation year against the pre-plan trend (a section of the crime trends): the table, and
the generated lines that also close the conclusions.

A change against the base year can be the continuation of a trend that was there before the plan,
or partly a return from an unusual base year (regression to the mean). The table sets the
evaluation year against the trend of the years up to the base year, projected with a 95 %
prediction interval; the lines never call a change within that trend an effect of the plan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis.moments import PANDEMIC_YEARS
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.present.trends.formats import interval, join, names, own_rows
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.vocab import (
    TREND_ABOVE,
    TREND_BELOW,
    TREND_NL,
    TREND_PROVISIONAL,
    TREND_WITHIN,
)


def _evaluated(result: TrendAnalysis) -> pd.DataFrame:
    """Return the municipality's rows of the evaluation year that carry a trend context."""
    own = own_rows(result)
    if "trend_expected" not in own:  # a table without the trend context
        return own.iloc[0:0]
    return own[(own["year"] == result.moment.eval_year) & own["trend_expected"].notna()]


def context_table(result: TrendAnalysis) -> pd.DataFrame:
    """Return the evaluation year against the pre-plan trend, one row per series.

    Columns (Dutch): soort, the base year's count, the evaluation year's count, the count the
    trend expected, its 95 % prediction interval, where the evaluation year lies, and where the
    base year lay against the trend of the years before it.
    """
    m = result.moment
    own = own_rows(result)
    rows = _evaluated(result)
    base = own[own["year"] == m.base_year].set_index(["code", "source"])["count"]
    out = []
    for r in rows.to_dict("records"):
        key = (r["code"], r["source"])
        out.append(
            {
                "soort": names(pd.DataFrame([r]), short=True)[0],
                f"aantal {m.base_year}": base.get(key, np.nan),
                f"aantal {m.eval_year}": r["count"],
                "verwacht volgens trend": round(float(r["trend_expected"]), 1),
                "95%-voorspelinterval": interval(r["trend_pi_low"], r["trend_pi_high"], 0),
                f"{m.eval_year} t.o.v. trend": TREND_NL.get(r["trend_verdict"], "–"),
                f"peiljaar {m.base_year} t.o.v. eigen trend": TREND_NL.get(
                    r["baseline_vs_trend"], "–"
                ),
            }
        )
    return pd.DataFrame(out)


def context_caption(result: TrendAnalysis) -> str:
    """Return the caption of :func:`context_table`."""
    m = result.moment
    pandemic = "-".join(str(y) for y in (PANDEMIC_YEARS[0], PANDEMIC_YEARS[-1]))
    return (
        f"{result.name}: {m.eval_year} tegen de trend van {m.first_year}-{m.base_year} (telmodel "
        f"met de bevolking als blootstelling en een eigen niveau voor {pandemic}); de laatste "
        f"kolom zet peiljaar {m.base_year} tegen de trend van de jaren ervoor"
    )


def context_lines(result: TrendAnalysis) -> list[str]:
    """Write the evaluation year against the trend, and the base years outside their own trend.

    A line per position (below, above, within the trend, provisional); for a change within the
    trend the reminder that it continues the trend and is no sign of an effect of the plan; and a
    regression-to-the-mean warning for every series whose base year lay outside its own trend.
    """
    rows = _evaluated(result)
    if rows.empty:
        return []
    ev, base = result.moment.eval_year, result.moment.base_year
    lines = []
    what = f"{ev} tegen de trend tot en met {base}"
    for code in (TREND_BELOW, TREND_ABOVE, TREND_WITHIN, TREND_PROVISIONAL):
        r = rows[rows["trend_verdict"] == code]
        if r.empty:
            continue
        bounds = zip(r["trend_pi_low"], r["trend_pi_high"], strict=True)
        items = [
            f"{n} ({format_nl(c)}, verwacht {format_nl(e)}, {interval(lo, hi, 0)})"
            for n, c, e, (lo, hi) in zip(
                names(r), r["count"], r["trend_expected"], bounds, strict=True
            )
        ]
        lines.append(f"- **{what}: {TREND_NL[code]}** bij {join(items)}.")
    if (rows["trend_verdict"] == TREND_WITHIN).any():
        lines.append(
            "- Een verandering ten opzichte van het peiljaar die binnen de trend van vóór het plan "
            "blijft, zet die trend voort: ze is geen aanwijzing voor een effect van het plan."
        )
    off = rows[rows["baseline_vs_trend"].isin([TREND_ABOVE, TREND_BELOW])]
    if len(off):
        items = [
            f"{n} ({TREND_NL[v]})"
            for n, v in zip(names(off), off["baseline_vs_trend"], strict=True)
        ]
        lines.append(
            f"- **Let op, regressie naar het gemiddelde:** peiljaar {base} lag buiten de trend van "
            f"de jaren ervoor bij {join(items)}; een verandering vanaf zo'n jaar is voor een deel "
            "een terugkeer naar de trend."
        )
    return lines


def context_text(result: TrendAnalysis) -> str:
    """Return :func:`context_lines` as Markdown, or say why there is no trend context."""
    lines = context_lines(result)
    if lines:
        return "\n".join(lines)
    return (
        f"Voor {result.moment.eval_year} is geen trendvergelijking mogelijk: er is geen cijfer van "
        "dat jaar of te weinig jaren tot en met het peiljaar (minstens vijf)."
    )
