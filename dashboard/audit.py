"""The audit trail: a JSON line for each access to unpublished data (and each refusal, sign-in and sign-out), to
``DASHBOARD_AUDIT_LOG``, rotated by size (``DASHBOARD_AUDIT_MAX_MB``, ``DASHBOARD_AUDIT_BACKUPS``).

A line says who (user, email, roles), what (the chart, and the way it was asked for: page, table, export format,
workbook, slide pack, PDF, embed, API), the filters, when (UTC), from where (the client's address; the proxy's
too when one forwarded it) and the outcome (200, 401, 403). It never holds the data itself.

A rotating file is rotated safely by one process: with several workers (gunicorn -w N), give each worker its own
``DASHBOARD_AUDIT_LOG`` or collect the file with the host's log shipper, as the README says.
"""
from __future__ import annotations

import json
import logging
import logging.handlers
import threading
from datetime import UTC, datetime

import flask

from dashboard.auth_settings import AuthSettings

_loggers: dict[str, logging.Logger] = {}
_lock = threading.Lock()


def _logger(config: AuthSettings) -> logging.Logger:
    path = str(config.audit_log)
    with _lock:
        if path not in _loggers:
            logger = logging.getLogger(f"dashboard.audit.{len(_loggers)}")
            logger.setLevel(logging.INFO)
            logger.propagate = False  # never into the application's own log
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=config.audit_max_bytes,
                                                           backupCount=config.audit_backups, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
            _loggers[path] = logger
        return _loggers[path]


def open_log(config: AuthSettings) -> None:
    """Open the audit file at start-up, so a path that cannot be written stops the app there, not later."""
    if config.audit_log is not None:
        try:
            _logger(config)
        except OSError as error:
            from dashboard.settings import SettingError

            raise SettingError(f"DASHBOARD_AUDIT_LOG {config.audit_log}: cannot be written ({error.strerror})") \
                from None


def channel() -> str:
    """How the data was asked for, in a word or two, from the request."""
    request = flask.request
    path = request.path
    if path.endswith("_dash-update-component"):
        body = request.get_json(silent=True) or {}
        output = str(body.get("output", "")) if isinstance(body, dict) else ""
        if '"chart-graph"' in output:
            return "page"  # a card drawn (its open table comes in the same request)
        if '"chart-table"' in output:
            return "table"  # "Show as table" opened
        return "page " + output.split(".")[0][:60]
    endpoint = request.endpoint or ""
    if endpoint == "export_chart":
        return f"export {(request.view_args or {}).get('fmt', '')}"
    return {"export_page": "page workbook", "export_briefing": "slide pack", "export_profile_pdf": "profile PDF",
            "embed": "embed", "api.chart": "data API", "api.oembed": "oEmbed"}.get(endpoint, endpoint or path)


def client_address() -> tuple[str | None, str | None]:
    """(the client's address, the proxy's address or None): the proxy's X-Forwarded-For is believed only from a
    trusted proxy (flask.g.trusted_proxy, set by dashboard/auth.py)."""
    request = flask.request
    if flask.g.get("trusted_proxy"):
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1][:64], request.remote_addr
    return request.remote_addr, None


def write(config: AuthSettings, event: dict) -> None:
    if config.audit_log is None:
        return
    _logger(config).info(json.dumps(event, ensure_ascii=False, sort_keys=False, default=str))


def record(config: AuthSettings, who, chart_id: str, filters, scope, status: int) -> None:
    """One line for one decision on a restricted chart."""
    if config.audit_log is None or not flask.has_request_context():
        return
    address, via = client_address()
    write(config, {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": "access" if status == 200 else "refused",
        "status": status,
        "user": who.user, "email": who.email, "roles": sorted(who.roles),
        "chart": chart_id, "channel": channel(), "path": flask.request.path,
        "filters": filters.to_query(), "scope": list(scope) if scope else None,
        "address": address, "via": via, "mode": config.mode,
    })


def session_event(config: AuthSettings, event: str, who) -> None:
    """A sign-in or sign-out."""
    if config.audit_log is None:
        return
    address, via = client_address()
    write(config, {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event,
                   "user": who.user, "email": who.email, "roles": sorted(who.roles), "address": address, "via": via,
                   "mode": config.mode})
