"""Reference tables (geography, conditions, programmes, sources) read from ``data/reference/*.csv``.

Geography and code lists are data, not code: a new ICB vintage or condition grouping is a new file.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).with_name("reference")
ENGLAND = "E92000001"

_BOOL = {"true": True, "false": False}


@cache
def table(name: str) -> pd.DataFrame:
    """One reference table by file name (without ``.csv``); cached, so treat it as read-only."""
    frame = pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
    for column in frame.columns:
        values = set(frame[column])
        if values and values <= set(_BOOL):
            frame[column] = frame[column].map(_BOOL)
    return frame


def icbs() -> pd.DataFrame:
    frame = table("icbs").copy()
    frame["population_approx"] = frame["population_approx"].astype(int)
    return frame


def regions(kind: str | None = None) -> pd.DataFrame:
    frame = table("regions")
    return frame if kind is None else frame[frame["kind"] == kind]


def conditions() -> pd.DataFrame:
    frame = table("conditions").copy()
    frame["code"] = frame["code"].astype(int)
    frame["demo_share_2019"] = frame["demo_share_2019"].astype(float)
    return frame


def condition_groups() -> pd.DataFrame:
    return table("condition_groups")


def programmes() -> pd.DataFrame:
    frame = table("programmes").copy()
    for column in ("participant_weight", "demo_job_rate_12m", "demo_sustained_ratio", "demo_cost_gbp"):
        frame[column] = frame[column].astype(float)
    return frame


def sources() -> pd.DataFrame:
    return table("sources")


def areas() -> pd.DataFrame:
    """England, the 9 ONS regions and the 42 ICBs as one lookup: code, name, level, parent and flags."""
    england = pd.DataFrame(
        {"code": [ENGLAND], "name": ["England"], "level": ["england"], "parent": [None]}
    )
    ons = regions("ons_region")
    region_rows = pd.DataFrame(
        {"code": ons["code"], "name": ons["name"], "level": "region", "parent": ENGLAND}
    )
    icb = icbs()
    icb_rows = pd.DataFrame(
        {
            "code": icb["code"],
            "name": icb["name"],
            "level": "icb",
            "parent": icb["ons_region"],
            "ods": icb["ods"],
            "short_name": icb["short_name"],
            "nhs_region": icb["nhs_region"],
            "accelerator": icb["accelerator"],
            "workwell": icb["workwell"],
        }
    )
    out = pd.concat([england, region_rows, icb_rows], ignore_index=True)
    out["accelerator"] = out["accelerator"].fillna(False).astype(bool)
    out["workwell"] = out["workwell"].fillna(False).astype(bool)
    out["short_name"] = out["short_name"].fillna(out["name"])
    return out
