"""Report pipeline: parameters checked before papermill, atomic publication, kept failures.

These tests run the real papermill, kernel and renderer on two tiny notebooks in
tests/fixtures/pipeline/.
"""

import hashlib
import json
from pathlib import Path

import pytest

from ivp_analysis import report
from ivp_analysis.errors import ParameterError, ReportError

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
QUIET = lambda msg: None  # noqa: E731


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def first_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    final = report.run_report(
        {"municipality": "GM1926", "moment": "tussenevaluatie-2024"},
        out,
        notebooks_dir=FIXTURES / "ok",
        progress=QUIET,
    )
    return out, final


def test_report_has_every_part(first_report):
    out, final = first_report
    assert final == out / "GM1926" / "tussenevaluatie-2024"
    assert (final / "index.html").is_file()
    assert (final / "notebooks" / "01_ok.ipynb").is_file()
    assert (final / "results" / "fixture_table.csv").read_text() == (
        "region,moment,value\nGM1926,tussenevaluatie-2024,1.5\n"
    )
    assert (final / "parameters.yaml").is_file()
    # nothing left behind by the run
    assert sorted(p.name for p in out.iterdir()) == ["GM1926"]


def test_manifest_names_inputs_parameters_and_results(first_report):
    _, final = first_report
    m = json.loads((final / "manifest.json").read_text())
    rep = m["reproducible"]
    assert rep["parameters"] == {
        "marker": "",
        "moment": "tussenevaluatie-2024",
        "municipality": "GM1926",
    }
    paths = {e["path"] for e in rep["inputs"]}
    assert "data/raw/politie-47018ned-gemeente-selected-types/data.json" in paths
    data_json = next(e for e in rep["inputs"] if e["path"].endswith("selected-types/data.json"))
    # the checksum recorded by the upstream PROVENANCE.md
    assert data_json["sha256"] == "7eb314b61eef8e5674f673225f104bb8521c780a348f2ba5c53d04993019f747"
    assert rep["results"][0]["path"] == "results/fixture_table.csv"
    csv_bytes = (final / "results" / "fixture_table.csv").read_bytes()
    assert rep["results"][0]["sha256"] == hashlib.sha256(csv_bytes).hexdigest()
    assert rep["lock_file"]["path"] == "requirements.lock"
    assert set(m) == {"manifest_version", "reproducible", "warnings", "run"}
    assert {"started", "finished", "duration_seconds"} <= set(m["run"])


def test_html_is_self_contained_and_shows_the_notebook(first_report):
    _, final = first_report
    page = (final / "index.html").read_text()
    assert "<h1>Evaluatie Integraal Veiligheidsplan</h1>" in page
    assert "Testhoofdstuk" in page and "Inhoudsopgave" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert 'href="results/fixture_table.csv"' in page


def test_failed_run_keeps_the_earlier_report_and_the_failing_notebook(first_report):
    out, final = first_report
    before = _tree_hashes(final)
    with pytest.raises(ReportError) as err:
        report.run_report(
            {"municipality": "GM1926", "moment": "tussenevaluatie-2024"},
            out,
            notebooks_dir=FIXTURES / "fail",
            progress=QUIET,
        )
    msg = str(err.value)
    assert "02_fail.ipynb" in msg and "bewust gefaald" in msg
    kept = out / ".failed" / "GM1926-tussenevaluatie-2024" / "02_fail.ipynb"
    assert kept.is_file() and str(kept) in msg
    assert _tree_hashes(final) == before  # the earlier report is untouched
    assert not (out / ".staging").exists()


def test_failed_first_run_leaves_no_report_folder(tmp_path):
    with pytest.raises(ReportError):
        report.run_report({"municipality": "GM0363"}, tmp_path, notebooks_dir=FIXTURES / "fail",
                          progress=QUIET)  # fmt: skip
    assert not (tmp_path / "GM0363").exists()
    assert not (tmp_path / ".staging").exists()


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (
            {"municiplaity": "GM1926"},
            ["unknown parameter 'municiplaity'", "did you mean 'municipality'"],
        ),
        ({"municipality": 363}, ["must be str", "GM0363"]),
        ({"municipality": "GM9999"}, ["GM9999 is not in the shipped data"]),
        ({"municipality": "0363"}, ["GM0363"]),
        (
            {"municipality": "GM1926", "moment": "tussenevaluatie-2025"},
            ["unknown moment", "eindevaluatie-2026"],
        ),
        ({"municipality": "GM1926", "results_dir": "/tmp/x"}, ["set by the pipeline"]),
    ],
)
def test_bad_parameters_never_reach_papermill(tmp_path, given, words):
    marker = tmp_path / "ran.txt"
    with pytest.raises(ParameterError) as err:
        report.run_report({**given, "marker": str(marker)}, tmp_path / "out",
                          notebooks_dir=FIXTURES / "ok", progress=QUIET)  # fmt: skip
    for w in words:
        assert w in str(err.value)
    assert not marker.exists()  # the notebook never ran
    assert not (tmp_path / "out").exists()  # and nothing was written


def test_good_parameters_do_reach_the_notebook(tmp_path):
    marker = tmp_path / "ran.txt"
    report.run_report({"municipality": "GM0599", "marker": str(marker)}, tmp_path / "out",
                      notebooks_dir=FIXTURES / "ok", progress=QUIET)  # fmt: skip
    assert marker.read_text() == "GM0599"


def test_a_dead_kernel_keeps_the_notebook_up_to_the_crash(tmp_path):
    # the report's papermill engine saves the running notebook seldom (for speed), so this
    # checks that it still saves it when the kernel dies in the middle
    with pytest.raises(ReportError) as err:
        report.run_report({"municipality": "GM1926"}, tmp_path, notebooks_dir=FIXTURES / "dies",
                          progress=QUIET)  # fmt: skip
    msg = str(err.value)
    assert "02_dies.ipynb" in msg and "DeadKernelError" in msg
    kept = tmp_path / ".failed" / "GM1926-tussenevaluatie-2024" / "02_dies.ipynb"
    assert kept.is_file() and str(kept) in msg
    assert "uitvoer van voor het stoppen" in kept.read_text(encoding="utf-8")
    assert not (tmp_path / "GM1926").exists()
