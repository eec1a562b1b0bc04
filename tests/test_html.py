"""The HTML report: escaped text, alt text on figures, headings in order, no external resources."""

import base64
import re

import nbformat

from ivp_analysis.html import render_report
from ivp_analysis.present.display import META_KEY

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
        nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output(
            "display_data", data={"image/png": PNG, "text/plain": "[Figuur]"},
            metadata={"image/png": {"width": 1, "height": 1},
                      META_KEY: {"alt": 'Lijn "misdrijven" per jaar', "caption": "Bron: Politie"}})]),
        nbformat.v4.new_code_cell("md", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/markdown": "### Detail\n\n- <img src=x onerror=alert(1)>"})]),
        nbformat.v4.new_markdown_cell("## 2. Tweede deel"),
        nbformat.v4.new_code_cell("print()", outputs=[nbformat.v4.new_output("stream", name="stdout", text="voortgang\n")]),
    ]  # fmt: skip
    nbformat.write(nb, path)
    return path


def test_render(tmp_path):
    out = tmp_path / "index.html"
    render_report([_notebook(tmp_path / "01.ipynb")], out, title="Titel <x>", subtitle="Gemeente & co",
                  facts=[("Gemeente", "<b>Pijnacker</b>")], downloads=[("results/a.csv", "tabel")])  # fmt: skip
    page = out.read_text()
    assert "<script" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<h1>Titel &lt;x&gt;</h1>" in page and "Gemeente &amp; co" in page
    assert 'alt="Lijn &quot;misdrijven&quot; per jaar"' in page
    assert "<figcaption>Bron: Politie</figcaption>" in page
    assert "voortgang" not in page  # progress output stays in the executed notebook
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    toc = page.split('<nav class="toc"')[1].split("</nav>")[0]
    assert (
        "1. Eerste deel" in toc and "2. Tweede deel" in toc and "Tabellen om te downloaden" in toc
    )
    assert not re.search(r'(src|href)="(https?:)?//', page)
