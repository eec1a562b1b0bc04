"""The disk cache never survives a change of its input data, and can be switched off."""

import pytest

from ivp_analysis import diskcache


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

    k1 = diskcache.key(files=[data], modules=["load"])
    assert diskcache.cached("t", k1, build) == "a\n1\n"
    assert diskcache.cached("t", k1, build) == "a\n1\n"
    assert len(builds) == 1  # the second call came from the cache
    data.write_text("a\n2\n")  # same size, other content
    k2 = diskcache.key(files=[data], modules=["load"])
    assert k2 != k1
    assert diskcache.cached("t", k2, build) == "a\n2\n"
    assert len(builds) == 2


def test_the_key_depends_on_code_and_settings(cache_in):
    data = cache_in / "input.csv"
    data.write_text("x")
    assert diskcache.key(files=[data], modules=["load"]) != diskcache.key(
        files=[data], modules=["codes"]
    )
    assert diskcache.key(files=[data], extra=1) != diskcache.key(files=[data], extra=2)


def test_switched_off_and_damaged_entries(cache_in, monkeypatch):
    calls = []
    k = diskcache.key(extra="x")
    diskcache.cached("t", k, lambda: calls.append(1) or 1)
    (cache_in / "cache" / "t" / f"{k}.pickle").write_bytes(b"not a pickle")
    assert diskcache.cached("t", k, lambda: calls.append(1) or 2) == 2  # rebuilt, not trusted
    monkeypatch.setenv("IVP_NO_CACHE", "1")
    assert diskcache.cached("t", k, lambda: calls.append(1) or 3) == 3
    assert len(calls) == 3


def test_memoize_sees_the_arguments_and_the_default_files(cache_in):
    import pandas as pd

    table = cache_in / "phases.csv"
    table.write_text("fase\nlockdown\n")
    calls = []

    @diskcache.memoize("t", modules=["diskcache"], files=[table])
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
