"""What a Dask worker imports before its first task, and the hook that readies its warm-kernel template.

``ivp batch --scheduler local`` starts its worker processes from a *fork server*
(``multiprocessing``'s ``forkserver`` method, :func:`ivp_analysis.cluster.connect`) that
imports this module first. Each worker is then a fork of that process, with Dask and
everything a report's task imports in the worker already loaded (papermill, nbclient,
jupyter_client, pandas and this package's report code): about 1 s of processor time that
every spawned worker paid again (0.35 s at its start, 0.6 s at its first task), and pages the
workers now share. The workers also *preload* it (Dask's ``distributed.worker.preload``), so
Dask calls :func:`dask_setup` as each starts; a worker of a cluster of your own does the same
with ``dask worker ... --preload ivp_analysis.dask_worker``.

Importing it has one effect besides imports: :func:`ivp_analysis.execute.skip_iri_format_checks`
(the worker's task calls it too), which must come before ``jsonschema`` is imported. Importing
starts no thread and no process, so a fork of the importing process is safe; the worker's
template is connected to, or started, by :func:`dask_setup`, in the worker.
"""

from __future__ import annotations

import os

from ivp_analysis.execute import skip_iri_format_checks

skip_iri_format_checks()

#: The modules a report's task imports in a worker process (its kernels are other processes).
MODULES = (
    "distributed",
    "distributed.nanny",
    "ivp_analysis.batch",
    "ivp_analysis.cluster",
    "ivp_analysis.report",
    "ivp_analysis.manifest",
    "ivp_analysis.warm",
    "ivp_analysis.kernel_client",
    "papermill",
    "papermill.engines",
    "nbclient",
    "nbformat",
    "jupyter_client",
    "jupyter_client.provisioning",
    "pandas",
)


def _import_all() -> None:
    import importlib

    for name in MODULES:
        importlib.import_module(name)


_import_all()


def dask_setup(worker: object) -> None:
    """Get the worker's warm-kernel template ready as the worker starts (Dask calls this on preload).

    ``ivp batch --scheduler local`` preloads this module in its workers, which connect to the
    template the batch started for the host (named in the environment:
    :func:`ivp_analysis.warm.share_from_environ`); on a cluster of your own, ``dask worker ...
    --preload ivp_analysis.dask_worker`` starts the worker's own (``docs/batch.md``).
    """
    from ivp_analysis import batch, cluster, warm

    cluster._without_dask_environ()
    cold = os.environ.pop(cluster.COLD_ENV, None)
    warm.share_from_environ()
    if not cold:  # a batch with --kernels cold needs no template
        batch.start_template()
