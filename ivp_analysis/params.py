"""Report parameters: read from the notebooks' ``parameters`` cells, validated before anything runs.

papermill only *warns* about an unknown parameter and then runs with the defaults, and a YAML
``municipality: 0363`` arrives as a number. So every name, type and value is checked here,
against the parameter cells themselves (one source of truth), before papermill is called.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ivp_analysis import paths
from ivp_analysis.errors import ParameterError
from ivp_analysis.moments import CUSTOM
from ivp_analysis.moments import resolve as resolve_moment

#: Parameters the pipeline sets itself; a user may not set them.
RESERVED = frozenset({"results_dir"})

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
                specs[name] = ParamSpec(name, type_name, old.default, old.help,
                                        (*old.notebooks, nb.name))  # fmt: skip
            else:
                specs[name] = ParamSpec(name, type_name, default, info["help"], (nb.name,))
    return specs


def read_params_file(path: str | Path) -> dict:
    """Read a YAML parameter file into a dict (no validation yet)."""
    path = Path(path)
    if not path.exists():
        raise ParameterError(f"parameter file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected 'name: value' lines, found {type(data).__name__}")
    return data


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


def validate(given: dict, specs: dict[str, ParamSpec]) -> dict:
    """Check names, types and values of ``given``; return the full set with defaults filled in.

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
        spec = specs[name]
        want = _TYPES[spec.type_name]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            extra = ""
            if name == "municipality" and isinstance(value, int):
                extra = f" (write it as a quoted string such as 'GM{value:04d}')"
            raise ParameterError(
                f"parameter {name!r} must be {spec.type_name}, got {type(value).__name__} "
                f"{value!r}{extra}"
            )
        full[name] = value
    _check_values(full)
    return full


def _check_values(p: dict) -> None:
    if "municipality" in p:
        _check_municipality(p["municipality"])
    if "moment" in p:
        resolve_moment(p["moment"], p.get("baseline_year", 0), p.get("eval_year", 0))
    if "baseline" in p:
        if p["baseline"] not in ("year", "mean"):
            raise ParameterError(
                f"parameter 'baseline' must be 'year' or 'mean', got {p['baseline']!r}"
            )
        if p["baseline"] == "mean":
            first, last = p.get("baseline_first_year", 0), p.get("baseline_last_year", 0)
            if not first or not last or first > last:
                raise ParameterError(
                    "baseline 'mean' needs baseline_first_year and baseline_last_year "
                    "with baseline_first_year <= baseline_last_year"
                )
    for name in ("first_year", "last_year", "base_year", "baseline_year", "eval_year",
                 "baseline_first_year", "baseline_last_year"):  # fmt: skip
        v = p.get(name)
        if v and not 1990 <= v <= 2100:
            raise ParameterError(f"parameter {name!r} = {v} is not a year between 1990 and 2100")
    if p.get("first_year") and p.get("last_year") and p["first_year"] >= p["last_year"]:
        raise ParameterError("first_year must be before last_year")


def _check_municipality(code: str) -> None:
    from ivp_analysis.datasets import municipality_codes

    known = municipality_codes()
    if re.fullmatch(r"\d{1,4}", code):
        raise ParameterError(
            f"municipality {code!r} is not a CBS code; write it with the prefix, e.g. 'GM{int(code):04d}'"
        )
    if not re.fullmatch(r"GM\d{4}", code):
        hits = [c for c, name in known.items() if name.lower() == code.lower()]
        hint = f"; {code} is {hits[0]}" if hits else ""
        raise ParameterError(f"municipality must be a CBS code like 'GM1926', got {code!r}{hint}")
    if code not in known:
        raise ParameterError(
            f"municipality {code} is not in the shipped data "
            f"(data/raw/politie-47018ned-gemeente-selected-types/data.json, {len(known)} municipalities); "
            "run 'ivp municipalities' to list the codes"
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
