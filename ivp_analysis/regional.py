"""The regional overview of a batch: the main verdicts of every municipality, one row each.

Reads each report folder's ``parameters.yaml`` and result tables by column name (the tables are
described in ``docs/results.md``) and returns numbers and codes only; the Dutch page and
``summary.csv`` are written by :mod:`ivp_analysis.present.regional`. A table or a column that a
report lacks (another version of a table, a report without that notebook) leaves its fields
empty; it is never an error.

Columns read (:data:`COLUMNS_READ` lists them per file; columns marked optional are used when a
report has them):

* ``parameters.yaml``: ``moment``, ``baseline_year``, ``eval_year``;
* ``trends.csv``: ``region``, ``code``, ``year``, ``population``, optional ``trend_verdict``;
* ``trend_models.csv``: ``region``, ``code``, ``source``, ``first_year``, ``last_year``,
  ``change_pct``, ``verdict``;
* ``indicators.csv``: ``priority``, ``indicator_id``, ``status``, ``change``, ``ci_low``,
  ``ci_high``, ``p_value``, ``eval_period``, optional ``q_value``, ``trend_verdict``,
  ``trend_expected``, ``trend_pi_low``, ``trend_pi_high``, ``baseline_vs_trend``,
  ``min_detectable_change``;
* ``covid_municipal.csv``: ``region``, ``code``, ``year``, ``observed``, ``expected``, ``verdict``;
* ``covid_summary.csv`` (national, the same in every report): ``code``, ``phase``,
  ``pct_difference``, ``verdict``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from ivp_analysis import vocab

COLUMNS_READ: dict[str, tuple[str, ...]] = {
    "parameters.yaml": ("moment", "baseline_year", "eval_year"),
    "trends.csv": ("region", "code", "year", "population", "trend_verdict (optional)"),
    "trend_models.csv": (
        "region",
        "code",
        "source",
        "first_year",
        "last_year",
        "change_pct",
        "verdict",
    ),
    "indicators.csv": (
        "priority",
        "indicator_id",
        "status",
        "change",
        "ci_low",
        "ci_high",
        "p_value",
        "eval_period",
        "q_value (optional)",
        "trend_verdict (optional)",
        "trend_expected (optional)",
        "trend_pi_low (optional)",
        "trend_pi_high (optional)",
        "baseline_vs_trend (optional)",
        "min_detectable_change (optional)",
    ),
    "covid_municipal.csv": ("region", "code", "year", "observed", "expected", "verdict"),
    "covid_summary.csv": ("code", "phase", "pct_difference", "verdict"),
}


@dataclass(frozen=True)
class Crime:
    """A crime type of the overview: its column prefix, indicator id and crime code."""

    key: str
    indicator: str
    code: str


#: The crime types of the overview: burglary and total registered crime.
CRIMES = (
    Crime("burglary", "woninginbraak", "1.1.1"),
    Crime("total_crime", "misdrijven_totaal", "0.0.0"),
)
#: The COVID-19 years whose municipal effect is summed.
COVID_YEARS = (2020, 2021)
#: Sources of a crime type's trend in ``trend_models.csv``, preferred first.
TREND_SOURCES = (vocab.SOURCE_POLICE, vocab.SOURCE_CBS, vocab.SOURCE_PLAN)
#: Indicator status groups counted per priority (every "not assessable: ..." is one group).
STATUS_GROUPS = ("improved", "worsened", "no_change", "not_assessable", "other")
#: Fields of a crime type copied from its ``indicators.csv`` row (when the column exists):
#: column -> field; ``trend_verdict`` there is the position against the projected trend.
INDICATOR_FIELDS: dict[str, str] = {
    "status": "status",
    "change": "change",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "p_value": "p_value",
    "q_value": "q_value",
    "eval_period": "eval_period",
    "trend_verdict": "trend_position",
    "trend_expected": "trend_expected",
    "trend_pi_low": "trend_pi_low",
    "trend_pi_high": "trend_pi_high",
    "baseline_vs_trend": "baseline_vs_trend",
    "min_detectable_change": "min_detectable_change",
}
#: Fields that are numbers (the others are codes or text).
NUMERIC_FIELDS = frozenset(
    {"change", "ci_low", "ci_high", "p_value", "q_value", "trend_expected", "trend_pi_low"}
    | {"trend_pi_high", "min_detectable_change"}
)


class Outcome(Protocol):
    """What :func:`overview` needs of a batch result (:class:`ivp_analysis.batch.BatchResult`)."""

    municipality: str
    status: str
    detail: str
    folder: str
    row: dict | None  # the fields of report_row, when the worker read them already


def status_group(status: str) -> str:
    """Return the group of an indicator status for the counts per priority.

    Examples
    --------
    >>> status_group("improved"), status_group("not assessable: no data")
    ('improved', 'not_assessable')
    >>> status_group("something new")
    'other'
    """
    if status.startswith("not assessable"):
        return "not_assessable"
    return {
        vocab.STATUS_IMPROVED: "improved",
        vocab.STATUS_WORSENED: "worsened",
        vocab.STATUS_NO_CHANGE: "no_change",
    }.get(status, "other")


def priorities(rows: Iterable[dict] = ()) -> list[str]:
    """Return the priorities of the overview: the plan's, then any other found in ``rows``."""
    found = list(vocab.PRIORITIES)
    for row in rows:
        for key in row.get("_priorities", ()):
            if key not in found:
                found.append(key)
    return found


def columns(prios: list[str]) -> list[str]:
    """Return the columns of ``summary.csv`` in their order."""
    cols = ["municipality", "name", "status", "error", "report", "pdf", "moment"]
    cols += ["baseline_year", "eval_year", "population", "population_year"]
    for p in prios:
        cols += [f"indicators_{p}_{g}" for g in STATUS_GROUPS]
    for crime in CRIMES:
        cols += [f"{crime.key}_{f}" for f in INDICATOR_FIELDS.values()]
        cols += [f"{crime.key}_trend_{f}" for f in ("source", "years", "change_pct", "verdict")]
    for year in COVID_YEARS:
        cols += [
            f"covid_{year}_{f}" for f in ("observed", "expected", "pct", "below", "above", "types")
        ]
    return cols


def read_table(folder: Path, name: str, region: str | None = None) -> pd.DataFrame:
    """Read a result table as text (empty cells as ``""``); an absent table is an empty frame.

    With ``region``, a table whose first column is ``region`` keeps only that region's rows,
    picked before parsing: ``covid_municipal.csv`` holds every municipality, and a batch of all
    of them reads it once per report.
    """
    path = Path(folder) / "results" / name
    if not path.is_file():
        return pd.DataFrame()
    if region:
        with open(path, encoding="utf-8", newline="") as f:
            header = f.readline()
            if header.split(",", 1)[0] == "region":
                prefix = f"{region},"
                rows = [line for line in f if line.startswith(prefix)]
                text = header + "".join(rows)
                return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def number(text: Any) -> float | None:
    """Return a CSV cell as a number, or ``None`` when it is empty or not a finite number.

    Examples
    --------
    >>> number("1.5"), number(""), number("inf"), number("x")
    (1.5, None, None, None)
    """
    try:
        x = float(text)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _moment(folder: Path) -> dict:
    """Return moment, baseline and evaluation year from the report's ``parameters.yaml``."""
    import yaml

    from ivp_analysis import moments

    path = Path(folder) / "parameters.yaml"
    if not path.is_file():
        return {}
    params = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {"moment": params.get("moment", "")}
    try:
        m = moments.resolve(
            params.get("moment", ""), params.get("baseline_year", 0), params.get("eval_year", 0)
        )
    except Exception:  # noqa: BLE001 - a moment this version cannot resolve: years unknown
        return out
    return {**out, "baseline_year": m.baseline_year, "eval_year": m.eval_year}


def _population(trends: pd.DataFrame, code: str, eval_year: int | None) -> dict:
    """Return the population of the evaluation year (else the latest year before it)."""
    if trends.empty or "population" not in trends:
        return {}
    own = trends[(trends["region"] == code) & (trends["population"] != "")]
    years = {int(y): number(p) for y, p in zip(own["year"], own["population"], strict=True)}
    years = {y: p for y, p in years.items() if p is not None}
    usable = [y for y in years if eval_year is None or y <= eval_year] or list(years)
    if not usable:
        return {}
    year = max(usable)
    return {"population": int(years[year]), "population_year": year}  # type: ignore[arg-type]


def _indicator_counts(indicators: pd.DataFrame) -> dict:
    """Count the indicator statuses per priority and status group."""
    if indicators.empty or not {"priority", "status"} <= set(indicators):
        return {}
    out: dict[str, Any] = {"_priorities": list(dict.fromkeys(indicators["priority"]))}
    for p in out["_priorities"]:
        for g in STATUS_GROUPS:
            out[f"indicators_{p}_{g}"] = 0
    for p, status in zip(indicators["priority"], indicators["status"], strict=True):
        out[f"indicators_{p}_{status_group(status)}"] += 1
    return out


def _crime(crime: Crime, tables: dict[str, pd.DataFrame], code: str, eval_year: int | None):
    """Return a crime type's fields: its indicator (against the baseline) and its trend."""
    out: dict[str, Any] = {}
    ind = tables["indicators.csv"]
    if not ind.empty and "indicator_id" in ind:
        rows = ind[ind["indicator_id"] == crime.indicator]
        if len(rows):
            row = rows.iloc[0]
            for column, f in INDICATOR_FIELDS.items():
                if column in row.index and row[column] != "":
                    value = row[column]
                    out[f"{crime.key}_{f}"] = number(value) if f in NUMERIC_FIELDS else value
    trends = tables["trends.csv"]
    if f"{crime.key}_trend_position" not in out and "trend_verdict" in trends and eval_year:
        rows = trends[(trends["region"] == code) & (trends["code"] == crime.code)]
        rows = rows[(rows["year"] == str(eval_year)) & (rows["trend_verdict"] != "")]
        if len(rows):
            out[f"{crime.key}_trend_position"] = rows["trend_verdict"].iloc[0]
    models = tables["trend_models.csv"]
    if not models.empty and {"region", "code", "source"} <= set(models):
        rows = models[(models["region"] == code) & (models["code"] == crime.code)]
        for source in (*TREND_SOURCES, *rows["source"]):
            pick = rows[rows["source"] == source]
            if len(pick):
                row = pick.iloc[0]
                out[f"{crime.key}_trend_source"] = source
                out[f"{crime.key}_trend_years"] = f"{row['first_year']}-{row['last_year']}"
                out[f"{crime.key}_trend_change_pct"] = number(row["change_pct"])
                out[f"{crime.key}_trend_verdict"] = row["verdict"]
                break
    return out


def _covid(covid: pd.DataFrame, code: str) -> dict:
    """Sum observed and expected over the municipality's crime types per COVID-19 year."""
    if covid.empty or not {"region", "year", "observed", "expected", "verdict"} <= set(covid):
        return {}
    own = covid[covid["region"] == code]
    out: dict[str, Any] = {}
    for year in COVID_YEARS:
        rows = own[own["year"] == str(year)]
        pairs = []
        for o, e in zip(rows["observed"], rows["expected"], strict=True):
            x, y = number(o), number(e)
            if x is not None and y is not None:
                pairs.append((x, y))
        if not pairs:
            continue
        observed = sum(o for o, _ in pairs)
        expected = sum(e for _, e in pairs)
        out[f"covid_{year}_observed"] = observed
        out[f"covid_{year}_expected"] = expected
        out[f"covid_{year}_pct"] = (observed / expected - 1) * 100 if expected > 0 else None
        out[f"covid_{year}_below"] = int((rows["verdict"] == vocab.VERDICT_BELOW).sum())
        out[f"covid_{year}_above"] = int((rows["verdict"] == vocab.VERDICT_ABOVE).sum())
        out[f"covid_{year}_types"] = len(rows)
    return out


def report_row(folder: Path, municipality: str) -> dict:
    """Return the overview fields of one report folder (numbers and codes)."""
    folder = Path(folder)
    row: dict[str, Any] = dict(_moment(folder))
    tables = {
        name: read_table(folder, name, municipality)
        for name in ("trends.csv", "trend_models.csv", "indicators.csv", "covid_municipal.csv")
    }
    row.update(_population(tables["trends.csv"], municipality, row.get("eval_year")))
    row.update(_indicator_counts(tables["indicators.csv"]))
    for crime in CRIMES:
        row.update(_crime(crime, tables, municipality, row.get("eval_year")))
    row.update(_covid(tables["covid_municipal.csv"], municipality))
    return row


def national_covid(folder: Path) -> dict[str, dict]:
    """Return the national COVID-19 effect on total crime per year (``covid_summary.csv``)."""
    table = read_table(Path(folder), "covid_summary.csv")
    if table.empty or not {"code", "phase", "pct_difference", "verdict"} <= set(table):
        return {}
    rows = table[(table["code"] == "0.0.0") & table["phase"].isin([str(y) for y in COVID_YEARS])]
    return {
        r["phase"]: {"pct": number(r["pct_difference"]), "verdict": r["verdict"]}
        for _, r in rows.iterrows()
    }


def overview(results: Iterable[Outcome], out_root: Path) -> pd.DataFrame:
    """Return one row per municipality of a batch (failed ones with their error), in batch order."""
    from ivp_analysis.codes import municipality_name

    rows = []
    for r in results:
        row: dict[str, Any] = {"municipality": r.municipality, "status": r.status}
        try:
            row["name"] = municipality_name(r.municipality)
        except Exception:  # noqa: BLE001 - an unknown code: the failed row says why
            row["name"] = r.municipality
        if r.status == "failed" or not r.folder:
            row["error"] = r.detail
        else:
            folder = Path(r.folder)
            row["report"] = _relative(folder / "index.html", out_root)
            if (folder / "report.pdf").is_file():
                row["pdf"] = _relative(folder / "report.pdf", out_root)
            row.update(r.row if r.row is not None else report_row(folder, r.municipality))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns(priorities(rows)))
    for col in frame.columns:
        values = frame[col].dropna()
        if len(values) and all(isinstance(v, int) for v in values):
            frame[col] = frame[col].astype("Int64")
        elif len(values) and all(isinstance(v, int | float) for v in values):
            frame[col] = frame[col].astype(float)
    return frame


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_uri()
