"""Data overview (notebook 00): which sources, periods, crime types and statuses exist for a
municipality, which files the report adds to the shipped data, their vintage and every shipped
value they meet. :func:`analyse` returns one :class:`Overview`; its tables and sentences for
readers are in :mod:`ivp_analysis.present.overview`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from ivp_analysis import codes, datasets, refs
from ivp_analysis.codes import COUNT_UNITS
from ivp_analysis.inputs import MEETING_COLUMNS
from ivp_analysis.refs import SOURCE_COLUMNS
from ivp_analysis.vocab import ADDED_DATASET, MUNICIPAL_DATASETS

#: Unit of a crime count (the other units of the police table are not crime types).
CRIME_UNIT = "misdrijven"


def municipal_data(
    municipality: str, sets: tuple[str, ...] = MUNICIPAL_DATASETS, inputs: Sequence[str] = ()
) -> pd.DataFrame:
    """Return every figure for one municipality as one tidy frame with a ``dataset`` column.

    The data sets with the added ``inputs`` laid over them; the municipality's added figures
    that lay over no data set follow as data set :data:`~ivp_analysis.vocab.ADDED_DATASET`.
    """
    frames = []
    for name in sets:
        df = datasets.get(name, inputs)
        df = df[df["region"] == municipality]
        frames.append(df.assign(dataset=name))
    rest = datasets.outside_scopes(inputs)
    if len(rest):
        rest = rest[rest["region"] == municipality].drop(columns="input")
        frames.append(rest.assign(dataset=ADDED_DATASET))
    return pd.concat(frames, ignore_index=True)


def availability(data: pd.DataFrame) -> pd.DataFrame:
    """Return one row per data set, code and year with the status of that figure.

    Years between a code's first and last year without a value get status ``missing`` for
    counts (registered every year); survey marks are measured every few years, so their gaps
    are not listed. A withheld value (NaN) is ``missing`` too, with its note.

    Examples
    --------
    >>> d = pd.DataFrame({
    ...     "dataset": ["a"] * 3, "code": ["1"] * 3, "label": ["x"] * 3, "source": ["S"] * 3,
    ...     "unit": ["misdrijven"] * 3,
    ...     "period": pd.PeriodIndex(["2019", "2021", "2022"], freq="Y"),
    ...     "value": [1.0, float("nan"), 2.0], "status": ["final"] * 3, "note": ["", "n.b.", ""]})
    >>> availability(d)[["year", "status"]].values.tolist()
    [[2019, 'final'], [2020, 'missing'], [2021, 'missing'], [2022, 'final']]
    """
    if "file" not in data or "key" not in data:
        data = data.assign(file="", key="")
    yearly = data[data["period"].map(lambda p: p.freqstr.startswith("Y"))].copy()
    yearly["year"] = yearly["period"].map(lambda p: p.year).astype(int)
    yearly.loc[yearly["value"].isna(), "status"] = "missing"
    rows = []
    for (ds, code), g in yearly.groupby(["dataset", "code"], sort=True):
        have = g.set_index("year")
        counted = g["unit"].iloc[0] in COUNT_UNITS
        years = (
            range(int(g["year"].min()), int(g["year"].max()) + 1) if counted else sorted(have.index)
        )
        for year in years:
            if year in have.index:
                r = have.loc[year]
                cell = refs.refer([r["file"]], [r["key"]])
                rows.append(
                    (ds, code, r["label"], r["source"], year, r["status"], r["value"], r["note"])
                    + cell
                )
            else:
                label, source = g["label"].iloc[0], g["source"].iloc[0]
                note = "geen waarde in het bestand"
                rows.append((ds, code, label, source, year, "missing", float("nan"), note, "", ""))
    return pd.DataFrame(rows, columns=AVAILABILITY_COLUMNS)


#: Columns of ``data_availability.csv``.
AVAILABILITY_COLUMNS = [
    "dataset",
    "code",
    "label",
    "source",
    "year",
    "status",
    "value",
    "note",
    *SOURCE_COLUMNS,
]


def provisional_years(avail: pd.DataFrame) -> list[int]:
    """Return the years that hold at least one provisional figure, sorted.

    Examples
    --------
    >>> provisional_years(pd.DataFrame({"year": [2023, 2024, 2025, 2024],
    ...     "status": ["final", "provisional", "provisional", "final"]}))
    [2024, 2025]
    """
    return sorted(int(y) for y in avail.loc[avail["status"] == "provisional", "year"].unique())


def crime_types(data: pd.DataFrame, dataset: str = "municipal_crime") -> list[str]:
    """Return the codes of the crime types in a data set (the population is not a crime type).

    Parameters
    ----------
    data : DataFrame
        Output of :func:`municipal_data` (tidy frame with ``dataset`` and ``unit``).

    Examples
    --------
    >>> d = pd.DataFrame({"dataset": "d", "code": ["1.1.1", "population_avg", "1.1.1"],
    ...                   "unit": ["misdrijven", "inwoners", "misdrijven"]})
    >>> crime_types(d, "d")
    ['1.1.1']
    """
    rows = data[(data["dataset"] == dataset) & (data["unit"] == CRIME_UNIT)]
    return sorted(rows["code"].unique())


def plan_total_gap(municipality: str) -> tuple[float, float] | None:
    """Return how far the CBS totals lie above the plan's, in %: lowest and highest year.

    ``None`` when the shipped plan has no totals for the municipality (see
    :func:`ivp_analysis.trends.reconcile.total_gap`).
    """
    from ivp_analysis.trends.inputs import load_inputs
    from ivp_analysis.trends.reconcile import plan_reconciliation, total_gap

    inputs = load_inputs()
    if municipality not in inputs.plan_regions:
        return None
    return total_gap(plan_reconciliation(inputs, municipality))


@dataclass
class Overview:
    """What the shipped data hold for one municipality.

    Attributes
    ----------
    municipality, name : str
        CBS code and name.
    data : DataFrame
        Every shipped figure of the municipality (tidy, with a ``dataset`` column).
    availability : DataFrame
        ``data_availability.csv``: one row per data set, code and year with its status.
    plan_gap : tuple of float or None
        The CBS totals against the plan's, lowest and highest % above (``None``: no plan totals).
    inputs : tuple of str
        The files or snapshot folders the report adds to the shipped data.
    vintages : DataFrame
        ``data_inputs.csv``: one row per added input with its format, periods and dates.
    overrides : DataFrame
        ``data_overrides.csv``: every shipped value an added figure meets, replaced or kept.
    """

    municipality: str
    name: str
    data: pd.DataFrame
    availability: pd.DataFrame
    plan_gap: tuple[float, float] | None = None
    inputs: tuple[str, ...] = ()
    vintages: pd.DataFrame = field(default_factory=pd.DataFrame)
    overrides: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MEETING_COLUMNS))

    @property
    def result_tables(self) -> dict[str, pd.DataFrame]:
        """The result tables by file name; the tables of added inputs only when there are some."""
        tables = {"data_availability": self.availability}
        if self.inputs:
            tables |= {"data_inputs": self.vintages, "data_overrides": self.overrides}
        return tables

    @property
    def has_plan(self) -> bool:
        """Whether the shipped plan has figures for the municipality."""
        return bool((self.data["dataset"].str.startswith("plan")).any())


def analyse(municipality: str, inputs: Sequence[str] = ()) -> Overview:
    """Collect what the data hold for a municipality, with the report's added ``inputs``.

    Examples
    --------
    >>> o = analyse("GM1926")
    >>> len(crime_types(o.data)), o.has_plan, list(o.result_tables)
    (12, True, ['data_availability'])
    """
    data = municipal_data(municipality, inputs=inputs)
    return Overview(
        municipality=municipality,
        name=codes.municipality_name(municipality),
        data=data,
        availability=availability(data),
        plan_gap=plan_total_gap(municipality),
        inputs=tuple(inputs),
        vintages=datasets.vintages(inputs),
        overrides=datasets.overrides(inputs),
    )
