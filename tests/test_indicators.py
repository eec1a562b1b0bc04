"""Tests of ivp_analysis.indicators: catalogue checks, statuses, survey margins, baseline rules,
templates, and the evaluation of the shipped data and of a filled-in template fixture.

Expected values are worked out by hand or with an independent implementation: binomial tails
summed term by term with math.comb, Clopper-Pearson limits from scipy's beta distribution, and
the dispersion factor from statsmodels' GLM.
"""

import math
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from ivp_analysis import indicators as ind
from ivp_analysis import paths, vocab
from ivp_analysis.present import indicators as present
from ivp_analysis.errors import CatalogueError, InputFileError, ParameterError
from ivp_analysis.moments import resolve as resolve_moment

FIXTURE = Path(__file__).parent / "fixtures" / "indicators"


def _pop_gm1926(year: int) -> float:
    return float(ind.population_series("GM1926").loc[year])


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed term by term."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(0, k + 1))


def _exact_p(c0: int, e0: float, c1: int, e1: float) -> float:
    """Equal-tailed p-value of the conditional binomial test of two Poisson rates."""
    n, p0 = c0 + c1, e1 / (e0 + e1)
    lower = _binom_cdf(c1, n, p0)
    upper = 1 - _binom_cdf(c1 - 1, n, p0)
    return min(1.0, 2 * min(lower, upper))


def _clopper_pearson_rr(c0: int, e0: float, c1: int, e1: float) -> tuple[float, float]:
    n = c0 + c1
    lo = stats.beta.ppf(0.025, c1, n - c1 + 1)
    hi = stats.beta.ppf(0.975, c1 + 1, n - c1)
    return lo / (1 - lo) * e0 / e1, hi / (1 - hi) * e0 / e1


def _glm_dispersion(counts, exposure) -> tuple[float, float]:
    """Pearson dispersion of a Poisson GLM with a linear trend (statsmodels, independent)."""
    t = np.arange(len(counts), dtype=float)
    X = sm.add_constant(t - t.mean())
    res = sm.GLM(np.asarray(counts, float), X, family=sm.families.Poisson(),
                 offset=np.log(np.asarray(exposure, float))).fit()  # fmt: skip
    phi = res.pearson_chi2 / res.df_resid
    return phi, stats.chi2.sf(res.pearson_chi2, res.df_resid)


# --------------------------------------------------------------------------- shipped catalogue


def test_shipped_catalogue_covers_the_issue_list():
    cat = ind.load_catalogue()
    by_code = {(i.source.name, i.source.code): i for i in cat}
    wanted = {
        ("plan_figures", "0.0.0"), ("municipal_crime", "1.1.1"), ("municipal_crime", "1.2.2"),
        ("municipal_crime", "1.2.1"), ("municipal_crime", "1.2.3"), ("municipal_crime", "2.5.1"),
        ("municipal_crime", "2.2.1"), ("municipal_crime", "1.4.5"), ("municipal_crime", "1.4.4"),
        ("municipal_crime", "3.1.1"), ("municipal_crime", "3.1.3"), ("plan_figures", "3.9.1-online"),
        ("plan_figures", "3.9.1"), ("incidenten", "inc.overlast_jeugd"),
        ("incidenten", "inc.overlast_personen"), ("incidenten", "inc.verward_gedrag"),
        ("incidenten", "inc.conflictbemiddeling"), ("handhaving", "hh.overlast_totaal"),
        ("ondermijning", "ond.meldingen"), ("enquetes", "ivm.veiligheid"),
        ("enquetes", "lemon.veiligheid"),
    }  # fmt: skip
    assert wanted <= set(by_code)
    assert {i.priority for i in cat} == set(vocab.PRIORITIES)
    # Drug and weapons trafficking follow enforcement; undermining reports are good news when they rise.
    for key in [
        ("municipal_crime", "3.1.1"),
        ("municipal_crime", "3.1.3"),
        ("ondermijning", "ond.meldingen"),
    ]:
        assert by_code[key].desired_direction == "interpretive"
    assert by_code[("enquetes", "ivm.veiligheid")].kind == "score"


# --------------------------------------------------------------------------- catalogue errors

_GOOD = {
    "id": "woninginbraak",
    "label": "Woninginbraak",
    "priority": "going-concern",
    "theme": "Objectieve veiligheid (§4.2)",
    "source": {"dataset": "municipal_crime", "code": "1.1.1"},
    "unit": "misdrijven",
    "desired_direction": "down",
    "kind": "count",
    "caveat": '§1.1: "Zo namen de woningbraken ... af."',
}


def _write(tmp_path: Path, entries: list[dict] | str) -> Path:
    import yaml

    p = tmp_path / "catalogus.yaml"
    text = (
        entries
        if isinstance(entries, str)
        else yaml.safe_dump({"indicators": entries}, allow_unicode=True)
    )
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"weight": 2}, "weight", ["unknown field", "found 'weight'"]),
        ({"label": None}, "label", ["missing field"]),
        ({"priority": "jeugdd"}, "priority", ["found 'jeugdd'", "expected one of ondermijning, jeugd"]),
        ({"desired_direction": "omlaag"}, "desired_direction", ["found 'omlaag'", "down, up, interpretive"]),
        ({"kind": "aantal"}, "kind", ["found 'aantal'", "count, score"]),
        ({"source": {"dataset": "municipal_crime", "template": "incidenten", "code": "1.1.1"}},
         "source", ["exactly one of 'dataset' or 'template'"]),
        ({"source": {"dataset": "politie", "code": "1.1.1"}}, "source", ["unknown data set", "found 'politie'"]),
        ({"source": {"template": "onbekend", "code": "1.1.1"}}, "source", ["no template file onbekend.csv"]),
        ({"source": {"dataset": "municipal_crime", "code": "9.9.9"}}, "source", ["unknown code", "own_codes.csv"]),
        ({"source": {"dataset": "municipal_crime", "code": 1.5}}, "source", ["not a text", "found 1.5"]),
        ({"source": {"dataset": "municipal_crime", "code": "3.9.1"}}, "source",
         ["code 3.9.1 does not occur in data set municipal_crime"]),
        ({"unit": "incidenten"}, "unit", ["unit differs", "found 'incidenten'", "'misdrijven'"]),
        ({"kind": "score"}, "kind", ["kind 'score' is for survey marks"]),
        ({"caveat": "Een kanttekening zonder paragraaf"}, "caveat", ["quote the plan with its section"]),
        ({"id": "Woning Inbraak"}, "id", ["bad id", "found 'Woning Inbraak'"]),
    ],
)  # fmt: skip
def test_bad_entry_gives_a_clear_error(tmp_path, change, field, words):
    entry = {**_GOOD, **change}
    if entry.get("label") is None:
        entry.pop("label")
    good2 = {**_GOOD, "id": "tweede"}
    path = _write(tmp_path, [good2, entry])
    with pytest.raises(CatalogueError) as info:
        ind.load_catalogue(path)
    msg = str(info.value)
    assert "catalogus.yaml" in msg
    assert "entry 2" in msg
    assert f"field '{field}'" in msg
    if field != "id":
        assert "indicator 'woninginbraak'" in msg
    for w in words:
        assert w in msg, (w, msg)


def test_duplicate_id_names_both_entries(tmp_path):
    path = _write(tmp_path, [_GOOD, _GOOD])
    with pytest.raises(CatalogueError, match=r"indicator 'woninginbraak' \(entry 2\), field 'id': "
                                             r"duplicate id \(also entry 1\)"):  # fmt: skip
        ind.load_catalogue(path)


def test_broken_yaml_and_wrong_top_level(tmp_path):
    with pytest.raises(CatalogueError, match=r"catalogus.yaml: not valid YAML on line 3"):
        ind.load_catalogue(_write(tmp_path, "indicators:\n  - id: a\n    label: x: y\n"))
    with pytest.raises(CatalogueError, match="wrong top level"):
        ind.load_catalogue(_write(tmp_path, "- id: a\n"))
    with pytest.raises(CatalogueError, match="wrong top level"):
        ind.load_catalogue(_write(tmp_path, "indicators: []\nextra: 1\n"))


# --------------------------------------------------------------------------- statuses by hand

RULE_2022 = ind.BaselineRule("year", 2022, 2022)
EQUAL_POP = pd.Series({y: 10_000.0 for y in range(2015, 2027)})


def _series(values: dict, status: str = "final", **extra) -> pd.DataFrame:
    df = pd.DataFrame({"year": list(values), "value": [float(v) for v in values.values()]})
    df["status"] = status
    for k, v in extra.items():
        df[k] = [float(x) for x in v]
    return df


def test_count_improved_and_worsened_follow_the_desired_direction():
    # Equal population: under equal rates the 2023 count is Binomial(150, 1/2).
    s = _series({2022: 100, 2023: 50})
    down = ind.assess("count", "down", s, RULE_2022, 2023, EQUAL_POP)
    up = ind.assess("count", "up", s, RULE_2022, 2023, EQUAL_POP)
    assert down["status"] == vocab.STATUS_IMPROVED
    assert up["status"] == vocab.STATUS_WORSENED
    assert down["change"] == pytest.approx(-50.0)
    assert down["p_value"] == pytest.approx(2 * _binom_cdf(50, 150, 0.5), rel=1e-9)
    lo, hi = _clopper_pearson_rr(100, 10_000, 50, 10_000)
    assert (down["ci_low"], down["ci_high"]) == pytest.approx(
        (100 * (lo - 1), 100 * (hi - 1)), rel=1e-7
    )
    assert "Significante daling; dalen is gewenst" in down["reason"]


def test_count_no_significant_change():
    r = ind.assess("count", "down", _series({2022: 100, 2023: 95}), RULE_2022, 2023, EQUAL_POP)
    assert r["status"] == vocab.STATUS_NO_CHANGE
    assert r["p_value"] == pytest.approx(_exact_p(100, 1e4, 95, 1e4), rel=1e-9)
    assert r["ci_low"] < 0 < r["ci_high"]


def test_interpretive_gets_no_target_direction_with_the_caveat():
    r = ind.assess("count", "interpretive", _series({2022: 100, 2023: 50}), RULE_2022, 2023, EQUAL_POP,
                   caveat='§1.3.2: "meer zichtbaar"')  # fmt: skip
    assert r["status"] == vocab.STATUS_NO_DIRECTION
    assert r["change"] == pytest.approx(-50.0)  # the change is still shown
    assert '§1.3.2: "meer zichtbaar"' in r["reason"]


@pytest.mark.parametrize(
    ("values", "pop", "gap", "words"),
    [
        ({2022: 100}, EQUAL_POP, "cijfers na 2022", "Geen cijfer na 2022: het laatste cijfer is van 2022 (100)"),
        ({2021: 100, 2023: 90}, EQUAL_POP, "nulmeting 2022", "Geen cijfer voor de nulmeting (2022)"),
        ({}, EQUAL_POP, "alle jaren", "Geen enkel cijfer"),
        ({2022: 100, 2023: 90}, pd.Series({2022: 1e4}), "bevolking 2023", "Geen bevolkingscijfer voor 2023"),
        ({2022: float("nan"), 2023: 90}, EQUAL_POP, "nulmeting 2022", "Geen cijfer voor de nulmeting"),
    ],
)  # fmt: skip
def test_no_data_cases(values, pop, gap, words):
    s = _series(values) if values else pd.DataFrame({"year": [], "value": []})
    r = ind.assess("count", "down", s, RULE_2022, 2023, pop)
    assert r["status"] == vocab.STATUS_NO_DATA
    assert r["gap"] == gap
    assert words in r["reason"]


def test_a_later_figure_is_never_used_and_an_older_one_is_flagged():
    s = _series({2022: 100, 2024: 60, 2026: 10}, status="provisional")
    r = ind.assess("count", "down", s, RULE_2022, 2025, EQUAL_POP)
    assert r["eval_period"] == "2024" and r["eval_value"] == 60.0
    assert r["eval_status_of_data"] == "provisional"
    assert "niet van het evaluatiejaar 2025" in r["reason"]
    assert "voorlopig" in r["reason"]
    assert r["gap"] == "cijfers 2025"


def test_zero_in_both_years_is_no_change():
    r = ind.assess("count", "down", _series({2022: 0, 2023: 0}), RULE_2022, 2023, EQUAL_POP)
    assert r["status"] == vocab.STATUS_NO_CHANGE
    assert r["change"] == 0.0


def test_overdispersed_series_widens_the_interval():
    # Six years alternating 60/140 with equal population: far more variable than Poisson.
    hist = {2017: 60, 2018: 140, 2019: 60, 2020: 140, 2021: 60, 2022: 140}
    s = _series({**hist, 2023: 100})
    r = ind.assess("count", "down", s, RULE_2022, 2023, EQUAL_POP)
    phi, phi_p = _glm_dispersion(list(hist.values()), [1e4] * 6)
    assert phi_p < 0.05 and phi > 10
    lrr = math.log(100 / 140)
    se = math.sqrt(phi * (1 / 140 + 1 / 100))
    assert r["ci_low"] == pytest.approx(
        100 * (math.exp(lrr - 1.959963984540054 * se) - 1), rel=1e-6
    )
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(abs(lrr) / se), rel=1e-6)
    # Poisson alone would call 140 -> 100 significant; with the series' own spread it is not.
    assert _exact_p(140, 1e4, 100, 1e4) < 0.05
    assert r["status"] == vocab.STATUS_NO_CHANGE
    assert "quasi-Poisson" in r["reason"]


# --------------------------------------------------------------------------- survey margins


def test_survey_difference_larger_than_the_margin():
    s = _series({2021: 7.5, 2023: 7.9}, margin_95=[0.2, 0.2], respondents=[np.nan, np.nan])
    r = ind.assess("score", "up", s, RULE_2022, 2023)
    margin = math.sqrt(0.2**2 + 0.2**2)  # 0.2828
    assert r["baseline_period"] == "2021"  # the 2021 survey is the baseline for 2022
    assert r["change"] == pytest.approx(0.4)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((0.4 - margin, 0.4 + margin))
    assert r["status"] == vocab.STATUS_IMPROVED
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(1.959963984540054 * 0.4 / margin))


def test_survey_margin_from_respondents_with_the_stated_sd():
    m = 1.959963984540054 * 1.5 / math.sqrt(400)  # 0.147 per survey
    assert ind.survey_margin(float("nan"), 400) == pytest.approx(m)
    both = math.sqrt(2) * m  # 0.208
    yes = ind.assess(
        "score", "up", _series({2022: 7.5, 2023: 7.8}, respondents=[400, 400]), RULE_2022, 2023
    )
    no = ind.assess(
        "score", "up", _series({2022: 7.5, 2023: 7.7}, respondents=[400, 400]), RULE_2022, 2023
    )
    assert 0.2 < both < 0.3
    assert yes["status"] == vocab.STATUS_IMPROVED
    assert no["status"] == vocab.STATUS_NO_CHANGE
    assert no["ci_high"] - no["change"] == pytest.approx(both)


@pytest.mark.parametrize("margins", [[np.nan, np.nan], [0.2, np.nan], [np.nan, 0.2]])
def test_survey_margin_unknown(margins):
    s = _series({2021: 7.8, 2023: 8.1}, margin_95=margins, respondents=[np.nan, np.nan])
    r = ind.assess("score", "up", s, RULE_2022, 2023)
    assert r["status"] == vocab.STATUS_NO_DATA
    assert "marge onbekend" in r["reason"]
    assert r["change"] == pytest.approx(0.3)
    assert r["gap"].startswith("respondenten of marge")


def test_survey_baseline_looks_back_two_years_only():
    r = ind.assess(
        "score", "up", _series({2019: 7.8, 2023: 8.1}, margin_95=[0.1, 0.1]), RULE_2022, 2023
    )
    assert r["status"] == vocab.STATUS_NO_DATA
    assert r["gap"] == "nulmeting 2020-2022"


def test_shipped_surveys_give_margin_unknown_when_compared():
    # The plan gives IVM 7.5 (2017) and 7.8 (2021) without respondents or margin.
    ev = ind.evaluate("GM1926", "custom", baseline_year=2017, eval_year=2021)
    row = ev.table.set_index("indicator_id").loc["ivm_veiligheid"]
    assert row["status"] == vocab.STATUS_NO_DATA
    assert row["change"] == pytest.approx(0.3)
    assert "marge onbekend" in row["reason"]


# --------------------------------------------------------------------------- baseline rule


def test_baseline_mean_sums_counts_over_summed_population():
    ev = ind.evaluate("GM1926", baseline="mean", baseline_first_year=2020, baseline_last_year=2022)
    row = ev.table.set_index("indicator_id").loc["woninginbraak"]
    # Burglary 73, 61, 76 in 2020-2022 (47018NED) with population 55,491, 56,123, 57,122.
    assert row["baseline_period"] == "2020-2022"
    assert row["baseline_value"] == pytest.approx((73 + 61 + 76) / 3)
    rr = (37 / 57_802) / (210 / (55_491 + 56_123 + 57_122))
    assert row["change"] == pytest.approx(100 * (rr - 1), rel=1e-9)
    assert row["p_value"] == pytest.approx(_exact_p(210, 168_736, 37, 57_802), rel=1e-7)


def test_baseline_mean_with_a_missing_year_says_so():
    s = _series({2019: 100, 2021: 80, 2022: 90, 2023: 85})
    r = ind.assess("count", "down", s, ind.BaselineRule("mean", 2019, 2022), 2023, EQUAL_POP)
    assert r["baseline_period"] == "2019, 2021-2022"
    assert r["baseline_value"] == pytest.approx(90.0)
    assert "zonder 2020" in r["reason"]


def test_survey_baseline_mean_combines_margins():
    s = _series({2017: 7.5, 2019: 7.7, 2023: 8.0}, margin_95=[0.2, 0.2, 0.1])
    r = ind.assess("score", "up", s, ind.BaselineRule("mean", 2017, 2021), 2023)
    m0 = math.sqrt(0.04 + 0.04) / 2
    assert r["baseline_value"] == pytest.approx(7.6)
    assert r["ci_high"] - r["change"] == pytest.approx(math.sqrt(m0**2 + 0.01))
    assert r["status"] == vocab.STATUS_IMPROVED  # 0.4 > 0.173


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("median", 0, 0), "must be 'year' or 'mean'"),
        (("mean", 0, 0), "needs baseline_first_year and baseline_last_year"),
        (("mean", 2022, 2019), "is after"),
        (("mean", 2019, 2023), "must be before the evaluation year 2023"),
    ],
)
def test_bad_baseline_parameters(args, match):
    with pytest.raises(ParameterError, match=match):
        ind.baseline_rule(resolve_moment("tussenevaluatie-2024"), *args)


# --------------------------------------------------------------------------- templates


def test_header_only_template_is_empty_and_bad_templates_are_rejected(tmp_path):
    (tmp_path / "leeg.csv").write_text("region,period,code,value,note\n", encoding="utf-8")
    assert len(ind.read_template("leeg", tmp_path)) == 0
    (tmp_path / "typo.csv").write_text("region,period,code,value,respondenten\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"column 'respondenten': unknown column"):
        ind.read_template("typo", tmp_path)
    (tmp_path / "maand.csv").write_text(
        "region,period,code,value\nGM1926,2023-05,ond.meldingen,3\n"
    )
    with pytest.raises(InputFileError, match="period is not a year"):
        ind.read_template("maand", tmp_path)
    (tmp_path / "neg.csv").write_text("region,period,code,value\nGM1926,2023,ond.meldingen,-3\n")
    with pytest.raises(InputFileError, match="negative count"):
        ind.read_template("neg", tmp_path)
    (tmp_path / "kort.csv").write_text("region,period,value\n")
    with pytest.raises(InputFileError, match="column 'code': missing column"):
        ind.read_template("kort", tmp_path)


def test_shipped_templates_hold_only_the_plans_figures():
    inc = ind.read_template("incidenten")
    assert sorted(inc["period"].map(lambda p: p.year).unique()) == list(range(2017, 2023))
    jeugd = inc[inc["code"] == "inc.overlast_jeugd"]["value"].tolist()
    assert jeugd == [351, 278, 173, 346, 284, 307]
    assert inc[inc["code"] == "inc.verward_gedrag"]["value"].isna().sum() == 2  # '1.' in the plan
    enq = ind.read_template("enquetes")
    assert enq["value"].tolist() == [7.5, 7.8, 7.6, 7.9]
    assert enq["respondents"].isna().all() and enq["margin_95"].isna().all()
    assert len(ind.read_template("handhaving")) == 0 and len(ind.read_template("ondermijning")) == 0


# --------------------------------------------------------------------------- shipped evaluation


def test_tussenevaluatie_must_show():
    ev = ind.evaluate("GM1926", "tussenevaluatie-2024")
    t = ev.table
    assert list(t.columns) == ind.RESULT_COLUMNS
    assert set(t["status"]) <= set(vocab.STATUSES)
    assert (t["reason"].str.len() > 10).all()
    # Every catalogue indicator, ordered by priority and then catalogue order.
    cat = ev.catalogue
    order = {p: i for i, p in enumerate(vocab.PRIORITIES)}
    expected = [i.id for i in sorted(cat, key=lambda i: order[i.priority])]  # sorted() is stable
    assert t["indicator_id"].tolist() == expected
    row = t.set_index("indicator_id")
    b = row.loc["woninginbraak"]
    assert (b["baseline_period"], b["baseline_value"], b["eval_period"], b["eval_value"]) == (
        "2022",
        76,
        "2023",
        37,
    )
    assert b["eval_status_of_data"] == "final"
    assert b["status"] == vocab.STATUS_IMPROVED
    # Burglary 2012-2022 is not significantly overdispersed, so the exact test applies.
    cat = {i.id: i for i in ev.catalogue}
    hist = ind.indicator_series(cat["woninginbraak"], "GM1926").set_index("year")["value"]
    years = range(2012, 2023)
    assert _glm_dispersion(hist.loc[years], [_pop_gm1926(y) for y in years])[1] > 0.05
    lo, hi = _clopper_pearson_rr(76, 57_122, 37, 57_802)
    assert b["ci_low"] == pytest.approx(100 * (lo - 1), rel=1e-7)
    assert b["ci_high"] == pytest.approx(100 * (hi - 1), rel=1e-7)
    assert b["ci_high"] < 0
    assert b["p_value"] == pytest.approx(_exact_p(76, 57_122, 37, 57_802), rel=1e-7)
    # Youth nuisance: the plan's figures stop in 2022.
    j = row.loc["overlast_jeugd"]
    assert j["status"] == vocab.STATUS_NO_DATA
    assert j["reason"].startswith("Geen cijfer na 2022")
    gaps = present.data_gaps(ev)
    g = gaps[gaps["indicator"] == j["label"]].iloc[0]
    assert "incidenten.csv" in g["hoe"] and "2023" in g["aanleveren"]
    # IVM: no measurement after 2021.
    ivm = row.loc["ivm_veiligheid"]
    assert ivm["status"] == vocab.STATUS_NO_DATA
    assert ivm["baseline_period"] == "2021" and ivm["eval_period"] == ""
    assert ivm["reason"].startswith("Geen meting na 2021")
    # The data-gap list holds exactly the indicators without data.
    nodata = t.loc[t["status"] == vocab.STATUS_NO_DATA, "label"].tolist()
    assert gaps["indicator"].tolist() == nodata
    assert (
        "misdrijven_totaal" in row.index
        and row.loc["misdrijven_totaal", "status"] == vocab.STATUS_NO_DATA
    )


def test_eindevaluatie_uses_provisional_2025():
    ev = ind.evaluate("GM1926", "eindevaluatie-2026")
    b = ev.table.set_index("indicator_id").loc["woninginbraak"]
    assert (b["eval_period"], b["eval_value"], b["eval_status_of_data"]) == (
        "2025",
        51,
        "provisional",
    )
    p = _exact_p(76, 57_122, 51, 58_126)
    assert b["p_value"] == pytest.approx(p, rel=1e-7) and p < 0.05
    assert b["status"] == vocab.STATUS_IMPROVED
    assert "voorlopig" in b["reason"]
    assert len(ev.table) == len(ev.catalogue)


def test_other_municipality_reports_what_it_can():
    ev = ind.evaluate("GM0363", "tussenevaluatie-2024")
    row = ev.table.set_index("indicator_id")
    assert row.loc["woninginbraak", "status"] in (
        vocab.STATUS_IMPROVED,
        vocab.STATUS_WORSENED,
        vocab.STATUS_NO_CHANGE,
    )
    assert row.loc["overlast_jeugd", "reason"].startswith("Geen enkel cijfer")
    assert present.budget_context("GM0363").empty
    assert "Pijnacker-Nootdorp" in present.budget_text(ev)


# --------------------------------------------------------------------------- filled-in fixture

FIXTURE_STATUS = {  # worked out by hand: tests/fixtures/indicators/README.md
    "overlast_jeugd": vocab.STATUS_NO_CHANGE,
    "overlast_personen": vocab.STATUS_WORSENED,
    "verward_gedrag": vocab.STATUS_IMPROVED,
    "conflictbemiddeling": vocab.STATUS_NO_DIRECTION,
    "handhaving_jeugdoverlast": vocab.STATUS_NO_CHANGE,
    "handhaving_overlast": vocab.STATUS_NO_DATA,
    "meldingen_ondermijning": vocab.STATUS_NO_DIRECTION,
    "ivm_veiligheid": vocab.STATUS_WORSENED,
    "lemon_veiligheid": vocab.STATUS_NO_CHANGE,
}


def test_filled_in_templates_change_the_statuses():
    shipped = ind.evaluate("GM1926").table.set_index("indicator_id")
    filled = ind.evaluate("GM1926", templates_dir=FIXTURE).table.set_index("indicator_id")
    for ident, status in FIXTURE_STATUS.items():
        assert filled.loc[ident, "status"] == status, (ident, filled.loc[ident, "reason"])
        assert shipped.loc[ident, "status"] == vocab.STATUS_NO_DATA
    # Police figures do not depend on the templates.
    assert filled.loc["woninginbraak"].equals(shipped.loc["woninginbraak"])


def test_fixture_numbers_by_hand():
    t = ind.evaluate("GM1926", templates_dir=FIXTURE).table.set_index("indicator_id")
    p22, p23 = 57_122.0, 57_802.0
    pops = [_pop_gm1926(y) for y in range(2017, 2023)]
    # Youth nuisance 307 -> 230: dispersion of 2017-2022 from statsmodels, quasi-Poisson z-test.
    phi, phi_p = _glm_dispersion([351, 278, 173, 346, 284, 307], pops)
    assert phi_p < 0.05 and 17 < phi < 19
    lrr = math.log((230 / p23) / (307 / p22))
    se = math.sqrt(phi * (1 / 307 + 1 / 230))
    assert t.loc["overlast_jeugd", "p_value"] == pytest.approx(
        2 * stats.norm.sf(abs(lrr) / se), rel=1e-6
    )
    assert _exact_p(307, p22, 230, p23) < 0.05  # Poisson alone would have said 'improved'
    # Nuisance by persons 263 -> 420: still significant after widening.
    phi2, _ = _glm_dispersion([143, 128, 180, 252, 224, 263], pops)
    lrr2 = math.log((420 / p23) / (263 / p22))
    z2 = lrr2 / math.sqrt(phi2 * (1 / 263 + 1 / 420))
    assert z2 > 1.96
    assert t.loc["overlast_personen", "change"] == pytest.approx(
        100 * (math.exp(lrr2) - 1), rel=1e-9
    )
    # Confused persons: 4 years only, exact test 152 -> 100.
    assert t.loc["verward_gedrag", "p_value"] == pytest.approx(
        _exact_p(152, p22, 100, p23), rel=1e-7
    )
    assert "Met 4 jaar" in t.loc["verward_gedrag", "reason"]
    # IVM 7.8 +- 0.2 -> 7.3 +- 0.2.
    assert t.loc["ivm_veiligheid", "change"] == pytest.approx(-0.5)
    assert t.loc["ivm_veiligheid", "ci_high"] == pytest.approx(-0.5 + math.sqrt(0.08))
    # Lemon 7.9 -> 8.0 with 600 respondents each.
    m = 1.959963984540054 * 1.5 / math.sqrt(600)
    assert t.loc["lemon_veiligheid", "ci_low"] == pytest.approx(0.1 - math.sqrt(2) * m)


def test_eindevaluatie_with_fixture_lists_stale_figures():
    ev = ind.evaluate("GM1926", "eindevaluatie-2026", templates_dir=FIXTURE)
    row = ev.table.set_index("indicator_id").loc["overlast_personen"]
    assert row["eval_period"] == "2023" and row["status"] == vocab.STATUS_WORSENED
    assert "niet van het evaluatiejaar 2025" in row["reason"]
    gaps = present.data_gaps(ev).set_index("indicator")
    assert gaps.loc[row["label"], "wat ontbreekt"] == "cijfers 2024-2025"


# --------------------------------------------------------------------------- adding an indicator


def test_add_an_indicator_with_an_existing_code_without_code_changes(tmp_path):
    text = ind.catalogue_path().read_text(encoding="utf-8") + textwrap.indent(textwrap.dedent('''
      - id: inbraak_box_garage
        label: Inbraak in box, garage of schuur
        priority: going-concern
        theme: Woninginbraakpreventie (§4.2)
        source: {dataset: municipal_crime, code: "1.1.2"}
        unit: misdrijven
        desired_direction: down
        kind: count
        caveat: '§4.2: "Op de andere vormen van criminaliteit wordt voornamelijk ad hoc ingezet."'
    '''), "  ")  # fmt: skip
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    ev = ind.evaluate("GM1926", catalogue=path)
    last = ev.table.iloc[-1]
    assert last["indicator_id"] == "inbraak_box_garage"
    # 23 (2022) -> 21 (2023); 2012-2022 not significantly overdispersed -> exact test.
    assert (last["baseline_value"], last["eval_value"]) == (23, 21)
    assert last["p_value"] == pytest.approx(_exact_p(23, 57_122, 21, 57_802), rel=1e-7)
    assert last["status"] == vocab.STATUS_NO_CHANGE


def test_add_an_indicator_with_a_new_own_code_in_a_copy_of_the_data_folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "raw").symlink_to(paths.DATA_DIR / "raw", target_is_directory=True)
    shutil.copytree(paths.TEMPLATES_DIR, data / "templates")
    own = (paths.DATA_DIR / "own_codes.csv").read_text(encoding="utf-8")
    (data / "own_codes.csv").write_text(
        own + "hh.afval,Meldingen afvaldumping bij handhaving,meldingen,Test code\n",
        encoding="utf-8",
    )
    with open(data / "templates" / "handhaving.csv", "a", encoding="utf-8") as f:
        f.write(
            "GM1926,2022,hh.afval,40,,,VERZONNEN,final,test\nGM1926,2023,hh.afval,20,,,VERZONNEN,final,test\n"
        )
    (data / "indicators.yaml").write_text(
        ind.catalogue_path().read_text(encoding="utf-8") + textwrap.indent(textwrap.dedent('''
          - id: afvaldumping
            label: Meldingen afvaldumping bij handhaving
            priority: going-concern
            theme: Fysieke kwaliteit (§4.1)
            source: {template: handhaving, code: hh.afval}
            unit: meldingen
            desired_direction: down
            kind: count
            caveat: '§4.1: "vernielingen, zwerfvuil en afval(dumpingen)"'
        '''), "  "), encoding="utf-8")  # fmt: skip
    code = ("from ivp_analysis import indicators as i; r = i.evaluate('GM1926').table.iloc[-1]; "
            "print(r.indicator_id, r.status, repr(float(r.p_value)), r.source)")  # fmt: skip
    env = {**os.environ, "IVP_DATA_DIR": str(data)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()  # fmt: skip
    assert out[0] == "afvaldumping"
    assert " ".join(out[1:-3]) == vocab.STATUS_IMPROVED
    assert float(out[-3]) == pytest.approx(_exact_p(40, 57_122, 20, 57_802), rel=1e-7)
    assert out[-2:] == ["data/templates/handhaving.csv", "[hh.afval]"]


# --------------------------------------------------------------------------- presentation


def test_texts_follow_from_the_statuses():
    ev = ind.evaluate("GM1926", "tussenevaluatie-2024")
    text = present.summary_text(ev)
    assert "- Verbeterd (1): woninginbraak." in text
    assert "Verslechterd" not in text  # nothing worsened, so nothing may claim it
    q = present.evaluation_questions(ev)
    assert len(q) == 4
    assert "Geen meting na 2021" in q.loc[0, "wat de cijfers zeggen"]
    sc = present.scorecard_table(ev).set_index("indicator")
    assert sc.loc["Woninginbraak", "verandering (95%-interval)"].startswith("-52 % (")
    assert sc.loc["Overlast jeugd (politie-incidenten)", "laatste cijfer"] == "geen cijfer"
    html = present.scorecard_html(ev)
    assert html.count("<tr>") == len(ev.table) + len(vocab.PRIORITIES) + 1
    assert "boa&#x27;s" in html  # text is escaped
    counts = present.status_counts(ev).set_index("prioriteit")
    assert counts.loc["totaal"].sum() == len(ev.table)


def test_budget_per_inhabitant():
    b = present.budget_context("GM1926").set_index("jaar")
    assert b.loc[2023, "EUR per inwoner"] == pytest.approx(95_000 / 57_802)
    assert b.loc[2025, "EUR per inwoner"] == pytest.approx(190_000 / 58_126)
    assert np.isnan(b.loc[2026, "EUR per inwoner"])  # no population for 2026 yet
