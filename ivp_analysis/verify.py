"""``ivp verify``: prove that a report follows from its inputs.

1. Every input named in the manifest must still have its SHA-256 (a changed input is reported by
   name before anything runs); the notebooks too.
2. The report's result tables must still have the hashes the manifest recorded (a hand edit shows).
3. The report is re-run from scratch (no caches) into a temporary folder with the same parameters,
   and every result table is compared cell by cell with the report's.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ivp_analysis import manifest, paths
from ivp_analysis.errors import VerificationError

#: Relative tolerance for numbers that differ only in the last digits (another BLAS, another CPU).
REL_TOL = 1e-9


@dataclass
class Difference:
    """One differing cell, row or file."""

    file: str
    line: int | None
    column: str | None
    report_value: str | None
    rerun_value: str | None
    what: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.report_value is None and self.rerun_value is None:
            return f"{where}: {self.what}"
        return f"{where}: {self.what}: report has {self.report_value!r}, re-run gives {self.rerun_value!r}"


@dataclass
class Outcome:
    """What verification found."""

    inputs_checked: int = 0
    changed_inputs: list[str] = field(default_factory=list)
    edited_results: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    tables_compared: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed_inputs or self.edited_results or self.differences)


def check_inputs(man: dict) -> tuple[int, list[str]]:
    """Return (number checked, list of 'path: reason') for inputs and notebooks that changed."""
    rep = man["reproducible"]
    changed = []
    entries = rep["inputs"] + rep["notebooks"]
    for e in entries:
        p = paths.ROOT / e["path"]
        if not p.exists():
            changed.append(f"{e['path']}: missing")
        elif manifest.sha256_file(p) != e["sha256"]:
            changed.append(f"{e['path']}: SHA-256 differs from the manifest (file changed)")
    recorded = {e["path"] for e in rep["inputs"]}
    for p in manifest.input_files():
        rel = paths.relative_to_root(p)
        if rel not in recorded:
            changed.append(f"{rel}: new input file, not in the manifest")
    return len(entries), changed


def compare_tables(name: str, report_text: str, rerun_text: str) -> list[Difference]:
    """Compare two CSV texts cell by cell; numbers equal to ``REL_TOL`` count as equal.

    Examples
    --------
    >>> d = compare_tables("t.csv", "a,b\\n1,2\\n", "a,b\\n1,3\\n")
    >>> str(d[0])
    "t.csv, line 2, column 'b': value differs: report has '2', re-run gives '3'"
    """
    if report_text == rerun_text:
        return []
    a = list(csv.reader(io.StringIO(report_text)))
    b = list(csv.reader(io.StringIO(rerun_text)))
    diffs: list[Difference] = []
    if not a or not b or a[0] != b[0]:
        return [Difference(name, 1, None, ",".join(a[0]) if a else "", ",".join(b[0]) if b else "",
                           "header differs")]  # fmt: skip
    header = a[0]
    for i in range(1, max(len(a), len(b))):
        line = i + 1
        if i >= len(a):
            diffs.append(
                Difference(name, line, None, None, ",".join(b[i]), "row missing in the report")
            )
            continue
        if i >= len(b):
            diffs.append(
                Difference(name, line, None, ",".join(a[i]), None, "row not produced by the re-run")
            )
            continue
        for j, col in enumerate(header):
            va = a[i][j] if j < len(a[i]) else ""
            vb = b[i][j] if j < len(b[i]) else ""
            if va != vb and not _close(va, vb):
                diffs.append(Difference(name, line, col, va, vb, "value differs"))
    return diffs


def _close(a: str, b: str) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=0.0) or (math.isnan(x) and math.isnan(y))


def verify(
    report: str | Path, *, progress: Callable[[str], None] = print, rerun: bool = True
) -> Outcome:
    """Verify a report folder; see the module docstring for the three checks.

    Raises
    ------
    VerificationError
        When the folder has no readable manifest.
    """
    from ivp_analysis.report import run_report

    report = Path(report)
    man_path = report / "manifest.json"
    if not man_path.exists():
        raise VerificationError(
            f"{report}: no manifest.json; is this a report folder made by 'ivp report'?"
        )
    try:
        man = manifest.read(man_path)
        rep = man["reproducible"]
    except (ValueError, KeyError) as exc:
        raise VerificationError(f"{man_path}: not a readable manifest ({exc})") from None
    out = Outcome()
    out.inputs_checked, out.changed_inputs = check_inputs(man)
    lock = rep.get("lock_file")
    if (
        lock
        and paths.LOCK_FILE.exists()
        and manifest.sha256_file(paths.LOCK_FILE) != lock["sha256"]
    ):
        out.warnings.append("requirements.lock differs from the one the report was made with")
    if rep.get("package", {}).get("code_sha256") not in (None, manifest.code_sha256()):
        out.warnings.append(
            "the ivp_analysis source code differs from the code the report was made with"
        )
    versions = manifest.package_versions()
    for name, version in rep.get("packages", {}).items():
        if versions.get(name) != version:
            out.warnings.append(
                f"{name} {versions.get(name)} installed, report made with {version}"
            )
    if out.changed_inputs:
        progress(
            f"{len(out.changed_inputs)} input file(s) changed since the report was made; not re-running"
        )
        return out
    progress(f"{out.inputs_checked} inputs and notebooks unchanged (SHA-256)")
    for e in rep["results"]:
        local = report / e["path"]
        if not local.exists():
            out.edited_results.append(f"{e['path']}: missing from the report")
        elif manifest.sha256_file(local) != e["sha256"]:
            out.edited_results.append(
                f"{e['path']}: SHA-256 differs from the manifest (edited after the run)"
            )
    if not rerun:
        return out
    progress("re-running the report from scratch to compare every result table ...")
    with tempfile.TemporaryDirectory(prefix="ivp-verify-") as tmp:
        old = os.environ.get("IVP_NO_CACHE")
        os.environ["IVP_NO_CACHE"] = "1"
        try:
            notebooks_dir = (paths.ROOT / rep["notebooks"][0]["path"]).parent
            fresh = run_report(rep["parameters"], Path(tmp), notebooks_dir=notebooks_dir,
                               progress=lambda m: progress("  " + m))  # fmt: skip
        finally:
            if old is None:
                os.environ.pop("IVP_NO_CACHE", None)
            else:
                os.environ["IVP_NO_CACHE"] = old
        mine = {p.name: p for p in (report / "results").glob("*.csv")}
        theirs = {p.name: p for p in (fresh / "results").glob("*.csv")}
        for name in sorted(mine.keys() | theirs.keys()):
            if name not in theirs:
                out.differences.append(Difference(f"results/{name}", None, None, None, None,
                                                  "not produced by the re-run"))  # fmt: skip
            elif name not in mine:
                out.differences.append(Difference(f"results/{name}", None, None, None, None,
                                                  "produced by the re-run but missing in the report"))  # fmt: skip
            else:
                out.tables_compared += 1
                out.differences += compare_tables(
                    f"results/{name}",
                    mine[name].read_text(encoding="utf-8"),
                    theirs[name].read_text(encoding="utf-8"),
                )
    return out
