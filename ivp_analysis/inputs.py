"""Added inputs: files or snapshot folders laid over the shipped data; an added value wins.

A report's ``inputs`` parameter (``ivp report --input PATH``, ``inputs:`` in the parameter file,
``--data fetched``) names files or folders that :func:`ivp_analysis.load_table` reads. Here they
become one layer (:class:`Added`): every figure once per region, code and period, a later input
winning over an earlier one. :mod:`ivp_analysis.datasets` lays that layer over each shipped data
set within the data set's :class:`Scope` (:func:`overlay`) and lists every shipped value an added
one meets (:func:`meetings`), replaced or not, for the data chapter.

An empty added cell (a withheld or not yet published figure) never replaces a shipped number: it
only counts where the shipped data have no value either.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ivp_analysis import cache, codes, paths
from ivp_analysis.errors import ParameterError
from ivp_analysis.load import load_table
from ivp_analysis.vocab import KEPT_EMPTY

#: The columns that identify one figure.
KEY = ["region", "code", "period"]
#: Columns of :func:`meetings`.
MEETING_COLUMNS = [
    "dataset",
    "region",
    "code",
    "period",
    "shipped_value",
    "added_value",
    "replaced",
    "reason",
    "shipped_file",
    "shipped_key",
    "source_file",
    "source_key",
]


@dataclass(frozen=True)
class Scope:
    """Which added figures lay over a shipped data set.

    Attributes
    ----------
    regions : tuple of str
        Region code prefixes: ``GM`` (municipalities, ``GM0000`` included), ``NL``, ``WK``, ``BU``.
    freq : str
        ``Y`` (years), ``M`` (months) or empty (any).
    codes : str or tuple of str
        ``own`` (the codes the shipped data set holds), ``crime`` (every police crime code) or
        the codes themselves.
    """

    regions: tuple[str, ...]
    freq: str = "Y"
    codes: str | tuple[str, ...] = "own"


@dataclass
class Added:
    """The added inputs as one layer: ``data`` (tidy, with an ``input`` column) and their vintage."""

    inputs: tuple[str, ...] = ()
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    vintages: pd.DataFrame = field(default_factory=pd.DataFrame)


def _period_text(df: pd.DataFrame) -> pd.Series:
    """Return the period as text ("2022", "2022-03"): frames of mixed period types merge on it."""
    return df["period"].astype(str)


def _freq(p: pd.Period) -> str:
    return p.freqstr[0]


def read_input(path: str | Path) -> pd.DataFrame:
    """Read one added file or folder into the tidy frame (parsed once per content, see ``cache``).

    The key holds the path too: the frame names its file in every row (``file``), so a copy of
    the same bytes elsewhere is parsed again rather than named by the first copy's path.
    """
    p = paths.resolve_input(path)
    k = cache.key(files=[p, *codes.reference_files()], extra=("input", paths.portable(p)))
    return cache.cached("tables", k, lambda: load_table(p))


def vintage(path: str | Path, df: pd.DataFrame) -> dict:
    """Return what is known about the edition of an input: publication, retrieval, periods.

    A fetched snapshot names its table's ``Modified`` date and the retrieval time in
    ``PROVENANCE.json``. Another file carries no date of its own that survives a copy (its
    modification time does not), so only its periods say how current it is; its SHA-256 in the
    manifest identifies the edition exactly.
    """
    p = paths.resolve_input(path)
    prov = p / "PROVENANCE.json" if p.is_dir() else p.parent / "PROVENANCE.json"
    meta = json.loads(prov.read_text(encoding="utf-8")) if prov.exists() else {}
    periods = sorted(df["period"].dropna().unique(), key=lambda x: (x.end_time, x.start_time))
    provisional = sorted({str(x) for x in df.loc[df["status"] == "provisional", "period"]})
    return {
        "input": paths.portable(p),
        "format": df.attrs.get("format", ""),
        "table": meta.get("table", ""),
        "rows": len(df),
        "regions": int(df["region"].nunique()),
        "first_period": str(min(periods, key=lambda x: x.start_time)) if periods else "",
        "last_period": str(periods[-1]) if periods else "",
        "provisional": ", ".join(provisional),
        "published": str(meta.get("table_modified") or "")[:10],
        "retrieved": str(meta.get("retrieved") or "")[:10],
    }


def load_added(inputs: Sequence[str | Path]) -> Added:
    """Read every input into one layer: a later input wins over an earlier one per figure.

    Examples
    --------
    >>> a = load_added(["tests/fixtures/formats/politie_tabel_47013_totaal.csv"])
    >>> t = a.data[(a.data.region == "GM1926") & (a.data.period == pd.Period("2023", "Y"))]
    >>> float(t["value"].iloc[0]), t["key"].iloc[0], a.vintages["last_period"].tolist()
    (1663.0, 'line/8/#3', ['2024'])
    """
    frames, vintages = [], []
    for i, path in enumerate(inputs):
        df = read_input(path)
        vintages.append(vintage(path, df))
        frames.append(df.assign(input=paths.portable(paths.resolve_input(path)), _order=i))
    if not frames:
        return Added()
    data = pd.concat(frames, ignore_index=True)
    data = data.assign(_p=_period_text(data)).sort_values("_order", kind="mergesort")
    data = data.drop_duplicates(["region", "code", "_p"], keep="last")
    data = data.drop(columns=["_p", "_order"]).reset_index(drop=True)
    return Added(tuple(str(x) for x in inputs), data, pd.DataFrame(vintages))


def in_scope(added: pd.DataFrame, scope: Scope | None, shipped: pd.DataFrame) -> pd.DataFrame:
    """Return the added rows that lay over a shipped data set with ``scope`` (none for ``None``).

    Examples
    --------
    >>> add = pd.DataFrame({"region": ["GM1", "NL", "GM1"], "code": ["1.1.1", "1.1.1", "0.0.0"],
    ...                     "period": pd.PeriodIndex(["2023"] * 3, freq="Y")})
    >>> shipped = pd.DataFrame({"code": ["1.1.1"]})
    >>> in_scope(add, Scope(("GM",)), shipped)[["region", "code"]].values.tolist()
    [['GM1', '1.1.1']]
    """
    if scope is None or added.empty:
        return added.iloc[0:0]
    keep = added["region"].str.startswith(scope.regions)
    if scope.freq:
        keep &= added["period"].map(_freq) == scope.freq
    if scope.codes == "own":
        keep &= added["code"].isin(set(shipped["code"]))
    elif scope.codes == "crime":
        families = codes.code_list()
        keep &= added["code"].map(lambda c: families.family(c) == "police")
    else:
        keep &= added["code"].isin(scope.codes)
    return added[keep.astype(bool)]


def overlay(shipped: pd.DataFrame, added: pd.DataFrame) -> pd.DataFrame:
    """Return ``shipped`` with the ``added`` rows laid over it, sorted like the tidy frame.

    An added figure replaces the shipped one of the same region, code and period, unless the
    added cell is empty and the shipped one holds a number; a new key is added.

    Examples
    --------
    >>> Y = lambda y: pd.Period(str(y), "Y")
    >>> s = pd.DataFrame({"region": "GM1", "code": "a", "period": [Y(2022), Y(2023)],
    ...                   "value": [5.0, 6.0], "file": "s"})
    >>> a = pd.DataFrame({"region": "GM1", "code": "a", "period": [Y(2023), Y(2024)],
    ...                   "value": [7.0, 8.0], "file": "a"})
    >>> overlay(s, a)[["value", "file"]].values.tolist()
    [[5.0, 's'], [7.0, 'a'], [8.0, 'a']]
    """
    if added.empty:
        return shipped
    add = added.assign(_p=_period_text(added))
    base = shipped.assign(_p=_period_text(shipped))
    numbers = base[base["value"].notna()].set_index(["region", "code", "_p"]).index
    empty_over_number = add["value"].isna() & add.set_index(["region", "code", "_p"]).index.isin(
        numbers
    )
    add = add[~empty_over_number]
    replaced = base.set_index(["region", "code", "_p"]).index.isin(
        add.set_index(["region", "code", "_p"]).index
    )
    cols = [c for c in shipped.columns]
    out = pd.concat([base[~replaced], add.reindex(columns=base.columns)], ignore_index=True)
    return _sorted(out)[cols].reset_index(drop=True)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    order = df["period"].map(lambda p: (p.start_time, -p.end_time.value))
    return df.assign(_o=order).sort_values(["region", "code", "_o"], kind="mergesort")


def meetings(
    dataset: str, shipped: pd.DataFrame, added: pd.DataFrame, scope: Scope | None, reason: str
) -> pd.DataFrame:
    """Return every shipped value of ``dataset`` that an added figure meets (same region, code, period).

    ``replaced`` says whether the added figure took its place (in scope and a number); ``reason``
    says why not, in Dutch (``reason`` for a data set without scope, else why the cell was kept).
    """
    if added.empty or shipped.empty:
        return pd.DataFrame(columns=MEETING_COLUMNS)
    s = shipped.assign(_p=_period_text(shipped))
    a = added.assign(_p=_period_text(added))
    hit = s.merge(a, on=["region", "code", "_p"], suffixes=("", "_added"))
    hit = hit[hit["value"].notna() | hit["value_added"].notna()]
    if hit.empty:
        return pd.DataFrame(columns=MEETING_COLUMNS)
    scoped = in_scope(hit.assign(period=hit["period_added"]), scope, shipped).index
    taken = hit.index.isin(scoped) & hit["value_added"].notna()
    why = pd.Series(reason, index=hit.index)
    why[hit.index.isin(scoped) & hit["value_added"].isna()] = KEPT_EMPTY
    why[taken] = ""
    out = pd.DataFrame(
        {
            "dataset": dataset,
            "region": hit["region"],
            "code": hit["code"],
            "period": hit["period"],
            "shipped_value": hit["value"],
            "added_value": hit["value_added"],
            "replaced": taken,
            "reason": why,
            "shipped_file": hit["file"],
            "shipped_key": hit["key"],
            "source_file": hit["file_added"],
            "source_key": hit["key_added"],
        }
    )
    return out[MEETING_COLUMNS].reset_index(drop=True)


def normalise_input(text: object) -> str:
    """Return how the parameters record an added input: relative to the repository, or absolute.

    A relative path is looked up in the current folder first, then in the repository (where a
    re-run by ``ivp verify`` finds the path the report recorded).

    Raises
    ------
    ParameterError
        When the entry is not a path or names nothing that exists.
    """
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(
            f"inputs: {text!r} is not a path; give files or snapshot folders, e.g. "
            "--input data/fetched/47018NED-2026-11-30"
        )
    given = Path(text.strip()).expanduser()
    for candidate in (given, paths.ROOT / given):
        if candidate.exists():
            return paths.portable(candidate)
    where = " and ".join(dict.fromkeys(str(d) for d in (Path.cwd(), paths.ROOT)))
    raise ParameterError(
        f"inputs: {text} not found (looked in {where}); give an existing file or snapshot folder"
    )


def checked(given: Sequence[object]) -> list[str]:
    """Return the inputs as the parameters record them, each found and read (before a run).

    Raises
    ------
    ParameterError
        For an entry that is not a path or names nothing that exists.
    InputFileError
        For a file ``load_table`` cannot read (it names the file, line and column).
    """
    found = [normalise_input(x) for x in given]
    for path in found:
        read_input(path)
    return found
