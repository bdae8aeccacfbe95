"""Making text from source files and requests safe where it lands: spreadsheets, plotly figures, messages.

Source files come from many ICBs and websites, and exports go straight into Excel, so every string is treated
as hostile wherever it could become something other than text:

- ``neutralise`` (spreadsheet formula injection, OWASP's CSV-injection guidance): a text cell beginning with
  ``=`` ``+`` ``-`` ``@``, tab or carriage return gets a leading ``'`` so Excel and LibreOffice show it as text
  instead of evaluating it; real numbers (and text that is only a number, such as ``-5``) are left as they are.
  Every CSV, Excel sheet and slide goes through it.
- ``plotly_text``: plotly draws titles, legend names, tick labels, hover text and annotations as its own small
  HTML dialect (``<a href>``, ``<b>``, ``<br>``, entities), so source text is escaped (``&``, ``<``, ``>``).
  ``registry.render`` escapes every text column of a chart's data before the figure is built.
- ``quoted``: a value quoted in an error message, cut short so a request never gets its own megabytes back.
"""
from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
QUOTE_LIMIT = 60  # characters of a request's value quoted back in a message


def neutralise(value):
    """A spreadsheet cell's value that no spreadsheet will evaluate: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns
            if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_datetime64_any_dtype(frame[c])
                    or pd.api.types.is_bool_dtype(frame[c]))]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised; numeric columns untouched."""
    out = frame.copy()
    for column in _text_columns(out):
        out[column] = out[column].map(neutralise, na_action="ignore")
    out.columns = [neutralise(str(c)) if isinstance(c, str) else c for c in out.columns]
    return out


def plotly_text(text):
    """Text for plotly's pseudo-HTML: ``&``, ``<`` and ``>`` as entities (plotly draws them as the characters)."""
    if not isinstance(text, str):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell escaped for plotly (the frame itself if it has no markup characters)."""
    columns = [c for c in _text_columns(frame)
               if frame[c].map(lambda v: isinstance(v, str) and bool(re.search(r"[&<>]", v))).any()]
    if not columns:
        return frame
    out = frame.copy()
    for column in columns:
        out[column] = out[column].map(plotly_text, na_action="ignore")
    return out


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr`` of a value for a message, at most about ``limit`` characters."""
    text = str(value)
    if len(text) > limit:
        return repr(text[:limit]) + f"... ({len(text):,} characters)"
    return repr(text)
