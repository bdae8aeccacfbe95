"""Figures for the overview page."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, periods
from dashboard.filters import Filters, period_label
from dashboard.theme import Colour

# Up to three lines (area, its region, England) told apart by colour, dash and marker shape.
LINE_STYLES = (
    (Colour.DARK_BLUE, "solid", "circle"),
    (Colour.TURQUOISE, "dash", "diamond"),
    (Colour.DARK_GREY, "dot", "square"),
)


def rate_lines(frame: pd.DataFrame, series: str, *, y_title: str = "Long-term sick, % of people aged 16-64",
               marker_period: str | None = None, marker_text: str = "", published: bool = False) -> go.Figure:
    """Rate over time with its 95% interval as a band, one line per value of ``series``; ``published`` rows are
    placed at the end of their period and their hover names the period as published ('year to Jun 2024')."""
    fig = figures.new(yaxis_title=y_title, xaxis_title="Period ending" if published else "Quarter",
                      hovermode="x unified")
    for (name, rows), (colour, dash, symbol) in zip(frame.groupby(series, sort=False), LINE_STYLES * 3,
                                                    strict=False):
        rows = rows.sort_values("period")
        x = rows["period_end" if published else "period_start"]
        band = figures.band_colour(colour)
        fig.add_trace(go.Scatter(x=x, y=rows["upper"], mode="lines", line={"width": 0}, hoverinfo="skip",
                                 showlegend=False, legendgroup=str(name)))
        fig.add_trace(go.Scatter(x=x, y=rows["lower"], mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor=band, hoverinfo="skip", showlegend=False, legendgroup=str(name)))
        labels = rows["quality"] if "quality" in rows else pd.Series([""] * len(rows), index=rows.index)
        notes = [f"; CV {cv:.1f}%: {q}" if isinstance(q, str) and q and pd.notna(cv) else ""
                 for cv, q in zip(rows.get("cv", pd.Series(index=rows.index, dtype=float)), labels, strict=True)]
        fig.add_trace(go.Scatter(
            x=x, y=rows["rate"], name=str(name), legendgroup=str(name), mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 3},
            marker={"symbol": figures.quality_symbols(symbol, labels), "size": 7},
            customdata=list(zip(rows["period_label"] if published else rows["period"].map(period_label),
                                rows["lower"], rows["upper"], notes, strict=True)),
            hovertemplate=("%{fullData.name}, %{customdata[0]}" if published else "%{fullData.name}")
            + ": <b>%{y:.1f}%</b> (95% CI %{customdata[1]:.1f}-%{customdata[2]:.1f}%{customdata[3]})<extra></extra>",
        ))
    fig.update_xaxes(tickformat="%Y", dtick="M12", hoverformat="%b %Y")
    if "quality" in frame:
        figures.quality_key(fig, frame["quality"])
    if marker_period:
        start = periods.start(marker_period)
        fig.add_vline(x=start, line={"color": Colour.DARK_GREY, "dash": "dash", "width": 1.5})
        fig.add_annotation(x=start, y=1, yref="paper", text=marker_text, showarrow=False, xanchor="left",
                           yanchor="top", xshift=4, font={"size": 13, "color": Colour.DARK_GREY})
    return fig


def area_trend(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    if "measure" in frame:  # the published measure, each point at the end of its period, labelled as published
        return rate_lines(frame, "area_name", y_title=f"{frame['measure'].iloc[0]} (published)", published=True)
    return rate_lines(frame, "area_name")


def accelerators_against_rest(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    start = frame.attrs.get("accelerator_start")
    return rate_lines(frame, "group", marker_period=start, marker_text="Accelerators start")


def uk_series(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """A published UK series over time (people, millions), one point a rolling three-month period."""
    fig = figures.new(xaxis_title=None, yaxis_title="People aged 16-64, millions", showlegend=False)
    fig.add_trace(go.Scatter(
        x=frame["period_end"], y=frame["people"] / 1e6, mode="lines+markers", name=frame["series_name"].iloc[0],
        line={"color": Colour.DARK_BLUE, "width": 2.5}, marker={"size": 7}, customdata=frame[["period"]],
        hovertemplate="%{customdata[0]}: <b>%{y:.2f} million</b><extra></extra>"))
    fig.update_yaxes(rangemode="tozero", ticksuffix="m")
    return fig
