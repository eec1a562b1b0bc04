"""Code lists: regions and crime, nuisance and indicator codes, read once from the shipped files.

Every loader maps labels to codes through these lists, so recoding happens in one place.
A code list that comes with a ``cbsodataR`` download folder extends them for that file.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ivp_analysis import paths

#: Units whose values are counts: whole numbers, never negative.
COUNT_UNITS = frozenset({"misdrijven", "registraties", "incidenten", "inwoners", "meldingen"})

#: CBS 83648NED's "Misdrijven, totaal" is the police total "0.0.0": recoded here, once.
CBS_TOTAL = "T001161"
TOTAL_CRIME = "0.0.0"
#: The 47021NED nuisance total is also keyed "0.0.0"; recoded so it cannot pass for total crime.
NUISANCE_TOTAL = "overlast.totaal"

#: The 47018NED wijk/buurt code list on the 2024 division (shipped with the GM1926 buurt data).
WIJK_BUURT_2024 = (
    paths.RAW_DIR / "politie-47018ned-buurt-2023-gm1926" / "crime" / "WijkenEnBuurten.csv"
)

_POLICE_PREFIX = re.compile(r"^(\d+\.\d+\.\d+)\s+(.*)$")
_CBS_PREFIX = re.compile(r"^[\d.]+\s+(.*)$")


@dataclass
class CodeList:
    """Codes with their Dutch label, unit and family, and label lookups per family."""

    table: pd.DataFrame  # columns: code, label, unit, family, source
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # family -> label -> code

    def label_to_code(self, label: str, families: tuple[str, ...]) -> str | None:
        """Return the code whose label (with or without its numeric prefix) is ``label``."""
        key = norm_label(label)
        for fam in families:
            code = self.labels.get(fam, {}).get(key)
            if code is not None:
                return code
        return None

    def __post_init__(self) -> None:
        self._family = dict(zip(self.table["code"], self.table["family"], strict=True))

    def known(self, code: str) -> bool:
        """Return whether ``code`` is in the list."""
        return code in self._family

    def family(self, code: str) -> str | None:
        """Return the family of a code: ``police``, ``nuisance``, ``cbs`` or ``own``."""
        return self._family.get(code)


def norm_label(label: str) -> str:
    """Return a label for look-ups: spaces collapsed, case folded.

    Examples
    --------
    >>> norm_label("  Totaal   Misdrijven ")
    'totaal misdrijven'
    """
    return re.sub(r"\s+", " ", str(label)).strip().casefold()


def read_key_title(path: Path) -> list[tuple[str, str]]:
    """Return the (Key, Title) pairs of a CBS code-list CSV, keys stripped."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [(r["Key"].strip(), r["Title"].strip()) for r in csv.DictReader(f)]


def build_code_list(
    police: Path | None = None,
    nuisance: Path | None = None,
    cbs: Path | None = None,
    own: Path | None = None,
) -> CodeList:
    """Build the code list from the police, nuisance, CBS and own code files.

    Parameters
    ----------
    police, nuisance, cbs, own : Path, optional
        ``SoortMisdrijf.csv`` (47018NED), ``Overlast.csv`` (47021NED), ``misdrijf_meta.csv``
        (83648NED) and ``data/own_codes.csv``; the shipped files by default.

    Returns
    -------
    CodeList
    """
    raw = paths.RAW_DIR
    police = police or raw / "politie-47018ned-metadata" / "SoortMisdrijf.csv"
    nuisance = nuisance or raw / "politie-47025ned-47021ned-nl-annual" / "Overlast.csv"
    cbs = cbs or raw / "cbs-83648ned-gemeente-2022" / "misdrijf_meta.csv"
    own = own or paths.DATA_DIR / "own_codes.csv"
    rows: list[dict] = []
    labels: dict[str, dict[str, str]] = {"police": {}, "nuisance": {}, "cbs": {}, "own": {}}
    _add_police(police, rows, labels["police"])
    _add_nuisance(nuisance, rows, labels["nuisance"])
    _add_cbs(cbs, rows, labels["cbs"])
    _add_own(own, rows, labels["own"])
    table = pd.DataFrame(rows).drop_duplicates("code", keep="first").reset_index(drop=True)
    return CodeList(table=table, labels=labels)


def _row(code: str, label: str, unit: str, family: str, source: str) -> dict:
    return dict(code=code, label=label, unit=unit, family=family, source=source)


def _add_police(path: Path, rows: list[dict], labels: dict[str, str]) -> None:
    for code, title in read_key_title(path):
        m = _POLICE_PREFIX.match(title)
        short = m[2] if m else title
        rows.append(_row(code, short, "misdrijven", "police", "Politie 47018NED"))
        labels[norm_label(title)] = code
        labels[norm_label(short)] = code


def _add_nuisance(path: Path, rows: list[dict], labels: dict[str, str]) -> None:
    for code, title in read_key_title(path):
        if code == TOTAL_CRIME:
            continue  # the nuisance total: NUISANCE_TOTAL, listed in own_codes.csv
        rows.append(_row(code, title, "registraties", "nuisance", "Politie 47021NED"))
        labels[norm_label(title)] = code
    labels[norm_label("Totaal registraties overlast")] = NUISANCE_TOTAL


def _add_cbs(path: Path, rows: list[dict], labels: dict[str, str]) -> None:
    for code, title in read_key_title(path):
        if code == CBS_TOTAL:
            labels[norm_label(title)] = TOTAL_CRIME
            continue
        m = _CBS_PREFIX.match(title)
        rows.append(_row(code, m[1] if m else title, "misdrijven", "cbs", "CBS 83648NED"))
        labels[norm_label(title)] = code
        if m:
            labels.setdefault(norm_label(m[1]), code)


def _add_own(path: Path, rows: list[dict], labels: dict[str, str]) -> None:
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            code = r["code"].strip()
            rows.append(_row(code, r["label"].strip(), r["unit"].strip(), "own", "eigen codelijst"))
            labels[norm_label(r["label"])] = code


def reference_files() -> list[Path]:
    """Return the code-list files every loaded table depends on (for cache keys and manifests)."""
    raw = paths.RAW_DIR
    return [
        raw / "politie-47018ned-metadata" / "SoortMisdrijf.csv",
        raw / "politie-47025ned-47021ned-nl-annual" / "Overlast.csv",
        raw / "politie-47025ned-47021ned-nl-annual" / "RegioS.csv",
        raw / "politie-47022ned-nl-monthly" / "WijkenEnBuurten.csv",
        raw / "cbs-83648ned-gemeente-2022" / "misdrijf_meta.csv",
        raw / "cbs-83648ned-gemeente-2022" / "pop.csv",
        raw / "cbs-83648ned-gemeente-2022" / "dataframe.geojson",
        WIJK_BUURT_2024,
        paths.DATA_DIR / "own_codes.csv",
    ]


@lru_cache(maxsize=1)
def code_list() -> CodeList:
    """Return the shipped code list (cached).

    Examples
    --------
    >>> cl = code_list()
    >>> cl.label_to_code("1.1.1 Diefstal/inbraak woning", ("police",))
    '1.1.1'
    >>> cl.label_to_code("Misdrijven, totaal", ("cbs",))
    '0.0.0'
    >>> cl.table.set_index("code").loc["1.2.3", "label"]
    'Diefstal van brom-, snor-, fietsen'
    """
    return build_code_list()


@dataclass
class RegionList:
    """Region codes (``GM1926``, ``NL``, ``PV28``, ``WK192601`` ...) with names, and name lookups."""

    names: dict[str, str]  # code -> name
    by_name: dict[str, set[str]]  # normalised name -> codes

    def name_to_code(self, name: str) -> str | None:
        """Return the unique code for a region name, ``None`` if unknown.

        Raises
        ------
        LookupError
            When the name belongs to more than one region (the message lists the codes).
        """
        codes = self.by_name.get(norm_label(name))
        if not codes:
            return None
        # A name shared by a municipality and a neighbourhood means the municipality:
        # keep the candidates of the highest level only.
        best = min(_level_rank(c) for c in codes)
        top = sorted(c for c in codes if _level_rank(c) == best)
        if len(top) > 1:
            raise LookupError(", ".join(top))
        return top[0]

    def extended(self, pairs: list[tuple[str, str]]) -> RegionList:
        """Return a copy that also knows ``(code, name)`` pairs from a download's own code list."""
        names = dict(self.names)
        by_name = {k: set(v) for k, v in self.by_name.items()}
        for code, name in pairs:
            code = normalise_region(code)
            names.setdefault(code, name)
            by_name.setdefault(norm_label(name), set()).add(code)
        return RegionList(names, by_name)


_LEVELS = ("NL", "LD", "PV", "RE", "GM", "WK", "BU")


def _level_rank(code: str) -> int:
    prefix = code[:2]
    return _LEVELS.index(prefix) if prefix in _LEVELS else len(_LEVELS)


def normalise_region(code: str) -> str:
    """Strip padding and give the Netherlands one code.

    Examples
    --------
    >>> normalise_region("GM1926    ")
    'GM1926'
    >>> normalise_region("NL01  ")
    'NL'
    """
    code = str(code).strip()
    return "NL" if code in ("NL00", "NL01", "NL") else code


@lru_cache(maxsize=1)
def region_list() -> RegionList:
    """Return all regions named in the shipped code lists (cached).

    Sources, in order of preference for the name: 47025NED ``RegioS.csv`` (current
    municipalities, provinces, police units), 47022NED ``WijkenEnBuurten.csv`` (municipalities
    and their districts and neighbourhoods), 83648NED ``pop.csv`` and the 2022 boundaries.
    Historical municipalities (merged since 2010) are known through the older lists.

    Examples
    --------
    >>> regions = region_list()
    >>> regions.names["GM1926"]
    'Pijnacker-Nootdorp'
    >>> regions.name_to_code("Pijnacker-Nootdorp")
    'GM1926'
    >>> regions.name_to_code("Nederland")
    'NL'
    >>> regions.name_to_code("Den Haag")
    'GM0518'
    """
    from ivp_analysis import cache

    k = cache.key(files=reference_files())
    return cache.cached("regions", k, _build_region_list)


def _build_region_list() -> RegionList:
    raw = paths.RAW_DIR
    pairs: list[tuple[str, str]] = []
    pairs += read_key_title(raw / "politie-47025ned-47021ned-nl-annual" / "RegioS.csv")
    pairs += read_key_title(raw / "politie-47022ned-nl-monthly" / "WijkenEnBuurten.csv")
    with open(raw / "cbs-83648ned-gemeente-2022" / "pop.csv", encoding="utf-8-sig") as f:
        pairs += [(r["Key"], r["Regio"].strip()) for r in csv.DictReader(f)]
    with open(raw / "cbs-83648ned-gemeente-2022" / "dataframe.geojson", encoding="utf-8") as f:
        geo = json.load(f)
    pairs += [
        (ft["properties"]["statcode"], ft["properties"]["statnaam"]) for ft in geo["features"]
    ]
    # Last, so that it only adds codes: the wijken and buurten of the 2024 division
    # (47018NED restates every year on it), e.g. BU19260110, absent from the 2021 list.
    pairs += read_key_title(WIJK_BUURT_2024)
    regions = RegionList({}, {}).extended(pairs)
    # Everyday names that differ from the CBS name; used only to look names up, never as names.
    for alias, code in NAME_ALIASES.items():
        regions.by_name.setdefault(norm_label(alias), set()).add(code)
    return regions


#: Common names of municipalities whose CBS name differs (name -> code).
NAME_ALIASES = {"Den Haag": "GM0518", "Den Bosch": "GM0796"}


def municipality_name(code: str) -> str:
    """Return the name of a region code, or the code itself when unknown.

    Examples
    --------
    >>> municipality_name("GM0363")
    'Amsterdam'
    """
    return region_list().names.get(code, code)


#: Years covered by the shipped per-year municipality data (83648NED 2010-2020, 70072ned 2012-2025).
YEARS_COVERED = (2010, 2025)


@lru_cache(maxsize=1)
def municipality_years() -> pd.DataFrame:
    """Return when each municipality code existed, as the shipped data shows it.

    Built from two shipped sources, so that no hand-kept list can drift from the data: the
    70072ned population per municipality and year in the 47018NED extract (2012-2025, each
    year on that year's boundaries) and the 83648NED rows of ``voorspelmodel.csv`` (2010-2020,
    where a row of zeros in every measure marks a year in which the municipality did not
    exist). A code appears in the year of its creation and disappears after its last year;
    a municipality still present in 2025 has ``last_year`` NaN (open-ended).

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``region_name``, ``first_year``, ``last_year`` (float; NaN while it
        still exists), sorted by code. The municipal redivisions 2012-2025 are the rows with
        a ``first_year`` after 2012 or a ``last_year``.

    Examples
    --------
    >>> years = municipality_years().set_index("region")
    >>> [float(x) for x in years.loc["GM1926", ["first_year", "last_year"]]]  # Pijnacker-Nootdorp
    [2010.0, nan]
    >>> str(years.loc["GM0738", "region_name"]), float(years.loc["GM0738", "last_year"])
    ('Aalburg', 2018.0)
    >>> float(years.loc["GM1959", "first_year"])  # Altena
    2019.0
    """
    seen: dict[str, set[int]] = {}
    with open(paths.RAW_DIR / "politie-47018ned-gemeente-selected-types" / "data.json") as f:
        for code, by_year in json.load(f)["population"].items():
            seen.setdefault(code, set()).update(int(y) for y in by_year)
    names = region_list()
    by_name = names.by_name
    path = paths.RAW_DIR / "cbs-83648ned-gemeente-2010-2020" / "voorspelmodel.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            values = [v for k, v in r.items() if re.match(r".*_\d+$", k)]
            if all(float(v or 0) == 0 for v in values):
                continue  # the municipality did not exist that year
            found = by_name.get(norm_label(r["RegioS"]), set())
            for code in found:
                if code.startswith("GM"):
                    seen.setdefault(code, set()).add(int(r["Perioden"]))
    last_covered = YEARS_COVERED[1]
    rows = [
        dict(
            region=code,
            region_name=names.names.get(code, code),
            first_year=float(min(years)),
            last_year=float("nan") if max(years) == last_covered else float(max(years)),
        )
        for code, years in seen.items()
        if code.startswith("GM") and code != "GM0000"
    ]
    return pd.DataFrame(rows).sort_values("region").reset_index(drop=True)


def existed_in(code: str, year: int) -> bool | None:
    """Return whether a municipality code existed in ``year`` (None when the data cannot tell).

    Examples
    --------
    >>> existed_in("GM0738", 2018), existed_in("GM0738", 2024), existed_in("GM1959", 2024)
    (True, False, True)
    >>> existed_in("GM1926", 2026)  # still present in the last year covered: assumed so
    True
    """
    years = municipality_years().set_index("region")
    if code not in years.index or year < YEARS_COVERED[0]:
        return None
    first, last = years.loc[code, ["first_year", "last_year"]]
    if year < first == 2012:
        return None  # 70072ned starts in 2012; 83648NED lacks some municipalities
    return bool(first <= year and (pd.isna(last) or year <= last))
