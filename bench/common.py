"""What every benchmark shares, in one module that imports no other part of bench/ (so there is no cycle):
percentiles and verdicts, the clock, starting and stopping ``gunicorn``, the machine's description, the random
filter combinations, and the browser settings, which the browser tests (tests/conftest.py) read from here too.

Nothing from ``dashboard`` or ``data`` is imported at module level: tests import this module for the browser
settings alone.
"""
from __future__ import annotations

import importlib.metadata as md
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---- the browser (tests/conftest.py and bench.browser) ---------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's Chromium, never a downloaded browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 # No host but this one is looked up: the app loads nothing from elsewhere, and a page that tries
                 # (the test identity provider's stylesheet on a CDN) fails at once instead of waiting on DNS.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1280, "height": 900}
BROWSER_TIMEOUT_MS = 90_000  # generous: the machines that run the suite and the benchmark are shared


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the settings above (a Playwright ``Browser``)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# ---- numbers ---------------------------------------------------------------------------------------------------

def pct(values, q: float) -> float | None:
    """The ``q``th percentile of ``values`` (linear interpolation, numpy's default), None for no values."""
    import numpy as np

    return float(np.percentile(list(values), q)) if len(values) else None


def summarise(times: list[float], failures: int = 0) -> dict:
    """Count, failures, p50/p95/p99, max and mean of a list of milliseconds (rounded to 0.1 ms)."""
    def r(x):
        return None if x is None else round(x, 1)

    return {"requests": len(times), "failures": failures, "p50": r(pct(times, 50)), "p95": r(pct(times, 95)),
            "p99": r(pct(times, 99)), "max": r(max(times)) if times else None,
            "mean": r(sum(times) / len(times)) if times else None}


def verdict(value: float | None, target: float, unit: str = "") -> str:
    """"met", or by how much ``value`` misses ``target`` (lower is better)."""
    if value is None:
        return "not measured"
    if value <= target:
        return "met"
    miss = value - target
    shown = f"{miss:,.0f}" if abs(miss) >= 100 else f"{miss:.3g}"
    return f"missed by {shown}{unit} ({value / target:.2f}x the target)"


def ms_since(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - started) * 1000


# ---- processes ---------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 120.0, headers: dict | None = None) -> tuple[int, bytes, float]:
    """(status, body as sent, milliseconds) of a GET on the loopback server."""
    started = time.perf_counter()
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # loopback only
            return response.status, response.read(), ms_since(started)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), ms_since(started)


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 180.0) -> dict:
    """The JSON of ``url`` once it answers 200 (``/healthz``); RuntimeError if ``proc`` dies or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering {url}")
        try:
            status, body, _ = fetch(url, timeout=5)
            if status == 200:
                return json.loads(body)
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"no answer from {url} within {seconds:.0f} s")


def gunicorn(db: Path, port: int, *, workers: int = 2, stdout, env: dict | None = None,
             extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, list[str]]:
    """``gunicorn -w N app:server`` as the README runs it (from the project directory, so it reads
    gunicorn.conf.py), on ``127.0.0.1:port`` with ``DASHBOARD_DB=db``; the process and the command shown.

    No control socket: gunicorn's default one is a single path per user, shared with any other gunicorn on the
    machine. ``DASHBOARD_CACHE_URL`` is dropped unless ``env`` sets it (the in-process cache, as one host serves)."""
    command = ["gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "app:server"]
    full_env = {**os.environ, "DASHBOARD_DB": str(db), "PYTHONPATH": str(ROOT)}
    full_env.pop("DASHBOARD_CACHE_URL", None)
    full_env.setdefault("BROWSER_PATH", CHROMIUM)  # kaleido's Chromium, for image exports
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable, "-m", *command, "--no-control-socket", *extra], cwd=ROOT, env=full_env,
                            stdout=stdout, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, command


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc, so nothing else is touched)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (and of their children they have waited for)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / tick


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / tick, total / tick


def stop(proc: subprocess.Popen | None, grace: float = 20.0) -> None:
    """End a process this benchmark started, then anything left of its own family (kaleido's Chromium)."""
    if proc is None:
        return
    family = [(pid, _cmdline(pid)) for pid in descendants(proc.pid)]
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pid, cmdline in family[1:]:  # workers and their browsers, if the master left any behind
        if cmdline and _cmdline(pid) == cmdline:  # still the same process, not a new one with its id
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


# ---- the machine and the workload ---------------------------------------------------------------------------------

PACKAGES = ("dash", "plotly", "pandas", "numpy", "duckdb", "pyarrow", "scipy", "statsmodels", "redis", "kaleido",
            "flask-compress", "gunicorn", "playwright", "locust")


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")), 0)
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            pass
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": f"{mem_kib / 2**20:.1f} GiB",
            "OS": platform.platform(), "Python": platform.python_version(), "packages": ", ".join(versions)}


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def random_filters(rng: random.Random, n: int) -> list:
    """``n`` distinct ``Filters`` across every filter a chart can respond to (new combinations for the caches)."""
    from dashboard.filters import ENGLAND, Filters
    from data import demo, reference

    areas = reference.areas()
    regions = areas.loc[areas["level"] == "region", "code"].tolist()
    icbs = reference.icbs()["code"].tolist()
    periods = demo.quarters()
    conditions = reference.condition_groups()["id"].tolist()
    programmes = reference.programmes()["id"].tolist()
    seen, out = set(), []
    while len(out) < n:
        geo_kind = rng.choice(("england", "region", "icb", "icb"))
        geo = ENGLAND if geo_kind == "england" else rng.choice(regions if geo_kind == "region" else icbs)
        i, j = sorted(rng.sample(range(len(periods)), 2))
        f = Filters(geo=geo, level=rng.choice(("region", "icb")), period_from=periods[i], period_to=periods[j],
                    condition=rng.choice([None, None, *conditions]), intervention=rng.choice([None, *programmes]),
                    age=rng.choice([None, None, *demo.AGE_BANDS]), sex=rng.choice([None, None, *demo.SEXES]))
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out
