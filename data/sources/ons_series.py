"""ONS time-series CSV: the 'download CSV' of a single series on the ONS website (e.g. LF6A, the UK's long-term
sick aged 16-64, thousands, seasonally adjusted).

Eight quoted metadata rows (Title, CDID, Source dataset ID, PreUnit, Unit, Release date, Next release, Important
notes), then one row a period: years ('2024'), then quarters ('2024 Q1'), then months ('2024 JAN'). For Labour
Force Survey series (source dataset LMS, or a title starting 'LFS') a month is the rolling three months ending in
it ('2024 MAY' is Mar-May 2024), which is how ONS labels them; otherwise a month is the calendar month. The sex
comes from the title ('Male', 'Female', else persons). Loaded into ``source_ons_series``, one row a period; two
editions of a series keep the newer release (its 'Release date') for each period.
"""
from __future__ import annotations

import re

import pandas as pd

from data import sources
from data.validate import Problem, Spec

NAME = "ons_series"
TABLE = "source_ons_series"
EDITIONS = True
META = ("Title", "CDID", "Source dataset ID", "PreUnit", "Unit", "Release date", "Next release", "Important notes")
REQUIRED = ("Title", "CDID")
COLUMNS = ("cdid", "title", "dataset_id", "unit", "release_date", "sex", "period", "period_type", "period_start",
           "period_end", "value")
SPEC = Spec(key=("period", "cdid"), labels={"period": "period", "cdid": "CDID"})
_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4}) Q([1-4])", re.IGNORECASE)
_MONTH = re.compile(r"(\d{4}) ([A-Za-z]{3})")


def find_header(rows):
    """The last metadata row, when the first rows are 'Title' and 'CDID' pairs."""
    names = [sources.key(r[0]) if r else "" for r in rows[:12]]
    wanted = {sources.key(m) for m in META}
    if sources.key("Title") not in names or sources.key("CDID") not in names:
        return None
    return max(i for i, n in enumerate(names) if n in wanted)


def header_share(rows):
    return 0.0


def used(table: sources.Table, index: int) -> list[str]:
    return table.rows[index]  # the header is a metadata row, not column names


def parse_period(text: str, rolling: bool) -> tuple[str, pd.Timestamp, pd.Timestamp]:
    """(type, first day, last day) of '2024', '2024 Q1' or '2024 JAN'; ValueError if none of these."""
    text = text.strip()
    if match := _YEAR.fullmatch(text):
        year = int(match[1])
        return "year", pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    if match := _QUARTER.fullmatch(text):
        start = pd.Timestamp(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)
        return "quarter", start, start + pd.offsets.QuarterEnd(0)
    if (match := _MONTH.fullmatch(text)) and match[2].lower() in sources.MONTHS:
        month = pd.Timestamp(int(match[1]), sources.month(match[2]), 1)
        start = month - pd.DateOffset(months=2) if rolling else month
        return "month", start, month + pd.offsets.MonthEnd(0)
    raise ValueError(text)


def normalise(table: sources.Table, index: int) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    meta = {sources.key(r[0]): (r[1] if len(r) > 1 else "") for r in table.rows[:index + 1] if r}
    title, cdid = meta.get("title", ""), meta.get("cdid", "")
    dataset = meta.get(sources.key("Source dataset ID"), "")
    rolling = dataset.upper() == "LMS" or title.upper().startswith("LFS")
    sex = next((s for s, word in (("male", "males?"), ("female", "females?"))
                if re.search(rf"\b{word}\b", title, re.IGNORECASE)), "persons")
    released = pd.to_datetime(meta.get(sources.key("Release date"), ""), dayfirst=True, errors="coerce")
    records = []
    for i, row in enumerate(table.rows):
        if i <= index or sources.blank(row):
            continue
        line = table.line(i)
        try:
            kind, start, end = parse_period(row[0], rolling)
        except ValueError:
            problems.append(Problem(table.label, line, "period", "bad_period",
                                    f"{row[0]!r} is not a year, quarter or month ('2024', '2024 Q1', '2024 JAN')"))
            continue
        cell = row[1] if len(row) > 1 else ""
        try:
            value = sources.number(cell)
        except ValueError:
            problems.append(Problem(table.label, line, cdid or "value", "not_a_number", f"{cell!r} is not a number"))
            value = None
        records.append((line, cdid, title, dataset, meta.get("unit", ""), released, sex, row[0].strip().upper(),
                        kind, start, end, value))
    frame = pd.DataFrame(records, columns=["_row", *COLUMNS])
    frame["value"] = frame["value"].astype("Float64")
    return frame, problems


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(COLUMNS)]
