"""Check the collected values and build the tidy frame: known regions and codes, plausible counts, unique keys.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis import refs
from ivp_analysis.load.common import EXTRA_COLUMNS, TIDY_COLUMNS, Ctx
from ivp_analysis.load.labels import region_code_hint
from ivp_analysis.load.numbers import DUTCH_THOUSANDS, int_or_none
from ivp_analysis.paths import relative_to_root

_MAX_ABS = 1e9


def _first_bad(df: pd.DataFrame, bad: pd.Series) -> pd.Series | None:
    return df[bad].iloc[0] if bad.any() else None


def _check_regions(ctx: Ctx, df: pd.DataFrame) -> None:
    known_regions = ctx.regions.names
    r = _first_bad(df, ~df["region"].isin(known_regions.keys()))
    if r is not None:
        raise ctx.error(
            "unknown region code",
            row=int_or_none(r["_line"]),
            column=r["_rcol"] or "region",
            found=r["region"],
            expected="a code from the CBS region list, e.g. GM1926 or NL",
            hint=region_code_hint(ctx, str(r["region"])),
        )
    df["region_name"] = df["region"].map(known_regions)


def _check_codes(ctx: Ctx, df: pd.DataFrame) -> None:
    table = ctx.codes.table.set_index("code")
    r = _first_bad(df, ~df["code"].isin(table.index))
    if r is not None:
        raise ctx.error(
            "unknown crime or indicator code",
            row=int_or_none(r["_line"]),
            column=r["_ccol"] or "code",
            found=r["code"],
            expected="a code from the CBS/Politie code lists or data/own_codes.csv",
            hint="add your own indicator codes to data/own_codes.csv",
        )
    df["label"] = df["label"].fillna(df["code"].map(table["label"]))
    df["unit"] = df["unit"].fillna(df["code"].map(table["unit"]))


def _check_values(ctx: Ctx, df: pd.DataFrame) -> None:
    values = df["value"].astype(float)
    df["value"] = values
    r = _first_bad(df, np.isinf(values) | (values.abs() >= _MAX_ABS))
    if r is not None:
        raise ctx.error(
            "implausibly large number",
            row=int_or_none(r["_line"]),
            column=r["_col"],
            found=str(r["raw"]),
            expected=f"a value below {_MAX_ABS:,.0f}",
        )
    _check_counts(ctx, df, values)


def _check_counts(ctx: Ctx, df: pd.DataFrame, values: pd.Series) -> None:
    counts = df["unit"].isin(_codes.COUNT_UNITS)
    raw_text = df["raw"].map(lambda x: x.strip() if isinstance(x, str) else "")
    dotted = raw_text.str.fullmatch(DUTCH_THOUSANDS.pattern.strip("^$"))
    converted = values == pd.to_numeric(raw_text.str.replace(".", "", regex=False), errors="coerce")
    r = _first_bad(df, counts & dotted & ~converted)  # "1.674" read as 1.674, "2.000" as 2
    if r is not None:
        raw = r["raw"].strip()
        raise ctx.error(
            "a count with a Dutch thousands separator",
            row=int_or_none(r["_line"]),
            column=r["_col"],
            found=raw,
            expected="a whole number without separators",
            hint=f"'{raw}' looks like a Dutch thousands separator: write {raw.replace('.', '')}",
        )
    r = _first_bad(df, counts & (values < 0))
    if r is not None:
        raise ctx.error(
            "negative count",
            row=int_or_none(r["_line"]),
            column=r["_col"],
            found=str(r["raw"]),
            expected="a count >= 0 (leave the cell empty where withheld)",
        )
    r = _first_bad(df, counts & values.notna() & (values != np.round(values)))
    if r is not None:
        raise ctx.error(
            "a count must be a whole number",
            row=int_or_none(r["_line"]),
            column=r["_col"],
            found=str(r["raw"]).strip(),
            expected="a whole number such as 1674",
        )


def _check_duplicates(ctx: Ctx, df: pd.DataFrame) -> None:
    key = ["region", "period", "code"]
    dup = df.duplicated(key, keep=False)
    if not dup.any():
        return
    rows = df[dup].sort_values(key).head(2)
    first, second = rows.iloc[0], rows.iloc[1]
    lines = (int_or_none(first["_line"]), int_or_none(second["_line"]))
    where = ", ".join(str(x) for x in lines if x)
    raise ctx.error(
        "duplicate key",
        row=int_or_none(second["_line"]),
        column=second["_col"],
        found=f"{second['region']} {second['period']} {second['code']}"
        + (f" (lines {where})" if where else ""),
        expected="one value per region, period and code",
    )


def _keys(df: pd.DataFrame) -> list[str]:
    """Return each record's key in its file (:mod:`ivp_analysis.refs`)."""
    given = df["_key"] if "_key" in df else pd.Series([None] * len(df), index=df.index)
    out = []
    for key, line, col in zip(given, df["_line"], df["_col"], strict=True):
        n = int_or_none(line)
        if isinstance(key, str):
            out.append(key)
        else:
            out.append(refs.line_key(n, str(col)) if n else str(col))
    return out


def _tidy(ctx: Ctx, df: pd.DataFrame) -> pd.DataFrame:
    """Return the tidy columns, sorted by region, code and period, with the format in ``attrs``."""
    # a cbsodataR folder: the cells are in its data.csv, and the key counts that file's lines
    cell_file = ctx.path / "data.csv" if ctx.path.is_dir() else ctx.path
    df["file"] = relative_to_root(cell_file)
    df["key"] = _keys(df)
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


def finalise(ctx: Ctx) -> pd.DataFrame:
    """Check every collected record and return the tidy frame (see :func:`load_table`)."""
    if not ctx.records:
        raise ctx.error("no data rows", expected="at least one value")
    df = pd.DataFrame.from_records(ctx.records)
    for col in ("label", "unit", "_rcol", "_ccol"):
        if col not in df:
            df[col] = None
    _check_regions(ctx, df)
    _check_codes(ctx, df)
    _check_values(ctx, df)
    _check_duplicates(ctx, df)
    return _tidy(ctx, df)
