"""Tests of ivp_analysis.trends on tiny hand-made frames with expectations worked out by hand.

A few tests at the end check the shipped data against the figures the issue and the plan give
(the must-show rows, the plan's known differences) and against an independent source.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from ivp_analysis import trends as tr
from ivp_analysis import vocab
from ivp_analysis.errors import ParameterError

UP, DOWN, NONE, NA = vocab.VERDICT_UP, vocab.VERDICT_DOWN, vocab.VERDICT_WITHIN, vocab.VERDICT_NA


def _series(counts, pops, years, code="1.1.1", source=tr.SOURCE_POLICE, region="GM1926"):
    return pd.DataFrame({
        "region": region, "code": code, "label": "x", "source": source, "status": "final",
        "year": years, "count": np.asarray(counts, float), "population": np.asarray(pops, float),
    })  # fmt: skip


# --------------------------------------------------------------------------- rates


def test_rate_per_1000_is_rounded_to_three_decimals():
    # 103 / 53,145 x 1,000 = 1.93809... -> 1.938 (the issue's example, GM1926 burglary 2017)
    out = tr.add_rates(pd.DataFrame({"count": [103.0, 1.0], "population": [53145.0, 3000.0]}))
    assert out["rate_per_1000"].tolist() == [1.938, 0.333]


def test_rate_interval_is_the_exact_poisson_interval():
    # Textbook exact 95 % limits for a Poisson count (e.g. Ulm 1990): 10 -> 4.795 .. 18.390,
    # 0 -> 0 .. 3.689, 1 -> 0.0253 .. 5.572.
    lo, hi = tr.rate_interval([10, 0, 1], [1000, 1000, 1000])
    assert lo == pytest.approx([4.795, 0.0, 0.0253], abs=1e-3)
    assert hi == pytest.approx([18.390, 3.689, 5.572], abs=1e-3)
    # per 1,000 inhabitants: twice the population halves the limits
    lo2, hi2 = tr.rate_interval(10, 2000)
    assert float(lo2) == pytest.approx(4.795 / 2, abs=1e-3)
    assert float(hi2) == pytest.approx(18.390 / 2, abs=1e-3)
    lo_na, _ = tr.rate_interval(5, np.nan)
    assert np.isnan(lo_na)


# --------------------------------------------------------------------------- changes


def test_year_on_year_change_burglary_example_from_the_issue():
    d = _series([73, 61, 76], [55491, 56123, 57122], [2020, 2021, 2022])
    out = tr.add_year_changes(d).set_index("year")
    # 2022 against 2021: (76 / 57,122) / (61 / 56,123) = 1.2241
    assert out.loc[2022, "rate_ratio"] == pytest.approx((76 / 57122) / (61 / 56123), rel=1e-12)
    assert round(out.loc[2022, "rate_ratio"], 2) == 1.22
    assert 0.26 < out.loc[2022, "p_value"] < 0.28
    assert out.loc[2022, "verdict"] == NONE
    # the first year has no previous year
    assert np.isnan(out.loc[2020, "rate_ratio"]) and out.loc[2020, "verdict"] == NA


def test_year_on_year_change_needs_the_year_directly_before():
    # CBS has 2020 and 2022 but no 2021: 2022 is not compared with 2020.
    d = _series([1800, 1660], [55491, 57122], [2020, 2022], code="0.0.0", source=tr.SOURCE_CBS)
    out = tr.add_year_changes(d).set_index("year")
    assert np.isnan(out.loc[2022, "rate_ratio"]) and out.loc[2022, "verdict"] == NA


def test_year_on_year_change_keeps_sources_apart():
    cbs = _series([1695, 1455], [53145, 53982], [2017, 2018], code="0.0.0", source=tr.SOURCE_CBS)
    plan = _series([1674, 1432], [53145, 53982], [2017, 2018], code="0.0.0", source=tr.SOURCE_PLAN)
    out = tr.add_year_changes(pd.concat([cbs, plan], ignore_index=True))
    got = out[out["year"] == 2018].set_index("source")["rate_ratio"]
    assert got[tr.SOURCE_CBS] == pytest.approx((1455 / 53982) / (1695 / 53145))
    assert got[tr.SOURCE_PLAN] == pytest.approx((1432 / 53982) / (1674 / 53145))


def test_changes_against_the_base_year():
    d = _series([61, 76, 37, 54], [56123, 57122, 57802, 58029], [2021, 2022, 2023, 2024])
    out = tr.add_base_changes(d, 2022).set_index("year")
    assert out.loc[2023, "rate_ratio_vs_base"] == pytest.approx((37 / 57802) / (76 / 57122))
    assert out.loc[2023, "verdict_vs_base"] == DOWN
    assert out.loc[2024, "rate_ratio_vs_base"] == pytest.approx((54 / 58029) / (76 / 57122))
    assert int(out.loc[2024, "base_year"]) == 2022
    # the base year itself and the years before it carry no comparison
    assert out.loc[[2021, 2022], "rate_ratio_vs_base"].isna().all()
    assert out.loc[[2021, 2022], "base_year"].isna().all()


def test_trends_table_has_the_required_columns_first_and_sorted_rows():
    a = _series([5, 6], [1000, 1000], [2021, 2022], code="1.2.1")
    b = _series([7, 8], [1000, 1000], [2022, 2021], code="1.1.1")
    t = tr.trends_table(pd.concat([a, b], ignore_index=True), None, base_year=2021)
    required = ["region", "code", "year", "count", "population", "rate_per_1000", "status",
                "rate_ratio", "ci_low", "ci_high", "p_value", "verdict"]  # fmt: skip
    assert t.columns[: len(required)].tolist() == required
    assert t[["code", "year"]].values.tolist() == [["1.1.1", 2021], ["1.1.1", 2022],
                                                   ["1.2.1", 2021], ["1.2.1", 2022]]  # fmt: skip
    # 1.1.1: 8 in 2021 and 7 in 2022 with equal population -> ratio 7 / 8
    assert t.loc[1, "rate_ratio"] == pytest.approx(7 / 8)


def test_national_series_adds_gm0000_to_the_count_but_not_to_the_population():
    crime = pd.DataFrame({
        "region": ["GM0001", "GM0002", "GM0000", "GM0001", "GM0002", "GM0000"],
        "code": "1.1.1", "label": "x", "year": [2024] * 3 + [2023] * 3,
        "value": [5.0, 7.0, 3.0, 4.0, np.nan, 1.0],
        "status": ["provisional", "final", "final", "final", "final", "final"],
    })  # fmt: skip
    pop = pd.DataFrame({"region": ["GM0001", "GM0002", "GM0001", "GM0002"],
                        "year": [2024, 2024, 2023, 2023], "value": [1000.0, 4000.0, 990.0, 3990.0]})  # fmt: skip
    nat = tr.add_rates(tr.national_series(crime, pop)).set_index("year")
    assert nat.loc[2024, "count"] == 15 and nat.loc[2024, "population"] == 5000
    assert nat.loc[2024, "rate_per_1000"] == 3.0
    assert nat.loc[2024, "status"] == "provisional"  # one provisional municipality is enough
    assert np.isnan(nat.loc[2023, "count"])  # a missing municipal count leaves no national sum


def test_cbs_zero_rows_are_municipalities_that_did_not_exist():
    a = pd.DataFrame({"region": ["GM0305", "GM0305", "GM1926"], "code": "0.0.0",
                      "year": [2010, 2011, 2011], "value": [550.0, 0.0, 2570.0]})  # fmt: skip
    assert tr.cbs_totals(a)[["region", "year"]].values.tolist() == [["GM0305", 2010],
                                                                    ["GM1926", 2011]]  # fmt: skip


# --------------------------------------------------------------------------- trend models


def test_fit_trends_matches_statsmodels_poisson_and_drops_missing_years():
    counts = np.array([12.0, 15.0, 9.0, 14.0, 20.0, 18.0])
    pops = np.array([1000.0, 1010.0, 1030.0, np.nan, 1060.0, 1080.0])
    years = list(range(2018, 2024))
    y = pd.DataFrame([counts], columns=years)
    p = pd.DataFrame([pops], columns=years)
    out = tr.fit_trends(y, p).iloc[0]
    keep = np.isfinite(pops)
    X = np.c_[np.ones(6), np.arange(6) - 2.5][keep]
    ref = sm.GLM(counts[keep], X, family=sm.families.Poisson(), exposure=pops[keep]).fit()
    assert out["family"] == "poisson"  # Pearson's test does not reject the Poisson model
    assert out["change_pct"] == pytest.approx(100 * (math.exp(ref.params[1]) - 1), abs=1e-6)
    z = 1.959963984540054
    assert out["ci_low_pct"] == pytest.approx(
        100 * (math.exp(ref.params[1] - z * ref.bse[1]) - 1), abs=1e-6
    )
    assert out["pearson_chi2"] == pytest.approx(ref.pearson_chi2, abs=1e-8)
    assert (out["n_obs"], out["df"]) == (5, 3)
    assert (out["first_year"], out["last_year"]) == (2018, 2023)


def test_fit_trends_switches_to_negative_binomial_when_overdispersed():
    y = pd.DataFrame([[3.0, 14, 2, 20, 5, 30, 4, 25]], columns=range(2016, 2024))
    out = tr.fit_trends(y, y * 0 + 1000).iloc[0]
    assert out["dispersion_p"] < 0.05 and out["family"] == "negbin" and out["alpha"] > 0


def test_trend_position_ranks_from_the_strongest_fall():
    every = pd.DataFrame({"code": ["a"] * 5 + ["b"] * 2,
                          "change_pct": [-10.0, -5.0, -5.0, 5.0, np.nan, 1.0, 2.0]})  # fmt: skip
    own = pd.DataFrame({"code": ["a", "a", "b"], "change_pct": [-5.0, 5.0, 1.0]})
    out = tr.trend_position(own, every)
    # a: four estimates (-10, -5, -5, 5); -5 ties at rank 2, 5 is rank 4 of 4 -> percentile 100
    assert out["nl_rank"].tolist() == [2, 4, 1]
    assert out["nl_n"].tolist() == [4, 4, 2]
    assert out["nl_percentile"].tolist() == pytest.approx([100 / 3, 100, 0])


def test_municipal_trend_equals_its_row_in_the_batched_fit():
    years = list(range(2015, 2021))
    rows = []
    for region, base in (("GM0001", 20), ("GM0002", 50), ("GM0003", 8)):
        for i, y in enumerate(years):
            rows.append((region, "1.1.1", "x", y, float(base + (i * 3 if region != "GM0003" else i % 2)),
                         1000.0 + 10 * i, "final", tr.SOURCE_POLICE))  # fmt: skip
    cols = ["region", "code", "label", "year", "count", "population", "status", "source"]
    everyone = pd.DataFrame(rows, columns=cols)
    fits = tr.fit_all_municipalities(everyone, 2015, 2020)
    own = tr.trend_models(everyone[everyone["region"] == "GM0002"], fits, 2015, 2020).iloc[0]
    batch = fits[fits["region"] == "GM0002"].iloc[0]
    assert own["change_pct"] == pytest.approx(batch["change_pct"], abs=1e-9)
    assert own["nl_n"] == 3
    assert tr.MODEL_COLUMNS[:14] == ["region", "code", "first_year", "last_year", "family",
        "pearson_chi2", "df", "dispersion_p", "alpha", "change_pct", "ci_low_pct",
        "ci_high_pct", "p_value", "verdict"]  # fmt: skip


# --------------------------------------------------------------------------- peers


@pytest.mark.parametrize(
    ("population", "label"),
    [
        (9_999, "minder dan 10.000 inwoners"), (10_000, "10.000 tot 20.000 inwoners"),
        (19_999, "10.000 tot 20.000 inwoners"), (20_000, "20.000 tot 50.000 inwoners"),
        (49_999, "20.000 tot 50.000 inwoners"), (50_000, "50.000 tot 100.000 inwoners"),
        (99_999, "50.000 tot 100.000 inwoners"), (100_000, "100.000 tot 150.000 inwoners"),
        (149_999, "100.000 tot 150.000 inwoners"), (150_000, "150.000 tot 250.000 inwoners"),
        (249_999, "150.000 tot 250.000 inwoners"), (250_000, "250.000 inwoners of meer"),
    ],
)  # fmt: skip
def test_size_class_boundaries(population, label):
    assert tr.size_class([population])[0] == label


_POP = pd.Series({"GM0001": 57_000.0, "GM0002": 50_000.0, "GM0003": 99_999.0,
                  "GM0004": 100_000.0, "GM0005": 49_999.0, "GM0006": 12_000.0})  # fmt: skip
_NAMES = {"GM0001": "Eerstedorp", "GM0002": "Tweestad", "GM0003": "Derdeburg"}


def test_peer_group_by_size_class():
    p = tr.peer_group("size_class", "GM0001", _POP, 2023)
    assert p.codes == ("GM0001", "GM0002", "GM0003")
    assert p.size_class == "50.000 tot 100.000 inwoners" and "2023" in p.description


def test_peer_group_list_is_validated_and_includes_the_municipality():
    p = tr.peer_group(" gm0002 ,GM0003", "GM0001", _POP, 2023, _NAMES)
    assert p.codes == ("GM0001", "GM0002", "GM0003") and p.added_self
    with pytest.raises(ParameterError, match="GM9999"):
        tr.peer_group("GM0002,GM9999", "GM0001", _POP, 2023)
    with pytest.raises(ParameterError, match="Tweestad is GM0002"):
        tr.peer_group("Tweestad", "GM0001", _POP, 2023, _NAMES)
    with pytest.raises(ParameterError, match="GM0000"):
        tr.peer_group("GM0000,GM0002", "GM0001", _POP, 2023)
    with pytest.raises(ParameterError, match="at least one other"):
        tr.peer_group("GM0001", "GM0001", _POP, 2023)


def _everyone(counts, pops, year=2023):
    regions = [f"GM{i:04d}" for i in range(1, len(counts) + 1)]
    return pd.DataFrame({"region": regions, "code": "1.1.1", "label": "x", "year": year,
                         "count": np.asarray(counts, float), "population": np.asarray(pops, float),
                         "status": "final", "source": tr.SOURCE_POLICE})  # fmt: skip


_NATIONAL = pd.DataFrame({"code": ["1.1.1"], "year": [2023], "count": [100.0],
                          "population": [20_000.0]})  # fmt: skip


@pytest.mark.parametrize(
    ("own", "rank", "position"),
    [
        ("GM0004", 4, "middelste helft"),
        ("GM0005", 5, "hoogste kwart"),
        ("GM0001", 1, "laagste kwart"),
    ],
)
def test_benchmark_five_municipalities_worked_by_hand(own, rank, position):
    # Five municipalities of 1,000 inhabitants with 1 ... 5 crimes: rates 1 ... 5 per 1,000.
    # Linear quartiles of 1, 2, 3, 4, 5: Q1 = 2 (position 1), median 3, Q3 = 4 (position 3).
    everyone = _everyone([1, 2, 3, 4, 5], [1000] * 5)
    peers = tr.Peers(tuple(everyone["region"]), "test", "list")
    b = tr.benchmark(everyone, _NATIONAL, own, peers, 2023).iloc[0]
    assert (b["peer_q1"], b["peer_median"], b["peer_q3"]) == (2.0, 3.0, 4.0)
    assert b["peer_rank"] == rank and b["n_peers"] == 5 and b["position"] == position
    assert b["nl_rate_per_1000"] == 5.0  # 100 / 20,000 x 1,000


def test_benchmark_interpolated_quartiles_ties_and_missing_population():
    # rates 1, 2, 2, 4 per 1,000 (+ one peer without population, left out):
    # Q1 at position 0.75 -> 1 + 0.75 = 1.75; median 2; Q3 at position 2.25 -> 2 + 0.25 x 2 = 2.5
    everyone = _everyone([1, 2, 2, 4, 9], [1000, 1000, 1000, 1000, np.nan])
    peers = tr.Peers(tuple(everyone["region"]), "test", "list")
    b = tr.benchmark(everyone, _NATIONAL, "GM0003", peers, 2023).iloc[0]
    assert (b["peer_q1"], b["peer_median"], b["peer_q3"]) == (1.75, 2.0, 2.5)
    assert b["n_peers"] == 4
    assert b["peer_rank"] == 2  # tied with GM0002: both take the lower rank


# --------------------------------------------------------------------------- reconciliation


def test_reconciliation_matching_rules():
    plan = pd.DataFrame({
        "region": "GM1",
        "code": ["p", "p", "p", "p", "t", "t", "t", "t", "x", "p"],
        "label": "l",
        "year": [2017, 2018, 2019, 2020, 2017, 2018, 2019, 2021, 2019, 2021],
        "value": [98.0, 97.0, 80.0, 72.0, 1671.0, 1665.0, 1649.0, 1596.0, 251.0, np.nan],
    })  # fmt: skip
    off = pd.DataFrame({
        "region": "GM1", "code": ["p", "p", "p", "p", "p", "t", "t", "t"],
        "year": [2017, 2018, 2019, 2020, 2021, 2017, 2018, 2019],
        "value": [97.0, 98.0, 80.0, 73.0, 61.0, 1675.0, 1660.0, 1645.0],
        "source": ["P"] * 5 + ["C"] * 3, "rounding": [1] * 5 + [5] * 3,
    })  # fmt: skip
    r = tr.reconcile(plan, off, {"p": ("P", 1), "t": ("C", 5)}).set_index(["code", "year"])
    assert r.loc[("p", 2019), "match"] == tr.MATCH_YES
    assert r.loc[("p", 2020), "match"] == tr.MATCH_NO  # one case apart is a difference
    assert r.loc[("p", 2020), "difference"] == -1  # plan minus official
    assert r.loc[("p", 2017), "note"] == r.loc[("p", 2018), "note"] != ""  # swapped years
    assert "verwisseld" in r.loc[("p", 2017), "note"]
    assert r.loc[("p", 2021), "match"] == tr.MATCH_NOT_IN_PLAN
    assert r.loc[("t", 2017), "match"] == tr.MATCH_ROUNDING  # |-4| < 5
    assert r.loc[("t", 2018), "match"] == tr.MATCH_NO  # 5 is not below 5
    assert r.loc[("t", 2019), "match"] == tr.MATCH_ROUNDING  # |+4| < 5
    assert r.loc[("t", 2021), "match"] == tr.MATCH_NO_SERIES
    assert r.loc[("t", 2021), "official_source"] == "C: geen cijfer voor 2021 meegeleverd"
    assert r.loc[("x", 2019), "match"] == tr.MATCH_NO_SERIES
    assert r.loc[("x", 2019), "official_source"] == tr.MATCH_NO_SERIES
    assert len(r) == len(plan)  # nothing dropped


# --------------------------------------------------------------------------- conclusions


def _claims(text: str) -> list[tuple[str, str, set[str]]]:
    """Return (analysis, claim, codes) for every line that claims a rise or a fall."""
    out = []
    for line in text.splitlines():
        if tr.CLAIM_WORDS.search(line):
            m = re.match(r"- \*\*(.+?): (significante stijging|significante daling)\*\*", line)
            assert m, f"a claim outside the verdict lines: {line}"
            out.append((m.group(1), m.group(2), set(re.findall(r"\d\.\d\.\d", line))))
    return out


def _tables(codes, ratio_base, p_base, change, p_trend, verdict_text=None):
    n = len(codes)
    trends = pd.DataFrame({
        "region": "GM1", "code": codes, "label": [f"soort {c}" for c in codes],
        "source": tr.SOURCE_POLICE, "year": 2023, "status": "final",
        "rate_ratio": 1.0, "p_value": 0.5, "p_value_adj": 0.5,
        "rate_ratio_vs_base": ratio_base, "p_value_vs_base": p_base, "p_value_vs_base_adj": p_base,
        "verdict_vs_base": verdict_text if verdict_text is not None else [""] * n,
    })  # fmt: skip
    models = pd.DataFrame({
        "region": "GM1", "code": codes, "label": [f"soort {c}" for c in codes],
        "source": tr.SOURCE_POLICE, "first_year": 2012, "last_year": 2025,
        "change_pct": change, "p_value": p_trend,
    })  # fmt: skip
    return trends, models


def test_conclusions_never_claim_a_change_the_test_does_not_support():
    codes = ["1.1.1", "1.2.1", "1.4.4", "2.2.1"]
    # 1.1.1: ratio 2.5 but p = 0.20; 1.2.1: ratio 0.4, p = 0.30 (both large, neither significant).
    # The verdict column is wrong on purpose for 1.1.1: a claim must follow the test, not a label.
    trends, models = _tables(
        codes, [2.5, 0.4, 1.5, 0.7], [0.20, 0.30, 0.01, 0.001],
        [-30.0, 40.0, 5.0, -2.0], [0.20, 0.06, 0.001, 0.04],
        verdict_text=[UP, DOWN, UP, DOWN],
    )  # fmt: skip
    text = tr.conclusions(trends, models, None, None, municipality="GM1", name="X",
                          base_year=2022, eval_year=2023)  # fmt: skip
    claims = _claims(text)
    got = {(what.split()[0], claim): c for what, claim, c in claims}
    assert got[("2023", "significante stijging")] == {"1.4.4"}
    assert got[("2023", "significante daling")] == {"2.2.1"}
    assert got[("Trend", "significante stijging")] == {"1.4.4"}
    assert got[("Trend", "significante daling")] == {"2.2.1"}
    for line in text.splitlines():
        if "1.1.1" in line or "1.2.1" in line:
            assert not tr.CLAIM_WORDS.search(line), line


def test_conclusions_claims_follow_the_tests_for_random_results():
    rng = np.random.default_rng(20230629)
    codes = [f"{a}.{b}.{c}" for a, b, c in rng.integers(1, 9, size=(12, 3))]
    codes = list(dict.fromkeys(codes))
    n = len(codes)
    ratio = np.exp(rng.normal(0, 0.6, n))
    p_base = rng.uniform(0, 0.12, n)
    change = rng.normal(0, 20, n)
    p_trend = rng.uniform(0, 0.12, n)
    trends, models = _tables(codes, ratio, p_base, change, p_trend)
    text = tr.conclusions(trends, models, None, None, municipality="GM1", name="X",
                          base_year=2022, eval_year=2023)  # fmt: skip
    by_code = {c: i for i, c in enumerate(codes)}
    for what, claim, found in _claims(text):
        for code in found:
            i = by_code[code]
            r, p = (
                (ratio[i], p_base[i])
                if what.startswith("2023")
                else (1 + change[i] / 100, p_trend[i])
            )
            assert p < 0.05, (what, code, p)
            assert (r > 1) == (claim == "significante stijging"), (what, code, r)
    # every significant result is claimed
    n_sig = int(np.sum(p_base < 0.05) + np.sum(p_trend < 0.05))
    assert sum(len(c) for _, _, c in _claims(text)) == n_sig


def test_change_example_writes_the_verdict_of_the_test():
    d = _series([61, 76], [56123, 57122], [2021, 2022]).assign(label="Diefstal/inbraak woning")
    text = tr.change_example(tr.add_year_changes(d), "GM1926", 2022)
    assert "rate ratio 1,22" in text and "binnen normale schommeling" in text
    assert not tr.CLAIM_WORDS.search(text)
    assert tr.change_example(tr.add_year_changes(d), "GM1926", 2021) == ""


def test_check_years():
    assert tr.check_years(2012, 2025, 2022, 2025, (2012, 2025), 2019) == (2012, 2025, 2019)
    with pytest.raises(ParameterError, match="base_year 2010"):
        tr.check_years(2012, 2025, 2010, 2023, (2012, 2025))
    with pytest.raises(ParameterError, match="must come after"):
        tr.check_years(2012, 2025, 2023, 2023, (2012, 2025))
    with pytest.raises(ParameterError, match="benchmark_year 2030"):
        tr.check_years(2012, 2025, 2022, 2023, (2012, 2025), 2030)


# --------------------------------------------------------------------------- shipped data


@pytest.fixture(scope="module")
def inputs():
    return tr.load_inputs()


def test_must_show_rows_of_trends_csv(inputs):
    series = tr.municipal_series(inputs, "GM1926", 2012, 2025)
    t = tr.trends_table(series, None, 2022)
    burglary = t[(t["region"] == "GM1926") & (t["code"] == "1.1.1")].set_index("year")
    assert burglary.index.tolist() == list(range(2012, 2026))
    assert burglary.loc[2017, "rate_per_1000"] == 1.938
    assert burglary.loc[2022, "verdict"] == NONE
    assert burglary.loc[[2024, 2025], "status"].eq("provisional").all()
    total = t[t["code"] == "0.0.0"]
    cbs = total[total["source"] == tr.SOURCE_CBS]["year"].tolist()
    assert cbs == [*range(2012, 2021), 2022]  # no 2021 in the shipped CBS extracts
    assert total[total["source"] == tr.SOURCE_PLAN]["year"].tolist() == list(range(2017, 2023))


def test_reconciliation_lists_the_plans_known_differences(inputs):
    r = tr.plan_reconciliation(inputs, "GM1926")
    assert len(r) == 60  # every printed cell of the plan's table
    differ = r[(r["match"] == tr.MATCH_NO) & r["official_source"].eq(tr.SOURCE_POLICE)]
    assert differ[["code", "year", "plan_value", "official_value"]].values.tolist() == [
        ["1.1.1", 2020, 72.0, 73.0], ["1.2.1", 2017, 98.0, 97.0], ["1.2.1", 2018, 97.0, 98.0],
    ]  # fmt: skip
    assert r.loc[r["code"] == "1.2.2", "match"].eq(tr.MATCH_YES).all()
    for code in ("3.9.1", "3.9.1-online", "inc.overlast_jeugd"):
        assert r.loc[r["code"] == code, "official_source"].eq(tr.MATCH_NO_SERIES).all()


def test_national_population_lies_between_january_populations(inputs):
    # The sum of municipal average populations must lie between the national population on
    # 1 January of the year and of the next year (CBS 83474NED, an independent table).
    from ivp_analysis import datasets

    jan = datasets.get("national_population_monthly")
    jan = jan[jan["period"].map(lambda p: p.freqstr.startswith("Y"))]
    jan = jan.set_index(jan["period"].map(lambda p: p.year))["value"]
    crime = inputs.crime[inputs.crime["code"] == "1.1.1"]
    nat = tr.national_series(crime, inputs.population).set_index("year")["population"]
    for year in range(2012, 2021):
        assert jan[year] * 0.999 <= nat[year] <= jan[year + 1] * 1.001, year


def test_haaglanden_codes_are_known(inputs):
    expected = {"GM0518": "Gravenhage", "GM0503": "Delft", "GM1916": "Leidschendam-Voorburg",
                "GM0603": "Rijswijk", "GM0637": "Zoetermeer", "GM1926": "Pijnacker-Nootdorp",
                "GM1783": "Westland", "GM1842": "Midden-Delfland", "GM0629": "Wassenaar"}  # fmt: skip
    for code, name in expected.items():
        assert name in inputs.names[code]
    pop = tr.population_in(inputs, 2023)
    p = tr.peer_group(",".join(expected), "GM1926", pop, 2023, inputs.names)
    assert len(p.codes) == 9 and not p.added_self


def test_fit_trends_needs_five_years():
    y = pd.DataFrame(
        [[10.0, 20.0, 40.0, 80.0], [10.0, 20.0, 40.0, 80.0]], columns=range(2020, 2024)
    )
    p = pd.DataFrame([[1000.0] * 4, [1000.0, np.nan, 1000.0, 1000.0]], columns=range(2020, 2024))
    out = tr.fit_trends(y, p, min_years=4)
    assert out["change_pct"].iloc[0] == pytest.approx(100.0)  # four years: estimated
    assert np.isnan(out["change_pct"].iloc[1]) and out["verdict"].iloc[1] == NA  # three: not
    assert tr.fit_trends(y, p)["verdict"].eq(NA).all()  # default minimum is five years


def test_overdispersed_history_widens_the_comparison():
    # Bicycle thefts alternating 100/200 for six years vary far more than Poisson counts; a rise
    # from 200 to 260 (+30 %) is then within normal variation, although the exact test calls it
    # significant. The spread is judged on the years up to the earlier year only.
    years = list(range(2017, 2024))
    d = pd.DataFrame({"region": "GM1", "code": "1.2.3", "source": "S", "year": years,
                      "count": [100.0, 200, 100, 200, 100, 200, 260], "population": 50_000.0})  # fmt: skip
    out = tr.add_dispersion_adjusted(
        tr.add_base_changes(tr.add_year_changes(d), 2022), 2022
    ).set_index("year")
    # Pearson X2 of a log-linear Poisson fit to 100, 200, 100, 200, 100, 200 (2017-2022), by hand:
    # the fitted trend is nearly flat at 150, so X2 ~ 6 x 50^2 / 150 = 100 on 4 df: phi ~ 25.
    assert 20 < out.loc[2023, "dispersion"] < 30
    assert out.loc[2023, "verdict"] == UP  # exact test: p ~ 0.002
    assert out.loc[2023, "method"] == "quasi-Poisson"
    assert out.loc[2023, "verdict_adj"] == NONE
    se = np.sqrt(out.loc[2023, "dispersion"] * (1 / 200 + 1 / 260))
    assert out.loc[2023, "ci_high_adj"] == pytest.approx(1.3 * np.exp(1.959963984540054 * se))
    assert out.loc[2023, "verdict_vs_base_adj"] == NONE
