"""Funnel limits for proportions (Spiegelhalter 2005: exact binomial, overdispersion) against hand-worked values."""
import math

import numpy as np
import pytest

from dashboard.stats import funnel


def _cdf(r: int, n: int, p: float) -> float:
    """Binomial P(X <= r) summed by hand from the probability mass, independent of scipy."""
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(r + 1))


def test_funnel_1_exact_binomial_limit_for_p_20_percent_and_n_20_by_hand():
    # Upper 95% limit (q = 0.975): P(X <= 7) = 0.9679 < 0.975 <= P(X <= 8) = 0.9900, so r = 8;
    # a = (0.9900 - 0.975) / P(X = 8) = (0.9900 - 0.975) / 0.0222 = 0.677; limit = (8 - 0.677) / 20 = 0.3662.
    n, p = 20, 0.2
    assert _cdf(7, n, p) < 0.975 <= _cdf(8, n, p)
    a = (_cdf(8, n, p) - 0.975) / (_cdf(8, n, p) - _cdf(7, n, p))
    limits = funnel.funnel_limits(p, [n]).iloc[0]
    assert limits["upper_95"] == pytest.approx((8 - a) / n, abs=1e-9)
    assert limits["upper_95"] == pytest.approx(0.3662, abs=1e-4)
    # Lower 95% limit (q = 0.025): P(X <= 0) = 0.0115 < 0.025 <= P(X <= 1) = 0.0692, so r = 1.
    a = (_cdf(1, n, p) - 0.025) / (_cdf(1, n, p) - _cdf(0, n, p))
    assert limits["lower_95"] == pytest.approx((1 - a) / n, abs=1e-9)
    # 99.8% lower limit: r = 0 and a > 0 would put it below 0: clipped to 0.
    assert limits["lower_998"] == 0.0


def test_funnel_2_exact_limits_at_n_100_and_close_to_normal_at_large_n():
    n, p = 100, 0.2
    r = next(k for k in range(n + 1) if _cdf(k, n, p) >= 0.999)
    a = (_cdf(r, n, p) - 0.999) / (_cdf(r, n, p) - _cdf(r - 1, n, p))
    assert funnel.funnel_limits(p, [n]).iloc[0]["upper_998"] == pytest.approx((r - a) / n, abs=1e-9)
    big = funnel.funnel_limits(p, [100_000]).iloc[0]
    assert big["upper_95"] == pytest.approx(0.2 + 1.959964 * (0.2 * 0.8 / 100_000) ** 0.5, abs=2e-5)
    limits = funnel.funnel_limits(0.05, [5, 50, 500, 5000])
    assert np.all(np.diff((limits["upper_95"] - limits["lower_95"]).to_numpy()) < 0)
    assert (limits["upper_998"] <= 1).all()


def test_funnel_3_overdispersion_by_hand_and_its_additive_variance():
    # p = 0.25, n = 100 each: s = sqrt(0.25 x 0.75 / 100) = 0.0433; z = (y/n - 0.25) / 0.0433.
    counts, p = np.array([10, 30, 50, 20, 5, 40]), 0.25
    z = (counts / 100 - p) / np.sqrt(p * (1 - p) / 100)
    low, high = np.quantile(z, [0.1, 0.9])
    phi = np.mean(np.clip(z, low, high) ** 2)
    found = funnel.overdispersion(counts, [100] * 6, p)
    assert found.phi == pytest.approx(phi) and found.present
    w = 100 / (p * (1 - p))  # equal weights: sum w - sum w^2 / sum w = 5 w
    assert found.tau2 == pytest.approx((6 * phi - 5) / (5 * w))
    wide = funnel.funnel_limits(p, [100], found.tau2).iloc[0]
    assert wide["upper_95"] == pytest.approx(p + 1.959964 * np.sqrt(p * (1 - p) / 100 + found.tau2), abs=1e-6)
    assert "widened" in found.describe()


def test_funnel_3b_no_overdispersion_when_areas_vary_by_chance():
    rng = np.random.default_rng(1)
    n = rng.integers(50, 2000, 40)
    found = funnel.overdispersion(rng.binomial(n, 0.3), n, 0.3)
    assert not found.present and found.tau2 == 0 and "exact binomial" in found.describe()


def test_funnel_4_classify_outliers_by_level():
    # p = 0.2, n = 100: exact 95% limits 12.0%-27.6%, 99.8% limits 8.1%-32.7%.
    result = funnel.classify([20, 30, 35, 10, 5, np.nan], [100] * 5 + [100], 0.2)
    assert result.tolist() == [funnel.SIMILAR, funnel.HIGH_95, funnel.HIGH_998, funnel.LOW_95, funnel.LOW_998,
                               funnel.NOT_COMPARED]


def test_funnel_5_no_denominator_is_not_compared_and_has_no_limit():
    assert np.isnan(funnel.funnel_limit(0.2, 0, 0.975, "low"))
    assert funnel.classify([0], [0], 0.2).tolist() == [funnel.NOT_COMPARED]
    with pytest.raises(ValueError):
        funnel.funnel_limit(0.2, 10, 0.975, "middle")
