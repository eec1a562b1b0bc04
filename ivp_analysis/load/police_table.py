"""Read the table download of the police open-data site: filter lines and a stacked header block.

The layout (data.politie.nl, "download tabel"), either orientation, ``;`` or ``,``, quoted or
not, UTF-8 with or without byte order mark::

    "Geregistreerde misdrijven en aangiften; soort misdrijf, gemeente"     title line(s)
    "Soort misdrijf: Totaal misdrijven"                                   filter lines: Dim: value
                                                                          empty line
    "Onderwerp";"Geregistreerde misdrijven";"Geregistreerde misdrijven"   one header row per
    "Perioden";"2023";"2024*"                                             column dimension
    "Regio's";"aantal";"aantal"                                           row dimension(s), units
    "Nederland";"802043";"."                                              one row per region
    "Pijnacker-Nootdorp";"1663";"1771"
    "Den Haag (RE)";".";"."
    "Bron: Politie"                                                       footer

Region names map to codes on the boundaries of the table's year (the year in its title, else
its latest period): a municipality that did not exist in that year is refused with the years
it did exist (:func:`ivp_analysis.codes.municipality_years`).

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ivp_analysis import codes as _codes
from ivp_analysis import refs
from ivp_analysis.load.common import MEASURE_LABELS, MEASURES, Ctx
from ivp_analysis.load.labels import code_from_label, region_from_name
from ivp_analysis.load.numbers import number, period
from ivp_analysis.load.police import footer_start
from ivp_analysis.load.text import check_width

Records = list[tuple[int, list[str]]]

#: Dimension names of the header block and filter lines -> their role.
DIMENSIONS = {
    "onderwerp": "topic",
    "onderwerpen": "topic",
    "perioden": "period",
    "periode": "period",
    "soort misdrijf": "category",
    "soort overlast": "category",
    "overlast": "category",
    "regio's": "region",
    "regios": "region",
    "regio": "region",
    "gemeenten": "region",
    "gemeente": "region",
    "wijken en buurten": "region",
}
_FILTER = re.compile(r"^\s*([^:]{2,40}?)\s*:\s*(.+?)\s*$")
_YEAR = re.compile(r"\b(20\d\d)\b")


@dataclass
class TableLayout:
    """Where the header block of a table download is: records[start:start + rows]."""

    start: int
    rows: int
    row_dims: int
    filters: dict[str, tuple[str, int]] = field(default_factory=dict)  # role -> (value, line)
    titles: list[str] = field(default_factory=list)


def _role(cell: str) -> str | None:
    return DIMENSIONS.get(cell.strip().lower())


def find_table_download(records: Records) -> TableLayout | None:
    """Return the layout of a table download, or None when ``records`` are not one.

    The header block is a run of two or more rows of equal width whose first cell names a
    dimension ("Onderwerp", "Perioden", "Regio's", ...), with data rows below it.
    """
    for start in range(min(len(records), 25)):
        width = len(records[start][1])
        n = 0
        while (
            start + n < len(records)
            and len(records[start + n][1]) == width
            and _role(records[start + n][1][0]) is not None
        ):
            n += 1
        if n >= 2 and width >= 2 and start + n < len(records):
            last = records[start + n - 1][1]
            row_dims = next((i for i, c in enumerate(last) if _role(c) is None), width)
            if 1 <= row_dims < width:
                return _with_preamble(records, TableLayout(start, n, row_dims))
    return None


def _with_preamble(records: Records, layout: TableLayout) -> TableLayout:
    """Split the lines above the header block into titles and filter lines ("Dim: value")."""
    for line, fields in records[: layout.start]:
        text = ";".join(f.strip() for f in fields if f.strip())
        m = _FILTER.match(text)
        role = _role(m[1]) if m else None
        if m and role:
            layout.filters[role] = (m[2], line)
        else:
            layout.titles.append(text)
    return layout


def boundary_year(layout: TableLayout, years: list[int]) -> int | None:
    """Return the year whose municipal boundaries the table uses: from the title, else the data."""
    for title in layout.titles:
        found = _YEAR.findall(title)
        if found:
            return int(found[-1])
    return max(years) if years else None


def _measure(ctx: Ctx, topic: str | None, line: int) -> str | None:
    """Return the measure of a topic cell; None for a topic that is not a count we read."""
    if topic is None:
        return "GeregistreerdeMisdrijven"
    core = re.sub(r"\s*\(aantal\)\s*$", "", topic.split("/")[-1], flags=re.I).strip().lower()
    return MEASURE_LABELS.get(core)


@dataclass
class _Cell:
    """One value cell with the dimension values that locate it and where each came from."""

    dims: dict[str, tuple[str, int, str]]  # role -> (value, line, column)
    raw: str
    line: int
    column: str
    position: int  # 1-based field number: the key's column (the header is a block of rows)


def _cells(ctx: Ctx, layout: TableLayout, records: Records, body: Records) -> list[_Cell]:
    header = records[layout.start : layout.start + layout.rows]
    k = layout.row_dims
    last_line, last = header[-1]
    row_roles = [(i, _role(last[i]), last[i].strip()) for i in range(k)]
    out = []
    for line, f in body:
        for j in range(k, len(f)):
            dims = {r: (v, ln, "filter") for r, (v, ln) in layout.filters.items()}
            for hline, hfields in header[:-1]:
                dims[str(_role(hfields[0]))] = (hfields[j].strip(), hline, f"column {j + 1}")
            for i, role, name in row_roles:
                dims[str(role)] = (f[i].strip(), line, name)
            name = " / ".join(h[1][j].strip() for h in header if h[1][j].strip())
            out.append(_Cell(dims, f[j], line, name or f"column {j + 1}", j + 1))
    return out


def _region(ctx: Ctx, dims: dict, year: int | None) -> str:
    if "region" not in dims:
        return "NL"
    name, line, column = dims["region"]
    code = region_from_name(ctx, name, line, column)
    if year is not None and code.startswith("GM") and _codes.existed_in(code, year) is False:
        years = _codes.municipality_years().set_index("region").loc[code]
        until = "" if years.isna()["last_year"] else f"-{int(years['last_year'])}"
        raise ctx.error(
            f"municipality did not exist in {year}, the year of the table's boundaries",
            row=line,
            column=column,
            found=name,
            expected=f"a municipality of {year} ({name} is {code}, "
            f"which existed {int(years['first_year'])}{until})",
            hint="download the table again, or check the year in its title",
        )
    return code


def read_table_download(ctx: Ctx, delimiter: str, records: Records, layout: TableLayout) -> None:
    """Add every value of a table download (see the module docstring for the layout)."""
    ctx.fmt = "politie-download-table"
    head_line, head = records[layout.start]
    rest = records[layout.start + layout.rows :]
    body = rest[: footer_start(rest, len(head))]
    for line, fields in body:
        check_width(ctx, line, fields, len(head), delimiter)
    if not body:
        raise ctx.error("no data rows", row=head_line, expected="at least one row under the header")
    cells = _cells(ctx, layout, records, body)
    known = [c for c in cells if _measure(ctx, c.dims.get("topic", (None,))[0], c.line)]
    if not known:
        topic = cells[0].dims["topic"]
        raise ctx.error(
            "unknown measure",
            row=topic[1],
            column=topic[2],
            found=topic[0],
            expected="'Geregistreerde misdrijven' or another count of crimes or nuisance",
        )
    years = [
        period(ctx, c.dims["period"][0], *c.dims["period"][1:])[0].year
        for c in known
        if "period" in c.dims
    ]
    year = boundary_year(layout, years)
    for c in known:
        _add_cell(ctx, c, year)


def _add_cell(ctx: Ctx, c: _Cell, year: int | None) -> None:
    if "period" not in c.dims:
        raise ctx.error(
            "no period", row=c.line, column=c.column, expected="a Perioden row, column or filter"
        )
    measure = str(_measure(ctx, c.dims.get("topic", (None,))[0], c.line))
    _, unit, family = MEASURES[measure]
    raw_period, period_line, period_column = c.dims["period"]
    when, star = period(ctx, raw_period, period_line, period_column)
    code = _codes.TOTAL_CRIME
    if "category" in c.dims:
        label, line, column = c.dims["category"]
        code = code_from_label(ctx, label, (family,) if family else (), line, column)
    ctx.add(
        region=_region(ctx, c.dims, year),
        period=when,
        code=code,
        value=number(ctx, c.raw, c.line, c.column),
        raw=c.raw,
        _line=c.line,
        _col=c.column,
        _key=refs.line_key(c.line, c.position),
        status="provisional" if star else "unknown",
        source="Politie open data" if family != "cbs" else "CBS 83648NED",
        note="",
        unit=unit,
    )
