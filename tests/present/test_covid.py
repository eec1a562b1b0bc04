"""Tests of ivp_analysis.present.covid: Dutch labels by hand, generated text that follows the run."""

import dataclasses
import json
from pathlib import Path

import pytest

from ivp_analysis import covid
from ivp_analysis.present import covid as chapter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def small():
    # the same run as tests/covid/test_analyse.py (cached): window May 2020 - June 2021
    settings = covid.NationalSettings(
        intervention="2020-05", pre_end="2020-04", forecast_end="2021-06"
    )
    return covid.analyse("GM0088", settings, codes=["1.1.1", "1.2.4"], focus=["1.2.4", "9.9.9"])


def test_month_and_date_labels():
    assert chapter.nl_month_label("2021-12") == "dec 2021"
    assert chapter.nl_month_name("2020-03") == "maart 2020"
    assert chapter.nl_date(__import__("pandas").Timestamp("2022-02-24")) == "24 februari 2022"


def test_generated_text_follows_the_parameters(small):
    assert chapter.focus_month(small) == "2020-12"
    assert chapter.month_caption(small).startswith(
        "December 2020, de eerste maand met een lockdown"
    )
    intro = chapter.sensitivity_intro_text(small)
    assert "voorperiode tot en met maart 2020" in intro and "mei 2020 in de voorperiode" in intro
    text = chapter.national_conclusions_text(small)
    assert "Van de 2 landelijke reeksen" in text
    assert "(mei 2020 t/m jun 2021)" in text
    assert "**Zakkenrollerij (1.2.4)**" in text and "in dec 2020" in text
    assert "2020 (mei t/m dec)" in text
    assert "342 gemeenten" in chapter.municipal_intro_text(small)
    assert "2020 en 2021" in chapter.municipal_series_title(small)
    assert chapter.municipal_conclusions_text(small).startswith(
        "Schiermonnikoog heeft 24 combinaties"
    )


def test_rule_text_names_the_run_length(small):
    assert "ten minste 2 opeenvolgende maanden buiten het 99%-interval" in chapter.rule_text(small)
    one = dataclasses.replace(small, settings=dataclasses.replace(small.settings, min_run=1))
    assert "beslisregel met één maand" in chapter.rule_text(one)


def test_excluded_reasons_are_dutch(small):
    t = chapter.excluded_table(small).set_index("code")
    assert t.loc["1.4.1", "reden"].startswith("niet per maand gepubliceerd")
    assert t.loc["1.6.3", "reden"].startswith("te weinig: gemiddeld")
    assert "(minder dan 100)" in t.loc["1.6.3", "reden"]


def test_write_tables(small, tmp_path):
    assert chapter.write_tables(small, "") == []
    written = chapter.write_tables(small, tmp_path)
    assert sorted(p.name for p in written) == [
        "covid_municipal.csv",
        "covid_national.csv",
        "covid_national_years.csv",
        "covid_summary.csv",
    ]


def test_notebook_prose_names_no_municipality_and_no_count():
    cells = json.loads((ROOT / "notebooks" / "02_covid_effects.ipynb").read_text())["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for fixed in ("342", "Pijnacker", "2017-01", "2018-2019 (", "blijven in elke variant"):
        assert fixed not in prose
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for fixed in ('"2017-01"', '"2020-04"', "eval_years=(", "perf_counter"):
        assert fixed not in code
    # every code cell after the parameters cell (which only declares literals) is short
    calls = [
        c
        for c in cells
        if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])
    ]
    assert max(len("".join(c["source"]).splitlines()) for c in calls) <= 15


def test_backtest_and_multiplicity_text_follow_the_results(small):
    text = chapter.backtest_text(small)
    assert "van de 2 soorten met een back-test" in text
    assert "24 maanden" not in chapter.backtest_caption(small)  # the window has 14 months
    assert "14 maanden vooruit" in chapter.backtest_caption(small)
    m = small.multiplicity
    want = f"{m['series']} reeksen met een model over 14 maanden getoetst"
    assert want in chapter.multiplicity_text(small)


def test_national_years_table_is_wide_with_changes(small):
    t = chapter.national_years_table(small)
    assert t.columns.tolist() == [
        "code",
        "soort",
        "2019",
        "2019 t.o.v. 2018 (%)",
        "2020",
        "2020 t.o.v. 2019 (%)",
        "2021",
        "2021 t.o.v. 2020 (%)",
    ]
    assert t["code"].tolist() == ["1.1.1", "1.2.4"]


def test_desk_text_gives_a_range_not_one_number(small):
    # the two desk series are not among the modelled codes of this run: no text
    assert chapter.desk_text(small) == ""
