"""The one chart registry. Each chart is declared once and served to its page, embed and exports.

A chart is: a stable id, a title, its page, a one-line description, its source, a ``data`` function
(``Filters -> DataFrame``: the exact numbers behind the chart, already disclosure-controlled) and a
``figure`` function (``DataFrame, Filters -> Figure``, pure). ``render`` is the only way a chart is
built, so the page, ``/embed``, ``/export`` and ``/api/charts`` cannot drift apart.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
    # For charts whose source depends on what was loaded (programme facts: demo records or real returns): asked
    # instead of ``synthetic`` whether the warehouse's rows for this chart are synthetic.
    synthetic_when: Callable[[], bool] | None = field(default=None, repr=False)
    # Whether the chart shows unpublished management information (programme participant records and pilot
    # returns): access control (sign-in and roles) restricts these to the viewer's ICBs.
    restricted: bool = False
    empty_message: str = "No data for this selection. Try a wider period, another area or fewer filters."

    @property
    def shows_synthetic(self) -> bool:
        """Whether the chart's rows may be synthetic (in a demo warehouse): ``synthetic_when()`` if set."""
        return self.synthetic if self.synthetic_when is None else bool(self.synthetic_when())

    def catalogue_entry(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "page": self.page, "description": self.description}


@dataclass(frozen=True)
class Rendered:
    chart: Chart
    filters: Filters
    data: pd.DataFrame
    figure: go.Figure
    summary: str

    @property
    def empty_message(self) -> str:
        """What an empty chart says: the data function's own reason (``data.attrs``) or the chart's."""
        return self.data.attrs.get("empty_message") or self.chart.empty_message

    @property
    def demo(self) -> bool:
        """Whether this chart's numbers are synthetic demo data (and must say so). A data function whose rows say
        where they come from sets ``data.attrs["synthetic"]`` (any synthetic row), which then decides."""
        from dashboard import figures

        return self.synthetic and figures.is_demo()

    @property
    def synthetic(self) -> bool:
        """Whether the chart's rows here may be synthetic: the data's own word, else the chart's."""
        return bool(self.data.attrs.get("synthetic", self.chart.shows_synthetic))


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
    """Build a chart's data, figure and text summary for the given filters."""
    from dashboard import figures, safety

    chart = get(chart) if isinstance(chart, str) else chart
    data = chart.data(filters)
    if data.empty:
        # A data function may say why it has nothing (e.g. "not in the pilot returns") in data.attrs.
        message = data.attrs.get("empty_message") or chart.empty_message  # = Rendered.empty_message
        fig = figures.empty(message)
        summary = f"{chart.title}: {message[0].lower()}{message[1:]}"
    else:
        # Text from source files reaches titles, labels and hover text: escaped for plotly's markup.
        fig = chart.figure(safety.escape_frame(data), filters)
        summary = chart.summary(data, filters) if chart.summary else chart.description
    rendered = Rendered(chart, filters, data, fig, summary)
    figures.finish(fig, source=chart.source, demo=rendered.demo)
    return rendered


def _load() -> None:
    import dashboard.charts  # noqa: F401  registers every chart module
