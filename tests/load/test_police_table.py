"""The police site's table download (stacked header block) and the municipality years behind it.

Expected values are read off the hand-made fixtures (tests/fixtures/README.md says which shipped
file each figure comes from); the municipality years are facts of the redivisions checked by hand
against the shipped files (data.json population keys, voorspelmodel.csv zero rows).
"""

import math
from pathlib import Path

import pandas as pd
import pytest

from ivp_analysis import codes, load_table
from ivp_analysis.errors import InputFileError

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"


def _values(df: pd.DataFrame) -> dict:
    return {
        (r.region, str(r.period), r.code): (None if math.isnan(r.value) else r.value, r.status)
        for r in df.itertuples()
    }


def test_47013_total_download_regions_as_rows():
    df = load_table(FORMATS / "politie_tabel_47013_totaal.csv")
    got = _values(df)
    assert got[("GM1926", "2023", "0.0.0")] == (1663.0, "unknown")
    assert got[("GM1926", "2024", "0.0.0")] == (1771.0, "provisional")
    assert got[("GM1926", "2022", "0.0.0")] == (1641.0, "unknown")
    assert got[("NL", "2023", "0.0.0")] == (802043.0, "unknown")
    assert got[("NL", "2024", "0.0.0")] == (None, "provisional")
    assert got[("RE06", "2023", "0.0.0")] == (None, "unknown")  # "Den Haag (RE)"
    assert len(df) == 9
    assert set(df["unit"]) == {"misdrijven"}
    assert df.attrs["format"] == "politie-download-table"


def test_other_orientation_comma_unquoted():
    df = load_table(FORMATS / "politie_tabel_perioden_rijen.csv")
    got = _values(df)
    assert got[("GM1926", "2022", "1.1.1")] == (76.0, "unknown")
    assert got[("GM1926", "2024", "1.1.1")] == (54.0, "provisional")
    assert got[("GM0518", "2023", "1.1.1")] == (740.0, "unknown")  # 's-Gravenhage
    assert got[("NL", "2024", "1.1.1")] == (None, "provisional")
    assert len(df) == 12


def test_two_column_dimensions():
    df = load_table(FORMATS / "politie_tabel_soorten.csv")
    got = _values(df)
    assert got[("GM1926", "2023", "1.4.5")] == (86.0, "unknown")
    assert got[("GM0363", "2022", "1.4.5")] == (3947.0, "unknown")
    assert got[("NL", "2022", "1.1.1")] == (24414.0, "unknown")
    assert sorted(set(df["code"])) == ["1.1.1", "1.4.5"]
    assert len(df) == 16


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("quoted", [True, False])
@pytest.mark.parametrize("bom", [True, False])
def test_every_delimiter_quoting_and_bom(tmp_path, delimiter, quoted, bom):
    lines = [
        ["Geregistreerde misdrijven en aangiften"],
        ["Soort misdrijf: Totaal misdrijven"],
        [],
        ["Onderwerp", "Geregistreerde misdrijven", "Geregistreerde misdrijven"],
        ["Perioden", "2023", "2024*"],
        ["Regio's", "aantal", "aantal"],
        ["Pijnacker-Nootdorp", "1663", "1771"],
        ["Bron: Politie"],
    ]
    q = '"' if quoted else ""
    text = "\n".join(delimiter.join(f"{q}{c}{q}" for c in line) for line in lines) + "\n"
    path = tmp_path / "download.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    got = _values(load_table(path))
    assert got == {
        ("GM1926", "2023", "0.0.0"): (1663.0, "unknown"),
        ("GM1926", "2024", "0.0.0"): (1771.0, "provisional"),
    }


def test_boundary_year_comes_from_the_title_else_the_data(tmp_path):
    # Altena (GM1959) began in 2019: a table of 2018 boundaries cannot hold it.
    body = (
        '"Onderwerp";"Geregistreerde misdrijven"\n"Perioden";"2018"\n'
        '"Regio\'s";"aantal"\n"Altena";"900"\n"Bron: Politie"\n'
    )
    path = tmp_path / "altena.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"did not exist in 2018.*which existed 2019"):
        load_table(path)
    path.write_text('"Misdrijven; gemeente 2024"\n' + body, encoding="utf-8")
    assert _values(load_table(path)) == {("GM1959", "2018", "0.0.0"): (900.0, "unknown")}


def test_municipality_years_follow_the_redivisions():
    years = codes.municipality_years().set_index("region")
    # mergers: Aalburg, Werkendam, Woudrichem into Altena (2019); Appingedam, Delfzijl and
    # Loppersum into Eemsdelta (2021); Brielle, Hellevoetsluis, Westvoorne into Voorne aan Zee (2023)
    for gone, last in [
        ("GM0738", 2018),
        ("GM0870", 2018),
        ("GM0874", 2018),
        ("GM0003", 2020),
        ("GM0010", 2020),
        ("GM0024", 2020),
        ("GM0501", 2022),
        ("GM0614", 2022),
    ]:
        assert years.loc[gone, "last_year"] == last, gone
    for new, first in [("GM1959", 2019), ("GM1979", 2021), ("GM1992", 2023), ("GM1980", 2022)]:
        assert years.loc[new, "first_year"] == first, new
        assert math.isnan(years.loc[new, "last_year"])
    # a renaming with a new code: De Friese Meren (GM1921, 2014-2015) became De Fryske Marren
    assert years.loc["GM1921", ["first_year", "last_year"]].tolist() == [2014, 2015]
    assert years.loc["GM1940", "first_year"] == 2016
    assert codes.existed_in("GM1926", 2012) and codes.existed_in("GM1926", 2025)
    assert codes.existed_in("GM9999", 2020) is None
