"""What to download from each publisher, and the checks that a body is the file we asked for.

Each publisher is one function ``fetch_<publisher>(client, settings, request, save) -> list[Saved]`` that asks the
publisher's public API and hands every body, unmodified, to ``save(relative path, body)``. The endpoints and
parameters come from the publishers' documentation and maintained clients (cited at each constant); base URLs are
settings so the tests can point them at a local server.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from data.fetch.client import Client, FetchError, Response

# ---- OHID Fingertips ---------------------------------------------------------------------------------------
# all_data/csv/by_indicator_id?indicator_ids=&child_area_type_id=&parent_area_type_id= is the endpoint the
# maintained clients call (fingertips_py retrieve_data.get_data_by_indicator_ids; fingertipsR fingertips_data),
# with include_sortable_time_periods=yes as fingertipsR adds. Area types: 221 is "ICBs" (fingertipsR users filter
# AreaType == "ICBs" after AreaTypeID = 221), 6 is "Regions (statistical)" (fingertipsR's own tests build
# child_area_type_id=6), 15 is England, the parent both files are compared with.
FINGERTIPS_AREAS = {"icb": 221, "region": 6}
FINGERTIPS_ENGLAND = 15
FINGERTIPS_MAX_IDS = 100  # indicators per call, the API's limit as its users report it
# Default indicators: the work-and-health indicators the project's Fingertips chart and fixtures use. The build
# machine has no internet, so these ids could not be checked against Fingertips' indicator_metadata: pass
# --indicators with the ids of your profile.
FINGERTIPS_INDICATORS = (93881, 91125)

# ---- Nomis: Annual Population Survey (NM_17_5) --------------------------------------------------------------
# Variable 1496 "% of economically inactive long-term sick" and the measures 20599 (value), 21001 (numerator),
# 21002 (denominator) and 21003 (confidence) are from nomisr's "Work and Health Indicators with nomisr" vignette;
# geographies 2092957699 (England), TYPE480 (the 9 regions) and TYPE464 (local authorities: district / unitary)
# from the same vignette. Guests get at most 25,000 rows a call; RECORD_OFFSET and RECORD_COUNT close every row
# and RecordOffset / RecordLimit page through the rest (nomisr nomis_get_data pages on RECORD_COUNT the same way).
NOMIS_DATASET = "NM_17_5"
NOMIS_QUERY = {"geography": "2092957699,TYPE480,TYPE464", "variable": "1496",
               "measures": "20599,21001,21002,21003"}
NOMIS_PAGE = 25_000
NOMIS_FILE = "nomis/nomis_aps_long_term_sick.csv"

# ---- ONS ----------------------------------------------------------------------------------------------------
# INAC01 changes its file name every month (inac01sanov2025.xls), so it is found the way the ONS website finds it:
# the dataset page's JSON (<page>/data) lists its versions ("datasets": [{"uri": ".../current"}]), the version's
# JSON lists its files ("downloads": [{"file": ...}]) and /file?uri=<version>/<file> serves the workbook.
INAC01_PAGE = ("/employmentandlabourmarket/peoplenotinwork/economicinactivity/datasets/"
               "economicinactivitybyreasonseasonallyadjustedinac01sa")
# The "download CSV" of a time-series page is /generator?format=csv&uri=<series page>.
TIME_SERIES = {"lf6a": "/employmentandlabourmarket/peoplenotinwork/economicinactivity/timeseries/lf6a/lms"}

PUBLISHERS = ("fingertips", "nomis", "ons")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_XLS, _ZIP = b"\xd0\xcf\x11\xe0", b"PK\x03\x04"


@dataclass(frozen=True)
class Settings:
    """Where the publishers are and how Nomis is asked (from the environment, see data.fetch.settings)."""

    fingertips: str = "https://fingertips.phe.org.uk/api"  # the root fingertips_py and fingertipsR call
    nomis: str = "https://www.nomisweb.co.uk/api/v01"
    ons: str = "https://www.ons.gov.uk"
    nomis_uid: str | None = None
    nomis_page: int = NOMIS_PAGE


@dataclass(frozen=True)
class Request:
    """What the user asked for: indicators, the earliest period (Nomis date code, e.g. '2019-03') and publishers."""

    indicators: tuple[int, ...] = FINGERTIPS_INDICATORS
    nomis_since: str | None = None
    publishers: tuple[str, ...] = PUBLISHERS


@dataclass
class Saved:
    """One file written, as the manifest records it."""

    file: str
    publisher: str
    dataset: str
    url: str
    retrieved_at: str
    bytes: int = 0
    sha256: str = ""
    content_type: str = ""
    records: int | None = None
    parts: list[dict] = field(default_factory=list)


def fetch_fingertips(client: Client, settings: Settings, request: Request, save) -> list[Saved]:
    saved = []
    ids = request.indicators
    chunks = [ids[i:i + FINGERTIPS_MAX_IDS] for i in range(0, len(ids), FINGERTIPS_MAX_IDS)]
    for level, area_type in FINGERTIPS_AREAS.items():
        for n, chunk in enumerate(chunks, start=1):
            query = urlencode({"indicator_ids": ",".join(map(str, chunk)), "child_area_type_id": area_type,
                               "parent_area_type_id": FINGERTIPS_ENGLAND, "include_sortable_time_periods": "yes"},
                              safe=",")
            answer = client.get(f"{settings.fingertips}/all_data/csv/by_indicator_id?{query}")
            _expect_csv(answer, "Indicator ID", "a Fingertips all_data CSV")
            suffix = f"_{n}" if len(chunks) > 1 else ""
            item = Saved(f"fingertips/fingertips_{level}{suffix}.csv", "OHID Fingertips",
                         f"indicators {','.join(map(str, chunk))} by {level} (area type {area_type}) and England",
                         answer.url, answer.retrieved_at, content_type=answer.content_type)
            saved.append(save(item, answer.body))
    return saved


def fetch_nomis(client: Client, settings: Settings, request: Request, save) -> list[Saved]:
    """Every page of the APS long-term-sick query, stitched into one CSV: the first page whole, the header line
    dropped from the others, so one (date, area, variable)'s four measures are never split across two files.
    The manifest lists each page's URL, size and sha256; a short answer (fewer rows than RECORD_COUNT) fails."""
    params = dict(NOMIS_QUERY)
    if request.nomis_since:
        params["time"] = f"{request.nomis_since},latest"  # 'time' with two values: everything between, inclusive
    if settings.nomis_uid:
        params["uid"] = settings.nomis_uid
    base = f"{settings.nomis}/dataset/{NOMIS_DATASET}.data.csv"
    body, parts, header, offset, total = b"", [], None, 0, None
    while total is None or offset < total:
        query = urlencode({**params, "RecordOffset": offset, "RecordLimit": settings.nomis_page}, safe=",")
        answer = client.get(f"{base}?{query}")
        _expect_csv(answer, "OBS_VALUE", "a Nomis API CSV")
        rows = list(csv.reader(io.StringIO(answer.body.decode("utf-8-sig", errors="replace"))))
        columns, data = rows[0], [r for r in rows[1:] if any(r)]
        if header is not None and columns != header:
            raise FetchError(f"{answer.url}: its columns differ from the first page's")
        header = columns
        if "RECORD_COUNT" not in columns or "RECORD_OFFSET" not in columns:
            raise FetchError(f"{answer.url}: no RECORD_OFFSET / RECORD_COUNT columns, so the pages cannot be checked")
        if not data:
            if total is None:
                raise FetchError(f"{answer.url}: no records (check the geography, variable and dates)")
            raise FetchError(f"{answer.url}: Nomis returned {offset} of {total} records")
        try:
            count, start = (int(data[0][columns.index(c)]) for c in ("RECORD_COUNT", "RECORD_OFFSET"))
        except (ValueError, IndexError):
            raise FetchError(f"{answer.url}: RECORD_COUNT / RECORD_OFFSET are not whole numbers") from None
        if start != offset or (total is not None and count != total):
            raise FetchError(f"{answer.url}: page starts at record {start} of {count}, expected {offset} of {total}")
        total = count
        if not body:
            body = answer.body
        else:  # the rows only: this page's header line is the first page's
            body += (b"" if body.endswith(b"\n") else b"\r\n") + answer.body.split(b"\n", 1)[-1]
        offset += len(data)
        parts.append({"url": answer.url, "retrieved_at": answer.retrieved_at, "bytes": len(answer.body),
                      "sha256": _sha256(answer.body), "records": len(data)})
    item = Saved(NOMIS_FILE, "ONS Annual Population Survey via Nomis",
                 f"{NOMIS_DATASET} variable {NOMIS_QUERY['variable']} (% of economically inactive long-term sick), "
                 f"England, regions and local authorities", parts[0]["url"], parts[0]["retrieved_at"],
                 content_type=answer.content_type, records=total, parts=parts)
    return [save(item, body)]


def fetch_ons(client: Client, settings: Settings, request: Request, save) -> list[Saved]:
    version = _first(_json(client.get(f"{settings.ons}{INAC01_PAGE}/data"), "datasets"), "uri")
    if not version.startswith("/"):
        raise FetchError(f"{settings.ons}{INAC01_PAGE}/data: lists no dataset version")
    name = _first(_json(client.get(f"{settings.ons}{version}/data"), "downloads"), "file").rsplit("/", 1)[-1]
    if not _SAFE_NAME.fullmatch(name) or not name.lower().endswith((".xls", ".xlsx")):
        raise FetchError(f"{settings.ons}{version}/data: no .xls or .xlsx download listed (found {name!r})")
    answer = client.get(f"{settings.ons}/file?uri={quote(version + '/' + name, safe='/')}")
    if not answer.body.startswith((_XLS, _ZIP)):
        raise FetchError(f"{answer.url}: not an Excel workbook ({_what(answer)})")
    saved = [save(Saved(f"ons/{name}", "Office for National Statistics",
                        "INAC01 SA: economic inactivity by reason (seasonally adjusted)", answer.url,
                        answer.retrieved_at, content_type=answer.content_type), answer.body)]
    for cdid, page in TIME_SERIES.items():
        answer = client.get(f"{settings.ons}/generator?format=csv&uri={quote(page, safe='/')}")
        _expect_csv(answer, "CDID", "an ONS time-series CSV")
        saved.append(save(Saved(f"ons/{cdid}.csv", "Office for National Statistics",
                                f"time series {cdid.upper()} ({page})", answer.url, answer.retrieved_at,
                                content_type=answer.content_type), answer.body))
    return saved


FETCHERS = {"fingertips": fetch_fingertips, "nomis": fetch_nomis, "ons": fetch_ons}


def _what(answer: Response) -> str:
    head = answer.body.lstrip()[:200].lower()
    if answer.content_type.startswith("text/html") or head.startswith((b"<!doctype", b"<html", b"<")):
        return "the server answered with a web page; the service may be down or the address wrong"
    return f"starts {answer.body[:40]!r}" if answer.body else "empty answer"


def _expect_csv(answer: Response, word: str, what: str) -> None:
    """The body is a CSV whose first lines name ``word`` (a column or an ONS metadata row), not an error page."""
    head = answer.body[:4096].decode("utf-8-sig", errors="replace")
    if word.lower() not in head.lower() or head.lstrip().startswith("<"):
        raise FetchError(f"{answer.url}: not {what} ({_what(answer)})")


def _json(answer: Response, key: str) -> list:
    """The list under ``key`` in an ONS page's JSON."""
    try:
        document = json.loads(answer.body)
    except ValueError:
        raise FetchError(f"{answer.url}: not the ONS page JSON ({_what(answer)})") from None
    if not isinstance(document, dict) or not isinstance(document.get(key), list):
        raise FetchError(f"{answer.url}: the ONS page JSON has no {key!r} list")
    return document[key]


def _first(items: list, key: str) -> str:
    value = items[0].get(key) if items and isinstance(items[0], dict) else None
    return value if isinstance(value, str) else ""


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
