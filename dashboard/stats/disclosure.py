"""Small-number disclosure control, the one rule every chart and export passes through.

NHS Digital's rule (HES/ECDS, since 2018; OpenSAFELY alike): sub-national counts of 1-7 are
suppressed (shown as "*"), 8 or more are rounded to the nearest 5, 0 stays 0; percentages are then
computed from the rounded counts. National counts are shown unrounded.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

SUPPRESSED = "*"


def round_count(count, national=False) -> np.ndarray:
    """Disclosure-controlled counts: NaN where suppressed, multiples of 5 sub-nationally."""
    count = np.asarray(count, dtype=float)
    national = np.broadcast_to(np.asarray(national, dtype=bool), count.shape)
    rounded = np.floor(count / 5 + 0.5) * 5
    controlled = np.where((count >= 1) & (count <= 7), np.nan, np.where(count == 0, 0.0, rounded))
    return np.where(national, count, controlled)


def disclose(frame: pd.DataFrame, counts: tuple[str, ...] | list[str], national=False) -> pd.DataFrame:
    """Apply the rule to ``counts`` columns; ``national`` is a bool or a per-row mask."""
    out = frame.copy()
    for column in counts:
        if column in out:
            out[column] = round_count(out[column], national)
    return out


def show_count(value) -> str:
    """A controlled count for hover text and tables: '*' when suppressed, thousands separated."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return SUPPRESSED
    return f"{value:,.0f}"
