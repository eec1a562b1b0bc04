"""Combine the shipped data with added files or snapshot folders: an added value wins.

For the later ``--input`` / ``inputs:`` / ``--data fetched`` integration: :func:`combine` returns the
combined tidy frame, every override (region, code, period, shipped value, added value, source
file) and the vintage of each source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ivp_analysis.load import load_table
from ivp_analysis.paths import relative_to_root

_KEY = ["region", "code", "period"]
_MERGE = ["region", "code", "_period"]


def _keyed(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with a text period key ("2022", "2022-03"): mixed period types merge on it."""
    return df.assign(_period=df["period"].astype(str))


@dataclass
class Combined:
    """The combined frame, the overrides and the vintage of every source."""

    data: pd.DataFrame
    overrides: pd.DataFrame  # region, code, period, shipped_value, added_value, source_file
    vintages: pd.DataFrame  # file, format, rows, vintage


def vintage(path: Path) -> str:
    """Return when a source was published or retrieved, as far as it says.

    A fetched snapshot: the table's ``Modified`` date and the retrieval time from its
    ``PROVENANCE.json``; another file: its modification date.
    """
    prov = path / "PROVENANCE.json" if path.is_dir() else None
    if prov is not None and prov.exists():
        meta = json.loads(prov.read_text())
        return f"tabel gewijzigd {meta.get('table_modified')}, opgehaald {meta.get('retrieved')}"
    stamp = pd.Timestamp(path.stat().st_mtime, unit="s").strftime("%Y-%m-%d")
    return f"bestand van {stamp}"


def combine(shipped: pd.DataFrame, added: list[str | Path]) -> Combined:
    """Return the shipped tidy frame with the values of ``added`` files laid over it.

    Parameters
    ----------
    shipped : pandas.DataFrame
        Tidy frame of the shipped data (as :func:`ivp_analysis.load_table` returns).
    added : list of str or Path
        Files or snapshot folders, in order: a later one wins over an earlier one.

    Returns
    -------
    Combined
        ``data`` holds every key once: the added value where one exists for the same region,
        code and period (a withheld, NaN added value also wins: the source withholds it now),
        else the shipped one. ``overrides`` lists each replaced shipped row.
    """
    frames, vintages, overrides = [shipped], [], []
    current = shipped
    for path in map(Path, added):
        df = load_table(path)
        vintages.append(
            dict(
                file=relative_to_root(path),
                format=df.attrs["format"],
                rows=len(df),
                vintage=vintage(path),
            )
        )
        hit = _keyed(current).merge(
            _keyed(df)[_MERGE + ["value"]], on=_MERGE, suffixes=("", "_added")
        )
        for r in hit.itertuples():
            overrides.append(
                dict(
                    region=r.region,
                    code=r.code,
                    period=r.period,
                    shipped_value=r.value,
                    added_value=r.value_added,
                    source_file=relative_to_root(path),
                )
            )
        new_keys = set(zip(*(_keyed(df)[c] for c in _MERGE), strict=True))
        keep = [k not in new_keys for k in zip(*(_keyed(current)[c] for c in _MERGE), strict=True)]
        current = pd.concat([current[keep], df], ignore_index=True)
        frames.append(df)
    data = current.sort_values(_KEY, key=_sort_key, kind="mergesort").reset_index(drop=True)
    cols = ["region", "code", "period", "shipped_value", "added_value", "source_file"]
    return Combined(data, pd.DataFrame(overrides, columns=cols), pd.DataFrame(vintages))


def _sort_key(col: pd.Series) -> pd.Series:
    if col.name == "period":
        return col.map(lambda p: (p.start_time, -p.end_time.value))
    return col
