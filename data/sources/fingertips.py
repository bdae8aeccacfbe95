"""Fingertips (OHID) CSV exports, one row per indicator x area x sex x age x category x time period: the API's
``all_data/csv`` layout, and the website's "Export table as CSV" (every field quoted, a byte-order mark, CRLF,
``AreaName`` for ``Area Name``, "Compared to parent value or percentiles", counts such as ``871,425``, ``-`` for
missing). Loaded as they are into ``source_fingertips`` (values, both intervals, count, denominator, the
comparison with England or the parent area); area codes from before 2023 are mapped to current ones, and rows for
districts, counties or NHS regions are kept at their own level.

Fingertips files say nothing about an indicator's unit, so the 0-100 rule applies to indicators whose name says
they are a percentage or proportion. Time periods follow Fingertips' labels: '2023', '2022/23', '2021 - 23',
'2020/21 - 22/23', '2023 Q1', '2022/23 Q1', 'Jan 2024', '2023-24'.
"""
from __future__ import annotations

import re

import pandas as pd

from data import reference, sources
from data.validate import Problem, Spec

NAME = "fingertips"
TABLE = "source_fingertips"
REQUIRED = ("Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
            "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator")
COLUMNS = {  # file header -> warehouse column
    "Indicator ID": "indicator_id", "Indicator Name": "indicator_name", "Parent Code": "parent_code",
    "Parent Name": "parent_name", "Area Code": "area_code", "Area Name": "area_name", "Area Type": "area_type",
    "Sex": "sex", "Age": "age", "Category Type": "category_type", "Category": "category",
    "Time period": "time_period", "Value": "value",
    "Lower CI 95.0 limit": "lower_95", "Upper CI 95.0 limit": "upper_95",
    "Lower CI 99.8 limit": "lower_998", "Upper CI 99.8 limit": "upper_998", "Count": "count",
    "Denominator": "denominator", "Value note": "value_note", "Recent Trend": "recent_trend",
    "Compared to England value or percentiles": "compared_to_england",
    "Compared to percentiles": "compared_to_percentiles", "Time period Sortable": "time_period_sortable",
    "New data": "new_data", "Compared to goal": "compared_to_goal",
    "Compared to parent value or percentiles": "compared_to_parent",
}
USED = tuple(COLUMNS)
NUMERIC = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "count", "denominator")
LABELS = {v: k for k, v in COLUMNS.items()}
SPEC = Spec(
    area="area_code", counts=("count", "denominator"), ratios=(("count", "denominator"),),
    rate="value", rate_mask="is_percentage",
    intervals=(("lower_95", "value", "upper_95"), ("lower_998", "value", "upper_998")),
    key=("indicator_id", "area_code", "sex", "age", "category_type", "category", "time_period"),
    labels=LABELS,
)
_PERIOD = re.compile(
    r"\d{4}"                                   # 2023
    r"|\d{4}/\d{2}"                            # 2022/23
    r"|\d{4}-\d{2}"                            # 2023-24
    r"|\d{4} - \d{2}"                          # 2021 - 23 (pooled years)
    r"|\d{4}/\d{2} - \d{2}/\d{2}"              # 2020/21 - 22/23
    r"|\d{4}(/\d{2})? Q[1-4]"                  # 2023 Q1, 2022/23 Q1
    r"|(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}"  # Jan 2024
)


def find_header(rows):
    return sources.header_index(rows, REQUIRED)


def header_share(rows):
    return sources.header_share(rows, REQUIRED)


def parse_period(text: str) -> bool:
    return bool(_PERIOD.fullmatch(text.strip()))


def sortable_period(text: str) -> float:
    """Fingertips' 'Time period Sortable' (YYYYQQMM-like) for a label, when an export leaves it out: the first
    year, then the quarter or month, so periods of one indicator sort in time."""
    match = re.match(r"(\d{4})", text.strip())
    if not match:
        return float("nan")
    quarter = re.search(r"Q([1-4])", text)
    month = re.match(r"([A-Za-z]{3}) ", text.strip())
    year = int(match[1]) if not month else int(text.strip()[-4:])
    sub = int(quarter[1]) * 100 if quarter else (sources.MONTHS.get(month[1].lower(), 0) if month else 0)
    return float(year * 10000 + sub)


def normalise(table: sources.Table, index: int) -> tuple[pd.DataFrame, list[Problem]]:
    raw = sources.to_frame(table, index)
    problems: list[Problem] = []
    out = pd.DataFrame(index=raw.index)
    for header, column in COLUMNS.items():
        if column in NUMERIC:
            out[column] = sources.numbers(raw, header, header, problems, table.label)
        else:
            out[column] = sources.pick(raw, header)
    ids = pd.to_numeric(out["indicator_id"], errors="coerce")
    for row in raw.loc[ids.isna(), "_row"]:
        problems.append(Problem(table.label, int(row), "Indicator ID", "not_a_number", "indicator id is not a number"))
    out["indicator_id"] = ids.astype("Int64")
    sortable = pd.to_numeric(out["time_period_sortable"], errors="coerce")
    out["time_period_sortable"] = sortable.fillna(out["time_period"].map(sortable_period)).astype("Int64")
    # The website export compares with the parent; where the parent is England that is the comparison with England.
    parent_is_england = out["parent_code"].isin(["", reference.ENGLAND]) | (out["area_code"] == reference.ENGLAND)
    fill = (out["compared_to_england"] == "") & parent_is_england
    out.loc[fill, "compared_to_england"] = out.loc[fill, "compared_to_parent"]
    for row, period in zip(raw["_row"], out["time_period"], strict=True):
        if not parse_period(period):
            problems.append(Problem(table.label, int(row), "Time period", "bad_period",
                                    f"{period!r} is not a Fingertips time period (e.g. '2023', '2022/23', '2023 Q1')"))
    out["area_code"] = out["area_code"].map(sources.current_code)
    out["is_percentage"] = out["indicator_name"].str.contains(r"%|percent|proportion", case=False, regex=True)
    out["_row"] = raw["_row"]
    return out, problems


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns ``source_fingertips`` holds."""
    return frame[[*COLUMNS.values(), *(["area_level"] if "area_level" in frame else [])]]
