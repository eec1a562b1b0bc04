"""SHA-256 of files, folders, the package's source and in-memory values: the one hasher.

The manifest, the disk cache and ``ivp verify`` all identify inputs and code through these
functions, so a file is hashed one way everywhere.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

#: The package folder; its ``*.py`` files (all subpackages) are "the code" of a report.
PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=512)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    # size and mtime are part of the memo key so an edited file is hashed again
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_file(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "abc.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    st = Path(path).stat()
    return _file_sha256(str(path), st.st_size, st.st_mtime_ns)


def sha256_path(path: str | Path) -> str:
    """Return the SHA-256 of a file, or of every file in a folder (relative names and contents)."""
    p = Path(path)
    if not p.is_dir():
        return sha256_file(p)
    h = hashlib.sha256()
    for f in sorted(x for x in p.rglob("*") if x.is_file()):
        h.update(f.relative_to(p).as_posix().encode() + b"\0" + sha256_file(f).encode())
    return h.hexdigest()


def package_source_files() -> list[Path]:
    """Return every Python source file of the package, subpackages included, sorted by path."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def package_sha256() -> str:
    """Return one SHA-256 over the package's source files (relative names and contents).

    It identifies the code even when the working tree has uncommitted changes; the manifest
    records it and every disk-cache key contains it, so a change of any module computes afresh.
    """
    h = hashlib.sha256()
    for p in package_source_files():
        h.update(p.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        h.update(sha256_file(p).encode() + b"\0")
    return h.hexdigest()


def content_sha256(obj: object) -> str:
    """Return a SHA-256 of the content of a value: frames and arrays by their data, others by repr.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [1, 2]})
    >>> content_sha256(a) == content_sha256(a.copy()) != content_sha256(a.assign(x=[1, 3]))
    True
    """
    import numpy as np
    import pandas as pd

    h = hashlib.sha256()

    def feed(o: object) -> None:
        if isinstance(o, pd.DataFrame | pd.Series | pd.Index):
            h.update(type(o).__name__.encode())
            if isinstance(o, pd.DataFrame):
                h.update(repr(list(o.columns)).encode() + repr(list(o.dtypes.astype(str))).encode())
            h.update(pd.util.hash_pandas_object(o, index=True).to_numpy().tobytes())
        elif isinstance(o, np.ndarray):
            h.update(f"{o.dtype}{o.shape}".encode())
            data = o.tolist() if o.dtype == object else None
            h.update(repr(data).encode() if data is not None else np.ascontiguousarray(o).tobytes())
        elif isinstance(o, dict):
            for k in sorted(o, key=repr):
                feed(k)
                feed(o[k])
        elif isinstance(o, list | tuple):
            h.update(f"{type(o).__name__}{len(o)}".encode())
            for x in o:
                feed(x)
        elif hasattr(o, "__dataclass_fields__"):
            feed(type(o).__name__)
            feed({k: getattr(o, k) for k in o.__dataclass_fields__})
        else:
            h.update(repr(o).encode())
        h.update(b"\0")

    feed(obj)
    return h.hexdigest()
