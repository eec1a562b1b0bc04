"""The regional overview of a batch in Dutch: ``index.html`` and ``summary.csv`` at the batch root.

``summary.csv`` holds every field of :func:`ivp_analysis.regional.overview` (English column
names, the result tables' own codes and verdicts). ``index.html`` is one self-contained page: a
figure placing the municipalities side by side and a table with one row per municipality (a
failed one with its error), sortable by a click on a column heading and filterable by name and
by outcome with a few lines of inline JavaScript, so it works from the file system without a
server.
"""

from __future__ import annotations

import base64
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import DictLoader, Environment
from markupsafe import Markup, escape

from ivp_analysis import regional, vocab
from ivp_analysis.present.numbers import format_nl, format_pct_nl

#: The status groups of the indicator counts: sign shown, Dutch meaning, CSS class.
GROUP_SIGNS: tuple[tuple[str, str, str], ...] = (
    ("improved", "▲", vocab.STATUS_NL[vocab.STATUS_IMPROVED]),
    ("worsened", "▼", vocab.STATUS_NL[vocab.STATUS_WORSENED]),
    ("no_change", "=", vocab.STATUS_NL[vocab.STATUS_NO_CHANGE]),
    ("not_assessable", "?", vocab.NOT_ASSESSABLE_NL),
)
CRIME_NL = vocab.OVERVIEW_CRIMES_NL


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _num(row: dict, key: str) -> float | None:
    """Return a field as a number, ``None`` when it is missing."""
    value = row.get(key)
    return None if _missing(value) else float(value)  # type: ignore[arg-type]


def priority_cell(row: dict, priority: str) -> tuple[str, float | None]:
    """Return the HTML of a priority's indicator counts and its sort key (improved − worsened).

    Examples
    --------
    >>> row = {"indicators_jeugd_improved": 1, "indicators_jeugd_worsened": 0,
    ...        "indicators_jeugd_no_change": 2, "indicators_jeugd_not_assessable": 0}
    >>> html, key = priority_cell(row, "jeugd")
    >>> key, "▲ 1" in html
    (1, True)
    """
    counts = {g: _num(row, f"indicators_{priority}_{g}") for g, _, _ in GROUP_SIGNS}
    if all(v is None for v in counts.values()):
        return "–", None
    n = {g: int(v or 0) for g, v in counts.items()}
    parts = [
        f'<span class="g-{group}{" zero" if n[group] == 0 else ""}" title="{escape(meaning)}">'
        f"{sign} {n[group]}</span>"
        for group, sign, meaning in GROUP_SIGNS
    ]
    return " ".join(parts), n["improved"] - n["worsened"]


def baseline_cell(row: dict, crime: str) -> tuple[str, float | None]:
    """Return the text of a crime type's indicator against the baseline and its sort key.

    Examples
    --------
    >>> baseline_cell({"burglary_status": "improved", "burglary_change": -51.9,
    ...                "burglary_ci_low": -68.0, "burglary_ci_high": -28.0}, "burglary")[0]
    'verbeterd: -52 % <span class="ci">(95%-interval -68 % tot -28 %)</span>'
    """
    status = row.get(f"{crime}_status")
    change = _num(row, f"{crime}_change")
    if _missing(status):
        return "–", None
    text = str(escape(vocab.STATUS_NL.get(str(status), str(status))))
    if change is None:
        return text, None
    text += f": {format_pct_nl(change, 0)}"
    lo, hi = _num(row, f"{crime}_ci_low"), _num(row, f"{crime}_ci_high")
    if lo is not None and hi is not None:
        text += (
            f' <span class="ci">(95%-interval {format_pct_nl(lo, 0)} tot '
            f"{format_pct_nl(hi, 0)})</span>"
        )
    return text, change


def trend_cell(row: dict, crime: str) -> tuple[str, float | None]:
    """Return the text of a crime type's trend and its sort key (change per year).

    The position against the projected pre-plan trend comes first when the report has it;
    then the trend's change per year with its verdict, source years in the tooltip.

    Examples
    --------
    >>> trend_cell({"burglary_trend_change_pct": -13.7, "burglary_trend_verdict":
    ...             "significante daling", "burglary_trend_years": "2012-2023",
    ...             "burglary_trend_source": "Politie 47018NED"}, "burglary")[0]
    '<span title="Politie 47018NED, 2012-2023">-13,7 % per jaar (significante daling)</span>'
    """
    parts = []
    position = row.get(f"{crime}_trend_position")
    if not _missing(position):
        parts.append(str(escape(vocab.TREND_POSITION_NL.get(str(position), str(position)))))
    change = _num(row, f"{crime}_trend_change_pct")
    if change is not None:
        verdict = row.get(f"{crime}_trend_verdict")
        source = f"{row.get(f'{crime}_trend_source')}, {row.get(f'{crime}_trend_years')}"
        text = f"{format_pct_nl(change, 1)} per jaar"
        if not _missing(verdict):
            text += f" ({escape(verdict)})"
        parts.append(f'<span title="{escape(source)}">{text}</span>')
    if not parts:
        return "–", None
    return "; ".join(parts), change


def covid_cell(row: dict) -> tuple[str, float | None]:
    """Return the text of the COVID-19 years and its sort key (the 2020 difference).

    Examples
    --------
    >>> covid_cell({"covid_2020_pct": -8.04, "covid_2020_below": 2, "covid_2020_above": 0,
    ...             "covid_2020_types": 12})[0]
    '<span class="year">2020: -8 % <span class="ci">(2 lager, 0 hoger, van 12 soorten)</span></span>'
    """
    parts = []
    for year in regional.COVID_YEARS:
        pct = _num(row, f"covid_{year}_pct")
        if pct is None:
            continue
        below, above = row.get(f"covid_{year}_below"), row.get(f"covid_{year}_above")
        types = row.get(f"covid_{year}_types")
        parts.append(
            f'<span class="year">{year}: {format_pct_nl(pct, 0)} <span class="ci">('
            f"{format_nl(below)} lager, {format_nl(above)} hoger, van {format_nl(types)} "
            "soorten)</span></span>"
        )
    if not parts:
        return "–", None
    return "".join(parts), _num(row, f"covid_{regional.COVID_YEARS[0]}_pct")


def table_rows(frame: pd.DataFrame, prios: list[str]) -> list[dict]:
    """Return the rows of the overview table: cells (HTML, sort key) and filter attributes."""
    rows = []
    for rec in frame.to_dict("records"):
        failed = rec["status"] == "failed"
        name = str(rec.get("name") or rec["municipality"]).replace(" (gemeente)", "")
        code = rec["municipality"]
        label = (
            escape(name)
            if name == code
            else Markup(f'{escape(name)} <span class="code">{escape(code)}</span>')
        )
        cells: dict[str, tuple[str, Any]] = {"name": (str(label), name)}
        if failed:
            error = escape(rec.get("error") or "")
            cells["error"] = (f"{vocab.BATCH_STATUS_NL['failed']}; foutmelding: {error}", None)
        else:
            pop = rec.get("population")
            cells["population"] = (
                format_nl(pop) if not _missing(pop) else "–",
                None if _missing(pop) else float(pop),
            )
            for p in prios:
                cells[f"p-{p}"] = priority_cell(rec, p)
            for crime in CRIME_NL:
                cells[f"{crime}-base"] = baseline_cell(rec, crime)
                cells[f"{crime}-trend"] = trend_cell(rec, crime)
            cells["covid"] = covid_cell(rec)
            cells["links"] = (_links(rec), None)
        worsened = sum(int(_num(rec, f"indicators_{p}_worsened") or 0) for p in prios)
        improved = sum(int(_num(rec, f"indicators_{p}_improved") or 0) for p in prios)
        rows.append(
            {
                "cells": cells,
                "status": rec["status"],
                "search": f"{name} {rec['municipality']}".lower(),
                "worsened": worsened,
                "improved": improved,
            }
        )
    return rows


def _links(rec: dict) -> str:
    out = []
    for key, label in (("report", "rapport"), ("pdf", "pdf")):
        if not _missing(rec.get(key)) and rec.get(key):
            out.append(f'<a href="{escape(rec[key])}">{label}</a>')
    return " · ".join(out) or "–"


def headings(prios: list[str]) -> list[tuple[str, str, str]]:
    """Return the column headings: (key, Dutch heading, tooltip)."""
    cols = [
        ("name", "Gemeente", "naam en CBS-code"),
        ("population", "Inwoners", "gemiddelde bevolking van het evaluatiejaar"),
    ]
    for p in prios:
        cols.append(
            (
                f"p-{p}",
                vocab.PRIORITY_SHORT_NL.get(p, p),
                vocab.PRIORITIES.get(p, p) + ": indicatoren",
            )
        )
    for crime, label in CRIME_NL.items():
        cols.append((f"{crime}-base", f"{label}: t.o.v. peiljaar", "status van de indicator"))
        cols.append((f"{crime}-trend", f"{label}: trend", "verandering per jaar over de reeks"))
    cols.append(("covid", "COVID-19-jaren", "geregistreerd t.o.v. verwacht zonder COVID-19"))
    cols.append(("links", "Rapport", "het rapport en de pdf"))
    return cols


def figure_alt(frame: pd.DataFrame) -> str:
    """Return the alternative text of the overview figure."""
    n = int((frame["status"] != "failed").sum())
    return (
        f"Twee spreidingsdiagrammen van {n} gemeenten naar inwonertal: links de verandering "
        "van woninginbraak per inwoner ten opzichte van het peiljaar met de status van de "
        "indicator, rechts het verschil tussen geregistreerde en verwachte misdrijven in 2020."
    )


def national_text(national: dict[str, dict]) -> str:
    """Return the sentence on the national COVID-19 effect on total crime, or ``""``.

    Examples
    --------
    >>> national_text({"2020": {"pct": 2.9, "verdict": "binnen normale schommeling"}})
    'Landelijk lag het totaal aantal misdrijven in 2020 +2,9 % t.o.v. de verwachting zonder COVID-19 (binnen normale schommeling).'
    """
    parts = [
        f"in {year} {format_pct_nl(v['pct'], 1)} t.o.v. de verwachting zonder COVID-19"
        + (f" ({v['verdict']})" if v.get("verdict") else "")
        for year, v in sorted(national.items())
        if v.get("pct") is not None
    ]
    if not parts:
        return ""
    return "Landelijk lag het totaal aantal misdrijven " + "; ".join(parts) + "."


def write_overview(out_root: Path, results: list) -> Path:
    """Write ``summary.csv`` and ``index.html`` of a batch into ``out_root``; return the page."""
    from ivp_analysis.present.display import to_csv_text

    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    frame = regional.overview(results, out_root)
    _write_atomic(out_root / "summary.csv", to_csv_text(frame))
    page = render_page(frame, out_root, results)
    _write_atomic(out_root / "index.html", page)
    return out_root / "index.html"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    tmp.replace(path)


def render_page(frame: pd.DataFrame, out_root: Path, results: list) -> str:
    """Return the HTML page of the overview."""
    import matplotlib.pyplot as plt

    from ivp_analysis.plots.regional import municipalities_figure
    from ivp_analysis.present.display import figure_png

    prios = [
        c[len("indicators_") : -len("_improved")]
        for c in frame.columns
        if c.startswith("indicators_") and c.endswith("_improved") and frame[c].notna().any()
    ]
    fig = municipalities_figure(frame)
    png, width, height = figure_png(fig)
    plt.close(fig)
    done = [r for r in results if r.status != "failed" and r.folder]
    national = regional.national_covid(Path(done[0].folder)) if done else {}
    moments = sorted({str(m) for m in frame["moment"].dropna()})
    counts = {s: int((frame["status"] == s).sum()) for s in vocab.BATCH_STATUS_NL}
    env = Environment(loader=DictLoader({"page": PAGE}), autoescape=True)
    return env.get_template("page").render(
        css=Markup(CSS),
        script=Markup(SCRIPT),
        n=len(frame),
        moments=", ".join(moments),
        counts=[(vocab.BATCH_STATUS_NL[s], n) for s, n in counts.items() if n],
        generated=datetime.now(UTC),
        national=national_text(national),
        figure=f"data:image/png;base64,{base64.b64encode(png).decode()}",
        width=width,
        height=height,
        alt=figure_alt(frame),
        headings=headings(prios),
        rows=table_rows(frame, prios),
        signs=GROUP_SIGNS,
        Markup=Markup,
    )


CSS = """
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d1d1b;
       margin: 0 auto; padding: 1rem 1.5rem; max-width: 100rem; line-height: 1.4; }
h1 { color: #154273; margin: .3rem 0; }
p.made { color: #5a5a58; font-size: .85rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: #5a5a58; font-size: .9rem; }
.controls { display: flex; gap: 1rem; align-items: center; margin: .8rem 0; flex-wrap: wrap; }
.controls input, .controls select { font-size: 1rem; padding: .2rem .4rem; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border-bottom: 1px solid #d0d0cc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef1f5; cursor: pointer; position: sticky; top: 0; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td[data-col^="p-"], td[data-col="population"] { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.failed td { background: #fdf0ec; }
span.year { display: block; min-width: 13rem; }
.code, .ci { color: #5a5a58; font-size: .8rem; }
.g-improved { color: #027a59; } .g-worsened { color: #b34700; } .g-no_change { color: #0160a0; }
.g-not_assessable { color: #6f6f6f; } .zero { opacity: .45; }
ul.legend { list-style: none; padding: 0; display: flex; gap: 1.2rem; flex-wrap: wrap; font-size: .85rem; }
"""

SCRIPT = """
(function () {
  var table = document.getElementById("overzicht"), body = table.tBodies[0];
  var search = document.getElementById("zoek"), kind = document.getElementById("soort");
  var shown = document.getElementById("getoond");
  function key(row, col) {
    var cell = row.querySelector('td[data-col="' + col + '"]');
    return cell ? cell.getAttribute("data-sort") : "";
  }
  function compare(a, b) {
    if (a === b) return 0;
    if (a === "" || a === null) return 1;
    if (b === "" || b === null) return -1;
    var x = Number(a), y = Number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return a.localeCompare(b, "nl");
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    th.addEventListener("click", function () {
      var col = th.getAttribute("data-col");
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (r, s) {
        var a = key(r, col), b = key(s, col);
        if (a === "" || b === "") return compare(a, b);
        return dir === "ascending" ? compare(a, b) : compare(b, a);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  function filter() {
    var text = search.value.trim().toLowerCase(), what = kind.value, n = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var ok = r.getAttribute("data-search").indexOf(text) >= 0;
      if (what === "done") ok = ok && r.getAttribute("data-status") !== "failed";
      if (what === "failed") ok = ok && r.getAttribute("data-status") === "failed";
      if (what === "worsened") ok = ok && parseInt(r.getAttribute("data-worsened"), 10) > 0;
      if (what === "improved") ok = ok && parseInt(r.getAttribute("data-improved"), 10) > 0;
      r.hidden = !ok;
      if (ok) n += 1;
    });
    shown.textContent = n;
  }
  search.addEventListener("input", filter);
  kind.addEventListener("change", filter);
  filter();
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Regionaal overzicht – Evaluatie Integraal Veiligheidsplan</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>Regionaal overzicht: evaluatie integraal veiligheidsplan</h1>
<p>{{ n }} gemeenten{% if moments %}, evaluatiemoment {{ moments }}{% endif %}:
{% for label, k in counts %}{{ k }} {{ label }}{% if not loop.last %}, {% endif %}{% endfor %}.</p>
<p class="made">Gemaakt op <time datetime="{{ generated.isoformat(timespec='seconds') }}" data-ivp-volatile>{{ generated.strftime('%d-%m-%Y %H:%M') }} UTC</time>
met ivp batch. Alle velden staan in <a href="summary.csv">summary.csv</a>; elk rapport heeft zijn eigen resultaattabellen en manifest.</p>
</header>
<main>
<p>Eén regel per gemeente met de belangrijkste uitkomsten van haar rapport: de indicatoren per
prioriteit van het plan, woninginbraak en het totaal aantal misdrijven tegenover het peiljaar en
hun trend, en de COVID-19-jaren. Klik op een kolomkop om te sorteren; filter op naam of uitkomst.
{% if national %}{{ national }}{% endif %}</p>
<figure>
<img src="{{ figure }}" width="{{ width }}" height="{{ height }}" alt="{{ alt }}">
<figcaption>De gemeenten naast elkaar, naar inwonertal. Een verticaal streepje is het 95%-interval van de verandering.</figcaption>
</figure>
<ul class="legend">
{% for group, sign, meaning in signs %}<li><span class="g-{{ group }}">{{ sign }}</span> {{ meaning }}</li>
{% endfor %}</ul>
<div class="controls">
<label>Zoek gemeente <input id="zoek" type="search" placeholder="naam of code"></label>
<label>Toon <select id="soort">
<option value="all">alle gemeenten</option>
<option value="done">gemaakte rapporten</option>
<option value="failed">mislukte rapporten</option>
<option value="worsened">met een verslechterde indicator</option>
<option value="improved">met een verbeterde indicator</option>
</select></label>
<span><span id="getoond">{{ rows|length }}</span> van {{ rows|length }} getoond</span>
</div>
<table id="overzicht">
<thead><tr>{% for col, label, tip in headings %}<th data-col="{{ col }}" title="{{ tip }}" scope="col">{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr data-status="{{ row.status }}" data-search="{{ row.search }}" data-worsened="{{ row.worsened }}" data-improved="{{ row.improved }}"{% if row.status == 'failed' %} class="failed"{% endif %}>
{%- for col, label, tip in headings %}{% if col in row.cells %}{% set cell = row.cells[col] %}<td data-col="{{ col }}" data-sort="{{ '' if cell[1] is none else cell[1] }}"{% if col == 'population' %} class="num"{% endif %}>{{ Markup(cell[0]) }}</td>{% elif loop.index == 2 and 'error' in row.cells %}<td data-col="error" colspan="{{ headings|length - 1 }}">{{ Markup(row.cells['error'][0]) }}</td>{% endif %}{% endfor -%}
</tr>
{% endfor %}</tbody>
</table>
</main>
<script>{{ script }}</script>
</body>
</html>
"""
