"""Pilot returns: the template the project defines for ICB pilot sites to send their figures, as CSV or Excel.

One row per ICB x quarter x programme x condition group, with these columns (the blank template is
``data/templates/pilot_returns_template.csv`` / ``.xlsx``, documented in ``data/templates/README.md``):

| column | meaning |
| --- | --- |
| icb_code | the ICB's GSS code, e.g. E54000061 (2022 codes E54000052/E54000053 are accepted and mapped) |
| period | the quarter the people started, 'YYYYQn' (calendar quarters: 2025Q2 is April-June 2025) |
| programme | a programme id from data/reference/programmes.csv, e.g. workwell, accelerator |
| condition_group | msk, back, mental, heart, diabetes, other, or all |
| referrals | people referred in the quarter |
| starts | people who started support in the quarter (at most referrals) |
| job_outcomes | of those starts, people in paid work within 12 months so far (at most starts) |
| sustained_outcomes | of those job outcomes, people whose job lasted 26 weeks (at most job_outcomes) |
| cost_gbp | spend on those starts, pounds |

Counts are whole numbers, never negative; blank means not yet known. Loaded into ``pilot_returns``.
"""
from __future__ import annotations

import base64
import io
import sys
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from data import geography, reference, sources
from data.validate import Problem, Spec

NAME = "pilot_returns"
TABLE = "pilot_returns"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_CSV = TEMPLATES / "pilot_returns_template.csv"
TEMPLATE_XLSX = TEMPLATES / "pilot_returns_template.xlsx"
REQUIRED = ("icb_code", "period", "programme", "condition_group", "referrals", "starts", "job_outcomes",
            "sustained_outcomes", "cost_gbp")
COUNTS = ("referrals", "starts", "job_outcomes", "sustained_outcomes")
GUIDANCE = (
    ("icb_code", "The ICB's GSS code, e.g. E54000061 (South Yorkshire)."),
    ("period", "The quarter people started, YYYYQn: 2025Q2 is April to June 2025."),
    ("programme", "Programme id: " + ", ".join(reference.programmes()["id"]) + "."),
    ("condition_group", "Main condition group: msk, back, mental, heart, diabetes, other, or all."),
    ("referrals", "People referred in the quarter (whole number)."),
    ("starts", "People who started support in the quarter; at most referrals."),
    ("job_outcomes", "Of those starts, people in paid work within 12 months so far; at most starts."),
    ("sustained_outcomes", "Of those job outcomes, people whose job lasted 26 weeks; at most job_outcomes."),
    ("cost_gbp", "Spend on those starts in pounds, no pound sign or commas needed."),
)
COLUMNS = ("icb_code", "period", "period_start", "programme", "condition_group", *COUNTS, "cost_gbp", "file")
SPEC = Spec(area="icb_code", counts=(*COUNTS, "cost_gbp"),
            ratios=(("starts", "referrals"), ("job_outcomes", "starts"), ("sustained_outcomes", "job_outcomes")),
            key=("icb_code", "period", "programme", "condition_group"))


def find_header(rows):
    return sources.header_index(rows, REQUIRED)


def header_share(rows):
    return sources.header_share(rows, REQUIRED)


def normalise(table: sources.Table, index: int) -> tuple[pd.DataFrame, list[Problem]]:
    raw = sources.to_frame(table, index)
    label = table.label
    problems: list[Problem] = []
    out = pd.DataFrame({"_row": raw["_row"]})
    for column in ("icb_code", "period", "programme", "condition_group"):
        out[column] = sources.pick(raw, column)
    out["icb_code"] = out["icb_code"].str.upper().map(sources.current_code)
    out["programme"] = out["programme"].str.lower()
    out["condition_group"] = out["condition_group"].str.lower()
    for column in (*COUNTS, "cost_gbp"):
        out[column] = sources.numbers(raw, column, column, problems, label)
    for column in COUNTS:
        fractional = out[column].notna() & (out[column] % 1 != 0)
        for row, value in zip(out.loc[fractional, "_row"], out.loc[fractional, column], strict=True):
            problems.append(Problem(label, int(row), column, "not_a_number", f"{value:g} is not a whole number"))
    starts = []
    for row, period in zip(out["_row"], out["period"], strict=True):
        try:
            starts.append(sources.quarter_start(period))
        except ValueError:
            problems.append(Problem(label, int(row), "period", "bad_period", f"{period!r} is not a quarter YYYYQn"))
            starts.append(pd.NaT)
    out["period_start"] = starts
    out["period"] = out["period"].str.upper().str.replace(r"[\s-]", "", regex=True)
    icbs = set(reference.icbs()["code"])
    for row, code in zip(out["_row"], out["icb_code"], strict=True):
        if code not in icbs and geography.level(code) is not None:  # a region, local authority...: not an ICB
            problems.append(Problem(label, int(row), "icb_code", "unknown_area", f"{code!r} is not an ICB"))
    programmes = set(reference.programmes()["id"])
    groups = set(reference.condition_groups()["id"]) | {"all"}
    for column, allowed in (("programme", programmes), ("condition_group", groups)):
        for row, value in zip(out["_row"], out[column], strict=True):
            if value not in allowed:
                problems.append(Problem(label, int(row), column, "unknown_code",
                                        f"{value!r} is not one of {', '.join(sorted(allowed))}"))
    return out, problems


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(file=frame["_file"]) if "_file" in frame else frame.assign(file=None)
    out = frame[list(COLUMNS)].copy()
    for column in COUNTS:
        out[column] = out[column].astype("Int64")
    return out


def template_frame() -> pd.DataFrame:
    return pd.DataFrame(columns=list(REQUIRED))


def template_xlsx_bytes() -> bytes:
    """The Excel template: a 'Returns' sheet with the headers and a 'Guidance' sheet (skipped by the build)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        template_frame().to_excel(writer, sheet_name="Returns", index=False)
        pd.DataFrame(GUIDANCE, columns=["column", "what to enter"]).to_excel(writer, sheet_name="Guidance", index=False)
        writer.sheets["Returns"].set_column(0, len(REQUIRED) - 1, 18)
        writer.sheets["Guidance"].set_column(0, 0, 20)
        writer.sheets["Guidance"].set_column(1, 1, 90)
    return buffer.getvalue()


def write_templates(directory: Path = TEMPLATES) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = directory / TEMPLATE_CSV.name, directory / TEMPLATE_XLSX.name
    csv_path.write_text(",".join(REQUIRED) + "\n", encoding="utf-8")
    xlsx_path.write_bytes(template_xlsx_bytes())
    return [csv_path, xlsx_path]


def template_href(kind: str = "csv") -> str:
    """A data: URI of the blank template, so a page can offer it as a download link without a server route:
    ``html.A("Pilot returns template (CSV)", href=template_href(), download=TEMPLATE_CSV.name)``."""
    if kind == "csv":
        return "data:text/csv;charset=utf-8," + quote(TEMPLATE_CSV.read_text(encoding="utf-8"))
    if kind == "xlsx":
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return f"data:{mime};base64," + base64.b64encode(TEMPLATE_XLSX.read_bytes()).decode("ascii")
    raise ValueError(f"kind must be 'csv' or 'xlsx', not {kind!r}")


if __name__ == "__main__":  # python -m data.sources.pilot: (re)write the blank templates
    for written in write_templates(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES):
        print(f"wrote {written}")
