"""The area profile (/profile?geo=): one page on one area. Its own chart is the Fingertips-style spine chart of
the area's indicators; the page also shows charts declared elsewhere (SPC, condition mix, programmes, cost,
neighbours) for the same area, and a plain-English summary built from those charts' own data functions.

Indicators are the long-term-sick rate overall and within groups (main condition, the oldest age band, women and
men), each in the latest quarter chosen, for the area, England and all 42 ICBs (for the quartile bands). A warehouse
without survey cells (a build from published files alone) draws the published measure instead, named as published,
and lists the groups as not published at this level (``_profile_published.py``).
"""
from __future__ import annotations

import pandas as pd

from dashboard import facts, registry
from dashboard.charts import _profile_published as published
from dashboard.charts.common import SURVEY_SOURCE
from dashboard.domain import domain
from dashboard.figures import profile as fig
from dashboard.filters import ENGLAND, Filters, period_label
from dashboard.registry import Chart, register
from dashboard.stats import compare
from dashboard.stats.disclosure import disclose
from dashboard.stats.quality import survey_rates
from queries import run

PAGE = "/profile"
SPINE_COLUMNS = ["indicator", "area_code", "area_name", "period", "value", "lower", "upper", "reliability",
                 "england", "icb_min", "icb_q1", "icb_median", "icb_q3", "icb_max", "icbs", "compared_with_england"]


def indicators() -> list[tuple[str, dict]]:
    """(label, the filter changes that define it), in the order the spine chart lists them."""
    groups = domain().condition_groups
    top = groups[groups["parent"].eq("")]
    return [("All long-term sick", {})] + [
        (f"Main condition: {name.lower()}", {"condition": gid}) for gid, name in zip(top["id"], top["name"],
                                                                                     strict=True)
    ] + [("Aged 50-64", {"age": "50-64"}), ("Women", {"sex": "female"}), ("Men", {"sex": "male"})]


def spine_data(filters: Filters) -> pd.DataFrame:
    """Per indicator: the area's rate and interval, England's, the spread across the 42 ICBs (min, quartiles,
    max) and the area's class against England. Rates are % of people aged 16-64 in the group, lower better.
    Without survey cells: the published measure, its spread across the areas of the same level published, and
    the other indicators as not published at this level (``_profile_published.spine_data``)."""
    if not facts.survey_cells():
        return published.spine_data(filters, indicators(), SPINE_COLUMNS)
    quarter = filters.period_to
    wanted = indicators()
    cells = spine_cells(filters.geo, quarter, wanted)
    rows = []
    for label, change in wanted:
        rated = cells[cells["indicator"] == _key(change)] if len(cells) else cells
        icbs = rated[rated["level"] == "icb"]
        national = rated[rated["area_code"] == ENGLAND]
        own = rated[rated["area_code"] == filters.geo]
        if own.empty or national.empty:
            continue
        england = float(national["rate"].iloc[0])
        area = own.iloc[0]
        spread = icbs["rate"].dropna()
        rows.append({
            "indicator": label, "area_code": filters.geo, "area_name": area["area_name"], "period": quarter,
            "value": area["rate"], "lower": area["lower"], "upper": area["upper"],
            "reliability": area.get("reliability"), "england": england,
            "icb_min": spread.min(), "icb_q1": spread.quantile(0.25), "icb_median": spread.median(),
            "icb_q3": spread.quantile(0.75), "icb_max": spread.max(), "icbs": len(spread),
            "compared_with_england": (compare.NOT_COMPARED if filters.geo == ENGLAND else
                                      compare.compare_with_england([area["lower"]], [area["upper"]], england)[0]),
        })
    return pd.DataFrame(rows, columns=SPINE_COLUMNS)


def _key(change: dict) -> str:
    return "|".join("" if pd.isna(v := change.get(k)) else str(v) for k in ("condition", "age", "sex"))


def spine_cells(geo: str, quarter: str, wanted: list[tuple[str, dict]]) -> pd.DataFrame:
    """Every indicator's rates for the ICBs, England and ``geo`` in ``quarter``, from one query
    (queries/profile_spine.sql), with the intervals and disclosure control ``lts_rates`` applies one indicator at
    a time; ``indicator`` is the key of the filter change that defines it."""
    changes = [change for _, change in wanted]
    frame = run("profile_spine", period=quarter, geo=geo,
                conditions=[c["condition"] for c in changes if "condition" in c],
                ages=[c["age"] for c in changes if "age" in c], sexes=[c["sex"] for c in changes if "sex" in c])
    if frame.empty:
        return frame
    rated = survey_rates(frame)
    rated = disclose(rated, ["people"], national=rated["area_code"].eq(ENGLAND))
    return rated.assign(indicator=[_key({"condition": c, "age": a, "sex": x}) for c, a, x in
                                   zip(rated["condition"], rated["age"], rated["sex"], strict=True)])


def spine_summary(frame: pd.DataFrame, filters: Filters) -> str:
    if "note" in frame:  # published facts
        return published.summary(frame, filters, registry_phrase)
    counts = frame["compared_with_england"].value_counts()
    if filters.geo == ENGLAND:
        return (f"{period_label(filters.period_to)}: England's value on each of {len(frame)} indicators, with the "
                f"range across the 42 ICBs.")
    return (f"{period_label(filters.period_to)}: of {len(frame)} indicators, {filters.geo_name} is worse (higher) "
            f"than England on {counts.get(compare.WORSE, 0)}, similar on {counts.get(compare.SIMILAR, 0)} and "
            f"better (lower) on {counts.get(compare.BETTER, 0)}.")


def _status(code: str) -> str:
    areas = domain().areas.set_index("code")
    if code == ENGLAND:
        return ""
    row = areas.loc[code]
    parts = []
    if bool(row["accelerator"]):
        parts.append("a Health and Growth Accelerator")
    if bool(row["workwell"]):
        parts.append("a WorkWell vanguard")
    kind = "ICB" if row["level"] == "icb" else "region"
    return (f"It is {' and '.join(parts)} area." if parts else
            f"It is neither a Health and Growth Accelerator nor a WorkWell {kind}.")


def headline(filters: Filters) -> list[str]:
    """The profile's plain-English summary: a few sentences from the same chart data the page shows."""
    # The charts' own data functions (disclosure-controlled), not their figures: the page draws those.
    spine = registry.get("profile-spine").data(filters)
    if "note" in spine:  # published facts: the measure as published, then what the files do not give
        return published_headline(spine, filters)
    sentences = []
    overall = spine[spine["indicator"] == "All long-term sick"]
    if overall.empty:
        return ["No data for this area and period. Try a wider period."]
    row = overall.iloc[0]
    where = "England's" if filters.geo == ENGLAND else f"{filters.geo_name}'s"
    text = (f"In {period_label(filters.period_to)}, {row['value']:.1f}% of people aged 16-64 in "
            f"{filters.geo_name} were out of work through long-term sickness (95% CI {row['lower']:.1f}-"
            f"{row['upper']:.1f})")
    if filters.geo != ENGLAND:
        text += f", {registry_phrase(row['compared_with_england'])} England's {row['england']:.1f}%"
    sentences.append(text + ".")
    if filters.geo != ENGLAND:
        sentences.append(spine_summary(spine, filters).split(": ", 1)[1][0].upper()
                         + spine_summary(spine, filters).split(": ", 1)[1][1:])
    spc = registry.get("regions-spc").data(filters)
    if not spc.empty:
        from dashboard.stats import spc as spc_stats

        sentences.append(f"{where} rate over time: the latest quarter shows {spc_stats.variation(spc)}.")
    mix = registry.get("conditions-mix").data(filters)
    top = mix[(mix["area_code"] == filters.geo) & mix["parent"].isna()].dropna(subset=["share"])
    if not top.empty:
        largest = top.loc[top["share"].idxmax()]
        sentences.append(f"The largest main condition is {largest['group_name'].lower()} "
                         f"({largest['share']:.0f}% of the long-term sick).")
    status = _status(filters.geo)
    if status:
        sentences.append(status)
    return sentences


def published_headline(spine: pd.DataFrame, filters: Filters) -> list[str]:
    row = published.published_row(spine)
    sentences = [published.first_sentence(spine, filters, registry_phrase)]
    if row is not None:
        sentences += [published.rank_sentence(row, filters), published.source_sentence(row)]
    sentences.append(published.breakdowns_sentence(spine))
    status = _status(filters.geo)
    return [s for s in (*sentences, status) if s]


def registry_phrase(key: str) -> str:
    from dashboard.charts.regions import PHRASE

    return PHRASE.get(key, "not compared with")


register(Chart(
    id="profile-spine",
    needs="cells",
    title="The area's indicators against England and the range across ICBs",
    page=PAGE,
    description="A spine chart, as in Fingertips: for each indicator, the area's long-term-sick rate in the "
                "latest quarter chosen (its marker's colour and shape say whether it is better, similar or worse "
                "than England), England at the centre line, and the spread of the 42 ICBs: lowest to highest in "
                "light grey, the middle half (25th to 75th percentile) in dark grey. Lower is better. From published "
                "files alone: the published measure, named as published, in its latest period, against the areas "
                "of the same level published then; the groups the files do not give say so.",
    source=SURVEY_SOURCE,
    data=spine_data,
    figure=fig.spine,
    summary=spine_summary,
    filters=("geo", "to"),
))
