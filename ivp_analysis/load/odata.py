"""Read CBS/Politie OData rows: typed rows with codes, ``cbsodata`` label rows and ``cbsodataR`` folders.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable

from ivp_analysis import codes as _codes
from ivp_analysis import refs
from ivp_analysis.load.common import (
    CATEGORY_DIMS,
    MEASURE_COL,
    MEASURES,
    REGION_DIMS,
    SOURCE_BY_FAMILY,
    Ctx,
)
from ivp_analysis.load.labels import code_from_label, region_from_name
from ivp_analysis.load.numbers import STATUS, is_zero, number, period
from ivp_analysis.load.text import check_width, csv_records, read_text, sniff_delimiter

Body = list[tuple[int, list[str]]]
_ALL_ZERO_NOTE = "alle maten 0: gemeente bestond niet in dit jaar"
_TYPED_PERIOD = re.compile(r"^\d{4}(JJ|MM|KW)\d{2}$")


def looks_typed(body: Body, names: list[str]) -> bool:
    """Return whether the first row's period is a code (``2020JJ00``) rather than a label."""
    col = names.index("Perioden")
    sample = body[0][1][col].strip() if body and len(body[0][1]) > col else ""
    return bool(_TYPED_PERIOD.match(sample))


def typed_json_rows(rows: list[dict]) -> bool:
    """Return whether JSON rows carry period codes (typed) rather than labels (``cbsodata``)."""
    return bool(_TYPED_PERIOD.match(str(rows[0].get("Perioden", "")).strip()))


def measure_columns(ctx: Ctx, names: Iterable[str]) -> list[tuple[str, str]]:
    """Return (column, measure) pairs of the known measures, matched without the _N suffix."""
    found = []
    for n in names:
        m = MEASURE_COL.match(n)
        if m and m[1] in MEASURES:
            found.append((n, m[1]))
    if not found:
        raise ctx.error(
            "no known measure column",
            found=", ".join(n for n in names if MEASURE_COL.match(n)),
            expected="one of " + ", ".join(f"{k}_N" for k in MEASURES),
        )
    return found


def _chosen_measures(ctx: Ctx, names: list[str], cat: str | None) -> list[tuple[str, str]]:
    """Return the measures to read: one count per category, or the population measures."""
    measures = measure_columns(ctx, names)
    count_measures = [(c, m) for c, m in measures if MEASURES[m][0] is None]
    if cat and not count_measures:
        raise ctx.error(
            f"dimension {cat} without a count measure", expected="e.g. GeregistreerdeMisdrijven_1"
        )
    if cat:
        return count_measures[:1]  # one count per category; rates and shares are derived
    return [(c, m) for c, m in measures if MEASURES[m][0] is not None]


def _category_code(
    ctx: Ctx, raw: object, family: str | None, typed: bool, line: int | None, column: str
) -> str:
    """Return the code of a category cell: recode the CBS and nuisance totals, map labels."""
    cv = str(raw).strip()
    if not typed:
        return code_from_label(ctx, cv, (family,) if family else (), line, column)
    if family == "nuisance" and cv == _codes.TOTAL_CRIME:
        return _codes.NUISANCE_TOTAL
    if family == "cbs" and cv == _codes.CBS_TOTAL:
        return _codes.TOTAL_CRIME
    return cv


def _json_where(index: int) -> Callable[[str], str]:
    return lambda column: f"value[{index}].{column}"


def odata_rows(
    ctx: Ctx,
    rows: list[tuple[int, dict]],
    names: list[str],
    typed: bool,
    statuses: dict[str, str] | None = None,
    json_rows: str | None = None,
) -> None:
    """Add the values of OData rows (dicts); ``rows`` holds (line or JSON index, row).

    ``json_rows`` is ``None`` for CSV rows, else the name of the JSON list that holds them
    (``"value"``; ``""`` for a bare list), the start of each value's key.
    """
    cat = next((d for d in CATEGORY_DIMS if d in names), None)
    reg = next((d for d in REGION_DIMS if d in names), None)
    measures = _chosen_measures(ctx, names, cat)
    # CBS writes a row of zeros for a municipality in a year before it existed or after it
    # merged (83648NED); zero crimes with zero suspects and a zero rate is "no such region".
    # A crime type can be all zero in a small municipality that did exist, so the rule holds
    # only when every row of that region and period is all zero.
    all_measure_cols = [n for n in names if MEASURE_COL.match(n)]
    first = len(ctx.records)
    for index, row in rows:
        where = _json_where(index) if json_rows is not None else str
        ln = None if json_rows is not None else index
        head = [json_rows, index] if json_rows else [index]
        praw = row.get("Perioden")
        when, star = period(ctx, praw, ln, where("Perioden"))
        if typed:
            state = (statuses or {}).get(str(praw).strip(), "unknown")
        else:
            state = "provisional" if star else "unknown"
        region = "NL"
        if reg:
            rv = row.get(reg)
            region = (
                _codes.normalise_region(str(rv))
                if typed
                else region_from_name(ctx, rv, ln, where(reg))
            )
        absent = len(all_measure_cols) >= 2 and all(is_zero(row.get(c)) for c in all_measure_cols)
        for col, measure in measures:
            code, unit, family = MEASURES[measure]
            if code is None:
                code = _category_code(ctx, row.get(str(cat)), family, typed, ln, where(str(cat)))
            source = SOURCE_BY_FAMILY.get(family, "CBS") if family else "CBS"
            ctx.add(
                region=region,
                period=when,
                code=code,
                value=number(ctx, row.get(col), ln, where(col)),
                raw=row.get(col),
                _line=ln,
                _col=where(col),
                _key=refs.json_key(*head, col) if json_rows is not None else None,
                status=state,
                source=source,
                note="",
                unit=unit,
                _rcol=where(reg) if reg else None,
                _ccol=where(cat) if cat else None,
                _absent=absent,
            )
    _absent_regions_to_nan(ctx.records[first:])


def _absent_regions_to_nan(new: list[dict]) -> None:
    """Set NaN where every row of a region and period was all zero (the region did not exist)."""
    existed = {(r["region"], r["period"]) for r in new if not r["_absent"]}
    for r in new:
        if r.pop("_absent") and (r["region"], r["period"]) not in existed:
            r["value"], r["note"] = math.nan, _ALL_ZERO_NOTE


def read_odata_rows_csv(
    ctx: Ctx, names: list[str], body: Body, statuses: dict[str, str] | None = None
) -> None:
    """Read OData rows from CSV records (typed or ``cbsodata`` labels, as ``ctx.fmt`` says)."""
    typed = ctx.fmt != "cbsodata-labels"
    rows = [(line, dict(zip(names, fields, strict=True))) for line, fields in body]
    odata_rows(ctx, rows, names, typed, statuses)


def _folder_statuses(folder) -> dict[str, str]:
    """Return period key -> status from a download folder's ``Perioden.csv`` (empty if absent)."""
    statuses: dict[str, str] = {}
    if (folder / "Perioden.csv").exists():
        with open(folder / "Perioden.csv", encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                statuses[r["Key"].strip()] = STATUS.get(
                    str(r.get("Status", "")).strip().lower(), "unknown"
                )
    return statuses


def read_cbsodatar_folder(ctx: Ctx) -> None:
    """Read a ``cbsodataR`` folder: ``data.csv`` with its own region list and period statuses."""
    ctx.fmt = "cbsodatar-folder"
    data = ctx.path / "data.csv"
    if not data.exists():
        raise ctx.error(
            "folder without data.csv",
            expected="a cbsodataR download folder (data.csv plus code lists)",
        )
    regions = []
    for name in ("RegioS.csv", "WijkenEnBuurten.csv"):
        if (ctx.path / name).exists():
            regions += _codes.read_key_title(ctx.path / name)
    if regions:
        ctx.regions = ctx.regions.extended(regions)
    statuses = _folder_statuses(ctx.path)
    inner = Ctx(path=data, regions=ctx.regions, codes=ctx.codes)
    text = read_text(inner)
    delimiter = sniff_delimiter(text)
    records = csv_records(inner, text, delimiter)
    header_line, header = records[0]
    names = [h.strip() for h in header]
    if "Perioden" not in names:
        raise inner.error(
            "no Perioden column",
            row=header_line,
            found=", ".join(names),
            expected="a cbsodataR data.csv with a Perioden column",
        )
    for line, fields in records[1:]:
        check_width(inner, line, fields, len(names), delimiter)
    inner.fmt = "odata-typed"
    read_odata_rows_csv(inner, names, records[1:], statuses)
    ctx.records = inner.records
