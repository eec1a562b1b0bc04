"""Conclusions and caveats of the crime trends, written from the result tables.

A sentence says "stijging" or "daling" only for a series whose test, recomputed from its ratio
and q-value, is significant: a claim follows the test, never a text column. A comparison with a
provisional figure gets no verdict; the evaluation year is also read against the pre-plan trend,
and a change within that trend is never called an effect of the plan.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.present.trends.context import context_lines
from ivp_analysis.present.trends.formats import (
    change_text,
    join,
    names,
    own_rows,
    q_text,
    recomputed_verdicts,
    series_name,
)
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.trends.inputs import small_numbers
from ivp_analysis.trends.reconcile import PLAN_OFFICIAL_SOURCES
from ivp_analysis.vocab import (
    MATCH_NO,
    MATCH_NO_SERIES,
    POSITION_HIGH,
    POSITION_LOW,
    POSITION_MIDDLE,
    SOURCE_CBS,
    SOURCE_POLICE,
    VERDICT_DOWN,
    VERDICT_NA,
    VERDICT_PROVISIONAL,
    VERDICT_UP,
    VERDICT_WITHIN,
)

#: Words that claim a rise or a fall; only sentences backed by a significant test may use them.
CLAIM_WORDS = re.compile(
    r"stijg|steeg|gestegen|toename|toegenomen|neemt toe|daal|dalin|gedaald|afname|afgenomen|neemt af",
    re.IGNORECASE,
)


def _grouped(
    names: list[str],
    verdicts: np.ndarray,
    details: list[str],
    what: str,
    none_text: str = "geen aantoonbare verandering",
) -> list[str]:
    """One line per verdict: significant rises, significant falls, the rest."""
    lines = []
    for v in (VERDICT_UP, VERDICT_DOWN):
        items = [f"{n} ({d})" for n, d, x in zip(names, details, verdicts, strict=True) if x == v]
        if items:
            lines.append(f"- **{what}: {v}** bij {join(items)}.")
    rest = [n for n, x in zip(names, verdicts, strict=True) if x == VERDICT_WITHIN]
    if rest:
        lines.append(f"- **{what}: {VERDICT_WITHIN}** ({none_text}) bij {join(rest)}.")
    for v in (VERDICT_PROVISIONAL, VERDICT_NA):
        items = [n for n, x in zip(names, verdicts, strict=True) if x == v]
        if items:
            lines.append(f"- **{what}: {v}** bij {join(items)}.")
    return lines


def _reference_counts(own: pd.DataFrame, cur: pd.DataFrame, ref_year) -> np.ndarray:
    """Return each row's count in ``ref_year`` (one year, or one per row) of the same series."""
    years = np.broadcast_to(np.asarray(ref_year), (len(cur),))
    ref = own.set_index(["code", "source", "year"])["count"]
    keys = list(zip(cur["code"], cur["source"], years, strict=True))
    return np.array([float(ref.get(k, np.nan)) for k in keys])


def _change_lines(result: TrendAnalysis) -> list[str]:
    """The evaluation year against the base year, and the base year against the year before."""
    own = own_rows(result)
    base, ev = result.moment.base_year, result.moment.eval_year
    # The verdicts on q: the test with the series' dispersion, corrected for the number of tests
    # of its family, so that a normal swing or a chance finding is not written up as a change.
    comparisons = (
        (ev, base, "_vs_base", f"{ev} t.o.v. peiljaar {base}"),
        (base, base - 1, "", f"Peiljaar {base} t.o.v. {base - 1}"),
    )
    lines: list[str] = []
    for year, ref_year, suffix, what in comparisons:
        cur = own[own["year"] == year]
        if cur.empty:
            continue
        ratios = cur[f"rate_ratio{suffix}"].to_numpy(float)
        qs = cur[f"q_value{suffix}"].to_numpy(float)
        c0 = _reference_counts(own, cur, ref_year)
        details = [
            f"{change_text(a, b, r)}, {q_text(q)}"
            for a, b, r, q in zip(c0, cur["count"], ratios, qs, strict=True)
        ]
        verdicts = recomputed_verdicts(ratios, qs, result.level)
        withheld = (cur[f"verdict{suffix}"] == VERDICT_PROVISIONAL).to_numpy()
        verdicts = np.where(withheld, VERDICT_PROVISIONAL, verdicts)
        lines += _grouped(names(cur), verdicts, details, what)
    return lines


def _trend_lines(result: TrendAnalysis) -> list[str]:
    """The trend of every series over the period."""
    models = result.models
    if not len(models):
        return []
    ratio = 1 + models["change_pct"].to_numpy(float) / 100
    ps = models["q_value"].to_numpy(float)
    period = f"{int(models['first_year'].min())}–{int(models['last_year'].max())}"
    details = []
    for c, a, b in zip(
        models["change_pct"], models["first_year"], models["last_year"], strict=True
    ):
        years = "" if pd.isna(a) or f"{a}–{b}" == period else f", {a}–{b}"
        details.append(f"{format_pct_nl(c)} per jaar{years}")
    verdicts = recomputed_verdicts(ratio, ps, result.level)
    return _grouped(names(models), verdicts, details, f"Trend {period}", "geen aantoonbare trend")


def _benchmark_lines(result: TrendAnalysis) -> list[str]:
    """The crime types where the municipality is in the lowest or highest quarter of its peers."""
    bench, name = result.benchmark, result.name
    if not len(bench):
        return []
    y = int(bench["year"].iloc[0])
    lines = []
    for pos, few in ((POSITION_LOW, "minder"), (POSITION_HIGH, "meer")):
        b = bench[bench["position"] == pos]
        if len(b):
            items = [
                f"{series_name(c, lab)} (rang {int(r)} van {n})"
                for c, lab, r, n in zip(
                    b["code"], b["label"], b["peer_rank"], b["n_peers"], strict=True
                )
            ]
            lines.append(
                f"- **Vergelijkingsgroep {y}:** {name} zit in het {pos} van de groep ({few} "
                f"misdrijven per 1.000 inwoners dan driekwart van de groep) bij {join(items)}; "
                "rang 1 is het laagste cijfer."
            )
    mid = (bench["position"] == POSITION_MIDDLE).sum()
    if mid:
        lines.append(
            f"- **Vergelijkingsgroep {y}:** bij {mid} van de {len(bench)} soorten zit {name} in de "
            "middelste helft van de groep."
        )
    return lines


def _reconciliation_lines(result: TrendAnalysis) -> list[str]:
    """Where the plan differs from the official series, and what could not be checked."""
    recon = result.reconciliation
    if not len(recon):
        return []
    lines = []
    diff = recon[recon["match"] == MATCH_NO]
    police = diff[~diff["official_source"].str.startswith(SOURCE_CBS)]
    head = "- **Aansluiting met het plan:**"
    if len(police):
        items = [
            f"{r.label} {r.year} (plan {format_nl(r.plan_value)}, officieel "
            f"{format_nl(r.official_value)})"
            for r in police.itertuples()
        ]
        lines.append(f"{head} het plan wijkt af van politietabel 47018NED bij {join(items)}.")
    elif recon["official_source"].str.startswith(SOURCE_POLICE).any():
        lines.append(f"{head} alle politiecijfers uit het plan komen overeen met tabel 47018NED.")
    cbs = diff[diff["official_source"].str.startswith(SOURCE_CBS)]
    if len(cbs):
        lines.append(
            f"{head} de totalen in het plan verschillen {len(cbs)} keer van CBS 83648NED (tot "
            f"{format_nl(cbs['difference_pct'].abs().max(), 1)} %); CBS telt anders dan de "
            "politie, zodat dit geen fout in het plan hoeft te zijn."
        )
    nos = recon[recon["match"] == MATCH_NO_SERIES]
    if len(nos):
        items = []
        for (code, label), g in nos.groupby(["code", "label"], sort=True):
            years = (
                "" if code not in PLAN_OFFICIAL_SOURCES else f" ({', '.join(map(str, g['year']))})"
            )
            items.append(f"{label}{years}")
        lines.append(
            f"- **Niet te controleren:** voor {join(items)} is geen officiële reeks per "
            "gemeente meegeleverd."
        )
    return lines


def conclusions_text(result: TrendAnalysis) -> str:
    """Write the conclusions in Dutch from the result tables, as Markdown bullet lines.

    A sentence says "stijging" or "daling" only for a series whose test (recomputed here from
    its ratio and q-value) is significant at ``1 - level``; everything else is "binnen normale
    schommeling", "voorlopig: geen oordeel" or "niet te toetsen".
    """
    lines = (
        _change_lines(result)
        + context_lines(result)
        + _trend_lines(result)
        + _benchmark_lines(result)
        + _reconciliation_lines(result)
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- caveats


def caveats_text(result: TrendAnalysis) -> str:
    """Write the data-driven caveats (small numbers, missing population, provisional years)."""
    series = result.series
    police = series[series["source"] == SOURCE_POLICE]
    lines = []
    small = small_numbers(police)
    if len(small):
        items = [
            f"{series_name(r.code, r.label)} ({format_nl(r.min)} tot {format_nl(r.max)} per jaar)"
            for r in small.itertuples()
        ]
        lines.append(
            f"- **Kleine aantallen:** {join(items)}. Bij zulke aantallen is een verandering van "
            "een paar gevallen al tientallen procenten; alleen de toets zegt of het meer is dan "
            "toeval."
        )
    no_pop = sorted(set(police.loc[police["population"].isna(), "year"]))
    if no_pop:
        lines.append(
            f"- **Bevolking ontbreekt:** voor {', '.join(map(str, no_pop))} heeft CBS 70072ned geen "
            "gemiddelde bevolking van deze gemeente (de gemeente bestond toen nog niet in deze "
            "vorm; de politie rekent de aantallen terug naar de grenzen van 2024). Voor die jaren "
            "zijn er geen cijfers per 1.000 inwoners en geen toetsen."
        )
    prov = sorted(set(series.loc[series["status"] == "provisional", "year"]))
    if prov:
        note = " Het evaluatiejaar is voorlopig." if result.moment.eval_year in prov else ""
        verdict = (
            "Ze hebben toch een oordeel gekregen (provisional_verdicts): dat oordeel kan nog "
            "veranderen."
            if result.provisional_verdicts
            else "Vergelijkingen met deze jaren hebben geen oordeel (voorlopig: geen oordeel) en de "
            "trends zijn zonder deze jaren geschat."
        )
        lines.append(
            f"- **Voorlopige cijfers:** {', '.join(map(str, prov))} (open symbolen in de "
            f"figuren). De politie kan deze jaren nog bijstellen.{note} {verdict}"
        )
    m = result.moment
    lines.append(
        f"- **Peilmoment van de gegevens:** {m.label} gebruikt cijfers tot en met "
        f"{m.data_last_year}, de cijfers die er waren toen de evaluatie werd geschreven; latere "
        "jaren tellen in geen toets, trend of oordeel mee."
    )
    return "\n".join(lines)
