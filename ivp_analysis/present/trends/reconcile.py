"""Section 6 of the crime trends: the plan's figures against the official series."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ivp_analysis.present.trends.formats import gap_amount
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.trends.inputs import TOTAL
from ivp_analysis.trends.reconcile import total_gap
from ivp_analysis.vocab import (
    MATCH_NO,
    MATCH_NO_SERIES,
    MATCH_NOT_IN_PLAN,
    MATCH_ROUNDING,
    MATCHES,
    SOURCE_POLICE,
)


def match_table(result: TrendAnalysis) -> pd.DataFrame:
    """Count the plan's cells per match value (for a one-line overview).

    Examples
    --------
    >>> from ivp_analysis.moments import resolve
    >>> r = TrendAnalysis("GM1", "X", resolve("tussenevaluatie-2024"), pd.DataFrame(),
    ...     pd.DataFrame(), reconciliation=pd.DataFrame({"match": ["ja", "nee", "ja"]}))
    >>> match_table(r).values.tolist()
    [['ja', 2], ['nee', 1]]
    """
    counts = result.reconciliation["match"].value_counts()
    rows = [(m, int(counts[m])) for m in MATCHES if m in counts]
    return pd.DataFrame(rows, columns=["overeenkomst", "cellen"])


def reconciliation_table(
    result: TrendAnalysis, matches: Iterable[str] | None = (MATCH_NO, MATCH_ROUNDING)
) -> pd.DataFrame:
    """Return the reconciliation as a reader's table: by default the cells that differ.

    ``matches=None`` shows every cell.
    """
    recon = result.reconciliation
    r = recon if matches is None else recon[recon["match"].isin(list(matches))]
    return pd.DataFrame(
        {
            "code": r["code"],
            "soort": r["label"],
            "jaar": r["year"],
            "plan": r["plan_value"],
            "officieel": r["official_value"],
            "verschil (plan − officieel)": r["difference"],
            "officiële bron": r["official_source"],
            "overeenkomst": r["match"],
            "toelichting": r["note"],
        }
    )


def reconciliation_text(result: TrendAnalysis) -> str:
    """Write how the plan's figures were checked, or that the plan has none for the municipality."""
    recon = result.reconciliation
    if not len(recon):
        return (
            f"Het meegeleverde plan (IVP 2023-2026) heeft geen cijfers voor {result.name}: er is "
            "niets aan te sluiten."
        )
    lines = []
    if recon["official_source"].eq(SOURCE_POLICE).any():
        lines.append(
            "Woninginbraak, diefstal van en uit/vanaf motorvoertuigen zijn vergeleken met "
            "politietabel 47018NED (dezelfde politiecijfers, later geactualiseerd): een verschil van "
            "één geval of twee verwisselde jaren wijst op een overschrijf- of peilmomentverschil."
        )
    if (recon["code"] == TOTAL).any():
        gap = total_gap(recon)
        size = ""
        if gap is not None:
            amount = gap_amount(gap)
            size = f" {amount}" if amount.startswith(("tot", "minder")) else f" van {amount}"
        lines.append(
            "Het totaal is vergeleken met CBS 83648NED, omdat de politietabel per gemeente geen "
            'totaal heeft; CBS rondt af op vijftallen (een verschil onder de 5 heet "afronding") en '
            f"telt anders dan de politie, zodat verschillen{size} daar geen fout in het plan betekenen."
        )
    return " ".join(lines)


def no_series_table(result: TrendAnalysis) -> pd.DataFrame:
    """Summarise the plan's figures without a shipped official series, one row per code."""
    recon = result.reconciliation
    r = recon[recon["match"].isin([MATCH_NO_SERIES, MATCH_NOT_IN_PLAN])]
    rows = []
    for (code, label), g in r.groupby(["code", "label"], sort=True):
        printed = g[g["match"] == MATCH_NO_SERIES]
        footnoted = g.loc[g["match"] == MATCH_NOT_IN_PLAN, "year"]
        rows.append(
            {
                "code": code,
                "soort": label,
                "jaren met een cijfer in het plan": ", ".join(str(y) for y in printed["year"])
                or "–",
                "jaren met voetnoot '1.' (geen cijfer)": ", ".join(str(y) for y in footnoted)
                or "–",
                "officiële bron": "; ".join(sorted(set(printed["official_source"]))) or "–",
            }
        )
    return pd.DataFrame(rows)


def no_series_text(result: TrendAnalysis) -> str:
    """Say where the plan's unchecked figures could be checked (empty when there are none)."""
    if no_series_table(result).empty:
        return ""
    return (
        'Horizontale fraude (3.9.1) en het deel "met online handel" staan alleen landelijk in de '
        "open tabellen; de incidentcijfers (verward gedrag, conflictbemiddeling, overlast jeugd en "
        "overlast door personen) zijn politie-incidentregistraties zonder open reeks per gemeente. "
        "Een rekenkamer die deze cijfers wil controleren, moet ze bij de politie opvragen."
    )
