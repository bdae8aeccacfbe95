"""The results cache shared by workers through Redis, safe against a hostile or a hung Redis.

Whoever can write to Redis must not be able to run code in the workers, or to change the numbers they show:

- results are stored as Arrow IPC bytes (data only: reading them runs no code, unlike a pickle), and
- every entry carries an HMAC-SHA256 of its key and bytes under ``DASHBOARD_CACHE_KEY``; an entry whose HMAC does
  not match (planted, altered or moved to another key) is ignored and the worker asks DuckDB instead.

There is no shared cache without a key: ``Settings`` refuses ``DASHBOARD_CACHE_URL`` without ``DASHBOARD_CACHE_KEY``.

A Redis that is down or hangs costs one short timeout (``SOCKET_TIMEOUT``, no retries), then a circuit breaker
skips Redis for ``PAUSE_SECONDS``, so requests answer from DuckDB at full speed meanwhile.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

import pandas as pd
import pyarrow as pa

log = logging.getLogger(__name__)

CACHE_PREFIX = "dashboard:q:"
CACHE_TIMEOUT = 24 * 3600  # seconds; entries of an old data version are never read again, so let them expire
SOCKET_TIMEOUT = 0.5  # seconds: Redis answers in milliseconds on a local network; a result is a few KB
PAUSE_SECONDS = 30.0  # after a failure, how long Redis is skipped before it is tried again
MIN_KEY_LENGTH = 32
_DIGEST = hashlib.sha256().digest_size


class SharedCache:
    """``get(key) -> DataFrame | None`` and ``set(key, frame)`` on a Redis client, signed and data-only."""

    def __init__(self, client, secret: str | bytes, *, prefix: str = CACHE_PREFIX, timeout: int = CACHE_TIMEOUT,
                 pause: float = PAUSE_SECONDS):
        self.client = client
        self._secret = secret.encode() if isinstance(secret, str) else secret
        self.prefix, self.timeout, self.pause = prefix, timeout, pause
        self._skip_until = 0.0
        self._lock = threading.Lock()

    # ---- the circuit breaker ----
    def available(self) -> bool:
        return time.monotonic() >= self._skip_until

    def _failed(self, doing: str, error: Exception) -> None:
        with self._lock:
            tripped = self.available()
            self._skip_until = time.monotonic() + self.pause
        if tripped:
            log.warning("shared cache: %s failed (%s); answering from the warehouse for %.0f s",
                        doing, error, self.pause)

    # ---- entries ----
    def _sign(self, key: str, payload: bytes) -> bytes:
        return hmac.new(self._secret, key.encode() + b"\0" + payload, hashlib.sha256).digest()

    def get_bytes(self, key: str) -> bytes | None:
        """The payload stored under ``key`` if its HMAC matches, else None (missing, planted, altered, moved)."""
        if not self.available():
            return None
        full = self.prefix + key
        try:
            value = self.client.get(full)
        except Exception as error:  # noqa: BLE001  any client failure (connection, timeout) trips the breaker
            self._failed("reading", error)
            return None
        if not isinstance(value, bytes) or len(value) <= _DIGEST:
            return None
        mac, payload = value[:_DIGEST], value[_DIGEST:]
        if not hmac.compare_digest(mac, self._sign(full, payload)):
            log.warning("shared cache: entry %s failed its integrity check; ignored", full)
            return None
        return payload

    def set_bytes(self, key: str, payload: bytes) -> bool:
        """Store ``payload`` under ``key``, signed; False when Redis is skipped or failed."""
        if not self.available():
            return False
        full = self.prefix + key
        try:
            self.client.set(full, self._sign(full, payload) + payload, ex=self.timeout)
        except Exception as error:  # noqa: BLE001
            self._failed("writing", error)
            return False
        return True

    def get(self, key: str) -> pd.DataFrame | None:
        payload = self.get_bytes(key)
        if payload is None:
            return None
        try:
            return read_frame(payload)
        except (pa.ArrowException, ValueError, TypeError) as error:
            log.warning("shared cache: entry %s could not be read (%s); ignored", self.prefix + key, error)
            return None

    def set(self, key: str, frame: pd.DataFrame) -> bool:
        if not self.available():
            return False
        payload = frame_bytes(frame)
        return False if payload is None else self.set_bytes(key, payload)

    def clear(self) -> None:
        """Delete every entry under the prefix (tests, or an operator starting afresh)."""
        for name in self.client.scan_iter(match=self.prefix + "*", count=500):
            self.client.delete(name)


def frame_bytes(frame: pd.DataFrame, metadata: dict[str, str] | None = None) -> bytes | None:
    """``frame`` as Arrow IPC stream bytes (data only), with ``metadata`` (text) in its schema; None for a frame
    Arrow cannot hold (Python objects): it stays in the process cache only."""
    try:
        table = pa.Table.from_pandas(frame)
    except (pa.ArrowException, ValueError, TypeError):
        return None
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               **{k.encode(): v.encode() for k, v in metadata.items()}})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def read_frame(payload: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(payload).read_all().to_pandas()


def read_metadata(payload: bytes) -> dict[str, str]:
    """The text metadata ``frame_bytes`` stored beside a frame."""
    meta = pa.ipc.open_stream(payload).schema.metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k != b"pandas"}


def connect(url: str, secret: str) -> SharedCache:
    """A SharedCache on the Redis at ``url`` (``redis://``, ``rediss://`` or ``unix://``)."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"DASHBOARD_CACHE_URL must be a redis:// URL, got {url[:80]!r}")
    if not secret or len(secret) < MIN_KEY_LENGTH:
        raise ValueError(f"DASHBOARD_CACHE_KEY must be at least {MIN_KEY_LENGTH} characters to use a shared cache "
                         "(e.g. python -c 'import secrets; print(secrets.token_hex(32))'), the same on every worker")
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(url, socket_connect_timeout=SOCKET_TIMEOUT, socket_timeout=SOCKET_TIMEOUT,
                                  retry=Retry(NoBackoff(), 0), retry_on_timeout=False)
    return SharedCache(client, secret)
