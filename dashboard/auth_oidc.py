"""OpenID Connect sign-in with Authlib: ``/auth/sign-in``, ``/auth/callback``, ``/auth/sign-out``.

The provider is found from its issuer (``/.well-known/openid-configuration``); Authlib keeps the state and nonce
in the session and checks the ID token's signature, issuer, audience, expiry and nonce. The session then holds
the user's subject, email, name, groups (the ``DASHBOARD_OIDC_GROUPS_CLAIM`` claim, from the ID token or the
userinfo endpoint) and the time they signed in: no token.
"""
from __future__ import annotations

import html
import time
from urllib.parse import urlencode

import flask
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth

from dashboard import audit
from dashboard.auth_settings import AuthSettings

PROVIDER = "idp"


def _groups(claims: dict, name: str) -> list[str]:
    value = claims.get(name)
    if isinstance(value, str):
        return [g.strip() for g in value.split(",") if g.strip()]
    if isinstance(value, list | tuple):
        return [str(g) for g in value if isinstance(g, str | int)]
    return []


def register(server: flask.Flask, settings, safe_next) -> None:
    config: AuthSettings = settings.auth
    prefix = settings.url_prefix
    oauth = OAuth(server)
    client = oauth.register(
        PROVIDER, client_id=config.oidc_client_id, client_secret=config.oidc_client_secret,
        server_metadata_url=f"{config.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": config.oidc_scopes})

    def own(path: str) -> str:
        from dashboard.routes import public_origin

        return f"{public_origin() or flask.request.host_url.rstrip('/')}{prefix}{path}"

    @server.get(f"{prefix}auth/sign-in")
    def auth_sign_in():
        from dashboard import auth

        flask.session["next"] = safe_next(flask.request.args.get("next") or auth.return_path())
        return client.authorize_redirect(own("auth/callback"))

    @server.get(f"{prefix}auth/callback")
    def auth_callback():
        from dashboard import access

        try:
            token = client.authorize_access_token()
        except OAuthError as error:
            return flask.Response(f"Sign-in did not complete: {error.error or 'refused'}. Try again from "
                                  f"{prefix}auth/sign-in.\n", status=401, mimetype="text/plain")
        claims = dict(token.get("userinfo") or {})
        if config.oidc_groups_claim not in claims:
            claims.update(client.userinfo(token=token))
        next_path = flask.session.pop("next", prefix)
        flask.session.clear()  # a new session for a new sign-in (no fixation)
        flask.session.permanent = True
        flask.session["who"] = {
            "sub": str(claims.get("sub")), "email": claims.get("email"),
            "name": claims.get("name") or claims.get("preferred_username"),
            "groups": _groups(claims, config.oidc_groups_claim), "at": time.time()}
        flask.g.pop("viewer", None)
        audit.session_event(config, "sign-in", access.viewer())
        return flask.redirect(safe_next(next_path))

    @server.post(f"{prefix}auth/sign-out")
    def auth_sign_out():
        from dashboard import access

        who = access.viewer()
        flask.session.clear()
        if who.signed_in:
            audit.session_event(config, "sign-out", who)
        # 303 to a page of our own: the CSP's form-action 'self' would stop a redirect to the provider here.
        return flask.redirect(f"{prefix}auth/signed-out", 303)

    @server.get(f"{prefix}auth/signed-out")
    def auth_signed_out():
        try:
            end = client.load_server_metadata().get("end_session_endpoint")
        except Exception:  # noqa: BLE001  the provider unreachable: the dashboard's own session has ended anyway
            end = None
        provider = ""
        if end:  # RP-initiated logout 1.0: client_id and where to come back to, no token kept for it
            query = urlencode({"client_id": config.oidc_client_id, "post_logout_redirect_uri": own("")})
            provider = (f'<p><a href="{html.escape(end)}?{html.escape(query)}" class="provider-sign-out">Sign out of '
                        "your organisation's account as well</a> (on a shared computer, do).</p>")
        page = ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Signed out - Health and work '
                'dashboard</title><link rel="stylesheet" href="' + html.escape(f"{prefix}_vendor/bootstrap.min.css")
                + '"></head><body><main class="container py-4"><h1>You have signed out of the dashboard</h1>'
                + provider + f'<p><a href="{html.escape(prefix)}">Back to the dashboard</a> (published figures '
                "only until you sign in again).</p></main></body></html>")
        response = flask.Response(page, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response
