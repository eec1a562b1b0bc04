"""The disk cache never survives a change of its input data or code, and can be switched off."""

import pytest

from ivp_analysis import cache


@pytest.fixture
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setenv("IVP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("IVP_NO_CACHE", raising=False)
    return tmp_path


def test_a_changed_input_is_never_served_from_the_cache(cache_in):
    data = cache_in / "input.csv"
    data.write_text("a\n1\n")
    builds = []

    def build():
        builds.append(data.read_text())
        return data.read_text()

    k1 = cache.key(files=[data])
    assert cache.cached("t", k1, build) == "a\n1\n"
    assert cache.cached("t", k1, build) == "a\n1\n"
    assert len(builds) == 1  # the second call came from the cache
    data.write_text("a\n2\n")  # same size, other content
    k2 = cache.key(files=[data])
    assert k2 != k1
    assert cache.cached("t", k2, build) == "a\n2\n"
    assert len(builds) == 2


def test_the_key_depends_on_the_package_source_and_settings(cache_in, monkeypatch):
    data = cache_in / "input.csv"
    data.write_text("x")
    before = cache.key(files=[data])
    # the key holds the hash of every source file of the package (the manifest's code hash)
    monkeypatch.setattr(cache, "_code_key", lambda: "another source tree")
    assert cache.key(files=[data]) != before
    assert cache.key(files=[data], extra=1) != cache.key(files=[data], extra=2)


def test_the_code_key_covers_subpackages():
    from ivp_analysis import hashing

    names = {p.relative_to(hashing.PACKAGE_DIR).as_posix() for p in hashing.package_source_files()}
    assert "cache.py" in names and "_version.py" in names
    assert any("/" in n for n in names), "modules in subpackages are part of the code hash"


def test_switched_off_and_damaged_entries(cache_in, monkeypatch):
    calls = []
    k = cache.key(extra="x")
    cache.cached("t", k, lambda: calls.append(1) or 1)
    (cache_in / "cache" / "t" / f"{k}.pickle").write_bytes(b"not a pickle")
    assert cache.cached("t", k, lambda: calls.append(1) or 2) == 2  # rebuilt, not trusted
    monkeypatch.setenv("IVP_NO_CACHE", "1")
    assert cache.cached("t", k, lambda: calls.append(1) or 3) == 3
    assert len(calls) == 3


def test_memoize_sees_the_arguments_and_the_default_files(cache_in):
    import pandas as pd

    table = cache_in / "phases.csv"
    table.write_text("fase\nlockdown\n")
    calls = []

    @cache.memoize("t", files=[table])
    def count_rows(frame, extra=None):
        # reads the file when no extra table is given, like covid.phase_summary
        calls.append(1)
        return len(frame) + len((extra or table.read_text()).splitlines())

    f = pd.DataFrame({"x": [1, 2]})
    assert count_rows(f) == 4 and count_rows(f.copy()) == 4
    assert len(calls) == 1  # the same content came from the cache
    assert count_rows(f.assign(x=[1, 3])) == 4 and len(calls) == 2  # other content
    table.write_text("fase\nlockdown\navondklok\n")
    assert count_rows(f) == 5 and len(calls) == 3  # the default file changed
    assert count_rows.uncached(f) == 5 and len(calls) == 4
