"""Clean after any stop: a real report process stopped by a real signal, and stale staging folders.

The report runs the fixture notebook tests/fixtures/pipeline/slow/01_slow.ipynb, which writes a
result table into the staging folder, writes its kernel's process id to a marker file and then
sleeps: the signal arrives while the kernel is busy, as it would in a long report.
"""

import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from ivp_analysis import report, staging

FIXTURES = Path(__file__).parent / "fixtures" / "pipeline"
QUIET = lambda msg: None  # noqa: E731

SCRIPT = """
import sys
from pathlib import Path
from ivp_analysis import report
from ivp_analysis.errors import RunInterrupted

try:
    report.run_report({"municipality": "GM1926", "marker": sys.argv[2]}, Path(sys.argv[1]),
                      notebooks_dir=Path(sys.argv[3]), progress=lambda m: None)
except RunInterrupted as exc:
    sys.exit(exc.exit_code)
"""


def _wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_removes_the_staging_folder_and_stops_the_kernel(tmp_path, signum):
    out, marker = tmp_path / "out", tmp_path / "kernel.pid"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(out), str(marker), str(FIXTURES / "slow")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(marker.exists, 120), "the notebook never started"
        kernel = int(marker.read_text())
        (table,) = (out / ".staging").glob("*/results/slow_table.csv")  # the run is staging
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signum, stderr
    assert not (out / ".staging").exists()
    assert not (out / "GM1926").exists()  # nothing was published
    assert not (out / ".failed").exists()  # a stop is not a failure of the notebook
    assert _wait_for(lambda: not psutil.pid_exists(kernel), 15), "the kernel still runs"


def _stage(root: Path, name: str, owner: dict | None) -> Path:
    folder = root / staging.STAGING / name
    (folder / "results").mkdir(parents=True)
    (folder / "results" / "left.csv").write_text("a\n1\n")
    if owner is not None:
        (root / staging.STAGING / f"{name}{staging.OWNER_SUFFIX}").write_text(json.dumps(owner))
    return folder


def test_a_later_run_removes_only_staging_folders_of_runs_that_are_gone(tmp_path):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(gone.stdout)  # that process has ended
    host = platform.node()
    dead = _stage(tmp_path, "GM1926-x-dead", {"pid": dead_pid, "host": host})
    alive = _stage(tmp_path, "GM1926-x-alive", {"pid": os.getpid(), "host": host})
    elsewhere = _stage(tmp_path, "GM1926-x-elsewhere", {"pid": dead_pid, "host": host + "-other"})
    damaged = _stage(tmp_path, "GM1926-x-damaged", None)
    (tmp_path / staging.STAGING / f"GM1926-x-damaged{staging.OWNER_SUFFIX}").write_text("{")
    orphan = _stage(tmp_path, "GM1926-x-orphan", None)  # no record: only removed when old
    lines: list[str] = []
    report.run_report(
        {"municipality": "GM1926"}, tmp_path, notebooks_dir=FIXTURES / "ok", progress=lines.append
    )
    assert not dead.exists() and not damaged.exists()
    assert alive.exists() and elsewhere.exists() and orphan.exists()
    assert not (tmp_path / staging.STAGING / f"GM1926-x-dead{staging.OWNER_SUFFIX}").exists()
    assert any("no longer alive" in m and "GM1926-x-dead" in m for m in lines)
    old = time.time() - staging.ORPHAN_SECONDS - 60
    os.utime(orphan, (old, old))
    assert staging.clean_stale(tmp_path) == [orphan]


CLEANER = """
import sys, time
from pathlib import Path
from ivp_analysis import staging
root, stop = Path(sys.argv[1]), Path(sys.argv[2])
while not stop.exists():
    staging.clean_stale(root)
"""


def test_a_run_starting_while_another_cleans_up_keeps_its_staging_folder(tmp_path):
    # two workers of a batch start reports at the same moment: one's clean_stale must never
    # take the other's fresh folder for a damaged one (its owner record was half-written)
    stop = tmp_path / "stop"
    cleaner = subprocess.Popen([sys.executable, "-c", CLEANER, str(tmp_path), str(stop)])
    lost = 0
    try:
        for i in range(4000):
            folder = staging.create(tmp_path, f"GM1926-x-{i}")
            (folder / "results").mkdir(exist_ok=True)  # FileNotFoundError once it is removed
            lost += not folder.exists()
            staging.remove(folder)
    except FileNotFoundError:
        lost += 1
    finally:
        stop.write_text("")
        cleaner.wait(timeout=60)
    assert lost == 0
