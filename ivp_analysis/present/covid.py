"""The COVID-19 chapter for readers: Dutch tables, captions and generated text from a `CovidAnalysis`.

Naming: ``<thing>_table(...)`` returns a table shown to readers (Dutch headers), ``<thing>_text``
generated Markdown, ``<thing>_caption`` and ``<thing>_alt`` the caption and alternative text of
a table or figure. Nothing here computes a result; every number comes from
:func:`ivp_analysis.covid.analyse`. Verdict words come from :mod:`ivp_analysis.vocab`.

Why one module of this size (about 950 lines, over the package's 600): the package keeps one
presentation module per family (``present/<family>.py``), and the COVID-19 chapter has seven
sections, each with tables, captions, alternative texts and generated sentences; the sections
below follow the notebook's order, so a reader finds the wording of a section in one place.
Nothing here computes: every function only words what :class:`CovidAnalysis` holds.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ivp_analysis.codes import NUISANCE_TOTAL
from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.covid.data import EXCLUDED_NOT_PUBLISHED, EXCLUDED_TOO_FEW, EXCLUDED_ZERO_MONTHS
from ivp_analysis.covid.phases import month_phase, phase_days
from ivp_analysis.covid.sensitivity import (
    VARIANT_BASE,
    VARIANT_EARLIER,
    VARIANT_LATER,
    VARIANT_PRE_START,
)
from ivp_analysis.present.display import show_markdown, show_table, write_results
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.vocab import (
    MODEL_NL,
    MODEL_REASON_NL,
    MONTHS_NL,
    PERIOD_TOTAL,
    SUM_ABOVE,
    SUM_BELOW,
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_NA,
    VERDICT_NO_MODEL,
    VERDICT_WITHIN,
)

_YES_NO = {True: "ja", False: "nee"}
#: Full Dutch month names, for sentences.
_MONTH_NAMES = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def nl_month_label(month) -> str:
    """Return the Dutch short label of a month: ``apr 2020``.

    Examples
    --------
    >>> nl_month_label("2020-04")
    'apr 2020'
    """
    p = pd.Period(month, "M")
    return f"{MONTHS_NL[p.month - 1]} {p.year}"


def nl_month_name(month) -> str:
    """Return the Dutch full name of a month: ``april 2020``.

    Examples
    --------
    >>> nl_month_name("2020-04")
    'april 2020'
    """
    p = pd.Period(month, "M")
    return f"{_MONTH_NAMES[p.month - 1]} {p.year}"


def nl_date(ts: pd.Timestamp) -> str:
    """Return a date in Dutch words: ``12 maart 2020``.

    Examples
    --------
    >>> nl_date(pd.Timestamp("2020-03-12"))
    '12 maart 2020'
    """
    return f"{ts.day} {_MONTH_NAMES[ts.month - 1]} {ts.year}"


def _pct(v: float) -> str:
    return format_pct_nl(v, 0)


def _level(level: float) -> str:
    return f"{100 * level:g}%"


def _n(n: int, one: str, more: str) -> str:
    """A count with its noun: ``1 soort``, ``3 soorten``."""
    return f"{n} {one if n == 1 else more}"


def _and(items: list[str]) -> str:
    """Join words the Dutch way: ``a, b en c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def write_tables(r: CovidAnalysis, results_dir: str | Path) -> list[Path]:
    """Write the chapter's result tables as CSV into ``results_dir`` (nothing when it is empty)."""
    written = [write_results(df, name, results_dir) for name, df in r.tables().items()]
    return [p for p in written if p is not None]


def overview_text(r: CovidAnalysis) -> str:
    """One line on what was analysed: the municipality and the number of national series."""
    return (
        f"{r.name} ({r.municipality}); {len(r.data.codes)} landelijke soorten gemodelleerd, "
        f"{len(r.data.excluded)} niet"
    )


# --------------------------------------------------------------------------- 1. phases


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


# --------------------------------------------------------------------------- 2. series


def _excluded_reason(row) -> str:
    if row.reason == EXCLUDED_NOT_PUBLISHED:
        return "niet per maand gepubliceerd (0 of leeg in elke maand; NA is 0 gemaakt in de bron)"
    if row.reason == EXCLUDED_ZERO_MONTHS:
        return f"{row.zero_months} maanden met 0 in de voorperiode (mogelijk niet gepubliceerd)"
    if row.reason == EXCLUDED_TOO_FEW:
        return (
            f"te weinig: gemiddeld {row.mean_per_month:.0f} per maand (minder dan {row.minimum:g})"
        )
    return str(row.reason)


def excluded_table(r: CovidAnalysis) -> pd.DataFrame:
    """National codes that are not modelled, with the reason."""
    e = r.data.excluded.assign(minimum=r.min_monthly_count)
    return pd.DataFrame(
        {
            "code": e["code"],
            "soort": e["label"],
            "gemiddeld per maand": e["mean_per_month"].round(1),
            "maanden met 0": e["zero_months"],
            "reden": [_excluded_reason(row) for row in e.itertuples()],
        }
    )


def excluded_caption(r: CovidAnalysis) -> str:
    """Caption of the table of codes that are not modelled."""
    return (
        f"Niet gemodelleerde soorten (drempel: gemiddeld {format_nl(r.min_monthly_count)} per "
        "maand in de voorperiode, geen maand met 0)"
    )


def _break_description(row) -> str:
    if row.source == "declared":
        return str(row.description)
    return (
        f"niveau x{row.ratio:.2f} in twaalf maanden rond {row.month} (automatisch gevonden, "
        f"oorzaak niet gedocumenteerd); model vanaf {row.first_model_month}"
    )


def breaks_table(r: CovidAnalysis) -> pd.DataFrame:
    """Series breaks of the modelled codes with their handling."""
    b = r.data.breaks[r.data.breaks["code"].isin(r.data.codes)]
    handling = {"start": "model begint later", "flag": "gemeld, niet gecorrigeerd"}
    source = {"declared": "gedeclareerd", "found": "gevonden"}
    description = [_break_description(row) for row in b.itertuples()]
    return pd.DataFrame(
        {
            "code": b["code"],
            "soort": b["label"],
            "maand": b["month"],
            "factor (12 mnd na / voor)": b["ratio"].round(2),
            "bron": b["source"].map(source),
            "aanpak": b["handling"].map(handling),
            "model vanaf": b["first_model_month"],
            "toelichting": description,
        }
    )


# --------------------------------------------------------------------------- 3. back-test


def _share(v: float) -> str:
    return "–" if pd.isna(v) else f"{format_nl(100 * v)} %"


def _horizon(r: CovidAnalysis) -> int:
    return len(r.fitted.periods)


def backtest_period_label(r: CovidAnalysis) -> str:
    """What the back-test forecasts, short: ``24 maanden vooruit vanaf elke maand``."""
    return f"{_horizon(r)} maanden vooruit vanaf elke maand van de voorperiode"


def backtest_table(r: CovidAnalysis) -> pd.DataFrame:
    """Rolling back-test per code, both models, with the model that gives the verdicts."""
    bt, lev = r.backtest, f"{100 * r.settings.level:g}"
    return pd.DataFrame(
        {
            "code": bt["code"],
            "soort": bt["code"].map(r.labels),
            "startpunten": bt["origins"],
            "MASE model": bt["mase"].round(2),
            "MASE naïef": bt["mase_naive"].round(2),
            "fout model / naïef": bt["relative_mae"].round(2),
            f"{lev}%-interval raak, model (%)": (100 * bt[f"coverage_{lev}"]).round(0),
            f"{lev}%-interval raak, naïef (%)": (100 * bt[f"coverage_{lev}_naive"]).round(0),
            "regel sloeg aan (% startpunten)": (100 * bt["rule_rate"]).round(0),
            "oordeel met": bt["model"].map(MODEL_NL),
            "reden": [_reason(x) for x in bt["reason"]],
        }
    )


def _reason(codes: str) -> str:
    return "; ".join(MODEL_REASON_NL[c] for c in str(codes).split(";") if c)


def backtest_caption(r: CovidAnalysis) -> str:
    """Caption of the back-test table."""
    return (
        f"Rolling back-test per soort: model en seizoensnaïef, telkens {_horizon(r)} maanden "
        "vooruit voorspeld vanaf elke maand van de voorperiode"
    )


def backtest_intro_text(r: CovidAnalysis) -> str:
    """How the rolling back-test works."""
    return (
        "De back-test doet alsof elke maand van de voorperiode het laatste bekende punt is: het "
        f"model en de seizoensnaïeve voorspelling (elke maand gelijk aan dezelfde maand een jaar "
        f"eerder) kennen alleen de maanden tot dan en voorspellen de {_horizon(r)} maanden "
        "daarna, die al bekend zijn. Een soort heeft eerst drie jaar gegevens nodig. De figuur "
        "vergelijkt de voorspelfout (MASE) en hoe vaak het 95%-interval de werkelijke waarde "
        "bevatte."
    )


def backtest_alt(r: CovidAnalysis) -> str:
    """Alternative text of the back-test figure."""
    return (
        "Twee panelen per soort misdrijf: links de MASE van het model en van de seizoensnaïeve "
        "voorspelling, rechts het deel van de back-testmaanden binnen het 95%-interval van elk, "
        f"bij voorspellingen van {_horizon(r)} maanden vooruit vanaf elke maand van de voorperiode."
    )


def backtest_text(r: CovidAnalysis) -> str:
    """Summary of the rolling back-test and the model choice, generated from its table."""
    bt, labels, lev = r.backtest, r.labels, f"{100 * r.settings.level:g}"
    d = bt[bt["origins"] > 0]
    cover = d[f"coverage_{lev}"]
    lines = [
        f"Het model was bij {int((d['relative_mae'] < 1).sum())} van de {len(d)} soorten met een "
        f"back-test nauwkeuriger dan de seizoensnaïeve voorspelling (mediaan MASE "
        f"{format_nl(d['mase'].median(), 2)} tegen {format_nl(d['mase_naive'].median(), 2)}). Zijn "
        f"{lev}%-intervallen bevatten de werkelijke waarde in {_share((cover * d['origins']).sum() / d['origins'].sum())} "
        f"van alle back-testmaanden (mediaan per soort {_share(cover.median())}).",
    ]
    naive = bt[bt["model"] == "seasonal_naive"]
    none = bt[bt["model"] == "none"]
    if len(naive):
        lines.append(
            "Het oordeel komt van de seizoensnaïeve voorspelling bij: "
            + "; ".join(
                f"{c} {labels.get(c, '')} ({_reason(x)})"
                for c, x in zip(naive["code"], naive["reason"], strict=True)
            )
            + "."
        )
    if len(none):
        lines.append(
            f"Geen oordeel ({VERDICT_NO_MODEL}) bij: "
            + "; ".join(
                f"{c} {labels.get(c, '')} ({_reason(x)})"
                for c, x in zip(none["code"], none["reason"], strict=True)
            )
            + "."
        )
    fired = d[d["rule_rate"] > 0]
    if len(fired):
        lines.append(
            "De beslisregel sloeg in de back-test, zonder pandemie, wel eens aan bij: "
            + "; ".join(
                f"{c} {labels.get(c, '')} ({_share(v)} van de startpunten)"
                for c, v in zip(fired["code"], fired["rule_rate"], strict=True)
            )
            + ". Een signaal bij deze soorten is minder sterk bewijs."
        )
    return "\n\n".join(lines)


def rule_text(r: CovidAnalysis) -> str:
    """The decision rule in words, with the parameters of this run."""
    s = r.settings
    if s.min_run == 1:
        return (
            f"'Significant' betekent dat de maand buiten het {_level(s.level_strict)}-interval "
            "lag (beslisregel met één maand)."
        )
    return (
        f"'Significant' betekent dat de maand deel is van ten minste {s.min_run} opeenvolgende "
        f"maanden buiten het {_level(s.level_strict)}-interval, aan dezelfde kant; een grote "
        "afwijking in één losse maand telt niet."
    )


def model_text(r: CovidAnalysis) -> str:
    """Why this model, how the gate works, and what the decision rule guards against."""
    s = r.settings
    run = "maand" if s.min_run == 1 else f"{s.min_run} maanden op rij"
    return (
        "Waarom dit model: het voorspelt elke maand vanuit dezelfde maand een jaar eerder plus "
        "de gemiddelde jaarlijkse verandering, met AR(1)-fouten, zodat het interval breder wordt "
        "naarmate de voorspelling verder vooruit ligt; een model met een vaste trend gaf in de "
        "back-test te smalle intervallen, omdat trends van soorten omslaan (zie `docs/covid.md`). "
        "Een soort krijgt alleen een oordeel van het model als het in de back-test nauwkeuriger "
        "was dan de seizoensnaïeve voorspelling en zijn 95%-interval ten minste 85 % van de "
        "maanden bevatte; anders komt het oordeel van de seizoensnaïeve voorspelling (als die "
        f"aan de 85 % voldoet) of is er geen oordeel. Een maand telt als significant als ze "
        f"ten minste {run} buiten het {_level(s.level_strict)}-interval valt. Hoe het model "
        "zich houdt in simulaties, ook bij processen die niet op het model lijken, staat in "
        "`docs/covid.md`."
    )


def multiplicity_text(r: CovidAnalysis) -> str:
    """How many series-months are tested, and how many false flags chance alone would give."""
    m, s = r.multiplicity, r.settings
    return (
        f"Landelijk zijn {m['series']} reeksen met een model over {m['months']} maanden getoetst: "
        f"{format_nl(m['tests'])} reeks-maanden. Zonder enig effect valt door toeval ongeveer "
        f"{format_nl(100 * (1 - s.level_strict), 0)} % daarvan buiten het "
        f"{_level(s.level_strict)}-interval, dus ongeveer {format_nl(m['expected_outside'], 1)} "
        f"maanden; waargenomen: {format_nl(m['outside'])}. Volgens de back-test zou de "
        f"beslisregel zonder effect bij ongeveer {format_nl(m['expected_flagged_series'], 1)} van "
        f"de {m['series']} reeksen aanslaan; hij sloeg aan bij {m['flagged_series']} reeksen."
    )


def national_years_table(r: CovidAnalysis) -> pd.DataFrame:
    """Calendar-year totals per code with the change against the year before."""
    d = r.national_years
    wide = d.pivot(index="code", columns="year", values="count")
    change = d.pivot(index="code", columns="year", values="change_vs_previous")
    out = pd.DataFrame({"code": wide.index, "soort": [r.labels.get(c, "") for c in wide.index]})
    for y in wide.columns:
        out[f"{y}"] = wide[y].to_numpy()
        out[f"{y} t.o.v. {y - 1} (%)"] = change[y].to_numpy()
    return out.set_index("code").loc[list(dict.fromkeys(d["code"]))].reset_index()


def desk_table(r: CovidAnalysis) -> pd.DataFrame:
    """The digital-desk series: the difference per pre-period start (years and whole window)."""
    d = r.desk_range
    d = d[d["period"].isin([str(pd.Period(focus_month(r), "M").year), PERIOD_TOTAL])]
    wide = d.pivot_table(index=["code", "pre_start"], columns="period", values="pct_difference")
    wide = wide.round(1).reset_index()
    wide.insert(1, "soort", wide["code"].map(r.labels))
    return wide.rename(
        columns={"pre_start": "voorperiode vanaf", PERIOD_TOTAL: "hele periode (%)"}
        | {c: f"{c} (%)" for c in wide.columns if str(c).isdigit()}
    )


def desk_text(r: CovidAnalysis) -> str:
    """The digital reporting desk and the range of the affected series across pre-periods."""
    d = r.desk_range
    if d.empty:
        return ""
    year = str(pd.Period(focus_month(r), "M").year)
    parts = []
    for code, g in d.groupby("code", sort=False):
        y, t = g[g["period"] == year], g[g["period"] == PERIOD_TOTAL]
        parts.append(
            f"{r.labels.get(code, code)} ({code}) week in {year} {_pct(y['pct_difference'].min())} "
            f"tot {_pct(y['pct_difference'].max())} af van de verwachting en over de hele periode "
            f"{_pct(t['pct_difference'].min())} tot {_pct(t['pct_difference'].max())}, afhankelijk "
            f"van het beginjaar van de voorperiode ({g['pre_start'].min()[:4]} tot "
            f"{g['pre_start'].max()[:4]})"
        )
    return (
        "In april 2020 opende de politie een digitaal aangifteloket: online fraude en "
        "cybercrime werden makkelijker aan te geven, zodat een deel van een stijging meer "
        "aangiften is en niet meer criminaliteit. Hoe groot de afwijking lijkt, hangt bovendien "
        "af van de voorperiode: "
        + "; ".join(parts)
        + ". Eén getal voor deze soorten zou een zekerheid suggereren die er niet is."
    )


# --------------------------------------------------------------------------- 4. national


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
    s = r.settings
    d = r.summary[r.summary["code"] == code]
    return pd.DataFrame(
        {
            "periode": d["phase_label"],
            "maanden": d["months"],
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
    )


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
    s = r.settings
    d = r.summary[r.summary["period_type"] == PERIOD_TOTAL]
    return pd.DataFrame(
        {
            "code": d["code"],
            "soort": d["label"],
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
            "oordeel met": d["model"],
            "opmerking": d["note"],
        }
    )


# --------------------------------------------------------------------------- 5. sensitivity


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


# --------------------------------------------------------------------------- 6. municipality


def _years(years) -> str:
    return _and([str(y) for y in years])


def municipal_intro_text(r: CovidAnalysis) -> str:
    """The municipal model in words, with the years and the number of municipalities."""
    first, last = r.municipal_pre_years
    n = r.municipal["region"].nunique()
    return (
        "Per soort misdrijf een Poisson- of negatief-binomiaal model met een trend op de "
        f"jaarcijfers van {first} tot en met {last}, met het aantal inwoners als blootstelling; "
        f"het model voorspelt {_years(r.eval_years)} (de jaren van de maatregelen) met een "
        f"{_level(r.settings.level)}-voorspelinterval (bij overdispersie met de onzekerheid van "
        "de spreiding erbij, zie `docs/covid.md`). Dezelfde berekening loopt in één keer voor "
        f"alle {n} gemeenten. De figuur toont de jaarreeksen van de gemeente met de verwachting."
    )


def municipal_series_title(r: CovidAnalysis) -> str:
    """Title of the municipality's yearly series figure."""
    return (
        f"{r.name}: geregistreerde misdrijven per jaar en de verwachting voor "
        f"{_years(r.eval_years)}"
    )


def municipal_series_alt(r: CovidAnalysis) -> str:
    """Alternative text of the municipality's yearly series figure."""
    n = r.own_series["code"].nunique()
    return (
        f"{n} panelen met de jaarlijkse aantallen per soort misdrijf in {r.name} van "
        f"{r.municipal_pre_years[0]} tot {r.eval_years[-1]}, met de verwachte aantallen voor "
        f"{_years(r.eval_years)} en hun {_level(r.settings.level)}-intervallen."
    )


def municipal_table(r: CovidAnalysis) -> pd.DataFrame:
    """The municipality's rows of the municipal table, with Dutch headers."""
    d = r.own_municipal
    lo = [c for c in d.columns if c.startswith("lower_")][0]
    hi = [c for c in d.columns if c.startswith("upper_")][0]
    return pd.DataFrame(
        {
            "code": d["code"],
            "soort": d["label"],
            "jaar": d["year"],
            "geregistreerd": d["observed"],
            "verwacht": d["expected"].round(1),
            f"{_level(r.settings.level)}-interval": [
                f"{format_nl(a)} – {format_nl(b)}" for a, b in zip(d[lo], d[hi], strict=True)
            ],
            "geregistreerd / verwacht": d["ratio"].round(2),
            "oordeel": d["verdict"],
            "percentiel onder gemeenten": d["percentile"].round(0),
        }
    )


def municipal_distribution_title(r: CovidAnalysis) -> str:
    """Title of the figure that places the municipality among all municipalities."""
    return f"{r.name} tussen alle gemeenten"


def municipal_distribution_alt(r: CovidAnalysis) -> str:
    """Alternative text of the figure that places the municipality among all municipalities."""
    return (
        f"Per jaar ({_years(r.eval_years)}) en soort misdrijf de verhouding geregistreerd/verwacht "
        f"van alle gemeenten als grijze punten, de mediaan als streep en {r.name} als oranje ruit."
    )


# --------------------------------------------------------------------------- 7. nuisance


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


# --------------------------------------------------------------------------- conclusions


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
