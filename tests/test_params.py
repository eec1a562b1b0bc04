"""Parameter validation against parameter specs (names, types, values) and the data's facts."""

import pytest

from ivp_analysis.errors import ParameterError
from ivp_analysis.moments import MOMENTS
from ivp_analysis.moments import resolve as resolve_moment
from ivp_analysis.params import (
    CHECKS,
    ParamSpec,
    coerce_cli_value,
    notebook_paths,
    output_name,
    parameter_specs,
    read_params_file,
    validate,
)
from ivp_analysis.params_data import DataFacts, month_key

SPECS = {
    "municipality": ParamSpec("municipality", "str", "GM1926", "", ("00.ipynb",)),
    "moment": ParamSpec("moment", "str", "tussenevaluatie-2024", "", ("00.ipynb",)),
    "first_year": ParamSpec("first_year", "int", 2012, "", ("01.ipynb",)),
    "level": ParamSpec("level", "float", 0.95, "", ("02.ipynb",)),
    "flag": ParamSpec("flag", "bool", True, "", ("02.ipynb",)),
    "results_dir": ParamSpec("results_dir", "str", "", "", ("00.ipynb",)),
    "baseline": ParamSpec("baseline", "str", "year", "", ("03.ipynb",)),
    "baseline_first_year": ParamSpec("baseline_first_year", "int", 0, "", ("03.ipynb",)),
    "baseline_last_year": ParamSpec("baseline_last_year", "int", 0, "", ("03.ipynb",)),
}


def test_defaults_are_filled_in_and_reserved_names_left_out():
    p = validate({"municipality": "GM0363"}, SPECS)
    assert p == {
        "municipality": "GM0363",
        "moment": "tussenevaluatie-2024",
        "first_year": 2012,
        "level": 0.95,
        "flag": True,
        "baseline": "year",
        "baseline_first_year": 0,
        "baseline_last_year": 0,
    }


def test_unknown_name_lists_what_is_allowed():
    with pytest.raises(ParameterError) as e:
        validate({"frist_year": 2015}, SPECS)
    msg = str(e.value)
    assert "did you mean 'first_year'" in msg
    assert (
        "Allowed: baseline, baseline_first_year, baseline_last_year, first_year, flag, level, moment, municipality"
        in msg
    )


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({"first_year": "2015"}, "must be int, got str"),
        ({"first_year": True}, "must be int, got bool"),
        ({"flag": 1}, "must be bool, got int"),
        ({"municipality": 363}, "'GM0363'"),
        ({"municipality": "Pijnacker-Nootdorp"}, "Pijnacker-Nootdorp is GM1926"),
        ({"municipality": "GM9999"}, "not in the shipped data"),
        ({"first_year": 2030}, "leave no period within the data"),
        ({"moment": "custom"}, "needs baseline_year and eval_year"),
        ({"moment": "midterm"}, "unknown moment 'midterm'"),
        ({"baseline": "median"}, "must be 'year' or 'mean'"),
        (
            {"baseline": "mean", "baseline_first_year": 2022, "baseline_last_year": 2019},
            "baseline_first_year <=",
        ),
    ],
)
def test_bad_values_are_errors(given, words):
    with pytest.raises(ParameterError) as e:
        validate({"municipality": "GM1926", **given}, SPECS)
    assert words in str(e.value)


def _spec(name: str, type_name: str, default: object) -> ParamSpec:
    return ParamSpec(name, type_name, default, "", ("nb.ipynb",))


#: Tiny hand-made facts: three municipalities, data 2012-2025, months 2012-01 to 2022-06, phases
#: from 12 March 2020 to 24 February 2022, two national codes.
FACTS = DataFacts(
    municipalities={"GM0503": "Delft", "GM0599": "Rotterdam", "GM1926": "Pijnacker-Nootdorp"},
    years=(2012, 2025),
    months=(month_key("2012-01"), month_key("2022-06")),
    phases=(month_key("2020-03-12"), month_key("2022-02-24")),
    national_codes={"0.0.0", "1.1.1"},
)
FULL = {
    s.name: s
    for s in [
        _spec("municipality", "str", "GM1926"),
        _spec("moment", "str", "tussenevaluatie-2024"),
        _spec("baseline_year", "int", 0),
        _spec("eval_year", "int", 0),
        _spec("first_year", "int", 2012),
        _spec("last_year", "int", 0),
        _spec("data_last_year", "int", 0),
        _spec("base_year", "int", 0),
        _spec("benchmark_year", "int", 0),
        _spec("peer_group", "str", "size_class"),
        _spec("covid_pre_period_start", "str", "2012-01"),
        _spec("covid_pre_period_end", "str", "2020-02"),
        _spec("covid_intervention_month", "str", "2020-03"),
        _spec("covid_forecast_end", "str", "2022-02"),
        _spec("covid_backtest_fit_end", "str", "2017-12"),
        _spec("covid_backtest_end", "str", "2019-12"),
        _spec("covid_level", "float", 0.95),
        _spec("covid_level_strict", "float", 0.99),
        _spec("covid_min_run", "int", 2),
        _spec("covid_focus_codes", "list", ["0.0.0"]),
        _spec("covid_municipal_pre_years", "list", [2012, 2019]),
    ]
}


def test_the_defaults_pass_the_checks():
    assert validate({}, FULL, FACTS)["municipality"] == "GM1926"


@pytest.mark.parametrize(
    ("given", "words"),
    [
        # the four parameters that used to fail only inside a notebook
        (
            {"peer_group": "GM0503,GM9999"},
            "peer_group 'GM0503,GM9999': GM9999 is not a municipality in the shipped data",
        ),
        ({"covid_level": 1.5}, "covid_level = 1.5: expected a confidence level between 0.5 and 1"),
        (
            {"covid_pre_period_end": "2023-01"},
            "covid_pre_period_end = '2023-01' lies outside the monthly data (2012-01 to 2022-06",
        ),
        (
            {"moment": "custom", "baseline_year": 2022, "eval_year": 2030},
            "eval_year 2030 of moment 'custom' lies outside the years of the data (2012-2025",
        ),
        # years a named moment ignores
        (
            {"eval_year": 2019},
            "'eval_year' = 2019 is ignored by moment 'tussenevaluatie-2024' (it compares 2023 with 2022)",
        ),
        (
            {"baseline_year": 2019, "moment": "eindevaluatie-2026"},
            "'baseline_year' = 2019 is ignored by moment 'eindevaluatie-2026'",
        ),
        # peer groups
        (
            {"peer_group": "Delft"},
            "'Delft' is not a municipality code like 'GM0503'; Delft is GM0503",
        ),
        ({"peer_group": "GM0000"}, "GM0000 ('gemeente onbekend') is not a municipality"),
        ({"peer_group": "GM1926"}, "names no municipality other than GM1926"),
        ({"peer_group": " , "}, "peer_group is empty"),
        # months: format, order, data, phase table
        ({"covid_pre_period_end": "2020-2"}, "expected a month written YYYY-MM"),
        ({"covid_pre_period_start": "2011-12"}, "lies outside the monthly data"),
        (
            {"covid_pre_period_end": "2020-03", "covid_intervention_month": "2020-04"},
            "lies in or after the first COVID-19 phase (2020-03-12",
        ),
        (
            {"covid_intervention_month": "2022-03", "covid_forecast_end": "2022-04"},
            "not a month of the COVID-19 phase table (2020-03 to 2022-02",
        ),
        (
            {"covid_forecast_end": "2020-02"},
            "covid_intervention_month (2020-03) must be before or equal to covid_forecast_end (2020-02)",
        ),
        (
            {"covid_backtest_end": "2020-06"},
            "covid_backtest_end (2020-06) must be before or equal to covid_pre_period_end (2020-02)",
        ),
        # levels, counts, codes
        (
            {"covid_level": 0.99, "covid_level_strict": 0.95},
            "covid_level (0.99) must be below covid_level_strict (0.95)",
        ),
        (
            {"covid_level_strict": 1},
            "covid_level_strict = 1.0: expected a confidence level between 0.5 and 1",
        ),
        ({"covid_min_run": 0}, "covid_min_run = 0: expected 1 or more months"),
        (
            {"covid_focus_codes": ["1.1.1", "9.9.9"]},
            "covid_focus_codes: 9.9.9 not in the national monthly data",
        ),
        (
            {"covid_municipal_pre_years": [2015, 2020]},
            "ending before 2020 (the first COVID-19 phase)",
        ),
        # series years against the data
        (
            {"moment": "custom", "baseline_year": 2019, "eval_year": 2023, "first_year": 2020},
            "base_year 2019 lies outside the period 2020-2023",
        ),
        ({"benchmark_year": 2011}, "benchmark_year 2011 lies outside the period 2012-2023"),
        ({"base_year": 2023}, "the evaluation year 2023 must come after base_year 2023"),
        # no look-ahead: the mid-term evaluation (Q3 2024) had figures up to 2023
        (
            {"last_year": 2025},
            "last_year 2025 comes after the data vintage of tussenevaluatie-2024",
        ),
        ({"data_last_year": 2025}, "data_last_year"),
    ],
)
def test_values_are_checked_against_the_data(given, words):
    with pytest.raises(ParameterError) as e:
        validate(given, FULL, FACTS)
    assert words in str(e.value)


def test_years_of_a_custom_moment_and_lower_case_codes_are_accepted():
    p = validate(
        {
            "municipality": "gm0599",
            "moment": "custom",
            "baseline_year": 2019,
            "eval_year": 2024,
            "peer_group": "gm0503; GM1926",
        },
        FULL,
        FACTS,
    )
    assert (p["municipality"], p["eval_year"]) == ("GM0599", 2024)
    assert p["peer_group"] == "gm0503; GM1926"  # the trends analysis reads it as written


def test_a_check_is_skipped_when_its_parameter_is_not_declared():
    class NoMonths(DataFacts):
        @property
        def months(self):
            raise AssertionError("the monthly data was read without a month parameter")

    facts = NoMonths(municipalities=FACTS.municipalities, years=(2012, 2025))
    specs = {n: FULL[n] for n in ("municipality", "moment", "eval_year")}  # notebook 00's kind
    assert validate({"municipality": "GM1926"}, specs, facts)["moment"] == "tussenevaluatie-2024"
    with pytest.raises(ParameterError, match="ignored by moment"):
        validate({"eval_year": 2019}, specs, facts)
    assert CHECKS  # the table the lead merges parameter changes into


def test_the_notebooks_defaults_pass_the_checks_on_the_shipped_data():
    params = validate({}, parameter_specs(notebook_paths()))
    assert params["municipality"] == "GM1926"


@pytest.mark.parametrize(
    ("written", "words"),
    [
        (
            "municipality: 0363\n",
            "line 1: municipality: 0363 is read by YAML as the octal number 243; write it quoted: 'GM0363'",
        ),
        (
            "moment: tussenevaluatie-2024\nmunicipality: 0014\n",
            "line 2: municipality: 0014 is read by YAML as the octal number 12; write it quoted: 'GM0014'",
        ),
        ("first_year: 02015\n", "write it without the leading zero, or quoted: '02015'"),
    ],
)
def test_yaml_octal_numbers_are_found_in_the_source_text(tmp_path, written, words):
    f = tmp_path / "p.yaml"
    f.write_text(written)
    with pytest.raises(ParameterError) as e:
        read_params_file(f)
    assert words in str(e.value)


def test_yaml_numbers_that_are_not_octal_get_the_decimal_hint(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("municipality: 1926\n")  # YAML reads 1926 as a decimal number
    given = read_params_file(f)
    with pytest.raises(ParameterError, match="quoted string such as 'GM1926'"):
        validate(given, FULL, FACTS)
    # a number that may be YAML's octal reading of a code names both codes
    facts = DataFacts(municipalities={"GM0243": "Harderwijk", "GM0363": "Amsterdam"})
    with pytest.raises(ParameterError, match="'GM0243', or 'GM0363' if you wrote 0363"):
        validate({"municipality": 243}, {"municipality": FULL["municipality"]}, facts)


def test_int_is_accepted_where_a_float_is_declared():
    assert validate({"level": 1}, SPECS)["level"] == 1.0


def test_command_line_strings_become_the_declared_type():
    assert coerce_cli_value(SPECS["first_year"], "2015") == 2015
    assert coerce_cli_value(SPECS["level"], "0.99") == 0.99
    assert coerce_cli_value(SPECS["flag"], "nee") is False
    with pytest.raises(ParameterError, match="must be int"):
        coerce_cli_value(SPECS["first_year"], "twintig")


def test_moments_follow_the_plan():
    # IVP section 1.3.2: mid-term evaluation in Q3 2024 (last full year 2023), final evaluation in 2026.
    assert (
        MOMENTS["tussenevaluatie-2024"].baseline_year,
        MOMENTS["tussenevaluatie-2024"].eval_year,
    ) == (2022, 2023)
    assert MOMENTS["eindevaluatie-2026"].eval_year == 2025
    m = resolve_moment("custom", 2019, 2023)
    assert (m.baseline_year, m.eval_year) == (2019, 2023)
    assert (
        output_name({"moment": "custom", "baseline_year": 2019, "eval_year": 2023})
        == "custom-2019-2023"
    )


def test_specs_come_from_the_notebooks_parameter_cells():
    specs = parameter_specs(notebook_paths())
    assert specs["municipality"].type_name == "str"
    assert specs["municipality"].default == "GM1926"
    assert "00_data_overview.ipynb" in specs["municipality"].notebooks


def test_the_data_overview_has_no_moment_but_a_report_still_takes_one():
    # notebook 00 does not depend on the evaluation moment; the other notebooks do, so
    # `ivp report --moment ...` stays valid and is injected only where it is declared
    specs = parameter_specs(notebook_paths())
    assert "00_data_overview.ipynb" not in specs["moment"].notebooks
    assert "01_crime_trends.ipynb" in specs["moment"].notebooks
    assert validate({"moment": "eindevaluatie-2026"}, specs)["moment"] == "eindevaluatie-2026"


def test_inputs_are_checked_and_recorded_relative_to_the_repository(tmp_path, monkeypatch):
    from ivp_analysis.errors import InputFileError
    from ivp_analysis.inputs import normalise_input
    from ivp_analysis.paths import ROOT

    specs = {**SPECS, "inputs": ParamSpec("inputs", "list", [], "", ("00.ipynb",))}
    fixture = "tests/fixtures/formats/politie_tabel_47013_totaal.csv"
    # from another folder: found in the repository, recorded relative to it
    monkeypatch.chdir(tmp_path)
    assert validate({"inputs": [fixture]}, specs)["inputs"] == [fixture]
    assert normalise_input(str(ROOT / fixture)) == fixture
    # a file outside the repository is recorded with its absolute path
    outside = tmp_path / "download.csv"
    outside.write_bytes((ROOT / fixture).read_bytes())
    assert validate({"inputs": ["download.csv"]}, specs)["inputs"] == [str(outside)]
    with pytest.raises(ParameterError, match="nope.csv not found"):
        validate({"inputs": ["nope.csv"]}, specs)
    with pytest.raises(ParameterError, match="is not a path"):
        validate({"inputs": [3]}, specs)
    bad = ROOT / "tests" / "fixtures" / "malformed" / "thousands_separator.csv"
    with pytest.raises(InputFileError, match=r"thousands_separator.csv, line 2, column 'value'"):
        validate({"inputs": [str(bad)]}, specs)
