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
    """Once a worker has loaded the app: render each page's default view into the render cache in the background
    (dashboard/rendering.py ``warm``), so the first readers of a fresh worker are answered from it."""
    import threading

    from dashboard import rendering

    threading.Thread(target=rendering.warm, name="warm-render-cache", daemon=True).start()
