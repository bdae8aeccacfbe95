"""Warehouses built for a test module from source files, and opened as the app's warehouse for one test."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import queries
from data import build

# The project's own files in each publisher's real layout (see its README): a warehouse from these alone is what a
# commissioner gets from this quarter's published files.
REAL_FILES = Path(__file__).parent / "fixtures" / "sources" / "real"


def built(directory: Path, source: Path, *options: str) -> Path:
    """``python -m data.build --source SOURCE`` (with ``options``) into ``directory``; the warehouse's path."""
    path = directory / "w.duckdb"
    assert build.main(["--db", str(path), "--source", str(source), *options]) == 0
    return path


@contextmanager
def opened(path: Path, monkeypatch) -> Iterator[queries.Warehouse]:
    """The warehouse at ``path`` as the app's while the block runs, closed after."""
    wh = queries.Warehouse(path)
    monkeypatch.setattr(queries, "_default", wh)
    try:
        yield wh
    finally:
        wh.close()
