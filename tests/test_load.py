"""Tests of ivp_analysis.load: one hand-made fixture per format, the shipped files, the CLI.

Expected rows were worked out by hand from the fixtures (tests/fixtures/README.md says where
each figure comes from); facts about the shipped files come from their PROVENANCE.md or are
recounted here with the csv and json modules, independently of the loader.
"""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ivp_analysis import FORMATS, TIDY_COLUMNS, detect_format, load_table, refs
from ivp_analysis.cli import main
from ivp_analysis.errors import InputFileError
from ivp_analysis.load import EXTRA_COLUMNS
from ivp_analysis.paths import RAW_DIR, ROOT

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS_DIR = FIXTURES / "formats"
MALFORMED = FIXTURES / "malformed"
NAN = None  # a withheld value in the expected rows


def Y(year):
    return pd.Period(str(year), "Y")


def M(month):
    return pd.Period(month, "M")


def rows(df: pd.DataFrame) -> list[tuple]:
    """Return (region, period, code, value, status, unit) per row, None for NaN."""
    return [
        (r.region, r.period, r.code, None if math.isnan(r.value) else r.value, r.status, r.unit)
        for r in df.itertuples()
    ]


def value(df: pd.DataFrame, region: str, code: str, period: pd.Period) -> float:
    hit = df[(df.region == region) & (df.code == code) & (df.period == period)]
    assert len(hit) == 1, (region, code, period, len(hit))
    return hit["value"].iloc[0]


# --------------------------------------------------------------------------- format fixtures

FIXTURE_FORMATS = {
    "odata_typed_47018.csv": "odata-typed",
    "odata_typed_47018.json": "odata-typed",
    "cbsodata_labels_83648.csv": "cbsodata-labels",
    "cbsodatar_47018": "cbsodatar-folder",
    "politie_long_jaar.csv": "politie-download-long",
    "politie_long_maand.csv": "politie-download-long",
    "politie_wide_jaar.csv": "politie-download-wide",
    "politie_tabel_47013_totaal.csv": "politie-download-table",
    "politie_tabel_perioden_rijen.csv": "politie-download-table",
    "politie_tabel_soorten.csv": "politie-download-table",
    "ivp_plan.csv": "ivp-plan",
    "template_semicolon.csv": "municipal-template",
    "template_comma.csv": "municipal-template",
}


def test_every_fixture_is_listed():
    assert {p.name for p in FORMATS_DIR.iterdir()} == set(FIXTURE_FORMATS)


@pytest.mark.parametrize("name", sorted(FIXTURE_FORMATS))
def test_fixture_format_and_tidy_shape(name):
    df = load_table(FORMATS_DIR / name)
    assert detect_format(FORMATS_DIR / name) == FIXTURE_FORMATS[name]
    assert df.attrs["format"] == FIXTURE_FORMATS[name]
    extras = [c for c in EXTRA_COLUMNS if c in df]
    assert list(df.columns) == TIDY_COLUMNS + extras
    assert set(df["status"]) <= {"provisional", "final", "unknown"}
    assert all(isinstance(p, pd.Period) for p in df["period"])
    cell_file = f"tests/fixtures/formats/{name}" + ("/data.csv" if "." not in name else "")
    assert (df["file"] == cell_file).all()  # a cbsodataR folder: the file that holds the cells
    assert df["value"].dtype == float
    assert not df["region_name"].isna().any()
    assert not df["label"].isna().any()


@pytest.mark.parametrize("name", sorted(FIXTURE_FORMATS))
def test_every_key_reads_back_its_raw_cell(name):
    # the key of each tidy row names the cell it was read from: read back, it gives the value
    df = load_table(FORMATS_DIR / name)
    assert df["key"].map(bool).all()
    for r in df.itertuples():
        raw = str(refs.read_cell(ROOT / r.file, r.key)["value"]).strip()
        if pd.isna(r.value):
            # withheld (empty, ".", null), the plan's footnote "1.", or a region that did not exist
            assert raw in ("", ".", "None", "1.", "0", "0.0") or raw.endswith(" 1.")
        elif r.file.endswith("ivp_plan.csv"):  # the plan's cell as printed: "1.674", "251 145"
            assert format(r.value, "g") in raw.replace(".", "").replace(",", ".").split()
        else:
            assert float(raw.replace(",", ".")) == r.value


def test_key_names_line_and_column():
    df = load_table(FORMATS_DIR / "politie_tabel_47013_totaal.csv")
    row = df[(df.region == "GM1926") & (df.period == Y(2023))].iloc[0]
    # line 8 of the file, the third field: "Pijnacker-Nootdorp";"1641";"1663";...
    assert (row.file, row.key) == (
        "tests/fixtures/formats/politie_tabel_47013_totaal.csv",
        "line/8/#3",
    )
    js = load_table(RAW_DIR / "politie-47018ned-gemeente-selected-types" / "data.json")
    hit = js[(js.region == "GM1926") & (js.code == "1.1.1") & (js.period == Y(2023))].iloc[0]
    assert hit.key == "counts/1.1.1/GM1926/2023" and hit.value == 37


def test_odata_typed_csv():
    df = load_table(FORMATS_DIR / "odata_typed_47018.csv")
    assert rows(df) == [
        ("GM0363", Y(2017), "1.1.1", 4598.0, "unknown", "misdrijven"),
        ("GM0599", Y(2017), "1.1.1", 2411.0, "unknown", "misdrijven"),
        ("GM1926", Y(2017), "1.1.1", 103.0, "unknown", "misdrijven"),
        ("GM1926", Y(2018), "1.1.1", 92.0, "unknown", "misdrijven"),
        ("GM1926", Y(2019), "1.1.1", 80.0, "unknown", "misdrijven"),
        ("GM1926", Y(2017), "1.2.2", 20.0, "unknown", "misdrijven"),
        ("GM1926", Y(2017), "1.4.1", NAN, "unknown", "misdrijven"),
    ]
    assert df["region_name"].tolist()[:3] == ["Amsterdam", "Rotterdam", "Pijnacker-Nootdorp"]
    assert df.loc[df.code == "1.1.1", "label"].iloc[0] == "Diefstal/inbraak woning"


def test_odata_typed_json():
    df = load_table(FORMATS_DIR / "odata_typed_47018.json")
    assert rows(df) == [
        ("GM1926", Y(2020), "1.1.1", 73.0, "unknown", "misdrijven"),
        ("GM1926", Y(2021), "1.1.1", 61.0, "unknown", "misdrijven"),
        ("GM1926", Y(2022), "1.1.1", 76.0, "unknown", "misdrijven"),
        ("GM1926", Y(2020), "1.2.2", 43.0, "unknown", "misdrijven"),
        ("GM1926", Y(2021), "1.2.2", 37.0, "unknown", "misdrijven"),
        ("GM1926", Y(2022), "1.2.2", 32.0, "unknown", "misdrijven"),
        ("GM1926", Y(2022), "1.4.1", NAN, "unknown", "misdrijven"),
    ]


def test_cbsodata_labels_map_back_to_codes():
    df = load_table(FORMATS_DIR / "cbsodata_labels_83648.csv")
    t = "0.0.0"  # CBS "Misdrijven, totaal" is recoded to the police total
    u = "misdrijven"
    assert rows(df) == [
        ("GM0363", Y(2020), t, 71020.0, "unknown", u),
        ("GM0599", Y(2020), t, 50875.0, "unknown", u),
        ("GM0738", Y(2019), t, NAN, "unknown", u),  # Aalburg, merged into Altena in 2019
        ("GM0893", Y(2020), t, 370.0, "unknown", u),  # "Bergen (L.)"
        ("GM1926", Y(2017), t, 1695.0, "unknown", u),
        ("GM1926", Y(2018), t, 1455.0, "unknown", u),
        ("GM1926", Y(2019), t, 1665.0, "unknown", u),
        ("GM1926", Y(2020), t, 1800.0, "unknown", u),
        ("NL", Y(2020), t, 808030.0, "unknown", u),
    ]
    notes = dict(zip(df["region"] + " " + df["period"].astype(str), df["note"], strict=True))
    assert notes["GM0738 2019"] == "alle maten 0: gemeente bestond niet in dit jaar"
    assert notes["GM1926 2017"] == ""
    assert (df["source"] == "CBS 83648NED").all()


def test_cbsodatar_folder_takes_status_from_perioden():
    df = load_table(FORMATS_DIR / "cbsodatar_47018")
    u = "misdrijven"
    assert rows(df) == [
        ("GM1926", Y(2022), "1.1.1", 76.0, "final", u),
        ("GM1926", Y(2023), "1.1.1", 37.0, "final", u),
        ("GM1926", Y(2024), "1.1.1", 54.0, "provisional", u),
        ("GM1926", Y(2022), "1.2.2", 32.0, "final", u),
        ("GM1926", Y(2023), "1.2.2", 34.0, "final", u),
        ("GM1926", Y(2024), "1.2.2", 21.0, "provisional", u),
        ("GM1926", Y(2024), "1.4.1", NAN, "provisional", u),
    ]


def test_police_long_annual_download():
    df = load_table(FORMATS_DIR / "politie_long_jaar.csv")
    u = "misdrijven"
    assert rows(df) == [
        ("GM0363", Y(2022), "1.1.1", 1731.0, "unknown", u),
        ("GM0599", Y(2022), "1.1.1", 1153.0, "unknown", u),
        ("GM1926", Y(2021), "1.1.1", 61.0, "unknown", u),
        ("GM1926", Y(2022), "1.1.1", 76.0, "unknown", u),
        ("GM1926", Y(2022), "1.2.2", 32.0, "unknown", u),
        ("GM1926", Y(2021), "1.4.1", NAN, "unknown", u),  # empty cell
        ("GM1926", Y(2022), "1.4.1", NAN, "unknown", u),  # "." cell
    ]
    assert (df["source"] == "Politie open data").all()


def test_police_long_monthly_download_with_dutch_month_names():
    df = load_table(FORMATS_DIR / "politie_long_maand.csv")
    u = "misdrijven"
    assert rows(df) == [
        ("GM1926", M("2021-12"), "1.4.1", NAN, "unknown", u),
        ("GM1926", M("2022-01"), "1.4.1", NAN, "unknown", u),
        ("NL", M("2021-11"), "0.0.0", 66660.0, "unknown", u),
        ("NL", M("2021-12"), "0.0.0", 60526.0, "unknown", u),
        ("NL", M("2022-01"), "0.0.0", 60352.0, "unknown", u),
        ("NL", M("2021-12"), "1.1.1", 2461.0, "unknown", u),
        ("NL", M("2022-01"), "1.1.1", 2197.0, "unknown", u),
    ]
    assert {p.freqstr for p in df["period"]} == {"M"}


def test_police_wide_download_fills_blank_labels_and_marks_provisional():
    df = load_table(FORMATS_DIR / "politie_wide_jaar.csv")
    u, p, k = "misdrijven", "provisional", "unknown"
    assert rows(df) == [
        ("GM0363", Y(2022), "1.1.1", 1731.0, k, u),
        ("GM0363", Y(2023), "1.1.1", 1781.0, k, u),
        ("GM0363", Y(2024), "1.1.1", 1679.0, p, u),
        ("GM0599", Y(2022), "1.1.1", 1153.0, k, u),
        ("GM0599", Y(2023), "1.1.1", 1268.0, k, u),
        ("GM0599", Y(2024), "1.1.1", 965.0, p, u),
        ("GM1926", Y(2022), "1.1.1", 76.0, k, u),
        ("GM1926", Y(2023), "1.1.1", 37.0, k, u),
        ("GM1926", Y(2024), "1.1.1", 54.0, p, u),
        ("GM1926", Y(2022), "1.2.2", 32.0, k, u),
        ("GM1926", Y(2023), "1.2.2", 34.0, k, u),
        ("GM1926", Y(2024), "1.2.2", 21.0, p, u),
        ("GM1926", Y(2022), "1.4.1", NAN, k, u),  # empty
        ("GM1926", Y(2023), "1.4.1", NAN, k, u),  # "."
        ("GM1926", Y(2024), "1.4.1", NAN, p, u),  # empty
    ]


def test_plan_table_reads_printed_figures():
    df = load_table(FORMATS_DIR / "ivp_plan.csv")
    k = "unknown"
    assert rows(df) == [
        ("GM1926", Y(2017), "0.0.0", 1674.0, k, "misdrijven"),  # printed "1.674"
        ("GM1926", Y(2017), "3.9.1", 158.0, k, "misdrijven"),  # "158 1."
        ("GM1926", Y(2019), "3.9.1", 251.0, k, "misdrijven"),  # "251 145"
        ("GM1926", Y(2017), "3.9.1-online", NAN, k, "misdrijven"),
        ("GM1926", Y(2019), "3.9.1-online", 145.0, k, "misdrijven"),
        ("GM1926", Y(2023), "budget.ivp", 95000.0, k, "EUR"),  # "€ 95.000"
        ("GM1926", Y(2017), "inc.verward_gedrag", NAN, k, "incidenten"),  # "1."
        ("GM1926", Y(2017), "lemon.veiligheid", 7.6, k, "rapportcijfer (1-10)"),  # "7,6"
    ]
    note = dict(zip(df["code"] + " " + df["period"].astype(str), df["note"], strict=True))
    footnote = "niet beschikbaar (voetnoot '1.' in het plan)"
    assert note["3.9.1-online 2017"] == footnote
    assert note["inc.verward_gedrag 2017"] == footnote
    assert note["3.9.1 2017"] == ""
    assert note["lemon.veiligheid 2017"] == "periode in het plan: 2016/2017"
    assert df.loc[df.code == "3.9.1-online", "label"].tolist() == ["w.v. met online handel"] * 2


def test_template_with_semicolons():
    df = load_table(FORMATS_DIR / "template_semicolon.csv")
    u, p = "misdrijven", "provisional"
    assert rows(df) == [
        ("GM1926", Y(2023), "1.1.1", 37.0, "final", u),  # "definitief"
        ("GM1926", Y(2024), "1.1.1", 54.0, p, u),  # "voorlopig"
        ("GM1926", Y(2025), "1.1.1", 51.0, p, u),  # "2025*", status empty
        ("GM1926", Y(2024), "1.2.2", 21.0, p, u),
        ("GM1926", Y(2024), "1.4.1", NAN, p, u),
    ]
    assert (df["source"] == "Politie 47018NED").all()
    assert df["note"].iloc[-1] == "niet gepubliceerd op gemeenteniveau"


def test_template_with_commas_and_survey_columns():
    df = load_table(FORMATS_DIR / "template_comma.csv")
    r = "rapportcijfer (1-10)"
    assert rows(df) == [
        ("GM1926", Y(2022), "0.0.0", 1641.0, "unknown", "misdrijven"),
        ("GM1926", Y(2021), "ivm.veiligheid", 7.8, "final", r),
        ("GM1926", Y(2021), "lemon.veiligheid", 7.9, "final", r),
        ("NL", M("2020-03"), "0.0.0", 60933.0, "unknown", "misdrijven"),
    ]
    assert df["respondents"].tolist()[1] == 412.0
    assert df["margin_95"].tolist()[1] == 0.2
    assert df["respondents"].isna().tolist() == [True, False, True, True]
    assert (df["source"] == "gemeente (eigen registratie)").all()


# --------------------------------------------------------------------------- shipped files


@pytest.fixture(scope="module")
def municipal():
    return load_table(RAW_DIR / "politie-47018ned-gemeente-selected-types" / "data.json")


def test_shipped_47018_json_gm1926_figures(municipal):
    burglary = [103, 92, 80, 73, 61, 76]
    vehicles = [20, 30, 39, 43, 37, 32]
    for year, b, v in zip(range(2017, 2023), burglary, vehicles, strict=True):
        assert value(municipal, "GM1926", "1.1.1", Y(year)) == b
        assert value(municipal, "GM1926", "1.2.2", Y(year)) == v
    assert value(municipal, "GM0363", "1.1.1", Y(2022)) == 1731
    assert value(municipal, "GM0599", "1.1.1", Y(2022)) == 1153
    assert value(municipal, "GM1926", "population_avg", Y(2022)) == 57122


def test_shipped_47018_json_counts_and_status(municipal):
    doc = json.loads(
        (RAW_DIR / "politie-47018ned-gemeente-selected-types" / "data.json").read_text()
    )
    n_counts = sum(
        len(years) for by_region in doc["counts"].values() for years in by_region.values()
    )
    n_population = sum(len(years) for years in doc["population"].values())
    assert len(municipal) == n_counts + n_population
    crimes = municipal[municipal.code != "population_avg"]
    provisional = crimes["period"].map(lambda p: p.year in (2024, 2025))
    assert (crimes.loc[provisional, "status"] == "provisional").all()
    assert (crimes.loc[~provisional, "status"] == "final").all()
    assert value(municipal, "GM1926", "1.1.1", Y(2024)) == 54


def test_shipped_47025_annual_national_total():
    df = load_table(RAW_DIR / "politie-47025ned-47021ned-nl-annual" / "NL_Crime.csv")
    assert len(df) == 59 * 12  # 59 labels x 2012-2023 (PROVENANCE)
    assert value(df, "NL", "0.0.0", Y(2019)) == 803646
    assert value(df, "NL", "0.0.0", Y(2017)) == 816603
    nuisance = load_table(RAW_DIR / "politie-47025ned-47021ned-nl-annual" / "NL_Disorder.csv")
    assert len(nuisance) == 9 * 12
    assert value(nuisance, "NL", "overlast.totaal", Y(2020)) == 510172
    assert "0.0.0" not in set(nuisance["code"])  # the nuisance total cannot pass for crime


def test_shipped_47022_monthly_withheld_series_are_nan():
    path = RAW_DIR / "politie-47022ned-nl-monthly" / "NL_Crime.csv"
    df = load_table(path)
    with open(path, newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    assert len(df) == len(raw) == 59 * 127
    totals: dict[str, int] = {}
    for r in raw:
        totals[r["crime_type_code"]] = totals.get(r["crime_type_code"], 0) + int(r["frequency"])
    zero_codes = {code for code, total in totals.items() if total == 0}
    assert "1.4.1" in zero_codes  # 47025NED counts ~7,000-9,000 sexual offences a year
    assert int(df["value"].isna().sum()) == 127 * len(zero_codes)
    assert set(df.loc[df["value"].isna(), "code"]) == zero_codes
    assert value(df, "NL", "0.0.0", M("2020-03")) == 60933
    assert value(df, "NL", "0.0.0", M("2020-04")) == 56465


def test_shipped_83648_cbsodata_rows_of_zeros_are_nan():
    path = RAW_DIR / "cbs-83648ned-gemeente-2010-2020" / "voorspelmodel.csv"
    df = load_table(path)
    with open(path, newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    measures = [c for c in raw[0] if c.rsplit("_", 1)[-1].isdigit()]
    assert len(measures) == 6
    all_zero = sum(1 for r in raw if all(float(r[c]) == 0 for c in measures))
    assert len(df) == len(raw) == 4323
    assert int(df["value"].isna().sum()) == all_zero
    assert all_zero > 0
    assert (
        df.loc[df["value"].isna(), "note"] == "alle maten 0: gemeente bestond niet in dit jaar"
    ).all()
    assert value(df, "GM1926", "0.0.0", Y(2017)) == 1695
    assert value(df, "GM0893", "0.0.0", Y(2020)) == 370  # "Bergen (L.)"


def test_shipped_83648_geojson_and_population():
    geo = load_table(RAW_DIR / "cbs-83648ned-gemeente-2022" / "dataframe.geojson")
    assert len(geo) == 345
    assert value(geo, "GM1926", "0.0.0", Y(2022)) == 1660
    pop_path = RAW_DIR / "cbs-83648ned-gemeente-2022" / "pop.csv"
    pop = load_table(pop_path)
    with open(pop_path, newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    assert len(pop) == len(raw) == 475
    assert int(pop["value"].isna().sum()) == sum(1 for r in raw if not r["Populatie"].strip())
    assert value(pop, "GM1926", "population_jan1", Y(2022)) == 56572
    assert value(pop, "NL", "population_jan1", Y(2022)) == 17590672


def test_shipped_83474_cbsodatar_folder_and_derived_file():
    folder = RAW_DIR / "cbs-83474ned-population-nl-monthly"
    df = load_table(folder)
    with open(folder / "data.csv", newline="", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    assert len(df) == len(raw)
    assert value(df, "NL", "population_start", Y(2020)) == 17407585
    assert value(df, "NL", "population_start", M("2020-02")) == 17413971
    assert df.loc[df["period"] == M("2022-06"), "status"].tolist() == ["provisional"]
    assert df.loc[df["period"] == Y(2020), "status"].tolist() == ["final"]
    derived = load_table(folder / "NL_Population.csv")
    assert len(derived) == sum(1 for r in raw if "MM" in r["Perioden"])
    assert value(derived, "NL", "population_start", M("2020-01")) == 17407585


def test_shipped_plan_figures():
    df = load_table(RAW_DIR / "ivp-2023-2026" / "politiecijfers_2017_2022.csv")
    with open(RAW_DIR / "ivp-2023-2026" / "politiecijfers_2017_2022.csv", encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    assert len(df) == len(raw) + sum(1 for r in raw if r["sub_code"])
    footnotes = [r for r in raw if r["printed"] == "1."] + [
        r for r in raw if r["printed"].endswith(" 1.")
    ]
    nan = df[df["value"].isna()]
    assert len(nan) == len(footnotes) == 6
    assert nan["note"].str.contains("voetnoot '1.'").all()
    assert value(df, "GM1926", "3.9.1", Y(2017)) == 158
    assert math.isnan(value(df, "GM1926", "3.9.1-online", Y(2017)))
    assert value(df, "GM1926", "3.9.1-online", Y(2019)) == 145
    assert value(df, "GM1926", "1.1.1", Y(2020)) == 72  # the plan's own figure (police: 73)
    assert math.isnan(value(df, "GM1926", "inc.verward_gedrag", Y(2017)))

    surveys = load_table(RAW_DIR / "ivp-2023-2026" / "veiligheidsmonitor_scores.csv")
    assert value(surveys, "GM1926", "lemon.veiligheid", Y(2017)) == 7.6  # printed "7,6"
    assert value(surveys, "GM1926", "ivm.veiligheid", Y(2021)) == 7.8
    budget = load_table(RAW_DIR / "ivp-2023-2026" / "begroting.csv")
    assert budget["value"].tolist() == [95000.0, 190000.0, 190000.0, 190000.0]


CODE_LISTS = {
    "DataProperties.csv",
    "Perioden.csv",
    "TableInfos.csv",
    "SoortMisdrijf.csv",
    "WijkenEnBuurten.csv",
    "RegioS.csv",
    "Overlast.csv",
    "misdrijf_meta.csv",
}
RAW_FILES = sorted(
    p.relative_to(RAW_DIR).as_posix()
    for p in RAW_DIR.rglob("*")
    if p.is_file() and p.suffix.lower() not in (".md",)
)


def test_every_raw_file_is_covered():
    assert len(RAW_FILES) >= 21  # data/raw/README.md: 21 data files, plus the plan's three


@pytest.mark.parametrize("rel", RAW_FILES)
def test_every_raw_file_loads_or_is_a_code_list(rel):
    path = RAW_DIR / rel
    if path.name in CODE_LISTS:
        with pytest.raises(InputFileError, match="code list"):
            load_table(path)
    else:
        df = load_table(path)
        assert len(df) > 0
        assert df.attrs["format"] in FORMATS


def test_every_format_is_exercised():
    shipped = {
        "politie-47018-json",
        "politie-47022-monthly",
        "politie-annual-labels",
        "cbs-population-monthly",
        "cbs-population-jan1",
        "cbs-83648-geojson",
        "cbs-85984-buurt-population",
    }
    assert set(FIXTURE_FORMATS.values()) | shipped == set(FORMATS)


# --------------------------------------------------------------------------- command line


def _ivp() -> list[str]:
    exe = Path(sys.executable).with_name("ivp")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ivp_analysis.cli"]


def test_cli_load_prints_the_format():
    out = subprocess.run(
        [*_ivp(), "load", str(FORMATS_DIR / "politie_wide_jaar.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("format: politie-download-wide (")
    assert "withheld (NaN): 3" in out.stdout


def test_cli_load_bad_file_prints_one_error_line_and_exits_2():
    out = subprocess.run(
        [*_ivp(), "load", str(MALFORMED / "truncated_quote.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("ivp: error: ")
    assert "truncated_quote.csv, line 3" in lines[0]
    assert out.stdout == ""


@pytest.mark.parametrize("name", ["decimal_comma.csv", "workbook.xlsx", "cbsodatar_without_data"])
def test_cli_main_on_bad_input(name, capsys):
    assert main(["load", str(MALFORMED / name)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ivp: error: ")
    assert name in lines[0]


def test_cli_load_mixed_frequencies(capsys):
    # years (JJ00) and months (MMnn) in one table: the summary must not compare them
    assert main(["load", str(RAW_DIR / "cbs-83474ned-population-nl-monthly")]) == 0
    assert "periods: 357 (1995 .. 2022-06)" in capsys.readouterr().out
