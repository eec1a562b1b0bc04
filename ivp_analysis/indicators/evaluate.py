"""The evaluation of every catalogue indicator for one municipality and moment."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis.indicators.assess import Assessment, assess
from ivp_analysis.indicators.baseline import BaselineRule, baseline_rule
from ivp_analysis.indicators.catalogue import Indicator, load_catalogue
from ivp_analysis.indicators.sources import indicator_series, population_series
from ivp_analysis.moments import MOMENTS, Moment
from ivp_analysis.moments import resolve as resolve_moment
from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.stats.multiplicity import bh_qvalues
from ivp_analysis.vocab import PRIORITIES

#: Columns of the result table ``indicators.csv``, in order (documented in docs/results.md).
#: ``Evaluation.table`` holds all but ``reason``, the Dutch sentence that
#: :func:`ivp_analysis.present.indicator_reasons.result_table` adds.
RESULT_COLUMNS = [
    "priority",
    "indicator_id",
    "label",
    "source",
    "unit",
    "desired_direction",
    "baseline_period",
    "baseline_value",
    "eval_period",
    "eval_value",
    "eval_status_of_data",
    "change",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "status",
    "p_value_exact",
    "method",
    "dispersion",
    "dispersion_df",
    "min_detectable_change",
    "trend_expected",
    "trend_pi_low",
    "trend_pi_high",
    "trend_verdict",
    "baseline_vs_trend",
    "reason",
    *SOURCE_COLUMNS,
]
#: Numeric columns of the result table.
NUMERIC_COLUMNS = [
    "baseline_value",
    "eval_value",
    "change",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "p_value_exact",
    "dispersion",
    "dispersion_df",
    "min_detectable_change",
    "trend_expected",
    "trend_pi_low",
    "trend_pi_high",
]
_TABLE_COLUMNS = [c for c in RESULT_COLUMNS if c != "reason"]
_ASSESSED = [c for c in _TABLE_COLUMNS if c in {f.name for f in fields(Assessment)}]


@dataclass
class Evaluation:
    """The evaluation of every catalogue indicator for one municipality and moment.

    Attributes
    ----------
    municipality, name : str
        CBS code and name of the municipality.
    moment : Moment
        The evaluation moment (:func:`ivp_analysis.moments.resolve`).
    next_moment : Moment or None
        The plan's next evaluation moment, for which figures must be supplied as well.
    rule : BaselineRule
        The baseline rule.
    catalogue : list of Indicator
        The catalogue, in the order of the file.
    table : DataFrame
        One row per indicator, ordered by priority and then catalogue order: the columns of
        ``RESULT_COLUMNS`` except ``reason``.
    details : DataFrame
        Per indicator (index ``indicator_id``, same order): ``kind``, ``theme``, ``caveat``,
        ``note``, ``source_kind``, ``source_name`` and ``code``.
    assessments : dict of str to Assessment
        The assessment behind each row, by indicator id.
    """

    municipality: str
    name: str
    moment: Moment
    next_moment: Moment | None
    rule: BaselineRule
    catalogue: list[Indicator]
    table: pd.DataFrame
    details: pd.DataFrame = field(repr=False)
    assessments: dict[str, Assessment] = field(repr=False)

    def by_status(self, status: str) -> pd.DataFrame:
        """Return the rows of the result table with one status."""
        return self.table[self.table["status"] == status]


def next_moment(moment: Moment) -> Moment | None:
    """Return the plan's next evaluation moment after a named one (none after the last or custom).

    Examples
    --------
    >>> next_moment(resolve_moment("tussenevaluatie-2024")).name
    'eindevaluatie-2026'
    >>> next_moment(resolve_moment("eindevaluatie-2026")) is None
    True
    """
    if moment.name not in MOMENTS:
        return None
    later = [m for m in MOMENTS.values() if m.eval_year > moment.eval_year]
    return resolve_moment(min(later, key=lambda m: m.eval_year).name) if later else None


def evaluate(
    municipality: str,
    moment: str = "tussenevaluatie-2024",
    *,
    baseline_year: int = 0,
    eval_year: int = 0,
    baseline: str = "year",
    baseline_first_year: int = 0,
    baseline_last_year: int = 0,
    data_last_year: int = 0,
    catalogue: str | Path | None = None,
    templates_dir: str | Path | None = None,
    inputs: list[str] | tuple[str, ...] = (),
) -> Evaluation:
    """Evaluate every indicator of the catalogue for a municipality and evaluation moment.

    Parameters
    ----------
    municipality : str
        CBS code, e.g. ``GM1926``.
    moment : str
        ``tussenevaluatie-2024``, ``eindevaluatie-2026`` or ``custom`` (with ``baseline_year``
        and ``eval_year``), resolved by :func:`ivp_analysis.moments.resolve`.
    baseline, baseline_first_year, baseline_last_year
        The baseline rule, see :func:`~ivp_analysis.indicators.baseline.baseline_rule`.
    data_last_year : int
        The data vintage of a ``custom`` moment (0: its evaluation year); see
        :func:`ivp_analysis.moments.resolve`. No figure after the evaluation year is used.
    catalogue : path, optional
        The catalogue file (default ``data/indicators.yaml``).
    templates_dir : path, optional
        Folder with the municipal templates (default ``data/templates``).
    inputs : list of str
        Added files or snapshot folders (the report's ``inputs``): an added figure of the
        municipality and an indicator's code wins over its source's for the same year
        (:func:`~ivp_analysis.indicators.sources.indicator_series`).

    Returns
    -------
    Evaluation
        ``table`` holds one row per catalogue indicator (none left out), ordered by priority
        and then catalogue order. The indicators with a test form one family: each p-value
        gets its Benjamini-Hochberg q-value (``q_value``); the status stays on p (each
        indicator answers a question the plan set in advance).

    Examples
    --------
    >>> ev = evaluate("GM1926", "tussenevaluatie-2024")
    >>> row = ev.table.set_index("indicator_id").loc["woninginbraak"]
    >>> float(row.baseline_value), float(row.eval_value), row.status
    (76.0, 37.0, 'improved')
    """
    m = resolve_moment(moment, baseline_year, eval_year, data_last_year=data_last_year)
    rule = baseline_rule(m, baseline, baseline_first_year, baseline_last_year)
    cat = load_catalogue(catalogue, templates_dir)
    pop = population_series(municipality, inputs)
    tdir = Path(templates_dir) if templates_dir else None
    cache: dict = {}
    assessments = {}
    for ind in cat:
        series = indicator_series(ind, municipality, templates_dir, cache, inputs)
        assessments[ind.id] = assess(
            ind.kind, ind.desired_direction, series, rule, m.eval_year, pop, caveat=ind.caveat
        )
    assessments = _with_q_values(assessments)
    order = sorted(cat, key=lambda i: list(PRIORITIES).index(i.priority))  # stable
    table = pd.DataFrame([_row(ind, assessments[ind.id], tdir) for ind in order])
    table = table.reindex(columns=_TABLE_COLUMNS)
    for c in NUMERIC_COLUMNS:
        table[c] = table[c].astype(float)
    details = pd.DataFrame([_details(ind) for ind in order]).set_index("indicator_id")
    name = _codes.municipality_name(municipality)
    return Evaluation(municipality, name, m, next_moment(m), rule, cat, table, details, assessments)


def _with_q_values(assessments: dict[str, Assessment]) -> dict[str, Assessment]:
    """Return the assessments with the Benjamini-Hochberg q-value of the indicators' family."""
    ids = list(assessments)
    q = bh_qvalues([assessments[i].p_value for i in ids])
    return {i: replace(assessments[i], q_value=float(v)) for i, v in zip(ids, q, strict=True)}


def _row(ind: Indicator, a: Assessment, templates_dir: Path | None) -> dict:
    """Return the result-table row of one indicator (without the reason)."""
    return {
        "priority": ind.priority,
        "indicator_id": ind.id,
        "label": ind.label,
        "source": ind.source.describe(templates_dir),
        "unit": ind.unit,
        "desired_direction": ind.desired_direction,
        **{c: getattr(a, c) for c in _ASSESSED},
    }


def _details(ind: Indicator) -> dict:
    """Return what the presentation needs of an indicator besides its result row."""
    return {
        "indicator_id": ind.id,
        "kind": ind.kind,
        "theme": ind.theme,
        "caveat": ind.caveat,
        "note": ind.note,
        "source_kind": ind.source.kind,
        "source_name": ind.source.name,
        "code": ind.source.code,
    }
