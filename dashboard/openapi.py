"""The API's OpenAPI 3.1 document, generated from the chart registry and the filter definitions (never kept by
hand), and the human-readable page ``/api`` generated from the same document, server-rendered (no CDN, no script).

Each chart has its own path, with only the filters it responds to, and its own response schema: the metadata
every chart shares, and a row schema whose columns and types are those of the chart's numbers for the default
view in this warehouse (computed once per data version). ``COLUMNS`` says what the common columns mean.
"""
from __future__ import annotations

import threading

import queries
from dashboard import exports, registry
from dashboard.filters import FILTER_DEFINITIONS, Filters

API_VERSION = "1.0.0"
TITLE = "Health and work commissioning dashboard: data API"
STABLE_IDS = ("Chart ids are stable: once published, an id keeps working. A chart that is renamed keeps its old id "
              "as a permanent redirect (308) to the new one, on the API, exports and embeds.")
# column -> (unit, meaning). Columns not listed are labels or codes named by their column.
COLUMNS: dict[str, tuple[str | None, str]] = {
    "period": (None, "The period: a quarter as YYYYQn, or the publisher's own label for a published series"),
    "area_code": (None, "GSS code of the area"), "code": (None, "GSS code of the area"),
    "people": ("people", "Estimated people; below national level rounded to the nearest 5, 1 to 7 suppressed (null)"),
    "population": ("people", "Population aged 16-64"),
    "rate": ("percent", "The rate, as a percentage"),
    "lower": ("percent", "Lower limit of the 95% confidence interval"),
    "upper": ("percent", "Upper limit of the 95% confidence interval"),
    "lower_95": ("percent", "Lower 95% control limit"), "upper_95": ("percent", "Upper 95% control limit"),
    "lower_998": ("percent", "Lower 99.8% control limit"), "upper_998": ("percent", "Upper 99.8% control limit"),
    "share": ("percent", "Share of the long-term sick, as a percentage"),
    "england_rate": ("percent", "England's rate for the same period"),
    "england_share": ("percent", "England's share for the same group"),
    "difference": ("percentage points", "The area's share minus England's"),
    "estimate": ("percentage points", "Estimated effect"),
    "national_rate": ("percent", "The national rate"),
    "in_work": ("percent", "Share in work by this day"),
    "reliability": (None, "Reliability of the estimate, from the respondents behind it"),
    "sample_n": ("respondents", "Survey respondents behind the estimate"),
    "participants": ("people", "Programme participants, disclosure-controlled"),
    "followed_12m": ("people", "Participants followed up for 12 months"),
    "jobs_12m": ("people", "Participants in work within 12 months"),
    "outcomes": ("people", "Participants with the outcome"), "eligible": ("people", "Participants eligible"),
    "cost_per_participant": ("GBP", "Cost per participant"), "cost_per_job": ("GBP", "Cost per job outcome"),
    "cost_per_sustained": ("GBP", "Cost per sustained job outcome"), "cost_per_job_gbp": ("GBP", "Cost per job"),
    "benefit_per_sustained": ("GBP", "Benefit per sustained job outcome"),
    "roi": ("ratio", "Return on investment: benefits over costs"),
    "thousands": ("thousands of people", "As published"),
    "p_value": ("probability", "Two-sided p-value"), "se": ("percentage points", "Standard error"),
    "day": ("days", "Days since starting the programme"),
}
_TYPES = {"bool": "boolean", "int": "integer", "float": "number", "datetime": "string", "str": "string",
          "string": "string"}
# Every problem type the API answers with (its "type" is /api#problem-<slug of the title>), for the page.
PROBLEMS = (
    ("Bad filter value", "A filter's value is not accepted: parameter names it, accepted lists what is."),
    ("Unknown chart", "No chart has this id: accepted lists the ids."),
    ("Not found", "No API route at this path."),
    ("No data", "The warehouse has not been built yet."),
    ("Data unavailable", "The warehouse cannot be read just now (being replaced, or damaged); try again."),
    ("Public address unknown", "oEmbed: the dashboard's public address (DASHBOARD_PUBLIC_URL) is not set."),
    ("Bad parameter", "oEmbed: url is missing, or maxwidth or maxheight is not a whole number."),
    ("Not this dashboard", "oEmbed: the url is not a link to this dashboard."),
    ("No chart at this link", ("oEmbed: the url is neither an embed nor a page with charts, or its filters are "
                              "not accepted.")),
    ("Format not implemented", "oEmbed: only format=json is served."),
)
_cache: dict[tuple[str, str], dict] = {}
_lock = threading.Lock()


def column_unit(name: str) -> str | None:
    return COLUMNS.get(name, (None, ""))[0]


def _json_type(dtype: str) -> str | None:
    return next((t for prefix, t in _TYPES.items() if dtype.lower().startswith(prefix)), None)


def column_entry(name: str, dtype: str) -> dict:
    unit, meaning = COLUMNS.get(str(name), (None, ""))
    return {"name": str(name), "type": _json_type(dtype), "unit": unit, "description": meaning}


def column_schema(name: str, dtype: str) -> dict:
    """A column's JSON Schema: its type or null (suppressed and missing values are null)."""
    kind, (unit, meaning) = _json_type(dtype), COLUMNS.get(name, (None, ""))
    schema: dict = {"type": [kind, "null"]} if kind else {}
    if dtype.startswith("datetime"):
        schema["format"] = "date"
    description = "; ".join(part for part in (meaning, f"unit: {unit}" if unit else "") if part)
    return {**schema, "description": description} if description else schema


def row_schema(chart: registry.Chart) -> dict:
    """The columns of the chart's numbers for the default view (none known when that view is empty)."""
    table = exports.table(registry.render(chart, Filters()))
    if len(table.columns) == 0:
        return {"type": "object"}
    columns = {str(c): column_schema(str(c), str(table[c].dtype)) for c in table.columns}
    return {"type": "object", "properties": columns, "required": list(columns), "additionalProperties": False}


def _parameters(charts: list[registry.Chart]) -> dict:
    out = {d.name: {"name": d.name, "in": "query", "required": False,
                    "description": f"{d.label}: {d.description} /api/v1/filters lists each value with its label.",
                    "schema": d.json_schema()}
           for d in FILTER_DEFINITIONS}
    # A chart filter not yet described in dashboard/filters.py still gets a parameter (no dangling reference).
    for name in dict.fromkeys(n for c in charts for n in c.filters if n not in out):
        out[name] = {"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                     "description": f"{name}: as on the chart's page."}
    return out


def _problem_responses() -> dict:
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {"400": {"description": "A filter value not accepted: the parameter and what it accepts", "content": ref},
            "404": {"description": "No such chart", "content": ref},
            "503": {"description": "No data: the warehouse has not been built", "content": ref}}


def _restricted_responses() -> dict:
    """A restricted chart (unpublished pilot returns) when sign-in is on: README, Serving it to an organisation."""
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {"401": {"description": "Unpublished pilot returns: sign in (the problem's sign_in link)", "content": ref},
            "403": {"description": "Signed in, but the role does not cover this area", "content": ref}}


def _not_modified() -> dict:
    return {"description": "Not modified: the data version (ETag) or build time (Last-Modified) is unchanged"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _shared_schemas() -> dict:
    text, nullable_text = {"type": "string"}, {"type": ["string", "null"]}
    return {
        "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
            "type": text, "title": text, "status": {"type": "integer"}, "detail": text, "instance": text,
            "parameter": text, "accepted": {}, "errors": {"type": "array"}}},
        "ChartMetadata": {"type": "object", "required": [
            "id", "title", "description", "summary", "source", "demo", "data_version", "built_at", "filters",
            "filters_in_words", "period_covered", "columns", "units", "quality_notes", "links", "data"],
            "properties": {
                "id": text, "title": text, "description": text, "summary": text, "source": text, "page": text,
                "demo": {"type": "boolean", "description": "True when the numbers are synthetic demo data"},
                "data_version": text, "built_at": nullable_text,
                "filters": {"type": "object", "additionalProperties": text,
                            "description": "The filters the chart responds to, with the values applied"},
                "filters_in_words": text, "filters_ignored": {"type": "array", "items": text},
                "period_covered": {"type": ["object", "null"], "properties": {
                    "first": nullable_text, "last": nullable_text}},
                "data_date": text,
                "columns": {"type": "array", "items": {"type": "object", "required": ["name", "type", "unit"]}},
                "units": {"type": "object", "additionalProperties": nullable_text},
                "quality_notes": {"type": "array", "items": text},
                "links": {"type": "object", "additionalProperties": text},
                "data": {"type": "array", "items": {"type": "object"}}}},
    }


def document(base: str, wh: queries.Warehouse) -> dict:
    """The OpenAPI document for a dashboard at ``base`` (its absolute address, ending in "/")."""
    key = (base, wh.version)
    with _lock:
        if key in _cache:
            return _cache[key]
    charts = registry.charts()
    schemas = _shared_schemas()
    paths: dict = {}
    for chart in charts:
        schemas[f"chart-{chart.id}"] = {"allOf": [{"$ref": "#/components/schemas/ChartMetadata"}, {
            "type": "object", "properties": {"id": {"const": chart.id},
                                             "data": {"type": "array", "items": row_schema(chart)}}}]}
        paths[f"/api/v1/charts/{chart.id}"] = {"get": {
            "operationId": f"chart_{chart.id.replace('-', '_')}", "tags": ["Charts"], "summary": chart.title,
            "description": f"{chart.description} Source: {chart.source}. The same numbers as "
                           f"/export/{chart.id}.csv for the same filters.",
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in chart.filters],
            "responses": {"200": _json({"$ref": f"#/components/schemas/chart-{chart.id}"},
                                       "The chart's numbers and what they mean"),
                          "304": _not_modified(), **_problem_responses(),
                          **(_restricted_responses() if chart.restricted else {})}}}
    listing = {"type": "array", "items": {"type": "object"}}
    for path, tag, summary, description in (
            ("/api/v1/charts", "Charts", "Every chart", "id, title, page, description, filters and API address"),
            ("/api/v1/areas", "Reference", "Every area",
             "England, the 9 ONS regions and the 42 ICBs: GSS code, name, level, parent, ODS code, NHS region"),
            ("/api/v1/programmes", "Reference", "Every programme",
             "Back-to-work programmes: id (the intervention filter), names, where and when, source, ICBs"),
            ("/api/v1/filters", "Reference", "Every filter", ("Each filter's name, meaning, default and every "
                                                            "accepted value with its label")),
            ("/api/v1/builds", "Changes", "Every build of the data",
             ("Newest first: data version, build time, sources loaded, new periods and areas, files superseded "
             "(the record /feed.atom is made from)"))):
        paths[path] = {"get": {"operationId": path.rsplit("/", 1)[1], "tags": [tag], "summary": summary,
                               "description": description,
                               "responses": {"200": _json(listing, summary), "304": _not_modified()}}}
    paths["/feed.atom"] = {"get": {"operationId": "feed", "tags": ["Changes"], "summary": "Change feed",
                                   "description": "An Atom entry for each build of the data: version, build time, "
                                                  "sources loaded, new periods and areas, files superseded.",
                                   "responses": {"200": {"description": "Atom 1.0", "content": {
                                       "application/atom+xml": {"schema": {"type": "string"}}}},
                                                 "304": _not_modified()}}}
    paths["/oembed"] = {"get": {"operationId": "oembed", "tags": ["Embeds"], "summary": "oEmbed",
                                "description": "oEmbed 1.0 for a link to a page or embed of this dashboard.",
                                "parameters": [
                                    {"name": "url", "in": "query", "required": True, "schema": {"type": "string"}},
                                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json"]}},
                                    {"name": "maxwidth", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 999999}},
                                    {"name": "maxheight", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 999999}}],
                                "responses": {"200": _json({"type": "object"}, "A rich oEmbed response"),
                                              "304": _not_modified(), **_problem_responses(),
                                              "501": {"description": "A format other than JSON"}}}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": API_VERSION, "description": (
            "The numbers behind every chart of the dashboard, with what they mean, as JSON: the same numbers as each "
            f"chart's CSV export, after the same disclosure control. {STABLE_IDS} "
            "Every response carries an ETag (the data version and the request) and Last-Modified (the build time): "
            "send If-None-Match or If-Modified-Since and an unchanged answer is 304 Not Modified. "
            "Errors are RFC 9457 problem details (application/problem+json) naming the parameter and what it "
            "accepts. /feed.atom announces each new build of the data."),
            "license": {"name": "Open Government Licence v3.0",
                        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
            "x-data-version": wh.version, "x-demo-data": wh.is_demo},
        "servers": [{"url": base.rstrip("/") or "/"}],
        "tags": [{"name": "Charts"}, {"name": "Reference"}, {"name": "Changes"}, {"name": "Embeds"}],
        "paths": paths,
        "components": {"parameters": _parameters(charts), "schemas": schemas},
    }
    with _lock:
        for stale in [k for k in _cache if k[1] != wh.version]:  # one data version at a time, any hosts
            del _cache[stale]
        _cache[key] = doc
    return doc
