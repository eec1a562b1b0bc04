"""Tests of ivp_analysis.present.indicators: scorecard, tables and sentences in Dutch.

The tables and texts are checked on the shipped evaluation, whose statuses are checked by hand in
tests/indicators/test_evaluate.py.
"""

import numpy as np
import pytest

from ivp_analysis import vocab
from ivp_analysis.indicators import evaluate
from ivp_analysis.present import indicators as present


@pytest.fixture(scope="module")
def ev():
    return evaluate("GM1926", "tussenevaluatie-2024")


def test_texts_follow_from_the_statuses(ev):
    text = present.summary_text(ev)
    assert "- Verbeterd (1): woninginbraak." in text
    assert "Verslechterd" not in text  # nothing worsened, so nothing may claim it
    assert "(peiljaar 2022, evaluatiejaar 2023)" in text
    q = present.questions_table(ev)
    assert len(q) == 4
    assert "Geen meting na 2021" in q.loc[0, "wat de cijfers zeggen"]
    sc = present.scorecard_table(ev).set_index("indicator")
    assert sc.loc["Woninginbraak", "verandering (95%-interval)"].startswith("-52 % (")
    assert sc.loc["Overlast jeugd (politie-incidenten)", "laatste cijfer"] == "geen cijfer"
    html = present.scorecard_html(ev)
    assert html.count("<tr>") == len(ev.table) + len(vocab.PRIORITIES) + 1
    assert "boa&#x27;s" in html  # text is escaped
    counts = present.status_table(ev).set_index("prioriteit")
    assert counts.loc["totaal"].sum() == len(ev.table)


def test_heading_and_baseline_text(ev):
    assert present.heading_text(ev) == (
        "Pijnacker-Nootdorp (GM1926), Tussenevaluatie 2024: 22 indicatoren, nulmeting "
        "peiljaar 2022, evaluatiejaar 2023"
    )
    mean = evaluate("GM1926", baseline="mean", baseline_first_year=2019, baseline_last_year=2022)
    assert present.baseline_text(mean.rule) == "gemiddelde van 2019-2022"


def test_data_gaps_ask_the_years_up_to_the_next_evaluation(ev):
    gaps = present.data_gaps_table(ev).set_index("indicator")
    youth = gaps.loc["Overlast jeugd (politie-incidenten)"]
    # The plan's figures stop in 2022; the next evaluation (eindevaluatie 2026) judges 2025.
    assert (youth["wat ontbreekt"], youth["aanleveren"]) == (
        "cijfers na 2022",
        "jaarcijfers 2023-2025",
    )
    assert youth["hoe"] == "sjabloon data/templates/incidenten.csv, code inc.overlast_jeugd"
    ivm = gaps.loc["Rapportcijfer veiligheid (IVM)"]
    assert ivm["aanleveren"] == (
        "de metingen na 2021 (tweejaarlijks), met aantal respondenten of 95%-marge"
    )
    text = present.data_gaps_text(ev)
    assert text.startswith(f"Voor {len(gaps)} van de 22 indicatoren moet de gemeente cijfers")
    assert text.endswith(
        "Cijfers tot en met 2023 zijn al nodig voor deze tussenevaluatie 2024; de latere jaren "
        "tot en met 2025 voor de eindevaluatie 2026."
    )
    final = evaluate("GM1926", "eindevaluatie-2026")
    assert present.data_gaps_text(final).endswith("voor deze eindevaluatie 2026.")


def test_detail_table_of_one_priority(ev):
    d = present.detail_table(ev, "jeugd")
    assert d["indicator"].tolist() == [
        "Overlast jeugd (politie-incidenten)",
        "Meldingen jeugdoverlast bij handhaving (boa's)",
    ]
    assert d["gewenste richting"].tolist() == ["dalen", "dalen"]
    assert d["oordeel"].tolist() == ["niet te beoordelen: geen cijfers"] * 2


def test_budget_per_inhabitant(ev):
    b = present.budget_table(ev).set_index("jaar")
    assert b.loc[2023, "EUR per inwoner"] == pytest.approx(95_000 / 57_802)
    assert b.loc[2025, "EUR per inwoner"] == pytest.approx(190_000 / 58_126)
    assert np.isnan(b.loc[2026, "EUR per inwoner"])  # no population for 2026 yet
    # 95,000 / 57,802 = 1.64 per inhabitant; after 2023 three years of 190,000.
    assert present.budget_text(ev) == (
        "- Tot en met het evaluatiejaar 2023 is voor het plan EUR 95.000 begroot (2023); dat is "
        "EUR 1,64 per inwoner.\n"
        "- Na het evaluatiejaar volgt nog EUR 570.000 (2024-2026).\n"
        "- Voor 2026 is er nog geen CBS-inwonertal: het bedrag per inwoner ontbreekt daar."
    )
    amsterdam = evaluate("GM0363", "tussenevaluatie-2024")
    assert present.budget_table(amsterdam).empty
    assert present.budget_text(amsterdam) == (
        "Voor Amsterdam staat geen budget in de meegeleverde gegevens: het budget in "
        "`plan_budget` is dat van het IVP van Pijnacker-Nootdorp."
    )
