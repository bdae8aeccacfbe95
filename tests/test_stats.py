"""Intervals and disclosure control against published and hand-worked values."""
import numpy as np
import pytest

from dashboard.stats.disclosure import round_count, show_count
from dashboard.stats.intervals import wilson


def test_wilson_1_matches_published_values():
    # Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662; and 65/100 -> 0.5525 to 0.7364 (PHEindicatormethods).
    lower, upper = wilson([81, 65], [263, 100])
    assert lower == pytest.approx([0.2553, 0.5525], abs=5e-5)
    assert upper == pytest.approx([0.3662, 0.7364], abs=5e-5)


def test_wilson_2_edges():
    lower, upper = wilson([0, 10, 1], [10, 10, 0])
    assert lower[0] == 0 and upper[0] == pytest.approx(0.2775, abs=1e-4)  # 0/10
    assert upper[1] == pytest.approx(1.0) and lower[1] == pytest.approx(0.7225, abs=1e-4)
    assert np.isnan(lower[2]) and np.isnan(upper[2])


@pytest.mark.parametrize("count, shown", [(0, 0), (1, None), (7, None), (8, 10), (12, 10), (13, 15), (1234, 1235)])
def test_disclosure_1_boundaries(count, shown):
    got = round_count([count])[0]
    assert (np.isnan(got) if shown is None else got == shown)


def test_disclosure_2_national_counts_unrounded_and_shown_as_star():
    assert round_count([3, 12], national=[True, False]).tolist() == [3, 10]
    assert show_count(float("nan")) == "*" and show_count(12345.0) == "12,345"
