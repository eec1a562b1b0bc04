"""The figures of an indicator: the municipal templates, the shipped data sets and the population."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ivp_analysis import datasets, paths
from ivp_analysis.errors import InputFileError
from ivp_analysis.indicators.catalogue import Indicator
from ivp_analysis.inputs import overlay
from ivp_analysis.load import TIDY_COLUMNS, load_table
from ivp_analysis.paths import relative_to_root

#: Required and optional columns of a municipal template (format ``municipal-template``).
TEMPLATE_REQUIRED = ("region", "period", "code", "value")
TEMPLATE_OPTIONAL = ("label", "unit", "source", "status", "note", "respondents", "margin_95")


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
            raise InputFileError(
                where,
                "unknown column",
                row=1,
                column=col,
                found=col,
                expected="one of " + ", ".join(TEMPLATE_REQUIRED + TEMPLATE_OPTIONAL),
            )
    for col in TEMPLATE_REQUIRED:
        if col not in header:
            raise InputFileError(
                where,
                "missing column",
                row=1,
                column=col,
                expected="the columns " + ", ".join(TEMPLATE_REQUIRED),
            )
    if len(lines) == 1:
        return pd.DataFrame(columns=[*TIDY_COLUMNS, "respondents", "margin_95"])
    df = load_table(path)
    if df.attrs.get("format") != "municipal-template":
        raise InputFileError(
            where,
            "not a municipal template",
            found=df.attrs.get("format"),
            expected="format 'municipal-template'",
        )
    yearly = df["period"].map(lambda p: p.freqstr.startswith("Y"))
    if not yearly.all():
        bad = df[~yearly].iloc[0]
        raise InputFileError(
            where,
            "period is not a year",
            column="period",
            found=str(bad["period"]),
            expected="a year such as 2023 (the evaluation compares years)",
        )
    for col in ("respondents", "margin_95"):
        if col not in df:
            df[col] = np.nan
    return df


def indicator_series(
    indicator: Indicator,
    municipality: str,
    templates_dir: str | Path | None = None,
    _cache: dict | None = None,
    inputs: datasets.Inputs = (),
) -> pd.DataFrame:
    """Return the yearly figures of one indicator for one municipality.

    The figures of the indicator's source (a data set, with the added ``inputs`` in its scope, or
    a template), with every added figure of the same municipality and code laid over them: an
    added file wins for the same year and extends the series, whatever the source (the plan's
    total, a template).

    Returns
    -------
    DataFrame
        Columns ``year`` (int), ``value`` (float, NaN where not available), ``status``,
        ``respondents`` and ``margin_95`` (NaN where not given), ``file`` and ``key`` (where each
        figure was read, :mod:`ivp_analysis.refs`), sorted by year.

    Examples
    --------
    >>> from ivp_analysis.indicators.catalogue import load_catalogue
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
            else datasets.get(src.name, inputs)
        )
    df = _yearly(cache[key], municipality, src.code)
    if inputs:
        df = overlay(df, _yearly(datasets.added_figures(inputs), municipality, src.code))
    out = pd.DataFrame(
        {
            "year": df["period"].map(lambda p: p.year).astype(int).to_numpy(),
            "value": df["value"].astype(float).to_numpy(),
            "status": df["status"].to_numpy(),
            "respondents": df["respondents"].astype(float).to_numpy()
            if "respondents" in df
            else np.nan,
            "margin_95": df["margin_95"].astype(float).to_numpy() if "margin_95" in df else np.nan,
            "file": df["file"].to_numpy(),
            "key": df["key"].to_numpy(),
        }
    )
    return out.sort_values("year").reset_index(drop=True)


def _yearly(df: pd.DataFrame, municipality: str, code: str) -> pd.DataFrame:
    """Return the yearly rows of one municipality and code of a tidy frame."""
    df = df[(df["region"] == municipality) & (df["code"] == code)]
    return df[df["period"].map(lambda p: p.freqstr.startswith("Y")).astype(bool)]


def population_series(municipality: str, inputs: datasets.Inputs = ()) -> pd.Series:
    """Return the CBS average population per year (index: year) of a municipality.

    Examples
    --------
    >>> population_series("GM1926").loc[[2022, 2023]].tolist()
    [57122.0, 57802.0]
    """
    pop = datasets.municipal_population(inputs)
    pop = pop[pop["region"] == municipality]
    return pd.Series(
        pop["value"].to_numpy(float),
        index=pop["period"].map(lambda p: p.year).astype(int).to_numpy(),
    ).sort_index()


def budget(municipality: str) -> pd.DataFrame:
    """Return the plan's budget per year with the population and the amount per inhabitant.

    Empty when the shipped plan (Pijnacker-Nootdorp's) has no budget for the municipality.

    Returns
    -------
    DataFrame
        Columns ``year``, ``budget`` (EUR), ``population`` (CBS average; NaN where not yet
        published) and ``per_inhabitant`` (EUR).

    Examples
    --------
    >>> b = budget("GM1926")
    >>> b["year"].tolist(), b["budget"].tolist()
    ([2023, 2024, 2025, 2026], [95000.0, 190000.0, 190000.0, 190000.0])
    >>> round(float(b.loc[0, "per_inhabitant"]), 2)
    1.64
    """
    b = datasets.get("plan_budget")
    b = b[(b["region"] == municipality) & (b["code"] == "budget.ivp")]
    years = b["period"].map(lambda p: p.year).astype(int).to_numpy()
    out = pd.DataFrame(
        {
            "year": years,
            "budget": b["value"].astype(float).to_numpy(),
            "population": population_series(municipality).reindex(years).to_numpy(),
        }
    )
    out["per_inhabitant"] = out["budget"] / out["population"]
    return out.reset_index(drop=True)
