"""``python -m data.build --source DIR``: a clean directory publishes a warehouse with the real tables beside the
demo facts; any problem fails the build with exit 1, names file, row and rule, writes the report, and leaves the
live warehouse byte-for-byte as it was."""
import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from data import build

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
GOOD, BAD = FIXTURES / "good", FIXTURES / "bad"
PARTICIPANTS = "1000"


@pytest.fixture()
def live(tmp_path):
    """A live demo warehouse to be replaced (or not)."""
    path = tmp_path / "live" / "w.duckdb"
    build.build_demo(path, participants=500, seed=1)
    return path


def run(path, source, *extra):
    return build.main(["--db", str(path), "--participants", PARTICIPANTS, "--source", str(source), *extra])


def meta_of(path):
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM meta").fetchall()), con


def test_source_build_1_loads_real_tables_beside_demo_facts(live, capsys):
    before = meta_of(live)[0]["data_version"]
    assert run(live, GOOD) == 0
    assert "real tables: pilot_returns,source_fingertips,source_inac01,source_nomis_aps" in capsys.readouterr().out
    with duckdb.connect(str(live), read_only=True) as con:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
            "source_fingertips", "source_nomis_aps", "source_inac01", "pilot_returns", "source_files", "population")}
        lts = con.execute("""SELECT thousands FROM source_inac01
                             WHERE series_id = 'LF6A' AND period = 'Mar-May 2024'""").fetchone()[0]
        flags = dict(con.execute("SELECT area_code, flag FROM source_nomis_aps WHERE flag IS NOT NULL").fetchall())
        starts = con.execute("SELECT sum(starts) FROM pilot_returns").fetchone()[0]
    assert meta["data_version"] != before and meta["is_demo"] == "true"  # the survey facts are demo
    assert meta["real_tables"] == "pilot_returns,source_fingertips,source_inac01,source_nomis_aps"
    assert meta["demo_tables"] == "population,long_term_sick"  # the pilot returns are the programme facts
    assert counts == {"source_fingertips": 5, "source_nomis_aps": 4, "source_inac01": 35, "pilot_returns": 5,
                      "source_files": 5, "population": counts["population"]} and counts["population"] > 0
    assert lts == 2780 and flags == {"E12000007": "*", "E54000061": "!", "E54000054": "~"}
    assert starts == 95 + 101 + 240 + 44 + 70
    assert (live.parent / "w.duckdb.bak").exists()


def test_source_build_2_failure_leaves_the_live_warehouse_byte_identical(live, tmp_path, capsys):
    source = tmp_path / "src"
    shutil.copytree(GOOD, source)
    shutil.copy(BAD / "pilot_half_valid.csv", source)  # one bad file among good ones
    before = live.read_bytes()
    assert run(live, source) == 1
    err = capsys.readouterr().err
    assert "nothing was loaded and the existing warehouse was left untouched" in err
    assert "pilot_half_valid.csv row 8 column 'programme': unknown_code" in err
    assert live.read_bytes() == before
    assert sorted(p.name for p in live.parent.iterdir()) == ["w.duckdb"]  # no temporary file, no backup made


def test_source_build_3_report_lists_every_problem(live, tmp_path):
    report = tmp_path / "report.csv"
    assert run(live, BAD, "--report", str(report)) == 1
    with open(report, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["file", "row", "column", "rule", "message", "severity"]
    assert len(rows) == len(build.read_sources(BAD).problems) > 25
    assert rows[0]["severity"] == "error"  # problems first, then notes
    assert {"file": "nomis_half_valid.csv", "row": "11", "column": "GEOGRAPHY_CODE", "rule": "unknown_area",
            "message": "'X99999999' is not a known GSS code (England, a region, an ICB, a local authority...)",
            "severity": "error"} in rows
    assert {"file": "chart.png", "row": "", "column": "", "rule": "not_tabular",
            "message": "a binary file, not CSV or Excel", "severity": "error"} in rows


def test_source_build_4_clean_build_writes_a_report_of_notes_only(live, tmp_path, capsys):
    report = tmp_path / "report.csv"
    assert run(live, GOOD, "--report", str(report)) == 0
    with open(report, newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["severity"] for r in rows} == {"note"}
    # The API download's columns the reader does not use are listed, on the header line, not silently dropped.
    ignored = {r["column"] for r in rows if r["file"] == "nomis_aps_lts.csv" and r["rule"] == "ignored_column"}
    assert ignored == {"DATE", "DATE_CODE", "DATE_TYPE", "GEOGRAPHY", "GEOGRAPHY_TYPE", "VARIABLE", "MEASURES",
                       "OBS_STATUS_NAME"}
    assert f"{len(rows)} notes in {report}" in capsys.readouterr().out


def test_source_build_5_missing_or_empty_directory_fails(live, tmp_path, capsys):
    before = live.read_bytes()
    assert run(live, tmp_path / "nowhere") == 1
    (tmp_path / "empty").mkdir()
    assert run(live, tmp_path / "empty") == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "no source files found" in err
    assert live.read_bytes() == before


def test_source_build_6_interrupted_load_leaves_the_warehouse(live, monkeypatch):
    before = live.read_bytes()

    def broken(con, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "load_sources", broken)
    assert run(live, GOOD) == 130
    assert live.read_bytes() == before


def test_source_build_7_report_needs_source(live, tmp_path):
    assert build.main(["--db", str(live), "--report", str(tmp_path / "r.csv")]) == 2
    assert not (tmp_path / "r.csv").exists()


def test_source_build_8_demo_build_has_empty_source_tables(live):
    with duckdb.connect(str(live), read_only=True) as con:
        for table in ("source_files", "source_nomis_aps", "source_fingertips", "source_inac01", "pilot_returns"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert con.execute("SELECT count(*) FROM population").fetchone()[0] > 0
