"""ICB and region boundaries (data/reference/geo/, real ONS boundaries) as plane shapes for plotly.

Why cartesian shapes and not a plotly geo trace: plotly's ``choropleth`` (geo) fetches basemap topojson from a
CDN and is not in the vendored plotly.js bundle; ``choroplethmap`` needs MapLibre and map tiles. Drawing each
area as a ``scatter`` trace with ``fill="toself"`` keeps the 1 MB scatter-bar-heatmap bundle, needs no request leaving
the app, and renders identically in kaleido's images. The projection is equirectangular with longitude scaled by
cos(53.5 deg), England's middle latitude: at this size it is indistinguishable from British National Grid.
"""
from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GEO_DIR = Path(__file__).resolve().parents[1] / "data" / "reference" / "geo"
FILES = {"icb": "icb.geojson", "region": "region.geojson"}
ATTRIBUTION = ("Boundaries: Office for National Statistics licensed under the Open Government Licence v.3.0. "
               "Contains OS data \u00a9 Crown copyright and database right 2023")
X_SCALE = math.cos(math.radians(53.5))
GRID = 0.005  # degrees: under a pixel at the map's size, and shared borders snap to the same points


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    x: tuple  # the area's outer rings, projected, separated by None (plotly draws each ring as one fill)
    y: tuple
    label_x: float  # a point to put the area's marker on: the centroid of its largest part
    label_y: float


def _snap(value: float) -> float:
    return round(round(value / GRID) * GRID, 4)


def _ring_centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Area and centroid of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(area / 2), cx / (3 * area), cy / (3 * area)


@cache
def shapes(level: str) -> tuple[Shape, ...]:
    """Every area of ``level`` ("icb" or "region"), sorted by code. The boundaries have no holes (checked
    when they were prepared), so each polygon's outer ring is all there is to draw. Each ring is simplified to
    ``TOLERANCE`` (``simplify``), shared borders alike on both sides; the marker's point is the centroid of the
    largest part as drawn before simplifying."""
    features = json.loads((GEO_DIR / FILES[level]).read_text(encoding="utf-8"))["features"]
    areas = []
    for feature in sorted(features, key=lambda f: f["properties"]["code"]):
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings, best = [], (-1.0, 0.0, 0.0)
        for polygon in polygons:
            ring = []
            for lon, lat in polygon[0]:
                point = (_snap(lon * X_SCALE), _snap(lat))
                if not ring or ring[-1] != point:
                    ring.append(point)
            if len(ring) < 4:  # an islet smaller than the grid
                continue
            best = max(best, _ring_centroid(ring))
            rings.append(ring)
        areas.append((feature["properties"], rings, best))
    simplified = simplify([rings for _, rings, _ in areas])
    out = []
    for (props, _, best), rings in zip(areas, simplified, strict=True):
        xs, ys = [], []
        for ring in rings:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        out.append(Shape(props["code"], props["name"], tuple(xs[:-1]), tuple(ys[:-1]), best[1], best[2]))
    return tuple(out)


# ---- simplification: fewer points to send and draw, the same map at the size it is drawn ----------------------------

TOLERANCE = GRID  # a point off the simplified line by no more than one grid step (about half a pixel on the page)


def simplify(areas: list[list[list[tuple]]], tolerance: float = TOLERANCE) -> list[list[list[tuple]]]:
    """Each area's closed rings with points dropped (Douglas-Peucker to ``tolerance``), so that a border two areas
    share is simplified once and drawn the same on both sides: no slivers or gaps between neighbours.

    Rings are cut at their junctions (a point whose areas differ from those of a point next to it, anywhere) into
    arcs; an arc is simplified in one orientation whichever ring walks it, its ends always kept. A ring left with
    fewer than four points (an islet) is dropped."""
    owners: dict[tuple, set] = {}
    for a, rings in enumerate(areas):
        for ring in rings:
            for point in ring:
                owners.setdefault(point, set()).add(a)
    nodes = set()
    for rings in areas:
        for ring in rings:
            for prev, point, nxt in zip(ring[-2:-1] + ring[:-2], ring[:-1], ring[1:], strict=True):
                if owners[point] != owners[prev] or owners[point] != owners[nxt]:
                    nodes.add(point)
    done: dict[tuple, tuple] = {}
    out = []
    for rings in areas:
        kept_rings = []
        for ring in rings:
            open_ring = ring[:-1]
            cuts = [i for i, point in enumerate(open_ring) if point in nodes]
            if not cuts:  # a ring no other area touches: cut at its first point and the point farthest from it
                far = max(range(len(open_ring)), key=lambda i: _distance2(open_ring[0], open_ring[i]))
                cuts = sorted({0, far})
            start = cuts[0]
            rotated = open_ring[start:] + open_ring[:start] + [open_ring[start]]
            cuts = [c - start for c in cuts] + [len(open_ring)]
            kept = [rotated[0]]
            for a, b in itertools.pairwise(cuts):
                kept += _arc(tuple(rotated[a:b + 1]), tolerance, done)[1:]
            if len(kept) >= 4:
                kept_rings.append(kept)
        out.append(kept_rings)
    return out


def _distance2(p: tuple, q: tuple) -> float:
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2


def _arc(arc: tuple, tolerance: float, done: dict) -> list:
    """The arc simplified, computed once for it and its reverse (so both sides of a border agree)."""
    forward = arc <= arc[::-1]
    key = arc if forward else arc[::-1]
    if key not in done:
        done[key] = tuple(_douglas_peucker(list(key), tolerance))
    result = done[key]
    return list(result if forward else result[::-1])


def _douglas_peucker(points: list, tolerance: float) -> list:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last <= first + 1:
            continue
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        worst, index = -1.0, first
        for i in range(first + 1, last):
            x, y = points[i]
            d = (abs(dy * (x - x0) - dx * (y - y0)) / length) if length else math.hypot(x - x0, y - y0)
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]
