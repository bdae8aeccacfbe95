"""Funnel limits for proportions (Fingertips / PHEindicatormethods method) against hand-worked values."""
import numpy as np
import pytest

from dashboard.stats import funnel
from dashboard.stats.intervals import wilson


def test_funnel_1_limits_for_p_20_percent_and_n_100():
    # By hand: p +/- z * sqrt(p(1-p)/n) = 0.2 +/- z * 0.04; z = 1.959964 (95%), 3.090232 (99.8%).
    limits = funnel.funnel_limits(0.2, [100]).iloc[0]
    assert limits["lower_95"] == pytest.approx(0.121601, abs=1e-6)
    assert limits["upper_95"] == pytest.approx(0.278399, abs=1e-6)
    assert limits["lower_998"] == pytest.approx(0.076391, abs=1e-6)
    assert limits["upper_998"] == pytest.approx(0.323609, abs=1e-6)


def test_funnel_2_limits_narrow_as_n_grows_and_stay_in_0_1():
    limits = funnel.funnel_limits(0.05, [5, 50, 500, 5000])
    width = (limits["upper_95"] - limits["lower_95"]).to_numpy()
    assert np.all(np.diff(width) < 0)
    assert limits["lower_998"].min() == 0.0  # clipped for small n
    assert (limits["upper_998"] <= 1).all()


def test_funnel_3_a_point_on_the_upper_limit_has_a_wilson_interval_touching_the_national_rate():
    p, n = 0.3, 250
    upper = funnel.funnel_limit(p, n, 0.975, "high")
    lower_ci, _ = wilson(upper * n, n, 0.95)
    assert float(lower_ci) == pytest.approx(p, abs=1e-9)


def test_funnel_4_classify_outliers_by_level():
    # p = 0.2, n = 100: 95% limits 12.2%-27.8%, 99.8% limits 7.6%-32.4%.
    result = funnel.classify([20, 30, 35, 10, 5, np.nan], [100] * 5 + [100], 0.2)
    assert result.tolist() == [funnel.SIMILAR, funnel.HIGH_95, funnel.HIGH_998, funnel.LOW_95, funnel.LOW_998,
                               funnel.NOT_COMPARED]


def test_funnel_5_no_denominator_is_not_compared_and_has_no_limit():
    assert np.isnan(funnel.funnel_limit(0.2, 0, 0.975, "low"))
    assert funnel.classify([0], [0], 0.2).tolist() == [funnel.NOT_COMPARED]
    with pytest.raises(ValueError):
        funnel.funnel_limit(0.2, 10, 0.975, "middle")
