"""Dutch number formatting, escaped tables, deterministic CSV."""

import numpy as np
import pandas as pd

from ivp_analysis.display import format_nl, format_pct_nl, table_html, to_csv_text


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
    df = pd.DataFrame({
        "year": pd.array([2017, 2018], dtype="Int64"),
        "rate": [103 / 53145 * 1000, np.nan],
        "period": pd.PeriodIndex(["2020-03", "2020-04"], freq="M"),
        "ok": [True, False],
    })  # fmt: skip
    text = to_csv_text(df)
    assert text == "year,rate,period,ok\n2017,1.938093894,2020-03,true\n2018,,2020-04,false\n"
    assert to_csv_text(df) == text
