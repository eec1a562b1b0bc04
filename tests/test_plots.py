"""Figure helpers: COVID-19 phase bands and fixed panel margins, with tiny hand-made tables."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ivp_analysis import plots  # noqa: E402


@pytest.fixture
def phases():
    return pd.DataFrame({
        "start": pd.to_datetime(["2020-03-23", "2020-05-11"]),
        "end": pd.to_datetime(["2020-05-10", "2020-05-31"]),
        "kind": ["lockdown", "versoepeling"],
    })  # fmt: skip


def test_phase_bands_on_a_year_axis(phases):
    fig, ax = plt.subplots()
    ax.plot([2018, 2019], [1, 2])
    handles = plots.phase_bands(ax, phases, years=True)
    (bands,) = ax.collections
    # 23 March 2020 is day 82 of 366 and 1 June day 152 (end day counts): a year's value sits at
    # its middle, so 2020-03-23 is at 2020 + 82/366 - 0.5
    xs = [p.vertices[:, 0] for p in bands.get_paths()]
    assert np.allclose([x.min() for x in xs], [2019.5 + 82 / 366, 2019.5 + 131 / 366])
    assert np.allclose([x.max() for x in xs], [2019.5 + 131 / 366, 2019.5 + 152 / 366])
    lockdown = matplotlib.colors.to_rgba(plots.PHASE_COLOURS["lockdown"], 0.22)
    assert np.allclose(bands.get_facecolor()[0], lockdown)
    assert ax.get_xlim()[1] > 2019.5 + 152 / 366  # the limits make room for the last band
    assert [h.get_label() for h in handles] == ["lockdown", "andere maatregelen", "versoepeling"]
    plt.close(fig)


def test_phase_bands_on_a_date_axis_span_the_whole_height(phases):
    fig, ax = plt.subplots()
    ax.plot(pd.to_datetime(["2020-01-15", "2020-02-15"]), [5, 6])
    plots.phase_bands(ax, phases)
    (bands,) = ax.collections
    first = bands.get_paths()[0].vertices
    start, end = (
        matplotlib.dates.num2date(first[:, 0].min()),
        matplotlib.dates.num2date(first[:, 0].max()),
    )
    assert (start.date().isoformat(), end.date().isoformat()) == ("2020-03-23", "2020-05-11")
    assert (first[:, 1].min(), first[:, 1].max()) == (0, 1)  # axes fraction: bottom to top
    assert matplotlib.dates.num2date(ax.get_xlim()[1]).date().isoformat() >= "2020-06-01"
    plt.close(fig)


def test_fixed_margins_keep_title_and_legend_space_in_inches():
    fig, axes = plt.subplots(2, 2, figsize=(8, 5))
    plots.covid._fixed_margins(fig, top_in=1.0, bottom_in=0.5, left=0.1, wspace=0.2, hspace=0.3)
    p = fig.subplotpars
    assert (p.top, p.bottom, p.left) == pytest.approx((1 - 1.0 / 5, 0.5 / 5, 0.1))
    plt.close(fig)
