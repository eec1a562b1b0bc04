"""What every reader of the loader shares: the tidy columns, the formats, the measures and the read context.

Internal to :mod:`ivp_analysis.load`; the public names are re-exported there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ivp_analysis import codes as _codes
from ivp_analysis.errors import InputFileError
from ivp_analysis.paths import relative_to_root

#: Columns of the tidy frame, in order.
TIDY_COLUMNS = [
    "region",
    "region_name",
    "period",
    "code",
    "label",
    "value",
    "unit",
    "source",
    "status",
    "note",
    "file",
    "key",
]

#: Optional columns some formats add (survey templates).
EXTRA_COLUMNS = ["respondents", "margin_95"]

#: Format name -> one-line description (what ``detect_format`` can return).
FORMATS = {
    "odata-typed": "CBS/Politie OData TypedDataSet rows with codes (CSV or JSON)",
    "cbsodata-labels": "rows with labels instead of codes, as the Python package cbsodata returns",
    "cbsodatar-folder": "a cbsodataR download folder: data.csv plus code-list CSVs",
    "politie-download-long": "police open-data site download, one row per value (';', BOM, labels)",
    "politie-download-wide": "police open-data site download, periods as columns, title and footer",
    "politie-download-table": "police open-data site table download: title, filter lines, "
    "a header row per column dimension, regions by name, footer (';' or ',')",
    "ivp-plan": "figures transcribed from the safety plan (data/raw/ivp-2023-2026)",
    "municipal-template": "the municipality's own figures (data/templates)",
    "politie-47018-json": "the shipped 47018NED JSON extract with average population",
    "politie-47022-monthly": "the shipped national monthly series of 47022NED",
    "politie-annual-labels": "the shipped national annual series of 47025NED / 47021NED",
    "cbs-population-monthly": "the shipped national population by month (83474NED)",
    "cbs-population-jan1": "the shipped population on 1 January 2022 per region (83648NED pop.csv)",
    "cbs-85984-buurt-population": "the shipped inhabitants per buurt on 1 January 2024 (85984NED)",
    "cbs-83648-geojson": "the shipped 2022 municipal boundaries with 83648NED totals",
}

#: OData measure name (without the ``_N`` suffix) -> (code or None, unit, code family).
#: ``None`` means the code comes from the category dimension (``SoortMisdrijf`` or ``Overlast``).
MEASURES: dict[str, tuple[str | None, str, str | None]] = {
    "GeregistreerdeMisdrijven": (None, "misdrijven", "police"),
    "TotaalGeregistreerdeMisdrijven": (None, "misdrijven", "cbs"),
    "GeregistreerdeOverlast": (None, "registraties", "nuisance"),
    "TotaalRegistratiesOverlast": (None, "registraties", "nuisance"),
    "BevolkingAanHetBeginVanDePeriode": ("population_start", "inwoners", None),
    "GemiddeldAantalInwoners": ("population_avg", "inwoners", None),
    "TotaleBevolking": ("population_jan1", "inwoners", None),
}
#: Measure labels as the police site writes them (the part after the last "/").
MEASURE_LABELS = {
    "geregistreerde misdrijven": "GeregistreerdeMisdrijven",
    "totaal geregistreerde misdrijven": "TotaalGeregistreerdeMisdrijven",
    "geregistreerde overlast": "GeregistreerdeOverlast",
    "totaal registraties overlast": "TotaalRegistratiesOverlast",
}
CATEGORY_DIMS = ("SoortMisdrijf", "Overlast")
REGION_DIMS = ("WijkenEnBuurten", "RegioS", "Gemeenten", "Regio")
LABEL_CATEGORY_DIMS = ("soort misdrijf", "overlast", "soort overlast")
LABEL_REGION_DIMS = ("wijken en buurten", "regio's", "regios", "regio", "gemeenten", "gemeente")
MEASURE_COL = re.compile(r"^(.*)_(\d+)$")
SOURCE_BY_FAMILY = {"police": "Politie", "cbs": "CBS 83648NED", "nuisance": "Politie 47021NED"}


@dataclass
class Ctx:
    """What a reader knows about the file, for error messages and defaults."""

    path: Path
    regions: _codes.RegionList
    codes: _codes.CodeList
    fmt: str = ""
    records: list[dict] = field(default_factory=list)

    def error(self, problem: str, **kw) -> InputFileError:
        """Return an :class:`InputFileError` for this file (the caller raises it)."""
        return InputFileError(relative_to_root(self.path), problem, **kw)

    def add(self, **rec) -> None:
        """Append one value record (tidy columns plus ``raw``, ``_line``, ``_col`` ...).

        ``_key`` names the cell in the file (:mod:`ivp_analysis.refs`); without it the key is
        made from ``_line`` and ``_col``.
        """
        self.records.append(rec)
