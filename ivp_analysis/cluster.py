"""Batches on a Dask cluster: one task per report, retried when a worker is lost.

``ivp batch --scheduler tcp://host:8786`` submits to a running Dask scheduler; ``--scheduler
local --workers N`` starts a ``LocalCluster`` of N worker processes (one thread each) for the
batch. Each task calls :func:`ivp_analysis.batch.build_one` on a worker, which builds the
report with warm kernels in a staging folder under ``--out`` and publishes it with one
``rename`` (the kernels come from one template per host for a ``LocalCluster``,
:func:`ivp_analysis.batch.shared_template`; from one per worker process elsewhere). So a worker lost mid-report leaves no partial report: its
staging folder is never published (the next run on that host removes it), and the scheduler
gives the task to another worker (``distributed.scheduler.allowed-failures``, default 3 losses;
after that the report is a failed row saying so).

The workers must see the same checkout, data and ``--out`` folder as the submitting machine (a
shared file system); :func:`check_workers` refuses to start a batch otherwise. ``docs/batch.md``
shows the set-up with ``dask scheduler`` and ``dask worker``. Dask is imported only here, so
the local modes of ``ivp batch`` do not need it.
"""

from __future__ import annotations

import os
import platform
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from ivp_analysis import batch, paths
from ivp_analysis.errors import ParameterError, ReportError

#: Dask event topic on which workers say that a report started.
TOPIC = "ivp-batch"
#: Seconds to wait for the first worker of a cluster.
WORKER_TIMEOUT = 120


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ParameterError(
            "--scheduler needs Dask: pip install 'dask[distributed]' (pinned in "
            "requirements.lock; `make install` installs it)"
        ) from None


#: Dask settings of a ``LocalCluster`` (a cluster started elsewhere keeps its own; ``docs/batch.md``).
LOCAL_CONFIG = {
    # a worker holds one task at a time (the default queues a second on it), so the last
    # reports never wait behind another while a worker is idle
    "distributed.scheduler.worker-saturation": 1.0,
    # Dask's defaults for a worker's environment (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS=1,
    # ...) would reach the kernels: they run as ivp report's kernels do (the malloc setting
    # made them about half as fast)
    "distributed.nanny.pre-spawn-environ": {},
    # workers are forks of one process that imported what a task needs (_preload_fork_server)
    "distributed.worker.multiprocessing-method": "forkserver",
    # ... and start their warm-kernel template as they start (dask_worker.dask_setup)
    "distributed.worker.preload": ["ivp_analysis.dask_worker"],
    # what only Dask's dashboard shows, which this cluster does not start: a worker sampled its
    # task's stack every 10 ms, and every process checked its event loop every 20 ms and
    # measured itself every 0.5 s. On two cores, two workers' batch took 1.5-2 s longer with them.
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


#: The environment variable that tells the workers of a ``LocalCluster`` that the batch runs cold
#: kernels (taken out of the worker's environment by :func:`ivp_analysis.dask_worker.dask_setup`).
COLD_ENV = "IVP_COLD_KERNELS"


def _preload_fork_server() -> None:
    """Have a ``LocalCluster``'s workers forked from a server that imported :mod:`ivp_analysis.dask_worker`.

    Dask names its own modules for the fork server once per process (``distributed`` and the
    packages it knows); this list replaces it. When the fork server of this process already
    runs (a second cluster in one process), its workers have what it imported then.
    """
    import multiprocessing

    from distributed.utils import get_mp_context

    get_mp_context()  # Dask sets its list first, so that ours is the one kept
    multiprocessing.get_context("forkserver").set_forkserver_preload(["ivp_analysis.dask_worker"])


@contextmanager
def connect(
    scheduler: str, workers: int, *, notebooks_dir: str | Path | None = None, warm: bool = True
) -> Iterator[Any]:
    """Yield a Dask client: of a new ``LocalCluster`` (``"local"``) or of a running scheduler.

    A ``LocalCluster``'s workers share one warm-kernel template for the kernels of the
    notebooks in ``notebooks_dir`` (:func:`ivp_analysis.batch.shared_template`), started here
    so that it imports while the cluster starts; with ``warm=False`` (cold kernels) neither this
    process nor the workers start one.
    """
    _require_dask()
    import dask
    from distributed import Client, LocalCluster

    if scheduler == "local":
        with ExitStack() as stack:
            # cold kernels: the workers start no template (dask_worker.dask_setup)
            env = (
                stack.enter_context(batch.shared_template(notebooks_dir))
                if warm
                else {COLD_ENV: "1"}
            )
            stack.enter_context(dask.config.set(LOCAL_CONFIG))
            _preload_fork_server()
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=max(1, workers),
                    threads_per_worker=1,  # one report at a time per worker process
                    processes=True,
                    dashboard_address=None,
                    memory_limit=0,  # the kernels are other processes; the worker itself is small
                    env=env,  # where the shared template listens
                )
            )
            yield stack.enter_context(Client(cluster))
        return
    if "://" not in scheduler:
        raise ParameterError(
            f"--scheduler {scheduler!r}: expected 'local' or a scheduler address such as "
            "tcp://host:8786"
        )
    try:
        client = Client(scheduler, timeout=30)
    except OSError as exc:
        raise ReportError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        yield client


def worker_facts(out_root: str, probe: str) -> dict:
    """Return what a worker must share with the submitting machine (run on every worker)."""
    from ivp_analysis import manifest
    from ivp_analysis._version import __version__

    return {
        "host": platform.node(),
        "root": str(paths.ROOT),
        "version": __version__,
        "code_sha256": manifest.code_sha256(),
        "python": platform.python_version(),
        "sees_out": (Path(out_root) / probe).is_file(),
    }


def check_workers(client: Any, out_root: Path) -> int:
    """Refuse a cluster whose workers run other code or cannot see ``out_root``; return their count.

    Raises
    ------
    ReportError
        Naming each worker that differs and how.
    """
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except TimeoutError:
        raise ReportError(
            f"no Dask worker joined the scheduler in {WORKER_TIMEOUT} s (start one with: "
            "dask worker <scheduler address> --nthreads 1)"
        ) from None
    out_root.mkdir(parents=True, exist_ok=True)
    probe = f".ivp-probe-{uuid.uuid4().hex[:8]}"
    (out_root / probe).write_text("probe\n", encoding="utf-8")
    try:
        facts = client.run(worker_facts, str(out_root.resolve()), probe)
    finally:
        (out_root / probe).unlink(missing_ok=True)
    mine = worker_facts(str(out_root.resolve()), probe)
    problems = []
    for address, theirs in sorted(facts.items()):
        for key, what in (
            ("root", "another checkout"),
            ("version", "another package version"),
            ("code_sha256", "other package source code"),
            ("python", "another Python"),
        ):
            if theirs[key] != mine[key]:
                problems.append(f"{address} ({theirs['host']}): {what} ({theirs[key]})")
        if not theirs["sees_out"]:
            problems.append(
                f"{address} ({theirs['host']}): cannot see the output folder {out_root.resolve()}"
            )
    if problems:
        raise ReportError(
            "the Dask workers must run this checkout and see --out on a shared file system: "
            + "; ".join(problems)
        )
    return len(facts)


def run_on_worker(job: batch.Job) -> batch.BatchResult:
    """The task: say on the event topic that the report started, then build it."""
    try:
        from distributed import get_worker

        get_worker().log_event(TOPIC, {"municipality": job.municipality, "pid": os.getpid()})
    except (ImportError, ValueError):
        pass  # not on a worker (a test calling it directly)
    _without_dask_environ()
    from ivp_analysis.execute import skip_iri_format_checks

    skip_iri_format_checks()
    return batch.build_one(job)


def _without_dask_environ() -> None:
    """Remove what a Dask nanny put in this worker's environment, so kernels do not inherit it.

    A nanny sets ``distributed.nanny.pre-spawn-environ`` (by default ``MALLOC_TRIM_THRESHOLD_``
    and one thread for OpenMP, MKL and OpenBLAS) before it starts the worker. The kernels must
    run in the environment ``ivp report`` gives them: the malloc setting alone made the
    notebooks about half as fast. A variable is removed only where it has the nanny's value.
    Dask also marks its processes' children with ``__DASK_PARENT_PID`` (to set their process
    titles); it goes too.
    """
    os.environ.pop("__DASK_PARENT_PID", None)
    try:
        import dask
    except ImportError:
        return
    spawned = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    for name, value in spawned.items():
        if os.environ.get(name) == str(value):
            del os.environ[name]


def run(
    jobs: list[batch.Job], scheduler: str, workers: int, tracker: batch.Progress
) -> dict[str, batch.BatchResult]:
    """Build every job on the cluster; return the results by municipality."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    out_root = Path(jobs[0].out_root) if jobs else Path(".")
    found: dict[str, batch.BatchResult] = {}
    first = jobs[0] if jobs else batch.Job({}, str(out_root))
    with connect(scheduler, workers, notebooks_dir=first.notebooks_dir, warm=first.warm) as client:
        n = check_workers(client, out_root)
        tracker.emit(f"Dask: {n} worker(s) at {client.scheduler.address}")
        client.subscribe_topic(TOPIC, lambda event: tracker.started(event[1]["municipality"]))
        futures = {
            client.submit(
                run_on_worker, job, key=f"ivp-{job.municipality}-{uuid.uuid4().hex[:6]}", pure=False
            ): job
            for job in jobs
        }
        batch.preload_in_background(batch.OVERVIEW_MODULES)
        for fut in as_completed(futures):
            job = futures[fut]
            try:
                r = fut.result()
            except KilledWorker as exc:
                r = batch.BatchResult(
                    job.municipality,
                    batch.FAILED,
                    0.0,
                    f"the worker was lost every time this report ran ({exc}); nothing published",
                )
            except Exception as exc:  # noqa: BLE001 - the cluster's failure of one task
                r = batch.BatchResult(
                    job.municipality, batch.FAILED, 0.0, f"{type(exc).__name__}: {exc}"
                )
            tracker.finished(r)
            found[job.municipality] = r
        client.unsubscribe_topic(TOPIC)
    from ivp_analysis import staging

    staging.clean_stale(out_root)  # folders of workers lost on this host
    return found
