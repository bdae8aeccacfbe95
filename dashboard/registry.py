"""The one chart registry. Each chart is declared once and served to its page, embed and exports; each page of
charts is declared once here too.

A chart is: a stable id, a title, its page, a one-line description, its source, a ``data`` function
(``Filters -> DataFrame``: the exact numbers behind the chart, already disclosure-controlled) and a
``figure`` function (``DataFrame, Filters -> Figure``, pure). ``render`` is the only way a chart is
built, so the page, ``/embed``, ``/export`` and ``/api/charts`` cannot drift apart.

A ``Page`` is a path, its heading, its charts in the order the page shows them and the filters of its filter bar.
The page's layout (pages/*.py), its workbook (``/export/page/<name>.xlsx``), its slide pack link and the chart
catalogue all read ``PAGES``, so their orders cannot drift apart. A chart's ``page`` is its home page (the link
an export or embed points back to), checked on load to be a page that shows it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go

from dashboard import figures, safety
from dashboard.domain import domain
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
    # URL filters the chart responds to: the data API applies these and reports the others as ignored (and the
    # OpenAPI document lists them).
    filters: tuple[str, ...] = ("geo", "from", "to", "age", "sex")
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
    # What the chart needs that published files may not give ('cells', 'condition': domain.NOT_PUBLISHED): with
    # nothing to show on such a warehouse it says "not published at this level" and why, never "no data".
    needs: str | Callable[[Filters], str | None] | None = None

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
    data: pd.DataFrame  # shared with the render cache: copy it before changing it
    figure_json: str = field(repr=False)  # the finished figure as plotly JSON: what the render cache keeps
    summary: str
    demo: bool = False  # whether these numbers are synthetic demo data (and must say so)

    @cached_property
    def figure(self) -> go.Figure:
        """The finished figure, built from its JSON on first use: this Rendered's own object, free to change."""
        import plotly.io as pio

        return pio.from_json(self.figure_json)

    @property
    def empty_message(self) -> str:
        """What an empty chart says: the data function's own reason (``data.attrs``) or the chart's."""
        return self.data.attrs.get("empty_message") or self.chart.empty_message


@dataclass(frozen=True)
class Page:
    path: str  # e.g. "/" or "/regions"
    title: str  # the page's heading
    charts: tuple[str, ...]  # chart ids, in the order the page shows them
    filters: tuple[str, ...]  # the filter bar's controls, in order

    @property
    def name(self) -> str:
        """The page's name in export URLs: '/' -> 'overview', '/regions' -> 'regions'."""
        return self.path.strip("/") or "overview"


_SURVEY = ("geo", "from", "to", "condition", "age", "sex")
PAGES: tuple[Page, ...] = (
    Page("/", "Long-term sickness and work: overview",
         ("overview-trend", "overview-accelerators", "overview-uk-published"), _SURVEY),
    Page("/regions", "How does each area compare?",
         ("regions-league", "regions-choropleth", "regions-map", "regions-spc", "regions-neighbours",
          "regions-fingertips"),
         ("geo", "level", "from", "to", "condition", "age", "sex")),
    Page("/conditions", "Long-term sickness by health condition",
         ("conditions-mix", "conditions-trend", "conditions-trend-index", "conditions-age", "conditions-heatmap"),
         ("geo", "level", "from", "to", "age", "sex")),
    Page("/interventions", "Back-to-work programmes: what works, where, and at what cost",
         ("interventions-outcomes", "interventions-funnel", "interventions-time-to-work", "interventions-cost",
          "interventions-digital-msk"),
         ("geo", "from", "to", "condition", "intervention", "age", "sex")),
    Page("/accelerators", "Health and Growth Accelerators: did they work?",
         ("accelerators-did", "accelerators-event-study", "accelerators-compare"),
         ("from", "to", "condition", "age", "sex")),
    Page("/profile", "Area profile",
         ("profile-spine", "regions-spc", "conditions-mix", "interventions-outcomes", "interventions-cost",
          "regions-neighbours"),
         ("geo", "from", "to")),
)

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


def page(path: str) -> Page:
    """The page at ``path`` (KeyError if no page of charts is there)."""
    for declared in PAGES:
        if declared.path == path:
            return declared
    raise KeyError(path)


def pages() -> dict[str, Page]:
    """Page name (as in export URLs) -> page, for every page of charts, in navigation order."""
    return {p.name: p for p in PAGES}


def charts(page: str | None = None) -> list[Chart]:
    """The charts on the page at ``page`` (a path), in the page's order; every chart when ``page`` is None, page
    by page (each chart once, on its home page)."""
    _load()
    if page is not None:
        return [REGISTRY[c] for p in PAGES if p.path == page for c in p.charts]
    return sorted(REGISTRY.values(), key=lambda c: (_ORDER[c.page], page_of(c).charts.index(c.id)))


def page_of(chart: Chart) -> Page:
    """A chart's home page."""
    return PAGES[_ORDER[chart.page]]


def render(chart: Chart | str, filters: Filters) -> Rendered:
    """A chart's data, figure and text summary for the given filters, as the viewer may see them, from the render
    cache when it has them (``dashboard/rendering.py``)."""
    import queries
    from dashboard import access, rendering

    chart = get(chart) if isinstance(chart, str) else chart
    # Who may see what is decided here, before anything is computed or looked up in a cache: every path (page,
    # table, export, embed, API) renders through this line. Raises access.Denied, or sets filters.scope (the
    # ICBs whose programme rows the viewer may see), to which every query that takes $icbs is then bound.
    # The render cache keys on every field of the Filters value, filters.scope included.
    filters = access.admit(chart, filters)
    with queries.scope(filters.scope):
        return rendering.render(chart, filters, _build)


def _build(chart: Chart, filters: Filters) -> Rendered:
    from dashboard import rendering

    demo = shows_demo_data(chart)
    if filters.period_to is None and {"from", "to"} & set(chart.filters):
        # A warehouse with no periods at all (e.g. a Fingertips export alone): nothing over time to draw.
        data, chart = pd.DataFrame(), replace(chart, empty_message=NO_PERIODS)
    else:
        data = chart.data(filters)
    if "synthetic" in data.attrs:  # rows that say where they come from (programme facts) decide for themselves
        demo = bool(data.attrs["synthetic"]) and shows_demo_data(chart)
    elif "synthetic" in data.columns and not data.empty:  # long-term-sickness rows say which are synthetic
        demo = bool(data["synthetic"].fillna(False).astype(bool).any())
    if data.empty:
        # A data function may say why it has nothing (e.g. "not in the pilot returns") in data.attrs; a chart that
        # needs what published files do not give says "not published at this level".
        message = data.attrs.get("empty_message") or _not_published(chart, filters) or chart.empty_message
        fig = figures.empty(message)
        summary = f"{chart.title}: {message[0].lower()}{message[1:]}"
    else:
        # Text from source files reaches titles, labels and hover text: escaped for plotly's markup.
        fig = chart.figure(safety.escape_frame(data), filters)
        summary = chart.summary(data, filters) if chart.summary else chart.description
    figures.finish(fig, source=chart.source, demo=demo)
    rendered = Rendered(chart, filters, data, rendering.figure_json(fig), summary, demo)
    rendered.__dict__["figure"] = fig  # the figure just built serves this caller (cached_property's slot)
    return rendered


NO_PERIODS = ("Not published at this level: the loaded files hold no period of long-term sickness or programme "
              "starts for this chart to show.")


def _not_published(chart: Chart, filters: Filters) -> str | None:
    reason = domain().missing(chart.needs(filters) if callable(chart.needs) else chart.needs)
    return f"{reason}." if reason else None


def shows_demo_data(chart: Chart) -> bool:
    """Whether the chart's numbers are synthetic: a chart of the warehouse's facts (not of published series only)
    on a warehouse that holds demo data. Asked of the domain of the warehouse it renders from (read once per data
    version), so every worker answers the same whatever it served before."""
    return chart.shows_synthetic and domain().synthetic


_ORDER = {p.path: i for i, p in enumerate(PAGES)}


_checked = False


def _load() -> None:
    global _checked
    import dashboard.charts  # noqa: F401  registers every chart module

    if not _checked:
        check_pages()
        _checked = True


def check_pages() -> None:
    """Every chart has a home page that shows it, and every page shows charts that exist (ValueError if not)."""
    problems = [f"chart {c.id!r}: its page {c.page!r} is not declared in PAGES" for c in REGISTRY.values()
                if c.page not in _ORDER]
    problems += [f"chart {c.id!r} is not on its page {c.page!r}" for c in REGISTRY.values()
                 if c.page in _ORDER and c.id not in page_of(c).charts]
    problems += [f"page {p.path!r} shows {c!r}, which is not a chart" for p in PAGES for c in p.charts
                 if c not in REGISTRY]
    if problems:
        raise ValueError("; ".join(problems))
