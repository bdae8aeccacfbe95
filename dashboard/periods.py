"""Quarter keys ('2024Q1') as dates and steps: the one place the dashboard converts them (labels in words are the
domain's: ``dashboard.domain.period_label``)."""
from __future__ import annotations

from datetime import date

import pandas as pd


def _quarter(period: str) -> pd.Period:
    return pd.Period(period, "Q")


def start(period: str) -> pd.Timestamp:
    """The first moment of the quarter (a plotly x position)."""
    return _quarter(period).start_time


def first_day(period: str) -> date:
    """'2024Q1' -> 1 January 2024 (a bound for SQL)."""
    return _quarter(period).start_time.date()


def last_day(period: str) -> date:
    """'2024Q1' -> 31 March 2024 (a bound for SQL)."""
    return _quarter(period).end_time.date()


def shift(period: str, quarters: int) -> str:
    """The quarter ``quarters`` after ``period`` (before it when negative): shift('2025Q2', -1) == '2025Q1'."""
    return str(_quarter(period) + quarters)


def apart(earlier: str, later: str) -> int:
    """How many quarters ``later`` is after ``earlier``: apart('2025Q2', '2026Q1') == 3."""
    return (_quarter(later) - _quarter(earlier)).n


def span(first: str, last: str) -> list[str]:
    """Every quarter from ``first`` to ``last``, both included."""
    return [str(q) for q in pd.period_range(_quarter(first), _quarter(last), freq="Q")]
