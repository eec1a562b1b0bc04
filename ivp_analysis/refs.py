"""Where a value comes from: the ``source_file`` and ``source_key`` of every result table, defined once.

The loaders give every row of the tidy frame the file it was read from (``file``) and a key that
names the cell inside that file (``key``); the analyses pass both on, and each result table
carries them as ``source_file`` and ``source_key``. A key is one of:

* **JSON**: the names and positions from the document's root to the value, joined by ``/``:
  ``counts/1.1.1/GM1926/2023``, ``value/4/GeregistreerdeMisdrijven_1``,
  ``features/12/properties/Geregistreerde Misdrijven``. A ``~`` or ``/`` inside a name is
  written ``~0`` or ``~1`` (JSON Pointer, RFC 6901, without its leading ``/``).
* **text tables** (CSV, police downloads): ``line/<n>/<column>``, the physical line ``n`` of the
  file (1 is the first line, as the loader's error messages count) and the header of the column;
  ``line/<n>/#<k>`` names the ``k``-th field where the layout has no single header row (the
  police table download with its stacked header block).

A value computed from several cells names them all, compressed into one *pattern* per file and
kind: a part that differs between the cells is written as a list (``GM1926,GM0503``), as ranges
when every value is a whole number (``2012..2019,2022``) or as ``*`` (every name at that place)
when there are more than :data:`MAX_LISTED` different names. Patterns of several files are joined
with ``"; "`` in ``source_key``, and ``source_file`` lists their files in the same order (one file
when they share it). :func:`refer` makes the pair, :func:`split` and :func:`expand` read it back
and :func:`read_cell` shows the raw cell (``ivp trace`` uses them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

#: The two columns every result table ends with.
SOURCE_COLUMNS = ["source_file", "source_key"]
#: Separator of several files or patterns in one cell.
SEP = "; "
#: More different names than this at one place of a pattern are written ``*``.
MAX_LISTED = 12
_LINE = re.compile(r"^line/([0-9.,]+)/(.*)$", re.S)


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def json_key(*parts: object) -> str:
    """Return the key of a JSON value from its path (names and list positions).

    Examples
    --------
    >>> json_key("counts", "1.1.1", "GM1926", "2023")
    'counts/1.1.1/GM1926/2023'
    >>> json_key("features", 3, "properties", "a/b")
    'features/3/properties/a~1b'
    """
    return "/".join(_escape(p) for p in parts)


def line_key(line: int, column: str | int) -> str:
    """Return the key of a cell of a text table: its line and its column (name, or number).

    Examples
    --------
    >>> line_key(12, "frequency"), line_key(7, 3)
    ('line/12/frequency', 'line/7/#3')
    """
    col = f"#{column}" if isinstance(column, int) else str(column)
    return f"line/{line}/{col}"


def is_line_key(key: str) -> bool:
    """Return whether ``key`` names a line of a text table (else a JSON path)."""
    return bool(_LINE.match(key))


# --------------------------------------------------------------------------- patterns


def _numbers(values: Sequence[str]) -> str:
    """Write whole numbers as sorted ranges: ``2012..2015,2018``."""
    nums = sorted({int(v) for v in values})
    out, start, prev = [], nums[0], nums[0]
    for n in [*nums[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}..{prev}")
        if n is not None:
            start = prev = n
    return ",".join(out)


def _component(values: Sequence[str]) -> str:
    distinct = list(dict.fromkeys(values))
    if len(distinct) == 1:
        return distinct[0]
    if all(v.isdigit() and (v == "0" or not v.startswith("0")) for v in distinct):
        return _numbers(distinct)
    if len(distinct) > MAX_LISTED:
        return "*"
    return ",".join(sorted(distinct))


def _compress_group(keys: list[str]) -> list[str]:
    """Compress keys of one shape into one pattern, or keep them apart when that would add cells."""
    if len(set(keys)) == 1:
        return [keys[0]]
    if is_line_key(keys[0]):
        m = [_LINE.match(k) for k in keys]
        return [f"line/{_numbers([x.group(1) for x in m if x])}/{m[0].group(2) if m[0] else ''}"]
    parts = [k.split("/") for k in keys]
    columns = list(zip(*parts, strict=True))
    differing = [i for i, c in enumerate(columns) if len(set(c)) > 1]
    if len(differing) > 1:  # a product of two lists would name cells that were not used
        return sorted(set(keys))
    return ["/".join(_component(list(c)) for c in columns)]


def compress(keys: Iterable[str]) -> list[str]:
    """Return the patterns that name ``keys``: one per shape (JSON depth, or text column).

    Examples
    --------
    >>> compress(["counts/1.1.1/GM1926/2012", "counts/1.1.1/GM1926/2013",
    ...           "counts/1.1.1/GM1926/2014", "counts/1.1.1/GM1926/2016"])
    ['counts/1.1.1/GM1926/2012..2014,2016']
    >>> compress(["line/4/frequency", "line/5/frequency", "line/6/frequency"])
    ['line/4..6/frequency']
    >>> compress([f"counts/1.1.1/GM{i:04d}/2023" for i in range(20)])
    ['counts/1.1.1/*/2023']
    """
    groups: dict[tuple, list[str]] = {}
    for k in keys:
        m = _LINE.match(k)
        shape = ("line", m.group(2)) if m else ("json", k.count("/"))
        groups.setdefault(shape, []).append(k)
    out: list[str] = []
    for members in groups.values():
        out += _compress_group(members)
    return out


def refer(files: Iterable[str], keys: Iterable[str]) -> tuple[str, str]:
    """Return ``(source_file, source_key)`` naming every cell ``(file, key)`` given.

    Cells without a file or key (a value not read from an input) are left out; none at all gives
    two empty strings.

    Examples
    --------
    >>> refer(["a.json", "a.json"], ["counts/x/GM1/2022", "counts/x/GM1/2023"])
    ('a.json', 'counts/x/GM1/2022..2023')
    >>> refer(["plan.csv", "data.json"], ["line/7/printed", "counts/0.0.0/GM1/2022"])
    ('plan.csv; data.json', 'line/7/printed; counts/0.0.0/GM1/2022')
    >>> refer([None], [None])
    ('', '')
    """
    by_file: dict[str, list[str]] = {}
    for f, k in zip(files, keys, strict=True):
        if isinstance(f, str) and f and isinstance(k, str) and k:
            by_file.setdefault(f, []).append(k)
    out_files, out_keys = [], []
    for f, ks in by_file.items():
        for pattern in compress(ks):
            out_files.append(f)
            out_keys.append(pattern)
    if len(set(out_files)) == 1:
        out_files = out_files[:1]
    return SEP.join(out_files), SEP.join(out_keys)


def split(source_file: str, source_key: str) -> list[tuple[str, str]]:
    """Return the ``(file, pattern)`` pairs of a ``source_file`` / ``source_key`` pair.

    Examples
    --------
    >>> split("a.json", "counts/x/GM1/2022; counts/x/GM1/2023")
    [('a.json', 'counts/x/GM1/2022'), ('a.json', 'counts/x/GM1/2023')]
    >>> split("", "")
    []
    """
    if not source_key:
        return []
    keys = source_key.split(SEP)
    files = source_file.split(SEP)
    if len(files) == 1:
        files = files * len(keys)
    if len(files) != len(keys):
        raise ValueError(
            f"source_file names {len(files)} files for {len(keys)} keys: {source_file!r}"
        )
    return list(zip(files, keys, strict=True))


def _expand_numbers(text: str) -> list[str]:
    out = []
    for part in text.split(","):
        if ".." in part:
            a, b = part.split("..")
            out += [str(n) for n in range(int(a), int(b) + 1)]
        else:
            out.append(part)
    return out


def expand(pattern: str, doc: object = None) -> list[str]:
    """Return the single-cell keys a pattern names (a JSON ``*`` needs the document ``doc``).

    Examples
    --------
    >>> expand("line/4..6/frequency")
    ['line/4/frequency', 'line/5/frequency', 'line/6/frequency']
    >>> expand("counts/a/*/2023", {"counts": {"a": {"GM1": {"2023": 1}, "GM2": {"2023": 2}}}})
    ['counts/a/GM1/2023', 'counts/a/GM2/2023']
    """
    m = _LINE.match(pattern)
    if m:
        return [f"line/{n}/{m.group(2)}" for n in _expand_numbers(m.group(1))]
    paths: list[list[str]] = [[]]
    for comp in pattern.split("/"):
        nxt = []
        for p in paths:
            if comp == "*":
                node = _walk(doc, p) if doc is not None else {}
                if isinstance(node, dict):
                    names = list(node)
                else:
                    names = [str(i) for i in range(len(node) if isinstance(node, list) else 0)]
                nxt += [[*p, _escape(n)] for n in names]
            elif re.fullmatch(r"[0-9.,]+", comp) and (".." in comp or "," in comp):
                nxt += [[*p, n] for n in _expand_numbers(comp)]
            elif "," in comp:
                nxt += [[*p, n] for n in comp.split(",")]
            else:
                nxt.append([*p, comp])
        paths = nxt
    return ["/".join(p) for p in paths]


# --------------------------------------------------------------------------- reading back


def _walk(doc: object, parts: Sequence[str]) -> object:
    node = doc
    for raw in parts:
        part = _unescape(raw)
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise KeyError(part)
    return node


def read_json_cell(doc: object, key: str) -> object:
    """Return the value a JSON key names in ``doc``.

    Examples
    --------
    >>> read_json_cell({"counts": {"1.1.1": {"GM1926": {"2023": 37}}}}, "counts/1.1.1/GM1926/2023")
    37
    """
    return _walk(doc, key.split("/"))


def decode(data: bytes) -> str:
    """Return the text of a file the way the loader reads it (BOM, UTF-8, else Windows-1252)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_line_cell(text: str, key: str) -> dict:
    """Return the raw record of a text-table key: its line, header and the cell.

    Returns
    -------
    dict
        ``line`` (number), ``text`` (the line as written), ``header`` (the header fields, or
        ``None`` for a ``#k`` column), ``column`` and ``value`` (the raw cell).

    Examples
    --------
    >>> read_line_cell("a;b\\n1;2\\n", "line/2/b")["value"]
    '2'
    >>> read_line_cell('"t"\\n"x";"3"\\n', "line/2/#2")["value"]
    '3'
    """
    m = _LINE.match(key)
    if not m or not m.group(1).isdigit():
        raise ValueError(f"not a single-cell line key: {key!r}")
    n, column = int(m.group(1)), m.group(2)
    lines = text.splitlines()
    if not 1 <= n <= len(lines):
        raise KeyError(f"line {n} (the file has {len(lines)} lines)")
    delimiter = ";" if lines[n - 1].count(";") > lines[n - 1].count(",") else ","
    fields = next(csv.reader(io.StringIO(lines[n - 1]), delimiter=delimiter), [])
    header = None
    if column.startswith("#") and column[1:].isdigit():
        k = int(column[1:]) - 1
    else:
        header, k = _header_with(lines[: n - 1], column, delimiter)
    if not 0 <= k < len(fields):
        raise KeyError(f"column {column!r} on line {n}")
    return {"line": n, "text": lines[n - 1], "header": header, "column": column, "value": fields[k]}


def _header_with(above: list[str], column: str, delimiter: str) -> tuple[list[str], int]:
    """Return the nearest line above that holds ``column`` as a field, and its position."""
    for text in reversed(above):
        fields = [f.strip() for f in next(csv.reader(io.StringIO(text), delimiter=delimiter), [])]
        if column in fields:
            return fields, fields.index(column)
    raise KeyError(f"no header line with column {column!r}")


def read_cell(path: str | Path, key: str) -> dict:
    """Read the raw cell ``key`` of the file at ``path`` back from the file itself.

    Returns
    -------
    dict
        ``kind`` (``json`` or ``line``), ``value`` (as written) and, for a text table, the
        ``line`` number, its ``text`` and the ``header``.
    """
    data = Path(path).read_bytes()
    if is_line_key(key):
        return {"kind": "line", **read_line_cell(decode(data), key)}
    doc = json.loads(decode(data))
    return {"kind": "json", "value": read_json_cell(doc, key)}
