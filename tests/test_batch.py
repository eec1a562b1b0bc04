"""ivp batch: parallel reports, failures isolated, up-to-date reports skipped."""

from pathlib import Path

from ivp_analysis.batch import run_batch

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"


def test_batch_runs_in_parallel_isolates_failures_and_skips_up_to_date(tmp_path):
    lines = []
    first = run_batch(["GM1926", "GM9999", "GM0599"], {"moment": "tussenevaluatie-2024"}, tmp_path,
                      workers=2, notebooks_dir=FIXTURES / "ok", progress=lines.append)  # fmt: skip
    assert [(r.municipality, r.status) for r in first] == [
        ("GM1926", "done"), ("GM9999", "failed"), ("GM0599", "done")]  # fmt: skip
    assert "GM9999 is not in the shipped data" in first[1].detail
    assert (tmp_path / "GM1926" / "tussenevaluatie-2024" / "index.html").is_file()
    assert (
        tmp_path / "GM0599" / "tussenevaluatie-2024" / "results" / "fixture_table.csv"
    ).is_file()
    progress_lines = [m for m in lines if m.startswith("[")]
    assert len(progress_lines) == 3  # one line per finished report
    assert "2 done, 1 failed, 0 skipped" in lines[-1]

    again = run_batch(["GM1926"], {"moment": "tussenevaluatie-2024"}, tmp_path, workers=1,
                      notebooks_dir=FIXTURES / "ok", progress=lambda m: None)  # fmt: skip
    assert again[0].status == "skipped"
    edited = tmp_path / "GM1926" / "tussenevaluatie-2024" / "results" / "fixture_table.csv"
    edited.write_text(edited.read_text().replace("1.5", "1.6"))
    rebuilt = run_batch(["GM1926"], {"moment": "tussenevaluatie-2024"}, tmp_path, workers=1,
                        notebooks_dir=FIXTURES / "ok", progress=lambda m: None)  # fmt: skip
    assert rebuilt[0].status == "done"  # an edited result is not up to date
    assert "1.5" in edited.read_text()
    forced = run_batch(["GM1926"], {"moment": "tussenevaluatie-2024"}, tmp_path, workers=1, force=True,
                       notebooks_dir=FIXTURES / "ok", progress=lambda m: None)  # fmt: skip
    assert forced[0].status == "done"
