"""Render executed notebooks into one self-contained, readable HTML report.

No code, no scripts, no external fonts or images: figures are embedded as data URIs with
their alternative text, Markdown is rendered with raw HTML escaped, and headings are
shifted so the report has one ``h1`` (the title) and headings in order.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import mistune
import nbformat
from mistune.renderers.html import HTMLRenderer

from ivp_analysis.present.display import META_KEY

CSS = """
:root { --ink: #1d1d1b; --muted: #5a5a58; --accent: #154273; --line: #d0d0cc; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.5; }
header.title-page { border-bottom: 4px solid var(--accent); padding: 2rem 0 1.5rem; margin-bottom: 1.5rem; }
header.title-page h1 { color: var(--accent); font-size: 2rem; margin: 0 0 .5rem; }
header.title-page .subtitle { font-size: 1.25rem; margin: 0 0 1rem; }
header.title-page dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; color: var(--muted); }
header.title-page dt { font-weight: 600; }
nav.toc { background: #f4f6f9; padding: 1rem 1.5rem; border-radius: 4px; }
nav.toc ol { margin: .25rem 0; }
h2 { color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { color: var(--accent); margin-top: 1.8rem; }
section.chapter { margin-bottom: 3rem; }
table.ivp-table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; width: auto; }
table.ivp-table caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
table.ivp-table th, table.ivp-table td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
table.ivp-table th { background: #eef1f5; }
table.ivp-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
pre { background: #f6f6f4; padding: .5rem; overflow-x: auto; font-size: .85rem; }
footer { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 1rem; }
@media print { nav.toc { break-after: page; } section.chapter { break-before: page; } }
"""


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
        return (f'<figure><img src="data:image/png;base64,{data["image/png"].strip()}" '
                f'alt="{html.escape(alt, quote=True)}"{dims}>{figcap}</figure>\n')  # fmt: skip
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
    facts: list[tuple[str, str]],
    downloads: list[tuple[str, str]],
    footer: str = "",
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
    facts : list of (str, str)
        Label and value pairs for the title page (municipality, moment, data, version).
    downloads : list of (str, str)
        Relative link and description of each result table.
    footer : str
        A line at the bottom (escaped).
    """
    toc = _Toc()
    md = _markdown(toc, shift=1)
    chapters = []
    for nb_path in notebooks:
        nb = nbformat.read(nb_path, as_version=4)
        parts = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                parts.append(md(cell.source))
            elif cell.cell_type == "code":
                if "parameters" in cell.metadata.get(
                    "tags", []
                ) or "injected-parameters" in cell.metadata.get("tags", []):
                    continue
                parts += [_output_html(o, md) for o in cell.get("outputs", [])]
        chapters.append(f'<section class="chapter">\n{"".join(parts)}</section>\n')
    if downloads:
        anchor = toc.add(2, "Tabellen om te downloaden")
        items = "".join(
            f'<li><a href="{html.escape(href, quote=True)}">{html.escape(href)}</a>: {html.escape(text)}</li>'
            for href, text in downloads
        )
        chapters.append(
            f'<section class="chapter"><h2 id="{anchor}">Tabellen om te downloaden</h2>'
            f"<p>Alle cijfers uit dit rapport staan ook in deze CSV-bestanden (punt als decimaalteken, "
            f"voor verdere verwerking).</p><ul>{items}</ul></section>\n"
        )
    toc_html = _toc_html(toc.entries)
    fact_html = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts)
    doc = f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – {html.escape(subtitle)}</title>
<style>{CSS}</style>
</head>
<body>
<header class="title-page">
<h1>{html.escape(title)}</h1>
<p class="subtitle">{html.escape(subtitle)}</p>
<dl>{fact_html}</dl>
</header>
<nav class="toc" aria-labelledby="inhoudsopgave">
<h2 id="inhoudsopgave">Inhoudsopgave</h2>
{toc_html}
</nav>
<main>
{"".join(chapters)}</main>
<footer>{html.escape(footer)}</footer>
</body>
</html>
"""
    out_path.write_text(doc, encoding="utf-8")


def _toc_html(entries: list[tuple[int, str, str]]) -> str:
    out, open_sub = ["<ol>"], False
    for level, anchor, text in entries:
        if level > 3:
            continue
        link = f'<a href="#{anchor}">{html.escape(text)}</a>'
        if level == 2:
            if open_sub:
                out.append("</ol></li>")
                open_sub = False
            elif len(out) > 1:
                out.append("</li>")
            out.append(f"<li>{link}")
        else:
            if not open_sub:
                out.append("<ol>")
                open_sub = True
            out.append(f"<li>{link}</li>")
    out.append("</ol></li>" if open_sub else "</li>" if len(out) > 1 else "")
    out.append("</ol>")
    return "".join(out)
