"""gunicorn's settings, read from this directory by ``gunicorn app:server`` (the README's production command).

Threaded workers: a worker answers cheap requests (page HTML, /healthz, share links) while another of its
threads draws a chart, instead of queueing them behind it. The app is thread-safe by design: each query
opens its own DuckDB cursor (DuckDB releases the GIL while it runs), the results cache is locked, and kaleido
draws one image at a time. Command-line options (``-w 4``) override these.
"""
import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 120  # a first PNG export starts kaleido's Chromium in that worker: seconds, not minutes
graceful_timeout = 30



def post_worker_init(worker):
    """Once a worker has loaded the app, before it takes a connection:

    1. one request through Flask's test client, so Dash sets itself up now. Dash does that on a worker's first
       request and marks it done before it is (``Dash._setup_server``): with threaded workers, a request arriving
       meanwhile found no component bundles registered ("dash is not a registered library", a 500);
    2. each page's default view rendered into the render cache in the background (``rendering.warm``), so the
       first readers of a fresh worker are answered from it."""
    import threading

    from dashboard import rendering

    server = worker.wsgi
    server.test_client().get(f"{server.config['DASHBOARD_SETTINGS'].url_prefix}healthz")
    threading.Thread(target=rendering.warm, name="warm-render-cache", daemon=True).start()
