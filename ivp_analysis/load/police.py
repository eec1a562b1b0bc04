"""Read table downloads from the police open-data site: the long layout and the wide layout.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import re

import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis.load.common import (
    LABEL_CATEGORY_DIMS,
    LABEL_REGION_DIMS,
    MEASURE_LABELS,
    MEASURES,
    Ctx,
)
from ivp_analysis.load.labels import code_from_label, region_from_name
from ivp_analysis.load.numbers import number, period
from ivp_analysis.load.text import check_width, delimiter_name
from ivp_analysis.periods import parse_period

Records = list[tuple[int, list[str]]]
SOURCE_LINE = re.compile(r"^(bron\b|source\b|©|&copy;|\(c\)|centraal bureau|cbs\b|politie\b)", re.I)


def period_columns(cells: list[str]) -> list[int]:
    """Return the indices of the cells that are periods ("2022", "2024*", "2022 december").

    Examples
    --------
    >>> period_columns(["Soort misdrijf", "Regio's", "2022", "2023*"])
    [2, 3]
    """
    out = []
    for i, c in enumerate(cells):
        try:
            parse_period(c)
        except ValueError:
            continue
        out.append(i)
    return out


def footer_start(rows: Records, width: int) -> int:
    """Return the index of the first footer line in ``rows`` (``len(rows)`` when there is none).

    A footer ("Bron: Politie", a copyright line, a note under it) is a trailing block of
    one-cell lines that names the source. A one-cell line without such a block is a row
    cut off mid-way, and must fail as truncated rather than vanish as a footer.
    """

    def footer_like(fields: list[str]) -> bool:
        filled = [i for i, f in enumerate(fields) if f.strip()]
        return filled == [0] and (len(fields) < width or bool(SOURCE_LINE.match(fields[0].strip())))

    n = len(rows)
    while n and footer_like(rows[n - 1][1]):
        n -= 1
    if any(SOURCE_LINE.match(fields[0].strip()) for _, fields in rows[n:]):
        return n
    return len(rows)


def measure_from_label(ctx: Ctx, label: str, line: int) -> str:
    """Return the OData measure of a police label such as 'Geregistreerde misdrijven (aantal)'."""
    core = label.strip().strip('"').split("/")[-1]
    core = re.sub(r"\s*\(aantal\)\s*$", "", core, flags=re.I).strip().lower()
    if core not in MEASURE_LABELS:
        raise ctx.error(
            "unknown measure",
            row=line,
            found=label.strip(),
            expected="'Geregistreerde misdrijven (aantal)' or another count of crimes or nuisance",
        )
    return MEASURE_LABELS[core]


def police_record(
    ctx: Ctx,
    f: list[str],
    line: int,
    cells: list[str],
    cat: int | None,
    reg: int | None,
    measure: str,
    when: pd.Period,
    star: bool,
    vi: int,
) -> None:
    """Add the value in column ``vi`` of one download row."""
    _, unit, family = MEASURES[measure]
    families = (family,) if family else ()
    code = (
        code_from_label(ctx, f[cat], families, line, cells[cat])
        if cat is not None
        else _codes.TOTAL_CRIME
    )
    region = region_from_name(ctx, f[reg], line, cells[reg]) if reg is not None else "NL"
    ctx.add(
        region=region,
        period=when,
        code=code,
        value=number(ctx, f[vi], line, cells[vi]),
        raw=f[vi],
        _line=line,
        _col=cells[vi],
        status="provisional" if star else "unknown",
        source="Politie open data" if family != "cbs" else "CBS 83648NED",
        note="",
        unit=unit,
    )


def police_download(ctx: Ctx, delimiter: str, records: Records, idx: int, fmt: str) -> None:
    """Read a long or wide police download whose header row is ``records[idx]``."""
    ctx.fmt = fmt
    if delimiter != ";":
        raise ctx.error(
            f"wrong delimiter for format '{fmt}'",
            row=records[idx][0],
            found=delimiter_name(delimiter),
            expected="';' as the police site writes",
        )
    titles = [" ".join(f.strip() for f in fields) for _, fields in records[:idx]]
    header_line, header = records[idx]
    cells = [h.strip() for h in header]
    rest = records[idx + 1 :]
    body = []
    for line, fields in rest[: footer_start(rest, len(cells))]:
        check_width(ctx, line, fields, len(cells), delimiter)
        body.append((line, fields))
    if not body:
        raise ctx.error(
            "no data rows", row=header_line, expected="at least one row under the header"
        )
    if fmt == "politie-download-long":
        _read_long(ctx, cells, header_line, body)
    else:
        _read_wide(ctx, cells, header_line, body, titles)


def _dimension_columns(cells: list[str]) -> tuple[int | None, int | None]:
    lower = [c.lower() for c in cells]
    cat = next((i for i, c in enumerate(lower) if c in LABEL_CATEGORY_DIMS), None)
    reg = next((i for i, c in enumerate(lower) if c in LABEL_REGION_DIMS), None)
    return cat, reg


def _read_long(ctx: Ctx, cells: list[str], header_line: int, body: Records) -> None:
    cat, reg = _dimension_columns(cells)
    lower = [c.lower() for c in cells]
    pi = lower.index("perioden")
    vcols = [i for i, c in enumerate(lower) if c.endswith("(aantal)")]
    measure = measure_from_label(ctx, cells[vcols[0]], header_line)
    for line, f in body:
        when, star = period(ctx, f[pi], line, cells[pi])
        police_record(ctx, f, line, cells, cat, reg, measure, when, star, vcols[0])


def _read_wide(
    ctx: Ctx, cells: list[str], header_line: int, body: Records, titles: list[str]
) -> None:
    cat, reg = _dimension_columns(cells)
    pcols = period_columns(cells)
    measure_label = next((t for t in titles if t.lower().rstrip('"').endswith("(aantal)")), None)
    measure = (
        measure_from_label(ctx, measure_label, header_line)
        if measure_label
        else "GeregistreerdeMisdrijven"
    )
    last: dict[int, str] = {}
    for line, f in body:
        for i in (cat, reg):  # the table layout leaves repeated labels blank
            if i is not None:
                if f[i].strip():
                    last[i] = f[i]
                elif i in last:
                    f[i] = last[i]
        for pc in pcols:
            when, star = parse_period(cells[pc])
            police_record(ctx, f, line, cells, cat, reg, measure, when, star, pc)
