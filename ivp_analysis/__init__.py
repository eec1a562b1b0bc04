"""ivp-analysis: evaluate a Dutch municipality's integral safety plan from open crime data.

The public entry point for data is :func:`load_table`; analyses live in the modules named
by analysis family (``trends``, ``covid``, ``indicators``), report runs in ``report``.
"""

from ivp_analysis._version import __version__
from ivp_analysis.errors import InputFileError, IvpError, ParameterError, ReportError
from ivp_analysis.load import FORMATS, TIDY_COLUMNS, detect_format, load_table

__all__ = [
    "FORMATS",
    "TIDY_COLUMNS",
    "InputFileError",
    "IvpError",
    "ParameterError",
    "ReportError",
    "__version__",
    "detect_format",
    "load_table",
]
