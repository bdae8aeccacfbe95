"""Read, check and combine every file under a source directory: ``read_sources(DIR) -> SourceData``.

Per table (a CSV file or a workbook sheet): the reader its headers match normalises it, ``data.validate`` checks it,
a download cut off mid-way is a ``truncated_file`` problem, and headers the reader does not use and rows for areas
the dashboard does not draw are noted. Across files of one target table, rows with the same key are merged when
identical; for series published in editions (INAC01, ONS time series) the newer release wins each period; any
other difference is a ``conflicting_duplicate`` naming both files and rows. Local-authority Nomis APS counts are
then summed to ICBs by best fit (``geography.aggregate_nomis``). ``data.build`` loads the result only if no
problem (as opposed to a note) was found.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data import geography, sources, validate
from data.validate import Problem

_RELEASE = re.compile(r"(release date|released|published)\s*:?", re.IGNORECASE)


@dataclass
class SourceData:
    """Validated source files: a frame per target table, the files read, and every problem and note found."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: list[dict[str, object]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def source_files(directory: Path) -> list[Path]:
    """Every file under ``directory`` except hidden ones, in a stable order."""
    return sorted(p for p in directory.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts))


def reader_for(target: str):
    return next(r for r in sources.readers() if r.TABLE == target)


def release_date(tables: list[sources.Table]) -> pd.Timestamp | None:
    """A file's release date when it states one ('Release date', 'Published:' then a date, in any sheet)."""
    for table in tables:
        for row in table.rows[:40]:
            for j, cell in enumerate(row):
                if not (match := _RELEASE.match(cell)):
                    continue
                rest = cell[match.end():].strip() or next((c for c in row[j + 1:] if c), "")
                when = pd.to_datetime(rest, dayfirst=True, errors="coerce")
                if pd.notna(when):
                    return when.normalize()
    return None


def _truncated(table: sources.Table, index: int) -> Problem | None:
    if table.cut is None:
        return None
    header, last = table.rows[index], len(table.rows) - 1
    width = len(table.rows[last])
    column = header[min(width, len(header)) - 1] if width <= len(header) else ""
    return Problem(table.label, table.line(last), column, "truncated_file",
                   f"the download looks cut off: {table.cut}; download the file again")


def _table_notes(reader, table: sources.Table, index: int, frame: pd.DataFrame) -> list[Problem]:
    used = reader.used(table, index) if hasattr(reader, "used") else getattr(reader, "USED", reader.REQUIRED)
    notes = [Problem.note(table.label, table.line(index), name, "ignored_column",
                          f"{reader.NAME} does not use the column {name!r}; it was not loaded")
             for name in sources.ignored_headers(table, index, used)]
    area = reader.SPEC.area
    if area and area in frame and len(frame):
        levels = frame[area].astype(str).map(geography.level)
        hidden = frame[levels.notna() & ~levels.isin(geography.SHOWN)]
        if len(hidden):
            names = (hidden["area_name"] if "area_name" in hidden else hidden[area]).fillna("")
            kinds = {"other": "other areas", "nhs_region": "NHS regions", "la": "local authorities"}
            level_of = levels[hidden.index]
            parts = [f"{kinds[k]}: {geography.describe(hidden.loc[level_of == k, area], names[level_of == k])}"
                     for k in kinds if (level_of == k).any()]
            notes.append(Problem.note(
                table.label, int(hidden["_row"].min()), reader.SPEC.labels.get(area, area), "kept_not_shown",
                f"{len(hidden)} rows kept, not shown (areas the dashboard does not draw): " + "; ".join(parts)))
    return notes


def read_sources(directory: Path) -> SourceData:
    """Read and check every file under ``directory``; the format comes from each table's headers."""
    out = SourceData()
    frames: dict[str, list[pd.DataFrame]] = {}
    for path in source_files(directory):
        label = path.relative_to(directory).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        try:
            tables = sources.read_tables(path, label)
        except sources.NotTabular as error:
            out.problems.append(Problem(label, None, "", "not_tabular", str(error)))
            continue
        released = release_date(tables)
        matched, unknown = 0, []
        for table in tables:
            if not any(not sources.blank(r) for r in table.rows):
                continue  # an empty sheet
            reader, index = sources.detect(table)
            if reader is None:
                unknown.append(table)
                continue
            matched += 1
            if index is None:
                row, missing = sources.missing_columns(table.rows, reader.REQUIRED)
                out.problems += [Problem(table.label, table.line(row - 1), name, "missing_column",
                                         f"looks like {reader.NAME} but has no {name!r} column") for name in missing]
                continue
            if (cut := _truncated(table, index)) is not None:
                out.problems.append(cut)
                continue  # the rest of a cut-off file is not worth checking
            frame, problems = reader.normalise(table, index)
            out.problems += problems + validate.check(frame, reader.SPEC, table.label)
            out.problems += _table_notes(reader, table, index, frame)
            frame["_file"] = table.label
            latest = frame["period_end"].max() if "period_end" in frame and len(frame) else pd.NaT
            frame["_edition"] = released if released is not None else latest
            frames.setdefault(reader.TABLE, []).append(frame)
            out.files.append({"file": table.label, "format": reader.NAME, "target": reader.TABLE,
                              "rows": len(frame), "sha256": digest,
                              "release_date": None if released is None else released.date()})
        if not matched:  # a workbook's other sheets (notes, guidance) may match nothing
            for table in unknown[:1]:
                out.problems.append(Problem(
                    label, None, "", "unknown_format",
                    "headers match no known format (Fingertips, Nomis APS, INAC01, ONS time series, pilot "
                    f"returns); first row: {', '.join(c for c in table.rows[0] if c)[:200]!r}"))
    for target, parts in frames.items():
        reader = reader_for(target)
        frame = pd.concat(parts, ignore_index=True)
        if target in ("source_nomis_aps", "source_fingertips"):  # the tables that keep every area's level
            frame["area_level"] = frame[reader.SPEC.area].astype(str).map(geography.level)
        if target == "source_nomis_aps":
            frame["aggregated"] = False
        frame, problems = combine(frame, reader)
        out.problems += problems
        if target == "source_nomis_aps":
            frame, problems = _aggregate(frame)
            out.problems += problems
        out.tables[target] = reader.table_frame(frame)
    out.problems.sort(key=lambda p: (not p.is_error, p.file, p.row or 0))
    return out


def combine(frame: pd.DataFrame, reader) -> tuple[pd.DataFrame, list[Problem]]:
    """One row a key across files: identical rows merged, older editions superseded, other differences problems.
    Duplicates within one file are the file's own ``duplicate_key`` problems and are left to it."""
    spec = reader.SPEC
    if not spec.key or frame.empty or frame["_file"].nunique() < 2:
        return frame, []
    keyed = frame.groupby(list(spec.key), sort=False, dropna=False)
    shared = keyed["_file"].transform("nunique") > 1  # keys in two or more files; only these are compared
    if not shared.any():
        return frame, []
    keys = _joined(frame.loc[shared, list(spec.key)])
    values = _joined(reader.table_frame(frame.loc[shared]).drop(columns=["file"], errors="ignore"))  # not the file
    editions = getattr(reader, "EDITIONS", False)
    problems: list[Problem] = []
    drop: set[int] = set()
    merged: dict[tuple[str, str], int] = {}
    superseded: dict[tuple[str, str], list[str]] = {}
    for _, group in frame[shared].groupby(keys, sort=False):
        order = group.sort_values("_edition", ascending=False, kind="stable", na_position="last") if editions \
            else group
        keep = order.index[0]
        for i in order.index[1:]:
            if group.at[i, "_file"] == group.at[keep, "_file"]:
                continue
            drop.add(i)
            pair = (frame.at[i, "_file"], frame.at[keep, "_file"])
            if values[i] == values[keep]:
                merged[pair] = merged.get(pair, 0) + 1
            elif editions and frame.at[keep, "_edition"] > frame.at[i, "_edition"]:
                superseded.setdefault(pair, []).append(str(frame.at[i, spec.key[0]]))
            else:
                what = ", ".join(f"{spec.labels.get(k, k)}={frame.at[i, k]}" for k in spec.key)
                problems.append(Problem(
                    frame.at[i, "_file"], int(frame.at[i, "_row"]), spec.labels.get(spec.key[0], spec.key[0]),
                    "conflicting_duplicate",
                    f"{frame.at[keep, '_file']} row {int(frame.at[keep, '_row'])} has the same key ({what}) with "
                    "different values; remove one of the files"))
    for (old, new), count in merged.items():
        rows = f"{count} row{'s' if count != 1 else ''}"
        problems.append(Problem.note(old, None, "", "merged_duplicate",
                                     f"{rows} identical to rows of {new}: loaded once"))
    for (old, new), periods in superseded.items():
        values = f"{len(periods)} value{'s' if len(periods) != 1 else ''}"
        problems.append(Problem.note(old, None, "", "superseded",
                                     f"{values} replaced by the newer edition {new} (e.g. {periods[0]})"))
    return frame.drop(index=sorted(drop)), problems


def _joined(frame: pd.DataFrame) -> pd.Series:
    """Each row's cells as one string, missing values included, to compare rows across files."""
    text = frame.astype("string").fillna("<NA>")
    joined = text.iloc[:, 0]
    for column in text.columns[1:]:
        joined = joined + "|" + text[column]
    return joined


def _aggregate(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    rows, skipped = geography.aggregate_nomis(frame)
    notes = [Problem.note(file, None, "", "not_aggregated", text) for file, text in skipped]
    if len(rows):
        for file, part in rows.groupby("_file"):
            notes.append(Problem.note(file, None, "", "aggregated",
                                      f"{len(part)} ICB rows summed from local authorities by best fit: "
                                      f"{geography.describe(part['area_code'], part['area_name'])}"))
        frame = pd.concat([frame, rows], ignore_index=True)
    return frame, notes
