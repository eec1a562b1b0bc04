"""Size classes, peer groups and the benchmark (``ivp_analysis.trends.benchmark``), worked by hand."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis import vocab
from ivp_analysis.errors import ParameterError
from ivp_analysis.trends import benchmark as bm
from ivp_analysis.trends.inputs import population_in
from ivp_analysis.vocab import SOURCE_POLICE


@pytest.mark.parametrize(
    ("population", "label"),
    [
        (9_999, "minder dan 10.000 inwoners"),
        (10_000, "10.000 tot 20.000 inwoners"),
        (19_999, "10.000 tot 20.000 inwoners"),
        (20_000, "20.000 tot 50.000 inwoners"),
        (49_999, "20.000 tot 50.000 inwoners"),
        (50_000, "50.000 tot 100.000 inwoners"),
        (99_999, "50.000 tot 100.000 inwoners"),
        (100_000, "100.000 tot 150.000 inwoners"),
        (149_999, "100.000 tot 150.000 inwoners"),
        (150_000, "150.000 tot 250.000 inwoners"),
        (249_999, "150.000 tot 250.000 inwoners"),
        (250_000, "250.000 inwoners of meer"),
    ],
)
def test_size_class_boundaries(population, label):
    assert bm.size_class([population])[0] == label


_POP = pd.Series(
    {
        "GM0001": 57_000.0,
        "GM0002": 50_000.0,
        "GM0003": 99_999.0,
        "GM0004": 100_000.0,
        "GM0005": 49_999.0,
        "GM0006": 12_000.0,
    }
)
_NAMES = {"GM0001": "Eerstedorp", "GM0002": "Tweestad", "GM0003": "Derdeburg"}


def test_peer_group_by_size_class():
    p = bm.peer_group("size_class", "GM0001", _POP, 2023)
    assert p.codes == ("GM0001", "GM0002", "GM0003")
    assert p.size_class == "50.000 tot 100.000 inwoners" and "2023" in p.description
    assert p.description == (
        "grootteklasse 50.000 tot 100.000 inwoners (gemiddelde bevolking 2023, indeling van "
        "waarstaatjegemeente.nl)"
    )


def test_peer_group_list_is_validated_and_includes_the_municipality():
    p = bm.peer_group(" gm0002 ,GM0003", "GM0001", _POP, 2023, _NAMES)
    assert p.codes == ("GM0001", "GM0002", "GM0003") and p.added_self
    assert p.description == "zelf gekozen lijst van gemeenten (inclusief Eerstedorp, toegevoegd)"
    with pytest.raises(ParameterError, match="GM9999"):
        bm.peer_group("GM0002,GM9999", "GM0001", _POP, 2023)
    with pytest.raises(ParameterError, match="Tweestad is GM0002"):
        bm.peer_group("Tweestad", "GM0001", _POP, 2023, _NAMES)
    with pytest.raises(ParameterError, match="GM0000"):
        bm.peer_group("GM0000,GM0002", "GM0001", _POP, 2023)
    with pytest.raises(ParameterError, match="at least one other"):
        bm.peer_group("GM0001", "GM0001", _POP, 2023)
    with pytest.raises(ParameterError, match="no average population of GM0009"):
        bm.peer_group("size_class", "GM0009", _POP, 2023)


def _everyone(counts, pops, year=2023):
    regions = [f"GM{i:04d}" for i in range(1, len(counts) + 1)]
    return pd.DataFrame(
        {
            "region": regions,
            "code": "1.1.1",
            "label": "x",
            "year": year,
            "count": np.asarray(counts, float),
            "population": np.asarray(pops, float),
            "status": "final",
            "source": SOURCE_POLICE,
        }
    )


_NATIONAL = pd.DataFrame(
    {"code": ["1.1.1"], "year": [2023], "count": [100.0], "population": [20_000.0]}
)


@pytest.mark.parametrize(
    ("own", "rank", "position"),
    [
        ("GM0004", 4, "middelste helft"),
        ("GM0005", 5, "hoogste kwart"),
        ("GM0001", 1, "laagste kwart"),
    ],
)
def test_benchmark_five_municipalities_worked_by_hand(own, rank, position):
    # Five municipalities of 20,000 inhabitants with 20 ... 100 crimes: rates 1 ... 5 per 1,000.
    # Linear quartiles of 1, 2, 3, 4, 5: Q1 = 2 (position 1), median 3, Q3 = 4 (position 3).
    everyone = _everyone([20, 40, 60, 80, 100], [20_000] * 5)
    peers = bm.Peers(tuple(everyone["region"]), "test", "list")
    b = bm.benchmark(everyone, _NATIONAL, own, peers, 2023).iloc[0]
    assert (b["peer_q1"], b["peer_median"], b["peer_q3"]) == (2.0, 3.0, 4.0)
    assert b["peer_rank"] == rank and b["n_peers"] == 5 and b["position"] == position
    assert b["nl_rate_per_1000"] == 5.0  # 100 / 20,000 x 1,000


def test_small_numbers_get_no_rank():
    # the same rates from 1 ... 5 crimes: a rank of one crime against two is chance
    everyone = _everyone([1, 2, 3, 4, 5], [1000] * 5)
    peers = bm.Peers(tuple(everyone["region"]), "test", "list")
    b = bm.benchmark(everyone, _NATIONAL, "GM0005", peers, 2023).iloc[0]
    assert np.isnan(b["peer_rank"]) and b["position"] == vocab.POSITION_SMALL
    assert b["median_count"] == 5 and b["peer_median"] == 3.0  # the group is still described


def test_benchmark_interpolated_quartiles_ties_and_missing_population():
    # rates 1, 2, 2, 4 per 1,000 (+ one peer without population, left out):
    # Q1 at position 0.75 -> 1 + 0.75 = 1.75; median 2; Q3 at position 2.25 -> 2 + 0.25 x 2 = 2.5
    everyone = _everyone([20, 40, 40, 80, 9], [20_000, 20_000, 20_000, 20_000, np.nan])
    peers = bm.Peers(tuple(everyone["region"]), "test", "list")
    b = bm.benchmark(everyone, _NATIONAL, "GM0003", peers, 2023).iloc[0]
    assert (b["peer_q1"], b["peer_median"], b["peer_q3"]) == (1.75, 2.0, 2.5)
    assert b["n_peers"] == 4
    assert b["peer_rank"] == 2  # tied with GM0002: both take the lower rank
    assert list(bm.benchmark(everyone, _NATIONAL, "GM0003", peers, 2023)) == bm.BENCHMARK_COLUMNS


def test_haaglanden_codes_are_known(inputs):
    expected = {
        "GM0518": "Gravenhage",
        "GM0503": "Delft",
        "GM1916": "Leidschendam-Voorburg",
        "GM0603": "Rijswijk",
        "GM0637": "Zoetermeer",
        "GM1926": "Pijnacker-Nootdorp",
        "GM1783": "Westland",
        "GM1842": "Midden-Delfland",
        "GM0629": "Wassenaar",
    }
    for code, name in expected.items():
        assert name in inputs.names[code]
    pop = population_in(inputs, 2023)
    p = bm.peer_group(",".join(expected), "GM1926", pop, 2023, inputs.names)
    assert len(p.codes) == 9 and not p.added_self
