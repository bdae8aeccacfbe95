"""The programme facts as charts read them (data/rollups.sql: participant records and pilot returns in one
shape): the query parameters with the viewer's ICBs, what the sources record for a selection, and the words
for what they do not ("not in the pilot returns"), never numbers made up in their place."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.filters import Filters
from dashboard.stats import disclosure
from queries import run

AS_OF_RETURN = "as_of_return"
# After a programme's name when rows from real files are shown beside synthetic ones (a build --with-demo).
SYNTHETIC_MARK, PARTLY_SYNTHETIC = " (synthetic)", " (partly synthetic)"
NO_AGE_SEX = ("Age and sex are not in the pilot returns, which give starts and outcomes by ICB, quarter, "
              "programme and condition only: choose all ages and both sexes to see them.")
NO_DAYS = ("Time to work is not in the pilot returns: they count job outcomes, not the day each person started "
           "work, so there is no curve to draw. Participant records give it.")
NO_APP_USE = ("App use, adherence and MSK-HQ scores are not in the pilot returns: participant records of digital "
              "MSK programmes give them.")


def viewer_icbs(filters: Filters) -> tuple[str, ...] | None:
    """The ICBs whose programme figures the viewer may see, or None for all: ``Filters.scope``, which
    dashboard/access.py sets from the viewer's role before a restricted chart is rendered."""
    return filters.scope


def period_params(filters: Filters) -> dict[str, object]:
    return {
        "geo": filters.geo, "icbs": viewer_icbs(filters), "age": filters.age, "sex": filters.sex,
        "condition": filters.condition,
        "start_from": pd.Period(filters.period_from, "Q").start_time.date(),
        "start_to": pd.Period(filters.period_to, "Q").end_time.date(),
    }


def coverage(filters: Filters) -> pd.DataFrame:
    """Starts in the selection (before age and sex) by origin, with what each records (interventions_coverage)."""
    params = period_params(filters)
    return run("interventions_coverage", **{k: params[k] for k in ("geo", "icbs", "condition", "start_from",
                                                                   "start_to")}).set_index("origin")


def lacking(filters: Filters, frame: pd.DataFrame, need: str) -> pd.DataFrame:
    """``frame``, or when it is empty because the sources lack what the chart needs, an empty frame that says so."""
    if not frame.empty:
        return frame
    have = coverage(filters)
    returns = "pilot_returns" in have.index and have.at["pilot_returns", "participants"] > 0
    records = "participant_records" in have.index and have.at["participant_records", "participants"] > 0
    message = None
    if need == "age_sex" and (filters.age or filters.sex) and returns:
        message = NO_AGE_SEX
    elif need == "days" and returns and not records:
        message = NO_DAYS
    elif need == "app" and returns and not (have["with_app_use"] > 0).any():
        message = NO_APP_USE
    out = pd.DataFrame()
    if message:
        out.attrs.update(empty_message=message, synthetic=False)
    return out


def mark(out: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """Say where the numbers come from: ``attrs['synthetic']`` (any synthetic row) and the returns' files; when
    synthetic and real programmes are shown together (a build ``--with-demo``), name each synthetic one so."""
    shown = raw[raw["participants"] > 0] if "participants" in raw else raw
    synthetic = shown.set_index("programme")["synthetic"].astype(bool) if "synthetic" in shown else None
    out.attrs["synthetic"] = True if synthetic is None else bool(synthetic.any())
    out.attrs["files"] = ", ".join(sorted({f for fs in shown.get("files", []) for f in fs.split(", ") if f}))
    real = shown.set_index("programme")["files"].ne("") if "files" in shown else None  # rows from real files
    if synthetic is not None and real is not None and synthetic.any() and real.any():
        mark_ = pd.Series(np.select([synthetic & real, synthetic], [PARTLY_SYNTHETIC, SYNTHETIC_MARK], ""),
                          index=synthetic.index)
        out["programme_name"] = out["programme_name"] + out["programme"].map(mark_).fillna("")
    return out


COUNTS = ["participants", "followed_12m", "jobs_12m", "followed_26w", "sustained_26w"]


def programme_counts(filters: Filters) -> pd.DataFrame:
    """Per programme counts and costs for the selection, disclosure-controlled at every level (England too:
    a national total beside controlled ICB figures would give a suppressed cell by subtraction)."""
    return disclosure.control_columns(run("interventions_outcomes", **period_params(filters)), COUNTS)


def suppressed_parts(filters: Filters, outcomes: str, eligible: str) -> pd.Series:
    """Per programme: whether any ICB part of the selection's total has a suppressed count (secondary
    suppression, ``disclosure.total_rate``). False when the area is one ICB: it is a part, not a total."""
    if filters.geo.startswith("E54"):
        return pd.Series(dtype=bool)
    parts = run("interventions_parts", **period_params(filters))
    flags = disclosure.part_suppressed(parts[outcomes], parts[eligible])
    return pd.Series(flags, index=parts.index).groupby(parts["programme"]).any()


def facts_synthetic() -> bool:
    """Whether any programme fact in the warehouse is synthetic (the demo generator's participant records): a
    chart of programme facts is marked synthetic only then (``Chart.synthetic_when``)."""
    return bool(run("programme_sources")["synthetic"].any())
