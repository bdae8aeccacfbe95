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
