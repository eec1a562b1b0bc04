"""Dutch number formatting, escaped tables, deterministic CSV."""

import numpy as np
import pandas as pd
import pytest

from ivp_analysis.present.display import table_html, to_csv_text
from ivp_analysis.present.numbers import format_nl, format_pct_nl


def test_format_nl():
    assert format_nl(1674) == "1.674"
    assert format_nl(1234567.891, 2) == "1.234.567,89"
    assert format_nl(0.5, 1) == "0,5"
    assert format_nl(np.nan) == "–"
    assert format_pct_nl(-12.345, 1) == "-12,3 %"


def test_table_escapes_text_and_formats_numbers():
    df = pd.DataFrame(
        {"soort": ["<script>alert(1)</script>"], "aantal": [1674], "per 1.000": [29.31]}
    )
    html = table_html(df, caption="<b>")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<caption>&lt;b&gt;</caption>" in html
    assert '<td class="num">1.674</td>' in html and '<td class="num">29,31</td>' in html
    assert '<th scope="col">soort</th>' in html


def test_csv_is_machine_readable_and_stable():
    df = pd.DataFrame(
        {
            "year": pd.array([2017, 2018], dtype="Int64"),
            "rate": [103 / 53145 * 1000, np.nan],
            "period": pd.PeriodIndex(["2020-03", "2020-04"], freq="M"),
            "ok": [True, False],
        }
    )
    text = to_csv_text(df)
    assert text == "year,rate,period,ok\n2017,1.938093894,2020-03,true\n2018,,2020-04,false\n"
    assert to_csv_text(df) == text


def _legend_outside_figure():
    """A figure whose legend sticks out on the right: cropping must include it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([2019, 2020, 2021], [3, 1, 2], label="een lange legendatekst die uitsteekt")
    ax.set_title("Titel")
    ax.set_ylabel("aantal per jaar")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    return fig


def test_figure_png_crops_like_matplotlib_tight_bbox():
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from ivp_analysis.present.display import figure_png

    fig = _legend_outside_figure()
    ours, width, height = figure_png(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    expected = np.asarray(Image.open(buf))
    got = np.asarray(Image.open(io.BytesIO(ours)))
    # the legend makes the image wider than the 4 x 3 inch figure (440 x 330 pixels)
    assert width > 440 and (height, width) == got.shape[:2] == expected.shape[:2]
    assert (got == expected).all()
    assert b"Software" not in ours  # no producer stamp: the same figure gives the same bytes
    assert figure_png(_legend_outside_figure())[0] == ours


@pytest.fixture
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setenv("IVP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("IVP_NO_CACHE", raising=False)
    return tmp_path


def test_render_cached_draws_once_per_content(cache_in, monkeypatch):
    from ivp_analysis import plots
    from ivp_analysis.present.display import RenderedFigure, figure_png, render_cached

    drawn = []

    def fake_builder(values):
        drawn.append(list(values))
        return _legend_outside_figure()

    fake_builder.__module__ = "ivp_analysis.plots"  # as if it were one of ours
    monkeypatch.setattr(plots, "fake_builder", fake_builder, raising=False)
    first = render_cached(plots.fake_builder, pd.Series([1, 2]))
    again = render_cached(plots.fake_builder, pd.Series([1, 2]))
    other = render_cached(plots.fake_builder, pd.Series([1, 3]))
    assert drawn == [[1, 2], [1, 3]]  # the repeat came from the cache
    assert isinstance(first, RenderedFigure) and again == first
    assert first.png == other.png == figure_png(_legend_outside_figure())[0]
    monkeypatch.setenv("IVP_NO_CACHE", "1")
    render_cached(plots.fake_builder, pd.Series([1, 2]))
    assert len(drawn) == 3  # switched off: always drawn


def test_render_cached_refuses_figures_from_elsewhere(cache_in):
    from ivp_analysis.present.display import render_cached

    with pytest.raises(ValueError, match="show_figure"):
        render_cached(_legend_outside_figure)


def test_show_figure_needs_alt_text_and_shows_a_rendered_figure(capsys):
    from ivp_analysis.present.display import RenderedFigure, show_figure

    with pytest.raises(ValueError, match="alternative text"):
        show_figure(RenderedFigure(b"", 1, 1), alt=" ")
    show_figure(RenderedFigure(b"\x89PNG", 1, 1), alt="een figuur")
    assert "[Figuur: een figuur]" in capsys.readouterr().out
