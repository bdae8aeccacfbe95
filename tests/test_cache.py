"""The results cache: shared by workers through a real Redis (Debian's redis-server), keyed by data version."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pandas as pd
import pytest

import queries
from data import build
from queries import Warehouse

LTS = {"areas": None, "level": "icb", "period_from": "2024Q1", "period_to": "2024Q4", "age": None, "sex": None, "condition": None}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not shutil.which(server):
        pytest.fail("redis-server is missing: install Debian's package (apt-get install redis-server); "
                    "scripts/test does this on a clean machine")
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port} (exit {proc.poll()})")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


KEY = "k" * 40  # DASHBOARD_CACHE_KEY for the tests


@pytest.fixture()
def shared(redis_url):
    cache = queries.shared_cache(redis_url, KEY)
    cache.clear()
    return cache


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cache") / "w.duckdb"
    build.build_demo(path, participants=500, seed=1)
    return path


def test_shared_cache_1_a_second_worker_answers_from_redis_without_querying(small_db, shared):
    first, second = Warehouse(small_db, shared=shared), Warehouse(small_db, shared=shared)
    computed = first.run("long_term_sick", **LTS)
    assert first.executions == 1
    answered = second.run("long_term_sick", **LTS)
    assert second.executions == 0  # the second worker never touched DuckDB
    pd.testing.assert_frame_equal(answered, computed)
    assert len(computed) > 0


def test_shared_cache_2_different_parameters_are_different_entries(small_db, shared):
    first, second = Warehouse(small_db, shared=shared), Warehouse(small_db, shared=shared)
    first.run("long_term_sick", **LTS)
    female = second.run("long_term_sick", **{**LTS, "sex": "female"})
    assert second.executions == 1
    assert female["people"].sum() < first.run("long_term_sick", **LTS)["people"].sum()
    second.run("long_term_sick", **{**LTS, "areas": ["E54000050"]})
    second.run("long_term_sick", **{**LTS, "areas": ("E54000050",)})  # a list and a tuple are the same key
    assert second.executions == 2


def test_shared_cache_3_a_new_data_version_never_serves_old_results(tmp_path, shared):
    path = tmp_path / "w.duckdb"
    build.build_demo(path, participants=500, seed=1)
    worker_a = Warehouse(path, shared=shared)
    old_version = worker_a.version
    old = worker_a.run("long_term_sick", **LTS)
    # Workers are separate processes; in one process DuckDB shares the open database per path, so the
    # first "worker" lets go of it before the new build, as a worker's process would not be holding it.
    worker_a.close()
    build.build_demo(path, participants=500, seed=2)  # a new build: new data version, different numbers
    worker_b = Warehouse(path, shared=shared)
    assert worker_b.version != old_version
    new = worker_b.run("long_term_sick", **LTS)
    assert worker_b.executions == 1  # the old version's entry for the same query and params was not served
    assert not new["people"].equals(old["people"])
    worker_a.close()
    again = worker_a.run("long_term_sick", **LTS)  # the first worker, on the new file, shares the new entry
    assert worker_a.version == worker_b.version and worker_a.executions == 1
    assert again["people"].equals(new["people"])


def test_shared_cache_4_redis_down_still_answers_from_the_warehouse(small_db):
    dead = queries.shared_cache(f"redis://127.0.0.1:{_free_port()}/0", KEY)
    wh = Warehouse(small_db, shared=dead)
    frame = wh.run("long_term_sick", **LTS)
    assert wh.executions == 1 and len(frame) > 0


def test_shared_cache_5_settings_choose_the_backend(redis_url):
    assert queries.shared_cache(None) is None and queries.shared_cache("") is None
    assert queries.shared_cache(redis_url, KEY).set("probe", pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="redis://"):
        queries.shared_cache("memcached://localhost", KEY)
    with pytest.raises(ValueError, match="DASHBOARD_CACHE_KEY"):
        queries.shared_cache(redis_url, None)


def test_local_cache_1_in_process_when_no_shared_cache(small_db):
    wh = Warehouse(small_db)
    first = wh.run("long_term_sick", **LTS)
    assert wh.run("long_term_sick", **LTS) is first and wh.executions == 1
    wh.clear_cache()
    wh.run("long_term_sick", **LTS)
    assert wh.executions == 2


# ---- a hostile Redis, a hung Redis, no key ----------------------------------------------------------------------

class _Planted:
    """A pickle that, if ever unpickled, creates a file: the proof that a worker ran code from Redis."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _entry_key(wh: Warehouse) -> str:
    bound = {k: v for k, v in LTS.items() if k in queries.load("long_term_sick").params}
    return wh.shared.prefix + queries.cache_key("long_term_sick", wh.version, bound)


def test_shared_cache_6_a_planted_pickle_is_never_run(small_db, shared, tmp_path):
    import pickle

    marker = tmp_path / "pwned"
    wh = Warehouse(small_db, shared=shared)
    shared.client.set(_entry_key(wh), pickle.dumps(_Planted(marker)))
    cachelib_style = b"!" + pickle.dumps(_Planted(marker))  # cachelib's own prefix for pickled values
    frame = wh.run("long_term_sick", **LTS)
    assert wh.executions == 1 and len(frame) > 0  # answered by DuckDB
    shared.client.set(_entry_key(wh), cachelib_style)
    wh.clear_cache()
    wh.run("long_term_sick", **LTS)
    assert not marker.exists()


def test_shared_cache_7_an_entry_without_the_right_hmac_is_ignored(small_db, shared, redis_url):
    writer = Warehouse(small_db, shared=shared)
    true = writer.run("long_term_sick", **LTS)
    key = _entry_key(writer)
    forged = true.assign(people=true["people"] * 10)  # a hostile Redis changes the numbers, in valid Arrow
    other = queries.shared_cache(redis_url, "x" * 40)  # signed with another key
    assert other.set(key[len(other.prefix):], forged)
    reader = Warehouse(small_db, shared=shared)
    answered = reader.run("long_term_sick", **LTS)
    assert reader.executions == 1  # the forged entry was not used
    pd.testing.assert_frame_equal(answered, true)
    stored = shared.client.get(key)
    shared.client.set(key, stored[:-1] + bytes([stored[-1] ^ 1]))  # one bit changed
    reader.clear_cache()
    reader.run("long_term_sick", **LTS)
    assert reader.executions == 2


@pytest.fixture()
def hung_redis():
    """A TCP server that accepts connections and never answers: a Redis that hangs."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", held
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_shared_cache_8_a_hung_redis_costs_one_short_timeout(small_db, hung_redis):
    """One attempt times out (SOCKET_TIMEOUT, no retry), then the breaker skips Redis: no further connection or
    command reaches it while it is down, so no later request waits. Counted, not timed (the machine is shared)."""
    url, connections = hung_redis
    shared = queries.shared_cache(url, KEY)
    wh = Warehouse(small_db, shared=shared)
    wh.run("long_term_sick", **LTS)
    assert not shared.available()
    attempts = len(connections)
    assert attempts == 1  # one connection, no retry on another
    for sex in ("female", "male", None):
        for age in ("16-24", "25-34", "35-49", "50-64"):
            wh.run("long_term_sick", **{**LTS, "sex": sex, "age": age})
    assert wh.executions == 13
    time.sleep(0.5)  # let the accepting thread see any late connection
    assert len(connections) == attempts  # Redis skipped: no timeout per request


def test_shared_cache_9_no_key_no_shared_cache():
    from dashboard.settings import Settings

    with pytest.raises(SystemExit, match="DASHBOARD_CACHE_KEY is not"):
        Settings.from_env({"DASHBOARD_CACHE_URL": "redis://127.0.0.1:6379/0"})
    with pytest.raises(SystemExit, match="too short"):
        Settings.from_env({"DASHBOARD_CACHE_URL": "redis://127.0.0.1:6379/0", "DASHBOARD_CACHE_KEY": "abc"})
    assert Settings.from_env({"DASHBOARD_CACHE_URL": "redis://127.0.0.1:6379/0", "DASHBOARD_CACHE_KEY": KEY})


def test_render_cache_shared_1_a_second_worker_answers_a_chart_from_redis_without_rendering(small_db, shared,
                                                                                          monkeypatch):
    from dashboard import registry, rendering
    from dashboard.filters import Filters

    calls = []

    def build(chart, filters):
        calls.append(chart.id)
        return registry._build(chart, filters)

    chart, filters = registry.get("interventions-outcomes"), Filters(sex="female")
    first = Warehouse(small_db, shared=shared)
    monkeypatch.setattr(queries, "warehouse", lambda: first)
    made = rendering.render(chart, filters, build)
    rendering.clear()  # the second worker's process cache is empty
    second = Warehouse(small_db, shared=shared)
    monkeypatch.setattr(queries, "warehouse", lambda: second)
    answered = rendering.render(chart, filters, build)
    assert calls == ["interventions-outcomes"] and second.executions == 0
    assert answered.figure_json == made.figure_json and answered.summary == made.summary
    pd.testing.assert_frame_equal(answered.data, made.data, check_dtype=False)
    # Another filter value is another entry.
    rendering.render(chart, Filters(sex="male"), build)
    assert calls == ["interventions-outcomes"] * 2
