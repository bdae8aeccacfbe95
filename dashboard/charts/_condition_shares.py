"""The conditions page's shares: query rows summed to the reference table's condition groups, and each
group's share of the long-term sick with its interval, quality band and disclosure control."""
from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.stats import quality
from dashboard.stats.disclosure import blank, disclose
from queries import run


def condition_groups() -> pd.DataFrame:
    """Groups in display order: id, name, parent (NaN for a top-level group), sort."""
    groups = run("conditions_groups").copy()
    groups["parent"] = groups["parent"].where(groups["parent"].notna(), None)
    return groups


def by_group(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Query rows (``group_id``, ``subgroup``, ``people``, ``sample_n``) summed to every group and subgroup
    of the reference table, by ``keys``; in the table's order, with the group's name, parent and sort."""
    groups = condition_groups()
    top = rows.groupby([*keys, "group_id"], as_index=False)[["people", "sample_n"]].sum()
    sub = (rows.dropna(subset=["subgroup"]).groupby([*keys, "subgroup"], as_index=False)[["people", "sample_n"]]
           .sum().rename(columns={"subgroup": "group_id"}))
    out = pd.concat([top, sub], ignore_index=True).merge(
        groups[["id", "name", "parent", "sort"]].rename(columns={"id": "group_id", "name": "group_name"}),
        on="group_id", how="inner")
    out["sample_n"] = out["sample_n"].astype("int64")
    return out.sort_values([*keys, "sort"], kind="stable").reset_index(drop=True)


def shares(counts: pd.DataFrame, keys: list[str], national) -> pd.DataFrame:
    """Each group's share of the long-term sick in its ``keys`` cell (percent, from the unrounded estimates)
    with a 95% Wilson interval on the respondents behind the cell (design factor applied), its standard
    error, CV and ONS quality band; then the estimates disclosure-controlled. ``national`` is a bool or a
    per-row mask: national estimates are not rounded, and respondent counts (``sample_n``) are published
    for national rows only. A share not shown (0-2 respondents) is blanked with its people and interval."""
    out = counts.copy()
    top = out["parent"].isna()
    cell = out[top].groupby(keys).agg(total=("people", "sum"), respondents=("sample_n", "sum")).reset_index()
    out = out.merge(cell, on=keys, how="left")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(out["total"] > 0, out["people"] / out["total"].where(out["total"] > 0, 1), np.nan)
    lower, upper = quality.interval(share, out["respondents"])
    out["share"] = share * 100
    out["lower"], out["upper"] = lower * 100, upper * 100
    out["se"] = quality.standard_error(share, out["respondents"]) * 100
    out["cv"] = quality.coefficient_of_variation(share, out["respondents"])
    out["quality"] = quality.quality(out["cv"], out["sample_n"])
    national = np.broadcast_to(np.asarray(national, dtype=bool), len(out))
    out = disclose(out, ["people"], national=national)
    out = blank(out, (out["quality"] == quality.NOT_SHOWN) | out["people"].isna(),
                ["share", "lower", "upper", "se", "cv", "people"])
    out["sample_n"] = out["sample_n"].where(national)  # respondent counts: national only
    return out
