"""The area profile's spine and summary on a warehouse without survey cells (a build from published files alone).

The one indicator published by area is long-term sickness as a total, in the measure and period the file gives
(e.g. Nomis' "% of economically inactive who are long-term sick", year to Jun 2024): the area's value and interval
as published, England's in the same measure and period (else none, and nothing is compared), and the spread and
rank across the areas of the same level published in that measure and period (``facts.published_level``, the
league's own rows, so the profile and the league cannot disagree). The indicators by main condition, age band and
sex are listed as not published at this level, with no number. No query of its own: the league's (cached).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import facts
from dashboard.domain import NOT_PUBLISHED, domain
from dashboard.filters import ENGLAND, Filters
from dashboard.stats import compare, quality

PEERS = {"region": "regions", "icb": "ICBs"}
EXTRA_COLUMNS = ["measure", "period_label", "peers", "rank", "flag", "aggregated", "source", "files", "released",
                 "synthetic", "note"]
NOT_AT_LEVEL = "Not published at this level"
BREAKDOWNS = "Main condition, age band and sex"


def _released() -> dict[str, str]:
    rows = facts.coverage()
    return dict(zip(rows["source_id"], rows["released"], strict=True)) if "released" in rows else {}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _peers(filters: Filters) -> tuple[str, pd.DataFrame]:
    """The level the area is compared within and its published rows (England: regions, else ICBs)."""
    level = domain().level_of(filters.geo)
    if level != "england":
        return level, facts.published_level(filters, level)
    for level in ("region", "icb"):
        rows = facts.published_level(filters, level)
        if not rows.empty:
            return level, rows
    return "region", pd.DataFrame()


def _england_row(filters: Filters, level: str, measure: str, period: str) -> pd.Series | None:
    from queries import run

    rows = run("lts_published", level=level, period_to=filters.period_to)
    rows = rows[(rows["level"] == "england") & (rows["measure"] == measure) & (rows["period"] == period)]
    return rows.iloc[0] if len(rows) else None


def _not_published(indicator: str, note: str, filters: Filters) -> dict:
    return {"indicator": indicator, "area_code": filters.geo, "area_name": filters.geo_name, "period": None,
            "compared_with_england": compare.NOT_COMPARED, "synthetic": False, "note": note, "icbs": 0}


def _overall(filters: Filters) -> dict:
    level, peers = _peers(filters)
    if peers.empty:
        return _not_published("All long-term sick", f"{NOT_AT_LEVEL}: the loaded files give no long-term-sickness "
                                                    f"percentage for {filters.geo_name}", filters)
    measure, period = peers["measure"].iloc[0], peers["period"].iloc[0]
    shown = peers["rate"].dropna()
    if filters.geo == ENGLAND:
        own = _england_row(filters, level, measure, period)
    else:
        mine = peers[peers["code"] == filters.geo]
        own = mine.iloc[0] if len(mine) else None
    if own is None or pd.isna(own["rate"]):
        why = (f"{NOT_AT_LEVEL}: the loaded files give no {measure} for {filters.geo_name} "
               f"({peers['period_label'].iloc[0]})") if own is None else (
            f"Not shown: the publisher withheld {filters.geo_name}'s value (flag {own['flag']!r}: the sample is too "
            f"small to publish)")
        return _not_published("All long-term sick", why, filters)
    england = peers["england_rate"].iloc[0]
    compared = compare.NOT_COMPARED if filters.geo == ENGLAND else own["compared_with_england"]
    released = _released().get(own["source_id"], "not stated in the file")
    return {
        "indicator": f"{measure}, {own['period_label']}", "area_code": filters.geo, "area_name": filters.geo_name,
        "period": period, "value": float(own["rate"]), "lower": own["lower"], "upper": own["upper"],
        "reliability": own.get("quality", quality.NOT_SHOWN if pd.isna(own["rate"]) else None),
        "england": england, "icb_min": shown.min(), "icb_q1": shown.quantile(0.25), "icb_median": shown.median(),
        "icb_q3": shown.quantile(0.75), "icb_max": shown.max(), "icbs": len(shown),
        "compared_with_england": compared, "measure": measure, "period_label": own["period_label"],
        "peers": PEERS[level], "rank": (np.nan if filters.geo == ENGLAND else int((shown > own["rate"]).sum()) + 1),
        "flag": own["flag"], "aggregated": bool(own["aggregated"]) if pd.notna(own["aggregated"]) else False,
        "source": own["source"], "files": own["files"], "released": released, "synthetic": False, "note": None,
    }


def spine_data(filters: Filters, indicators: list[tuple[str, dict]], columns: list[str]) -> pd.DataFrame:
    """The spine's rows from published facts: the overall indicator where published, every other indicator listed
    as not published at this level (its value, interval and spread empty)."""
    loaded = domain()
    rows = [_overall(filters)]
    for label, change in indicators[1:]:
        need = "condition" if "condition" in change else "age" if "age" in change else "sex"
        reason = loaded.missing(need) or NOT_PUBLISHED[need]
        rows.append(_not_published(label, f"{NOT_AT_LEVEL}: {reason.split(': ', 1)[1]}", filters))
    frame = pd.DataFrame(rows, columns=columns + EXTRA_COLUMNS)
    # Every row is about the period the profile shows (the published one, else the one chosen): no blank period.
    frame["period"] = frame["period"].fillna(rows[0]["period"] or filters.period_to)
    numeric = ["value", "lower", "upper", "england", "icb_min", "icb_q1", "icb_median", "icb_q3", "icb_max", "rank"]
    frame[numeric] = frame[numeric].astype(float)
    frame["synthetic"] = False
    return frame


def published_row(frame: pd.DataFrame) -> pd.Series | None:
    rows = frame[frame["value"].notna()]
    return rows.iloc[0] if len(rows) else None


def rank_sentence(row: pd.Series, filters: Filters) -> str:
    if pd.isna(row["rank"]):
        return ""
    return (f"{filters.geo_name} ranks {_ordinal(int(row['rank']))} highest of the {int(row['icbs'])} {row['peers']} "
            f"published in this measure for the {row['period_label']}.")


def source_sentence(row: pd.Series) -> str:
    return f"Source: {row['source']} ({row['files']}; release date {row['released']})."


def first_sentence(frame: pd.DataFrame, filters: Filters, phrase) -> str:
    """The area's published figure, named as published, against England's in the same period."""
    row = published_row(frame)
    if row is None:
        return str(frame["note"].iloc[0]) + "."
    interval = ("published without an interval" if pd.isna(row["lower"])
                else f"95% CI {row['lower']:.1f}-{row['upper']:.1f}")
    text = (f"In the {row['period_label']}, {filters.geo_name}'s published figure was {row['value']:.1f}% "
            f"({row['measure']}; {interval})")
    if filters.geo == ENGLAND:
        return text + "."
    if pd.isna(row["england"]):
        return text + "; the loaded files give no value for England in the same period, so it is not compared."
    if row["compared_with_england"] == compare.NOT_COMPARED:
        return text + f", not compared with England's {row['england']:.1f}%."
    return text + f", {phrase(row['compared_with_england'])} England's {row['england']:.1f}%."


def breakdowns_sentence(frame: pd.DataFrame) -> str:
    missing = frame[frame["value"].isna()].iloc[1 if published_row(frame) is None else 0:]
    if missing.empty:
        return ""
    return f"{BREAKDOWNS}: not published at this level (the loaded files give totals only)."


def summary(frame: pd.DataFrame, filters: Filters, phrase) -> str:
    row = published_row(frame)
    parts = [first_sentence(frame, filters, phrase)]
    if row is not None:
        parts += [rank_sentence(row, filters), source_sentence(row)]
    parts.append(breakdowns_sentence(frame))
    return " ".join(p for p in parts if p)
