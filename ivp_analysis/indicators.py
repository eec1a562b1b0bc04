"""Evaluation indicators of the safety plan: catalogue, the municipality's own figures, and verdicts.

The plan (IVP 2023-2026, section 1.3.2) is evaluated on objective figures (police crime and
nuisance, municipal enforcement, reports about undermining) and subjective ones (the IVM and
Lemon surveys). This module

* reads the indicator catalogue ``data/indicators.yaml`` and checks every entry
  (:func:`load_catalogue`, errors are :class:`~ivp_analysis.errors.CatalogueError`);
* reads the municipality's own figures from the CSV templates in ``data/templates``
  (:func:`read_template`, through :func:`~ivp_analysis.load.load_table`);
* compares each indicator between a baseline and an evaluation year and gives it exactly one
  status with the reason in Dutch (:func:`assess` for one series, :func:`evaluate` for the
  catalogue);
* derives the scorecard, the data-gap list, the plan's four evaluation questions and the budget
  context from the result.

Method (docs/indicators.md has the full text). Counts are compared as rates per inhabitant
with the exact conditional test of :func:`ivp_analysis.stats.countmodels.rate_ratio_test`. Yearly
counts of a municipality often vary more than a Poisson model allows; when the years up to the
baseline show that (Pearson dispersion test of a log-linear trend, p < 0.05), the interval and
test are widened by the dispersion factor (quasi-Poisson), so that normal year-to-year swings are
not called a change. Survey marks count as changed only when the difference exceeds its 95 %
margin.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from ivp_analysis import codes as _codes
from ivp_analysis import datasets, paths
from ivp_analysis.errors import CatalogueError, InputFileError, ParameterError
from ivp_analysis.load import load_table
from ivp_analysis.moments import Moment
from ivp_analysis.moments import resolve as resolve_moment
from ivp_analysis.paths import relative_to_root
from ivp_analysis.present.numbers import format_nl, format_pct_nl
from ivp_analysis.stats import countmodels
from ivp_analysis.vocab import (
    DIRECTIONS,
    MUNICIPAL_DATASETS,
    PRIORITIES,
    STATUS_IMPROVED,
    STATUS_NL,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
    STATUSES,
)

KINDS = ("count", "score")

#: Colour per status (seaborn colourblind palette) and a marker that does not rely on colour.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    STATUS_IMPROVED: ("#029e73", "o"),
    STATUS_WORSENED: ("#d55e00", "X"),
    STATUS_NO_CHANGE: ("#0173b2", "s"),
    STATUS_NO_DIRECTION: ("#cc78bc", "D"),
    STATUS_NO_DATA: ("#949494", "o"),
}

#: Columns of the result table ``indicators.csv``, in order (documented in docs/indicators.md).
RESULT_COLUMNS = [
    "priority", "indicator_id", "label", "source", "unit", "desired_direction",
    "baseline_period", "baseline_value", "eval_period", "eval_value", "eval_status_of_data",
    "change", "ci_low", "ci_high", "p_value", "status", "reason",
]  # fmt: skip

#: Required and optional columns of a municipal template (format ``municipal-template``).
TEMPLATE_REQUIRED = ("region", "period", "code", "value")
TEMPLATE_OPTIONAL = ("label", "unit", "source", "status", "note", "respondents", "margin_95")

#: Assumed standard deviation of a 1-10 survey mark, used to turn a number of respondents into
#: a 95 % margin when the survey gives no margin. Marks for safety in the Dutch surveys mostly
#: have a standard deviation between 1.2 and 1.5; the larger value gives the wider, cautious margin.
SURVEY_SD = 1.5
Z95 = float(stats.norm.ppf(0.975))
#: Surveys are held every two years: a baseline mark may come from up to this many years
#: before the baseline year (the IVM of 2021 is the baseline for 2022).
SCORE_BASELINE_LOOKBACK = 2
#: Fewest yearly counts up to the baseline needed to check the dispersion of a series.
MIN_YEARS_DISPERSION = 5
#: The next evaluation after a moment (name, evaluation year), for the data-gap list.
NEXT_EVALUATION: dict[str, tuple[str, int]] = {
    "tussenevaluatie-2024": ("eindevaluatie 2026", 2025),
}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTION = re.compile(r"§\s?\d+(\.\d+)*")
_FIELDS = ("id", "label", "priority", "theme", "source", "unit", "desired_direction", "kind",
           "caveat")  # fmt: skip
_OPTIONAL_FIELDS = ("note",)
_MISSING = object()


# --------------------------------------------------------------------------- catalogue


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


def _fail(path: Path, problem: str, *, index: int | None = None, entry: str | None = None,
          field: str | None = None, found: object = _MISSING, expected: str | None = None) -> None:  # fmt: skip
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
        _fail(path, "'indicators' is not a list of entries", found=type(entries).__name__,
              expected="a non-empty list ('- id: ...')")  # fmt: skip
    code_list = _codes.code_list()
    out: list[Indicator] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(entries, 1):
        out.append(_check_entry(path, i, raw, seen, code_list, tdir))
    if check_data:
        _check_codes_in_data(path, out)
    return out


def _check_entry(path: Path, i: int, raw: object, seen: dict[str, int],
                 code_list: _codes.CodeList, tdir: Path) -> Indicator:  # fmt: skip
    if not isinstance(raw, dict):
        _fail(path, "entry is not a mapping", index=i, found=raw,
              expected="'id: ...', 'label: ...' and the other fields")  # fmt: skip
    ident = raw.get("id")
    entry = ident if isinstance(ident, str) and ident else None

    def fail(field: str, problem: str, found: object = _MISSING, expected: str | None = None):
        _fail(path, problem, index=i, entry=entry, field=field, found=found, expected=expected)

    unknown = [k for k in raw if k not in _FIELDS + _OPTIONAL_FIELDS]
    if unknown:
        fail(str(unknown[0]), "unknown field", found=unknown[0],
             expected="only " + ", ".join(_FIELDS + _OPTIONAL_FIELDS))  # fmt: skip
    for name in _FIELDS:
        if name not in raw or raw[name] is None or raw[name] == "":
            fail(name, "missing field", expected=_EXPECTED[name])
    for name in ("id", "label", "priority", "theme", "unit", "desired_direction", "kind",
                 "caveat"):  # fmt: skip
        if not isinstance(raw[name], str):
            fail(name, "not a text", found=raw[name], expected=_EXPECTED[name])
    if "note" in raw and raw["note"] is not None and not isinstance(raw["note"], str):
        fail("note", "not a text", found=raw["note"], expected="a Dutch text")
    if not _ID.match(ident):
        fail("id", "bad id", found=ident, expected=_EXPECTED["id"])
    if ident in seen:
        fail("id", f"duplicate id (also entry {seen[ident]})", found=ident, expected="a unique id")
    seen[ident] = i
    if raw["priority"] not in PRIORITIES:
        fail("priority", "unknown priority", found=raw["priority"], expected=_EXPECTED["priority"])
    if raw["desired_direction"] not in DIRECTIONS:
        fail("desired_direction", "unknown direction", found=raw["desired_direction"],
             expected=_EXPECTED["desired_direction"])  # fmt: skip
    if raw["kind"] not in KINDS:
        fail("kind", "unknown kind", found=raw["kind"], expected=_EXPECTED["kind"])
    if not _SECTION.search(raw["caveat"]) or '"' not in raw["caveat"]:
        fail("caveat", "the caveat must quote the plan with its section number",
             found=_short(raw["caveat"]), expected=_EXPECTED["caveat"])  # fmt: skip
    source = _check_source(raw["source"], fail, code_list, tdir)
    known_unit = code_list.table.set_index("code").loc[source.code, "unit"]
    if raw["unit"] != known_unit:
        fail("unit", f"unit differs from the code list for code {source.code}",
             found=raw["unit"], expected=repr(known_unit))  # fmt: skip
    is_count = raw["unit"] in _codes.COUNT_UNITS
    if raw["kind"] == "count" and not is_count:
        fail("kind", f"kind 'count' needs a count unit, not {raw['unit']!r}", found=raw["kind"],
             expected="'score' for a survey mark")  # fmt: skip
    if raw["kind"] == "score" and is_count:
        fail("kind", f"kind 'score' is for survey marks; {raw['unit']!r} is a count",
             found=raw["kind"], expected="'count'")  # fmt: skip
    return Indicator(
        id=ident, label=raw["label"].strip(), priority=raw["priority"], theme=raw["theme"].strip(),
        source=source, unit=raw["unit"], desired_direction=raw["desired_direction"],
        kind=raw["kind"], caveat=" ".join(raw["caveat"].split()),
        note=" ".join(str(raw.get("note") or "").split()),
    )  # fmt: skip


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


def _check_source(raw: object, fail, code_list: _codes.CodeList, tdir: Path) -> Source:
    if not isinstance(raw, dict):
        fail("source", "source is not a mapping", found=raw, expected=_EXPECTED["source"])
    keys = set(raw)
    kinds = keys & {"dataset", "template"}
    if len(kinds) != 1 or keys - {"dataset", "template", "code"}:
        fail("source", "source needs exactly one of 'dataset' or 'template', and 'code'",
             found=sorted(keys), expected=_EXPECTED["source"])  # fmt: skip
    if "code" not in keys:
        fail("source", "source has no code", found=sorted(keys), expected=_EXPECTED["source"])
    kind = kinds.pop()
    name, code = raw[kind], raw["code"]
    if not isinstance(code, str):
        fail("source", "the code is not a text (write it in quotes)", found=code,
             expected="a quoted code such as \"1.1.1\"")  # fmt: skip
    if kind == "dataset" and name not in MUNICIPAL_DATASETS:
        fail("source", "unknown data set", found=name,
             expected="one of " + ", ".join(MUNICIPAL_DATASETS))  # fmt: skip
    if kind == "template":
        known = sorted(p.stem for p in tdir.glob("*.csv"))
        if not isinstance(name, str) or not (tdir / f"{name}.csv").exists():
            fail("source", f"no template file {name}.csv in {relative_to_root(tdir)}", found=name,
                 expected="one of " + ", ".join(known))  # fmt: skip
    if not code_list.known(code):
        fail("source", "unknown code", found=code,
             expected="a code of the CBS/Politie code lists or data/own_codes.csv "
                      "(add your own code there: code,label,unit,description)")  # fmt: skip
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
            _fail(path, f"code {ind.source.code} does not occur in data set {ind.source.name}",
                  index=i, entry=ind.id, field="source", found=ind.source.code,
                  expected=f"one of {have}")  # fmt: skip


# --------------------------------------------------------------------------- templates


def read_template(name: str, templates_dir: str | Path | None = None) -> pd.DataFrame:
    """Read one municipal template (``<templates_dir>/<name>.csv``) into the tidy frame.

    A template that holds only its header line (no figures yet) gives an empty frame;
    every other file goes through :func:`~ivp_analysis.load.load_table` with its checks.

    Raises
    ------
    InputFileError
        For a missing file, an unknown or missing column, a file that is not a template,
        or a period that is not a year.

    Examples
    --------
    >>> df = read_template("incidenten")
    >>> df.loc[df.code == "inc.overlast_jeugd", "value"].tolist()
    [351.0, 278.0, 173.0, 346.0, 284.0, 307.0]
    >>> len(read_template("ondermijning"))
    0
    """
    path = Path(templates_dir or paths.TEMPLATES_DIR) / f"{name}.csv"
    where = relative_to_root(path)
    if not path.exists():
        raise InputFileError(where, "template not found", hint="see data/templates/README.md")
    text = path.read_text(encoding="utf-8-sig")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputFileError(where, "empty file", expected="at least the header line")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    header = [h.strip().strip('"') for h in lines[0].split(delimiter)]
    for col in header:
        if col not in TEMPLATE_REQUIRED + TEMPLATE_OPTIONAL:
            raise InputFileError(where, "unknown column", row=1, column=col, found=col,
                                 expected="one of " + ", ".join(TEMPLATE_REQUIRED + TEMPLATE_OPTIONAL))  # fmt: skip
    for col in TEMPLATE_REQUIRED:
        if col not in header:
            raise InputFileError(where, "missing column", row=1, column=col,
                                 expected="the columns " + ", ".join(TEMPLATE_REQUIRED))  # fmt: skip
    if len(lines) == 1:
        return pd.DataFrame(columns=[*_TIDY, "respondents", "margin_95"])
    df = load_table(path)
    if df.attrs.get("format") != "municipal-template":
        raise InputFileError(where, "not a municipal template", found=df.attrs.get("format"),
                             expected="format 'municipal-template'")  # fmt: skip
    yearly = df["period"].map(lambda p: p.freqstr.startswith("Y"))
    if not yearly.all():
        bad = df[~yearly].iloc[0]
        raise InputFileError(where, "period is not a year", column="period", found=str(bad["period"]),
                             expected="a year such as 2023 (the evaluation compares years)")  # fmt: skip
    for col in ("respondents", "margin_95"):
        if col not in df:
            df[col] = np.nan
    return df


_TIDY = ["region", "region_name", "period", "code", "label", "value", "unit", "source", "status",
         "note", "file"]  # fmt: skip


def indicator_series(
    indicator: Indicator,
    municipality: str,
    templates_dir: str | Path | None = None,
    _cache: dict | None = None,
) -> pd.DataFrame:
    """Return the yearly figures of one indicator for one municipality.

    Returns
    -------
    DataFrame
        Columns ``year`` (int), ``value`` (float, NaN where not available), ``status``,
        ``respondents`` and ``margin_95`` (NaN where not given), sorted by year.

    Examples
    --------
    >>> cat = {i.id: i for i in load_catalogue(check_data=False)}
    >>> s = indicator_series(cat["woninginbraak"], "GM1926")
    >>> s.set_index("year").loc[[2022, 2023], "value"].tolist()
    [76.0, 37.0]
    """
    src = indicator.source
    key = (src.kind, src.name, str(templates_dir))
    cache = _cache if _cache is not None else {}
    if key not in cache:
        cache[key] = (
            read_template(src.name, templates_dir)
            if src.kind == "template"
            else datasets.get(src.name)
        )
    df = cache[key]
    df = df[(df["region"] == municipality) & (df["code"] == src.code)]
    df = df[df["period"].map(lambda p: p.freqstr.startswith("Y")).astype(bool)]
    out = pd.DataFrame({
        "year": df["period"].map(lambda p: p.year).astype(int).to_numpy(),
        "value": df["value"].astype(float).to_numpy(),
        "status": df["status"].to_numpy(),
        "respondents": df["respondents"].astype(float).to_numpy() if "respondents" in df else np.nan,
        "margin_95": df["margin_95"].astype(float).to_numpy() if "margin_95" in df else np.nan,
    })  # fmt: skip
    return out.sort_values("year").reset_index(drop=True)


def population_series(municipality: str) -> pd.Series:
    """Return the CBS average population per year (index: year) of a municipality.

    Examples
    --------
    >>> population_series("GM1926").loc[[2022, 2023]].tolist()
    [57122.0, 57802.0]
    """
    pop = datasets.municipal_population()
    pop = pop[pop["region"] == municipality]
    return pd.Series(
        pop["value"].to_numpy(float),
        index=pop["period"].map(lambda p: p.year).astype(int).to_numpy(),
    ).sort_index()


# --------------------------------------------------------------------------- baseline rule


@dataclass(frozen=True)
class BaselineRule:
    """Which years form the baseline: one year, or the mean of a range of years."""

    rule: str  # "year" or "mean"
    first_year: int
    last_year: int

    @property
    def years(self) -> list[int]:
        """The baseline years."""
        return list(range(self.first_year, self.last_year + 1))

    @property
    def label(self) -> str:
        """Dutch description, e.g. ``peiljaar 2022`` or ``gemiddelde van 2019-2022``."""
        if self.rule == "year":
            return f"peiljaar {self.first_year}"
        return f"gemiddelde van {self.first_year}-{self.last_year}"


def baseline_rule(moment: Moment, baseline: str = "year", first_year: int = 0,
                  last_year: int = 0) -> BaselineRule:  # fmt: skip
    """Return the baseline rule for a moment.

    Parameters
    ----------
    moment : Moment
        From :func:`ivp_analysis.moments.resolve`.
    baseline : str
        ``"year"``: the moment's baseline year; ``"mean"``: the mean of ``first_year`` to
        ``last_year`` (counts: summed counts over summed population).
    first_year, last_year : int
        The range for ``"mean"``; it must end before the evaluation year.

    Raises
    ------
    ParameterError
        For an unknown rule or a missing or impossible range.

    Examples
    --------
    >>> m = resolve_moment("tussenevaluatie-2024")
    >>> baseline_rule(m).label
    'peiljaar 2022'
    >>> baseline_rule(m, "mean", 2019, 2022).years
    [2019, 2020, 2021, 2022]
    """
    if baseline == "year":
        return BaselineRule("year", moment.baseline_year, moment.baseline_year)
    if baseline != "mean":
        raise ParameterError(f"parameter 'baseline' must be 'year' or 'mean', got {baseline!r}")
    if not first_year or not last_year:
        raise ParameterError(
            "baseline 'mean' needs baseline_first_year and baseline_last_year "
            f"(e.g. {moment.baseline_year - 3} and {moment.baseline_year})"
        )
    if first_year > last_year:
        raise ParameterError(
            f"baseline_first_year {first_year} is after baseline_last_year {last_year}"
        )
    if last_year >= moment.eval_year:
        raise ParameterError(
            f"baseline_last_year {last_year} must be before the evaluation year {moment.eval_year}"
        )
    return BaselineRule("mean", first_year, last_year)


# --------------------------------------------------------------------------- one indicator


def _years_text(years: list[int]) -> str:
    """Compress years into ranges: [2019, 2020, 2022] -> '2019-2020, 2022'."""
    years = sorted(years)
    parts, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i == len(years) - 1 or years[i + 1] != y + 1:
            parts.append(str(start) if start == y else f"{start}-{y}")
            start = None
    return ", ".join(parts)


def _num(v: float, decimals: int = 0) -> str:
    return format_nl(v, decimals)


def _value_text(kind: str, v: float) -> str:
    return _num(v, 1) if kind == "score" or not float(v).is_integer() else _num(v)


def _p_text(p: float) -> str:
    if not np.isfinite(p):
        return "p onbekend"
    return "p < 0,001" if p < 0.001 else f"p = {format_nl(p, 3)}"


def dispersion(counts: np.ndarray, exposure: np.ndarray, years=None) -> tuple[float, float]:
    """Return the Pearson dispersion factor and its test p-value for a yearly count series.

    The counts are fitted with a Poisson model with a log-linear trend in the year and the
    exposure as offset (:func:`countmodels.history_dispersion`); the factor is Pearson's
    chi-square over its degrees of freedom, and the p-value is ``P(chi2_df > X2)``: small means
    the series varies more than a Poisson series would.

    Examples
    --------
    A series that alternates 50, 150, 50, ... is far more variable than Poisson:

    >>> phi, p = dispersion(np.array([50, 150, 50, 150, 50, 150.0]), np.full(6, 1000.0))
    >>> round(phi, 1) > 10, p < 0.001
    (True, True)
    """
    counts = np.asarray(counts, dtype=float)
    years = np.arange(len(counts), dtype=float) if years is None else np.asarray(years, dtype=float)
    phi, p = countmodels.history_dispersion(counts[None, :], np.asarray(exposure, dtype=float)[None, :],
                                            years, [years.max()], min_years=1)  # fmt: skip
    return float(phi[0]), float(p[0])


def _result(**kw) -> dict:
    base = {c: math.nan for c in RESULT_COLUMNS if c not in ("priority", "indicator_id", "label",
                                                              "source", "unit", "desired_direction")}  # fmt: skip
    base.update(
        baseline_period="",
        eval_period="",
        eval_status_of_data="",
        reason="",
        gap="",
        last_year=math.nan,
    )
    base.update(kw)
    return base


def assess(
    kind: str,
    direction: str,
    series: pd.DataFrame,
    rule: BaselineRule,
    eval_year: int,
    population: pd.Series | None = None,
    *,
    caveat: str = "",
    survey_sd: float = SURVEY_SD,
) -> dict:
    """Compare one indicator between its baseline and the latest figure up to the evaluation year.

    Parameters
    ----------
    kind : {"count", "score"}
        Counts are tested as rates per inhabitant; scores against their 95 % margin.
    direction : {"down", "up", "interpretive"}
        The desired direction; ``interpretive`` gives a neutral status.
    series : DataFrame
        Columns ``year``, ``value`` and optionally ``status``, ``respondents``, ``margin_95``
        (as :func:`indicator_series` returns). NaN values count as missing.
    rule : BaselineRule
        The baseline year or range.
    eval_year : int
        The evaluation year; a later figure is never used.
    population : Series, optional
        Population per year (index: year), the exposure of count indicators.
    caveat : str
        The plan's caveat; quoted in the reason of an interpretive indicator.
    survey_sd : float
        Assumed standard deviation of a 1-10 mark, to compute a margin from respondents.

    Returns
    -------
    dict
        The result-table fields ``baseline_period``, ``baseline_value``, ``eval_period``,
        ``eval_value``, ``eval_status_of_data``, ``change`` (counts: % change of the rate per
        inhabitant; scores: difference in points), ``ci_low``, ``ci_high``, ``p_value``,
        ``status`` and ``reason`` (Dutch), plus ``gap`` (what is missing, Dutch; empty when
        nothing is) and ``last_year`` (the latest year with a figure up to the evaluation year).

    Examples
    --------
    Burglary in Pijnacker-Nootdorp: 76 in 2022, 37 in 2023.

    >>> s = pd.DataFrame({"year": [2022, 2023], "value": [76.0, 37.0]})
    >>> pop = pd.Series({2022: 57122.0, 2023: 57802.0})
    >>> r = assess("count", "down", s, BaselineRule("year", 2022, 2022), 2023, pop)
    >>> r["status"], round(r["change"], 1)
    ('improved', -51.9)
    """
    s = series.copy()
    for col in ("status", "respondents", "margin_95"):
        if col not in s:
            s[col] = "unknown" if col == "status" else np.nan
    s = s[s["value"].notna() & (s["year"] <= eval_year)].sort_values("year")
    last_year = int(s["year"].max()) if len(s) else math.nan
    if not len(s):
        return _result(status=STATUS_NO_DATA, gap="alle jaren",
                       reason=f"Geen enkel cijfer voor deze gemeente tot en met {eval_year}.")  # fmt: skip
    if kind == "score":
        base = s[(s["year"] >= rule.first_year - (SCORE_BASELINE_LOOKBACK if rule.rule == "year" else 0))
                 & (s["year"] <= rule.last_year)]  # fmt: skip
        if rule.rule == "year":
            base = base.tail(1)
    else:
        base = s[(s["year"] >= rule.first_year) & (s["year"] <= rule.last_year)]
    if not len(base):
        what = "meting" if kind == "score" else "cijfer"
        span = (f"{rule.first_year - SCORE_BASELINE_LOOKBACK}-{rule.last_year}"
                if kind == "score" and rule.rule == "year" else _years_text(rule.years))  # fmt: skip
        return _result(status=STATUS_NO_DATA, last_year=last_year, gap=f"nulmeting {span}",
                       reason=f"Geen {what} voor de nulmeting ({span}); er is dus niets om mee te "
                              f"vergelijken.")  # fmt: skip
    after = s[s["year"] > rule.last_year]
    base_period = _years_text(base["year"].tolist())
    if rule.rule == "mean" and len(base) < len(rule.years):
        missing = sorted(set(rule.years) - set(base["year"]))
        base_note = f" De nulmeting is het gemiddelde zonder {_years_text(missing)} (geen cijfer)."
    else:
        base_note = ""
    base_value = float(base["value"].mean())
    common = dict(baseline_period=base_period, baseline_value=base_value, last_year=last_year)
    if not len(after):
        lastv = s.iloc[-1]
        word, the = ("meting", "de") if kind == "score" else ("cijfer", "het")
        return _result(status=STATUS_NO_DATA, gap=f"cijfers na {int(lastv['year'])}", **common,
                       reason=f"Geen {word} na {int(lastv['year'])}: {the} laatste {word} is van "
                              f"{int(lastv['year'])} ({_value_text(kind, lastv['value'])}); voor "
                              f"{eval_year} is (nog) niets beschikbaar.")  # fmt: skip
    ev = after.iloc[-1]
    ey = int(ev["year"])
    common.update(eval_period=str(ey), eval_value=float(ev["value"]),
                  eval_status_of_data=str(ev["status"]))  # fmt: skip
    notes = []
    gap = ""
    if ey < eval_year:
        notes.append(f"Het laatste cijfer is van {ey}, niet van het evaluatiejaar {eval_year}.")
        gap = f"cijfers {_years_text(list(range(ey + 1, eval_year + 1)))}"
    if ev["status"] == "provisional":
        notes.append(f"Het cijfer voor {ey} is voorlopig en kan nog worden bijgesteld.")
    if kind == "count":
        out = _assess_count(base, ev, s, rule, population, direction, caveat)
    else:
        out = _assess_score(base, ev, direction, caveat, survey_sd)
    if out.get("gap"):
        gap = out.pop("gap")
    else:
        out.pop("gap", None)
    reason = " ".join(x for x in [out.pop("reason"), base_note.strip(), *notes] if x)
    return _result(**common, **out, reason=reason, gap=gap)


def _verdict(direction: str, significant: bool, up: bool) -> str:
    if direction == "interpretive":
        return STATUS_NO_DIRECTION
    if not significant:
        return STATUS_NO_CHANGE
    good = (not up) if direction == "down" else up
    return STATUS_IMPROVED if good else STATUS_WORSENED


def _direction_words(direction: str, up: bool) -> str:
    want = {"down": "dalen", "up": "stijgen"}[direction]
    went = "stijging" if up else "daling"
    return f"Significante {went}; {want} is gewenst"


def _assess_count(base, ev, s, rule, population, direction, caveat) -> dict:
    ey = int(ev["year"])
    if population is None:
        population = pd.Series(dtype=float)
    need = [*base["year"].tolist(), ey]
    pops = population.reindex(need)
    if pops.isna().any() or (pops <= 0).any():
        missing = [int(y) for y in pops.index[pops.isna() | (pops <= 0)]]
        return dict(status=STATUS_NO_DATA, gap=f"bevolking {_years_text(missing)}",
                    reason=f"Geen bevolkingscijfer voor {_years_text(missing)}: zonder inwonertal is "
                           "het cijfer per inwoner niet te vergelijken.")  # fmt: skip
    c0, e0 = float(base["value"].sum()), float(pops.loc[base["year"]].sum())
    c1, e1 = float(ev["value"]), float(pops.loc[ey])
    if c0 == 0 and c1 == 0:
        return dict(change=0.0, status=(STATUS_NO_DIRECTION if direction == "interpretive" else
                                        STATUS_NO_CHANGE),
                    reason="Nul in de nulmeting en in het evaluatiejaar: geen verandering.")  # fmt: skip
    # Only years up to the baseline judge the spread: the test must not see the figure it judges.
    hist = s[s["year"] <= rule.last_year]
    hist_pop = population.reindex(hist["year"])
    phi, phi_p = math.nan, math.nan
    if len(hist) >= MIN_YEARS_DISPERSION and hist_pop.notna().all() and c0 > 0 and c1 > 0:
        phi, phi_p = dispersion(
            hist["value"].to_numpy(), hist_pop.to_numpy(), hist["year"].to_numpy()
        )
    test = countmodels.rate_ratio_test_dispersed(c0, e0, c1, e1, phi, phi_p)
    rr, lo, hi, p = (float(test[k]) for k in ("rate_ratio", "ci_low", "ci_high", "p_value"))
    method = (
        "quasi-Poisson-toets" if test["method"][()] == "quasi-Poisson" else "exacte Poisson-toets"
    )
    disp_note = ""
    if method == "quasi-Poisson-toets":
        years = _years_text(hist["year"].tolist())
        disp_note = (f" De jaarcijfers {years} schommelen meer dan toeval verklaart "
                     f"(spreidingsfactor {format_nl(phi, 1)}), daarom is het interval "
                     f"{format_nl(math.sqrt(phi), 1)} keer zo breed.")  # fmt: skip
    elif len(hist) < MIN_YEARS_DISPERSION:
        disp_note = (f" Met {len(hist)} jaar tot en met de nulmeting is niet te controleren of de "
                     "reeks meer schommelt dan toeval: het interval kan te smal zijn.")  # fmt: skip
    change, ci_low, ci_high = 100 * (rr - 1), 100 * (lo - 1), 100 * (hi - 1)
    significant = p < 0.05
    status = _verdict(direction, significant, rr > 1)
    what = (f"{'Stijging' if rr > 1 else 'Daling'} van {format_pct_nl(abs(change), 0, sign=False)} "
            f"per inwoner (95%-interval {format_pct_nl(ci_low, 0)} tot {format_pct_nl(ci_high, 0)}; "
            f"{_p_text(p)}; {method}).")  # fmt: skip
    if rr == 1:
        what = f"Gelijk aantal per inwoner ({_p_text(p)})."
    if status == STATUS_NO_DIRECTION:
        sig = "Significant" if significant else "Binnen de normale schommeling"
        verdict = (f"{sig}, maar zonder streefrichting: een stijging kan ook goed nieuws zijn. "
                   f"Het plan: {caveat}" if caveat else f"{sig}, maar zonder streefrichting.")  # fmt: skip
    elif significant:
        verdict = f"{_direction_words(direction, rr > 1)}."
    else:
        verdict = "Binnen de normale schommeling."
    return dict(change=change, ci_low=ci_low, ci_high=ci_high, p_value=p, status=status,
                reason=f"{what} {verdict}{disp_note}")  # fmt: skip


def survey_margin(margin_95: float, respondents: float, sd: float = SURVEY_SD) -> float:
    """Return the 95 % margin of a survey mark: the given margin, or one from the respondents.

    ``margin = 1.96 * sd / sqrt(respondents)``; NaN when neither is known.

    Examples
    --------
    >>> round(survey_margin(float("nan"), 400), 4)
    0.147
    >>> survey_margin(0.2, 400)
    0.2
    >>> math.isnan(survey_margin(float("nan"), float("nan")))
    True
    """
    if margin_95 is not None and np.isfinite(margin_95):
        return float(margin_95)
    if respondents is not None and np.isfinite(respondents) and respondents > 0:
        return Z95 * sd / math.sqrt(respondents)
    return math.nan


def _assess_score(base, ev, direction, caveat, sd) -> dict:
    b_margins = [survey_margin(m, n, sd) for m, n in zip(base["margin_95"], base["respondents"],
                                                          strict=True)]  # fmt: skip
    m0 = math.sqrt(sum(m * m for m in b_margins)) / len(b_margins)
    m1 = survey_margin(ev["margin_95"], ev["respondents"], sd)
    diff = float(ev["value"]) - float(base["value"].mean())
    diff_text = f"{'+' if diff > 0 else ''}{format_nl(diff, 1)} punt"
    if not (np.isfinite(m0) and np.isfinite(m1)):
        unknown = [
            str(int(y)) for y, m in zip(base["year"], b_margins, strict=True) if not np.isfinite(m)
        ]
        if not np.isfinite(m1):
            unknown.append(str(int(ev["year"])))
        return dict(change=diff, status=STATUS_NO_DATA, gap=f"respondenten of marge {', '.join(unknown)}",
                    reason=f"Verschil {diff_text}, maar de marge is onbekend: voor {', '.join(unknown)} "
                           "staat geen aantal respondenten of 95%-marge in het bestand (marge "
                           "onbekend), dus is niet te zeggen of het verschil echt is.")  # fmt: skip
    margin = math.sqrt(m0 * m0 + m1 * m1)
    significant = abs(diff) > margin
    p = float(2 * stats.norm.sf(Z95 * abs(diff) / margin)) if margin > 0 else math.nan
    status = _verdict(direction, significant, diff > 0)
    what = (f"Verschil {diff_text}; de 95%-marge van het verschil is {format_nl(margin, 2)} punt "
            f"(interval {format_nl(diff - margin, 2)} tot {format_nl(diff + margin, 2)}).")  # fmt: skip
    if status == STATUS_NO_DIRECTION:
        verdict = "Deze indicator heeft geen streefrichting."
    elif significant:
        verdict = f"Groter dan de marge. {_direction_words(direction, diff > 0)}."
    else:
        verdict = "Binnen de marge: geen aantoonbare verandering."
    return dict(change=diff, ci_low=diff - margin, ci_high=diff + margin, p_value=p,
                status=status, reason=f"{what} {verdict}")  # fmt: skip


# --------------------------------------------------------------------------- the catalogue


@dataclass
class Evaluation:
    """The evaluation of every catalogue indicator for one municipality and moment."""

    municipality: str
    name: str
    moment: Moment
    rule: BaselineRule
    catalogue: list[Indicator]
    table: pd.DataFrame  # exactly RESULT_COLUMNS: the content of indicators.csv
    details: pd.DataFrame = field(
        repr=False
    )  # per indicator_id: kind, theme, caveat, note, gap, ...

    def by_status(self, status: str) -> pd.DataFrame:
        """Return the rows of the result table with one status."""
        return self.table[self.table["status"] == status]


def evaluate(
    municipality: str,
    moment: str = "tussenevaluatie-2024",
    *,
    baseline_year: int = 0,
    eval_year: int = 0,
    baseline: str = "year",
    baseline_first_year: int = 0,
    baseline_last_year: int = 0,
    catalogue: str | Path | None = None,
    templates_dir: str | Path | None = None,
) -> Evaluation:
    """Evaluate every indicator of the catalogue for a municipality and evaluation moment.

    Parameters
    ----------
    municipality : str
        CBS code, e.g. ``GM1926``.
    moment : str
        ``tussenevaluatie-2024``, ``eindevaluatie-2026`` or ``custom`` (with ``baseline_year``
        and ``eval_year``).
    baseline, baseline_first_year, baseline_last_year
        The baseline rule, see :func:`baseline_rule`.
    catalogue : path, optional
        The catalogue file (default ``data/indicators.yaml``).
    templates_dir : path, optional
        Folder with the municipal templates (default ``data/templates``).

    Returns
    -------
    Evaluation
        ``table`` holds one row per catalogue indicator (none left out), ordered by priority
        and then catalogue order, with exactly the columns of ``RESULT_COLUMNS``.

    Examples
    --------
    >>> ev = evaluate("GM1926", "tussenevaluatie-2024")
    >>> row = ev.table.set_index("indicator_id").loc["woninginbraak"]
    >>> float(row.baseline_value), float(row.eval_value), row.status
    (76.0, 37.0, 'improved')
    """
    m = resolve_moment(moment, baseline_year, eval_year)
    rule = baseline_rule(m, baseline, baseline_first_year, baseline_last_year)
    cat = load_catalogue(catalogue, templates_dir)
    pop = population_series(municipality)
    cache: dict = {}
    rows, extra = [], []
    for ind in cat:
        series = indicator_series(ind, municipality, templates_dir, cache)
        r = assess(ind.kind, ind.desired_direction, series, rule, m.eval_year, pop,
                   caveat=ind.caveat)  # fmt: skip
        rows.append({
            "priority": ind.priority, "indicator_id": ind.id, "label": ind.label,
            "source": ind.source.describe(Path(templates_dir) if templates_dir else None),
            "unit": ind.unit, "desired_direction": ind.desired_direction,
            **{k: r[k] for k in RESULT_COLUMNS if k in r},
        })  # fmt: skip
        extra.append({
            "indicator_id": ind.id, "kind": ind.kind, "theme": ind.theme, "caveat": ind.caveat,
            "note": ind.note, "gap": r["gap"], "last_year": r["last_year"],
            "source_kind": ind.source.kind, "source_name": ind.source.name,
            "code": ind.source.code,
        })  # fmt: skip
    table = pd.DataFrame(rows)
    order = {p: i for i, p in enumerate(PRIORITIES)}
    table["_p"] = table["priority"].map(order)
    table["_i"] = range(len(table))
    table = table.sort_values(["_p", "_i"]).drop(columns=["_p", "_i"]).reset_index(drop=True)
    table = table[RESULT_COLUMNS]
    for c in ("baseline_value", "eval_value", "change", "ci_low", "ci_high", "p_value"):
        table[c] = table[c].astype(float)
    details = pd.DataFrame(extra).set_index("indicator_id").loc[table["indicator_id"]]
    return Evaluation(municipality, _codes.municipality_name(municipality), m, rule, cat, table,
                      details)  # fmt: skip


# --------------------------------------------------------------------------- presentation


def change_text(row: Mapping, kind: str) -> str:
    """Return the change with its interval in Dutch, e.g. ``-52 % (-66 % tot -30 %)``.

    Examples
    --------
    >>> change_text({"change": -51.9, "ci_low": -66.5, "ci_high": -29.6, "status": "improved"}, "count")
    '-52 % (-66 % tot -30 %)'
    >>> change_text({"change": 0.3, "ci_low": float("nan"), "ci_high": float("nan"),
    ...              "status": "not assessable: no data"}, "score")
    '+0,3 punt (marge onbekend)'
    """
    ch = row["change"]
    if ch is None or not np.isfinite(ch):
        return "–"
    if kind == "count":
        if not np.isfinite(row["ci_low"]):
            return format_pct_nl(ch, 0)
        return (f"{format_pct_nl(ch, 0)} ({format_pct_nl(row['ci_low'], 0)} tot "
                f"{format_pct_nl(row['ci_high'], 0)})")  # fmt: skip
    sign = "+" if ch > 0 else ""
    if not np.isfinite(row["ci_low"]):
        return f"{sign}{format_nl(ch, 1)} punt (marge onbekend)"
    return (f"{sign}{format_nl(ch, 1)} punt ({format_nl(row['ci_low'], 2)} tot "
            f"{format_nl(row['ci_high'], 2)})")  # fmt: skip


def _value_cell(value: float, period: str, kind: str) -> str:
    if not period or value is None or not np.isfinite(value):
        return "–"
    return f"{_value_text(kind, value)} ({period})"


def scorecard_table(ev: Evaluation) -> pd.DataFrame:
    """Return the scorecard with Dutch column names: one row per indicator.

    Columns: prioriteit, indicator, nulmeting (value and period), laatste cijfer, verandering
    (with 95 % interval), oordeel (the status in Dutch).
    """
    t = ev.table
    kinds = ev.details["kind"].to_numpy()
    rows = []
    for r, kind in zip(t.to_dict("records"), kinds, strict=True):
        last = _value_cell(r["eval_value"], r["eval_period"], kind)
        if last == "–" and r["baseline_period"]:
            last = "geen meting" if kind == "score" else "geen cijfer"
        if r["eval_status_of_data"] == "provisional":
            last += ", voorlopig"
        rows.append({
            "prioriteit": PRIORITIES[r["priority"]],
            "indicator": r["label"],
            "nulmeting": _value_cell(r["baseline_value"], r["baseline_period"], kind),
            "laatste cijfer": last,
            "verandering (95%-interval)": change_text(r, kind),
            "oordeel": STATUS_NL[r["status"]],
        })  # fmt: skip
    return pd.DataFrame(rows)


def scorecard_html(ev: Evaluation) -> str:
    """Return the scorecard as an HTML table with a coloured status marker per row.

    All text is escaped; rows are grouped under a heading row per priority. The marker's
    shape and the status word carry the meaning as well, for readers who cannot tell colours.
    """
    import html

    t = scorecard_table(ev)
    symbols = {STATUS_IMPROVED: "●", STATUS_WORSENED: "✖", STATUS_NO_CHANGE: "■",
               STATUS_NO_DIRECTION: "◆", STATUS_NO_DATA: "○"}  # fmt: skip
    head = ["oordeel", "indicator", "nulmeting", "laatste cijfer", "verandering (95%-interval)"]
    parts = ['<table class="ivp-table">',
             f"<caption>{html.escape(f'Scorekaart {ev.name}: {ev.moment.label}, {ev.rule.label}')}</caption>",
             "<thead><tr>", *[f'<th scope="col">{html.escape(h)}</th>' for h in head],
             "</tr></thead><tbody>"]  # fmt: skip
    current = None
    for r, status in zip(t.to_dict("records"), ev.table["status"], strict=True):
        if r["prioriteit"] != current:
            current = r["prioriteit"]
            parts.append(f'<tr><th scope="rowgroup" colspan="{len(head)}" '
                         f'style="background:#f4f6f9">{html.escape(current)}</th></tr>')  # fmt: skip
        colour = STATUS_STYLE[status][0]
        parts.append(
            "<tr>"
            f'<td><span style="color:{colour};font-size:1.1em" aria-hidden="true">{symbols[status]}</span> '
            f"{html.escape(r['oordeel'])}</td>"
            f"<td>{html.escape(r['indicator'])}</td>"
            f'<td class="num">{html.escape(r["nulmeting"])}</td>'
            f'<td class="num">{html.escape(r["laatste cijfer"])}</td>'
            f'<td class="num">{html.escape(r["verandering (95%-interval)"])}</td>'
            "</tr>"
        )
    parts.append("</tbody></table>")
    return "".join(parts)


def show_scorecard(ev: Evaluation) -> None:
    """Display the scorecard table (HTML with coloured markers; plain text as fallback)."""
    from IPython.display import publish_display_data

    publish_display_data({"text/html": scorecard_html(ev),
                          "text/plain": scorecard_table(ev).to_string(index=False)})  # fmt: skip


def detail_table(ev: Evaluation, priority: str | None = None) -> pd.DataFrame:
    """Return indicator, desired direction, status and reason in Dutch (optionally one priority)."""
    t = ev.table
    if priority:
        t = t[t["priority"] == priority]
    return pd.DataFrame({
        "indicator": t["label"],
        "gewenste richting": t["desired_direction"].map(DIRECTIONS),
        "oordeel": t["status"].map(STATUS_NL),
        "toelichting": t["reason"],
    }).reset_index(drop=True)  # fmt: skip


def caveat_table(ev: Evaluation) -> pd.DataFrame:
    """Return per indicator its theme, source file, the plan's caveat and the note (Dutch columns)."""
    d = ev.details
    t = ev.table
    caveat = [f"{c} {n}".strip() for c, n in zip(d["caveat"], d["note"], strict=True)]
    return pd.DataFrame({
        "indicator": t["label"].to_numpy(),
        "thema": d["theme"].to_numpy(),
        "bron [code]": t["source"].to_numpy(),
        "kanttekening uit het plan en opmerking": caveat,
    })  # fmt: skip


def status_counts(ev: Evaluation) -> pd.DataFrame:
    """Return the number of indicators per priority and status (Dutch names), with totals."""
    t = ev.table
    counts = pd.crosstab(t["priority"].map(PRIORITIES), t["status"].map(STATUS_NL))
    counts = counts.reindex(index=list(PRIORITIES.values()), columns=[STATUS_NL[s] for s in STATUSES],
                            fill_value=0)  # fmt: skip
    counts = counts[counts.sum(axis=1) > 0]
    counts.loc["totaal"] = counts.sum()
    counts.index.name = "prioriteit"
    counts.columns.name = None
    return counts.reset_index()


def _how_to_supply(ind_row: pd.Series) -> str:
    code = ind_row["code"]
    if ind_row["source_kind"] == "template":
        return f"sjabloon data/templates/{ind_row['source_name']}.csv, code {code}"
    if ind_row["source_name"] == "plan_figures":
        return (f"de tabel in het plan stopt in 2022: cijfers opvragen bij de politie, invullen in "
                f"sjabloon data/templates/incidenten.csv (code {code}) en de bron in "
                f"data/indicators.yaml daarop zetten")  # fmt: skip
    if ind_row["source_name"] == "plan_surveys":
        return f"sjabloon data/templates/enquetes.csv, code {code}, en de bron daarop zetten"
    return f"nieuwere versie van {datasets.SHIPPED[ind_row['source_name']][1]} in data/raw"


def data_gaps(ev: Evaluation) -> pd.DataFrame:
    """Return the figures the municipality must supply before the next evaluation.

    Derived from the statuses: every indicator that is ``not assessable: no data``, and every
    indicator judged on a figure older than the evaluation year. Columns (Dutch): prioriteit,
    indicator, wat ontbreekt, aanleveren (which years or what), hoe (template or source).
    """
    t = ev.table.join(ev.details, on="indicator_id")
    stale = t["eval_period"].ne("") & (t["gap"] != "")
    gaps = t[(t["status"] == STATUS_NO_DATA) | stale]
    next_name, next_year = NEXT_EVALUATION.get(ev.moment.name, (ev.moment.label.lower(),
                                                                ev.moment.eval_year))  # fmt: skip
    rows = []
    for _, r in gaps.iterrows():
        if r["kind"] == "score":
            since = int(r["last_year"]) if np.isfinite(r["last_year"]) else ev.rule.first_year
            if r["gap"].startswith("respondenten"):
                supply = (
                    f"aantal respondenten of 95%-marge per meting ({r['gap'].split('marge ')[-1]})"
                )
            else:
                supply = (f"de metingen na {since} (tweejaarlijks), met aantal respondenten of "
                          "95%-marge")  # fmt: skip
        else:
            start = (int(r["last_year"]) + 1 if np.isfinite(r["last_year"]) and r["gap"] != "alle jaren"
                     and not r["gap"].startswith("nulmeting") else ev.rule.first_year)  # fmt: skip
            if r["gap"].startswith("bevolking"):
                supply = f"inwonertal ({r['gap'].split(' ', 1)[1]})"
            else:
                end = max(next_year, ev.moment.eval_year)
                supply = f"jaarcijfers {_years_text(list(range(start, end + 1)))}"
        rows.append({
            "prioriteit": PRIORITIES[r["priority"]],
            "indicator": r["label"],
            "wat ontbreekt": r["gap"],
            "aanleveren": supply,
            "hoe": _how_to_supply(r),
        })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["prioriteit", "indicator", "wat ontbreekt", "aanleveren", "hoe"]
    )


def data_gaps_text(ev: Evaluation) -> str:
    """Say in Dutch for which evaluation the data-gap list asks figures, and what is needed now."""
    n = len(data_gaps(ev))
    if not n:
        return "Voor geen enkele indicator ontbreken cijfers."
    nxt = NEXT_EVALUATION.get(ev.moment.name)
    text = (f"Voor {n} van de {len(ev.table)} indicatoren moet de gemeente cijfers aanleveren. "
            f"Cijfers tot en met {ev.moment.eval_year} zijn al nodig voor deze "
            f"{ev.moment.label.lower()}")  # fmt: skip
    if nxt:
        text += f"; de latere jaren tot en met {nxt[1]} voor de {nxt[0]}"
    return text + "."


def _labels(df: pd.DataFrame) -> str:
    items = [str(x)[:1].lower() + str(x)[1:] for x in df["label"]]
    if not items:
        return "geen"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def evaluation_questions(ev: Evaluation) -> pd.DataFrame:
    """Return the plan's four evaluation questions (section 1.3.2) with what the figures say.

    Columns (Dutch): vraag, wat de cijfers zeggen, wat de cijfers niet zeggen. The text is
    generated from the statuses; nothing is claimed that the tests do not support.
    """
    t = ev.table
    assessable = t[t["status"].isin([STATUS_IMPROVED, STATUS_WORSENED, STATUS_NO_CHANGE])]
    imp, wor = ev.by_status(STATUS_IMPROVED), ev.by_status(STATUS_WORSENED)
    none_ = ev.by_status(STATUS_NO_CHANGE)
    nodata = ev.by_status(STATUS_NO_DATA)
    kinds = ev.details["kind"]
    scores = t[t["indicator_id"].map(kinds).to_numpy() == "score"]
    score_text = "; ".join(f"{r.label}: {STATUS_NL[r.status]} ({_first_sentence(r.reason)})"
                           for r in scores.itertuples())  # fmt: skip
    q1 = (f"Van de {len(assessable)} indicatoren met een streefrichting en cijfers: "
          f"{len(imp)} verbeterd ({_labels(imp)}), {len(wor)} verslechterd ({_labels(wor)}), "
          f"{len(none_)} binnen de normale schommeling. Veiligheidsgevoel: "
          f"{score_text or 'geen enquêtecijfers in de catalogus'}.")  # fmt: skip
    q1_not = ("Of het beleid de oorzaak is: de cijfers beschrijven een ontwikkeling, geen effect van "
              "de inzet (plan §1.3.2: kwantitatieve informatie zegt niet altijd iets over de "
              f"effectiviteit). {len(nodata)} indicatoren zijn niet te beoordelen door ontbrekende "
              "cijfers.")  # fmt: skip
    effort = t[t["indicator_id"].isin(["meldingen_ondermijning", "handhaving_jeugdoverlast",
                                       "handhaving_overlast"])]  # fmt: skip
    effort_text = "; ".join(f"{r.label}: {STATUS_NL[r.status]}" for r in effort.itertuples())
    q2 = ("Alleen indirect: de meldingen over ondermijning en de handhavingscijfers laten inzet "
          f"zien, geen samenwerking ({effort_text or 'niet in de catalogus'}).")  # fmt: skip
    q2_not = ("Of partners onder regie van de gemeente samen op de prioriteiten hebben ingezet staat "
              "in geen enkele tabel; daarvoor zijn de werksessies per prioriteit en de gesprekken "
              "met partners nodig (plan §1.3.2).")  # fmt: skip
    rises = t[(t["p_value"] < 0.05) & (t["change"] > 0)
              & t["indicator_id"].map(kinds).eq("count").to_numpy()]  # fmt: skip
    digital = t[t["priority"] == "digitaal"]
    dig_text = "; ".join(f"{r.label}: {STATUS_NL[r.status]}" for r in digital.itertuples())
    q3 = ("Significante stijgingen zijn signalen van nieuwe ontwikkelingen: "
          f"{_labels(rises) if len(rises) else 'geen enkele indicator steeg significant'}. "
          f"Digitale criminaliteit: {dig_text or 'niet in de catalogus'}.")  # fmt: skip
    q3_not = ("Of er voldoende op is ingesprongen. Veel slachtoffers van digitale criminaliteit doen "
              "geen aangifte (plan §1.1), en een ontwikkeling die in geen tabel staat is niet te zien "
              "zonder informatie van partners.")  # fmt: skip
    gaps = data_gaps(ev)
    q4 = (f"De lijst met ontbrekende cijfers noemt {len(gaps)} indicatoren waarvoor de gemeente "
          "cijfers moet aanleveren om ze bij de volgende evaluatie te kunnen beoordelen; indicatoren "
          "zonder streefrichting vragen om een keuze of er een doel bij hoort.")  # fmt: skip
    q4_not = ("Welke prioriteiten het nieuwe UVP en IVP moeten hebben: dat is een bestuurlijke "
              "afweging waarvoor de cijfers één van de bronnen zijn.")  # fmt: skip
    return pd.DataFrame({
        "vraag": [
            "1. Hebben het beleid en het uitvoeringsplan bijgedragen aan een gezonde en veilige "
            "leefomgeving, waar inwoners zich prettig en veilig (blijven) voelen?",
            "2. Hebben veiligheidspartners, onder regie van de gemeente, gezamenlijke inzet gepleegd "
            "op de vastgestelde prioriteiten?",
            "3. Zijn we voldoende ingesprongen op nieuwe trends en ontwikkelingen?",
            "4. In hoeverre zijn de conclusies van betekenis voor een nieuw UVP en IVP?",
        ],
        "wat de cijfers zeggen": [q1, q2, q3, q4],
        "wat de cijfers niet zeggen": [q1_not, q2_not, q3_not, q4_not],
    })  # fmt: skip


def _first_sentence(text: str) -> str:
    head = text.split(": ", 1)[0] if text.startswith("Geen") else text.split(";")[0]
    return head.rstrip(".")


def budget_context(municipality: str) -> pd.DataFrame:
    """Return the plan's budget per year with the population and the amount per inhabitant.

    Empty when the shipped plan (Pijnacker-Nootdorp's) has no budget for the municipality.

    Examples
    --------
    >>> b = budget_context("GM1926")
    >>> b["jaar"].tolist(), b["budget (EUR)"].tolist()
    ([2023, 2024, 2025, 2026], [95000.0, 190000.0, 190000.0, 190000.0])
    >>> round(float(b.loc[0, "EUR per inwoner"]), 2)
    1.64
    """
    b = datasets.get("plan_budget")
    b = b[(b["region"] == municipality) & (b["code"] == "budget.ivp")]
    years = b["period"].map(lambda p: p.year).astype(int).to_numpy()
    pop = population_series(municipality).reindex(years).to_numpy()
    out = pd.DataFrame({
        "jaar": years,
        "budget (EUR)": b["value"].astype(float).to_numpy(),
        "gemiddeld aantal inwoners": pop,
    })  # fmt: skip
    out["EUR per inwoner"] = out["budget (EUR)"] / out["gemiddeld aantal inwoners"]
    return out.reset_index(drop=True)


def budget_text(ev: Evaluation) -> str:
    """Write the budget context in Dutch: what was budgeted up to the evaluation year."""
    b = budget_context(ev.municipality)
    if b.empty:
        return (f"Voor {ev.name} staat geen budget in de meegeleverde gegevens: het budget in "
                "`plan_budget` is dat van het IVP van Pijnacker-Nootdorp.")  # fmt: skip
    upto = b[b["jaar"] <= ev.moment.eval_year]
    total = upto["budget (EUR)"].sum()
    per = upto["EUR per inwoner"].dropna()
    years = _years_text(upto["jaar"].tolist()) if len(upto) else "–"
    lines = [
        f"- Tot en met het evaluatiejaar {ev.moment.eval_year} is voor het plan "
        f"EUR {format_nl(total)} begroot ({years}); dat is "
        + (f"EUR {format_nl(per.iloc[0], 2)} per inwoner." if len(per) == 1 else
           f"EUR {format_nl(per.min(), 2)} tot {format_nl(per.max(), 2)} per inwoner per jaar."
           if len(per) else "per inwoner niet te berekenen."),
    ]  # fmt: skip
    if len(b) > len(upto):
        later = b[b["jaar"] > ev.moment.eval_year]
        lines.append(f"- Na het evaluatiejaar volgt nog EUR {format_nl(later['budget (EUR)'].sum())} "
                     f"({_years_text(later['jaar'].tolist())}).")  # fmt: skip
    return "\n".join(lines)


def summary_text(ev: Evaluation) -> str:
    """Write the conclusions in Dutch from the result table; every claim follows from a status."""
    t = ev.table
    n = len(t)
    lines = [
        f"- Alle {n} indicatoren uit de catalogus zijn beoordeeld voor {ev.name}, "
        f"{ev.moment.label.lower()} ({ev.rule.label}, evaluatiejaar {ev.moment.eval_year})."
    ]
    for status in STATUSES:
        rows = ev.by_status(status)
        if len(rows):
            word = STATUS_NL[status].replace(": ", ", ").capitalize()
            lines.append(f"- {word} ({len(rows)}): {_labels(rows)}.")
    for r in ev.by_status(STATUS_IMPROVED).itertuples():
        kind = ev.details.loc[r.indicator_id, "kind"]
        lines.append(f"- {r.label}: van {_value_text(kind, r.baseline_value)} ({r.baseline_period}) "
                     f"naar {_value_text(kind, r.eval_value)} ({r.eval_period}), "
                     f"{change_text(r._asdict(), kind)}.")  # fmt: skip
    for r in ev.by_status(STATUS_WORSENED).itertuples():
        kind = ev.details.loc[r.indicator_id, "kind"]
        lines.append(f"- {r.label}: van {_value_text(kind, r.baseline_value)} ({r.baseline_period}) "
                     f"naar {_value_text(kind, r.eval_value)} ({r.eval_period}), "
                     f"{change_text(r._asdict(), kind)}.")  # fmt: skip
    prov = t[t["eval_status_of_data"] == "provisional"]
    if len(prov):
        lines.append(f"- {len(prov)} oordelen rusten op voorlopige cijfers "
                     f"({', '.join(sorted(set(prov['eval_period'])))}); die kunnen nog veranderen.")  # fmt: skip
    gaps = data_gaps(ev)
    if len(gaps):
        lines.append(f"- Voor {len(gaps)} indicatoren moet de gemeente cijfers aanleveren "
                     "(zie de lijst met ontbrekende cijfers).")  # fmt: skip
    return "\n".join(lines)
