"""The default report (GM1926, tussenevaluatie-2024): complete, reproducible byte for byte, verifiable."""

import json
from pathlib import Path

from ivp_analysis import report
from ivp_analysis.html import strip_volatile
from ivp_analysis.params import notebook_paths, read_params_file
from ivp_analysis.verify import verify

DEFAULT_PARAMS = (
    Path(__file__).resolve().parents[1]
    / "notebooks"
    / "params"
    / "GM1926_tussenevaluatie-2024.yaml"
)


def test_report_is_complete(default_report):
    assert (default_report / "index.html").stat().st_size > 10_000
    for nb in notebook_paths():
        assert (default_report / "notebooks" / nb.name).is_file()
    assert list((default_report / "results").glob("*.csv"))
    man = json.loads((default_report / "manifest.json").read_text())
    assert man["reproducible"]["parameters"]["municipality"] == "GM1926"


def test_same_inputs_give_identical_results_and_manifest(default_report, tmp_path):
    again = report.run_report(read_params_file(DEFAULT_PARAMS), tmp_path, progress=lambda m: None)
    first = {p.name: p.read_bytes() for p in (default_report / "results").glob("*.csv")}
    second = {p.name: p.read_bytes() for p in (again / "results").glob("*.csv")}
    assert first == second
    m1 = json.loads((default_report / "manifest.json").read_text())
    m2 = json.loads((again / "manifest.json").read_text())
    assert m1["reproducible"] == m2["reproducible"]
    assert m1["run"]["output_dir"] != m2["run"]["output_dir"]  # only the run block differs
    # index.html is the same byte for byte, except the generation date (marked volatile)
    page1 = (default_report / "index.html").read_text(encoding="utf-8")
    page2 = (again / "index.html").read_text(encoding="utf-8")
    assert strip_volatile(page1) == strip_volatile(page2)
    assert strip_volatile(page1).count("data-ivp-volatile") == 1


def test_fresh_default_report_verifies(default_report):
    out = verify(default_report, progress=lambda m: None)
    assert out.ok, out.problems
    # index.html, parameters.yaml, the executed notebooks and the result tables
    tables = list((default_report / "results").glob("*.csv"))
    assert out.html_compared and out.files_checked == 2 + len(notebook_paths()) + len(tables)
