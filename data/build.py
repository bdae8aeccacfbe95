"""Build the warehouse: ``python -m data.build [--participants N] [--seed S] [--db PATH] [--source DIR]``.

The new warehouse is written to a temporary file beside the target and renamed over it only when the
build has finished and checked itself, so a failed or interrupted build never touches a good warehouse.
The previous warehouse is kept as ``<name>.bak``.

With ``--source DIR`` every file under DIR is read by the reader its headers match (``data/sources``), checked
(``data/validate.py``) and, only if no file has a problem, loaded into the ``source_*`` and ``pilot_returns``
tables (``data/sources/schema.sql``) beside the demo fact tables; meta ``real_tables`` says which tables hold real
data, and ``is_demo`` stays 'true' unless every fact table came from real files. ``--report FILE`` writes every
problem as CSV (file,row,column,rule,message).
"""
from __future__ import annotations

import argparse
import dataclasses
import glob
import hashlib
import os
import re
import shutil
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from data import demo, history, reference, validate
from data.sources import collect
from queries import DEFAULT_DB, default_db_path  # noqa: F401  one definition of where the warehouse lives

SCHEMA = Path(__file__).with_name("schema.sql")
ROLLUPS = Path(__file__).with_name("rollups.sql")
SOURCE_SCHEMA = Path(__file__).with_name("sources") / "schema.sql"
FACT_TABLES = ("population", "long_term_sick", "participants")


class BuildError(Exception):
    """A build that cannot go ahead; the message says what was wrong."""


class SourceError(BuildError):
    """Source files with problems: nothing was loaded. ``problems`` lists them all."""

    def __init__(self, directory: Path, problems: list[validate.Problem], notes: list[validate.Problem] = ()):
        self.problems = problems
        self.notes = list(notes)
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the source files in "
                         f"{directory}; first: {problems[0]}")


def schema_version() -> str:
    """A digest of the files that define the warehouse's tables: a warehouse whose meta ``schema_version``
    differs was built by other code and may lack tables the queries read."""
    digest = hashlib.sha256()
    for definition in (SCHEMA, SOURCE_SCHEMA, ROLLUPS):
        digest.update(definition.read_bytes())
    return digest.hexdigest()[:12]


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
STALE_AFTER_SECONDS = 24 * 3600  # a temporary whose process id may have been reused is stale after a day


def warehouse_problem(path: Path) -> str | None:
    """What is wrong with the warehouse file at ``path``, in words, or None if it reads from end to end.

    Every table is read in full (a truncated or damaged file may still open and answer its meta table)."""
    if not path.is_file():
        return "it is not a regular file (a directory?)"
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    with path.open("rb") as handle:
        head = handle.read(12)
    if head[8:12] != DUCKDB_MAGIC:
        return f"it is not a DuckDB database file (it begins {head[:12]!r})"
    try:
        with duckdb.connect() as con:
            con.execute("ATTACH $path AS warehouse (READ_ONLY)", {"path": str(path)})
            tables = [t for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'warehouse'").fetchall()]
            if "meta" not in tables:
                return "it has no meta table, so it was not written by python -m data.build"
            for table in tables:
                # hash() of every row reads every column of every block: damage anywhere shows here.
                con.execute(f'SELECT sum(hash(t)) FROM warehouse."{table}" AS t').fetchall()
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        return f"it is damaged or truncated ({first})"
    return None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove what an earlier build of ``path`` killed before it finished left beside it (``.<name>.<pid>.tmp``,
    its ``.wal``, a backup link): only this build's names, and only when that process is gone or the file is a
    day old. Returns what was removed."""
    removed = []
    pattern = re.compile(rf"\.{re.escape(path.name)}\.([0-9]+)\.(?:tmp|tmp\.wal|bak\.tmp)")
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*"):
        match = pattern.fullmatch(candidate.name)
        if not match or not candidate.is_file() or int(match[1]) == os.getpid():
            continue
        old = time.time() - candidate.stat().st_mtime > STALE_AFTER_SECONDS
        if old or not _process_alive(int(match[1])):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def built_meta(path: Path) -> dict[str, str]:
    """A warehouse file's meta values; empty if it cannot be read."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return dict(con.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.Error:
        return {}


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Every table: the facts, and the source tables (empty unless built with ``--source``), so queries over
    published series run, and find nothing, on a demo warehouse."""
    con.execute(SCHEMA.read_text())
    con.execute(SOURCE_SCHEMA.read_text())


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, select: str = "*") -> None:
    """Append a DataFrame to a table; ``select`` may convert columns of the frame (named ``src``)."""
    con.register("src", frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT {select} FROM src")
    finally:
        con.unregister("src")


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    insert(con, "areas", reference.areas()[
        ["code", "name", "short_name", "level", "parent", "ods", "nhs_region", "accelerator", "workwell"]
    ])
    insert(con, "condition_groups", reference.condition_groups(),
           "id, name, NULLIF(parent, ''), sort::INT, description")
    insert(con, "conditions", reference.conditions(), "code, name, group_id, NULLIF(subgroup, '')")
    progs = reference.programmes()
    insert(con, "programmes", progs, """id, name, short_name, description, "where", start::DATE,
           NULLIF("end", '')::DATE, calibration, source_name, source_url, NULLIF(app_use_benchmark, '')::DOUBLE""")
    icb_codes = reference.icbs()["code"].tolist()
    pairs = pd.DataFrame(
        [(p.id, code) for p in progs.itertuples() for code in (p.icbs.split(";") if p.icbs else icb_codes)],
        columns=["programme", "icb_code"],
    )
    insert(con, "programme_areas", pairs)
    load_domain_reference(con)


def load_domain_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Area membership (for ``in_area``), the hex layout and the publications list: what the app reads from
    the warehouse instead of from ``data/reference``."""
    con.execute("""INSERT INTO area_members
                   WITH RECURSIVE up(area, member) AS (
                       SELECT code, code FROM areas
                       UNION ALL
                       SELECT a.parent, up.member FROM up JOIN areas a ON a.code = up.area WHERE a.parent IS NOT NULL)
                   SELECT DISTINCT area, member FROM up""")
    insert(con, "nhs_regions", reference.regions("nhs_region"), "code, name")
    insert(con, "area_hex", reference.table("icb_hex"), 'code, col::INT, "row"::INT')
    insert(con, "reference_sources", reference.sources(), "id, name, publisher, url, licence, used_for")


def load_demo_assumptions(con: duckdb.DuckDBPyConnection) -> None:
    insert(con, "demo_assumptions", pd.DataFrame({"sort": range(len(demo.ASSUMPTIONS)), "text": demo.ASSUMPTIONS}))


def load_facts(con: duckdb.DuckDBPyConnection, data: demo.DemoData) -> None:
    """Insert ICB-level facts, then roll them up to ONS regions (best fit) and England."""
    insert(con, "population", data.population,
           """period, make_date(period[1:4]::INT, (period[6]::INT - 1) * 3 + 1, 1),
              area_code, 'icb', age_band, sex, population, sample_size""")
    insert(con, "long_term_sick", data.long_term_sick,
           "period, area_code, 'icb', age_band, sex, condition_code, people, sample_n")
    for parent_expr, level in (("a.parent", "region"), ("'E92000001'", "england")):
        con.execute(
            f"""INSERT INTO population
                SELECT p.period, any_value(p.period_start), {parent_expr}, '{level}', p.age_band, p.sex,
                       sum(p.population), sum(p.sample_size)
                FROM population p JOIN areas a ON a.code = p.area_code WHERE p.level = 'icb'
                GROUP BY ALL"""
        )
        con.execute(
            f"""INSERT INTO long_term_sick
                SELECT l.period, {parent_expr}, '{level}', l.age_band, l.sex, l.condition_code,
                       sum(l.people), sum(l.sample_n)
                FROM long_term_sick l JOIN areas a ON a.code = l.area_code WHERE l.level = 'icb'
                GROUP BY ALL"""
        )
    insert(con, "participants", data.participants)
    if len(data.long_term_sick) or len(data.participants):
        load_demo_assumptions(con)


# ---- long-term sickness in one shape (lts_facts), whatever the origin ----------------------------------------

_QUARTER_KEY = "strftime(period_end, '%Y') || 'Q' || quarter(period_end)"
_PERIOD_LABEL = """CASE WHEN date_diff('month', period_start, period_end) >= 11
                        THEN 'year to ' || strftime(period_end, '%b %Y')
                        ELSE strftime(period_start, '%b') || '-' || strftime(period_end, '%b %Y') END"""
_LTS_SOURCES = {
    "demo": ("This dashboard's demo generator", "Synthetic long-term sickness, calibrated to ONS figures", "demo"),
    "nomis_aps": ("Office for National Statistics, via Nomis", "Annual Population Survey", "source_nomis_aps"),
    "inac01": ("Office for National Statistics", "INAC01: economic inactivity by reason", "source_inac01"),
    "ons_series": ("Office for National Statistics", "Labour market time series (LF6A)", "source_ons_series"),
}
DEMO_MEASURE = "% of people aged 16-64 economically inactive because of long-term sickness"


def load_lts_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Fill ``lts_facts`` and ``sources`` from whatever was loaded: the demo generator's cells (totals by area
    and quarter), Nomis APS long-term-sick series (rolling years; England, regions, ICBs), and the UK series
    (INAC01 and ONS LF6A, three-month periods ending in a quarter's last month). Measures keep their published
    names; dimensions the source does not give are 'all'."""
    con.execute(f"""INSERT INTO lts_facts
        WITH pop AS (SELECT period, any_value(period_start) AS period_start, area_code, any_value(level) AS level,
                            sum(population) AS population, sum(sample_size) AS n
                     FROM population GROUP BY period, area_code),
             sick AS (SELECT period, area_code, sum(people) AS people FROM long_term_sick GROUP BY ALL),
             q AS (SELECT p.*, s.people, last_day(p.period_start + INTERVAL 2 MONTH) AS period_end
                   FROM pop p JOIN sick s USING (period, area_code))
        SELECT 'demo', '{DEMO_MEASURE}', 'percent', area_code, level, period, 'quarter', period_start, period_end,
               {_PERIOD_LABEL}, 'all', 'all', 'all', 100 * people / population, people, population, NULL, NULL, n,
               NULL, false, true
        FROM q""")
    con.execute(f"""INSERT INTO lts_facts
        SELECT 'nomis_aps', variable, CASE WHEN is_percentage THEN 'percent' ELSE 'people' END, area_code, area_level,
               {_QUARTER_KEY},
               CASE WHEN date_diff('month', period_start, period_end) >= 11 THEN 'rolling_year'
                    WHEN month(period_start) IN (1, 4, 7, 10) THEN 'quarter' ELSE 'three_month' END,
               period_start, period_end, {_PERIOD_LABEL}, 'all', 'all', 'all', value, numerator, denominator,
               ci_lower, ci_upper, NULL, flag, aggregated, false
        FROM source_nomis_aps
        WHERE area_level IN ('england', 'region', 'icb') AND lower(variable) LIKE '%long-term sick%'""")
    for table, source, measure in (("source_inac01", "inac01", "column_label"), ("source_ons_series", "ons_series", "title")):
        kept = "series_id = 'LF6A'" if source == "inac01" else "cdid = 'LF6A' AND period_type IN ('quarter', 'month')"
        value = "people" if source == "inac01" else "value * 1000"
        con.execute(f"""INSERT INTO lts_facts
            SELECT '{source}', {measure}, 'people', 'K02000001', 'uk', {_QUARTER_KEY}, 'three_month', period_start,
                   period_end, {_PERIOD_LABEL}, 'all', CASE sex WHEN 'persons' THEN 'all' ELSE sex END, 'all',
                   {value}, NULL, NULL, NULL, NULL, NULL, NULL, false, false
            FROM {table}
            WHERE {kept} AND month(period_end) IN (3, 6, 9, 12) AND date_diff('month', period_start, period_end) = 2
            QUALIFY row_number() OVER (PARTITION BY sex, period_end ORDER BY period_start) = 1""")
    for source, (publisher, dataset, table) in _LTS_SOURCES.items():
        # A source's release is its newest file's (older editions' periods are superseded by it); NULL when no
        # file states one (Nomis query downloads give only the day they were downloaded).
        con.execute("""INSERT INTO sources
            SELECT $id, $publisher, $dataset,
                   (SELECT max(release_date) FROM source_files WHERE target = $table),
                   (SELECT files FROM source_file_names WHERE target = $table), $id, $id = 'demo'
            WHERE EXISTS (SELECT 1 FROM lts_facts WHERE source_id = $id)""",
                    {"id": source, "publisher": publisher, "dataset": dataset, "table": table})


def build_rollups(con: duckdb.DuckDBPyConnection, *, participants_synthetic: bool = True,
                  participants_source: str = "demo generator") -> None:
    """(Re)build the programme facts that requests read (data/rollups.sql): participant records and pilot returns
    in one shape, each row with its source, whether it is synthetic and its follow-up."""
    con.execute("SET VARIABLE participants_synthetic = $synthetic", {"synthetic": participants_synthetic})
    con.execute("SET VARIABLE participants_source = $source", {"source": participants_source})
    con.execute(ROLLUPS.read_text())


def write_meta(con: duckdb.DuckDBPyConnection, **values: object) -> None:
    insert(con, "meta", pd.DataFrame({"key": list(values), "value": [str(v) for v in values.values()]}))


def check(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse to publish a warehouse that is plainly incomplete."""
    synthetic = con.execute("SELECT count(*) FROM long_term_sick").fetchone()[0] > 0
    for table in ("areas", "meta", *(("population", "long_term_sick") if synthetic else ())):  # programme facts may be absent
        if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0:
            raise BuildError(f"table {table} is empty")
    loaded = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("lts_facts", "participants", "pilot_returns", "source_fingertips"))
    if not loaded:
        raise BuildError("the build holds no facts: no file gave long-term sickness, programme or indicator rows")
    levels = dict(con.execute("SELECT level, count(DISTINCT area_code) FROM population GROUP BY level").fetchall())
    if synthetic and levels != {"icb": 42, "region": 9, "england": 1}:
        raise BuildError(f"expected 42 ICBs, 9 regions and England in population, found {levels}")
    check_rollups(con)


def check_rollups(con: duckdb.DuckDBPyConnection) -> None:
    """Every participant is counted once in the programme facts and their days, and every pilot return's starts."""
    people = con.execute("SELECT count(*) FROM participants").fetchone()[0]
    for rollup, column in (("programme_facts", "participants"), ("programme_days", "people")):
        total = con.execute(f"SELECT coalesce(sum({column}), 0) FROM {rollup}"
                            + (" WHERE origin = 'participant_records'" if rollup == "programme_facts" else "")
                            ).fetchone()[0]
        if total != people:
            raise BuildError(f"rollup {rollup} counts {total:,} participants, the participants table {people:,}")
    starts, returned = con.execute("""SELECT (SELECT coalesce(sum(participants), 0) FROM programme_facts
                                             WHERE origin = 'pilot_returns'),
                                            (SELECT coalesce(sum(starts), 0) FROM pilot_returns)""").fetchone()
    if starts != returned:
        raise BuildError(f"programme_facts counts {starts:,} starts from pilot returns, the returns {returned:,}")


def build_demo(path: Path, participants: int, seed: int) -> dict[str, str]:
    """Generate the demo data and publish it at ``path`` atomically. Returns the warehouse's meta values."""
    started = time.perf_counter()
    data = demo.generate(participants=participants, seed=seed)
    meta = {
        "data_version": uuid.uuid4().hex[:12],
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "is_demo": "true",
        "seed": seed,
        "participants": participants,
        "first_period": demo.FIRST_PERIOD,
        "last_period": demo.LAST_PERIOD,
        "data_cutoff": demo.DATA_CUTOFF.isoformat(),
        "accelerator_start": demo.ACCELERATOR_START,
        "accelerator_effect_pp": demo.ACCELERATOR_EFFECT_PP,
    }
    publish(path, data, meta)
    meta["seconds"] = f"{time.perf_counter() - started:.1f}"
    return {k: str(v) for k, v in meta.items()}


# Reading and checking the files lives in data/sources/collect.py; these names are kept for callers of data.build.
SourceData, source_files, read_sources = collect.SourceData, collect.source_files, collect.read_sources


def load_sources(con: duckdb.DuckDBPyConnection, data: SourceData) -> None:
    insert(con, "source_files", pd.DataFrame(data.files, columns=["file", "format", "target", "rows", "sha256",
                                                                       "release_date"]))
    for table, frame in data.tables.items():
        con.register("src", frame)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM src")
        finally:
            con.unregister("src")


def build_source(path: Path, directory: Path, participants: int, seed: int, with_demo: bool = False) -> dict[str, str]:
    """Validate every file in ``directory`` and, only if all are clean, publish a warehouse with them loaded.
    The warehouse holds the files' figures alone (no synthetic row) unless ``with_demo``: then the demo generator
    also writes its facts, each row marked synthetic. Raises SourceError listing every problem."""
    started = time.perf_counter()
    if not directory.is_dir():
        raise BuildError(f"source directory {directory} does not exist")
    data = read_sources(directory)
    if data.errors:
        raise SourceError(directory, data.errors, data.notes)
    if not data.files:
        raise BuildError(f"no source files found in {directory}")
    real = sorted(t for t, f in data.tables.items() if len(f))
    supplied = set(real) | ({"participants"} if "pilot_returns" in real else set())  # returns: programme facts
    meta = {
        "data_version": uuid.uuid4().hex[:12],
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "is_demo": "true" if with_demo and not set(FACT_TABLES) <= supplied else "false",
        "real_tables": ",".join(real),
        "demo_tables": ",".join(t for t in FACT_TABLES if t not in supplied) if with_demo else "",
        "source_dir": directory.resolve(),
        "source_files": len(data.files),
        "source_notes": len(data.notes),
    }
    if with_demo:  # the generator's settings, for the About page and the change feed
        meta.update({"seed": seed, "participants": 0 if "participants" in supplied else participants,
                     "first_period": demo.FIRST_PERIOD,
                     "last_period": demo.LAST_PERIOD, "data_cutoff": demo.DATA_CUTOFF.isoformat(),
                     "accelerator_effect_pp": demo.ACCELERATOR_EFFECT_PP})
    # The published files give long-term sickness as published (lts_facts, load_lts_facts); the survey cells
    # (population, long_term_sick) and participant records exist only in the demo, so without it they stay empty.
    facts = demo.generate(participants=participants, seed=seed)
    if not with_demo:
        facts = demo.DemoData(*(frame.head(0) for frame in (facts.population, facts.long_term_sick,
                                                             facts.participants)))
    elif "participants" in supplied:  # the programme facts come from the pilot returns, not synthetic records
        facts = dataclasses.replace(facts, participants=facts.participants.iloc[0:0])
    publish(path, facts, meta, extra=lambda con: load_sources(con, data))
    meta["seconds"] = f"{time.perf_counter() - started:.1f}"
    return {**{k: str(v) for k, v in meta.items()}, "_notes": data.notes}


def publish(path: Path, data: demo.DemoData, meta: dict[str, object],
            extra: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> None:
    """Build the warehouse in a temporary file beside ``path``, check it, then rename it over ``path``.
    ``extra`` loads more tables (real source files) after the facts and before the checks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if (path.exists() or path.is_symlink()) and not path.is_file():
        raise BuildError(f"{path} is not a regular file (a directory?); give --db the warehouse file's path")
    for stale in remove_stale_temporaries(path):
        print(f"removed {stale.name}, left by an interrupted build", file=sys.stderr)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            create_schema(con)
            load_reference(con)
            load_facts(con, data)
            if extra is not None:
                extra(con)
            load_lts_facts(con)
            build_rollups(con)
            history.record(con, path, meta)  # the previous warehouse's build history, and this build
            write_meta(con, **meta, schema_version=schema_version())
            check(con)
            con.execute("CHECKPOINT")
        if path.exists():
            _backup(path)
        # One atomic rename: a reader opening the path finds the old file or the new one, never nothing.
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)


def _backup(path: Path) -> None:
    """Keep the current warehouse as ``<name>.bak`` without moving it: a hard link (a copy where the file system
    has none), made under a temporary name and renamed over the old backup."""
    link = path.with_name(f".{path.name}.{os.getpid()}.bak.tmp")
    link.unlink(missing_ok=True)
    try:
        os.link(path, link)
    except OSError:
        shutil.copy2(path, link)
    os.replace(link, path.with_name(path.name + ".bak"))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m data.build", description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=_positive_int, default=200_000,
                        help="synthetic programme participants to generate (default 200,000)")
    parser.add_argument("--seed", type=int, default=demo.SEED, help="random seed (default %(default)s)")
    parser.add_argument("--db", type=Path, default=None,
                        help="warehouse path (default $DASHBOARD_DB or data/warehouse.duckdb)")
    parser.add_argument("--source", type=Path, default=None, metavar="DIR",
                        help="load real source files (Fingertips, Nomis APS, INAC01, pilot returns) from DIR")
    parser.add_argument("--with-demo", action="store_true",
                        help="with --source: add the demo generator's synthetic facts beside the files' (every "
                             "chart then marks its synthetic rows); without it the warehouse holds the files alone")
    parser.add_argument("--report", type=Path, default=None, metavar="FILE",
                        help="with --source: write every problem found as CSV (file,row,column,rule,message)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    path = args.db or default_db_path()
    if args.report and not args.source:
        print("--report needs --source DIR", file=sys.stderr)
        return 2
    problems: list[validate.Problem] = []
    try:
        if args.source:
            meta = build_source(path, args.source, args.participants, args.seed, with_demo=args.with_demo)
            problems = meta.pop("_notes")
        else:
            meta = build_demo(path, args.participants, args.seed)
    except SourceError as error:
        problems = error.problems + error.notes
        shown, count = 50, len(error.problems)
        print(f"build failed: {count} problem{'s' if count != 1 else ''} in the source files in "
              f"{args.source}; nothing was loaded and the existing warehouse was left untouched", file=sys.stderr)
        for problem in error.problems[:shown]:
            print(f"  {problem}", file=sys.stderr)
        if len(error.problems) > shown:
            print(f"  ... and {len(error.problems) - shown} more" + ("" if args.report else " (use --report FILE)"),
                  file=sys.stderr)
        return 1
    except BuildError as error:
        print(f"build failed: {error}; the existing warehouse was left untouched", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build interrupted; the existing warehouse was left untouched", file=sys.stderr)
        return 130
    finally:
        if args.report:
            validate.write_report(problems, args.report)
    if args.source:
        print(f"wrote {path} (real tables: {meta['real_tables'] or 'none'}; demo: {meta['demo_tables'] or 'none'}; "
              f"{meta['source_files']} source tables, {meta['source_notes']} notes"
              f"{' in ' + str(args.report) if args.report else ' (use --report FILE to list them)'}, "
              f"version {meta['data_version']}, {meta['seconds']} s)")
        kinds = Counter(p.rule for p in problems)
        if kinds:  # what an analyst checks after each quarter's downloads: merges, old editions, areas not drawn
            print("notes: " + ", ".join(f"{rule} {count}" for rule, count in sorted(kinds.items())))
        return 0
    print(f"wrote {path} (demo data, version {meta['data_version']}, "
          f"{int(meta['participants']):,} participants, {meta['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
