"""Print the HTML report to ``report.pdf`` with headless Chromium.

Chromium is called directly (``--headless --print-to-pdf``) rather than through Playwright:
no extra runtime dependency (Playwright stays a test tool), no driver process, and the same
command works with Debian's ``chromium``, Google Chrome or any Chromium the user points
``IVP_CHROMIUM`` at. Everything about the printed page (A4, page numbers, no split rows or
figures) is in the report's print style sheet (:mod:`ivp_analysis.html_templates`); page
numbers in the page margin need Chromium 131 or newer.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ivp_analysis.errors import BrowserNotFoundError, ReportError

#: Environment variable naming the Chromium (or Chrome) executable to use.
ENV_VAR = "IVP_CHROMIUM"
#: Executable names tried in this order when ``IVP_CHROMIUM`` is not set.
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: 'sudo apt-get install chromium'; macOS: "
    "'brew install --cask chromium') or set IVP_CHROMIUM to a Chromium or Chrome executable"
)
#: Seconds Chromium may take to print one report.
TIMEOUT = 300


def find_chromium() -> str | None:
    """Return the Chromium executable to print with, or ``None`` when there is none.

    ``IVP_CHROMIUM`` wins when set (an empty value means: do not print).
    """
    if ENV_VAR in os.environ:
        value = os.environ[ENV_VAR].strip()
        return (shutil.which(value) or None) if value else None
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def page_count(pdf: bytes) -> int:
    """Count the pages of a PDF (its ``/Type /Page`` objects).

    Examples
    --------
    >>> page_count(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page >>")
    2
    """
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def print_pdf(html_path: Path, pdf_path: Path, *, chromium: str | None = None) -> int:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; return the page count.

    Raises
    ------
    BrowserNotFoundError
        When no Chromium is found (the message says how to get one).
    ReportError
        When Chromium fails or writes no PDF.
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise BrowserNotFoundError(f"no Chromium found to print report.pdf: {INSTALL_HINT}")
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="ivp-chromium-") as profile:
        # a profile of its own: runs in parallel (ivp batch) would otherwise share one and wait
        cmd = [
            exe,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"{exe} did not finish printing {html_path} in {TIMEOUT} s") from None
    if r.returncode != 0 or not pdf_path.is_file():
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ReportError(
            f"{exe} could not print {html_path.name} (exit {r.returncode}): {tail[0]}"
        )
    data = pdf_path.read_bytes()
    if not data.startswith(b"%PDF"):
        raise ReportError(f"{exe} wrote {pdf_path} but it is not a PDF")
    return page_count(data)
