"""``ivp batch``: reports for many municipalities in parallel local processes.

One line per finished report, a failing municipality does not stop the others, a summary table
at the end. A report is skipped (unless ``force`` is set) only when its folder is complete and
unchanged: its manifest matches the parameters, inputs, source notebooks and code, and every
report file it lists (``index.html``, ``parameters.yaml``, executed notebooks, result tables,
``report.pdf`` when a PDF is asked for) still has its SHA-256. Anything else is rebuilt, and the
line says why.
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


def _one(
    given: dict,
    out_root: str,
    force: bool,
    notebooks_dir: str | None = None,
    pdf: bool = False,
) -> BatchResult:
    from ivp_analysis.report import prepare, report_dir, run_report

    t = time.perf_counter()
    code = str(given.get("municipality"))
    try:
        nb_dir = Path(notebooks_dir) if notebooks_dir else None
        params, _, _ = prepare(given, nb_dir)
        target = report_dir(Path(out_root), params)
        why = "forced" if force else out_of_date(target, params, pdf=pdf)
        if why is None:
            return BatchResult(code, "skipped", time.perf_counter() - t, f"up to date: {target}")
        # the workers already share the cores: one notebook at a time within each report
        notes: list[str] = []
        final = run_report(
            given,
            Path(out_root),
            notebooks_dir=nb_dir,
            jobs=1,
            pdf=pdf,
            progress=lambda m: notes.append(m) if m.startswith("warning:") else None,
        )
        detail = f"{final} (rebuilt: {why})" if why != "no report yet" else str(final)
        if notes:
            detail += "; " + "; ".join(notes)
        return BatchResult(code, "done", time.perf_counter() - t, detail)
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
    pdf: bool = False,
    notebooks_dir: Path | None = None,
    progress: Callable[[str], None] = print,
) -> list[BatchResult]:
    """Build one report per municipality with ``common`` parameters; return the outcomes in input order.

    ``pdf`` prints ``report.pdf`` for every report (and rebuilds a report that lacks one).
    """
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
            r = _one(job, str(out_root), force, nb, pdf)
            results[job["municipality"]] = r
            progress(_line(i, n, r, time.perf_counter() - t0))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_one, job, str(out_root), force, nb, pdf): job for job in jobs}
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
