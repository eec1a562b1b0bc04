"""The summary a council member reads first: verdicts, key findings, gaps and the data's date.

Everything here is generated from the report's result tables (the CSV files in ``results/``)
and the manifest's data vintage, so it is true for every municipality and moment. A table
that a report does not have (or that has no row for the municipality) simply gives no finding.
:func:`build` returns plain Dutch strings; :mod:`ivp_analysis.html` lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from ivp_analysis.periods import DUTCH_MONTHS
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.vocab import (
    PRIORITIES,
    STATUS_IMPROVED,
    STATUS_NL,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
    STATUSES,
    TREND_NL,
    TREND_WITHIN,
    VERDICT_ABOVE,
    VERDICT_BELOW,
    VERDICT_DOWN,
    VERDICT_UP,
)

#: Findings shown at most; the summary must fit one or two screens.
MAX_FINDINGS = 8
#: Indicators named one by one as findings (the rest are counted in the scorecard).
MAX_INDICATOR_FINDINGS = 3
#: The folder under ``data/`` that holds the municipality's own templates.
TEMPLATES = "data/templates/"

# Section headings a finding links to, most specific first; :mod:`ivp_analysis.html` links to
# the first heading of the report that contains one of them (the chapter when none matches).
SECTION_INDICATORS = ("Oordeel en toelichting per indicator", "Evaluatie-indicatoren")
SECTION_MISSING = ("Ontbrekende cijfers", "Evaluatie-indicatoren")
SECTION_TREND = ("Trend over de periode", "Criminaliteit")
SECTION_BENCHMARK = ("Vergelijking met Nederland", "Criminaliteit")
SECTION_RECONCILIATION = ("Aansluiting van de cijfers in het plan", "Criminaliteit")
SECTION_COVID = ("De gemeente", "COVID-19")
SECTION_SOURCES = ("Bronnen", "Gegevensoverzicht")


@dataclass(frozen=True)
class Finding:
    """One key finding: a sentence, its number, its interval or verdict, and where it is shown.

    ``section`` lists heading texts to link to, most specific first.
    """

    text: str
    figure: str
    detail: str
    section: tuple[str, ...]


@dataclass
class Summary:
    """Everything the summary shows, as Dutch text.

    Attributes
    ----------
    facts : list of (str, str)
        Municipality, moment, generation date, data up to.
    generated : str
        The generation date as shown (the one part that differs between two runs).
    generated_iso : str
        The same moment in ISO 8601, for the ``datetime`` attribute.
    scorecard : DataFrame
        Priorities as rows, statuses as columns, counts of indicators (empty: no indicators).
    findings : list of Finding
    not_judged : list of (str, str)
        Reason and the indicators it applies to.
    to_supply : list of (str, str)
        Where the figures go (a template) and which indicators need them.
    vintage : DataFrame
        One row per data folder: source, period, provisional periods, dates.
    """

    facts: list[tuple[str, str]]
    generated: str
    generated_iso: str
    scorecard: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    not_judged: list[tuple[str, str]] = field(default_factory=list)
    to_supply: list[tuple[str, str]] = field(default_factory=list)
    vintage: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_indicators: int = 0


def date_nl(value: str | datetime | None) -> str:
    """Write a date the Dutch way, with the month in words.

    Examples
    --------
    >>> date_nl("2026-08-19")
    '19 augustus 2026'
    >>> date_nl(None)
    '–'
    """
    if value is None or value == "":
        return "–"
    d = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return f"{d.day} {list(DUTCH_MONTHS)[d.month - 1]} {d.year}"


def read_results(results_dir: Path) -> dict[str, pd.DataFrame]:
    """Read every result table in ``results_dir`` (``name.csv`` -> frame, text kept as text)."""
    return {
        p.stem: pd.read_csv(p, dtype={"code": str, "region": str, "phase": str})
        for p in sorted(Path(results_dir).glob("*.csv"))
    }


def build(
    tables: Mapping[str, pd.DataFrame],
    *,
    municipality: str,
    name: str,
    moment_label: str,
    baseline_year: int,
    eval_year: int,
    generated: datetime,
    vintage: list[dict],
    data_last_year: int | None = None,
) -> Summary:
    """Build the summary of one report from its result tables.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Result tables by name (``indicators``, ``trend_models``, ...; see ``docs/results.md``).
    municipality, name : str
        Code and name of the municipality.
    moment_label : str
        Dutch name of the evaluation moment.
    baseline_year, eval_year : int
        The years the evaluation compares.
    generated : datetime
        When the report was made.
    vintage : list of dict
        The manifest's ``data_vintage``.
    data_last_year : int, optional
        The moment's data vintage: the last year of figures its verdicts may use.
    """
    ind = tables.get("indicators", pd.DataFrame())
    facts = [
        ("Gemeente", f"{name} ({municipality})"),
        ("Evaluatiemoment", f"{moment_label}: {eval_year} ten opzichte van {baseline_year}"),
    ]
    if data_last_year is not None:
        facts.append(
            (
                "Oordelen op cijfers tot en met",
                f"{data_last_year} (latere cijfers bestonden op het evaluatiemoment nog niet)",
            )
        )
    facts.append(("Nieuwste meegeleverde cijfers", _data_up_to(vintage)))
    summary = Summary(
        facts=facts,
        generated=date_nl(generated),
        generated_iso=generated.isoformat(timespec="seconds"),
        scorecard=scorecard(ind),
        vintage=vintage_table(vintage),
        n_indicators=len(ind),
    )
    summary.findings = key_findings(tables, municipality)
    summary.to_supply = to_supply(ind, eval_year)
    summary.not_judged = not_judged(ind, listed_below=bool(summary.to_supply))
    return summary


def _data_up_to(vintage: list[dict]) -> str:
    """Say the last year of the municipal crime figures and which years are provisional."""
    if not vintage:
        return "–"
    main = vintage[0]  # the municipal crime series comes first (datasets.SHIPPED)
    text = f"{main['last_period']} ({', '.join(main['sources'])})"
    if main.get("provisional"):
        text += f"; {_span_nl(main['provisional'])} voorlopig"
    return text


def _join_nl(items: list[str]) -> str:
    """Join with commas and 'en' before the last item.

    Examples
    --------
    >>> _join_nl(["a", "b", "c"])
    'a, b en c'
    >>> _join_nl(["a"])
    'a'
    """
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


# --------------------------------------------------------------------------- scorecard


def scorecard(ind: pd.DataFrame) -> pd.DataFrame:
    """Count the indicators per priority (rows, the plan's order) and status (columns).

    Examples
    --------
    >>> ind = pd.DataFrame({"priority": ["jeugd", "jeugd", "zorg"],
    ...                     "status": ["improved", "not assessable: no data", "improved"]})
    >>> scorecard(ind)[["prioriteit", "verbeterd", "totaal"]].to_dict("records")
    [{'prioriteit': 'Jeugd en veiligheid', 'verbeterd': 1, 'totaal': 2}, {'prioriteit': 'Zorg en veiligheid', 'verbeterd': 1, 'totaal': 1}]
    """
    if ind.empty or not {"priority", "status"} <= set(ind.columns):
        return pd.DataFrame()
    counts = pd.crosstab(ind["priority"], ind["status"])
    order = [p for p in PRIORITIES if p in counts.index]
    order += sorted(p for p in counts.index if p not in PRIORITIES)
    counts = counts.reindex(index=order, columns=list(STATUSES), fill_value=0)
    out = counts.rename(columns=STATUS_NL).astype(int)
    out.insert(0, "prioriteit", [PRIORITIES.get(p, p) for p in order])
    out["totaal"] = counts.sum(axis=1).to_numpy()
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- findings


def key_findings(tables: Mapping[str, pd.DataFrame], municipality: str) -> list[Finding]:
    """Return up to :data:`MAX_FINDINGS` findings, the indicator verdicts first."""
    found: list[Finding] = []
    found += indicator_findings(tables.get("indicators", pd.DataFrame()))
    found += trend_findings(_rows_of(tables.get("trend_models"), municipality))
    found += benchmark_findings(_rows_of(tables.get("benchmark"), municipality))
    found += covid_findings(_rows_of(tables.get("covid_municipal"), municipality))
    found += reconciliation_findings(_rows_of(tables.get("reconciliation"), municipality))
    return found[:MAX_FINDINGS]


def _rows_of(df: pd.DataFrame | None, municipality: str) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame()
    if "region" in df.columns:
        df = df[df["region"] == municipality]
    return df.reset_index(drop=True)


def _interval(low: float, high: float, decimals: int = 0) -> str:
    """Write a 95 % interval of a percentage change.

    Examples
    --------
    >>> _interval(-68.4, -27.8)
    '95%-interval -68 % tot -28 %'
    >>> _interval(-39.7, 164.7, 1)
    '95%-interval -39,7 % tot +164,7 %'
    """
    return f"95%-interval {format_pct_nl(low, decimals)} tot {format_pct_nl(high, decimals)}"


def _missing(*values: object) -> bool:
    return any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values)


def indicator_findings(ind: pd.DataFrame) -> list[Finding]:
    """Name the indicators that improved or worsened (worsened first), or say none did.

    Examples
    --------
    >>> ind = pd.DataFrame({"label": ["Woninginbraak"], "status": ["improved"],
    ...     "baseline_period": ["2022"], "baseline_value": [76.0], "eval_period": ["2023"],
    ...     "eval_value": [37.0], "change": [-51.9], "ci_low": [-68.4], "ci_high": [-27.8],
    ...     "p_value": [0.001]})
    >>> f = indicator_findings(ind)[0]
    >>> f.text, f.figure, f.detail
    ('Woninginbraak: verbeterd, van 76 (2022) naar 37 (2023)', '-52 %', '95%-interval -68 % tot -28 %')

    With the pre-plan trend and the q-value (issue 11), the finding says whether the change
    is more than the trend predicted and whether it survives the correction for many tests:

    >>> ind = ind.assign(q_value=[0.27], trend_expected=[53.3], trend_pi_low=[28.2],
    ...                  trend_pi_high=[83.2], trend_verdict=["within trend"])
    >>> indicator_findings(ind)[0].detail
    '95%-interval -68 % tot -28 %; binnen de trend van vóór het plan (verwacht 53, 28 tot 83): geen aanwijzing voor een effect van het plan; na correctie voor het aantal toetsen niet significant (q = 0,27)'
    """
    need = {"label", "status", "change", "ci_low", "ci_high"}
    if ind.empty or not need <= set(ind.columns):
        return []
    tested = ind[ind["status"].isin([s for s in STATUSES if s not in _NOT_JUDGED])]
    moved = ind[ind["status"].isin([STATUS_WORSENED, STATUS_IMPROVED])].copy()
    if moved.empty:
        if tested.empty:
            return []
        return [
            Finding(
                f"Geen indicator is significant verbeterd of verslechterd ({len(tested)} "
                "indicatoren met cijfers getoetst)",
                f"0 van {len(tested)}",
                STATUS_NL[STATUSES[2]],
                SECTION_INDICATORS,
            )
        ]
    moved["order"] = (moved["status"] == STATUS_IMPROVED).astype(int)
    moved = moved.sort_values(["order", "p_value" if "p_value" in moved else "change"])
    out = []
    for r in moved.head(MAX_INDICATOR_FINDINGS).itertuples():
        text = f"{r.label}: {STATUS_NL[r.status]}"
        if not _missing(getattr(r, "baseline_value", None), getattr(r, "eval_value", None)):
            text += (
                f", van {_num(r.baseline_value)} ({_period(r.baseline_period)}) naar "
                f"{_num(r.eval_value)} ({_period(r.eval_period)})"
            )
        detail = _interval(r.ci_low, r.ci_high) + _context(r._asdict())
        out.append(Finding(text, format_pct_nl(r.change, 0), detail, SECTION_INDICATORS))
    return out


def _context(row: Mapping) -> str:
    """Say where the evaluated figure lies against the pre-plan trend, and what q says."""
    text = ""
    verdict, expected = row.get("trend_verdict"), row.get("trend_expected")
    if isinstance(verdict, str) and verdict in TREND_NL and not _missing(expected):
        text += (
            f"; {TREND_NL[verdict]} van vóór het plan (verwacht {format_nl(expected, 0)}, "
            f"{format_nl(row['trend_pi_low'], 0)} tot {format_nl(row['trend_pi_high'], 0)})"
        )
        if verdict == TREND_WITHIN:
            text += ": geen aanwijzing voor een effect van het plan"
    q = row.get("q_value")
    if isinstance(q, float) and not math.isnan(q) and q >= 0.05:
        text += f"; na correctie voor het aantal toetsen niet significant (q = {format_nl(q, 2)})"
    return text


_NOT_JUDGED = (STATUS_NO_DATA, STATUS_NO_DIRECTION)


def _num(value: float) -> str:
    """Format a count without decimals and a mark (7,8) with one.

    Examples
    --------
    >>> _num(76.0), _num(7.8)
    ('76', '7,8')
    """
    return format_nl(value, 0 if float(value).is_integer() else 1)


def _period(value: object) -> str:
    """Write a period read from CSV (``2022.0`` -> ``2022``)."""
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return str(int(f)) if f.is_integer() else str(value)


def trend_findings(models: pd.DataFrame) -> list[Finding]:
    """Summarise the long-term trends: the total, and how many crime types rise or fall.

    Examples
    --------
    >>> m = pd.DataFrame({"code": ["0.0.0", "1.1.1", "1.2.1"], "label": ["Totaal", "Inbraak", "Fiets"],
    ...     "source": ["CBS", "Politie", "Politie"], "first_year": [2012] * 3, "last_year": [2022, 2025, 2025],
    ...     "n_obs": [11, 14, 14], "change_pct": [-5.0, -13.7, 1.0], "ci_low_pct": [-6.9, -15.2, -2.0],
    ...     "ci_high_pct": [-3.1, -12.1, 4.0], "verdict": ["significante daling", "significante daling",
    ...     "binnen normale schommeling"]})
    >>> [f.text for f in trend_findings(m)]
    ['Totaal (CBS), trend 2012-2022', 'Trend 2012-2025 (Politie): 1 van de 2 soorten daalt significant, 0 stijgen significant; sterkste daling: inbraak']
    """
    need = {"code", "label", "source", "first_year", "last_year", "change_pct", "verdict"}
    if models.empty or not need <= set(models.columns):
        return []
    out = []
    total = models[models["code"] == "0.0.0"]
    if not total.empty:
        t = total.sort_values(["last_year", "first_year"], ascending=[False, True]).iloc[0]
        out.append(
            Finding(
                f"{t['label']} ({t['source']}), trend {t['first_year']}-{t['last_year']}",
                f"{format_pct_nl(t['change_pct'], 1)} per jaar",
                f"{_interval(t['ci_low_pct'], t['ci_high_pct'], 1)}; {t['verdict']}",
                SECTION_TREND,
            )
        )
    types = models[models["code"] != "0.0.0"]
    if types.empty:
        return out
    source = types["source"].mode().iloc[0]
    types = types[types["source"] == source]
    down = types[types["verdict"] == VERDICT_DOWN].sort_values("change_pct")
    up = types[types["verdict"] == VERDICT_UP].sort_values("change_pct", ascending=False)
    first, last = int(types["first_year"].min()), int(types["last_year"].max())
    text = (
        f"Trend {first}-{last} ({source}): {len(down)} van de {len(types)} soorten "
        f"{'daalt' if len(down) == 1 else 'dalen'} significant, {len(up)} "
        f"{'stijgt' if len(up) == 1 else 'stijgen'} significant"
    )
    strongest = up.iloc[0] if len(up) else down.iloc[0] if len(down) else None
    if strongest is None:
        out.append(Finding(text, f"0 van {len(types)}", "geen significante trend", SECTION_TREND))
        return out
    word = "stijging" if len(up) else "daling"
    out.append(
        Finding(
            f"{text}; sterkste {word}: {str(strongest['label']).lower()}",
            f"{format_pct_nl(strongest['change_pct'], 1)} per jaar",
            _interval(strongest["ci_low_pct"], strongest["ci_high_pct"], 1),
            SECTION_TREND,
        )
    )
    return out


def benchmark_findings(bench: pd.DataFrame) -> list[Finding]:
    """Say where the municipality stands in its peer group, per position.

    Examples
    --------
    >>> b = pd.DataFrame({"year": [2023] * 3, "position": ["laag", "midden", "laag"],
    ...     "peer_rank": [3, 30, 5], "n_peers": [61] * 3, "peer_group": ["groep"] * 3,
    ...     "label": ["a", "b", "c"]})
    >>> f = benchmark_findings(b)[0]
    >>> f.text, f.figure
    ('Vergelijking met 61 gemeenten (groep), 2023: laag 2, midden 1 van de 3 soorten', 'laag: 2 van 3')
    """
    need = {"year", "position", "peer_rank", "n_peers", "peer_group"}
    if bench.empty or not need <= set(bench.columns):
        return []
    # a type with too few cases gets no rank (its position says so): it is not counted here
    known = bench.dropna(subset=["position", "peer_rank"])
    if known.empty:
        return []
    # positions in the order of their ranks (lowest rates first), as the table words them
    order = known.groupby("position")["peer_rank"].mean().sort_values().index
    counts = known["position"].value_counts()
    parts = ", ".join(f"{pos} {counts[pos]}" for pos in order)
    first = order[0]
    group = str(known["peer_group"].iloc[0]).split(" (")[0]  # without the explanation
    return [
        Finding(
            f"Vergelijking met {int(known['n_peers'].max())} gemeenten "
            f"({group}), {int(known['year'].iloc[0])}: {parts} van de "
            f"{len(known)} soorten",
            f"{first}: {counts[first]} van {len(known)}",
            "per 1.000 inwoners",
            SECTION_BENCHMARK,
        )
    ]


def covid_findings(covid: pd.DataFrame) -> list[Finding]:
    """Name the years and crime types that lay outside the expected range during COVID-19.

    Examples
    --------
    >>> c = pd.DataFrame({"year": [2020, 2021], "label": ["Bedreiging", "Bedreiging"],
    ...     "observed": [61, 44], "expected": [37.7, 35.0], "lower_95": [24, 21],
    ...     "upper_95": [54, 52], "verdict": ["hoger dan verwacht", "binnen normale schommeling"]})
    >>> f = covid_findings(c)[0]
    >>> f.text, f.figure, f.detail
    ('COVID-19-jaren 2020-2021: 1 van de 2 vergelijkingen buiten het verwachte bereik; bedreiging 2020: hoger dan verwacht', '61 (verwacht 38)', '95%-voorspelinterval 24 tot 54')
    """
    need = {"year", "label", "observed", "expected", "lower_95", "upper_95", "verdict"}
    if covid.empty or not need <= set(covid.columns):
        return []
    outside = covid[covid["verdict"].isin([VERDICT_ABOVE, VERDICT_BELOW])]
    years = f"{int(covid['year'].min())}-{int(covid['year'].max())}"
    text = (
        f"COVID-19-jaren {years}: {len(outside)} van de {len(covid)} vergelijkingen buiten "
        "het verwachte bereik"
    )
    if outside.empty:
        return [Finding(text, f"0 van {len(covid)}", "95%-voorspelinterval", SECTION_COVID)]
    r = outside.assign(gap=(outside["observed"] - outside["expected"]).abs() / outside["expected"])
    r = r.sort_values("gap", ascending=False).iloc[0]
    return [
        Finding(
            f"{text}; {str(r['label']).lower()} {int(r['year'])}: {r['verdict']}",
            f"{_num(r['observed'])} (verwacht {format_nl(r['expected'], 0)})",
            f"95%-voorspelinterval {_num(r['lower_95'])} tot {_num(r['upper_95'])}",
            SECTION_COVID,
        )
    ]


def reconciliation_findings(recon: pd.DataFrame) -> list[Finding]:
    """Count the plan's figures that differ from the official series (numbers, not labels).

    Examples
    --------
    >>> r = pd.DataFrame({"plan_value": [72.0, 92.0, 5.0], "official_value": [73.0, 92.0, None],
    ...     "difference": [-1.0, 0.0, None], "label": ["Inbraak", "Inbraak", "x"], "year": [2020, 2018, 2019]})
    >>> f = reconciliation_findings(r)[0]
    >>> f.text, f.figure
    ('Cijfers in het plan naast de officiële reeks: 1 van de 2 vergelijkbare cijfers wijkt af; grootste verschil: inbraak 2020', '-1')
    """
    need = {"plan_value", "official_value", "difference", "label", "year"}
    if recon.empty or not need <= set(recon.columns):
        return []
    both = recon.dropna(subset=["plan_value", "official_value"])
    if both.empty:
        return []
    differ = both[both["difference"].fillna(0) != 0]
    text = (
        f"Cijfers in het plan naast de officiële reeks: {len(differ)} van de {len(both)} "
        f"vergelijkbare cijfers {'wijkt' if len(differ) == 1 else 'wijken'} af"
    )
    if differ.empty:
        return [Finding(text, f"0 van {len(both)}", "geen verschil", SECTION_RECONCILIATION)]
    big = differ.loc[differ["difference"].abs().idxmax()]
    return [
        Finding(
            f"{text}; grootste verschil: {str(big['label']).lower()} {int(big['year'])}",
            format_nl(big["difference"], 0),
            "plan min officieel",
            SECTION_RECONCILIATION,
        )
    ]


# --------------------------------------------------------------------------- gaps


def not_judged(ind: pd.DataFrame, *, listed_below: bool = False) -> list[tuple[str, str]]:
    """Return (reason, indicators) for the indicators that cannot be judged.

    With ``listed_below`` the indicators without figures are not named again: the list of
    figures to supply (:func:`to_supply`) names them.

    Examples
    --------
    >>> ind = pd.DataFrame({"label": ["Drugshandel", "Overlast"],
    ...     "status": ["not assessable: no target direction", "not assessable: no data"]})
    >>> not_judged(ind)
    [('niet te beoordelen: geen streefrichting (1)', 'Drugshandel'), ('niet te beoordelen: geen cijfers (1)', 'Overlast')]
    >>> not_judged(ind, listed_below=True)[1]
    ('niet te beoordelen: geen cijfers (1)', 'de indicator hieronder, waarvoor de gemeente cijfers moet aanleveren')
    """
    if ind.empty or not {"label", "status"} <= set(ind.columns):
        return []
    out = []
    for status in (STATUS_NO_DIRECTION, STATUS_NO_DATA):
        labels = ind.loc[ind["status"] == status, "label"].tolist()
        if not labels:
            continue
        named = _join_nl(labels)
        if status == STATUS_NO_DATA and listed_below:
            which = "de indicator" if len(labels) == 1 else f"de {len(labels)} indicatoren"
            named = f"{which} hieronder, waarvoor de gemeente cijfers moet aanleveren"
        out.append((f"{STATUS_NL[status]} ({len(labels)})", named))
    return out


def to_supply(ind: pd.DataFrame, eval_year: int) -> list[tuple[str, str]]:
    """Return (where the figures go, which indicators) for the indicators without figures.

    The ``source`` column names the file and code (``data/templates/incidenten.csv
    [inc.overlast_jeugd]``): a template is where the municipality fills them in; any other
    source has no figure for the evaluation year and must be asked for.

    Examples
    --------
    >>> ind = pd.DataFrame({"label": ["Overlast jeugd", "Fraude"], "status": ["not assessable: no data"] * 2,
    ...     "source": ["data/templates/incidenten.csv [inc.overlast_jeugd]", "data/raw/plan.csv [3.9.1]"]})
    >>> to_supply(ind, 2023)
    [('sjabloon data/templates/incidenten.csv', 'Overlast jeugd (inc.overlast_jeugd)'), ('opvragen (data/raw/plan.csv heeft geen cijfer voor 2023)', 'Fraude (3.9.1)')]
    """
    if ind.empty or not {"label", "status", "source"} <= set(ind.columns):
        return []
    missing = ind[ind["status"] == STATUS_NO_DATA]
    groups: dict[str, list[str]] = {}
    for r in missing.itertuples():
        file, _, code = str(r.source).partition(" [")
        code = code.rstrip("]")
        where = (
            f"sjabloon {file}"
            if file.startswith(TEMPLATES)
            else f"opvragen ({file} heeft geen cijfer voor {eval_year})"
        )
        groups.setdefault(where, []).append(f"{r.label} ({code})" if code else str(r.label))
    templates = sorted(w for w in groups if w.startswith("sjabloon"))
    others = [w for w in groups if w not in templates]
    return [(w, _join_nl(groups[w])) for w in [*templates, *others]]


# --------------------------------------------------------------------------- vintage


def _span_nl(periods: list[str]) -> str:
    """Name a few periods one by one and a longer run by its ends.

    Examples
    --------
    >>> _span_nl(["2024", "2025"]), _span_nl(["2022-01", "2022-02", "2022-03"]), _span_nl([])
    ('2024 en 2025', '2022-01 t/m 2022-03', '–')
    """
    if not periods:
        return "–"
    if len(periods) > 2:
        return f"{periods[0]} t/m {periods[-1]}"
    return _join_nl(periods)


def vintage_table(vintage: list[dict]) -> pd.DataFrame:
    """Return the data vintage as a Dutch table: source, period, provisional periods, dates.

    The folders are in ``manifest.json`` (``data_vintage``) and in the chapter on the sources.

    Examples
    --------
    >>> t = vintage_table([{"folder": "data/raw/x", "sources": ["CBS 1", "CBS 2"],
    ...     "first_period": "2012", "last_period": "2025", "provisional": ["2024", "2025"],
    ...     "published": None, "retrieved": "2026-08-19"}])
    >>> t.iloc[0].tolist()
    ['CBS 1, CBS 2', '2012 t/m 2025', '2024 en 2025', '–', '19 augustus 2026']
    """
    rows = [
        (
            ", ".join(v["sources"]),
            f"{v['first_period']} t/m {v['last_period']}"
            if v["first_period"] != v["last_period"]
            else v["last_period"],
            _span_nl(v.get("provisional", [])),
            date_nl(v.get("published")),
            date_nl(v.get("retrieved")),
        )
        for v in vintage
    ]
    columns = ["bron", "periode", "voorlopig", "tabel gewijzigd", "opgehaald"]
    return pd.DataFrame(rows, columns=columns)
