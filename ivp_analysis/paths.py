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
