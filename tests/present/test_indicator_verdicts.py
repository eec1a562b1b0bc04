"""The verdict cells and sentences of the indicators (``ivp_analysis.present.indicator_verdicts``)
on the shipped evaluations, whose numbers are checked by hand in tests/indicators."""

import pytest

from ivp_analysis import vocab
from ivp_analysis.indicators import evaluate
from ivp_analysis.present import indicator_verdicts as iv
from ivp_analysis.present import indicators as present


@pytest.fixture(scope="module")
def ev():
    return evaluate("GM1926", "tussenevaluatie-2024")


def test_the_scorecard_shows_p_q_the_trend_and_the_smallest_detectable_change(ev):
    sc = present.scorecard_table(ev).set_index("indicator")
    b = sc.loc["Woninginbraak"]
    assert b["p / q"] == "0,027 / 0,27"
    assert b["trend: verwacht (95%-voorspelinterval)"] == "53 (28–83), binnen de trend"
    assert b["kleinste aantoonbare verandering"] == "-59 %"
    assert b["oordeel"] == "verbeterd"
    assert sc.loc["Wapenhandel", "kleinste aantoonbare verandering"] == "niet aantoonbaar"
    assert sc.loc["Rapportcijfer veiligheid (IVM)", "kleinste aantoonbare verandering"] == "–"
    html = present.scorecard_html(ev)
    assert "kleinste aantoonbare verandering" in html and "p / q" in html
    assert "inf" not in html.replace("informatie", "")


def test_the_family_sentence_counts_the_tests_and_the_surviving_statuses(ev):
    text = iv.family_text(ev)
    # ten indicators tested: 10 x 0.05 = 0.5 false flags; burglary (p 0.027) has q 0.27
    assert text.startswith("10 indicatoren zijn getoetst.")
    assert "gemiddeld 0,5 keer ten onrechte" in text
    assert text.endswith(
        "Er is 1 oordeel 'verbeterd' of 'verslechterd'; na correctie voor meervoudig toetsen "
        "(q < 0,05, Benjamini-Hochberg; de q-waarde staat in de scorekaart naast p) blijven er "
        "daarvan 0 over."
    )
    assert iv.family_text(ev) in present.summary_text(ev)


def test_evaluability_has_one_sentence_per_priority(ev):
    text = present.evaluability_text(ev)
    lines = text.splitlines()
    assert len(lines) == len(vocab.PRIORITIES)
    going = [ln for ln in lines if vocab.PRIORITIES["going-concern"] in ln][0]
    assert "woninginbraak pas vanaf een daling van 59 %" in going
    assert going.endswith(
        "Een streefwaarde die kleiner is, kan met deze cijfers niet worden beoordeeld."
    )
    # the incident series have four years: no dispersion estimate, so a lower bound
    zorg = [ln for ln in lines if vocab.PRIORITIES["zorg"] in ln][0]
    assert (
        "personen met verward gedrag (politie-incidenten) pas vanaf een daling van ten minste"
        in zorg
    )


def test_a_provisional_status_is_marked_and_a_small_municipality_gets_counts_not_inf():
    final = evaluate("GM1926", "eindevaluatie-2026")
    sc = present.scorecard_table(final).set_index("indicator")
    assert sc.loc["Woninginbraak", "oordeel"].endswith("(voorlopig)")
    small = evaluate("GM0088", "tussenevaluatie-2024")
    sc = present.scorecard_table(small).set_index("indicator")
    assert sc.loc["Drugshandel", "verandering (95%-interval)"] == "van 0 naar 2 (geen percentage)"
    assert sc.loc["Woninginbraak", "kleinste aantoonbare verandering"] == "te weinig gevallen"
    text = present.summary_text(small) + present.scorecard_html(small)
    assert "inf" not in text.replace("informatie", "")
