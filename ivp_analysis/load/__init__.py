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

The package is split by job: ``text`` (encoding, delimiter, records), ``numbers`` (values,
periods, statuses), ``labels`` (region names and crime labels to codes), one module per
format family (``odata``, ``police``, ``plan``, ``shipped``, ``jsonfiles``), ``delimited``
(which CSV format a header is) and ``finalise`` (the checks every format shares). Only the
names below are public.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis.load.common import (
    EXTRA_COLUMNS,
    FORMATS,
    MEASURE_LABELS,
    MEASURES,
    TIDY_COLUMNS,
    Ctx,
)
from ivp_analysis.load.delimited import read_delimited
from ivp_analysis.load.finalise import finalise
from ivp_analysis.load.jsonfiles import read_json
from ivp_analysis.load.odata import read_cbsodatar_folder

__all__ = [
    "EXTRA_COLUMNS",
    "FORMATS",
    "MEASURES",
    "MEASURE_LABELS",
    "TIDY_COLUMNS",
    "detect_format",
    "load_table",
]


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
    ctx = Ctx(path=path, regions=_codes.region_list(), codes=_codes.code_list())
    if not path.exists():
        raise ctx.error("file not found", hint="check the path")
    if path.is_dir():
        read_cbsodatar_folder(ctx)
    elif path.suffix.lower() in (".json", ".geojson"):
        read_json(ctx)
    else:
        read_delimited(ctx)
    return finalise(ctx)


def detect_format(path: str | Path) -> str:
    """Return the name of the format ``load_table`` reads ``path`` as (a key of ``FORMATS``).

    Examples
    --------
    >>> from ivp_analysis.paths import RAW_DIR
    >>> detect_format(RAW_DIR / "politie-47018ned-gemeente-selected-types" / "data.json")
    'politie-47018-json'
    """
    return load_table(path).attrs["format"]
