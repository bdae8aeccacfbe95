"""Settings from the environment, with defaults that run on a laptop (see ``.env.example``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from data.build import default_db_path


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

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        prefix = env.get("DASHBOARD_URL_PREFIX", "/").strip() or "/"
        prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
        try:
            port = int(env.get("PORT", "8050"))
        except ValueError:
            raise SystemExit(f"PORT must be a whole number, got {env.get('PORT')!r}") from None
        raw_deft = env.get("DASHBOARD_SURVEY_DESIGN_FACTOR", "1.2")
        try:
            deft = float(raw_deft)
        except ValueError:
            deft = float("nan")
        if not (deft >= 1 and deft < 10):
            raise SystemExit("DASHBOARD_SURVEY_DESIGN_FACTOR must be a number from 1 (a simple random sample) to "
                             f"under 10, got {raw_deft!r}")
        return cls(
            host=env.get("HOST", "127.0.0.1"),
            port=port,
            db=Path(env["DASHBOARD_DB"]) if env.get("DASHBOARD_DB") else default_db_path(),
            url_prefix=prefix,
            frame_ancestors=env.get("DASHBOARD_FRAME_ANCESTORS", "'self'").strip() or "'self'",
            cache_url=env.get("DASHBOARD_CACHE_URL") or None,
            debug=env.get("DASHBOARD_DEBUG", "").lower() in {"1", "true", "yes"},
            survey_design_factor=deft,
        )
