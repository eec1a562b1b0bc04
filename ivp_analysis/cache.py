"""A small on-disk cache for parsed inputs and fitted models, keyed on content, never on names.

The key of an entry is the SHA-256 of everything the value depends on: the bytes of the input
files, the package's whole source code (``hashing.package_sha256``, the hash the manifest
records), the pandas and numpy versions and any arguments. Change one byte of an input or of
any module and the old entry is simply never found again, so a cache can never survive a change
of its input data or code. ``IVP_NO_CACHE=1`` switches it off (``ivp verify`` does);
``IVP_CACHE_DIR`` moves it (default ``~/.cache/ivp-analysis``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from ivp_analysis import hashing
from ivp_analysis._version import __version__

T = TypeVar("T")


def enabled() -> bool:
    """Return whether the cache is on (``IVP_NO_CACHE`` unset or 0)."""
    return os.environ.get("IVP_NO_CACHE", "0") in ("", "0")


def cache_dir() -> Path:
    """Return the cache folder."""
    return Path(os.environ.get("IVP_CACHE_DIR", Path.home() / ".cache" / "ivp-analysis"))


@functools.cache
def _code_key() -> str:
    # the source is hashed once per process: a report never edits the package it runs
    return hashing.package_sha256()


def key(*, files: Iterable[str | Path] = (), extra: object = None) -> str:
    """Return the cache key for a value computed from ``files`` with ``extra`` settings.

    Examples
    --------
    >>> key(extra=("a", 1)) == key(extra=("a", 1)) != key(extra=("a", 2))
    True
    """
    import numpy
    import pandas

    h = hashlib.sha256()
    h.update(f"{__version__} pandas {pandas.__version__} numpy {numpy.__version__}\0".encode())
    h.update(_code_key().encode() + b"\0")
    for f in files:
        h.update(hashing.sha256_path(f).encode())
    h.update(repr(extra).encode())
    return h.hexdigest()


def cached(name: str, cache_key: str, build: Callable[[], T]) -> T:
    """Return the value stored under ``name``/``cache_key``, building and storing it when absent.

    Writes are atomic (a temporary file renamed into place), so parallel report runs never read
    half a file; an unreadable entry is rebuilt.
    """
    if not enabled():
        return build()
    path = cache_dir() / name / f"{cache_key}.pickle"
    if path.exists():
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except Exception:  # a damaged entry is rebuilt, never trusted
            path.unlink(missing_ok=True)
    value = build()
    write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    Parallel readers never see half a file. Returns False when the folder cannot be written
    (a read-only home only costs speed, so callers carry on).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        return False


def memoize(name: str, files: Iterable[str | Path] = ()):
    """Cache a pure function's result on disk, keyed on the content of its arguments and code.

    For expensive results that do not depend on the municipality (national models, all
    municipalities' models): a batch of reports computes them once. The key covers every
    argument's content (frames by their data), the package source, the bytes of ``files``
    (data files the function reads when an argument is left out) and the package versions, so
    any change of input or code computes afresh.
    """
    files = tuple(files)

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            if not enabled():
                return fn(*args, **kwargs)
            extra = (fn.__module__, fn.__qualname__, hashing.content_sha256((args, kwargs)))
            return cached(name, key(files=files, extra=extra), lambda: fn(*args, **kwargs))

        inner.uncached = fn  # type: ignore[attr-defined]
        return inner

    return wrap
