"""The build history a warehouse carries: each build copies the previous warehouse's history and adds itself.

The warehouse file is replaced on every build, so the record of earlier builds must travel inside it. ``record``
runs inside the build's connection, before the new file replaces the old: it reads the previous warehouse at the
target path (read-only; absent, unreadable or built before history was kept are all fine), copies its
``build_history`` rows and appends one for this build with what changed since the previous one: periods and
areas that are new, and source files that were replaced or removed. ``/feed.atom`` and the About page read it.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

HISTORY_SQL = Path(__file__).with_name("history.sql")
# (what, table, column): the periods each kind of data covers. Identifiers come from this list only.
PERIODS = (
    ("Survey estimates", "population", "period"),
    ("Nomis APS", "source_nomis_aps", "period"),
    ("ONS INAC01", "source_inac01", "period"),
    ("Fingertips", "source_fingertips", "time_period"),
    ("Pilot returns", "pilot_returns", "period"),
)
AREAS = (("areas", "code"), ("source_nomis_aps", "area_code"), ("source_fingertips", "area_code"),
         ("pilot_returns", "icb_code"))
COLUMNS = ["seq", "data_version", "built_at", "is_demo", "details"]
# The latest period each source table holds, as the publisher labels it (what a release brought).
LATEST = {
    "source_nomis_aps": "SELECT arg_max(period, period_end) FROM source_nomis_aps",
    "source_inac01": "SELECT arg_max(period, period_end) FROM source_inac01",
    "source_fingertips": "SELECT arg_max(time_period, time_period_sortable) FROM source_fingertips",
    "pilot_returns": "SELECT max(period) FROM pilot_returns",
}
MANIFEST = ".manifest.json"  # written by python -m data.fetch beside the files it downloaded


def _distinct(con: duckdb.DuckDBPyConnection, table: str, column: str) -> set[str]:
    """Distinct non-null values of a whitelisted column; empty when the table is not there (an older build)."""
    try:
        rows = con.execute(f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM {table} '
                           f'WHERE "{column}" IS NOT NULL').fetchall()
    except duckdb.CatalogException:
        return set()
    return {row[0] for row in rows}


def snapshot(con: duckdb.DuckDBPyConnection) -> dict:
    """What a warehouse holds that the history compares: periods by kind, area codes, and source files."""
    try:
        files = con.execute("SELECT * FROM source_files ORDER BY file").df()
    except duckdb.CatalogException:
        files = pd.DataFrame(columns=["file", "format", "target", "rows", "sha256"])
    try:
        history = con.execute("SELECT seq, data_version, built_at, is_demo, details FROM build_history "
                              "ORDER BY seq").df()
    except duckdb.CatalogException:
        history = None
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.CatalogException:
        meta = {}
    return {
        "periods": {what: _distinct(con, table, column) for what, table, column in PERIODS},
        "areas": set().union(*(_distinct(con, table, column) for table, column in AREAS)),
        "files": files.to_dict("records"),
        "latest": _latest(con),
        "history": history,
        "meta": meta,
    }


def previous(path: Path) -> dict | None:
    """The snapshot of the warehouse a build is about to replace, or None if there is none it can read."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return snapshot(con)
    except duckdb.Error:
        return None  # a corrupt or foreign file: the new build starts the history afresh


def _latest(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    out = {}
    for table, sql in LATEST.items():
        try:
            value = con.execute(sql).fetchall()[0][0]
        except duckdb.CatalogException:
            continue
        if value is not None:
            out[table] = str(value)
    return out


def _manifest(meta: dict) -> dict[str, dict]:
    """What ``python -m data.fetch`` recorded of each file it downloaded (publisher, dataset, address, when)."""
    path = Path(str(meta.get("source_dir", ""))) / MANIFEST
    try:
        files = json.loads(path.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return {}
    return {str(f.get("file")): f for f in files if isinstance(f, dict)}


def _sources(new: dict, meta: dict) -> list[dict]:
    if not new["files"]:
        return [{"file": f"demo generator, seed {meta.get('seed', '')}", "format": "synthetic demo data",
                 "participants": f"{int(meta.get('participants', 0)):,}", "data_to": str(meta.get("data_cutoff", ""))}]
    keep = ("file", "format", "target", "rows", "sha256", "release")  # "release" when a reader records one
    fetched = _manifest(meta)
    out = []
    for f in new["files"]:
        entry = {k: str(f[k]) for k in keep if k in f and pd.notna(f[k])}
        if entry.get("target") in new.get("latest", {}):
            entry["data_to"] = new["latest"][entry["target"]]
        download = fetched.get(entry["file"].split("[", 1)[0].strip())  # a workbook's sheet: "file.xlsx [sheet]"
        if download:
            entry.update({k: str(download[k]) for k in ("publisher", "dataset", "url") if download.get(k)})
            if download.get("retrieved_at"):
                entry["retrieved"] = str(download["retrieved_at"])[:10]
        out.append(entry)
    return out


def changes(old: dict | None, new: dict, meta: dict) -> dict:
    """This build's entry: its sources and what is new since ``old`` (everything, for a first build)."""
    old_periods = old["periods"] if old else {}
    new_periods = {what: sorted(values - old_periods.get(what, set())) for what, values in new["periods"].items()}
    old_files = {f["file"]: f for f in old["files"]} if old else {}
    now = {f["file"]: f for f in new["files"]}
    superseded = [{"file": name, "reason": "replaced by a different file" if name in now else "no longer loaded"}
                  for name, f in old_files.items() if name not in now or now[name]["sha256"] != f["sha256"]]
    return {
        "kind": "source files" if new["files"] else "demo",
        "previous_version": (old or {}).get("meta", {}).get("data_version"),
        "sources": _sources(new, meta),
        "new_periods": {what: values for what, values in new_periods.items() if values},
        "new_areas": sorted(new["areas"] - (old["areas"] if old else set())),
        "superseded": superseded,
    }


def record(con: duckdb.DuckDBPyConnection, path: Path, meta: dict[str, object]) -> None:
    """In the new warehouse ``con``: copy the history of the warehouse at ``path`` and add this build."""
    con.execute(HISTORY_SQL.read_text())
    old = previous(path)
    rows = pd.DataFrame(columns=COLUMNS)
    if old is not None and old["history"] is not None:
        rows = old["history"]
    elif old is not None and old["meta"].get("data_version"):  # built before history was kept: remember it
        rows = pd.DataFrame([{"seq": 1, "data_version": old["meta"]["data_version"],
                              "built_at": old["meta"].get("built_at", ""), "is_demo": old["meta"].get("is_demo") == "true",
                              "details": json.dumps({"kind": "unknown", "note": "built before the history was kept"})}])
    entry = {"seq": int(rows["seq"].max()) + 1 if len(rows) else 1, "data_version": str(meta["data_version"]),
             "built_at": str(meta["built_at"]), "is_demo": str(meta.get("is_demo")) == "true",
             "details": json.dumps(changes(old, snapshot(con), meta))}
    rows = pd.concat([rows.astype({"seq": int, "is_demo": bool}), pd.DataFrame([entry])], ignore_index=True)
    con.register("history_rows", rows[COLUMNS])
    try:
        con.execute("INSERT INTO build_history SELECT seq, data_version, built_at, is_demo, details FROM history_rows")
    finally:
        con.unregister("history_rows")
