"""Regions page: an OHID Fingertips indicator loaded from exported files (``data.build --source``), every region
or ICB against England with Fingertips' own comparison. Empty, folded to its title, when no export is loaded."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.charts.regions import PAGE, focus_code
from dashboard.figures import regions as fig
from dashboard.filters import Filters
from dashboard.registry import Chart, register
from dashboard.stats import compare
from queries import run


def _published_areas(rows: pd.DataFrame, series: str, filters: Filters, columns: dict[str, str]) -> pd.DataFrame | None:
    """Of a published file's rows (an area and ``series`` a row, England's among them), the series with a value
    for most areas of the chosen level: its rows at that level, ``columns`` renamed to the league's, with
    England's value, the focus flag and no trend (one published period has none). None when nothing has a value."""
    covered = rows[rows["level"] == filters.level].groupby(series)["value"].count()
    if covered.empty or covered.max() == 0:
        return None
    chosen = rows[rows[series] == covered.sort_index().idxmax()]
    england = chosen.loc[chosen["level"] == "england", "value"].dropna()
    out = chosen[chosen["level"] == filters.level].rename(columns={"value": "rate", **columns}).copy()
    out["england_rate"] = float(england.iloc[0]) if len(england) else np.nan
    out["recent_trend"] = compare.NOT_CALCULATED
    out["focus"] = out["code"].eq(focus_code(filters, filters.level))
    return out


FINGERTIPS_SOURCE = "OHID Fingertips, from the exported files loaded into the warehouse"
FINGERTIPS_CLASSES = {"better": compare.BETTER, "similar": compare.SIMILAR, "worse": compare.WORSE}
FINGERTIPS_COLUMNS = ["code", "name", "short_name", "indicator_id", "indicator_name", "time_period", "age", "rate",
                      "lower", "upper", "count", "denominator", "value_note", "fingertips_comparison", "england_rate",
                      "compared_with_england", "recent_trend", "accelerator", "workwell", "focus", "period", "files"]


def fingertips_data(filters: Filters) -> pd.DataFrame:
    """A Fingertips indicator for every area of the chosen level in its latest period, with its 95% interval and
    Fingertips' own comparison with England (Better / Similar / Worse where the indicator has a polarity;
    Higher / Lower, shown as not compared, where it has none). Of several indicators, the one covering most
    areas. Empty when no Fingertips export was loaded."""
    rows = run("published_fingertips", level=filters.level)
    out = _published_areas(rows, "indicator_id", filters, {"lower_95": "lower", "upper_95": "upper",
                                                           "compared_to_england": "fingertips_comparison"})
    if out is None:
        return pd.DataFrame(columns=FINGERTIPS_COLUMNS)
    out["compared_with_england"] = (out["fingertips_comparison"].fillna("").str.lower()
                                    .map(FINGERTIPS_CLASSES).fillna(compare.NOT_COMPARED))
    out["period"] = out["time_period"]
    return out[FINGERTIPS_COLUMNS].reset_index(drop=True)


def fingertips_figure(frame: pd.DataFrame, filters: Filters):
    return fig.league(frame[frame["rate"].notna()], filters, lower_is_better=False,
                      axis_title=f"{frame['indicator_name'].iloc[0]}, {frame['time_period'].iloc[0]}")


def fingertips_summary(frame: pd.DataFrame, filters: Filters) -> str:
    shown = frame[frame["rate"].notna()]
    words = shown["fingertips_comparison"].fillna("not compared").str.lower().value_counts()
    parts = [(f"Published by OHID Fingertips ({frame['files'].iloc[0]}): {frame['indicator_name'].iloc[0]} "
             f"(indicator {frame['indicator_id'].iloc[0]}), {frame['time_period'].iloc[0]}, for {len(shown)} "
             f"{'ICBs' if filters.level == 'icb' else 'regions'}")]
    if not np.isnan(frame["england_rate"].iloc[0]):
        parts.append(f"England {frame['england_rate'].iloc[0]:.1f}")
    parts.append("Fingertips' comparison with England: " + ", ".join(f"{n} {w}" for w, n in words.items()))
    missing = frame[frame["rate"].isna()]
    if len(missing):
        parts.append("No value: " + "; ".join(f"{r.name} ({r.value_note or 'not given'})"
                                              for r in missing.itertuples()))
    return ". ".join(parts) + "."


register(Chart(
    id="regions-fingertips",
    title="Published figures: an OHID Fingertips indicator",
    page=PAGE,
    description="An indicator from the OHID Fingertips export that was loaded, for each region or ICB in its "
                "latest period, with its 95% confidence interval and Fingertips' own comparison with England. "
                "Real figures, shown only when a Fingertips export has been loaded; the period, age, sex and "
                "condition filters do not apply.",
    source=FINGERTIPS_SOURCE,
    data=fingertips_data,
    figure=fingertips_figure,
    summary=fingertips_summary,
    filters=("geo", "level"),
    synthetic=False,
    empty_message="No OHID Fingertips export is loaded for these areas. Load one with python -m data.build "
                  "--source DIR (see About the data).",
))

