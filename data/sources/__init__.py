"""Readers for real source files: one module a format, chosen by a file's headers, never its name.

Every reader exposes the same small interface (see ``Reader``):

- ``NAME`` and ``TABLE``: the format's name and the warehouse table it loads (``source_*`` or ``pilot_returns``);
- ``REQUIRED``: the header names that identify the format (all must be present);
- ``find_header(rows)``: the index of the header row within a table's first rows, or ``None``;
- ``normalise(table, header_index) -> (frame, problems)``: a tidy frame with the table's columns plus ``_row``
  (the line a person sees in a text editor, or the row number in a spreadsheet), and every problem met while
  parsing (unparseable periods, text in numeric columns, missing columns);
- ``USED``: the headers the reader reads (any other header is reported as ignored), or ``used(table, index)``;
- ``SPEC``: what ``data.validate`` checks on the normalised frame (areas, counts, ratios, intervals, keys).

``read_tables`` opens a CSV file or an Excel workbook (.xlsx with openpyxl, the legacy binary .xls that ONS still
publishes with xlrd) into raw string rows (every sheet of a workbook) and raises ``NotTabular`` for anything else.
``detect`` picks the reader for a table from its headers; header names match ignoring case, spaces and
underscores, so Fingertips' website export (``AreaName``) reads like its API export (``Area Name``).
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import xlrd
from openpyxl.utils.exceptions import InvalidFileException
from xlrd.biffh import XLRDError
from xlrd.compdoc import CompDocError

LOOKUP = Path(__file__).with_name("area_lookup.csv")
HEADER_SCAN_ROWS = 30  # title rows above the header in Nomis and ONS downloads


class NotTabular(Exception):
    """The file is not a CSV or Excel workbook that can be read."""


@dataclass(frozen=True)
class Table:
    """One CSV file or one sheet of a workbook, as strings; ``label`` names it in messages and the report."""

    label: str
    sheet: str | None
    rows: list[list[str]]
    lines: list[int] | None = None  # the editor line each row starts on (a quoted field may span lines); CSV only
    cut: str | None = None  # why a CSV looks cut off: no newline at its end and an unclosed quote or short row

    def line(self, index: int) -> int:
        """The number a person sees for row ``index``: its line in a text editor, its row in a spreadsheet."""
        return self.lines[index] if self.lines is not None else index + 1


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _xls_cell(cell, datemode: int) -> str:
    """A legacy-workbook cell as the text a person sees: whole numbers without '.0', dates as ISO dates."""
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return f"{cell.value:.0f}" if float(cell.value).is_integer() else repr(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate_as_datetime(cell.value, datemode).date().isoformat()
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    return str(cell.value).strip()


def read_tables(path: Path, label: str) -> list[Table]:
    """Every table in a CSV or Excel file, as rows of stripped strings. Raises NotTabular otherwise."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        try:
            sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=str, engine="openpyxl")
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:  # damaged
            raise NotTabular(f"not a readable Excel workbook ({type(error).__name__}: {error})") from None
        return [Table(f"{label} [{name}]", name, [[_clean(v) for v in row] for row in sheet.itertuples(index=False)])
                for name, sheet in sheets.items()]
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: the legacy .xls ONS publishes INAC01 in
        try:
            book = xlrd.open_workbook(file_contents=data, on_demand=False)
            return [Table(f"{label} [{sheet.name}]", sheet.name,
                          [[_xls_cell(cell, book.datemode) for cell in sheet.row(r)] for r in range(sheet.nrows)])
                    for sheet in book.sheets()]
        except (XLRDError, CompDocError, ValueError, KeyError, IndexError, AssertionError, OSError) as error:
            raise NotTabular(f"not a readable .xls workbook ({type(error).__name__}: {error})") from None
    if b"\x00" in data[:8192]:
        raise NotTabular("a binary file, not CSV or Excel")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's 'CSV' on Windows
    rows, ends = [], []
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        rows.append([cell.strip() for cell in row])
        ends.append(reader.line_num)  # the line the row ends on
    # A row starts one line after the previous one ended (a quoted field with a line break spans lines).
    starts = [1] + [end + 1 for end in ends[:-1]]
    if not rows or max(len(r) for r in rows) < 2:
        raise NotTabular("no comma-separated columns found: not a CSV file")
    return [Table(label, None, rows, starts, _cut(text, rows))]


def _cut(text: str, rows: list[list[str]]) -> str | None:
    """Why a CSV file looks cut off mid-download, or None. Publishers' CSVs end with a line break; a file that
    does not, and whose last field is open (an unclosed quote), empty (cut just after a comma) or missing
    (fewer fields than the rows above), was cut off. A hand-made file without a final line break is accepted."""
    if not text or text.endswith(("\n", "\r")):
        return None
    if text.count('"') % 2:
        return "it ends inside a quoted field"
    last = rows[-1]
    widest = max((len(r) for r in rows[:-1] if any(r)), default=len(last))
    # Notes under the table, as Nomis ends its downloads, are one-field lines after a blank line or another note.
    footnote = len(last) == 1 and len(rows) > 1 and (blank(rows[-2]) or len(rows[-2]) == 1)
    if len(last) < widest and not footnote:
        return f"its last line has {len(last)} of {widest} fields"
    if len(last) > 1 and last[-1] == "":
        return "its last line ends just after a comma"
    return None


def blank(row: list[str]) -> bool:
    return not any(row)


# ---- shared parsing helpers -------------------------------------------------------------------------------

_MISSING = {"", "..", ":", "x", "[x]", "[c]", "[z]", "n/a", "na", "-"}


def number(text: str) -> float | None:
    """A number from a published cell: thousands commas allowed; '..', ':', 'x', '[x]', '-', blank mean not
    available (Fingertips' website export writes '-').

    Raises ValueError for anything else (the caller reports it)."""
    text = text.strip()
    if text.lower() in _MISSING:
        return None
    return float(text.replace(",", ""))


MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def month(text: str) -> int:
    return MONTHS[text.strip().lower()[:3]]


def quarter_start(period: str) -> pd.Timestamp:
    """'2025Q2' -> 2025-04-01; raises ValueError if the text is not YYYYQn."""
    match = re.fullmatch(r"(\d{4})\s*-?\s*Q([1-4])", period.strip(), flags=re.IGNORECASE)
    if not match:
        raise ValueError(period)
    return pd.Timestamp(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1)


@cache
def area_lookup() -> dict[str, str]:
    """Old GSS codes -> current ones (e.g. the 2022 ICB codes E54000052/E54000053); data, not code."""
    frame = pd.read_csv(LOOKUP, dtype=str, keep_default_na=False)
    return dict(zip(frame["old_code"], frame["new_code"], strict=True))


def current_code(code: str) -> str:
    return area_lookup().get(code, code)


def key(header: str) -> str:
    """A header as matched: case, spaces and underscores ignored ('AreaName' is 'Area Name')."""
    return re.sub(r"[\s_]+", "", header).lower()


def header_index(rows: list[list[str]], required: tuple[str, ...], minimum: int | None = None) -> int | None:
    """The first row within the scan window holding at least ``minimum`` (default all) of the required headers."""
    need = len(required) if minimum is None else minimum
    wanted = {key(h) for h in required}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if len(wanted & {key(c) for c in row}) >= need:
            return i
    return None


def ignored_headers(table: Table, index: int, used) -> list[str]:
    """Headers of row ``index`` that no reader column takes (``used``: header names), in file order."""
    taken = {key(u) for u in used}
    return [c for c in table.rows[index] if c and key(c) not in taken]


def readers() -> list:
    from data.sources import fingertips, inac01, nomis, nomis_web, ons_series, pilot

    return [fingertips, nomis, nomis_web, ons_series, inac01, pilot]


def detect(table: Table):
    """(reader, header row index) for a table, or (closest reader, None) when some of its headers are missing,
    or (None, None) when the headers match no format at all."""
    best, best_share = None, 0.0
    for reader in readers():
        index = reader.find_header(table.rows)
        if index is not None:
            return reader, index
        share = reader.header_share(table.rows)
        if share > best_share:
            best, best_share = reader, share
    return (best, None) if best_share >= 0.5 else (None, None)


def _best_row(rows: list[list[str]], required: tuple[str, ...]) -> tuple[int, set[str]]:
    wanted = {key(h): h for h in required}
    best, present = 0, set()
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {wanted[key(c)] for c in row if key(c) in wanted}
        if len(found) > len(present):
            best, present = i, found
    return best, present


def header_share(rows: list[list[str]], required: tuple[str, ...]) -> float:
    return len(_best_row(rows, required)[1]) / len(required)


def missing_columns(rows: list[list[str]], required: tuple[str, ...]) -> tuple[int, list[str]]:
    """(1-based row of the likeliest header, required headers it lacks)."""
    index, present = _best_row(rows, required)
    return index + 1, [h for h in required if h not in present]


def to_frame(table: Table, index: int) -> pd.DataFrame:
    """The rows under the header as a string frame, with ``_row`` the row number in the file; blank rows dropped.
    Header names are matched without regard to case and mapped to their first spelling."""
    header = table.rows[index]
    body = [(table.line(i), row) for i, row in enumerate(table.rows) if i > index and not blank(row)]
    width = len(header)
    frame = pd.DataFrame([(row + [""] * width)[:width] for _, row in body], columns=range(width), dtype=object)
    frame.columns = [h if h else f"column {i + 1}" for i, h in enumerate(header)]
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame["_row"] = [n for n, _ in body]
    return frame


def pick(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column by name, ignoring case; an all-blank column when the file does not have it (optional columns)."""
    for column in frame.columns:
        if key(str(column)) == key(name):
            return frame[column].fillna("").astype(str)
    return pd.Series([""] * len(frame), index=frame.index, dtype=object)


def numbers(frame: pd.DataFrame, column: str, label: str, problems: list, file: str) -> pd.Series:
    """A numeric column, reporting text that is not a number or a 'not available' marker."""
    from data.validate import Problem

    out = []
    for row, text in zip(frame["_row"], pick(frame, column), strict=True):
        try:
            out.append(number(text))
        except ValueError:
            problems.append(Problem(file, int(row), label, "not_a_number", f"{text!r} is not a number"))
            out.append(None)
    return pd.Series(out, index=frame.index, dtype="Float64")
