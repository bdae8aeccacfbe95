"""``python -m bench.load``: 100 simulated users on ``gunicorn -w 2`` for 2 minutes, at 5,000,000 participants.

The target (issue 15): 100 locust users browsing, changing filters and exporting images for 2 minutes against
``gunicorn -w 2``: no errors, and the page callbacks' 95th percentile under 1 second (images must not starve
everything else). The p95 of every request is reported beside it.

1. Build (or reuse) the benchmark warehouse of ``--participants`` in bench/out/ (``bench.build``).
2. Start the documented production set-up on free loopback ports: ``redis-server`` (no persistence) as the
   shared results cache, and ``gunicorn -w 2 app:server`` with ``DASHBOARD_DB`` and ``DASHBOARD_CACHE_URL``
   (plus an access log with each request's server-side time). ``--no-redis`` leaves Redis out.
3. Wait for ``/healthz``; warm each worker as its first users would (a page, a CSV, a PNG: the first PNG starts
   kaleido's Chromium in that worker, several seconds, timed and reported but not in the load figures).
   ``--no-warm`` skips it.
4. Run locust headless with bench/locustfile.py (``--users``, spawned at ``--spawn-rate`` a second, for
   ``--minutes``); the locustfile records every request, and the percentiles here are computed from those
   exact times (locust's own CSV stats, rounded into buckets, are kept beside them in bench/out/).
5. Stop everything it started, and write bench/out/load.json: users, duration, requests, failures, p50/p95/p99
   overall and per request type (page, callback, csv, png, embed, api), requests/s, server-side times from the
   access log, Redis hits and misses, CPU used by the server, locust and everything else, and the machine.

``load_section(result)`` turns that JSON into Markdown lines for bench/REPORT.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from bench import build
from bench.common import (
    cpu_seconds,
    descendants,
    fetch,
    free_port,
    gunicorn,
    machine,
    machine_busy,
    stop,
    summarise,
    wait_for,
)

HERE = Path(__file__).parent
ROOT = HERE.parent
OUT = build.OUT
TARGET_P95_MS = 1000.0
TYPES = ("page", "callback", "csv", "png", "embed", "api")


# ---- processes ---------------------------------------------------------------------------------------------

class Services:
    """redis-server and gunicorn, started on free loopback ports; ``close()`` ends both."""

    def __init__(self, db: Path, workers: int, redis: bool, logs: dict[str, Path]):
        self.redis = self.gunicorn = None
        self.redis_port = None
        self.cache_url = None
        self.logs = logs
        self._files = []
        try:
            if redis:
                self.redis_port = free_port()
                self.redis = subprocess.Popen(
                    ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--daemonize", "no"],
                    stdout=self._log("redis"), stderr=subprocess.STDOUT, start_new_session=True)
                self.cache_url = f"redis://127.0.0.1:{self.redis_port}/0"
                self._wait_redis()
            self.port = free_port()
            self.base = f"http://127.0.0.1:{self.port}"
            env = {}
            if self.cache_url:
                env["DASHBOARD_CACHE_URL"] = self.cache_url
                env["DASHBOARD_CACHE_KEY"] = os.environ.get("DASHBOARD_CACHE_KEY") or secrets.token_hex(32)
            self.gunicorn, self.command = gunicorn(
                db, self.port, workers=workers, stdout=self._log("gunicorn_stdout"), env=env,
                extra=("--access-logfile", str(logs["access"]), "--access-logformat", "%(m)s %(U)s %(s)s %(L)s",
                       "--error-logfile", str(logs["gunicorn"])))
            self.health = wait_for(f"{self.base}/healthz", self.gunicorn)
        except BaseException:
            self.close()
            raise

    def _log(self, name: str):
        handle = open(self.logs.get(name, OUT / f"load_{name}.log"), "w")  # noqa: SIM115 - closed in close()
        self._files.append(handle)
        return handle

    def _wait_redis(self) -> None:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.redis_port, socket_connect_timeout=1)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not answer")

    def redis_stats(self) -> dict | None:
        if not self.redis_port:
            return None
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.redis_port)
        stats, memory = client.info("stats"), client.info("memory")
        hits, misses = stats["keyspace_hits"], stats["keyspace_misses"]
        return {"keys": client.dbsize(), "hits": hits, "misses": misses,
                "hit_rate": round(hits / (hits + misses), 3) if hits + misses else None,
                "used_memory": memory["used_memory_human"]}

    def server_pids(self) -> list[int]:
        return descendants(self.gunicorn.pid) if self.gunicorn else []

    def close(self) -> None:
        stop(self.gunicorn)
        stop(self.redis, grace=5)
        self.gunicorn = self.redis = None
        for handle in self._files:
            handle.close()


# ---- warm-up and the run -----------------------------------------------------------------------------------

WARM_PATHS = ("/healthz", "/", "/export/overview-trend.csv", "/export/overview-trend.png", "/embed/overview-trend")


def warm(base: str, workers: int) -> dict[str, list[float]]:
    """Each path from ``workers`` threads at once, so every (sync) worker answers one: their cold-start times."""
    times: dict[str, list[float]] = {}
    for path in WARM_PATHS:
        results: list[tuple[int, float]] = []

        def one(p=path, out=results):
            status, _, ms = fetch(base + p, timeout=180)
            out.append((status, ms))

        threads = [threading.Thread(target=one) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        bad = [s for s, _ in results if s != 200]
        if bad:
            raise RuntimeError(f"warm-up: {path} answered {bad}")
        times[path] = [round(ms) for _, ms in results]
    return times


def busy_processes() -> list[str]:
    """Other processes using the CPU before the run (a shared machine): command names and CPU %."""
    tick = os.sysconf("SC_CLK_TCK")

    def snapshot() -> dict[int, tuple[str, int]]:
        out = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    name = stat[stat.index("(") + 1:stat.rindex(")")]
                    fields = stat.rsplit(")", 1)[1].split()
                    out[int(entry.name)] = (name, int(fields[11]) + int(fields[12]))
                except (OSError, ValueError, IndexError):
                    continue
        return out

    first = snapshot()
    time.sleep(2)
    second = snapshot()
    usage: Counter = Counter()
    for pid, (name, ticks) in second.items():
        if pid in first:
            usage[name] += (ticks - first[pid][1]) / tick / 2 * 100
    return [f"{name} {pct:.0f}%" for name, pct in usage.most_common(6) if pct >= 5]


def run_locust(base: str, users: int, spawn_rate: float, seconds: int, seed: int, samples: Path,
               prefix: Path, wait: tuple[float, float], db: Path) -> tuple[int, float]:
    """Run locust to the end; its exit code and the CPU seconds it used (it is the only child waited for)."""
    import resource

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before = children_cpu()
    env = {**os.environ, "LOAD_SAMPLES": str(samples), "LOAD_SEED": str(seed),
           "LOAD_WAIT": f"{wait[0]:g},{wait[1]:g}", "PYTHONPATH": str(ROOT),
           "DASHBOARD_DB": str(db)}  # the users' filters are checked against the warehouse's periods and areas
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--host", base,
               "--csv", str(prefix), "--only-summary", "--exit-code-on-error", "0"]
    with open(OUT / "load_locust.log", "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            proc.wait(timeout=seconds + 180)
        except BaseException:
            stop(proc)
            raise
    return proc.returncode, children_cpu() - before


# ---- figures -----------------------------------------------------------------------------------------------

def access_type(method: str, path: str) -> str:
    if path.startswith("/_dash-update-component"):
        return "callback"
    if path.startswith("/export/") and path.endswith(".csv"):
        return "csv"
    if path.startswith("/export/") and path.endswith(".png"):
        return "png"
    if path.startswith("/embed/"):
        return "embed"
    if path in ("/api/charts", "/healthz"):
        return "api"
    return "page"


def server_times(access_log: Path, since: float | None = None) -> dict:
    """Per type, gunicorn's own time for each request (%(L)s: from reading it to the last byte written)."""
    per: dict[str, list[float]] = defaultdict(list)
    statuses: Counter = Counter()
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        method, path, status, seconds = parts
        per[access_type(method, path)].append(float(seconds) * 1000)
        statuses[status] += 1
    every = [x for v in per.values() for x in v]
    return {"per_type": {t: summarise(v) for t, v in sorted(per.items())},
            "all": summarise(every), "statuses": dict(statuses), "busy_s": round(sum(every) / 1000, 1)}


LOG_PROBLEM = re.compile(r"Traceback|\bERROR\b|WORKER TIMEOUT|Exception|Error:", re.IGNORECASE)


def log_problems(path: Path) -> dict:
    if not path.is_file():
        return {"lines": 0, "first": []}
    lines = [line for line in path.read_text(errors="replace").splitlines() if LOG_PROBLEM.search(line)]
    return {"lines": len(lines), "first": lines[:15]}


def analyse(samples_path: Path) -> dict:
    data = json.loads(samples_path.read_text())
    rows = data["samples"]
    per_type: dict[str, list[float]] = defaultdict(list)
    per_name: dict[str, list[float]] = defaultdict(list)
    failed_type: Counter = Counter()
    failed_name: Counter = Counter()
    errors: Counter = Counter()
    for name, kind, ms, _bytes, error, _at in rows:
        per_type[kind].append(ms)
        per_name[name].append(ms)
        if error:
            failed_type[kind] += 1
            failed_name[name] += 1
            errors[f"{name}: {error}"] += 1
    every = [r[2] for r in rows]
    seconds = (data["stopped"] or rows[-1][5]) - (data["started"] or rows[0][5]) if rows else 0
    return {
        "requests": len(rows),
        "failures": sum(failed_type.values()),
        "overall": summarise(every, sum(failed_type.values())),
        "per_type": {t: summarise(per_type[t], failed_type[t]) for t in [*TYPES, *sorted(set(per_type) - set(TYPES))]
                     if per_type.get(t)},
        "per_name": {n: summarise(v, failed_name[n]) for n, v in sorted(per_name.items(),
                                                                         key=lambda kv: -np.percentile(kv[1], 95))},
        "errors": [{"error": e, "count": c} for e, c in errors.most_common(20)],
        "measured_seconds": round(seconds, 1),
        "requests_per_s": round(len(rows) / seconds, 2) if seconds else None,
    }


# ---- the report section ------------------------------------------------------------------------------------

def _ms(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def callback_p95(result: dict) -> float | None:
    return result["per_type"].get("callback", {}).get("p95")


def verdict(result: dict) -> str:
    p95, failures = callback_p95(result), result["failures"]
    problems = []
    if failures:
        problems.append(f"{failures:,} failed requests of {result['requests']:,}")
    if p95 is None or p95 > TARGET_P95_MS:
        problems.append(f"callback p95 {_ms(p95)} ms: missed by {_ms((p95 or 0) - TARGET_P95_MS)} ms "
                        f"({(p95 or 0) / TARGET_P95_MS:.1f}x the target)")
    return "met" if not problems else "missed: " + "; ".join(problems)


def target_row(result: dict | None) -> str:
    """The load row of the report's targets table."""
    name = "| 100 users for 2 minutes on `gunicorn -w 2`, callbacks and image exports: no errors, callback p95 < 1 s"
    if result is None:
        return f"{name} | not measured | — |"
    png = result["per_type"].get("png", {})
    return (f"{name} | {result['users']} users, {result['requests']:,} requests ({png.get('requests', 0)} PNG), "
            f"{result['failures']:,} failures, callback p95 {_ms(callback_p95(result))} ms (all requests "
            f"{_ms(result['overall']['p95'])} ms) | {verdict(result)} |")


def load_section(result: dict) -> list[str]:
    """Markdown lines for bench/REPORT.md from bench/out/load.json: a paragraph, a verdict and a table."""
    o, cpu = result["overall"], result.get("cpu", {})
    cache = (f"Redis as the shared results cache ({result['redis']['hit_rate']:.0%} of its lookups were hits)"
             if result.get("redis") and result["redis"].get("hit_rate") is not None
             else "the in-process results cache only (no Redis)")
    share = ""
    if cpu.get("machine_busy_s"):
        share = (f" Over the run the machine's {result['machine'].get('cores', '2')} cores were "
                 f"{cpu['machine_busy_pct']:.0f}% busy: the server {cpu['server_s']:.0f} CPU-s "
                 f"({cpu['server_ms_per_request']:.0f} ms a request), locust {cpu['locust_s']:.0f} CPU-s, other "
                 f"work on the machine {cpu['other_s']:.0f} CPU-s; the {result['workers']} workers were busy "
                 f"{result['worker_busy_pct']:.0f}% of the time.")
    lines = [
        f"## Load: {result['users']} users for {result['duration_s'] / 60:g} minutes on `{result['server']}`",
        "",
        (f"`python -m bench.load --participants {result['participants']} --users {result['users']} "
         f"--minutes {result['duration_s'] / 60:g}` runs locust (bench/locustfile.py) against the app at "
         f"{result['participants']:,} participants with {cache}. Each user reads for "
         f"{result.get('wait_s', [1, 3])[0]:g}-{result.get('wait_s', [1, 3])[1]:g} s between actions and does "
         "what a browser does: opens a page with random filters (the page, Dash's layout and dependencies, the "
         "router callback, then every chart, share-link and download-link callback, up to 6 at once), changes "
         "a filter (the filters callback, then every callback it feeds), follows a link, exports CSV (often) "
         "and PNG (rarely), opens embeds and the chart catalogue. Times are the client's, from request to last "
         "byte, including time queued for a worker thread; 'server' is gunicorn's own time per request."
         f"{share}"),
        "",
        (f"**Target: no errors and callback p95 < {TARGET_P95_MS / 1000:g} s — {verdict(result)}.** "
         f"{result['requests']:,} requests ({result['requests_per_s']:.1f}/s), {result['failures']:,} failures; "
         f"p50 {_ms(o['p50'])} ms, p95 {_ms(o['p95'])} ms, p99 {_ms(o['p99'])} ms."),
        "",
        "| requests | count | failures | p50 ms | p95 ms | p99 ms | server p50 ms | server p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    server = result.get("server_times", {}).get("per_type", {})
    for kind, s in [*result["per_type"].items(), ("all", o)]:
        srv = server.get(kind, {}) if kind != "all" else result.get("server_times", {}).get("all", {})
        label = f"**{kind}**" if kind == "all" else kind
        lines.append(f"| {label} | {s['requests']:,} | {s['failures']:,} | {_ms(s['p50'])} | {_ms(s['p95'])} | "
                     f"{_ms(s['p99'])} | {_ms(srv.get('p50'))} | {_ms(srv.get('p95'))} |")
    slow = [(n, s) for n, s in result.get("per_name", {}).items() if s["requests"] >= 5][:3]
    if slow:
        lines += ["", "Slowest at p95: " + "; ".join(f"`{n}` {_ms(s['p95'])} ms ({s['requests']})" for n, s in slow)
                  + "."]
    lines += ["", f"Measured {result['measured_at']} on {result['machine'].get('CPU', 'this machine')}, "
              f"{result['machine'].get('cores', '?')} cores; {result.get('machine_note', '')}".rstrip("; ")]
    return lines


# ---- main --------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5_000_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--spawn-rate", type=float, default=10.0)
    parser.add_argument("--wait", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"),
                        help="seconds each user reads between actions, uniform between MIN and MAX (default 5 15)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--no-redis", action="store_true", help="no shared Redis cache (in-process cache only)")
    parser.add_argument("--no-warm", action="store_true", help="measure from a cold start")
    parser.add_argument("--out", type=Path, default=OUT / "load.json")
    args = parser.parse_args(argv)

    build_stats = build.ensure(args.participants)
    db = build.db_path(args.participants)
    print(f"warehouse {args.participants:,}: {build_stats}", flush=True)
    redis = not args.no_redis
    if redis and not shutil.which("redis-server"):
        print("redis-server is not installed (apt-get install redis-server): running without the shared cache",
              file=sys.stderr)
        redis = False
    OUT.mkdir(parents=True, exist_ok=True)
    logs = {"access": OUT / "load_access.log", "gunicorn": OUT / "load_gunicorn.log",
            "redis": OUT / "load_redis.log"}
    samples, prefix = OUT / "load_samples.json", OUT / "load_locust"
    for stale in (samples, logs["access"], logs["gunicorn"]):  # gunicorn appends to its logs
        stale.unlink(missing_ok=True)
    seconds = max(1, round(args.minutes * 60))
    others = busy_processes()
    load_before = os.getloadavg()
    services = Services(db, args.workers, redis, logs)
    try:
        print(f"serving {services.base} ({' '.join(services.command)}), cache {services.cache_url or 'in-process'}",
              flush=True)
        warm_ms = {} if args.no_warm else warm(services.base, args.workers)
        if warm_ms:
            print(f"warm-up (ms per worker): {warm_ms}", flush=True)
        logs["access"].write_text("")  # the figures below are the run's alone (gunicorn appends to the file)
        server_cpu0, (busy0, total0) = cpu_seconds(services.server_pids()), machine_busy()
        redis_cpu0 = cpu_seconds([services.redis.pid]) if services.redis else 0.0
        print(f"locust: {args.users} users at {args.spawn_rate:g}/s for {seconds} s", flush=True)
        code, locust_cpu = run_locust(services.base, args.users, args.spawn_rate, seconds, args.seed, samples,
                                       prefix, tuple(args.wait), db)
        busy1, total1 = machine_busy()
        server_cpu = cpu_seconds(services.server_pids()) - server_cpu0
        redis_cpu = (cpu_seconds([services.redis.pid]) - redis_cpu0) if services.redis else 0.0
        redis_stats = services.redis_stats()
    finally:
        services.close()
    if not samples.is_file():
        print(f"locust wrote no samples (exit {code}); see {OUT / 'load_locust.log'}", file=sys.stderr)
        return 1
    result = analyse(samples)
    boots = logs["gunicorn"].read_text(errors="replace").count("Booting worker") if logs["gunicorn"].is_file() else 0
    busy = busy1 - busy0
    result = {
        "participants": args.participants, "users": args.users, "spawn_rate": args.spawn_rate,
        "wait_s": list(args.wait),
        "duration_s": seconds, "workers": args.workers, "server": f"gunicorn -w {args.workers} app:server",
        "server_command": " ".join(services.command),
        "cache": services.cache_url and "redis" or "in-process", **result,
        "target": {"p95_ms": TARGET_P95_MS, "failures": 0, "verdict": None},
        "server_times": server_times(logs["access"]),
        "redis": redis_stats,
        "warm_up_ms": warm_ms,
        "cpu": {"machine_busy_s": round(busy, 1),
                "machine_busy_pct": round(100 * busy / (total1 - total0), 1) if total1 > total0 else None,
                "server_s": round(server_cpu, 1), "locust_s": round(locust_cpu, 1), "redis_s": round(redis_cpu, 1),
                "other_s": round(max(0.0, busy - server_cpu - locust_cpu - redis_cpu), 1)},
        "server_log_problems": log_problems(logs["gunicorn"]),
        "worker_boots": boots,  # more than ``workers``: a worker died (timeout, crash) and was replaced
        "locust_exit_code": code,
        "build": build_stats,
        "data_version": services.health.get("data_version"),
        "machine": machine(),
        "machine_note": (f"load average {load_before[0]:.1f} before the run and {os.getloadavg()[0]:.1f} after; "
                         + (f"other processes busy before it: {', '.join(others)}" if others
                            else "no other busy process before it")),
        "measured_at": time.strftime("%Y-%m-%d %H:%M %Z"),
    }
    # How saturated the sync workers were, and what a request costs the server in CPU (capacity on a quiet box).
    result["worker_busy_pct"] = round(100 * result["server_times"]["busy_s"] / (result["measured_seconds"]
                                                                                * args.workers), 1)
    result["cpu"]["server_ms_per_request"] = round(1000 * server_cpu / max(1, result["requests"]), 1)
    result["target"]["verdict"] = verdict(result)
    result["target"]["met"] = result["target"]["verdict"] == "met"
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print("\n".join(load_section(result)))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
