"""The crime-trends analysis in one call (``ivp_analysis.trends.analysis``) and the years it
takes from ``ivp_analysis.moments.resolve``: cut back to the data, checked against each other."""

import ast
from pathlib import Path

import pytest

from ivp_analysis import moments, trends, vocab
from ivp_analysis.errors import ParameterError

PACKAGE = Path(trends.__file__).parent


def _years(first, last, base, eval_year, available, benchmark=0, vintage=2030):
    """The years a custom moment (data vintage ``vintage``) resolves to."""
    m = moments.resolve(
        "custom",
        base,
        eval_year,
        first_year=first,
        last_year=last,
        benchmark_year=benchmark,
        data_last_year=vintage,
        available=available,
    )
    return m.first_year, m.last_year, m.benchmark_year


def test_years_are_cut_back_to_the_data_and_checked():
    assert _years(2012, 2030, 2022, 2023, (2012, 2025)) == (2012, 2025, 2023)
    assert _years(2012, 2025, 2022, 2025, (2012, 2025), 2019) == (2012, 2025, 2019)
    with pytest.raises(ParameterError, match="base_year 2010"):
        _years(2012, 2025, 2010, 2023, (2012, 2025))
    with pytest.raises(ParameterError, match="benchmark_year 2030"):
        _years(2012, 2025, 2022, 2023, (2012, 2025), 2030)
    with pytest.raises(ParameterError, match="leave no period"):
        _years(2026, 2030, 2022, 2023, (2012, 2025))


def test_the_series_end_at_the_data_vintage_of_the_moment():
    # tussenevaluatie-2024 was written in 2024: its last year is 2023, also when the data go on
    m = moments.resolve("tussenevaluatie-2024", available=(2012, 2025))
    assert (m.data_last_year, m.last_year) == (2023, 2023)
    assert moments.resolve("eindevaluatie-2026", available=(2012, 2025)).last_year == 2025
    with pytest.raises(ParameterError, match="after the data vintage"):
        moments.resolve("tussenevaluatie-2024", last_year=2025)
    with pytest.raises(ParameterError, match="vintage of tussenevaluatie-2024 is fixed"):
        moments.resolve("tussenevaluatie-2024", data_last_year=2025)
    # custom: the evaluation year unless data_last_year says otherwise; never before it
    assert moments.resolve("custom", 2019, 2022).last_year == 2022
    assert moments.resolve("custom", 2019, 2022, data_last_year=2024).last_year == 2024
    with pytest.raises(ParameterError, match="before the evaluation year"):
        moments.resolve("custom", 2019, 2022, data_last_year=2021)
    # a shorter series is allowed
    assert moments.resolve("tussenevaluatie-2024", last_year=2023, first_year=2015).years == range(
        2015, 2024
    )


def test_base_year_zero_is_the_moments_baseline_and_must_precede_the_evaluation_year():
    m = moments.resolve("eindevaluatie-2026", last_year=2025, available=(2012, 2025))
    assert (m.base_year, m.eval_year, m.benchmark_year) == (2022, 2025, 2025)
    m = moments.resolve("tussenevaluatie-2024", base_year=2019, available=(2012, 2025))
    assert (m.baseline_year, m.base_year, m.last_year) == (2022, 2019, 2023)
    with pytest.raises(ParameterError, match="must come after"):
        moments.resolve("tussenevaluatie-2024", base_year=2023, available=(2012, 2025))


def test_analysis_modules_never_import_the_presentation_layer():
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            assert not any(n.startswith("ivp_analysis.present") for n in names), path.name


@pytest.fixture(scope="module")
def result(inputs):
    return trends.analyse("GM1926", "tussenevaluatie-2024", data=inputs)


def test_one_call_gives_every_result_table(result):
    assert result.name == "Pijnacker-Nootdorp"
    assert (result.moment.first_year, result.moment.last_year) == (2012, 2023)
    assert (result.moment.base_year, result.moment.eval_year) == (2022, 2023)
    assert list(result.result_tables) == [
        "trends",
        "trend_models",
        "benchmark",
        "reconciliation",
        "wijken",  # Pijnacker-Nootdorp's 2023 buurt figures are shipped
    ]
    own = result.table[result.table["region"] == "GM1926"]
    assert set(result.table["region"]) == {"GM1926", "NL"}
    assert own["base_year"].dropna().eq(2022).all()
    # 12 police types and the two totals (CBS and the plan) each get a trend
    assert len(result.models) == 14
    assert result.benchmark["year"].eq(2023).all() and len(result.benchmark) == 12
    assert len(result.reconciliation) == 60
    assert result.peers is not None and "GM1926" in result.peers.codes
    assert result.plan_regions == ("GM1926",)


def test_base_and_benchmark_year_can_be_set(inputs):
    r = trends.analyse(
        "GM1926",
        "tussenevaluatie-2024",
        base_year=2019,
        benchmark_year=2021,
        data=inputs,
    )
    assert r.table["base_year"].dropna().eq(2019).all()
    assert r.table.loc[r.table["year"] <= 2019, "rate_ratio_vs_base"].isna().all()
    assert r.benchmark["year"].eq(2021).all()


def test_a_bad_peer_group_is_a_parameter_error(inputs):
    with pytest.raises(ParameterError, match="GM9999"):
        trends.analyse("GM1926", peer_group="GM0503,GM9999", data=inputs)


def test_the_mid_term_evaluation_uses_no_year_after_2023(result):
    # the review found trend_models.csv of tussenevaluatie-2024 fitted through 2025
    assert result.table["year"].max() == 2023
    assert result.models["last_year"].max() == 2023
    assert result.models["provisional_years"].eq("").all()
    assert result.all_fits["last_year"].max() == 2023


def test_provisional_figures_get_no_verdict_unless_asked(inputs):
    final = trends.analyse("GM1926", "eindevaluatie-2026", data=inputs)
    own = final.table[final.table["region"] == "GM1926"]
    prov = own[own["status"] == "provisional"]
    assert set(prov["year"]) == {2024, 2025}
    tested = prov[prov["p_value"].notna()]
    assert tested["verdict"].eq(vocab.VERDICT_PROVISIONAL).all()
    assert tested["q_value"].isna().all()  # not part of the family
    assert prov["verdict_vs_base"].eq(vocab.VERDICT_PROVISIONAL).all()
    evaluated = own[(own["year"] == 2025) & own["trend_expected"].notna()]
    assert evaluated["trend_verdict"].eq(vocab.TREND_PROVISIONAL).all()
    # the trends leave the provisional years out of the fit
    assert (
        final.models.loc[final.models["source"] == vocab.SOURCE_POLICE, "last_year"].eq(2023).all()
    )
    opted = trends.analyse("GM1926", "eindevaluatie-2026", provisional_verdicts=True, data=inputs)
    own = opted.table[opted.table["region"] == "GM1926"]
    assert not own["verdict"].eq(vocab.VERDICT_PROVISIONAL).any()
    assert (
        opted.models.loc[opted.models["source"] == vocab.SOURCE_POLICE, "last_year"].eq(2025).all()
    )
