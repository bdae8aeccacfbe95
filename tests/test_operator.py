"""The operator's bad day: a damaged, empty or foreign file or a directory at DASHBOARD_DB, a warehouse that breaks
and is repaired while the app runs, rebuilds under load, and builds killed half way."""
from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request

import pytest

import app as app_module
import queries
from dashboard.settings import Settings
from data import build
from tests.conftest import served_app
from tests.dash_calls import chart_body


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("good") / "w.duckdb"
    build.build_demo(path, participants=500, seed=3)
    return path.read_bytes()


def _damaged(good: bytes, kind: str) -> bytes:
    if kind == "empty":
        return b""
    if kind == "text":
        return b"area,value\nE92000001,1\n" * 50
    if kind == "truncated":
        return good[: len(good) // 2]
    corrupt = bytearray(good)
    for i in range(len(good) // 3, len(good) // 3 * 2, 7):
        corrupt[i] ^= 0x5A
    return bytes(corrupt)


KINDS = ("empty", "text", "truncated", "corrupt")


@pytest.mark.parametrize("kind", KINDS)
def test_operator_1_a_bad_file_stops_python_app_and_is_left_as_it_is(tmp_path, good, kind):
    path = tmp_path / "w.duckdb"
    path.write_bytes(_damaged(good, kind))
    before = path.read_bytes()
    with pytest.raises(SystemExit) as stopped:
        app_module.ensure_warehouse(Settings(db=path))
    message = str(stopped.value.code)
    assert f"The warehouse at {path} cannot be used" in message and "python -m data.build" in message
    assert {"empty": "empty", "text": "not a DuckDB database file", "truncated": "damaged or truncated",
            "corrupt": "damaged or truncated"}[kind] in message
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_operator_2_a_directory_at_dashboard_db_is_refused_and_kept(tmp_path):
    path = tmp_path / "w.duckdb"
    path.mkdir()
    (path / "inside.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="is not a regular file"):
        app_module.ensure_warehouse(Settings(db=path))
    assert build.main(["--db", str(path), "--participants", "200"]) == 1
    assert (path / "inside.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_operator_3_a_good_current_warehouse_is_used_as_it_is(tmp_path, good):
    path = tmp_path / "w.duckdb"
    path.write_bytes(good)
    app_module.ensure_warehouse(Settings(db=path))  # returns: nothing to build
    assert path.read_bytes() == good


def test_operator_4_stale_temporaries_of_a_killed_build_are_removed(tmp_path):
    path = tmp_path / "w.duckdb"
    dead = 2 ** 22 + 12345  # above Linux's default pid_max: no such process
    stale = [tmp_path / f".w.duckdb.{dead}.tmp", tmp_path / f".w.duckdb.{dead}.tmp.wal",
             tmp_path / f".w.duckdb.{dead}.bak.tmp"]
    live = tmp_path / f".w.duckdb.{os.getppid()}.tmp"  # a build still running in another process
    other = tmp_path / f".other.duckdb.{dead}.tmp"  # another warehouse's: not this build's to remove
    for file in (*stale, live, other):
        file.write_bytes(b"x" * 1000)
    build.build_demo(path, participants=200, seed=1)
    assert not any(f.exists() for f in stale) and live.exists() and other.exists()


def test_operator_5_a_rebuild_keeps_the_warehouse_in_place_and_backs_it_up_by_a_link(tmp_path, monkeypatch):
    path = tmp_path / "w.duckdb"
    build.build_demo(path, participants=200, seed=1)
    first = build.built_meta(path)["data_version"]
    moves = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: moves.append((str(src), str(dst))) or real_replace(src, dst))
    build.build_demo(path, participants=200, seed=2)
    assert all(src != str(path) for src, _ in moves), moves  # the live file is never renamed away
    assert [dst for _, dst in moves] == [str(path) + ".bak", str(path)]
    assert build.built_meta(path.with_name("w.duckdb.bak"))["data_version"] == first


@pytest.fixture()
def swapped(tmp_path, app):
    """The session app reading a warehouse at a path of this test's, restored afterwards."""
    path = tmp_path / "w.duckdb"
    previous = queries.warehouse()
    queries.use(queries.Warehouse(path))
    try:
        yield path
    finally:
        queries.use(previous)


@pytest.mark.parametrize("kind", KINDS)
def test_operator_6_an_unreadable_warehouse_is_a_clean_503_and_a_repaired_one_is_used(client, swapped, good, kind):
    swapped.write_bytes(good)
    assert client.get("/healthz").status_code == 200
    assert client.get("/export/overview-trend.csv").status_code == 200
    broken = swapped.with_name("broken")
    broken.write_bytes(_damaged(good, kind))
    os.replace(broken, swapped)
    health = client.get("/healthz")
    csv = client.get("/export/overview-trend.csv?geo=E12000001")  # not cached in the process
    assert health.status_code == 503 and health.json["status"] == "unavailable", kind
    assert csv.status_code == 503 and csv.json["status"] == "unavailable" and "rebuild" in csv.json["error"], kind
    page = client.get("/")
    assert page.status_code == 200
    answer = client.post("/_dash-update-component", data=chart_body("overview-trend", "?geo=E12000002"),
                         content_type="application/json")
    assert answer.status_code == 200
    assert "cannot be read just now" in json.dumps(answer.json)
    repaired = swapped.with_name("repaired")
    repaired.write_bytes(good)
    os.replace(repaired, swapped)
    assert client.get("/healthz").status_code == 200
    assert client.get("/export/overview-trend.csv?geo=E12000001").status_code == 200


def _post(url: str, body: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_operator_7_a_worker_whose_first_request_met_a_corrupt_warehouse_recovers(tmp_path, good):
    path = tmp_path / "w.duckdb"
    path.write_bytes(_damaged(good, "corrupt"))
    with served_app(path, tmp_path, ready_status=503) as base:
        with urllib.request.urlopen(base + "/", timeout=60) as response:  # Dash sets itself up on this request
            assert response.status == 200
        status, text = _post(base + "/_dash-update-component", chart_body("overview-trend", ""))
        assert status == 200 and "cannot be read just now" in text
        repaired = tmp_path / "repaired"
        repaired.write_bytes(good)
        os.replace(repaired, path)
        with urllib.request.urlopen(base + "/healthz", timeout=60) as response:
            assert json.load(response)["status"] == "ok"
        status, text = _post(base + "/_dash-update-component", chart_body("overview-trend", ""))
        assert status == 200 and '"figure"' in text and "cannot be read" not in text
        shutil.rmtree(tmp_path / "unused", ignore_errors=True)
