"""``ivp fetch`` against the replay server: the real cbsodata client and real HTTP on 127.0.0.1.

The replay server (tests/fixtures/odata/replay.py) serves tables built from the shipped data, so
the expected values are figures of data/raw read independently here (data.json, the buurt excerpt).
"""

import importlib.util
import json
import socket
from pathlib import Path

import pandas as pd
import pytest

from ivp_analysis import fetch, load_table
from ivp_analysis.cli import main
from ivp_analysis.hashing import sha256_file
from ivp_analysis.paths import RAW_DIR

ODATA = Path(__file__).parent / "fixtures" / "odata"
_spec = importlib.util.spec_from_file_location("replay", ODATA / "replay.py")
replay = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(replay)
DATA = json.loads((RAW_DIR / "politie-47018ned-gemeente-selected-types" / "data.json").read_text())


@pytest.fixture
def server():
    srv = replay.start(page_size=50)
    yield srv
    srv.shutdown()
    srv.server_close()


def settings(srv, tmp_path, **kw):
    messages = []
    s = fetch.Settings(
        base_url=srv.base_url if srv else None,
        out=tmp_path / "fetched",
        backoff=0.01,
        timeout=5,
        progress=messages.append,
        **kw,
    )
    s.messages = messages
    return s


def snapshots(tmp_path):
    root = tmp_path / "fetched"
    return (
        sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
        if root.exists()
        else []
    )


def value(df, region, code, year):
    hit = df[(df.region == region) & (df.code == code) & (df.period == pd.Period(str(year), "Y"))]
    assert len(hit) == 1
    return hit.iloc[0]


def test_end_to_end_fetch_for_gm1926(server, tmp_path):
    s = settings(server, tmp_path)
    [snap] = fetch.run(["47018NED"], ["GM1926"], s)
    df = load_table(snap)
    # 12 types x 14 years of GM1926 in data.json, plus its 32 buurten of 2023: 200 rows
    assert len(df) == 12 * 14 + 32
    row = value(df, "GM1926", "1.1.1", 2023)
    assert row.value == DATA["counts"]["1.1.1"]["GM1926"]["2023"] == 37
    assert row.status == "final"  # Perioden.csv: 2023 "Definitief"
    assert value(df, "GM1926", "1.1.1", 2024).status == "provisional"
    assert value(df, "BU19260101", "0.0.0", 2023).value == 211  # the buurt excerpt's first row
    # four data pages of at most 50 rows, each followed through odata.nextLink
    data_requests = [r for r in server.requests if "/TypedDataSet" in r]
    assert len(data_requests) == 4 and "skip=150" in data_requests[-1]
    prov = json.loads((snap / "PROVENANCE.json").read_text())
    assert prov["table_modified"] == "2024-08-15T02:00:00"  # 47018NED TableInfos
    assert prov["rows"] == 200
    assert prov["filter"] == "substring(WijkenEnBuurten,2,4) eq '1926'"
    assert prov["url"].startswith(server.base_url + "/ODataFeed/odata/47018NED/TypedDataSet?")
    assert set(prov["files"]) == {p.name for p in snap.iterdir()} - {"PROVENANCE.json"}
    for name, digest in prov["files"].items():
        assert sha256_file(snap / name) == digest
    assert not (tmp_path / "fetched" / ".partial" / "47018NED").exists()


def test_cli_never_overwrites_and_population_arrives(server, tmp_path, capsys):
    out = tmp_path / "fetched"
    args = [
        "fetch",
        "--municipality",
        "GM1926",
        "--tables",
        "70072ned",
        "--base-url",
        server.base_url,
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert main(args) == 0
    names = snapshots(tmp_path)
    assert len(names) == 2 and names[1] == names[0] + "-2"
    df = load_table(out / names[1])
    pop = df[(df.code == "population_avg") & (df.region == "GM1926")]
    assert (
        pop.set_index(pop.period.astype(str))["value"]["2022"]
        == DATA["population"]["GM1926"]["2022"]
    )
    assert fetch.newest_snapshots(out)["70072ned"].name == names[1]


def test_dry_run_prints_requests_and_sends_none(server, tmp_path, capsys):
    assert (
        main(["fetch", "--municipality", "GM1926", "--dry-run", "--base-url", server.base_url]) == 0
    )
    out = capsys.readouterr().out
    assert f"GET {server.base_url}/ODataFeed/odata/47018NED/TableInfos?$format=json" in out
    assert "TypedDataSet?%24format=json&%24filter=substring%28WijkenEnBuurten%2C2%2C4%29" in out
    assert server.requests == []


def test_500_then_success_is_retried(server, tmp_path):
    server.faults = [["TypedDataSet", "500", 2]]
    s = settings(server, tmp_path)
    [snap] = fetch.run(["70072ned"], ["GM1926"], s)
    assert len(load_table(snap)) > 0
    assert sum("server error 500" in m for m in s.messages) == 2


def test_truncated_json_once_is_retried(server, tmp_path):
    server.faults = [["TypedDataSet", "truncate", 1]]
    [snap] = fetch.run(["70072ned"], ["GM1926"], settings(server, tmp_path))
    assert snap.exists()


@pytest.mark.parametrize(
    "fault, words",
    [
        (["TypedDataSet", "truncate", None], "truncated JSON"),
        (["TypedDataSet", "html", None], "HTML page (Onderhoud)"),
        (["TableInfos", "html", None], "HTML page"),
        (["TypedDataSet", "rename", None], "no column 'GeregistreerdeMisdrijven_1'"),
        (["TypedDataSet", "loop", None], "page loop"),
        (["TypedDataSet", "500", None], "gave up after 3 tries"),
    ],
)
def test_hostile_responses_fail_clearly_and_publish_nothing(server, tmp_path, fault, words):
    server.faults = [fault]
    with pytest.raises(fetch.FetchError, match=words.replace("(", r"\(").replace(")", r"\)")):
        fetch.run(["47018NED"], ["GM1926"], settings(server, tmp_path, retries=2))
    assert snapshots(tmp_path) == []
    assert fetch.newest_snapshots(tmp_path / "fetched") == {}


def test_offline_says_so(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = settings(None, tmp_path, retries=1)
    s.base_url = f"http://127.0.0.1:{port}"
    with pytest.raises(fetch.FetchError, match="cannot reach 127.0.0.1.*offline"):
        fetch.run(["47018NED"], ["GM1926"], s)
    assert snapshots(tmp_path) == []


def test_interrupted_download_resumes(server, tmp_path):
    server.faults = [["skip=100", "500", None]]  # page 3 keeps failing
    with pytest.raises(fetch.FetchError):
        fetch.run(["47018NED"], ["GM1926"], settings(server, tmp_path, retries=0))
    assert snapshots(tmp_path) == []
    server.faults, server.requests = [], []
    s = settings(server, tmp_path)
    [snap] = fetch.run(["47018NED"], ["GM1926"], s)
    pages = [r for r in server.requests if "/TypedDataSet" in r]
    assert len(pages) == 2 and "skip=100" in pages[0]  # pages 1 and 2 were not fetched again
    assert any("resuming after page 2" in m for m in s.messages)
    assert len(load_table(snap)) == 200


def test_no_rows_for_the_filter_is_a_clear_error(server, tmp_path):
    # only the national series of 47021NED is shipped, so the replay has nothing for GM1926
    with pytest.raises(
        fetch.FetchError,
        match=r"47021NED: the filter startswith\(RegioS,'GM1926'\) matched no rows",
    ):
        fetch.run(["47021NED"], ["GM1926"], settings(server, tmp_path))
    [snap] = fetch.run(["47021NED"], ["NL"], settings(server, tmp_path))
    df = load_table(snap)
    # E33 "Overlast door verward persoon", national, 2019, as NL_Disorder.csv has it
    e33 = value(df, "NL", "E33", 2019)
    assert e33.unit == "registraties"
    assert e33.value == int(
        next(
            line.split(",")[2]
            for line in (RAW_DIR / "politie-47025ned-47021ned-nl-annual" / "NL_Disorder.csv")
            .read_text()
            .splitlines()
            if line.startswith("Overlast door verward persoon,2019,")
        )
    )


def test_replay_metadata_has_the_fields_of_a_real_cbs_response(server):
    real = json.loads((ODATA / "meta_2.json").read_text())
    for table, lists in replay.tables().items():
        assert set(lists["TableInfos"][0]) == set(real["value"][0]), table
    import requests

    page = requests.get(
        f"{server.base_url}/ODataFeed/odata/47018NED/TableInfos?$format=json", timeout=5
    ).json()
    assert set(page) == set(real) == {"value", "odata.metadata"}


def test_unknown_filter_is_refused_like_the_real_service(server):
    import requests

    r = requests.get(
        f"{server.base_url}/ODataFeed/odata/47018NED/TypedDataSet?$filter=foo(x)", timeout=5
    )
    assert r.status_code == 400
