"""Tests of ivp_analysis.indicators.catalogue: the shipped catalogue and every kind of bad entry."""

from pathlib import Path

import pytest
import yaml

from ivp_analysis import vocab
from ivp_analysis.errors import CatalogueError
from ivp_analysis.indicators.catalogue import Source, load_catalogue

# --------------------------------------------------------------------------- shipped catalogue


def test_shipped_catalogue_covers_the_issue_list():
    cat = load_catalogue()
    by_code = {(i.source.name, i.source.code): i for i in cat}
    wanted = {
        ("plan_figures", "0.0.0"),
        ("municipal_crime", "1.1.1"),
        ("municipal_crime", "1.2.2"),
        ("municipal_crime", "1.2.1"),
        ("municipal_crime", "1.2.3"),
        ("municipal_crime", "2.5.1"),
        ("municipal_crime", "2.2.1"),
        ("municipal_crime", "1.4.5"),
        ("municipal_crime", "1.4.4"),
        ("municipal_crime", "3.1.1"),
        ("municipal_crime", "3.1.3"),
        ("plan_figures", "3.9.1-online"),
        ("plan_figures", "3.9.1"),
        ("incidenten", "inc.overlast_jeugd"),
        ("incidenten", "inc.overlast_personen"),
        ("incidenten", "inc.verward_gedrag"),
        ("incidenten", "inc.conflictbemiddeling"),
        ("handhaving", "hh.overlast_totaal"),
        ("ondermijning", "ond.meldingen"),
        ("enquetes", "ivm.veiligheid"),
        ("enquetes", "lemon.veiligheid"),
    }
    assert wanted <= set(by_code)
    assert {i.priority for i in cat} == set(vocab.PRIORITIES)
    # Drug and weapons trafficking follow enforcement; undermining reports are good news when they rise.
    for key in [
        ("municipal_crime", "3.1.1"),
        ("municipal_crime", "3.1.3"),
        ("ondermijning", "ond.meldingen"),
    ]:
        assert by_code[key].desired_direction == "interpretive"
    assert by_code[("enquetes", "ivm.veiligheid")].kind == "score"


# --------------------------------------------------------------------------- catalogue errors

_GOOD = {
    "id": "woninginbraak",
    "label": "Woninginbraak",
    "priority": "going-concern",
    "theme": "Objectieve veiligheid (§4.2)",
    "source": {"dataset": "municipal_crime", "code": "1.1.1"},
    "unit": "misdrijven",
    "desired_direction": "down",
    "kind": "count",
    "caveat": '§1.1: "Zo namen de woningbraken ... af."',
}


def _write(tmp_path: Path, entries: list[dict] | str) -> Path:
    p = tmp_path / "catalogus.yaml"
    text = (
        entries
        if isinstance(entries, str)
        else yaml.safe_dump({"indicators": entries}, allow_unicode=True)
    )
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"weight": 2}, "weight", ["unknown field", "found 'weight'"]),
        ({"label": None}, "label", ["missing field"]),
        (
            {"priority": "jeugdd"},
            "priority",
            ["found 'jeugdd'", "expected one of ondermijning, jeugd"],
        ),
        (
            {"desired_direction": "omlaag"},
            "desired_direction",
            ["found 'omlaag'", "down, up, interpretive"],
        ),
        ({"kind": "aantal"}, "kind", ["found 'aantal'", "count, score"]),
        (
            {"source": {"dataset": "municipal_crime", "template": "incidenten", "code": "1.1.1"}},
            "source",
            ["exactly one of 'dataset' or 'template'"],
        ),
        (
            {"source": {"dataset": "politie", "code": "1.1.1"}},
            "source",
            ["unknown data set", "found 'politie'"],
        ),
        (
            {"source": {"template": "onbekend", "code": "1.1.1"}},
            "source",
            ["no template file onbekend.csv"],
        ),
        (
            {"source": {"dataset": "municipal_crime", "code": "9.9.9"}},
            "source",
            ["unknown code", "own_codes.csv"],
        ),
        (
            {"source": {"dataset": "municipal_crime", "code": 1.5}},
            "source",
            ["not a text", "found 1.5"],
        ),
        (
            {"source": {"dataset": "municipal_crime", "code": "3.9.1"}},
            "source",
            ["code 3.9.1 does not occur in data set municipal_crime"],
        ),
        ({"unit": "incidenten"}, "unit", ["unit differs", "found 'incidenten'", "'misdrijven'"]),
        ({"kind": "score"}, "kind", ["kind 'score' is for survey marks"]),
        (
            {"caveat": "Een kanttekening zonder paragraaf"},
            "caveat",
            ["quote the plan with its section"],
        ),
        ({"id": "Woning Inbraak"}, "id", ["bad id", "found 'Woning Inbraak'"]),
    ],
)
def test_bad_entry_gives_a_clear_error(tmp_path, change, field, words):
    entry = {**_GOOD, **change}
    if entry.get("label") is None:
        entry.pop("label")
    good2 = {**_GOOD, "id": "tweede"}
    path = _write(tmp_path, [good2, entry])
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    msg = str(info.value)
    assert "catalogus.yaml" in msg
    assert "entry 2" in msg
    assert f"field '{field}'" in msg
    if field != "id":
        assert "indicator 'woninginbraak'" in msg
    for w in words:
        assert w in msg, (w, msg)


def test_duplicate_id_names_both_entries(tmp_path):
    path = _write(tmp_path, [_GOOD, _GOOD])
    with pytest.raises(
        CatalogueError,
        match=r"indicator 'woninginbraak' \(entry 2\), field 'id': "
        r"duplicate id \(also entry 1\)",
    ):
        load_catalogue(path)


def test_broken_yaml_and_wrong_top_level(tmp_path):
    with pytest.raises(CatalogueError, match=r"catalogus.yaml: not valid YAML on line 3"):
        load_catalogue(_write(tmp_path, "indicators:\n  - id: a\n    label: x: y\n"))
    with pytest.raises(CatalogueError, match="wrong top level"):
        load_catalogue(_write(tmp_path, "- id: a\n"))
    with pytest.raises(CatalogueError, match="wrong top level"):
        load_catalogue(_write(tmp_path, "indicators: []\nextra: 1\n"))


def test_a_template_source_names_its_file():
    assert Source("template", "incidenten", "inc.overlast_jeugd").describe() == (
        "data/templates/incidenten.csv [inc.overlast_jeugd]"
    )


def test_a_source_that_is_not_a_mapping(tmp_path):
    path = _write(tmp_path, [{**_GOOD, "source": "municipal_crime 1.1.1"}])
    with pytest.raises(CatalogueError, match=r"field 'source': source is not a mapping"):
        load_catalogue(path)
