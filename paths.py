"""Where the warehouse lives, known to the build that writes it and the app that reads it (neither imports the
other for it): ``DASHBOARD_DB`` if set, else ``data/warehouse.duckdb`` beside the build."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"


def default_db_path() -> Path:
    return Path(os.environ.get("DASHBOARD_DB") or DEFAULT_DB)
