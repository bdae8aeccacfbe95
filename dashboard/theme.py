"""The one theme: colours, fonts and the plotly template, registered once for app and tests alike.

Colours are the UK Government Analysis Function's accessible palettes, taken from the ``afcharts``
package (which also registers its plotly template, extended here). No other module writes a hex colour.
"""
from __future__ import annotations

from enum import StrEnum

import afcharts.pio_template  # noqa: F401  registers the "afcharts" plotly template
import plotly.graph_objects as go
import plotly.io as pio
from afcharts.af_colours import get_af_colours

TEMPLATE = "dashboard"
FONT = 'Arial, "Helvetica Neue", Helvetica, sans-serif'


class Colour(StrEnum):
    # Analysis Function categorical palette, in its recommended order.
    DARK_BLUE = "#12436D"
    TURQUOISE = "#28A197"
    DARK_PINK = "#801650"
    ORANGE = "#F46A25"
    DARK_GREY = "#3D3D3D"
    LIGHT_PURPLE = "#A285D1"
    # Supporting colours for text, gridlines and interval bands.
    TEXT = "#0B0C0C"
    SECONDARY_TEXT = "#505A5F"
    GRID = "#D6D6D6"
    MID_GREY = "#BFBFBF"
    BAND = "rgba(18, 67, 109, 0.15)"
    BAND_GREY = "rgba(61, 61, 61, 0.12)"
    WHITE = "#FFFFFF"


CATEGORICAL = tuple(get_af_colours("categorical"))
SEQUENTIAL = tuple(get_af_colours("sequential"))
# Fingertips-style comparison with England: never colour alone; a word and a marker shape go with it.
COMPARISON = {
    "better": (Colour.TURQUOISE, "triangle-down", "Better (lower) than England"),
    "similar": (Colour.DARK_GREY, "circle", "Similar to England"),
    "worse": (Colour.DARK_PINK, "triangle-up", "Worse (higher) than England"),
    "not compared": (Colour.MID_GREY, "square-open", "Not compared"),
}
# The same classes for an indicator whose better direction is its own (a published indicator where higher may
# be better): no direction in the words, and shapes that point nowhere.
COMPARISON_ANY_POLARITY = {
    "better": (Colour.TURQUOISE, "diamond", "Better than England"),
    "similar": (Colour.DARK_GREY, "circle", "Similar to England"),
    "worse": (Colour.DARK_PINK, "square", "Worse than England"),
    "not compared": (Colour.MID_GREY, "square-open", "Not compared"),
}


def _channels(colour: str) -> tuple[float, float, float]:
    """sRGB channels 0-1 of '#RRGGBB' or 'rgb(r, g, b)' / 'rgba(...)' (alpha ignored)."""
    colour = str(colour).strip()
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (float(v) for v in colour[colour.index("(") + 1:].rstrip(")").split(",")[:3])
    return r / 255, g / 255, b / 255


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink(fill: str) -> str:
    """The text colour for text drawn on ``fill``: near-black or white, whichever contrasts more (white text
    on the turquoise is 3.2:1, black 6.6:1)."""
    return Colour.TEXT if contrast(fill, Colour.TEXT) >= contrast(fill, Colour.WHITE) else Colour.WHITE


def _register() -> None:
    base = pio.templates["afcharts"]
    template = go.layout.Template(base)
    template.layout.update(
        font={"family": FONT, "color": Colour.TEXT, "size": 15},
        colorway=list(CATEGORICAL),
        paper_bgcolor=Colour.WHITE,
        plot_bgcolor=Colour.WHITE,
        hovermode="closest",
        hoverlabel={"font": {"family": FONT, "size": 14}},
        legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom",
                "itemclick": False, "itemdoubleclick": False},
        margin={"l": 64, "r": 24, "t": 56, "b": 64},
        xaxis={"gridcolor": Colour.GRID, "linecolor": Colour.DARK_GREY, "tickcolor": Colour.DARK_GREY,
               "automargin": True, "title": {"standoff": 8}},
        yaxis={"gridcolor": Colour.GRID, "linecolor": Colour.DARK_GREY, "tickcolor": Colour.DARK_GREY,
               "automargin": True, "rangemode": "tozero", "title": {"standoff": 8}},
    )
    pio.templates[TEMPLATE] = template
    # Plotly's default: every figure starts from it without validating it again. Named on each figure instead,
    # plotly deep-copied and validated the whole template (afcharts' defaults for every trace type) each time:
    # 3 ms of a chart's 50-100 ms, and most of the cost of a waiting card's placeholder.
    pio.templates.default = TEMPLATE


_register()
