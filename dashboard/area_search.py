"""Find an area by name, ODS code or GSS code: a text box beside the Area picker (a native ``<datalist>``
suggests as you type) that chooses the area it names. The Area select stays the one source of the choice."""
from __future__ import annotations

from functools import lru_cache

from dash import Input, Output, callback, dcc, html, no_update

from dashboard.domain import domain

INPUT = "area-search"
MESSAGE = "area-search-message"
LIST = "area-search-options"


def _index() -> tuple[list[tuple[str, str]], dict[str, str]]:
    return _index_of(domain())


@lru_cache(maxsize=4)
def _index_of(loaded) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Suggestions (label, code) and every accepted spelling (lower case) -> code, for one data version."""
    areas = loaded.areas
    suggestions, keys = [], {}
    for row in areas.itertuples():
        ods = row.ods if isinstance(row.ods, str) and row.ods else ""
        label = f"{row.name} ({', '.join(x for x in (ods, row.code) if x)})"
        suggestions.append((label, row.code))
        onsname = f"NHS {row.name} Integrated Care Board" if row.level == "icb" else ""  # ONS's full name
        for key in (row.name, row.short_name, row.code, ods, label, onsname):
            if isinstance(key, str) and key:
                keys[key.strip().lower()] = row.code
    return suggestions, keys


def find(text: str) -> str | None:
    """The code of the area ``text`` names exactly (name, short name, ODS or GSS code, or a suggestion), else
    the one area whose name contains it; None when none or several do."""
    query = " ".join((text or "").split()).lower()
    if not query:
        return None
    suggestions, keys = _index()
    if query in keys:
        return keys[query]
    matches = {code for label, code in suggestions if query in label.lower()}
    return matches.pop() if len(matches) == 1 else None


def control() -> html.Div:
    suggestions, _ = _index()
    return html.Div([
        html.Label("Search by name or code", htmlFor=INPUT, className="form-label mb-1"),
        dcc.Input(id=INPUT, type="search", list=LIST, debounce=True, className="form-control",
                  placeholder="Name, ODS or GSS code", autoComplete="off"),
        html.Datalist([html.Option(value=label) for label, _ in suggestions], id=LIST),
        html.Div(id=MESSAGE, className="small text-danger", role="status"),
    ])


@callback(
    Output({"type": "filter", "name": "geo"}, "value", allow_duplicate=True),
    Output(MESSAGE, "children"),
    Input(INPUT, "value"),
    prevent_initial_call=True,
)
def choose(text):
    if not isinstance(text, str) or not text.strip():  # a hand-made request may send anything
        return no_update, ""
    code = find(text)
    if code is None:
        return no_update, (f"No single area matches {text.strip()[:60]!r}: type an area's name, its ODS code "
                           "(e.g. QF7) or its GSS code (e.g. E54000061).")
    return code, ""
