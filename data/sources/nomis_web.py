"""Nomis web "query" downloads of the Annual Population Survey: the CSV a person saves from Nomis' query tool (not
the API's tidy ``.data.csv``, which ``nomis.py`` reads).

The layout, as Nomis writes it::

    "annual population survey - regional - economic inactivity by reasons"      <- title
    "ONS Crown Copyright Reserved [from Nomis on 30 November 2026]"
    "Date       :","Jul 2023-Jun 2024"                                         <- metadata, 'Name :' then value
    "Cell       :","% of economically inactive who are long-term sick"
    (blank)
    "region","mnemonic","% of ... long-term sick","Conf","Flag","Economically inactive - long-term sick","Conf"
    "gor:North East","E12000001","36.1","2.8","","151,300","12,400"                <- 'type:Name', then GSS code
    (blank)
    "* Sample size too small for reliable estimate"                             <- footnotes

Each variable's value column may be followed (or, for 'numerator'/'denominator', preceded) by its 'Conf' (the
half-width of the 95% interval), 'Flag', 'Numerator' and 'Denominator' columns. A value column headed 'percent' or
'value' takes its variable's name from the 'Cell' or 'Variable' metadata line. A flag ('!' '*' '~' '-') may sit in
the flag column or in a value cell itself. A file may hold several tables, each under its own 'Date :' line.
Rows go into ``source_nomis_aps`` exactly as the API layout's do.
"""
from __future__ import annotations

import pandas as pd

from data import sources
from data.sources import nomis
from data.validate import Problem, Spec

NAME = "nomis_query"
TABLE = nomis.TABLE
REQUIRED = ("mnemonic",)
QUALIFIERS = {"conf": "confidence", "flag": "flag", "numerator": "numerator", "denominator": "denominator"}
GENERIC = {"percent": True, "value": False, "count": False}  # value headers naming no variable -> is a percentage
LABELS = {"value": "value", "numerator": "numerator", "denominator": "denominator", "ci_lower": "Conf",
          "area_code": "mnemonic", "period": "Date", "variable": "variable"}
SPEC = Spec(area="area_code", counts=("numerator", "denominator"), ratios=(("numerator", "denominator"),),
            rate="value", rate_mask="is_percentage", intervals=(("ci_lower", "value", "ci_upper"),),
            key=("period", "area_code", "variable"), labels=LABELS)


def find_header(rows):
    for i, row in enumerate(rows[:sources.HEADER_SCAN_ROWS]):
        if len(row) > 2 and sources.key(row[1]) == "mnemonic":
            return i
    return None


def header_share(rows):
    return 0.0  # the 'mnemonic' column is there or this is not a Nomis query download


def _meta(row: list[str]) -> tuple[str, str] | None:
    """('date', 'Jul 2023-Jun 2024') from a metadata line "Date       :","Jul 2023-Jun 2024"."""
    cells = [c for c in row if c]
    if len(cells) == 2 and cells[0].endswith(":"):
        return cells[0].rstrip(": ").lower(), cells[1]
    return None


def _layout(header: list[str], cell_name: str, title: str) -> list[dict]:
    """The variables of a header row: for each, its name, whether a percentage, and the column of each measure.
    'Conf' and 'Flag' follow their value column; 'numerator' and 'denominator' follow it too, unless the header
    starts with them, in which case each pair precedes its value column."""
    names = [sources.key(h) for h in header[2:]]
    before = bool(names) and names[0] in ("numerator", "denominator")
    variables, pending = [], {}
    for j, name in enumerate(header[2:], start=2):
        k = sources.key(name)
        if k in QUALIFIERS:
            measure = QUALIFIERS[k]
            if variables and not (before and measure in ("numerator", "denominator")):
                variables[-1]["columns"].setdefault(measure, j)
            else:
                pending[measure] = j
        elif name:
            generic = k in GENERIC
            variable = (cell_name or title) if generic else name
            percentage = GENERIC[k] if generic else variable.startswith("%")
            variables.append({"name": variable, "percentage": percentage, "columns": {"value": j, **pending}})
            pending = {}
    return variables


def used(table: sources.Table, index: int) -> list[str]:
    return table.rows[index]  # every column is read: the area, its code, and each variable's measures


def normalise(table: sources.Table, index: int) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    label = table.label
    title = next((r[0] for r in table.rows if r and r[0]), "")
    meta: dict[str, str] = {}
    layout, header, records = None, None, []
    for i, row in enumerate(table.rows):
        line = table.line(i)
        if sources.blank(row):
            layout = None  # a blank line ends a table; footnotes follow
            continue
        if (pair := _meta(row)) is not None and layout is None:
            meta[pair[0]] = pair[1]
            continue
        if find_header([row]) == 0:
            header = row
            layout = _layout(row, meta.get("cell") or meta.get("variable", ""), title)
            continue
        if layout is None or sum(bool(c) for c in row) < 2:
            continue  # title, copyright or footnote lines
        area_type, _, area_name = row[0].partition(":")
        period = meta.get("date", "")
        try:
            start, end = nomis.parse_period(period)
        except ValueError:
            problems.append(Problem(label, line, "Date", "bad_period",
                                    f"{period!r} is not an APS period (e.g. 'Jan 2023-Dec 2023')"))
            start = end = pd.NaT
        for variable in layout:
            values, flag = {}, ""
            for measure, j in variable["columns"].items():
                cell = row[j] if j < len(row) else ""
                if measure == "flag":
                    flag = flag or (cell if cell in nomis.FLAGS else "")
                    continue
                if cell in nomis.FLAGS:
                    flag = flag or (cell if measure == "value" else "")
                    values[measure] = None
                    continue
                try:
                    values[measure] = sources.number(cell)
                except ValueError:
                    problems.append(Problem(label, line, header[j], "not_a_number",
                                            f"{cell!r} is not a number or a Nomis flag"))
                    values[measure] = None
            records.append({
                "_row": line, "period": period, "period_start": start, "period_end": end,
                "area_code": sources.current_code(row[1].strip()), "area_name": (area_name or area_type).strip(),
                "variable": variable["name"], "is_percentage": variable["percentage"],
                "value": values.get("value"), "numerator": values.get("numerator"),
                "denominator": values.get("denominator"), "confidence": values.get("confidence"), "flag": flag,
            })
    frame = pd.DataFrame(records, columns=["_row", "period", "period_start", "period_end", "area_code", "area_name",
                                           "variable", "is_percentage", "value", "numerator", "denominator",
                                           "confidence", "flag"])
    for column in ("value", "numerator", "denominator", "confidence"):
        frame[column] = frame[column].astype("Float64")
    frame["is_percentage"] = frame["is_percentage"].astype(bool)
    frame.loc[frame["flag"] == "!", "value"] = pd.NA  # Nomis does not publish these estimates
    frame["ci_lower"] = frame["value"] - frame["confidence"]
    frame["ci_upper"] = frame["value"] + frame["confidence"]
    frame["reliability"] = frame["flag"].map(nomis.FLAGS).fillna("reliable")
    frame["flag"] = frame["flag"].replace("", pd.NA)
    return frame, problems


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return nomis.table_frame(frame)
