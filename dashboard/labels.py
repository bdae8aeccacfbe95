"""Words for the numbers behind the charts: a human header (with its unit) for each data column, and values
formatted for reading (thousands separators, one decimal place, Yes/No).

The page's "Show as table" uses both; CSV and Excel keep the machine-friendly column names and raw values,
with these headers as a second header row (CSV) or a "Columns" sheet (Excel), so an analyst's scripts keep
working and a reader can still tell what each column is.
"""
from __future__ import annotations

import re

import pandas as pd

CI = "95% confidence interval"
COLUMNS: dict[str, str] = {
    # areas and periods
    "area_code": "Area code (GSS)", "area_name": "Area", "area_short_name": "Area (short name)",
    "code": "Area code (GSS)", "name": "Area", "short_name": "Short name", "ods": "ODS code",
    "icb_code": "ICB code (GSS)", "icb_name": "ICB", "period": "Quarter", "period_start": "Quarter starts",
    "period_end": "Period ends", "time_period": "Time period", "start": "Start quarter", "col": "Map column",
    "row": "Map row", "focus": "Chosen area", "in_area": "In the chosen area", "accelerator": "Accelerator ICB",
    "workwell": "WorkWell vanguard", "age_band": "Age band", "age": "Age", "sex": "Sex",
    # rates and intervals
    "rate": "Rate (%)", "lower": f"Lower limit, {CI}", "upper": f"Upper limit, {CI}",
    "share": "Share of the long-term sick (%)", "england_rate": "England rate (%)",
    "england_share": "England share (%)", "difference": "Difference from England (percentage points)",
    "compared_with_england": "Compared with England", "recent_trend": "Recent trend",
    "reliability": "Reliability flag", "people": "People (rounded)", "population": "Population aged 16-64",
    "sample_n": "Survey respondents", "index": "Index (2019 = 100)", "value": "Value", "count": "Count",
    "numerator": "Numerator", "denominator": "Denominator", "flag": "Flag", "thousands": "People (thousands)",
    # conditions and programmes
    "group": "Group", "group_id": "Group id", "group_name": "Condition group", "parent": "Within group",
    "programme": "Programme id", "programme_name": "Programme", "measure": "Measure", "note": "Note",
    "participants": "Participants", "eligible": "People with enough follow-up", "outcomes": "Job outcomes",
    "followed_12m": "Participants with 12 months' follow-up", "jobs_12m": "In work within 12 months",
    "national_rate": "England rate (%)", "lower_95": "Lower 95% limit (%)", "upper_95": "Upper 95% limit (%)",
    "lower_998": "Lower 99.8% limit (%)", "upper_998": "Upper 99.8% limit (%)", "comparison": "Comparison",
    "day": "Days since starting", "in_work": "Started work (%)", "at_risk": "Still looking for work",
    "cost_per_participant": "Cost per participant (£)", "cost_per_job": "Cost per job outcome (£)",
    "cost_per_sustained": "Cost per sustained outcome (£)", "cost_per_job_gbp": "Cost per job outcome (£)",
    "benefit_per_sustained": "Benefit per sustained outcome (£)", "roi": "Return per £1 spent (£)",
    # accelerators
    "estimate": "Estimate (percentage points)", "se": "Standard error", "p_value": "p value",
    "n_treated": "Accelerator ICBs", "n_comparison": "Comparison ICBs", "pre_periods": "Quarters before",
    "post_periods": "Quarters after", "comparison_areas": "Comparison areas", "relative": "Quarters from start",
    "reference": "Reference quarter",
    # SPC and neighbours
    "mean": "Mean (%)", "lpl": "Lower process limit (%)", "upl": "Upper process limit (%)",
    "lower_two_sigma": "Lower two-sigma line (%)", "upper_two_sigma": "Upper two-sigma line (%)",
    "trial": "Trial limits", "beyond_limits": "Rule: beyond a limit", "two_of_three": "Rule: two of three",
    "shift": "Rule: shift", "trend": "Rule: trend", "side": "Side of the mean", "point_type": "Variation",
    "neighbour_rank": "Neighbour rank", "distance": "Distance", "profile_rate_before_2024": "Rate before 2024 (%)",
    # published series
    "series_id": "Series id", "series_name": "Series", "variable": "Variable", "files": "Source files",
    "indicator_id": "Indicator id", "indicator_name": "Indicator", "value_note": "Value note",
    "fingertips_comparison": "Fingertips comparison",
}
_PARTICIPANTS_BY = re.compile(r"participants_(\w+)")


def p_text(p: float) -> str:
    """A p-value as a reader should see it, after "p": "< 0.001" below 0.001 (never "= 0.000"), else "= 0.012"."""
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def column_label(column: str) -> str:
    """A reader's header for a data column: from ``COLUMNS``, else the name in words."""
    if column in COLUMNS:
        return COLUMNS[column]
    if match := _PARTICIPANTS_BY.fullmatch(column):
        return f"Participants: {match.group(1)}"
    words = str(column).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _number(value: float, decimals: int) -> str:
    if 0 < abs(value) < 0.01:
        return f"{value:.2g}"  # a p value, say: two significant figures
    return f"{value:,.{decimals}f}"


def _texts(series: pd.Series) -> list[str]:
    """A column's values as text. Floats that are all whole numbers (rounded counts) print as whole numbers;
    others to one decimal place, or two when every value is under 10 (a return of £1.37 per £1)."""
    values = series.tolist()
    present = [v for v in values if not (pd.api.types.is_scalar(v) and pd.isna(v))]
    if pd.api.types.is_bool_dtype(series) or (present and all(isinstance(v, bool) for v in present)):
        return ["" if pd.api.types.is_scalar(v) and pd.isna(v) else ("Yes" if v else "No") for v in values]
    if pd.api.types.is_integer_dtype(series):
        return ["" if pd.isna(v) else f"{int(v):,}" for v in values]
    if pd.api.types.is_float_dtype(series):
        whole = all(float(v).is_integer() for v in present)
        decimals = 0 if whole else (2 if all(abs(v) < 10 for v in present) else 1)
        return ["" if pd.isna(v) else _number(float(v), decimals) for v in values]
    if pd.api.types.is_datetime64_any_dtype(series):
        return ["" if pd.isna(v) else f"{v.day} {v:%b %Y}" for v in values]
    return ["" if pd.api.types.is_scalar(v) and pd.isna(v) else str(v) for v in values]


def headers(columns) -> list[str]:
    """Reader's headers for ``columns``, each distinct (a repeated label names its column too)."""
    labels = [column_label(c) for c in columns]
    return [f"{label} ({c})" if labels.count(label) > 1 else label for c, label in zip(columns, labels, strict=True)]


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame for reading: human headers and values as text (1,737,812.1; Yes/No; 3 Jan 2024)."""
    return pd.DataFrame(dict(zip(headers(frame.columns), (_texts(frame[c]) for c in frame.columns), strict=True)),
                        index=range(len(frame)))
