"""A chart card's download links and embed code, and a page's "all charts" downloads, for the current view."""
from __future__ import annotations

from urllib.parse import urlencode

import dash
import flask
from dash import dcc, html

from dashboard import exports, registry
from dashboard.components.ids import dom_id
from dashboard.filters import FilterError, Filters
from dashboard.routes import public_origin

DOWNLOADS = (("PNG image", "png"), ("SVG image", "svg"), ("CSV data", "csv"), ("Excel data", "xlsx"))


def _canonical(search: str | None) -> str:
    try:
        return Filters.from_query(search or "").query_string()
    except FilterError:
        return ""


def _absolute(path: str) -> str:
    """An address for pasting elsewhere (the embed code): the public scheme and host (never an unchecked Host
    header: ``routes.public_origin``), then the path."""
    return (public_origin() if flask.has_app_context() else "") + path


def share_links(chart_id: str, search: str | None, summary: str | None = None) -> list:
    """A chart card's download links and embed code, for the view in ``search`` (the page-filters store): the
    iframe with its resizing script, and a picture linking to the live view (alt text: ``summary``)."""
    chart = registry.get(chart_id)
    query = _canonical(search)
    links = [html.A(label, href=dash.get_relative_path(f"/export/{chart_id}.{fmt}") + query, download="",
                    className="chart-download me-3", **{"data-format": fmt,
                                                        "aria-label": f"{label}: {chart.title}"})
             for label, fmt in DOWNLOADS]
    code_id = {"type": "chart-embed-code", "chart": chart_id}
    # The iframe's title is what a screen reader announces for it: the chart and its view in words.
    title = f"{chart.title}: {Filters.from_query(query).describe()}"
    snippet = exports.embed_snippet(_absolute(dash.get_relative_path(f"/embed/{chart_id}") + query), title,
                                    _absolute(dash.get_relative_path("/embed.js")))
    image_id = {"type": "chart-image-code", "chart": chart_id}
    image_code = exports.image_link_snippet(
        _absolute(dash.get_relative_path(f"/export/{chart_id}.png") + query),
        _absolute(dash.get_relative_path(chart.page) + query), summary or chart.description, chart.title)
    try:
        area = Filters.from_query(query)
    except FilterError:
        area = Filters()
    profile = html.A(f"Area profile of {area.geo_name}", className="chart-profile-link ms-2",
                     href=dash.get_relative_path("/profile") + Filters(geo=area.geo).query_string())
    return [
        html.Span("Download: ", className="me-2"), *links, profile,
        html.Details([
            html.Summary("Embed this chart", className="chart-embed-summary"),
            html.Label("Embed code for this view (paste it into your intranet page's HTML)",
                       htmlFor=dom_id(code_id), className="form-label small mt-2 mb-1"),
            dcc.Textarea(id=code_id, value=snippet, readOnly=True, rows=4,
                         className="form-control font-monospace small"),
            html.Button("Copy embed code", id={"type": "chart-embed-copy", "chart": chart_id}, type="button",
                        className="btn btn-outline-secondary btn-sm mt-1 chart-embed-copy"),
            html.Span(id={"type": "chart-embed-status", "chart": chart_id}, role="status",
                      className="ms-2 small chart-embed-status"),
            html.Label("Or, where your intranet strips iframes: a picture of this view linking to it (select it "
                       "and copy)", htmlFor=dom_id(image_id), className="form-label small mt-2 mb-1 d-block"),
            dcc.Textarea(id=image_id, value=image_code, readOnly=True, rows=3,
                         className="form-control font-monospace small"),
        ], className="chart-embed mt-2"),
    ]


def page_downloads(page_path: str, search: str | None = "") -> html.Div:
    """A page's "download all as Excel" and "slide pack" links for the view in ``search``; pages add it once, e.g.
    after the filter bar."""
    return html.Div(page_download_links(page_path, search), id={"type": "page-downloads", "page": page_path},
                    className="page-downloads mb-3")


def page_download_links(page_path: str, search: str | None) -> list:

    query = _canonical(search)
    ids = ",".join(c.id for c in registry.charts(page_path))
    name = registry.page(page_path).name
    pack = dash.get_relative_path("/export/briefing.pptx") + "?" + urlencode({"charts": ids}) \
        + (("&" + query[1:]) if query else "")
    return [
        html.A("Download all charts as Excel", href=dash.get_relative_path(f"/export/page/{name}.xlsx") + query,
               download="", className="page-download-xlsx me-3"),
        html.A("Slide pack (PowerPoint)", href=pack, download="", className="page-download-pptx"),
    ]

