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


def test_mean_interval_is_students_t_worked_by_hand():
    from dashboard.stats.intervals import mean_interval

    # mean 10, sd 2, n 16: t(0.975, 15) = 2.131450, half-width 2.131450 * 2 / 4 = 1.065725.
    lower, upper = mean_interval(10.0, 2.0, 16)
    assert lower == pytest.approx(8.934275, abs=1e-6) and upper == pytest.approx(11.065725, abs=1e-6)
    assert np.isnan(mean_interval(5.0, 1.0, 1)[0])  # one person: no interval


def test_disclosed_rate_is_wilson_in_percent_and_blank_when_the_rule_hides_it():
    from dashboard.stats.intervals import disclosed_rate

    # 50 of 100: Wilson 95% 40.38-59.62% (centre 0.5, half-width 1.96 / 1.0384 * sqrt(0.0025 + 0.000096)).
    rate, lower, upper = disclosed_rate([50, 3], [100, 40])
    assert rate[0] == pytest.approx(50) and lower[0] == pytest.approx(40.383, abs=1e-3)
    assert upper[0] == pytest.approx(59.617, abs=1e-3)
    assert np.isnan(rate[1]) and np.isnan(lower[1]) and np.isnan(upper[1])  # 3 people: hidden
