"""``ivp batch``: reports for many municipalities in parallel local processes.

One line per finished report, a failing municipality does not stop the others, a summary table
at the end; a report whose manifest already matches its inputs and parameters is skipped unless
``force`` is set.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ivp_analysis import manifest, paths
from ivp_analysis._version import __version__
from ivp_analysis.errors import IvpError


@dataclass
class BatchResult:
    """Outcome of one report in a batch."""

    municipality: str
    status: str  # done, failed, skipped
    seconds: float
    detail: str  # output folder, or the reason


def up_to_date(report: Path, params: dict) -> bool:
    """Return whether ``report`` was made with these parameters from the current inputs and code.

    Compares the parameters, the SHA-256 of every input file and notebook, and the package
    version and source hash with the report's manifest.
    """
    man_path = report / "manifest.json"
    if not man_path.exists():
        return False
    try:
        rep = manifest.read(man_path)["reproducible"]
    except (ValueError, KeyError):
        return False
    if rep.get("parameters") != dict(sorted(params.items())):
        return False
    package = rep.get("package", {})
    if (
        package.get("version") != __version__
        or package.get("code_sha256") != manifest.code_sha256()
    ):
        return False
    current = {e["path"]: e["sha256"] for e in manifest.file_entries(manifest.input_files())}
    recorded = {e["path"]: e["sha256"] for e in rep.get("inputs", [])}
    if current != recorded:
        return False
    for e in rep.get("notebooks", []):
        p = paths.ROOT / e["path"]
        if not p.exists() or manifest.sha256_file(p) != e["sha256"]:
            return False
    # a result table edited or removed after the run makes the report out of date
    return all(
        (report / e["path"]).exists() and manifest.sha256_file(report / e["path"]) == e["sha256"]
        for e in rep.get("results", [])
    )


def _one(given: dict, out_root: str, force: bool, notebooks_dir: str | None = None) -> BatchResult:
    from ivp_analysis.report import prepare, report_dir, run_report

    t = time.perf_counter()
    code = str(given.get("municipality"))
    try:
        nb_dir = Path(notebooks_dir) if notebooks_dir else None
        params, _, _ = prepare(given, nb_dir)
        target = report_dir(Path(out_root), params)
        if not force and up_to_date(target, params):
            return BatchResult(code, "skipped", time.perf_counter() - t, f"up to date: {target}")
        # the workers already share the cores: one notebook at a time within each report
        final = run_report(
            given, Path(out_root), notebooks_dir=nb_dir, jobs=1, progress=lambda m: None
        )
        return BatchResult(code, "done", time.perf_counter() - t, str(final))
    except IvpError as exc:
        return BatchResult(code, "failed", time.perf_counter() - t, str(exc))
    except Exception as exc:  # one municipality's crash must not stop the batch
        return BatchResult(code, "failed", time.perf_counter() - t, f"{type(exc).__name__}: {exc}")


def run_batch(
    municipalities: list[str],
    common: dict,
    out_root: str | Path = paths.REPORTS_DIR,
    *,
    workers: int = 1,
    force: bool = False,
    notebooks_dir: Path | None = None,
    progress: Callable[[str], None] = print,
) -> list[BatchResult]:
    """Build one report per municipality with ``common`` parameters; return the outcomes in input order."""
    from ivp_analysis.report import ensure_kernel

    ensure_kernel()  # once, before the workers start, so they never race to install it
    jobs = [{**common, "municipality": m} for m in dict.fromkeys(municipalities)]
    nb = str(notebooks_dir) if notebooks_dir else None
    results: dict[str, BatchResult] = {}
    t0 = time.perf_counter()
    n = len(jobs)
    progress(f"batch: {n} report(s) with {workers} worker(s) into {out_root}")
    if workers <= 1:
        for i, job in enumerate(jobs, 1):
            r = _one(job, str(out_root), force, nb)
            results[job["municipality"]] = r
            progress(_line(i, n, r, time.perf_counter() - t0))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_one, job, str(out_root), force, nb): job for job in jobs}
            for i, fut in enumerate(as_completed(futures), 1):
                r = fut.result()
                results[futures[fut]["municipality"]] = r
                progress(_line(i, n, r, time.perf_counter() - t0))
    ordered = [results[j["municipality"]] for j in jobs]
    progress(summary_table(ordered, time.perf_counter() - t0))
    return ordered


def _line(i: int, n: int, r: BatchResult, elapsed: float) -> str:
    return f"[{i}/{n}] {r.municipality} {r.status} in {r.seconds:.1f} s (elapsed {elapsed:.0f} s): {r.detail}"


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
    counts = {s: sum(r.status == s for r in results) for s in ("done", "failed", "skipped")}
    lines.append("")
    lines.append(
        f"{counts['done']} done, {counts['failed']} failed, {counts['skipped']} skipped in {seconds:.0f} s"
    )
    return "\n".join(lines)
