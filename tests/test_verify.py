"""ivp verify: unchanged reports pass; edited results and changed inputs are named."""

import json
import shutil
from pathlib import Path

import pytest

from ivp_analysis import report
from ivp_analysis.verify import compare_tables, verify

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
QUIET = lambda msg: None  # noqa: E731


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    out = tmp_path_factory.mktemp("verify")
    return report.run_report(
        {"municipality": "GM1926"}, out, notebooks_dir=FIXTURES / "ok", progress=QUIET
    )


def _copy(made, tmp_path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(made, target)
    return target


def test_fresh_report_verifies(made):
    out = verify(made, progress=QUIET)
    assert out.ok
    assert out.tables_compared == 1
    assert out.inputs_checked > 20


def test_edited_result_is_named_by_file_line_and_column(made, tmp_path):
    copy = _copy(made, tmp_path)
    csv = copy / "results" / "fixture_table.csv"
    csv.write_text(csv.read_text().replace(",1.5", ",1.6"))
    out = verify(copy, progress=QUIET)
    assert not out.ok
    assert out.edited_results == [
        "results/fixture_table.csv: SHA-256 differs from the manifest (edited after the run)"
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
        "data/raw/ivp-2023-2026/begroting.csv: SHA-256 differs from the manifest (file changed)"
    ]
    assert out.tables_compared == 0 and not any("re-running the report" in m for m in lines)


def test_compare_tables_reports_rows_and_tolerates_last_digit_noise():
    assert compare_tables("t", "a\n0.1\n", "a\n0.10000000000000001\n") == []
    diffs = compare_tables("t", "a,b\n1,2\n", "a,b\n1,2\n3,4\n")
    assert [str(d) for d in diffs] == [
        "t, line 3: row missing in the report: report has None, re-run gives '3,4'"
    ]
