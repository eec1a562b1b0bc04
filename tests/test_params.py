"""Parameter validation against parameter specs (names, types, values)."""

import pytest

from ivp_analysis.errors import ParameterError
from ivp_analysis.moments import MOMENTS
from ivp_analysis.moments import resolve as resolve_moment
from ivp_analysis.params import (
    ParamSpec,
    coerce_cli_value,
    notebook_paths,
    output_name,
    parameter_specs,
    validate,
)

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
        ({"first_year": 1850}, "not a year between 1990 and 2100"),
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
