"""One small HTTP client for the fetch: GET with a timeout, retries with exponential backoff, one-line errors.

It is the standard library's ``urllib``: no extra dependency, and its default opener reads the usual proxy
settings from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``, in either case), so the fetch works
behind a department's proxy without any setting of its own.

Retried: connection failures, timeouts, a body cut short (``IncompleteRead``), HTTP 5xx and 429. Not retried: other
4xx answers (a wrong indicator id or dataset will not get better by asking again). Every message names the URL,
with any Nomis API key (``uid=``) masked, so a key never reaches a log, an error or the manifest.
"""
from __future__ import annotations

import http.client
import re
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

USER_AGENT = "health-work-dashboard-fetch/1 (+python urllib; python -m data.fetch)"
RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 60.0  # seconds: a server asking for longer than this is treated as down
_SECRET = re.compile(r"(?i)([?&]uid=)[^&#]*")


class FetchError(Exception):
    """A download that failed for good; the message is one line naming the URL and what went wrong."""


def redact(url: str) -> str:
    """The URL with the Nomis API key masked, for messages and the manifest."""
    return _SECRET.sub(r"\1***", url)


@dataclass(frozen=True)
class Response:
    url: str  # as asked for (redacted)
    body: bytes
    content_type: str
    retrieved_at: str  # ISO 8601, UTC


class Client:
    """GET with ``timeout`` seconds per connect or read, up to ``retries`` further attempts after the first,
    waiting ``backoff``, 2 x ``backoff``, 4 x ``backoff``... between them (or the server's Retry-After)."""

    def __init__(self, timeout: float = 60.0, retries: int = 3, backoff: float = 1.0, log=None):
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.log = log or (lambda message: print(message, file=sys.stderr))
        self.opener = urllib.request.build_opener()  # its ProxyHandler reads *_PROXY / NO_PROXY from the environment

    def get(self, url: str) -> Response:
        shown = redact(url)
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2 ** attempt
            try:
                return self._once(url, shown)
            except urllib.error.HTTPError as error:
                reason, retry = f"HTTP {error.code} {error.reason}", error.code in RETRY_STATUS
                wait = _retry_after(error.headers.get("Retry-After"), wait)
                error.close()
            except http.client.IncompleteRead as error:
                expected = f" of {len(error.partial) + error.expected}" if error.expected is not None else ""
                reason, retry = f"connection closed after {len(error.partial)}{expected} bytes", True
            except TimeoutError:
                reason, retry = f"no response within {self.timeout:g} s", True
            except urllib.error.URLError as error:  # DNS, refused, TLS, proxy: the reason says which
                timed_out = isinstance(error.reason, TimeoutError)
                reason = f"no response within {self.timeout:g} s" if timed_out else f"cannot connect ({error.reason})"
                retry = True
            except (http.client.HTTPException, ConnectionError, OSError) as error:
                reason, retry = f"connection failed ({type(error).__name__}: {error})", True
            attempts = f" (after {attempt + 1} attempts)" if attempt else ""
            if not retry or attempt == self.retries:
                raise FetchError(f"{shown}: {reason}{attempts}")
            self.log(f"retrying in {wait:g} s ({attempt + 1} of {self.retries}): {shown}: {reason}")
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _once(self, url: str, shown: str) -> Response:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        with self.opener.open(request, timeout=self.timeout) as answer:
            body = answer.read()  # http.client raises IncompleteRead if fewer bytes than Content-Length arrive
            content_type = answer.headers.get("Content-Type", "")
        return Response(shown, body, content_type, datetime.now(UTC).isoformat(timespec="seconds"))


def _retry_after(header: str | None, default: float) -> float:
    """Seconds from a Retry-After header (delta-seconds only), capped; otherwise our own backoff."""
    if header and header.strip().isdigit():
        return min(float(header.strip()), MAX_RETRY_AFTER)
    return default
