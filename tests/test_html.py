"""The HTML report: escaped text, alt text on figures, headings in order, no external resources."""

import base64
import re

import nbformat
import pandas as pd

from ivp_analysis.html import render_report, strip_volatile
from ivp_analysis.html_templates import CSS
from ivp_analysis.present.display import META_KEY
from ivp_analysis.present.summary import Finding, Summary

# A 1x1 transparent PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63fcff1f0003030200efa37c5b0000000049454e44ae426082"
    )
).decode()


def _notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Hoofdstuk <script>alert(1)</script>\n\nTekst."),
        nbformat.v4.new_markdown_cell("## 1. Eerste deel"),
        nbformat.v4.new_code_cell(
            "fig",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={"image/png": PNG, "text/plain": "[Figuur]"},
                    metadata={
                        "image/png": {"width": 1, "height": 1},
                        META_KEY: {"alt": 'Lijn "misdrijven" per jaar', "caption": "Bron: Politie"},
                    },
                )
            ],
        ),
        nbformat.v4.new_code_cell(
            "md",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={"text/markdown": "### Detail\n\n- <img src=x onerror=alert(1)>"},
                )
            ],
        ),
        nbformat.v4.new_markdown_cell("## 2. Tweede deel"),
        nbformat.v4.new_code_cell(
            "print()", outputs=[nbformat.v4.new_output("stream", name="stdout", text="voortgang\n")]
        ),
    ]
    nbformat.write(nb, path)
    return path


def test_render(tmp_path):
    out = tmp_path / "index.html"
    render_report(
        [_notebook(tmp_path / "01.ipynb")],
        out,
        title="Titel <x>",
        subtitle="Gemeente & co",
        made="Gemaakt met <b>ivp</b>",
        downloads=[("results/a.csv", "tabel")],
    )
    page = out.read_text()
    assert "<script" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<h1>Titel &lt;x&gt;</h1>" in page and "Gemeente &amp; co" in page
    assert "Gemaakt met &lt;b&gt;ivp&lt;/b&gt;" in page
    assert 'alt="Lijn &quot;misdrijven&quot; per jaar"' in page
    assert "<figcaption>Bron: Politie</figcaption>" in page
    assert "voortgang" not in page  # progress output stays in the executed notebook
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    toc = page.split('<nav class="toc"')[1].split("</nav>")[0]
    assert (
        "1. Eerste deel" in toc and "2. Tweede deel" in toc and "Tabellen om te downloaden" in toc
    )
    # the headings carry their own numbers: no numbered list adds a second one ("1. 1. ...")
    assert "<ol" not in toc
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "Samenvatting" not in page  # no summary given, none shown


def _summary() -> Summary:
    return Summary(
        facts=[("Gemeente", "Proefdorp <GM0000>")],
        generated="1 december 2026",
        generated_iso="2026-12-01T02:00:00+00:00",
        scorecard=pd.DataFrame({"prioriteit": ["Jeugd"], "verbeterd": [1], "totaal": [2]}),
        findings=[
            Finding(
                "Inbraak: verbeterd", "-52 %", "95%-interval -68 % tot -28 %", ("Tweede deel",)
            ),
            Finding("Onvindbaar", "3", "toelichting", ("Bestaat niet",)),
        ],
        not_judged=[("niet te beoordelen: geen cijfers (1)", "Overlast")],
        to_supply=[("sjabloon data/templates/x.csv", "Overlast (x.1)")],
        vintage=pd.DataFrame({"bron": ["CBS"], "periode": ["2012 t/m 2025"]}),
        n_indicators=2,
    )


def test_summary_comes_first_and_links_to_its_sections(tmp_path):
    out = tmp_path / "index.html"
    render_report(
        [_notebook(tmp_path / "01.ipynb")],
        out,
        title="T",
        subtitle="S",
        downloads=[],
        summary=_summary(),
    )
    page = out.read_text()
    assert page.index('<h2 id="samenvatting">Samenvatting</h2>') < page.index('id="inhoudsopgave"')
    head = page.split('id="inhoudsopgave"')[0]
    assert "Proefdorp &lt;GM0000&gt;" in head  # escaped like every other text
    assert '<a href="#2-tweede-deel">Meer in 2. Tweede deel</a>' in head
    assert '<a href="#inhoudsopgave">Meer in Inhoudsopgave</a>' in head  # no such heading
    assert (
        "Sjabloon data/templates/x.csv" in head and "Niet te beoordelen: geen cijfers (1)" in head
    )
    assert '<table class="ivp-table scorecard">' in head and "2012 t/m 2025" in head
    # the generation date is the one part marked as differing between runs
    assert page.count("data-ivp-volatile") == 1
    assert strip_volatile(page).count("1 december 2026") == 0
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_print_style_asks_for_a4_page_numbers_and_no_split_rows():
    assert "size: A4" in CSS and "counter(page)" in CSS
    for rule in ("figure, tr", "break-inside: avoid", "thead { display: table-header-group; }"):
        assert rule in CSS
