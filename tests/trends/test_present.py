"""The crime trends for readers (``ivp_analysis.present.trends``): generated sentences follow the
tests and the data, on tiny hand-made results."""

import re

import numpy as np
import pandas as pd
import pytest

from ivp_analysis import vocab
from ivp_analysis.moments import resolve
from ivp_analysis.present import trends as pt
from ivp_analysis.trends import TrendAnalysis
from ivp_analysis.trends import changes as ch

UP, DOWN, NONE, NA = vocab.VERDICT_UP, vocab.VERDICT_DOWN, vocab.VERDICT_WITHIN, vocab.VERDICT_NA


def _result(table, models=None, base_year=2022, eval_year=2023, **kw):
    moment = resolve("custom", base_year, eval_year)
    kw.setdefault("municipality", "GM1")
    kw.setdefault("name", "X")
    if models is None:
        return TrendAnalysis(moment=moment, table=table, **kw)
    return TrendAnalysis(moment=moment, table=table, models=models, **kw)


# --------------------------------------------------------------------------- conclusions


def _claims(text: str) -> list[tuple[str, str, set[str]]]:
    """Return (analysis, claim, codes) for every line that claims a rise or a fall."""
    out = []
    for line in text.splitlines():
        if pt.CLAIM_WORDS.search(line):
            m = re.match(r"- \*\*(.+?): (significante stijging|significante daling)\*\*", line)
            assert m, f"a claim outside the verdict lines: {line}"
            out.append((m.group(1), m.group(2), set(re.findall(r"\d\.\d\.\d", line))))
    return out


def _tables(codes, ratio_base, p_base, change, p_trend, verdict_text=None):
    n = len(codes)
    trends = pd.DataFrame(
        {
            "region": "GM1",
            "code": codes,
            "label": [f"soort {c}" for c in codes],
            "source": vocab.SOURCE_POLICE,
            "year": 2023,
            "status": "final",
            "count": 50.0,
            "rate_ratio": 1.0,
            "p_value": 0.5,
            "q_value": 0.5,
            "verdict": NONE,
            "rate_ratio_vs_base": ratio_base,
            "p_value_vs_base": p_base,
            "q_value_vs_base": p_base,
            "verdict_vs_base": verdict_text if verdict_text is not None else [""] * n,
            "trend_expected": np.nan,
            "trend_verdict": None,
        }
    )
    models = pd.DataFrame(
        {
            "region": "GM1",
            "code": codes,
            "label": [f"soort {c}" for c in codes],
            "source": vocab.SOURCE_POLICE,
            "first_year": 2012,
            "last_year": 2025,
            "change_pct": change,
            "p_value": p_trend,
            "q_value": p_trend,
        }
    )
    return trends, models


def test_conclusions_never_claim_a_change_the_test_does_not_support():
    codes = ["1.1.1", "1.2.1", "1.4.4", "2.2.1"]
    # 1.1.1: ratio 2.5 but q = 0.20; 1.2.1: ratio 0.4, q = 0.30 (both large, neither significant).
    # The verdict column is wrong on purpose for 1.1.1: a claim must follow the test, not a label.
    trends, models = _tables(
        codes,
        [2.5, 0.4, 1.5, 0.7],
        [0.20, 0.30, 0.01, 0.001],
        [-30.0, 40.0, 5.0, -2.0],
        [0.20, 0.06, 0.001, 0.04],
        verdict_text=[UP, DOWN, UP, DOWN],
    )
    text = pt.conclusions_text(_result(trends, models))
    claims = _claims(text)
    got = {(what.split()[0], claim): c for what, claim, c in claims}
    assert got[("2023", "significante stijging")] == {"1.4.4"}
    assert got[("2023", "significante daling")] == {"2.2.1"}
    assert got[("Trend", "significante stijging")] == {"1.4.4"}
    assert got[("Trend", "significante daling")] == {"2.2.1"}
    for line in text.splitlines():
        if "1.1.1" in line or "1.2.1" in line:
            assert not pt.CLAIM_WORDS.search(line), line


def test_conclusions_claims_follow_the_tests_for_random_results():
    rng = np.random.default_rng(20230629)
    codes = [f"{a}.{b}.{c}" for a, b, c in rng.integers(1, 9, size=(12, 3))]
    codes = list(dict.fromkeys(codes))
    n = len(codes)
    ratio = np.exp(rng.normal(0, 0.6, n))
    p_base = rng.uniform(0, 0.12, n)
    change = rng.normal(0, 20, n)
    p_trend = rng.uniform(0, 0.12, n)
    trends, models = _tables(codes, ratio, p_base, change, p_trend)
    text = pt.conclusions_text(_result(trends, models))
    by_code = {c: i for i, c in enumerate(codes)}
    for what, claim, found in _claims(text):
        for code in found:
            i = by_code[code]
            r, p = (
                (ratio[i], p_base[i])
                if what.startswith("2023")
                else (1 + change[i] / 100, p_trend[i])
            )
            assert p < 0.05, (what, code, p)
            assert (r > 1) == (claim == "significante stijging"), (what, code, r)
    # every significant result is claimed
    n_sig = int(np.sum(p_base < 0.05) + np.sum(p_trend < 0.05))
    assert sum(len(c) for _, _, c in _claims(text)) == n_sig


def test_conclusions_name_the_benchmark_quarters_and_the_plans_differences():
    bench = pd.DataFrame(
        {
            "code": ["1.1.1", "1.2.1", "1.4.4"],
            "label": ["a", "b", "c"],
            "year": 2023,
            "peer_rank": [1, 9, 5],
            "n_peers": 10,
            "position": [vocab.POSITION_LOW, vocab.POSITION_HIGH, vocab.POSITION_MIDDLE],
        }
    )
    recon = pd.DataFrame(
        {
            "code": ["1.1.1", "0.0.0"],
            "label": ["Woninginbraak", "Totaal"],
            "year": [2020, 2020],
            "plan_value": [72.0, 1763.0],
            "official_value": [73.0, 1800.0],
            "official_source": [vocab.SOURCE_POLICE, vocab.SOURCE_CBS_ROUNDED],
            "difference_pct": [-1.37, -2.06],
            "match": [vocab.MATCH_NO, vocab.MATCH_NO],
        }
    )
    text = pt.conclusions_text(
        _result(pd.DataFrame(columns=["region", "year"]), benchmark=bench, reconciliation=recon)
    )
    assert "X zit in het laagste kwart van de groep" in text and "1.1.1 a (rang 1 van 10)" in text
    assert "hoogste kwart" in text and "1.2.1 b (rang 9 van 10)" in text
    assert "bij 1 van de 3 soorten zit X in de middelste helft" in text
    assert "Woninginbraak 2020 (plan 72, officieel 73)" in text
    assert "verschillen 1 keer van CBS 83648NED (tot 2,1 %)" in text


# --------------------------------------------------------------------------- worked example


def _burglary(
    counts=(61, 76), pops=(56123, 57122), years=(2021, 2022), region="GM1926", phi=1.9229, df=8.0
):
    d = pd.DataFrame(
        {
            "region": region,
            "code": "1.1.1",
            "label": "Diefstal/inbraak woning",
            "source": vocab.SOURCE_POLICE,
            "status": "final",
            "year": list(years),
            "count": np.asarray(counts, float),
            "population": np.asarray(pops, float),
        }
    )
    spread = d[["region", "code", "source"]].head(1).assign(dispersion=phi, dispersion_df=df)
    t = ch.add_verdicts(ch.add_year_changes(d, spread))
    return t.merge(spread, on=["region", "code", "source"])


def test_change_example_writes_the_verdict_of_the_test():
    # 61 -> 76 with populations 56,123 and 57,122 and the series' dispersion 1.92 on 8 df:
    # rate ratio 1.224, quasi-score p = 0.420 (the exact test would say 0.274); a family of one
    # test, so q = p (stats' tests check the numbers)
    t = _burglary()
    text = pt.change_example_text(_result(t, municipality="GM1926"))
    assert text == (
        "**Voorbeeld, 1.1.1 Diefstal/inbraak woning:** van 61 misdrijven in 2021 (gemiddelde "
        "bevolking 56.123) naar 76 in 2022 (57.122): rate ratio 1,22, 95%-interval 0,71–2,11, "
        "p = 0,420 met de spreiding van de reeks (factor 1,9, t-verdeling met 8 "
        "vrijheidsgraden); zonder spreiding zou de exacte Poisson-toets p = 0,274 geven. Na "
        "correctie voor meervoudig toetsen q = 0,420: **binnen normale schommeling**."
    )
    assert not pt.CLAIM_WORDS.search(text)
    no_spread = pt.change_example_text(_result(_burglary(phi=np.nan), municipality="GM1926"))
    assert "p = 0,274 (exacte Poisson-toets: te weinig jaren" in no_spread
    # with 2021 as base year there is no 2020 to compare with
    assert pt.change_example_text(_result(t, municipality="GM1926", base_year=2021)) == ""


def test_plan_reading_follows_the_test_and_the_municipality():
    t = _burglary()
    plan = {"municipality": "GM1926", "plan_regions": ("GM1926",)}
    text = pt.plan_reading_text(_result(t, **plan))
    assert text == pt.PLAN_READING + (
        " Het voorbeeld hierboven laat zien dat de toets die terugkeer bij woninginbraak niet kan "
        "onderscheiden van toeval."
    )
    # another base year: the example above is another comparison, so it is not cited
    other = pt.plan_reading_text(_result(t, base_year=2019, **plan))
    assert "voorbeeld" not in other and "kan die terugkeer niet onderscheiden" in other
    # 40 -> 100 with equal populations: quasi-score z = 30 / sqrt(1.92 x 35) = 3.66, p < 0.01
    rise = pt.plan_reading_text(_result(_burglary((40, 100), (56000, 56000)), **plan))
    assert rise.endswith("groter dan toeval: significante stijging.")
    # the plan is about another municipality: nothing
    assert pt.plan_reading_text(_result(t, municipality="GM1926", plan_regions=("GM0001",))) == ""


# --------------------------------------------------------------------------- sources


def _sources_result(with_plan: bool):
    rows = [("1.1.1", vocab.SOURCE_POLICE, y) for y in (2017, 2018)]
    rows += [("1.2.1", vocab.SOURCE_POLICE, y) for y in (2017, 2018)]
    rows += [("0.0.0", vocab.SOURCE_CBS, y) for y in (2017, 2018)]
    if with_plan:
        rows += [("0.0.0", vocab.SOURCE_PLAN, y) for y in (2017, 2018)]
    table = pd.DataFrame(rows, columns=["code", "source", "year"]).assign(region="GM1")
    recon = pd.DataFrame(
        {
            "code": "0.0.0",
            "plan_value": [1674.0, 1432.0],
            "official_value": [1695.0, 1455.0],
        }
    )
    if not with_plan:
        return _result(table, name="Testdorp")
    return _result(table, name="Testdorp", reconciliation=recon)


def test_sources_text_counts_the_types_and_names_the_plan_only_where_it_has_figures():
    text = pt.sources_text(_sources_result(with_plan=True))
    assert text.startswith("De twee soorten komen uit politietabel 47018NED")
    assert "staat twee keer in de tabel" in text
    assert "voor Testdorp, **zoals het IVP 2023-2026 het afdrukt** (2017–2018" in text
    # CBS above the plan by 21 / 1674 = 1.25 % and 23 / 1432 = 1.61 %: "1 à 2 %"
    assert text.endswith("liggen de CBS-totalen daardoor 1 à 2 % boven die van het plan.")
    text = pt.sources_text(_sources_result(with_plan=False))
    assert "twee keer" not in text and "IVP" not in text and "het plan" not in text
    assert "komt uit **CBS-tabel 83648NED**" in text


def test_figure_texts_count_the_panels_and_name_only_the_sources_drawn():
    r = _sources_result(with_plan=False)
    alt = pt.rates_figure_alt(r)
    assert alt.startswith("Twee kleine lijngrafieken plus een voor het totaal: ")
    assert "van 2012 tot 2023" in alt and "Peiljaar 2022 en evaluatiejaar 2023" in alt
    assert pt.rates_figure_caption(r).startswith("Bron: Politie 47018NED, CBS 83648NED; bevolking")
    caption = pt.rates_figure_caption(_sources_result(with_plan=True))
    assert caption.startswith("Bron: Politie 47018NED, CBS 83648NED, IVP 2023-2026; bevolking")
    assert "jaren 2013 tot 2023" in pt.change_grid_alt(r)


@pytest.mark.parametrize(
    ("gap", "amount", "phrase"),
    [
        ((1.16, 2.1), "1 à 2 %", "1 à 2 % boven"),
        ((1.6, 2.4), "2 %", "2 % boven"),
        ((-3.2, -2.6), "3 %", "3 % onder"),
        ((-0.7, 1.4), "tot 1 %", "tussen 1 % onder en 1 % boven"),
        ((0.1, 0.3), "minder dan 1 %", "minder dan 1 % boven"),
        ((0.06, 2.1), "tot 2 %", "tot 2 % boven"),
    ],
)
def test_gap_in_whole_percents(gap, amount, phrase):
    assert pt.gap_amount(gap) == amount
    assert pt.gap_phrase(gap) == phrase


# --------------------------------------------------------------------------- reconciliation


def test_a_municipality_without_plan_figures_gets_no_reconciliation_prose():
    r = _result(pd.DataFrame(columns=["region", "code", "source", "year"]), name="Amsterdam")
    assert pt.reconciliation_text(r) == (
        "Het meegeleverde plan (IVP 2023-2026) heeft geen cijfers voor Amsterdam: er is niets "
        "aan te sluiten."
    )
    assert pt.no_series_text(r) == "" and pt.no_series_table(r).empty
    assert pt.match_table(r).empty and pt.reconciliation_table(r).empty


def test_reconciliation_tables_and_text():
    recon = pd.DataFrame(
        {
            "region": "GM1",
            "code": ["1.1.1", "0.0.0", "0.0.0", "inc.x", "inc.x"],
            "label": ["a", "t", "t", "i", "i"],
            "year": [2020, 2017, 2020, 2017, 2018],
            "plan_value": [72.0, 1674.0, 1763.0, 5.0, np.nan],
            "official_value": [73.0, 1675.0, 1800.0, np.nan, np.nan],
            "official_source": [
                vocab.SOURCE_POLICE,
                vocab.SOURCE_CBS_ROUNDED,
                vocab.SOURCE_CBS_ROUNDED,
                vocab.MATCH_NO_SERIES,
                vocab.MATCH_NO_SERIES,
            ],
            "difference": [-1.0, -1.0, -37.0, np.nan, np.nan],
            "match": [
                vocab.MATCH_NO,
                vocab.MATCH_ROUNDING,
                vocab.MATCH_NO,
                vocab.MATCH_NO_SERIES,
                vocab.MATCH_NOT_IN_PLAN,
            ],
            "note": "",
        }
    )
    r = _result(pd.DataFrame(), reconciliation=recon)
    assert pt.match_table(r).values.tolist() == [
        ["afronding", 1],
        ["nee", 2],
        ["geen officiële reeks meegeleverd", 1],
        ["geen cijfer in het plan", 1],
    ]
    assert pt.reconciliation_table(r)["jaar"].tolist() == [2020, 2017, 2020]
    assert len(pt.reconciliation_table(r, None)) == 5
    assert pt.no_series_table(r).values.tolist() == [
        ["inc.x", "i", "2017", "2018", vocab.MATCH_NO_SERIES]
    ]
    text = pt.reconciliation_text(r)
    assert text.startswith("Woninginbraak, diefstal van en uit/vanaf motorvoertuigen")
    # CBS above the plan: 1 / 1674 = 0.06 % and 37 / 1763 = 2.10 %
    assert "zodat verschillen tot 2 % daar geen fout in het plan betekenen." in text


# --------------------------------------------------------------------------- tables


def test_changes_table_and_caption():
    t = _burglary((61, 76, 37), (56123, 57122, 57802), (2021, 2022, 2023), region="GM1")
    t = ch.add_verdicts(ch.add_base_changes(t, 2022, t.drop_duplicates("code")), "_vs_base")
    t = t.assign(rate_per_1000=(t["count"] / t["population"] * 1000).round(3))
    r = _result(t)
    table = pt.changes_table(r, "previous")
    assert list(table.columns[:5]) == [
        "soort",
        "aantal 2021",
        "aantal 2022",
        "per 1.000 2021",
        "per 1.000 2022",
    ]
    row = table.iloc[0]
    assert (row["aantal 2021"], row["aantal 2022"]) == (61, 76)
    assert (row["verandering"], row["verhouding (95%-interval)"]) == ("+22 %", "1,22 (0,71–2,11)")
    assert (row["spreiding*"], row["p-waarde"], row["q-waarde"]) == ("1,9 (8 vg)", "0,420", "0,420")
    assert (row["oordeel (q < 0,05)"], row["p exacte Poisson-toets"]) == (NONE, "0,274")
    base = pt.changes_table(r, "base").iloc[0]
    # 76 -> 37 is significant on p (0.027) with the dispersion; a family of one: q = p
    assert base["verandering"] == "-52 %" and base["oordeel (q < 0,05)"] == DOWN
    assert base["p exacte Poisson-toets"] == "< 0,001"
    assert pt.changes_caption(r, "previous") == "X: 2022 ten opzichte van 2021"
    assert pt.changes_caption(r, "base") == "X: evaluatiejaar 2023 ten opzichte van peiljaar 2022"
    with pytest.raises(ValueError, match="against"):
        pt.changes_table(r, "baseline")


def test_series_table_marks_provisional_years_and_orders_the_series():
    t = pd.DataFrame(
        {
            "region": "GM1",
            "code": ["1.2.1", "1.2.1", "0.0.0", "0.0.0"],
            "label": ["b", "b", "Totaal", "Totaal"],
            "source": [vocab.SOURCE_POLICE] * 2 + [vocab.SOURCE_PLAN] * 2,
            "year": [2024, 2025, 2024, 2025],
            "count": [5.0, 6.0, 50.0, 60.0],
            "rate_per_1000": [0.5, 0.6, 5.0, 6.0],
            "status": ["final", "provisional", "unknown", "unknown"],
        }
    )
    r = _result(t)
    table = pt.series_table(r)
    assert table.columns.tolist() == ["soort", "2024", "2025*"]
    assert table["soort"].tolist() == ["0.0.0 Totaal (plan)", "1.2.1 b"]
    assert pt.rate_decimals(r) == {"2024": 2, "2025*": 2}


def test_run_text_names_every_year():
    r = _result(pd.DataFrame(), name="Testdorp", municipality="GM1")
    assert pt.run_text(r) == (
        "Testdorp (GM1), Evaluatie 2023 t.o.v. 2022: reeksen 2012-2023, peiljaar 2022, "
        "evaluatiejaar 2023, vergelijkingsjaar 2023, gegevens tot en met 2023"
    )


def test_write_tables_writes_the_four_result_tables(tmp_path):
    r = _result(pd.DataFrame({"a": [1]}))
    written = pt.write_tables(r, tmp_path)
    assert sorted(p.name for p in written) == [
        "benchmark.csv",
        "reconciliation.csv",
        "trend_models.csv",
        "trends.csv",
    ]
    assert (tmp_path / "trends.csv").read_text() == "a\n1\n"
    assert pt.write_tables(r, "") == []


def test_caveats_name_small_numbers_missing_population_and_provisional_years():
    series = pd.DataFrame(
        {
            "code": ["1.4.2"] * 3 + ["1.1.1"] * 3,
            "label": ["Moord"] * 3 + ["Inbraak"] * 3,
            "source": vocab.SOURCE_POLICE,
            "year": [2021, 2022, 2023] * 2,
            "count": [1.0, 7.0, 3.0, 70.0, 60.0, 50.0],
            "population": [np.nan, 1000.0, 1000.0, np.nan, 1000.0, 1000.0],
            "status": ["final", "final", "provisional"] * 2,
        }
    )
    text = pt.caveats_text(_result(pd.DataFrame(), series=series))
    assert "- **Kleine aantallen:** 1.4.2 Moord (1 tot 7 per jaar)." in text
    assert "Inbraak (" not in text  # median 60: not small
    assert "- **Bevolking ontbreekt:** voor 2021 heeft" in text
    assert "- **Voorlopige cijfers:** 2023 (open symbolen" in text
    assert (
        "Het evaluatiejaar is voorlopig. Vergelijkingen met deze jaren hebben geen oordeel" in text
    )
    assert text.endswith("latere jaren tellen in geen toets, trend of oordeel mee.")


# --------------------------------------------------------------------------- multiplicity, trend context


def test_multiplicity_text_counts_the_family_and_the_expected_false_flags():
    # three year-on-year tests with p 0.01, 0.04, 0.5: q 0.03, 0.06, 0.5; 3 x 0.05 = 0.15 false
    t = pd.DataFrame(
        {
            "region": "GM1",
            "year": [2021, 2022, 2023],
            "p_value": [0.01, 0.04, 0.5],
            "q_value": [0.03, 0.06, 0.5],
            "p_value_vs_base": np.nan,
            "q_value_vs_base": np.nan,
        }
    )
    text = pt.multiplicity_text(_result(t), "previous")
    assert text.startswith("3 veranderingen ten opzichte van het jaar ervoor (alle soorten en ")
    assert "gemiddeld 0,2 ten onrechte significant noemen" in text
    assert "2 zijn significant op p, 1 ook na de correctie" in text
    assert text.endswith("van die 1 is naar verwachting hooguit 0,1 vals alarm.")
    assert pt.multiplicity_text(_result(t), "base") == (
        "Er zijn geen veranderingen ten opzichte van peiljaar 2022 getoetst."
    )


def _context_table():
    rows = {
        "code": ["1.1.1", "1.2.1", "1.4.4", "1.1.1", "1.2.1", "1.4.4"],
        "year": [2022, 2022, 2022, 2023, 2023, 2023],
        "count": [76.0, 100.0, 60.0, 37.0, 20.0, 55.0],
        "trend_expected": [np.nan] * 3 + [53.3, 61.6, 43.1],
        "trend_pi_low": [np.nan] * 3 + [28.2, 40.0, 18.2],
        "trend_pi_high": [np.nan] * 3 + [83.2, 90.0, 74.1],
        "trend_verdict": [None] * 3 + [vocab.TREND_WITHIN, vocab.TREND_BELOW, vocab.TREND_WITHIN],
        "baseline_vs_trend": [None] * 3
        + [vocab.TREND_WITHIN, vocab.TREND_WITHIN, vocab.TREND_ABOVE],
    }
    return pd.DataFrame(rows).assign(
        region="GM1", label=lambda d: "soort " + d["code"], source=vocab.SOURCE_POLICE
    )


def test_trend_context_never_calls_a_change_within_the_trend_a_plan_effect():
    r = _result(_context_table())
    table = pt.context_table(r)
    assert table["2023 t.o.v. trend"].tolist() == [
        "binnen de trend",
        "onder de trend",
        "binnen de trend",
    ]
    assert table["95%-voorspelinterval"].tolist() == ["28–83", "40–90", "18–74"]
    assert table["aantal 2022"].tolist() == [76, 100, 60]
    text = pt.context_text(r)
    assert (
        "**2023 tegen de trend tot en met 2022: onder de trend** bij 1.2.1 soort 1.2.1 (20, verwacht 62, 40–90)."
        in text
    )
    assert "geen aanwijzing voor een effect van het plan" in text
    assert (
        "regressie naar het gemiddelde:** peiljaar 2022 lag buiten de trend van de jaren ervoor bij 1.4.4"
        in text
    )
    assert "1.1.1" not in text.split("regressie")[1]
    # no claim of rise or fall in these lines: they say where a figure lies, not that it changed
    assert not any(pt.CLAIM_WORDS.search(line) for line in text.splitlines())
    empty = pt.context_text(_result(_context_table().iloc[:3]))
    assert empty.startswith("Voor 2023 is geen trendvergelijking mogelijk")
