"""Tests of ivp_analysis.covid.municipal: the table, the percentile, and the batch against statsmodels."""

import numpy as np
import pytest
from scipy import stats

from ivp_analysis import datasets, vocab
from ivp_analysis.covid import data, municipal, validation
from ivp_analysis.stats import countpredict


def test_percentile_among_by_hand():
    # ranks 1, 2.5, 2.5, 4 of 4 -> (rank - 0.5) / 4
    assert municipal.percentile_among([1.0, 2.0, 2.0, 4.0, np.nan]).tolist()[:4] == [
        12.5,
        50.0,
        50.0,
        87.5,
    ]
    assert municipal.percentile_among([3.0]).tolist() == [50.0]
    assert municipal.percentile_among([1.0, 2.0, 3.0]) == pytest.approx(
        [stats.percentileofscore([1, 2, 3], v, kind="mean") for v in (1, 2, 3)]
    )


@pytest.fixture(scope="module")
def municipal_table():
    return municipal.municipal_counterfactual(
        datasets.municipal_crime(), datasets.municipal_population()
    )


def test_municipal_table_shape_and_order(municipal_table):
    assert list(municipal_table.columns[:10]) == [
        "region",
        "code",
        "year",
        "observed",
        "expected",
        "lower_95",
        "upper_95",
        "ratio",
        "verdict",
        "percentile",
    ]
    assert len(municipal_table) == 342 * 12 * 2
    key = list(
        zip(
            municipal_table["region"],
            municipal_table["code"].map(data.code_sort_key),
            municipal_table["year"],
            strict=True,
        )
    )
    assert key == sorted(key)
    r = municipal_table[
        (municipal_table["region"] == "GM1926")
        & (municipal_table["code"] == "1.1.1")
        & (municipal_table["year"] == 2020)
    ].iloc[0]
    assert r["observed"] == 73
    assert r["lower_95"] <= r["expected"] <= r["upper_95"]
    assert r["ratio"] == pytest.approx(73 / r["expected"])
    ok = municipal_table["verdict"] != vocab.VERDICT_NA
    below = municipal_table["observed"] < municipal_table["lower_95"]
    assert (municipal_table.loc[ok & below, "verdict"] == vocab.VERDICT_BELOW).all()
    assert municipal_table.loc[ok, "percentile"].between(0, 100).all()


def test_municipal_population_backfill_is_flagged(municipal_table):
    merged = municipal_table[
        municipal_table["region"] == "GM1980"
    ]  # formed 2022: no population before
    assert merged["population_imputed"].all()
    assert not municipal_table.loc[
        municipal_table["region"] == "GM1926", "population_imputed"
    ].any()


def test_batched_municipal_fit_equals_statsmodels_per_series():
    crime, pop = datasets.municipal_crime(), datasets.municipal_population()
    y, expo, _imp, idx = municipal.municipal_panel(crime, pop, range(2012, 2020))
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    rng = np.random.default_rng(11)
    ok = ((y > 0).sum(axis=1) >= 2) & np.isfinite(expo).all(axis=1) & (y.sum(axis=1) > 80)
    sample = rng.choice(np.where(ok)[0], 40, replace=False)
    res = countpredict.predict_counts(
        y[sample], X, expo[sample], X[-1:], expo[sample][:, -1:], n_sim=50
    )
    batched = res["fit"]
    reference = validation.municipal_fit_statsmodels(
        y[sample], X, expo[sample], overdispersion_alpha=0.2
    )
    families = [r["family"] for r in reference]
    assert batched.family.tolist() == families
    assert {"poisson", "negbin"} <= set(families)  # both routes are checked
    for i, r in enumerate(reference):
        assert batched.params[i] == pytest.approx(r["params"], abs=1e-6)
        if r["family"] == "negbin":
            assert batched.alpha[i] == pytest.approx(r["alpha"], rel=1e-5, abs=1e-7)


def test_no_municipal_verdict_contradicts_its_ratio(municipal_table):
    d = municipal_table
    assert (d.loc[d["verdict"] == vocab.VERDICT_BELOW, "ratio"] < 1).all()
    assert (d.loc[d["verdict"] == vocab.VERDICT_ABOVE, "ratio"] > 1).all()
    ok = d["verdict"] != vocab.VERDICT_NA
    assert (d.loc[ok, "lower_95"] <= d.loc[ok, "expected"]).all()
    assert (d.loc[ok, "expected"] <= d.loc[ok, "upper_95"]).all()
