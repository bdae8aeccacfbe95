"""Data helpers shared by chart declarations: the long-term-sick series with rates and intervals."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd

import queries
from dashboard.domain import domain
from dashboard.filters import ENGLAND, Filters
from dashboard.stats.disclosure import disclose
from dashboard.stats.quality import survey_rates
from queries import run

SURVEY_SOURCE = "ONS Annual Population Survey, economically inactive because of long-term sickness, aged 16-64"
# A chart that draws published figures where they are loaded (the measure and files are named in its summary).
PUBLISHED_OR_SURVEY_SOURCE = ("ONS Annual Population Survey: the published Nomis figures where loaded (the measure is "
                              "named on the axis), else estimates from survey records")
PILOT_SOURCE = "Programme participant records and ICB pilot returns (unpublished management information)"
# Respondent counts: used for intervals and tests, never published below national level.
SURVEY_PRIVATE = ("sample_size", "sample_sick")


def comparators(geo: str) -> list[str]:
    """The area, its best-fit ONS region (for an ICB) and England, in that order."""
    return domain().chain(geo)


def lts_rates(filters: Filters, *, areas: list[str] | None = None, level: str | None = None,
              period_from: str | None = None, period_to: str | None = None) -> pd.DataFrame:
    """Long-term-sick estimates and rates by area and quarter, with 95% intervals (design factor applied),
    standard errors, CVs and ONS quality bands (``quality.survey_rates``).

    Weighted estimates are disclosure-controlled (England's unrounded, every other area's rounded to 5);
    respondent counts (``sample_size``, ``sample_sick``) stay in the frame for tests and z tests, and no
    chart may publish them below national level (``SURVEY_PRIVATE``).
    """
    frame = run(
        "long_term_sick", areas=areas, level=level,
        period_from=period_from or filters.period_from, period_to=period_to or filters.period_to,
        age=filters.age, sex=filters.sex, condition=filters.condition,
    )
    if frame.empty:
        return frame
    rated = survey_rates(frame)
    return disclose(rated, ["people"], national=rated["area_code"].eq(ENGLAND))


# ---- work shared by the charts of one page ------------------------------------------------------------------------

SHARED_SIZE = 64
_shared: OrderedDict = OrderedDict()
_in_flight: dict[tuple, threading.Event] = {}
_shared_lock = threading.Lock()


def shared_result(name: str, key: tuple, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``compute()``, done once per warehouse generation for the charts of a page that need the same work (the
    regions league, choropleth, hex map and neighbours all start from ``survey_table``), also when their
    callbacks arrive together: the others wait for the first and take its result. Each caller gets a copy.

    Keyed on the warehouse as the results cache is (its data version and generation), so clearing that cache or
    a new build clears this too."""
    wh = queries.warehouse()
    full = (name, key, id(wh), wh.generation, wh.version)
    with _shared_lock:
        frame = _shared.get(full)
        if frame is not None:
            _shared.move_to_end(full)
            return frame.copy()
        waiting = _in_flight.get(full)
        if waiting is None:
            _in_flight[full] = threading.Event()
    if waiting is not None:  # another thread is computing it: wait for it, then take its result
        waiting.wait(timeout=60)
        with _shared_lock:
            frame = _shared.get(full)
        return frame.copy() if frame is not None else compute()  # it failed: the error comes from our own try
    try:
        frame = compute()
        with _shared_lock:
            _shared[full] = frame
            while len(_shared) > SHARED_SIZE:
                _shared.popitem(last=False)
    finally:
        with _shared_lock:
            _in_flight.pop(full).set()
    return frame.copy()
