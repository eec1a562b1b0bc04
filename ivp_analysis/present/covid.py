"""The COVID-19 chapter for readers: Dutch tables, captions and generated text from a `CovidAnalysis`.

Naming: ``<thing>_table(...)`` returns a table shown to readers (Dutch headers), ``<thing>_text``
generated Markdown, ``<thing>_caption`` and ``<thing>_alt`` the caption and alternative text of
a table or figure. Nothing here computes a result; every number comes from
:func:`ivp_analysis.covid.analyse`. Verdict words come from :mod:`ivp_analysis.vocab`.

Why one module of this size: the package keeps one presentation module per family
(``present/<family>.py``), and the COVID-19 chapter has seven sections with a table, a caption and
a sentence each; the sections below follow the notebook's order, so a reader finds the wording
of a section in one place.
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
from ivp_analysis.present.display import show_table, write_results
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.vocab import (
    MONTHS_NL,
    PERIOD_TOTAL,
    SUM_ABOVE,
    SUM_BELOW,
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_MIXED,
    VERDICT_NA,
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


def _backtest_months(r: CovidAnalysis) -> tuple[str, str]:
    fit_end, end = r.backtest_period
    return nl_month_name(pd.Period(fit_end, "M") + 1), nl_month_name(end)


def backtest_period_label(r: CovidAnalysis) -> str:
    """The forecast months of the back-test, short: ``jan 2018 t/m dec 2019``."""
    fit_end, end = r.backtest_period
    return f"{nl_month_label(pd.Period(fit_end, 'M') + 1)} t/m {nl_month_label(end)}"


def backtest_table(r: CovidAnalysis) -> pd.DataFrame:
    """Back-test scores per code with Dutch headers."""
    bt = r.backtest
    return pd.DataFrame(
        {
            "code": bt["code"],
            "soort": bt["code"].map(r.labels),
            "MASE model": bt["mase"].round(2),
            "MASE naïef": bt["mase_naive"].round(2),
            "beter dan naïef": bt["beats_naive"].map(_YES_NO).fillna("–"),
            f"{_level(r.settings.level)}-interval raak (%)": (100 * bt["coverage"]).round(0),
            "regel sloeg aan": bt["rule_fired"].map(_YES_NO).fillna("–"),
            "maanden in fit": bt["fit_months"],
        }
    )


def backtest_caption(r: CovidAnalysis) -> str:
    """Caption of the back-test table."""
    first, last = _backtest_months(r)
    return f"Back-test per soort (model geschat tot en met {nl_month_name(r.backtest_period[0])}, voorspeld {first} tot en met {last})"


def backtest_intro_text(r: CovidAnalysis) -> str:
    """What the back-test figure compares."""
    return (
        "De figuur vergelijkt de voorspelfout (MASE) van het model met die van de seizoensnaïeve "
        "voorspelling (elke maand gelijk aan dezelfde maand een jaar eerder) wanneer beide alleen "
        f"de maanden tot en met {nl_month_name(r.backtest_period[0])} kennen."
    )


def backtest_alt(r: CovidAnalysis) -> str:
    """Alternative text of the back-test figure."""
    first, last = _backtest_months(r)
    return (
        "Per soort misdrijf twee punten: de MASE van het model en van de seizoensnaïeve "
        f"voorspelling in de back-test van {first} tot en met {last}."
    )


def backtest_text(r: CovidAnalysis) -> str:
    """Summary of the back-test, generated from its table."""
    bt, labels, level = r.backtest, r.labels, r.settings.level
    d = bt.dropna(subset=["mase"])
    worse = d[~d["beats_naive"].astype(bool)]
    fired = d[d["rule_fired"].astype(bool)]
    first, last = _backtest_months(r)
    cover = 100 * d["coverage"].mean()
    lines = [
        f"In de back-test (model geschat tot en met {nl_month_name(r.backtest_period[0])}, "
        f"voorspeld voor {first} tot en met {last}) was het model bij {len(d) - len(worse)} van "
        f"de {len(d)} soorten nauwkeuriger dan de seizoensnaïeve voorspelling (mediaan MASE "
        f"{format_nl(d['mase'].median(), 2)} tegen {format_nl(d['mase_naive'].median(), 2)}).",
        f"Het {_level(level)}-interval bevatte de geregistreerde waarde in {format_nl(cover)} % "
        f"van alle maanden (mediaan per soort {format_nl(100 * d['coverage'].median())} %)"
        + (
            f": minder dan {100 * level:g} %, omdat een aantal soorten in de back-testperiode "
            "van trend veranderde."
            if cover < 100 * level
            else "."
        ),
    ]
    if len(worse):
        lines.append(
            "Het model is **niet** beter dan de naïeve voorspelling bij: "
            + "; ".join(f"{c} {labels.get(c, '')}" for c in worse["code"])
            + ". Voor deze soorten is de verwachting minder betrouwbaar."
        )
    if len(fired):
        lines.append(
            f"De beslisregel sloeg in de back-test aan bij {len(fired)} soorten, terwijl er toen "
            "geen pandemie was: "
            + "; ".join(f"{c} {labels.get(c, '')}" for c in fired["code"])
            + ". Een signaal bij deze soorten tijdens de maatregelen is daarom geen sterk bewijs "
            "van een COVID-effect."
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
    """Why this model, and what the decision rule guards against."""
    s = r.settings
    return (
        "Waarom dit model: een trend met vaste maandeffecten beschrijft de dalende landelijke "
        "criminaliteit van de voorperiode beter dan een seizoens-ARIMA zonder trend of een "
        "seizoensnaïeve voorspelling (zie de vergelijking van modelfamilies in `docs/covid.md`), "
        "en het rekent alle soorten tegelijk door. De back-test laat ook de zwakte zien: als een "
        "soort na de schattingsperiode van trend verandert, zijn de intervallen te smal. Daarom "
        f"telt een afwijking pas als significant als ze ten minste {s.min_run} "
        f"{'maand' if s.min_run == 1 else 'maanden op rij'} buiten het "
        f"{_level(s.level_strict)}-interval valt, en staat bij elke soort of dat in de back-test "
        "ook zonder pandemie gebeurde. Hoe de intervallen zich houden in simulaties staat in "
        "`docs/covid.md`."
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
            f"som buiten {_level(s.level)}-interval": d["sum_outside"].replace("", "nee"),
            "mnd sign. lager": d["months_significant_below"],
            "mnd sign. hoger": d["months_significant_above"],
            "back-test: beter dan naïef": d["beats_naive"].map(_YES_NO).fillna("–"),
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
        VERDICT_MIXED: " (wisselend)",
        VERDICT_WITHIN: "",
        VERDICT_NA: "",
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
    robust = [c for c in base.index if same[c] and base.loc[c, "verdict_total"] != VERDICT_WITHIN]
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
        sig = (
            "significant volgens de regel"
            if x["significant"]
            else "niet significant volgens de regel"
        )
        bits.append(
            f"in {nl_month_label(m)} {format_nl(x['observed'])} geregistreerd tegen "
            f"{format_nl(x['expected'])} verwacht ({_pct(x['pct_difference'])}, {sig})"
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
    """Conclusions from the national results; only the decision rule makes a month significant."""
    s, summary = r.settings, r.summary
    year = str(pd.Period(focus_month(r), "M").year)
    tot = summary[summary["period_type"] == PERIOD_TOTAL].set_index("code")
    yr = summary[summary["phase"] == year].set_index("code")
    low = tot.index[tot["months_significant_below"] > 0].tolist()
    high = tot.index[tot["months_significant_above"] > 0].tolist()
    lines = [
        f"Van de {len(tot)} landelijke reeksen lag het aantal tussen "
        f"{nl_month_label(s.intervention)} en {nl_month_label(s.forecast_end)} bij {len(low)} "
        f"soorten in ten minste {s.min_run} opeenvolgende maanden onder het "
        f"{_level(s.level_strict)}-interval, en bij {len(high)} soorten erboven; bij "
        f"{len(tot) - len(set(low) | set(high))} soorten bleef het binnen de normale schommeling.",
        "",
    ]
    for code in r.focus:
        t = tot.loc[code]
        bits = _focus_bits(r, code, yr.loc[code] if code in yr.index else None)
        caveat = []
        if pd.notna(t["beats_naive"]) and not bool(t["beats_naive"]):
            caveat.append("in de back-test was het model niet beter dan de naïeve voorspelling")
        if pd.notna(t["backtest_rule_fired"]) and bool(t["backtest_rule_fired"]):
            caveat.append("de regel sloeg in de back-test ook zonder pandemie aan")
        text = f"- **{t['label']} ({code})**: " + "; ".join(bits) + "."
        if caveat:
            text += " Let op: " + " en ".join(caveat) + "."
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
