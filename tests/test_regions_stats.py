"""Comparison with England, the recent-trend marker and statistical neighbours (dashboard.stats.compare),
and the Wilson interval the league uses, against published values."""
import numpy as np
import pandas as pd
import pytest

from dashboard.stats import compare
from dashboard.stats.intervals import wilson


@pytest.mark.parametrize(("count", "total", "lower", "upper"), [
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
])
def test_regions_wilson_1_matches_newcombe(count, total, lower, upper):
    lo, hi = wilson(count, total)
    assert float(lo) == pytest.approx(lower, abs=5e-5)
    assert float(hi) == pytest.approx(upper, abs=5e-5)


def test_compare_1_classes_when_lower_is_better():
    lower = [5.1, 4.0, 4.5, 5.0, np.nan, 3.0]
    upper = [6.0, 4.9, 5.5, 6.0, np.nan, 5.0]
    assert compare.compare_with_england(lower, upper, 5.0).tolist() == [
        "worse", "better", "similar", "similar", "not compared", "similar"]


def test_compare_2_polarity_swaps_better_and_worse():
    assert compare.compare_with_england([5.1, 4.0], [6.0, 4.9], 5.0, lower_is_better=False).tolist() == [
        "better", "worse"]
    assert compare.compare_with_england([5.1], [6.0], np.nan).tolist() == ["not compared"]


def test_trend_1_matches_agresti_alcohol_and_malformations():
    # Agresti, Categorical Data Analysis (2nd ed.), Table 3.7: scores 0, 0.5, 1.5, 4, 7; M^2 = 6.57, P = 0.01.
    present = np.array([48, 38, 5, 1, 1])
    absent = np.array([17066, 14464, 788, 126, 37])
    chi2, p_value, sign = compare.trend_chi_squared(present, present + absent, [0, 0.5, 1.5, 4, 7])
    assert chi2 == pytest.approx(6.57, abs=0.005)
    assert p_value == pytest.approx(0.0104, abs=0.0001)
    assert sign == 1


def test_trend_2_recent_trend_at_99_8_percent():
    totals = [1000] * 5
    assert compare.recent_trend([100, 120, 140, 160, 180], totals) == compare.INCREASING
    assert compare.recent_trend([180, 160, 140, 120, 100], totals) == compare.DECREASING
    assert compare.recent_trend([100, 101, 99, 100, 102], totals) == compare.NO_CHANGE
    assert compare.recent_trend([100, 120, 140, 160], totals[:4]) == compare.NOT_CALCULATED
    assert compare.recent_trend([100, 120, np.nan, 160, 180], totals) == compare.NOT_CALCULATED


def test_trend_3_judged_at_99_8_percent_just_fails_and_just_triggers():
    # By hand: p = 600/5000 = 0.12, T = sum t (r - n p) = 100, V = 0.12 x 0.88 x (55000 - 45000) = 1056,
    # chi-squared = 100^2 / 1056 = 9.47, just under 9.55 (99.8% on 1 df): p = 0.0021.
    counts, totals = [100, 110, 120, 130, 140], [1000] * 5
    chi2, _p_value, _ = compare.trend_chi_squared(counts, totals)
    assert chi2 == pytest.approx(10000 / 1056)
    assert compare.recent_trend(counts, totals) == compare.NO_CHANGE
    assert compare.recent_trend(counts, totals, confidence=0.95) == compare.INCREASING
    assert compare.recent_trend([100, 110, 120, 130, 141], totals) == compare.INCREASING  # chi-squared 9.84
    # Only the last five points count.
    assert compare.recent_trend([500, 100, 101, 99, 100, 102], [1000] * 6) == compare.NO_CHANGE


def test_neighbours_1_nearest_on_standardised_rate_and_mix():
    profile = pd.DataFrame({
        "rate": [5.0, 5.1, 7.0, 5.0, 9.0],
        "young": [0.2, 0.2, 0.2, 0.4, 0.2],
        "old": [0.3, 0.3, 0.3, 0.1, 0.3],
    }, index=["A", "B", "C", "D", "E"])
    peers = compare.nearest_neighbours(profile, "A", 3, mix=("young", "old"))
    assert peers.index.tolist() == ["B", "C", "D"]
    assert (peers["distance"].diff().dropna() >= 0).all()
    assert compare.nearest_neighbours(profile, "Z", 3).empty


def test_neighbours_2_a_feature_with_no_spread_is_ignored():
    profile = pd.DataFrame({"rate": [5.0, 6.0, 4.5], "young": [0.2, 0.2, 0.2]}, index=["A", "B", "C"])
    peers = compare.nearest_neighbours(profile, "A", 2, mix=("young",))
    assert peers.index.tolist() == ["C", "B"]
    assert np.isfinite(peers["distance"]).all()


def test_neighbours_3_rounding_noise_is_no_spread():
    """Shares worked out by summing in a different order differ in the last bit (1e-17): that is no spread, and
    standardising it blew the noise up to whole standard deviations, so the neighbours changed from run to run
    (DuckDB sums in parallel) and ignored the rate they should be matched on."""
    rates = [5.0, 6.0, 4.5, 5.2, 7.0]
    noise = [0.0, 2.8e-17, -2.8e-17, 5.6e-17, 0.0]
    profile = pd.DataFrame({"rate": rates, "young": [0.2 + e for e in noise], "old": [0.3 - e for e in noise]},
                           index=["A", "B", "C", "D", "E"])
    exact = pd.DataFrame({"rate": rates, "young": [0.2] * 5, "old": [0.3] * 5}, index=profile.index)
    peers = compare.nearest_neighbours(profile, "A", 3, mix=("young", "old"))
    assert peers.index.tolist() == ["D", "C", "B"]  # by rate alone: |5.2-5|, |4.5-5|, |6-5|
    pd.testing.assert_series_equal(
        peers["distance"], compare.nearest_neighbours(exact, "A", 3, mix=("young", "old"))["distance"])
