"""Download the current edition of the tables the report uses: ``ivp fetch``.

The tables come from the official open-data API (OData v3): CBS tables from
``opendata.cbs.nl``, police tables from ``dataderden.cbs.nl`` (where data.politie.nl's
tables live). Each fetch writes a new dated snapshot folder ``data/fetched/<TABLE>-<date>/``
in the ``cbsodataR`` layout that :func:`ivp_analysis.load_table` reads (``data.csv`` plus
one CSV per code list, ``TableInfos.csv`` and ``DataProperties.csv``) with a
``PROVENANCE.json``: URL and filter, retrieval time, the table's ``Modified`` date from its
``TableInfos``, row count, SHA-256 of every file. An existing snapshot is never overwritten.

Who talks to the server:

* the table's metadata (``TableInfos``, ``DataProperties``, the code lists of the category and
  period dimensions) is read through the maintained client ``cbsodata``;
* the data pages and the (filtered) region code list are read page by page here, with the URL
  scheme ``cbsodata`` uses, because ``cbsodata`` 1.3.5 follows ``odata.nextLink`` without a
  limit (a page loop never ends), keeps every page in memory and has no retry: here each page
  is retried with backoff on time-outs and 5xx answers, written to a staging folder so that an
  interrupted download resumes where it stopped, and a repeated ``nextLink`` is an error.

The snapshot is assembled in ``data/fetched/.partial/`` and renamed into place only when every
file is written: a failed fetch leaves no snapshot folder (only the staged pages, for resuming).
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ivp_analysis import paths
from ivp_analysis.hashing import sha256_file
from ivp_analysis.odata_http import (
    FetchError,
    Http,
    NoRowsError,
    Pages,
    Retry,
    parse_json,
    prepared_url,
    retrying,
)

#: Environment variable that overrides the API base URL (for tests: the replay server).
ENV_BASE = "IVP_ODATA_BASE"
#: API base URL per catalogue.
DEFAULT_BASES = {"CBS": "https://opendata.cbs.nl", "Politie": "https://dataderden.cbs.nl"}
#: Where snapshots go.
FETCHED_DIR = paths.DATA_DIR / "fetched"
_FEED = "ODataFeed/odata"
_MAX_PAGES = 2000


@dataclass(frozen=True)
class TableSpec:
    """One table the report uses: where it lives and how much of it a municipality needs."""

    table: str
    catalog: str
    description: str
    #: ``buurt`` (municipality, wijken and buurten), ``wijk`` (municipality and wijken) or
    #: ``gemeente``: the deepest region level fetched for one municipality.
    level: str = "gemeente"
    #: Topics to keep (``$select``); empty keeps every topic.
    topics: tuple[str, ...] = ()
    #: The usual dimensions (category, region, period), for a dry run; a fetch reads them
    #: from the table's DataProperties.
    dimensions: tuple[str, ...] = ()


#: The tables the report uses, in fetch order.
TABLES: dict[str, TableSpec] = {
    "47018NED": TableSpec(
        "47018NED",
        "Politie",
        "geregistreerde misdrijven per soort, gemeente, wijk en buurt, per jaar (incl. totaal 0.0.0)",
        level="buurt",
        topics=("GeregistreerdeMisdrijven_1",),
        dimensions=("SoortMisdrijf", "WijkenEnBuurten", "Perioden"),
    ),
    "47022NED": TableSpec(
        "47022NED",
        "Politie",
        "geregistreerde misdrijven per soort, gemeente en wijk, per maand",
        level="wijk",
        topics=("GeregistreerdeMisdrijven_1",),
        dimensions=("SoortMisdrijf", "WijkenEnBuurten", "Perioden"),
    ),
    "70072ned": TableSpec(
        "70072ned",
        "CBS",
        "bevolking per gemeente: gemiddeld aantal inwoners en bevolking op 1 januari",
        topics=("TotaleBevolking_1", "GemiddeldAantalInwoners_51"),
        dimensions=("RegioS", "Perioden"),
    ),
    "47021NED": TableSpec(
        "47021NED",
        "Politie",
        "registraties overlast per soort (o.a. E33 verward persoon, E35 jeugd), per jaar",
        topics=("GeregistreerdeOverlast_1",),
        dimensions=("Overlast", "RegioS", "Perioden"),
    ),
}


@dataclass
class Settings:
    """How to reach the API and how hard to try."""

    base_url: str | None = None  # one base for every catalogue (replay server, mirror)
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    page_limit: int = _MAX_PAGES
    out: Path = field(default_factory=lambda: FETCHED_DIR)
    progress: Callable[[str], None] = field(
        default_factory=lambda: lambda msg: print(msg, file=sys.stderr)
    )

    def base(self, catalog: str) -> str:
        """Return the base URL for a catalogue (``--base-url``, ``IVP_ODATA_BASE`` or the default)."""
        chosen = self.base_url or os.environ.get(ENV_BASE) or DEFAULT_BASES[catalog]
        return chosen.rstrip("/")


# --------------------------------------------------------------------------- filters


def region_filter(dim: str, geo_type: str, regions: list[str] | None, level: str) -> str:
    """Return the OData ``$filter`` that keeps the wanted regions of a table.

    ``regions`` None means every municipality. A municipality of a wijk/buurt table
    (``GeoDetail``) is selected by the 4 digits of its code, as the table's own
    ``DefaultSelection`` does, which keeps its wijken and buurten.

    Examples
    --------
    >>> region_filter("WijkenEnBuurten", "GeoDetail", ["GM1926"], "buurt")
    "substring(WijkenEnBuurten,2,4) eq '1926'"
    >>> region_filter("WijkenEnBuurten", "GeoDetail", ["GM1926"], "wijk")
    "(startswith(WijkenEnBuurten,'GM1926') or startswith(WijkenEnBuurten,'WK1926'))"
    >>> region_filter("RegioS", "GeoDimension", ["GM1926", "GM0363"], "gemeente")
    "(startswith(RegioS,'GM1926') or startswith(RegioS,'GM0363'))"
    >>> region_filter("RegioS", "GeoDimension", None, "gemeente")
    "startswith(RegioS,'GM')"
    """
    if regions is None:
        return f"startswith({dim},'GM')"
    parts = []
    for code in regions:
        if code.startswith("GM") and geo_type == "GeoDetail" and level == "buurt":
            parts.append(f"substring({dim},2,4) eq '{code[2:]}'")
        elif code.startswith("GM") and geo_type == "GeoDetail" and level == "wijk":
            parts += [f"startswith({dim},'{code}')", f"startswith({dim},'WK{code[2:]}')"]
        else:
            parts.append(f"startswith({dim},'{code}')")
    return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"


# --------------------------------------------------------------------------- cbsodata


@contextmanager
def _cbsodata_at(base: str) -> Iterator[str]:
    """Point the ``cbsodata`` client at ``base`` (scheme and host) for the duration."""
    import cbsodata

    parts = urlsplit(base)
    old = (cbsodata.options.catalog_url, cbsodata.options.use_https)
    cbsodata.options.catalog_url = parts.netloc + parts.path.rstrip("/")
    cbsodata.options.use_https = parts.scheme == "https"
    try:
        yield cbsodata.options.catalog_url
    finally:
        cbsodata.options.catalog_url, cbsodata.options.use_https = old


def _meta(settings: Settings, spec: TableSpec, name: str) -> list[dict]:
    """Return a metadata list of a table through ``cbsodata``, retried like a data page."""
    import cbsodata
    import requests

    base = settings.base(spec.catalog)
    url = f"{base}/{_FEED}/{spec.table}/{name}?$format=json"
    what = f"{spec.table} {name}"

    def call() -> dict:
        with _cbsodata_at(base):
            try:
                return {"value": cbsodata.get_meta(spec.table, name, timeout=settings.timeout)}
            except requests.HTTPError as exc:
                cause = exc.__cause__
                status = getattr(getattr(cause, "response", None), "status_code", 0) or 0
                if status >= 500:
                    raise Retry(f"server error {status}") from None
                if status == 404:
                    raise FetchError(
                        f"{what}: {url} does not exist (404): check the table id and catalogue"
                    ) from None
                raise FetchError(f"{what}: {exc}") from None
            except json.JSONDecodeError:
                # cbsodata parsed the body itself: ask once more to say what it was
                r = requests.get(url, timeout=settings.timeout)
                return parse_json(r.text, what, url, r.headers.get("Content-Type", ""))

    return retrying(settings, what, url, call)["value"]


# --------------------------------------------------------------------------- plan


@dataclass
class TablePlan:
    """The requests of one table's fetch."""

    spec: TableSpec
    base: str
    dims: list[dict]
    topics: list[str]
    geo: dict | None
    filter: str | None
    data_url: str
    region_list_url: str | None

    def requests(self) -> list[str]:
        """Return every request URL, in order (data pages after the first follow nextLink)."""
        root = f"{self.base}/{_FEED}/{self.spec.table}"
        urls = [f"{root}/TableInfos?$format=json"]
        urls.append(f"{root}/DataProperties?$format=json")
        for d in self.dims:
            if d is not self.geo:
                urls.append(f"{root}/{d['Key']}?$format=json")
        if self.region_list_url:
            urls.append(self.region_list_url)
        urls.append(self.data_url + "  (then each odata.nextLink)")
        return urls


def _usual_type(dim: str) -> str:
    return {
        "WijkenEnBuurten": "GeoDetail",
        "RegioS": "GeoDimension",
        "Perioden": "TimeDimension",
    }.get(dim, "Dimension")


_DIM_TYPES = ("Dimension", "TimeDimension", "GeoDimension", "GeoDetail")


def plan_table(
    spec: TableSpec, regions: list[str] | None, settings: Settings, props: list[dict] | None
) -> TablePlan:
    """Return the requests of a table's fetch; without ``props`` (dry run) assume the usual names."""
    base = settings.base(spec.catalog)
    if props is None:  # dry run: no request is made, so take the usual dimension names
        props = [{"Key": d, "Type": _usual_type(d)} for d in spec.dimensions or ("RegioS",)]
    dims = [p for p in props if p.get("Type") in _DIM_TYPES]
    geo = next((p for p in dims if p["Type"] in ("GeoDimension", "GeoDetail")), None)
    topics = [p["Key"] for p in props if p.get("Type") == "Topic"]
    gone = [t for t in spec.topics if topics and t not in topics]
    if gone:
        raise FetchError(
            f"{spec.table}: its DataProperties no longer list the topic '{gone[0]}' (topics now: "
            f"{', '.join(topics[:8])}): the table's layout changed; nothing was fetched"
        )
    flt = region_filter(geo["Key"], geo["Type"], regions, spec.level) if geo else None
    params = {"$format": "json"}
    if flt:
        params["$filter"] = flt
    if spec.topics:
        params["$select"] = ",".join([d["Key"] for d in dims] + list(spec.topics))
    root = f"{base}/{_FEED}/{spec.table}"
    data_url = prepared_url(f"{root}/TypedDataSet", params)
    region_url = None
    if geo:
        key_filter = region_filter("Key", geo["Type"], regions, spec.level)
        region_url = prepared_url(
            f"{root}/{geo['Key']}", {"$format": "json", "$filter": key_filter}
        )
    return TablePlan(spec, base, dims, topics, geo, flt, data_url, region_url)


# --------------------------------------------------------------------------- snapshot


def _csv_bytes(rows: list[dict]) -> bytes:
    names = list(dict.fromkeys(k for r in rows for k in r if k != "odata.type" or True))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue().encode("utf-8")


def _check_columns(what: str, rows: list[dict], plan: TablePlan) -> None:
    if not rows:
        return
    wanted = [d["Key"] for d in plan.dims] + list(plan.spec.topics or plan.topics)
    announced = set([d["Key"] for d in plan.dims] + plan.topics)
    found = list(rows[0])
    for col in wanted:
        if col not in found:
            reason = (
                "its DataProperties no longer list it"
                if col not in announced
                else "its DataProperties announce it"
            )
            raise FetchError(
                f"{what}: the data has no column '{col}' ({reason}); found "
                f"{', '.join(found)}. The table's layout changed: nothing was published"
            )
    for i, r in enumerate(rows):
        if list(r) != found:
            raise FetchError(
                f"{what}: row {i + 1} has columns {', '.join(r)}, the first row "
                f"{', '.join(found)}: the pages disagree, nothing was published"
            )


def snapshot_dir(root: Path, table: str, day: _dt.date) -> Path:
    """Return a new snapshot folder name: ``<TABLE>-<YYYY-MM-DD>``, suffixed when taken.

    Examples
    --------
    >>> import tempfile, datetime
    >>> root = Path(tempfile.mkdtemp())
    >>> snapshot_dir(root, "47018NED", datetime.date(2026, 11, 30)).name
    '47018NED-2026-11-30'
    >>> (root / "47018NED-2026-11-30").mkdir()
    >>> snapshot_dir(root, "47018NED", datetime.date(2026, 11, 30)).name
    '47018NED-2026-11-30-2'
    """
    name = f"{table}-{day.isoformat()}"
    n = 1
    while (root / (name if n == 1 else f"{name}-{n}")).exists():
        n += 1
    return root / (name if n == 1 else f"{name}-{n}")


def fetch_table(spec: TableSpec, regions: list[str] | None, settings: Settings) -> Path:
    """Fetch one table into a new snapshot folder and return its path.

    Raises
    ------
    FetchError
        When the server cannot be reached, refuses, answers with something that is not an
        OData page, loops, or the table's columns changed. No snapshot folder is left behind.
    """
    import cbsodata

    what = spec.table
    http = Http(settings)
    info = _meta(settings, spec, "TableInfos")
    props = _meta(settings, spec, "DataProperties")
    plan = plan_table(spec, regions, settings, props)
    stage = (
        settings.out
        / ".partial"
        / f"{spec.table}-{hashlib.sha256(plan.data_url.encode()).hexdigest()[:12]}"
    )
    settings.progress(f"{what}: {spec.description}")
    files: dict[str, bytes] = {}
    files["TableInfos.csv"] = _csv_bytes(info)
    files["DataProperties.csv"] = _csv_bytes(props)
    for d in plan.dims:
        if d is plan.geo:
            assert plan.region_list_url
            pairs = Pages(http, stage / "regions", f"{what} {d['Key']}", settings).fetch(
                plan.region_list_url
            )
        else:
            pairs = _meta(settings, spec, d["Key"])
        files[f"{d['Key']}.csv"] = _csv_bytes(pairs)
    rows = Pages(http, stage / "data", f"{what} TypedDataSet", settings).fetch(plan.data_url)
    if not rows:
        shutil.rmtree(stage, ignore_errors=True)
        raise NoRowsError(
            f"{what}: the filter {plan.filter} matched no rows: the table holds no figures for "
            "these regions (nothing was written)"
        )
    _check_columns(what, rows, plan)
    files["data.csv"] = _csv_bytes(rows)
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    return _publish(settings, spec, plan, info, files, rows, stage, now, cbsodata.__version__)


def _publish(settings, spec, plan, info, files, rows, stage, now, client) -> Path:  # noqa: ANN001
    """Write the files and PROVENANCE.json in the staging folder, then rename it into place."""
    build = stage / "snapshot"
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    for name, data in files.items():
        (build / name).write_bytes(data)
    first = info[0] if info else {}
    provenance = {
        "table": spec.table,
        "catalog": spec.catalog,
        "title": first.get("Title"),
        "url": plan.data_url,
        "filter": plan.filter,
        "select": list(spec.topics),
        "retrieved": now.isoformat(),
        "table_modified": first.get("Modified"),
        "table_metadata_modified": first.get("MetaDataModified"),
        "table_version": first.get("Version") or first.get("ReasonDelivery"),
        "table_period": first.get("Period"),
        "rows": len(rows),
        "client": f"cbsodata {client} (metadata) and ivp_analysis.fetch (pages)",
        "files": {name: sha256_file(build / name) for name in sorted(files)},
    }
    (build / "PROVENANCE.json").write_text(
        json.dumps(provenance, indent=2, ensure_ascii=False) + "\n"
    )
    settings.out.mkdir(parents=True, exist_ok=True)
    target = snapshot_dir(settings.out, spec.table, now.date())
    os.rename(build, target)  # atomic on one file system: the folder appears complete or not at all
    shutil.rmtree(stage, ignore_errors=True)
    settings.progress(f"{spec.table}: {len(rows)} rows -> {paths.relative_to_root(target)}")
    return target


# --------------------------------------------------------------------------- snapshots


def newest_snapshots(root: Path | None = None) -> dict[str, Path]:
    """Return table id -> the newest complete snapshot folder under ``root`` (``data/fetched``).

    A folder counts when it holds ``PROVENANCE.json``; the newest is the one retrieved last.

    Examples
    --------
    >>> import tempfile, json
    >>> root = Path(tempfile.mkdtemp())
    >>> for name, when in [("47018NED-2026-11-01", "2026-11-01T10:00:00+00:00"),
    ...                    ("47018NED-2026-11-30", "2026-11-30T09:00:00+00:00"),
    ...                    ("47018NED-2026-11-30-2", "2026-11-30T11:00:00+00:00")]:
    ...     (root / name).mkdir()
    ...     _ = (root / name / "PROVENANCE.json").write_text(
    ...         json.dumps({"table": "47018NED", "retrieved": when}))
    >>> newest_snapshots(root)["47018NED"].name
    '47018NED-2026-11-30-2'
    """
    root = root or FETCHED_DIR
    best: dict[str, tuple[tuple[str, int], Path]] = {}
    if not root.exists():
        return {}
    for prov in root.glob("*/PROVENANCE.json"):
        if prov.parent.name.startswith("."):
            continue
        meta = json.loads(prov.read_text())
        # same second: the later suffix (-2, -3 ...) was written later
        tail = prov.parent.name.rsplit("-", 1)[-1]
        suffix = int(tail) if len(tail) < 4 and tail.isdigit() else 1
        key = (str(meta.get("retrieved") or ""), suffix)
        table = meta.get("table") or prov.parent.name.split("-")[0]
        if table not in best or key > best[table][0]:
            best[table] = (key, prov.parent)
    return {t: p for t, (_, p) in sorted(best.items())}


# --------------------------------------------------------------------------- command


def run(
    tables: list[str],
    regions: list[str] | None,
    settings: Settings,
    *,
    dry_run: bool = False,
    catalogs: dict[str, str] | None = None,
    skip_empty: bool = False,
) -> list[Path]:
    """Fetch ``tables`` for ``regions`` (None: every municipality); return the new snapshots.

    With ``dry_run`` print the exact requests instead and return nothing. With ``skip_empty`` a
    table without figures for the regions is reported (``settings.progress``) and skipped, as
    long as another table gives a snapshot: the default set of tables holds some (47021NED) that
    may have no municipal figures.
    """
    specs = []
    for t in tables:
        if t in TABLES:
            specs.append(TABLES[t])
        else:
            catalog = (catalogs or {}).get(
                t, "Politie" if t.endswith("NED") and t.startswith("4") else "CBS"
            )
            specs.append(TableSpec(t, catalog, f"table {t} ({catalog})"))
    if dry_run:
        for spec in specs:
            print(f"# {spec.table} ({spec.catalog}): {spec.description}")
            for url in plan_table(spec, regions, settings, None).requests():
                print(f"GET {url}")
        return []
    if not skip_empty:
        return [fetch_table(spec, regions, settings) for spec in specs]
    written, empty = [], []
    for spec in specs:
        try:
            written.append(fetch_table(spec, regions, settings))
        except NoRowsError as exc:
            empty.append(exc)
            settings.progress(f"skipped: {exc}")
    if not written and empty:
        raise empty[0]
    return written
