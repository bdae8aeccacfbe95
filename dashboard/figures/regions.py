"""Figures for the regions page: league (Fingertips-style), hex map, SPC (XmR) chart, neighbours."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, theme
from dashboard.filters import Filters, period_label
from dashboard.stats import quality, spc
from dashboard.theme import COMPARISON, COMPARISON_ANY_POLARITY, Colour

ACCELERATOR_MARK = "\u2605"  # star
WORKWELL_MARK = "\u25c6"  # diamond
# Sort orders offered on the league (identifiers chosen from a whitelist, never from input).
SORTS = {"value": ("Sort by rate", "rate", False), "name": ("Sort by name", "name", True)}
RATE_TITLE = "Long-term sick, % of people aged 16-64"
# SPC point types: colour and marker shape (never colour alone), MDC's convention of orange for concern.
POINT_STYLES = {
    spc.COMMON: (Colour.DARK_GREY, "circle", "Common cause"),
    spc.IMPROVEMENT: (Colour.TURQUOISE, "diamond", "Special cause: improvement"),
    spc.CONCERN: (Colour.ORANGE, "square", "Special cause: concern"),
    spc.NEUTRAL: (Colour.LIGHT_PURPLE, "star", "Special cause: neutral"),
}


def area_label(row) -> str:
    label = str(row["short_name"])
    if row.get("accelerator"):
        label += f" {ACCELERATOR_MARK}"
    if row.get("workwell"):
        label += f" {WORKWELL_MARK}"
    if isinstance(row.get("quality"), str) and quality.MARK.get(row["quality"]):
        label += f" ({quality.MARK[row['quality']]})"  # ONS quality mark: * acceptable, u unreliable
    return f"<b>{label}</b>" if row.get("focus") else label


def sort_order(frame: pd.DataFrame, sort: str) -> list[str]:
    """Labels in display order for one of ``SORTS`` (first label at the top)."""
    _, column, ascending = SORTS[sort]
    rows = frame.sort_values([column, "name"], ascending=[ascending, True])
    return [area_label(r) for r in rows.to_dict("records")]


def league(frame: pd.DataFrame, filters: Filters, sort: str = "value", *, sortable: bool = True,
           axis_title: str | None = None, lower_is_better: bool = True) -> go.Figure:
    """Rate and 95% interval for each area against England's value, one marker shape a comparison class.

    ``sort`` is a key of ``SORTS``; with ``sortable`` the figure carries every order in ``layout.meta`` for the
    page's sort buttons (``components.sort_buttons``).
    ``axis_title`` replaces the survey rate's title (a published series says what it measures); with
    ``lower_is_better`` False the classes' words and shapes say nothing about direction.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {sorted(SORTS)}")
    frame = frame.assign(label=[area_label(r) for r in frame.to_dict("records")])
    england = float(frame["england_rate"].iloc[0])
    # Room for the legend above, and for the source note below.
    top, bottom = 120, 110
    height = max(420, top + bottom + 60 + 26 * len(frame))
    fig = figures.new(xaxis_title=axis_title or f"{RATE_TITLE}, {period_label(frame['period'].iloc[0])}",
                      height=height, margin={"l": 24, "t": top, "b": bottom})
    for key, (colour, symbol, label) in (COMPARISON if lower_is_better else COMPARISON_ANY_POLARITY).items():
        rows = frame[frame["compared_with_england"] == key]
        if rows.empty:
            continue
        fig.add_trace(go.Scatter(
            x=rows["rate"], y=rows["label"], mode="markers", name=label,
            marker={"color": colour, "symbol": symbol, "size": 11, "line": {"width": 1, "color": colour}},
            error_x={"type": "data", "symmetric": False, "array": rows["upper"] - rows["rate"],
                     "arrayminus": rows["rate"] - rows["lower"], "color": colour, "thickness": 1.5, "width": 4},
            customdata=list(zip(rows["name"], rows["lower"], rows["upper"], rows["recent_trend"],
                                rows["compared_with_england"], _quality_text(rows), strict=True)),
            hovertemplate="<b>%{customdata[0]}</b><br>%{x:.1f}% (95% CI %{customdata[1]:.1f}-%{customdata[2]:.1f})"
                          "%{customdata[5]}<br>%{customdata[4]} compared with England<br>Recent trend: "
                          "%{customdata[3]}<extra></extra>",
        ))
    focus = frame[frame["focus"]]
    if not focus.empty:
        fig.add_trace(go.Scatter(
            x=focus["rate"], y=focus["label"], mode="markers", name=f"Chosen area: {focus['name'].iloc[0]}",
            marker={"symbol": "circle-open", "size": 22, "color": Colour.TEXT, "line": {"width": 2}},
            hoverinfo="skip"))
    for flag, mark, text in (("accelerator", ACCELERATOR_MARK, "Health and Growth Accelerator"),
                             ("workwell", WORKWELL_MARK, "WorkWell vanguard")):
        if frame[flag].any():
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"{mark} {text}",
                                     marker={"color": Colour.WHITE, "size": 1}, hoverinfo="skip"))
    if not math.isnan(england):  # a published series may come without England's value
        fig.add_vline(x=england, line={"color": Colour.TEXT, "dash": "dash", "width": 1.5})
        fig.add_annotation(x=england, y=1, yref="paper", yanchor="top", xanchor="left",
                           text=f"England {england:.1f}%", showarrow=False, bgcolor=Colour.WHITE,
                           font={"size": 13, "color": Colour.TEXT})
    orders = {key: sort_order(frame, key) for key in SORTS}
    fig.update_yaxes(categoryorder="array", categoryarray=orders[sort][::-1], title=None, automargin=True,
                     dtick=1, tickfont={"size": 13})
    fig.update_xaxes(rangemode="normal", ticksuffix="%")
    fig.update_layout(legend={"y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    if "quality" in frame:
        figures.quality_key(fig, frame["quality"])
    if sortable:
        # The orders travel with the figure for the page's "Sort by" buttons (real buttons outside the chart,
        # so exported images carry no controls); ``meta`` is data, never drawn.
        fig.update_layout(meta={"sort": sort, "sorts": {key: orders[key][::-1] for key in SORTS}})
    return fig


# ---- hex map ---------------------------------------------------------------------------------------

HEX_RADIUS = 1 / math.sqrt(3)  # centre to corner, so pointy-top hexagons one unit wide touch side by side


def _quality_text(rows: pd.DataFrame) -> list[str]:
    """Hover text for each survey estimate's CV and ONS quality band (empty for published series)."""
    if "quality" not in rows or "cv" not in rows:
        return [""] * len(rows)
    return ["" if not isinstance(q, str) else f"<br>CV {cv:.1f}%: {q}" if pd.notna(cv) else f"<br>{q}"
            for cv, q in zip(rows["cv"], rows["quality"], strict=True)]


def hex_centre(col: int, row: int) -> tuple[float, float]:
    """Pointy-top hexagons, odd rows pushed half a hexagon right; row 0 at the top (north)."""
    return col + 0.5 * (row % 2), -row * 1.5 * HEX_RADIUS


def hex_corners(x: float, y: float, scale: float = 0.96) -> tuple[list[float], list[float]]:
    angles = [math.radians(90 + 60 * i) for i in range(7)]
    r = HEX_RADIUS * scale
    return [x + r * math.cos(a) for a in angles], [y + r * math.sin(a) for a in angles]


def _outlines(rows: pd.DataFrame, scale: float = 0.96) -> tuple[list, list]:
    xs, ys = [], []
    for col, row in zip(rows["col"], rows["row"], strict=True):
        hx, hy = hex_corners(*hex_centre(col, row), scale=scale)
        xs += [*hx, None]
        ys += [*hy, None]
    return xs, ys


def hex_label(name: str) -> str:
    """An ICB's short name in lines of a hexagon's width (names, not ODS codes, say where an area is)."""
    import textwrap

    return "<br>".join(textwrap.wrap(str(name).replace(" and ", " & "), 11)[:3])


def hex_map(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """A hex cartogram of the ICBs shaded by comparison with England, with a shape in each hexagon."""
    fig = figures.new(height=860, hovermode="closest", hoverdistance=30, margin={"l": 8, "r": 8, "t": 72})
    centres = [hex_centre(c, r) for c, r in zip(frame["col"], frame["row"], strict=True)]
    frame = frame.assign(x=[c[0] for c in centres], y=[c[1] for c in centres])
    for key, (colour, symbol, label) in COMPARISON.items():
        rows = frame[frame["compared_with_england"] == key]
        if rows.empty:
            continue
        xs, ys = _outlines(rows)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour, name=label,
                                 legendgroup=key, line={"color": Colour.WHITE, "width": 1}, hoverinfo="skip"))
        ink = theme.ink(colour)  # white on teal is 3.2:1; the darker of black and white is always >= 4.5:1
        area = rows["area_name"].fillna(rows["name"])
        fig.add_trace(go.Scatter(
            x=rows["x"], y=rows["y"], mode="markers+text", name=label, legendgroup=key, showlegend=False,
            text=[f"{n} {m}".strip() for n, m in zip(rows["short_name"].map(hex_label),
                                                     quality.mark(rows.get("quality", [])), strict=False)]
            if "quality" in rows else rows["short_name"].map(hex_label), textposition="bottom center",
            textfont={"size": 9, "color": ink},
            marker={"symbol": symbol, "size": 10, "color": ink},
            customdata=list(zip(rows["code"], rows["name"], area, rows["rate"], rows["lower"], rows["upper"],
                                rows["compared_with_england"], rows["area_code"], _quality_text(rows), strict=True)),
            hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}: %{customdata[3]:.1f}% "
                          "(95% CI %{customdata[4]:.1f}-%{customdata[5]:.1f})%{customdata[8]}<br>%{customdata[6]} "
                          "compared with England<br>Select to make this the focus<extra></extra>",
        ))
    focus = frame[frame["focus"]]
    if not focus.empty:
        xs, ys = _outlines(focus, scale=0.9)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="Chosen area", hoverinfo="skip",
                                 line={"color": Colour.TEXT, "width": 3}))
    fig.update_xaxes(visible=False, scaleanchor="y", scaleratio=1, rangemode="normal")
    fig.update_yaxes(visible=False, rangemode="normal")
    fig.update_layout(legend={"y": 1.0, "yanchor": "bottom"}, dragmode=False)
    if "quality" in frame:
        figures.quality_key(fig, frame["quality"].dropna())
    return fig


# ---- SPC ---------------------------------------------------------------------------------------------

def spc_chart(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """An XmR chart: the series, its mean, process limits and two-sigma lines, points typed by rule."""
    trial = bool(frame["trial"].iloc[0])
    published = "period_label" in frame  # published periods: placed at their end, labelled as published
    unit = "period" if published else "quarter"
    fig = figures.new(yaxis_title=f"{frame['measure'].iloc[0]} (published)" if published else RATE_TITLE,
                      xaxis_title="Published period" if published else "Quarter",
                      margin={"t": 170}, height=620)
    # Published periods by their own labels ('year to Dec 2024'): a date axis would tick a year ending on
    # 31 December under the next year.
    x = frame["period_label"] if published else frame["period_start"]
    fig.add_trace(go.Scatter(x=x, y=frame["rate"], mode="lines", name="Rate", showlegend=False,
                             line={"color": Colour.MID_GREY, "width": 2}, hoverinfo="skip"))
    limit_name = "Trial process limits" if trial else "Process limits"
    for column, name, dash, width, legend in (
            ("mean", "Mean", "solid", 2, True), ("upl", limit_name, "dash", 2, True),
            ("lpl", limit_name, "dash", 2, False), ("upper_two_sigma", "Two-sigma lines", "dot", 1, True),
            ("lower_two_sigma", "Two-sigma lines", "dot", 1, False)):
        fig.add_trace(go.Scatter(
            x=x, y=frame[column], mode="lines", name=name, legendgroup=name, showlegend=legend,
            line={"color": Colour.DARK_BLUE if column == "mean" else Colour.DARK_GREY, "dash": dash, "width": width},
            hovertemplate=f"{name}: %{{y:.2f}}%<extra></extra>"))
    for key, (colour, symbol, label) in POINT_STYLES.items():
        rows = frame[frame["point_type"] == key]
        if rows.empty:
            continue
        fig.add_trace(go.Scatter(
            x=rows["period_label" if published else "period_start"], y=rows["rate"], mode="markers", name=label,
            marker={"color": colour, "size": 10 if key == spc.COMMON else 13,
                    "symbol": figures.quality_symbols(symbol, rows["quality"]) if "quality" in rows else symbol},
            customdata=list(zip(rows["period_label"] if published else rows["period"].map(period_label),
                                rows["lower"], rows["upper"], _quality_text(rows), strict=True)),
            hovertemplate="%{customdata[0]}: <b>%{y:.2f}%</b> (95% CI %{customdata[1]:.1f}-%{customdata[2]:.1f})"
                          f"%{{customdata[3]}}<br>{label}<extra></extra>"))
    words = f"Latest {unit}: {spc.variation(frame)}"
    if trial:
        words += f" (trial limits: too few {unit}s in the baseline)"
    base = frame[frame["in_baseline"]] if "in_baseline" in frame else frame.iloc[0:0]
    if len(base):
        fig.add_vrect(x0=base["period_start"].iloc[0], x1=base["period_start"].iloc[-1], layer="below",
                      fillcolor=Colour.GRID, opacity=0.5, line_width=0)
    notes = [frame.attrs["published_note"]] if frame.attrs.get("published_note") else []
    if frame.attrs.get("baseline_to"):
        notes.append(f"Limits fixed on {period_label(frame.attrs['baseline_from'])} to "
                     f"{period_label(frame.attrs['baseline_to'])} (shaded), before the accelerators started.")
    if frame.attrs.get("rolling_year"):
        notes.append("Rolling 12-month estimates: overlapping periods are not independent, so signals come more "
                     "easily than the rules assume.")
    if notes:  # an annotation, not the title, so images and slides (which set their own title) keep it
        # Under the title, above the legend (which sits on the plot's top edge), so neither covers the other.
        fig.add_annotation(text="<br>".join(notes), x=0, y=1, xref="paper", yref="paper", yshift=126,
                           xanchor="left", yanchor="top", align="left", showarrow=False, name="spc-notes",
                           font={"size": 13, "color": Colour.SECONDARY_TEXT})
    fig.update_layout(title={"text": words, "x": 0, "xref": "paper", "xanchor": "left", "y": 0.98,
                             "yref": "container", "yanchor": "top", "font": {"size": 16, "color": Colour.TEXT}})
    if not published:
        fig.update_xaxes(tickformat="%Y", hoverformat="%b %Y")
    fig.update_yaxes(rangemode="normal", ticksuffix="%")
    fig.update_layout(legend={"y": 1.0, "yanchor": "bottom"})
    if "quality" in frame:
        figures.quality_key(fig, frame["quality"])
    return fig


def neighbours(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """The league chart drawn for the chosen area and its statistical neighbours, most alike first."""
    ordered = frame.assign(_rank=frame["neighbour_rank"].fillna(0)).sort_values("_rank").drop(columns="_rank")
    fig = league(ordered, filters, sort="value", sortable=False)
    fig.update_yaxes(categoryarray=[area_label(r) for r in ordered.to_dict("records")][::-1])
    return fig
