"""The indicator catalogue ``data/indicators.yaml``: read it and check every entry.

A bad entry raises :class:`~ivp_analysis.errors.CatalogueError` naming the file, the entry (id and
number), the field, what was found and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

from ivp_analysis import codes as _codes
from ivp_analysis import datasets, paths
from ivp_analysis.errors import CatalogueError
from ivp_analysis.paths import relative_to_root
from ivp_analysis.vocab import DIRECTIONS, MUNICIPAL_DATASETS, PRIORITIES

KINDS = ("count", "score")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTION = re.compile(r"§\s?\d+(\.\d+)*")
_FIELDS = (
    "id",
    "label",
    "priority",
    "theme",
    "source",
    "unit",
    "desired_direction",
    "kind",
    "caveat",
)
_OPTIONAL_FIELDS = ("note",)
_MISSING = object()


@dataclass(frozen=True)
class Source:
    """Where an indicator's figures come from: a shipped data set or a municipal template."""

    kind: str  # "dataset" or "template"
    name: str  # data set name (datasets.SHIPPED) or template file name without ".csv"
    code: str

    def describe(self, templates_dir: Path | None = None) -> str:
        """Return the file and code, for the result table (an auditor can open the file).

        Examples
        --------
        >>> Source("template", "incidenten", "inc.overlast_jeugd").describe()
        'data/templates/incidenten.csv [inc.overlast_jeugd]'
        """
        if self.kind == "template":
            path = (templates_dir or paths.TEMPLATES_DIR) / f"{self.name}.csv"
        else:
            path = datasets.path_of(self.name)
        return f"{relative_to_root(path)} [{self.code}]"


@dataclass(frozen=True)
class Indicator:
    """One entry of the catalogue."""

    id: str
    label: str
    priority: str
    theme: str
    source: Source
    unit: str
    desired_direction: str
    kind: str
    caveat: str
    note: str = ""


def catalogue_path() -> Path:
    """Return the shipped catalogue file, ``data/indicators.yaml``."""
    return paths.DATA_DIR / "indicators.yaml"


def _fail(
    path: Path,
    problem: str,
    *,
    index: int | None = None,
    entry: str | None = None,
    field: str | None = None,
    found: object = _MISSING,
    expected: str | None = None,
) -> NoReturn:
    """Raise a CatalogueError: file, entry, field, the problem, what was found and expected."""
    where = [relative_to_root(path)]
    if entry:
        where.append(f"indicator '{entry}'" + (f" (entry {index})" if index else ""))
    elif index:
        where.append(f"entry {index}")
    if field:
        where.append(f"field '{field}'")
    msg = ", ".join(where) + f": {problem}"
    details = []
    if found is not _MISSING:
        details.append(f"found {found!r}")
    if expected:
        details.append(f"expected {expected}")
    if details:
        msg += ": " + ", ".join(details)
    raise CatalogueError(msg)


def load_catalogue(
    path: str | Path | None = None,
    templates_dir: str | Path | None = None,
    *,
    check_data: bool = True,
) -> list[Indicator]:
    """Read and check the indicator catalogue.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; ``data/indicators.yaml`` by default.
    templates_dir : str or Path, optional
        Folder of the municipal templates a ``{template: ...}`` source refers to;
        ``data/templates`` by default.
    check_data : bool
        Also check that a data-set source holds its code (reads the data set once).

    Returns
    -------
    list of Indicator
        In the order of the file.

    Raises
    ------
    CatalogueError
        For a bad entry; the message names the file, the entry (id and number), the field,
        what was found and what was expected.

    Examples
    --------
    >>> cat = load_catalogue(check_data=False)
    >>> [i.id for i in cat if i.priority == "jeugd"]
    ['overlast_jeugd', 'handhaving_jeugdoverlast']
    """
    path = Path(path) if path else catalogue_path()
    tdir = Path(templates_dir) if templates_dir else paths.TEMPLATES_DIR
    if not path.exists():
        _fail(path, "catalogue file not found")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" on line {mark.line + 1}" if mark is not None else ""
        _fail(path, f"not valid YAML{line} ({getattr(exc, 'problem', exc)})")
    if not isinstance(doc, dict) or set(doc) != {"indicators"}:
        found = sorted(doc) if isinstance(doc, dict) else type(doc).__name__
        _fail(path, "wrong top level", found=found, expected="one key 'indicators' with a list")
    entries = doc["indicators"]
    if not isinstance(entries, list) or not entries:
        _fail(
            path,
            "'indicators' is not a list of entries",
            found=type(entries).__name__,
            expected="a non-empty list ('- id: ...')",
        )
    code_list = _codes.code_list()
    out: list[Indicator] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(entries, 1):
        out.append(_check_entry(path, i, raw, seen, code_list, tdir))
    if check_data:
        _check_codes_in_data(path, out)
    return out


class _Entry:
    """One catalogue entry while it is checked: where it is, to name it in an error."""

    def __init__(self, path: Path, index: int, raw: Mapping[str, Any]) -> None:
        self.path, self.index, self.raw = path, index, raw
        ident = raw.get("id")
        self.name = ident if isinstance(ident, str) and ident else None

    def fail(
        self, field: str, problem: str, found: object = _MISSING, expected: str | None = None
    ) -> NoReturn:
        """Raise a CatalogueError naming the file, the entry, the field and what was expected."""
        _fail(
            self.path,
            problem,
            index=self.index,
            entry=self.name,
            field=field,
            found=found,
            expected=expected,
        )


def _check_entry(
    path: Path, i: int, raw: object, seen: dict[str, int], code_list: _codes.CodeList, tdir: Path
) -> Indicator:
    """Check one entry of the catalogue and return it as an Indicator."""
    if not isinstance(raw, dict):
        _fail(
            path,
            "entry is not a mapping",
            index=i,
            found=raw,
            expected="'id: ...', 'label: ...' and the other fields",
        )
    entry = _Entry(path, i, raw)
    _check_fields(entry)
    _check_values(entry, seen)
    source = _check_source(raw["source"], entry, code_list, tdir)
    _check_unit(entry, source, code_list)
    return Indicator(
        id=raw["id"],
        label=raw["label"].strip(),
        priority=raw["priority"],
        theme=raw["theme"].strip(),
        source=source,
        unit=raw["unit"],
        desired_direction=raw["desired_direction"],
        kind=raw["kind"],
        caveat=" ".join(raw["caveat"].split()),
        note=" ".join(str(raw.get("note") or "").split()),
    )


def _check_fields(entry: _Entry) -> None:
    """Check that every field is known, every required one present and every text a text."""
    raw, fail = entry.raw, entry.fail
    unknown = [k for k in raw if k not in _FIELDS + _OPTIONAL_FIELDS]
    if unknown:
        fail(
            str(unknown[0]),
            "unknown field",
            found=unknown[0],
            expected="only " + ", ".join(_FIELDS + _OPTIONAL_FIELDS),
        )
    for name in _FIELDS:
        if name not in raw or raw[name] is None or raw[name] == "":
            fail(name, "missing field", expected=_EXPECTED[name])
    for name in ("id", "label", "priority", "theme", "unit", "desired_direction", "kind", "caveat"):
        if not isinstance(raw[name], str):
            fail(name, "not a text", found=raw[name], expected=_EXPECTED[name])
    if "note" in raw and raw["note"] is not None and not isinstance(raw["note"], str):
        fail("note", "not a text", found=raw["note"], expected="a Dutch text")


def _check_values(entry: _Entry, seen: dict[str, int]) -> None:
    """Check the id (well-formed, unique) and that every coded field holds a known code."""
    raw, fail = entry.raw, entry.fail
    ident = raw["id"]
    if not _ID.match(ident):
        fail("id", "bad id", found=ident, expected=_EXPECTED["id"])
    if ident in seen:
        fail("id", f"duplicate id (also entry {seen[ident]})", found=ident, expected="a unique id")
    seen[ident] = entry.index
    if raw["priority"] not in PRIORITIES:
        fail("priority", "unknown priority", found=raw["priority"], expected=_EXPECTED["priority"])
    if raw["desired_direction"] not in DIRECTIONS:
        fail(
            "desired_direction",
            "unknown direction",
            found=raw["desired_direction"],
            expected=_EXPECTED["desired_direction"],
        )
    if raw["kind"] not in KINDS:
        fail("kind", "unknown kind", found=raw["kind"], expected=_EXPECTED["kind"])
    if not _SECTION.search(raw["caveat"]) or '"' not in raw["caveat"]:
        fail(
            "caveat",
            "the caveat must quote the plan with its section number",
            found=_short(raw["caveat"]),
            expected=_EXPECTED["caveat"],
        )


def _check_unit(entry: _Entry, source: Source, code_list: _codes.CodeList) -> None:
    """Check the unit against the code list, and that counts have a count unit."""
    raw, fail = entry.raw, entry.fail
    known_unit = code_list.table.set_index("code").loc[source.code, "unit"]
    if raw["unit"] != known_unit:
        fail(
            "unit",
            f"unit differs from the code list for code {source.code}",
            found=raw["unit"],
            expected=repr(known_unit),
        )
    is_count = raw["unit"] in _codes.COUNT_UNITS
    if raw["kind"] == "count" and not is_count:
        fail(
            "kind",
            f"kind 'count' needs a count unit, not {raw['unit']!r}",
            found=raw["kind"],
            expected="'score' for a survey mark",
        )
    if raw["kind"] == "score" and is_count:
        fail(
            "kind",
            f"kind 'score' is for survey marks; {raw['unit']!r} is a count",
            found=raw["kind"],
            expected="'count'",
        )


_EXPECTED = {
    "id": "lower-case letters, digits and '_', starting with a letter (e.g. woninginbraak)",
    "label": "a Dutch name",
    "priority": "one of " + ", ".join(PRIORITIES),
    "theme": "a Dutch theme with its plan section",
    "source": "{dataset: <name>, code: '<code>'} or {template: <name>, code: '<code>'}",
    "unit": "the unit of the code in the code list (e.g. misdrijven, incidenten)",
    "desired_direction": "one of " + ", ".join(DIRECTIONS),
    "kind": "one of " + ", ".join(KINDS),
    "caveat": "a quote from the plan with its section, e.g. '§1.3.2: \"...\"'",
}


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _check_source(raw: object, entry: _Entry, code_list: _codes.CodeList, tdir: Path) -> Source:
    """Check a source: one data set or template that exists, and a known code."""
    fail = entry.fail
    if not isinstance(raw, dict):
        fail("source", "source is not a mapping", found=raw, expected=_EXPECTED["source"])
    keys = set(raw)
    kinds = keys & {"dataset", "template"}
    if len(kinds) != 1 or keys - {"dataset", "template", "code"}:
        fail(
            "source",
            "source needs exactly one of 'dataset' or 'template', and 'code'",
            found=sorted(keys),
            expected=_EXPECTED["source"],
        )
    if "code" not in keys:
        fail("source", "source has no code", found=sorted(keys), expected=_EXPECTED["source"])
    kind = kinds.pop()
    name, code = raw[kind], raw["code"]
    if not isinstance(code, str):
        fail(
            "source",
            "the code is not a text (write it in quotes)",
            found=code,
            expected='a quoted code such as "1.1.1"',
        )
    if kind == "dataset" and name not in MUNICIPAL_DATASETS:
        fail(
            "source",
            "unknown data set",
            found=name,
            expected="one of " + ", ".join(MUNICIPAL_DATASETS),
        )
    if kind == "template":
        known = sorted(p.stem for p in tdir.glob("*.csv"))
        if not isinstance(name, str) or not (tdir / f"{name}.csv").exists():
            fail(
                "source",
                f"no template file {name}.csv in {relative_to_root(tdir)}",
                found=name,
                expected="one of " + ", ".join(known),
            )
    if not code_list.known(code):
        fail(
            "source",
            "unknown code",
            found=code,
            expected="a code of the CBS/Politie code lists or data/own_codes.csv "
            "(add your own code there: code,label,unit,description)",
        )
    return Source(kind, name, code)


def _check_codes_in_data(path: Path, catalogue: list[Indicator]) -> None:
    codes_in: dict[str, list[str]] = {}
    for i, ind in enumerate(catalogue, 1):
        if ind.source.kind != "dataset":
            continue
        if ind.source.name not in codes_in:
            codes_in[ind.source.name] = sorted(datasets.get(ind.source.name)["code"].unique())
        if ind.source.code not in codes_in[ind.source.name]:
            have = ", ".join(codes_in[ind.source.name][:15])
            _fail(
                path,
                f"code {ind.source.code} does not occur in data set {ind.source.name}",
                index=i,
                entry=ind.id,
                field="source",
                found=ind.source.code,
                expected=f"one of {have}",
            )
