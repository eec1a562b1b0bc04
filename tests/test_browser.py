"""The HTML report in a real browser (Debian's chromium, driven by Playwright), and its PDF.

Skipped, with the reason shown, where chromium is not installed (`make test` installs it
where it can). Screenshots and the printed PDF go to tests/output/ for a person to look at.
"""

import re
import shutil
from pathlib import Path

import pytest

from ivp_analysis import report
from ivp_analysis.pdf import print_pdf

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian package 'chromium'); browser checks not run",
)
FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(browser, html: Path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(html.as_uri())
    page.wait_for_load_state("load")
    return page, requests


def test_default_report_renders_completely(browser, default_report, output_dir):
    page, requests = _open(browser, default_report / "index.html")
    assert page.title().startswith("Evaluatie Integraal Veiligheidsplan")
    assert page.locator("h1").is_visible()
    toc = page.locator("nav.toc")
    assert toc.is_visible()
    links = toc.locator("a")
    assert links.count() >= 5
    for i in range(links.count()):  # every section in the table of contents exists and is visible
        target = links.nth(i).get_attribute("href")
        heading = page.locator(f'[id="{target[1:]}"]')
        assert heading.count() == 1, target
        heading.scroll_into_view_if_needed()
        assert heading.is_visible(), target
    figures = page.locator("figure img")
    assert figures.count() >= 1
    for i in range(figures.count()):
        img = figures.nth(i)
        img.scroll_into_view_if_needed()
        assert img.is_visible()
        assert img.evaluate("e => e.complete && e.naturalWidth > 0")
        assert (img.get_attribute("alt") or "").strip()
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert page.evaluate(
        "[...document.querySelectorAll('table')].every(t => t.querySelector('th'))"
    )
    # numbers for readers use the decimal comma: no "12.5"-style decimals in table cells
    cells = page.evaluate("[...document.querySelectorAll('td.num')].map(td => td.textContent)")
    assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d{1,2}", c)]
    assert [u for u in requests if not u.startswith("file://")] == []  # nothing leaves the file
    page.screenshot(path=str(output_dir / "report_GM1926_tussenevaluatie-2024.png"), full_page=True)
    assert (output_dir / "report_GM1926_tussenevaluatie-2024.png").stat().st_size > 10_000
    page.close()


def test_text_from_data_is_shown_as_text_not_run(browser, tmp_path, output_dir):
    final = report.run_report(
        {"municipality": "GM1926"}, tmp_path, notebooks_dir=FIXTURES / "ok", progress=lambda m: None
    )
    page, requests = _open(browser, final / "index.html")
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate("window.hacked === undefined")
    assert page.get_by_text("<script>window.hacked = 1</script>").first.is_visible()
    page.screenshot(path=str(output_dir / "report_escaping_fixture.png"), full_page=True)
    page.close()


def test_summary_comes_first_with_the_data_date_and_fits_two_screens(
    browser, default_report, output_dir
):
    page, _ = _open(browser, default_report / "index.html")
    summary, toc = page.locator("section.summary"), page.locator("nav.toc")
    assert summary.is_visible()
    # DOCUMENT_POSITION_FOLLOWING (4): the table of contents comes after the summary
    assert page.evaluate(
        "document.querySelector('section.summary').compareDocumentPosition("
        "document.querySelector('nav.toc')) & 4"
    )
    assert summary.bounding_box()["y"] < toc.bounding_box()["y"]
    text = " ".join(summary.inner_text().split())
    # data.json's PROVENANCE.md: "file last changed in 7022798, 2026-08-19"; data.json's
    # "years" end in 2025 and "provisional" lists 2024 and 2025
    assert "19 augustus 2026" in text
    # the mid-term evaluation (Q3 2024) judges on figures up to 2023, its data vintage
    assert "Oordelen op cijfers tot en met 2023" in text
    assert "Nieuwste meegeleverde cijfers 2025 (Politie 47018NED); 2024 en 2025 voorlopig" in text
    assert "Gemaakt op" in text and "Samenvatting" in text
    findings = page.locator("ol.findings > li")
    assert 5 <= findings.count() <= 8
    for i in range(findings.count()):  # every finding links to a heading that exists
        href = findings.nth(i).locator("a").get_attribute("href")
        assert href != "#inhoudsopgave", findings.nth(i).inner_text()
        assert page.locator(f'[id="{href[1:]}"]').count() == 1, href
    # the verdicts (scorecard and findings) fit within two screens of 900 pixels
    bottom = findings.last.bounding_box()
    assert bottom["y"] + bottom["height"] <= 2 * 900
    page.screenshot(path=str(output_dir / "summary_GM1926_tussenevaluatie-2024_first_screen.png"))
    summary.screenshot(path=str(output_dir / "summary_GM1926_tussenevaluatie-2024.png"))
    assert (output_dir / "summary_GM1926_tussenevaluatie-2024.png").stat().st_size > 10_000
    page.close()


def test_default_report_prints_to_an_a4_pdf_with_working_links(
    default_report, tmp_path, output_dir
):
    pdf = tmp_path / "report.pdf"
    pages = print_pdf(default_report / "index.html", pdf)
    data = pdf.read_bytes()
    # the page tree's root (the catalogue's /Pages object) counts the same pages
    root = re.search(rb"/Type\s*/Catalog.*?/Pages\s+(\d+)\s+0\s+R", data, re.S).group(1)
    count = re.search(rb"\n" + root + rb" 0 obj\s*<<.*?/Count\s+(\d+)", data, re.S).group(1)
    assert pages == int(count) > 10
    # A4 is 595 x 842 points
    sizes = {
        tuple(round(float(x)) for x in m)
        for m in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    }
    assert sizes == {(595, 842)}
    assert len(re.findall(rb"/Dest", data)) >= 20  # the table of contents links inside the file
    assert b"/Outlines" in data  # and a document outline (bookmarks) from the headings
    shutil.copy(pdf, output_dir / "report_GM1926_tussenevaluatie-2024.pdf")
    (output_dir / "report_GM1926_tussenevaluatie-2024.pdf.pages.txt").write_text(f"{pages}\n")


def test_print_pdf_counts_the_pages_it_printed(tmp_path):
    # three sections, each forced onto a page of its own: three pages
    page = tmp_path / "three.html"
    page.write_text(
        "<!DOCTYPE html><html><head><style>@page { size: A4; } section + section "
        "{ break-before: page; }</style></head><body><section>een</section><section>twee"
        "</section><section>drie</section></body></html>",
        encoding="utf-8",
    )
    assert print_pdf(page, tmp_path / "three.pdf") == 3


def _overview(root: Path) -> Path:
    """Write the regional overview of the hand-made report folders (tests/fixtures/regional)."""
    from ivp_analysis.batch import BatchResult
    from ivp_analysis.present.regional import write_overview

    fixtures = Path(__file__).parent / "fixtures" / "regional"
    moment = "tussenevaluatie-2024"
    for code in ("GM1926", "GM0599", "GM0363"):
        shutil.copytree(fixtures / code, root / code)
    results = [
        BatchResult("GM1926", "done", 1.0, "", str(root / "GM1926" / moment)),
        BatchResult("GM0088", "failed", 0.5, "notebook 01_crime_trends.ipynb failed", ""),
        BatchResult("GM0599", "done", 1.0, "", str(root / "GM0599" / moment)),
        BatchResult("GM0363", "done", 1.0, "", str(root / "GM0363" / moment)),
    ]
    return write_overview(root, results)


def _visible_names(page) -> list[str]:
    rows = page.locator("#overzicht tbody tr:visible td[data-col=name]")
    return [rows.nth(i).get_attribute("data-sort") for i in range(rows.count())]


def test_regional_overview_sorts_and_filters_without_a_server(browser, tmp_path, output_dir):
    page, requests = _open(browser, _overview(tmp_path))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert page.title().startswith("Regionaal overzicht")
    assert page.locator("figure img").evaluate("img => img.naturalWidth") > 300
    names = ["Pijnacker-Nootdorp", "Schiermonnikoog", "Rotterdam", "Amsterdam"]
    assert _visible_names(page) == names  # batch order
    inhabitants = page.locator("#overzicht th[data-col=population]")
    inhabitants.click()  # smallest first; the failed row, without a number, stays last
    assert _visible_names(page) == ["Pijnacker-Nootdorp", "Rotterdam", "Amsterdam", names[1]]
    assert inhabitants.get_attribute("aria-sort") == "ascending"
    inhabitants.click()
    assert _visible_names(page) == ["Amsterdam", "Rotterdam", "Pijnacker-Nootdorp", names[1]]
    page.locator("#overzicht th[data-col=name]").click()
    assert _visible_names(page) == sorted(names)
    page.screenshot(path=str(output_dir / "regional_overview.png"), full_page=True)
    page.fill("#zoek", "rotter")
    assert _visible_names(page) == ["Rotterdam"]
    assert page.locator("#getoond").inner_text() == "1"
    page.fill("#zoek", "")
    page.select_option("#soort", "failed")
    assert _visible_names(page) == ["Schiermonnikoog"]
    assert "mislukt" in page.locator("#overzicht tbody tr:visible").inner_text()
    page.select_option("#soort", "worsened")  # only GM1926 has a worsened indicator
    assert _visible_names(page) == ["Pijnacker-Nootdorp"]
    link = page.locator("#overzicht tbody tr:visible a", has_text="rapport")
    assert link.get_attribute("href") == "GM1926/tussenevaluatie-2024/index.html"
    assert errors == []
    assert all(r.startswith(("file://", "data:")) for r in requests)  # nothing from a server
    assert (output_dir / "regional_overview.png").stat().st_size > 20_000
