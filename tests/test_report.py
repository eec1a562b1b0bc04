"""Report pipeline: parameters checked before papermill, atomic publication, kept failures,
progress in order.

These tests run the real papermill, kernel and renderer on tiny notebooks in
tests/fixtures/pipeline/ (see its README).
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
    assert set(m) == {"manifest_version", "reproducible", "report_files", "warnings", "run"}
    assert {"started", "finished", "duration_seconds"} <= set(m["run"])
    # every file of the folder except the manifest itself, with its SHA-256
    listed = {e["path"]: e["sha256"] for e in m["report_files"]}
    assert sorted(listed) == ["index.html", "notebooks/01_ok.ipynb", "parameters.yaml"]
    for rel, digest in listed.items():
        assert hashlib.sha256((final / rel).read_bytes()).hexdigest() == digest
    vintage = {v["folder"]: v for v in rep["data_vintage"]}
    # data.json holds 2012-2025 with 2024 and 2025 provisional (its "years"/"provisional" keys),
    # and its PROVENANCE.md says the file was last changed upstream on 2026-08-19
    crime = vintage["data/raw/politie-47018ned-gemeente-selected-types"]
    assert (crime["first_period"], crime["last_period"]) == ("2012", "2025")
    assert crime["provisional"] == ["2024", "2025"] and crime["retrieved"] == "2026-08-19"


def test_html_is_self_contained_and_shows_the_notebook(first_report):
    _, final = first_report
    page = (final / "index.html").read_text()
    assert "<h1>Evaluatie Integraal Veiligheidsplan</h1>" in page
    assert "Testhoofdstuk" in page and "Inhoudsopgave" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert 'href="results/fixture_table.csv"' in page
    # the summary comes first, with the data's date (19 August 2026: data.json's PROVENANCE)
    assert page.index('id="samenvatting"') < page.index('id="inhoudsopgave"')
    assert "19 augustus 2026" in page.split('id="inhoudsopgave"')[0]


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
    (kept,) = (out / ".failed").glob("GM1926-tussenevaluatie-2024-*/02_fail.ipynb")
    assert str(kept) in msg
    assert _tree_hashes(final) == before  # the earlier report is untouched
    assert not (out / ".staging").exists()


def test_each_failed_run_keeps_its_notebooks_in_a_folder_of_its_own(tmp_path):
    for _ in range(2):
        with pytest.raises(ReportError):
            report.run_report(
                {"municipality": "GM1926"},
                tmp_path,
                notebooks_dir=FIXTURES / "fail",
                progress=QUIET,
            )
    runs = sorted((tmp_path / ".failed").iterdir())
    assert len(runs) == 2 and runs[0].name != runs[1].name
    for run in runs:
        assert run.name.startswith("GM1926-tussenevaluatie-2024-")
        assert [p.name for p in run.iterdir()] == ["02_fail.ipynb"]


def test_failed_first_run_leaves_no_report_folder(tmp_path):
    with pytest.raises(ReportError):
        report.run_report(
            {"municipality": "GM0363"}, tmp_path, notebooks_dir=FIXTURES / "fail", progress=QUIET
        )
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
        report.run_report(
            {**given, "marker": str(marker)},
            tmp_path / "out",
            notebooks_dir=FIXTURES / "ok",
            progress=QUIET,
        )
    for w in words:
        assert w in str(err.value)
    assert not marker.exists()  # the notebook never ran
    assert not (tmp_path / "out").exists()  # and nothing was written


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({"peer_group": "GM0503,GM9999"}, ["GM9999 is not a municipality"]),
        ({"covid_level": 1.5}, ["covid_level = 1.5", "between 0.5 and 1"]),
        ({"covid_pre_period_end": "2023-01"}, ["covid_pre_period_end", "2022-06"]),
        (
            {"covid_pre_period_end": "2020-04", "covid_intervention_month": "2020-05"},
            ["first COVID-19 phase", "2020-03-12"],
        ),
        (
            {"moment": "custom", "baseline_year": 2022, "eval_year": 2030},
            ["eval_year 2030", "2012-2025"],
        ),
        ({"eval_year": 2019}, ["'eval_year' = 2019 is ignored by moment 'tussenevaluatie-2024'"]),
        ({"first_year": 2030}, ["leave no period"]),
        ({"municipality": "gm0599", "peer_group": "gm0599"}, ["no municipality other than GM0599"]),
    ],
)
def test_values_are_checked_against_the_data_before_papermill(tmp_path, given, words):
    # A notebook that declares the checked parameters; it writes the marker when it runs.
    marker = tmp_path / "ran.txt"
    with pytest.raises(ParameterError) as err:
        report.run_report(
            {"municipality": "GM1926", **given, "marker": str(marker)},
            tmp_path / "out",
            notebooks_dir=FIXTURES / "checked",
            progress=QUIET,
        )
    for w in words:
        assert w in str(err.value)
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_lowercase_code_is_normalised_and_years_of_custom_moments_pass(tmp_path):
    marker = tmp_path / "ran.txt"
    final = report.run_report(
        {
            "municipality": "gm0599",
            "moment": "custom",
            "baseline_year": 2019,
            "eval_year": 2024,
            "peer_group": "gm0503, GM0518",
            "marker": str(marker),
        },
        tmp_path / "out",
        notebooks_dir=FIXTURES / "checked",
        progress=QUIET,
    )
    assert final == tmp_path / "out" / "GM0599" / "custom-2019-2024"
    assert marker.read_text() == "GM0599"


def test_progress_lines_come_in_notebook_order_with_parallel_notebooks(tmp_path):
    # 01_slow sleeps 4 s, 02_quick ends at once: run side by side, 02 finishes first
    lines: list[str] = []
    report.run_report(
        {"municipality": "GM1926"},
        tmp_path,
        notebooks_dir=FIXTURES / "order",
        jobs=2,
        progress=lines.append,
    )
    numbered = [m for m in lines if m.startswith("[")]
    assert [m.split(":")[0] for m in numbered] == ["[1/2] 01_slow", "[2/2] 02_quick"]


def test_good_parameters_do_reach_the_notebook(tmp_path):
    marker = tmp_path / "ran.txt"
    report.run_report(
        {"municipality": "GM0599", "marker": str(marker)},
        tmp_path / "out",
        notebooks_dir=FIXTURES / "ok",
        progress=QUIET,
    )
    assert marker.read_text() == "GM0599"


def test_a_dead_kernel_keeps_the_notebook_up_to_the_crash(tmp_path):
    # the report's papermill engine saves the running notebook seldom (for speed), so this
    # checks that it still saves it when the kernel dies in the middle
    with pytest.raises(ReportError) as err:
        report.run_report(
            {"municipality": "GM1926"}, tmp_path, notebooks_dir=FIXTURES / "dies", progress=QUIET
        )
    msg = str(err.value)
    assert "02_dies.ipynb" in msg and "DeadKernelError" in msg
    (kept,) = (tmp_path / ".failed").glob("GM1926-tussenevaluatie-2024-*/02_dies.ipynb")
    assert str(kept) in msg
    assert "uitvoer van voor het stoppen" in kept.read_text(encoding="utf-8")
    assert not (tmp_path / "GM1926").exists()


def test_without_chromium_the_html_report_is_published_and_the_message_says_how(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("IVP_CHROMIUM", "")  # an empty value: no browser to print with
    lines: list[str] = []
    final = report.run_report(
        {"municipality": "GM1926"},
        tmp_path,
        notebooks_dir=FIXTURES / "ok",
        pdf=True,
        progress=lines.append,
    )
    assert (final / "index.html").is_file() and not (final / "report.pdf").exists()
    (warning,) = [m for m in lines if "report.pdf" in m and m.startswith("warning:")]
    assert "apt-get install chromium" in warning and "IVP_CHROMIUM" in warning
    assert "published without report.pdf" in warning
