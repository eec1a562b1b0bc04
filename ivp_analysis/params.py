"""Report parameters: read from the notebooks' ``parameters`` cells, validated before anything runs.

papermill only *warns* about an unknown parameter and then runs with the defaults, and a YAML
``municipality: 0363`` arrives as a number. So every name, type and value is checked here,
against the parameter cells themselves (one source of truth for names, types and defaults),
before papermill is called.

The value checks are a table (:data:`CHECKS`): each entry names the parameters it reads and is
skipped when one of them is not declared by any notebook, so a notebook that drops or renames a
parameter needs no change here. The checks compare values with the shipped data (years, months,
municipality codes) and with the COVID-19 phase table; the moment and its years come from
:func:`ivp_analysis.moments.resolve`.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ivp_analysis import paths
from ivp_analysis.errors import ParameterError
from ivp_analysis.moments import CUSTOM, from_params
from ivp_analysis.params_data import DataFacts

#: Parameters the pipeline sets itself; a user may not set them.
RESERVED = frozenset({"results_dir"})
#: The years of a ``custom`` moment; a named moment fixes them and ignores these parameters.
CUSTOM_YEAR_PARAMS = ("baseline_year", "eval_year")

_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter as declared in a notebook's parameters cell."""

    name: str
    type_name: str
    default: object
    help: str
    notebooks: tuple[str, ...]


def notebook_paths(notebooks_dir: Path | None = None) -> list[Path]:
    """Return the numbered report notebooks (``NN_name.ipynb``) in reading order."""
    d = notebooks_dir or paths.NOTEBOOKS_DIR
    return sorted(p for p in d.glob("*.ipynb") if re.match(r"^\d\d_", p.name))


@lru_cache(maxsize=64)
def _inspect(path: str, mtime_ns: int, size: int) -> dict:
    # a report checks its parameters twice (command line, then run): read each notebook once;
    # size and modification time are in the key so an edited notebook is read again
    import papermill  # imported late: it is slow to import

    return papermill.inspect_notebook(path)


def parameter_specs(notebooks: list[Path]) -> dict[str, ParamSpec]:
    """Read the parameters cells of ``notebooks`` into one table of allowed parameters.

    A parameter declared by several notebooks must have the same type in each.
    """
    specs: dict[str, ParamSpec] = {}
    for nb in notebooks:
        st = Path(nb).stat()
        for name, info in _inspect(str(nb), st.st_mtime_ns, st.st_size).items():
            type_name = info["inferred_type_name"]
            if type_name not in _TYPES:
                raise ParameterError(
                    f"{nb.name}: parameter {name!r} has type {type_name!r}; "
                    f"use one of {', '.join(_TYPES)} in the parameters cell"
                )
            default = ast.literal_eval(info["default"])
            if name in specs:
                old = specs[name]
                if old.type_name != type_name:
                    raise ParameterError(
                        f"parameter {name!r} is {old.type_name} in {old.notebooks[0]} "
                        f"but {type_name} in {nb.name}"
                    )
                notebooks_of = (*old.notebooks, nb.name)
                specs[name] = ParamSpec(name, type_name, old.default, old.help, notebooks_of)
            else:
                specs[name] = ParamSpec(name, type_name, default, info["help"], (nb.name,))
    return specs


# --------------------------------------------------------------------------- reading


#: A YAML 1.1 integer with a leading zero (``0363``): PyYAML reads it as an octal number.
_YAML_OCTAL = re.compile(r"[-+]?0[0-7_]+")


def read_params_file(path: str | Path) -> dict:
    """Read a YAML parameter file into a dict (values are checked later by :func:`validate`).

    A number written with a leading zero (``municipality: 0363``) is refused here: YAML reads
    it as an octal number (243), so no later check could tell what was meant. It is found in the
    YAML source text itself (the scalar as written), not guessed from the number.

    Raises
    ------
    ParameterError
        For a missing file, invalid YAML, a file that is not ``name: value`` lines, or a number
        with a leading zero.
    """
    path = Path(path)
    if not path.exists():
        raise ParameterError(f"parameter file not found: {path}")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected 'name: value' lines, found {type(data).__name__}")
    for key, value in node.value:
        written = value.value if isinstance(value, yaml.ScalarNode) else ""
        if value.tag == "tag:yaml.org,2002:int" and _YAML_OCTAL.fullmatch(written):
            raise ParameterError(
                f"{path}, line {value.start_mark.line + 1}: {key.value}: {written} is read by "
                f"YAML as the octal number {data[key.value]}; {_quote_hint(key.value, written)}"
            )
    return data


def _quote_hint(name: str, written: str) -> str:
    """Say how to write a value that YAML would read as a number.

    Examples
    --------
    >>> _quote_hint("municipality", "0363")
    "write it quoted: 'GM0363'"
    >>> _quote_hint("first_year", "02015")
    "write it without the leading zero, or quoted: '02015'"
    """
    if name == "municipality":
        return f"write it quoted: 'GM{written.lstrip('+').zfill(4)}'"
    return f"write it without the leading zero, or quoted: '{written}'"


def coerce_cli_value(spec: ParamSpec, text: str) -> object:
    """Turn a command-line string into the parameter's declared type.

    Examples
    --------
    >>> spec = ParamSpec("first_year", "int", 2012, "", ("01",))
    >>> coerce_cli_value(spec, "2015")
    2015
    """
    try:
        if spec.type_name == "int":
            return int(text)
        if spec.type_name == "float":
            return float(text)
        if spec.type_name == "bool":
            if text.lower() in ("true", "1", "yes", "ja"):
                return True
            if text.lower() in ("false", "0", "no", "nee"):
                return False
            raise ValueError(text)
        if spec.type_name == "list":
            return [x.strip() for x in text.split(",") if x.strip()]
    except ValueError:
        raise ParameterError(
            f"parameter {spec.name!r} must be {spec.type_name}, got {text!r}"
        ) from None
    return text


# --------------------------------------------------------------------------- validation


def validate(given: dict, specs: dict[str, ParamSpec], data: DataFacts | None = None) -> dict:
    """Check names, types and values of ``given``; return the full set with defaults filled in.

    Parameters
    ----------
    given : dict
        The parameters the user set.
    specs : dict
        The declared parameters (:func:`parameter_specs`).
    data : DataFacts, optional
        What the shipped data holds (years, months, codes); read from ``data/`` by default.

    Returns
    -------
    dict
        Every declared parameter (reserved ones left out), normalised: ``gm1926`` becomes
        ``GM1926``.

    Raises
    ------
    ParameterError
        For an unknown or reserved name, a wrong type, or an invalid value; the message
        says what is allowed.
    """
    allowed = sorted(n for n in specs if n not in RESERVED)
    for name in given:
        if name in RESERVED:
            raise ParameterError(f"parameter {name!r} is set by the pipeline, not by you")
        if name not in specs:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ParameterError(f"unknown parameter {name!r}{hint} Allowed: {', '.join(allowed)}")
    full = {n: s.default for n, s in specs.items() if n not in RESERVED}
    for name, value in given.items():
        full[name] = _typed(specs[name], value, data)
    run_checks(full, given, data or DataFacts())
    return full


def _typed(spec: ParamSpec, value: object, data: DataFacts | None) -> object:
    want = _TYPES[spec.type_name]
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, want) and not (want is int and isinstance(value, bool)):
        return value
    extra = ""
    if spec.name == "municipality" and isinstance(value, int) and not isinstance(value, bool):
        extra = f" ({_number_hint(value, data or DataFacts())})"
    raise ParameterError(
        f"parameter {spec.name!r} must be {spec.type_name}, got {type(value).__name__} "
        f"{value!r}{extra}"
    )


def _number_hint(value: int, data: DataFacts) -> str:
    """Suggest the code a number given as municipality stands for.

    A parameter file is read with :func:`read_params_file`, which refuses ``0363`` itself. A
    number that arrives otherwise could still be YAML's octal reading of a leading-zero code:
    when ``0`` + its octal digits (at most three: ``0o777`` = 511) is a known code too, both
    readings are named.

    Examples
    --------
    >>> facts = DataFacts(municipalities={"GM0243": "Harderwijk", "GM0363": "Amsterdam",
    ...                                   "GM1926": "Pijnacker-Nootdorp"})
    >>> _number_hint(1926, facts)
    "write it as a quoted string such as 'GM1926'"
    >>> _number_hint(243, facts)
    "write it as a quoted string: 'GM0243', or 'GM0363' if you wrote 0363 (YAML reads a number with a leading zero as octal)"
    """
    decimal = f"GM{value:04d}"
    octal = f"GM0{value:o}" if 0 < value < 0o1000 else ""
    if octal and octal in data.municipalities and octal != decimal:
        return (
            f"write it as a quoted string: '{decimal}', or '{octal}' if you wrote 0{value:o} "
            "(YAML reads a number with a leading zero as octal)"
        )
    return f"write it as a quoted string such as '{decimal}'"


@dataclass(frozen=True)
class Check:
    """A value check that reads the parameters ``needs``; skipped when one is not declared.

    ``func(params, given, data)`` raises :class:`ParameterError` for a bad value and may return
    a dict of normalised values (for example the upper-case municipality code).
    """

    needs: tuple[str, ...]
    func: Callable[[dict, Mapping, DataFacts], dict | None]


def run_checks(params: dict, given: Mapping, data: DataFacts) -> None:
    """Run every entry of :data:`CHECKS` whose parameters are all declared; update ``params``.

    Examples
    --------
    >>> facts = DataFacts(municipalities={"GM1926": "Pijnacker-Nootdorp"})
    >>> p = {"municipality": "gm1926"}
    >>> run_checks(p, p, facts)
    >>> p
    {'municipality': 'GM1926'}
    """
    for check in CHECKS:
        if all(n in params for n in check.needs):
            params.update(check.func(params, given, data) or {})


# --------------------------------------------------------------------------- the checks


def _municipality(p: dict, given: Mapping, data: DataFacts) -> dict:
    return {"municipality": normalise_municipality(p["municipality"], data)}


def normalise_municipality(code: str, data: DataFacts | None = None) -> str:
    """Return the CBS code ``GM####`` for ``code`` (case and spaces ignored) or raise.

    Examples
    --------
    >>> facts = DataFacts(municipalities={"GM1926": "Pijnacker-Nootdorp"})
    >>> normalise_municipality(" gm1926", facts)
    'GM1926'
    >>> normalise_municipality("1926", facts)
    Traceback (most recent call last):
    ...
    ivp_analysis.errors.ParameterError: municipality '1926' is not a CBS code; write it with the prefix, e.g. 'GM1926'
    """
    known = (data or DataFacts()).municipalities
    text = code.strip()
    if re.fullmatch(r"\d{1,4}", text):
        raise ParameterError(
            f"municipality {code!r} is not a CBS code; write it with the prefix, e.g. "
            f"'GM{int(text):04d}'"
        )
    if not re.fullmatch(r"(?i)GM\d{4}", text):
        hits = [c for c, name in known.items() if name.lower() == text.lower()]
        hint = f"; {text} is {hits[0]}" if hits else "; run 'ivp municipalities NAME' to find it"
        raise ParameterError(f"municipality must be a CBS code like 'GM1926', got {code!r}{hint}")
    text = text.upper()
    if text not in known:
        raise ParameterError(
            f"municipality {text} is not in the shipped data "
            f"(data/raw/politie-47018ned-gemeente-selected-types/data.json, {len(known)} "
            "municipalities); run 'ivp municipalities' to list the codes"
        )
    return text


def _moment(p: dict, given: Mapping, data: DataFacts) -> None:
    moment = p["moment"]
    m = from_params(p)
    if moment != CUSTOM:
        for name in CUSTOM_YEAR_PARAMS:
            if given.get(name):
                raise ParameterError(
                    f"parameter {name!r} = {given[name]} is ignored by moment {moment!r} "
                    f"(it compares {m.eval_year} with {m.baseline_year}); leave it out, or use "
                    f"moment 'custom' with baseline_year and eval_year"
                )
    first, last = data.years
    for name, year in (("baseline_year", m.baseline_year), ("eval_year", m.eval_year)):
        if not first <= year <= last:
            raise ParameterError(
                f"{name} {year} of moment {moment!r} lies outside the years of the data "
                f"({first}-{last}, Politie 47018NED)"
            )


def _series_years(p: dict, given: Mapping, data: DataFacts) -> None:
    # the very resolution the notebooks make (moments.from_params): the series cut back to the
    # data, the base, evaluation and benchmark years inside it, no year after the data vintage
    if "moment" in p:
        from_params(p, available=data.years)
        return
    lo, hi = data.years
    first, last = max(p["first_year"], lo), min(p.get("last_year") or hi, hi)
    if first >= last:
        raise ParameterError(
            f"first_year {p['first_year']} and last_year {p.get('last_year')} leave no period "
            f"within the data ({lo}-{hi})"
        )


def _baseline(p: dict, given: Mapping, data: DataFacts) -> None:
    if p["baseline"] not in ("year", "mean"):
        raise ParameterError(
            f"parameter 'baseline' must be 'year' or 'mean', got {p['baseline']!r}"
        )
    if p["baseline"] != "mean":
        return
    first, last = p.get("baseline_first_year", 0), p.get("baseline_last_year", 0)
    if not first or not last or first > last:
        raise ParameterError(
            "baseline 'mean' needs baseline_first_year and baseline_last_year "
            "with baseline_first_year <= baseline_last_year"
        )
    lo, hi = data.years
    if first < lo or last > hi:
        raise ParameterError(
            f"baseline_first_year-baseline_last_year {first}-{last} lies outside the years of "
            f"the data ({lo}-{hi})"
        )


def _peer_group(p: dict, given: Mapping, data: DataFacts) -> dict | None:
    spec = p["peer_group"].strip()
    if spec == "size_class":
        return None
    found = [s.strip() for s in re.split(r"[,;]+", spec) if s.strip()]
    if not found:
        raise ParameterError(
            "peer_group is empty; use 'size_class' or municipality codes such as 'GM0503,GM0518'"
        )
    codes = []
    for raw in found:
        code = raw.upper()
        if code == "GM0000":
            raise ParameterError(
                "peer_group: GM0000 ('gemeente onbekend') is not a municipality; leave it out"
            )
        if not re.fullmatch(r"GM\d{4}", code):
            hits = [c for c, n in data.municipalities.items() if n.lower() == raw.lower()]
            hint = f"; {raw} is {hits[0]}" if hits else ""
            raise ParameterError(
                f"peer_group {spec!r}: {raw!r} is not a municipality code like 'GM0503'{hint}"
            )
        if code not in data.municipalities:
            raise ParameterError(
                f"peer_group {spec!r}: {code} is not a municipality in the shipped data; "
                "run 'ivp municipalities' to list the codes"
            )
        codes.append(code)
    if "municipality" in p and not set(codes) - {p["municipality"]}:
        raise ParameterError(
            f"peer_group {spec!r} names no municipality other than {p['municipality']}"
        )
    return None


#: The month parameters of the COVID-19 analysis.
_MONTH_PARAMS = (
    "covid_pre_period_start",
    "covid_pre_period_end",
    "covid_intervention_month",
    "covid_forecast_end",
    "covid_backtest_fit_end",
    "covid_backtest_end",
    "covid_sensitivity_pre_start",
)
#: Pairs (earlier, later) that must be in this order; ``<=`` allows equal months.
_MONTH_ORDER = (
    ("covid_pre_period_start", "<", "covid_pre_period_end"),
    ("covid_pre_period_end", "<", "covid_intervention_month"),
    ("covid_intervention_month", "<=", "covid_forecast_end"),
    ("covid_pre_period_start", "<", "covid_backtest_fit_end"),
    ("covid_backtest_fit_end", "<", "covid_backtest_end"),
    ("covid_backtest_end", "<=", "covid_pre_period_end"),
    ("covid_pre_period_start", "<", "covid_sensitivity_pre_start"),
    ("covid_sensitivity_pre_start", "<", "covid_pre_period_end"),
)


def month_number(name: str, value: str) -> int:
    """Return a ``YYYY-MM`` month as ``12 * year + month - 1`` (months since year 0) or raise.

    Examples
    --------
    >>> month_number("m", "2020-03") - month_number("m", "2020-02")
    1
    >>> month_number("covid_pre_period_end", "2020-13")
    Traceback (most recent call last):
    ...
    ivp_analysis.errors.ParameterError: covid_pre_period_end = '2020-13': expected a month written YYYY-MM, e.g. '2020-02'
    """
    m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", str(value).strip())
    if not m:
        raise ParameterError(
            f"{name} = {value!r}: expected a month written YYYY-MM, e.g. '2020-02'"
        )
    return 12 * int(m.group(1)) + int(m.group(2)) - 1


def _covid_months(p: dict, given: Mapping, data: DataFacts) -> None:
    months = {n: month_number(n, p[n]) for n in _MONTH_PARAMS if n in p}
    if not months:
        return
    first, last = data.months
    for name, m in months.items():
        if not first[0] <= m <= last[0]:
            raise ParameterError(
                f"{name} = {p[name]!r} lies outside the monthly data ({first[1]} to {last[1]}: "
                "Politie 47022NED and the CBS 83474NED population)"
            )
    for a, op, b in _MONTH_ORDER:
        if a in months and b in months:
            ok = months[a] < months[b] if op == "<" else months[a] <= months[b]
            if not ok:
                word = "before" if op == "<" else "before or equal to"
                raise ParameterError(f"{a} ({p[a]}) must be {word} {b} ({p[b]})")
    start, end = data.phases
    if "covid_pre_period_end" in months and months["covid_pre_period_end"] >= start[0]:
        raise ParameterError(
            f"covid_pre_period_end = {p['covid_pre_period_end']!r} lies in or after the first "
            f"COVID-19 phase ({start[1]}, data/covid_phases.csv); the pre-period must end before "
            "the measures began"
        )
    iv = months.get("covid_intervention_month")
    if iv is not None and not start[0] <= iv <= end[0]:
        raise ParameterError(
            f"covid_intervention_month = {p['covid_intervention_month']!r} is not a month of the "
            f"COVID-19 phase table ({start[1][:7]} to {end[1][:7]}, data/covid_phases.csv)"
        )


def _covid_levels(p: dict, given: Mapping, data: DataFacts) -> None:
    for name in ("covid_level", "covid_level_strict"):
        if name in p and not 0.5 < p[name] < 1:
            raise ParameterError(
                f"{name} = {p[name]}: expected a confidence level between 0.5 and 1, e.g. "
                f"{0.95 if name == 'covid_level' else 0.99}"
            )
    if "covid_level" in p and "covid_level_strict" in p:
        if not p["covid_level"] < p["covid_level_strict"]:
            raise ParameterError(
                f"covid_level ({p['covid_level']}) must be below covid_level_strict "
                f"({p['covid_level_strict']}): the strict interval is the wider one"
            )


def _covid_counts(p: dict, given: Mapping, data: DataFacts) -> None:
    if p.get("covid_min_run", 1) < 1:
        raise ParameterError(f"covid_min_run = {p['covid_min_run']}: expected 1 or more months")
    if p.get("covid_min_monthly_count", 0) < 0:
        raise ParameterError(
            f"covid_min_monthly_count = {p['covid_min_monthly_count']}: expected 0 or more"
        )


def _covid_codes(p: dict, given: Mapping, data: DataFacts) -> None:
    for name in ("covid_national_codes", "covid_focus_codes"):
        unknown = [c for c in p.get(name, []) if str(c) not in data.national_codes]
        if unknown:
            raise ParameterError(
                f"{name}: {', '.join(map(str, unknown))} not in the national monthly data "
                "(Politie 47022NED); codes look like '1.1.1' (see data/raw/"
                "politie-47022ned-nl-monthly/SoortMisdrijf.csv)"
            )


def _covid_municipal_years(p: dict, given: Mapping, data: DataFacts) -> dict:
    years = p["covid_municipal_pre_years"]
    try:
        first, last = (int(y) for y in years)
    except (TypeError, ValueError):
        raise ParameterError(
            f"covid_municipal_pre_years = {years!r}: expected two years, the first and the last "
            "of the municipal pre-period, e.g. [2012, 2019] (--set covid_municipal_pre_years="
            "2012,2019)"
        ) from None
    lo = data.years[0]
    covid_year = data.phases[0][1][:4]
    if not (lo <= first < last < int(covid_year)):
        raise ParameterError(
            f"covid_municipal_pre_years = {first}-{last}: expected at least two years from {lo} "
            f"(the first year of the data) ending before {covid_year} (the first COVID-19 phase)"
        )
    return {"covid_municipal_pre_years": [first, last]}


def _inputs(p: dict, given: Mapping, data: DataFacts) -> dict:
    from ivp_analysis.inputs import checked  # reads the files: imported only when needed

    return {"inputs": checked(p["inputs"])}


#: Every value check, in the order they run (the municipality first: later messages name it).
CHECKS: tuple[Check, ...] = (
    Check(("municipality",), _municipality),
    Check(("inputs",), _inputs),
    Check(("moment",), _moment),
    Check(("first_year",), _series_years),
    Check(("baseline",), _baseline),
    Check(("peer_group",), _peer_group),
    Check((), _covid_months),
    Check((), _covid_levels),
    Check((), _covid_counts),
    Check((), _covid_codes),
    Check(("covid_municipal_pre_years",), _covid_municipal_years),
)


def output_name(params: dict) -> str:
    """Return the report folder name: the moment, plus the baseline rule when it is not one year.

    Examples
    --------
    >>> output_name({"moment": "tussenevaluatie-2024"})
    'tussenevaluatie-2024'
    >>> output_name({"moment": "custom", "baseline_year": 2019, "eval_year": 2023})
    'custom-2019-2023'
    >>> output_name({"moment": "eindevaluatie-2026", "baseline": "mean",
    ...              "baseline_first_year": 2019, "baseline_last_year": 2022})
    'eindevaluatie-2026-gemiddelde-2019-2022'
    """
    if params.get("moment") == CUSTOM:
        name = f"custom-{params.get('baseline_year')}-{params.get('eval_year')}"
    else:
        name = str(params.get("moment", "rapport"))
    if params.get("baseline") == "mean":
        name += (
            f"-gemiddelde-{params.get('baseline_first_year')}-{params.get('baseline_last_year')}"
        )
    return name
