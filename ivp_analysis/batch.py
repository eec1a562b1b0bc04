"""``ivp batch``: reports for many municipalities, in local worker processes or on a Dask cluster.

One line per finished report with the counts done / failed / running / waiting; a failing
municipality does not stop the others; a summary table at the end; then the regional overview
(``index.html`` and ``summary.csv`` at the root of ``--out``, :mod:`ivp_analysis.regional`).

Where the reports run:

* **local worker processes** (the default, no Dask needed): ``workers`` processes, each building
  one report at a time with *warm kernels* (:mod:`ivp_analysis.warm`: every notebook in a new
  process forked from a template that has the libraries imported), or with cold kernels, as
  ``ivp report`` does, when ``warm`` is false;
* **a Dask cluster** (``scheduler``, :mod:`ivp_analysis.cluster`): one task per report on an
  existing cluster (``tcp://host:8786``) or on a ``LocalCluster`` of ``workers`` processes.

Every report is built by :func:`build_one`, wherever it runs, and published atomically into
``<out>/<municipality>/<moment>/`` (see :mod:`ivp_analysis.report`). A report is skipped (unless
``force`` is set) only when its folder is complete and unchanged: its manifest matches the
parameters, inputs, source notebooks and code, and every report file it lists (``index.html``,
``parameters.yaml``, executed notebooks, result tables, ``report.pdf`` when a PDF is asked for)
still has its SHA-256. Anything else is rebuilt, and the line says why.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from ivp_analysis import manifest, paths, warm
from ivp_analysis._version import __version__
from ivp_analysis.errors import IvpError

DONE, FAILED, SKIPPED = "done", "failed", "skipped"


@dataclass
class BatchResult:
    """Outcome of one report in a batch."""

    municipality: str
    status: str  # done, failed, skipped
    seconds: float
    detail: str  # output folder, or the reason
    folder: str = ""  # the report folder (done or skipped)
    #: The report's fields of the regional overview, read where the report was built (in
    #: parallel, instead of one after the other at the end); ``None``: read them from ``folder``.
    row: dict | None = None


@dataclass(frozen=True)
class Job:
    """One report of a batch: what :func:`build_one` needs, wherever it runs (picklable)."""

    given: dict
    out_root: str
    force: bool = False
    notebooks_dir: str | None = None
    pdf: bool = False
    warm: bool = True

    @property
    def municipality(self) -> str:
        return str(self.given.get("municipality"))


def out_of_date(report: Path, params: dict, *, pdf: bool = False) -> str | None:
    """Return why ``report`` must be rebuilt for these parameters, or ``None`` when it need not.

    Compares the parameters, the SHA-256 of every input file and source notebook, and the
    package version and source hash with the report's manifest, and checks every report file
    it lists (:func:`ivp_analysis.verify.check_report_files`).
    """
    from ivp_analysis.errors import VerificationError
    from ivp_analysis.verify import check_inputs, check_report_files, read_manifest

    if not (report / "manifest.json").exists():
        return "no report yet" if not report.exists() else "no manifest.json"
    try:
        man = read_manifest(report)
    except VerificationError:
        return "manifest.json unreadable"
    rep = man["reproducible"]
    if rep.get("parameters") != dict(sorted(params.items())):
        return "other parameters"
    package = rep.get("package", {})
    if (
        package.get("version") != __version__
        or package.get("code_sha256") != manifest.code_sha256()
    ):
        return "the package source changed"
    changed = check_inputs(man)[2]
    if changed:
        return changed[0]
    if "report_files" not in man:
        return "made by an older version (no report files in the manifest)"
    problems = check_report_files(report, man)[1]
    if problems:
        return problems[0]
    if pdf and not (report / "report.pdf").is_file():
        return "report.pdf missing"
    return None


def build_one(job: Job) -> BatchResult:
    """Build (or skip) one report of a batch; never raises for a municipality's own failure."""
    from ivp_analysis.report import prepare, report_dir, run_report

    t = time.perf_counter()
    code = job.municipality
    try:
        nb_dir = Path(job.notebooks_dir) if job.notebooks_dir else None
        params, notebooks, _ = prepare(job.given, nb_dir)
        target = report_dir(Path(job.out_root), params)
        why = "forced" if job.force else out_of_date(target, params, pdf=job.pdf)
        if why is None:
            return BatchResult(
                code,
                SKIPPED,
                time.perf_counter() - t,
                f"up to date: {target}",
                str(target),
                _overview_row(target, code),
            )
        notes: list[str] = []
        with _kernels(job.warm, notebooks):
            # the workers already share the cores: one notebook at a time within each report
            final = run_report(
                job.given,
                Path(job.out_root),
                notebooks_dir=nb_dir,
                jobs=1,
                pdf=job.pdf,
                progress=lambda m: notes.append(m) if m.startswith("warning:") else None,
            )
        detail = f"{final} (rebuilt: {why})" if why != "no report yet" else str(final)
        if notes:
            detail += "; " + "; ".join(notes)
        row = _overview_row(Path(final), code)
        return BatchResult(code, DONE, time.perf_counter() - t, detail, str(final), row)
    except IvpError as exc:
        return BatchResult(code, FAILED, time.perf_counter() - t, str(exc))
    except Exception as exc:  # one municipality's crash must not stop the batch
        return BatchResult(code, FAILED, time.perf_counter() - t, f"{type(exc).__name__}: {exc}")


def _start_worker(batch_pid: int, shared: str | None = None) -> None:
    """Set up a local worker process: it ends with the batch, and its kernels come from ``shared``.

    ``shared``: the folder of the template the batch started for its workers
    (:func:`shared_template`); the worker takes over the environment the batch wrote there
    (:func:`ivp_analysis.warm.use_shared`).
    """
    _end_with_batch(batch_pid)
    warm.use_shared(Path(shared) if shared else None)


def _end_with_batch(batch_pid: int) -> None:
    """In a local worker process: have Linux send it SIGTERM when the batch process ends.

    A worker otherwise outlives a batch process that was killed (``kill -9``): it keeps the
    job queue's pipe open itself, so it would finish its queued reports for nobody and then wait
    forever. SIGTERM stops a running report as it stops ``ivp report`` (its staging folder is
    removed; nothing is published).
    """
    import signal

    from ivp_analysis.kernel_template import die_with_parent

    if die_with_parent(signal.SIGTERM) and os.getppid() != batch_pid:
        os.kill(os.getpid(), signal.SIGTERM)  # the batch ended before the signal was armed


def _overview_row(folder: Path, municipality: str) -> dict | None:
    """Return the report's fields of the regional overview, or ``None`` to read them at the end."""
    from ivp_analysis.regional import report_row

    try:
        return report_row(folder, municipality)
    except Exception:  # noqa: BLE001 - the overview reads the folder again and shows the error
        return None


def preload_in_background(modules: list[str]) -> threading.Thread:
    """Import ``modules`` in a thread of the lowest priority; return the (started) thread.

    While the workers run, the batch process waits; its thread gets a core only when the
    workers leave one idle (Linux gives a thread its own priority), so the overview's imports
    (matplotlib, seaborn, about a second) cost the batch no time at its end. Start it only
    after the worker processes are forked: a fork during an import could copy a held lock.
    """
    import importlib

    def run() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except (AttributeError, OSError):
            pass
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the overview imports it again and says why
                return

    thread = threading.Thread(target=run, name="ivp-preload", daemon=True)
    thread.start()
    return thread


#: Modules of the regional overview, imported in the background while the reports are built.
OVERVIEW_MODULES = ["ivp_analysis.present.regional", "ivp_analysis.plots.regional"]


def _kernels(warm_kernels: bool, notebooks: list[Path]):
    """Return the context in which a worker runs a report: warm kernels, or cold ones."""
    if not (warm_kernels and warm.available()):
        return nullcontext()
    return warm.use(warm.worker_pool(notebooks))


def _template_launch(
    notebooks_dir: Path | str | None, environ: dict[str, str] | None = None
) -> tuple[list[str], dict, str, list[Path]] | None:
    """Return how the report kernels of these notebooks start here: interpreter and flags,
    environment (``environ``, by default this process's, with the kernels'), working folder,
    and the notebooks; ``None`` where warm kernels cannot run."""
    from ivp_analysis.report import KERNEL_ENV, kernel_spec, notebook_paths

    notebooks = notebook_paths(Path(notebooks_dir) if notebooks_dir else None)
    if not (notebooks and warm.available()):
        return None
    argv = kernel_spec()["argv"]
    env = {**(os.environ if environ is None else environ), **KERNEL_ENV}
    return argv[: argv.index("-m")], env, str(notebooks[0].parent), notebooks


def start_template(notebooks_dir: Path | None = None) -> threading.Thread | None:
    """Start this worker process's warm-kernel template now, in the background (Dask workers).

    The template of the kernels that :func:`build_one` will start for these notebooks: the
    report kernel's interpreter and flags, this process's environment with the kernels'
    (:data:`ivp_analysis.report.KERNEL_ENV`) and the notebooks' folder as working directory.
    So a worker's first report does not wait for the template's imports (about 2 s). On a
    worker of ``ivp batch --scheduler local`` it connects to the template the batch started
    for the host instead (:func:`shared_template`). Returns ``None`` where warm kernels cannot
    run.
    """
    launch = _template_launch(notebooks_dir)
    if launch is None:
        return None
    prefix, env, cwd, notebooks = launch
    return warm.worker_pool(notebooks).prestart(prefix, env, cwd)


@contextmanager
def shared_template(notebooks_dir: Path | str | None = None) -> Iterator[dict[str, str]]:
    """Start one warm-kernel template for a batch's workers on this machine (local or ``LocalCluster``).

    Yields the environment the workers need to find it (:data:`ivp_analysis.warm.SHARED_ENV`;
    empty where warm kernels cannot run). The template starts with the environment, interpreter
    and folder a worker's report kernels get, and imports while the workers start; each worker
    that launches kernels with exactly these (:func:`ivp_analysis.warm.shared_socket`) connects
    to it instead of starting one of its own, so the host imports the libraries once, not once
    per worker. Its kernels are the same as from a worker's own template (the same fork of the
    same imports); when a worker is lost, its connection closes and its kernels are killed.
    The template ends, with every kernel, when the block ends.
    """
    import json
    import shutil
    import tempfile

    from ivp_analysis.errors import ReportError

    # this process's environment, as a worker has it once it started (dask_worker.dask_setup):
    # without the mark of a Dask cluster that ran in this process before
    environ = {k: v for k, v in os.environ.items() if k != "__DASK_PARENT_PID"}
    launch = _template_launch(notebooks_dir, environ)
    if launch is None:
        yield {}
        return
    prefix, env, cwd, notebooks = launch
    modules = warm.preload_modules(notebooks)
    short = len(tempfile.gettempdir()) < 60  # a socket's path has at most 107 bytes
    folder = Path(tempfile.mkdtemp(prefix="ivp-templates-", dir=None if short else "/tmp"))
    template = None
    try:
        # the workers take this process's environment over (warm.share_from_environ); the
        # folder is this user's alone (mkdtemp: mode 0700)
        (folder / warm.ENVIRON_FILE).write_text(json.dumps(environ), encoding="utf-8")
        try:
            template = warm.Template(prefix, env, cwd, modules, listen=folder)
        except (ReportError, OSError):
            pass  # the workers start their own, and say why when they cannot
        yield {} if template is None else {warm.SHARED_ENV: str(folder)}
    finally:
        if template is not None:
            template.close()
        shutil.rmtree(folder, ignore_errors=True)


class Progress:
    """Count done / failed / running / waiting reports and pass one line per finished report on.

    Examples
    --------
    >>> lines = []
    >>> p = Progress(3, lines.append, clock=lambda: 0.0)
    >>> p.started("GM0001"); p.started("GM0002")
    >>> p.finished(BatchResult("GM0001", "done", 5.0, "out/GM0001"))
    >>> lines[-1]
    '[1/3] GM0001 done in 5.0 s: out/GM0001 | 1 done, 0 failed, 1 running, 1 waiting (0 s)'
    """

    def __init__(
        self,
        total: int,
        emit: Callable[[str], None],
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total = total
        self.emit = emit
        self.clock = clock
        self.t0 = clock()
        self.running: set[str] = set()
        self.counts = {DONE: 0, FAILED: 0, SKIPPED: 0}
        self.lock = threading.Lock()

    @property
    def finished_count(self) -> int:
        return sum(self.counts.values())

    def started(self, municipality: str) -> None:
        """Record that a report began (again, after a lost worker: it is counted once)."""
        with self.lock:
            self.running.add(municipality)

    def finished(self, r: BatchResult) -> None:
        """Record a finished report and emit its line."""
        with self.lock:
            self.running.discard(r.municipality)
            self.counts[r.status] = self.counts.get(r.status, 0) + 1
            head = f"[{self.finished_count}/{self.total}] {r.municipality} {r.status}"
            self.emit(f"{head} in {r.seconds:.1f} s: {r.detail} | {self.state()}")

    def state(self) -> str:
        """Return the counts: done (skipped ones included), failed, running, waiting."""
        done = self.counts[DONE] + self.counts[SKIPPED]
        skipped = f" ({self.counts[SKIPPED]} skipped)" if self.counts[SKIPPED] else ""
        running = len(self.running)
        waiting = self.total - self.finished_count - running
        return (
            f"{done} done{skipped}, {self.counts[FAILED]} failed, {running} running, "
            f"{waiting} waiting ({self.clock() - self.t0:.0f} s)"
        )


def run_batch(
    municipalities: list[str],
    common: dict,
    out_root: str | Path = paths.REPORTS_DIR,
    *,
    workers: int = 1,
    force: bool = False,
    pdf: bool = False,
    notebooks_dir: Path | None = None,
    progress: Callable[[str], None] = print,
    warm: bool = True,
    scheduler: str | None = None,
    overview: bool = True,
) -> list[BatchResult]:
    """Build one report per municipality with ``common`` parameters; return the outcomes in input order.

    Parameters
    ----------
    municipalities : list of str
        Municipality codes (duplicates are built once).
    common : dict
        Parameters of every report (``moment`` and any other notebook parameter).
    out_root : path
        Root of the reports; the regional overview is written here too.
    workers : int
        Local worker processes, or the workers of a ``LocalCluster`` (``scheduler="local"``).
    force, pdf : bool
        Rebuild reports that are up to date; print ``report.pdf`` for every report.
    warm : bool
        Run the notebooks in warm kernels (:mod:`ivp_analysis.warm`); ``False`` starts a cold
        kernel per notebook, as ``ivp report`` does. Both give the same reports.
    scheduler : str, optional
        ``"local"`` for a Dask ``LocalCluster`` of ``workers`` processes, or the address of a
        running Dask scheduler (``tcp://host:8786``); ``None`` for local worker processes.
    overview : bool
        Write ``index.html`` and ``summary.csv`` of the whole batch into ``out_root``.
    """
    from ivp_analysis.report import ensure_kernel

    ensure_kernel()  # once, before the workers start, so they never race to install it
    nb = str(notebooks_dir) if notebooks_dir else None
    jobs = [
        Job({**common, "municipality": m}, str(out_root), force, nb, pdf, warm)
        for m in dict.fromkeys(municipalities)
    ]
    where = f"Dask scheduler {scheduler}" if scheduler else "local worker process(es)"
    kernels = "warm" if warm else "cold"
    progress(f"batch: {len(jobs)} report(s), {workers} {where}, {kernels} kernels, into {out_root}")
    tracker = Progress(len(jobs), progress)
    if scheduler:
        from ivp_analysis import cluster

        found = cluster.run(jobs, scheduler, workers, tracker)
    else:
        found = {r.municipality: r for r in _run_local(jobs, workers, tracker)}
    ordered = [found[j.municipality] for j in jobs]
    progress(summary_table(ordered, tracker.clock() - tracker.t0))
    if overview:
        from ivp_analysis.present.regional import write_overview

        page = write_overview(Path(out_root), ordered)
        progress(f"regional overview: {page} and {page.with_name('summary.csv')}")
    return ordered


def _run_local(jobs: list[Job], workers: int, tracker: Progress) -> Iterator[BatchResult]:
    """Build the reports in this process (one worker) or in ``workers`` local processes."""
    if workers <= 1:
        for job in jobs:
            tracker.started(job.municipality)
            r = build_one(job)
            tracker.finished(r)
            yield r
        return
    shared: AbstractContextManager[dict[str, str]] = nullcontext({})
    if jobs and jobs[0].warm:  # one template for the workers, importing while they start
        shared = shared_template(jobs[0].notebooks_dir)
    with (
        shared as env,
        ProcessPoolExecutor(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(os.getpid(), env.get(warm.SHARED_ENV)),
        ) as pool,
    ):
        futures = {pool.submit(build_one, job): job for job in jobs}
        preload_in_background(OVERVIEW_MODULES)  # the workers are forked by now
        # a process pool keeps every worker busy: the first `workers` jobs run, the rest wait
        for job in jobs[:workers]:
            tracker.started(job.municipality)
        queued = iter(jobs[workers:])
        for fut in as_completed(futures):
            r = fut.result()
            nxt = next(queued, None)
            if nxt is not None:  # it took the worker that just finished
                tracker.started(nxt.municipality)
            tracker.finished(r)
            yield r


def summary_table(results: list[BatchResult], seconds: float) -> str:
    """Return a plain-text summary: one row per report and the totals.

    Examples
    --------
    >>> print(summary_table([BatchResult("GM1926", "done", 12.0, "reports/GM1926/x")], 12.0))
    municipality  status  seconds  detail
    GM1926        done       12.0  reports/GM1926/x
    <BLANKLINE>
    1 done, 0 failed, 0 skipped in 12 s
    """
    rows = [("municipality", "status", "seconds", "detail")]
    rows += [(r.municipality, r.status, f"{r.seconds:.1f}", r.detail) for r in results]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    lines = [f"{a:<{w0}}  {b:<{w1}}  {c:>{w2}}  {d}" for a, b, c, d in rows]
    counts = {s: sum(r.status == s for r in results) for s in (DONE, FAILED, SKIPPED)}
    lines.append("")
    lines.append(
        f"{counts[DONE]} done, {counts[FAILED]} failed, {counts[SKIPPED]} skipped in {seconds:.0f} s"
    )
    return "\n".join(lines)
