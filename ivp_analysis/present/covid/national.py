"""Section 4: the national counterfactuals per month and per period."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.present.covid.words import (
    _YES_NO,
    _and,
    _level,
    _pct,
    nl_month_label,
    nl_month_name,
)
from ivp_analysis.present.display import show_table
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.vocab import (
    PERIOD_TOTAL,
)


def national_panels_alt(r: CovidAnalysis) -> str:
    """Alternative text of the national panels of the focus codes."""
    names = _and([str(r.labels.get(c, c)).lower() for c in r.focus])
    return (
        f"{len(r.focus)} panelen ({names}) met het geregistreerde aantal per 100.000 inwoners van "
        f"{nl_month_name(r.history_start)} tot {nl_month_name(r.settings.forecast_end)}, de "
        f"verwachting zonder COVID-19 vanaf {nl_month_name(r.settings.intervention)} met twee "
        "intervallen, en de COVID-19-fasen als gekleurde banden."
    )


def focus_month(r: CovidAnalysis) -> str:
    """The month the chapter singles out: the first lockdown month, else the intervention month."""
    return r.first_lockdown_month or r.settings.intervention


def month_table(r: CovidAnalysis, month: str | None = None) -> pd.DataFrame:
    """One month of the national table for every modelled code, with Dutch headers."""
    s, month = r.settings, month or focus_month(r)
    d = r.national[r.national["month"] == month]
    lo, hi = d[s.col("lower", True)], d[s.col("upper", True)]
    return pd.DataFrame(
        {
            "code": d["code"],
            "soort": d["label"],
            "geregistreerd": d["observed"],
            "verwacht": d["expected"].round(0),
            f"{_level(s.level_strict)}-interval": [
                f"{format_nl(a)} – {format_nl(b)}" for a, b in zip(lo, hi, strict=True)
            ],
            "verschil (%)": d["pct_difference"].round(1),
            "significant (regel)": d["significant"].map(_YES_NO),
        }
    )


def month_caption(r: CovidAnalysis) -> str:
    """Caption of the month table."""
    month = focus_month(r)
    what = "de eerste maand met een lockdown" if r.first_lockdown_month else "de interventiemaand"
    return f"{nl_month_name(month).capitalize()}, {what}, voor alle gemodelleerde soorten"


def month_text(r: CovidAnalysis, month: str | None = None) -> str:
    """How many types lay below or above expected in one month, and which significantly."""
    month = month or focus_month(r)
    d = r.national[r.national["month"] == month]
    below, above = d[d["pct_difference"] < 0], d[d["pct_difference"] > 0]
    sig_b, sig_a = below[below["significant"]], above[above["significant"]]

    def names(x):
        return "; ".join(
            f"{c} {r.labels.get(c, '')} ({_pct(v)})"
            for c, v in zip(x["code"], x["pct_difference"], strict=True)
        )

    text = (
        f"In {nl_month_label(month)} lag het aantal bij {len(below)} van de {len(d)} soorten "
        f"onder de verwachting en bij {len(above)} erboven."
    )
    if len(sig_b):
        text += f" Significant lager volgens de regel: {names(sig_b)}."
    if len(sig_a):
        text += f" Significant hoger: {names(sig_a)}."
    return text


def summary_table(r: CovidAnalysis, code: str) -> pd.DataFrame:
    """Phases, years and the whole window of one code, with Dutch headers."""
    d = r.summary[r.summary["code"] == code]
    return pd.DataFrame({"periode": d["phase_label"], "maanden": d["months"], **_sum_columns(r, d)})


def _sum_columns(r: CovidAnalysis, d: pd.DataFrame) -> dict[str, object]:
    """The columns of a period's sum: counts, difference, interval, verdict, months flagged."""
    s = r.settings
    return {
        "geregistreerd": d["observed"],
        "verwacht": d["expected"].round(0),
        "verschil (%)": d["pct_difference"].round(1),
        f"{_level(s.level)}-interval som": [
            f"{format_nl(a)} – {format_nl(b)}"
            for a, b in zip(d[s.col("lower")], d[s.col("upper")], strict=True)
        ],
        "oordeel (som)": d["verdict"],
        "mnd sign. lager": d["months_significant_below"],
        "mnd sign. hoger": d["months_significant_above"],
    }


def show_summary_tables(r: CovidAnalysis) -> None:
    """Show the table per phase, year and whole window of every focus code."""
    for code in r.focus:
        show_table(
            summary_table(r, code),
            caption=f"{code} {r.labels[code]}: geregistreerd en verwacht per fase, per jaar en "
            "over de hele periode",
            decimals={"verschil (%)": 1},
        )


def totals_table(r: CovidAnalysis) -> pd.DataFrame:
    """The whole window for every code, with Dutch headers."""
    d = r.summary[r.summary["period_type"] == PERIOD_TOTAL]
    return pd.DataFrame(
        {
            "code": d["code"],
            "soort": d["label"],
            **_sum_columns(r, d),
            "oordeel met": d["model"],
            "opmerking": d["note"],
        }
    )
