"""An intruder who knows the disclosure rule and reads several published outputs for the same filters, and
tries to recover a suppressed count exactly (a helper for tests/test_disclosure.py, not a test module).

Each published cell is a pair (people followed, people with the outcome) whose true values are unknown. What
an output shows narrows each pair: a controlled count (blank: 1-7; 0: exactly 0; c: c-2..c+2 and at least 8)
and, where shown, a rate computed from the unrounded counts (it must equal outcomes / followed), or, where
the rate is blank, the fact that the rule hid it. A total (England) adds that the parts sum to it. The
intruder's answer for a cell is every pair consistent with all of that at once; a cell is *recovered* when
only one value of a suppressed count remains.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from dashboard.stats import disclosure


def count_values(published) -> list[int]:
    """Every true count consistent with a published controlled count."""
    if published is None or (isinstance(published, float) and math.isnan(published)):
        return list(range(1, disclosure.THRESHOLD))
    published = round(published)
    if published == 0:
        return [0]
    return [v for v in range(published - 2, published + 3) if v >= disclosure.THRESHOLD]


def total_values(followed, outcomes, rate, parts_suppressed: bool) -> list[tuple[int, int]]:
    """Every (followed, outcomes) pair consistent with a published total. The intruder knows the rule for
    totals (``disclosure.total_rate``): with a suppressed part, the rate is the controlled counts' rate and
    says nothing more than they do; otherwise it is exact."""
    if not parts_suppressed:
        return pair_values(followed, outcomes, rate)
    return [(f, j) for f, j in pair_values(followed, outcomes, rate_published=False)
            if not (isinstance(rate, float) and math.isnan(rate)) or bool(disclosure.rate_hidden(j, f))]


def pair_values(followed, outcomes, rate=None, rate_published=True) -> list[tuple[int, int]]:
    """Every (followed, outcomes) pair consistent with one published cell."""
    pairs = []
    for f, j in itertools.product(count_values(followed), count_values(outcomes)):
        if j > f:
            continue
        hidden = bool(disclosure.rate_hidden(j, f))
        if rate_published:
            if rate is None or (isinstance(rate, float) and math.isnan(rate)):
                if not hidden:
                    continue  # the rule would have shown a rate
            elif hidden or abs(j / f * 100 - rate) > 1e-6:
                continue
        pairs.append((f, j))
    return pairs


def _reachable(cells: list[list[tuple[int, int]]]) -> tuple[np.ndarray, int, int]:
    """Which (sum of followed, sum of outcomes) the cells can reach: a boolean grid and its origin."""
    lo_f = sum(min(p[0] for p in c) for c in cells)
    lo_j = sum(min(p[1] for p in c) for c in cells)
    hi_f = sum(max(p[0] for p in c) for c in cells)
    hi_j = sum(max(p[1] for p in c) for c in cells)
    grid = np.zeros((hi_f - lo_f + 1, hi_j - lo_j + 1), dtype=bool)
    grid[0, 0] = True
    used_f = used_j = 0
    for cell in cells:
        base_f, base_j = min(p[0] for p in cell), min(p[1] for p in cell)
        new = np.zeros_like(grid)
        for f, j in cell:
            df, dj = f - base_f, j - base_j
            shifted = grid[: grid.shape[0] - df, : grid.shape[1] - dj] if df or dj else grid
            new[df:, dj:] |= shifted
        grid = new
        used_f += base_f
        used_j += base_j
    return grid, lo_f, lo_j


def recovered(parts: list[list[tuple[int, int]]], total: list[tuple[int, int]]) -> list[tuple[int, set]]:
    """For each part, the values its suppressed counts can still take given the others and the total.

    Returns ``(index, values)`` for every part whose followed or outcome count is suppressed (1-7) in all its
    remaining pairs and pinned to one value, i.e. the cells the intruder recovers exactly. Empty: nothing
    below the rule can be recovered.
    """
    found = []
    total = set(total)
    for k, cell in enumerate(parts):
        others = parts[:k] + parts[k + 1:]
        if others:
            grid, lo_f, lo_j = _reachable(others)
            sums = {(lo_f + a, lo_j + b) for a, b in zip(*np.nonzero(grid), strict=True)}
        else:
            sums = {(0, 0)}
        feasible = [(f, j) for f, j in cell if any((f + sf, j + sj) in total for sf, sj in sums)]
        for which in (0, 1):
            values = {p[which] for p in feasible}
            if len(values) == 1 and 1 <= next(iter(values)) < disclosure.THRESHOLD:
                found.append((k, values))
        complements = {f - j for f, j in feasible}
        if len(complements) == 1 and 1 <= next(iter(complements)) < disclosure.THRESHOLD:
            found.append((k, complements))
    return found
