"""Data helpers shared by chart declarations: the long-term-sick series with rates and intervals."""
from __future__ import annotations

import pandas as pd

from dashboard.domain import domain
from dashboard.filters import ENGLAND, Filters
from dashboard.stats.disclosure import disclose
from dashboard.stats.quality import survey_rates
from queries import run

SURVEY_SOURCE = "ONS Annual Population Survey, economically inactive because of long-term sickness, aged 16-64"
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
