"""Settings from the environment, with defaults that run on a laptop (see ``.env.example``)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.auth_settings import AuthSettings
from queries import default_db_path


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8050
    db: Path = Path("data/warehouse.duckdb")
    url_prefix: str = "/"
    frame_ancestors: str = "'self'"
    cache_url: str | None = None
    debug: bool = False
    # The survey design factor applied to APS/LFS intervals and CVs (dashboard/stats/quality.py says why).
    survey_design_factor: float = 1.2
    # The address readers use (scheme and host, e.g. https://dashboards.example.gov.uk): written into exports'
    # "accessed from" line and embed codes instead of whatever Host header a request carried.
    public_url: str | None = None
    # Host headers the app answers (Flask's TRUSTED_HOSTS); others get a 400. Empty: any, but then only a loopback
    # host (a laptop) is written into an address, never an unvalidated one.
    allowed_hosts: tuple[str, ...] = ()
    # Key for the HMAC on every result in the shared cache (required with cache_url).
    cache_key: str | None = None
    # Where readers report an accessibility problem (an email address or a web address), named in the About
    # page's accessibility statement; unset, the statement asks them to contact the team that runs the copy.
    accessibility_contact: str | None = None
    # Who sees what: sign-in mode, roles file, audit log, session (dashboard/auth_settings.py); open by default.
    auth: AuthSettings = field(default_factory=AuthSettings)

    def __post_init__(self):
        check_frame_ancestors(self.frame_ancestors)
        if self.public_url is not None:
            check_public_url(self.public_url)
        if self.cache_url:
            # A shared cache is only as trustworthy as its entries' HMAC: no key, no shared cache.
            from queries.shared import MIN_KEY_LENGTH

            if not self.cache_key or len(self.cache_key) < MIN_KEY_LENGTH:
                raise SettingError(
                    f"DASHBOARD_CACHE_URL is set but DASHBOARD_CACHE_KEY is {'too short' if self.cache_key else 'not'}:"
                    f" give every worker the same secret of at least {MIN_KEY_LENGTH} characters (python -c 'import "
                    "secrets; print(secrets.token_hex(32))'), or unset DASHBOARD_CACHE_URL")
            if not self.cache_url.startswith(("redis://", "rediss://", "unix://")):
                raise SettingError(f"DASHBOARD_CACHE_URL must be a redis:// URL, got {self.cache_url[:80]!r}")
        if not (self.survey_design_factor >= 1 and self.survey_design_factor < 10):  # NaN fails both
            raise SettingError("DASHBOARD_SURVEY_DESIGN_FACTOR must be a number from 1 (a simple random sample) to "
                               f"under 10, got {self.survey_design_factor!r}")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        prefix = env.get("DASHBOARD_URL_PREFIX", "/").strip() or "/"
        prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        try:
            port = int(env.get("PORT", "8050"))
        except ValueError:
            raise SystemExit(f"PORT must be a whole number, got {env.get('PORT')!r}") from None
        try:
            return cls._from_env(env, port, prefix)
        except SettingError as error:
            raise SystemExit(str(error)) from None

    @classmethod
    def _from_env(cls, env, port: int, prefix: str) -> Settings:
        raw_deft = env.get("DASHBOARD_SURVEY_DESIGN_FACTOR", "1.2")
        try:
            deft = float(raw_deft)
        except ValueError:
            raise SettingError("DASHBOARD_SURVEY_DESIGN_FACTOR must be a number from 1 (a simple random sample) "
                               f"to under 10, got {raw_deft[:40]!r}") from None
        return cls(
            host=env.get("HOST", "127.0.0.1"),
            port=port,
            db=Path(env["DASHBOARD_DB"]) if env.get("DASHBOARD_DB") else default_db_path(),
            url_prefix=prefix,
            frame_ancestors=env.get("DASHBOARD_FRAME_ANCESTORS", "'self'").strip() or "'self'",
            cache_url=env.get("DASHBOARD_CACHE_URL") or None,
            debug=env.get("DASHBOARD_DEBUG", "").lower() in {"1", "true", "yes"},
            survey_design_factor=deft,
            public_url=(env.get("DASHBOARD_PUBLIC_URL") or "").strip().rstrip("/") or None,
            allowed_hosts=tuple(h.strip().lower() for h in env.get("DASHBOARD_ALLOWED_HOSTS", "").split(",")
                                if h.strip()),
            cache_key=env.get("DASHBOARD_CACHE_KEY") or None,
            accessibility_contact=(env.get("DASHBOARD_ACCESSIBILITY_CONTACT") or "").strip() or None,
            auth=AuthSettings.from_env(env),
        )


class SettingError(ValueError):
    """A setting that is not accepted; the message names it, what was given and what is accepted."""


# CSP source expressions (CSP Level 3): 'self' or 'none', a scheme ("https:"), or a host with optional scheme,
# port and path. Anything else (";", ",", quotes, newlines) would add directives or break every embed.
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*"
_HOST = r"(?:\*|(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)"
_SOURCE = re.compile(rf"'self'|{_SCHEME}:|(?:{_SCHEME}://)?{_HOST}(?::(?:[0-9]+|\*))?(?:/[A-Za-z0-9._~%/-]*)?",
                     re.ASCII)


def check_frame_ancestors(value: str) -> None:
    """Raise SettingError unless ``value`` is 'none' or CSP source expressions separated by single spaces."""
    start = "DASHBOARD_FRAME_ANCESTORS"
    accepted = ("accepted: 'none', or sources separated by single spaces: 'self', a scheme such as https:, or a "
                "host such as https://intranet.example.gov.uk")
    if value == "'none'":
        return
    bad = next((ch for ch in value if ch in ";,\r\n\t\"" or not ch.isprintable()), None)
    if bad is not None:
        raise SettingError(f"{start} contains {bad!r}, which would end or break the CSP directive; {accepted}")
    for source in value.split(" "):
        if source == "":
            raise SettingError(f"{start} {value[:80]!r} has a leading, trailing or doubled space; {accepted}")
        if not _SOURCE.fullmatch(source):
            raise SettingError(f"{start}: {source[:80]!r} is not a CSP source; {accepted}")


def check_public_url(value: str) -> None:
    parts = urlsplit(value)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query
            or parts.fragment or parts.username or any(ch.isspace() for ch in value)):
        raise SettingError(f"DASHBOARD_PUBLIC_URL must be a scheme and host such as https://dashboards.example.gov.uk "
                           f"(no path: DASHBOARD_URL_PREFIX gives that), got {value[:80]!r}")
