"""The ivp command: one-line errors, exit codes, nothing written on bad input."""

import subprocess
import sys
from pathlib import Path

import pytest

IVP = Path(sys.executable).with_name("ivp")
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(IVP), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_unknown_municipality_is_one_line_and_writes_nothing(tmp_path):
    r = run("report", "--municipality", "GM9999", "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ivp: error:")
    assert "GM9999" in lines[0] and "ivp municipalities" in lines[0]
    assert not (tmp_path / "out").exists()


def test_misspelt_parameter_in_yaml_is_one_line_and_writes_nothing(tmp_path):
    params = tmp_path / "run.yaml"
    params.write_text("municiplaity: GM1926\nmoment: tussenevaluatie-2024\n")
    r = run("report", "--params", str(params), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ivp: error:")
    assert "municiplaity" in lines[0]
    assert not (tmp_path / "out").exists()


def test_yaml_number_for_municipality_is_refused(tmp_path):
    params = tmp_path / "run.yaml"
    params.write_text("municipality: 1926\n")  # YAML turns this into the integer 1926
    r = run("report", "--params", str(params), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert "GM1926" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_set_with_wrong_type_is_refused(tmp_path):
    r = run(
        "report",
        "--municipality",
        "GM1926",
        "--set",
        "municipality=GM1926",
        "--set",
        "moment=custom",
        "--out",
        str(tmp_path / "out"),
    )
    assert r.returncode == 2
    assert "baseline_year" in r.stderr


def test_municipalities_lists_codes_and_population():
    r = run("municipalities", "pijnacker")
    assert r.returncode == 0
    # 58,126: GM1926's average population of 2025 in data.json ("population" -> "GM1926" -> "2025")
    assert r.stdout.splitlines() == [
        "code    municipality        population  year",
        "GM1926  Pijnacker-Nootdorp      58,126  2025",
    ]


@pytest.mark.parametrize(
    ("search", "code", "shown"),
    [
        ("den haag", "GM0518", "(Den Haag)"),
        ("Den Bosch", "GM0796", "'s-Hertogenbosch (Den Bosch)"),
        ("hertogenbosch", "GM0796", "'s-Hertogenbosch"),
        ("gm0363", "GM0363", "Amsterdam"),
    ],
)
def test_municipalities_finds_common_names(search, code, shown):
    r = run("municipalities", search)
    assert r.returncode == 0, r.stderr
    (line,) = r.stdout.splitlines()[1:]
    assert line.startswith(code) and shown in line


def test_municipalities_says_when_nothing_matches():
    r = run("municipalities", "atlantis")
    assert r.returncode == 1 and "no municipality matches 'atlantis'" in r.stderr


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("peer_group=GM0503,GM9999", "GM9999 is not a municipality"),
        ("covid_level=1.5", "covid_level = 1.5"),
        ("covid_pre_period_end=2023-01", "covid_pre_period_end = '2023-01'"),
        ("eval_year=2019", "'eval_year' = 2019 is ignored by moment 'tussenevaluatie-2024'"),
    ],
)
def test_late_failing_parameters_now_fail_before_any_notebook(tmp_path, setting, words):
    r = run(
        "report",
        "--municipality",
        "gm1926",
        "--moment",
        "tussenevaluatie-2024",
        "--set",
        setting,
        "--out",
        str(tmp_path / "out"),
    )
    assert r.returncode == 2, r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("ivp: error:") and words in line
    assert not (tmp_path / "out").exists()


def test_custom_eval_year_beyond_the_data_is_refused(tmp_path):
    r = run(
        "report",
        "--municipality",
        "GM1926",
        "--moment",
        "custom",
        "--set",
        "baseline_year=2022",
        "--set",
        "eval_year=2030",
        "--out",
        str(tmp_path / "out"),
    )
    assert r.returncode == 2 and "eval_year 2030" in r.stderr and "2012-2025" in r.stderr
    assert not (tmp_path / "out").exists()


def test_yaml_octal_municipality_gets_the_right_hint(tmp_path):
    params = tmp_path / "run.yaml"
    params.write_text("municipality: 0363\n")  # YAML 1.1 reads this as the octal number 243
    r = run("report", "--params", str(params), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert "write it quoted: 'GM0363'" in r.stderr and "GM0243" not in r.stderr


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_load_says_a_shipped_template_is_empty(check):
    r = run("load", *check, "data/templates/handhaving.csv", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "template is empty" in r.stdout and "no data rows" not in r.stdout + r.stderr


def test_load_check_is_one_line():
    r = run("load", "--check", "data/templates/incidenten.csv", cwd=ROOT)
    assert r.returncode == 0
    assert r.stdout == "data/templates/incidenten.csv: ok, format municipal-template, 24 rows\n"


def test_help_is_english():
    r = run("report", "--help")
    assert r.returncode == 0 and "--pdf" in r.stdout
    for dutch in (" de ", " het ", " een ", "gemeente"):
        assert dutch not in r.stdout


def test_load_reports_the_format():
    r = run("load", "data/raw/ivp-2023-2026/politiecijfers_2017_2022.csv", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("format: ivp-plan")


@pytest.mark.parametrize("args", [("load", "/nonexistent/file.csv"), ("report",)])
def test_other_errors_are_one_line(args):
    r = run(*args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
