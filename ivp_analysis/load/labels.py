"""Map region names and crime or indicator labels to codes, with a nearest-match hint when one is unknown.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import difflib
import re

from ivp_analysis import codes as _codes
from ivp_analysis.load.common import Ctx

_REGION_CODE = re.compile(r"^(GM|WK|BU|PV|RE|LD|NL)\d{2,8}$")


def region_from_name(ctx: Ctx, name: object, line: int | None, column: str) -> str:
    """Return the region code of a name (or of a code written in a name column)."""
    name = str(name).strip()
    if _REGION_CODE.match(name):
        return _codes.normalise_region(name)
    try:
        code = ctx.regions.name_to_code(name)
    except LookupError as exc:
        similar = did_you_mean(similar_region_names(ctx, name))
        hint = f"it fits {exc}" + (similar or "; download with codes")
        raise ctx.error(
            "region name is ambiguous",
            row=line,
            column=column,
            found=name,
            expected="a unique municipality name",
            hint=hint,
        ) from None
    if code is None:
        raise ctx.error(
            "unknown region",
            row=line,
            column=column,
            found=name,
            expected="a municipality name or code from the CBS region list "
            "(e.g. Pijnacker-Nootdorp or GM1926)",
            hint=did_you_mean(similar_region_names(ctx, name)).lstrip("; ") or None,
        )
    return code


def region_code_hint(ctx: Ctx, found: str) -> str | None:
    """Suggest the code when a file that needs codes holds a region name instead."""
    try:
        code = ctx.regions.name_to_code(found)
    except LookupError:
        code = None
    if code:
        return f"'{found}' is a region name: write its code {code}"
    return did_you_mean(similar_region_names(ctx, found)).lstrip("; ") or None


def did_you_mean(names: list[str]) -> str:
    """Return "; did you mean 'a' or 'b'?" for candidate names ('' for none).

    Examples
    --------
    >>> did_you_mean(["Bergen (L.)", "Bergen (NH.)"])
    "; did you mean 'Bergen (L.)' or 'Bergen (NH.)'?"
    >>> did_you_mean([])
    ''
    """
    if not names:
        return ""
    return "; did you mean " + " or ".join(f"'{n}'" for n in names) + "?"


def similar_region_names(ctx: Ctx, name: str) -> list[str]:
    """Return up to three country, province or municipality names close to ``name``.

    CBS disambiguates shared municipality names ("Bergen (L.)", "Bergen (NH.)"), so a bare
    "Bergen" is matched by prefix as well as by spelling.
    """
    top: dict[str, str] = {}
    for code, region_name in ctx.regions.names.items():
        if code[:2] in ("NL", "PV", "GM"):
            top.setdefault(_codes.norm_label(region_name), region_name)
    key = _codes.norm_label(name)
    out = [top[k] for k in sorted(top) if k.startswith(key + " (")]
    if not out:
        out = [top[k] for k in difflib.get_close_matches(key, list(top), n=3, cutoff=0.8)]
    return out[:3]


def similar_labels(ctx: Ctx, label: str, families: tuple[str, ...]) -> list[str]:
    """Return up to three code-list labels of ``families`` close to ``label``."""
    table = ctx.codes.table
    candidates: dict[str, str] = {}
    for row in table[table["family"].isin(families)].itertuples():
        for text in (f"{row.code} {row.label}", row.label):
            candidates.setdefault(_codes.norm_label(str(text)), str(text))
    key = _codes.norm_label(label)
    found = difflib.get_close_matches(key, list(candidates), n=3, cutoff=0.8)
    return list(dict.fromkeys(candidates[k] for k in found))


def code_from_label(
    ctx: Ctx, label: object, families: tuple[str, ...], line: int | None, column: str
) -> str:
    """Return the code of a crime or indicator label (or of a code written as label)."""
    label = str(label).strip()
    code = ctx.codes.label_to_code(label, families)
    if code is None and ctx.codes.known(label):
        code = label
    if code is None:
        raise ctx.error(
            "unknown crime or indicator label",
            row=line,
            column=column,
            found=label,
            expected="a label from the CBS/Politie code list, e.g. '1.1.1 Diefstal/inbraak woning'",
            hint=did_you_mean(similar_labels(ctx, label, families)).lstrip("; ") or None,
        )
    return code
