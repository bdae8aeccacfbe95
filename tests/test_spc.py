"""NHS Making Data Count XmR charts (dashboard.stats.spc): limits by hand, and each special-cause rule on
series that just trigger it and just fail to."""
import numpy as np
import pandas as pd
import pytest

from dashboard.stats import spc

# Hand-set limits so each rule is tested at its exact boundary: mean 0, two-sigma lines at +/-2, limits at +/-3.
LIM = spc.Limits(mean=0.0, amr=3 / 2.66, lpl=-3.0, upl=3.0, lower_two_sigma=-2.0, upper_two_sigma=2.0, trial=False)


def test_limits_1_hand_worked_values():
    lim = spc.limits([1, 3, 2, 4, 3])
    # mean 2.6; moving ranges 2, 1, 2, 1 -> 1.5; limits 2.6 +/- 2.66 x 1.5; two-sigma 2/3 of the way.
    assert lim.mean == pytest.approx(2.6)
    assert lim.amr == pytest.approx(1.5)
    assert lim.upl == pytest.approx(6.59)
    assert lim.lpl == pytest.approx(-1.39)
    assert lim.upper_two_sigma == pytest.approx(5.26)
    assert lim.lower_two_sigma == pytest.approx(-0.06)


def test_limits_2_large_moving_ranges_are_screened_out():
    y = [10, 11, 10, 11, 10, 30, 10, 11, 10, 11, 10, 11]
    # moving ranges: nine of 1 and two of 20: mean 49/11 = 4.45; 20 > 3.267 x 4.45, so both are dropped.
    assert spc.limits(y).amr == pytest.approx(1.0)
    assert spc.limits(y, screen_outliers=False).amr == pytest.approx(49 / 11)


def test_limits_3_trial_under_twelve_points():
    assert spc.limits(range(11)).trial is True
    assert spc.limits(range(12)).trial is False
    with pytest.raises(ValueError):
        spc.limits([1.0])


def test_rule_beyond_limits_1_just_beyond_and_just_on():
    assert spc.rule_beyond_limits(np.array([3.01, 3.0, -3.0, -3.01]), LIM).tolist() == [1, 0, 0, -1]


def test_rule_shift_1_seven_on_one_side_triggers():
    assert spc.rule_shift(np.array([-1] + [1] * 7), LIM).tolist() == [0] + [1] * 7
    assert spc.rule_shift(np.array([-1.0] * 7), LIM).tolist() == [-1] * 7


def test_rule_shift_2_six_do_not():
    assert spc.rule_shift(np.array([-1] + [1] * 6 + [-1]), LIM).tolist() == [0] * 8


def test_rule_shift_3_a_point_on_the_mean_breaks_the_run():
    assert spc.rule_shift(np.array([1, 1, 1, 0, 1, 1, 1, 1]), LIM).tolist() == [0] * 8


def test_rule_shift_4_run_length_is_a_parameter():
    assert spc.rule_shift(np.array([1] * 6), LIM, length=6).tolist() == [1] * 6
    assert spc.rule_shift(np.array([1] * 7), LIM, length=8).tolist() == [0] * 7


def test_rule_trend_1_seven_rising_points_trigger():
    assert spc.rule_trend(np.array([0, 1, 2, 3, 4, 5, 6, 7, 5])).tolist() == [1] * 8 + [0]
    assert spc.rule_trend(np.array([9, 7, 6, 5, 4, 3, 2, 1])).tolist() == [-1] * 8


def test_rule_trend_2_six_rising_points_do_not():
    assert spc.rule_trend(np.array([5, 1, 2, 3, 4, 5, 6, 2])).tolist() == [0] * 8


def test_rule_trend_3_a_repeated_value_breaks_the_trend():
    assert spc.rule_trend(np.array([1, 2, 3, 4, 4, 5, 6, 7])).tolist() == [0] * 8


def test_rule_trend_4_run_length_is_a_parameter():
    assert spc.rule_trend(np.array([1, 2, 3, 4, 5, 6]), length=6).tolist() == [1] * 6


def test_rule_two_of_three_1_two_beyond_two_sigma_trigger():
    assert spc.rule_two_of_three(np.array([0, 2.1, 0, 2.1, 0]), LIM).tolist() == [0, 1, 0, 1, 0]
    assert spc.rule_two_of_three(np.array([-2.1, -2.5]), LIM).tolist() == [0, 0]  # under three points
    assert spc.rule_two_of_three(np.array([-2.1, -2.5, 0]), LIM).tolist() == [-1, -1, 0]


def test_rule_two_of_three_2_points_beyond_three_sigma_count():
    assert spc.rule_two_of_three(np.array([3.5, 0, 2.1]), LIM).tolist() == [1, 0, 1]


def test_rule_two_of_three_3_just_fails():
    assert spc.rule_two_of_three(np.array([2.1, 0, 0, 2.1]), LIM).tolist() == [0] * 4  # four apart
    assert spc.rule_two_of_three(np.array([2.1, 0, -2.1]), LIM).tolist() == [0] * 3  # opposite sides
    assert spc.rule_two_of_three(np.array([2.0, 2.1, 0]), LIM).tolist() == [0] * 3  # on the line is not beyond


def _series(values):
    return pd.DataFrame({"value": values})


def test_xmr_1_a_high_point_is_concern_when_lower_is_better():
    chart = spc.xmr(_series([10, 12] * 6 + [20]))  # mean 11.69, limits 11.69 +/- 2.66 x 2.5
    assert chart["point_type"].iloc[-1] == spc.CONCERN
    assert (chart["point_type"].iloc[:-1] == spc.COMMON).all()
    assert spc.variation(chart) == "special cause concern (high)"
    assert not chart["trial"].iloc[0]


def test_xmr_2_low_point_is_improvement_and_neutral_without_direction():
    values = [10, 12] * 6 + [2]  # the drop of 10 is screened out: limits 10.31 +/- 2.66 x 2
    assert spc.variation(spc.xmr(_series(values))) == "special cause improvement (low)"
    assert spc.variation(spc.xmr(_series(values), improvement="increase")) == "special cause concern (low)"
    assert spc.variation(spc.xmr(_series(values), improvement=None)) == "special cause neutral (low)"


def test_xmr_3_common_cause_and_a_trend_takes_its_direction():
    assert spc.variation(spc.xmr(_series([10, 11] * 6))) == "common cause variation"
    # A falling trend that starts above the mean (2.8) is a falling (improving) trend all along.
    chart = spc.xmr(_series([0, 4] * 6 + [4.5, 4, 3.5, 3, 2.5, 2, 1.5]))
    assert chart["trend"].tolist() == [0] * 12 + [-1] * 7
    assert chart["point_type"].tolist() == [spc.COMMON] * 12 + [spc.IMPROVEMENT] * 7
    assert (chart["value"].iloc[12:16] > chart["mean"].iloc[0]).all()
    assert spc.xmr(_series([0, 4] * 5))["trial"].iloc[0]


def test_assurance_1_target_against_limits():
    chart = spc.xmr(_series([10, 11] * 6))  # mean 10.5, limits 10.5 +/- 2.66
    assert spc.assurance(chart, None) is None
    assert spc.assurance(chart, 10.5) == "hit and miss target subject to random variation"
    assert spc.assurance(chart, 14) == "consistently hit target"  # lower is better, upper limit under target
    assert spc.assurance(chart, 7) == "consistently fail target"
    assert spc.assurance(chart, 14, improvement="increase") == "consistently fail target"
