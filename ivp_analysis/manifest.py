"""The report manifest: what a report was made from, so an auditor can check and reproduce it.

Everything under ``reproducible`` is the same for two runs with the same inputs, parameters
and software; the ``run`` block (times, host) is kept apart and is never compared.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from ivp_analysis import paths
from ivp_analysis._version import __version__
from ivp_analysis.hashing import package_sha256 as code_sha256
from ivp_analysis.hashing import sha256_file

#: Packages whose versions go into every manifest.
KEY_PACKAGES = (
    "ivp-analysis", "numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn",
    "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "mistune", "pyyaml",
)  # fmt: skip
MANIFEST_VERSION = 1


def input_files(data_dir: Path | None = None) -> list[Path]:
    """Return every input file the reports can read: all files under the data folder."""
    d = data_dir or paths.DATA_DIR
    return sorted(p for p in d.rglob("*") if p.is_file() and not p.name.startswith("."))


def file_entries(files: list[Path]) -> list[dict]:
    """Return path (relative to the repository), size and SHA-256 for each file, sorted by path."""
    entries = [
        {"path": paths.relative_to_root(p), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in files
    ]
    return sorted(entries, key=lambda e: e["path"])


def package_versions() -> dict[str, str]:
    """Return installed versions of the key packages."""
    out = {}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(root: Path | None = None) -> dict:
    """Return the git commit and whether the working tree had uncommitted changes.

    Outside a git checkout both are ``None``.
    """
    root = root or paths.ROOT

    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                               timeout=20, check=False)  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def build(parameters: dict, notebooks: list[Path], results: list[Path], run: dict,
          report_dir: Path | None = None) -> dict:  # fmt: skip
    """Assemble the manifest of a report.

    Parameters
    ----------
    parameters : dict
        The validated parameters, defaults filled in.
    notebooks : list of Path
        The source notebooks that were run.
    results : list of Path
        The result tables written (hashed so an edit can be detected).
    run : dict
        Run-time facts (start, end, duration, host): the only part that differs between runs.
    report_dir : Path, optional
        Folder the result paths are made relative to (``results/name.csv``).
    """
    git = git_state()
    warnings = []
    if git["commit"] is None:
        warnings.append(
            "not run from a git checkout: the code version is known only by package version"
        )
    elif git["dirty"]:
        warnings.append(
            "the working tree had uncommitted changes: the commit alone does not describe the code"
        )
    lock = paths.LOCK_FILE
    reproducible = {
        "package": {"name": "ivp-analysis", "version": __version__, "code_sha256": code_sha256()},
        "parameters": dict(sorted(parameters.items())),
        "notebooks": file_entries(notebooks),
        "inputs": file_entries(input_files()),
        "lock_file": (
            {"path": paths.relative_to_root(lock), "sha256": sha256_file(lock)}
            if lock.exists()
            else None
        ),  # fmt: skip
        "python": platform.python_version(),
        "packages": package_versions(),
        "git": git,
        "results": [
            {
                "path": p.relative_to(report_dir).as_posix() if report_dir else p.name,
                "bytes": p.stat().st_size,
                "sha256": sha256_file(p),
            }
            for p in sorted(results)
        ],  # fmt: skip
    }
    return {
        "manifest_version": MANIFEST_VERSION,
        "reproducible": reproducible,
        "warnings": warnings,
        "run": run,
    }


def write(manifest: dict, path: Path) -> None:
    """Write the manifest as sorted, indented JSON (stable bytes for the same content)."""
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")  # fmt: skip


def read(path: Path) -> dict:
    """Read a manifest."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def python_executable() -> str:
    """Return the interpreter running the pipeline (recorded in the run block only)."""
    return sys.executable
