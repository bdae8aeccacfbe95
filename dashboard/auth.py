"""Signing in: who the viewer is, in the mode ``DASHBOARD_AUTH`` names (dashboard/auth_settings.py).

- ``proxy``: a sign-in proxy in front (oauth2-proxy) passes ``X-Forwarded-User``, ``X-Forwarded-Email`` and
  ``X-Forwarded-Groups``. They are believed only from an address in ``DASHBOARD_TRUSTED_PROXIES``; from anywhere
  else the request is anonymous, whatever it says. Sign-in and sign-out are the proxy's (``/oauth2/start``,
  ``/oauth2/sign_out``).
- ``oidc``: the app signs users in itself against the organisation's identity provider with Authlib
  (authorization code flow with state and nonce, the ID token checked against the provider's keys), then keeps
  who they are (never a token's data beyond its claims) in Flask's signed session cookie: Secure, HttpOnly,
  SameSite=Lax, for ``DASHBOARD_SESSION_HOURS`` at most. ``/auth/sign-in``, ``/auth/callback``,
  ``/auth/sign-out`` (a POST, which also ends the provider's session where it offers that).

In either mode a state-changing request (every POST, Dash's callbacks included) from another site is refused: the
browser's ``Sec-Fetch-Site`` must say same-origin, or its ``Origin`` must be this dashboard's. Roles come from the
roles file, looked up afresh each request from the groups the identity carries.
"""
from __future__ import annotations

import ipaddress
import time
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import flask
from dash import html

from dashboard import audit
from dashboard.access import ANONYMOUS, Viewer
from dashboard.auth_settings import AuthSettings

MAX_HEADER = 1024  # characters kept of an identity header
MAX_GROUPS = 200
SESSION_COOKIE = "hwd_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def identify(config: AuthSettings) -> Viewer:
    """The viewer of the current request."""
    if config.mode == "proxy":
        return _from_proxy(config)
    if config.mode == "oidc":
        return _from_session(config)
    return ANONYMOUS


def _trusted(config: AuthSettings) -> bool:
    try:
        address = ipaddress.ip_address(flask.request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in config.networks())


def _from_proxy(config: AuthSettings) -> Viewer:
    if not _trusted(config):
        return ANONYMOUS  # identity headers from anywhere but the proxy are not believed
    flask.g.trusted_proxy = True
    headers = flask.request.headers
    email = headers.get("X-Forwarded-Email", "").strip()[:MAX_HEADER] or None
    user = headers.get("X-Forwarded-User", "").strip()[:MAX_HEADER] or email
    if not user:
        return ANONYMOUS
    groups = tuple(g.strip() for g in headers.get("X-Forwarded-Groups", "").split(",") if g.strip())[:MAX_GROUPS]
    return Viewer(user=user, email=email, groups=groups, roles=config.roles.of(groups))


def _from_session(config: AuthSettings) -> Viewer:
    who = flask.session.get("who")
    if not isinstance(who, dict) or not who.get("sub"):
        return ANONYMOUS
    if time.time() - float(who.get("at", 0)) > config.session_hours * 3600:  # an absolute limit, not only idle
        flask.session.pop("who", None)
        return ANONYMOUS
    groups = tuple(str(g) for g in who.get("groups", ()))[:MAX_GROUPS]
    return Viewer(user=str(who["sub"]), email=who.get("email"), name=who.get("name"), groups=groups,
                  roles=config.roles.of(groups))


def sign_in_url(config: AuthSettings, next_path: str | None = None) -> str | None:
    """Where to sign in, coming back to ``next_path`` (OIDC without one: back to the page the link was on)."""
    prefix = flask.current_app.config["DASHBOARD_SETTINGS"].url_prefix
    if config.mode == "oidc":
        return f"{prefix}auth/sign-in" + (f"?{urlencode({'next': next_path})}" if next_path else "")
    if config.mode == "proxy":
        return f"{config.proxy_sign_in}?{urlencode({'rd': next_path or prefix})}"
    return None


def return_path() -> str | None:
    """The page a sign-in link was followed from (its Referer, if it is this dashboard's), as a path."""
    referrer = flask.request.referrer or ""
    parts = urlsplit(referrer)
    if f"{parts.scheme}://{parts.netloc}" in _own_origins():
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def _safe_next(value: str | None) -> str:
    """A path on this dashboard to return to after signing in: never another site (an open redirect)."""
    prefix = flask.current_app.config["DASHBOARD_SETTINGS"].url_prefix
    if not value or not value.startswith(prefix) or value.startswith("//") or "\\" in value \
            or urlsplit(value).netloc or any(ch in value for ch in "\r\n"):
        return prefix
    return value


def _own_origins() -> set[str]:
    settings = flask.current_app.config["DASHBOARD_SETTINGS"]
    origins = {flask.request.host_url.rstrip("/")}
    if settings.public_url:
        origins.add(settings.public_url.rstrip("/"))
    return origins


def cross_site_problem() -> str | None:
    """Why a state-changing request looks cross-site, or None (browsers send Sec-Fetch-Site or Origin; a script
    that sends neither carries no browser's cookies, so it is not the confused deputy CSRF exploits)."""
    request = flask.request
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return None if site in ("same-origin", "none") else f"Sec-Fetch-Site is {site[:20]}"
    origin = request.headers.get("Origin")
    if origin is not None and origin.rstrip("/") not in _own_origins():
        return f"its Origin {origin[:80]!r} is not this dashboard's"
    return None


def register(app, settings) -> None:
    config: AuthSettings = settings.auth
    server = app.server
    if config.enabled:
        audit.open_log(config)
        check_roles(config)
        server.config.update(
            SESSION_COOKIE_NAME=SESSION_COOKIE, SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=timedelta(hours=config.session_hours))
        if config.secret_key:
            server.secret_key = config.secret_key

    # The hooks read the settings each request (access.settings()), so they do nothing in open mode.
    @server.before_request
    def refuse_cross_site():
        from dashboard import access

        if access.settings().enabled and flask.request.method not in SAFE_METHODS:
            problem = cross_site_problem()
            if problem:
                return flask.Response(f"Cross-site request refused: {problem}. Use the dashboard's own pages.\n",
                                      status=403, mimetype="text/plain")
        return None

    @server.after_request
    def private_responses(response: flask.Response) -> flask.Response:
        from dashboard import access

        current = access.settings()
        if not current.enabled:
            return response
        # What a page shows depends on who asks: no shared cache may keep it for someone else.
        response.vary.add("Cookie")
        if current.mode == "proxy":
            for header in ("X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups"):
                response.vary.add(header)
        if flask.g.get("restricted_served") or flask.request.path.endswith("_dash-layout"):
            response.headers["Cache-Control"] = "private, no-store"
        return response

    if config.mode == "oidc":
        from dashboard import auth_oidc

        auth_oidc.register(server, settings, _safe_next)


def check_roles(config: AuthSettings) -> None:
    """Stop start-up on a roles file naming an ICB the warehouse does not have (SystemExit naming the line). A
    warehouse that cannot be read yet is not a reason to stop: an unknown code would match no row anyway."""
    import queries
    from dashboard.domain import domain
    from dashboard.settings import SettingError

    try:
        codes = domain().areas_at("icb")["code"]
    except queries.WarehouseUnavailable:
        return
    try:
        config.roles.check_codes(codes)
    except SettingError as error:
        raise SystemExit(str(error)) from None


def user_bar():
    """The header's sign-in state: who is signed in, with their role and a sign-out button; or a sign-in link.
    Nothing in open mode."""
    from dashboard import access

    config = access.settings()
    if not config.enabled or not flask.has_request_context():
        return None
    who = access.viewer()
    prefix = flask.current_app.config["DASHBOARD_SETTINGS"].url_prefix
    if not who.signed_in:
        return html.A("Sign in", href=sign_in_url(config), className="btn btn-outline-light btn-sm user-sign-in")
    from dashboard.auth_settings import icb_name

    role = "national" if who.national else (f"ICB: {', '.join(icb_name(c) for c in who.icbs)}" if who.icbs
                                            else "no role for pilot returns")
    label = html.Span([f"Signed in as {who.name or who.email or who.user} ", html.Span(f"({role})",
                       className="user-role")], className="user-name me-2")
    if config.mode == "oidc":
        out = html.Form(html.Button("Sign out", type="submit", className="btn btn-outline-light btn-sm"),
                        action=f"{prefix}auth/sign-out", method="post", className="d-inline user-sign-out")
    else:
        out = html.A("Sign out", href=config.proxy_sign_out, className="btn btn-outline-light btn-sm user-sign-out")
    return html.Div([label, out], className="user-bar d-flex align-items-center text-white small ms-lg-auto")
