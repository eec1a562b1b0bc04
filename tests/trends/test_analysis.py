"""The crime-trends analysis in one call (``ivp_analysis.trends.analysis``) and the years it
takes from ``ivp_analysis.moments.resolve``: cut back to the data, checked against each other."""

import ast
from pathlib import Path

import pytest

from ivp_analysis import moments, trends
from ivp_analysis.errors import ParameterError

PACKAGE = Path(trends.__file__).parent


def _years(first, last, base, eval_year, available, benchmark=0):
    """The years a custom moment resolves to, as the old ``check_years`` returned them."""
    m = moments.resolve(
        "custom",
        base,
        eval_year,
        first_year=first,
        last_year=last,
        benchmark_year=benchmark,
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
    return trends.analyse("GM1926", "tussenevaluatie-2024", last_year=2025, inputs=inputs)


def test_one_call_gives_every_result_table(result):
    assert result.name == "Pijnacker-Nootdorp"
    assert (result.moment.first_year, result.moment.last_year) == (2012, 2025)
    assert (result.moment.base_year, result.moment.eval_year) == (2022, 2023)
    assert list(result.result_tables) == ["trends", "trend_models", "benchmark", "reconciliation"]
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
        last_year=2025,
        base_year=2019,
        benchmark_year=2021,
        inputs=inputs,
    )
    assert r.table["base_year"].dropna().eq(2019).all()
    assert r.table.loc[r.table["year"] <= 2019, "rate_ratio_vs_base"].isna().all()
    assert r.benchmark["year"].eq(2021).all()


def test_a_bad_peer_group_is_a_parameter_error(inputs):
    with pytest.raises(ParameterError, match="GM9999"):
        trends.analyse("GM1926", peer_group="GM0503,GM9999", inputs=inputs)
