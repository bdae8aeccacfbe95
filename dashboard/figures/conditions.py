"""Figures for the conditions page: pure builders over frames from ``dashboard.charts.conditions``.

Groups are drawn in the order of the frame (the reference table's ``sort``); a subgroup (a row with a
``parent``) is labelled as lying within its parent and never stacked on top of it.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, theme
from dashboard.filters import ENGLAND, Filters, period_label
from dashboard.stats.disclosure import show_count
from dashboard.theme import CATEGORICAL, SEQUENTIAL, Colour

SEX_LABEL = {"female": "Women", "male": "Men"}
HIGHLIGHT_BANDS = (("16-24", "25-34"), ("50-64",))  # shaded on the age chart
HIGHLIGHT_LABELS = ("Young people, 16-34", "Aged 50-64")
RELIABILITY_NOTE = {"!": " (0-2 respondents: very unreliable)", "*": " (3-9 respondents: unreliable)",
                    "~": " (estimate under 500)", "": ""}
# Lines told apart by colour, dash and marker shape, never colour alone.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star")
# Stacked segments told apart by a pattern as well as colour (a thin segment has no room for a label).
PATTERNS = ("", "/", ".", "x", "\\", "+")
# The heatmap's scale runs from a light blue through white to orange: black cell text stays above 4.5:1 on
# every cell (the palette's dark blue would need white text on some cells and black on others).
HEATMAP_SCALE = [[0, SEQUENTIAL[3]], [0.5, Colour.WHITE], [1, Colour.ORANGE]]


def group_label(name: str, parent: str | None, names: dict[str, str]) -> str:
    """'Back or neck pain (within musculoskeletal)' for a subgroup; the name for a group."""
    if parent is None or pd.isna(parent):
        return name
    return f"{name} (within {names.get(parent, parent).lower()})"


def _labels(frame: pd.DataFrame) -> pd.Series:
    names = dict(zip(frame["group_id"], frame["group_name"], strict=False))
    return pd.Series([group_label(n, p, names) for n, p in zip(frame["group_name"], frame["parent"], strict=True)],
                     index=frame.index)


def _pct(value) -> str:
    return "*" if value is None or pd.isna(value) else f"{value:.1f}%"


def _styles(groups: list[str]) -> dict[str, tuple[str, str, str]]:
    return {g: (CATEGORICAL[i % len(CATEGORICAL)], DASHES[i % len(DASHES)], SYMBOLS[i % len(SYMBOLS)])
            for i, g in enumerate(groups)}


def mix_bars(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Share of the long-term sick by condition group, a bar per area (focus solid, England hatched), with
    95% intervals; the count is in the bar's text and hover."""
    frame = frame.assign(label=_labels(frame))
    order = list(dict.fromkeys(frame["label"]))
    fig = figures.new(xaxis_title="Share of the long-term sick (%)", barmode="group", bargap=0.25,
                      height=140 + 70 * len(order))
    top = frame["upper"].max()
    x_max = (top if pd.notna(top) else 50) * 1.35
    for code, rows in frame.groupby("area_code", sort=False):
        england = code == ENGLAND and filters.geo != ENGLAND
        # Long bars carry their label inside (clear of the interval whisker), short ones outside.
        inside = rows["share"].fillna(0) >= 0.22 * x_max
        fill = Colour.MID_GREY if england else Colour.DARK_BLUE
        fig.add_trace(go.Bar(
            y=rows["label"], x=rows["share"], orientation="h", name=rows["area_name"].iloc[0],
            marker={"color": Colour.MID_GREY if england else Colour.DARK_BLUE,
                    "line": {"color": Colour.DARK_GREY if england else Colour.DARK_BLUE, "width": 1.5}},
            error_x={"type": "data", "symmetric": False, "array": (rows["upper"] - rows["share"]).tolist(),
                     "arrayminus": (rows["share"] - rows["lower"]).tolist(), "color": Colour.TEXT, "thickness": 1.5},
            text=[f"{_pct(s)}{flag} ({show_count(n)})" for s, n, flag in zip(
                rows["share"], rows["people"], rows["reliability"].replace("~", ""), strict=True)],
            textposition=np.where(inside, "inside", "outside").tolist(), insidetextanchor="start",
            insidetextfont={"color": theme.ink(fill)}, outsidetextfont={"color": Colour.TEXT}, cliponaxis=False,
            customdata=list(zip(rows["lower"], rows["upper"], rows["people"].map(show_count), rows["sample_n"],
                                rows["reliability"].map(RELIABILITY_NOTE), strict=True)),
            hovertemplate="%{fullData.name}, %{y}: <b>%{x:.1f}%</b> (95% CI %{customdata[0]:.1f}-"
                          "%{customdata[1]:.1f})<br>%{customdata[2]} people a quarter, %{customdata[3]:,} "
                          "respondents%{customdata[4]}<extra></extra>",
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", title=None)
    fig.update_xaxes(range=[0, x_max], ticksuffix="%")
    fig.update_layout(legend={"traceorder": "normal"})
    return fig


def _lines(frame: pd.DataFrame, value: str, y_title: str, hover: str) -> go.Figure:
    frame = frame.assign(label=_labels(frame))
    fig = figures.new(yaxis_title=y_title, xaxis_title="Quarter", hovermode="x unified", height=560)
    styles = _styles(list(dict.fromkeys(frame["label"])))
    for label, rows in frame.groupby("label", sort=False):
        colour, dash, symbol = styles[label]
        rows = rows.sort_values("period")
        fig.add_trace(go.Scatter(
            x=rows["period_start"], y=rows[value], name=label, mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 2.5}, marker={"symbol": symbol, "size": 7},
            customdata=list(zip(rows["people"].map(show_count), rows["share"], rows["period"].map(period_label),
                                strict=True)),
            hovertemplate=hover,
        ))
    fig.update_xaxes(tickformat="%Y", dtick="M12", hoverformat="%b %Y")
    return fig


def trend_lines(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    fig = _lines(frame, "people", "Long-term sick, people a quarter",
                 "%{fullData.name}: <b>%{customdata[0]}</b> (%{customdata[1]:.1f}% of the long-term sick)"
                 "<extra></extra>")
    fig.update_yaxes(tickformat=",.0f")
    return fig


def index_lines(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    fig = _lines(frame, "index", "Index, 2019 = 100",
                 "%{fullData.name}: <b>%{y:.0f}</b> (%{customdata[0]} people)<extra></extra>")
    fig.update_yaxes(rangemode="normal")
    fig.add_hline(y=100, line={"color": Colour.DARK_GREY, "dash": "dash", "width": 1.5},
                  annotation_text="2019 = 100", annotation_position="bottom right")
    return fig


def age_bars(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Stacked shares of the top-level groups for each age band and sex; 16-34 and 50-64 shaded and labelled."""
    frame = frame.assign(sex_label=frame["sex"].map(SEX_LABEL).fillna(frame["sex"]))
    cells = frame[["age_band", "sex_label"]].drop_duplicates().reset_index(drop=True)
    x = [cells["age_band"].tolist(), cells["sex_label"].tolist()]
    top = frame[frame["parent"].isna()]
    subs = frame[frame["parent"].notna()]
    fig = figures.new(yaxis_title="Share of the long-term sick (%)", barmode="stack", height=520,
                      yaxis={"range": [0, 108], "ticksuffix": "%"})
    for i, (gid, rows) in enumerate(top.groupby("group_id", sort=False)):
        rows = cells.merge(rows, on=["age_band", "sex_label"], how="left")
        within = ""
        child = subs[subs["parent"] == gid]
        if not child.empty:
            child = cells.merge(child, on=["age_band", "sex_label"], how="left")
            within = [f"<br>of which {n.lower()}: {_pct(s)}" if isinstance(n, str) else ""
                      for n, s in zip(child["group_name"], child["share"], strict=True)]
        colour = CATEGORICAL[i % len(CATEGORICAL)]
        fig.add_trace(go.Bar(
            x=x, y=rows["share"], name=rows["group_name"].dropna().iloc[0],
            marker={"color": colour, "line": {"color": Colour.WHITE, "width": 1},
                    "pattern": {"shape": PATTERNS[i % len(PATTERNS)], "fgcolor": theme.ink(colour),
                                "bgcolor": colour, "fgopacity": 0.45, "solidity": 0.15, "size": 8}},
            text=[f"{s:.0f}%" if pd.notna(s) and s >= 4 else "" for s in rows["share"]],
            textposition="inside", insidetextanchor="middle", insidetextfont={"color": theme.ink(colour)},
            customdata=list(zip(rows["people"].map(show_count), within or [""] * len(rows), strict=True)),
            hovertemplate="%{fullData.name}, %{x}: <b>%{y:.1f}%</b> (%{customdata[0]} people)"
                          "%{customdata[1]}<extra></extra>",
        ))
    for bands, label in zip(HIGHLIGHT_BANDS, HIGHLIGHT_LABELS, strict=True):
        where = np.flatnonzero(cells["age_band"].isin(bands))
        if where.size:
            fig.add_vrect(x0=where.min() - 0.5, x1=where.max() + 0.5, fillcolor=Colour.BAND_GREY, line_width=0,
                          layer="below")
            fig.add_annotation(x=(where.min() + where.max()) / 2, y=104, text=f"<b>{label}</b>", showarrow=False,
                               font={"size": 13, "color": Colour.TEXT})
    fig.update_layout(legend={"traceorder": "normal", "y": 1.08})
    return fig


def _cell(share, difference, flag) -> str:
    """A heatmap cell's text: the share and the difference from England, or why there is none."""
    if pd.isna(share):
        return "*"
    flag = flag if flag in ("!", "*") else ""
    if pd.isna(difference):
        return f"{share:.0f}%{flag}<br>not compared"
    return f"{share:.1f}%{flag}<br>{difference:+.1f}"


def heatmap(frame: pd.DataFrame, filters: Filters) -> go.Figure:
    """Areas by condition group, coloured by the difference from England's share (points), each cell
    labelled with the share and the difference, so colour is not the only cue."""
    frame = frame.assign(label=_labels(frame))
    columns = list(dict.fromkeys(frame["label"]))
    england = frame.drop_duplicates("label").set_index("label")["england_share"]
    x = ["<br>".join(textwrap.wrap(c, 16)) + f"<br><i>England {_pct(england.get(c))}</i>" for c in columns]
    names = frame.get("area_short_name", frame["area_name"])
    areas = frame.assign(y_name=names).drop_duplicates("area_code")[["area_code", "y_name"]]
    y = [f"<b>{n}</b>" if c == filters.geo else n for c, n in zip(areas["area_code"], areas["y_name"], strict=True)]
    grid = lambda col: frame.pivot(index="area_code", columns="label", values=col).reindex(
        index=areas["area_code"], columns=columns)
    diff, share, people, flag = grid("difference"), grid("share"), grid("people"), grid("reliability")
    text = [[_cell(s, d, f) for s, d, f in zip(*rows, strict=True)]
            for rows in zip(share.to_numpy(), diff.to_numpy(), flag.to_numpy(), strict=True)]
    counts = [[show_count(v) for v in row] for row in people.to_numpy()]
    limit = float(np.nanmax(np.abs(diff.to_numpy()))) if np.isfinite(diff.to_numpy()).any() else 1.0
    fig = figures.new(height=max(380, 200 + 44 * len(y)), hovermode="closest")
    fig.add_trace(go.Heatmap(
        z=diff.to_numpy(), x=x, y=y, text=text, texttemplate="%{text}", textfont={"size": 12, "color": Colour.TEXT},
        customdata=np.dstack([share.to_numpy(), np.array(counts, dtype=object)]),
        colorscale=HEATMAP_SCALE, zmid=0,
        zmin=-max(limit, 1.0), zmax=max(limit, 1.0), xgap=2, ygap=2,
        colorbar={"title": {"text": "Points from<br>England", "side": "top"}, "thickness": 14},
        hovertemplate="%{y}, %{x}<br><b>%{customdata[0]:.1f}%</b> of the long-term sick, %{z:+.1f} points "
                      "from England<br>%{customdata[1]} people a quarter<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False)
    fig.update_xaxes(side="top", title=None, showgrid=False, tickangle=0, tickfont={"size": 12})
    return fig
