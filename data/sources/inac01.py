"""ONS INAC01-style time series: economic inactivity by reason, in thousands, over rolling three-month periods.

The layout is ONS's: optional title rows, a row of series titles, then a header row of four-character series
identifiers (CDIDs: LF64 student, LF66 looking after family or home, LF68 temporary sick, LF6A long-term sick,
LFM3 discouraged, LF6C retired, LF6E other), then one row per period with the period in the first column:
'Mar-May 2024', 'Nov-Jan 2024' (November 2023 to January 2024), 'Jul to Sep 2019' or 'Dec 2023-Feb 2024'.
'..' means not available and is loaded as NULL, not rejected. A workbook's sheets People, Men and Women give the
sex (a CSV is taken as people). Text rows below the data (notes, sources) are skipped when they hold no values.
The figures are for the UK (K02000001). Loaded into ``source_inac01``, one row per sex x period x series, with
each column's label as ONS heads it (``series_name``, e.g. 'Long-term sick', and ``column_label`` with its group
heading, 'Economically inactive by reason: Long-term sick'). ONS publishes INAC01 as a legacy .xls workbook
(read with xlrd) or as CSV; two editions of it keep the newer release for each period (``EDITIONS``).
"""
from __future__ import annotations

import re

import pandas as pd

from data import sources
from data.validate import Problem, Spec

NAME = "inac01"
TABLE = "source_inac01"
EDITIONS = True  # a newer release replaces an older one's figures for the same periods (ONS revises them)
HEADING_ROWS = 3  # rows above the series ids that may hold column labels and group headings
SERIES = {"LF64": "Student", "LF66": "Looking after family / home", "LF68": "Temporary sick",
          "LF6A": "Long-term sick", "LFM3": "Discouraged workers", "LF6C": "Retired", "LF6E": "Other"}
LONG_TERM_SICK = "LF6A"
REQUIRED = ("LF6A",)
SHEET_SEX = {"people": "persons", "men": "male", "women": "female"}
COLUMNS = ("area_code", "sex", "period", "period_start", "period_end", "series_id", "series_name", "column_label",
           "thousands", "people")
# Negative values are checked while reading, to name the series' column; the key is checked here.
SPEC = Spec(key=("period", "sex", "series_id"), labels={"period": "period", "sex": "sheet", "series_id": "series"})
_CDID = re.compile(r"[A-Z][A-Z0-9]{3}")
_MON = r"([A-Za-z]{3})[a-z]*"
_SHORT = re.compile(rf"{_MON}\s*(?:-|to)\s*{_MON} (\d{{4}})", re.IGNORECASE)
_LONG = re.compile(rf"{_MON} (\d{{4}})\s*(?:-|to)\s*{_MON} (\d{{4}})", re.IGNORECASE)


def find_header(rows):
    for i, row in enumerate(rows[:sources.HEADER_SCAN_ROWS]):
        if sum(bool(_CDID.fullmatch(c)) for c in row[1:]) >= 2 or LONG_TERM_SICK in row:
            return i
    return None


def header_share(rows):
    return 0.0  # either the series-identifier row is there or this is not INAC01


def used(table: sources.Table, index: int) -> list[str]:
    header = table.rows[index]
    return header[:1] + [c for c in header[1:] if _CDID.fullmatch(c)]


def labels(rows: list[list[str]], index: int, columns) -> dict[int, tuple[str, str]]:
    """For each series column, (its own label: the nearest heading above it, the label with its group headings:
    headings spread right across the columns they head, as merged cells look)."""
    headings = [r for r in rows[max(0, index - HEADING_ROWS):index]]
    spread = []
    for row in headings:
        filled, last = [], ""
        for j, cell in enumerate(row):
            last = cell or (last if j > 1 else "")
            filled.append(last if j > 0 else "")
        spread.append(filled)
    out = {}
    for j in columns:
        own = next((r[j] for r in reversed(headings) if j < len(r) and r[j]), "")
        path = [f[j] for f in spread if j < len(f) and f[j]]
        out[j] = (own, ": ".join(dict.fromkeys(path)) or own)
    return out


def parse_period(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first day, last day) of a rolling three-month period; ValueError if it does not parse or is not 3 months."""
    text = text.strip()
    try:
        if match := _LONG.fullmatch(text):
            start = pd.Timestamp(int(match[2]), sources.month(match[1]), 1)
            end = pd.Timestamp(int(match[4]), sources.month(match[3]), 1)
        elif match := _SHORT.fullmatch(text):
            first, last, year = sources.month(match[1]), sources.month(match[2]), int(match[3])
            end = pd.Timestamp(year, last, 1)
            start = pd.Timestamp(year if first <= last else year - 1, first, 1)  # 'Nov-Jan 2024' starts in 2023
        else:
            raise ValueError(text)
    except KeyError:  # not a month name
        raise ValueError(text) from None
    if (end.year - start.year) * 12 + end.month - start.month != 2:
        raise ValueError(text)
    return start, end + pd.offsets.MonthEnd(0)


def normalise(table: sources.Table, index: int) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    header = table.rows[index]
    series = {j: cell for j, cell in enumerate(header) if j > 0 and _CDID.fullmatch(cell)}
    named = labels(table.rows, index, series)
    sex = SHEET_SEX.get((table.sheet or "people").strip().lower(), "persons")
    records = []
    for offset, row in enumerate(table.rows[index + 1:]):
        number = table.line(index + 1 + offset)
        if sources.blank(row):
            continue
        cells = {j: (row[j] if j < len(row) else "") for j in series}
        try:
            start, end = parse_period(row[0])
        except ValueError:
            if any(cells.values()):
                problems.append(Problem(table.label, number, header[0] or "column 1", "bad_period",
                                        f"{row[0]!r} is not a rolling three-month period (e.g. 'Mar-May 2024')"))
            continue  # a note or source line under the table
        for j, cell in cells.items():
            try:
                value = sources.number(cell)
            except ValueError:
                problems.append(Problem(table.label, number, header[j], "not_a_number",
                                        f"{cell!r} is not a number or '..'"))
                value = None
            if value is not None and value < 0:
                problems.append(Problem(table.label, number, header[j], "negative_count", f"{value:g} is below zero"))
            own, label = named[j]
            name = own or SERIES.get(header[j], header[j])
            records.append((number, "K02000001", sex, row[0].strip(), start, end, header[j], name, label or name,
                            value))
    frame = pd.DataFrame(records, columns=["_row", *COLUMNS[:-1]])
    frame["thousands"] = frame["thousands"].astype("Float64")
    frame["people"] = frame["thousands"] * 1000
    return frame, problems


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(COLUMNS)]
