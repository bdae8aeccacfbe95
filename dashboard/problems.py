"""Errors of the data API and oEmbed as RFC 9457 problem details: ``type``, ``title``, ``status``, ``detail`` and
``instance``, plus ``parameter`` (the one at fault) and ``accepted`` (what it accepts) where a parameter is wrong.
The ``type`` of each is an anchor on the API page (``/api#problem-<title>``), which explains it."""
from __future__ import annotations

import flask

PROBLEM_MIMETYPE = "application/problem+json"


def base_url() -> str:
    """The dashboard's address, ending in "/": its public origin (``routes.public_origin``: never an unchecked Host
    header) and URL prefix; only the prefix, a relative address, when the public origin is not known."""
    from dashboard.routes import public_origin

    return public_origin() + flask.current_app.config["DASHBOARD_SETTINGS"].url_prefix


class Problem(Exception):
    """An API error: RFC 9457 problem details, with the parameter at fault and what it accepts."""

    def __init__(self, status: int, title: str, detail: str, **extensions):
        self.status, self.title, self.detail, self.extensions = status, title, detail, extensions
        super().__init__(detail)

    def response(self) -> flask.Response:
        slug = self.title.lower().replace(" ", "-")
        body = {"type": f"{base_url()}api#problem-{slug}", "title": self.title, "status": self.status,
                "detail": self.detail, "instance": flask.request.full_path.rstrip("?"), **self.extensions}
        response = flask.jsonify(body)
        response.status_code, response.mimetype = self.status, PROBLEM_MIMETYPE
        return response
