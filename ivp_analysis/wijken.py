"""Counts and rates per wijk of a municipality, from buurt (or wijk) figures.

Buurt codes nest in wijk codes (``BU19260101`` lies in ``WK192601``, which lies in ``GM1926``), so
buurt figures add up to wijk figures without a lookup table. Buurt sums fall short of the municipal
total: crimes the police cannot place in a buurt count for the municipality only (GM1926 2023:
1,648 in the buurten against 1,663 in 47013NED).
"""

from __future__ import annotations

import pandas as pd

from ivp_analysis import codes


def wijk_of(region: str) -> str | None:
    """Return the wijk code a buurt or wijk code lies in (None for other levels).

    Examples
    --------
    >>> wijk_of("BU19260101"), wijk_of("WK192603"), wijk_of("GM1926")
    ('WK192601', 'WK192603', None)
    """
    if region.startswith("BU") and len(region) == 10:
        return "WK" + region[2:8]
    if region.startswith("WK") and len(region) == 8:
        return region
    return None


def per_wijk(
    crime: pd.DataFrame, population: pd.DataFrame, municipality: str, code: str = codes.TOTAL_CRIME
) -> pd.DataFrame:
    """Return counts and rates per 1,000 inhabitants per wijk of a municipality.

    Parameters
    ----------
    crime : pandas.DataFrame
        Tidy frame with buurt (``BU...``) or wijk (``WK...``) rows; buurt rows are summed per
        wijk, wijk rows are taken as they are (a wijk with both uses its wijk row).
    population : pandas.DataFrame
        Tidy frame of inhabitants per buurt or wijk (any population code; the latest period).
    municipality : str
        ``GM`` code, e.g. ``GM1926``.
    code : str
        Crime code to report (default the total ``0.0.0``).

    Returns
    -------
    pandas.DataFrame
        One row per wijk and period: ``wijk``, ``wijk_name``, ``period``, ``count``,
        ``buurten`` (how many buurt rows were summed; 0 for a published wijk row),
        ``population``, ``population_period`` and ``rate_per_1000`` (NaN without population).
        A withheld buurt makes its wijk's count NaN rather than too low.
    """
    digits = municipality[2:]
    rows = crime[(crime["code"] == code) & crime["region"].map(lambda r: _in(r, digits))]
    rows = rows.assign(wijk=rows["region"].map(wijk_of))
    buurt = rows[rows["region"].str.startswith("BU")]
    summed = (
        buurt.groupby(["wijk", "period"])["value"]
        .agg(count=lambda v: v.sum(min_count=len(v)), buurten="size")
        .reset_index()
    )
    wijk_rows = rows[rows["region"].str.startswith("WK")]
    published = pd.DataFrame(
        {"wijk": wijk_rows["wijk"], "period": wijk_rows["period"], "count": wijk_rows["value"]}
    ).assign(buurten=0)
    keys = set(zip(published["wijk"], published["period"], strict=True))
    summed = summed[[k not in keys for k in zip(summed["wijk"], summed["period"], strict=True)]]
    out = pd.concat([published, summed], ignore_index=True)
    pop = _wijk_population(population, digits)
    out = out.merge(pop, on="wijk", how="left")
    out["rate_per_1000"] = out["count"] / out["population"] * 1000
    names = codes.region_list().names
    out.insert(1, "wijk_name", out["wijk"].map(lambda w: names.get(w, w)))
    return out.sort_values(["wijk", "period"]).reset_index(drop=True)


def _in(region: str, digits: str) -> bool:
    return region[:2] in ("BU", "WK") and region[2:6] == digits


def _wijk_population(population: pd.DataFrame, digits: str) -> pd.DataFrame:
    pop = population[population["region"].map(lambda r: _in(r, digits))]
    if pop.empty:
        return pd.DataFrame(columns=["wijk", "population", "population_period"])
    latest = pop["period"].max()
    pop = pop[pop["period"] == latest].assign(wijk=lambda d: d["region"].map(wijk_of))
    wk = pop[pop["region"].str.startswith("WK")].set_index("wijk")["value"]
    bu = pop[pop["region"].str.startswith("BU")].groupby("wijk")["value"].sum(min_count=1)
    total = wk.combine_first(bu)
    return pd.DataFrame(
        {"wijk": total.index, "population": total.values, "population_period": latest}
    )
