"""ivp batch: parallel reports, failures isolated, up-to-date reports skipped, changed ones rebuilt."""

import json
import re
import shutil
from pathlib import Path

import pytest

from ivp_analysis.batch import run_batch
from ivp_analysis.pdf import find_chromium

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
MOMENT = {"moment": "tussenevaluatie-2024"}


def _batch(out: Path, codes=("GM1926",), **kw):
    return run_batch(
        list(codes), MOMENT, out, notebooks_dir=FIXTURES / "ok", progress=lambda m: None, **kw
    )


def test_batch_runs_in_parallel_isolates_failures_and_skips_up_to_date(tmp_path):
    lines = []
    first = run_batch(
        ["GM1926", "GM9999", "GM0599"],
        MOMENT,
        tmp_path,
        workers=2,
        notebooks_dir=FIXTURES / "ok",
        progress=lines.append,
    )
    assert [(r.municipality, r.status) for r in first] == [
        ("GM1926", "done"),
        ("GM9999", "failed"),
        ("GM0599", "done"),
    ]
    assert "GM9999 is not in the shipped data" in first[1].detail
    # each worker read its report's overview fields; a failed report has none
    assert first[0].row is not None and first[0].row["moment"] == "tussenevaluatie-2024"
    assert first[1].row is None
    assert (tmp_path / "GM1926" / "tussenevaluatie-2024" / "index.html").is_file()
    assert (
        tmp_path / "GM0599" / "tussenevaluatie-2024" / "results" / "fixture_table.csv"
    ).is_file()
    progress_lines = [m for m in lines if m.startswith("[")]
    assert len(progress_lines) == 3  # one line per finished report, with the counts
    assert re.search(r"\| 2 done, 1 failed, 0 running, 0 waiting \(\d+ s\)$", progress_lines[-1])
    assert "2 done, 1 failed, 0 skipped" in lines[-2]
    assert lines[-1].startswith("regional overview:")
    assert (tmp_path / "index.html").is_file() and (tmp_path / "summary.csv").is_file()

    assert _batch(tmp_path)[0].status == "skipped"
    edited = tmp_path / "GM1926" / "tussenevaluatie-2024" / "results" / "fixture_table.csv"
    edited.write_text(edited.read_text().replace("1.5", "1.6"))
    rebuilt = _batch(tmp_path)[0]
    assert rebuilt.status == "done"  # an edited result is not up to date
    assert "results/fixture_table.csv" in rebuilt.detail
    assert "1.5" in edited.read_text()
    assert _batch(tmp_path, force=True, warm=False)[0].status == "done"  # cold kernels


def _edit_index(report: Path) -> str:
    page = report / "index.html"
    page.write_text(page.read_text().replace("De tabel toont", "De tabel verbergt"))
    return "index.html"


def _edit_notebook(report: Path) -> str:
    nb_path = report / "notebooks" / "01_ok.ipynb"
    nb = json.loads(nb_path.read_text())
    nb["cells"][2]["source"].append("\nprint('added afterwards')")
    nb_path.write_text(json.dumps(nb, indent=1))
    return "notebooks/01_ok.ipynb"


def _delete_pdf(report: Path) -> str:
    (report / "report.pdf").unlink()
    return "report.pdf"


def _delete_notebooks(report: Path) -> str:
    shutil.rmtree(report / "notebooks")
    return "notebooks/01_ok.ipynb"


def _delete_index(report: Path) -> str:
    (report / "index.html").unlink()
    return "index.html"


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print report.pdf")
def test_batch_rebuilds_a_report_whose_folder_is_incomplete_or_changed(tmp_path):
    report = tmp_path / "GM1926" / "tussenevaluatie-2024"
    assert _batch(tmp_path, pdf=True)[0].status == "done"
    assert (report / "report.pdf").is_file()
    assert _batch(tmp_path, pdf=True)[0].status == "skipped"
    for change in (_edit_index, _edit_notebook, _delete_pdf, _delete_notebooks, _delete_index):
        named = change(report)
        r = _batch(tmp_path, pdf=True)[0]
        assert r.status == "done", change.__name__
        assert named in r.detail, (change.__name__, r.detail)
        assert "De tabel toont" in (report / "index.html").read_text()
        assert (report / "report.pdf").is_file() and (
            report / "notebooks" / "01_ok.ipynb"
        ).is_file()
        assert _batch(tmp_path, pdf=True)[0].status == "skipped", change.__name__
    # a report without a PDF is rebuilt when a PDF is asked for, and not otherwise
    _delete_pdf(report)
    assert _batch(tmp_path)[0].status == "done"
    assert _batch(tmp_path)[0].status == "skipped"
    r = _batch(tmp_path, pdf=True)[0]
    assert r.status == "done" and "report.pdf missing" in r.detail


def test_preload_imports_in_a_background_thread_of_the_lowest_priority():
    import os
    import sys
    import threading

    from ivp_analysis.batch import preload_in_background

    seen = {}
    real = os.setpriority

    def spy(which, who, prio):
        seen["args"] = (which, who, prio, threading.get_native_id())
        real(which, who, prio)

    os.setpriority = spy
    try:
        sys.modules.pop("colorsys", None)
        thread = preload_in_background(["colorsys", "no_such_module_here", "json"])
        thread.join(10)
    finally:
        os.setpriority = real
    assert "colorsys" in sys.modules
    which, who, prio, tid = seen["args"]
    assert (which, who, prio) == (os.PRIO_PROCESS, tid, 19)  # the thread itself, not the process
    assert tid != threading.get_native_id()
    assert os.getpriority(os.PRIO_PROCESS, 0) != 19  # the batch process keeps its priority


def test_local_workers_end_when_the_batch_process_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ivp_analysis.batch import run_batch\n"
        f"run_batch(['GM1926', 'GM0599', 'GM0518', 'GM0088'], {MOMENT!r}, {str(tmp_path)!r},"
        f" workers=2, notebooks_dir=Path({str(FIXTURES / 'ok')!r}), progress=print)\n"
    )
    batch = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL)
    me = psutil.Process(batch.pid)
    deadline = time.monotonic() + 60
    workers = []
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = [p for p in me.children() if "kernel_template" not in " ".join(p.cmdline())]
        time.sleep(0.1)
    assert len(workers) == 2, "the batch did not start its two workers"
    everything = [me, *me.children(recursive=True)]
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()

    def running(p):  # an ended process may stay a zombie where nothing reaps orphans
        try:
            return p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + 30
    while any(running(p) for p in everything) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [p.pid for p in everything if running(p)]
    assert alive == [], f"processes outlived the killed batch: {alive}"


def test_local_workers_fork_their_kernels_from_one_template_the_batch_started(
    tmp_path, monkeypatch
):
    # batch.shared_template: one template for the host, started by the batch; each worker's
    # kernels are forked from it (not from a template per worker), and the reports are the ones
    # a cold run makes (ivp verify runs the notebooks again, cold, and compares)
    import os
    import threading
    import time

    import psutil

    from ivp_analysis.verify import verify

    # as after a Dask cluster ran in this process: its mark must not keep the workers off the
    # shared template (they take the batch's environment over, without it)
    monkeypatch.setenv("__DASK_PARENT_PID", "1")
    markers = tmp_path / "markers"
    markers.mkdir()
    common = {**MOMENT, "pause": 3.0, "marker_dir": str(markers)}
    results = []
    batch = threading.Thread(
        target=lambda: results.extend(
            run_batch(
                ["GM1926", "GM0599"],
                common,
                tmp_path / "out",
                workers=2,
                notebooks_dir=FIXTURES / "pause",
                overview=False,
                progress=lambda m: None,
            )
        )
    )
    batch.start()
    # each kernel says it started, then pauses 3 s: look at its parent while it runs
    parents: dict[str, tuple[int, int, list[str]]] = {}  # marker -> template pid, its parent, argv
    deadline = time.monotonic() + 120
    while len(parents) < 2 and time.monotonic() < deadline and batch.is_alive():
        for m in markers.glob("*.started"):
            if m.name not in parents and m.read_text():
                t = psutil.Process(int(m.read_text())).parent()
                parents[m.name] = (t.pid, t.ppid(), t.cmdline())
        time.sleep(0.05)
    batch.join(timeout=120)
    assert not batch.is_alive()
    assert [(r.municipality, r.status) for r in results] == [
        ("GM1926", "done"),
        ("GM0599", "done"),
    ], [r.detail for r in results]
    assert len(parents) == 2
    (template, started_by, cmdline), *others = parents.values()
    assert all(o[0] == template for o in others)  # both workers' kernels: one template
    assert started_by == os.getpid()  # started by the batch, not by a worker
    assert any(a.startswith("--listen=") for a in cmdline)
    assert not psutil.pid_exists(template) or psutil.Process(template).ppid() != os.getpid()
    for r in results:
        outcome = verify(Path(r.folder), progress=lambda m: None)
        assert outcome.ok, outcome.problems
