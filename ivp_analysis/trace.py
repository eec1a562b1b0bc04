"""``ivp trace``: follow one row of a result table back to the raw cells it was computed from.

For a row of ``<report>/results/<table>.csv`` (by number, or by ``column=value`` pairs) it shows,
in one go: each raw file the row names in ``source_file`` / ``source_key``, with its SHA-256
against the manifest and every raw cell read back from the file itself (:func:`ivp_analysis.refs.
read_cell`); the tidy value the loader made of each cell; the functions that computed the table
(the manifest's ``reproducible.tables``); the row's values; and its verdict or status.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ivp_analysis import paths, refs, tables
from ivp_analysis.errors import ParameterError
from ivp_analysis.hashing import sha256_file

#: Columns that hold a row's verdict or status, in the order they are shown.
VERDICT_COLUMNS = (
    "status",
    "verdict",
    "verdict_vs_base",
    "trend_verdict",
    "baseline_vs_trend",
    "position",
    "match",
    "replaced",
)
#: A pattern naming more cells than this shows the first ones and their count.
MAX_CELLS = 8


@dataclass
class Cell:
    """One raw cell a row names, read back from its file, and the tidy row the loader made of it."""

    key: str
    raw: dict
    tidy: dict | None


@dataclass
class Source:
    """One file a row names, its state against the manifest and the cells read back."""

    file: str
    pattern: str
    path: Path | None
    state: str
    cells: list[Cell] = field(default_factory=list)
    n_cells: int = 0
    total: float | None = None  # the sum of the raw cells, when the pattern names several


@dataclass
class Trace:
    """The chain of one result row, from raw cells to verdict."""

    report: Path
    table: str
    number: int
    row: dict[str, str]
    sources: list[Source]
    makers: dict


def _table_name(table: str) -> str:
    return Path(table).name.removesuffix(".csv")


def read_rows(report: Path, table: str) -> list[dict[str, str]]:
    """Return the rows of a result table as text, exactly as written."""
    path = Path(report) / "results" / f"{_table_name(table)}.csv"
    if not path.is_file():
        have = sorted(p.stem for p in (Path(report) / "results").glob("*.csv"))
        raise ParameterError(
            f"{path}: no such result table; the report has: {', '.join(have) or 'none'}"
        )
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def select(rows: list[dict[str, str]], which: str) -> tuple[int, dict[str, str]]:
    """Return the 1-based number and the row that ``which`` names: a number or ``col=value,...``.

    Examples
    --------
    >>> rows = [{"id": "a", "y": "1"}, {"id": "b", "y": "1"}, {"id": "b", "y": "2"}]
    >>> select(rows, "2")
    (2, {'id': 'b', 'y': '1'})
    >>> select(rows, "id=b,y=2")[0]
    3
    """
    text = which.strip()
    if text.isdigit():
        n = int(text)
        if not 1 <= n <= len(rows):
            raise ParameterError(f"row {n}: the table has rows 1 to {len(rows)}")
        return n, rows[n - 1]
    wanted = {}
    for part in text.split(","):
        name, eq, value = part.partition("=")
        if not eq:
            raise ParameterError(
                f"row {which!r}: give a row number or column=value pairs, e.g. "
                "indicator_id=woninginbraak or region=GM1926,code=1.1.1,year=2023"
            )
        wanted[name.strip()] = value.strip()
    unknown = [c for c in wanted if rows and c not in rows[0]]
    if unknown:
        raise ParameterError(
            f"row {which!r}: no column {', '.join(unknown)}; columns: {', '.join(rows[0])}"
        )
    hits = [(i + 1, r) for i, r in enumerate(rows) if all(r[c] == v for c, v in wanted.items())]
    if len(hits) != 1:
        shown = ", ".join(str(i) for i, _ in hits[:10])
        raise ParameterError(
            f"row {which!r} matches {len(hits)} rows"
            + (f" ({shown}{' ...' if len(hits) > 10 else ''}); add a column=value" if hits else "")
        )
    return hits[0]


def locate(file: str) -> Path | None:
    """Return the file a ``source_file`` names: absolute, in the repository, or in the data folder."""
    p = Path(file)
    candidates = [p] if p.is_absolute() else [paths.ROOT / p]
    if not p.is_absolute() and p.parts and p.parts[0] == "data":
        candidates.append(paths.DATA_DIR.joinpath(*p.parts[1:]))
    return next((c for c in candidates if c.is_file()), None)


def _state(file: str, path: Path | None, manifest: dict) -> str:
    if path is None:
        return "MISSING: the file is not there"
    recorded = {e["path"]: e["sha256"] for e in manifest.get("reproducible", {}).get("inputs", [])}
    digest = sha256_file(path)
    if file not in recorded:
        return f"SHA-256 {digest[:12]}, not in the manifest's inputs"
    if recorded[file] != digest:
        return f"CHANGED since the report: SHA-256 {digest[:12]}, manifest {recorded[file][:12]}"
    return f"SHA-256 {digest[:12]}, unchanged since the report"


def _tidy_rows(path: Path) -> pd.DataFrame:
    """Return the tidy frame the loader makes of the input holding ``path``."""
    from ivp_analysis.inputs import read_input

    folder = path.parent
    if path.name == "data.csv" and (folder / "DataProperties.csv").exists():
        return read_input(folder)  # a cbsodataR snapshot: read as the report read it
    return read_input(path)


def _reader(path: Path, pattern: str):  # noqa: ANN202
    """Return the document (JSON) or None, and a function reading one key's raw cell."""
    text = refs.decode(path.read_bytes())
    if refs.is_line_key(pattern):
        return None, lambda k: {"kind": "line", **refs.read_line_cell(text, k)}
    doc = json.loads(text)
    return doc, lambda k: {"kind": "json", "value": refs.read_json_cell(doc, k)}


def _number(value: object) -> float | None:
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def _cells(file: str, pattern: str, path: Path) -> tuple[list[Cell], int, float | None]:
    """Return the first cells a pattern names (raw and tidy), their number and the sum of all."""
    doc, read = _reader(path, pattern)
    raws = []
    for k in refs.expand(pattern, doc):
        try:
            raws.append((k, read(k)))
        except (KeyError, IndexError) as exc:
            if doc is None or "*" not in pattern:  # a key the pattern names exactly is missing
                raws.append((k, {"kind": "missing", "value": f"not found ({exc})"}))
    numbers = [_number(r["value"]) for _, r in raws]
    total = (
        sum(n for n in numbers if n is not None) if any(n is not None for n in numbers) else None
    )
    tidy = _tidy_rows(path)
    tidy = tidy[tidy["file"] == file] if file in set(tidy["file"]) else tidy
    by_key = tidy.groupby("key")
    out = []
    for k, raw in raws[:MAX_CELLS]:
        rows = by_key.get_group(k) if k in by_key.groups else tidy.iloc[0:0]
        out.append(Cell(k, raw, rows.iloc[0].to_dict() if len(rows) else None))
    return out, len(raws), total


def trace(report: str | Path, table: str, which: str) -> Trace:
    """Follow row ``which`` of ``<report>/results/<table>.csv`` back to its raw cells.

    Raises
    ------
    ParameterError
        For an unknown table, column or row, or a key matching no row or several.
    """
    from ivp_analysis.verify import read_manifest

    report = Path(report)
    manifest = read_manifest(report)
    name = _table_name(table)
    number, row = select(read_rows(report, name), which)
    sources = []
    for file, pattern in refs.split(row.get("source_file", ""), row.get("source_key", "")):
        path = locate(file)
        src = Source(file, pattern, path, _state(file, path, manifest))
        if path is not None:
            src.cells, src.n_cells, src.total = _cells(file, pattern, path)
        sources.append(src)
    makers = manifest.get("reproducible", {}).get("tables", {}).get(name)
    if makers is None and name in tables.MAKERS:
        makers = {**tables.MAKERS[name].as_dict(), "from": "the package; the manifest has no map"}
    return Trace(report, name, number, row, sources, makers or {})


# --------------------------------------------------------------------------- text


def _raw_lines(cell: Cell) -> list[str]:
    raw = cell.raw
    if raw["kind"] == "missing":
        return [f"      {cell.key}: {raw['value']}"]
    if raw["kind"] == "line":
        col = raw["column"]
        where = f"field {col[1:]}" if col.startswith("#") else f"column {col!r}"
        return [f"      line {raw['line']}: {raw['text']}", f"      {where} = {raw['value']!r}"]
    return [f"      {cell.key} = {json.dumps(raw['value'], ensure_ascii=False)}"]


def _tidy_line(t: dict | None) -> str:
    if t is None:
        return "      tidy: no row with this key (the loader skipped the cell)"
    value = "withheld (empty)" if pd.isna(t["value"]) else f"{t['value']:g}"
    return (
        f"      tidy: region {t['region']}, code {t['code']}, period {t['period']}: {value} "
        f"({t['status']}, source {t['source']})"
    )


def _source_lines(tr: Trace) -> list[str]:
    if not tr.sources:
        return [
            "   (no source_file/source_key: the row is not read from an input; see "
            "docs/results.md for what it is computed from)"
        ]
    lines = []
    for s in tr.sources:
        lines.append(f"   {s.file}  [{s.state}]")
        many = f" ({s.n_cells} cells)" if s.n_cells > 1 else ""
        lines.append(f"     key {s.pattern}{many}")
        for c in s.cells:
            lines += _raw_lines(c)
            lines.append(_tidy_line(c.tidy))
        if s.n_cells > len(s.cells):
            total = f" (the {s.n_cells} cells sum to {s.total:g})" if s.total is not None else ""
            lines.append(f"      ... and {s.n_cells - len(s.cells)} more cells{total}")
    return lines


def format_trace(tr: Trace) -> str:
    """Return the trace as English text: raw cells, tidy values, functions, row, verdict."""
    lines = [
        f"Trace of results/{tr.table}.csv, row {tr.number} (line {tr.number + 1}) of {tr.report}",
        "",
        "1. Raw input cells and the tidy values read from them",
        *_source_lines(tr),
        "",
        "2. Computed by",
    ]
    if tr.makers:
        lines.append(f"   {tr.makers['analysis']}  (notebook {tr.makers['notebook']})")
        lines += [f"   {b}" for b in tr.makers["builders"]]
        if "from" in tr.makers:
            lines.append(f"   (from {tr.makers['from']})")
    else:
        lines.append("   (not recorded for this table)")
    lines += ["", "3. Row values"]
    width = max((len(c) for c in tr.row), default=0)
    lines += [f"   {c:<{width}} = {v}" for c, v in tr.row.items()]
    verdicts = [(c, tr.row[c]) for c in VERDICT_COLUMNS if c in tr.row and tr.row[c]]
    lines += ["", "4. Verdict / status"]
    lines += [f"   {c} = {v}" for c, v in verdicts] or ["   (this table has no verdict column)"]
    return "\n".join(lines)
