"""The conclusions of the COVID-19 chapter, generated from the results."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.present.covid.backtest import (
    _share,
    desk_table,
    desk_text,
    multiplicity_text,
    national_years_table,
)
from ivp_analysis.present.covid.national import focus_month
from ivp_analysis.present.covid.words import _level, _n, _pct, nl_month_label
from ivp_analysis.present.display import show_markdown, show_table
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.vocab import (
    MODEL_NL,
    PERIOD_TOTAL,
    SUM_ABOVE,
    SUM_BELOW,
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_NA,
    VERDICT_NO_MODEL,
    VERDICT_WITHIN,
)


def _focus_bits(r: CovidAnalysis, code: str, year_row) -> list[str]:
    s, national = r.settings, r.national
    bits = []
    m = focus_month(r)
    row = national[(national["code"] == code) & (national["month"] == m)]
    if len(row):
        x = row.iloc[0]
        sig = "significant" if x["significant"] else "niet significant"
        bits.append(
            f"in {nl_month_label(m)} {format_nl(x['observed'])} geregistreerd tegen "
            f"{format_nl(x['expected'])} verwacht ({_pct(x['pct_difference'])}, {sig} volgens "
            "de regel)"
        )
    if year_row is not None:
        where = {SUM_BELOW: "onder", SUM_ABOVE: "boven", "": "binnen"}[year_row["sum_outside"]]
        bits.append(
            f"over {year_row['phase_label']} {_pct(year_row['pct_difference'])} "
            f"({format_nl(year_row['observed'])} tegen {format_nl(year_row['expected'])}; de som "
            f"ligt {where} het {_level(s.level)}-interval {format_nl(year_row[s.col('lower')])} – "
            f"{format_nl(year_row[s.col('upper')])})"
        )
    return bits


def national_conclusions_text(r: CovidAnalysis) -> str:
    """Conclusions from the national results: the whole window per type, then the focus types."""
    s, summary = r.settings, r.summary
    year = str(pd.Period(focus_month(r), "M").year)
    tot = summary[summary["period_type"] == PERIOD_TOTAL].set_index("code")
    yr = summary[summary["phase"] == year].set_index("code")
    judged = tot[tot["verdict"] != VERDICT_NO_MODEL]
    low = judged.index[judged["months_significant_below"] > 0].tolist()
    high = judged.index[judged["months_significant_above"] > 0].tolist()
    counts = judged["verdict"].value_counts()
    lines = [
        f"Van de {len(tot)} landelijke reeksen kregen {len(judged)} een oordeel; "
        f"{len(tot) - len(judged)} niet, omdat geen model de back-test doorstond of er geen "
        "back-test mogelijk was. Over de hele "
        f"periode ({nl_month_label(s.intervention)} t/m {nl_month_label(s.forecast_end)}) lag "
        f"de som bij {_n(counts.get(VERDICT_BELOW, 0), 'soort', 'soorten')} onder het "
        f"{_level(s.level)}-interval, bij {counts.get(VERDICT_ABOVE, 0)} erboven en bij "
        f"{counts.get(VERDICT_WITHIN, 0)} erbinnen. Per maand lag het aantal bij "
        f"{_n(len(low), 'soort', 'soorten')} in ten minste {s.min_run} opeenvolgende maanden "
        f"onder het {_level(s.level_strict)}-interval en bij {_n(len(high), 'soort', 'soorten')} "
        "erboven.",
        "",
        multiplicity_text(r),
        "",
    ]
    for code in r.focus:
        t = tot.loc[code]
        if t["verdict"] == VERDICT_NO_MODEL:
            lines.append(f"- **{t['label']} ({code})**: {VERDICT_NO_MODEL} ({t['model_reason']}).")
            continue
        bits = _focus_bits(r, code, yr.loc[code] if code in yr.index else None)
        text = f"- **{t['label']} ({code})**: " + "; ".join(bits) + "."
        if t["model"] != MODEL_NL["seasonal_ar1"]:
            text += f" Het oordeel komt van de seizoensnaïeve voorspelling ({t['model_reason']})."
        if pd.notna(t["backtest_rule_rate"]) and t["backtest_rule_rate"] > 0:
            text += (
                f" Let op: de regel sloeg in de back-test bij {_share(t['backtest_rule_rate'])} "
                "van de startpunten aan zonder pandemie."
            )
        if t["note"]:
            text += f" ({t['note']}.)"
        lines.append(text)
    return "\n".join(lines)


def municipal_conclusions_text(r: CovidAnalysis) -> str:
    """Conclusions for the municipality from the municipal table."""
    d, level = r.own_municipal, r.settings.level
    out = d[d["verdict"].isin([VERDICT_BELOW, VERDICT_ABOVE])]
    years = " en ".join(str(y) for y in sorted(d["year"].unique()))
    tested = int((d["verdict"] != VERDICT_NA).sum())
    lines = [
        f"{r.name} heeft {len(d)} combinaties van soort en jaar ({years}); bij {len(out)} "
        f"daarvan lag het aantal buiten het {_level(level)}-voorspelinterval van het trendmodel. "
        f"Bij {tested} toetsen valt door toeval al ongeveer {format_nl(tested * (1 - level), 1)} "
        "combinatie buiten het interval; één afwijking op zich is dus geen sterk bewijs.",
        "",
    ]
    for x in out.itertuples():
        lines.append(
            f"- {x.label} ({x.code}) in {x.year}: {format_nl(x.observed)} geregistreerd tegen "
            f"{format_nl(x.expected, 1)} verwacht ({x.verdict}; verhouding {format_nl(x.ratio, 2)}, "
            f"percentiel {format_nl(x.percentile)} onder alle gemeenten)."
        )
    typical = d[d["verdict"] == VERDICT_WITHIN]
    if len(typical):
        lines.append("")
        lines.append(
            f"De overige {len(typical)} combinaties liggen binnen de normale schommeling; met "
            "tientallen misdrijven per jaar zijn de intervallen breed, dus ook een daling of "
            "stijging van 20 à 30 % kan toeval zijn."
        )
    return "\n".join(lines)


def show_national_years(r: CovidAnalysis) -> None:
    """Show the calendar-year totals with their changes (one decimal)."""
    t = national_years_table(r)
    show_table(
        t,
        caption="Landelijke jaartotalen per soort en de verandering ten opzichte van het jaar ervoor",
        decimals={c: 1 for c in t.columns if str(c).endswith("(%)")},
    )


def show_desk(r: CovidAnalysis) -> None:
    """Show the digital-desk text and the differences per pre-period start."""
    if r.desk_range.empty:
        show_markdown("Cybercrime en online fraude zijn in deze analyse niet gemodelleerd.")
        return
    show_markdown(desk_text(r))
    t = desk_table(r)
    show_table(
        t,
        caption="Verschil met de verwachting per beginjaar van de voorperiode (model met "
        "seizoensverschil, ongeacht de back-test)",
        decimals={c: 1 for c in t.columns if str(c).endswith("(%)")},
    )
