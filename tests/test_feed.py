"""The build history a warehouse carries across builds, the Atom change feed made from it (RFC 4287, parsed by
feedparser), and where the feed is linked: every page's head and the About page's "What's new"."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime

import duckdb
import feedparser
import pytest

import queries
from data import build, history

ATOM = "{http://www.w3.org/2005/Atom}"
PARTICIPANTS = 3000


def _history(path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT seq, data_version, is_demo, details FROM build_history ORDER BY seq").fetchall()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """A warehouse built twice at one path: its meta after each build."""
    path = tmp_path_factory.mktemp("feed") / "warehouse.duckdb"
    first = build.build_demo(path, participants=PARTICIPANTS, seed=build.demo.SEED)
    second = build.build_demo(path, participants=PARTICIPANTS, seed=build.demo.SEED)
    return path, first, second


def test_history_1_each_build_adds_an_entry_and_keeps_the_earlier_ones(rebuilt):
    path, first, second = rebuilt
    rows = _history(path)
    assert [(seq, version) for seq, version, *_ in rows] == [(1, first["data_version"]), (2, second["data_version"])]
    one, two = json.loads(rows[0][3]), json.loads(rows[1][3])
    # The first build brought every quarter and every area; the second, built from the same generator, nothing new.
    assert one["previous_version"] is None
    assert one["new_periods"]["Survey estimates"][0] == "2019Q1" and len(one["new_periods"]["Survey estimates"]) == 30
    assert len(one["new_areas"]) == 52
    assert two["previous_version"] == first["data_version"]
    assert two["new_periods"] == {} and two["new_areas"] == [] and two["superseded"] == []
    assert two["sources"][0]["format"] == "synthetic demo data"


def test_history_2_a_warehouse_built_before_the_history_was_kept_becomes_its_first_entry(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    old = build.build_demo(path, participants=PARTICIPANTS, seed=build.demo.SEED)
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE build_history")
    new = build.build_demo(path, participants=PARTICIPANTS, seed=build.demo.SEED)
    rows = _history(path)
    assert [r[1] for r in rows] == [old["data_version"], new["data_version"]]
    assert "before the history was kept" in json.loads(rows[0][3])["note"]


def test_history_3_new_periods_new_areas_and_superseded_files_are_found():
    def snap(periods, areas, files):
        return {"periods": periods, "areas": set(areas), "files": files, "history": None, "meta": {"data_version": "a"}}

    old = snap({"Nomis APS": {"Jan 2023-Dec 2023"}}, ["E92000001"],
               [{"file": "aps.csv", "sha256": "1"}, {"file": "inac01.xlsx", "sha256": "2"},
                {"file": "old.csv", "sha256": "3"}])
    new = snap({"Nomis APS": {"Jan 2023-Dec 2023", "Apr 2023-Mar 2024"}, "Pilot returns": {"2026Q1"}},
               ["E92000001", "E06000047"],
               [{"file": "aps.csv", "sha256": "9", "format": "nomis_aps", "rows": 10},
                {"file": "inac01.xlsx", "sha256": "2", "format": "inac01", "rows": 5}])
    entry = history.changes(old, new, {})
    assert entry["new_periods"] == {"Nomis APS": ["Apr 2023-Mar 2024"], "Pilot returns": ["2026Q1"]}
    assert entry["new_areas"] == ["E06000047"]
    assert entry["superseded"] == [{"file": "aps.csv", "reason": "replaced by a different file"},
                                   {"file": "old.csv", "reason": "no longer loaded"}]
    assert [s["file"] for s in entry["sources"]] == ["aps.csv", "inac01.xlsx"] and entry["kind"] == "source files"


# ---- the feed --------------------------------------------------------------------------------------------

def _feed(client, path):
    before = queries.warehouse()
    queries.use(wh := queries.Warehouse(path))
    try:
        response = client.get("/feed.atom")
    finally:
        wh.close()
        queries.use(before)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return response.data


def _assert_valid_atom(body: bytes) -> ET.Element:
    """RFC 4287's requirements, checked on the document; feedparser must read it without complaint."""
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"

    def one(element, tag):
        found = element.findall(f"{ATOM}{tag}")
        assert len(found) == 1, (tag, len(found))
        return found[0]

    for tag in ("id", "title", "updated"):
        one(root, tag)
    assert root.find(f"{ATOM}author/{ATOM}name").text  # so no entry needs its own author
    assert any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link"))
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        ids.append(one(entry, "id").text)
        one(entry, "title")
        datetime.fromisoformat(one(entry, "updated").text)  # an RFC 3339 date-time with its offset
        assert any(link.get("rel") == "alternate" for link in entry.findall(f"{ATOM}link")) \
            or entry.find(f"{ATOM}content") is not None
        content = one(entry, "content")
        assert content.get("type") == "xhtml" and content[0].tag == "{http://www.w3.org/1999/xhtml}div"
    assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
    return root


def test_feed_1_is_valid_atom_with_an_entry_a_build_newest_first(client, rebuilt):
    path, first, second = rebuilt
    root = _assert_valid_atom(_feed(client, path))
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href").rsplit("build-", 1)[1] for e in entries] == [
        second["data_version"], first["data_version"]]
    text = ET.tostring(entries[1], encoding="unicode")
    assert "New periods: Survey estimates 2019Q1" in text and "demo generator" in text
    assert "No new periods." in ET.tostring(entries[0], encoding="unicode")
    assert root.find(f"{ATOM}updated").text == second["built_at"]


def test_feed_2_gains_an_entry_with_each_build(client, tmp_path):
    """And /api/v1/builds, the same record as data, gains one too."""
    path = tmp_path / "warehouse.duckdb"
    build.build_demo(path, participants=PARTICIPANTS, seed=build.demo.SEED)
    assert len(_assert_valid_atom(_feed(client, path)).findall(f"{ATOM}entry")) == 1
    meta = build.build_demo(path, participants=PARTICIPANTS, seed=build.demo.SEED)
    entries = _assert_valid_atom(_feed(client, path)).findall(f"{ATOM}entry")
    assert len(entries) == 2 and meta["data_version"] in entries[0].find(f"{ATOM}link").get("href")
    before = queries.warehouse()
    queries.use(wh := queries.Warehouse(path))
    try:
        builds = client.get("/api/v1/builds").get_json()
    finally:
        wh.close()
        queries.use(before)
    assert [b["seq"] for b in builds] == [2, 1] and builds[0]["data_version"] == meta["data_version"]
    assert builds[0]["previous_version"] == builds[1]["data_version"] and builds[0]["summary"]


def test_feed_3_is_linked_from_every_page_head_and_the_about_page(client):
    for path in ("/", "/regions", "/about"):
        head = client.get(path).data.decode().split("</head>")[0]
        assert '<link rel="alternate" type="application/atom+xml" title="Data updates" href="/feed.atom">' in head
    from pages import about

    layout = str(about.layout())
    assert "whats-new" in layout and "/feed.atom" in layout and "What's new" in layout
    version = client.get("/healthz").get_json()["data_version"]
    assert f"build-{version}" in layout  # the About page lists the build the app is serving


def test_history_4_a_build_from_source_files_records_them_and_what_replaced_what(tmp_path):
    import shutil

    from tests.conftest import ROOT

    folder = tmp_path / "sources"
    shutil.copytree(ROOT / "tests" / "fixtures" / "sources" / "good", folder)
    (folder / ".manifest.json").write_text(json.dumps({"files": [
        {"file": "nomis_aps_lts.csv", "publisher": "ONS (Nomis)", "dataset": "APS long-term sick",
         "url": "https://example.org/aps.csv", "retrieved_at": "2026-11-20T09:00:00+00:00"}]}))
    path = tmp_path / "warehouse.duckdb"
    build.build_source(path, folder, participants=PARTICIPANTS, seed=build.demo.SEED)
    first = json.loads(_history(path)[-1][3])
    sources = {s["file"]: s for s in first["sources"]}
    assert first["kind"] == "source files" and "nomis_aps_lts.csv" in sources
    aps = sources["nomis_aps_lts.csv"]
    assert (aps["publisher"], aps["retrieved"], aps["format"]) == ("ONS (Nomis)", "2026-11-20", "nomis_aps")
    with duckdb.connect(str(path), read_only=True) as con:
        latest = con.execute("SELECT arg_max(period, period_end) FROM source_nomis_aps").fetchall()[0][0]
    assert aps["data_to"] == latest
    assert first["new_periods"]["Nomis APS"] and first["new_periods"]["Pilot returns"]
    # The pilot returns file replaced by a smaller one (one quarter fewer), and the Fingertips file withdrawn.
    returns = folder / "pilot_returns_q2.csv"
    lines = returns.read_text().splitlines()
    returns.write_text("\n".join(lines[:-1]) + "\n")
    (folder / "fingertips_export.csv").unlink()
    build.build_source(path, folder, participants=PARTICIPANTS, seed=build.demo.SEED)
    second = json.loads(_history(path)[-1][3])
    assert {(f["file"], f["reason"]) for f in second["superseded"]} == {
        ("pilot_returns_q2.csv", "replaced by a different file"), ("fingertips_export.csv", "no longer loaded")}
    assert second["new_periods"] == {} and second["previous_version"] == _history(path)[-2][1]


def test_feed_4_a_warehouse_without_a_history_still_has_a_valid_feed(client, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    meta = build.build_demo(path, participants=PARTICIPANTS, seed=build.demo.SEED)
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE build_history")  # as a warehouse built by older code
    entries = _assert_valid_atom(_feed(client, path)).findall(f"{ATOM}entry")
    assert len(entries) == 1 and meta["data_version"] in entries[0].find(f"{ATOM}link").get("href")
    assert "before this dashboard kept a history" in ET.tostring(entries[0], encoding="unicode")
