"""Figure builders: pure functions ``DataFrame -> go.Figure`` over the one theme (``dashboard.theme``).

This module holds what every figure shares: the empty state and the source note. Page-specific
builders live beside it, one module a page.
"""
from __future__ import annotations

import textwrap

import plotly.graph_objects as go

from dashboard.safety import plotly_text
from dashboard.theme import Colour

DEMO_NOTE = "SYNTHETIC DEMO DATA - not official statistics"  # the label on a chart of synthetic numbers
# The one warning, wherever synthetic numbers go (banner, exports, slides, API, PDF): as a phrase and as a sentence.
DEMO_WARNING = "synthetic demo data, generated for demonstration and not official statistics"
DEMO_SENTENCE = f"{DEMO_WARNING[0].upper()}{DEMO_WARNING[1:]}."


def new(**layout) -> go.Figure:
    # One validation of the layout (update_layout on an empty figure costs twice as much); the theme is plotly's
    # default template (dashboard.theme).
    return go.Figure(layout=layout)


def empty(message: str) -> go.Figure:
    fig = new(xaxis={"visible": False}, yaxis={"visible": False}, height=260)
    # The message may quote a request's value: escaped, as plotly would draw <a>, <b> and the like.
    fig.add_annotation(text="<br>".join(plotly_text(line) for line in textwrap.wrap(message, 60)), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": Colour.SECONDARY_TEXT})
    return fig


def finish(fig: go.Figure, source: str, demo: bool = False) -> go.Figure:
    """Add the source note (and, for synthetic data (``demo``), the label saying so) under the plot."""
    note = f"Source: {source}"
    if demo:
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


def quality_symbols(symbol: str, labels) -> list[str]:
    """A marker symbol a point: open for an estimate ONS would call unreliable (CV over 20%)."""
    from dashboard.stats import quality

    return [f"{symbol}-open" if label == quality.UNRELIABLE else symbol for label in labels]


def quality_key(fig: go.Figure, labels, extra: str = "", *, legend: bool = True) -> go.Figure:
    """The key to the survey quality marks, when any estimate carries one: an entry in the legend (an open
    marker), or, for a figure without a legend (``legend=False``, the heatmap), a line under the plot with
    ``extra``."""
    from dashboard.stats import quality

    labels = set(labels)
    marked = bool(labels & set(quality.MARK))
    if marked and legend:
        for label, name, symbol in ((quality.ACCEPTABLE, quality.LEGEND[quality.ACCEPTABLE], "circle"),
                                    (quality.UNRELIABLE, quality.LEGEND[quality.UNRELIABLE], "circle-open")):
            if label in labels:
                fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                                         marker={"symbol": symbol, "size": 9, "color": Colour.DARK_GREY}))
    text = "; ".join(part for part in ((quality.KEY if marked and not legend else ""), extra) if part)
    if text:
        fig.add_annotation(text=text, x=0, y=0, xref="paper", yref="paper", yshift=-8, xanchor="left",
                           yanchor="top", showarrow=False, align="left", name="quality-key",
                           font={"size": 11, "color": Colour.SECONDARY_TEXT})
    return fig
