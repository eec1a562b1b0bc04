"""ivp verify: unchanged reports pass; every changed, missing or unexpected file is named.

The report is the fixture tests/fixtures/pipeline/ok, made once with a PDF (where Chromium is
installed) and copied before each edit.
"""

import json
import shutil
from pathlib import Path

import pytest

from ivp_analysis import report
from ivp_analysis.pdf import find_chromium
from ivp_analysis.verify import compare_html, compare_tables, verify

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
QUIET = lambda msg: None  # noqa: E731
needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="no Chromium to print report.pdf (Debian package 'chromium')"
)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("verify")
    return report.run_report(
        {"municipality": "GM1926"},
        out,
        notebooks_dir=FIXTURES / "ok",
        pdf=find_chromium() is not None,
        progress=QUIET,
    )


def _copy(made, tmp_path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(made, target)
    return target


def test_fresh_report_verifies(made):
    out = verify(made, progress=QUIET)
    assert out.ok, out.problems
    assert out.tables_compared == 1 and out.html_compared
    assert out.inputs_checked > 20 and out.notebooks_checked == 1
    # index.html, parameters.yaml, the executed notebook, the result table (and report.pdf)
    assert out.files_checked == (5 if (made / "report.pdf").exists() else 4)


def test_one_word_edit_of_index_html_is_named(made, tmp_path):
    copy = _copy(made, tmp_path)
    page = copy / "index.html"
    text = page.read_text(encoding="utf-8")
    assert text.count("De tabel toont de parameters.") == 1
    page.write_text(text.replace("De tabel toont", "De tabel verbergt"), encoding="utf-8")
    out = verify(copy, progress=QUIET)
    assert not out.ok
    assert out.changed_files == [
        "index.html: report file changed after the run (SHA-256 differs from the manifest)"
    ]
    (diff,) = out.differences  # and the fresh re-run's index.html says the same
    assert diff.file == "index.html" and "verbergt" in diff.report_value
    assert "toont" in diff.rerun_value


def test_edit_of_an_executed_notebook_is_named(made, tmp_path):
    copy = _copy(made, tmp_path)
    nb_path = copy / "notebooks" / "01_ok.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"][2]["source"].append("\nprint('added afterwards')")
    nb_path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    out = verify(copy, progress=QUIET, rerun=False)
    assert out.changed_files == [
        "notebooks/01_ok.ipynb: report file changed after the run (SHA-256 differs from the manifest)"
    ]


@needs_chromium
def test_deleted_pdf_is_named(made, tmp_path):
    copy = _copy(made, tmp_path)
    (copy / "report.pdf").unlink()
    out = verify(copy, progress=QUIET, rerun=False)
    assert out.changed_files == ["report.pdf: report file missing"]
    assert not out.ok


def test_missing_index_and_unexpected_file_are_named(made, tmp_path):
    copy = _copy(made, tmp_path)
    (copy / "index.html").unlink()
    (copy / "results" / "extra.csv").write_text("a\n1\n")
    out = verify(copy, progress=QUIET, rerun=False)
    assert out.changed_files == [
        "index.html: report file missing",
        "results/extra.csv: unexpected file, not in the manifest",
    ]


def test_edited_result_is_named_by_file_line_and_column(made, tmp_path):
    copy = _copy(made, tmp_path)
    csv = copy / "results" / "fixture_table.csv"
    csv.write_text(csv.read_text().replace(",1.5", ",1.6"))
    out = verify(copy, progress=QUIET)
    assert not out.ok
    assert out.changed_files == [
        "results/fixture_table.csv: report file changed after the run (SHA-256 differs from the manifest)"
    ]
    assert [str(d) for d in out.differences] == [
        "results/fixture_table.csv, line 2, column 'value': value differs: report has '1.6', re-run gives '1.5'"
    ]


def test_changed_input_is_reported_before_anything_runs(made, tmp_path):
    # Changing a shipped data file would change the repository; instead the manifest records
    # another checksum for one input, which is what verify sees when that file has changed.
    copy = _copy(made, tmp_path)
    man = json.loads((copy / "manifest.json").read_text())
    entry = next(e for e in man["reproducible"]["inputs"] if e["path"].endswith("begroting.csv"))
    entry["sha256"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(man))
    lines = []
    out = verify(copy, progress=lines.append)
    assert out.changed_inputs == [
        "data/raw/ivp-2023-2026/begroting.csv: input file changed (SHA-256 differs from the manifest)"
    ]
    assert out.tables_compared == 0 and not any("re-running the report" in m for m in lines)


def test_strict_makes_another_python_fatal(made, tmp_path):
    copy = _copy(made, tmp_path)
    man = json.loads((copy / "manifest.json").read_text())
    man["reproducible"]["python"] = "3.0.1"
    (copy / "manifest.json").write_text(json.dumps(man))
    relaxed = verify(copy, progress=QUIET, rerun=False)
    assert relaxed.ok and any("report made with 3.0.1" in w for w in relaxed.warnings)
    strict = verify(copy, progress=QUIET, rerun=False, strict=True)
    assert not strict.ok
    assert [p for p in strict.problems if "3.0.1" in p] == [
        f"Python {__import__('platform').python_version()} runs, report made with 3.0.1"
    ]


def test_compare_tables_reports_rows_and_tolerates_last_digit_noise():
    assert compare_tables("t", "a\n0.1\n", "a\n0.10000000000000001\n") == []
    diffs = compare_tables("t", "a,b\n1,2\n", "a,b\n1,2\n3,4\n")
    assert [str(d) for d in diffs] == [
        "t, line 3: row missing in the report: report has None, re-run gives '3,4'"
    ]


def test_compare_html_ignores_only_the_marked_date():
    page = '<p>Gemaakt op <time datetime="2026-12-01" data-ivp-volatile>1 december</time></p>\n'
    later = page.replace("2026-12-01", "2026-12-02").replace("1 december", "2 december")
    assert compare_html("index.html", page, later) == []
    # the same date without the mark is compared like any other text
    plain = page.replace(" data-ivp-volatile", "")
    assert compare_html("index.html", plain, plain.replace("1 december", "2 december"))
