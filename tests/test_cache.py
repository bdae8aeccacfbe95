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


@pytest.fixture()
def shared(redis_url):
    cache = queries.shared_cache(redis_url)
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
    dead = queries.shared_cache(f"redis://127.0.0.1:{_free_port()}/0")
    wh = Warehouse(small_db, shared=dead)
    frame = wh.run("long_term_sick", **LTS)
    assert wh.executions == 1 and len(frame) > 0


def test_shared_cache_5_settings_choose_the_backend(redis_url):
    assert queries.shared_cache(None) is None and queries.shared_cache("") is None
    assert queries.shared_cache(redis_url).set("probe", 1)
    with pytest.raises(ValueError, match="redis://"):
        queries.shared_cache("memcached://localhost")


def test_local_cache_1_in_process_when_no_shared_cache(small_db):
    wh = Warehouse(small_db)
    first = wh.run("long_term_sick", **LTS)
    assert wh.run("long_term_sick", **LTS) is first and wh.executions == 1
    wh.clear_cache()
    wh.run("long_term_sick", **LTS)
    assert wh.executions == 2
