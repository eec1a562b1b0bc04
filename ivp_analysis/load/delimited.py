"""Recognise a delimited text file by its header and hand it to the reader of its format.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

from collections.abc import Callable

from ivp_analysis.load import plan, shipped
from ivp_analysis.load.common import LABEL_CATEGORY_DIMS, LABEL_REGION_DIMS, MEASURE_COL, Ctx
from ivp_analysis.load.odata import looks_typed, read_odata_rows_csv
from ivp_analysis.load.police import period_columns, police_download
from ivp_analysis.load.police_table import find_table_download, read_table_download
from ivp_analysis.load.text import (
    check_width,
    csv_records,
    delimiter_name,
    read_text,
    sniff_delimiter,
)

Records = list[tuple[int, list[str]]]
Reader = Callable[[Ctx, list[str], Records], None]

#: (columns the header must hold, format, allowed delimiters, reader), tried in order.
_FIXED: list[tuple[frozenset[str], str, tuple[str, ...], Reader]] = [
    (
        frozenset({"crime_type_code", "date", "frequency"}),
        "politie-47022-monthly",
        (",",),
        shipped.read_47022_monthly,
    ),
    (
        frozenset({"incident_type_code", "year", "incident_count"}),
        "politie-annual-labels",
        (",",),
        shipped.read_annual_labels,
    ),
    (
        frozenset({"Populatie", "Key", "Regio"}),
        "cbs-population-jan1",
        (",",),
        shipped.read_population_jan1,
    ),
    (
        frozenset({"nhood_id", "population"}),
        "cbs-85984-buurt-population",
        (",",),
        shipped.read_buurt_population,
    ),
    (
        frozenset({"region", "code", "period", "printed", "section"}),
        "ivp-plan",
        (",", ";"),
        plan.read_plan,
    ),
    (
        frozenset({"region", "code", "period", "value"}),
        "municipal-template",
        (",", ";"),
        plan.read_template,
    ),
]


def _fixed(
    ctx: Ctx, fmt: str, allowed: tuple[str, ...], reader: Reader, delimiter: str, records: Records
) -> None:
    """Check the delimiter and every row's width, then run the format's reader."""
    ctx.fmt = fmt
    header_line, header = records[0]
    body = records[1:]
    if delimiter not in allowed:
        raise ctx.error(
            f"wrong delimiter for format '{fmt}'",
            row=header_line,
            found=delimiter_name(delimiter),
            expected=" or ".join(delimiter_name(d) for d in allowed),
        )
    if not body:
        raise ctx.error(
            "no data rows", row=header_line, expected="at least one row under the header"
        )
    for line, fields in body:
        check_width(ctx, line, fields, len(header), delimiter)
    reader(ctx, [h.strip() for h in header], body)


def _fixed_format(names: list[str], body: Records) -> tuple[str, tuple[str, ...], Reader] | None:
    """Return (format, delimiters, reader) of a header with fixed column names, if any."""
    nameset = set(names)
    if names == ["date", "population"]:
        return "cbs-population-monthly", (",",), shipped.read_population_monthly
    for needed, fmt, allowed, reader in _FIXED:
        if needed <= nameset:
            return fmt, allowed, reader
    if "Perioden" in nameset and any(MEASURE_COL.match(n) for n in names):
        fmt = "odata-typed" if looks_typed(body, names) else "cbsodata-labels"
        return fmt, (",", ";"), read_odata_rows_csv
    return None


def _police_header(records: Records) -> tuple[int, str] | None:
    """Return (index, format) of a long or wide police download's header within the first lines."""
    for idx, (_line, fields) in enumerate(records[:15]):
        cells = [f.strip() for f in fields]
        lower = [c.lower() for c in cells]
        if "perioden" in lower and any(c.endswith("(aantal)") for c in lower):
            return idx, "politie-download-long"
        if (
            len(cells) >= 2
            and period_columns(cells)
            and any(c in LABEL_CATEGORY_DIMS + LABEL_REGION_DIMS for c in lower)
        ):
            return idx, "politie-download-wide"
    return None


def read_delimited(ctx: Ctx) -> None:
    """Read a CSV file of any supported delimited format."""
    text = read_text(ctx)
    first = next(ln for ln in text.splitlines() if ln.strip())
    delimiter = sniff_delimiter(text)
    records = csv_records(ctx, text, delimiter)
    header_line, header = records[0]
    names = [h.strip() for h in header]
    fixed = _fixed_format(names, records[1:])
    if fixed is not None:
        return _fixed(ctx, *fixed, delimiter, records)
    if {"Key", "Title"} <= set(names) or {"Identifier", "Title"} <= set(names):
        raise ctx.error(
            "this is a CBS code list or metadata file, not a data table",
            expected="a data file (data.csv, a download or a template)",
            hint="code lists are read automatically with the data they describe",
        )
    # Police open-data downloads may start with title lines: find the header row.
    found = _police_header(records)
    if found is not None:
        return police_download(ctx, delimiter, records, *found)
    table = find_table_download(records)
    if table is not None:
        return read_table_download(ctx, delimiter, records, table)
    other = [d for d in ("|", "\t", ";", ",") if d in first and d != delimiter]
    hint = None
    if other:
        hint = (
            f"the header may use another delimiter ({delimiter_name(other[0])}); "
            "supported are ',' and ';'"
        )
    raise ctx.error(
        "unknown format",
        row=header_line,
        found=", ".join(names[:8]),
        expected="the header of a supported format (see ivp_analysis.load.FORMATS and the README)",
        hint=hint,
    )
