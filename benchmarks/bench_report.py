"""Benchmark of report runs: one report against the floor, and batch throughput with 1 and 2 workers.

The floor is the time of running the same number of notebooks that only import our dependencies
(kernel start plus imports): no report can be faster than that. Targets on a 2-core machine:
one report at most 1.5 x the floor; 2 workers at least 1.7 x as fast as 1.

One report is timed as ``ivp report`` from the command line (start-up, checks, notebooks, HTML,
manifest), with the notebooks run one at a time and two at a time against the floor run the
same way. "Cache from another municipality" is the usual case: a temporary cache filled by one
report of another municipality, holding only what every municipality shares (parsed inputs,
national and all-municipality models, the national figures). "No cache at all" is the first
report on a new machine or ``ivp verify``. The cache lives in a temporary folder, so the
benchmark neither uses nor fills the user's own cache.

Usage: python benchmarks/bench_report.py [--municipalities GM1926,GM0363,GM0599,GM0518]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
IMPORTS = """
import numpy, pandas, scipy.stats, statsmodels.api, matplotlib.pyplot, seaborn, yaml
import ivp_analysis, ivp_analysis.stats.countmodels, ivp_analysis.present.display, ivp_analysis.plots
"""


def floor_notebooks(n: int, folder: Path) -> list[Path]:
    """Write ``n`` notebooks that only import the dependencies."""
    out = []
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "ivp-analysis",
            "display_name": "Python (ivp-analysis)",
            "language": "python",
        }
        nb.cells = [nbformat.v4.new_code_cell(IMPORTS.strip())]
        p = folder / f"{i:02d}_floor.ipynb"
        nbformat.write(nb, p)
        out.append(p)
    return out


def run_floor(notebooks: list[Path], folder: Path, jobs: int) -> float:
    """Run the import-only notebooks the way a report runs its notebooks (``jobs`` at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    import papermill

    from ivp_analysis.report import ensure_kernel

    kernel = ensure_kernel()

    def one(nb: Path) -> None:
        papermill.execute_notebook(
            str(nb), str(folder / f"out-{nb.name}"), kernel_name=kernel, progress_bar=False
        )

    t = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, notebooks))
    return time.perf_counter() - t


def run_report_cli(municipality: str, out: Path, env: dict, jobs: int) -> float:
    ivp = Path(sys.executable).with_name("ivp")
    t = time.perf_counter()
    subprocess.run(
        [str(ivp), "report", "--municipality", municipality, "--moment", "tussenevaluatie-2024",
         "--out", str(out), "--jobs", str(jobs)],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--municipalities", default="GM1926,GM0363,GM0599,GM0518")
    args = ap.parse_args()
    codes = args.municipalities.split(",")

    from ivp_analysis.batch import run_batch
    from ivp_analysis.params import notebook_paths

    n = len(notebook_paths())
    print(f"machine: {os.cpu_count()} cores; report notebooks: {n}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        floor_dir = tmp / "floor"
        floor_dir.mkdir()
        notebooks = floor_notebooks(n, floor_dir)
        cold_env = {**os.environ, "IVP_NO_CACHE": "1"}
        # "warm": a fresh cache filled by the report of ANOTHER municipality, as in a batch or
        # on the second report of the day; it holds only what all municipalities share
        # (parsed inputs, national and all-municipality models, national figures), never
        # anything of the municipality timed here
        warm_env = {**os.environ, "IVP_CACHE_DIR": str(tmp / "cache")}
        warm_env.pop("IVP_NO_CACHE", None)
        run_report_cli("GM0363", tmp / "fill", warm_env, 2)
        for jobs in (1, 2):
            floor = min(run_floor(notebooks, floor_dir, jobs) for _ in range(3))
            print(
                f"floor: {n} notebooks that only import the dependencies, {jobs} at a time: {floor:.1f} s"
            )
            warm = min(
                run_report_cli("GM1926", tmp / f"warm{jobs}{i}", warm_env, jobs) for i in range(3)
            )
            print(f"  one report, ivp report --jobs {jobs}, cache from another municipality: "
                  f"{warm:5.1f} s = {warm / floor:.2f} x floor (target <= 1.5)")  # fmt: skip
            cold = min(
                run_report_cli("GM1926", tmp / f"cold{jobs}{i}", cold_env, jobs) for i in range(2)
            )
            print(f"  one report, ivp report --jobs {jobs}, no cache at all:              "
                  f"{cold:5.1f} s = {cold / floor:.2f} x floor")  # fmt: skip
        times = {}
        os.environ["IVP_CACHE_DIR"] = warm_env["IVP_CACHE_DIR"]  # steady state: shared parts cached
        for workers in (1, 2):
            t = time.perf_counter()
            res = run_batch(codes, {"moment": "tussenevaluatie-2024"}, tmp / f"batch{workers}", workers=workers,
                            force=True, progress=lambda m: None)  # fmt: skip
            times[workers] = time.perf_counter() - t
            failed = [r for r in res if r.status != "done"]
            print(f"batch of {len(codes)} reports with {workers} worker(s): {times[workers]:.1f} s "
                  f"({len(codes) / times[workers] * 3600:.0f} reports/hour){'; FAILED: ' + str(failed) if failed else ''}")  # fmt: skip
        print(f"speed-up with 2 workers: {times[1] / times[2]:.2f} x (target >= 1.7)")


if __name__ == "__main__":
    main()
