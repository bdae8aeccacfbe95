"""What changed in each warehouse build, from the build history the warehouse carries (data/history.py): the Atom
change feed (``/feed.atom``) and the About page's "What's new" read the same entries and the same sentences.

A warehouse built before the history was kept has none: it is shown as one entry from its meta values.
"""
from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

import queries

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
FEED_TITLE = "Health and work dashboard: data updates"
LIST_LIMIT = 8  # values listed in a sentence before it says "and N more"
FEED_ENTRIES = 50


@dataclass(frozen=True)
class Build:
    seq: int
    data_version: str
    built_at: str
    is_demo: bool
    details: dict

    @property
    def anchor(self) -> str:
        return f"build-{self.data_version}"

    def title(self) -> str:
        kind = "synthetic demo data" if self.is_demo else "published and returned files"
        return f"Data version {self.data_version}, built {_long(self.built_at)} ({kind})"

    def sentences(self) -> list[str]:
        """What this build loaded and what changed since the one before, in plain sentences."""
        d = self.details
        out = []
        if d.get("note"):
            out.append(d["note"][0].upper() + d["note"][1:] + ".")
        sources = d.get("sources", [])
        if sources:
            out.append("Sources loaded: " + "; ".join(_source(s) for s in sources) + ".")
        if d.get("previous_version"):
            out.append(f"Replaces data version {d['previous_version']}.")
        elif "previous_version" in d:
            out.append("The first build recorded.")
        periods = d.get("new_periods", {})
        if periods:
            out.append("New periods: " + "; ".join(f"{what} {_listed(values)}" for what, values in periods.items())
                       + ".")
        elif "new_periods" in d:
            out.append("No new periods.")
        if d.get("new_areas"):
            out.append(f"New areas: {_listed(d['new_areas'])}.")
        if d.get("superseded"):
            out.append("Files superseded: " + "; ".join(f"{f['file']} ({f['reason']})" for f in d["superseded"])
                       + ".")
        return out


def _long(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} UTC"


def _listed(values: list[str]) -> str:
    if len(values) <= LIST_LIMIT:
        return ", ".join(values)
    return f"{', '.join(values[:LIST_LIMIT])} and {len(values) - LIST_LIMIT} more ({values[0]} to {values[-1]})"


def _source(source: dict) -> str:
    parts = [source.get("format", "")]
    if source.get("rows"):
        parts.append(f"{source['rows']} rows")
    if source.get("participants"):
        parts.append(f"{source['participants']} participants")
    if source.get("data_to"):
        parts.append(f"data to {source['data_to']}")
    if source.get("publisher") or source.get("dataset"):
        parts.append(" ".join(str(source[k]) for k in ("publisher", "dataset") if source.get(k)))
    if source.get("release"):
        parts.append(f"released {source['release']}")
    if source.get("retrieved"):
        parts.append(f"downloaded {source['retrieved']}")
    return f"{source.get('file', '')} ({', '.join(p for p in parts if p)})"


def builds() -> list[Build]:
    """Every build recorded in the warehouse, newest first."""
    wh = queries.warehouse()
    if int(wh.run("build_history_kept")["tables"].iloc[0]) == 0:  # built before the history was kept
        meta = wh.meta
        return [Build(1, wh.version, meta.get("built_at", ""), wh.is_demo,
                      {"note": "built before this dashboard kept a history of builds"})]
    frame = wh.run("build_history")
    return [Build(int(r.seq), r.data_version, r.built_at, bool(r.is_demo), json.loads(r.details))
            for r in frame.itertuples(index=False)]


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def atom(entries: list[Build], *, feed_url: str, about_url: str) -> bytes:
    """An Atom 1.0 document (RFC 4287): one entry a build, newest first, each with its sentences as XHTML."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    # Ids are URNs made from the feed's address and the data version: absolute and permanent, whether or not the
    # links (which may be relative when the public address is not known) are.
    add(feed, "id", _urn(feed_url))
    add(feed, "title", FEED_TITLE)
    add(feed, "subtitle", "One entry each time the dashboard's data are rebuilt: the data version, the sources "
                          "loaded and what changed.")
    add(feed, "updated", entries[0].built_at if entries else "1970-01-01T00:00:00+00:00")
    add(add(feed, "author"), "name", "Health and work commissioning dashboard")
    add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    add(feed, "link", rel="alternate", type="text/html", href=about_url + "#whats-new")
    for build in entries[:FEED_ENTRIES]:
        entry = add(feed, "entry")
        add(entry, "id", _urn(f"{feed_url}#{build.anchor}"))
        add(entry, "title", build.title())
        add(entry, "updated", build.built_at)
        add(entry, "link", rel="alternate", type="text/html", href=f"{about_url}#{build.anchor}")
        sentences = build.sentences()
        add(entry, "summary", sentences[0] if sentences else build.title(), type="text")
        content = add(entry, "content", type="xhtml")
        div = ET.SubElement(content, f"{{{XHTML}}}div")
        for sentence in sentences:
            ET.SubElement(div, f"{{{XHTML}}}p").text = sentence
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
