"""``ivp verify``: prove that a report follows from its inputs and was not changed afterwards.

1. Every input and every source notebook named in the manifest must still have its SHA-256 (a
   changed input is reported by name before anything runs).
2. Every file of the report folder must still have the SHA-256 the manifest recorded:
   ``index.html``, ``parameters.yaml``, each executed notebook, ``report.pdf`` (when made) and
   each result table. A missing, changed or unexpected file is named.
3. The report is re-run from scratch (no caches) into a temporary folder with the same
   parameters; every result table is compared cell by cell and ``index.html`` byte for byte,
   except the parts marked volatile (the generation date; :func:`ivp_analysis.html.strip_volatile`).

A changed package source, lock file, Python version or package version is a warning; with
``strict`` it makes verification fail.
"""

from __future__ import annotations

import csv
import io
import math
import os
import platform
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ivp_analysis import manifest, paths
from ivp_analysis.errors import VerificationError

#: Relative tolerance for numbers that differ only in the last digits (another BLAS, another CPU).
REL_TOL = 1e-9
#: Files in a report folder that the manifest does not list by hash.
UNLISTED = frozenset({"manifest.json"})


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
    """What verification found.

    ``changed_inputs`` names changed input files and source notebooks, ``changed_files``
    changed, missing or unexpected report files, ``differences`` what the re-run made
    differently, and ``environment`` changes of code, lock, Python or packages (fatal only when
    ``strict``).
    """

    inputs_checked: int = 0
    notebooks_checked: int = 0
    files_checked: int = 0
    changed_inputs: list[str] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    tables_compared: int = 0
    html_compared: bool = False
    environment: list[str] = field(default_factory=list)
    strict: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every reason the report is not verified, one line each."""
        fatal_env = self.environment if self.strict else []
        return [*self.changed_inputs, *fatal_env, *self.changed_files, *map(str, self.differences)]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_inputs(man: dict) -> tuple[int, int, list[str]]:
    """Return (inputs checked, source notebooks checked, problems) against the manifest."""
    rep = man["reproducible"]
    changed = []
    for kind, entries in (("input file", rep["inputs"]), ("source notebook", rep["notebooks"])):
        for e in entries:
            p = paths.ROOT / e["path"]
            if not p.exists():
                changed.append(f"{e['path']}: {kind} missing")
            elif manifest.sha256_file(p) != e["sha256"]:
                changed.append(f"{e['path']}: {kind} changed (SHA-256 differs from the manifest)")
    recorded = {e["path"] for e in rep["inputs"]}
    for p in manifest.input_files():
        rel = paths.relative_to_root(p)
        if rel not in recorded:
            changed.append(f"{rel}: new input file, not in the manifest")
    return len(rep["inputs"]), len(rep["notebooks"]), changed


def check_report_files(report: Path, man: dict) -> tuple[int, list[str]]:
    """Return (report files checked, problems): missing, changed or unexpected files.

    The report files are those of the manifest's ``report_files`` (``index.html``,
    ``parameters.yaml``, the executed notebooks, ``report.pdf``) and the result tables.
    """
    report = Path(report)
    entries = [*man.get("report_files", []), *man["reproducible"].get("results", [])]
    problems = []
    for e in entries:
        local = report / e["path"]
        if not local.is_file():
            problems.append(f"{e['path']}: report file missing")
        elif manifest.sha256_file(local) != e["sha256"]:
            problems.append(
                f"{e['path']}: report file changed after the run (SHA-256 differs from the manifest)"
            )
    listed = {e["path"] for e in entries} | UNLISTED
    if "report_files" in man:  # manifests before version 2 list only the result tables
        for p in sorted(report.rglob("*")):
            rel = p.relative_to(report).as_posix()
            if p.is_file() and rel not in listed and not p.name.startswith("."):
                problems.append(f"{rel}: unexpected file, not in the manifest")
    return len(entries), problems


def check_environment(man: dict) -> list[str]:
    """Return how this environment differs from the report's: code, lock, Python, packages."""
    rep = man["reproducible"]
    changes = []
    if rep.get("package", {}).get("code_sha256") not in (None, manifest.code_sha256()):
        changes.append(
            "the ivp_analysis source code differs from the code the report was made with"
        )
    lock = rep.get("lock_file")
    if lock and paths.LOCK_FILE.exists():
        if manifest.sha256_file(paths.LOCK_FILE) != lock["sha256"]:
            changes.append("requirements.lock differs from the one the report was made with")
    if rep.get("python") not in (None, platform.python_version()):
        changes.append(f"Python {platform.python_version()} runs, report made with {rep['python']}")
    versions = manifest.package_versions()
    for name, version in rep.get("packages", {}).items():
        if versions.get(name) != version:
            changes.append(f"{name} {versions.get(name)} installed, report made with {version}")
    return changes


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
        found = ",".join(a[0]) if a else ""
        made = ",".join(b[0]) if b else ""
        return [Difference(name, 1, None, found, made, "header differs")]
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


def compare_html(name: str, report_text: str, rerun_text: str) -> list[Difference]:
    """Compare two HTML reports byte for byte after blanking their volatile parts.

    Returns the first differing line (the files are long: one line is enough to find it).

    Examples
    --------
    >>> a = '<p><time data-ivp-volatile>1 mei</time></p>\\n<p>Daling van 52 %</p>\\n'
    >>> b = '<p><time data-ivp-volatile>2 mei</time></p>\\n<p>Daling van 25 %</p>\\n'
    >>> compare_html("index.html", a, a.replace("1 mei", "3 mei"))
    []
    >>> str(compare_html("index.html", a, b)[0])
    "index.html, line 2: differs from the re-run: report has '<p>Daling van 52 %</p>', re-run gives '<p>Daling van 25 %</p>'"
    """
    from ivp_analysis.html import strip_volatile

    mine, theirs = strip_volatile(report_text), strip_volatile(rerun_text)
    if mine == theirs:
        return []
    a, b = mine.splitlines(), theirs.splitlines()
    for i in range(max(len(a), len(b))):
        la = a[i] if i < len(a) else None
        lb = b[i] if i < len(b) else None
        if la != lb:
            return [
                Difference(
                    name, i + 1, None, _excerpt(la, lb), _excerpt(lb, la), "differs from the re-run"
                )
            ]
    return [Difference(name, None, None, None, None, "differs from the re-run (line endings)")]


def _excerpt(text: str | None, other: str | None, width: int = 120) -> str | None:
    """Return up to ``width`` characters of ``text`` around where it first differs from ``other``."""
    if text is None or len(text) <= width:
        return text
    other = other or ""
    k = next((i for i, (x, y) in enumerate(zip(text, other, strict=False)) if x != y), len(other))
    start = max(0, k - width // 2)
    return ("…" if start else "") + text[start : start + width] + "…"


def _close(a: str, b: str) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=REL_TOL, abs_tol=0.0) or (math.isnan(x) and math.isnan(y))


def read_manifest(report: Path) -> dict:
    """Read a report's manifest or raise :class:`VerificationError` saying why it cannot."""
    man_path = Path(report) / "manifest.json"
    if not man_path.exists():
        raise VerificationError(
            f"{report}: no manifest.json; is this a report folder made by 'ivp report'?"
        )
    try:
        man = manifest.read(man_path)
        for key in ("inputs", "notebooks", "parameters"):
            if key not in man["reproducible"]:
                raise KeyError(f"no reproducible.{key}")
    except (ValueError, KeyError, TypeError) as exc:
        raise VerificationError(f"{man_path}: not a readable manifest ({exc})") from None
    return man


def verify(
    report: str | Path,
    *,
    progress: Callable[[str], None] = print,
    rerun: bool = True,
    strict: bool = False,
) -> Outcome:
    """Verify a report folder; see the module docstring for the three checks.

    Raises
    ------
    VerificationError
        When the folder has no readable manifest.
    """
    report = Path(report)
    man = read_manifest(report)
    out = Outcome(strict=strict)
    out.inputs_checked, out.notebooks_checked, out.changed_inputs = check_inputs(man)
    out.environment = check_environment(man)
    if not strict:
        out.warnings += [f"{c} (fatal with --strict)" for c in out.environment]
    if "report_files" not in man:
        out.warnings.append(
            "the manifest (version 1) lists no report files: index.html and the executed "
            "notebooks are not checked; rebuild the report"
        )
    if out.changed_inputs:
        progress(
            f"{len(out.changed_inputs)} input file(s) or source notebook(s) changed since the "
            "report was made; not re-running"
        )
        return out
    progress(
        f"{out.inputs_checked} input files and {out.notebooks_checked} source notebooks "
        "unchanged (SHA-256)"
    )
    out.files_checked, out.changed_files = check_report_files(report, man)
    if rerun:
        _compare_with_rerun(report, man, out, progress)
    return out


def _compare_with_rerun(report: Path, man: dict, out: Outcome, progress) -> None:
    """Re-run the report into a temporary folder and compare tables and index.html."""
    from ivp_analysis.report import run_report

    rep = man["reproducible"]
    progress("re-running the report from scratch to compare every result table and index.html ...")
    with tempfile.TemporaryDirectory(prefix="ivp-verify-") as tmp:
        old = os.environ.get("IVP_NO_CACHE")
        os.environ["IVP_NO_CACHE"] = "1"
        try:
            notebooks_dir = (paths.ROOT / rep["notebooks"][0]["path"]).parent
            fresh = run_report(
                rep["parameters"],
                Path(tmp),
                notebooks_dir=notebooks_dir,
                progress=lambda m: progress("  " + m),
            )
        finally:
            if old is None:
                os.environ.pop("IVP_NO_CACHE", None)
            else:
                os.environ["IVP_NO_CACHE"] = old
        mine = {p.name: p for p in (report / "results").glob("*.csv")}
        theirs = {p.name: p for p in (fresh / "results").glob("*.csv")}
        for name in sorted(mine.keys() | theirs.keys()):
            where = f"results/{name}"
            if name not in theirs:
                out.differences.append(
                    Difference(where, None, None, None, None, "not produced by the re-run")
                )
            elif name not in mine:
                what = "produced by the re-run but missing in the report"
                out.differences.append(Difference(where, None, None, None, None, what))
            else:
                out.tables_compared += 1
                out.differences += compare_tables(
                    where,
                    mine[name].read_text(encoding="utf-8"),
                    theirs[name].read_text(encoding="utf-8"),
                )
        page = report / "index.html"
        if page.is_file():
            out.html_compared = True
            out.differences += compare_html(
                "index.html",
                page.read_text(encoding="utf-8"),
                (fresh / "index.html").read_text(encoding="utf-8"),
            )
