"""Build (or reuse) a benchmark warehouse in bench/out/, recording its build time and peak memory.

Run as ``python -m bench.build N``: the build runs in a child process so its peak RSS
(``resource.getrusage(RUSAGE_CHILDREN)``) is the build's alone.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from data import build as data_build

OUT = Path(__file__).with_name("out")
SEED = 20241126


def db_path(participants: int) -> Path:
    return OUT / f"warehouse_{participants}.duckdb"


def stats_path(participants: int) -> Path:
    return OUT / f"build_{participants}.json"


def ensure(participants: int) -> dict:
    """The warehouse for ``participants``, built unless one of that size is there; returns its build stats."""
    path, stats = db_path(participants), stats_path(participants)
    meta = data_build.built_meta(path) if path.is_file() else {}
    current = (meta.get("participants") == str(participants)
               and meta.get("schema_version") == data_build.schema_version())  # else built by older code
    if current and stats.is_file():
        return {**json.loads(stats.read_text()), "reused": True}
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # A fresh interpreter per build: RUSAGE_CHILDREN then reports this build's peak RSS only
    # (ru_maxrss is the largest child, in KiB on Linux).
    subprocess.run([sys.executable, "-m", "data.build", "--participants", str(participants), "--seed", str(SEED),
                    "--db", str(path)], check=True)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = {"participants": participants, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_kib / 1024),
              "file_mb": round(path.stat().st_size / 2**20)}
    stats.write_text(json.dumps(result))
    return {**result, "reused": False}


if __name__ == "__main__":
    print(ensure(int(sys.argv[1])))
