"""The summary: verdicts, key findings and gaps from tiny hand-made result tables.

Every expected value below was worked out by hand from the tables in this file.
"""

from datetime import UTC, datetime

import pandas as pd

from ivp_analysis.present import summary as s
from ivp_analysis.vocab import (
    STATUS_IMPROVED,
    STATUS_NO_CHANGE,
    STATUS_NO_DATA,
    STATUS_NO_DIRECTION,
    STATUS_WORSENED,
)

NAN = float("nan")
INDICATORS = pd.DataFrame(
    {
        "priority": ["jeugd", "jeugd", "zorg", "going-concern"],
        "label": ["Overlast jeugd", "Drugs", "Verward gedrag", "Woninginbraak"],
        "source": [
            "data/templates/incidenten.csv [inc.overlast_jeugd]",
            "data/raw/x/data.json [3.1.1]",
            "data/raw/plan/plan.csv [inc.verward]",
            "data/raw/x/data.json [1.1.1]",
        ],
        "baseline_period": ["2022", "2022", "", "2022"],
        "baseline_value": [307.0, 15.0, NAN, 80.0],
        "eval_period": ["", "2023", "", "2023"],
        "eval_value": [NAN, 19.0, NAN, 40.0],
        "change": [NAN, 25.2, NAN, -50.0],
        "ci_low": [NAN, -39.7, NAN, -66.0],
        "ci_high": [NAN, 164.7, NAN, -26.4],
        "p_value": [NAN, 0.63, NAN, 0.0004],
        "status": [STATUS_NO_DATA, STATUS_NO_DIRECTION, STATUS_NO_DATA, STATUS_IMPROVED],
    }
)
TREND_MODELS = pd.DataFrame(
    {
        "region": ["GM0001"] * 4 + ["GM0002"],
        "code": ["0.0.0", "1.1.1", "1.2.1", "1.2.3", "1.1.1"],
        "label": ["Totaal misdrijven", "Inbraak", "Autodiefstal", "Fietsdiefstal", "Inbraak"],
        "source": ["CBS 83648NED"] + ["Politie 47018NED"] * 4,
        "first_year": [2012] * 5,
        "last_year": [2022, 2025, 2025, 2025, 2025],
        "change_pct": [-5.0, -13.7, 2.5, -1.0, 40.0],
        "ci_low_pct": [-6.9, -15.2, 0.4, -3.0, 30.0],
        "ci_high_pct": [-3.1, -12.1, 4.6, 1.1, 50.0],
        "verdict": [
            "significante daling",
            "significante daling",
            "significante stijging",
            "binnen normale schommeling",
            "significante stijging",
        ],
    }
)
BENCHMARK = pd.DataFrame(
    {
        "region": ["GM0001"] * 3,
        "year": [2023] * 3,
        "label": ["Inbraak", "Autodiefstal", "Fietsdiefstal"],
        "position": ["laagste kwart", "middelste helft", "laagste kwart"],
        "peer_rank": [3, 30, 5],
        "n_peers": [61] * 3,
        "peer_group": ["grootteklasse 50.000 tot 100.000 inwoners (gemiddelde bevolking 2023)"] * 3,
    }
)
COVID = pd.DataFrame(
    {
        "region": ["GM0001", "GM0001", "GM0002"],
        "year": [2020, 2021, 2020],
        "label": ["Bedreiging", "Bedreiging", "Bedreiging"],
        "observed": [61, 44, 500],
        "expected": [37.7, 35.0, 100.0],
        "lower_95": [24, 21, 80],
        "upper_95": [54, 52, 120],
        "verdict": ["hoger dan verwacht", "binnen normale schommeling", "hoger dan verwacht"],
    }
)
RECONCILIATION = pd.DataFrame(
    {
        "region": ["GM0001"] * 4,
        "label": ["Totaal misdrijven", "Inbraak", "Inbraak", "Verward gedrag"],
        "year": [2020, 2020, 2021, 2020],
        "plan_value": [1763.0, 72.0, 61.0, 50.0],
        "official_value": [1800.0, 73.0, 61.0, NAN],
        "difference": [-37.0, -1.0, 0.0, NAN],
    }
)
TABLES = {
    "indicators": INDICATORS,
    "trend_models": TREND_MODELS,
    "benchmark": BENCHMARK,
    "covid_municipal": COVID,
    "reconciliation": RECONCILIATION,
}
VINTAGE = [
    {
        "folder": "data/raw/x",
        "sources": ["Politie 47018NED"],
        "first_period": "2012",
        "last_period": "2025",
        "provisional": ["2024", "2025"],
        "published": None,
        "retrieved": "2026-08-19",
    },
    {
        "folder": "data/raw/m",
        "sources": ["CBS 83474NED"],
        "first_period": "1995",
        "last_period": "2022-06",
        "provisional": ["2022-01", "2022-02", "2022-03"],
        "published": "2022-07-28",
        "retrieved": "2022-08-26",
    },
]


def _build(tables=TABLES):
    return s.build(
        tables,
        municipality="GM0001",
        name="Proefdorp",
        moment_label="Tussenevaluatie 2024",
        baseline_year=2022,
        eval_year=2023,
        generated=datetime(2026, 12, 1, 2, 3, tzinfo=UTC),
        vintage=VINTAGE,
        data_last_year=2023,
    )


def test_facts_say_who_what_when_and_how_fresh_the_data_is():
    summary = _build()
    assert summary.facts == [
        ("Gemeente", "Proefdorp (GM0001)"),
        ("Evaluatiemoment", "Tussenevaluatie 2024: 2023 ten opzichte van 2022"),
        (
            "Oordelen op cijfers tot en met",
            "2023 (latere cijfers bestonden op het evaluatiemoment nog niet)",
        ),
        ("Nieuwste meegeleverde cijfers", "2025 (Politie 47018NED); 2024 en 2025 voorlopig"),
    ]
    assert (summary.generated, summary.generated_iso) == (
        "1 december 2026",
        "2026-12-01T02:03:00+00:00",
    )
    assert summary.vintage.to_dict("records") == [
        {
            "bron": "Politie 47018NED",
            "periode": "2012 t/m 2025",
            "voorlopig": "2024 en 2025",
            "tabel gewijzigd": "–",
            "opgehaald": "19 augustus 2026",
        },
        {
            "bron": "CBS 83474NED",
            "periode": "1995 t/m 2022-06",
            "voorlopig": "2022-01 t/m 2022-03",
            "tabel gewijzigd": "28 juli 2022",
            "opgehaald": "26 augustus 2022",
        },
    ]


def test_scorecard_counts_per_priority_in_the_plans_order():
    card = _build().scorecard
    assert card["prioriteit"].tolist() == [
        "Jeugd en veiligheid",
        "Zorg en veiligheid",
        "Overige veiligheidsthema's (going concern)",
    ]
    assert card["verbeterd"].tolist() == [0, 0, 1]
    assert card["niet te beoordelen: geen cijfers"].tolist() == [1, 1, 0]
    assert card["niet te beoordelen: geen streefrichting"].tolist() == [1, 0, 0]
    assert card["totaal"].tolist() == [2, 1, 1]


def test_findings_carry_a_number_an_interval_or_verdict_and_a_section():
    findings = _build().findings
    assert 5 <= len(findings) <= s.MAX_FINDINGS
    assert [(f.figure, f.detail) for f in findings] == [
        ("-50 %", "95%-interval -66 % tot -26 %"),
        ("-5,0 % per jaar", "95%-interval -6,9 % tot -3,1 %; significante daling"),
        ("+2,5 % per jaar", "95%-interval +0,4 % tot +4,6 %"),
        ("laagste kwart: 2 van 3", "per 1.000 inwoners"),
        ("61 (verwacht 38)", "95%-voorspelinterval 24 tot 54"),
        ("-37", "plan min officieel"),
    ]
    assert findings[0].text == "Woninginbraak: verbeterd, van 80 (2022) naar 40 (2023)"
    # GM0002's rising burglary trend is another municipality's and is not counted
    assert findings[2].text == (
        "Trend 2012-2025 (Politie 47018NED): 1 van de 3 soorten daalt significant, "
        "1 stijgt significant; sterkste stijging: autodiefstal"
    )
    assert findings[3].text == (
        "Vergelijking met 61 gemeenten (grootteklasse 50.000 tot 100.000 inwoners), 2023: "
        "laagste kwart 2, middelste helft 1 van de 3 soorten"
    )
    assert findings[4].text.startswith("COVID-19-jaren 2020-2021: 1 van de 2 vergelijkingen")
    assert findings[5].text == (
        "Cijfers in het plan naast de officiële reeks: 2 van de 3 vergelijkbare cijfers wijken af; "
        "grootste verschil: totaal misdrijven 2020"
    )
    assert all(f.section for f in findings)


def test_at_most_three_indicators_and_eight_findings_worsened_first():
    many = pd.DataFrame(
        {
            "label": [f"i{k}" for k in range(6)],
            "status": [STATUS_IMPROVED] * 3 + [STATUS_WORSENED] * 2 + [STATUS_NO_CHANGE],
            "change": [-10.0, -20, -30, 40, 50, 1],
            "ci_low": [-20.0, -30, -40, 10, 20, -5],
            "ci_high": [-1.0, -5, -10, 80, 90, 8],
            "p_value": [0.01, 0.02, 0.03, 0.04, 0.001, 0.5],
        }
    )
    findings = _build({**TABLES, "indicators": many}).findings
    assert len(findings) == s.MAX_FINDINGS
    assert [f.text.split(":")[0] for f in findings[:3]] == ["i4", "i3", "i0"]


def test_no_verdict_is_said_too_and_missing_tables_give_no_finding():
    calm = INDICATORS.assign(status=STATUS_NO_CHANGE)
    (finding,) = _build({"indicators": calm}).findings
    assert finding.figure == "0 van 4"
    assert finding.text.startswith("Geen indicator is significant verbeterd of verslechterd")
    assert _build({}).findings == [] and _build({}).scorecard.empty


def test_gaps_name_what_cannot_be_judged_and_where_figures_go():
    summary = _build()
    assert summary.not_judged == [
        ("niet te beoordelen: geen streefrichting (1)", "Drugs"),
        (
            "niet te beoordelen: geen cijfers (2)",
            "de 2 indicatoren hieronder, waarvoor de gemeente cijfers moet aanleveren",
        ),
    ]
    assert summary.to_supply == [
        ("sjabloon data/templates/incidenten.csv", "Overlast jeugd (inc.overlast_jeugd)"),
        (
            "opvragen (data/raw/plan/plan.csv heeft geen cijfer voor 2023)",
            "Verward gedrag (inc.verward)",
        ),
    ]
