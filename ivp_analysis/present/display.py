"""Show tables, figures and generated text in a notebook so that the HTML report can use them.

Tables are HTML with Dutch number formatting (decimal comma) and every text escaped;
figures carry alternative text; result tables are written as machine-readable CSV.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ivp_analysis.present.numbers import format_nl

#: Metadata key under which figures keep their alternative text and caption.
META_KEY = "ivp"


def table_html(
    df: pd.DataFrame,
    *,
    caption: str = "",
    decimals: Mapping[str, int] | None = None,
    index: bool = False,
) -> str:
    """Return an HTML table with escaped text and Dutch number formatting.

    Parameters
    ----------
    df : DataFrame
        Column names become the header (use Dutch names for readers).
    caption : str
        Table caption (escaped).
    decimals : mapping, optional
        Decimals per column; whole-number columns default to 0, other floats to 2.
    index : bool
        Whether to show the index as the first column.

    Examples
    --------
    >>> t = table_html(pd.DataFrame({"soort": ["<b>x</b>"], "aantal": [1674]}), caption="A & B")
    >>> "&lt;b&gt;x&lt;/b&gt;" in t and "1.674" in t and "A &amp; B" in t
    True
    """
    decimals = dict(decimals or {})
    if index:
        df = df.reset_index()
    parts = ['<table class="ivp-table">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead><tr>")
    parts += [f'<th scope="col">{html.escape(str(c))}</th>' for c in df.columns]
    parts.append("</tr></thead><tbody>")
    fmts = {c: _formatter(df[c], decimals.get(c)) for c in df.columns}
    for row in df.itertuples(index=False):
        parts.append("<tr>")
        for c, v in zip(df.columns, row, strict=True):
            text, numeric = fmts[c](v)
            cls = ' class="num"' if numeric else ""
            parts.append(f"<td{cls}>{html.escape(text)}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _formatter(col: pd.Series, decimals: int | None):
    if pd.api.types.is_bool_dtype(col):
        return lambda v: ("ja" if v else "nee", False)
    if pd.api.types.is_numeric_dtype(col):
        vals = pd.to_numeric(col, errors="coerce").dropna()
        if decimals is None:
            decimals = 0 if (len(vals) == 0 or np.all(np.mod(vals, 1) == 0)) else 2
        if _is_year_like(col):
            return lambda v: ("–" if pd.isna(v) else str(int(v)), True)
        return lambda v: (format_nl(None if pd.isna(v) else v, decimals), True)
    return lambda v: (
        "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v),
        False,
    )


def _is_year_like(col: pd.Series) -> bool:
    name = str(col.name).lower()
    return name in ("jaar", "year", "peiljaar", "evaluatiejaar") or name.endswith("jaar")


def show_table(
    df: pd.DataFrame,
    caption: str = "",
    *,
    decimals: Mapping[str, int] | None = None,
    index: bool = False,
) -> None:
    """Display a table in the notebook (HTML for the report, plain text as fallback)."""
    from IPython.display import publish_display_data

    publish_display_data(
        {
            "text/html": table_html(df, caption=caption, decimals=decimals, index=index),
            "text/plain": (caption + "\n" if caption else "") + df.to_string(index=index),
        }
    )


#: Resolution of report figures (dots per inch).
FIGURE_DPI = 110


def figure_png(fig) -> tuple[bytes, int, int]:
    """Render a matplotlib figure to PNG bytes without time stamps (reproducible output).

    The figure is cropped to its content, like ``bbox_inches="tight"``, but the crop box is
    measured directly instead of by a dry-run draw of the whole figure first (same pixels,
    one draw instead of two). Figures with a layout engine take matplotlib's own route.

    Returns
    -------
    tuple of (bytes, int, int)
        PNG data, width and height in pixels.
    """
    import matplotlib as mpl

    buf = io.BytesIO()
    # zlib level 1: a quarter of the encoding time for files about 4 % larger
    options = {
        "format": "png",
        "dpi": FIGURE_DPI,
        "metadata": {"Software": None},
        "pil_kwargs": {"compress_level": 1},
    }
    if fig.get_layout_engine() is None:
        dpi = fig.dpi
        try:
            fig.dpi = FIGURE_DPI  # measure text at the resolution it is drawn with
            box = fig.get_tightbbox(fig.canvas.get_renderer())
        finally:
            fig.dpi = dpi
        fig.savefig(buf, bbox_inches=box.padded(mpl.rcParams["savefig.pad_inches"]), **options)
    else:
        fig.savefig(buf, bbox_inches="tight", **options)
    data = buf.getvalue()
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    return data, width, height


@dataclass(frozen=True)
class RenderedFigure:
    """A figure already rendered to PNG (from `render_cached`); `show_figure` shows it as is."""

    png: bytes
    width: int
    height: int


def render_cached(builder: Callable, *args, **kwargs) -> RenderedFigure:
    """Draw ``builder(*args, **kwargs)`` and render it to PNG, once per content of the arguments.

    For figures that are the same for every municipality (the national COVID-19 figures): a
    batch, or the next report, reuses the PNG instead of drawing it again. The disk-cache key
    covers the content of every argument, the source of the plotting code and the matplotlib
    and seaborn versions, so a change in data, code or style draws afresh; with the cache
    switched off (``IVP_NO_CACHE=1``, as in ``ivp verify``) it always draws. The PNG is the
    same as `figure_png` of the figure the builder returns.

    Parameters
    ----------
    builder : callable
        A function of ``ivp_analysis.plots`` that returns a matplotlib figure.
    *args, **kwargs
        Its arguments.

    Returns
    -------
    RenderedFigure
    """
    import matplotlib
    import matplotlib.pyplot as plt
    import seaborn

    from ivp_analysis import cache, hashing

    def draw() -> RenderedFigure:
        fig = builder(*args, **kwargs)
        try:
            return RenderedFigure(*figure_png(fig))
        finally:
            plt.close(fig)

    if not builder.__module__.startswith("ivp_analysis.plots"):
        # the key covers the package's code; another function's code could change unseen
        raise ValueError(
            f"render_cached only caches figures of ivp_analysis.plots, not {builder.__module__}."
            f"{builder.__qualname__}; show your own figure with show_figure(fig, alt=...)"
        )
    if not cache.enabled():
        return draw()
    digest = hashing.content_sha256((args, kwargs))
    extra = (
        builder.__module__,
        builder.__qualname__,
        digest,
        matplotlib.__version__,
        seaborn.__version__,
    )
    return cache.cached("figures", cache.key(extra=extra), draw)


def show_figure(fig, alt: str, caption: str = "") -> None:
    """Display a figure with alternative text (required) and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure or RenderedFigure
    alt : str
        What the figure shows, in Dutch, for readers who cannot see it.
    caption : str
        Optional caption under the figure.
    """
    import matplotlib.pyplot as plt
    from IPython.display import publish_display_data

    if not alt or not alt.strip():
        raise ValueError("a figure needs alternative text (alt)")
    if isinstance(fig, RenderedFigure):
        data, width, height = fig.png, fig.width, fig.height
    else:
        data, width, height = figure_png(fig)
        plt.close(fig)
    publish_display_data(
        {"image/png": base64.b64encode(data).decode("ascii"), "text/plain": f"[Figuur: {alt}]"},
        metadata={
            "image/png": {"width": width, "height": height},
            META_KEY: {"alt": alt, "caption": caption},
        },
    )


def show_markdown(text: str) -> None:
    """Display generated Markdown (conclusions written from results)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def write_results(df: pd.DataFrame, name: str, results_dir: str | Path) -> Path | None:
    """Write a result table as CSV into ``results_dir`` (nothing when it is empty).

    Floats are written with up to 10 significant digits, missing values as empty cells,
    periods as text; the same frame always gives the same bytes.

    Returns
    -------
    Path or None
        The file written, or ``None`` when ``results_dir`` is empty (interactive use).
    """
    if not results_dir:
        return None
    path = Path(results_dir) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_csv_text(df), encoding="utf-8", newline="")
    return path


def to_csv_text(df: pd.DataFrame) -> str:
    r"""Return the CSV text of a result table, formatted the same way every time.

    Examples
    --------
    >>> to_csv_text(pd.DataFrame({"a": [1.0, float("nan")], "b": ["x", "y,z"]}))
    'a,b\n1,x\n,"y,z"\n'
    """
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if _is_period_column(s):
            out[c] = s.map(lambda p: "" if pd.isna(p) else str(p))
        elif pd.api.types.is_float_dtype(s):
            out[c] = s.map(lambda v: "" if pd.isna(v) else _fmt_float(v))
        elif pd.api.types.is_bool_dtype(s):
            out[c] = s.map(lambda v: "true" if v else "false")
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n", na_rep="")
    return buf.getvalue()


def _is_period_column(s: pd.Series) -> bool:
    if isinstance(s.dtype, pd.PeriodDtype):
        return True
    present = s.dropna()
    return s.dtype == object and len(present) > 0 and isinstance(present.iloc[0], pd.Period)


def _fmt_float(v: float) -> str:
    text = f"{v:.10g}"
    if "e" not in text and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
