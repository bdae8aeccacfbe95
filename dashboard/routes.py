"""Server routes beside the pages: health, the chart catalogue, exports and embeds of every chart,
vendored static files and the security headers every response carries.

Exports and embeds read the one chart registry: ``/export/<id>.png|svg|csv|xlsx``, ``/export/page/<page>.xlsx``,
``/export/briefing.pptx?charts=a,b`` and ``/embed/<id>``, all with the filters in the query string. An
unknown chart is a 404 and a bad filter a 400, each a one-line message, never a stack trace.
Embeds may be framed by ``settings.frame_ancestors``; everything else only by the app itself.
"""
from __future__ import annotations

import hashlib
from base64 import b64encode
from pathlib import Path
from urllib.parse import urlsplit

import flask
import flask_bootstrap
from dash import Dash
from dash.exceptions import CallbackException

import queries
from dashboard import access, callback_check, embeds, exports, registry
from dashboard.filters import FilterError, Filters
from dashboard.safety import quoted
from dashboard.settings import Settings

BOOTSTRAP_DIR = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
# plotly.js with only the trace types the figures use (scatter, bar, heatmap: a fifth of the full bundle's size, two
# thirds of the cartesian one), built by scripts/plotly-bundle from npm's plotly.js at the version the plotly
# package pins. In assets/, Dash loads it on every page, and dcc.Graph uses it (window.Plotly) instead of fetching
# the full bundle; embeds load the same file. tests/browser/test_plotly_bundle.py fails if a chart needs more.
PLOTLY_ASSET = "vendor/plotly-custom.min.js"
# Scripts: the app's own files and, by hash, the inline scripts Dash writes into its page (``app.csp_hashes()``)
# and the embed page's one; no 'unsafe-inline' or 'unsafe-eval'. Styles stay 'unsafe-inline': plotly.js and
# Dash's components set style attributes. Forms post nowhere; nothing is fetched from another origin.
CSP = ("default-src 'self'; script-src 'self' {scripts}; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}")
# Dash's callbacks carry a few filter values and component ids: a few KB. 64 KB bounds a hostile body (a 5 MB
# filter value took 15-19 s) with room to spare; a bigger one is answered 413 before it is read.
MAX_CONTENT_LENGTH = 64 * 1024
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
RETRY_AFTER_SECONDS = 10  # told to a client when the image queue is full


def _script_hash(script: str) -> str:
    return f"'sha256-{b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"


def public_origin() -> str:
    """Scheme and host to write into an address that leaves the app (exports' "accessed from", embed codes):
    ``DASHBOARD_PUBLIC_URL`` when set; else this request's, if Flask checked it against
    ``DASHBOARD_ALLOWED_HOSTS`` or it is a loopback address; else nothing (the address stays relative)."""
    settings = flask.current_app.config["DASHBOARD_SETTINGS"]
    if settings.public_url:
        return settings.public_url
    if not flask.has_request_context():
        return ""
    request = flask.request
    if settings.allowed_hosts or urlsplit(f"//{request.host}").hostname in LOOPBACK:
        return request.host_url.rstrip("/")
    return ""


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
        raise BadRequest(404, f"No chart called {quoted(chart_id)}; {prefix}api/charts lists the charts.") from None


def _download(body: bytes, filename: str, fmt: str) -> flask.Response:
    response = flask.Response(body, mimetype=exports.MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def register(app: Dash, settings: Settings) -> None:
    server = app.server
    prefix = settings.url_prefix
    server.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    if settings.allowed_hosts:
        server.config["TRUSTED_HOSTS"] = list(settings.allowed_hosts)
    hashes: list[str] = []

    def page_scripts() -> str:
        # Dash's inline scripts are all known once it has set itself up (on the first request): kept from then on.
        if hashes:
            return hashes[0]
        value = " ".join(app.csp_hashes())
        if app._got_first_request.get("setup_server"):
            hashes.append(value)
        return value

    @server.before_request
    def callback_shape():
        # Dash answers a malformed callback request with a 500 (a KeyError or IndexError while reading it): check
        # its shape against the callback it names first, so a client's invention is a one-line 400.
        if flask.request.method == "POST" and flask.request.path == f"{prefix}_dash-update-component":
            problem = callback_check.callback_problem(flask.request.get_json(silent=True), app.callback_map)
            if problem:
                return _text(f"Bad callback request: {problem}.", 400)
        return None

    @server.get(f"{prefix}healthz")
    def healthz():
        try:
            wh = queries.warehouse()
            meta = wh.meta
        except queries.WarehouseMissing as error:
            return flask.jsonify(status="no data", error=str(error)), 503
        except queries.WarehouseUnavailable as error:
            return flask.jsonify(status="unavailable", error=str(error)), 503
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
        return f"{public_origin()}{prefix}{chart.page.lstrip('/')}{filters.query_string()}"

    def context(chart: registry.Chart, filters: Filters) -> exports.Context:
        return exports.Context.now(view_url(chart, filters))

    @server.get(f"{prefix}export/<chart_id>.<fmt>")
    def export_chart(chart_id: str, fmt: str):
        chart = _chart(chart_id)
        if fmt not in exports.FORMATS:
            raise BadRequest(404, f"No {quoted(fmt)} export; use one of {', '.join(exports.FORMATS)}.")
        filters = _filters()
        rendered = registry.render(chart, filters)
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
        ctx = exports.Context.now(f"{flask.request.host_url.rstrip('/')}{prefix}profile{filters.query_string()}")
        body = profile_pdf.pdf(profile_pdf.document(filters, ctx))
        response = flask.Response(body, mimetype="application/pdf")
        name = f"profile-{filters.geo}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @server.get(f"{prefix}export/page/<name>.xlsx")
    def export_page(name: str):
        page = registry.pages().get(name)
        if page is None:
            raise BadRequest(404, f"No page called {quoted(name)} with charts; use one of "
                                  f"{', '.join(sorted(registry.pages()))}.")
        charts = registry.charts(page.path)  # in the page's order
        filters = _filters()
        items = access.render_all(charts, filters)  # a chart the viewer may not see says so (dashboard/access.py)
        body = exports.page_xlsx(name, items, context(charts[0], filters))
        return _download(body, f"{name}.xlsx", "xlsx")

    @server.get(f"{prefix}export/briefing.pptx")
    def export_briefing():
        # Repeated parameters: the last wins, as for filters. The same chart twice is drawn once.
        ids = list(dict.fromkeys(exports.parse_chart_list((flask.request.args.getlist("charts") or [""])[-1])))
        if not ids:
            raise BadRequest(400, "Bad parameter charts: give chart ids separated by commas, e.g. "
                                  f"charts=overview-trend,overview-accelerators ({prefix}api/charts lists them).")
        if len(ids) > exports.MAX_BRIEFING_CHARTS:
            raise BadRequest(400, f"Bad parameter charts: at most {exports.MAX_BRIEFING_CHARTS} different charts a "
                                  f"pack, got {len(ids)}.")
        charts = [_chart(chart_id) for chart_id in ids]
        filters = _filters()
        with exports.image_slot():  # the whole pack takes one place in the image queue, or none
            items = access.render_all(charts, filters)
            body = exports.briefing_pptx(items, context(charts[0], filters))
        return _download(body, "briefing.pptx", "pptx")

    @server.get(f"{prefix}embed/<chart_id>")
    def embed(chart_id: str):
        flask.g.embed = True
        chart = _chart(chart_id)
        filters = _filters()
        rendered = registry.render(chart, filters)
        query = filters.query_string()
        base = f"{public_origin()}{prefix}"
        downloads = {label: f"{prefix}export/{chart.id}.{fmt}{query}"
                     for label, fmt in (("PNG", "png"), ("CSV", "csv"), ("Excel", "xlsx"))}
        page = exports.embed_html(
            rendered, plotly_src=app.get_asset_url(PLOTLY_ASSET),
            dashboard_url=f"{prefix}{chart.page.lstrip('/')}{query}", downloads=downloads,
            demo=rendered.demo, a11y_src=app.get_asset_url("a11y.js"),
            oembed_href=embeds.discovery_href(base, f"{base}embed/{chart.id}{query}"))
        response = flask.Response(page, mimetype="text/html")
        response.headers["Content-Security-Policy"] = CSP.format(
            scripts=_script_hash(exports.EMBED_SCRIPT), ancestors=settings.frame_ancestors)
        return response

    from dashboard import auth  # signing in (dashboard/auth.py); who sees what: dashboard/access.py

    auth.register(app, settings)

    @server.errorhandler(access.Denied)
    def denied(error: access.Denied):
        return access.denied_response(error, settings.frame_ancestors)

    from dashboard import api  # the data API, feed, oEmbed and conditional requests (dashboard/api.py)

    api.register(app, settings)

    @server.errorhandler(BadRequest)
    def bad_request(error: BadRequest):
        return _text(error.message, error.status)

    @server.errorhandler(CallbackException)
    def callback_mismatch(error: CallbackException):
        # A request whose outputs do not match the callback it names is the client's mistake; any other callback
        # exception is ours and stays a 500.
        if str(error).startswith("Output does not match callback definition"):
            return _text("Bad callback request: its outputs do not match the callback's.", 400)
        raise error

    @server.errorhandler(queries.WarehouseUnavailable)
    def warehouse_unavailable(error: queries.WarehouseUnavailable):
        # Any request (a route, an export, a Dash callback) that meets an unreadable warehouse: a clean 503 in
        # JSON; the next request opens the file again, so a repaired warehouse is used without a restart.
        status = "no data" if isinstance(error, queries.WarehouseMissing) else "unavailable"
        response = flask.jsonify(status=status, error=str(error))
        response.status_code = 503
        response.headers["Retry-After"] = "60"
        return response

    @server.errorhandler(exports.ImageBusy)
    def image_busy(error: exports.ImageBusy):
        response = _text(f"Image export is busy: {error}. Try again in {RETRY_AFTER_SECONDS} seconds; CSV and "
                         "Excel are not queued.", 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @server.errorhandler(exports.ImageUnavailable)
    def image_unavailable(error: exports.ImageUnavailable):
        return _text(f"Image export is unavailable: {error}. CSV and Excel still work.", 503)

    @server.after_request
    def security_headers(response: flask.Response) -> flask.Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Content-Security-Policy", CSP.format(scripts=page_scripts(), ancestors="'self'"))
        if not flask.g.get("embed"):
            # Embeds are framed as settings.frame_ancestors allows (their CSP); nothing else leaves the app.
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response
