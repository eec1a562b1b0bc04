"""Section 1 of the COVID-19 chapter: the phases of the measures and the months they cover."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.covid.phases import month_phase, phase_days
from ivp_analysis.present.covid.words import _and, nl_date, nl_month_label, nl_month_name


def phases_table(phases: pd.DataFrame) -> pd.DataFrame:
    """The phase table with Dutch headers and dates as dd-mm-jjjj."""
    return pd.DataFrame(
        {
            "fase": phases["label"],
            "soort": phases["kind"],
            "van": phases["start"].dt.strftime("%d-%m-%Y"),
            "tot en met": phases["end"].dt.strftime("%d-%m-%Y"),
            "dagen": (phases["end"] - phases["start"]).dt.days + 1,
            "maatregelen": phases["description"],
        }
    )


def phase_timeline_alt(phases: pd.DataFrame) -> str:
    """Alternative text of the phase time line."""
    first, last = phases["start"].min(), phases["end"].max()
    return (
        f"Tijdlijn van {nl_month_name(first.to_period('M'))} tot "
        f"{nl_month_name(last.to_period('M'))} met {len(phases)} fasen: lockdowns in rood, "
        "andere maatregelen in oranje, versoepelingen in groen."
    )


def phases_text(phases: pd.DataFrame) -> str:
    """How the phase table covers the days of the measures, and how months get a phase."""
    first, last = phases["start"].min(), phases["end"].max()
    return (
        "De fasen sluiten op elkaar aan: perioden zonder lockdown staan er als 'versoepeling' in, "
        f"zodat elke dag van {nl_date(first)} tot en met {nl_date(last)} precies één fase heeft; "
        f"de tabel eindigt op de laatste dag met maatregelen. Een maand hoort bij de fase met de "
        "meeste dagen in die maand (dagen buiten de tabel tellen niet mee; bij gelijke stand wint "
        "de latere fase):"
    )


def month_phase_table(r: CovidAnalysis) -> pd.DataFrame:
    """Each month of the window with its phase and the days it shares with each phase."""
    months, phases = r.window, r.phases
    days = phase_days(months, phases)
    chosen = month_phase(months, phases)
    labels = dict(zip(phases["phase_id"], phases["label"], strict=True))
    detail = [
        ", ".join(f"{labels[c]} {int(v)}" for c, v in row.items() if v)
        for _, row in days.iterrows()
    ]
    return pd.DataFrame(
        {
            "maand": [nl_month_label(m) for m in months],
            "fase (meeste dagen)": [labels.get(c, "geen") for c in chosen],
            "dagen per fase": detail,
            "dagen zonder fase": months.days_in_month - days.sum(axis=1).to_numpy(),
        }
    )


def month_phase_text(r: CovidAnalysis) -> str:
    """An example of a month split between phases, and the phases that have no month."""
    months, phases = r.window, r.phases
    days = phase_days(months, phases)
    chosen = month_phase(months, phases)
    labels = dict(zip(phases["phase_id"], phases["label"], strict=True))
    parts = []
    split = [m for m in months if (days.loc[m] > 0).sum() > 1]
    if split:
        m = split[0]
        won = chosen[m]
        other = days.loc[m].drop(won).idxmax()
        parts.append(
            f"{nl_month_name(m).capitalize()} valt zo onder '{labels[won]}' "
            f"({int(days.loc[m, won])} dagen) en niet onder '{labels[other]}' "
            f"({int(days.loc[m, other])} dagen)."
        )
    in_window = [c for c in days.columns if days[c].sum() > 0]
    without = [labels[c] for c in in_window if c not in set(chosen)]
    if without:
        names = _and([f"'{x}'" for x in without])
        parts.append(
            f"{'De fase' if len(without) == 1 else 'De fasen'} {names} "
            f"{'heeft' if len(without) == 1 else 'hebben'} in geen enkele maand de meeste dagen "
            "en krijgt daarom geen eigen maand in de tabellen per fase."
        )
    parts.append("De tabel per fase verderop telt alleen maanden.")
    return " ".join(parts)
