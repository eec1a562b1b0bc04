"""warm: kernels forked from a template start as a cold kernel would, whatever ran before them.

Real papermill, real kernels, real forks: a notebook that changes every kind of process state
(tests/fixtures/pipeline/state) runs in a warm kernel, then a probe notebook records what its
own kernel sees; the record must equal that of a cold kernel.
"""

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import nbformat
import psutil
import pytest

from ivp_analysis import warm
from ivp_analysis.errors import ReportError
from ivp_analysis.execute import _engine, kernel_options
from ivp_analysis.report import KERNEL_ENV, _kernel_environment

pytestmark = pytest.mark.skipif(not warm.available(), reason="warm kernels need os.fork (Linux)")
FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
QUIET = "--IPKernelApp.log_level=CRITICAL"

PROBE = """
import gc, json, os, sys, warnings
import matplotlib as mpl
import numpy as np
import pandas as pd
from ivp_analysis import datasets

state = {
    "cwd": os.getcwd(),
    "env": {k: os.environ.get(k) for k in ("MPLBACKEND", "PYTHONHASHSEED", "IVP_NO_CACHE")},
    "parent_pid_set": "JPY_PARENT_PID" in os.environ,
    "argv": [sys.argv[0].rsplit("/", 1)[-1], *sys.argv[1:2]],
    "path0": sys.path[0] if sys.path else None,
    "cwd_on_path": "" in sys.path,
    "rc": {k: mpl.rcParams[k] for k in ("figure.dpi", "font.size", "backend")},
    "precision": pd.get_option("display.precision"),
    "warnings_are_errors": any(f[0] == "error" and f[2] is Warning for f in warnings.filters),
    "names": sorted(k for k in globals() if not k.startswith("_")),
    "execution_count": get_ipython().execution_count,
    "hash": hash("ivp-analysis"),
    "crime_total": float(datasets.get("municipal_crime")["value"].sum()),
    "random": float(np.random.random()),
    "gc": [gc.isenabled(), list(gc.get_threshold())],
    "frozen": gc.get_freeze_count(),
    "history": get_ipython().history_manager.enabled,
}
with open(out, "w") as f:
    json.dump(state, f)
"""


def _notebook(path: Path, source: str, parameters: str = "") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "ivp-analysis", "display_name": "x", "language": "python"}
    cells = []
    if parameters:
        cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    cells.append(nbformat.v4.new_code_cell(source))
    nb.cells = cells
    nbformat.write(nb, path)
    return path


def _run(nb: Path, executed: Path, **parameters) -> None:
    import papermill

    papermill.execute_notebook(
        str(nb),
        str(executed),
        parameters=parameters,
        kernel_name="ivp-analysis",
        progress_bar=False,
        cwd=str(nb.parent),
        engine_name=_engine(),
        **kernel_options(),
    )


@pytest.fixture(scope="module")
def pool():
    from ivp_analysis.params import notebook_paths

    p = warm.KernelPool(warm.preload_modules(notebook_paths()))
    yield p
    p.close()


def test_a_kernel_after_a_state_changing_notebook_starts_as_a_cold_one(tmp_path, pool):
    probe = _notebook(tmp_path / "probe.ipynb", PROBE, 'out: str = ""')
    changer = FIXTURES / "state" / "00_a_state.ipynb"
    with _kernel_environment():
        _run(probe, tmp_path / "cold.ipynb", out=str(tmp_path / "cold.json"))
        with warm.use(pool):
            for i in (1, 2):
                _run(changer, tmp_path / f"changed{i}.ipynb", results_dir=str(tmp_path))
                _run(probe, tmp_path / f"warm{i}.ipynb", out=str(tmp_path / f"warm{i}.json"))
    cold = json.loads((tmp_path / "cold.json").read_text())
    warm1 = json.loads((tmp_path / "warm1.json").read_text())
    warm2 = json.loads((tmp_path / "warm2.json").read_text())
    assert pool.launches == 4  # every notebook of the block ran in a forked kernel
    randoms = {cold.pop("random"), warm1.pop("random"), warm2.pop("random")}
    assert len(randoms) == 3  # every kernel seeds numpy afresh, as a new process does
    # the template's imports are frozen for the garbage collector (a cold kernel has none),
    # which collects as before: same thresholds, enabled
    assert cold.pop("frozen") == 0 and warm1.pop("frozen") > 10_000 and warm2.pop("frozen") > 0
    assert cold["gc"] == [True, [700, 10, 10]] and cold["history"] is False
    for name in ("cold", "warm1", "warm2"):  # no start-up message of a kernel became an output
        executed = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
        assert [c.outputs for c in executed.cells if c.cell_type == "code"] == [[], [], []]
    assert warm1 == cold and warm2 == cold
    assert cold["cwd"] == str(tmp_path)  # not "/", where the changer went
    assert cold["rc"]["figure.dpi"] != 11 and cold["precision"] != 1
    assert cold["env"]["IVP_NO_CACHE"] is None and not cold["warnings_are_errors"]
    assert cold["crime_total"] > 0  # the poisoned in-process cache did not reach the probe
    assert cold["env"]["PYTHONHASHSEED"] == KERNEL_ENV["PYTHONHASHSEED"]


def test_a_template_refuses_to_fork_after_an_import_that_started_a_thread(tmp_path):
    (tmp_path / "starts_a_thread.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
    )
    env = {**os.environ, **KERNEL_ENV}
    with pytest.raises(ReportError, match="an import started a thread"):
        warm.Template([sys.executable], env, str(tmp_path), ["json", "starts_a_thread"])


def test_kernels_end_with_their_template(tmp_path, pool):
    """A worker killed outright takes its template and the template's kernels with it."""
    env = {**os.environ, **KERNEL_ENV}
    template = warm.Template([sys.executable], env, str(tmp_path), ["json"])
    conn = tmp_path / "kernel.json"
    from jupyter_client.connect import write_connection_file

    write_connection_file(str(conn), key=b"test")
    pid = template.fork(["-f", str(conn), QUIET], env, str(tmp_path))
    kernel = psutil.Process(pid)
    assert kernel.ppid() == template.proc.pid and os.getpgid(pid) == pid  # own session
    template.proc.send_signal(signal.SIGKILL)
    template.proc.wait()
    _wait_ended(pid)  # psutil.TimeoutExpired if the kernel outlived its template
    template.close()


def test_a_launch_with_another_environment_gets_its_own_template(tmp_path):
    from jupyter_client.connect import write_connection_file

    def cmd(i: int) -> list[str]:
        conn = tmp_path / f"k{i}.json"
        write_connection_file(str(conn), key=b"test")
        return [sys.executable, "-m", "ipykernel_launcher", "-f", str(conn), QUIET]

    p = warm.KernelPool(["json"], spares=False)
    env = {**os.environ, **KERNEL_ENV}
    # Differ from the environment as it is (a Dask test earlier in the run may have set it to 1).
    other = "3" if env.get("OMP_NUM_THREADS") == "1" else "1"
    try:
        pids = [
            p.launch(cmd(0), env, str(tmp_path)),
            p.launch(cmd(1), {**env, "JPY_PARENT_PID": "1"}, str(tmp_path)),  # per launch: same
            p.launch(cmd(2), {**env, "OMP_NUM_THREADS": other}, str(tmp_path)),  # read at import
        ]
        assert len(p.templates) == 2 and p.launches == 3
        assert p.launch([sys.executable, "-m", "another_kernel"], env, str(tmp_path)) is None
    finally:
        p.close()  # ends the templates, and their kernels with them
    for launched in pids:
        assert launched is not None
        _wait_ended(launched.pid)


def _wait_ended(pid: int) -> None:
    """Return once ``pid`` has ended; psutil.TimeoutExpired when it runs on after 10 s."""
    try:
        psutil.Process(pid).wait(timeout=10)
    except psutil.NoSuchProcess:
        pass


def _kernel_args(folder: Path, name: str) -> list[str]:
    from jupyter_client.connect import write_connection_file

    conn = folder / f"{name}.json"
    write_connection_file(str(conn), key=b"test")
    return ["-f", str(conn), QUIET]


def _socket_folder() -> Path:
    """A folder whose paths fit a Unix socket (pytest's tmp_path may be too long)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix="ivp-test-", dir="/tmp"))


def test_a_shared_template_kills_only_the_kernels_of_a_connection_that_closes(tmp_path):
    # the workers of a LocalCluster attach to one template; a worker lost mid-report closes its
    # connection, and its kernels (not the other worker's) must end with it
    env = {**os.environ, **KERNEL_ENV}
    folder = _socket_folder()
    shared = warm.Template([sys.executable], env, str(tmp_path), ["json"], listen=folder)
    try:
        assert shared.socket is not None and shared.socket.parent == folder
        assert shared.socket == warm.shared_socket(folder, shared.key, ["json"])
        a = warm.Template.attach(shared.socket, shared.key)
        b = warm.Template.attach(shared.socket, shared.key)
        assert a.pid == b.pid == shared.proc.pid
        kernel_a = a.fork(_kernel_args(tmp_path, "a"), env, str(tmp_path))
        kernel_b = b.fork(_kernel_args(tmp_path, "b"), env, str(tmp_path))
        assert {psutil.Process(k).ppid() for k in (kernel_a, kernel_b)} == {shared.proc.pid}
        a.close()
        _wait_ended(kernel_a)
        assert psutil.Process(kernel_b).status() != psutil.STATUS_ZOMBIE  # b's kernel runs on
        assert b.alive() and shared.alive()
    finally:
        shared.close()  # the starter's pipe closes: the template ends, and every kernel
    _wait_ended(kernel_b)
    assert not b.alive()  # a worker sees that its shared template is gone ...
    with pytest.raises(ReportError, match="template ended"):
        b.fork(_kernel_args(tmp_path, "c"), env, str(tmp_path))
    b.close()
    assert not list(folder.iterdir())  # ... and the socket is removed
    folder.rmdir()


def test_a_socket_path_too_long_is_refused_before_a_template_starts(tmp_path):
    long = tmp_path / ("x" * 100)
    with pytest.raises(ReportError, match="too long"):
        warm.Template([sys.executable], dict(os.environ), str(tmp_path), ["json"], listen=long)


def test_a_worker_uses_the_shared_template_only_for_launches_with_its_key(tmp_path, monkeypatch):
    env = {**os.environ, **KERNEL_ENV}
    folder = _socket_folder()
    shared = warm.Template([sys.executable], env, str(tmp_path), ["json"], listen=folder)
    monkeypatch.setenv(warm.SHARED_ENV, str(folder))
    assert warm.share_from_environ() == folder
    assert warm.SHARED_ENV not in os.environ  # the kernels never see it
    p = warm.KernelPool(["json"], spares=False)

    def cmd(name: str) -> list[str]:
        return [sys.executable, "-m", "ipykernel_launcher", *_kernel_args(tmp_path, name)]

    try:
        same = p.launch(cmd("same"), env, str(tmp_path))
        other = p.launch(cmd("other"), {**env, "IVP_TEST_READ_AT_IMPORT": "1"}, str(tmp_path))
        assert same is not None and other is not None
        assert psutil.Process(same.pid).ppid() == shared.proc.pid
        assert psutil.Process(other.pid).ppid() != shared.proc.pid  # a template of its own
        assert sorted(t.proc is None for t in p.templates.values()) == [False, True]
    finally:
        monkeypatch.delenv(warm.SHARED_ENV, raising=False)
        warm.share_from_environ()
        p.close()
        shared.close()
        folder.rmdir()
    _wait_ended(same.pid)
    _wait_ended(other.pid)


def test_a_template_whose_worker_ended_before_it_was_ready_exits_quietly(tmp_path):
    # a batch whose reports were all up to date closes its workers while their templates
    # still import: the template must end without a traceback on the batch's terminal
    import subprocess

    req_r, req_w = os.pipe()
    rep_r, rep_w = os.pipe()
    os.close(rep_r)  # the worker is gone before the template starts: nobody reads its answer
    os.close(req_w)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ivp_analysis.kernel_template", str(req_r), str(rep_w), "json"],
        pass_fds=(req_r, rep_w),
        stderr=subprocess.PIPE,
    )
    os.close(req_r)
    os.close(rep_w)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert err.decode() == ""


DETACHED_TEMPLATE = """
import os, sys, time
from pathlib import Path
from ivp_analysis import warm
folder, cwd, ready = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
if os.fork():
    os._exit(0)  # the child is no descendant of the test process any more
os.setsid()
template = warm.Template([sys.executable], dict(os.environ), cwd, ["json"], listen=folder)
ready.write_text(str(os.getpid()))
while (folder / "keep").exists():
    time.sleep(0.05)
template.close()
"""


def test_a_stopped_report_kills_the_kernels_a_shared_template_forked_for_it(tmp_path):
    # staging.kill_kernels stops a report's kernels when the run is stopped; a shared template's
    # kernels are the batch's grandchildren, not the worker's descendants, so the worker kills
    # the ones it was handed. The template here is started by a detached process, as by a batch.
    import subprocess
    import time

    from ivp_analysis import staging

    env = {**os.environ, **KERNEL_ENV}
    folder, ready = _socket_folder(), tmp_path / "ready"
    (folder / "keep").write_text("")
    subprocess.run(
        [sys.executable, "-c", DETACHED_TEMPLATE, str(folder), str(tmp_path), str(ready)],
        env=env,
        check=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    starter = psutil.Process(int(ready.read_text()))
    assert os.getpid() not in {p.pid for p in starter.parents()}
    warm.use_shared(folder)
    p = warm.KernelPool(["json"], spares=False)
    cmd = [sys.executable, "-m", "ipykernel_launcher"]
    try:
        before = p.launch([*cmd, *_kernel_args(tmp_path, "before")], env, str(tmp_path))
        time.sleep(1.1)  # a kernel handed out to an earlier report is left alone
        since = time.time()
        ours = p.launch([*cmd, *_kernel_args(tmp_path, "ours")], env, str(tmp_path))
        assert before is not None and ours is not None
        assert psutil.Process(ours.pid).parent().parent() == starter  # not our descendant
        with warm.use(p):  # as while a report runs
            assert staging.kill_kernels(since) == 1
        _wait_ended(ours.pid)
        assert psutil.Process(before.pid).status() != psutil.STATUS_ZOMBIE
    finally:
        warm.use_shared(None)
        p.close()
        (folder / "keep").unlink()
    starter.wait(timeout=30)
    _wait_ended(before.pid)
    shutil.rmtree(folder, ignore_errors=True)
