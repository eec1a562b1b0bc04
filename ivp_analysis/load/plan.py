"""Read the plan's own figures (``data/raw/ivp-2023-2026``) and the municipality's templates (``data/templates``).

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ivp_analysis.load.common import EXTRA_COLUMNS, Ctx
from ivp_analysis.load.numbers import number, period, status

Body = list[tuple[int, list[str]]]


def cell_getter(fields: list[str], col: dict[str, int]) -> Callable[[str], str]:
    """Return a function that gives the stripped cell of a named column ('' when absent).

    Examples
    --------
    >>> get = cell_getter([" GM1926 ", "2022"], {"region": 0, "period": 1})
    >>> get("region"), get("note")
    ('GM1926', '')
    """
    return lambda name: fields[col[name]].strip() if name in col else ""


def _check_printed(ctx: Ctx, line: int, printed: str, sub: str) -> None:
    tokens = printed.split()
    if sub and len(tokens) != 2:
        raise ctx.error(
            "a 'waarvan' cell needs two figures",
            row=line,
            column="printed",
            found=printed,
            expected="'<total> <of which>', e.g. '251 145' or '158 1.'",
        )
    if not sub and len(tokens) > 1 and not printed.startswith("€"):
        raise ctx.error(
            "more than one figure in a cell",
            row=line,
            column="printed",
            found=printed,
            expected="one figure, or fill in sub_code for a 'w.v.' cell",
        )


def read_plan(ctx: Ctx, names: list[str], body: Body) -> None:
    """Read the plan's transcribed figures: one printed cell, or a total and a 'w.v.' figure."""
    col = {n: i for i, n in enumerate(names)}
    for line, f in body:
        get = cell_getter(f, col)
        printed = get("printed")
        tokens = printed.split()
        sub = get("sub_code")
        _check_printed(ctx, line, printed, sub)
        when, _ = period(ctx, get("period"), line, "period")
        base = dict(
            region=get("region"),
            period=when,
            status="unknown",
            _line=line,
            _col="printed",
            source=f"IVP 2023-2026, {get('section')}",
            unit=get("unit") or None,
        )
        parts: list[tuple[str, str, str | None]] = [
            (get("code"), tokens[0] if sub else printed, None)
        ]
        if sub:
            parts.append((sub, tokens[1], get("sub_label") or None))
        for code, cell, label in parts:
            if cell == "1.":  # the plan's footnote mark
                value, note = math.nan, "niet beschikbaar (voetnoot '1.' in het plan)"
            else:
                value, note = number(ctx, cell, line, "printed", dutch=True), ""
            if get("period_printed") and get("period_printed") != get("period"):
                note = "; ".join(
                    x for x in (note, f"periode in het plan: {get('period_printed')}") if x
                )
            ctx.add(code=code, value=value, raw=cell, note=note, label=label, **base)


def read_template(ctx: Ctx, names: list[str], body: Body) -> None:
    """Read the municipal template: one value per region, period and code, own status and note."""
    col = {n: i for i, n in enumerate(names)}
    extra = [c for c in EXTRA_COLUMNS if c in col]
    for line, f in body:
        get = cell_getter(f, col)
        when, star = period(ctx, get("period"), line, "period")
        state = status(ctx, get("status"), line, "status") if "status" in col else "unknown"
        if star:
            state = "provisional"
        rec = dict(
            region=get("region"),
            period=when,
            code=get("code"),
            value=number(ctx, get("value"), line, "value"),
            raw=get("value"),
            _line=line,
            _col="value",
            status=state,
            source=get("source") or "gemeente (eigen registratie)",
            note=get("note"),
            unit=get("unit") or None,
            label=get("label") or None,
        )
        for c in extra:
            v = number(ctx, get(c), line, c)
            if not math.isnan(v) and v < 0:
                raise ctx.error(
                    f"negative {c}", row=line, column=c, found=get(c), expected="a number >= 0"
                )
            rec[c] = v
        ctx.add(**rec)
