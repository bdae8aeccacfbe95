"""How responses travel: compressed (flask-compress: Brotli or gzip, whichever the browser accepts), and cached by
the browser as long as they cannot change.

- Fingerprinted files (Dash's component bundles, ``name.v4_4_1m1700000000.js``; the app's assets, ``style.css?m=...``;
  the vendored Bootstrap, ``?v=<version>``) change their address when their content changes, so browsers keep them
  for a year without asking again: ``Cache-Control: public, max-age=31536000, immutable``. A later page then loads
  only its HTML, its layout and its callbacks.
- Everything else that a browser may keep (pages, Dash's layout and dependency lists, unfingerprinted files) is
  ``no-cache``: kept, but checked each time, and a matching ``ETag`` costs a 304. The data API and exports have
  their own validators (``dashboard/api.py``); callbacks are POSTs and never cached.
- Compression of a fingerprinted bundle is done once per process and kept (``BundleCache``), at a quality that
  costs milliseconds. The largest file, plotly.js (1.0 MB, built with only the trace types the charts use:
  ``scripts/plotly-bundle``), is shipped precompressed at Brotli's best quality as well
  (``assets/vendor/plotly-custom.min.js.br``, 300 KB against 337 KB at quality 5): what a static site does with
  ``brotli_static``. ``python -m dashboard.serving`` writes it again after plotly.js is rebuilt; a test checks
  that it unpacks to the file beside it.
"""
from __future__ import annotations

import mimetypes
import sys
import threading
from pathlib import Path

import flask
from dash.fingerprint import check_fingerprint
from flask_compress import Compress

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# What is compressed: flask-compress's text types, and the app's own (CSV exports, problem details, GeoJSON).
EXTRA_MIMETYPES = ("text/csv", "application/problem+json", "application/geo+json")
ALGORITHMS = ["br", "gzip"]  # every browser in use accepts gzip; Chromium, Firefox and Safari accept Brotli
BR_LEVEL = 5  # Brotli quality: 5 compresses JSON nearly as well as 11 at a small fraction of the CPU
_ENCODINGS = ("", ":br", ":gzip")  # flask-compress appends the encoding to a strong ETag
_NOT_KEPT = "-"
ASSETS = Path(__file__).resolve().parents[1] / "assets"
PRECOMPRESSED = ("vendor/plotly-custom.min.js",)  # assets worth Brotli's best quality (seconds to pack)


class BundleCache:
    """flask-compress's cache backend (``get``/``set``): keeps the compressed bytes of fingerprinted bundles only.

    flask-compress asks its key function for every response; ``compress_key`` answers ``-`` for anything that is
    not a fingerprinted file, and those are never kept. Bounded by the number of bundles the app ships."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(_NOT_KEPT) else self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(_NOT_KEPT):
            with self._lock:
                self._data[key] = value


def fingerprinted(request: flask.Request, prefix: str) -> bool:
    """Whether the request is for a file whose address changes with its content."""
    path = request.path
    if path.startswith(f"{prefix}_dash-component-suites/"):
        return check_fingerprint(path)[1]
    if path.startswith(f"{prefix}assets/"):
        return "m" in request.args  # Dash adds ?m=<modified time> to every asset it links
    return path == f"{prefix}_vendor/bootstrap.min.css" and "v" in request.args


def etag_matches(request: flask.Request, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` as sent by this app, plain or with the encoding flask-compress
    added to it (a browser sends back ``"abc:br"`` for the compressed copy of ``"abc"``)."""
    return any(request.if_none_match.contains_weak(etag + suffix) for suffix in _ENCODINGS)


def bootstrap_href(prefix: str) -> str:
    """The vendored Bootstrap stylesheet's address, fingerprinted by the version of the package that ships it."""
    from importlib.metadata import version

    return f"{prefix}_vendor/bootstrap.min.css?v={version('bootstrap-flask')}"


def _default_mimetypes() -> list[str]:
    scratch = flask.Flask(__name__)
    Compress(scratch)  # only to read the extension's own list of compressible types
    return list(scratch.config["COMPRESS_MIMETYPES"])


def precompress(name: str, assets: Path = ASSETS) -> Path:
    """Write ``assets/<name>.br``: the asset packed at Brotli's best quality (seconds of CPU, done once)."""
    import brotli

    source = assets / name
    target = source.with_name(source.name + ".br")
    target.write_bytes(brotli.compress(source.read_bytes(), quality=11))
    return target


def _precompressed(request: flask.Request, prefix: str) -> flask.Response | None:
    """The ``.br`` copy of a fingerprinted asset, for a browser that accepts Brotli; None for anything else."""
    name = request.path[len(f"{prefix}assets/"):]
    if name not in PRECOMPRESSED or "br" not in request.accept_encodings or not fingerprinted(request, prefix):
        return None
    packed = ASSETS / f"{name}.br"
    if not packed.is_file():
        return None
    response = flask.send_file(packed, mimetype=mimetypes.guess_type(name)[0], conditional=True)
    response.headers["Content-Encoding"] = "br"  # flask-compress leaves an encoded response alone
    response.headers["Vary"] = "Accept-Encoding"
    return response


def register(server: flask.Flask, prefix: str) -> None:
    """Compression and cache headers for every response of ``server`` (the app mounted at ``prefix``)."""
    def compress_key(request: flask.Request) -> str:
        return request.full_path if fingerprinted(request, prefix) else _NOT_KEPT

    config = server.config
    config.setdefault("COMPRESS_MIMETYPES", [*_default_mimetypes(), *EXTRA_MIMETYPES])
    config.setdefault("COMPRESS_ALGORITHM", ALGORITHMS)
    config.setdefault("COMPRESS_ALGORITHM_STREAMING", ALGORITHMS)  # files sent in chunks (assets, Bootstrap)
    config.setdefault("COMPRESS_BR_LEVEL", BR_LEVEL)
    config.setdefault("COMPRESS_CACHE_KEY", compress_key)
    config.setdefault("COMPRESS_CACHE_BACKEND", BundleCache)

    @server.before_request
    def precompressed_asset():
        if flask.request.method in ("GET", "HEAD") and flask.request.path.startswith(f"{prefix}assets/"):
            return _precompressed(flask.request, prefix)
        return None

    @server.after_request
    def cache_headers(response: flask.Response) -> flask.Response:
        # Registered before Compress (below), so it runs after it: Flask runs after_request functions last-first.
        request = flask.request
        if request.method not in ("GET", "HEAD") or not 200 <= response.status_code < 400:
            return response
        if fingerprinted(request, prefix):
            response.headers["Cache-Control"] = IMMUTABLE
        elif "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = REVALIDATE
            if response.status_code == 200 and not response.is_streamed and request.path in (
                    f"{prefix}_dash-layout", f"{prefix}_dash-dependencies"):
                response.add_etag()
                response.make_conditional(request)
        return response

    Compress(server)


# dcc.Graph's own code, a chunk Dash fetches only once the first chart is mounted: after the scripts have run, the
# layout has come and the page's content has been rendered. Named in the head of a page with charts, the browser
# fetches it beside the page's scripts instead (about 100-150 ms sooner to the first chart on this machine's CPU,
# bench/REPORT.md). Not on a page without charts: a preload that goes unused is a console warning.
GRAPH_CHUNK = "_dash-component-suites/dash/dcc/async-graph.js"


def preload_graph_code(app, prefix: str, has_charts) -> None:
    """Name dcc.Graph's chunk in the head of every page ``has_charts(path)`` says draws charts (``path`` relative
    to ``prefix``, as ``/regions``)."""
    interpolate = app.interpolate_index
    link = f'<link rel="preload" as="script" href="{prefix}{GRAPH_CHUNK}">\n'

    def interpolate_index(**parts) -> str:
        page = interpolate(**parts)
        path = "/" + flask.request.path[len(prefix):].strip("/")
        return page.replace("</head>", link + "</head>", 1) if has_charts(path) else page

    app.interpolate_index = interpolate_index


if __name__ == "__main__":
    for asset in PRECOMPRESSED:
        print(f"wrote {precompress(asset)}", file=sys.stderr)
