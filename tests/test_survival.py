"""Kaplan-Meier (statsmodels) on a small worked example with censoring, and the log(-log) interval."""
import numpy as np
import pytest

from dashboard.stats.survival import kaplan_meier, kaplan_meier_by, loglog_interval

# Six people: events at 1, 2, 3, 5; censored at 2 and 4.
TIME = [1, 2, 2, 3, 4, 5]
EVENT = [1, 1, 0, 1, 0, 1]


def test_survival_1_worked_example_estimates():
    # By hand: S(1) = 5/6; S(2) = 5/6 * 4/5 = 2/3 (the one censored at 2 is still at risk at 2);
    # S(3) = 2/3 * 2/3 = 4/9 (3 at risk); S(5) = 0 (1 at risk). The censoring at 4 is not a step.
    curve = kaplan_meier(TIME, EVENT)
    assert curve["time"].tolist() == [0, 1, 2, 3, 5]
    assert curve["survival"].to_numpy() == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 0])
    assert curve["at_risk"].tolist() == [6, 6, 5, 3, 1]


def test_survival_2_greenwood_standard_error():
    # Greenwood at t=1: S * sqrt(d / (n (n - d))) = 5/6 * sqrt(1/30); at t=2: 2/3 * sqrt(1/30 + 1/20).
    curve = kaplan_meier(TIME, EVENT)
    assert curve.loc[1, "se"] == pytest.approx(5 / 6 * np.sqrt(1 / 30))
    assert curve.loc[2, "se"] == pytest.approx(2 / 3 * np.sqrt(1 / 30 + 1 / 20))


def test_survival_3_loglog_interval_by_hand():
    # S = 5/6, se = 0.152145: exp(-exp(log(-log S) +/- 1.96 se / |S log S|)) = 0.2731 to 0.9747.
    lower, upper = loglog_interval([5 / 6], [5 / 6 * np.sqrt(1 / 30)])
    assert lower[0] == pytest.approx(0.27312, abs=1e-4)
    assert upper[0] == pytest.approx(0.97471, abs=1e-4)
    lower, upper = loglog_interval([0.0, 1.0], [np.nan, 0.0])
    assert lower.tolist() == [0.0, 1.0] and upper.tolist() == [0.0, 1.0]


def test_survival_4_counts_give_the_same_curve_as_one_row_a_person():
    counted = kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1], count=[2, 2, 2, 2, 2, 2])
    expanded = kaplan_meier(np.repeat(TIME, 2), np.repeat(EVENT, 2))
    assert counted["survival"].to_numpy() == pytest.approx(expanded["survival"].to_numpy())
    assert counted["se"].to_numpy()[:-1] == pytest.approx(expanded["se"].to_numpy()[:-1])


def test_survival_5_by_group_and_no_events():
    import pandas as pd

    frame = pd.DataFrame({"g": ["a"] * 6 + ["b"] * 2, "time": TIME + [3, 9], "event": EVENT + [0, 0],
                          "people": [1] * 8})
    curves = kaplan_meier_by(frame, "g")
    assert set(curves["g"]) == {"a", "b"}
    only_censored = curves[curves["g"] == "b"]
    assert only_censored["survival"].tolist() == [1.0]
    assert kaplan_meier([], []).empty
