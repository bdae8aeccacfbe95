"""Sign-in settings and the roles file, read once at start-up (``Settings.from_env``); a bad value stops start-up
with a message naming the setting or the roles file's line, what was given and what is accepted.

``DASHBOARD_AUTH``: unset (or ``open``) serves everything to everyone, as a laptop with demo data does;
``proxy`` trusts oauth2-proxy's identity headers from ``DASHBOARD_TRUSTED_PROXIES`` only; ``oidc`` signs users in
against the organisation's identity provider (Authlib). Either sign-in mode needs ``DASHBOARD_ROLES`` (the roles
file) and ``DASHBOARD_AUDIT_LOG``; ``oidc`` needs ``DASHBOARD_SECRET_KEY`` for its session cookie as well.

The roles file maps identity-provider groups to roles, one ``group: role`` line each (YAML)::

    # national analysts see every ICB's unpublished returns
    hwd-national-analysts: national
    # an ICB's commissioners see that ICB's own (South Yorkshire, E54000061)
    hwd-icb-south-yorkshire: icb:E54000061
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("open", "proxy", "oidc")
NATIONAL = "national"
MIN_SECRET_LENGTH = 32
_MEGABYTE = 1024 * 1024


def _error(message: str) -> Exception:
    from dashboard.settings import SettingError  # here, not at import: settings imports this module

    return SettingError(message)


@dataclass(frozen=True)
class Roles:
    """group -> the roles it gives (``national`` or ``icb:<code>``), from the roles file, with each group's line."""
    by_group: dict[str, frozenset[str]] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict, compare=False)  # group -> "FILE line N", for messages

    def __hash__(self) -> int:
        return hash(tuple(sorted((g, tuple(sorted(r))) for g, r in self.by_group.items())))

    def of(self, groups) -> frozenset[str]:
        return frozenset(role for group in groups for role in self.by_group.get(group, ()))

    def check_codes(self, icbs: Iterable[str]) -> None:
        """SettingError naming the line of the first ICB code that is not one of the warehouse's ICBs (the codes'
        form is checked when the file is read; the list of ICBs lives in the warehouse, checked at start-up)."""
        known = set(icbs)
        for group, roles in self.by_group.items():
            for role in roles:
                if role.startswith("icb:") and role[4:] not in known:
                    raise _error(f"{self.lines.get(group, 'DASHBOARD_ROLES')}: {role!r} is not a role: {role[4:]!r} is "
                                 f"not one of the {len(known)} ICBs (as the About page lists them); {ACCEPTED}")


ACCEPTED = ("each line `group: role`, where role is national or icb:<GSS code of one of the 42 ICBs, E54...>, "
            "e.g. `icb-south-yorkshire: icb:E54000061`")
_ICB_CODE = re.compile(r"E54[0-9]{6}", re.ASCII)


def parse_roles(text: str, where: str = "DASHBOARD_ROLES") -> Roles:
    """The roles in a roles file's text; SettingError naming the line of the first thing wrong."""
    import yaml

    accepted = ACCEPTED
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise _error(f"{where}{line}: not YAML ({getattr(error, 'problem', None) or error}); {accepted}") from None
    if node is None:
        raise _error(f"{where} has no roles; {accepted}")
    if not isinstance(node, yaml.MappingNode):
        raise _error(f"{where} line {node.start_mark.line + 1}: expected `group: role` lines; {accepted}")
    by_group: dict[str, set[str]] = {}
    lines: dict[str, str] = {}
    for key, value in node.value:
        line = f"{where} line {key.start_mark.line + 1}"
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode) or not key.value.strip():
            raise _error(f"{line}: expected `group: role` (one group, one role); {accepted}")
        group, role = key.value.strip(), value.value.strip()
        if role.lower() == NATIONAL:
            role = NATIONAL
        elif role.lower().startswith("icb:"):
            code = role[4:].strip().upper()
            if not _ICB_CODE.fullmatch(code):
                raise _error(f"{line}: {role[:60]!r} is not a role: {code[:20]!r} is not an ICB's GSS code "
                             "(E54 and six digits, as the About page lists them); " + accepted)
            role = f"icb:{code}"
        else:
            raise _error(f"{line}: {role[:60]!r} is not a role; {accepted}")
        if group in by_group:
            raise _error(f"{line}: group {group[:60]!r} is listed twice; give each group one line")
        by_group[group] = {role}
        lines[group] = line
    return Roles({g: frozenset(r) for g, r in by_group.items()}, lines)


def icb_name(code: str) -> str:
    """An ICB's name from the warehouse (its code when the warehouse cannot be read)."""
    from dashboard.domain import domain

    try:
        return domain().area_names.get(code, code)
    except Exception:  # noqa: BLE001  a message must not fail for want of a name
        return code


@dataclass(frozen=True)
class AuthSettings:
    mode: str = "open"
    trusted_proxies: tuple[str, ...] = ()  # CIDRs whose identity headers are trusted (proxy mode)
    roles_file: Path | None = None
    roles: Roles = field(default_factory=Roles)
    audit_log: Path | None = None
    audit_max_bytes: int = 10 * _MEGABYTE
    audit_backups: int = 10
    secret_key: str | None = field(default=None, repr=False)
    session_hours: float = 8.0
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_scopes: str = "openid email profile"
    oidc_groups_claim: str = "groups"
    proxy_sign_in: str = "/oauth2/start"
    proxy_sign_out: str = "/oauth2/sign_out"

    @property
    def enabled(self) -> bool:
        return self.mode != "open"

    def networks(self) -> tuple:
        return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in self.trusted_proxies)

    @classmethod
    def from_env(cls, env) -> AuthSettings:
        mode = (env.get("DASHBOARD_AUTH") or "open").strip().lower()
        if mode not in MODES:
            raise _error(f"DASHBOARD_AUTH must be one of {', '.join(MODES)} (unset: open), got {mode[:40]!r}")
        if mode == "open":
            return cls()
        proxies = tuple(p.strip() for p in env.get("DASHBOARD_TRUSTED_PROXIES", "").split(",") if p.strip())
        for cidr in proxies:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise _error(f"DASHBOARD_TRUSTED_PROXIES: {cidr[:60]!r} is not an address or CIDR range; give "
                             "the sign-in proxy's addresses separated by commas, e.g. 10.0.0.5,10.1.0.0/24") from None
        if mode == "proxy" and not proxies:
            raise _error("DASHBOARD_AUTH=proxy needs DASHBOARD_TRUSTED_PROXIES: the address (or CIDR range) of the "
                         "sign-in proxy in front, e.g. 127.0.0.1 when oauth2-proxy runs on the same host")
        roles_path = (env.get("DASHBOARD_ROLES") or "").strip()
        if not roles_path:
            raise _error(f"DASHBOARD_AUTH={mode} needs DASHBOARD_ROLES: the file mapping groups to roles "
                         "(docs/roles.example.yaml shows one)")
        try:
            roles = parse_roles(Path(roles_path).read_text(encoding="utf-8"), f"DASHBOARD_ROLES {roles_path}")
        except OSError as error:
            raise _error(f"DASHBOARD_ROLES {roles_path}: cannot be read ({error.strerror})") from None
        audit = (env.get("DASHBOARD_AUDIT_LOG") or "").strip()
        if not audit:
            raise _error(f"DASHBOARD_AUTH={mode} needs DASHBOARD_AUDIT_LOG: the file that records each access to "
                         "unpublished returns (a JSON line each)")
        settings = cls(
            mode=mode, trusted_proxies=proxies, roles_file=Path(roles_path), roles=roles, audit_log=Path(audit),
            audit_max_bytes=_number(env, "DASHBOARD_AUDIT_MAX_MB", 10, 1, 10_000) * _MEGABYTE,
            audit_backups=_number(env, "DASHBOARD_AUDIT_BACKUPS", 10, 1, 1000),
            secret_key=env.get("DASHBOARD_SECRET_KEY") or None,
            session_hours=_number(env, "DASHBOARD_SESSION_HOURS", 8, 1, 24 * 7),
            oidc_issuer=(env.get("DASHBOARD_OIDC_ISSUER") or "").strip().rstrip("/") or None,
            oidc_client_id=(env.get("DASHBOARD_OIDC_CLIENT_ID") or "").strip() or None,
            oidc_client_secret=env.get("DASHBOARD_OIDC_CLIENT_SECRET") or None,
            oidc_scopes=(env.get("DASHBOARD_OIDC_SCOPES") or "openid email profile").strip(),
            oidc_groups_claim=(env.get("DASHBOARD_OIDC_GROUPS_CLAIM") or "groups").strip(),
            proxy_sign_in=(env.get("DASHBOARD_PROXY_SIGN_IN") or "/oauth2/start").strip(),
            proxy_sign_out=(env.get("DASHBOARD_PROXY_SIGN_OUT") or "/oauth2/sign_out").strip(),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.mode != "oidc":
            return
        if not self.secret_key or len(self.secret_key) < MIN_SECRET_LENGTH:
            raise _error(f"DASHBOARD_AUTH=oidc needs DASHBOARD_SECRET_KEY, at least {MIN_SECRET_LENGTH} characters, "
                         "to sign its session cookie (python -c 'import secrets; print(secrets.token_hex(32))'); "
                         f"it is {'too short' if self.secret_key else 'not set'}")
        missing = [name for name, value in (("DASHBOARD_OIDC_ISSUER", self.oidc_issuer),
                                            ("DASHBOARD_OIDC_CLIENT_ID", self.oidc_client_id),
                                            ("DASHBOARD_OIDC_CLIENT_SECRET", self.oidc_client_secret)) if not value]
        if missing:
            raise _error(f"DASHBOARD_AUTH=oidc needs {', '.join(missing)} (the identity provider's issuer URL and "
                         "this dashboard's client id and secret, registered with the provider)")
        if not self.oidc_issuer.startswith(("https://", "http://localhost", "http://127.0.0.1")):
            raise _error(f"DASHBOARD_OIDC_ISSUER must be an https:// URL, got {self.oidc_issuer[:80]!r}")


def _number(env, name: str, default: float, low: float, high: float) -> int:
    text = (env.get(name) or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise _error(f"{name} must be a number from {low:g} to {high:g}, got {text[:40]!r}")
    return int(value) if value == int(value) else value
