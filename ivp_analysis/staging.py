"""Staging folders of report runs: created with an owner record, removed after any stop.

A run builds its report in ``<out>/.staging/<run>/`` and moves it into place only when every
step succeeded. Next to that folder lies ``<run>.owner.json`` with the process id, host and start
time of the run. So:

* a run stopped by SIGTERM or SIGINT removes its own folder (:func:`stop_on_signals` turns both
  signals into :class:`~ivp_analysis.errors.RunInterrupted`; the run's ``finally`` cleans up),
  after stopping its notebook kernels (:func:`kill_kernels`);
* a run killed outright (SIGKILL, power loss) leaves its folder behind, and the next run into the
  same root removes it (:func:`clean_stale`): its process is no longer alive on this host.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ivp_analysis.errors import RunInterrupted

STAGING = ".staging"
FAILED = ".failed"
OWNER_SUFFIX = ".owner.json"
#: A staging folder without an owner record (made by an older version) is stale after this long.
ORPHAN_SECONDS = 24 * 3600


def run_id(now: datetime | None = None) -> str:
    """Return a name for one run: UTC start time and a random suffix, sortable by time.

    Examples
    --------
    >>> run_id(datetime(2026, 12, 1, 2, 3, 4, tzinfo=UTC))[:16]
    '20261201T020304-'
    """
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def create(out_root: Path, name: str) -> Path:
    """Create ``<out_root>/.staging/<name>/`` with its owner record; return the folder."""
    folder = Path(out_root) / STAGING / name
    for attempt in range(100):
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir()
            break
        except FileNotFoundError:  # another run removed the empty .staging meanwhile
            if attempt == 99:
                raise
    owner = {
        "pid": os.getpid(),
        "host": platform.node(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    # written whole or not at all: another run's clean_stale may read it at any moment, and an
    # empty or half-written record reads as damaged, which would make it remove this folder
    record = _owner_file(folder)
    part = record.with_name(f"{record.name}.{os.getpid()}.part")
    part.write_text(json.dumps(owner) + "\n", encoding="utf-8")
    os.replace(part, record)
    return folder


def remove(folder: Path) -> None:
    """Remove a staging folder and its owner record; remove ``.staging`` itself when empty."""
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    _owner_file(folder).unlink(missing_ok=True)
    try:
        folder.parent.rmdir()
    except OSError:
        pass  # other runs are still staging here


def _owner_file(folder: Path) -> Path:
    return folder.with_name(folder.name + OWNER_SUFFIX)


def process_alive(pid: int) -> bool:
    """Return whether a process with this id runs on this machine.

    Examples
    --------
    >>> process_alive(os.getpid())
    True
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


def is_stale(folder: Path, now: float | None = None) -> bool:
    """Return whether a staging folder belongs to a run that is no longer alive.

    A folder of a run on another host is never stale here (its process cannot be checked);
    one without an owner record is stale once it is older than :data:`ORPHAN_SECONDS`.
    """
    owner_path = _owner_file(folder)
    try:
        owner = json.loads(owner_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        age = (now or time.time()) - folder.stat().st_mtime
        return age > ORPHAN_SECONDS
    except ValueError:
        return True  # a damaged record: the run that wrote it did not finish cleanly
    if owner.get("host") != platform.node():
        return False
    return not process_alive(int(owner.get("pid", -1)))


def clean_stale(out_root: Path, progress: Callable[[str], None] = lambda m: None) -> list[Path]:
    """Remove the staging folders under ``out_root`` whose runs are no longer alive."""
    root = Path(out_root) / STAGING
    if not root.is_dir():
        return []
    removed = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if is_stale(folder):
            progress(f"removing {folder}: left by a run that is no longer alive")
            remove(folder)
            removed.append(folder)
    for record in root.glob(f"*{OWNER_SUFFIX}"):  # records whose folder is gone
        if not record.with_name(record.name[: -len(OWNER_SUFFIX)]).exists():
            record.unlink(missing_ok=True)
    try:
        root.rmdir()
    except OSError:
        pass
    return removed


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGINT into :class:`RunInterrupted` while the block runs.

    Signal handlers can only be set in the main thread; elsewhere (a report run from a worker
    thread) the block runs unchanged and the caller's own handling applies.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise RunInterrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def kill_kernels(since: float) -> int:
    """Kill the Jupyter kernels this process started at or after ``since`` (a ``time.time()``).

    Kernels run in their own session (jupyter_client starts them so, and so do the warm
    templates of :mod:`ivp_analysis.warm`, whose kernels are this process's grandchildren), so
    a signal to the report process does not reach them; without this they would keep running
    and writing result tables into the staging folder. A warm template started before
    ``since`` is left alone. The kernels of a template shared by a batch's workers are children
    of that template: the ones this process was handed are killed by their process ids
    (:func:`ivp_analysis.warm.kill_handed_out`). Returns the number of kernels killed.
    """
    import psutil  # a dependency of ipykernel

    killed: set[int] = set()
    for child in psutil.Process().children(recursive=True):
        try:
            if child.create_time() < since - 1 or not any(
                "ipykernel" in part or "ivp_analysis.kernel_template" in part
                for part in child.cmdline()
            ):
                continue
            for p in [*child.children(recursive=True), child]:
                p.kill()
            killed.add(child.pid)
        except psutil.Error:
            continue  # it ended meanwhile
    from ivp_analysis import warm  # a shared template's kernels are not this process's children

    return len(killed | warm.kill_handed_out(since))
