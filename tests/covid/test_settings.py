"""Tests of ivp_analysis.covid.settings."""

import pytest

from ivp_analysis.covid import settings


def test_settings_validation():
    with pytest.raises(ValueError, match="intervention"):
        settings.NationalSettings(pre_end="2020-03", intervention="2020-03")
    with pytest.raises(ValueError, match="level"):
        settings.NationalSettings(level=0.99, level_strict=0.95)
    s = settings.NationalSettings().shifted(-1)
    assert (s.pre_end, s.intervention) == ("2020-01", "2020-02")
