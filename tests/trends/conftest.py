"""Shared helpers of the crime-trends tests: a hand-made series and the shipped data, loaded once."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis.trends.inputs import load_inputs
from ivp_analysis.vocab import SOURCE_POLICE


def _series(counts, pops, years, code="1.1.1", source=SOURCE_POLICE, region="GM1926"):
    return pd.DataFrame(
        {
            "region": region,
            "code": code,
            "label": "x",
            "source": source,
            "status": "final",
            "year": years,
            "count": np.asarray(counts, float),
            "population": np.asarray(pops, float),
        }
    )


@pytest.fixture
def make_series():
    """Return a function that builds one series: counts, populations and years by hand."""
    return _series


@pytest.fixture(scope="session")
def inputs():
    """The shipped data of the crime trends (read once per test session)."""
    return load_inputs()
