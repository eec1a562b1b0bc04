"""Peers and benchmark: the waarstaatjegemeente size classes, the peer group a report asks for,
and the municipality's rate per crime type against the Netherlands and its peers
(``benchmark.csv``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp_analysis.errors import ParameterError
from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.trends.inputs import SMALL_COUNT, UNKNOWN_MUNICIPALITY, median_counts
from ivp_analysis.vocab import (
    PEERS_ADDED_NL,
    PEERS_LIST_NL,
    PEERS_SIZE_CLASS_NL,
    POSITION_HIGH,
    POSITION_LOW,
    POSITION_MIDDLE,
    POSITION_SMALL,
    SIZE_CLASSES,
)

#: Columns of ``benchmark.csv``.
BENCHMARK_COLUMNS = [
    "region",
    "code",
    "label",
    "year",
    "count",
    "population",
    "rate_per_1000",
    "nl_rate_per_1000",
    "peer_group",
    "n_peers",
    "peer_q1",
    "peer_median",
    "peer_q3",
    "peer_rank",
    "position",
    "status",
    "median_count",
    *SOURCE_COLUMNS,
]

#: The peer-group parameter's value for "the municipality's size class".
SIZE_CLASS = "size_class"


def size_class(population) -> np.ndarray:
    """Return the waarstaatjegemeente size class of each population (lower bound included).

    Examples
    --------
    >>> size_class([9_999, 10_000, 49_999, 50_000, 250_000]).tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['minder dan 10.000 inwoners', '10.000 tot 20.000 inwoners', '20.000 tot 50.000 inwoners',
     '50.000 tot 100.000 inwoners', '250.000 inwoners of meer']
    """
    pop = np.asarray(population, dtype=float)
    out = np.full(pop.shape, None, dtype=object)
    for lo, hi, label in SIZE_CLASSES:
        out[(pop >= lo) & (pop < hi)] = label
    return out


@dataclass(frozen=True)
class Peers:
    """A peer group: its codes (the municipality included) and how it was formed."""

    codes: tuple[str, ...]
    description: str  # Dutch, the ``peer_group`` column of benchmark.csv
    kind: str  # "size_class" or "list"
    size_class: str | None = None
    added_self: bool = False


def peer_group(
    spec: str,
    municipality: str,
    population: pd.Series,
    year: int,
    names: Mapping[str, str] | None = None,
) -> Peers:
    """Resolve the peer-group parameter: ``size_class`` or a comma-separated list of GM codes.

    Parameters
    ----------
    spec : str
        ``"size_class"`` (municipalities of the same waarstaatjegemeente size class by average
        population in ``year``) or codes such as ``"GM0518, GM0503"``.
    municipality : str
        The municipality; it is always part of its own group (added to a list when missing).
    population : Series
        Average population in ``year`` per municipality code (GM0000 left out).
    year : int
        Year of the population that decides the size class.
    names : mapping, optional
        Code -> name, for hints in error messages.

    Raises
    ------
    ParameterError
        For an unknown or malformed code, GM0000, or a list with no other municipality.

    Examples
    --------
    >>> pop = pd.Series({"GM0001": 9_000.0, "GM0002": 12_000.0, "GM0003": 19_999.0})
    >>> peer_group("size_class", "GM0002", pop, 2023).codes
    ('GM0002', 'GM0003')
    >>> p = peer_group("gm0001, GM0003", "GM0002", pop, 2023)
    >>> p.codes, p.added_self
    (('GM0001', 'GM0002', 'GM0003'), True)
    """
    names = dict(names or {})
    pop = population[population.index != UNKNOWN_MUNICIPALITY]
    if spec.strip() == SIZE_CLASS:
        return _size_class_peers(municipality, pop, year)
    items = _peer_codes(spec, pop, year, names)
    added = municipality not in items
    codes = tuple(sorted(set(items) | {municipality}))
    if len(codes) < 2:
        raise ParameterError("peer_group: the list must hold at least one other municipality")
    desc = PEERS_LIST_NL
    if added:
        desc += PEERS_ADDED_NL.format(name=names.get(municipality, municipality))
    return Peers(codes, desc, "list", None, added)


def _size_class_peers(municipality: str, pop: pd.Series, year: int) -> Peers:
    """Return the municipalities of the municipality's own size class in ``year``."""
    if municipality not in pop.index or not np.isfinite(pop.get(municipality, np.nan)):
        raise ParameterError(
            f"peer_group 'size_class': no average population of {municipality} in {year}"
        )
    cls = size_class([pop[municipality]])[0]
    classes = pd.Series(size_class(pop.to_numpy()), index=pop.index)
    codes = tuple(sorted(classes.index[classes == cls]))
    desc = PEERS_SIZE_CLASS_NL.format(size_class=cls, year=year)
    return Peers(codes, desc, SIZE_CLASS, cls)


def _peer_codes(spec: str, pop: pd.Series, year: int, names: Mapping[str, str]) -> list[str]:
    """Return the codes of a comma-separated peer list, checked against the known codes."""
    raw = [s.strip() for s in re.split(r"[,;]+", spec) if s.strip()]
    items = [s.upper() if re.fullmatch(r"(?i)gm\d{4}", s) else s for s in raw]
    if not items:
        raise ParameterError("peer_group is empty: use 'size_class' or codes like 'GM0518,GM0503'")
    by_name = {str(v).casefold(): k for k, v in names.items()}
    bad = [s for s in items if not re.fullmatch(r"GM\d{4}", s)]
    if bad:
        hints = [f"{s} is {by_name[s.casefold()]}" for s in bad if s.casefold() in by_name]
        raise ParameterError(
            f"peer_group: {', '.join(bad)} is not a CBS municipality code like 'GM0518'"
            + (f" ({'; '.join(hints)})" if hints else "")
            + "; use 'size_class' or a comma-separated list of codes"
        )
    if UNKNOWN_MUNICIPALITY in items:
        raise ParameterError(
            "peer_group: GM0000 (gemeente onbekend) has no population and cannot be a peer"
        )
    unknown = [s for s in items if s not in pop.index]
    if unknown:
        raise ParameterError(
            f"peer_group: unknown municipality code(s) {', '.join(unknown)} "
            f"(no average population in {year}); run 'ivp municipalities' to list the codes"
        )
    return items


def peer_rates(everyone: pd.DataFrame, peers: Peers, year: int) -> pd.DataFrame:
    """Return each peer's counts in ``year`` with its rate per 1,000 (``rate``).

    Examples
    --------
    >>> e = pd.DataFrame({"region": ["GM1", "GM2"], "year": 2023, "count": [2.0, 3.0],
    ...                   "population": [1000.0, 2000.0]})
    >>> peer_rates(e, Peers(("GM1", "GM2"), "", "list"), 2023)["rate"].tolist()
    [2.0, 1.5]
    """
    yr = everyone[(everyone["year"] == year) & everyone["region"].isin(peers.codes)]
    with np.errstate(invalid="ignore", divide="ignore"):
        return yr.assign(rate=yr["count"] / yr["population"] * 1000)


def _own_cell(own: pd.DataFrame) -> dict[str, str]:
    """Return the ``source_file`` and ``source_key`` of the municipality's count (empty if none)."""
    if not len(own) or "source_file" not in own:
        return {"source_file": "", "source_key": ""}
    return {c: str(own[c].iloc[0]) for c in SOURCE_COLUMNS}


def position(rate: float, q1: float, q3: float) -> str:
    """Return the position of a rate in its group: below Q1, above Q3, or in between.

    Examples
    --------
    >>> position(1.0, 2.0, 4.0), position(4.0, 2.0, 4.0), position(np.nan, 2.0, 4.0)
    ('laagste kwart', 'middelste helft', '')
    """
    if not np.isfinite(rate):
        return ""
    if rate < q1:
        return POSITION_LOW
    if rate > q3:
        return POSITION_HIGH
    return POSITION_MIDDLE


def benchmark(
    everyone: pd.DataFrame,
    national: pd.DataFrame,
    municipality: str,
    peers: Peers,
    year: int,
) -> pd.DataFrame:
    """Set the municipality's rate per crime type against the Netherlands and its peers.

    Parameters
    ----------
    everyone : DataFrame
        Counts with population for every municipality
        (:func:`ivp_analysis.trends.inputs.all_municipalities`).
    national : DataFrame
        :func:`ivp_analysis.trends.inputs.national_series` (NL rate = national count / national
        population).
    municipality : str
    peers : Peers
    year : int

    Returns
    -------
    DataFrame
        :data:`BENCHMARK_COLUMNS`. Quartiles use linear interpolation (NumPy's default, type 7);
        ``peer_rank`` is 1 for the lowest rate in the group, ties share the lowest rank;
        ``position`` is ``laagste kwart`` (below Q1), ``hoogste kwart`` (above Q3) or
        ``middelste helft``. A type with small numbers (the municipality's median yearly count
        ``median_count`` below :data:`~ivp_analysis.trends.inputs.SMALL_COUNT`) gets no rank and
        the position ``kleine aantallen: geen rangorde``.
    """
    yr = peer_rates(everyone, peers, year)
    nat = national[national["year"] == year].set_index("code")
    medians = median_counts(everyone[everyone["region"] == municipality], ["code"])
    rows = []
    for code, g in yr.groupby("code", sort=True):
        rates = g["rate"].to_numpy(dtype=float)
        ok = np.isfinite(rates)
        own = g[g["region"] == municipality]
        own_rate = float(own["rate"].iloc[0]) if len(own) else np.nan
        if ok.any():
            q1, med, q3 = np.quantile(rates[ok], [0.25, 0.5, 0.75])
        else:
            q1, med, q3 = np.nan, np.nan, np.nan
        rank = 1 + int(np.sum(rates[ok] < own_rate)) if np.isfinite(own_rate) else np.nan
        median = float(medians.get(code, np.nan))
        small = not median >= SMALL_COUNT
        if code in nat.index:
            nl_rate = nat.loc[code, "count"] / nat.loc[code, "population"] * 1000
        else:
            nl_rate = np.nan
        rows.append(
            {
                "region": municipality,
                "code": code,
                "label": g["label"].iloc[0],
                "year": year,
                "count": float(own["count"].iloc[0]) if len(own) else np.nan,
                "population": float(own["population"].iloc[0]) if len(own) else np.nan,
                "rate_per_1000": round(own_rate, 3),
                "nl_rate_per_1000": round(float(nl_rate), 3),
                "peer_group": peers.description,
                "n_peers": int(ok.sum()),
                "peer_q1": round(float(q1), 3),
                "peer_median": round(float(med), 3),
                "peer_q3": round(float(q3), 3),
                "peer_rank": np.nan if small else rank,
                "position": POSITION_SMALL if small else position(own_rate, q1, q3),
                "status": own["status"].iloc[0] if len(own) else "",
                "median_count": median,
                **_own_cell(own),
            }
        )
    return pd.DataFrame(rows, columns=BENCHMARK_COLUMNS)
