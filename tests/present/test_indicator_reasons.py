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
    "baseline_value": 76.0,
    "eval_value": 37.0,
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
            {
                **BURGLARY,
                "method": "quasi-Poisson",
                "dispersion": 2.8,
                "dispersion_df": 9.0,
                "p_value": 0.0312,
                "q_value": 0.27,
            },
            "Daling van 52 % per inwoner (95%-interval -66 % tot -30 %; p = 0,031; "
            "quasi-Poisson-toets). Significante daling; dalen is gewenst. Na correctie voor het "
            "aantal getoetste indicatoren: q = 0,270. Interval en toets houden rekening met de "
            "spreiding van de jaarcijfers 2012-2022 rond hun trend (factor 2,8, t-verdeling met "
            "9 vrijheidsgraden).",
        ),
        (
            {
                **BURGLARY,
                "baseline_value": 0.0,
                "eval_value": 2.0,
                "change": math.nan,
                "ci_high": math.nan,
                "status": vocab.STATUS_NO_CHANGE,
                "significant": False,
                "p_value": 0.5,
            },
            "Van 0 naar 2: bij minder dan 10 gevallen in de nulmeting geen percentage (p = 0,500; "
            "exacte Poisson-toets). Binnen de normale schommeling.",
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
            "Gelijk aantal per inwoner (p = 1,000; exacte Poisson-toets). Binnen de normale "
            "schommeling. Met 3 jaar tot en met de nulmeting is de spreiding van de reeks niet te "
            "schatten: exacte Poisson-toets, het interval kan te smal zijn.",
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


CONTEXT = {
    **BURGLARY,
    "baseline_period": "2022",
    "trend_year": 2023,
    "trend_expected": 53.3,
    "trend_pi_low": 28.2,
    "trend_pi_high": 83.2,
    "dispersion": 1.92,
    "min_detectable_change": -58.7,
}


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        (
            {"trend_verdict": vocab.TREND_WITHIN},
            "De trend van 2012-2022 voorspelt voor 2023 53 (95%-voorspelinterval 28 tot 83); 37 "
            "ligt binnen de trend: de verandering ten opzichte van de nulmeting zet de ontwikkeling "
            "van vóór het plan voort en is geen aanwijzing voor een effect van het plan.",
        ),
        (
            {"trend_verdict": vocab.TREND_BELOW},
            "37 ligt onder de trend: lager dan de ontwikkeling van vóór het plan deed verwachten; "
            "dat past bij een effect van het plan, maar bewijst het niet.",
        ),
        (
            {"trend_verdict": vocab.TREND_WITHIN, "baseline_vs_trend": vocab.TREND_ABOVE},
            "Het peiljaar 2022 lag boven de trend van de jaren ervoor: een deel van een daling "
            "daarna is terugkeer naar de trend (regressie naar het gemiddelde).",
        ),
        (
            {},
            "Met deze aantallen is pas een daling van 59 % of meer aantoonbaar (80 % kans bij "
            "een toets op 5 %).",
        ),
        (
            {"min_detectable_change": math.nan},
            "Met deze aantallen is zelfs een daling tot nul niet van toeval te onderscheiden.",
        ),
        (
            {"dispersion": math.nan},
            "(80 % kans bij een toets op 5 %; zonder schatting van de spreiding waarschijnlijk "
            "meer).",
        ),
        (
            {"baseline_value": 4.0, "eval_value": 2.0},
            "Met minder dan 10 gevallen in de nulmeting is een daling nauwelijks te beoordelen.",
        ),
    ],
)
def test_the_reason_reads_the_change_against_the_trend_and_the_evaluability(facts, words):
    text = reasons.reason_text(_a(**{**CONTEXT, **facts}))
    assert words in text
    # a change within the trend is never called an effect of the plan
    if facts.get("trend_verdict") == vocab.TREND_WITHIN:
        assert "geen aanwijzing voor een effect van het plan" in text
    assert "inf" not in text


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
    # quasi-score test with the dispersion of 2012-2022 gives p = 0.027 (tests/indicators).
    reason = t.set_index("indicator_id").loc["woninginbraak", "reason"]
    assert reason.startswith("Daling van 52 % per inwoner (95%-interval -74 % tot -10 %; p = 0,027")
    assert "Significante daling; dalen is gewenst." in reason
    assert "37 ligt binnen de trend" in reason and "geen aanwijzing voor een effect" in reason
