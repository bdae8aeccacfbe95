"""A chart's numbers out of the dashboard: CSV, a workbook of one chart (About, Data, Columns) and a workbook of a
page (Notes, a sheet a chart in the page's order, Columns). Every text cell is neutralised (dashboard/safety.py)."""
from __future__ import annotations

import io

import pandas as pd
from openpyxl.styles import Alignment, Font

from dashboard import figures, labels
from dashboard.exports.context import DISCLOSURE_NOTE, Context, accessed_line, data_date, provenance, table
from dashboard.registry import Rendered
from dashboard.safety import neutralise, neutralise_frame
from dashboard.stats import quality


def csv(rendered: Rendered) -> bytes:
    frame = table(rendered)
    if frame.empty:
        # An empty chart still says what it would hold and why it holds nothing: its header and one note row.
        columns = list(frame.columns) or ["note"]
        frame = pd.DataFrame([[f"No data: {rendered.empty_message}"] + [None] * (len(columns) - 1)],
                             columns=columns)
    return neutralise_frame(frame).to_csv(index=False, date_format="%Y-%m-%d").encode("utf-8")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31]
    out, n = base, 2
    while out.lower() in taken:
        suffix = f"~{n}"
        out, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(out.lower())
    return out


def _write_pairs(ws, rows: list[tuple[str, str]], start: int = 1) -> int:
    for i, (label, text) in enumerate(rows, start=start):
        ws.cell(row=i, column=1, value=neutralise(label)).font = Font(bold=True)
        cell = ws.cell(row=i, column=2, value=neutralise(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 110
    return start + len(rows)


def _write_data(writer: pd.ExcelWriter, frame: pd.DataFrame, sheet: str) -> None:
    frame = neutralise_frame(frame)
    frame.to_excel(writer, sheet_name=sheet, index=False)
    ws = writer.sheets[sheet]
    ws.freeze_panes = "A2"
    for i, column in enumerate(frame.columns, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, min(40, len(str(column)) + 4))


def _write_columns(writer: pd.ExcelWriter, frames: list[tuple[str, pd.DataFrame]]) -> None:
    """A "Columns" sheet: each data sheet's machine-friendly column names beside a reader's header with its
    unit (the words "Show as table" uses), so the data sheets stay easy to script against."""
    rows = [{"Sheet": sheet, "Column": column, "Meaning": label} for sheet, frame in frames
            for column, label in zip(frame.columns, labels.headers(frame.columns), strict=True)]
    pd.DataFrame(rows, columns=["Sheet", "Column", "Meaning"]).to_excel(writer, sheet_name="Columns", index=False)
    ws = writer.sheets["Columns"]
    for letter, width in (("A", 28), ("B", 28), ("C", 60)):
        ws.column_dimensions[letter].width = width


def xlsx(rendered: Rendered, ctx: Context) -> bytes:
    """A workbook: an "About" sheet (title, filters, source, notes), a "Data" sheet of the numbers and a
    "Columns" sheet saying what each column is."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame().to_excel(writer, sheet_name="About", index=False)
        _write_pairs(writer.sheets["About"], provenance(rendered, ctx))
        data = table(rendered)
        _write_data(writer, data, "Data")
        _write_columns(writer, [("Data", data)])
    return buffer.getvalue()


def page_xlsx(name: str, items: list[Rendered], ctx: Context) -> bytes:
    """Every chart on a page: a "Notes" sheet (filters, sources, notes, a row a chart), then a sheet a chart,
    then "Columns" (what each column is)."""
    buffer = io.BytesIO()
    taken = {"notes", "columns"}
    sheets = [_sheet_name(r.chart.id, taken) for r in items]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Notes", index=False)
        ws = writer.sheets["Notes"]
        head = [("Page", name), ("Filters", items[0].filters.describe() if items else "")]
        if ctx.demo and any(r.demo for r in items):
            head.insert(0, ("Warning", f"{figures.DEMO_NOTE}: {figures.DEMO_WARNING}."))
        head += [("Data date", data_date(items[0], ctx) if items else ""), ("Notes", f"{DISCLOSURE_NOTE} {quality.note()}"),
                 ("Accessed", accessed_line(ctx))]
        row = _write_pairs(ws, head) + 1
        for col, label in enumerate(("Sheet", "Title", "Source", "Description", "Summary"), start=1):
            ws.cell(row=row, column=col, value=label).font = Font(bold=True)
        for i, (sheet, rendered) in enumerate(zip(sheets, items, strict=True), start=row + 1):
            for col, value in enumerate((sheet, rendered.chart.title, rendered.chart.source,
                                         rendered.chart.description, rendered.summary), start=1):
                ws.cell(row=i, column=col, value=neutralise(value))
        frames = [(sheet, table(rendered)) for rendered, sheet in zip(items, sheets, strict=True)]
        for sheet, frame in frames:
            _write_data(writer, frame, sheet)
        _write_columns(writer, frames)
    return buffer.getvalue()
