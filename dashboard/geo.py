"""ICB and region boundaries (data/reference/geo/, real ONS boundaries) as plane shapes for plotly.

Why cartesian shapes and not a plotly geo trace: plotly's ``choropleth`` (geo) fetches basemap topojson from a
CDN and is not in the vendored cartesian bundle; ``choroplethmap`` needs MapLibre and map tiles. Drawing each
area as a ``scatter`` trace with ``fill="toself"`` keeps the 1.5 MB cartesian bundle, needs no request leaving
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
    when they were prepared), so each polygon's outer ring is all there is to draw."""
    features = json.loads((GEO_DIR / FILES[level]).read_text(encoding="utf-8"))["features"]
    out = []
    for feature in sorted(features, key=lambda f: f["properties"]["code"]):
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        xs, ys, best = [], [], (-1.0, 0.0, 0.0)
        for polygon in polygons:
            ring = []
            for lon, lat in polygon[0]:
                point = (_snap(lon * X_SCALE), _snap(lat))
                if not ring or ring[-1] != point:
                    ring.append(point)
            if len(ring) < 4:  # an islet smaller than the grid
                continue
            best = max(best, _ring_centroid(ring))
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        props = feature["properties"]
        out.append(Shape(props["code"], props["name"], tuple(xs[:-1]), tuple(ys[:-1]), best[1], best[2]))
    return tuple(out)
