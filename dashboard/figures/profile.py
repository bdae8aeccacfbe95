"""The area profile's spine chart (as in OHID Fingertips' area profiles)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import figures
from dashboard.filters import Filters
from dashboard.theme import COMPARISON, Colour

LIGHT_BAND = "rgba(61, 61, 61, 0.18)"
DARK_BAND = "rgba(61, 61, 61, 0.45)"


def spine(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Each indicator on its own scale centred on England: -1 and 1 are the ICB furthest from England on
    either side (Fingertips' spine), so every row shows where the area sits in the national spread.

    Published facts (a ``note`` column: dashboard/charts/_profile_published.py) may spread across regions
    (``peers``), may lack England's value in the same period (then the centre is the areas' median, and says
    so) or an interval, and list indicators not published at this level with their note in place of a marker."""
    published = "note" in frame
    peers = frame["peers"].dropna().iloc[0] if published and frame["peers"].notna().any() else "ICBs"
    centre_name, centre = "England", frame["england"]
    if published and frame["england"].isna().all():
        centre_name, centre = f"Median of {peers}", frame["icb_median"]
    half = np.maximum((frame["icb_max"] - centre).abs(), (centre - frame["icb_min"]).abs())
    half = half.where(half > 0, 1.0)

    def scaled(column):
        return (frame[column] - centre) / half

    labels = frame["indicator"].tolist()
    fig = figures.new(height=max(360, 190 + 42 * len(frame)), margin={"l": 24, "t": 96, "r": 24},
                      xaxis={"range": [-1.08, 1.08], "visible": False, "rangemode": "normal"},
                      barmode="overlay")
    for start, end, colour, name in (("icb_min", "icb_max", LIGHT_BAND, f"Range across {peers} (lowest to highest)"),
                                     ("icb_q1", "icb_q3", DARK_BAND, f"Middle half of {peers} (25th-75th percentile)")):
        fig.add_trace(go.Bar(
            y=labels, x=scaled(end) - scaled(start), base=scaled(start), orientation="h", name=name,
            marker={"color": colour, "line": {"width": 0}}, width=0.5,
            customdata=np.stack([frame[start], frame[end]], axis=1),
            hovertemplate="%{y}<br>" + name + ": %{customdata[0]:.1f}%-%{customdata[1]:.1f}%<extra></extra>"))
    x = scaled("value")
    for key, (colour, symbol, label) in COMPARISON.items():
        rows = (frame["compared_with_england"] == key) & (frame["value"].notna() if published else True)
        if not rows.any():
            continue
        part = frame[rows]
        fig.add_trace(go.Scatter(
            x=x[rows], y=part["indicator"], mode="markers", name=f"{part['area_name'].iloc[0]}: {label[0].lower()}{label[1:]}"
            if key != "not compared" else part["area_name"].iloc[0],
            marker={"symbol": symbol, "size": 15, "color": colour,
                    "line": {"width": 1.5, "color": Colour.TEXT if key == "not compared" else Colour.WHITE}},
            customdata=np.stack([part["value"], part["lower"], part["upper"], part["england"]], axis=1),
            hovertemplate="%{y}<br>%{customdata[0]:.1f}% (95% CI %{customdata[1]:.1f}-%{customdata[2]:.1f})"
                          "<br>England %{customdata[3]:.1f}%<extra></extra>"))
        if published:
            fig.data[-1].update(customdata=np.array(list(zip(part["value"], _hover(part), strict=True)), dtype=object),
                                hovertemplate="%{y}<br>%{customdata[1]}<extra></extra>")
    fig.add_vline(x=0, line={"color": Colour.DARK_PINK, "width": 2})
    fig.add_annotation(x=0, y=0, yref="paper", yanchor="top", text=centre_name, showarrow=False,
                       font={"size": 13, "color": Colour.TEXT})
    if published:
        for label, note in zip(frame["indicator"], frame["note"], strict=True):
            if isinstance(note, str) and note:
                fig.add_annotation(x=0, y=label, text=note.split(":", 1)[0], showarrow=False,
                                   font={"size": 12, "color": Colour.SECONDARY_TEXT}, bgcolor=Colour.WHITE)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True, title=None,
                     rangemode="normal")
    fig.update_layout(legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"}, dragmode=False)
    return fig


def _hover(part: pd.DataFrame) -> list[str]:
    """A published row's hover: its value, its interval if published, England's value if published then."""
    out = []
    for row in part.itertuples():
        text = f"{row.value:.1f}%" + (" (published without an interval)" if pd.isna(row.lower)
                                      else f" (95% CI {row.lower:.1f}-{row.upper:.1f})")
        text += (" · England: no value in the same period" if pd.isna(row.england)
                 else f" · England {row.england:.1f}%")
        out.append(text)
    return out
