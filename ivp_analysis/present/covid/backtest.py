"""Section 3: the rolling back-test, the model gate, the decision rule, multiplicity and the digital reporting desk."""

from __future__ import annotations

import pandas as pd

from ivp_analysis.covid import CovidAnalysis
from ivp_analysis.present.covid.national import focus_month
from ivp_analysis.present.covid.words import _level, _pct
from ivp_analysis.present.numbers import format_nl
from ivp_analysis.vocab import (
    MODEL_NL,
    MODEL_REASON_NL,
    PERIOD_TOTAL,
    VERDICT_NO_MODEL,
)


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
