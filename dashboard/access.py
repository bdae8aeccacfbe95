"""Who sees what: the one place that decides whether a viewer may see a restricted chart, and which rows.

Published statistics are open to anyone. A chart declared ``restricted`` (participant records and pilot returns:
unpublished management information) is shown, when sign-in is on (``DASHBOARD_AUTH``), only as the viewer's role
allows: ``national`` sees every ICB's rows; ``icb:<code>`` sees that ICB's own rows, for that ICB as the area;
anyone else sees a clear "sign in" state, never an error page and never someone else's numbers.

``registry.render`` calls ``admit`` before anything is computed or read from a cache, so the page, "Show as table",
every export, embed and API answer pass through it; it sets ``Filters.scope`` (part of every cache key) and the
programme queries are bound to it. Each decision on a restricted chart is one line of the audit log
(``dashboard/audit.py``). A refusal is ``Denied``: pages show its reason in the card; routes answer 401 (not signed
in) or 403 (not allowed) with a one-line reason, problem details on the API, and a short page for an embed.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import flask
import pandas as pd

from dashboard import audit
from dashboard.auth_settings import NATIONAL, AuthSettings, icb_name
from dashboard.filters import Filters

WHAT = "pilot returns"
SIGN_IN = f"Sign in to see {WHAT} for your ICB."


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a user from the sign-in proxy or the identity provider, or anonymous (user None)."""
    user: str | None = None
    email: str | None = None
    name: str | None = None
    groups: tuple[str, ...] = ()
    roles: frozenset[str] = frozenset()

    @property
    def signed_in(self) -> bool:
        return self.user is not None

    @property
    def national(self) -> bool:
        return NATIONAL in self.roles

    @property
    def icbs(self) -> tuple[str, ...]:
        return tuple(sorted(r[4:] for r in self.roles if r.startswith("icb:")))

    def can_see(self) -> str:
        """What the viewer's role lets them see, in words."""
        if self.national:
            return f"{WHAT} for every ICB"
        if self.icbs:
            return f"{WHAT} for {' and '.join(icb_name(c) for c in self.icbs)} only"
        return f"no {WHAT}"


ANONYMOUS = Viewer()


@dataclass(frozen=True)
class Part:
    """Something drawn from unpublished data that is not a registry chart (the overview's programme headlines):
    admitted by the same rule, named in the audit log by ``id``."""
    id: str
    filters: tuple[str, ...] = ("geo",)
    restricted: bool = True


class Denied(Exception):
    """A restricted chart the viewer may not see: 401 when not signed in, 403 when their role does not allow it."""

    def __init__(self, status: int, reason: str, chart_id: str):
        self.status, self.reason, self.chart_id = status, reason, chart_id
        super().__init__(reason)


def settings() -> AuthSettings:
    """This app's sign-in settings; open outside a request (tools and tests that call the registry directly)."""
    if not flask.has_app_context() or "DASHBOARD_SETTINGS" not in flask.current_app.config:
        return AuthSettings()
    return flask.current_app.config["DASHBOARD_SETTINGS"].auth


def viewer() -> Viewer:
    """The viewer of this request (worked out once a request by dashboard/auth.py)."""
    if not flask.has_request_context() or not settings().enabled:
        return ANONYMOUS
    if "viewer" not in flask.g:
        from dashboard import auth

        flask.g.viewer = auth.identify(settings())
    return flask.g.viewer


def decide(chart, filters: Filters, who: Viewer) -> tuple[tuple[str, ...] | None, Denied | None]:
    """(scope, None) when ``who`` may see ``chart`` for ``filters``, scope being the ICBs whose rows they may see
    (None: all); (None, Denied) when not."""
    if who.national:
        return None, None
    if not who.signed_in:
        return None, Denied(401, f"This chart shows unpublished {WHAT}. {SIGN_IN}", chart.id)
    if not who.icbs:
        return None, Denied(403, f"Your account ({who.email or who.user}) has no role that sees unpublished {WHAT}: "
                                 "ask the dashboard's administrator to add one of your groups to the roles file.",
                            chart.id)
    if "geo" not in chart.filters:
        return who.icbs, None  # the chart's areas are fixed: it shows the viewer's own ICBs' rows among them
    if filters.geo in who.icbs:
        return (filters.geo,), None
    return None, Denied(403, f"Your role lets you see {who.can_see()}: choose "
                             f"{'it' if len(who.icbs) == 1 else 'one of them'} as the area to see them here.",
                        chart.id)


def admit(chart, filters: Filters) -> Filters:
    """``filters`` with the viewer's scope set, or Denied. Open mode and published charts: no scope, no record."""
    if not getattr(chart, "restricted", False):
        return filters if filters.scope is None else filters.replace(scope=None)
    config = settings()
    if not config.enabled:
        return filters if filters.scope is None else filters.replace(scope=None)
    who = viewer()
    scope, denied = decide(chart, filters, who)
    audit.record(config, who, chart.id, filters, scope, denied.status if denied else 200)
    if denied:
        raise denied
    if flask.has_request_context():
        flask.g.restricted_served = True  # the response is marked private, no-store (dashboard/auth.py)
    return filters.replace(scope=scope)


def allowed(chart, filters: Filters) -> bool:
    """Whether ``chart`` would be shown for ``filters`` (no record is written): for links and page furniture."""
    config = settings()
    if not getattr(chart, "restricted", False) or not config.enabled:
        return True
    return decide(chart, filters, viewer())[1] is None


def render_all(charts, filters: Filters) -> list:
    """Every chart of a document (page workbook, slide pack) as the viewer may see it: a chart they may not see is
    a stand-in that says why (a note, no numbers); Denied (the first) when they may see none of them."""
    from dashboard import figures, registry, rendering

    items, refusals = [], []
    for chart in charts:
        try:
            items.append(registry.render(chart, filters))
        except Denied as denied:
            refusals.append(denied)
            items.append(registry.Rendered(chart, filters, pd.DataFrame({"note": [denied.reason]}),
                                           rendering.figure_json(figures.empty(denied.reason)), denied.reason))
    if refusals and len(refusals) == len(items):
        raise refusals[0]
    return items


# ---- refusals as responses --------------------------------------------------------------------------------

def denied_response(error: Denied, frame_ancestors: str) -> flask.Response:
    """401/403 with the reason: problem details on the API and oEmbed, a short page for an embed, else a line."""
    from dashboard import auth

    request = flask.request
    endpoint = request.endpoint or ""
    title = "Sign-in required" if error.status == 401 else "Not allowed"
    if endpoint.startswith("api."):
        from dashboard.problems import Problem

        response = Problem(error.status, title, error.reason, chart=error.chart_id,
                           sign_in=auth.sign_in_url(settings())).response()
    elif endpoint == "embed":
        response = flask.Response(embed_page(error), status=error.status, mimetype="text/html")
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
            f"frame-ancestors {frame_ancestors}")
    else:
        response = flask.Response(error.reason + "\n", status=error.status, mimetype="text/plain")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def embed_page(error: Denied) -> str:
    from dashboard import auth, registry

    esc = html.escape
    chart = registry.get(error.chart_id)
    prefix = flask.current_app.config["DASHBOARD_SETTINGS"].url_prefix
    page = f"{prefix}{chart.page.lstrip('/')}"
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{esc(chart.title)}</title>'
            "<style>body{font-family:Arial,sans-serif;margin:0.6rem;color:#0B0C0C}h1{font-size:1rem}</style></head>"
            f'<body><h1>{esc(chart.title)}</h1><p class="embed-restricted">{esc(error.reason)}</p>'
            f'<p><a href="{esc(auth.sign_in_url(settings(), page))}" target="_blank" rel="noopener">'
            "Open the dashboard to sign in</a></p></body></html>")
