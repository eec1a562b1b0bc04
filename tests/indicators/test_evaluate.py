"""Tests of ivp_analysis.indicators.evaluate: the shipped evaluation, a filled-in template fixture,
and adding an indicator without code changes.

Expected values come from the reference calculations in ``conftest.py`` or by hand; the fixture's
expected statuses are worked out in tests/fixtures/indicators/README.md.
"""

import math
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from ivp_analysis import paths, vocab
from ivp_analysis.indicators import (
    RESULT_COLUMNS,
    budget,
    catalogue_path,
    evaluate,
    indicator_series,
    next_moment,
)
from ivp_analysis.moments import resolve as resolve_moment
from ivp_analysis.present.indicator_reasons import result_table
from ivp_analysis.present.indicators import budget_text, data_gaps_table

FIXTURE = Path(__file__).parents[1] / "fixtures" / "indicators"


# --------------------------------------------------------------------------- shipped evaluation


def test_shipped_surveys_give_margin_unknown_when_compared():
    # The plan gives IVM 7.5 (2017) and 7.8 (2021) without respondents or margin.
    ev = evaluate("GM1926", "custom", baseline_year=2017, eval_year=2021)
    row = result_table(ev).set_index("indicator_id").loc["ivm_veiligheid"]
    assert row["status"] == vocab.STATUS_NO_DATA
    assert row["change"] == pytest.approx(0.3)
    assert "marge onbekend" in row["reason"]


def test_baseline_mean_sums_counts_over_summed_population(ref):
    ev = evaluate("GM1926", baseline="mean", baseline_first_year=2020, baseline_last_year=2022)
    row = ev.table.set_index("indicator_id").loc["woninginbraak"]
    # Burglary 73, 61, 76 in 2020-2022 (47018NED) with population 55,491, 56,123, 57,122.
    assert row["baseline_period"] == "2020-2022"
    assert row["baseline_value"] == pytest.approx((73 + 61 + 76) / 3)
    rr = (37 / 57_802) / (210 / (55_491 + 56_123 + 57_122))
    assert row["change"] == pytest.approx(100 * (rr - 1), rel=1e-9)
    assert row["p_value_exact"] == pytest.approx(ref.exact_p(210, 168_736, 37, 57_802), rel=1e-7)
    phi, df = row["dispersion"], row["dispersion_df"]  # of 2012-2022, checked in the next test
    assert row["p_value"] == pytest.approx(ref.quasi_p(210, 168_736, 37, 57_802, phi, df))
    assert pd.isna(row["baseline_vs_trend"])  # a mean baseline is not checked against a trend


def test_tussenevaluatie_must_show(ref):
    ev = evaluate("GM1926", "tussenevaluatie-2024")
    t = result_table(ev)
    assert list(t.columns) == RESULT_COLUMNS
    # the reason is worded by present
    assert list(ev.table.columns) == [c for c in RESULT_COLUMNS if c != "reason"]
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
    # the two figures compared, named in the shipped 47018NED extract (data.json)
    assert b["source_file"] == "data/raw/politie-47018ned-gemeente-selected-types/data.json"
    assert b["source_key"] == "counts/1.1.1/GM1926/2022..2023"
    # 76 -> 37 is a significant fall with the dispersion of 2012-2022 (statsmodels: 1.92 on
    # 8 df with the pandemic level), on p: the status answers the plan's own question
    cat = {i.id: i for i in ev.catalogue}
    hist = indicator_series(cat["woninginbraak"], "GM1926").set_index("year")["value"]
    years = list(range(2012, 2023))
    phi, df = ref.glm_dispersion(hist.loc[years], [ref.pop_gm1926(y) for y in years], years)
    assert (b["dispersion"], b["dispersion_df"]) == (pytest.approx(phi, rel=1e-6), df)
    assert 1.9 < phi < 1.95 and df == 8
    assert b["p_value"] == pytest.approx(ref.quasi_p(76, 57_122, 37, 57_802, phi, df), rel=1e-7)
    assert 0.025 < b["p_value"] < 0.03 and b["method"] == "quasi-Poisson"
    assert b["p_value_exact"] == pytest.approx(ref.exact_p(76, 57_122, 37, 57_802), rel=1e-7)
    assert b["status"] == vocab.STATUS_IMPROVED and b["ci_high"] < 0
    # ... but not on q within the family of tested indicators, and within the pre-plan trend
    tested = t["p_value"].notna()
    assert b["q_value"] > 0.05 and b["q_value"] >= b["p_value"]
    assert t.loc[tested, "q_value"].notna().all() and t.loc[~tested, "q_value"].isna().all()
    assert b["trend_pi_low"] < 37 < b["trend_pi_high"] and 52 < b["trend_expected"] < 55
    assert b["trend_verdict"] == vocab.TREND_WITHIN
    # evaluability: with 76 in the baseline and this dispersion only a fall of more than half
    # can be shown (80 % power, 5 %, t on 8 df)
    assert -62 < b["min_detectable_change"] < -55
    # Youth nuisance: the plan's figures stop in 2022.
    j = row.loc["overlast_jeugd"]
    assert j["status"] == vocab.STATUS_NO_DATA
    assert j["reason"].startswith("Geen cijfer na 2022")
    gaps = data_gaps_table(ev)
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


def test_eindevaluatie_uses_provisional_2025(ref):
    ev = evaluate("GM1926", "eindevaluatie-2026")
    b = result_table(ev).set_index("indicator_id").loc["woninginbraak"]
    assert (b["eval_period"], b["eval_value"], b["eval_status_of_data"]) == (
        "2025",
        51,
        "provisional",
    )
    p = ref.exact_p(76, 57_122, 51, 58_126)
    assert b["p_value_exact"] == pytest.approx(p, rel=1e-7) and p < 0.05
    # with the dispersion 76 -> 51 is within normal variation; the status stands, labelled
    # provisional (the indicator keeps its status on a provisional figure)
    assert b["p_value"] > 0.05 and b["status"] == vocab.STATUS_NO_CHANGE
    assert "voorlopig" in b["reason"]
    assert b["trend_verdict"] in (vocab.TREND_BELOW, vocab.TREND_WITHIN, vocab.TREND_ABOVE)
    assert len(ev.table) == len(ev.catalogue)


def test_other_municipality_reports_what_it_can():
    ev = evaluate("GM0363", "tussenevaluatie-2024")
    row = result_table(ev).set_index("indicator_id")
    assert row.loc["woninginbraak", "status"] in (
        vocab.STATUS_IMPROVED,
        vocab.STATUS_WORSENED,
        vocab.STATUS_NO_CHANGE,
    )
    assert row.loc["overlast_jeugd", "reason"].startswith("Geen enkel cijfer")
    assert budget("GM0363").empty
    assert "Pijnacker-Nootdorp" in budget_text(ev)


# --------------------------------------------------------------------------- filled-in fixture

FIXTURE_STATUS = {  # worked out by hand: tests/fixtures/indicators/README.md
    "overlast_jeugd": vocab.STATUS_NO_CHANGE,
    "overlast_personen": vocab.STATUS_NO_CHANGE,
    "verward_gedrag": vocab.STATUS_IMPROVED,
    "conflictbemiddeling": vocab.STATUS_NO_DIRECTION,
    "handhaving_jeugdoverlast": vocab.STATUS_NO_CHANGE,
    "handhaving_overlast": vocab.STATUS_NO_DATA,
    "meldingen_ondermijning": vocab.STATUS_NO_DIRECTION,
    "ivm_veiligheid": vocab.STATUS_WORSENED,
    "lemon_veiligheid": vocab.STATUS_NO_CHANGE,
}


def test_filled_in_templates_change_the_statuses():
    shipped = result_table(evaluate("GM1926")).set_index("indicator_id")
    filled = result_table(evaluate("GM1926", templates_dir=FIXTURE)).set_index("indicator_id")
    for ident, status in FIXTURE_STATUS.items():
        assert filled.loc[ident, "status"] == status, (ident, filled.loc[ident, "reason"])
        assert shipped.loc[ident, "status"] == vocab.STATUS_NO_DATA
    # Police figures do not depend on the templates; the q-value does (a larger family).
    same = filled.columns.drop(["q_value", "reason"])  # the reason quotes q
    assert filled.loc["woninginbraak", same].equals(shipped.loc["woninginbraak", same])
    assert filled.loc["woninginbraak", "q_value"] < shipped.loc["woninginbraak", "q_value"]


def test_fixture_numbers_by_hand(ref):
    t = result_table(evaluate("GM1926", templates_dir=FIXTURE)).set_index("indicator_id")
    p22, p23 = 57_122.0, 57_802.0
    pops = [ref.pop_gm1926(y) for y in range(2017, 2023)]
    years = list(range(2017, 2023))
    # Youth nuisance 307 -> 230: dispersion of 2017-2022 from statsmodels, quasi-score test.
    phi, df = ref.glm_dispersion([351, 278, 173, 346, 284, 307], pops, years)
    assert 20 < phi < 24 and df == 3
    assert t.loc["overlast_jeugd", "p_value"] == pytest.approx(
        ref.quasi_p(307, p22, 230, p23, phi, df), rel=1e-6
    )
    assert ref.exact_p(307, p22, 230, p23) < 0.05  # Poisson alone would have said 'improved'
    # Nuisance by persons 263 -> 420 (+58 %): with dispersion 4.0 on 3 df within normal variation
    phi2, df2 = ref.glm_dispersion([143, 128, 180, 252, 224, 263], pops, years)
    p2 = ref.quasi_p(263, p22, 420, p23, phi2, df2)
    assert 0.05 < p2 < 0.07 and t.loc["overlast_personen", "p_value"] == pytest.approx(p2)
    rr2 = (420 / p23) / (263 / p22)
    assert t.loc["overlast_personen", "change"] == pytest.approx(100 * (rr2 - 1), rel=1e-9)
    # Confused persons: 4 years only, exact test 152 -> 100.
    assert t.loc["verward_gedrag", "p_value"] == pytest.approx(
        ref.exact_p(152, p22, 100, p23), rel=1e-7
    )
    assert "Met 4 jaar" in t.loc["verward_gedrag", "reason"]
    # IVM 7.8 +- 0.2 -> 7.3 +- 0.2.
    assert t.loc["ivm_veiligheid", "change"] == pytest.approx(-0.5)
    assert t.loc["ivm_veiligheid", "ci_high"] == pytest.approx(-0.5 + math.sqrt(0.08))
    # Lemon 7.9 -> 8.0 with 600 respondents each.
    m = 1.959963984540054 * 1.5 / math.sqrt(600)
    assert t.loc["lemon_veiligheid", "ci_low"] == pytest.approx(0.1 - math.sqrt(2) * m)


def test_eindevaluatie_with_fixture_lists_stale_figures():
    ev = evaluate("GM1926", "eindevaluatie-2026", templates_dir=FIXTURE)
    row = result_table(ev).set_index("indicator_id").loc["overlast_personen"]
    assert row["eval_period"] == "2023" and row["status"] == vocab.STATUS_NO_CHANGE
    assert row["trend_expected"] > 0  # the trend context is projected to 2023, the figure's year
    assert "niet van het evaluatiejaar 2025" in row["reason"]
    gaps = data_gaps_table(ev).set_index("indicator")
    assert gaps.loc[row["label"], "wat ontbreekt"] == "cijfers 2024-2025"


# --------------------------------------------------------------------------- adding an indicator


def test_add_an_indicator_with_an_existing_code_without_code_changes(tmp_path, ref):
    text = catalogue_path().read_text(encoding="utf-8") + textwrap.indent(
        textwrap.dedent("""
      - id: inbraak_box_garage
        label: Inbraak in box, garage of schuur
        priority: going-concern
        theme: Woninginbraakpreventie (§4.2)
        source: {dataset: municipal_crime, code: "1.1.2"}
        unit: misdrijven
        desired_direction: down
        kind: count
        caveat: '§4.2: "Op de andere vormen van criminaliteit wordt voornamelijk ad hoc ingezet."'
    """),
        "  ",
    )
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    ev = evaluate("GM1926", catalogue=path)
    last = ev.table.iloc[-1]
    assert last["indicator_id"] == "inbraak_box_garage"
    # 23 (2022) -> 21 (2023), with the dispersion of 2012-2022
    assert (last["baseline_value"], last["eval_value"]) == (23, 21)
    assert last["p_value_exact"] == pytest.approx(ref.exact_p(23, 57_122, 21, 57_802), rel=1e-7)
    assert last["method"] == "quasi-Poisson" and last["status"] == vocab.STATUS_NO_CHANGE


def test_add_an_indicator_with_a_new_own_code_in_a_copy_of_the_data_folder(tmp_path, ref):
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
        catalogue_path().read_text(encoding="utf-8")
        + textwrap.indent(
            textwrap.dedent("""
          - id: afvaldumping
            label: Meldingen afvaldumping bij handhaving
            priority: going-concern
            theme: Fysieke kwaliteit (§4.1)
            source: {template: handhaving, code: hh.afval}
            unit: meldingen
            desired_direction: down
            kind: count
            caveat: '§4.1: "vernielingen, zwerfvuil en afval(dumpingen)"'
        """),
            "  ",
        ),
        encoding="utf-8",
    )
    code = (
        "from ivp_analysis import indicators as i; r = i.evaluate('GM1926').table.iloc[-1]; "
        "print(r.indicator_id, r.status, repr(float(r.p_value)), r.source)"
    )
    env = {**os.environ, "IVP_DATA_DIR": str(data)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert out[0] == "afvaldumping"
    assert " ".join(out[1:-3]) == vocab.STATUS_IMPROVED
    assert float(out[-3]) == pytest.approx(ref.exact_p(40, 57_122, 20, 57_802), rel=1e-7)
    assert out[-2:] == ["data/templates/handhaving.csv", "[hh.afval]"]


# --------------------------------------------------------------------------- moments


def test_the_moment_and_the_next_one_come_from_the_moments_module():
    ev = evaluate("GM1926")
    assert ev.moment == resolve_moment("tussenevaluatie-2024")
    assert ev.next_moment == resolve_moment("eindevaluatie-2026")
    assert next_moment(resolve_moment("eindevaluatie-2026")) is None
    assert next_moment(resolve_moment("custom", 2019, 2021)) is None
    # One assessment behind every row.
    assert list(ev.assessments) == [i.id for i in ev.catalogue]
    assert sorted(ev.table["indicator_id"]) == sorted(ev.assessments)
