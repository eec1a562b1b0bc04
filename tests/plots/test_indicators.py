"""The scorecard figure, drawn from a tiny hand-made result table."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ivp_analysis import vocab  # noqa: E402
from ivp_analysis.plots import indicators as fig_mod  # noqa: E402

NAN = math.nan


def _rec(priority, label, status, change=NAN, lo=NAN, hi=NAN, base=("", NAN), last=("", NAN)):
    return {
        "priority": priority,
        "label": label,
        "status": status,
        "change": change,
        "ci_low": lo,
        "ci_high": hi,
        "baseline_period": base[0],
        "baseline_value": base[1],
        "eval_period": last[0],
        "eval_value": last[1],
        "eval_status_of_data": "final",
    }


TABLE = pd.DataFrame(
    [
        _rec(
            "jeugd",
            "Jeugdoverlast",
            vocab.STATUS_NO_CHANGE,
            -10,
            -40,
            35,
            ("2022", 100),
            ("2023", 90),
        ),
        _rec("jeugd", "Handhaving", vocab.STATUS_NO_DATA),
        _rec(
            "going-concern",
            "Inbraak",
            vocab.STATUS_IMPROVED,
            -50,
            -65,
            -29,
            ("2022", 76),
            ("2023", 38),
        ),
        _rec(
            "going-concern",
            "Rapportcijfer",
            vocab.STATUS_NO_DATA,
            0.3,
            base=("2021", 7.8),
            last=("2023", 8.1),
        ),
    ]
)
KINDS = ["count", "count", "count", "score"]


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_every_priority_heading_repeats_the_axis_and_the_legend_is_on_top():
    fig = fig_mod.scorecard_figure(TABLE, KINDS, "Scorekaart")
    try:
        ax_l, ax_m, ax_r = fig.axes
        # Intervals from -65 % to +35 %: limits 0.35*0.9 and 2*1.1, ticks at 0.5, 1 and 2
        # (the range is wider than 6, so 2/3 and 1.5 are left out).
        ticks = ["-50 %", "0", "+100 %"]
        assert [t.get_text() for t in ax_m.get_xticklabels()] == ticks
        assert _texts(ax_m).count("-50 %") == 2  # once in each of the two priority headings
        assert "verandering per inwoner (95%-interval)" in _texts(ax_m)
        assert [t for t in _texts(ax_l) if t in vocab.PRIORITIES.values()] == [
            vocab.PRIORITIES["jeugd"],
            vocab.PRIORITIES["going-concern"],
        ]
        # The legend lies above the rows: its bottom is above the top of the axes.
        fig.canvas.draw()
        legend_box = fig.legends[0].get_window_extent()
        assert legend_box.y0 > ax_m.get_window_extent().y1
        assert [t.get_text() for t in fig.legends[0].get_texts()] == [
            *(vocab.STATUS_NL[s] for s in vocab.STATUSES),
            "kleinste aantoonbare verandering",
        ]
        assert "rapportcijfer +0,3 punt" in _texts(ax_m)
        assert "geen cijfer" in _texts(ax_m)
        assert _texts(ax_r)[1:] == [
            "100 (2022) → 90 (2023)",
            "geen cijfers",
            "76 (2022) → 38 (2023)",
            "7,8 (2021) → 8,1 (2023)",
        ]
    finally:
        plt.close(fig)


def test_the_figure_grows_with_its_rows():
    fig = fig_mod.scorecard_figure(TABLE, KINDS, "Scorekaart")
    # 4 indicators and 2 headings of 0.36 inch, plus 1.3 above and 1.0 below.
    assert fig.get_figheight() == pytest.approx(6 * 0.36 + 1.3 + 1.0)
    plt.close(fig)


@pytest.mark.parametrize(
    ("lo", "hi", "ticks"),
    [
        (-40, 35, (0.5, 2 / 3, 1.0, 1.5, 2.0)),  # 0.45 to 2.2: narrow, five ticks
        (-90, 800, (0.25, 1.0, 4.0)),  # 0.1 to 9.9: every other ratio, so labels do not touch
    ],
)
def test_scale_ticks(lo, hi, ticks):
    rows = fig_mod._rows(TABLE.iloc[[0]].assign(ci_low=lo, ci_high=hi), ["count"])
    assert fig_mod._scale(rows).ticks == pytest.approx(ticks)


def test_tick_labels_and_values():
    assert [fig_mod._tick_label(r) for r in (0.25, 2 / 3, 1.0, 4.0)] == [
        "-75 %",
        "-33 %",
        "0",
        "+300 %",
    ]
    rec = _rec("jeugd", "x", vocab.STATUS_NO_DATA, base=("2021", 7.8))
    assert fig_mod._scorecard_values(rec, "score") == "7,8 (2021) → geen meting"
    rec = {**_rec("jeugd", "x", vocab.STATUS_IMPROVED, base=("2022", 76), last=("2025", 51))}
    rec["eval_status_of_data"] = "provisional"
    assert fig_mod._scorecard_values(rec, "count") == "76 (2022) → 51 (2025, voorl.)"


def test_small_counts_get_no_interval_and_the_detectable_change_is_marked():
    table = pd.DataFrame(
        [
            {
                **_rec(
                    "jeugd",
                    "Klein",
                    vocab.STATUS_NO_CHANGE,
                    NAN,
                    -81,
                    NAN,
                    ("2022", 0),
                    ("2023", 2),
                )
            },
            {
                **_rec(
                    "jeugd",
                    "Groot",
                    vocab.STATUS_IMPROVED,
                    -50,
                    -65,
                    -29,
                    ("2022", 76),
                    ("2023", 38),
                ),
                "min_detectable_change": -40.0,
            },
        ]
    )
    fig = fig_mod.scorecard_figure(table, ["count", "count"], "Scorekaart")
    try:
        ax_m = fig.axes[1]
        assert "van 0 naar 2: geen percentage" in _texts(ax_m)
        # one grey bar at a ratio of 0.6 (-40 %) on the row of 'Groot' (row 2 after the heading)
        bars = [ln for ln in ax_m.lines if list(ln.get_xdata()) == [0.6, 0.6]]
        assert len(bars) == 1 and list(bars[0].get_ydata()) == pytest.approx([1.7, 2.3])
    finally:
        plt.close(fig)
