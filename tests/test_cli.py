"""The ivp command: one-line errors, exit codes, nothing written on bad input."""

import subprocess
import sys
from pathlib import Path

import pytest

IVP = Path(sys.executable).with_name("ivp")


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
    r = run("report", "--municipality", "GM1926", "--set", "municipality=GM1926", "--set",
            "moment=custom", "--out", str(tmp_path / "out"))  # fmt: skip
    assert r.returncode == 2
    assert "baseline_year" in r.stderr


def test_municipalities_lists_codes():
    r = run("municipalities", "pijnacker")
    assert r.returncode == 0
    assert r.stdout.strip() == "GM1926  Pijnacker-Nootdorp"


def test_load_reports_the_format():
    r = run("load", "data/raw/ivp-2023-2026/politiecijfers_2017_2022.csv",
            cwd=Path(__file__).resolve().parents[1])  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("format: ivp-plan")


@pytest.mark.parametrize("args", [("load", "/nonexistent/file.csv"), ("report",)])
def test_other_errors_are_one_line(args):
    r = run(*args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
