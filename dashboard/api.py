"""The data API, for analysts' scripts: ``/api/v1/charts/<id>`` (a chart's numbers, exactly its CSV export's, with
what they mean), ``/api/v1/areas``, ``/api/v1/programmes``, ``/api/v1/filters``, described by ``/api/openapi.json``
and the page ``/api``; the change feed ``/feed.atom``; and, for embeds, ``/oembed`` and ``/embed.js``.

Every API response and export carries an ``ETag`` (the data version, the host, the path and the sorted query) and a
``Last-Modified`` (the warehouse's build time), and answers a matching ``If-None-Match`` or ``If-Modified-Since``
with 304 before any chart is computed. API errors are RFC 9457 problem details naming the parameter and what it
accepts. A renamed chart id (``registry.RENAMED``) redirects (308) to its current id on every route that takes one.
"""
from __future__ import annotations

import hashlib
import math
from datetime import UTC, date, datetime, time
from urllib.parse import urlencode

import flask
import numpy as np
import pandas as pd
from dash import Dash

import queries
from dashboard import changes, embeds, exports, figures, openapi, registry, serving
from dashboard.domain import domain
from dashboard.filters import FILTER_DEFINITIONS, FilterError, Filters
from dashboard.problems import Problem
from dashboard.problems import base_url as _base
from dashboard.registry import Rendered
from dashboard.settings import Settings

# Endpoints whose responses depend only on the data version and the request: answered 304 when unchanged.
EXPORT_ENDPOINTS = {"export_chart", "export_page", "export_briefing"}
# Exports carry an "accessed on" date: their validators change daily as well as with the data.
DAILY_ENDPOINTS = EXPORT_ENDPOINTS
RELIABILITY_NOTE = ("Reliability, as on Nomis: '!' an estimate from 0-2 respondents (not shown), '*' from 3-9 "
                    "respondents (unreliable), '~' an estimate under 500 people.")


def filters_from_request() -> Filters:
    try:
        return Filters.from_query(flask.request.args)
    except FilterError as error:
        definitions = {d.name: d for d in FILTER_DEFINITIONS}
        errors = [{"parameter": name, "detail": message, "accepted": _accepted(definitions.get(name))}
                  for name, message in error.problems.items()]
        first = errors[0]
        raise Problem(400, "Bad filter value", f"{first['parameter']}: {first['detail']}",
                      parameter=first["parameter"], accepted=first["accepted"], errors=errors) from None


def _accepted(definition) -> list[str] | dict | str:
    if definition is None:
        return "as the detail says"
    if definition.accepted is None:
        return {"minimum": definition.minimum, "maximum": definition.maximum}
    return list(definition.values())


def chart_from_id(chart_id: str) -> registry.Chart:
    try:
        return registry.get(chart_id)
    except KeyError:
        raise Problem(404, "Unknown chart", f"No chart called {chart_id!r}; {_base()}api/v1/charts lists them.",
                      parameter="chart_id", accepted=[c.id for c in registry.charts()]) from None


def _warehouse() -> queries.Warehouse:
    wh = queries.warehouse()
    try:
        wh.meta  # noqa: B018  reading it opens the warehouse, or finds there is none
    except queries.WarehouseMissing:
        raise Problem(503, "No data", "The warehouse has not been built yet: run python -m data.build.") from None
    except queries.WarehouseUnavailable as error:
        raise Problem(503, "Data unavailable", f"The data cannot be read just now: {error}") from None
    return wh


# ---- a chart's numbers and what they mean ---------------------------------------------------------------

def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON values: missing and non-finite numbers as null, dates as YYYY-MM-DD, numpy scalars as Python."""
    def value(v):
        if isinstance(v, np.ndarray):  # a scalar wrapped in an array (as the CSV writes it), or a list
            v = v.item() if v.ndim == 0 else v.tolist()
        if v is None or (not isinstance(v, str | bytes | list | tuple | dict) and pd.isna(v)):
            return None
        if isinstance(v, datetime | date):  # as the CSV export writes them (date_format="%Y-%m-%d")
            return v.strftime("%Y-%m-%d")
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            return None
        return v
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, (value(v) for v in row), strict=True)) for row in frame.itertuples(index=False)]


def period_covered(rendered: Rendered) -> dict | None:
    """The first and last period in the chart's numbers (or the quarters asked for, when it has no periods)."""
    data = rendered.data
    if "period" in data.columns and len(data):
        order = next((c for c in ("period_end", "period_start") if c in data.columns), "period")
        ordered = data.sort_values(order)["period"].astype(str)
        return {"first": ordered.iloc[0], "last": ordered.iloc[-1]}
    chart, filters = rendered.chart, rendered.filters
    if "from" in chart.filters or "to" in chart.filters:
        return {"first": filters.period_from if "from" in chart.filters else None, "last": filters.period_to}
    return None


def chart_document(rendered: Rendered, wh: queries.Warehouse) -> dict:
    chart, filters = rendered.chart, rendered.filters
    table = exports.table(rendered)  # the CSV export's own frame: the same numbers, after disclosure control
    asked = filters.to_query()
    applied = {d.name: asked.get(d.name, d.default) for d in FILTER_DEFINITIONS if d.name in chart.filters}
    ignored = sorted(set(asked) - set(chart.filters))
    words = Filters.from_query({k: v for k, v in asked.items() if k in chart.filters}).describe()
    notes = [exports.DISCLOSURE_NOTE]
    if "reliability" in table.columns:
        notes.append(RELIABILITY_NOTE)
    if rendered.demo:
        notes.insert(0, figures.DEMO_SENTENCE)
    if table.empty:
        notes.append(rendered.empty_message)
    if ignored:
        notes.append(f"This chart does not respond to {', '.join(ignored)}: those filters were not applied.")
    query = filters.query_string()
    base = _base()
    meta = wh.meta
    return {
        "id": chart.id,
        "title": chart.title,
        "description": chart.description,
        "summary": rendered.summary,
        "source": chart.source,
        "page": chart.page,
        "demo": rendered.demo,
        "data_version": wh.version,
        "built_at": meta.get("built_at"),
        "filters": applied,
        "filters_in_words": words,
        "filters_ignored": ignored,
        "period_covered": period_covered(rendered),
        "data_date": exports.data_date(rendered, exports.Context(base, date.today(), meta, domain(wh).synthetic)),
        "columns": [openapi.column_entry(name, str(table[name].dtype)) for name in table.columns],
        "units": {str(name): openapi.column_unit(str(name)) for name in table.columns},
        "quality_notes": notes,
        "links": {
            "self": f"{base}api/v1/charts/{chart.id}{query}",
            "csv": f"{base}export/{chart.id}.csv{query}",
            "xlsx": f"{base}export/{chart.id}.xlsx{query}",
            "png": f"{base}export/{chart.id}.png{query}",
            "embed": f"{base}embed/{chart.id}{query}",
            "view": f"{base}{chart.page.lstrip('/')}{query}",
        },
        "data": records(table),
    }


# ---- conditional requests and renamed ids --------------------------------------------------------------

def _conditional_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint.startswith("api.") or endpoint in EXPORT_ENDPOINTS | {"api_charts"}) \
        and endpoint not in {"api.embed_js", "api.not_found"}


def validators(meta: dict[str, str]) -> tuple[str, datetime | None]:
    """(ETag, Last-Modified) of this request's response for the warehouse described by ``meta``."""
    request = flask.request
    daily = request.endpoint in DAILY_ENDPOINTS
    query = urlencode(sorted(request.args.items(multi=True)))
    from dashboard import access

    who = access.viewer()  # what a response holds depends on who asks (dashboard/access.py): so does its tag
    key = "|".join([meta.get("data_version", ""), request.host_url, request.path, query,
                    date.today().isoformat() if daily else "", who.user or "", ",".join(sorted(who.roles))])
    try:
        built = datetime.fromisoformat(meta["built_at"]).astimezone(UTC).replace(microsecond=0)
    except (KeyError, ValueError):
        built = None
    if built is not None and daily:  # an export made today says "accessed on" today
        built = max(built, datetime.combine(date.today(), time(), UTC))
    return hashlib.sha256(key.encode()).hexdigest()[:32], built


def _unchanged(etag: str, modified: datetime | None) -> bool:
    request = flask.request
    if request.if_none_match:  # RFC 9110: If-None-Match wins over If-Modified-Since
        return serving.etag_matches(request, etag)  # also the compressed copy's "etag:br"
    since = request.if_modified_since
    return since is not None and modified is not None and modified <= since


def _renamed_redirect() -> flask.Response | None:
    request = flask.request
    args = dict(request.view_args or {})
    if args.get("chart_id") in registry.RENAMED:
        args["chart_id"] = registry.RENAMED[args["chart_id"]]
        target = flask.url_for(request.endpoint, **args)
    elif request.endpoint == "export_briefing" and any(
            i in registry.RENAMED for i in exports.parse_chart_list(request.args.get("charts", ""))):
        ids = [registry.RENAMED.get(i, i) for i in exports.parse_chart_list(request.args["charts"])]
        query = {**request.args.to_dict(), "charts": ",".join(ids)}
        return flask.redirect(f"{request.path}?{urlencode(query)}", 308)
    else:
        return None
    query = request.query_string.decode()
    return flask.redirect(target + (f"?{query}" if query else ""), 308)


def register(app: Dash, settings: Settings) -> None:
    server = app.server
    bp = flask.Blueprint("api", __name__, url_prefix=settings.url_prefix.rstrip("/") or None)

    @bp.get("/api/v1")
    def index():
        base = _base()
        return flask.jsonify({"charts": f"{base}api/v1/charts", "areas": f"{base}api/v1/areas",
                              "programmes": f"{base}api/v1/programmes", "filters": f"{base}api/v1/filters",
                              "openapi": f"{base}api/openapi.json", "documentation": f"{base}api",
                              "builds": f"{base}api/v1/builds", "changes": f"{base}feed.atom"})

    @bp.get("/api/v1/charts")
    def charts():
        base = _base()
        return flask.jsonify([{**c.catalogue_entry(), "filters": list(c.filters), "synthetic": c.shows_synthetic,
                               "restricted": c.restricted, "url": f"{base}api/v1/charts/{c.id}"}
                              for c in registry.charts()])

    @bp.get("/api/v1/charts/<chart_id>")
    def chart(chart_id: str):
        chart = chart_from_id(chart_id)
        filters = filters_from_request()
        wh = _warehouse()
        return flask.jsonify(chart_document(registry.render(chart, filters), wh))

    @bp.get("/api/v1/areas")
    def areas():
        return flask.jsonify(records(_warehouse().run("api_areas")))

    @bp.get("/api/v1/programmes")
    def programmes():
        frame = _warehouse().run("api_programmes").copy()
        frame["icbs"] = frame["icbs"].map(lambda v: [] if v is None else [str(x) for x in v])
        return flask.jsonify(records(frame))

    @bp.get("/api/v1/filters")
    def filters():
        return flask.jsonify([d.describe() for d in FILTER_DEFINITIONS])

    @bp.get("/api/v1/builds")
    def builds():
        """The build history behind /feed.atom, as data: what a weekly script checks for "anything new?"."""
        _warehouse()
        return flask.jsonify([{"seq": b.seq, "data_version": b.data_version, "built_at": b.built_at, "demo": b.is_demo,
                               "summary": b.sentences(), **b.details} for b in changes.builds()])

    @bp.get("/api/openapi.json")
    def openapi_json():
        return flask.jsonify(openapi.document(_base(), _warehouse()))

    @bp.get("/api")
    def api_page():
        return flask.Response(openapi.page(openapi.document(_base(), _warehouse()), settings.url_prefix),
                              mimetype="text/html")

    @bp.get("/feed.atom")
    def feed():
        _warehouse()
        body = changes.atom(changes.builds(), feed_url=f"{_base()}feed.atom", about_url=f"{_base()}about")
        return flask.Response(body, mimetype="application/atom+xml")

    @bp.get("/oembed")
    def oembed():
        return flask.jsonify(embeds.oembed(flask.request.args, _base(), settings.url_prefix))

    @bp.get("/embed.js")
    def embed_js():
        response = flask.Response(embeds.HOST_SCRIPT, mimetype="text/javascript")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    @bp.get("/api/<path:rest>")
    def not_found(rest: str):
        raise Problem(404, "Not found", f"No API route /api/{rest}; {_base()}api/openapi.json describes them.")

    @bp.errorhandler(Problem)
    def problem(error: Problem):
        return error.response()

    server.register_blueprint(bp)

    @server.before_request
    def redirect_renamed_or_answer_unchanged():
        redirect = _renamed_redirect()
        if redirect is not None or flask.request.method not in ("GET", "HEAD") \
                or not _conditional_endpoint(flask.request.endpoint):
            return redirect
        try:
            meta = queries.warehouse().meta
        except queries.WarehouseUnavailable:
            return None  # the route answers it (503)
        etag, modified = validators(meta)
        flask.g.validators = (etag, modified)
        if _unchanged(etag, modified):
            response = flask.Response(status=304)
            return _stamp(response, etag, modified)
        return None

    @server.after_request
    def add_validators(response: flask.Response) -> flask.Response:
        stamped = flask.g.pop("validators", None)
        if stamped is not None and response.status_code == 200:
            _stamp(response, *stamped)
        return response


def _stamp(response: flask.Response, etag: str, modified: datetime | None) -> flask.Response:
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    if flask.request.endpoint not in EXPORT_ENDPOINTS:
        response.headers["Cache-Control"] = "no-cache"  # keep a copy, but ask each time: a 304 is cheap
    return response
