"""Read text and CSV: encoding checks, delimiter sniffing, records with line numbers, row widths.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import csv
import io

from ivp_analysis.load.common import Ctx


def read_text(ctx: Ctx) -> str:
    """Return the file's text, refusing empty files, UTF-16, workbooks and non-UTF-8 bytes."""
    data = ctx.path.read_bytes()
    if not data.strip():
        raise ctx.error("empty file", expected="a header line and at least one data row")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ctx.error("UTF-16 text", expected="UTF-8", hint="save the file as 'CSV UTF-8'")
    if data[:2] == b"PK":
        raise ctx.error(
            "an Excel workbook or zip archive, not text",
            expected="a CSV file",
            hint="export the sheet as 'CSV UTF-8'",
        )
    if b"\x00" in data[:4096]:
        raise ctx.error(
            "NUL bytes: UTF-16 text without byte order mark, or a binary file",
            expected="UTF-8 text",
            hint="save the file as 'CSV UTF-8'",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        as_ansi = data[exc.start : exc.start + 1].decode("cp1252", errors="replace")
        raise ctx.error(
            "not UTF-8 text",
            row=line,
            column=None
            if ctx.path.suffix.lower() in (".json", ".geojson")
            else column_at(data, exc.start),
            found=f"byte 0x{data[exc.start]:02x} ('{as_ansi}' in Windows-1252)",
            expected="UTF-8 (with or without byte order mark)",
            hint="save the file as 'CSV UTF-8'; Windows-1252/Latin-1 is not accepted",
        ) from None
    if not text.strip():  # a byte order mark and blank lines only
        raise ctx.error("empty file", expected="a header line and at least one data row")
    return text


def column_at(data: bytes, pos: int) -> str | None:
    """Return the header name of the CSV column holding byte ``pos`` (for encoding errors).

    The header is the first line as wide as the line holding the byte, which skips the
    title lines above a police download's header.
    """
    text = data.decode("cp1252", errors="replace").lstrip("\ufeff")
    delimiter = sniff_delimiter(text)
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    line = data[start : None if end < 0 else end].decode("cp1252", errors="replace")
    width = len(next(csv.reader([line], delimiter=delimiter), []))
    prefix = data[start:pos].decode("cp1252", errors="replace")
    index = len(next(csv.reader([prefix], delimiter=delimiter), [""])) - 1
    head = "\n".join(text.split("\n", 20)[:20])
    for fields in csv.reader(io.StringIO(head), delimiter=delimiter):
        if len(fields) == width:
            return fields[index].strip() if 0 <= index < width else None
    return None


def sniff_delimiter(text: str, max_records: int = 30) -> str:
    """Return the delimiter (',', ';' or tab) found most often outside quotes in the first records.

    Counting over several records, with quotes followed across line ends, keeps the title
    lines above a police download's header (a quoted title may hold a ';', or none at all)
    from deciding the delimiter.
    """
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    records = 0
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch in counts:
            counts[ch] += 1
        elif ch == "\n":
            records += 1
            if records >= max_records:
                break
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_records(ctx: Ctx, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Split text into (first line number, fields); blank lines are dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):
                out.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ctx.error(
            f"the CSV structure is broken ({exc})",
            row=start,
            expected="quotes that open and close on every value",
            hint="the file may be truncated",
        ) from None
    return out


def delimiter_name(d: str) -> str:
    """Return how a delimiter is named in messages.

    Examples
    --------
    >>> delimiter_name(chr(9)), delimiter_name(";")
    ('tab', "';'")
    """
    return {"\t": "tab", ",": "','", ";": "';'"}.get(d, repr(d))


def check_width(ctx: Ctx, line: int, fields: list[str], width: int, delimiter: str = ",") -> None:
    """Raise a clear error when a row is narrower (truncated) or wider (unquoted delimiter) than the header."""
    if len(fields) == width:
        return
    n = f"{len(fields)} field" + ("" if len(fields) == 1 else "s")
    row = delimiter.join(fields)
    found = row if len(row) <= 80 else row[:77] + "..."
    if len(fields) < width:
        raise ctx.error(
            f"row has {n}",
            row=line,
            found=found,
            expected=f"{width} fields like the header",
            hint="the file looks truncated, or the row uses another delimiter",
        )
    raise ctx.error(
        f"row has {n}",
        row=line,
        found=found,
        expected=f"{width} fields like the header",
        hint="a value contains an unquoted delimiter (a decimal comma such as 7,8?)",
    )
