"""Issue 14 end to end: current data in a real report.

1. The police table download of 47013NED (the fixture holds GM1926's 2023 total, 1,663, as the police
   publish it) given as ``--input`` makes the total-crime indicator assessable for 2023; the data
   chapter shows the override and the file's vintage; the manifest hashes the file (outside the
   repository) and ``ivp verify`` passes, then fails naming it once it is changed or gone.
2. ``ivp fetch`` against the replay server (real HTTP, real cbsodata) writes snapshots that
   ``ivp report --data fetched`` uses; a figure changed on the server reaches the result tables.
"""

import csv
import importlib.util
import json
import shutil

import pytest

from ivp_analysis.cli import main
from ivp_analysis.hashing import sha256_file
from ivp_analysis.paths import ROOT
from ivp_analysis.verify import verify

FIXTURE = ROOT / "tests" / "fixtures" / "formats" / "politie_tabel_47013_totaal.csv"
ODATA = ROOT / "tests" / "fixtures" / "odata"


def rows(report, name):
    with open(report / "results" / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def one(table, **where):
    hit = [r for r in table if all(r[k] == v for k, v in where.items())]
    assert len(hit) == 1, (where, len(hit))
    return hit[0]


@pytest.fixture(scope="module")
def with_download(tmp_path_factory):
    """A default report with the 47013NED download, copied to a folder outside the repository."""
    tmp = tmp_path_factory.mktemp("download")
    download = tmp / "47013NED_totaal_misdrijven.csv"
    shutil.copyfile(FIXTURE, download)
    argv = ["report", "--municipality", "GM1926", "--moment", "tussenevaluatie-2024"]
    assert main([*argv, "--input", str(download), "--out", str(tmp / "reports")]) == 0
    return tmp / "reports" / "GM1926" / "tussenevaluatie-2024", download


def test_the_total_crime_indicator_is_assessable_for_2023(with_download):
    report, download = with_download
    total = one(rows(report, "indicators"), indicator_id="misdrijven_totaal")
    assert total["status"] != "not assessable: no data"
    assert (total["baseline_period"], total["baseline_value"]) == ("2022", "1641")
    assert (total["eval_period"], total["eval_value"]) == ("2023", "1663")
    # both figures are cells of the download: line 8 ("Pijnacker-Nootdorp"), fields 2 and 3
    assert total["source_file"] == str(download)
    assert total["source_key"] == "line/8/#2; line/8/#3"
    # without the download the plan's table ends in 2022: the shipped default says no data
    # (tests/indicators check that); burglary is untouched by a file without burglary figures
    assert one(rows(report, "indicators"), indicator_id="woninginbraak")["eval_value"] == "37"


def test_the_data_chapter_lists_the_overrides_and_the_vintage(with_download):
    report, download = with_download
    over = rows(report, "data_overrides")
    plan = one(over, dataset="plan_figures", region="GM1926", period="2022")
    assert (plan["shipped_value"], plan["added_value"], plan["replaced"]) == (
        "1641",
        "1641",
        "false",
    )
    cbs = one(over, dataset="cbs_totals_2022", region="GM1926")
    assert (cbs["shipped_value"], cbs["added_value"], cbs["replaced"]) == ("1660", "1641", "false")
    nl = one(over, dataset="national_annual_crime", region="NL", period="2023")
    assert (nl["added_value"], nl["replaced"], nl["source_key"]) == ("802043", "true", "line/7/#3")
    vintage = one(rows(report, "data_inputs"), input=str(download))
    assert (vintage["format"], vintage["last_period"], vintage["provisional"]) == (
        "politie-download-table",
        "2024",
        "2024",
    )
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "Toegevoegde bestanden en hun editie" in page and download.name in page
    assert "Meegeleverde cijfers waarvoor een toegevoegd bestand een cijfer heeft" in page
    assert f"toegevoegd: {download.name}" in page  # the summary's data vintage
    # the wijk section computes the shortfall against the added 2023 total: 1,663 - 1,648
    assert "15 misdrijven (0,9 %) kon de politie niet aan een buurt toewijzen" in page


def test_the_download_is_hashed_and_verified(with_download, tmp_path):
    report, download = with_download
    man = json.loads((report / "manifest.json").read_text())["reproducible"]
    assert man["added_inputs"] == [str(download)]
    entry = one(man["inputs"], path=str(download))
    assert entry["sha256"] == sha256_file(download)
    out = verify(report, progress=lambda m: None)
    assert out.ok, out.problems
    # a changed and a missing input are named before anything runs
    saved = download.read_bytes()
    try:
        download.write_bytes(saved.replace(b'"1663"', b'"1664"'))
        changed = verify(report, progress=lambda m: None, rerun=False)
        assert changed.problems == [
            f"{download}: input file changed (SHA-256 differs from the manifest)"
        ]
        download.unlink()
        gone = verify(report, progress=lambda m: None, rerun=False)
        assert gone.problems == [f"{download}: input file missing"]
    finally:
        download.write_bytes(saved)


def test_a_bad_input_stops_the_report_before_anything_runs(tmp_path, capsys):
    argv = ["report", "--municipality", "GM1926", "--out", str(tmp_path / "reports")]
    bad = ROOT / "tests" / "fixtures" / "malformed" / "thousands_separator.csv"
    assert main([*argv, "--input", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "thousands_separator.csv, line 2, column 'value'" in err
    assert main([*argv, "--input", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv not found" in capsys.readouterr().err
    assert main([*argv, "--data", "fetched", "--fetched-dir", str(tmp_path / "empty")]) == 2
    assert "no snapshot" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()  # nothing written


# --------------------------------------------------------------------------- fetch + report


@pytest.fixture
def replay():
    spec = importlib.util.spec_from_file_location("replay", ODATA / "replay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fetch_then_report_with_the_fetched_data(replay, tmp_path, capsys):
    # the server publishes a revised 2023 burglary count for GM1926: 41 instead of the shipped 37
    rows_47018 = replay.tables()["47018NED"]["TypedDataSet"]
    cell = next(
        r
        for r in rows_47018
        if r["SoortMisdrijf"].strip() == "1.1.1"
        and r["WijkenEnBuurten"].strip() == "GM1926"
        and r["Perioden"] == "2023JJ00"
    )
    assert cell["GeregistreerdeMisdrijven_1"] == 37
    cell["GeregistreerdeMisdrijven_1"] = 41
    repo_fetched = sorted((ROOT / "data" / "fetched").glob("*"))
    srv = replay.start(page_size=100)
    try:
        fetched = tmp_path / "fetched"
        code = main(
            ["fetch", "--municipality", "GM1926", "--base-url", srv.base_url, "--out", str(fetched)]
        )
    finally:
        srv.shutdown()
        srv.server_close()
    assert code == 0
    written = capsys.readouterr()
    assert "skipped: 47021NED" in written.err  # the replay holds no municipal nuisance figures
    names = sorted(
        p.name.rsplit("-", 3)[0] for p in fetched.iterdir() if not p.name.startswith(".")
    )
    assert names == ["47018NED", "70072ned"]

    argv = ["report", "--municipality", "GM1926", "--moment", "tussenevaluatie-2024"]
    out = tmp_path / "reports"
    assert main([*argv, "--data", "fetched", "--fetched-dir", str(fetched), "--out", str(out)]) == 0
    report = out / "GM1926" / "tussenevaluatie-2024"
    snapshot = next(fetched.glob("47018NED-*"))
    burglary = one(rows(report, "trends"), region="GM1926", code="1.1.1", year="2023")
    assert burglary["count"] == "41"
    assert burglary["source_file"] == str(snapshot / "data.csv")
    assert burglary["source_key"].startswith("line/")
    assert one(rows(report, "indicators"), indicator_id="woninginbraak")["eval_value"] == "41"
    change = one(
        rows(report, "data_overrides"),
        dataset="municipal_crime",
        code="1.1.1",
        period="2023",
        region="GM1926",
    )
    assert (change["shipped_value"], change["added_value"], change["replaced"]) == (
        "37",
        "41",
        "true",
    )
    tables = {r["table"]: r for r in rows(report, "data_inputs")}
    assert set(tables) == {"47018NED", "70072ned"}
    assert tables["47018NED"]["published"] == "2024-08-15"  # the table's Modified (TableInfos)
    man = json.loads((report / "manifest.json").read_text())["reproducible"]
    assert sorted(man["added_inputs"]) == sorted(str(p) for p in fetched.glob("*-*") if p.is_dir())
    hashed = {e["path"] for e in man["inputs"]}
    assert {str(snapshot / "data.csv"), str(snapshot / "PROVENANCE.json")} <= hashed
    # the repository's own data/fetched was not touched
    assert sorted((ROOT / "data" / "fetched").glob("*")) == repo_fetched
