"""Figures for the accelerators page: DiD estimates, the event study and the three accelerators compared."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import figures, periods, theme
from dashboard.filters import Filters, period_label
from dashboard.labels import p_text
from dashboard.stats.disclosure import show_count
from dashboard.theme import Colour

# One style per comparison: colour, marker shape and line dash, so the two never differ by colour alone.
COMPARISON_STYLES = ((Colour.DARK_BLUE, "circle", "solid"), (Colour.ORANGE, "diamond", "dash"))
CONDITION_STYLES = {  # group id -> (label, colour)
    "msk": ("Musculoskeletal", Colour.DARK_BLUE),
    "mental": ("Mental health", Colour.TURQUOISE),
    "heart": ("Heart and circulation", Colour.DARK_PINK),
    "diabetes": ("Diabetes", Colour.ORANGE),
    "other": ("Other", Colour.MID_GREY),
}
RATE_AXIS = "Change in long-term-sick rate (percentage points)"


def _zero_line(fig: go.Figure, **kwargs) -> None:
    fig.add_hline(y=0, line={"color": Colour.DARK_GREY, "width": 1.5}, **kwargs)


def did_estimates(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """One point and 95% interval for each comparison; a line at zero (no change beyond the comparison)."""
    fig = figures.new(xaxis_title="Comparison ICBs", yaxis_title=RATE_AXIS, showlegend=False,
                      yaxis={"rangemode": "normal", "zeroline": False})
    for row, (colour, symbol, _) in zip(frame.itertuples(), COMPARISON_STYLES, strict=False):
        fig.add_trace(go.Scatter(
            x=[row.comparison], y=[row.estimate], name=row.comparison, mode="markers+text",
            marker={"color": colour, "symbol": symbol, "size": 14},
            error_y={"type": "data", "symmetric": False, "array": [row.upper - row.estimate],
                     "arrayminus": [row.estimate - row.lower], "color": colour, "thickness": 2.5, "width": 12},
            text=[f"{row.estimate:+.2f} ({row.lower:+.2f} to {row.upper:+.2f})" + _ri_words(row)],
            textposition="middle right",
            textfont={"color": Colour.TEXT, "size": 14},
            hovertemplate=f"{row.comparison}: <b>%{{y:+.2f}} points</b> "
                          f"(95% CI {row.lower:+.2f} to {row.upper:+.2f})<extra></extra>",
        ))
    _zero_line(fig)
    fig.add_annotation(x=1, y=0, xref="paper", yref="y", text="No change beyond the comparison",
                       showarrow=False, xanchor="right", yanchor="bottom",
                       font={"size": 12, "color": Colour.SECONDARY_TEXT})
    fig.update_xaxes(range=[-0.5, len(frame) - 0.2])
    return fig


def _ri_words(row) -> str:
    """The randomisation-inference p-value under the interval's label, where the data have it."""
    value = getattr(row, "ri_p_value", None)
    if value is None or pd.isna(value):
        return ""
    return f"<br>randomisation p {p_text(value)}"


def event_study(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Gap each quarter with its 95% interval, one series per comparison, the reference quarter at zero."""
    published = frame.attrs.get("unit") == "period"  # published rolling years (charts/accelerators.py)
    fig = figures.new(xaxis_title="Published period (each point at its start)" if published else "Quarter",
                      yaxis_title="Accelerator ICBs minus comparison (percentage points)",
                      hovermode="closest", yaxis={"rangemode": "normal", "zeroline": False})
    groups = list(frame.groupby("comparison", sort=False))
    for i, ((label, rows), (colour, symbol, dash)) in enumerate(zip(groups, COMPARISON_STYLES, strict=False)):
        rows = rows.sort_values("period")
        # Offset the two series by a few days so their intervals do not hide each other.
        x = pd.to_datetime(rows["period_start"]) + pd.Timedelta(days=12 * (2 * i - 1) if len(groups) > 1 else 0)
        lower = (rows["estimate"] - rows["lower"]).fillna(0)
        upper = (rows["upper"] - rows["estimate"]).fillna(0)
        fig.add_trace(go.Scatter(
            x=x, y=rows["estimate"], name=label, mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 1.5},
            marker={"color": colour, "symbol": symbol, "size": 8,
                    "line": {"color": colour, "width": 2}},
            error_y={"type": "data", "symmetric": False, "array": upper, "arrayminus": lower,
                     "color": figures.band_colour(colour, 0.6), "thickness": 1.5, "width": 0},
            customdata=np.stack([rows["period"].map(period_label), rows["lower"], rows["upper"],
                                 rows["reference"].map({True: " (reference, fixed at 0)", False: ""})], axis=-1),
            hovertemplate="%{fullData.name}, %{customdata[0]}%{customdata[3]}: <b>%{y:+.2f}</b> "
                          "(95% CI %{customdata[1]:+.2f} to %{customdata[2]:+.2f})<extra></extra>",
        ))
    _zero_line(fig)
    start = frame.attrs.get("accelerator_start")
    if start:
        x0 = periods.start(start) - pd.Timedelta(days=45)
        fig.add_vline(x=x0, line={"color": Colour.DARK_GREY, "dash": "dash", "width": 1.5})
        fig.add_annotation(x=x0, y=1, yref="paper", text="Accelerators start", showarrow=False, xanchor="left",
                           yanchor="top", xshift=4, font={"size": 13, "color": Colour.DARK_GREY})
    if "pretrend_p_value" in frame:
        lines = []
        for label, rows in groups:
            row = rows.iloc[0]
            if row["pretrend_quarters"]:
                lines.append(f"{label}: joint test of the {int(row['pretrend_quarters'])} gaps before the start "
                             f"F({int(row['pretrend_df_num'])}, {int(row['pretrend_df_den'])}) = "
                             f"{row['pretrend_f']:.2f}, p {p_text(row['pretrend_p_value'])}")
        if lines:
            fig.add_annotation(text="<br>".join(lines), x=0, y=0, xref="paper", yref="paper", xanchor="left",
                               yanchor="bottom", align="left", showarrow=False, bgcolor=Colour.WHITE,
                               font={"size": 12, "color": Colour.SECONDARY_TEXT}, name="pretrend-test")
    fig.update_xaxes(tickformat="%Y", dtick="M12", hoverformat="%b %Y")
    return fig


def accelerators_compare(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Four small panels, one row per ICB: participants, 12-month job outcome rate, conditions, cost per job."""
    frame = frame.sort_values("icb_name", ascending=False)  # top-to-bottom alphabetical in horizontal bars
    names = frame["short_name"].tolist()
    fig = make_subplots(rows=2, cols=2, horizontal_spacing=0.2, vertical_spacing=0.28, subplot_titles=(
        "Participants", "In work within 12 months (%)", "Main condition (% of participants)",
        "Cost per job outcome (£)"))
    fig.update_layout(height=620, showlegend=True,
                      legend={"orientation": "h", "x": 0, "y": 1.08, "yanchor": "bottom", "traceorder": "normal",
                              "title": {"text": "Main condition: "}},
                      margin={"t": 110},
                      barmode="stack", hovermode="closest")
    fig.add_trace(go.Bar(
        x=frame["participants"], y=names, orientation="h", marker={"color": Colour.DARK_BLUE}, showlegend=False,
        text=[show_count(v) for v in frame["participants"]], textposition="auto", name="Participants",
        insidetextfont={"color": theme.ink(Colour.DARK_BLUE)}, outsidetextfont={"color": Colour.TEXT},
        hovertemplate="%{y}: <b>%{text}</b> participants<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=frame["rate"], y=names, mode="markers", marker={"color": Colour.DARK_BLUE, "symbol": "circle", "size": 11},
        error_x={"type": "data", "symmetric": False, "array": frame["upper"] - frame["rate"],
                 "arrayminus": frame["rate"] - frame["lower"], "color": Colour.DARK_BLUE, "thickness": 2},
        showlegend=False, name="In work within 12 months",
        customdata=np.stack([frame["lower"], frame["upper"], frame["jobs_12m"].map(show_count),
                             frame["followed_12m"].map(show_count)], axis=-1),
        hovertemplate="%{y}: <b>%{x:.0f}%</b> (95% CI %{customdata[0]:.0f}-%{customdata[1]:.0f}%), "
                      "%{customdata[2]} of %{customdata[3]}<extra></extra>"), row=1, col=2)
    shares = _condition_shares(frame)
    for group, (label, colour) in CONDITION_STYLES.items():
        if group not in shares or not (shares[group] > 0).any():
            continue
        fig.add_trace(go.Bar(
            x=shares[group], y=names, orientation="h", name=label, marker={"color": colour},
            text=[f"{v:.0f}%" if v >= 8 else "" for v in shares[group].fillna(0)], textposition="inside",
            insidetextanchor="middle", insidetextfont={"color": theme.ink(colour)}, legendgroup="conditions",
            hovertemplate=f"%{{y}}: {label} <b>%{{x:.0f}}%</b><extra></extra>"), row=2, col=1)
    fig.add_trace(go.Bar(
        x=frame["cost_per_job_gbp"], y=names, orientation="h", marker={"color": Colour.DARK_GREY},
        showlegend=False, name="Cost per job outcome",
        text=[f"£{v:,.0f}" if pd.notna(v) else "n/a" for v in frame["cost_per_job_gbp"]], textposition="auto",
        insidetextfont={"color": theme.ink(Colour.DARK_GREY)}, outsidetextfont={"color": Colour.TEXT},
        hovertemplate="%{y}: <b>%{text}</b> a job outcome<extra></extra>"), row=2, col=2)
    fig.update_xaxes(rangemode="tozero", gridcolor=Colour.GRID)
    fig.update_xaxes(range=[0, 100], row=2, col=1)
    upper = frame["upper"].max()
    fig.update_xaxes(range=[0, min(100, (upper if pd.notna(upper) else 50) * 1.15)], row=1, col=2)
    return fig


def _condition_shares(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in frame.columns if c.startswith("participants_")]
    counts = frame[columns].fillna(0)
    total = counts.sum(axis=1).replace(0, np.nan)
    shares = counts.div(total, axis=0) * 100
    shares.columns = [c.removeprefix("participants_") for c in columns]
    return shares


