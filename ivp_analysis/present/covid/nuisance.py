"""Section 7: national nuisance registrations during the measures."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.codes import NUISANCE_TOTAL
from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.present.covid.words import _pct
from ivp_analysis.present.numbers import format_nl


def nuisance_text(r: CovidAnalysis) -> str:
    """Nuisance registrations in the last year before the measures and during them."""
    return nuisance_change_text(r.nuisance, r.eval_years[0] - 1, tuple(r.eval_years))


def nuisance_change_text(nuisance: pd.DataFrame, before: int, during: tuple[int, ...]) -> str:
    """Sentences on the nuisance registrations in ``before`` against the mean over ``during``.

    Examples
    --------
    >>> d = pd.DataFrame({"code": ["A", "A", "A", NUISANCE_TOTAL, NUISANCE_TOTAL, NUISANCE_TOTAL],
    ...     "label": ["Jeugd"] * 3 + ["Totaal"] * 3, "year": [2019, 2020, 2021] * 2,
    ...     "value": [100.0, 200.0, 150.0, 100.0, 200.0, 150.0]})
    >>> print(nuisance_change_text(d, 2019, (2020, 2021)))
    Alle overlastregistraties samen: 100 in 2019 en gemiddeld 175 per jaar in 2020-2021 (+75 %). De grootste stijging: Jeugd (A), +75 % ten opzichte van 2019.
    """
    w = nuisance.pivot(index="code", columns="year", values="value")
    lab = nuisance.drop_duplicates("code").set_index("code")["label"]
    total_b = w.loc[NUISANCE_TOTAL, before]
    total_d = w.loc[NUISANCE_TOTAL, list(during)].mean()
    types = w.drop(index=NUISANCE_TOTAL)
    change = 100 * (types[list(during)].mean(axis=1) / types[before] - 1)
    top = change.idxmax()
    span = f"{during[0]}-{during[-1]}" if len(during) > 1 else str(during[0])
    return (
        f"Alle overlastregistraties samen: {format_nl(total_b)} in {before} en gemiddeld "
        f"{format_nl(total_d)} per jaar in {span} ({_pct(100 * (total_d / total_b - 1))}). De "
        f"grootste stijging: {lab[top]} ({top}), {_pct(change[top])} ten opzichte van {before}."
    )
