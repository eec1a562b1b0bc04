"""The evaluation of every catalogue indicator for one municipality and moment."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ivp_analysis import codes as _codes
from ivp_analysis.indicators.assess import RESULT_COLUMNS, assess
from ivp_analysis.indicators.baseline import BaselineRule, baseline_rule
from ivp_analysis.indicators.catalogue import Indicator, load_catalogue
from ivp_analysis.indicators.sources import indicator_series, population_series
from ivp_analysis.moments import Moment
from ivp_analysis.moments import resolve as resolve_moment
from ivp_analysis.vocab import PRIORITIES

#: The next evaluation after a moment (name, evaluation year), for the data-gap list.
NEXT_EVALUATION: dict[str, tuple[str, int]] = {
    "tussenevaluatie-2024": ("eindevaluatie 2026", 2025),
}


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
        r = assess(
            ind.kind, ind.desired_direction, series, rule, m.eval_year, pop, caveat=ind.caveat
        )
        rows.append(
            {
                "priority": ind.priority,
                "indicator_id": ind.id,
                "label": ind.label,
                "source": ind.source.describe(Path(templates_dir) if templates_dir else None),
                "unit": ind.unit,
                "desired_direction": ind.desired_direction,
                **{k: r[k] for k in RESULT_COLUMNS if k in r},
            }
        )
        extra.append(
            {
                "indicator_id": ind.id,
                "kind": ind.kind,
                "theme": ind.theme,
                "caveat": ind.caveat,
                "note": ind.note,
                "gap": r["gap"],
                "last_year": r["last_year"],
                "source_kind": ind.source.kind,
                "source_name": ind.source.name,
                "code": ind.source.code,
            }
        )
    table = pd.DataFrame(rows)
    order = {p: i for i, p in enumerate(PRIORITIES)}
    table["_p"] = table["priority"].map(order)
    table["_i"] = range(len(table))
    table = table.sort_values(["_p", "_i"]).drop(columns=["_p", "_i"]).reset_index(drop=True)
    table = table[RESULT_COLUMNS]
    for c in ("baseline_value", "eval_value", "change", "ci_low", "ci_high", "p_value"):
        table[c] = table[c].astype(float)
    details = pd.DataFrame(extra).set_index("indicator_id").loc[table["indicator_id"]]
    return Evaluation(
        municipality, _codes.municipality_name(municipality), m, rule, cat, table, details
    )
