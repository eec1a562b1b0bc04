"""Run a report's notebooks with papermill: one at a time or side by side, in cold or warm kernels.

Each notebook runs into the report's staging folder with its parameters injected and a time
limit per cell; progress lines come in notebook order; a failed notebook's executed copy is kept
in the run's own ``.failed/`` folder and named in the error. When a warm pool is active
(:func:`ivp_analysis.warm.use`, in batches) every kernel is forked from the pool's template
instead of started afresh; the notebooks and their outputs are the same.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from ivp_analysis.errors import ReportError

#: Arguments of every report kernel (cold or warm).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]
#: Seconds between saves of a running notebook (papermill's own engine saves around every cell).
SAVE_EVERY = 10.0


def skip_iri_format_checks() -> None:
    """Keep ``jsonschema`` from importing ``rfc3987_syntax`` in this process (0.7 s per process).

    nbformat validates notebooks with ``jsonschema``, which imports ``rfc3987_syntax`` when it
    is installed (JupyterLab's server wants it) to check the ``iri`` string format, compiling a
    grammar as it is imported. The notebook schema has no such format, and nbformat checks no
    formats, so nothing in a report run needs it. Called by the ``ivp`` command, by a Dask
    worker's task before the first import of nbformat and by importing
    :mod:`ivp_analysis.dask_worker` (the module a Dask worker preloads); never by another
    library import, so a researcher's own process keeps the full ``jsonschema``. Without
    effect once imported.

    Examples
    --------
    >>> import subprocess, sys
    >>> code = ("from ivp_analysis.execute import skip_iri_format_checks as s; s(); "
    ...         "import nbformat, jsonschema._format as f, sys; "
    ...         "print('rfc3987_syntax' in sys.modules and sys.modules['rfc3987_syntax'] is not None,"
    ...         " 'iri' in f.draft7_format_checker.checkers)")
    >>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split()
    ['False', 'False']
    """
    import sys

    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@cache
def _engine() -> str:
    """Register and name papermill's nbclient engine with fewer saves of the running notebook.

    Papermill writes the whole output notebook (figures included) before and after every cell:
    about 40 writes of up to 2 MB per notebook, a second of a report's time. This engine saves
    at most every ``SAVE_EVERY`` seconds while the notebook runs, and always at the end, also
    when a cell fails, times out or the kernel dies, so a failed notebook is kept as before.
    """
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class Manager(NotebookExecutionManager):
        def save(self, **kwargs):
            finished = self.end_time is not None
            if finished or (self.now() - self.last_save_time).total_seconds() >= SAVE_EVERY:
                super().save(**kwargs)

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(
            cls,
            nb,
            kernel_name,
            output_path=None,
            progress_bar=True,
            log_output=False,
            autosave_cell_every=30,
            **kwargs,
        ):
            nb_man = Manager(
                nb,
                output_path=output_path,
                progress_bar=progress_bar,
                log_output=log_output,
                autosave_cell_every=autosave_cell_every,
            )
            nb_man.notebook_start()
            try:
                cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
            finally:
                nb_man.cleanup_pbar()
                nb_man.notebook_complete()
            return nb_man.nb

    papermill_engines.register("ivp", Engine)
    return "ivp"


class OrderedProgress:
    """Pass "[i/n] notebook: done" lines on in notebook order, also when notebooks run in parallel.

    A notebook that finishes before an earlier one waits until that one is reported.

    Examples
    --------
    >>> lines = []
    >>> p = OrderedProgress(["00_a", "01_b"], lines.append)
    >>> p.done(1, "done in 2.0 s")
    >>> lines
    []
    >>> p.done(0, "done in 3.0 s")
    >>> lines
    ['[1/2] 00_a: done in 3.0 s', '[2/2] 01_b: done in 2.0 s']
    """

    def __init__(self, names: list[str], progress: Callable[[str], None]) -> None:
        self.names = names
        self.progress = progress
        self.lines: dict[int, str] = {}
        self.next = 0
        self.lock = threading.Lock()

    def done(self, k: int, what: str) -> None:
        """Record that notebook ``k`` (0-based) ended; report it and every waiting successor."""
        n = len(self.names)
        with self.lock:
            self.lines[k] = f"[{k + 1}/{n}] {self.names[k]}: {what}"
            while self.next in self.lines:
                self.progress(self.lines.pop(self.next))
                self.next += 1


def execute_all(
    notebooks, params, specs, stage, failed_dir, kernel, cell_timeout, jobs, progress
) -> None:
    """Run every notebook with papermill, ``jobs`` at a time; raise for the first that failed.

    The notebooks are independent (each reads the shipped data and writes its own result tables),
    so they can run in parallel kernels; the report is assembled in notebook order afterwards.
    """
    n = len(notebooks)
    ordered = OrderedProgress([nb.stem for nb in notebooks], progress)
    seconds: dict[str, float] = {}

    def run(k: int) -> str | None:
        nb = notebooks[k]
        t = time.perf_counter()
        error = _run_one(nb, params, specs, stage, failed_dir, kernel, cell_timeout)
        took = time.perf_counter() - t
        ordered.done(k, f"failed after {took:.1f} s" if error else f"done in {took:.1f} s")
        if not error:
            seconds[str(nb.resolve())] = took
        return error

    # longest first (as long as the last run took), so no kernel is left running alone at the end
    order = longest_first([str(nb.resolve()) for nb in notebooks], _remembered_durations())
    progress(f"running {n} notebooks, {min(jobs, n)} at a time")
    errors: list[str | None] = [None] * n
    if jobs <= 1:
        for k in range(n):
            errors[k] = run(k)
            if errors[k]:
                break
    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=jobs)
        try:
            futures = {k: pool.submit(run, k) for k in order}
            for k, fut in futures.items():
                errors[k] = fut.result()
        finally:
            # on a signal the kernels are killed by the caller; do not start waiting notebooks
            pool.shutdown(wait=False, cancel_futures=True)
    failed = [e for e in errors if e]
    if failed:
        raise ReportError(failed[0] + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""))
    _remember_durations(seconds)


def _run_one(nb, params, specs, stage, failed_dir, kernel, cell_timeout) -> str | None:
    """Execute one notebook into the staging folder; return an error message or ``None``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    inject = {k: v for k, v in params.items() if k in specs and nb.name in specs[k].notebooks}
    if "results_dir" in specs and nb.name in specs["results_dir"].notebooks:
        inject["results_dir"] = str((stage / "results").resolve())
    target = stage / "notebooks" / nb.name
    try:
        papermill.execute_notebook(
            str(nb),
            str(target),
            parameters=inject,
            kernel_name=kernel,
            progress_bar=False,
            log_output=False,
            execution_timeout=cell_timeout,
            cwd=str(nb.parent),
            report_mode=False,
            engine_name=_engine(),
            **kernel_options(),
        )
    except PapermillExecutionError as exc:
        where = ""
        if target.exists():  # not after a stop: the staging folder is gone then
            where = f"; the executed notebook is kept at {_keep_failed(failed_dir, target)}"
        return (
            f"notebook {nb.name} failed in cell {exc.exec_count}: {exc.ename}: "
            f"{_first_line(exc.evalue)}{where}"
        )
    except Exception as exc:  # kernel death, timeout, ...
        where = ""
        if target.exists():
            where = f"; the executed notebook is kept at {_keep_failed(failed_dir, target)}"
        return f"notebook {nb.name} failed: {type(exc).__name__}: {_first_line(str(exc))}{where}"
    return None


def settle_kernels() -> None:
    """Wait until the warm kernels of this report have ended: no kernel outlives its report."""
    from ivp_analysis import warm

    pool = warm.active_pool()
    if pool is not None:
        pool.settle()


def kernel_options() -> dict:
    """Return the papermill options: the kernel manager (forking from a warm template, if active).

    Either manager hands out :class:`ivp_analysis.kernel_client.QuickReadyClient`. The kernels
    keep no input history: nbclient already points it at an in-memory database, which a
    thread of every kernel still filled after each cell.
    """
    from ivp_analysis import warm

    if warm.active_pool() is None:
        from ivp_analysis.kernel_client import QuickReadyKernelManager

        manager: type = QuickReadyKernelManager
    else:
        manager = warm.kernel_manager_class()
    return {"kernel_manager_class": manager, "extra_arguments": KERNEL_ARGUMENTS}


def longest_first(names: list[str], seconds: dict[str, float]) -> list[int]:
    """Return the positions of ``names`` in the order to start them: longest expected run first.

    Notebooks without a remembered duration keep their place after those with one.

    Examples
    --------
    >>> longest_first(["00_a", "01_b", "02_c", "03_d"], {"01_b": 3.6, "02_c": 3.4, "00_a": 2.3})
    [1, 2, 0, 3]
    >>> longest_first(["00_a", "01_b"], {})
    [0, 1]
    """
    return sorted(
        range(len(names)), key=lambda k: (names[k] not in seconds, -seconds.get(names[k], 0))
    )


def _durations_file() -> Path:
    from ivp_analysis import cache

    return cache.cache_dir() / "notebook-seconds.json"


def _remembered_durations() -> dict[str, float]:
    """Seconds each notebook (by full path) took in its last run; only used to order the next."""
    import json

    from ivp_analysis import cache

    if not cache.enabled():
        return {}
    try:
        data = json.loads(_durations_file().read_text(encoding="utf-8"))
        return {str(k): float(v) for k, v in data.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}  # absent or damaged: notebook order


def _remember_durations(seconds: dict[str, float]) -> None:
    import json

    from ivp_analysis import cache

    if cache.enabled() and seconds:
        merged = {**_remembered_durations(), **seconds}
        cache.write_atomic(_durations_file(), json.dumps(merged, sort_keys=True).encode())


def _first_line(text: str) -> str:
    text = str(text).strip()
    return text.splitlines()[0] if text else ""


def _keep_failed(failed_dir: Path, executed: Path) -> Path:
    """Copy a failed run's executed notebook into the run's own folder under ``.failed/``."""
    dest = failed_dir / executed.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, dest)
    return dest
