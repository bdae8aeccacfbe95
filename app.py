"""Health and work commissioning dashboard.

``python app.py`` serves it on http://127.0.0.1:$PORT (default 8050), building the demo warehouse
first if there is none. ``gunicorn -w 2 app:server`` serves it in production.
"""
from __future__ import annotations

import sys
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Dash, dcc, html

import queries
from dashboard import auth, figures, registry, routes, serving
from dashboard.domain import domain
from dashboard.settings import Settings
from dashboard.stats import quality

ROOT = Path(__file__).parent
SERVICE_NAME = "Health and work commissioning dashboard"
FEED_LINK = '<link rel="alternate" type="application/atom+xml" title="Data updates" href="{href}">'


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    queries.use(queries.Warehouse(settings.db, shared=queries.shared_cache(settings.cache_url, settings.cache_key)))
    quality.set_design_factor(settings.survey_design_factor)
    prefix = settings.url_prefix
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "pages"),
        assets_folder=str(ROOT / "assets"),
        url_base_pathname=prefix,
        external_stylesheets=[serving.bootstrap_href(prefix)],
        serve_locally=True,
        suppress_callback_exceptions=True,
        title=SERVICE_NAME,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">').replace(
        "{%favicon%}", "{%favicon%}\n" + FEED_LINK.format(href=f"{prefix}feed.atom"))  # the change feed, every page
    app.server.config["DASHBOARD_SETTINGS"] = settings
    routes.register(app, settings)
    serving.register(app.server, prefix)  # compression and browser caching
    serving.preload_graph_code(app, prefix, lambda path: bool(registry.charts(path)))
    app.layout = shell
    return app


def _nav() -> dbc.Nav:
    pages = sorted((p for p in dash.page_registry.values() if p.get("nav_order") is not None),
                   key=lambda p: p["nav_order"])
    # dbc.NavLink with active="exact" marks the current page aria-current="page" as well as bold.
    return dbc.Nav([
        dbc.NavItem(dbc.NavLink(p["name"], href=p["relative_path"], active="exact", className="nav-page-link"))
        for p in pages
    ], navbar=True, className="flex-row flex-wrap gap-3")


def shell() -> html.Div:
    """The page shell: skip link, header and navigation, demo-data banner, main content, footer."""
    try:
        demo, unavailable = domain().synthetic, None
        meta = queries.warehouse().meta
    except queries.WarehouseUnavailable as error:
        # Never an exception here: Dash evaluates the shell while setting itself up on a worker's first request,
        # and a failure there would leave the worker without callbacks for good.
        demo, unavailable, meta = True, error, {}
    # A static note, not role="alert": it says the same thing on every page, so it is not announced on each.
    banner = html.Div(html.P(
        [html.Strong(figures.DEMO_SENTENCE), " ",
         dcc.Link("About the data", href=dash.get_relative_path("/about"), className="alert-link")],
        className="mb-0"), className="alert alert-warning demo-banner mb-0 rounded-0 text-center", id="demo-banner",
        role="note", **{"aria-label": "Demo data"}) if demo else None
    return html.Div([
        html.A("Skip to main content", href="#main", className="skip-link"),
        # One labelled <nav> (dbc.Navbar would wrap it in a second, unlabelled one); the brand wraps at 320 px.
        html.Header(html.Div(dbc.Container([
            dcc.Link(SERVICE_NAME, href=dash.get_relative_path("/"), className="navbar-brand site-title"),
            html.Nav(_nav(), **{"aria-label": "Pages"}),
            auth.user_bar(),  # signed in as ... / sign in, when sign-in is on (DASHBOARD_AUTH)
        ], fluid="xl", className="flex-wrap"), className="navbar navbar-dark bg-primary site-nav"), role="banner"),
        banner,
        dbc.Alert([html.Strong("The data cannot be read just now. "), str(unavailable),
                   " The page will work again once the warehouse is readable; reload it in a minute."],
                  color="danger", className="mb-0 rounded-0 text-center", id="data-unavailable")
        if unavailable else None,
        html.Main(dbc.Container(dash.page_container, fluid="xl", className="py-4"), id="main", tabIndex="-1"),
        html.Footer(dbc.Container([
            html.P([
                "Contains public sector information licensed under the ",
                html.A("Open Government Licence v3.0",
                       href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
                ". ", dcc.Link("Methods, sources and accessibility", href=dash.get_relative_path("/about")), ".",
            ], className="mb-0"),
            html.P(data_line(meta), className="mb-0 small data-version"),
        ], fluid="xl"), className="site-footer py-3 mt-4", role="contentinfo"),
    ])


def data_line(meta: dict) -> str:
    """The footer's word on the data: the latest quarter it holds, when it was built and its version."""
    from dashboard.filters import period_label

    parts = []
    if meta.get("last_period"):
        parts.append(f"Data up to and including {period_label(str(meta['last_period']))}")
    if meta.get("built_at"):
        parts.append(f"built {str(meta['built_at'])[:10]}")
    if meta.get("data_version"):
        parts.append(f"version {meta['data_version']}")
    return ("; ".join(parts) + ".") if parts else ""


def ensure_warehouse(settings: Settings) -> None:
    """Build the demo warehouse if there is none, or if the one there is a demo warehouse built by older code
    (it would lack tables the queries read). Anything else that is wrong with the file (empty, truncated, damaged,
    not DuckDB, a directory) stops here with a message: it may be real data, so it is never replaced or moved."""
    from data import build, demo

    path = settings.db
    how = ("Rebuild it with `python -m data.build` (demo data) or `python -m data.build --source DIR` (your "
           "files), or point DASHBOARD_DB at a good warehouse. It was left as it is.")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            sys.exit(f"DASHBOARD_DB={path} is not a regular file (a directory?): set it to the warehouse file "
                     "that `python -m data.build` writes, e.g. data/warehouse.duckdb.")
        meta = build.built_meta(path)
        older_demo = meta and meta.get("schema_version") != build.schema_version() and "real_tables" not in meta
        if not older_demo:
            problem = build.warehouse_problem(path)
            if problem:
                sys.exit(f"The warehouse at {path} cannot be used: {problem}. {how}")
    else:
        meta = None
    if meta is None:
        print(f"No warehouse at {path}: building the demo data first...", file=sys.stderr)
    elif meta.get("schema_version") == build.schema_version():
        return
    elif "real_tables" in meta:  # built from source files
        sys.exit(f"The warehouse at {path} was built by an older version of the dashboard. Rebuild it from "
                 "your source files: python -m data.build --source DIR")
    else:
        print(f"The demo warehouse at {path} was built by an older version: rebuilding it...", file=sys.stderr)
    meta = build.build_demo(path, participants=200_000, seed=demo.SEED)
    print(f"Built demo warehouse {meta['data_version']} in {meta['seconds']} s", file=sys.stderr)


def __getattr__(name: str):
    # ``gunicorn app:server`` asks for ``server``: create the app once, on first use, not at import.
    if name in {"app", "server"}:
        global app, server
        app = create_app()
        server = app.server
        return globals()[name]
    raise AttributeError(name)


def main() -> None:
    from data import build

    settings = Settings.from_env()
    ensure_warehouse(settings)
    if not settings.auth.enabled and build.built_meta(settings.db).get("is_demo") != "true":
        # Real data with no sign-in: participant records and pilot returns would be open to whoever reaches it.
        print("Warning: this warehouse was built from real files and DASHBOARD_AUTH is not set, so unpublished "
              "pilot returns are shown to anyone who can reach the dashboard. Set DASHBOARD_AUTH=proxy or oidc "
              "(README: Serving it to an organisation) before serving it beyond your own computer.", file=sys.stderr)
    application = create_app(settings)
    application.run(host=settings.host, port=settings.port, debug=settings.debug)


if __name__ == "__main__":
    main()
