"""The HTML report in a real browser (Debian's chromium, driven by Playwright).

Skipped, with the reason shown, where chromium is not installed (`make test` installs it
where it can).
"""

import re
import shutil
from pathlib import Path

import pytest

from ivp_analysis import report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian package 'chromium'); browser checks not run",
)
FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


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
    final = report.run_report({"municipality": "GM1926"}, tmp_path, notebooks_dir=FIXTURES / "ok",
                              progress=lambda m: None)  # fmt: skip
    page, requests = _open(browser, final / "index.html")
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate("window.hacked === undefined")
    assert page.get_by_text("<script>window.hacked = 1</script>").first.is_visible()
    page.screenshot(path=str(output_dir / "report_escaping_fixture.png"), full_page=True)
    page.close()
