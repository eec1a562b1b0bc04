"""The evaluation indicators for readers (notebook 03): scorecard, tables and sentences in Dutch.

Naming: ``<thing>_table`` returns a table for readers (Dutch column names), ``<thing>_text``
generated Markdown, ``show_<thing>`` displays in the notebook. The reason of each status (the
``reason`` column of ``indicators.csv``) is worded in :mod:`ivp_analysis.present.indicator_reasons`;
the cells and sentences on how sure a status is (p and q, the trend, evaluability, the family of
tests) in :mod:`ivp_analysis.present.indicator_verdicts`.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ivp_analysis import datasets
from ivp_analysis.indicators.assess import Assessment
from ivp_analysis.indicators.baseline import BaselineRule, format_years
from ivp_analysis.indicators.evaluate import Evaluation
from ivp_analysis.indicators.sources import budget
from ivp_analysis.present.indicator_reasons import (
    gap_text,
    reasons,
    trend_note,
    value_text,
)
from ivp_analysis.present.indicator_reasons import result_table as result_table  # for notebook 03
from ivp_analysis.present.indicator_verdicts import (
    change_text,
    detectable_text,
    family_text,
    p_q_text,
    status_text,
    trend_text,
)
from ivp_analysis.present.indicator_verdicts import (  # for notebook 03
    evaluability_text as evaluability_text,
)
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.vocab import (
    DATA_STATUS_NL,
    DIRECTIONS,
    GAP_ALL,
    GAP_BASELINE,
    GAP_MARGIN,
    GAP_POPULATION,
    PRIORITIES,
    STATUS_IMPROVED,
    STATUS_NL,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
    STATUSES,
)

#: A symbol per status for the HTML scorecard, of the same shape as the figure's marker.
STATUS_SYMBOLS = {
    STATUS_IMPROVED: "●",
    STATUS_WORSENED: "✖",
    STATUS_NO_CHANGE: "■",
    STATUS_NO_DIRECTION: "◆",
    STATUS_NO_DATA: "○",
}
#: Caption of the scorecard figure: what its markers mean.
SCORECARD_CAPTION = (
    "Groen rondje = verbeterd, oranje kruis = verslechterd, blauw vierkant = geen significante "
    "verandering, paars ruitje = geen streefrichting, open rondje = geen cijfers. Grijs streepje "
    "= de kleinste verandering die de cijfers konden aantonen (80 % kans, toets op 5 %; een "
    "driehoekje als die buiten de as valt): een lijn die daar niet bij komt, kon geen verandering "
    "laten zien. 'voorl.' = voorlopig cijfer."
)


def baseline_text(rule: BaselineRule) -> str:
    """Describe the baseline rule, e.g. ``peiljaar 2022`` or ``gemiddelde van 2019-2022``."""
    if rule.rule == "year":
        return f"peiljaar {rule.first_year}"
    return f"gemiddelde van {rule.first_year}-{rule.last_year}"


# --------------------------------------------------------------------------- scorecard


def heading_text(ev: Evaluation) -> str:
    """Say what was evaluated: municipality, moment, number of indicators, baseline and year."""
    return (
        f"{ev.name} ({ev.municipality}), {ev.moment.label}: {len(ev.table)} indicatoren, "
        f"nulmeting {baseline_text(ev.rule)}, evaluatiejaar {ev.moment.eval_year}"
    )


def _value_cell(value: float, period: str, kind: str) -> str:
    if not period or value is None or not np.isfinite(value):
        return "–"
    return f"{value_text(kind, value)} ({period})"


#: Header of the scorecard's columns (table and HTML), after priority and indicator.
SCORECARD_COLUMNS = (
    "nulmeting",
    "laatste cijfer",
    "verandering (95%-interval)",
    "p / q",
    "trend: verwacht (95%-voorspelinterval)",
    "kleinste aantoonbare verandering",
    "oordeel",
)


def scorecard_table(ev: Evaluation) -> pd.DataFrame:
    """Return the scorecard with Dutch column names: one row per indicator.

    Columns: prioriteit, indicator, nulmeting (value and period), laatste cijfer, verandering
    (with 95 % interval; counts from fewer than ten cases as counts), p / q (the test's p-value,
    on which the status rests, and its q-value within the indicators), the pre-plan trend's
    expectation for the latest figure's year with where the figure lies, the smallest detectable
    change (80 % power, 5 %), oordeel (the status in Dutch, marked when provisional).
    """
    rows = []
    for r, kind in zip(ev.table.to_dict("records"), ev.details["kind"], strict=True):
        last = _value_cell(r["eval_value"], r["eval_period"], kind)
        if last == "–" and r["baseline_period"]:
            last = "geen meting" if kind == "score" else "geen cijfer"
        if r["eval_status_of_data"] == "provisional":
            last += ", " + DATA_STATUS_NL["provisional"]
        values = (
            _value_cell(r["baseline_value"], r["baseline_period"], kind),
            last,
            change_text(r, kind),
            p_q_text(r["p_value"], r["q_value"]),
            trend_text(r) if kind == "count" else "–",
            detectable_text(r, kind),
            status_text(r["status"], r["eval_status_of_data"]),
        )
        rows.append(
            {
                "prioriteit": PRIORITIES[r["priority"]],
                "indicator": r["label"],
                **dict(zip(SCORECARD_COLUMNS, values, strict=True)),
            }
        )
    return pd.DataFrame(rows)


def scorecard_html(ev: Evaluation) -> str:
    """Return the scorecard as an HTML table with a coloured status marker per row.

    All text is escaped; rows are grouped under a heading row per priority. The marker's
    shape and the status word carry the meaning as well, for readers who cannot tell colours.
    """
    from ivp_analysis.plots.indicators import STATUS_STYLE

    head = ["oordeel", "indicator", *SCORECARD_COLUMNS[:-1]]
    caption = f"Scorekaart {ev.name}: {ev.moment.label}, {baseline_text(ev.rule)}"
    parts = [
        '<table class="ivp-table">',
        f"<caption>{html.escape(caption)}</caption>",
        "<thead><tr>",
        *[f'<th scope="col">{html.escape(h)}</th>' for h in head],
        "</tr></thead><tbody>",
    ]
    current = None
    table = scorecard_table(ev)
    for r, status in zip(table.to_dict("records"), ev.table["status"], strict=True):
        if r["prioriteit"] != current:
            current = r["prioriteit"]
            parts.append(
                f'<tr><th scope="rowgroup" colspan="{len(head)}" '
                f'style="background:#f4f6f9">{html.escape(current)}</th></tr>'
            )
        marker = (
            f'<span style="color:{STATUS_STYLE[status][0]};font-size:1.1em" '
            f'aria-hidden="true">{STATUS_SYMBOLS[status]}</span>'
        )
        cells = [f"{marker} {html.escape(r['oordeel'])}", html.escape(r["indicator"])]
        numbers = [html.escape(r[h]) for h in head[2:]]
        parts.append(
            "<tr>"
            + "".join(f"<td>{c}</td>" for c in cells)
            + "".join(f'<td class="num">{c}</td>' for c in numbers)
            + "</tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def show_scorecard(ev: Evaluation) -> None:
    """Display the scorecard table (HTML with coloured markers; plain text as fallback)."""
    from IPython.display import publish_display_data

    publish_display_data(
        {"text/html": scorecard_html(ev), "text/plain": scorecard_table(ev).to_string(index=False)}
    )


def show_scorecard_figure(ev: Evaluation) -> None:
    """Draw the scorecard figure and display it with its title, alternative text and caption."""
    from ivp_analysis.plots.indicators import scorecard_figure
    from ivp_analysis.present.display import show_figure

    title = (
        f"Scorekaart {ev.name}: {ev.moment.label.lower()} ({baseline_text(ev.rule)}, "
        f"evaluatiejaar {ev.moment.eval_year})"
    )
    alt = (
        f"Scorekaart van {len(ev.table)} indicatoren voor {ev.name}, gegroepeerd per prioriteit. "
        "Per indicator een gekleurd symbool voor het oordeel, een punt met een lijn voor de "
        "procentuele verandering per inwoner met 95%-interval, een grijs streepje bij de kleinste "
        "verandering die de cijfers konden aantonen, en de cijfers van de nulmeting en het "
        "laatste jaar."
    )
    fig = scorecard_figure(ev.table, ev.details["kind"], title)
    show_figure(fig, alt=alt, caption=SCORECARD_CAPTION)


# --------------------------------------------------------------------------- per indicator


def detail_table(ev: Evaluation, priority: str | None = None) -> pd.DataFrame:
    """Return indicator, desired direction, status and reason in Dutch (optionally one priority)."""
    t = ev.table.assign(reason=reasons(ev))
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


def status_table(ev: Evaluation) -> pd.DataFrame:
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


# --------------------------------------------------------------------------- missing figures


def _how_to_supply(details: pd.Series) -> str:
    code = details["code"]
    if details["source_kind"] == "template":
        return f"sjabloon data/templates/{details['source_name']}.csv, code {code}"
    if details["source_name"] == "plan_figures":
        return (
            f"de tabel in het plan stopt in 2022: cijfers opvragen bij de politie, invullen in "
            f"sjabloon data/templates/incidenten.csv (code {code}) en de bron in "
            f"data/indicators.yaml daarop zetten"
        )
    if details["source_name"] == "plan_surveys":
        return f"sjabloon data/templates/enquetes.csv, code {code}, en de bron daarop zetten"
    return f"nieuwere versie van {datasets.SHIPPED[details['source_name']][1]} in data/raw"


def _supply_text(ev: Evaluation, a: Assessment) -> str:
    """Say what to supply: the years up to the next evaluation, a population or margins."""
    if a.kind == "score":
        if a.gap == GAP_MARGIN:
            years = ", ".join(str(y) for y in a.gap_years)
            return f"aantal respondenten of 95%-marge per meting ({years})"
        since = a.last_year if a.last_year is not None else ev.rule.first_year
        return f"de metingen na {since} (tweejaarlijks), met aantal respondenten of 95%-marge"
    if a.gap == GAP_POPULATION:
        return f"inwonertal ({format_years(a.gap_years)})"
    known = a.last_year is not None and a.gap not in (GAP_ALL, GAP_BASELINE)
    start = a.last_year + 1 if known and a.last_year is not None else ev.rule.first_year
    end = max(ev.next_moment.eval_year if ev.next_moment else 0, ev.moment.eval_year)
    return f"jaarcijfers {format_years(range(start, end + 1))}"


def data_gaps_table(ev: Evaluation) -> pd.DataFrame:
    """Return the figures the municipality must supply before the next evaluation.

    Derived from the statuses: every indicator that is ``not assessable: no data``, and every
    indicator judged on a figure older than the evaluation year. Columns (Dutch): prioriteit,
    indicator, wat ontbreekt, aanleveren (which years or what), hoe (template or source).
    """
    rows = []
    for r in ev.table.itertuples():
        a = ev.assessments[str(r.indicator_id)]
        if r.status != STATUS_NO_DATA and not (r.eval_period and a.gap):
            continue
        rows.append(
            {
                "prioriteit": PRIORITIES[str(r.priority)],
                "indicator": r.label,
                "wat ontbreekt": gap_text(a),
                "aanleveren": _supply_text(ev, a),
                "hoe": _how_to_supply(ev.details.loc[r.indicator_id]),
            }
        )
    return pd.DataFrame(
        rows, columns=["prioriteit", "indicator", "wat ontbreekt", "aanleveren", "hoe"]
    )


def data_gaps_text(ev: Evaluation) -> str:
    """Say in Dutch for which evaluation the data-gap list asks figures, and what is needed now."""
    n = len(data_gaps_table(ev))
    if not n:
        return "Voor geen enkele indicator ontbreken cijfers."
    text = (
        f"Voor {n} van de {len(ev.table)} indicatoren moet de gemeente cijfers aanleveren. "
        f"Cijfers tot en met {ev.moment.eval_year} zijn al nodig voor deze "
        f"{ev.moment.label.lower()}"
    )
    if ev.next_moment:
        nxt = ev.next_moment
        text += f"; de latere jaren tot en met {nxt.eval_year} voor de {nxt.label.lower()}"
    return text + "."


# --------------------------------------------------------------------------- the plan's questions


def _labels(df: pd.DataFrame) -> str:
    items = [str(x)[:1].lower() + str(x)[1:] for x in df["label"]]
    if not items:
        return "geen"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _first_sentence(text: str) -> str:
    head = text.split(": ", 1)[0] if text.startswith("Geen") else text.split(";")[0]
    return head.rstrip(".")


def _statuses_text(rows: pd.DataFrame) -> str:
    return "; ".join(f"{r.label}: {STATUS_NL[str(r.status)]}" for r in rows.itertuples())


#: The plan's four evaluation questions (section 1.3.2), word for word.
QUESTIONS = (
    "1. Hebben het beleid en het uitvoeringsplan bijgedragen aan een gezonde en veilige "
    "leefomgeving, waar inwoners zich prettig en veilig (blijven) voelen?",
    "2. Hebben veiligheidspartners, onder regie van de gemeente, gezamenlijke inzet gepleegd "
    "op de vastgestelde prioriteiten?",
    "3. Zijn we voldoende ingesprongen op nieuwe trends en ontwikkelingen?",
    "4. In hoeverre zijn de conclusies van betekenis voor een nieuw UVP en IVP?",
)
#: What the figures cannot say about each question.
QUESTIONS_NOT = (
    "Of het beleid de oorzaak is: de cijfers beschrijven een ontwikkeling, geen effect van "
    "de inzet (plan §1.3.2: kwantitatieve informatie zegt niet altijd iets over de "
    "effectiviteit). {nodata} indicatoren zijn niet te beoordelen door ontbrekende cijfers.",
    "Of partners onder regie van de gemeente samen op de prioriteiten hebben ingezet staat "
    "in geen enkele tabel; daarvoor zijn de werksessies per prioriteit en de gesprekken "
    "met partners nodig (plan §1.3.2).",
    "Of er voldoende op is ingesprongen. Veel slachtoffers van digitale criminaliteit doen "
    "geen aangifte (plan §1.1), en een ontwikkeling die in geen tabel staat is niet te zien "
    "zonder informatie van partners.",
    "Welke prioriteiten het nieuwe UVP en IVP moeten hebben: dat is een bestuurlijke "
    "afweging waarvoor de cijfers één van de bronnen zijn.",
)


def _question_answers(ev: Evaluation) -> list[str]:
    """Say per question what the statuses support, and nothing more."""
    t = ev.table.assign(reason=reasons(ev), kind=ev.details["kind"].to_numpy())
    assessable = t[t["status"].isin([STATUS_IMPROVED, STATUS_WORSENED, STATUS_NO_CHANGE])]
    imp, wor = ev.by_status(STATUS_IMPROVED), ev.by_status(STATUS_WORSENED)
    scores = t[t["kind"] == "score"]
    score_text = "; ".join(
        f"{r.label}: {STATUS_NL[str(r.status)]} ({_first_sentence(str(r.reason))})"
        for r in scores.itertuples()
    )
    effort_ids = ["meldingen_ondermijning", "handhaving_jeugdoverlast", "handhaving_overlast"]
    effort_text = _statuses_text(t[t["indicator_id"].isin(effort_ids)])
    rises = t[(t["p_value"] < 0.05) & (t["change"] > 0) & (t["kind"] == "count")]
    dig_text = _statuses_text(t[t["priority"] == "digitaal"])
    return [
        f"Van de {len(assessable)} indicatoren met een streefrichting en cijfers: "
        f"{len(imp)} verbeterd ({_labels(imp)}), {len(wor)} verslechterd ({_labels(wor)}), "
        f"{len(ev.by_status(STATUS_NO_CHANGE))} binnen de normale schommeling. "
        f"Veiligheidsgevoel: {score_text or 'geen enquêtecijfers in de catalogus'}.",
        "Alleen indirect: de meldingen over ondermijning en de handhavingscijfers laten inzet "
        f"zien, geen samenwerking ({effort_text or 'niet in de catalogus'}).",
        "Significante stijgingen zijn signalen van nieuwe ontwikkelingen: "
        f"{_labels(rises) if len(rises) else 'geen enkele indicator steeg significant'}. "
        f"Digitale criminaliteit: {dig_text or 'niet in de catalogus'}.",
        f"De lijst met ontbrekende cijfers noemt {len(data_gaps_table(ev))} indicatoren waarvoor "
        "de gemeente cijfers moet aanleveren om ze bij de volgende evaluatie te kunnen "
        "beoordelen; indicatoren zonder streefrichting vragen om een keuze of er een doel bij "
        "hoort.",
    ]


def questions_table(ev: Evaluation) -> pd.DataFrame:
    """Return the plan's four evaluation questions (section 1.3.2) with what the figures say.

    Columns (Dutch): vraag, wat de cijfers zeggen, wat de cijfers niet zeggen. The text is
    generated from the statuses; nothing is claimed that the tests do not support.
    """
    nodata = len(ev.by_status(STATUS_NO_DATA))
    return pd.DataFrame(
        {
            "vraag": list(QUESTIONS),
            "wat de cijfers zeggen": _question_answers(ev),
            "wat de cijfers niet zeggen": [q.format(nodata=nodata) for q in QUESTIONS_NOT],
        }
    )


# --------------------------------------------------------------------------- budget


def budget_table(ev: Evaluation) -> pd.DataFrame:
    """Return the plan's budget per year with the population and the amount per inhabitant.

    Empty when the shipped plan (Pijnacker-Nootdorp's) has no budget for the municipality.
    Columns (Dutch): jaar, budget (EUR), gemiddeld aantal inwoners, EUR per inwoner.
    """
    return budget(ev.municipality).rename(
        columns={
            "year": "jaar",
            "budget": "budget (EUR)",
            "population": "gemiddeld aantal inwoners",
            "per_inhabitant": "EUR per inwoner",
        }
    )


def budget_text(ev: Evaluation) -> str:
    """Write the budget context in Dutch: what was budgeted up to the evaluation year."""
    b = budget(ev.municipality)
    if b.empty:
        return (
            f"Voor {ev.name} staat geen budget in de meegeleverde gegevens: het budget in "
            "`plan_budget` is dat van het IVP van Pijnacker-Nootdorp."
        )
    upto = b[b["year"] <= ev.moment.eval_year]
    per = upto["per_inhabitant"].dropna()
    if len(per) == 1:
        per_text = f"EUR {format_nl(per.iloc[0], 2)} per inwoner."
    elif len(per):
        per_text = (
            f"EUR {format_nl(per.min(), 2)} tot {format_nl(per.max(), 2)} per inwoner per jaar."
        )
    else:
        per_text = "per inwoner niet te berekenen."
    years = format_years(upto["year"]) if len(upto) else "–"
    lines = [
        f"- Tot en met het evaluatiejaar {ev.moment.eval_year} is voor het plan "
        f"EUR {format_nl(upto['budget'].sum())} begroot ({years}); dat is {per_text}"
    ]
    later = b[b["year"] > ev.moment.eval_year]
    if len(later):
        lines.append(
            f"- Na het evaluatiejaar volgt nog EUR {format_nl(later['budget'].sum())} "
            f"({format_years(later['year'])})."
        )
    unknown = b.loc[b["population"].isna(), "year"]
    if len(unknown):
        lines.append(
            f"- Voor {format_years(unknown)} is er nog geen CBS-inwonertal: het bedrag per "
            "inwoner ontbreekt daar."
        )
    return "\n".join(lines)


def show_budget(ev: Evaluation) -> None:
    """Display the budget table (when the data hold one for the municipality) and its text."""
    from ivp_analysis.present.display import show_markdown, show_table

    table = budget_table(ev)
    if len(table):
        show_table(
            table,
            caption="Budget Integraal Veiligheidsplan per jaar (EUR) en per inwoner (EUR)",
            decimals={"EUR per inwoner": 2},
        )
    show_markdown(budget_text(ev))


# --------------------------------------------------------------------------- conclusions


def _change_line(ev: Evaluation, r) -> str:
    kind = ev.details.loc[r.indicator_id, "kind"]
    line = (
        f"- {r.label}: van {value_text(kind, r.baseline_value)} ({r.baseline_period}) "
        f"naar {value_text(kind, r.eval_value)} ({r.eval_period}), "
        f"{change_text(r._asdict(), kind)}"
    )
    note = trend_note(ev.assessments[str(r.indicator_id)])
    return f"{line}. {note}" if note else f"{line}."


def summary_text(ev: Evaluation) -> str:
    """Write the conclusions in Dutch from the result table; every claim follows from a status.

    Each improved or worsened indicator is set against its pre-plan trend (a change within that
    trend is never called an effect of the plan), and the size of the family of tests is said.
    """
    t = ev.table
    lines = [
        f"- Alle {len(t)} indicatoren uit de catalogus zijn beoordeeld voor {ev.name}, "
        f"{ev.moment.label.lower()} ({baseline_text(ev.rule)}, evaluatiejaar "
        f"{ev.moment.eval_year})."
    ]
    for status in STATUSES:
        rows = ev.by_status(status)
        if len(rows):
            word = STATUS_NL[status].replace(": ", ", ").capitalize()
            lines.append(f"- {word} ({len(rows)}): {_labels(rows)}.")
    for status in (STATUS_IMPROVED, STATUS_WORSENED):
        lines += [_change_line(ev, r) for r in ev.by_status(status).itertuples()]
    lines.append(f"- {family_text(ev)}")
    prov = t[t["eval_status_of_data"] == "provisional"]
    if len(prov):
        lines.append(
            f"- {len(prov)} oordelen rusten op voorlopige cijfers "
            f"({', '.join(sorted(set(prov['eval_period'])))}); die kunnen nog veranderen."
        )
    gaps = data_gaps_table(ev)
    if len(gaps):
        lines.append(
            f"- Voor {len(gaps)} indicatoren moet de gemeente cijfers aanleveren "
            "(zie de lijst met ontbrekende cijfers)."
        )
    return "\n".join(lines)
