"""OpenID Connect sign-in with Authlib: ``/auth/sign-in``, ``/auth/callback``, ``/auth/sign-out``.

The provider is found from its issuer (``/.well-known/openid-configuration``); Authlib keeps the state and nonce
in the session and checks the ID token's signature, issuer, audience, expiry and nonce. The session then holds
the user's subject, email, name, groups (the ``DASHBOARD_OIDC_GROUPS_CLAIM`` claim, from the ID token or the
userinfo endpoint), the time they signed in, and the ID token (for ending the provider's session at sign-out).
"""
from __future__ import annotations

import time

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
        flask.session["next"] = safe_next(flask.request.args.get("next"))
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
        flask.session["id_token"] = token.get("id_token")
        flask.g.pop("viewer", None)
        audit.session_event(config, "sign-in", access.viewer())
        return flask.redirect(safe_next(next_path))

    @server.post(f"{prefix}auth/sign-out")
    def auth_sign_out():
        from dashboard import access

        who = access.viewer()
        id_token = flask.session.get("id_token")
        flask.session.clear()
        if who.signed_in:
            audit.session_event(config, "sign-out", who)
        try:
            end = client.load_server_metadata().get("end_session_endpoint")
        except Exception:  # noqa: BLE001  the provider unreachable: the dashboard's own session has ended anyway
            end = None
        if end and id_token:
            return client.logout_redirect(post_logout_redirect_uri=own(""), id_token_hint=id_token)
        return flask.redirect(prefix)
