"""Shared fixtures of the COVID-19 tests: the shipped phase table and the national models."""

import pytest

from ivp_analysis import datasets
from ivp_analysis.covid import data, national, phases, settings


@pytest.fixture(scope="module")
def phase_table():
    return phases.load_phases()


@pytest.fixture(scope="module")
def default_settings():
    return settings.NationalSettings()


@pytest.fixture(scope="module")
def nat(default_settings):
    return data.prepare_national(
        datasets.get("national_monthly_crime"),
        datasets.get("national_population_monthly"),
        default_settings,
    )


@pytest.fixture(scope="module")
def national_result(nat, default_settings, phase_table):
    # (table, fitted counterfactual model) of the default analysis
    return national.national_counterfactual(
        nat.counts, nat.population, nat.codes, nat.starts, default_settings, nat.labels, phase_table
    )
