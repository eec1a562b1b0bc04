"""The HTML shell and style sheet of the report (Jinja2 template text, no logic).

Kept apart from :mod:`ivp_analysis.html` so the renderer reads in one sitting. The template is
rendered with autoescaping: every value is escaped unless it is HTML made (and escaped) by the
renderer itself (chapters, tables), passed as ``Markup``.

Print (``@media print`` and ``@page``): A4, the page number at the foot of every page, no figure
or table row split across pages, header rows repeated on every page of a long table, each
chapter on a new page, and the table of contents as links (no page numbers: they would be
wrong in the HTML and differ between browsers).
"""

CSS = """
:root { --ink: #1d1d1b; --muted: #5a5a58; --accent: #154273; --line: #d0d0cc; --soft: #f4f6f9; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem; line-height: 1.45; }
header.title-page { border-bottom: 4px solid var(--accent); padding: .8rem 0 .6rem; margin-bottom: .8rem; }
header.title-page h1 { color: var(--accent); font-size: 1.7rem; margin: 0 0 .2rem; }
header.title-page .subtitle { font-size: 1.15rem; margin: 0 0 .3rem; }
header.title-page .made { color: var(--muted); font-size: .85rem; margin: 0; }
section.summary h2 { margin-top: .5rem; }
section.summary h3 { margin: 1rem 0 .3rem; font-size: 1.05rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .3rem 0 .6rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
ol.findings { list-style: none; padding: 0; margin: .3rem 0; }
ol.findings li { display: grid; grid-template-columns: 11rem 1fr; gap: 0 .8rem; padding: .3rem 0;
                 border-bottom: 1px solid var(--line); break-inside: avoid; }
ol.findings .figure { font-weight: 700; color: var(--accent); font-variant-numeric: tabular-nums; }
ol.findings .detail { color: var(--muted); font-size: .9rem; }
ol.findings a, ul.gaps a { font-size: .9rem; }
ul.gaps { margin: .2rem 0; padding-left: 1.2rem; }
ul.gaps li { margin: .15rem 0; }
table.ivp-table.scorecard td.num { text-align: center; }
table.ivp-table.scorecard td.num.zero { color: #8a8a86; }
nav.toc { background: var(--soft); padding: .8rem 1.5rem; border-radius: 4px; margin-top: 1.5rem; }
nav.toc ul { list-style: none; margin: .2rem 0; padding-left: 0; }
nav.toc ul ul { padding-left: 1.5rem; }
nav.toc li { margin: .1rem 0; }
h2 { color: var(--accent); border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { color: var(--accent); margin-top: 1.8rem; }
section.chapter { margin-bottom: 3rem; }
table.ivp-table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; width: auto; }
table.ivp-table caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
table.ivp-table th, table.ivp-table td { border-bottom: 1px solid var(--line); padding: .2rem .5rem;
                                         text-align: left; vertical-align: top; }
table.ivp-table th { background: #eef1f5; }
table.ivp-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
figure { margin: 1.2rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
pre { background: #f6f6f4; padding: .5rem; overflow-x: auto; font-size: .85rem; }
footer { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 1rem; }
@page {
  size: A4;
  margin: 16mm 14mm 18mm;
  @bottom-right { content: "pagina " counter(page) " van " counter(pages); font-size: 8pt; color: #5a5a58; }
  @bottom-left { content: "Evaluatie Integraal Veiligheidsplan"; font-size: 8pt; color: #5a5a58; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  figure, tr, ol.findings li, dl.facts, table.scorecard { break-inside: avoid; }
  figure img { max-height: 245mm; width: auto; object-fit: contain; }
  thead { display: table-header-group; }
  h2, h3, caption { break-after: avoid; }
  section.summary { break-after: page; }
  nav.toc { break-after: page; background: none; padding: 0; }
  section.chapter { break-before: page; }
  table.ivp-table { font-size: 8pt; }
}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} – {{ subtitle }}</title>
<style>{{ css }}</style>
</head>
<body>
<header class="title-page">
<h1>{{ title }}</h1>
<p class="subtitle">{{ subtitle }}</p>
{% if made %}<p class="made">{{ made }}</p>
{% endif %}
</header>
{% if summary %}
<section class="summary" aria-labelledby="samenvatting">
<h2 id="samenvatting">Samenvatting</h2>
<dl class="facts">
{% for label, value in summary.facts %}<dt>{{ label }}</dt><dd>{{ value }}</dd>
{% endfor %}<dt>Gemaakt op</dt><dd><time datetime="{{ summary.generated_iso }}" data-ivp-volatile>{{ summary.generated }}</time></dd>
</dl>
{% if scorecard %}
<h3 id="samenvatting-oordeel">Oordeel per prioriteit ({{ summary.n_indicators }} indicatoren)</h3>
{{ scorecard }}
{% endif %}
{% if findings %}
<h3 id="samenvatting-bevindingen">Belangrijkste bevindingen</h3>
<ol class="findings">
{% for f in findings %}<li><span class="figure">{{ f.figure }}</span><span>{{ f.text }}.
<span class="detail">{{ f.detail }}.</span> <a href="#{{ f.anchor }}">Meer in {{ f.anchor_text }}</a></span></li>
{% endfor %}</ol>
{% endif %}
{% if summary.not_judged or summary.to_supply %}
<h3 id="samenvatting-ontbreekt">Niet te beoordelen en aan te leveren</h3>
<ul class="gaps">
{% for reason, labels in summary.not_judged %}<li><strong>{{ reason|first_upper }}</strong>: {{ labels }}.</li>
{% endfor %}</ul>
{% if summary.to_supply %}
<p>Cijfers die de gemeente moet aanleveren (<a href="#{{ missing_anchor }}">de lijst per indicator</a>):</p>
<ul class="gaps">
{% for where, labels in summary.to_supply %}<li><strong>{{ where|first_upper }}</strong>: {{ labels }}.</li>
{% endfor %}</ul>
{% endif %}
{% endif %}
{% if vintage %}
<h3 id="samenvatting-gegevens">Stand van de gegevens</h3>
{{ vintage }}
{% endif %}
</section>
{% endif %}
<nav class="toc" aria-labelledby="inhoudsopgave">
<h2 id="inhoudsopgave">Inhoudsopgave</h2>
{{ toc }}
</nav>
<main>
{{ chapters }}</main>
<footer>{{ footer }}</footer>
</body>
</html>
"""
