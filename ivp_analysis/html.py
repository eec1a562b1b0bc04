"""Render executed notebooks into one self-contained, readable HTML report.

No code, no scripts, no external fonts or images: figures are embedded as data URIs with
their alternative text, Markdown is rendered with raw HTML escaped, and headings are
shifted so the report has one ``h1`` (the title) and headings in order. The page opens with
the summary (:mod:`ivp_analysis.present.summary`), then the table of contents, then one
chapter per notebook; the shell and style sheet are a Jinja2 template
(:mod:`ivp_analysis.html_templates`).

Two runs with the same inputs give the same bytes except in the parts marked
``data-ivp-volatile`` (the generation date): :func:`strip_volatile` blanks them, and
``ivp verify`` compares what remains.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import mistune
import nbformat
from jinja2 import DictLoader, Environment
from markupsafe import Markup
from mistune.renderers.html import HTMLRenderer

from ivp_analysis.html_templates import CSS, TEMPLATE
from ivp_analysis.present.display import META_KEY, table_html
from ivp_analysis.present.summary import Summary

#: Attribute marking an element whose content differs between two runs (the generation date).
VOLATILE_ATTR = "data-ivp-volatile"
# only <time> elements can be volatile: nothing else of the report is left out of the comparison
_VOLATILE = re.compile(rf"<time\b[^>]*\b{VOLATILE_ATTR}\b[^>]*>.*?</time>", re.S)


def strip_volatile(page: str) -> str:
    """Blank every ``<time>`` element marked ``data-ivp-volatile`` (attributes and text).

    Examples
    --------
    >>> strip_volatile('<p>Op <time datetime="2026-12-01" data-ivp-volatile>1 december</time>.</p>')
    '<p>Op <time data-ivp-volatile></time>.</p>'
    """
    return _VOLATILE.sub(f"<time {VOLATILE_ATTR}></time>", page)


def slugify(text: str) -> str:
    """Return an id for an anchor.

    Examples
    --------
    >>> slugify("1. Langjarige reeksen & <b>cijfers</b>")
    '1-langjarige-reeksen-cijfers'
    """
    text = re.sub(r"<[^>]+>", "", html.unescape(text)).lower()
    text = re.sub(r"[^a-z0-9à-ÿ]+", "-", text).strip("-")
    return text or "sectie"


@dataclass
class _Toc:
    entries: list[tuple[int, str, str]] = field(default_factory=list)  # level, id, text
    used: set[str] = field(default_factory=set)

    def add(self, level: int, text: str) -> str:
        base = slugify(text)
        anchor, n = base, 2
        while anchor in self.used:
            anchor, n = f"{base}-{n}", n + 1
        self.used.add(anchor)
        self.entries.append((level, anchor, html.unescape(re.sub(r"<[^>]+>", "", text))))
        return anchor


class _Renderer(HTMLRenderer):
    """Markdown renderer with escaped raw HTML and shifted, anchored headings."""

    def __init__(self, toc: _Toc, shift: int) -> None:
        super().__init__(escape=True)
        self.toc = toc
        self.shift = shift

    def heading(self, text: str, level: int, **attrs) -> str:
        level = min(level + self.shift, 6)
        anchor = self.toc.add(level, text)
        return f'<h{level} id="{anchor}">{text}</h{level}>\n'

    def table(self, text: str) -> str:
        return f'<div class="table-wrap"><table class="ivp-table">{text}</table></div>\n'


def _markdown(toc: _Toc, shift: int):
    return mistune.create_markdown(
        renderer=_Renderer(toc, shift), plugins=["table", "strikethrough"]
    )


def _output_html(output: dict, md) -> str:
    kind = output.get("output_type")
    if kind not in ("display_data", "execute_result"):
        return ""  # streams (progress) and errors are kept in the executed notebooks only
    data = output.get("data", {})
    meta = output.get("metadata", {})
    if "image/png" in data:
        info = meta.get(META_KEY, {})
        alt = info.get("alt") or data.get("text/plain", "Figuur")
        size = meta.get("image/png", {})
        dims = "".join(f' {k}="{int(size[k])}"' for k in ("width", "height") if k in size)
        cap = info.get("caption", "")
        figcap = f"<figcaption>{html.escape(cap)}</figcaption>" if cap else ""
        return (
            f'<figure><img src="data:image/png;base64,{data["image/png"].strip()}" '
            f'alt="{html.escape(alt, quote=True)}"{dims}>{figcap}</figure>\n'
        )
    if "text/html" in data:
        body = data["text/html"]
        body = "".join(body) if isinstance(body, list) else body
        return f'<div class="table-wrap">{body}</div>\n'
    if "text/markdown" in data:
        text = data["text/markdown"]
        return md("".join(text) if isinstance(text, list) else text)
    if "text/plain" in data and kind == "display_data":
        # A bare expression's repr (execute_result) is not meant for readers: only explicit displays.
        text = data["text/plain"]
        return f"<pre>{html.escape(''.join(text) if isinstance(text, list) else text)}</pre>\n"
    return ""


def render_report(
    notebooks: list[Path],
    out_path: Path,
    *,
    title: str,
    subtitle: str,
    made: str = "",
    downloads: list[tuple[str, str]],
    footer: str = "",
    summary: Summary | None = None,
) -> None:
    """Write one HTML file from executed notebooks.

    Parameters
    ----------
    notebooks : list of Path
        Executed notebooks, in report order; each one's ``# title`` becomes a chapter.
    out_path : Path
        The HTML file to write.
    title, subtitle : str
        Title page text (escaped).
    made : str
        One line under the title: which software made the report (escaped).
    downloads : list of (str, str)
        Relative link and description of each result table.
    footer : str
        A line at the bottom (escaped).
    summary : Summary, optional
        The summary shown before the table of contents; its findings link to the first
        heading that contains one of their section names.
    """
    toc = _Toc()
    chapters = [_chapter(nb_path, _markdown(toc, shift=1)) for nb_path in notebooks]
    if downloads:
        anchor = toc.add(2, "Tabellen om te downloaden")
        items = "".join(
            f'<li><a href="{html.escape(href, quote=True)}">{html.escape(href)}</a>: '
            f"{html.escape(text)}</li>"
            for href, text in downloads
        )
        chapters.append(
            f'<section class="chapter"><h2 id="{anchor}">Tabellen om te downloaden</h2>'
            f"<p>Alle cijfers uit dit rapport staan ook in deze CSV-bestanden (punt als decimaalteken, "
            f"voor verdere verwerking).</p><ul>{items}</ul></section>\n"
        )
    env = Environment(
        loader=DictLoader({"report.html": TEMPLATE}),
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.filters["first_upper"] = lambda s: s[:1].upper() + s[1:]
    page = env.get_template("report.html").render(
        title=title,
        subtitle=subtitle,
        made=made,
        css=Markup(CSS),
        toc=Markup(_toc_html(toc.entries)),
        chapters=Markup("".join(chapters)),
        footer=footer,
        **_summary_parts(summary, toc.entries),
    )
    out_path.write_text(page, encoding="utf-8")


def _chapter(nb_path: Path, md) -> str:
    """Return one notebook as a chapter: its Markdown and the outputs meant for readers."""
    nb = nbformat.read(nb_path, as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(md(cell.source))
        elif cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                continue
            parts += [_output_html(o, md) for o in cell.get("outputs", [])]
    return f'<section class="chapter">\n{"".join(parts)}</section>\n'


def find_anchor(entries: list[tuple[int, str, str]], names: tuple[str, ...]) -> tuple[str, str]:
    """Return (id, text) of the first heading that contains one of ``names``, tried in order.

    Falls back to the table of contents when no heading matches.

    Examples
    --------
    >>> entries = [(2, "criminaliteit", "Criminaliteit"), (3, "4-trend", "4. Trend over de periode")]
    >>> find_anchor(entries, ("Trend over de periode", "Criminaliteit"))
    ('4-trend', '4. Trend over de periode')
    >>> find_anchor(entries, ("Niets", "Criminaliteit"))
    ('criminaliteit', 'Criminaliteit')
    >>> find_anchor(entries, ("Niets",))
    ('inhoudsopgave', 'Inhoudsopgave')
    """
    for name in names:
        for _, anchor, text in entries:
            if name.lower() in text.lower():
                return anchor, text
    return "inhoudsopgave", "Inhoudsopgave"


def _summary_parts(summary: Summary | None, entries: list[tuple[int, str, str]]) -> dict:
    """Return the template values of the summary, its findings linked to their sections."""
    if summary is None:
        return {"summary": None}
    findings = []
    for f in summary.findings:
        anchor, text = find_anchor(entries, f.section)
        findings.append({**f.__dict__, "anchor": anchor, "anchor_text": text})
    scorecard = ""
    if not summary.scorecard.empty:
        scorecard = table_html(summary.scorecard).replace(
            '<table class="ivp-table">', '<table class="ivp-table scorecard">', 1
        )
        scorecard = scorecard.replace('<td class="num">0</td>', '<td class="num zero">0</td>')
    vintage = ""
    if not summary.vintage.empty:
        vintage = table_html(
            summary.vintage,
            caption="Periode, voorlopige cijfers en data per bron (mappen en SHA-256: manifest.json)",
        )
    return {
        "summary": summary,
        "findings": findings,
        "scorecard": Markup(scorecard),
        "vintage": Markup(vintage),
        "missing_anchor": find_anchor(entries, ("Ontbrekende cijfers",))[0],
    }


def _toc_html(entries: list[tuple[int, str, str]]) -> str:
    """Return the table of contents as nested lists of links (chapters, then their sections).

    Unordered lists: the section headings carry their own numbers ("1. Bronnen").

    Examples
    --------
    >>> _toc_html([(2, "a", "Hoofdstuk"), (3, "b", "1. Deel"), (2, "c", "Tabellen")])
    '<ul><li><a href="#a">Hoofdstuk</a><ul><li><a href="#b">1. Deel</a></li></ul></li><li><a href="#c">Tabellen</a></li></ul>'
    """
    out, open_sub = ["<ul>"], False
    for level, anchor, text in entries:
        if level > 3:
            continue
        link = f'<a href="#{anchor}">{html.escape(text)}</a>'
        if level == 2:
            if open_sub:
                out.append("</ul></li>")
                open_sub = False
            elif len(out) > 1:
                out.append("</li>")
            out.append(f"<li>{link}")
        else:
            if not open_sub:
                out.append("<ul>")
                open_sub = True
            out.append(f"<li>{link}</li>")
    out.append("</ul></li>" if open_sub else "</li>" if len(out) > 1 else "")
    out.append("</ul>")
    return "".join(out)
