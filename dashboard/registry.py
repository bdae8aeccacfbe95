"""The one chart registry. Each chart is declared once and served to its page, embed and exports.

A chart is: a stable id, a title, its page, a one-line description, its source, a ``data`` function
(``Filters -> DataFrame``: the exact numbers behind the chart, already disclosure-controlled) and a
``figure`` function (``DataFrame, Filters -> Figure``, pure). ``render`` is the only way a chart is
built, so the page, ``/embed``, ``/export`` and ``/api/charts`` cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from dashboard.filters import Filters

DataFn = Callable[[Filters], pd.DataFrame]
FigureFn = Callable[[pd.DataFrame, Filters], go.Figure]
SummaryFn = Callable[[pd.DataFrame, Filters], str]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    page: str  # the page's path, e.g. "/" or "/regions"
    description: str
    source: str
    data: DataFn = field(repr=False)
    figure: FigureFn = field(repr=False)
    summary: SummaryFn | None = field(default=None, repr=False)
    filters: tuple[str, ...] = ("geo", "from", "to", "age", "sex")  # URL filters the chart responds to
    # Whether the chart shows the warehouse's fact tables (synthetic in a demo build) or only published series
    # loaded from source files (never synthetic); and what to say when it has nothing to show.
    synthetic: bool = True
    empty_message: str = "No data for this selection. Try a wider period, another area or fewer filters."

    def catalogue_entry(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "page": self.page, "description": self.description}


@dataclass(frozen=True)
class Rendered:
    chart: Chart
    filters: Filters
    data: pd.DataFrame  # shared with the render cache: copy it before changing it
    figure_json: str = field(repr=False)  # the finished figure as plotly JSON: what the render cache keeps
    summary: str

    @cached_property
    def figure(self) -> go.Figure:
        """The finished figure, built from its JSON on first use: this Rendered's own object, free to change."""
        import plotly.io as pio

        return pio.from_json(self.figure_json)

    @property
    def demo(self) -> bool:
        """Whether this chart's numbers are synthetic demo data (and must say so)."""
        from dashboard import figures

        return self.chart.synthetic and figures.is_demo()


REGISTRY: dict[str, Chart] = {}
# A chart id, once published, keeps working: when a chart is renamed, add {old id: new id} here and every route
# that takes a chart id (API, exports, embeds, oEmbed) redirects the old one (308). Never reuse an old id.
RENAMED: dict[str, str] = {}


def register(chart: Chart) -> Chart:
    if chart.id in REGISTRY:
        raise ValueError(f"chart {chart.id!r} is declared twice")
    REGISTRY[chart.id] = chart
    return chart


def get(chart_id: str) -> Chart:
    _load()
    return REGISTRY[chart_id]


def charts(page: str | None = None) -> list[Chart]:
    _load()
    return [c for c in REGISTRY.values() if page is None or c.page == page]


def render(chart: Chart | str, filters: Filters) -> Rendered:
    """A chart's data, figure and text summary for the given filters, from the render cache when it has them
    (``dashboard/rendering.py``)."""
    from dashboard import rendering

    chart = get(chart) if isinstance(chart, str) else chart
    return rendering.render(chart, filters, _build)


def _build(chart: Chart, filters: Filters) -> Rendered:
    from dashboard import figures, rendering, safety

    data = chart.data(filters)
    if data.empty:
        fig = figures.empty(chart.empty_message)
        summary = f"{chart.title}: {chart.empty_message[0].lower()}{chart.empty_message[1:]}"
    else:
        # Text from source files reaches titles, labels and hover text: escaped for plotly's markup.
        fig = chart.figure(safety.escape_frame(data), filters)
        summary = chart.summary(data, filters) if chart.summary else chart.description
    figures.finish(fig, source=chart.source, demo=chart.synthetic and figures.is_demo())
    rendered = Rendered(chart, filters, data, rendering.figure_json(fig), summary)
    rendered.__dict__["figure"] = fig  # the figure just built serves this caller (cached_property's slot)
    return rendered


def _load() -> None:
    import dashboard.charts  # noqa: F401  registers every chart module
