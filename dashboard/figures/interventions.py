"""Figures for the interventions page: pure ``DataFrame -> Figure`` builders."""
from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import figures
from dashboard.filters import Filters
from dashboard.stats import funnel
from dashboard.stats.disclosure import show_count
from dashboard.theme import CATEGORICAL, Colour

# Job outcomes: higher is better, so "High" is good news; shape and word go with the colour.
FUNNEL_STYLES = {
    funnel.HIGH_998: (Colour.TURQUOISE, "triangle-up"),
    funnel.HIGH_95: (Colour.TURQUOISE, "triangle-up-open"),
    funnel.SIMILAR: (Colour.DARK_GREY, "circle"),
    funnel.LOW_95: (Colour.DARK_PINK, "triangle-down-open"),
    funnel.LOW_998: (Colour.DARK_PINK, "triangle-down"),
    funnel.NOT_COMPARED: (Colour.MID_GREY, "square-open"),
}
DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star")
MEASURE_STYLES = (  # (colour, marker symbol, bar pattern)
    (Colour.DARK_BLUE, "circle", ""),
    (Colour.TURQUOISE, "diamond", "/"),
    (Colour.ORANGE, "square", "."),
)


# A programme's axis label is broken at spaces into lines of about this many characters: unbroken, a long name
# ("Employment advisers in physio and MSK clinics") takes the whole width of a phone and leaves the plot none.
LABEL_WIDTH = 16


def programme_label(name: str, count: str) -> str:
    """'Employment advisers in physio and MSK clinics (1,230)' as plotly lines ('<br>' between them) broken at
    word boundaries only. ``name`` arrives escaped for plotly (``registry.render``); an entity such as ``&amp;``
    has no space in it, so it is never split, and no other markup is added."""
    lines = textwrap.wrap(f"{name} ({count})", width=LABEL_WIDTH, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(lines) or f"({count})"


def _interval(rows: pd.DataFrame, value: str = "rate") -> dict:
    return {"type": "data", "symmetric": False, "array": (rows["upper"] - rows[value]).to_numpy(),
            "arrayminus": (rows[value] - rows["lower"]).to_numpy(), "thickness": 1.5, "width": 4}


def outcomes_by_programme(frame: pd.DataFrame, filters: Filters, *,
                          axis_title: str = "Share of people with enough follow-up, %") -> go.Figure:
    """Dot-and-whisker: job within 12 months and sustained 26 weeks for each programme, notes where no rate."""
    jobs = frame[frame["measure"] == frame["measure"].iloc[0]]
    order = jobs.sort_values(["rate", "participants"], ascending=[False, False], na_position="last")
    labels = {p: programme_label(str(n), show_count(c)) for p, n, c in
              zip(order["programme"], order["programme_name"], order["participants"], strict=True)}
    categories = [labels[p] for p in order["programme"]]
    lines = max((label.count("<br>") + 1 for label in categories), default=1)
    fig = figures.new(xaxis_title=axis_title, yaxis_title=None,
                      scattermode="group", scattergap=0.5, height=160 + max(48, 18 * lines + 12) * len(categories),
                      legend_title_text=None)
    for (measure, rows), (colour, symbol, _) in zip(frame.groupby("measure", sort=False), MEASURE_STYLES,
                                                    strict=False):
        rows = rows.set_index("programme").loc[order["programme"]].reset_index()
        fig.add_trace(go.Scatter(
            x=rows["rate"], y=[labels[p] for p in rows["programme"]], name=measure, mode="markers",
            marker={"color": colour, "symbol": symbol, "size": 10}, error_x={**_interval(rows), "color": colour},
            customdata=np.stack([rows["lower"], rows["upper"], rows["outcomes"].map(show_count),
                                 rows["eligible"].map(show_count)], axis=-1),
            hovertemplate="%{y}<br>" + measure + ": <b>%{x:.1f}%</b> (95% CI %{customdata[0]:.1f}-"
                          "%{customdata[1]:.1f})<br>%{customdata[2]} of %{customdata[3]}<extra></extra>",
        ))
    notes = jobs.set_index("programme")["note"]
    for programme in order["programme"]:
        if notes[programme]:
            fig.add_annotation(x=0, y=labels[programme], xref="x", yref="y", text=notes[programme],
                               showarrow=False, xanchor="left", font={"size": 13, "color": Colour.SECONDARY_TEXT})
    fig.update_yaxes(categoryorder="array", categoryarray=categories, autorange="reversed", type="category")
    top = np.nanmax(frame["upper"].to_numpy(dtype=float)) if frame["upper"].notna().any() else 50
    fig.update_xaxes(range=[0, max(50, float(top) * 1.1)], ticksuffix="%")
    return fig


def funnel_plot(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """ICB rates against their denominators, national rate with 95% and 99.8% limits; outliers labelled."""
    national = float(frame["national_rate"].iloc[0]) / 100
    n_max = float(np.nanmax(frame["followed_12m"].to_numpy(dtype=float))) if frame["followed_12m"].notna().any() \
        else 10.0
    tau2 = float(frame.attrs.get("tau2", 0.0))
    curve = funnel.funnel_curve(national, n_max * 1.1, tau2=tau2)
    programme = "Programme: " + str(frame["programme_name"].iloc[0])
    if not frame.attrs.get("chosen", True):
        programme += " (the largest; none chosen)"
    fig = figures.new(xaxis_title="Participants with 12 months' follow-up", yaxis_title="In work within 12 months, %",
                      height=560)
    if frame.attrs.get("overdispersion"):
        programme += "<br>" + ("Limits widened for overdispersion" if tau2 > 0 else "Exact binomial limits; "
                                                                                   "no overdispersion found")
    fig.add_annotation(text=programme, x=0.01, y=0.99, xref="paper", yref="paper", xanchor="left", yanchor="top",
                       showarrow=False, align="left", font={"size": 14, "color": Colour.TEXT}, bgcolor=Colour.WHITE)
    for column, name, dash in (("upper_998", "99.8% limits", "dot"), ("upper_95", "95% limits", "dash")):
        low = column.replace("upper", "lower")
        fig.add_trace(go.Scatter(x=curve["n"], y=curve[column] * 100, mode="lines", name=name, legendgroup=name,
                                 line={"color": Colour.DARK_GREY, "dash": dash, "width": 1.5}, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=curve["n"], y=curve[low] * 100, mode="lines", name=name, legendgroup=name,
                                 showlegend=False, line={"color": Colour.DARK_GREY, "dash": dash, "width": 1.5},
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[1, curve["n"].max()], y=[national * 100] * 2, mode="lines",
                             name=f"England {national * 100:.1f}%", line={"color": Colour.DARK_BLUE, "width": 2},
                             hoverinfo="skip"))
    others = frame[~frame["in_area"] & frame["rate"].notna()]
    if len(others) and not frame["in_area"].all():
        fig.add_trace(go.Scatter(x=others["followed_12m"], y=others["rate"], mode="markers", name="Other ICBs",
                                 marker={"color": Colour.MID_GREY, "symbol": "circle-open", "size": 7},
                                 text=others["area_name"],
                                 hovertemplate="%{text}: %{y:.1f}% of %{x:,.0f}<extra></extra>"))
    area = frame[frame["in_area"]]
    for label, (colour, symbol) in FUNNEL_STYLES.items():
        rows = area[area["comparison"] == label]
        if rows.empty or label == funnel.NOT_COMPARED:
            continue
        outlier = label in (funnel.HIGH_998, funnel.LOW_998)  # labelled: beyond the 99.8% limits
        fig.add_trace(go.Scatter(
            x=rows["followed_12m"], y=rows["rate"], name=label, mode="markers+text" if outlier else "markers",
            marker={"color": colour, "symbol": symbol, "size": 11, "line": {"width": 1.5, "color": colour}},
            text=rows["area_name"] if outlier else None, textposition="top center",
            textfont={"size": 12, "color": Colour.TEXT},
            customdata=np.stack([rows["area_name"], rows["jobs_12m"].map(show_count)], axis=-1),
            hovertemplate="%{customdata[0]}: <b>%{y:.1f}%</b> (%{customdata[1]} of %{x:,.0f})<br>" + label
                          + "<extra></extra>",
        ))
    # Keep the view on the data: the limits widen without bound as n falls to 1.
    shown = frame[frame["rate"].notna()]
    n_min = float(shown["followed_12m"].min()) if len(shown) else 1.0
    near = funnel.funnel_limits(national, [n_min], tau2).iloc[0]
    low = min(float(shown["rate"].min()) if len(shown) else 100.0, near["lower_998"] * 100)
    high = max(float(shown["rate"].max()) if len(shown) else 0.0, near["upper_998"] * 100)
    pad = max(2.0, (high - low) * 0.15)
    fig.update_yaxes(ticksuffix="%", range=[max(0.0, low - pad), min(100.0, high + pad)])
    fig.update_xaxes(rangemode="tozero")
    return fig


def time_to_work(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Kaplan-Meier step curves of the share in work by day since start, with 95% bands."""
    fig = figures.new(xaxis_title="Days since starting", yaxis_title="Share who have started work, %",
                      height=560, hovermode="x unified",
                      legend={"orientation": "v", "x": 1.02, "y": 1, "xanchor": "left", "yanchor": "top"})
    # Colour, dash and marker shape all change from one curve to the next: never colour alone (WCAG 1.4.1).
    for i, (group, rows) in enumerate(frame.groupby("group", sort=False)):
        colour, dash, symbol = (CATEGORICAL[i % len(CATEGORICAL)], DASHES[i % len(DASHES)],
                                SYMBOLS[i % len(SYMBOLS)])
        # A point a day for each curve and its band, sent as plotly's typed arrays: 16-bit days and 32-bit
        # shares (7 significant figures, far finer than the chart shows) halve the figure on the wire; the
        # data downloads keep full precision.
        rows = rows.sort_values("day").astype({"day": "int16", "in_work": "float32", "lower": "float32",
                                               "upper": "float32"})
        band = figures.band_colour(colour, 0.10)
        fig.add_trace(go.Scatter(x=rows["day"], y=rows["upper"], mode="lines", line={"width": 0, "shape": "hv"},
                                 hoverinfo="skip", showlegend=False, legendgroup=str(group)))
        fig.add_trace(go.Scatter(x=rows["day"], y=rows["lower"], mode="lines", line={"width": 0, "shape": "hv"},
                                 fill="tonexty", fillcolor=band, hoverinfo="skip", showlegend=False,
                                 legendgroup=str(group)))
        fig.add_trace(go.Scatter(
            x=rows["day"], y=rows["in_work"], name=str(group), legendgroup=str(group), mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 2.5, "shape": "hv"},
            marker={"symbol": symbol, "size": 8, "color": colour, "maxdisplayed": 12},
            customdata=np.stack([rows["lower"], rows["upper"]], axis=-1),
            hovertemplate="%{fullData.name}: <b>%{y:.1f}%</b> (95% CI %{customdata[0]:.1f}-%{customdata[1]:.1f})"
                          "<extra></extra>",
        ))
    _label_line_ends(fig, frame)
    fig.update_xaxes(range=[0, 500], dtick=30, tickvals=list(range(0, 366, 30)))
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return fig


def _label_line_ends(fig: go.Figure, frame: pd.DataFrame) -> None:
    """Name each curve at its right end, nudged apart so no two labels overlap: ten similar lines are told
    apart by their labels, not by matching colours and dashes against the legend. The labels are in the text
    colour: the palette's line colours are 3:1 against white, enough for a line but not for text (WCAG 1.4.3)."""
    ends = frame.sort_values("day").groupby("group", sort=False).tail(1)
    ends = ends.sort_values("in_work")
    gap = max(float(frame["in_work"].max()), 1.0) / 22  # a label's height in data units, about
    placed = []
    for row in ends.itertuples():
        y = float(row.in_work) if not placed else max(float(row.in_work), placed[-1] + gap)
        placed.append(y)
        name = str(row.group)
        fig.add_annotation(x=366, y=y, xanchor="left", yanchor="middle", showarrow=False, align="left",
                           text=html.escape(name if len(name) <= 26 else name[:25] + "\u2026"),
                           font={"size": 11, "color": Colour.TEXT})


RETURN_STYLES = (("society", "to society", Colour.DARK_PINK, "diamond"),
                 ("exchequer", "to the Exchequer", Colour.DARK_GREY, "square"))


def cost_and_return(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Left: cost per participant / job / sustained job by programme; right: the estimated £ returned per £1
    spent, to society and to the Exchequer, central assumptions with the low-high range as a whisker."""
    order = frame.sort_values("cost_per_job", na_position="last")
    names = order["programme_name"].tolist()
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.58, 0.42], horizontal_spacing=0.04)
    fig.update_layout(barmode="group", height=300 + 60 * len(names), bargap=0.25,
                      scattermode="group", scattergap=0.4, margin={"t": 150})
    measures = (("cost_per_participant", "Per participant"), ("cost_per_job", "Per job outcome (12 months)"),
                ("cost_per_sustained", "Per sustained outcome (26 weeks)"))
    for (column, label), (colour, _, pattern) in zip(measures, MEASURE_STYLES, strict=True):
        fig.add_trace(go.Bar(
            x=order[column], y=names, orientation="h", name=label, marker={"color": colour,
                                                                           "pattern": {"shape": pattern}},
            hovertemplate="%{y}<br>" + label + ": <b>£%{x:,.0f}</b><extra></extra>",
        ), row=1, col=1)
    for key, label, colour, symbol in RETURN_STYLES:
        low, mid, high = (order[f"return_{key}_{n}"].astype(float) for n in ("low", "central", "high"))
        fig.add_trace(go.Scatter(
            x=mid, y=names, mode="markers", name=f"Estimated return {label}", orientation="h",
            marker={"color": colour, "symbol": symbol, "size": 11},
            error_x={"type": "data", "symmetric": False, "array": (high - mid).to_numpy(),
                     "arrayminus": (mid - low).to_numpy(), "color": colour, "thickness": 2, "width": 5},
            customdata=np.stack([low, high], axis=-1),
            hovertemplate="%{y}<br>Estimated return " + label + ": <b>£%{x:.2f}</b> per £1 spent "
                          "(£%{customdata[0]:.2f} to £%{customdata[1]:.2f} on low and high assumptions)"
                          "<extra></extra>",
        ), row=1, col=2)
    fig.add_vline(x=1, line={"color": Colour.DARK_GREY, "dash": "dash", "width": 1.5}, row=1, col=2)
    fig.add_annotation(text="Estimates: marker on central assumptions, whisker from low to high", x=1, y=1.0,
                       xref="paper", yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
                       font={"size": 12, "color": Colour.SECONDARY_TEXT})
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_xaxes(tickprefix="£", title_text="Cost, £", row=1, col=1)
    highs = order[[f"return_{k}_high" for k, *_ in RETURN_STYLES]].to_numpy(dtype=float)
    top = float(np.nanmax(highs)) if np.isfinite(highs).any() else 2.0
    fig.update_xaxes(tickprefix="£", range=[0, max(2.0, top * 1.1)], title_text="Estimated £ per £1 spent",
                     row=1, col=2)
    return fig


def digital_msk(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Left: percentages (app use, adherence, job rate by app use); right: MSK-HQ change by app use."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.2)
    fig.update_layout(height=440, showlegend=False)
    for col, unit in ((1, "%"), (2, "points")):
        rows = frame[frame["unit"] == unit]
        if rows.empty:
            continue
        if unit == "%":
            labels = [f"{m}: {g}" if g != "All participants" else m for m, g in
                      zip(rows["measure"].str.replace(r" \(.*\)$", "", regex=True), rows["group"], strict=True)]
        else:  # the axis title names the measure
            labels = rows["group"].tolist()
        colours = [Colour.DARK_BLUE if g != "Did not use the app" else Colour.DARK_GREY for g in rows["group"]]
        symbols = ["circle" if g != "Did not use the app" else "square-open" for g in rows["group"]]
        fig.add_trace(go.Scatter(
            x=rows["value"], y=labels, mode="markers", marker={"color": colours, "symbol": symbols, "size": 11},
            error_x={**_interval(rows, "value"), "color": Colour.DARK_GREY},
            customdata=np.stack([rows["lower"], rows["upper"], rows["n"].map(show_count)], axis=-1),
            hovertemplate="%{y}: <b>%{x:.1f}" + ("%" if unit == "%" else " points")
                          + "</b> (95% CI %{customdata[0]:.1f} to %{customdata[1]:.1f}; n=%{customdata[2]})"
                            "<extra></extra>",
        ), row=1, col=col)
        fig.update_yaxes(autorange="reversed", type="category", row=1, col=col)
    fig.update_xaxes(range=[0, 100], ticksuffix="%", title_text="Engagement and work, %", row=1, col=1)
    fig.update_xaxes(title_text="MSK-HQ change, points", row=1, col=2)
    fig.add_vline(x=0, line={"color": Colour.DARK_GREY, "width": 1}, row=1, col=2)
    return fig
