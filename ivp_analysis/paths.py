"""Where the project's files live: one place, resolved from the package, never from the working directory."""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the package is installed editable, so it sits next to ``data/``).
ROOT = Path(__file__).resolve().parent.parent

#: Data folder; ``IVP_DATA_DIR`` points elsewhere (for example a municipality's own copy).
DATA_DIR = Path(os.environ.get("IVP_DATA_DIR", ROOT / "data")).resolve()
RAW_DIR = DATA_DIR / "raw"
TEMPLATES_DIR = DATA_DIR / "templates"
NOTEBOOKS_DIR = ROOT / "notebooks"
PARAMS_DIR = NOTEBOOKS_DIR / "params"
REPORTS_DIR = ROOT / "reports"
LOCK_FILE = ROOT / "requirements.lock"


def relative_to_root(path: str | Path) -> str:
    """Return ``path`` relative to the repository root when it lies inside it.

    Examples
    --------
    >>> relative_to_root(ROOT / "data" / "raw")
    'data/raw'
    >>> relative_to_root("/elsewhere/file.csv")
    '/elsewhere/file.csv'
    """
    p = Path(path).resolve()
    for base in (ROOT, DATA_DIR.parent):
        try:
            return p.relative_to(base).as_posix()
        except ValueError:
            continue
    return p.as_posix()


def portable(path: str | Path) -> str:
    """Return how a report records an input path: relative to the repository when inside it.

    A path outside the repository stays absolute; :func:`resolve_input` reads both back.

    Examples
    --------
    >>> portable(ROOT / "data" / "fetched" / "47018NED-2026-11-30")
    'data/fetched/47018NED-2026-11-30'
    >>> portable("/elsewhere/download.csv")
    '/elsewhere/download.csv'
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def resolve_input(path: str | Path) -> Path:
    """Return the file or folder an input path names: absolute, or relative to the repository.

    Examples
    --------
    >>> resolve_input("data/raw") == ROOT / "data" / "raw"
    True
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else ROOT / p
