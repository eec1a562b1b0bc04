"""The plan's figures against the official series (``ivp_analysis.trends.reconcile``): the
matching rules on hand-made cells, and the plan's known differences on the shipped data."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis import vocab
from ivp_analysis.trends import reconcile as rc


def test_reconciliation_matching_rules():
    plan = pd.DataFrame(
        {
            "region": "GM1",
            "code": ["p", "p", "p", "p", "t", "t", "t", "t", "x", "p"],
            "label": "l",
            "year": [2017, 2018, 2019, 2020, 2017, 2018, 2019, 2021, 2019, 2021],
            "value": [98.0, 97.0, 80.0, 72.0, 1671.0, 1665.0, 1649.0, 1596.0, 251.0, np.nan],
        }
    )
    off = pd.DataFrame(
        {
            "region": "GM1",
            "code": ["p", "p", "p", "p", "p", "t", "t", "t"],
            "year": [2017, 2018, 2019, 2020, 2021, 2017, 2018, 2019],
            "value": [97.0, 98.0, 80.0, 73.0, 61.0, 1675.0, 1660.0, 1645.0],
            "source": ["P"] * 5 + ["C"] * 3,
            "rounding": [1] * 5 + [5] * 3,
        }
    )
    r = rc.reconcile(plan, off, {"p": ("P", 1), "t": ("C", 5)}).set_index(["code", "year"])
    assert r.loc[("p", 2019), "match"] == vocab.MATCH_YES
    assert r.loc[("p", 2020), "match"] == vocab.MATCH_NO  # one case apart is a difference
    assert r.loc[("p", 2020), "difference"] == -1  # plan minus official
    assert r.loc[("p", 2017), "note"] == r.loc[("p", 2018), "note"] != ""  # swapped years
    assert "verwisseld" in r.loc[("p", 2017), "note"]
    assert r.loc[("p", 2021), "match"] == vocab.MATCH_NOT_IN_PLAN
    assert r.loc[("t", 2017), "match"] == vocab.MATCH_ROUNDING  # |-4| < 5
    assert r.loc[("t", 2018), "match"] == vocab.MATCH_NO  # 5 is not below 5
    assert r.loc[("t", 2019), "match"] == vocab.MATCH_ROUNDING  # |+4| < 5
    assert r.loc[("t", 2021), "match"] == vocab.MATCH_NO_SERIES
    assert r.loc[("t", 2021), "official_source"] == "C: geen cijfer voor 2021 meegeleverd"
    assert r.loc[("x", 2019), "match"] == vocab.MATCH_NO_SERIES
    assert r.loc[("x", 2019), "official_source"] == vocab.MATCH_NO_SERIES
    assert r.loc[("t", 2017), "note"] == vocab.NOTE_CBS_NL  # rounded to 5: CBS counts differently
    assert len(r) == len(plan)  # nothing dropped


def test_total_gap_is_the_official_total_above_the_plans_in_percent():
    # 2017: (1695 - 1674) / 1674 = 1.2545 %; 2018: (1455 - 1432) / 1432 = 1.6061 %;
    # 2021 has no official figure and the other code is not the total: both left out.
    r = pd.DataFrame(
        {
            "code": ["0.0.0", "0.0.0", "0.0.0", "1.1.1"],
            "plan_value": [1674.0, 1432.0, 1500.0, 50.0],
            "official_value": [1695.0, 1455.0, np.nan, 10.0],
        }
    )
    assert rc.total_gap(r) == pytest.approx((2100 / 1674, 2300 / 1432))
    assert rc.total_gap(r[r["code"] == "1.1.1"]) is None


def test_reconciliation_lists_the_plans_known_differences(inputs):
    r = rc.plan_reconciliation(inputs, "GM1926")
    assert len(r) == 60  # every printed cell of the plan's table
    differ = r[(r["match"] == vocab.MATCH_NO) & r["official_source"].eq(vocab.SOURCE_POLICE)]
    assert differ[["code", "year", "plan_value", "official_value"]].values.tolist() == [
        ["1.1.1", 2020, 72.0, 73.0],
        ["1.2.1", 2017, 98.0, 97.0],
        ["1.2.1", 2018, 97.0, 98.0],
    ]
    assert r.loc[r["code"] == "1.2.2", "match"].eq(vocab.MATCH_YES).all()
    for code in ("3.9.1", "3.9.1-online", "inc.overlast_jeugd"):
        assert r.loc[r["code"] == code, "official_source"].eq(vocab.MATCH_NO_SERIES).all()
    # CBS 83648NED above the plan's printed totals (data/raw/ivp-2023-2026 and the CBS extracts):
    # smallest 2022, CBS 1,660 against 1,641 (19 / 1,641 = 1.16 %); largest 2020, CBS 1,800
    # against 1,763 (37 / 1,763 = 2.10 %); 2017-2019 lie in between (21/1674, 23/1432, 22/1643)
    assert rc.total_gap(r) == pytest.approx((100 * 19 / 1641, 100 * 37 / 1763))


def test_no_plan_figures_give_an_empty_reconciliation(inputs):
    r = rc.plan_reconciliation(inputs, "GM0363")
    assert r.empty and list(r) == rc.RECONCILIATION_COLUMNS
