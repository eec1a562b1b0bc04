"""Shared fixtures: the default report is built once per test session (real notebooks, real data)."""

from pathlib import Path

import pytest

from ivp_analysis import report
from ivp_analysis.params import read_params_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PARAMS = ROOT / "notebooks" / "params" / "GM1926_tussenevaluatie-2024.yaml"
OUTPUT = ROOT / "tests" / "output"  # screenshots and other things for a person to look at


@pytest.fixture(scope="session")
def default_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default-report")
    return report.run_report(read_params_file(DEFAULT_PARAMS), out, progress=lambda m: None)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
