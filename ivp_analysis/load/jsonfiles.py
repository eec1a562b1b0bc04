"""Read JSON inputs: OData ``value`` pages and ``cbsodata`` row lists, the 47018NED extract, GeoJSON.

Internal to :mod:`ivp_analysis.load`.
"""

from __future__ import annotations

import json

from ivp_analysis import codes as _codes
from ivp_analysis import refs
from ivp_analysis.load.common import Ctx
from ivp_analysis.load.numbers import number, period
from ivp_analysis.load.odata import odata_rows, typed_json_rows
from ivp_analysis.load.text import read_text


def read_json(ctx: Ctx) -> None:
    """Read a JSON file of one of the supported shapes (see ``FORMATS``)."""
    text = read_text(ctx)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ctx.error(
            f"not valid JSON ({exc.msg})",
            row=exc.lineno,
            expected="a complete JSON document",
            hint="the file may be truncated",
        ) from None
    if isinstance(doc, dict) and {"counts", "population", "offences"} <= set(doc):
        ctx.fmt = "politie-47018-json"
        return _read_47018_json(ctx, doc)
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        ctx.fmt = "cbs-83648-geojson"
        return _read_geojson(ctx, doc)
    rows = doc.get("value") if isinstance(doc, dict) else doc
    if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
        names = list(dict.fromkeys(k for r in rows for k in r))
        if "Perioden" in names:
            typed = typed_json_rows(rows)
            ctx.fmt = "odata-typed" if typed else "cbsodata-labels"
            prefix = "value" if isinstance(doc, dict) else ""
            return odata_rows(ctx, list(enumerate(rows)), names, typed, json_rows=prefix)
    if isinstance(rows, list) and not rows:
        raise ctx.error("no data rows", expected="at least one row")
    raise ctx.error(
        "unknown JSON format",
        expected="an OData 'value' list with Perioden, "
        "a cbsodata row list, the 47018NED extract or a GeoJSON FeatureCollection",
    )


def _read_47018_json(ctx: Ctx, doc: dict) -> None:
    provisional = {str(y) for y in doc.get("provisional", [])}
    for code, by_region in doc["counts"].items():
        if not ctx.codes.known(code):
            raise ctx.error(
                "unknown crime code",
                column=f"counts['{code}']",
                found=code,
                expected="a code of the police code list (e.g. 1.1.1)",
            )
        for region, by_year in by_region.items():
            for year, value in by_year.items():
                where = f"counts['{code}']['{region}']['{year}']"
                key = refs.json_key("counts", code, region, year)
                when, _ = period(ctx, year, None, where)
                ctx.add(
                    region=region,
                    period=when,
                    code=code,
                    value=number(ctx, value, None, where),
                    raw=value,
                    _line=None,
                    _col=where,
                    _key=key,
                    status="provisional" if year in provisional else "final",
                    source="Politie 47018NED",
                    note="",
                    unit=None,
                )
    for region, by_year in doc["population"].items():
        for year, value in by_year.items():
            where = f"population['{region}']['{year}']"
            when, _ = period(ctx, year, None, where)
            ctx.add(
                region=region,
                period=when,
                code="population_avg",
                value=number(ctx, value, None, where),
                raw=value,
                _line=None,
                _col=where,
                _key=refs.json_key("population", region, year),
                status="unknown",
                source="CBS 70072ned",
                note="",
                unit=None,
            )


def _read_geojson(ctx: Ctx, doc: dict) -> None:
    for i, feat in enumerate(doc.get("features", [])):
        p = feat.get("properties", {})
        where = f"features[{i}].properties"
        year = str(p.get("jrstatcode", ""))[:4]
        when, _ = period(ctx, year, None, f"{where}.jrstatcode")
        count = p.get("Geregistreerde Misdrijven")
        ctx.add(
            region=_codes.normalise_region(p.get("statcode", "")),
            period=when,
            code=_codes.TOTAL_CRIME,
            value=number(ctx, count, None, where),
            raw=count,
            _line=None,
            _col=f"{where}['Geregistreerde Misdrijven']",
            _key=refs.json_key("features", i, "properties", "Geregistreerde Misdrijven"),
            status="unknown",
            source="CBS 83648NED",
            note="jaar afgeleid uit jrstatcode",
            unit=None,
        )
