"""ivp batch on a Dask cluster: a real LocalCluster, one of its workers killed mid-report.

The cluster is the one ``--scheduler local`` starts; the batch is submitted to its scheduler by
address (as ``--scheduler tcp://...`` would); the fixture notebook (tests/fixtures/pipeline/pause) writes one result table, says
that its kernel started, waits, and writes a second table. The worker process running the
first report to start is killed (SIGKILL) in between: the scheduler gives the task to another
worker, and the published report must be complete and pass ``ivp verify``.
"""

import os
import re
import threading
import time
from pathlib import Path

import psutil
import pytest

from ivp_analysis.batch import run_batch
from ivp_analysis.cluster import TOPIC
from ivp_analysis.verify import verify

pytest.importorskip("distributed")
FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
MOMENT = "tussenevaluatie-2024"


def _wait_for(find, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"nothing found in {timeout} s")


def test_a_worker_killed_mid_report_is_retried_and_the_report_verifies(tmp_path):
    from ivp_analysis.cluster import connect

    markers = tmp_path / "markers"
    markers.mkdir()
    out = tmp_path / "out"
    common = {"moment": MOMENT, "pause": 4.0, "marker_dir": str(markers)}
    results, lines = [], []
    # the cluster of --scheduler local: its workers share one warm-kernel template
    with connect("local", 2, notebooks_dir=FIXTURES / "pause") as client:
        workers = set(client.run(os.getpid).values())
        batch = threading.Thread(
            target=lambda: results.extend(
                run_batch(
                    ["GM1926", "GM0599"],
                    common,
                    out,
                    scheduler=client.scheduler.address,
                    notebooks_dir=FIXTURES / "pause",
                    progress=lines.append,
                )
            )
        )
        batch.start()
        first = _wait_for(lambda: sorted(markers.glob("*.started")), 180)[0]
        killed, kernel = first.name.split("-")[0], int(first.read_text())
        template = psutil.Process(kernel).parent()
        assert template.pid not in workers and "--listen" in " ".join(template.cmdline())
        started = [e for _, e in client.get_events(TOPIC) if e["municipality"] == killed]
        worker = psutil.Process(started[0]["pid"])
        assert worker.pid in workers
        staged = [p for p in (out / ".staging").glob(f"{killed}-*") if p.is_dir()]
        assert staged and (staged[0] / "results" / "before_pause.csv").is_file()
        assert not (staged[0] / "results" / "after_pause.csv").exists()  # mid-report
        worker.kill()
        batch.join(timeout=300)
        assert not batch.is_alive()
        # the lost worker's kernel ended with its connection to the shared template (psutil.
        # TimeoutExpired if it did not), while the template served the retry's kernels
        try:
            psutil.Process(kernel).wait(timeout=10)
        except psutil.NoSuchProcess:
            pass
        assert template.is_running()
    assert not template.is_running()  # the template ended with the cluster
    assert [(r.municipality, r.status) for r in results] == [("GM1926", "done"), ("GM0599", "done")]
    assert len(list(markers.glob(f"{killed}-*.started"))) == 2  # ran again after the loss
    report = out / killed / MOMENT
    for name in ("before_pause.csv", "after_pause.csv"):
        assert (report / "results" / name).is_file()
    assert not (out / ".staging").exists()  # the lost attempt's staging folder was removed
    # the workers said when each report started: a line counts one still running
    assert any(re.search(r"\| 1 done, 0 failed, 1 running, 0 waiting", line) for line in lines)
    outcome = verify(report, progress=lambda m: None)
    assert outcome.ok, outcome.problems
    assert outcome.tables_compared == 2 and outcome.html_compared
    assert (out / "index.html").is_file() and (out / "summary.csv").is_file()


def test_the_kernels_of_a_dask_worker_do_not_inherit_the_nannys_environment(monkeypatch):
    # A nanny starts its worker with MALLOC_TRIM_THRESHOLD_=65536 and OMP_NUM_THREADS=1 (Dask's
    # defaults); the worker's kernels must get the environment ivp report gives them. A value the
    # nanny did not set (OMP_NUM_THREADS=4 from the user's shell) stays.
    from ivp_analysis import cluster

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    cluster._without_dask_environ()
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ
    assert os.environ["OMP_NUM_THREADS"] == "4"


def test_local_cluster_workers_start_with_what_a_report_needs_imported():
    # --scheduler local forks its workers from one server that imported ivp_analysis.dask_worker
    # (papermill, nbclient, the report code; jsonschema without rfc3987_syntax), and turns off
    # what only Dask's dashboard shows. A worker that was spawned instead has none of it loaded.
    import sys

    from ivp_analysis.cluster import connect

    def facts():
        import dask

        rfc = sys.modules.get("rfc3987_syntax", "absent")
        return {
            "loaded": [
                m for m in ("ivp_analysis.report", "papermill", "nbclient") if m in sys.modules
            ],
            "rfc3987_syntax blocked": rfc is None,
            "parent": " ".join(psutil.Process().parent().cmdline()),
            "profile": dask.config.get("distributed.worker.profile.enabled"),
        }

    with connect("local", 2) as client:
        found = list(client.run(facts).values())
    assert len(found) == 2
    for f in found:
        assert f["loaded"] == ["ivp_analysis.report", "papermill", "nbclient"]
        assert f["rfc3987_syntax blocked"]
        assert "forkserver" in f["parent"]
        assert f["profile"] is False


def test_a_batch_on_a_local_cluster_builds_every_report(tmp_path):
    out = tmp_path / "out"
    lines = []
    results = run_batch(
        ["GM1926", "GM0599", "GM0088"],
        {"moment": MOMENT},
        out,
        scheduler="local",
        workers=2,
        notebooks_dir=FIXTURES / "ok",
        progress=lines.append,
    )
    assert [(r.municipality, r.status) for r in results] == [
        ("GM1926", "done"),
        ("GM0599", "done"),
        ("GM0088", "done"),
    ]
    assert any("Dask: 2 worker(s)" in line for line in lines)
    for r in results:
        outcome = verify(Path(r.folder), progress=lambda m: None)
        assert outcome.ok, outcome.problems


def _templates():
    """On a worker: its warm-kernel templates once started (None while starting), as
    (template pid, whether this worker started it)."""
    from ivp_analysis import warm

    pool = warm._WORKER_POOL
    if pool is None or pool.lock.locked():
        return None
    return sorted((t.pid, t.proc is not None) for t in pool.templates.values())


def test_local_cluster_workers_share_one_template_started_with_the_cluster(tmp_path):
    # connect("local") starts one template for the host (batch.shared_template) and the workers
    # attach to it as they start (dask_worker.dask_setup); the reports' kernels must come from
    # it (same interpreter, flags, environment, folder and imports), not from a second one
    from ivp_analysis import batch
    from ivp_analysis.cluster import connect, run_on_worker

    with connect("local", 2) as client:
        shared = [
            p
            for p in psutil.Process().children()
            if "ivp_analysis.kernel_template" in p.cmdline() and "--listen" in " ".join(p.cmdline())
        ]
        assert len(shared) == 1
        expected = [(shared[0].pid, False)]  # attached, not started by the worker
        started = _wait_for(lambda: all(client.run(_templates).values()), 120)
        assert started and list(client.run(_templates).values()) == [expected, expected]
        job = batch.Job({"municipality": "GM0088", "moment": MOMENT}, str(tmp_path / "out"))
        result = client.submit(run_on_worker, job, pure=False).result()
        assert result.status == "done", result.detail
        after = list(client.run(_templates).values())
        assert after == [expected, expected], after
        assert len(psutil.Process(shared[0].pid).children()) >= 1  # the spare kernel
    assert not shared[0].is_running()


def _cold_worker():
    from ivp_analysis import warm

    return warm._WORKER_POOL is None and "IVP_COLD_KERNELS" not in os.environ


def test_a_local_cluster_for_cold_kernels_starts_no_template():
    from ivp_analysis.cluster import connect

    with connect("local", 1, warm=False) as client:
        assert list(client.run(_cold_worker).values()) == [True]
        assert not [p for p in psutil.Process().children() if "--listen" in " ".join(p.cmdline())]


def test_the_documented_cluster_set_up_runs_a_batch(tmp_path):
    # docs/batch.md: `dask scheduler`, then `dask worker ... --nthreads 1 --preload
    # ivp_analysis.dask_worker` with the settings shown, then `ivp batch --scheduler tcp://...`
    import json
    import subprocess
    import sys

    import cloudpickle
    from distributed import Client

    # this worker cannot import the tests: send the functions it runs by value
    cloudpickle.register_pickle_by_value(sys.modules[_templates.__module__])
    bin_dir = Path(sys.executable).parent
    info = tmp_path / "scheduler.json"
    env = {
        **os.environ,
        "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
        "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s",
        "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL": "5s",
    }
    scheduler = subprocess.Popen(
        [bin_dir / "dask", "scheduler", "--port", "0", "--no-dashboard", "--scheduler-file", info],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        address = _wait_for(lambda: info.is_file() and json.loads(info.read_text())["address"], 60)
        worker = subprocess.Popen(
            [bin_dir / "dask", "worker", address, "--nworkers", "1", "--nthreads", "1"]
            + ["--no-dashboard", "--preload", "ivp_analysis.dask_worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=120)
            started = _wait_for(lambda: next(iter(client.run(_templates).values())), 120)
            assert len(started) == 1 and started[0][1]  # the preload started the worker's own
            assert (
                next(iter(client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_")).values()))
                is None
            )
        out = tmp_path / "out"
        results = run_batch(
            ["GM1926"],
            {"moment": MOMENT},
            out,
            scheduler=address,
            notebooks_dir=FIXTURES / "ok",
            progress=lambda m: None,
        )
        assert [(r.municipality, r.status) for r in results] == [("GM1926", "done")]
        assert verify(Path(results[0].folder), progress=lambda m: None).ok
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[_templates.__module__])
        for p in (worker, scheduler):
            if p is not None:
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
