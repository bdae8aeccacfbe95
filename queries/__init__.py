"""Named SQL queries over the warehouse: ``run("name", **params) -> DataFrame``.

Each question is one ``queries/<name>.sql`` file in DuckDB's dialect whose values are ``$name``
parameters bound by DuckDB, never formatted into the text. The runner keeps one read-only connection
per warehouse file, a cursor per call (callbacks run on threads), and notices when the file is
replaced by a new build, so the data version changes and cached results are dropped.

Results are cached by (query name, bound parameters, data version) in two tiers: a small LRU in the
process, and optionally Redis (``shared_cache("redis://...", key)``, from ``DASHBOARD_CACHE_URL`` and
``DASHBOARD_CACHE_KEY``; signed Arrow bytes, never pickles: ``queries/shared.py``) so every worker answers from what any other worker has already computed. The
data version is in every key, so a new warehouse can never be answered from an old one's results.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from queries.shared import SharedCache

log = logging.getLogger(__name__)

QUERY_DIR = Path(__file__).parent
DEFAULT_DB = QUERY_DIR.parent / "data" / "warehouse.duckdb"


def default_db_path() -> Path:
    """Where the warehouse is: ``$DASHBOARD_DB``, or ``data/warehouse.duckdb`` (the build writes there too)."""
    return Path(os.environ.get("DASHBOARD_DB") or DEFAULT_DB)
_PARAM = re.compile(r"(?<![\w$])\$([A-Za-z_]\w*)")
_COMMENT = re.compile(r"--[^\n]*")


class QueryError(Exception):
    """A query that cannot run as asked: unknown name or missing parameters."""


class WarehouseUnavailable(Exception):
    """The warehouse cannot be read just now: missing, not a DuckDB warehouse, damaged. Requests answer 503 and
    the next request tries again, so a good file put in its place is used without a restart."""


class WarehouseMissing(WarehouseUnavailable):
    """There is no warehouse file at the configured path."""


# DuckDB errors that say the file, not the query, is wrong: unreadable or truncated (IOException), damaged
# (plain duckdb.Error "Corrupt database file"), or without the tables a warehouse has (CatalogException).
_FILE_ERRORS = (duckdb.IOException, duckdb.CatalogException)


def _file_error(error: BaseException) -> bool:
    return isinstance(error, _FILE_ERRORS) or type(error) is duckdb.Error


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__


def open_read_only(path: Path) -> tuple[duckdb.DuckDBPyConnection, dict[str, str]]:
    """A read-only connection to the warehouse file at ``path`` and its meta values, or WarehouseUnavailable.

    The file is attached to a DuckDB of its own (an in-memory one): ``duckdb.connect(path)`` would hand back
    the database already open at that path in this process, which after a rebuild is the replaced file."""
    con = duckdb.connect()
    try:
        con.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(path)})
        con.execute("USE warehouse")
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.Error as error:
        con.close()
        raise WarehouseUnavailable(f"the warehouse at {path} cannot be read ({_first_line(error)}); rebuild it "
                                   "with `python -m data.build`") from None
    return con, meta


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: frozenset[str]


@cache
def load(name: str) -> Query:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise QueryError(f"not a query name: {name!r}")
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no query called {name!r} (looked for {path.name})")
    sql = path.read_text()
    return Query(name, sql, frozenset(_PARAM.findall(_COMMENT.sub("", sql))))


# The ICBs whose unpublished programme rows the chart being rendered may show (dashboard/access.py sets it around
# a restricted chart's data call; None: no restriction). Every query that takes ``$icbs`` is bound to it: a caller
# that passes no icbs gets the scope, one that passes a list gets it narrowed to the scope, never widened.
_SCOPE: ContextVar[tuple[str, ...] | None] = ContextVar("icb_scope", default=None)


@contextmanager
def scope(icbs: tuple[str, ...] | None):
    """Run queries inside this block restricted to ``icbs`` (None: no restriction)."""
    token = _SCOPE.set(None if icbs is None else tuple(icbs))
    try:
        yield
    finally:
        _SCOPE.reset(token)


def _scoped_icbs(given, allowed: tuple[str, ...] | None):
    if allowed is None:
        return None if given is None else list(given)
    return list(allowed) if given is None else [code for code in given if code in allowed]


def _freeze(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def shared_cache(url: str | None, key: str | None = None) -> SharedCache | None:
    """A cache shared by workers for ``DASHBOARD_CACHE_URL`` (``redis://host:port/db``) signed with
    ``DASHBOARD_CACHE_KEY``, or None for none. ValueError for a URL that is not Redis or a missing or short key."""
    if not url:
        return None
    from queries import shared

    return shared.connect(url, key or "")


def cache_key(name: str, version: str, bound: dict) -> str:
    """A short, stable text key for a shared cache: the query, the data version and a digest of the params."""
    params = repr(tuple(sorted((k, _freeze(v)) for k, v in bound.items())))
    return f"{name}:{version}:{hashlib.sha256(params.encode()).hexdigest()[:32]}"


class Warehouse:
    """A read-only view of one DuckDB warehouse file (or an open connection, for tests)."""

    def __init__(self, path: str | Path | None = None, *, connection: duckdb.DuckDBPyConnection | None = None,
                 cache_size: int = 512, shared: SharedCache | None = None):
        if (path is None) == (connection is None):
            raise ValueError("give a path or a connection")
        self.path = Path(path) if path is not None else None
        self._con = connection
        self._stamp: tuple | None = None if connection is None else ("connection",)
        self._meta: dict[str, str] | None = None
        self._gen: tuple = (connection, None)
        self._lock = threading.Lock()
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size
        self.shared = shared
        self.executions = 0  # queries actually run on DuckDB (not answered from a cache)
        # Bumped whenever this process's cached results are dropped (a new file, clear_cache, close), so caches
        # built on top of the results (dashboard/rendering.py) drop theirs too.
        self.generation = 0

    def _connection(self) -> duckdb.DuckDBPyConnection:
        return self._generation()[0]

    def _generation(self) -> tuple[duckdb.DuckDBPyConnection, dict[str, str] | None]:
        """The current connection and its file's meta, read together (one attribute), so a query and the data
        version it is cached under always belong to the same file, even while a new one replaces it."""
        if self.path is None:
            return self._con, self._meta
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise WarehouseMissing(f"no warehouse at {self.path}; run `python -m data.build`") from None
        except OSError as error:
            raise WarehouseUnavailable(f"the warehouse at {self.path} cannot be read ({error.strerror})") from None
        if not stat.S_ISREG(st.st_mode):
            raise WarehouseUnavailable(f"{self.path} is not a warehouse file (a directory?); set DASHBOARD_DB to "
                                       "the file `python -m data.build` writes")
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    con, meta = open_read_only(self.path)
                    # The old connection is not closed here: requests may still be reading through it. Each
                    # query holds it only while it runs, so it is closed when the last of them lets go of it.
                    self._con, self._stamp, self._meta = con, stamp, meta
                    self._gen = (con, meta)
                    self._cache.clear()
                    self.generation += 1
        return self._gen

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current warehouse file, for ad hoc SQL in tests and tools; close it after use."""
        return self._cursor(self._connection())

    def _cursor(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        cur = con.cursor()
        if self.path is not None:
            cur.execute("USE warehouse")  # a cursor starts in the in-memory database the file is attached to
        return cur

    @property
    def meta(self) -> dict[str, str]:
        con = self._connection()
        if self._meta is None:
            cur = self._cursor(con)
            try:
                self._meta = dict(cur.execute("SELECT key, value FROM meta").fetchall())
            finally:
                cur.close()
        return self._meta

    @property
    def version(self) -> str:
        return self.meta.get("data_version", "unknown")

    @property
    def is_demo(self) -> bool:
        return self.meta.get("is_demo") == "true"

    def close(self) -> None:
        """Close the connection (it reopens on the next query). DuckDB shares one database instance per path
        in a process, so two Warehouses on one path in one process (tests) see a new file only once both close."""
        with self._lock:
            if self.path is not None and self._con is not None:
                self._con.close()
                self._con, self._stamp, self._meta, self._gen = None, None, None, (None, None)
            self._cache.clear()
            self.generation += 1

    def _forget(self) -> None:
        with self._lock:
            if self.path is not None:
                self._con, self._stamp, self._meta, self._gen = None, None, None, (None, None)

    def clear_cache(self) -> None:
        """Forget this process's cached results (the shared cache is keyed by data version, so left alone)."""
        with self._lock:
            self._cache.clear()
            self.generation += 1

    def run(self, name: str, **params) -> pd.DataFrame:
        """Run ``queries/<name>.sql`` with its ``$params`` bound; results are cached per data version,
        in the process and, if there is one, in the shared cache.

        The frame returned is shared by the cache: copy it before changing it.
        """
        query = load(name)
        if "icbs" in query.params:
            params = {**params, "icbs": _scoped_icbs(params.get("icbs"), _SCOPE.get())}
        missing = query.params - params.keys()
        if missing:
            raise QueryError(f"query {name!r} needs parameters {sorted(missing)}")
        bound = {k: v for k, v in params.items() if k in query.params}
        con, meta = self._generation()
        version = (meta if meta is not None else self.meta).get("data_version", "unknown")
        key = (name, version, tuple(sorted((k, _freeze(v)) for k, v in bound.items())))
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        shared_key = cache_key(name, key[1], bound) if self.shared is not None else None
        frame = self._shared_get(shared_key)
        if frame is None:
            cur = self._cursor(con)
            try:
                frame = cur.execute(query.sql, bound).df()
            except duckdb.Error as error:
                if not _file_error(error):
                    raise
                log.error("warehouse %s failed on query %s: %s", self.path, name, error)
                self._forget()  # the next request opens the file again: it may have been repaired
                raise WarehouseUnavailable(f"the warehouse could not answer ({_first_line(error)}); rebuild it "
                                           "with `python -m data.build`") from None
            finally:
                cur.close()
            self.executions += 1
            self._shared_set(shared_key, frame)
        with self._lock:
            self._cache[key] = frame
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return frame


    # A shared cache that is down, hung or hostile must not take the dashboard down: SharedCache answers None
    # (and skips Redis for a while) on any failure, and the warehouse answers instead.
    def _shared_get(self, key: str | None) -> pd.DataFrame | None:
        return None if key is None else self.shared.get(key)

    def _shared_set(self, key: str | None, frame: pd.DataFrame) -> None:
        if key is not None:
            self.shared.set(key, frame)


_default: Warehouse | None = None
_default_lock = threading.Lock()


def warehouse() -> Warehouse:
    """The process's warehouse, at ``$DASHBOARD_DB`` or ``data/warehouse.duckdb``."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Warehouse(default_db_path())
        return _default


def use(wh: Warehouse | None) -> None:
    """Point the process at another warehouse (tests, or an app built with explicit settings)."""
    global _default
    with _default_lock:
        _default = wh


def run(name: str, **params) -> pd.DataFrame:
    return warehouse().run(name, **params)
