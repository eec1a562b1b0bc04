"""The report manifest: what a report was made from, so an auditor can check and reproduce it.

Everything under ``reproducible`` is the same for two runs with the same inputs, parameters
and software; the ``run`` block (times, host) is kept apart and is never compared, and so is
``report_files``: the SHA-256 of every file of this run's folder (``index.html``,
``parameters.yaml``, the executed notebooks, ``report.pdf``), which carry run times and the
generation date. ``ivp verify`` checks that none of them changed after the run.
"""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from ivp_analysis import paths, tables
from ivp_analysis._version import __version__
from ivp_analysis.hashing import package_sha256 as code_sha256
from ivp_analysis.hashing import sha256_file
from ivp_analysis.vocab import ADDED_DATASET

#: Packages whose versions go into every manifest.
KEY_PACKAGES = (
    "ivp-analysis",
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbformat",
    "nbclient",
    "ipykernel",
    "mistune",
    "jinja2",
    "pyyaml",
)
#: Version 2 adds ``report_files`` and ``reproducible.data_vintage``; version 3 the added
#: inputs (hashed in ``reproducible.inputs``, named in ``reproducible.added_inputs``) and
#: ``reproducible.tables`` (the functions that made each result table).
MANIFEST_VERSION = 3
#: The files of a report folder besides the result tables, in the order they are listed.
REPORT_FILES = ("index.html", "parameters.yaml", "report.pdf")


#: Sub-folder of the data folder with ``ivp fetch`` snapshots: an input only when a report adds one.
FETCHED = "fetched"


def input_files(data_dir: Path | None = None) -> list[Path]:
    """Return every input file the reports read without being asked: all files under the data
    folder except the fetched snapshots (a report that adds one lists it in its ``inputs``)."""
    d = data_dir or paths.DATA_DIR
    return sorted(
        p
        for p in d.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.relative_to(d).parts[0] != FETCHED
        and not any(part.startswith(".") for part in p.relative_to(d).parts)
    )


def added_files(inputs: list[str] | tuple[str, ...]) -> list[Path]:
    """Return every file of the report's added inputs (each file of a snapshot folder)."""
    out: list[Path] = []
    for given in inputs:
        p = paths.resolve_input(given)
        out += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    return out


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
            r = subprocess.run(
                ["git", "-C", str(root), *args],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def build(
    parameters: dict,
    notebooks: list[Path],
    results: list[Path],
    run: dict,
    report_dir: Path | None = None,
    vintage: list[dict] | None = None,
) -> dict:
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
        The report folder: result paths are made relative to it (``results/name.csv``) and its
        report files (:func:`report_file_entries`) are hashed.
    vintage : list of dict, optional
        The data vintage (:func:`data_vintage`); computed when not given.
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
    added = list(parameters.get("inputs") or [])
    shipped = input_files()
    extra = [f for f in added_files(added) if f not in set(shipped)]
    reproducible = {
        "package": {"name": "ivp-analysis", "version": __version__, "code_sha256": code_sha256()},
        "parameters": dict(sorted(parameters.items())),
        "notebooks": file_entries(notebooks),
        "inputs": file_entries(shipped + extra),
        "added_inputs": added,
        "lock_file": (
            {"path": paths.relative_to_root(lock), "sha256": sha256_file(lock)}
            if lock.exists()
            else None
        ),
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
        ],
        "data_vintage": data_vintage(added) if vintage is None else vintage,
        "tables": tables.makers([p.stem for p in results]),
    }
    return {
        "manifest_version": MANIFEST_VERSION,
        "reproducible": reproducible,
        "report_files": report_file_entries(report_dir) if report_dir else [],
        "warnings": warnings,
        "run": run,
    }


def report_file_entries(report_dir: Path) -> list[dict]:
    """Return path, size and SHA-256 of the report files in ``report_dir`` that exist.

    These are ``index.html``, ``parameters.yaml``, ``report.pdf`` and every executed notebook
    (``notebooks/*.ipynb``); the result tables are listed under ``reproducible.results``.
    """
    report_dir = Path(report_dir)
    files = [report_dir / name for name in REPORT_FILES]
    files += sorted((report_dir / "notebooks").glob("*.ipynb"))
    return [
        {
            "path": p.relative_to(report_dir).as_posix(),
            "bytes": p.stat().st_size,
            "sha256": sha256_file(p),
        }
        for p in files
        if p.is_file()
    ]


# --------------------------------------------------------------------------- data vintage

#: A date in a PROVENANCE file on which the source table was modified by its publisher.
_PUBLISHED = re.compile(r"\bModified\s+(\d{4}-\d{2}-\d{2})")
#: A date on which the copy was taken: the upstream commit that added or changed the files,
#: written as "(data added in c879487, 2022-08-26)" or "(last changed 85e0c5a 2024-01-30)".
_RETRIEVED = re.compile(r"\b(?:added|changed)\s+(?:in\s+)?[0-9a-f]{7,40},?\s+(\d{4}-\d{2}-\d{2})")


def provenance_dates(text: str) -> dict[str, str | None]:
    """Return the latest publication and retrieval dates named in a ``PROVENANCE.md`` text.

    Examples
    --------
    >>> provenance_dates("Commit: abc (data added in c879487, 2022-08-26). TableInfos: "
    ...                  "Modified 2022-07-28; (last changed 85e0c5a 2022-09-01)")
    {'published': '2022-07-28', 'retrieved': '2022-09-01'}
    >>> provenance_dates("no dates here")
    {'published': None, 'retrieved': None}
    """
    published = _PUBLISHED.findall(text)
    retrieved = _RETRIEVED.findall(text)
    return {
        "published": max(published) if published else None,
        "retrieved": max(retrieved) if retrieved else None,
    }


def source_name(description: str) -> str:
    """Return the short source name that opens a data set's description.

    Examples
    --------
    >>> source_name("Politie 47018NED: geregistreerde misdrijven per gemeente")
    'Politie 47018NED'
    >>> source_name("IVP 2023-2026, paragraaf 1.1: politiecijfers")
    'IVP 2023-2026'
    """
    return re.split(r"[:,]", description, maxsplit=1)[0].strip()


def data_vintage(added: list[str] | tuple[str, ...] = ()) -> list[dict]:
    """Return, per folder of shipped data and per added input, its sources, periods and dates.

    One entry per folder of ``datasets.SHIPPED`` (in that order): ``folder``, ``sources``
    (short names such as ``Politie 47018NED``), ``first_period`` and ``last_period`` of the
    figures, ``provisional`` (periods marked provisional), and ``published`` and ``retrieved``
    from the folder's ``PROVENANCE.md`` (``None`` where it names no such date). Then one entry
    per added input (:func:`added_vintage`).
    """
    from ivp_analysis import datasets

    folders: dict[str, dict] = {}
    for name, (rel, description) in datasets.SHIPPED.items():
        where = paths.DATA_DIR / Path(rel).parts[0] / Path(rel).parts[1]
        entry = folders.setdefault(
            paths.relative_to_root(where), {"sources": [], "periods": [], "provisional": set()}
        )
        if source_name(description) not in entry["sources"]:
            entry["sources"].append(source_name(description))
        df = datasets.get(name)
        entry["periods"] += list(df["period"].dropna().unique())
        entry["provisional"] |= {str(p) for p in df.loc[df["status"] == "provisional", "period"]}
    out = []
    for folder, entry in folders.items():
        prov = paths.ROOT / folder / "PROVENANCE.md"
        text = prov.read_text(encoding="utf-8") if prov.exists() else ""
        ordered = sorted(entry["periods"], key=lambda p: (p.end_time, p.start_time))
        out.append(
            {
                "folder": folder,
                "sources": entry["sources"],
                "first_period": str(min(entry["periods"], key=lambda p: p.start_time)),
                "last_period": str(ordered[-1]),
                "provisional": sorted(entry["provisional"]),
                **provenance_dates(text),
            }
        )
    return out + added_vintage(added)


def added_vintage(added: list[str] | tuple[str, ...]) -> list[dict]:
    """Return the vintage entry of each added input, in the shape of :func:`data_vintage`.

    A fetched snapshot gives its table, the table's ``Modified`` date and the retrieval date
    (``PROVENANCE.json``); another file only its periods.
    """
    from ivp_analysis import datasets

    out = []
    for v in datasets.vintages(added).to_dict("records"):
        name = v["table"] or Path(v["input"]).name
        out.append(
            {
                "folder": v["input"],
                "sources": [f"{ADDED_DATASET}: {name}"],
                "first_period": v["first_period"],
                "last_period": v["last_period"],
                "provisional": [x for x in v["provisional"].split(", ") if x],
                "published": v["published"] or None,
                "retrieved": v["retrieved"] or None,
            }
        )
    return out


def write(manifest: dict, path: Path) -> None:
    """Write the manifest as sorted, indented JSON (stable bytes for the same content)."""
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def read(path: Path) -> dict:
    """Read a manifest."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def python_executable() -> str:
    """Return the interpreter running the pipeline (recorded in the run block only)."""
    return sys.executable
