"""Benchmark of report throughput: single reports, local batches (cold, warm) and Dask batches.

In one run, on the same municipalities and the same cache, each timed from the command line
(start-up, checks, notebooks, HTML, manifest, and for batches the regional overview):

* single reports: ``ivp report --jobs 1`` one after the other (the way a shell loop runs them);
* a batch on the plain local worker processes with cold kernels
  (``ivp batch --workers 2 --kernels cold``, what ``ivp batch`` did before warm kernels);
* a warm batch (``ivp batch --workers 2``, the default: warm kernels);
* batches on a Dask ``LocalCluster`` of 1 and of 2 workers (``--scheduler local``).

For each: reports per hour and the peak memory of the whole process tree (the benchmark, the
``ivp`` process, its workers, templates and kernels), as the sum of PSS (each shared page
counted once, split between the processes sharing it) and, for comparison, the sum of RSS
(shared pages counted in every process). Targets on the 2-core machine: a warm batch with 2
workers at least 4 x the rate of single ``ivp report --jobs 1`` runs; a LocalCluster of 2
workers at least 1.7 x the rate of 1.

The cache lives in a temporary folder, filled first by one report of a municipality that is
not timed: it then holds what every municipality shares (parsed inputs, national and
all-municipality models, national figures), as on the second report of a day. The load
average is printed before and after: the machine is shared, and the figures mean little when
other work ran meanwhile. The processor time per report (of the whole process tree) depends much
less on other work: 2 cores to ourselves give at most 7,200 / (CPU s per report) reports an hour.
It is the larger of what the reaped processes report (``RUSAGE_CHILDREN``) and the sum of every
process's own time sampled every 0.25 s: a warm kernel's template is not reaped by a worker that
ends (multiprocessing skips ``atexit``), so its kernels' time reaches only the samples, which miss
each process's last quarter second: a lower bound. Memory is sampled once a second (the peak of a
plateau: templates and kernels live for seconds), processor times four times a second.

``--all`` instead times ``ivp batch --all --moment tussenevaluatie-2024 --workers 2`` (target:
under 20 minutes, peak memory under 3 GiB).

Usage: python benchmarks/bench_report.py [--municipalities A,B,...] [--singles 4] [--all]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

IVP = str(Path(sys.executable).with_name("ivp"))
MOMENT = "tussenevaluatie-2024"
#: Municipalities of several sizes (none is GM0363, which fills the cache).
DEFAULT = "GM1926,GM0599,GM0518,GM0088,GM0344,GM0014,GM0200,GM0855,GM1680,GM0796"


class PeakMemory:
    """Sample the memory of this process and all its descendants until stopped; keep the peak.

    Processor times are read every ``interval`` seconds, PSS (``/proc/PID/smaps_rollup``, about
    1 ms for a kernel) every ``pss_every``-th time: at four samples a second of a dozen processes
    the sampler took about 5 % of a core, which a run that keeps both cores busy pays and a run
    with a core to spare does not (it lowered the LocalCluster ratio by about 0.04).
    """

    def __init__(self, interval: float = 0.25, pss_every: int = 4) -> None:
        self.interval = interval
        self.pss_every = pss_every
        self.cpu_seen: dict[tuple[int, float], float] = {}  # (pid, start) -> own CPU seconds
        self.pss = 0
        self.rss = 0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu(self) -> float:
        """Processor seconds of every process seen (its own time, up to its last sample)."""
        return sum(self.cpu_seen.values())

    def _run(self) -> None:
        me = psutil.Process()
        tick = 0
        while not self._stop.is_set():
            full = tick % self.pss_every == 0
            tick += 1
            pss = rss = n = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    if p.pid != me.pid:  # the benchmark's own time is not the report's
                        t = p.cpu_times()
                        self.cpu_seen[p.pid, p.create_time()] = t.user + t.system
                    if full:
                        info = p.memory_full_info()
                        pss += info.pss
                        rss += info.rss
                        n += 1
                except psutil.Error:
                    continue
            if pss > self.pss:
                self.pss, self.processes = pss, n
            self.rss = max(self.rss, rss)
            self._stop.wait(self.interval)


CPU = {"seconds": 0.0}  # processor time of the last command's whole process tree


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(args: list[str], env: dict) -> tuple[float, str]:
    """Run ``ivp``; return its wall time and output (its tree's CPU time goes to ``CPU``)."""
    t, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([IVP, *args], capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - t
    CPU["seconds"] = _cpu() - cpu  # every descendant is reaped within the tree, so it counts
    if done.returncode not in (0, 1):
        raise SystemExit(f"ivp {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return took, done.stdout + done.stderr


def _failures(output: str) -> str:
    for line in output.splitlines():
        if " done, " in line and " failed, " in line and " skipped in " in line:
            return line.strip()
    return "(no summary line)"


def _steady(output: str, workers: int) -> float:
    """Return reports per hour once running: ``workers`` / the median time of one report.

    From the progress lines ("[3/10] GM0599 done in 4.9 s: ..."), leaving out each worker's
    first report (it also starts the worker's warm-kernel template). This is the rate a long
    batch approaches; the total rate also pays the start (a Dask cluster, the templates) and the
    end (the regional overview) once.
    """
    import re
    import statistics

    took = [float(t) for t in re.findall(r"^\[\d+/\d+\] \S+ done in ([\d.]+) s", output, re.M)]
    later = took[workers:]
    return workers * 3600 / statistics.median(later) if later else float("nan")


def _line(label: str, n: int, seconds: float, cpu: float, mem: PeakMemory, extra: str = "") -> str:
    rate = n / seconds * 3600
    return (
        f"{label:<40} {n:>3} reports {seconds:6.1f} s {rate:5.0f} reports/hour, "
        f"CPU {max(cpu, mem.cpu) / n:5.1f} s/report; peak {mem.pss / 2**20:5.0f} MiB PSS "
        f"({mem.rss / 2**20:.0f} MiB RSS, {mem.processes} processes){extra}"
    )


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def bench_modes(codes: list[str], singles: int, tmp: Path, env: dict) -> None:
    """Time single reports and the four batch modes; print one line each and the ratios."""
    rates: dict[str, float] = {}
    with PeakMemory() as mem:
        total = cpu = 0.0
        for code in codes[:singles]:
            took, _ = _run(
                [
                    "report",
                    "--municipality",
                    code,
                    "--moment",
                    MOMENT,
                    "--jobs",
                    "1",
                    "--out",
                    str(tmp / "single"),
                ],
                env,
            )
            total += took
            cpu += CPU["seconds"]
    rates["single"] = singles / total * 3600
    print(_line("single reports, ivp report --jobs 1", singles, total, cpu, mem), flush=True)
    batch = ["batch", "--municipalities", ",".join(codes), "--moment", MOMENT, "--force"]
    modes = {
        "cold2": ("batch, 2 local workers, cold kernels", ["--workers", "2", "--kernels", "cold"]),
        "warm2": ("batch, 2 local workers, warm kernels", ["--workers", "2"]),
        "dask1": (
            "batch, Dask LocalCluster of 1 worker",
            ["--scheduler", "local", "--workers", "1"],
        ),
        "dask2": (
            "batch, Dask LocalCluster of 2 workers",
            ["--scheduler", "local", "--workers", "2"],
        ),
    }
    steady: dict[str, float] = {}
    for key, (label, extra) in modes.items():
        with PeakMemory() as mem:
            took, out = _run([*batch, *extra, "--out", str(tmp / key)], env)
        rates[key] = len(codes) / took * 3600
        steady[key] = _steady(out, int(extra[extra.index("--workers") + 1]))
        print(
            _line(label, len(codes), took, CPU["seconds"], mem, f"; {_failures(out)}")
            + f"; once running {steady[key]:.0f} reports/hour",
            flush=True,
        )
    print(
        f"warm batch (2 workers) / single reports: {rates['warm2'] / rates['single']:.2f} x "
        "(target >= 4, aim 6)"
    )
    print(f"cold batch (2 workers) / single reports: {rates['cold2'] / rates['single']:.2f} x")
    print(f"warm batch / cold batch (2 workers each): {rates['warm2'] / rates['cold2']:.2f} x")
    print(
        f"LocalCluster 2 workers / 1 worker: {rates['dask2'] / rates['dask1']:.2f} x "
        f"(target >= 1.7); once running: {steady['dask2'] / steady['dask1']:.2f} x"
    )


def bench_all(tmp: Path, env: dict) -> None:
    """Time the batch of every municipality with 2 warm workers."""
    with PeakMemory() as mem:
        took, out = _run(
            ["batch", "--all", "--moment", MOMENT, "--workers", "2", "--out", str(tmp / "all")], env
        )
    n = out.count("\n[")
    print(
        _line(
            "ivp batch --all --workers 2 (warm)",
            n,
            took,
            CPU["seconds"],
            mem,
            f"; {_failures(out)}",
        )
    )
    print(f"{took / 60:.1f} minutes (target < 20), peak {mem.pss / 2**30:.2f} GiB PSS (< 3)")
    failed = [ln for ln in out.splitlines() if ln.startswith("GM") and " failed " in ln]
    for ln in failed[:20]:
        print("  " + ln[:200])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--municipalities", default=DEFAULT)
    ap.add_argument("--singles", type=int, default=4, help="single reports to time (default 4)")
    ap.add_argument("--all", action="store_true", help="time the batch of all municipalities")
    args = ap.parse_args()
    codes = args.municipalities.split(",")
    print(f"machine: {os.cpu_count()} cores; {_load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ivp-bench-") as name:
        tmp = Path(name)
        env = {**os.environ, "IVP_CACHE_DIR": str(tmp / "cache")}
        env.pop("IVP_NO_CACHE", None)
        _run(
            ["report", "--municipality", "GM0363", "--moment", MOMENT, "--out", str(tmp / "fill")],
            env,
        )
        if args.all:
            bench_all(tmp, env)
        else:
            bench_modes(codes, args.singles, tmp, env)
    print(_load())


if __name__ == "__main__":
    main()
