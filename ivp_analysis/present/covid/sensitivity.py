"""Section 5: how the national results move with the intervention month and the pre-period."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.covid.sensitivity import (
    VARIANT_BASE,
    VARIANT_EARLIER,
    VARIANT_LATER,
    VARIANT_PRE_START,
)
from ivp_analysis.present.covid.words import _pct, nl_month_name
from ivp_analysis.vocab import (
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_NA,
    VERDICT_NO_MODEL,
    VERDICT_WITHIN,
)


def variant_labels(r: CovidAnalysis) -> dict[str, str]:
    """Dutch name of each sensitivity variant."""
    return {
        VARIANT_BASE: "basis",
        VARIANT_EARLIER: "interventie 1 maand eerder",
        VARIANT_LATER: "interventie 1 maand later",
        VARIANT_PRE_START: f"voorperiode vanaf {r.sensitivity_pre_start}",
    }


def sensitivity_intro_text(r: CovidAnalysis) -> str:
    """What the sensitivity variants change."""
    s = r.settings
    iv = pd.Period(s.intervention, "M")
    return (
        f"Dezelfde analyse met de interventie een maand eerder (voorperiode tot en met "
        f"{nl_month_name(iv - 2)}) en een maand later ({nl_month_name(iv)} in de voorperiode), "
        f"en met een voorperiode die in {nl_month_name(r.sensitivity_pre_start)} begint. De "
        "figuur toont het verschil over de hele periode per soort en variant."
    )


def sensitivity_table(r: CovidAnalysis) -> pd.DataFrame:
    """Whole-window % difference per code (rows) and variant (columns), with the verdict sign."""
    overview = r.sensitivity
    mark = {
        VERDICT_BELOW: " (lager)",
        VERDICT_ABOVE: " (hoger)",
        VERDICT_WITHIN: "",
        VERDICT_NA: "",
        VERDICT_NO_MODEL: " (geen oordeel)",
    }
    cells = [
        f"{_pct(v)}{mark.get(k, '')}"
        for v, k in zip(overview["pct_difference_total"], overview["verdict_total"], strict=True)
    ]
    wide = overview.assign(cell=cells).pivot(index="code", columns="variant", values="cell")
    wide = wide.reindex(
        index=list(dict.fromkeys(overview["code"])),
        columns=list(dict.fromkeys(overview["variant"])),
    ).rename(columns=variant_labels(r))
    wide.insert(0, "soort", [r.labels.get(c, "") for c in wide.index])
    return wide.reset_index()


def sensitivity_text(r: CovidAnalysis) -> str:
    """Which conclusions change under the sensitivity variants, and which hold in every one."""
    overview, changes, labels = r.sensitivity, r.sensitivity_changes, r.labels
    names = variant_labels(r)
    base = overview[overview["variant"] == VARIANT_BASE].set_index("code")
    lines = []
    for v, g in overview[overview["variant"] != VARIANT_BASE].groupby("variant", sort=False):
        g = g.set_index("code")
        flips = [c for c in g.index if g.loc[c, "verdict_total"] != base.loc[c, "verdict_total"]]
        n_changes = int((changes["variant"] == v).sum())
        text = (
            f"- **{names[v]}**: {n_changes} van de periodeoordelen (fase, jaar of hele periode) "
            "veranderen; over de hele periode verandert het oordeel bij "
        )
        if flips:
            text += (
                "; ".join(
                    f"{c} {labels.get(c, '')} ({base.loc[c, 'verdict_total']} → "
                    f"{g.loc[c, 'verdict_total']})"
                    for c in flips
                )
                + "."
            )
        else:
            text += "geen enkele soort."
        lines.append(text)
    same = overview.groupby("code", sort=False)["verdict_total"].nunique() == 1
    robust = [
        c
        for c in base.index
        if same[c] and base.loc[c, "verdict_total"] not in (VERDICT_WITHIN, VERDICT_NO_MODEL)
    ]
    lines.append("")
    if robust:
        lines.append(
            "In elke variant hetzelfde oordeel over de hele periode (robuust): "
            + "; ".join(f"{c} {labels.get(c, '')} ({base.loc[c, 'verdict_total']})" for c in robust)
            + ". Oordelen die per variant verschillen, hangen af van de keuze van de voorperiode "
            "of de interventiemaand en zijn niet robuust."
        )
    else:
        lines.append(
            "Geen enkele soort heeft in elke variant hetzelfde oordeel buiten de normale "
            "schommeling: de oordelen hangen af van de keuze van de voorperiode of de "
            "interventiemaand."
        )
    return "\n".join(lines)
