"""The choropleth of real ONS boundaries (dashboard.geo): each ICB or region shaded by its comparison with
England (Fingertips' colours, a marker shape in each area so colour is never alone) or by value quintile.

Both colourings travel in one figure: each area's trace carries both fill colours in ``meta`` and the markers
of each view are tagged with it, so the page's toggle (an HTML radio group) switches views in the browser
without asking the server (``MAP_VIEWS``; see pages/regions.py).
"""
from __future__ import annotations

from functools import cache
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, geo
from dashboard.filters import Filters
from dashboard.theme import COMPARISON, SEQUENTIAL, Colour

MAP_VIEWS = {"comparison": "Comparison with England", "quintile": "Value quintile"}
QUINTILE_COLOURS = SEQUENTIAL[::-1]  # lightest for the lowest fifth
NO_VALUE = "No value"


def quintiles(rates: pd.Series) -> pd.Series:
    """1 (lowest fifth) to 5 (highest) by rank, so ties and small sets still split evenly; NA without a value."""
    ranked = rates.rank(method="first")
    out = pd.Series(pd.NA, index=rates.index, dtype="Int64")
    known = ranked.notna()
    if known.any():
        out[known] = (np.ceil(ranked[known] / known.sum() * 5)).astype(int).clip(1, 5)
    return out


def _hover(row) -> str:
    """The text shown over an area: name, value, interval, quality flag and the comparison with England."""
    name = escape(str(row["name"]))
    if pd.isna(row["rate"]):
        return f"<b>{name}</b><br>No value for this selection"
    said = row.get("reliability") if pd.notna(row.get("reliability")) else row.get("quality")
    flag = escape(str(said)) if isinstance(said, str) else "no flag"
    interval = (f"95% CI {row['lower']:.1f}-{row['upper']:.1f}" if pd.notna(row["lower"])
                else "published without an interval")
    england = f"England {row['england_rate']:.1f}%" if pd.notna(row["england_rate"]) else "no value for England"
    return (f"<b>{name}</b><br>{row['rate']:.1f}% ({interval})"
            f"<br>Quality: {flag}<br>{escape(str(row['compared_with_england']).capitalize())} compared with "
            f"England ({england})<br>Select to make this the focus")


@cache
def outlines(level: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each area's rings as float32 arrays (rings separated by NaN), read-only and made once a process: plotly
    takes arrays without walking them point by point and sends them as binary (base64), a third of the work and
    bytes of the same numbers as text."""
    out = {}
    for shape in geo.shapes(level):
        xy = tuple(np.array(v, dtype="float32") for v in (shape.x, shape.y))
        for array in xy:
            array.flags.writeable = False
        out[shape.code] = xy
    return out


def choropleth(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """One filled trace an area (``frame``: the league's rows with ``quintile``), a marker an area per view."""
    shapes = {s.code: s for s in geo.shapes(filters.level)}
    drawn = outlines(filters.level)
    fig = figures.new(height=720, hovermode="closest", margin={"l": 8, "r": 8, "t": 16},
                      dragmode=False)
    rows = {row["code"]: row for row in frame.to_dict("records")}
    areas = []
    for code, shape in shapes.items():
        row = rows.get(code)
        key = row["compared_with_england"] if row is not None else "not compared"
        quintile = row["quintile"] if row is not None else pd.NA
        fills = {"comparison": COMPARISON[key][0],
                 "quintile": Colour.MID_GREY if pd.isna(quintile) else QUINTILE_COLOURS[int(quintile) - 1]}
        text = _hover(row) if row is not None else escape(shape.name)
        x, y = drawn[code]
        areas.append({  # a dict, not go.Scatter: add_traces validates it once, not twice
            "type": "scatter", "x": x, "y": y, "mode": "lines", "fill": "toself", "fillcolor": fills["comparison"],
            "name": shape.name, "line": {"color": Colour.WHITE, "width": 0.8}, "hoveron": "fills", "text": text,
            "hoverinfo": "text", "showlegend": False, "meta": {"code": code, "fills": fills}})
    fig.add_traces(areas)
    frame = frame.assign(x=frame["code"].map(lambda c: shapes[c].label_x),
                         y=frame["code"].map(lambda c: shapes[c].label_y))
    frame["hover"] = [_hover(r) for r in frame.to_dict("records")]
    for key, (colour, symbol, label) in COMPARISON.items():
        part = frame[frame["compared_with_england"] == key]
        if part.empty:
            continue
        ink = Colour.TEXT if key == "not compared" else Colour.WHITE
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=label, legendgroup="comparison",
            marker={"symbol": symbol, "size": 11, "color": colour, "line": {"width": 1.5, "color": ink}},
            customdata=part[["code"]].to_numpy(), text=part["hover"], hovertemplate="%{text}<extra></extra>",
            meta={"view": "comparison"}))
    for q in range(1, 6):
        part = frame[frame["quintile"] == q]
        if part.empty:
            continue
        words = {1: " (lowest)", 5: " (highest)"}.get(q, "")
        ink = Colour.TEXT if q <= 2 else Colour.WHITE
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="text", text=[str(q)] * len(part), visible=False,
            name=f"Quintile {q}{words}: {part['rate'].min():.1f}-{part['rate'].max():.1f}%",
            legendgroup="quintile", textfont={"size": 13, "color": ink, "family": "Arial Black, Arial"},
            customdata=part[["code", "hover"]].to_numpy(), hovertemplate="%{customdata[1]}<extra></extra>",
            meta={"view": "quintile"}))
    focus = frame[frame["focus"]]
    if not focus.empty and focus["code"].iloc[0] in shapes:
        x, y = drawn[focus["code"].iloc[0]]
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name="Chosen area",
                                 line={"color": Colour.TEXT, "width": 3}, hoverinfo="skip"))
    fig.add_annotation(text="Boundaries: ONS, OGL v3.0.<br>Contains OS data \u00a9 Crown<br>copyright and "
                            "database right 2023", x=1, y=1, xref="paper", yref="paper", xanchor="right",
                       yanchor="top", showarrow=False, align="right",
                       font={"size": 11, "color": Colour.SECONDARY_TEXT})
    # The legend sits in the empty top-left corner (Scotland is not drawn), the attribution top right.
    fig.update_layout(legend={"orientation": "v", "y": 1.0, "yanchor": "top", "x": 0, "xanchor": "left",
                              "font": {"size": 13}, "bgcolor": "rgba(255,255,255,0.8)"})
    fig.update_xaxes(visible=False, scaleanchor="y", scaleratio=1, rangemode="normal", fixedrange=True)
    fig.update_yaxes(visible=False, rangemode="normal", fixedrange=True)
    return fig
