"""HTTP for ``ivp fetch``: OData pages fetched with retries and backoff, resumable paging.

Split from :mod:`ivp_analysis.fetch` (which re-exports :class:`FetchError`): a GET that turns every
failure into a :class:`FetchError` saying what happened, retries time-outs, 5xx answers and cut-off
JSON with a doubling delay, and :class:`Pages`, which follows ``odata.nextLink`` into a staging
folder (a repeated link is an error; an interrupted download resumes). ``settings`` is a
:class:`ivp_analysis.fetch.Settings` (``timeout``, ``retries``, ``backoff``, ``page_limit``,
``progress``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ivp_analysis.errors import IvpError


class FetchError(IvpError):
    """A download failed; nothing was published (the message says why and what to do)."""


class NoRowsError(FetchError):
    """The table holds no figures for the regions asked for (nothing was written)."""


def prepared_url(url: str, params: dict[str, str]) -> str:
    import requests

    return str(requests.Request("GET", url, params=params).prepare().url)


# --------------------------------------------------------------------------- HTTP


class Http:
    """GET JSON with retries; every failure becomes a FetchError that says what happened."""

    def __init__(self, settings: Any) -> None:
        import requests

        self.settings = settings
        self.session = requests.Session()

    def get_json(self, url: str, what: str) -> dict:
        return retrying(self.settings, what, url, lambda: self._get_once(url, what))

    def _get_once(self, url: str, what: str) -> dict:
        r = self.session.get(url, timeout=self.settings.timeout)
        if r.status_code >= 500:
            raise Retry(f"server error {r.status_code}")
        if r.status_code >= 400:
            raise FetchError(f"{what}: the server refused {url} with {r.status_code} {r.reason}")
        r.encoding = "utf-8"
        return parse_json(r.text, what, url, r.headers.get("Content-Type", ""))


class Retry(Exception):
    """A failure worth another try (time-out, connection reset, 5xx, cut-off JSON)."""


def parse_json(text: str, what: str, url: str, content_type: str = "") -> dict:
    head = text.lstrip()[:200].lower()
    if "html" in content_type.lower() or head.startswith(("<!doctype", "<html")):
        title = (
            text.split("<title>", 1)[-1].split("</title>", 1)[0][:80] if "<title>" in text else ""
        )
        raise FetchError(
            f"{what}: the server answered {url} with an HTML page ({title.strip() or 'no title'}), "
            "not OData JSON: the API may be down or the URL wrong (check --base-url)"
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Retry(
            f"invalid or truncated JSON ({exc.msg} at character {exc.pos} of {len(text)})"
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
        raise FetchError(f"{what}: {url} is not an OData page (no 'value' list)")
    return doc


def retrying(settings: Any, what: str, url: str, call: Callable[[], dict]) -> dict:
    import requests

    delay = settings.backoff
    for attempt in range(1, settings.retries + 2):
        try:
            return call()
        except (Retry, requests.Timeout, requests.ConnectionError) as exc:
            reason = _reason(exc)
            if attempt > settings.retries:
                if isinstance(exc, requests.ConnectionError) and not isinstance(
                    exc, requests.Timeout
                ):
                    raise FetchError(
                        f"{what}: cannot reach {urlsplit(url).netloc} ({reason}); are you "
                        "offline? Nothing was written; run the same command again when online "
                        "(a paged download resumes where it stopped)"
                    ) from None
                raise FetchError(
                    f"{what}: gave up after {attempt} tries on {url}: {reason}. Nothing was "
                    "published; run the command again to resume"
                ) from None
            settings.progress(
                f"  {what}: {reason}; retrying in {delay:g} s ({attempt}/{settings.retries})"
            )
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def _reason(exc: Exception) -> str:
    import requests

    if isinstance(exc, requests.Timeout):
        return "time-out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return str(exc)


# --------------------------------------------------------------------------- paging


class Pages:
    """Download a paged OData list into a staging folder, resuming a previous attempt."""

    def __init__(self, http: Http, stage: Path, what: str, settings: Any) -> None:
        self.http, self.stage, self.what, self.settings = http, stage, what, settings
        self.state_file = stage / "state.json"

    def fetch(self, first_url: str) -> list[dict]:
        state: dict[str, Any] = {
            "first": first_url,
            "next": first_url,
            "pages": 0,
            "rows": 0,
            "seen": [],
        }
        if self.state_file.exists():
            old = json.loads(self.state_file.read_text())
            if old.get("first") == first_url:
                state = old
                if state["next"]:
                    self.settings.progress(
                        f"  {self.what}: resuming after page {state['pages']} ({state['rows']} rows)"
                    )
        while state["next"]:
            url = state["next"]
            if state["pages"] >= self.settings.page_limit:
                raise FetchError(
                    f"{self.what}: more than {self.settings.page_limit} pages; stopped"
                )
            doc = self.http.get_json(url, f"{self.what} page {state['pages'] + 1}")
            nxt = doc.get("odata.nextLink")
            if nxt and _norm_url(nxt) in {_norm_url(u) for u in [*state["seen"], url]}:
                raise FetchError(
                    f"{self.what}: page loop: page {state['pages'] + 1} links back to {nxt}, "
                    "which was already fetched; the server is misbehaving, nothing was published"
                )
            state["pages"] += 1
            write_json(self.stage / f"page-{state['pages']:05d}.json", doc["value"])
            state["rows"] += len(doc["value"])
            state["seen"].append(url)
            state["next"] = nxt
            write_json(self.state_file, state)
            self.settings.progress(f"  {self.what}: page {state['pages']}, {state['rows']} rows")
        rows: list[dict] = []
        for i in range(1, state["pages"] + 1):
            rows += json.loads((self.stage / f"page-{i:05d}.json").read_text())
        return rows


def _norm_url(url: str) -> tuple:
    """Return a URL as (path, sorted decoded parameters), so that two spellings compare equal."""
    from urllib.parse import parse_qsl

    parts = urlsplit(url)
    return parts.path.rstrip("/").lower(), tuple(sorted(parse_qsl(parts.query)))


def write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False))
    os.replace(tmp, path)
