"""Tests of ivp_analysis.present.indicator_reasons: the reason of every case, worded in Dutch.

Each case is checked on a hand-made Assessment, so the wording is tested apart from the
statistics (tests/indicators/test_assess.py checks the facts themselves).
"""

import math

import pytest

from ivp_analysis import vocab
from ivp_analysis.indicators import RESULT_COLUMNS, Assessment, evaluate
from ivp_analysis.present import indicator_reasons as reasons


def _a(**kw) -> Assessment:
    base = {"kind": "count", "direction": "down", "eval_year": 2023}
    return Assessment(**{**base, **kw})


BURGLARY = {
    "case": vocab.CASE_COUNTS,
    "status": vocab.STATUS_IMPROVED,
    "eval_period": "2023",
    "change": -51.9,
    "ci_low": -66.5,
    "ci_high": -29.6,
    "p_value": 0.0002,
    "significant": True,
    "method": "exact Poisson",
    "history_years": tuple(range(2012, 2023)),
}


@pytest.mark.parametrize(
    ("facts", "text"),
    [
        (
            BURGLARY,
            "Daling van 52 % per inwoner (95%-interval -66 % tot -30 %; p < 0,001; "
            "exacte Poisson-toets). Significante daling; dalen is gewenst.",
        ),
        (
            {**BURGLARY, "method": "quasi-Poisson", "dispersion": 2.8, "p_value": 0.0312},
            "Daling van 52 % per inwoner (95%-interval -66 % tot -30 %; p = 0,031; "
            "quasi-Poisson-toets). Significante daling; dalen is gewenst. De jaarcijfers "
            "2012-2022 schommelen meer dan toeval verklaart (spreidingsfactor 2,8), daarom is "
            "het interval 1,7 keer zo breed.",
        ),
        (
            {
                **BURGLARY,
                "direction": "interpretive",
                "status": vocab.STATUS_NO_DIRECTION,
                "caveat": '§1.1: "x"',
                "significant": False,
                "change": 25.2,
                "p_value": 0.632,
            },
            "Stijging van 25 % per inwoner (95%-interval -66 % tot -30 %; p = 0,632; "
            "exacte Poisson-toets). Binnen de normale schommeling, maar zonder streefrichting: "
            'een stijging kan ook goed nieuws zijn. Het plan: §1.1: "x"',
        ),
        (
            {
                **BURGLARY,
                "history_years": (2020, 2021, 2022),
                "status": vocab.STATUS_NO_CHANGE,
                "significant": False,
                "change": 0.0,
                "p_value": 1.0,
            },
            "Gelijk aantal per inwoner (p = 1,000). Binnen de normale schommeling. Met 3 jaar tot "
            "en met de nulmeting is niet te controleren of de reeks meer schommelt dan toeval: "
            "het interval kan te smal zijn.",
        ),
        (
            {"case": vocab.CASE_NO_FIGURES, "status": vocab.STATUS_NO_DATA},
            "Geen enkel cijfer voor deze gemeente tot en met 2023.",
        ),
        (
            {
                "case": vocab.CASE_NO_BASELINE,
                "kind": "score",
                "status": vocab.STATUS_NO_DATA,
                "gap_years": (2020, 2021, 2022),
            },
            "Geen meting voor de nulmeting (2020-2022); er is dus niets om mee te vergelijken.",
        ),
        (
            {
                "case": vocab.CASE_NO_LATER,
                "status": vocab.STATUS_NO_DATA,
                "last_year": 2022,
                "last_value": 1641.0,
            },
            "Geen cijfer na 2022: het laatste cijfer is van 2022 (1.641); voor 2023 is (nog) "
            "niets beschikbaar.",
        ),
        (
            {
                "case": vocab.CASE_NO_POPULATION,
                "status": vocab.STATUS_NO_DATA,
                "eval_period": "2023",
                "gap_years": (2022, 2023),
            },
            "Geen bevolkingscijfer voor 2022-2023: zonder inwonertal is het cijfer per inwoner "
            "niet te vergelijken.",
        ),
        (
            {
                "case": vocab.CASE_NO_MARGIN,
                "kind": "score",
                "status": vocab.STATUS_NO_DATA,
                "eval_period": "2023",
                "change": 0.3,
                "gap_years": (2021, 2023),
            },
            "Verschil +0,3 punt, maar de marge is onbekend: voor 2021, 2023 staat geen aantal "
            "respondenten of 95%-marge in het bestand (marge onbekend), dus is niet te zeggen of "
            "het verschil echt is.",
        ),
        (
            {
                "case": vocab.CASE_SCORES,
                "kind": "score",
                "direction": "up",
                "status": vocab.STATUS_WORSENED,
                "eval_period": "2023",
                "change": -0.5,
                "margin": math.sqrt(0.08),
                "ci_low": -0.5 - math.sqrt(0.08),
                "ci_high": -0.5 + math.sqrt(0.08),
                "significant": True,
            },
            "Verschil -0,5 punt; de 95%-marge van het verschil is 0,28 punt (interval -0,78 tot "
            "-0,22). Groter dan de marge. Significante daling; stijgen is gewenst.",
        ),
        (
            {
                "case": vocab.CASE_ZERO,
                "status": vocab.STATUS_NO_CHANGE,
                "eval_period": "2025",
                "eval_status_of_data": "provisional",
                "eval_year": 2025,
                "baseline_missing": (2020,),
            },
            "Nul in de nulmeting en in het evaluatiejaar: geen verandering. De nulmeting is het "
            "gemiddelde zonder 2020 (geen cijfer). Het cijfer voor 2025 is voorlopig en kan nog "
            "worden bijgesteld.",
        ),
        (
            {
                **BURGLARY,
                "eval_period": "2022",
                "eval_year": 2024,
                "significant": False,
                "status": vocab.STATUS_NO_CHANGE,
                "p_value": 0.2,
            },
            "Daling van 52 % per inwoner (95%-interval -66 % tot -30 %; p = 0,200; exacte "
            "Poisson-toets). Binnen de normale schommeling. Het laatste cijfer is van 2022, niet "
            "van het evaluatiejaar 2024.",
        ),
    ],
)
def test_reason_text_of_every_case(facts, text):
    assert reasons.reason_text(_a(**facts)) == text


def test_every_case_has_a_sentence():
    assert set(reasons._REASONS) == set(vocab.CASES)


@pytest.mark.parametrize(
    ("gap", "years", "text"),
    [
        (vocab.GAP_ALL, (), "alle jaren"),
        (vocab.GAP_BASELINE, (2020, 2021, 2022), "nulmeting 2020-2022"),
        (vocab.GAP_AFTER, (2021,), "cijfers na 2021"),
        (vocab.GAP_YEARS, (2024, 2025), "cijfers 2024-2025"),
        (vocab.GAP_POPULATION, (2023,), "bevolking 2023"),
        (vocab.GAP_MARGIN, (2021, 2022, 2023), "respondenten of marge 2021, 2022, 2023"),
        ("", (), ""),
    ],
)
def test_gap_text(gap, years, text):
    assert reasons.gap_text(_a(case=vocab.CASE_ZERO, status="", gap=gap, gap_years=years)) == text


def test_result_table_is_the_table_with_the_reason():
    ev = evaluate("GM1926", "tussenevaluatie-2024")
    t = reasons.result_table(ev)
    assert list(t.columns) == RESULT_COLUMNS
    assert t.drop(columns="reason").equals(ev.table)
    # 76 -> 37 with population 57,122 -> 57,802: rate ratio 0.481, so a fall of 52 %; the
    # Clopper-Pearson limits (checked in tests/indicators/test_evaluate.py) round to -68 and -28.
    assert t.set_index("indicator_id").loc["woninginbraak", "reason"] == (
        "Daling van 52 % per inwoner (95%-interval -68 % tot -28 %; p < 0,001; exacte "
        "Poisson-toets). Significante daling; dalen is gewenst."
    )
