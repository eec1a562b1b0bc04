"""Tests of ivp_analysis.covid: hand-worked helpers, the phase table, the AR(1) regression against
statsmodels, the municipal batch against per-series statsmodels, and the must-show results."""

import math
import warnings
from itertools import product

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.tsa.statespace.initialization import Initialization
from statsmodels.tsa.statespace.sarimax import SARIMAX

from ivp_analysis import covid, datasets, vocab
from ivp_analysis.stats import countmodels

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def phases():
    return covid.load_phases()


@pytest.fixture(scope="module")
def settings():
    return covid.NationalSettings()


@pytest.fixture(scope="module")
def nat(settings):
    return covid.prepare_national(
        datasets.get("national_monthly_crime"),
        datasets.get("national_population_monthly"),
        settings,
    )


@pytest.fixture(scope="module")
def national(nat, settings, phases):
    return covid.national_counterfactual(
        nat.counts, nat.population, nat.codes, nat.starts, settings, nat.labels, phases
    )


def _table(rows):
    return pd.DataFrame(
        {
            "phase_id": [r[0] for r in rows],
            "kind": [r[3] if len(r) > 3 else "lockdown" for r in rows],
            "start": pd.to_datetime([r[1] for r in rows]),
            "end": pd.to_datetime([r[2] for r in rows]),
            "label": [r[0] for r in rows],
        }
    )


# --------------------------------------------------------------------------- phase table


def test_shipped_phase_table_is_sound_and_matches_methods(phases):
    assert covid.check_phases(phases) == []
    assert (phases["end"] >= phases["start"]).all()
    assert phases["start"].is_monotonic_increasing
    # no hole: every phase starts the day after the previous one ends
    gaps = (
        phases["start"].iloc[1:].to_numpy() - phases["end"].iloc[:-1].to_numpy()
    ) / np.timedelta64(1, "D")
    assert (gaps == 1).all()
    # the dates of docs/methods.md section 2 are the phase starts (15 March and 1 June fall inside
    # "eerste maatregelen" and start "versoepeling zomer 2020"; 25 February 2022 ends the table)
    starts = {d.date().isoformat() for d in phases["start"]}
    assert starts == {
        "2020-03-12", "2020-03-23", "2020-05-11", "2020-06-01", "2020-10-14", "2020-12-15",
        "2021-01-23", "2021-04-28", "2021-11-28", "2021-12-19", "2022-01-15",
    }  # fmt: skip
    assert phases["end"].iloc[-1] == pd.Timestamp("2022-02-24")  # the day before 25 February 2022
    # periods without a lockdown are explicit phases, not gaps
    relax = phases[phases["kind"] == "versoepeling"]
    assert {"versoepeling_zomer_2020", "versoepeling_2021"} <= set(relax["phase_id"])
    assert set(phases["kind"]) <= set(covid.PHASE_KINDS)
    assert phases["source"].str.len().min() > 0 and phases["description"].str.len().min() > 0


def test_check_phases_finds_each_kind_of_error():
    assert (
        covid.check_phases(
            _table([("a", "2020-03-01", "2020-03-10"), ("b", "2020-03-11", "2020-03-20")])
        )
        == []
    )
    assert (
        "ends (2020-03-01) before it starts"
        in covid.check_phases(_table([("a", "2020-03-10", "2020-03-01")]))[0]
    )
    gap = covid.check_phases(
        _table([("a", "2020-03-01", "2020-03-10"), ("b", "2020-03-13", "2020-03-20")])
    )
    assert gap == ["gap of 2 days between a (ends 2020-03-10) and b (starts 2020-03-13)"]
    overlap = covid.check_phases(
        _table([("a", "2020-03-01", "2020-03-10"), ("b", "2020-03-09", "2020-03-20")])
    )
    assert overlap == ["b overlaps a by 2 days"]
    order = covid.check_phases(
        _table([("a", "2020-04-01", "2020-04-10"), ("b", "2020-03-01", "2020-03-20")])
    )
    assert "not in order" in order[0]
    dup = covid.check_phases(
        _table([("a", "2020-03-01", "2020-03-10"), ("a", "2020-03-11", "2020-03-20")])
    )
    assert "duplicate" in dup[0]
    kind = covid.check_phases(_table([("a", "2020-03-01", "2020-03-10", "zomer")]))
    assert "unknown kind" in kind[0]


def test_load_phases_rejects_a_bad_file(tmp_path):
    f = tmp_path / "phases.csv"
    f.write_text(
        "phase_id,label,start,end,kind,description,source\n"
        "a,A,2020-05-10,2020-03-23,lockdown,x,y\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="ends .* before it starts"):
        covid.load_phases(f)


def test_month_phase_takes_the_phase_with_most_days(phases):
    months = pd.PeriodIndex(
        ["2020-02", "2020-03", "2020-04", "2020-05", "2020-10", "2020-12", "2021-01", "2021-04",
         "2021-11", "2021-12", "2022-01", "2022-02", "2022-03"], freq="M")  # fmt: skip
    got = covid.month_phase(months, phases).tolist()
    # worked by hand from the dates: March 2020 has 11 days of first measures (12-22) and 9 of
    # lockdown (23-31); May 10 lockdown / 21 relaxation; October 13 summer / 18 partial;
    # December 14 partial / 17 strict; January 2021 22 strict / 9 curfew; April 2021 27 curfew /
    # 3 relaxation; November 2021 27 relaxation / 3 evening lockdown; December 2021 18 evening /
    # 13 omicron; January 2022 14 omicron / 17 reopening; February 2022 24 reopening.
    assert got == [
        "", "eerste_maatregelen", "intelligente_lockdown", "eerste_versoepeling",
        "gedeeltelijke_lockdown", "strenge_lockdown", "strenge_lockdown", "avondklok",
        "versoepeling_2021", "avondlockdown", "heropening_2022", "heropening_2022", "",
    ]  # fmt: skip
    days = covid.phase_days(pd.PeriodIndex(["2020-03", "2022-02"], freq="M"), phases)
    assert days.loc[pd.Period("2020-03", "M"), "eerste_maatregelen"] == 11
    assert days.loc[pd.Period("2020-03", "M"), "intelligente_lockdown"] == 9
    assert days.loc[pd.Period("2022-02", "M")].sum() == 24


def test_month_phase_tie_goes_to_the_later_phase():
    # June has 30 days: 15 and 15
    t = _table([("early", "2021-06-01", "2021-06-15"), ("late", "2021-06-16", "2021-06-30")])
    assert covid.month_phase(pd.PeriodIndex(["2021-06"], freq="M"), t).tolist() == ["late"]


# --------------------------------------------------------------------------- rates


def test_month_length_normalisation_by_hand():
    f = covid.month_length_factor(
        pd.PeriodIndex(["2020-01", "2020-02", "2021-02", "2021-04"], freq="M")
    )
    assert f == pytest.approx([30.4375 / 31, 30.4375 / 29, 30.4375 / 28, 30.4375 / 30], rel=1e-15)
    # 2,900 crimes in February 2020 (29 days) = 100 a day = 3,043.75 in an average month;
    # among 17,500,000 inhabitants that is 17.392857... per 100,000
    r = covid.normalised_rate(2900, 17_500_000, pd.PeriodIndex(["2020-02"], freq="M"))
    assert r[0] == pytest.approx(3043.75 / 175, rel=1e-13)


def test_national_rates_use_start_of_month_population(nat):
    m = pd.Period("2019-03", "M")
    assert nat.population[m] == 17_290_688 or nat.population[m] > 17_000_000
    pop = datasets.get("national_population_monthly")
    row = pop[pop["period"].astype(str) == "2019-03"]["value"].iloc[0]
    assert nat.population[m] == row
    assert nat.counts.loc[m, "1.1.1"] == 3015  # 47022NED, burglary March 2019
    assert nat.counts.index.max() == pd.Period("2022-06", "M")  # population ends there


def test_forecast_end_after_population_is_refused(settings):
    bad = covid.NationalSettings(forecast_end="2022-07")
    with pytest.raises(ValueError, match="after the last month with a population"):
        covid.prepare_national(
            datasets.get("national_monthly_crime"), datasets.get("national_population_monthly"), bad
        )


def test_settings_validation():
    with pytest.raises(ValueError, match="intervention"):
        covid.NationalSettings(pre_end="2020-03", intervention="2020-03")
    with pytest.raises(ValueError, match="level"):
        covid.NationalSettings(level=0.99, level_strict=0.95)
    s = covid.NationalSettings().shifted(-1)
    assert (s.pre_end, s.intervention) == ("2020-01", "2020-02")


# --------------------------------------------------------------------------- codes and breaks


def test_code_selection_and_declared_breaks(nat):
    excluded = set(nat.excluded["code"])
    assert {"1.4.1", "3.2.1", "3.2.2", "3.7.3"} <= excluded  # never published monthly
    assert "0.0.0" in nat.codes and "1.1.1" in nat.codes and "3.7.4" in nat.codes
    reasons = nat.excluded.set_index("code")["reason"]
    assert reasons["1.4.1"].startswith("niet per maand gepubliceerd")
    assert reasons["1.6.3"].startswith("te weinig")
    # every modelled code has a pre-period mean >= 100 and no zero month
    for code in nat.codes:
        s = nat.counts.loc[pd.Period(nat.starts[code], "M") : pd.Period("2020-02", "M"), code]
        assert s.mean() >= 100 and (s > 0).all()
    assert nat.starts["3.9.1"] == "2016-01" and nat.starts["3.9.3"] == "2016-01"
    assert nat.starts["1.1.1"] == "2012-01"


def test_level_shift_detection_finds_the_fraud_break(nat):
    months = pd.period_range("2012-01", "2020-02", freq="M")
    rates = nat.counts.loc[months, ["1.1.1", "3.9.1", "3.9.3"]]
    d = covid.detect_level_shifts(rates).set_index("code")
    assert d.loc["3.9.1", "flagged"] and d.loc["3.9.1", "month"] in ("2015-06", "2015-07")
    assert d.loc["3.9.3", "flagged"] and d.loc["3.9.3", "month"] in (
        "2015-06",
        "2015-07",
        "2015-08",
    )
    assert not d.loc["1.1.1", "flagged"]
    b = nat.breaks.set_index("code")
    assert (
        b.loc["3.7.4", "source"] == "gevonden" and b.loc["3.7.4", "first_model_month"] == "2014-01"
    )


def test_code_sort_key():
    assert sorted(["2.6.10", "2.6.9", "10.1.1", "1.1.1"], key=covid.code_sort_key) == [
        "1.1.1", "2.6.9", "2.6.10", "10.1.1"]  # fmt: skip


# --------------------------------------------------------------------------- decision rule


@pytest.mark.parametrize(
    ("side", "min_run", "expected"),
    [
        ([0, -1, -1, 0, 1, 0, 1, 1, 1, -1], 2, [0, 1, 1, 0, 0, 0, 1, 1, 1, 0]),
        ([-1, 1, -1, 1], 2, [0, 0, 0, 0]),  # outside every month, but never twice on one side
        ([1, 1, 1, 0, -1, -1], 3, [1, 1, 1, 0, 0, 0]),
        ([0, -1, 0, 1], 1, [0, 1, 0, 1]),
        ([0, 0, 0, -1, -1], 2, [0, 0, 0, 1, 1]),  # a run at the end
        ([0, 0, 0, 0], 2, [0, 0, 0, 0]),
    ],
)
def test_significant_runs_by_hand(side, min_run, expected):
    assert covid.significant_runs(side, min_run).astype(int).tolist() == expected


def test_significant_runs_two_dimensional():
    side = np.array([[0, 1, 1], [-1, -1, 0]])
    assert covid.significant_runs(side, 2).tolist() == [[False, True, True], [True, True, False]]


def test_rule_rate_independent_by_hand_and_by_enumeration():
    q = 0.005
    assert covid.rule_rate_independent(2, 0.99, 2) == pytest.approx(2 * q**2, rel=1e-12)
    # three months, q per side: P(run of 2) = 2 (2 q^2 - q^3) by inclusion-exclusion
    q = 0.05
    assert covid.rule_rate_independent(3, 0.9, 2) == pytest.approx(2 * (2 * q**2 - q**3), rel=1e-12)
    # enumeration of all 3^6 sequences of six months
    total = 0.0
    for seq in product((-1, 0, 1), repeat=6):
        p = math.prod(q if s else 1 - 2 * q for s in seq)
        if covid.significant_runs(list(seq), 2).any():
            total += p
    assert covid.rule_rate_independent(6, 0.9, 2) == pytest.approx(total, rel=1e-12)
    assert covid.rule_rate_independent(24, 0.99, 1) == pytest.approx(1 - 0.99**24, rel=1e-12)


def test_rule_rate_gaussian_agrees_with_independent_months():
    r = covid.rule_rate_gaussian(np.eye(12), 0.8, 2, n_sim=200_000)
    assert r == pytest.approx(covid.rule_rate_independent(12, 0.8, 2), abs=0.004)


def test_mase_by_hand():
    # in-sample seasonal naive errors (m=2): |3-1|, |5-2| -> scale 2.5; forecast MAE 1
    assert covid.mase([[4.0, 6.0]], [[5.0, 5.0]], [[1.0, 2.0, 3.0, 5.0]], m=2)[0] == pytest.approx(
        0.4
    )


# --------------------------------------------------------------------------- AR(1) regression


def _real_series(nat, code, end="2020-02"):
    months = pd.period_range(nat.starts[code], end, freq="M")
    y = np.log(
        nat.counts.loc[months, code].to_numpy(float)
        * covid.to_rate_factor(nat.population[months], months)
    )
    return y, covid.design_matrix(months)


def test_design_matrix():
    X = covid.design_matrix(pd.period_range("2012-11", "2013-02", freq="M"))
    assert X[:, 0].tolist() == [1, 1, 1, 1]
    assert X[:, 1] == pytest.approx(np.array([10, 11, 12, 13]) / 12)
    # month dummies: February is column 2, November column 11, December column 12, January none
    assert X[0, 2:].tolist() == [0] * 9 + [1, 0] and X[2, 2:].sum() == 0 and X[3, 2] == 1


@pytest.mark.parametrize("code", ["1.1.1", "1.2.4", "3.9.1"])
def test_ml_fit_matches_statsmodels_sarimax(nat, code):
    y, X = _real_series(nat, code)
    f = covid.fit_ar1_regression(y[None, :], X, method="ml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mod = SARIMAX(y, exog=X, order=(1, 0, 0))
        res = mod.fit(disp=0, maxiter=1000)
        # statsmodels' exact likelihood at our estimates equals ours
        ours = np.r_[f.params[0], f.phi[0], f.sigma2_ml[0]]
        assert mod.loglike(ours) == pytest.approx(f.loglike[0], abs=1e-6)
    # and our maximum is at least as high as statsmodels' optimiser found
    assert f.loglike[0] >= res.llf - 1e-6
    assert f.phi[0] == pytest.approx(res.params[-2], abs=2e-3)
    assert f.params[0] == pytest.approx(res.params[:-2], abs=2e-3)


def _diffuse_sarimax(y, X):
    mod = SARIMAX(y, exog=X, order=(1, 0, 0), mle_regression=False)
    init = Initialization(mod.k_states)
    init.set((0, 1), "stationary")
    init.set((1, mod.k_states), "diffuse")
    mod.ssm.initialization = init
    mod.loglikelihood_burn = 0
    mod.ssm.loglikelihood_burn = 0
    return mod


@pytest.mark.parametrize("code", ["1.1.1", "1.2.4"])
def test_reml_fit_matches_statsmodels_exact_diffuse(nat, code):
    y, X = _real_series(nat, code)
    f = covid.fit_ar1_regression(y[None, :], X, method="reml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = _diffuse_sarimax(y, X).fit(disp=0, maxiter=1000)
    assert f.phi[0] == pytest.approx(res.params[0], abs=1e-3)
    assert f.sigma2[0] == pytest.approx(res.params[1], rel=2e-3)


def test_forecast_variance_matches_statsmodels_state_space(nat):
    y, X = _real_series(nat, "1.1.1", end="2019-12")
    Xf = covid.design_matrix(pd.period_range("2020-01", "2021-12", freq="M"))
    f = covid.fit_ar1_regression(y[None, :], X, phi=0.55)
    fc = covid.forecast_ar1(f, X[-1], Xf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = _diffuse_sarimax(y, X).filter([0.55, f.sigma2[0]])
        sm_fc = res.get_forecast(len(Xf), exog=Xf)
    assert fc.mean[0] == pytest.approx(sm_fc.predicted_mean, abs=1e-8)
    assert fc.sd[0] ** 2 == pytest.approx(sm_fc.var_pred_mean, rel=1e-7)


def test_fit_handles_a_later_start(nat):
    y, X = _real_series(nat, "1.1.1")
    Y = np.vstack([y, np.r_[np.full(24, np.nan), y[24:]]])
    f = covid.fit_ar1_regression(Y, X, method="ml")
    single = covid.fit_ar1_regression(y[None, 24:], X[24:], method="ml")
    assert f.n_obs.tolist() == [len(y), len(y) - 24]
    assert f.params[1] == pytest.approx(single.params[0], abs=1e-9)
    assert f.phi[1] == pytest.approx(single.phi[0], abs=1e-9)


def test_predictive_quantile_matches_the_exact_t_mixture(nat):
    y, X = _real_series(nat, "1.2.4")
    Xf = covid.design_matrix(pd.period_range("2020-03", "2022-02", freq="M"))
    pr = covid.predictive_ar1(y[None, :], X, Xf)
    assert pr.weights.sum() == pytest.approx(1.0)
    for q in (0.005, 0.025, 0.5, 0.975, 0.995):
        got = pr.quantile(q)
        # the exact t-mixture CDF at our quantile: the tail probability is off by < 5 %
        tail = min(q, 1 - q)
        assert pr.cdf(got)[0] == pytest.approx(np.full(len(Xf), q), abs=0.05 * tail)
        for h in (0, 23):
            exact = optimize.brentq(
                lambda x, h=h, q=q: pr.cdf(np.full((1, len(Xf)), x))[0, h] - q, -5, 10, xtol=1e-12
            )
            assert got[0, h] == pytest.approx(exact, abs=5e-3)  # log scale: 0.5 % of the rate


def test_predictive_with_fixed_phi_equals_the_t_forecast(nat):
    # with all weight on one phi, the mixture is the t forecast of that phi
    y, X = _real_series(nat, "1.1.1")
    Xf = covid.design_matrix(pd.period_range("2020-03", "2020-08", freq="M"))
    pr = covid.predictive_ar1(y[None, :], X, Xf, bounds=(0.6, 0.6), step=0.1)
    fc = covid.forecast_ar1(covid.fit_ar1_regression(y[None, :], X, phi=0.6), X[-1], Xf)
    lo, hi = pr.interval(0.95)
    t = stats.t.ppf(0.975, len(y) - X.shape[1])
    assert lo[0] == pytest.approx(fc.mean[0] - t * fc.sd[0], abs=1e-6)
    assert hi[0] == pytest.approx(fc.mean[0] + t * fc.sd[0], abs=1e-6)


# --------------------------------------------------------------------------- national results


def test_national_table_columns_and_consistency(national, nat, settings):
    table, pred, _fit = national
    assert list(table.columns[:9]) == [
        "code", "month", "observed", "expected", "lower_95", "upper_95", "lower_99", "upper_99", "phase"]  # fmt: skip
    assert table["month"].min() == "2020-03" and table["month"].max() == "2022-02"
    assert len(table) == 24 * len(nat.codes)
    assert list(dict.fromkeys(table["code"])) == nat.codes  # sorted by code, then month
    r = table[(table["code"] == "1.1.1") & (table["month"] == "2020-04")].iloc[0]
    assert r["observed"] == 1389  # 47022NED, April 2020
    assert r["lower_99"] < r["lower_95"] < r["expected"] < r["upper_95"] < r["upper_99"]
    # to_rate turns a count into the normalised rate: 30.4375 / 30 days, per 100,000
    assert r["to_rate"] == pytest.approx(
        1e5 / nat.population[pd.Period("2020-04", "M")] * 30.4375 / 30
    )
    assert np.exp(pred.median()[nat.codes.index("1.1.1"), 1]) == pytest.approx(
        r["expected"] * r["to_rate"]
    )


def test_must_show_burglary_and_pickpocketing_april_2020(national):
    table = national[0].set_index(["code", "month"])
    for code, at_most in (("1.1.1", -30.0), ("1.2.4", -60.0)):
        r = table.loc[(code, "2020-04")]
        assert r["pct_difference"] < at_most
        assert r["observed"] < r["lower_99"]
        assert r["significant"]


def test_must_show_cybercrime_above_expected_over_2020(national, settings):
    table = national[0]
    c = table[(table["code"] == "3.7.4") & table["month"].str.startswith("2020")]
    assert c["observed"].sum() > c["expected"].sum() * 1.3


def test_phase_summary_sums_match_the_monthly_table(national, settings, phases, nat):
    table, pred, _fit = national
    summ = covid.phase_summary(table, pred, settings, phases, breaks=nat.breaks, n_sim=500)
    assert list(summ.columns[:7]) == [
        "code",
        "phase",
        "observed",
        "expected",
        "pct_difference",
        "verdict",
        "mase",
    ]
    t = table[table["code"] == "1.2.4"]
    s = summ[summ["code"] == "1.2.4"].set_index("phase")
    summer = t[t["phase"] == "versoepeling_zomer_2020"]
    assert s.loc["versoepeling_zomer_2020", "observed"] == summer["observed"].sum()
    assert s.loc["versoepeling_zomer_2020", "months"] == 4  # June to September 2020
    assert s.loc["totaal", "observed"] == t["observed"].sum()
    assert s.loc["2020", "expected"] == pytest.approx(
        t[t["month"].str.startswith("2020")]["expected"].sum()
    )
    assert s.loc["intelligente_lockdown", "verdict"] == vocab.VERDICT_BELOW
    # the omicron lockdown has the most days in no month, so it has no row
    assert "lockdown_omikron" not in s.index
    assert (summ["lower_95"] <= summ["upper_95"]).all()


def test_backtest_scores(nat):
    bt = covid.backtest(nat.counts, nat.population, nat.codes, nat.starts)
    b = bt.set_index("code")
    assert b.loc["1.1.1", "beats_naive"] and b.loc["1.2.4", "beats_naive"]
    assert b.loc["1.1.1", "fit_months"] == 72
    assert b.loc["3.9.1", "fit_months"] == 24  # modelled from 2016-01
    assert ((bt["coverage"] >= 0) & (bt["coverage"] <= 1)).all()


# --------------------------------------------------------------------------- municipal


def test_percentile_among_by_hand():
    # ranks 1, 2.5, 2.5, 4 of 4 -> (rank - 0.5) / 4
    assert covid.percentile_among([1.0, 2.0, 2.0, 4.0, np.nan]).tolist()[:4] == [
        12.5,
        50.0,
        50.0,
        87.5,
    ]
    assert covid.percentile_among([3.0]).tolist() == [50.0]
    assert covid.percentile_among([1.0, 2.0, 3.0]) == pytest.approx(
        [stats.percentileofscore([1, 2, 3], v, kind="mean") for v in (1, 2, 3)]
    )


@pytest.fixture(scope="module")
def municipal():
    return covid.municipal_counterfactual(
        datasets.municipal_crime(), datasets.municipal_population()
    )


def test_municipal_table_shape_and_order(municipal):
    assert list(municipal.columns[:10]) == [
        "region", "code", "year", "observed", "expected", "lower_95", "upper_95", "ratio", "verdict",
        "percentile"]  # fmt: skip
    assert len(municipal) == 342 * 12 * 2
    key = list(
        zip(
            municipal["region"],
            municipal["code"].map(covid.code_sort_key),
            municipal["year"],
            strict=True,
        )
    )
    assert key == sorted(key)
    r = municipal[
        (municipal["region"] == "GM1926")
        & (municipal["code"] == "1.1.1")
        & (municipal["year"] == 2020)
    ].iloc[0]
    assert r["observed"] == 73
    assert r["lower_95"] <= r["expected"] <= r["upper_95"]
    assert r["ratio"] == pytest.approx(73 / r["expected"])
    ok = municipal["verdict"] != vocab.VERDICT_NA
    below = municipal["observed"] < municipal["lower_95"]
    assert (municipal.loc[ok & below, "verdict"] == vocab.VERDICT_BELOW).all()
    assert municipal.loc[ok, "percentile"].between(0, 100).all()


def test_municipal_population_backfill_is_flagged(municipal):
    merged = municipal[municipal["region"] == "GM1980"]  # formed 2022: no population before
    assert merged["population_imputed"].all()
    assert not municipal.loc[municipal["region"] == "GM1926", "population_imputed"].any()


def test_batched_municipal_fit_equals_statsmodels_per_series():
    crime, pop = datasets.municipal_crime(), datasets.municipal_population()
    y, expo, _imp, idx = covid.municipal_panel(crime, pop, range(2012, 2020))
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    rng = np.random.default_rng(11)
    ok = ((y > 0).sum(axis=1) >= 2) & np.isfinite(expo).all(axis=1) & (y.sum(axis=1) > 80)
    sample = rng.choice(np.where(ok)[0], 40, replace=False)
    res = covid.predict_counts(y[sample], X, expo[sample], X[-1:], expo[sample][:, -1:], n_sim=50)
    batched = res["fit"]
    reference = covid.municipal_fit_statsmodels(
        y[sample], X, expo[sample], overdispersion_alpha=0.2
    )
    families = [r["family"] for r in reference]
    assert batched.family.tolist() == families
    assert {"poisson", "negbin"} <= set(families)  # both routes are checked
    for i, r in enumerate(reference):
        assert batched.params[i] == pytest.approx(r["params"], abs=1e-6)
        if r["family"] == "negbin":
            assert batched.alpha[i] == pytest.approx(r["alpha"], rel=1e-5, abs=1e-7)


def test_nb_profile_matches_statsmodels_at_fixed_dispersion():
    y = np.array([[30.0, 41, 25, 38, 22, 35, 19, 28]])
    expo = np.full((1, 8), 20_000.0)
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    alphas = np.array([0.01, 0.1])
    prof = covid.nb_profile(y, X, expo, alphas)
    for k, a in enumerate(alphas):
        glm = sm.GLM(
            y[0], X, family=sm.families.NegativeBinomial(alpha=a), offset=np.log(expo[0])
        ).fit(tol=1e-13)
        assert prof["beta"][0, k] == pytest.approx(glm.params, abs=1e-7)
        assert prof["loglike"][0, k] == pytest.approx(glm.llf, abs=1e-6)
        mu = glm.fittedvalues
        info = X.T @ np.diag(mu / (1 + a * mu)) @ X
        assert prof["apl"][0, k] == pytest.approx(
            glm.llf - 0.5 * np.linalg.slogdet(info)[1], abs=1e-6
        )
        assert prof["cov"][0, k] == pytest.approx(np.linalg.inv(info), rel=1e-6)


def test_predictive_mean_expected_by_hand():
    # Poisson series: expected = exposure x exp(x'b + x'Cov x / 2)
    y = np.array([[50.0, 48, 52, 47, 45, 46, 44, 43]])
    expo = np.full((1, 8), 30_000.0)
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    res = covid.predict_counts(y, X, expo, [[1, 4.5]], [[30_000.0]], n_sim=200)
    f = countmodels.fit_poisson(y, X, expo)
    x = np.array([1, 4.5])
    assert res["fit"].family[0] == "poisson"
    assert res["expected"][0, 0] == pytest.approx(
        30_000 * np.exp(x @ f.params[0] + x @ f.cov[0] @ x / 2)
    )


def test_too_few_crimes_is_not_testable():
    y = np.array([[0.0, 0, 0, 3, 0, 0, 0, 0], [5.0, 4, 6, 5, 7, 4, 5, 6]])
    X = np.column_stack([np.ones(8), np.arange(8) - 3.5])
    res = covid.predict_counts(y, X, np.full((2, 8), 1e4), [[1, 4.5]], [[1e4], [1e4]], n_sim=100)
    assert res["converged"].tolist() == [False, True]
    assert np.isnan(res["expected"][0, 0]) and np.isfinite(res["expected"][1, 0])


# --------------------------------------------------------------------------- text


def test_nl_month_label_and_conclusions(national, settings, phases, nat):
    table, pred, _fit = national
    assert covid.nl_month_label("2021-12") == "dec 2021"
    summ = covid.phase_summary(table, pred, settings, phases, breaks=nat.breaks, n_sim=200)
    text = covid.national_conclusions(table, summ, settings, ["1.1.1"])
    assert "Diefstal/inbraak woning (1.1.1)" in text and "apr 2020" in text
    assert "significant volgens de regel" in text
