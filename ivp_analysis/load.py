"""Read every supported input into one tidy long frame: ``load_table(path)``.

Supported formats (``FORMATS``; the README shows an example of each):

* CBS/Politie OData ``TypedDataSet`` rows with codes, as CSV or JSON (padded keys,
  ``2020JJ00``/``2020MM03`` periods, measure columns matched by their name without the
  ``_N`` suffix);
* the label-only rows the Python package ``cbsodata`` returns (labels mapped back to codes);
* a ``cbsodataR`` download folder (``data.csv`` plus code-list CSVs);
* table downloads from the police open-data site, long (``;``, BOM, Dutch labels) and wide
  (title lines, periods as columns, a source footer);
* the plan's own figures (``data/raw/ivp-2023-2026``) and the municipality's own figures
  (``data/templates``);
* the JSON extract, population tables and national series shipped in ``data/raw``.

Every bad value raises :class:`~ivp_analysis.errors.InputFileError` naming the file, the line
and column, what was found and what was expected. Recoding (labels to codes, ``NL00`` to
``NL``, the CBS total to ``0.0.0``) happens here and nowhere else.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis.errors import InputFileError
from ivp_analysis.paths import relative_to_root
from ivp_analysis.periods import EXPECTED as PERIOD_EXPECTED
from ivp_analysis.periods import parse_period

#: Columns of the tidy frame, in order.
TIDY_COLUMNS = [
    "region", "region_name", "period", "code", "label", "value",
    "unit", "source", "status", "note", "file",
]  # fmt: skip

#: Optional columns some formats add (survey templates).
EXTRA_COLUMNS = ["respondents", "margin_95"]

#: Format name -> one-line description (what ``detect_format`` can return).
FORMATS = {
    "odata-typed": "CBS/Politie OData TypedDataSet rows with codes (CSV or JSON)",
    "cbsodata-labels": "rows with labels instead of codes, as the Python package cbsodata returns",
    "cbsodatar-folder": "a cbsodataR download folder: data.csv plus code-list CSVs",
    "politie-download-long": "police open-data site download, one row per value (';', BOM, labels)",
    "politie-download-wide": "police open-data site download, periods as columns, title and footer",
    "ivp-plan": "figures transcribed from the safety plan (data/raw/ivp-2023-2026)",
    "municipal-template": "the municipality's own figures (data/templates)",
    "politie-47018-json": "the shipped 47018NED JSON extract with average population",
    "politie-47022-monthly": "the shipped national monthly series of 47022NED",
    "politie-annual-labels": "the shipped national annual series of 47025NED / 47021NED",
    "cbs-population-monthly": "the shipped national population by month (83474NED)",
    "cbs-population-jan1": "the shipped population on 1 January 2022 per region (83648NED pop.csv)",
    "cbs-83648-geojson": "the shipped 2022 municipal boundaries with 83648NED totals",
}

#: OData measure name (without the ``_N`` suffix) -> (code or None, unit, code family).
#: ``None`` means the code comes from the category dimension (``SoortMisdrijf`` or ``Overlast``).
MEASURES = {
    "GeregistreerdeMisdrijven": (None, "misdrijven", "police"),
    "TotaalGeregistreerdeMisdrijven": (None, "misdrijven", "cbs"),
    "GeregistreerdeOverlast": (None, "registraties", "nuisance"),
    "TotaalRegistratiesOverlast": (None, "registraties", "nuisance"),
    "BevolkingAanHetBeginVanDePeriode": ("population_start", "inwoners", None),
    "GemiddeldAantalInwoners": ("population_avg", "inwoners", None),
    "TotaleBevolking": ("population_jan1", "inwoners", None),
}
#: Measure labels as the police site writes them (the part after the last "/").
MEASURE_LABELS = {
    "geregistreerde misdrijven": "GeregistreerdeMisdrijven",
    "totaal geregistreerde misdrijven": "TotaalGeregistreerdeMisdrijven",
    "geregistreerde overlast": "GeregistreerdeOverlast",
    "totaal registraties overlast": "TotaalRegistratiesOverlast",
}
_CATEGORY_DIMS = ("SoortMisdrijf", "Overlast")
_REGION_DIMS = ("WijkenEnBuurten", "RegioS", "Gemeenten", "Regio")
_LABEL_CATEGORY_DIMS = ("soort misdrijf", "overlast", "soort overlast")
_LABEL_REGION_DIMS = ("wijken en buurten", "regio's", "regios", "regio", "gemeenten", "gemeente")
_MEASURE_COL = re.compile(r"^(.*)_(\d+)$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_MAX_ABS = 1e9
_SOURCE_LINE = re.compile(
    r"^(bron\b|source\b|©|&copy;|\(c\)|centraal bureau|cbs\b|politie\b)", re.I
)
_WITHHELD = {"", ".", "x", "na", "nan", "null"}
_STATUS = {
    "definitief": "final", "final": "final",
    "voorlopig": "provisional", "nader voorlopig": "provisional", "provisional": "provisional",
    "": "unknown", "unknown": "unknown", "onbekend": "unknown",
}  # fmt: skip
_ALL_ZERO_NOTE = "alle maten 0: gemeente bestond niet in dit jaar"
_ZERO_SERIES_NOTE = "hele reeks 0: niet gepubliceerd (NA door 0 vervangen in de bron)"
_SOURCE_BY_FAMILY = {"police": "Politie", "cbs": "CBS 83648NED", "nuisance": "Politie 47021NED"}


@dataclass
class _Ctx:
    """What a reader knows about the file, for error messages and defaults."""

    path: Path
    regions: _codes.RegionList
    codes: _codes.CodeList
    fmt: str = ""
    records: list[dict] = field(default_factory=list)

    def error(self, problem: str, **kw) -> InputFileError:
        return InputFileError(relative_to_root(self.path), problem, **kw)


# --------------------------------------------------------------------------- public API


def load_table(path: str | Path) -> pd.DataFrame:
    """Read any supported input file or folder into the tidy long frame.

    Parameters
    ----------
    path : str or Path
        A CSV or JSON file, or a ``cbsodataR`` download folder.

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (``GM1926``, ``NL``, ...), ``region_name``, ``period`` (pandas
        Period), ``code``, ``label``, ``value`` (float; NaN where withheld, never 0),
        ``unit``, ``source``, ``status`` (``provisional``, ``final`` or ``unknown``),
        ``note`` and ``file``; survey templates add ``respondents`` and ``margin_95``.
        Rows are sorted by region, code and period. ``attrs["format"]`` names the format.

    Raises
    ------
    InputFileError
        For an unknown format, a wrong delimiter or encoding, an empty or truncated file,
        a negative or non-numeric count, a duplicate key, an unknown region or code, or a
        period that cannot be parsed.

    Examples
    --------
    >>> from ivp_analysis.paths import RAW_DIR
    >>> df = load_table(RAW_DIR / "ivp-2023-2026" / "politiecijfers_2017_2022.csv")
    >>> row = df[(df.code == "1.1.1") & (df.period == pd.Period("2020", "Y"))].iloc[0]
    >>> row.region, float(row.value), row.unit
    ('GM1926', 72.0, 'misdrijven')
    >>> df.loc[df.code == "inc.verward_gedrag", "value"].head(2).tolist()
    [nan, nan]
    """
    path = Path(path)
    ctx = _Ctx(path=path, regions=_codes.region_list(), codes=_codes.code_list())
    if not path.exists():
        raise ctx.error("file not found", hint="check the path")
    if path.is_dir():
        _read_cbsodatar_folder(ctx)
    elif path.suffix.lower() in (".json", ".geojson"):
        _read_json(ctx)
    else:
        _read_delimited(ctx)
    return _finalise(ctx)


def detect_format(path: str | Path) -> str:
    """Return the name of the format ``load_table`` reads ``path`` as (a key of ``FORMATS``).

    Examples
    --------
    >>> from ivp_analysis.paths import RAW_DIR
    >>> detect_format(RAW_DIR / "politie-47018ned-gemeente-selected-types" / "data.json")
    'politie-47018-json'
    """
    return load_table(path).attrs["format"]


# --------------------------------------------------------------------------- low-level text


def _read_text(ctx: _Ctx) -> str:
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
            else _column_at(data, exc.start),
            found=f"byte 0x{data[exc.start]:02x} ('{as_ansi}' in Windows-1252)",
            expected="UTF-8 (with or without byte order mark)",
            hint="save the file as 'CSV UTF-8'; Windows-1252/Latin-1 is not accepted",
        ) from None
    if not text.strip():  # a byte order mark and blank lines only
        raise ctx.error("empty file", expected="a header line and at least one data row")
    return text


def _column_at(data: bytes, pos: int) -> str | None:
    """Return the header name of the CSV column holding byte ``pos`` (for encoding errors).

    The header is the first line as wide as the line holding the byte, which skips the
    title lines above a police download's header.
    """
    text = data.decode("cp1252", errors="replace").lstrip("\ufeff")
    delimiter = _sniff_delimiter(text)
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


def _sniff_delimiter(text: str, max_records: int = 30) -> str:
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


def _csv_records(ctx: _Ctx, text: str, delimiter: str) -> list[tuple[int, list[str]]]:
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


def _delimiter_name(d: str) -> str:
    return {"\t": "tab", ",": "','", ";": "';'"}.get(d, repr(d))


def _check_width(ctx: _Ctx, line: int, fields: list[str], width: int, delimiter: str = ",") -> None:
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


def _number(ctx: _Ctx, raw: object, line: int | None, column: str, *, dutch: bool = False) -> float:
    """Parse one value; withheld marks give NaN. Counts are checked later, per unit."""
    if raw is None:
        return math.nan
    if isinstance(raw, bool):
        raise ctx.error("not a number", row=line, column=column, found=raw, expected="a number")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and math.isnan(raw):
            return math.nan
        return float(raw)
    s = str(raw).strip()
    if s.lower() in _WITHHELD:
        return math.nan
    if s == "-":  # StatLine's mark for "nihil": exactly zero
        return 0.0
    if dutch:
        s = _dutch_number(s)
    if not _PLAIN_NUMBER.match(s):
        hint = None
        if re.match(r"^[+-]?[\d.,]+\s+\S+$", s):
            hint = "one figure per cell: move footnote marks and 'w.v.' figures to the note column"
        elif "," in s:
            hint = "write numbers with a decimal point and no thousands separator, e.g. 1674 or 7.8"
        raise ctx.error(
            "not a number", row=line, column=column, found=str(raw).strip(),
            expected="a plain number (empty or '.' where withheld)", hint=hint,
        )  # fmt: skip
    return float(s)


def _dutch_number(s: str) -> str:
    """Turn a number printed the Dutch way into a plain one: '1.674' -> '1674', '7,8' -> '7.8'."""
    s = s.replace("€", "").replace("\u00a0", " ").strip()
    if _DUTCH_THOUSANDS.match(s):
        return s.replace(".", "")
    if re.match(r"^\d{1,3}(\.\d{3})*,\d+$", s):
        return s.replace(".", "").replace(",", ".")
    return s


@lru_cache(maxsize=8192)
def _parse_period_cached(raw: str, monthly_dates: bool) -> tuple[pd.Period, bool]:
    return parse_period(raw, monthly_dates=monthly_dates)


def _period(ctx: _Ctx, raw: str, line: int | None, column: str, *, monthly_dates: bool = False
            ) -> tuple[pd.Period, bool]:  # fmt: skip
    try:
        return _parse_period_cached(str(raw), monthly_dates)
    except ValueError as exc:
        raise ctx.error(
            f"period cannot be parsed ({exc})", row=line, column=column,
            found=str(raw).strip(), expected=PERIOD_EXPECTED,
        ) from None  # fmt: skip


def _region_from_name(ctx: _Ctx, name: str, line: int | None, column: str) -> str:
    name = str(name).strip()
    if re.match(r"^(GM|WK|BU|PV|RE|LD|NL)\d{2,8}$", name):
        return _codes.normalise_region(name)
    try:
        code = ctx.regions.name_to_code(name)
    except LookupError as exc:
        similar = _did_you_mean(_similar_region_names(ctx, name))
        hint = f"it fits {exc}" + (similar or "; download with codes")
        raise ctx.error(
            "region name is ambiguous", row=line, column=column, found=name,
            expected="a unique municipality name", hint=hint,
        ) from None  # fmt: skip
    if code is None:
        raise ctx.error(
            "unknown region", row=line, column=column, found=name,
            expected="a municipality name or code from the CBS region list (e.g. Pijnacker-Nootdorp or GM1926)",
            hint=_did_you_mean(_similar_region_names(ctx, name)).lstrip("; ") or None,
        )  # fmt: skip
    return code


def _region_code_hint(ctx: _Ctx, found: str) -> str | None:
    """Suggest the code when a file that needs codes holds a region name instead."""
    try:
        code = ctx.regions.name_to_code(found)
    except LookupError:
        code = None
    if code:
        return f"'{found}' is a region name: write its code {code}"
    return _did_you_mean(_similar_region_names(ctx, found)).lstrip("; ") or None


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    return "; did you mean " + " or ".join(f"'{n}'" for n in names) + "?"


def _similar_region_names(ctx: _Ctx, name: str) -> list[str]:
    """Return up to three country, province or municipality names close to ``name``.

    CBS disambiguates shared municipality names ("Bergen (L.)", "Bergen (NH.)"), so a bare
    "Bergen" is matched by prefix as well as by spelling.
    """
    top: dict[str, str] = {}
    for code, region_name in ctx.regions.names.items():
        if code[:2] in ("NL", "PV", "GM"):
            top.setdefault(_codes._norm_label(region_name), region_name)
    key = _codes._norm_label(name)
    out = [top[k] for k in sorted(top) if k.startswith(key + " (")]
    if not out:
        out = [top[k] for k in difflib.get_close_matches(key, list(top), n=3, cutoff=0.8)]
    return out[:3]


def _similar_labels(ctx: _Ctx, label: str, families: tuple[str, ...]) -> list[str]:
    """Return up to three code-list labels of ``families`` close to ``label``."""
    table = ctx.codes.table
    candidates: dict[str, str] = {}
    for row in table[table["family"].isin(families)].itertuples():
        for text in (f"{row.code} {row.label}", row.label):
            candidates.setdefault(_codes._norm_label(text), text)
    key = _codes._norm_label(label)
    found = difflib.get_close_matches(key, list(candidates), n=3, cutoff=0.8)
    return list(dict.fromkeys(candidates[k] for k in found))


def _code_from_label(
    ctx: _Ctx, label: str, families: tuple[str, ...], line: int | None, column: str
) -> str:
    label = str(label).strip()
    code = ctx.codes.label_to_code(label, families)
    if code is None and ctx.codes.known(label):
        code = label
    if code is None:
        raise ctx.error(
            "unknown crime or indicator label", row=line, column=column, found=label,
            expected="a label from the CBS/Politie code list, e.g. '1.1.1 Diefstal/inbraak woning'",
            hint=_did_you_mean(_similar_labels(ctx, label, families)).lstrip("; ") or None,
        )  # fmt: skip
    return code


def _status(ctx: _Ctx, raw: str, line: int | None, column: str) -> str:
    s = str(raw).strip().lower()
    if s not in _STATUS:
        raise ctx.error(
            "unknown status", row=line, column=column, found=str(raw).strip(),
            expected="provisional, final or unknown (or voorlopig, definitief)",
        )  # fmt: skip
    return _STATUS[s]


def _add(ctx: _Ctx, **rec) -> None:
    ctx.records.append(rec)


# --------------------------------------------------------------------------- delimited text


def _read_delimited(ctx: _Ctx) -> None:
    text = _read_text(ctx)
    first = next(ln for ln in text.splitlines() if ln.strip())
    delimiter = _sniff_delimiter(text)
    records = _csv_records(ctx, text, delimiter)
    header_line, header = records[0]
    names = [h.strip() for h in header]
    nameset = set(names)
    body = records[1:]

    def fixed(fmt: str, allowed: tuple[str, ...], reader) -> None:
        ctx.fmt = fmt
        if delimiter not in allowed:
            raise ctx.error(
                f"wrong delimiter for format '{fmt}'", row=header_line,
                found=_delimiter_name(delimiter),
                expected=" or ".join(_delimiter_name(d) for d in allowed),
            )  # fmt: skip
        if not body:
            raise ctx.error(
                "no data rows", row=header_line, expected="at least one row under the header"
            )
        for line, fields in body:
            _check_width(ctx, line, fields, len(header), delimiter)
        reader(ctx, names, body)

    if {"crime_type_code", "date", "frequency"} <= nameset:
        return fixed("politie-47022-monthly", (",",), _read_47022_monthly)
    if {"incident_type_code", "year", "incident_count"} <= nameset:
        return fixed("politie-annual-labels", (",",), _read_annual_labels)
    if names == ["date", "population"]:
        return fixed("cbs-population-monthly", (",",), _read_population_monthly)
    if {"Populatie", "Key", "Regio"} <= nameset:
        return fixed("cbs-population-jan1", (",",), _read_population_jan1)
    if {"region", "code", "period", "printed", "section"} <= nameset:
        return fixed("ivp-plan", (",", ";"), _read_plan)
    if {"region", "code", "period", "value"} <= nameset:
        return fixed("municipal-template", (",", ";"), _read_template)
    if "Perioden" in nameset and any(_MEASURE_COL.match(n) for n in names):
        fmt = "odata-typed" if _looks_typed(body, names) else "cbsodata-labels"
        return fixed(fmt, (",", ";"), _read_odata_rows_csv)
    if {"Key", "Title"} <= nameset or {"Identifier", "Title"} <= nameset:
        raise ctx.error(
            "this is a CBS code list or metadata file, not a data table",
            expected="a data file (data.csv, a download or a template)",
            hint="code lists are read automatically with the data they describe",
        )
    # Police open-data downloads may start with title lines: find the header row.
    for idx, (_line, fields) in enumerate(records[:15]):
        cells = [f.strip() for f in fields]
        lower = [c.lower() for c in cells]
        if "perioden" in lower and any(c.endswith("(aantal)") for c in lower):
            return _police_download(ctx, delimiter, records, idx, "politie-download-long")
        if (
            len(cells) >= 2
            and _period_columns(cells)
            and any(c in _LABEL_CATEGORY_DIMS + _LABEL_REGION_DIMS for c in lower)
        ):
            return _police_download(ctx, delimiter, records, idx, "politie-download-wide")
    other = [d for d in ("|", "\t", ";", ",") if d in first and d != delimiter]
    hint = None
    if other:
        hint = f"the header may use another delimiter ({_delimiter_name(other[0])}); supported are ',' and ';'"
    raise ctx.error(
        "unknown format", row=header_line, found=", ".join(names[:8]),
        expected="the header of a supported format (see ivp_analysis.load.FORMATS and the README)",
        hint=hint,
    )  # fmt: skip


def _looks_typed(body: list[tuple[int, list[str]]], names: list[str]) -> bool:
    col = names.index("Perioden")
    sample = body[0][1][col].strip() if body and len(body[0][1]) > col else ""
    return bool(re.match(r"^\d{4}(JJ|MM|KW)\d{2}$", sample))


def _period_columns(cells: list[str]) -> list[int]:
    out = []
    for i, c in enumerate(cells):
        try:
            parse_period(c)
        except ValueError:
            continue
        out.append(i)
    return out


def _read_47022_monthly(ctx: _Ctx, names: list[str], body) -> None:
    ci, di, fi = names.index("crime_type_code"), names.index("date"), names.index("frequency")
    for line, f in body:
        code = f[ci].strip()
        if not ctx.codes.known(code):
            raise ctx.error(
                "unknown crime code",
                row=line,
                column="crime_type_code",
                found=code,
                expected="a code of the police code list (e.g. 1.1.1)",
            )
        period, _ = _period(ctx, f[di], line, "date", monthly_dates=True)
        _add(ctx, region="NL", period=period, code=code,
             value=_number(ctx, f[fi], line, "frequency"), raw=f[fi], _line=line,
             _col="frequency", status="unknown", source="Politie 47022NED",
             note="NA vervangen door 0 in de bron", unit=None)  # fmt: skip
    _withheld_zero_series(ctx)


def _read_annual_labels(ctx: _Ctx, names: list[str], body) -> None:
    li, yi, vi = (
        names.index("incident_type_code"),
        names.index("year"),
        names.index("incident_count"),
    )
    for line, f in body:
        code = _code_from_label(ctx, f[li], ("police", "nuisance"), line, "incident_type_code")
        nuisance = code == _codes.NUISANCE_TOTAL or ctx.codes.family(code) == "nuisance"
        period, _ = _period(ctx, f[yi], line, "year")
        _add(ctx, region="NL", period=period, code=code,
             value=_number(ctx, f[vi], line, "incident_count"), raw=f[vi], _line=line,
             _col="incident_count", status="unknown",
             source="Politie 47021NED" if nuisance else "Politie 47025NED",
             note="NA vervangen door 0 in de bron", unit=None)  # fmt: skip
    _withheld_zero_series(ctx)


def _withheld_zero_series(ctx: _Ctx) -> None:
    """Turn a series that is 0 in every period back into NaN: withheld, not zero.

    The shipped national series replaced NA by 0. A crime type that is 0 in every one of
    127 months (sexual offences 1.4.1, for instance, which 47025NED counts in thousands a
    year) was never published, so its zeros are NaN again; a series with any non-zero
    value keeps its zeros, which may be real.
    """
    nonzero = {(r["region"], r["code"]) for r in ctx.records if r["value"] != 0}
    for r in ctx.records:
        if (r["region"], r["code"]) not in nonzero:
            r["value"] = math.nan
            r["note"] = _ZERO_SERIES_NOTE


def _read_population_monthly(ctx: _Ctx, names: list[str], body) -> None:
    for line, (date, pop) in body:
        period, _ = _period(ctx, date, line, "date", monthly_dates=True)
        _add(ctx, region="NL", period=period, code="population_start",
             value=_number(ctx, pop, line, "population"), raw=pop, _line=line, _col="population",
             status="unknown", source="CBS 83474NED", note="", unit=None)  # fmt: skip


def _read_population_jan1(ctx: _Ctx, names: list[str], body) -> None:
    vi, ki = names.index("Populatie"), names.index("Key")
    for line, f in body:
        region = _codes.normalise_region(f[ki])
        _add(ctx, region=region, period=pd.Period("2022", "Y"), code="population_jan1",
             value=_number(ctx, f[vi], line, "Populatie"), raw=f[vi], _line=line, _col="Populatie",
             status="unknown", source="CBS bevolking 1 januari 2022", note="", unit=None,
             _rcol="Key")  # fmt: skip


def _read_plan(ctx: _Ctx, names: list[str], body) -> None:
    col = {n: i for i, n in enumerate(names)}
    for line, f in body:
        get = _cell_getter(f, col)
        printed = get("printed")
        tokens = printed.split()
        sub = get("sub_code")
        if sub and len(tokens) != 2:
            raise ctx.error(
                "a 'waarvan' cell needs two figures",
                row=line,
                column="printed",
                found=printed,
                expected="'<total> <of which>', e.g. '251 145' or '158 1.'",
            )
        if not sub and len(tokens) > 1 and not printed.startswith("€"):
            raise ctx.error(
                "more than one figure in a cell",
                row=line,
                column="printed",
                found=printed,
                expected="one figure, or fill in sub_code for a 'w.v.' cell",
            )
        period, _ = _period(ctx, get("period"), line, "period")
        base = dict(
            region=get("region"),
            period=period,
            status="unknown",
            _line=line,
            _col="printed",
            source=f"IVP 2023-2026, {get('section')}",
            unit=get("unit") or None,
        )
        parts = [(get("code"), tokens[0] if sub else printed, None)]
        if sub:
            parts.append((sub, tokens[1], get("sub_label") or None))
        for code, cell, label in parts:
            if cell == "1.":  # the plan's footnote mark
                value, note = math.nan, "niet beschikbaar (voetnoot '1.' in het plan)"
            else:
                value, note = _number(ctx, cell, line, "printed", dutch=True), ""
            if get("period_printed") and get("period_printed") != get("period"):
                note = "; ".join(
                    x for x in (note, f"periode in het plan: {get('period_printed')}") if x
                )
            _add(ctx, code=code, value=value, raw=cell, note=note, label=label, **base)


def _cell_getter(fields: list[str], col: dict[str, int]):
    """Return a function that gives the stripped cell of a named column ('' when absent)."""
    return lambda name: fields[col[name]].strip() if name in col else ""


def _json_where(index: int):
    return lambda column: f"value[{index}].{column}"


def _read_template(ctx: _Ctx, names: list[str], body) -> None:
    col = {n: i for i, n in enumerate(names)}
    extra = [c for c in EXTRA_COLUMNS if c in col]
    for line, f in body:
        get = _cell_getter(f, col)
        period, star = _period(ctx, get("period"), line, "period")
        status = _status(ctx, get("status"), line, "status") if "status" in col else "unknown"
        if star:
            status = "provisional"
        rec = dict(region=get("region"), period=period, code=get("code"),
                   value=_number(ctx, get("value"), line, "value"), raw=get("value"), _line=line,
                   _col="value", status=status, source=get("source") or "gemeente (eigen registratie)",
                   note=get("note"), unit=get("unit") or None, label=get("label") or None)  # fmt: skip
        for c in extra:
            v = _number(ctx, get(c), line, c)
            if not math.isnan(v) and v < 0:
                raise ctx.error(
                    f"negative {c}", row=line, column=c, found=get(c), expected="a number >= 0"
                )
            rec[c] = v
        _add(ctx, **rec)


# --------------------------------------------------------------------------- OData / cbsodata


def _measure_columns(ctx: _Ctx, names: Iterable[str]) -> list[tuple[str, str]]:
    """Return (column, measure) pairs of the known measures, matched without the _N suffix."""
    found = []
    for n in names:
        m = _MEASURE_COL.match(n)
        if m and m[1] in MEASURES:
            found.append((n, m[1]))
    if not found:
        raise ctx.error(
            "no known measure column", found=", ".join(n for n in names if _MEASURE_COL.match(n)),
            expected="one of " + ", ".join(f"{k}_N" for k in MEASURES),
        )  # fmt: skip
    return found


def _odata_rows(ctx: _Ctx, rows: list[tuple[int | None, dict]], names: list[str], typed: bool,
                statuses: dict[str, str] | None = None, json_rows: bool = False) -> None:  # fmt: skip
    measures = _measure_columns(ctx, names)
    cat = next((d for d in _CATEGORY_DIMS if d in names), None)
    reg = next((d for d in _REGION_DIMS if d in names), None)
    count_measures = [(c, m) for c, m in measures if MEASURES[m][0] is None]
    if cat and not count_measures:
        raise ctx.error(
            f"dimension {cat} without a count measure", expected="e.g. GeregistreerdeMisdrijven_1"
        )
    if cat:
        measures = count_measures[:1]  # one count per category; rates and shares are derived
    else:
        measures = [(c, m) for c, m in measures if MEASURES[m][0] is not None]
    # CBS writes a row of zeros for a municipality in a year before it existed or after it
    # merged (83648NED); zero crimes with zero suspects and a zero rate is "no such region".
    # A crime type can be all zero in a small municipality that did exist, so the rule holds
    # only when every row of that region and period is all zero.
    all_measure_cols = [n for n in names if _MEASURE_COL.match(n)]
    first = len(ctx.records)
    for line, row in rows:
        where = _json_where(line) if json_rows else str
        ln = None if json_rows else line
        praw = row.get("Perioden")
        period, star = _period(ctx, praw, ln, where("Perioden"))
        if typed:
            status = (statuses or {}).get(str(praw).strip(), "unknown")
        else:
            status = "provisional" if star else "unknown"
        region = "NL"
        if reg:
            rv = row.get(reg)
            region = (
                _codes.normalise_region(rv) if typed else _region_from_name(ctx, rv, ln, where(reg))
            )
        absent = len(all_measure_cols) >= 2 and all(_is_zero(row.get(c)) for c in all_measure_cols)
        for col, measure in measures:
            code, unit, family = MEASURES[measure]
            if code is None:
                cv = str(row.get(cat)).strip()
                if typed:
                    if family == "nuisance" and cv == _codes.TOTAL_CRIME:
                        code = _codes.NUISANCE_TOTAL
                    elif family == "cbs" and cv == _codes.CBS_TOTAL:
                        code = _codes.TOTAL_CRIME
                    else:
                        code = cv
                else:
                    code = _code_from_label(ctx, cv, (family,), ln, where(cat))
            source = _SOURCE_BY_FAMILY.get(family, "CBS") if family else "CBS"
            _add(ctx, region=region, period=period, code=code,
                 value=_number(ctx, row.get(col), ln, where(col)), raw=row.get(col), _line=ln,
                 _col=where(col), status=status, source=source, note="", unit=unit,
                 _rcol=where(reg) if reg else None, _ccol=where(cat) if cat else None,
                 _absent=absent)  # fmt: skip
    new = ctx.records[first:]
    existed = {(r["region"], r["period"]) for r in new if not r["_absent"]}
    for r in new:
        if r.pop("_absent") and (r["region"], r["period"]) not in existed:
            r["value"], r["note"] = math.nan, _ALL_ZERO_NOTE


def _is_zero(raw: object) -> bool:
    """Return whether a cell holds the number 0 (an empty or text cell is not zero)."""
    if isinstance(raw, bool) or raw is None:
        return False
    if isinstance(raw, (int, float)):
        return raw == 0
    try:
        return float(str(raw).strip()) == 0
    except ValueError:
        return False


def _read_odata_rows_csv(ctx: _Ctx, names: list[str], body, statuses=None) -> None:
    typed = ctx.fmt != "cbsodata-labels"
    rows = [(line, dict(zip(names, fields, strict=True))) for line, fields in body]
    _odata_rows(ctx, rows, names, typed, statuses)


def _read_cbsodatar_folder(ctx: _Ctx) -> None:
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
            regions += _codes._read_key_title(ctx.path / name)
    if regions:
        ctx.regions = ctx.regions.extended(regions)
    statuses = {}
    if (ctx.path / "Perioden.csv").exists():
        with open(ctx.path / "Perioden.csv", encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                statuses[r["Key"].strip()] = _STATUS.get(
                    str(r.get("Status", "")).strip().lower(), "unknown"
                )
    inner = _Ctx(path=data, regions=ctx.regions, codes=ctx.codes)
    text = _read_text(inner)
    delimiter = _sniff_delimiter(text)
    records = _csv_records(inner, text, delimiter)
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
        _check_width(inner, line, fields, len(names), delimiter)
    inner.fmt = "odata-typed"
    _read_odata_rows_csv(inner, names, records[1:], statuses)
    ctx.records = inner.records


# --------------------------------------------------------------------------- JSON


def _read_json(ctx: _Ctx) -> None:
    text = _read_text(ctx)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ctx.error(
            f"not valid JSON ({exc.msg})",
            row=exc.lineno,
            expected="a complete JSON document",
            hint="the file may be truncated",
        ) from None
    if isinstance(doc, dict) and {"counts", "population", "offences"} <= set(doc):
        ctx.fmt = "politie-47018-json"
        return _read_47018_json(ctx, doc)
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        ctx.fmt = "cbs-83648-geojson"
        return _read_geojson(ctx, doc)
    rows = doc.get("value") if isinstance(doc, dict) else doc
    if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
        names = list(dict.fromkeys(k for r in rows for k in r))
        if "Perioden" in names:
            typed = bool(
                re.match(r"^\d{4}(JJ|MM|KW)\d{2}$", str(rows[0].get("Perioden", "")).strip())
            )
            ctx.fmt = "odata-typed" if typed else "cbsodata-labels"
            return _odata_rows(ctx, list(enumerate(rows)), names, typed, json_rows=True)
    if isinstance(rows, list) and not rows:
        raise ctx.error("no data rows", expected="at least one row")
    raise ctx.error(
        "unknown JSON format",
        expected="an OData 'value' list with Perioden, "
        "a cbsodata row list, the 47018NED extract or a GeoJSON FeatureCollection",
    )


def _read_47018_json(ctx: _Ctx, doc: dict) -> None:
    provisional = {str(y) for y in doc.get("provisional", [])}
    for code, by_region in doc["counts"].items():
        if not ctx.codes.known(code):
            raise ctx.error(
                "unknown crime code",
                column=f"counts['{code}']",
                found=code,
                expected="a code of the police code list (e.g. 1.1.1)",
            )
        for region, by_year in by_region.items():
            for year, value in by_year.items():
                where = f"counts['{code}']['{region}']['{year}']"
                period, _ = _period(ctx, year, None, where)
                _add(ctx, region=region, period=period, code=code, value=_number(ctx, value, None, where),
                     raw=value, _line=None, _col=where, status="provisional" if year in provisional else "final",
                     source="Politie 47018NED", note="", unit=None)  # fmt: skip
    for region, by_year in doc["population"].items():
        for year, value in by_year.items():
            where = f"population['{region}']['{year}']"
            period, _ = _period(ctx, year, None, where)
            _add(ctx, region=region, period=period, code="population_avg",
                 value=_number(ctx, value, None, where), raw=value, _line=None, _col=where,
                 status="unknown", source="CBS 70072ned", note="", unit=None)  # fmt: skip


def _read_geojson(ctx: _Ctx, doc: dict) -> None:
    for i, feat in enumerate(doc.get("features", [])):
        p = feat.get("properties", {})
        where = f"features[{i}].properties"
        year = str(p.get("jrstatcode", ""))[:4]
        period, _ = _period(ctx, year, None, f"{where}.jrstatcode")
        _add(ctx, region=_codes.normalise_region(p.get("statcode", "")), period=period,
             code=_codes.TOTAL_CRIME, value=_number(ctx, p.get("Geregistreerde Misdrijven"), None, where),
             raw=p.get("Geregistreerde Misdrijven"), _line=None, _col=f"{where}['Geregistreerde Misdrijven']",
             status="unknown", source="CBS 83648NED", note="jaar afgeleid uit jrstatcode", unit=None)  # fmt: skip


# --------------------------------------------------------------------------- police downloads


def _police_download(ctx: _Ctx, delimiter: str, records, idx: int, fmt: str) -> None:
    ctx.fmt = fmt
    if delimiter != ";":
        raise ctx.error(
            f"wrong delimiter for format '{fmt}'",
            row=records[idx][0],
            found=_delimiter_name(delimiter),
            expected="';' as the police site writes",
        )
    titles = [" ".join(f.strip() for f in fields) for _, fields in records[:idx]]
    header_line, header = records[idx]
    cells = [h.strip() for h in header]
    lower = [c.lower() for c in cells]
    rest = records[idx + 1 :]
    body = []
    for line, fields in rest[: _footer_start(rest, len(cells))]:
        _check_width(ctx, line, fields, len(cells), delimiter)
        body.append((line, fields))
    if not body:
        raise ctx.error(
            "no data rows", row=header_line, expected="at least one row under the header"
        )
    cat = next((i for i, c in enumerate(lower) if c in _LABEL_CATEGORY_DIMS), None)
    reg = next((i for i, c in enumerate(lower) if c in _LABEL_REGION_DIMS), None)
    if fmt == "politie-download-long":
        pi = lower.index("perioden")
        vcols = [i for i, c in enumerate(lower) if c.endswith("(aantal)")]
        measure = _measure_from_label(ctx, cells[vcols[0]], header_line)
        for line, f in body:
            period, star = _period(ctx, f[pi], line, cells[pi])
            _police_record(ctx, f, line, cells, cat, reg, measure, period, star, vcols[0])
        return
    pcols = _period_columns(cells)
    measure_label = next((t for t in titles if t.lower().rstrip('"').endswith("(aantal)")), None)
    measure = (
        _measure_from_label(ctx, measure_label, header_line)
        if measure_label
        else "GeregistreerdeMisdrijven"
    )
    last = {}
    for line, f in body:
        for i in (cat, reg):  # the table layout leaves repeated labels blank
            if i is not None:
                if f[i].strip():
                    last[i] = f[i]
                elif i in last:
                    f[i] = last[i]
        for pc in pcols:
            period, star = parse_period(cells[pc])
            _police_record(ctx, f, line, cells, cat, reg, measure, period, star, pc)


def _footer_start(rows: list[tuple[int, list[str]]], width: int) -> int:
    """Return the index of the first footer line in ``rows`` (``len(rows)`` when there is none).

    A footer ("Bron: Politie", a copyright line, a note under it) is a trailing block of
    one-cell lines that names the source. A one-cell line without such a block is a row
    cut off mid-way, and must fail as truncated rather than vanish as a footer.
    """

    def footer_like(fields: list[str]) -> bool:
        filled = [i for i, f in enumerate(fields) if f.strip()]
        return filled == [0] and (
            len(fields) < width or bool(_SOURCE_LINE.match(fields[0].strip()))
        )

    n = len(rows)
    while n and footer_like(rows[n - 1][1]):
        n -= 1
    if any(_SOURCE_LINE.match(fields[0].strip()) for _, fields in rows[n:]):
        return n
    return len(rows)


def _measure_from_label(ctx: _Ctx, label: str, line: int) -> str:
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


def _police_record(ctx, f, line, cells, cat, reg, measure, period, star, vi) -> None:
    _, unit, family = MEASURES[measure]
    code = (
        _code_from_label(ctx, f[cat], (family,), line, cells[cat])
        if cat is not None
        else _codes.TOTAL_CRIME
    )
    region = _region_from_name(ctx, f[reg], line, cells[reg]) if reg is not None else "NL"
    source = "Politie open data" if family != "cbs" else "CBS 83648NED"
    _add(ctx, region=region, period=period, code=code, value=_number(ctx, f[vi], line, cells[vi]),
         raw=f[vi], _line=line, _col=cells[vi], status="provisional" if star else "unknown",
         source=source, note="", unit=unit)  # fmt: skip


# --------------------------------------------------------------------------- validation


def _finalise(ctx: _Ctx) -> pd.DataFrame:
    if not ctx.records:
        raise ctx.error("no data rows", expected="at least one value")
    df = pd.DataFrame.from_records(ctx.records)
    for col in ("label", "unit", "_rcol", "_ccol"):
        if col not in df:
            df[col] = None
    # Regions
    known_regions = ctx.regions.names
    bad = ~df["region"].isin(known_regions.keys())
    if bad.any():
        r = df[bad].iloc[0]
        raise ctx.error(
            "unknown region code", row=_int_or_none(r["_line"]), column=r["_rcol"] or "region",
            found=r["region"], expected="a code from the CBS region list, e.g. GM1926 or NL",
            hint=_region_code_hint(ctx, str(r["region"])),
        )  # fmt: skip
    df["region_name"] = df["region"].map(known_regions)
    # Codes
    table = ctx.codes.table.set_index("code")
    bad = ~df["code"].isin(table.index)
    if bad.any():
        r = df[bad].iloc[0]
        raise ctx.error(
            "unknown crime or indicator code", row=_int_or_none(r["_line"]), column=r["_ccol"] or "code",
            found=r["code"], expected="a code from the CBS/Politie code lists or data/own_codes.csv",
            hint="add your own indicator codes to data/own_codes.csv",
        )  # fmt: skip
    df["label"] = df["label"].fillna(df["code"].map(table["label"]))
    df["unit"] = df["unit"].fillna(df["code"].map(table["unit"]))
    # Values
    values = df["value"].astype(float)
    df["value"] = values
    bad = np.isinf(values) | (values.abs() >= _MAX_ABS)
    if bad.any():
        r = df[bad].iloc[0]
        raise ctx.error(
            "implausibly large number",
            row=_int_or_none(r["_line"]),
            column=r["_col"],
            found=str(r["raw"]),
            expected=f"a value below {_MAX_ABS:,.0f}",
        )
    counts = df["unit"].isin(_codes.COUNT_UNITS)
    raw_text = df["raw"].map(lambda x: x.strip() if isinstance(x, str) else "")
    dotted = raw_text.str.fullmatch(_DUTCH_THOUSANDS.pattern.strip("^$"))
    converted = values == pd.to_numeric(raw_text.str.replace(".", "", regex=False), errors="coerce")
    bad = counts & dotted & ~converted  # "1.674" read as 1.674, "2.000" as 2
    if bad.any():
        r = df[bad].iloc[0]
        raw = r["raw"].strip()
        raise ctx.error(
            "a count with a Dutch thousands separator",
            row=_int_or_none(r["_line"]),
            column=r["_col"],
            found=raw,
            expected="a whole number without separators",
            hint=f"'{raw}' looks like a Dutch thousands separator: write {raw.replace('.', '')}",
        )
    bad = counts & (values < 0)
    if bad.any():
        r = df[bad].iloc[0]
        raise ctx.error(
            "negative count",
            row=_int_or_none(r["_line"]),
            column=r["_col"],
            found=str(r["raw"]),
            expected="a count >= 0 (leave the cell empty where withheld)",
        )
    bad = counts & values.notna() & (values != np.round(values))
    if bad.any():
        r = df[bad].iloc[0]
        raise ctx.error(
            "a count must be a whole number",
            row=_int_or_none(r["_line"]),
            column=r["_col"],
            found=str(r["raw"]).strip(),
            expected="a whole number such as 1674",
        )
    # Duplicate keys
    key = ["region", "period", "code"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        rows = df[dup].sort_values(key).head(2)
        first, second = rows.iloc[0], rows.iloc[1]
        where = ", ".join(
            str(x) for x in (_int_or_none(first["_line"]), _int_or_none(second["_line"])) if x
        )
        raise ctx.error(
            "duplicate key", row=_int_or_none(second["_line"]), column=second["_col"],
            found=f"{second['region']} {second['period']} {second['code']}" + (f" (lines {where})" if where else ""),
            expected="one value per region, period and code",
        )  # fmt: skip
    df["file"] = relative_to_root(ctx.path)
    df["note"] = df["note"].fillna("").astype(str)
    df["status"] = df["status"].fillna("unknown")
    extras = [c for c in EXTRA_COLUMNS if c in df]
    out = df[TIDY_COLUMNS + extras].copy()
    if isinstance(out["period"].dtype, pd.PeriodDtype):
        out["sort_period"] = out["period"]
    else:  # mixed frequencies: order by start, years before months of the same start
        out["sort_period"] = out["period"].map(lambda p: (p.start_time, -p.end_time.value))
    out = out.sort_values(["region", "code", "sort_period"], kind="mergesort").drop(
        columns="sort_period"
    )
    out = out.reset_index(drop=True)
    out.attrs["format"] = ctx.fmt
    out.attrs["path"] = relative_to_root(ctx.path)
    return out


def _int_or_none(x) -> int | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return int(x)
