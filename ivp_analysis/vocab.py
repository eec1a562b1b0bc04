"""The project's vocabulary: every status, verdict, family and source name, defined once.

Result tables carry these words (the Dutch verdicts are part of the CSV contract, see
``docs/results.md``), and the presentation layer shows them; no other module defines its own.
Codes are English (``improved``, ``provisional``); what a reader sees is Dutch.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- data status
#: Status of a published figure (``status`` column of the tidy frame), with its Dutch word.
DATA_STATUS_NL: dict[str, str] = {
    "final": "definitief",
    "provisional": "voorlopig",
    "unknown": "onbekend",
    "missing": "ontbreekt",
}

# --------------------------------------------------------------------------- test verdicts
#: Verdicts of a comparison of two counts or of a trend (exploratory screens), in Dutch.
VERDICT_UP = "significante stijging"
VERDICT_DOWN = "significante daling"
VERDICT_WITHIN = "binnen normale schommeling"
VERDICT_NA = "niet te toetsen"
#: A comparison or trend that rests on a provisional figure: shown, but no verdict (unless a
#: report opts in with ``provisional_verdicts``).
VERDICT_PROVISIONAL = "voorlopig: geen oordeel"
TEST_VERDICTS = (VERDICT_UP, VERDICT_DOWN, VERDICT_WITHIN, VERDICT_NA, VERDICT_PROVISIONAL)

#: Verdicts of observed against expected (COVID-19 counterfactuals), in Dutch.
VERDICT_BELOW = "lager dan verwacht"
VERDICT_ABOVE = "hoger dan verwacht"

# --------------------------------------------------------------------------- indicator status
STATUS_IMPROVED = "improved"
STATUS_WORSENED = "worsened"
STATUS_NO_CHANGE = "no significant change"
STATUS_NO_DATA = "not assessable: no data"
STATUS_NO_DIRECTION = "not assessable: no target direction"
#: Every indicator status, in the order of the scorecard.
STATUSES = (
    STATUS_IMPROVED,
    STATUS_WORSENED,
    STATUS_NO_CHANGE,
    STATUS_NO_DIRECTION,
    STATUS_NO_DATA,
)
#: Dutch wording of each indicator status.
STATUS_NL: dict[str, str] = {
    STATUS_IMPROVED: "verbeterd",
    STATUS_WORSENED: "verslechterd",
    STATUS_NO_CHANGE: "geen significante verandering",
    STATUS_NO_DIRECTION: "niet te beoordelen: geen streefrichting",
    STATUS_NO_DATA: "niet te beoordelen: geen cijfers",
}

#: The plan's four priorities and the going-concern themes, in the plan's order, with Dutch names.
PRIORITIES: dict[str, str] = {
    "ondermijning": "Aanpak van ondermijnende criminaliteit",
    "jeugd": "Jeugd en veiligheid",
    "zorg": "Zorg en veiligheid",
    "digitaal": "Weerbaarheid tegen digitale criminaliteit",
    "going-concern": "Overige veiligheidsthema's (going concern)",
}
#: Desired directions of an indicator with their Dutch reading.
DIRECTIONS: dict[str, str] = {
    "down": "dalen",
    "up": "stijgen",
    "interpretive": "geen streefrichting",
}

#: Test methods of a count comparison with their Dutch names (in the reason of ``indicators.csv``).
METHOD_NL: dict[str, str] = {
    "exact Poisson": "exacte Poisson-toets",
    "quasi-Poisson": "quasi-Poisson-toets",
}
#: Dutch word of a figure's provisional status next to a verdict ("verbeterd (voorlopig)").
PROVISIONAL_NL = "voorlopig"

# --------------------------------------------------------------------------- trend context
# Where an observed count lies against the prediction interval of its pre-plan trend
# (``trend_verdict`` and ``baseline_vs_trend`` of trends.csv and indicators.csv): English codes,
# Dutch words for readers.
TREND_BELOW = "below trend"
TREND_WITHIN = "within trend"
TREND_ABOVE = "above trend"
#: ``trend_verdict`` of a provisional figure in the exploratory screens (no verdict).
TREND_PROVISIONAL = "provisional: no verdict"
#: Every trend verdict, in order.
TREND_VERDICTS = (TREND_BELOW, TREND_WITHIN, TREND_ABOVE, TREND_PROVISIONAL)
#: Dutch wording of each trend verdict.
TREND_NL: dict[str, str] = {
    TREND_BELOW: "onder de trend",
    TREND_WITHIN: "binnen de trend",
    TREND_ABOVE: "boven de trend",
    TREND_PROVISIONAL: VERDICT_PROVISIONAL,
}

# --------------------------------------------------------------------------- indicator findings
# What the assessment of an indicator found (``Assessment.case``); the presentation words each.
CASE_NO_FIGURES = "no figures"  # no figure at all up to the evaluation year
CASE_NO_BASELINE = "no baseline"  # no figure in the baseline years
CASE_NO_LATER = "no later figure"  # nothing after the baseline up to the evaluation year
CASE_NO_POPULATION = "no population"  # a count without the population of a year it needs
CASE_ZERO = "zero counts"  # 0 in the baseline and in the evaluation year
CASE_COUNTS = "counts compared"  # rates per inhabitant tested
CASE_NO_MARGIN = "margin unknown"  # survey marks without respondents or margin
CASE_SCORES = "scores compared"  # survey marks compared with their margin
#: Every case of an indicator assessment.
CASES = (
    CASE_NO_FIGURES,
    CASE_NO_BASELINE,
    CASE_NO_LATER,
    CASE_NO_POPULATION,
    CASE_ZERO,
    CASE_COUNTS,
    CASE_NO_MARGIN,
    CASE_SCORES,
)
# What figures are missing (``Assessment.gap``), for the years in ``Assessment.gap_years``.
GAP_ALL = "all years"  # no figure at all
GAP_BASELINE = "baseline"  # the baseline years
GAP_AFTER = "after"  # every year after the one in gap_years
GAP_YEARS = "years"  # the years after the latest figure up to the evaluation year
GAP_POPULATION = "population"  # the population of gap_years
GAP_MARGIN = "margin"  # respondents or margin of the surveys of gap_years

# --------------------------------------------------------------------------- models
#: Count-model families with their Dutch names.
FAMILY_NL: dict[str, str] = {
    "poisson": "Poisson",
    "negbin": "negatief binomiaal",
    "quasi-poisson": "quasi-Poisson",
}

# --------------------------------------------------------------------------- sources
SOURCE_POLICE = "Politie 47018NED"
SOURCE_CBS = "CBS 83648NED"
SOURCE_PLAN = "IVP 2023-2026"
SOURCE_NL = "Politie 47018NED, som van alle gemeenten incl. GM0000"

#: Shipped data sets (``datasets.SHIPPED``) with figures per municipality: the data overview counts
#: them and an indicator may name one as its source.
MUNICIPAL_DATASETS = (
    "municipal_crime",
    "cbs_totals_2010_2020",
    "cbs_totals_2022",
    "plan_figures",
    "plan_surveys",
)

# --------------------------------------------------------------------------- crime trends
# Words of the result tables of notebook 01 (benchmark.csv, reconciliation.csv), in Dutch.

#: Size classes of waarstaatjegemeente.nl: lower bound included, upper bound excluded.
SIZE_CLASSES: tuple[tuple[float, float, str], ...] = (
    (0, 10_000, "minder dan 10.000 inwoners"),
    (10_000, 20_000, "10.000 tot 20.000 inwoners"),
    (20_000, 50_000, "20.000 tot 50.000 inwoners"),
    (50_000, 100_000, "50.000 tot 100.000 inwoners"),
    (100_000, 150_000, "100.000 tot 150.000 inwoners"),
    (150_000, 250_000, "150.000 tot 250.000 inwoners"),
    (250_000, float("inf"), "250.000 inwoners of meer"),
)
#: Description of a peer group (``peer_group`` column): by size class, or a list of codes.
PEERS_SIZE_CLASS_NL = (
    "grootteklasse {size_class} (gemiddelde bevolking {year}, indeling van waarstaatjegemeente.nl)"
)
PEERS_LIST_NL = "zelf gekozen lijst van gemeenten"
PEERS_ADDED_NL = " (inclusief {name}, toegevoegd)"

#: Position of the municipality in its peer group (``position`` column).
POSITION_LOW = "laagste kwart"
POSITION_MIDDLE = "middelste helft"
POSITION_HIGH = "hoogste kwart"
#: No position for a type with small numbers (median yearly count below ``trends.inputs.SMALL_COUNT``).
POSITION_SMALL = "kleine aantallen: geen rangorde"

#: Match values of the reconciliation (``match`` column; English meaning in docs/trends.md).
MATCH_YES = "ja"
MATCH_NO = "nee"
MATCH_ROUNDING = "afronding"
MATCH_NO_SERIES = "geen officiële reeks meegeleverd"
MATCH_NOT_IN_PLAN = "geen cijfer in het plan"
#: Every match value, in the order of the overview table.
MATCHES = (MATCH_YES, MATCH_ROUNDING, MATCH_NO, MATCH_NO_SERIES, MATCH_NOT_IN_PLAN)
#: ``official_source`` of the CBS total and of a code without a figure for that year.
SOURCE_CBS_ROUNDED = f"{SOURCE_CBS} (afgerond op 5)"
NO_FIGURE_FOR_YEAR_NL = "{source}: geen cijfer voor {year} meegeleverd"
#: ``note`` of the reconciliation: swapped years, and why CBS differs.
NOTE_SWAPPED_NL = "plan lijkt {first} en {second} te hebben verwisseld"
NOTE_CBS_NL = "CBS telt anders dan de politie (andere selectie) en rondt af op 5"

# --------------------------------------------------------------------------- COVID-19
# Words that the COVID-19 result tables (covid_*.csv, see docs/covid.md) carry, besides the
# verdicts above; the presentation layer (present/covid.py) shows the same words.
#: Dutch month abbreviations, January first (period labels such as ``mrt 2020``).
MONTHS_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
#: Kinds of period in ``covid_summary.csv`` (``period_type``); ``totaal`` is also its ``phase``.
PERIOD_PHASE = "fase"
PERIOD_YEAR = "jaar"
PERIOD_TOTAL = "totaal"
#: Side on which a period's sum lies outside its interval (``sum_outside``).
SUM_BELOW = "lager"
SUM_ABOVE = "hoger"
#: Parts of the ``note`` of a national series: a declared break, a level shift found in the data.
NOTE_DECLARED_BREAK = "reeksbreuk"
NOTE_FOUND_SHIFT = "gevonden niveausprong"
NOTE_MODEL_FROM = "model vanaf"
NOTE_NOT_CORRECTED = "niet gecorrigeerd"
NOTE_DIGITAL_DESK = "digitaal aangifteloket vanaf april 2020"
#: Interval methods of ``covid_municipal.csv`` (``interval_method``).
INTERVAL_PLUGIN = "plug-in"
INTERVAL_MIXTURE = "dispersie-mengsel"
#: Verdict of a national series whose model did not pass the back-test (no verdict).
VERDICT_NO_MODEL = "geen oordeel: model onvoldoende"
#: The model that gives a national series its verdicts (``model`` of covid_national/summary.csv).
MODEL_NL: dict[str, str] = {
    "seasonal_ar1": "seizoensverschil met AR(1)",
    "seasonal_naive": "seizoensnaïef",
    "none": "geen",
}
#: Why a series does not get the seasonal AR(1) model (``model_reason``, joined by "; ").
MODEL_REASON_NL: dict[str, str] = {
    "no_backtest": "reeks te kort voor een back-test",
    "not_better_than_naive": "model niet nauwkeuriger dan seizoensnaïef in de back-test",
    "low_coverage": "95%-interval van het model hield minder dan 85 % van de back-testmaanden",
    "naive_low_coverage": "95%-interval van seizoensnaïef hield minder dan 85 % van de back-testmaanden",
}

# --------------------------------------------------------------------------- added inputs
# Words of the data chapter (notebook 00) and data_overrides.csv about files a report adds.

#: Why an added figure does not replace a shipped value (``reason`` of data_overrides.csv).
KEPT_CBS = "CBS 83648NED telt zelf en rondt af op 5: blijft een eigen reeks"
KEPT_PLAN = (
    "het plan zoals gedrukt blijft staan (de aansluiting toetst het); een indicator met het plan "
    "als bron gebruikt het toegevoegde cijfer"
)
KEPT_EMPTY = "leeg in het toegevoegde bestand: het meegeleverde cijfer blijft staan"
#: The ``dataset`` of an added figure that lays over no shipped data set (data_availability.csv).
ADDED_DATASET = "toegevoegd"

# --------------------------------------------------------------------------- regional overview
# Words of the overview of a batch (``index.html`` and ``summary.csv`` at the batch root).

#: Outcome of one report of a batch (``status`` of summary.csv), in Dutch.
BATCH_STATUS_NL: dict[str, str] = {
    "done": "gemaakt",
    "skipped": "al actueel",
    "failed": "mislukt",
}
#: Position of the evaluation year against the projected pre-plan trend (``trend_verdict`` of
#: trends.csv and indicators.csv), in Dutch; a value not listed here is shown as it is.
TREND_POSITION_NL: dict[str, str] = {
    "below trend": "onder de trend",
    "within trend": "binnen de trend",
    "above trend": "boven de trend",
}
#: Short names of the priorities (``PRIORITIES``), for the column headings of the overview.
PRIORITY_SHORT_NL: dict[str, str] = {
    "ondermijning": "Ondermijning",
    "jeugd": "Jeugd",
    "zorg": "Zorg",
    "digitaal": "Digitaal",
    "going-concern": "Overig",
}
#: The crime types of the overview (``ivp_analysis.regional.CRIMES``) with their Dutch names.
OVERVIEW_CRIMES_NL: dict[str, str] = {
    "burglary": "Woninginbraak",
    "total_crime": "Totaal misdrijven",
}
#: Every "not assessable: ..." indicator status together, in Dutch.
NOT_ASSESSABLE_NL = "niet te beoordelen (geen cijfers of geen streefrichting)"
