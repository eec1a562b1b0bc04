"""A small on-disk cache for parsed inputs and fitted models, keyed on content, never on names.

The key of an entry is the SHA-256 of everything the value depends on: the bytes of the input
files, the source code of the modules that compute it, the package versions and any parameters.
Change one byte of an input and the old entry is simply never found again, so a cache can never
survive a change of its input data. ``IVP_NO_CACHE=1`` switches it off (``ivp verify`` does);
``IVP_CACHE_DIR`` moves it (default ``~/.cache/ivp-analysis``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from ivp_analysis import __version__

T = TypeVar("T")
_PACKAGE_DIR = Path(__file__).resolve().parent


def enabled() -> bool:
    """Return whether the cache is on (``IVP_NO_CACHE`` unset or 0)."""
    return os.environ.get("IVP_NO_CACHE", "0") in ("", "0")


def cache_dir() -> Path:
    """Return the cache folder."""
    return Path(os.environ.get("IVP_CACHE_DIR", Path.home() / ".cache" / "ivp-analysis"))


@lru_cache(maxsize=256)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    # size and mtime are part of the memo key so an edited file is hashed again
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_digest(path: str | Path) -> str:
    """Return the SHA-256 of a file, or of every file in a folder (names and contents)."""
    p = Path(path)
    if p.is_dir():
        h = hashlib.sha256()
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            h.update(f.relative_to(p).as_posix().encode() + b"\0" + file_digest(f).encode())
        return h.hexdigest()
    st = p.stat()
    return _file_digest(str(p), st.st_size, st.st_mtime_ns)


def code_digest(modules: Iterable[str]) -> str:
    """Return the SHA-256 of the named package modules' source (e.g. ``["load", "codes"]``)."""
    h = hashlib.sha256(__version__.encode())
    for name in sorted(modules):
        h.update(name.encode() + b"\0" + (_PACKAGE_DIR / f"{name}.py").read_bytes())
    return h.hexdigest()


def key(
    *, files: Iterable[str | Path] = (), modules: Iterable[str] = (), extra: object = None
) -> str:
    """Return the cache key for a value computed from ``files`` by ``modules`` with ``extra`` settings.

    Examples
    --------
    >>> key(extra=("a", 1)) == key(extra=("a", 1)) != key(extra=("a", 2))
    True
    """
    import numpy
    import pandas

    h = hashlib.sha256()
    h.update(f"pandas {pandas.__version__} numpy {numpy.__version__}\0".encode())
    for f in files:
        h.update(file_digest(f).encode())
    h.update(code_digest(modules).encode())
    h.update(repr(extra).encode())
    return h.hexdigest()


def cached(name: str, cache_key: str, build: Callable[[], T]) -> T:
    """Return the value stored under ``name``/``cache_key``, building and storing it when absent.

    Writes are atomic (a temporary file renamed into place), so parallel report runs never read
    half a file; an unreadable entry is rebuilt.
    """
    if not enabled():
        return build()
    folder = cache_dir() / name
    path = folder / f"{cache_key}.pickle"
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


def content_digest(obj: object) -> str:
    """Return a SHA-256 of the content of a value: frames and arrays by their data, others by repr.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [1, 2]})
    >>> content_digest(a) == content_digest(a.copy()) != content_digest(a.assign(x=[1, 3]))
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
            h.update(
                np.ascontiguousarray(o).tobytes()
                if o.dtype != object
                else repr(o.tolist()).encode()
            )
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


def memoize(name: str, modules: Iterable[str], files: Iterable[str | Path] = ()):
    """Cache a pure function's result on disk, keyed on the content of its arguments and code.

    For expensive results that do not depend on the municipality (national models, all
    municipalities' models): a batch of reports computes them once. The key covers every
    argument's content (frames by their data), the source of ``modules``, the bytes of
    ``files`` (data files the function reads when an argument is left out) and the package
    versions, so any change of input or code computes afresh.
    """
    modules = tuple(modules)
    files = tuple(files)

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        import functools

        @functools.wraps(fn)
        def inner(*args, **kwargs):
            if not enabled():
                return fn(*args, **kwargs)
            k = key(files=files, modules=modules,
                    extra=(fn.__qualname__, content_digest((args, kwargs))))  # fmt: skip
            return cached(name, k, lambda: fn(*args, **kwargs))

        inner.uncached = fn  # type: ignore[attr-defined]
        return inner

    return wrap
