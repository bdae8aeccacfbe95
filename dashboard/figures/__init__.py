"""Figure builders: pure functions ``DataFrame -> go.Figure`` over the one theme (``dashboard.theme``).

This module holds what every figure shares: the empty state and the source note. Page-specific
builders live beside it, one module a page.
"""
from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from dashboard import theme
from dashboard.safety import plotly_text
from dashboard.theme import Colour

DEMO_NOTE = "SYNTHETIC DEMO DATA - not official statistics"
_demo = True


def set_demo(is_demo: bool) -> None:
    """Whether figures carry the synthetic-data label (set from the warehouse's meta)."""
    global _demo
    _demo = is_demo


def is_demo() -> bool:
    return _demo


def new(**layout) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=theme.TEMPLATE, **layout)
    return fig


def empty(message: str) -> go.Figure:
    fig = new(xaxis={"visible": False}, yaxis={"visible": False}, height=260)
    # The message may quote a request's value: escaped, as plotly would draw <a>, <b> and the like.
    fig.add_annotation(text="<br>".join(plotly_text(line) for line in textwrap.wrap(message, 60)), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": Colour.SECONDARY_TEXT})
    return fig


def finish(fig: go.Figure, source: str, demo: bool | None = None) -> go.Figure:
    """Add the source note (and, for synthetic data, the label saying so) under the plot. ``demo`` defaults
    to whether the warehouse is a demo one."""
    note = f"Source: {source}"
    if _demo if demo is None else demo:
        note = f"<b>{DEMO_NOTE}</b>. {note}"
    fig.add_annotation(text=note, x=0, y=0, xref="paper", yref="paper", yshift=-8, xanchor="left",
                       yanchor="top", showarrow=False, align="left",
                       font={"size": 12, "color": Colour.SECONDARY_TEXT}, name="source-note")
    # Keep the note clear of the x axis: push it below the automargin. A figure that sets no height gets
    # one tall enough for its plot area to survive the legend above and the note below.
    fig.update_layout(margin={"b": max(fig.layout.margin.b or 0, 110)})
    if fig.layout.height is None:
        fig.update_layout(height=500)
    fig.layout.annotations[-1].update(yref="paper", y=0, yshift=-70)
    return fig


def band_colour(colour: str, alpha: float = 0.15) -> str:
    """A translucent fill of a theme colour, for interval bands."""
    colour = str(colour).lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"
