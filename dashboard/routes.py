"""Server routes beside the pages: health, the chart catalogue, exports and embeds of every chart,
vendored static files and the security headers every response carries.

Exports and embeds read the one chart registry: ``/export/<id>.png|svg|csv|xlsx``, ``/export/page/<page>.xlsx``,
``/export/briefing.pptx?charts=a,b`` and ``/embed/<id>``, all with the filters in the query string. An
unknown chart is a 404 and a bad filter a 400, each a one-line message, never a stack trace.
Embeds may be framed by ``settings.frame_ancestors``; everything else only by the app itself.
"""
from __future__ import annotations

from pathlib import Path

import flask
import flask_bootstrap
from dash import Dash

import queries
from dashboard import exports, figures, registry
from dashboard.filters import FilterError, Filters
from dashboard.registry import Rendered
from dashboard.settings import Settings

BOOTSTRAP_DIR = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
# plotly.js's cartesian bundle (every trace type the figures use; a third of the full bundle's size), from npm's
# plotly.js-cartesian-dist-min at the version the plotly package pins. In assets/, Dash loads it on every page,
# and dcc.Graph uses it (window.Plotly) instead of fetching the full bundle; embeds load the same file.
PLOTLY_ASSET = "vendor/plotly-cartesian.min.js"
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; frame-ancestors {ancestors}")


class BadRequest(Exception):
    """A request the routes answer with a one-line message and a status (404 or 400)."""

    def __init__(self, status: int, message: str):
        self.status, self.message = status, message
        super().__init__(message)


def _text(message: str, status: int) -> flask.Response:
    return flask.Response(message.replace("\n", " ") + "\n", status=status, mimetype="text/plain")


def _filters() -> Filters:
    try:
        return Filters.from_query(flask.request.args)
    except FilterError as error:
        reasons = "; ".join(f"{name}: {problem}" for name, problem in error.problems.items())
        raise BadRequest(400, f"Bad filter value. {reasons}") from None


def _chart(chart_id: str) -> registry.Chart:
    try:
        return registry.get(chart_id)
    except KeyError:
        prefix = flask.current_app.config["DASHBOARD_SETTINGS"].url_prefix
        raise BadRequest(404, f"No chart called {chart_id!r}; {prefix}api/charts lists the charts.") from None


def _render(chart: registry.Chart, filters: Filters) -> Rendered:
    try:
        figures.set_demo(queries.warehouse().is_demo)  # as the page shell does, before any figure is finished
    except queries.WarehouseMissing:
        raise BadRequest(503, "No data: the warehouse has not been built yet.") from None
    return registry.render(chart, filters)


def _download(body: bytes, filename: str, fmt: str) -> flask.Response:
    response = flask.Response(body, mimetype=exports.MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def register(app: Dash, settings: Settings) -> None:
    server = app.server
    prefix = settings.url_prefix

    @server.get(f"{prefix}healthz")
    def healthz():
        try:
            wh = queries.warehouse()
            meta = wh.meta
        except queries.WarehouseMissing as error:
            return flask.jsonify(status="no data", error=str(error)), 503
        return flask.jsonify(status="ok", data_version=wh.version, built_at=meta.get("built_at"),
                             demo=wh.is_demo)

    @server.get(f"{prefix}api/charts")
    def api_charts():
        return flask.jsonify([chart.catalogue_entry() for chart in registry.charts()])

    @server.get(f"{prefix}_vendor/bootstrap.min.css")
    def bootstrap_css():
        # Bootstrap 5 ships inside the bootstrap-flask package: served from here, never from a CDN.
        return flask.send_from_directory(BOOTSTRAP_DIR, "bootstrap.min.css", max_age=86400)

    def view_url(chart: registry.Chart, filters: Filters) -> str:
        """The chart's page in the dashboard for these filters, as an absolute address."""
        return f"{flask.request.host_url.rstrip('/')}{prefix}{chart.page.lstrip('/')}{filters.query_string()}"

    def context(chart: registry.Chart, filters: Filters) -> exports.Context:
        return exports.Context.now(view_url(chart, filters))

    @server.get(f"{prefix}export/<chart_id>.<fmt>")
    def export_chart(chart_id: str, fmt: str):
        chart = _chart(chart_id)
        if fmt not in exports.FORMATS:
            raise BadRequest(404, f"No {fmt!r} export; use one of {', '.join(exports.FORMATS)}.")
        filters = _filters()
        rendered = _render(chart, filters)
        ctx = context(chart, filters)
        if fmt == "csv":
            body = exports.csv(rendered)
        elif fmt == "xlsx":
            body = exports.xlsx(rendered, ctx)
        else:
            body = exports.image(rendered, ctx, fmt)
        return _download(body, f"{chart.id}.{fmt}", fmt)

    @server.get(f"{prefix}export/profile.pdf")
    def export_profile_pdf():
        from dashboard import profile_pdf

        filters = _filters()
        _render(registry.get("profile-spine"), filters)  # sets the demo label; 503 when there is no warehouse
        ctx = exports.Context.now(f"{flask.request.host_url.rstrip('/')}{prefix}profile{filters.query_string()}")
        body = profile_pdf.pdf(profile_pdf.document(filters, ctx))
        response = flask.Response(body, mimetype="application/pdf")
        name = f"profile-{filters.geo}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @server.get(f"{prefix}export/page/<name>.xlsx")
    def export_page(name: str):
        charts = exports.charts_on_page(name)
        if not charts:
            raise BadRequest(404, f"No page called {name!r} with charts; use one of "
                                  f"{', '.join(sorted(exports.pages()))}.")
        filters = _filters()
        items = [_render(chart, filters) for chart in charts]
        body = exports.page_xlsx(name, items, context(charts[0], filters))
        return _download(body, f"{name}.xlsx", "xlsx")

    @server.get(f"{prefix}export/briefing.pptx")
    def export_briefing():
        ids = exports.parse_chart_list(flask.request.args.get("charts", ""))
        if not ids:
            raise BadRequest(400, "Bad parameter charts: give chart ids separated by commas, e.g. "
                                  f"charts=overview-trend,overview-accelerators ({prefix}api/charts lists them).")
        if len(ids) > exports.MAX_BRIEFING_CHARTS:
            raise BadRequest(400, f"Bad parameter charts: at most {exports.MAX_BRIEFING_CHARTS} charts a pack.")
        charts = [_chart(chart_id) for chart_id in ids]
        filters = _filters()
        items = [_render(chart, filters) for chart in charts]
        body = exports.briefing_pptx(items, context(charts[0], filters))
        return _download(body, "briefing.pptx", "pptx")

    @server.get(f"{prefix}embed/<chart_id>")
    def embed(chart_id: str):
        flask.g.embed = True
        chart = _chart(chart_id)
        filters = _filters()
        rendered = _render(chart, filters)
        query = filters.query_string()
        downloads = {label: f"{prefix}export/{chart.id}.{fmt}{query}"
                     for label, fmt in (("PNG", "png"), ("CSV", "csv"), ("Excel", "xlsx"))}
        page = exports.embed_html(
            rendered, plotly_src=app.get_asset_url(PLOTLY_ASSET),
            dashboard_url=f"{prefix}{chart.page.lstrip('/')}{query}", downloads=downloads,
            demo=rendered.demo)
        response = flask.Response(page, mimetype="text/html")
        response.headers["Content-Security-Policy"] = CSP.format(ancestors=settings.frame_ancestors)
        return response

    @server.errorhandler(BadRequest)
    def bad_request(error: BadRequest):
        return _text(error.message, error.status)

    @server.errorhandler(exports.ImageUnavailable)
    def image_unavailable(error: exports.ImageUnavailable):
        return _text(f"Image export is unavailable: {error}. CSV and Excel still work.", 503)

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Content-Security-Policy", CSP.format(ancestors="'self'"))
        if not flask.g.get("embed"):
            # Embeds are framed as settings.frame_ancestors allows (their CSP); nothing else leaves the app.
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response
