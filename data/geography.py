"""Where a source row's area sits, and Nomis APS local-authority counts put on ICBs by best fit.

Published files name areas the dashboard draws (England, the 9 ONS regions, the 42 ICBs) and areas it does not:
local authorities (E06/E07/E08/E09: Nomis APS by local authority, Fingertips district files), NHS England regions
(E40, 2024 codes; the older E40000007/E40000010 are mapped through ``area_lookup.csv``), counties, Wales, Scotland.
All are kept; only a code that is not a GSS code of a known kind is an error. Local authorities are their own
level, and survey counts on them are summed to ICBs with ``data/reference/lad_icb.csv`` (see its ``.md``).
"""
from __future__ import annotations

import re
from functools import cache

import pandas as pd

from data import reference

SHOWN = ("england", "region", "icb")  # the levels the dashboard draws
NHS_REGIONS_2024 = frozenset({"E40000003", "E40000005", "E40000006", "E40000011", "E40000012", "E40000013",
                              "E40000014"})
METHOD = "best fit"
# GSS entity codes the build recognises without drawing: wards, old districts, counties, combined authorities,
# sub-ICB locations, Welsh, Scottish and Northern Irish areas, UK / GB / England and Wales.
_OTHER = re.compile(r"(E0[5-9]|E1[01]|E13|E38|E47|W0[5-6]|W92|S12|S92|N09|N92|K0[2-4])\d{6}")


@cache
def lad_icb() -> pd.DataFrame:
    """The LAD -> ICB lookup (one row per LAD x ICB pair; ``best_fit`` marks one ICB a LAD)."""
    frame = reference.table("lad_icb").copy()
    frame["share"] = frame["share"].astype(float)
    return frame


@cache
def best_fit() -> dict[str, str]:
    """LAD code -> its best-fit ICB code."""
    fit = lad_icb()[lad_icb()["best_fit"]]
    return dict(zip(fit["lad_code"], fit["icb_code"], strict=True))


@cache
def _levels() -> dict[str, str]:
    areas = reference.areas()
    out = dict(zip(areas["code"], areas["level"], strict=True))
    out.update({code: "la" for code in lad_icb()["lad_code"]})
    out.update({code: "nhs_region" for code in NHS_REGIONS_2024})
    return out


def level(code: str) -> str | None:
    """'england' | 'region' | 'icb' | 'la' | 'nhs_region' | 'other' (a GSS code the dashboard does not draw),
    or None for a code that is not a known kind of GSS code."""
    found = _levels().get(code)
    if found is not None:
        return found
    return "other" if _OTHER.fullmatch(code or "") else None


def describe(codes, names, limit: int = 8) -> str:
    """'W92000004 Wales, E40000013 East of England' for a file's areas (the first ``limit``, then a count)."""
    pairs = list(dict.fromkeys(zip(codes, names, strict=True)))
    text = ", ".join(f"{c} {n}".strip() for c, n in pairs[:limit])
    return text + (f" and {len(pairs) - limit} more" if len(pairs) > limit else "")


def aggregate_nomis(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """ICB rows summed from Nomis APS local-authority rows, best fit, and (file, note) on the ICBs left out.

    Only counts are summed (numerator, denominator; and the value of a count variable); a percentage is the
    summed numerator over the summed denominator. An ICB gets a row for a period and variable only when every
    LAD whose best fit it is has the counts needed, and the files give no ICB row of their own for it. The
    interval of a sum of survey estimates cannot be had from the published intervals alone, so it is left empty."""
    fit = best_fit()
    la = frame[frame["area_code"].isin(fit)].copy()
    if la.empty:
        return frame.iloc[0:0], []
    la["icb_code"] = la["area_code"].map(fit)
    lads = pd.Series(fit).rename_axis("lad").reset_index(name="icb").groupby("icb")["lad"].apply(frozenset)
    keys = ["period", "icb_code", "variable"]
    # A LAD counts towards its ICB when it has what the sum needs: both counts for a percentage, else its value.
    la["complete"] = la["numerator"].notna() & la["denominator"].notna()
    la.loc[~la["is_percentage"].astype(bool), "complete"] = la["value"].notna()
    done = la[la["complete"]]
    sums = done.groupby(keys).agg(numerator=("numerator", "sum"), denominator=("denominator", "sum"),
                                  count=("value", "sum"), lads=("area_code", frozenset))
    first = la.groupby(keys).agg(_row=("_row", "min"), _file=("_file", "first"), period_start=("period_start", "first"),
                                 period_end=("period_end", "first"), is_percentage=("is_percentage", "first"))
    existing = set(zip(frame["period"], frame["area_code"], frame["variable"], strict=True))
    names = reference.areas().set_index("code")["name"]
    rows, notes = [], []
    for (period, icb, variable), head in first.iterrows():
        if (period, icb, variable) in existing:
            continue
        percentage = bool(head["is_percentage"])
        have = sums.loc[(period, icb, variable), "lads"] if (period, icb, variable) in sums.index else frozenset()
        missing = lads[icb] - have
        if missing:
            needed = "numerator and denominator" if percentage else "value"
            why = (f"{icb} {names[icb]}, {variable}, {period}: not aggregated, {len(missing)} of its "
                   f"{len(lads[icb])} local authorities are not in the files or have no published {needed} "
                   f"(e.g. {min(missing)})")
            notes.append((head["_file"], why))
            continue
        total = sums.loc[(period, icb, variable)]
        numerator, denominator = total["numerator"], total["denominator"]
        rows.append({
            "_row": int(head["_row"]), "_file": head["_file"], "period": period,
            "period_start": head["period_start"], "period_end": head["period_end"],
            "area_code": icb, "area_name": names[icb], "variable": variable, "is_percentage": percentage,
            "value": numerator / denominator * 100 if percentage else total["count"],
            "numerator": numerator if percentage else pd.NA, "denominator": denominator if percentage else pd.NA,
            "confidence": pd.NA, "ci_lower": pd.NA, "ci_upper": pd.NA, "flag": pd.NA,
            "reliability": f"aggregated from {len(have)} local authorities ({METHOD})",
            "aggregated": True, "area_level": "icb",
        })
    return pd.DataFrame(rows), notes
