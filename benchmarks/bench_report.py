"""Benchmark of report runs: one report against the floor, and batch throughput with 1 and 2 workers.

The floor is the time of running the same number of notebooks that only import our dependencies
(kernel start plus imports): no report can be faster than that. Targets on a 2-core machine:
one report at most 1.5 x the floor; 2 workers at least 1.7 x as fast as 1.

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
import ivp_analysis, ivp_analysis.countmodels, ivp_analysis.display, ivp_analysis.plots
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
        for jobs in (1, 2):
            floor = min(run_floor(notebooks, floor_dir, jobs) for _ in range(2))
            print(
                f"floor: {n} notebooks that only import the dependencies, {jobs} at a time: {floor:.1f} s"
            )
            cold = min(
                run_report_cli("GM1926", tmp / f"cold{jobs}{i}", cold_env, jobs) for i in range(2)
            )
            print(f"  one report, ivp report --jobs {jobs}, no caches:   {cold:5.1f} s = "
                  f"{cold / floor:.2f} x floor (target <= 1.5)")  # fmt: skip
            warm = min(
                run_report_cli("GM1926", tmp / f"warm{jobs}{i}", dict(os.environ), jobs)
                for i in range(2)
            )
            print(
                f"  one report, ivp report --jobs {jobs}, caches warm: {warm:5.1f} s = {warm / floor:.2f} x floor"
            )
        times = {}
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
