"""Project-authored prose, as Markdown files in this folder, rendered by the pages as components (dashboard.prose).

A number or date the prose states is never typed in it: the file names a placeholder (``{threshold}``) and the page
fills it from the code, setting or data that decides it (``methods_values``), so the text cannot drift from what the
dashboard does. Only these files are rendered as Markdown: text from a source file never is (it is escaped text in
Dash components). An HTML comment in a file is a note for its editors, dropped before rendering.
"""
from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

from dash import html

import queries
from dashboard import prose
from dashboard.stats import disclosure, economics, quality, spc

HERE = Path(__file__).parent
_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)


@cache
def _source(name: str) -> str:
    return _COMMENT.sub("", (HERE / f"{name}.md").read_text(encoding="utf-8")).strip()


def text(name: str, **values) -> str:
    """The Markdown of ``name``.md with its placeholders filled (KeyError names a placeholder given no value)."""
    return _source(name).format_map(values)


def markdown(name: str, className: str | None = None, **values) -> html.Div:
    """The file as components (``dashboard.prose``: parsed on the server, no Markdown parser sent to the browser)."""
    return html.Div(list(prose.cached(text(name, **values))), className=className)


def _comparison_sets() -> str:
    """'(with 39 comparison ICBs, all 9,139 sets)', counted from the warehouse's ICBs and accelerator flags."""
    try:
        areas = queries.warehouse().run("api_areas")
    except queries.WarehouseUnavailable:
        return ""
    icbs = areas[areas["level"] == "icb"]
    treated = int(icbs["accelerator"].astype(bool).sum())
    others = len(icbs) - treated
    return f"(with {others} comparison ICBs, all {math.comb(others, treated):,} sets)" if treated else ""


def rule_values() -> dict[str, str]:
    """The numbers of the rules every output follows (disclosure control, survey quality bands), from the code that
    applies them, and the published figures quoted in more than one place."""
    (precise, _), (reasonable, _), (acceptable, _) = quality.BANDS
    return {
        "cv_precise": f"{precise:g}", "cv_reasonable": f"{reasonable:g}", "cv_acceptable": f"{acceptable:g}",
        "few_respondents": str(quality.MIN_RESPONDENTS - 1),
        "threshold": str(disclosure.THRESHOLD), "small": str(disclosure.THRESHOLD - 1), "base": str(disclosure.BASE),
        "several_conditions": text("several_conditions"),
    }


def methods_values() -> dict[str, str]:
    """Every placeholder of methods.md, from the code and settings that apply the method."""
    from dashboard.charts.regions_trend import SPC_MIN_BASELINE

    deft = quality.design_factor()
    deft_source = (f"the default of {quality.DEFAULT_DESIGN_FACTOR:g} is an assumption in the range of those published factors, not a value read "
                   "from them for this estimate: set DASHBOARD_SURVEY_DESIGN_FACTOR to ONS's factor for the estimate "
                   "in use." if deft == quality.DEFAULT_DESIGN_FACTOR else
                   "this value was set for this service with DASHBOARD_SURVEY_DESIGN_FACTOR.")
    return {
        **rule_values(), "deft": f"{deft:g}", "deft_source": deft_source,
        "limit_factor": f"{spc.LIMIT_FACTOR:g}", "outlier_screen": f"{spc.OUTLIER_SCREEN:g}",
        "spc_min_baseline": str(SPC_MIN_BASELINE),
        "discount": f"{economics.DEFAULT.discount_rate * 100:g}",
        "comparison_sets": _comparison_sets(),
    }
