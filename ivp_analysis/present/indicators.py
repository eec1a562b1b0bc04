"""The evaluation indicators for readers (notebook 03): scorecard, tables and sentences in Dutch."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ivp_analysis import datasets
from ivp_analysis.indicators.assess import _value_text, _years_text
from ivp_analysis.indicators.evaluate import NEXT_EVALUATION, Evaluation
from ivp_analysis.indicators.sources import population_series
from ivp_analysis.plots.indicators import STATUS_STYLE
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.vocab import (
    DIRECTIONS,
    PRIORITIES,
    STATUS_IMPROVED,
    STATUS_NL,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
    STATUSES,
)


def change_text(row: Mapping, kind: str) -> str:
    """Return the change with its interval in Dutch, e.g. ``-52 % (-66 % tot -30 %)``.

    Examples
    --------
    >>> change_text({"change": -51.9, "ci_low": -66.5, "ci_high": -29.6, "status": "improved"}, "count")
    '-52 % (-66 % tot -30 %)'
    >>> change_text({"change": 0.3, "ci_low": float("nan"), "ci_high": float("nan"),
    ...              "status": "not assessable: no data"}, "score")
    '+0,3 punt (marge onbekend)'
    """
    ch = row["change"]
    if ch is None or not np.isfinite(ch):
        return "–"
    if kind == "count":
        if not np.isfinite(row["ci_low"]):
            return format_pct_nl(ch, 0)
        return (
            f"{format_pct_nl(ch, 0)} ({format_pct_nl(row['ci_low'], 0)} tot "
            f"{format_pct_nl(row['ci_high'], 0)})"
        )
    sign = "+" if ch > 0 else ""
    if not np.isfinite(row["ci_low"]):
        return f"{sign}{format_nl(ch, 1)} punt (marge onbekend)"
    return (
        f"{sign}{format_nl(ch, 1)} punt ({format_nl(row['ci_low'], 2)} tot "
        f"{format_nl(row['ci_high'], 2)})"
    )


def _value_cell(value: float, period: str, kind: str) -> str:
    if not period or value is None or not np.isfinite(value):
        return "–"
    return f"{_value_text(kind, value)} ({period})"


def scorecard_table(ev: Evaluation) -> pd.DataFrame:
    """Return the scorecard with Dutch column names: one row per indicator.

    Columns: prioriteit, indicator, nulmeting (value and period), laatste cijfer, verandering
    (with 95 % interval), oordeel (the status in Dutch).
    """
    t = ev.table
    kinds = ev.details["kind"].to_numpy()
    rows = []
    for r, kind in zip(t.to_dict("records"), kinds, strict=True):
        last = _value_cell(r["eval_value"], r["eval_period"], kind)
        if last == "–" and r["baseline_period"]:
            last = "geen meting" if kind == "score" else "geen cijfer"
        if r["eval_status_of_data"] == "provisional":
            last += ", voorlopig"
        rows.append(
            {
                "prioriteit": PRIORITIES[r["priority"]],
                "indicator": r["label"],
                "nulmeting": _value_cell(r["baseline_value"], r["baseline_period"], kind),
                "laatste cijfer": last,
                "verandering (95%-interval)": change_text(r, kind),
                "oordeel": STATUS_NL[r["status"]],
            }
        )
    return pd.DataFrame(rows)


def scorecard_html(ev: Evaluation) -> str:
    """Return the scorecard as an HTML table with a coloured status marker per row.

    All text is escaped; rows are grouped under a heading row per priority. The marker's
    shape and the status word carry the meaning as well, for readers who cannot tell colours.
    """
    import html

    t = scorecard_table(ev)
    symbols = {
        STATUS_IMPROVED: "●",
        STATUS_WORSENED: "✖",
        STATUS_NO_CHANGE: "■",
        STATUS_NO_DIRECTION: "◆",
        STATUS_NO_DATA: "○",
    }
    head = ["oordeel", "indicator", "nulmeting", "laatste cijfer", "verandering (95%-interval)"]
    parts = [
        '<table class="ivp-table">',
        f"<caption>{html.escape(f'Scorekaart {ev.name}: {ev.moment.label}, {ev.rule.label}')}</caption>",
        "<thead><tr>",
        *[f'<th scope="col">{html.escape(h)}</th>' for h in head],
        "</tr></thead><tbody>",
    ]
    current = None
    for r, status in zip(t.to_dict("records"), ev.table["status"], strict=True):
        if r["prioriteit"] != current:
            current = r["prioriteit"]
            parts.append(
                f'<tr><th scope="rowgroup" colspan="{len(head)}" '
                f'style="background:#f4f6f9">{html.escape(current)}</th></tr>'
            )
        colour = STATUS_STYLE[status][0]
        parts.append(
            "<tr>"
            f'<td><span style="color:{colour};font-size:1.1em" aria-hidden="true">{symbols[status]}</span> '
            f"{html.escape(r['oordeel'])}</td>"
            f"<td>{html.escape(r['indicator'])}</td>"
            f'<td class="num">{html.escape(r["nulmeting"])}</td>'
            f'<td class="num">{html.escape(r["laatste cijfer"])}</td>'
            f'<td class="num">{html.escape(r["verandering (95%-interval)"])}</td>'
            "</tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def show_scorecard(ev: Evaluation) -> None:
    """Display the scorecard table (HTML with coloured markers; plain text as fallback)."""
    from IPython.display import publish_display_data

    publish_display_data(
        {"text/html": scorecard_html(ev), "text/plain": scorecard_table(ev).to_string(index=False)}
    )


def detail_table(ev: Evaluation, priority: str | None = None) -> pd.DataFrame:
    """Return indicator, desired direction, status and reason in Dutch (optionally one priority)."""
    t = ev.table
    if priority:
        t = t[t["priority"] == priority]
    return pd.DataFrame(
        {
            "indicator": t["label"],
            "gewenste richting": t["desired_direction"].map(DIRECTIONS),
            "oordeel": t["status"].map(STATUS_NL),
            "toelichting": t["reason"],
        }
    ).reset_index(drop=True)


def caveat_table(ev: Evaluation) -> pd.DataFrame:
    """Return per indicator its theme, source file, the plan's caveat and the note (Dutch columns)."""
    d = ev.details
    t = ev.table
    caveat = [f"{c} {n}".strip() for c, n in zip(d["caveat"], d["note"], strict=True)]
    return pd.DataFrame(
        {
            "indicator": t["label"].to_numpy(),
            "thema": d["theme"].to_numpy(),
            "bron [code]": t["source"].to_numpy(),
            "kanttekening uit het plan en opmerking": caveat,
        }
    )


def status_counts(ev: Evaluation) -> pd.DataFrame:
    """Return the number of indicators per priority and status (Dutch names), with totals."""
    t = ev.table
    counts = pd.crosstab(t["priority"].map(PRIORITIES), t["status"].map(STATUS_NL))
    counts = counts.reindex(
        index=list(PRIORITIES.values()), columns=[STATUS_NL[s] for s in STATUSES], fill_value=0
    )
    counts = counts[counts.sum(axis=1) > 0]
    counts.loc["totaal"] = counts.sum()
    counts.index.name = "prioriteit"
    counts.columns.name = None
    return counts.reset_index()


def _how_to_supply(ind_row: pd.Series) -> str:
    code = ind_row["code"]
    if ind_row["source_kind"] == "template":
        return f"sjabloon data/templates/{ind_row['source_name']}.csv, code {code}"
    if ind_row["source_name"] == "plan_figures":
        return (
            f"de tabel in het plan stopt in 2022: cijfers opvragen bij de politie, invullen in "
            f"sjabloon data/templates/incidenten.csv (code {code}) en de bron in "
            f"data/indicators.yaml daarop zetten"
        )
    if ind_row["source_name"] == "plan_surveys":
        return f"sjabloon data/templates/enquetes.csv, code {code}, en de bron daarop zetten"
    return f"nieuwere versie van {datasets.SHIPPED[ind_row['source_name']][1]} in data/raw"


def data_gaps(ev: Evaluation) -> pd.DataFrame:
    """Return the figures the municipality must supply before the next evaluation.

    Derived from the statuses: every indicator that is ``not assessable: no data``, and every
    indicator judged on a figure older than the evaluation year. Columns (Dutch): prioriteit,
    indicator, wat ontbreekt, aanleveren (which years or what), hoe (template or source).
    """
    t = ev.table.join(ev.details, on="indicator_id")
    stale = t["eval_period"].ne("") & (t["gap"] != "")
    gaps = t[(t["status"] == STATUS_NO_DATA) | stale]
    next_name, next_year = NEXT_EVALUATION.get(
        ev.moment.name, (ev.moment.label.lower(), ev.moment.eval_year)
    )
    rows = []
    for _, r in gaps.iterrows():
        if r["kind"] == "score":
            since = int(r["last_year"]) if np.isfinite(r["last_year"]) else ev.rule.first_year
            if r["gap"].startswith("respondenten"):
                supply = (
                    f"aantal respondenten of 95%-marge per meting ({r['gap'].split('marge ')[-1]})"
                )
            else:
                supply = (
                    f"de metingen na {since} (tweejaarlijks), met aantal respondenten of 95%-marge"
                )
        else:
            start = (
                int(r["last_year"]) + 1
                if np.isfinite(r["last_year"])
                and r["gap"] != "alle jaren"
                and not r["gap"].startswith("nulmeting")
                else ev.rule.first_year
            )
            if r["gap"].startswith("bevolking"):
                supply = f"inwonertal ({r['gap'].split(' ', 1)[1]})"
            else:
                end = max(next_year, ev.moment.eval_year)
                supply = f"jaarcijfers {_years_text(list(range(start, end + 1)))}"
        rows.append(
            {
                "prioriteit": PRIORITIES[r["priority"]],
                "indicator": r["label"],
                "wat ontbreekt": r["gap"],
                "aanleveren": supply,
                "hoe": _how_to_supply(r),
            }
        )
    return pd.DataFrame(
        rows, columns=["prioriteit", "indicator", "wat ontbreekt", "aanleveren", "hoe"]
    )


def data_gaps_text(ev: Evaluation) -> str:
    """Say in Dutch for which evaluation the data-gap list asks figures, and what is needed now."""
    n = len(data_gaps(ev))
    if not n:
        return "Voor geen enkele indicator ontbreken cijfers."
    nxt = NEXT_EVALUATION.get(ev.moment.name)
    text = (
        f"Voor {n} van de {len(ev.table)} indicatoren moet de gemeente cijfers aanleveren. "
        f"Cijfers tot en met {ev.moment.eval_year} zijn al nodig voor deze "
        f"{ev.moment.label.lower()}"
    )
    if nxt:
        text += f"; de latere jaren tot en met {nxt[1]} voor de {nxt[0]}"
    return text + "."


def _labels(df: pd.DataFrame) -> str:
    items = [str(x)[:1].lower() + str(x)[1:] for x in df["label"]]
    if not items:
        return "geen"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def evaluation_questions(ev: Evaluation) -> pd.DataFrame:
    """Return the plan's four evaluation questions (section 1.3.2) with what the figures say.

    Columns (Dutch): vraag, wat de cijfers zeggen, wat de cijfers niet zeggen. The text is
    generated from the statuses; nothing is claimed that the tests do not support.
    """
    t = ev.table
    assessable = t[t["status"].isin([STATUS_IMPROVED, STATUS_WORSENED, STATUS_NO_CHANGE])]
    imp, wor = ev.by_status(STATUS_IMPROVED), ev.by_status(STATUS_WORSENED)
    none_ = ev.by_status(STATUS_NO_CHANGE)
    nodata = ev.by_status(STATUS_NO_DATA)
    kinds = ev.details["kind"]
    scores = t[t["indicator_id"].map(kinds).to_numpy() == "score"]
    score_text = "; ".join(
        f"{r.label}: {STATUS_NL[r.status]} ({_first_sentence(r.reason)})"
        for r in scores.itertuples()
    )
    q1 = (
        f"Van de {len(assessable)} indicatoren met een streefrichting en cijfers: "
        f"{len(imp)} verbeterd ({_labels(imp)}), {len(wor)} verslechterd ({_labels(wor)}), "
        f"{len(none_)} binnen de normale schommeling. Veiligheidsgevoel: "
        f"{score_text or 'geen enquêtecijfers in de catalogus'}."
    )
    q1_not = (
        "Of het beleid de oorzaak is: de cijfers beschrijven een ontwikkeling, geen effect van "
        "de inzet (plan §1.3.2: kwantitatieve informatie zegt niet altijd iets over de "
        f"effectiviteit). {len(nodata)} indicatoren zijn niet te beoordelen door ontbrekende "
        "cijfers."
    )
    effort = t[
        t["indicator_id"].isin(
            ["meldingen_ondermijning", "handhaving_jeugdoverlast", "handhaving_overlast"]
        )
    ]
    effort_text = "; ".join(f"{r.label}: {STATUS_NL[r.status]}" for r in effort.itertuples())
    q2 = (
        "Alleen indirect: de meldingen over ondermijning en de handhavingscijfers laten inzet "
        f"zien, geen samenwerking ({effort_text or 'niet in de catalogus'})."
    )
    q2_not = (
        "Of partners onder regie van de gemeente samen op de prioriteiten hebben ingezet staat "
        "in geen enkele tabel; daarvoor zijn de werksessies per prioriteit en de gesprekken "
        "met partners nodig (plan §1.3.2)."
    )
    rises = t[
        (t["p_value"] < 0.05)
        & (t["change"] > 0)
        & t["indicator_id"].map(kinds).eq("count").to_numpy()
    ]
    digital = t[t["priority"] == "digitaal"]
    dig_text = "; ".join(f"{r.label}: {STATUS_NL[r.status]}" for r in digital.itertuples())
    q3 = (
        "Significante stijgingen zijn signalen van nieuwe ontwikkelingen: "
        f"{_labels(rises) if len(rises) else 'geen enkele indicator steeg significant'}. "
        f"Digitale criminaliteit: {dig_text or 'niet in de catalogus'}."
    )
    q3_not = (
        "Of er voldoende op is ingesprongen. Veel slachtoffers van digitale criminaliteit doen "
        "geen aangifte (plan §1.1), en een ontwikkeling die in geen tabel staat is niet te zien "
        "zonder informatie van partners."
    )
    gaps = data_gaps(ev)
    q4 = (
        f"De lijst met ontbrekende cijfers noemt {len(gaps)} indicatoren waarvoor de gemeente "
        "cijfers moet aanleveren om ze bij de volgende evaluatie te kunnen beoordelen; indicatoren "
        "zonder streefrichting vragen om een keuze of er een doel bij hoort."
    )
    q4_not = (
        "Welke prioriteiten het nieuwe UVP en IVP moeten hebben: dat is een bestuurlijke "
        "afweging waarvoor de cijfers één van de bronnen zijn."
    )
    return pd.DataFrame(
        {
            "vraag": [
                "1. Hebben het beleid en het uitvoeringsplan bijgedragen aan een gezonde en veilige "
                "leefomgeving, waar inwoners zich prettig en veilig (blijven) voelen?",
                "2. Hebben veiligheidspartners, onder regie van de gemeente, gezamenlijke inzet gepleegd "
                "op de vastgestelde prioriteiten?",
                "3. Zijn we voldoende ingesprongen op nieuwe trends en ontwikkelingen?",
                "4. In hoeverre zijn de conclusies van betekenis voor een nieuw UVP en IVP?",
            ],
            "wat de cijfers zeggen": [q1, q2, q3, q4],
            "wat de cijfers niet zeggen": [q1_not, q2_not, q3_not, q4_not],
        }
    )


def _first_sentence(text: str) -> str:
    head = text.split(": ", 1)[0] if text.startswith("Geen") else text.split(";")[0]
    return head.rstrip(".")


def budget_context(municipality: str) -> pd.DataFrame:
    """Return the plan's budget per year with the population and the amount per inhabitant.

    Empty when the shipped plan (Pijnacker-Nootdorp's) has no budget for the municipality.

    Examples
    --------
    >>> b = budget_context("GM1926")
    >>> b["jaar"].tolist(), b["budget (EUR)"].tolist()
    ([2023, 2024, 2025, 2026], [95000.0, 190000.0, 190000.0, 190000.0])
    >>> round(float(b.loc[0, "EUR per inwoner"]), 2)
    1.64
    """
    b = datasets.get("plan_budget")
    b = b[(b["region"] == municipality) & (b["code"] == "budget.ivp")]
    years = b["period"].map(lambda p: p.year).astype(int).to_numpy()
    pop = population_series(municipality).reindex(years).to_numpy()
    out = pd.DataFrame(
        {
            "jaar": years,
            "budget (EUR)": b["value"].astype(float).to_numpy(),
            "gemiddeld aantal inwoners": pop,
        }
    )
    out["EUR per inwoner"] = out["budget (EUR)"] / out["gemiddeld aantal inwoners"]
    return out.reset_index(drop=True)


def budget_text(ev: Evaluation) -> str:
    """Write the budget context in Dutch: what was budgeted up to the evaluation year."""
    b = budget_context(ev.municipality)
    if b.empty:
        return (
            f"Voor {ev.name} staat geen budget in de meegeleverde gegevens: het budget in "
            "`plan_budget` is dat van het IVP van Pijnacker-Nootdorp."
        )
    upto = b[b["jaar"] <= ev.moment.eval_year]
    total = upto["budget (EUR)"].sum()
    per = upto["EUR per inwoner"].dropna()
    years = _years_text(upto["jaar"].tolist()) if len(upto) else "–"
    lines = [
        f"- Tot en met het evaluatiejaar {ev.moment.eval_year} is voor het plan "
        f"EUR {format_nl(total)} begroot ({years}); dat is "
        + (
            f"EUR {format_nl(per.iloc[0], 2)} per inwoner."
            if len(per) == 1
            else f"EUR {format_nl(per.min(), 2)} tot {format_nl(per.max(), 2)} per inwoner per jaar."
            if len(per)
            else "per inwoner niet te berekenen."
        ),
    ]
    if len(b) > len(upto):
        later = b[b["jaar"] > ev.moment.eval_year]
        lines.append(
            f"- Na het evaluatiejaar volgt nog EUR {format_nl(later['budget (EUR)'].sum())} "
            f"({_years_text(later['jaar'].tolist())})."
        )
    return "\n".join(lines)


def summary_text(ev: Evaluation) -> str:
    """Write the conclusions in Dutch from the result table; every claim follows from a status."""
    t = ev.table
    n = len(t)
    lines = [
        f"- Alle {n} indicatoren uit de catalogus zijn beoordeeld voor {ev.name}, "
        f"{ev.moment.label.lower()} ({ev.rule.label}, evaluatiejaar {ev.moment.eval_year})."
    ]
    for status in STATUSES:
        rows = ev.by_status(status)
        if len(rows):
            word = STATUS_NL[status].replace(": ", ", ").capitalize()
            lines.append(f"- {word} ({len(rows)}): {_labels(rows)}.")
    for r in ev.by_status(STATUS_IMPROVED).itertuples():
        kind = ev.details.loc[r.indicator_id, "kind"]
        lines.append(
            f"- {r.label}: van {_value_text(kind, r.baseline_value)} ({r.baseline_period}) "
            f"naar {_value_text(kind, r.eval_value)} ({r.eval_period}), "
            f"{change_text(r._asdict(), kind)}."
        )
    for r in ev.by_status(STATUS_WORSENED).itertuples():
        kind = ev.details.loc[r.indicator_id, "kind"]
        lines.append(
            f"- {r.label}: van {_value_text(kind, r.baseline_value)} ({r.baseline_period}) "
            f"naar {_value_text(kind, r.eval_value)} ({r.eval_period}), "
            f"{change_text(r._asdict(), kind)}."
        )
    prov = t[t["eval_status_of_data"] == "provisional"]
    if len(prov):
        lines.append(
            f"- {len(prov)} oordelen rusten op voorlopige cijfers "
            f"({', '.join(sorted(set(prov['eval_period'])))}); die kunnen nog veranderen."
        )
    gaps = data_gaps(ev)
    if len(gaps):
        lines.append(
            f"- Voor {len(gaps)} indicatoren moet de gemeente cijfers aanleveren "
            "(zie de lijst met ontbrekende cijfers)."
        )
    return "\n".join(lines)
