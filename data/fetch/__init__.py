"""``python -m data.fetch --out DIR``: download the latest published figures the dashboard reads, unmodified.

From the publishers' public APIs (``data/fetch/publishers.py``): OHID Fingertips indicators by ICB and region,
the Annual Population Survey long-term-sick series from Nomis by England, region and local authority (paged),
ONS INAC01 and the LF6A time series. Then ``python -m data.build --source DIR`` loads them.

Never a half-written directory: everything is written into a hidden sibling ``.DIR.fetch-<pid>-*`` and renamed
to DIR only when every download has succeeded; a failure, Ctrl-C or SIGTERM removes it, and temporaries left by a
run that was killed outright are removed by the next run. ``DIR/.manifest.json`` (hidden, so the build does not
read it as a source file) records each file's URL, publisher, dataset, time, size and sha256.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from data.fetch.client import Client, FetchError
from data.fetch.publishers import FETCHERS, Request, Saved, Settings

MANIFEST = ".manifest.json"


def run(out: Path, request: Request, settings: Settings, client: Client, replace: bool = False, log=print) -> dict:
    """Download everything ``request`` asks for into ``out``; returns the manifest. Raises FetchError, leaving
    ``out`` as it was (absent, or the previous download when ``replace``)."""
    started = _now()
    with staging(out, replace) as folder:
        def save(item: Saved, body: bytes) -> Saved:
            path = folder / item.file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            item.bytes, item.sha256 = len(body), hashlib.sha256(body).hexdigest()
            log(f"fetched {item.file} ({item.bytes:,} bytes) from {item.url}")
            return item

        saved = [item for publisher in request.publishers
                 for item in FETCHERS[publisher](client, settings, request, save)]
        manifest = {
            "tool": "python -m data.fetch", "started_at": started, "finished_at": _now(),
            "request": {"indicators": list(request.indicators), "nomis_since": request.nomis_since,
                        "publishers": list(request.publishers)},
            "files": [asdict(item) for item in saved],
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


@contextmanager
def staging(out: Path, replace: bool):
    """A hidden temporary sibling of ``out``, renamed to ``out`` when the block succeeds and removed otherwise."""
    out = out.absolute()
    made = [d for d in (out.parent, *out.parent.parents) if not d.exists()]  # removed again if the fetch fails
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    if out.exists() and not out.is_dir():
        raise FetchError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not replace:
            raise FetchError(f"{out} already exists and is not empty: choose a new directory, or pass --replace to "
                             "swap an earlier download for the new one once every file has arrived")
        if not (out / MANIFEST).is_file():  # --replace removes the old directory: only ever one of ours
            raise FetchError(f"{out} is not an earlier download (it has no {MANIFEST}), so --replace will not "
                             "remove it: choose a new directory")
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.fetch-{os.getpid()}-", dir=out.parent))
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        for directory in made:  # innermost first; only if still empty
            if directory.exists() and not any(directory.iterdir()):
                directory.rmdir()
        raise
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)  # two renames: DIR is the old download or the new one, never a mixture
    try:
        folder.rename(out)
    except BaseException:
        if old.exists():
            old.rename(out)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def remove_stale(out: Path) -> list[Path]:
    """Temporaries of ``out`` left by a fetch that was killed (its process is gone; a live run's are kept).
    A previous download caught between the two renames is put back rather than removed."""
    removed = []
    for path in sorted(out.parent.glob(f".{out.name}.*")):
        kind, _, rest = path.name[len(out.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind not in ("fetch", "old") or not pid.isdigit() or _alive(int(pid)):
            continue
        if kind == "old" and not out.exists():
            path.rename(out)
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


__all__ = ["MANIFEST", "Client", "FetchError", "Request", "Settings", "remove_stale", "run", "staging"]
