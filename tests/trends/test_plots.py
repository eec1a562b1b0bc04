"""Figures of the crime trends (``ivp_analysis.plots.trends``) on tiny hand-made tables."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from ivp_analysis import plots, vocab  # noqa: E402


def _table(region, source, code="1.1.1"):
    return pd.DataFrame(
        {
            "region": region,
            "code": code,
            "label": "Inbraak",
            "source": source,
            "year": [2020, 2021, 2022],
            "rate_per_1000": [1.0, 1.2, 0.9],
            "rate_ci_low": [0.8, 1.0, 0.7],
            "rate_ci_high": [1.2, 1.4, 1.1],
            "status": ["final", "final", "provisional"],
            "count": [50.0, 60.0, 45.0],
            "rate_ratio": [float("nan"), 1.2, 0.75],
            "p_value": [float("nan"), 0.3, 0.01],
            "verdict": [vocab.VERDICT_NA, vocab.VERDICT_WITHIN, vocab.VERDICT_DOWN],
        }
    )


def test_the_legend_of_the_rates_names_only_the_sources_drawn():
    t = pd.concat(
        [
            _table("GM1", vocab.SOURCE_POLICE),
            _table("GM1", vocab.SOURCE_CBS, "0.0.0"),
            _table("NL", vocab.SOURCE_NL),
        ],
        ignore_index=True,
    )
    fig = plots.rate_small_multiples(t, "GM1", "Testdorp", 2021, 2022)
    labels = [
        text.get_text() for ax in fig.axes if ax.get_legend() for text in ax.get_legend().texts
    ]
    assert "Testdorp (Politie 47018NED)" in labels and "totaal, CBS 83648NED" in labels
    assert "totaal, zoals in het plan" not in labels
    assert [ax.get_title() for ax in fig.axes[:2]] == ["0.0.0 Inbraak", "1.1.1 Inbraak"]
    plt.close(fig)


def test_the_change_grid_colours_the_verdicts():
    fig = plots.change_grid(_table("GM1", vocab.SOURCE_POLICE), "GM1", "Testdorp")
    ax = fig.axes[0]
    # two comparable years (2021, 2022): +20 % and -25 % written in the cells (typographic minus);
    # white text on the coloured cell of the significant fall, dark text on the grey one
    assert [t.get_text() for t in ax.texts] == ["+20", "\u221225"]
    assert [t.get_color() for t in ax.texts] == ["#222222", "white"]
    plt.close(fig)


def test_the_change_grid_writes_counts_from_a_small_base_and_marks_provisional_cells():
    t = _table("GM1", vocab.SOURCE_POLICE).assign(
        count=[0.0, 2.0, 30.0],
        rate_ratio=[float("nan"), float("nan"), 15.0],
        verdict=[vocab.VERDICT_NA, vocab.VERDICT_WITHIN, vocab.VERDICT_PROVISIONAL],
    )
    fig = plots.change_grid(t, "GM1", "Testdorp")
    ax = fig.axes[0]
    # 0 -> 2 and 2 -> 30: no percentage from a base below ten cases, never 'inf'
    assert [x.get_text() for x in ax.texts] == ["0\u21922", "2\u219230"]
    legend = [x.get_text() for x in ax.get_legend().texts]
    assert vocab.VERDICT_PROVISIONAL in legend
    plt.close(fig)


def test_the_benchmark_puts_values_beyond_three_times_the_median_on_the_edge():
    # peers 1, 1, 4 per 1,000: median 1, so 4 is 400 % of the median and sits on the 300 % edge
    rates = pd.DataFrame(
        {"code": "1.1.1", "region": ["GM1", "GM2", "GM3"], "rate": [1.0, 1.0, 4.0]}
    )
    bench = pd.DataFrame(
        {
            "code": ["1.1.1"],
            "label": ["Inbraak"],
            "year": [2023],
            "rate_per_1000": [1.0],
            "nl_rate_per_1000": [2.0],
            "peer_q1": [1.0],
            "peer_median": [1.0],
            "peer_q3": [2.5],
        }
    )
    fig = plots.benchmark_figure(rates, bench, "GM1", "Testdorp")
    ax = fig.axes[0]
    assert "1 waarden boven 300 % staan op de rand" in ax.get_xlabel()
    assert ax.get_title() == "Testdorp naast de vergelijkingsgroep, 2023"
    plt.close(fig)
