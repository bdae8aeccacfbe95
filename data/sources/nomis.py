"""Nomis Annual Population Survey downloads (economic inactivity by reason, e.g. long-term sick), in Nomis' tidy
CSV layout (the API's ``.data.csv`` and the 'download as CSV' of a query): one row per date x geography x variable
x measure, with the measures 'Variable' (the estimate: a percentage when the variable's name starts with '%',
otherwise a count), 'Numerator', 'Denominator' and 'Confidence' (the half-width of the 95% interval).

APS status flags are carried through to ``flag`` and a plain-words ``reliability``, as the dashboard shows them:
'!' sample 0-2 (estimate not shown), '*' sample 3-9 (unreliable), '~' estimate under 500, '-' missing. A flag may
sit in ``OBS_STATUS`` or in the value cell itself (Nomis' web tables put it there). Periods are APS rolling years,
'Jan 2023-Dec 2023' or '12 months ending Dec 2023'. Loaded into ``source_nomis_aps``, one row per
date x area x variable.
"""
from __future__ import annotations

import re

import pandas as pd

from data import sources, validate
from data.validate import Problem, Spec

NAME = "nomis_aps"
TABLE = "source_nomis_aps"
REQUIRED = ("DATE_NAME", "GEOGRAPHY_CODE", "VARIABLE_NAME", "MEASURES_NAME", "OBS_VALUE")
FLAGS = {"!": "not shown (sample 0-2)", "*": "unreliable (sample 3-9)", "~": "estimate under 500", "-": "missing"}
MEASURES = {"variable": "value", "numerator": "numerator", "denominator": "denominator", "confidence": "confidence"}
COLUMNS = ("period", "period_start", "period_end", "area_code", "area_name", "variable", "is_percentage", "value",
           "numerator", "denominator", "confidence", "ci_lower", "ci_upper", "flag", "reliability", "area_level",
           "aggregated")
USED = ("DATE_NAME", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "VARIABLE_NAME", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS")
LABELS = {"value": "OBS_VALUE (Variable)", "numerator": "OBS_VALUE (Numerator)",
          "denominator": "OBS_VALUE (Denominator)", "ci_lower": "OBS_VALUE (Confidence)", "area_code": "GEOGRAPHY_CODE",
          "period": "DATE_NAME", "variable": "VARIABLE_NAME", "measure": "MEASURES_NAME"}
# Each measure is on its own line: a problem with the numerator names the Numerator line, not the row's first.
LINES = {"value": "_row_value", "numerator": "_row_numerator", "denominator": "_row_denominator",
         "ci_lower": "_row_confidence"}
SPEC = Spec(area="area_code", counts=("numerator", "denominator"), ratios=(("numerator", "denominator"),),
            rate="value", rate_mask="is_percentage", intervals=(("ci_lower", "value", "ci_upper"),), labels=LABELS,
            rows=LINES)
_KEY = Spec(key=("period", "area_code", "variable", "measure"), labels=LABELS)
_RANGE = re.compile(r"([A-Za-z]{3})[a-z]* (\d{4})\s*-\s*([A-Za-z]{3})[a-z]* (\d{4})")
_ENDING = re.compile(r"12 months ending ([A-Za-z]{3})[a-z]* (\d{4})", re.IGNORECASE)


def find_header(rows):
    return sources.header_index(rows, REQUIRED)


def header_share(rows):
    return sources.header_share(rows, REQUIRED)


def parse_period(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first day, last day) of an APS rolling year; ValueError if the label does not parse."""
    text = text.strip()
    if match := _RANGE.fullmatch(text):
        start = pd.Timestamp(int(match[2]), sources.month(match[1]), 1)
        end = pd.Timestamp(int(match[4]), sources.month(match[3]), 1) + pd.offsets.MonthEnd(0)
    elif match := _ENDING.fullmatch(text):
        end = pd.Timestamp(int(match[2]), sources.month(match[1]), 1) + pd.offsets.MonthEnd(0)
        start = (end - pd.DateOffset(months=11)).replace(day=1)
    else:
        raise ValueError(text)
    if end <= start:
        raise ValueError(text)
    return start, end


def normalise(table: sources.Table, index: int) -> tuple[pd.DataFrame, list[Problem]]:
    raw = sources.to_frame(table, index)
    problems: list[Problem] = []
    label = table.label
    long = pd.DataFrame({
        "_row": raw["_row"], "period": sources.pick(raw, "DATE_NAME"),
        "area_code": sources.pick(raw, "GEOGRAPHY_CODE").map(sources.current_code),
        "area_name": sources.pick(raw, "GEOGRAPHY_NAME"), "variable": sources.pick(raw, "VARIABLE_NAME"),
        "measure": sources.pick(raw, "MEASURES_NAME").str.lower(),
    })
    cells = sources.pick(raw, "OBS_VALUE")
    status = sources.pick(raw, "OBS_STATUS")
    long["flag"] = [c if c in FLAGS else (s if s in FLAGS else "") for c, s in zip(cells, status, strict=True)]
    values = []
    for row, cell in zip(raw["_row"], cells, strict=True):
        try:
            values.append(None if cell in FLAGS else sources.number(cell))
        except ValueError:
            problems.append(Problem(label, int(row), "OBS_VALUE", "not_a_number", f"{cell!r} is not a number or flag"))
            values.append(None)
    long["obs"] = pd.Series(values, index=raw.index, dtype="Float64")
    for row, measure in zip(long["_row"], long["measure"], strict=True):
        if measure not in MEASURES:
            problems.append(Problem(label, int(row), "MEASURES_NAME", "unknown_code",
                                    f"{measure!r} is not one of Variable, Numerator, Denominator, Confidence"))
    problems += validate.check(long, _KEY, label)

    starts, ends = [], []
    for row, period in zip(long["_row"], long["period"], strict=True):
        try:
            start, end = parse_period(period)
        except ValueError:
            problems.append(Problem(label, int(row), "DATE_NAME", "bad_period",
                                    f"{period!r} is not an APS period (e.g. 'Jan 2023-Dec 2023')"))
            start = end = pd.NaT
        starts.append(start)
        ends.append(end)
    long["period_start"], long["period_end"] = starts, ends

    long = long[long["measure"].isin(MEASURES)].drop_duplicates(["period", "area_code", "variable", "measure"])
    keys = ["period", "area_code", "variable"]
    wide = long.pivot(index=keys, columns="measure", values="obs").reindex(columns=list(MEASURES))
    wide.columns = [MEASURES[m] for m in wide.columns]
    lines = long.pivot(index=keys, columns="measure", values="_row").reindex(columns=list(MEASURES))
    lines.columns = [f"_row_{m if m != 'variable' else 'value'}" for m in lines.columns]
    wide = wide.join(lines)
    first = long.groupby(keys, sort=False).agg(
        _row=("_row", "min"), area_name=("area_name", "first"), period_start=("period_start", "first"),
        period_end=("period_end", "first"), flag=("flag", lambda f: next((x for x in f if x), "")))
    out = first.join(wide).reset_index()
    out["is_percentage"] = out["variable"].str.startswith("%")
    out.loc[out["flag"] == "!", "value"] = pd.NA  # Nomis does not publish these estimates
    out["ci_lower"] = out["value"] - out["confidence"]
    out["ci_upper"] = out["value"] + out["confidence"]
    out["reliability"] = out["flag"].map(FLAGS).fillna("reliable")
    out["flag"] = out["flag"].replace("", pd.NA)
    return out.sort_values("_row").reset_index(drop=True), problems


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(COLUMNS)]
