"""Command line: ``python -m data.fetch --out DIR [--indicators IDS] [--since YEAR] [--sources LIST]
[--nomis-uid KEY] [--timeout S] [--retries N] [--replace]``. Exit 0 on success, 1 when a download fails (one line
naming the URL; nothing is written), 2 for options that are not accepted.

Settings from the environment (all optional): ``DASHBOARD_FETCH_BASE_FINGERTIPS``, ``DASHBOARD_FETCH_BASE_NOMIS``,
``DASHBOARD_FETCH_BASE_ONS`` (the publishers' API roots), ``NOMIS_UID`` (a Nomis API key; not needed),
``DASHBOARD_FETCH_BACKOFF`` (seconds before the first retry, doubling after; default 1) and
``DASHBOARD_FETCH_NOMIS_PAGE`` (rows per Nomis call; default 25,000, the guest limit). Proxies: the usual
``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY``.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path

from data.fetch import MANIFEST, run
from data.fetch.client import Client, FetchError
from data.fetch.publishers import FINGERTIPS_INDICATORS, NOMIS_PAGE, PUBLISHERS, Request, Settings

DEFAULT_SINCE = "2019"  # the dashboard's first quarter is 2019Q1
_SINCE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2]))?")


def settings_from_env(env=os.environ, nomis_uid: str | None = None) -> Settings:
    defaults = Settings()
    return Settings(
        fingertips=env.get("DASHBOARD_FETCH_BASE_FINGERTIPS", defaults.fingertips).rstrip("/"),
        nomis=env.get("DASHBOARD_FETCH_BASE_NOMIS", defaults.nomis).rstrip("/"),
        ons=env.get("DASHBOARD_FETCH_BASE_ONS", defaults.ons).rstrip("/"),
        nomis_uid=nomis_uid or env.get("NOMIS_UID") or None,
        nomis_page=_positive(env.get("DASHBOARD_FETCH_NOMIS_PAGE", str(NOMIS_PAGE)), "DASHBOARD_FETCH_NOMIS_PAGE", int),
    )


def _positive(text: str, name: str, kind=float):
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{name} must be a number above 0, not {text!r}")
    return value


def indicator_ids(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"{text!r}: give Fingertips indicator ids as numbers separated by commas, "
                                         "e.g. 93881,91125")
    return tuple(dict.fromkeys(int(p) for p in parts))


def publishers(text: str) -> tuple[str, ...]:
    names = [p.strip().lower() for p in text.split(",") if p.strip()]
    unknown = [n for n in names if n not in PUBLISHERS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"{', '.join(unknown) or repr(text)} not accepted: choose from "
                                         f"{', '.join(PUBLISHERS)}")
    return tuple(p for p in PUBLISHERS if p in names)


def nomis_since(text: str) -> str:
    """'2019' or '2019-05' -> the first APS date code ending in or after it: rolling years end in Mar, Jun, Sep,
    Dec, so Nomis codes them '2019-03', '2019-06'..."""
    match = _SINCE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year or year-month (e.g. 2019 or 2019-06)")
    month = int(match[2] or 1)
    return f"{match[1]}-{(month + 2) // 3 * 3:02d}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data.fetch", description=(
        "Download the latest published figures (OHID Fingertips, Nomis APS, ONS INAC01 and LF6A) unmodified, "
        "with a manifest; then load them with python -m data.build --source DIR."))
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="directory to create with the files")
    p.add_argument("--indicators", type=indicator_ids, default=FINGERTIPS_INDICATORS, metavar="IDS",
                   help="Fingertips indicator ids, comma-separated (default "
                        f"{','.join(map(str, FINGERTIPS_INDICATORS))})")
    p.add_argument("--since", type=nomis_since, default=nomis_since(DEFAULT_SINCE), metavar="YEAR",
                   help=f"earliest period for Nomis, YYYY or YYYY-MM (default {DEFAULT_SINCE}); Fingertips and ONS "
                        "publish whole series")
    p.add_argument("--sources", type=publishers, default=PUBLISHERS, metavar="LIST",
                   help=f"publishers to fetch, comma-separated (default {','.join(PUBLISHERS)})")
    p.add_argument("--nomis-uid", default=None, metavar="KEY",
                   help="Nomis API key (default: the NOMIS_UID environment variable; not needed)")
    p.add_argument("--timeout", type=lambda t: _positive(t, "--timeout"), default=60.0, metavar="S",
                   help="seconds to wait for a connection or the next bytes (default %(default)s)")
    p.add_argument("--retries", type=int, choices=range(11), default=3, metavar="N",
                   help="further attempts after a failed one, with exponential backoff (default %(default)s)")
    p.add_argument("--replace", action="store_true",
                   help="replace DIR if it already holds files (only once every new file has arrived)")
    return p


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # unwinds, so the temporary directory is removed


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = settings_from_env(nomis_uid=args.nomis_uid)
        backoff = _positive(os.environ.get("DASHBOARD_FETCH_BACKOFF", "1"), "DASHBOARD_FETCH_BACKOFF")
    except argparse.ArgumentTypeError as error:
        print(f"fetch: {error}", file=sys.stderr)
        return 2
    request = Request(indicators=args.indicators, nomis_since=args.since, publishers=args.sources)
    client = Client(timeout=args.timeout, retries=args.retries, backoff=backoff)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        manifest = run(args.out, request, settings, client, replace=args.replace)
    except FetchError as error:
        print(f"fetch failed: {error}; nothing was written to {args.out}", file=sys.stderr)
        return 1
    except OSError as error:  # the disk, not the network: DIR full, not writable
        print(f"fetch failed: cannot write ({error}); nothing was written to {args.out}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"fetch interrupted; nothing was written to {args.out}", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(f"wrote {len(manifest['files'])} files to {args.out} (manifest {args.out / MANIFEST}); "
          f"load them with: python -m data.build --source {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
