"""The choropleth's boundaries: simplified once for the size they are drawn at, borders alike on both sides, and
sent as binary arrays."""
import itertools
import json
from collections import Counter

import numpy as np
import pandas as pd

from dashboard import geo, rendering
from dashboard.figures import maps
from dashboard.filters import Filters


def _edges(ring) -> set:
    return {frozenset(pair) for pair in itertools.pairwise(ring)}


def _rings(shape) -> list[list[tuple]]:
    rings, ring = [], []
    for x, y in zip([*shape.x, None], [*shape.y, None], strict=True):
        if x is None:
            rings.append(ring)
            ring = []
        else:
            ring.append((x, y))
    return rings


def test_maps_1_simplify_keeps_a_shared_border_the_same_on_both_sides():
    # Two squares sharing a wiggly border (points off the straight line by less than the tolerance) and each an
    # outer side with a point far off its line: the shared border loses its wiggles identically on both sides,
    # and the far point is kept.
    border = [(1.0, 0.0), (1.001, 0.25), (0.999, 0.5), (1.001, 0.75), (1.0, 1.0)]
    left = [(0.0, 0.0), *border, (0.0, 1.0), (-0.5, 0.5), (0.0, 0.0)]
    right = [(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), *border[::-1]]  # closed: the border ends where it began
    (left_out,), (right_out,) = geo.simplify([[left], [right]], tolerance=0.005)
    shared = _edges(left_out) & _edges(right_out)
    assert shared == {frozenset({(1.0, 0.0), (1.0, 1.0)})}  # the border, one straight edge on both sides
    assert (-0.5, 0.5) in left_out and left_out[0] == left_out[-1] and right_out[0] == right_out[-1]
    assert len(left_out) == 6 and len(right_out) == 5  # closed rings: the first point again at the end


def test_maps_2_the_icb_boundaries_have_no_gaps_between_neighbours():
    # Every edge of a simplified ICB boundary that lies on another ICB's boundary is an edge of that boundary too:
    # an edge drawn by one area only is on the coast (counted once), never half of a border that split apart.
    shapes = geo.shapes("icb")
    assert len(shapes) == 42
    owners = Counter()
    for shape in shapes:
        for ring in _rings(shape):
            owners.update(_edges(ring))
    points_on_two = Counter()
    for shape in shapes:
        for point in {p for ring in _rings(shape) for p in ring}:
            points_on_two[point] += 1
    # A border edge whose both ends are shared by two areas is drawn by both (not one side only).
    lonely = [e for e, n in owners.items() if n == 1 and all(points_on_two[p] >= 2 for p in e)]
    assert len(lonely) < 0.01 * len(owners), lonely[:5]
    total = sum(len(s.x) for s in shapes)
    assert 3_000 < total < 12_000  # simplified from about 18,000 points, not to nothing


def test_maps_3_the_figure_sends_outlines_as_float32_arrays(demo_warehouse):
    frame = pd.DataFrame({
        "code": ["E12000001"], "name": ["North East"], "rate": [5.0], "lower": [4.0], "upper": [6.0],
        "quality": ["reasonable"], "england_rate": [4.5], "compared_with_england": ["worse"], "focus": [True],
        "quintile": pd.array([3], dtype="Int64")})
    figure = maps.choropleth(frame, Filters(level="region"))
    sent = json.loads(rendering.figure_json(figure))
    areas = [t for t in sent["data"] if t.get("meta", {}).get("fills")]
    assert len(areas) == 9
    assert {a["x"]["dtype"] for a in areas} == {"f4"}  # binary, not text
    x = maps.outlines("region")["E12000001"][0]
    assert np.isnan(x).any() or len(x) > 3  # rings separated by NaN where an area has several
    assert sent["data"][-1]["name"] == "Chosen area" and sent["data"][-1]["x"]["dtype"] == "f4"
