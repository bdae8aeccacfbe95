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


# Two of three, as NHSRplotthedots' ptd_two_in_three / ptd_part_of_two_in_three (its test cases, built as series:
# 2.5 is in the upper outer third, 0.5 on the same side of the mean but not in it).
C, N = 2.5, 0.5


def test_rule_two_of_three_1_nhsrplotthedots_cases():
    assert spc.rule_two_of_three(np.array([C, N, C]), LIM).tolist() == [1, 0, 1]
    assert spc.rule_two_of_three(np.array([N, C, C]), LIM).tolist() == [0, 1, 1]
    assert spc.rule_two_of_three(np.array([N, N, C, N, C, N, N]), LIM).tolist() == [0, 0, 1, 0, 1, 0, 0]
    assert spc.rule_two_of_three(np.array([C, N, N, C]), LIM).tolist() == [0] * 4  # four apart
    assert spc.rule_two_of_three(np.array([C, N, N, C, C]), LIM).tolist() == [0, 0, 0, 1, 1]
    assert spc.rule_two_of_three(-np.array([C, N, C]), LIM).tolist() == [-1, 0, -1]


def test_rule_two_of_three_2_all_three_points_on_the_same_side_of_the_mean():
    assert spc.rule_two_of_three(np.array([C, -N, C]), LIM).tolist() == [0, 0, 0]
    assert spc.rule_two_of_three(np.array([C, 0.0, C]), LIM).tolist() == [0, 0, 0]  # on the mean is no side
    assert spc.rule_two_of_three(np.array([C, C]), LIM).tolist() == [0, 0]  # a window needs three points


def test_rule_two_of_three_3_points_beyond_the_limits_do_not_count():
    assert spc.rule_two_of_three(np.array([3.5, N, C]), LIM).tolist() == [0, 0, 0]
    assert spc.rule_two_of_three(np.array([3.5, C, C]), LIM).tolist() == [0, 1, 1]
    assert spc.rule_two_of_three(np.array([2.0, C, N]), LIM).tolist() == [0] * 3  # on the line is not beyond
    assert spc.rule_two_of_three(np.array([3.0, C, N]), LIM).tolist() == [1, 1, 0]  # on the limit is not beyond


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


def test_xmr_3_colour_by_the_point_side_of_the_mean_whatever_the_rule():
    assert spc.variation(spc.xmr(_series([10, 11] * 6))) == "common cause variation"
    # A falling trend that starts above the mean (45 / 19 = 2.37): NHSRplotthedots colours each point by its side of the
    # mean, so the trend's points above the mean are concern and those below improvement (lower is better).
    chart = spc.xmr(_series([0, 4] * 6 + [4.5, 4, 3.5, 3, 2.5, 2, 1.5]))
    assert chart["trend"].tolist() == [0] * 12 + [-1] * 7
    above = chart["value"].iloc[12:] > chart["mean"].iloc[0]
    assert above.tolist() == [True] * 5 + [False] * 2
    assert chart["point_type"].tolist() == [spc.COMMON] * 12 + [spc.CONCERN] * 5 + [spc.IMPROVEMENT] * 2
    assert spc.xmr(_series([0, 4] * 5))["trial"].iloc[0]


def test_xmr_4_limits_fixed_on_the_baseline_not_the_range_shown():
    # 20 baseline points alternating 10 and 12 (mean 11, moving range 2), then 10 points at 13.
    values = [10, 12] * 10 + [13] * 10
    chart = spc.xmr(_series(values), baseline=20)
    assert (chart["mean"] == 11).all() and np.allclose(chart["upl"], 11 + 2.66 * 2)
    assert chart["in_baseline"].tolist() == [True] * 20 + [False] * 10
    # the later rise is a shift against the baseline (with the last baseline point, 12, also above the mean)
    assert chart["shift"].tolist() == [0] * 19 + [1] * 11
    # Recomputed over everything, the mean moves up to 11.67 and the moving ranges shrink the limits.
    assert spc.xmr(_series(values))["mean"].iloc[0] == pytest.approx(35 / 3)


def test_xmr_5_rebase_at_a_known_change_starts_new_limits_and_new_runs():
    values = [10, 12] * 10 + [20, 22] * 5
    rebase = [False] * 20 + [True] + [False] * 9
    chart = spc.xmr(_series(values), baseline=20, rebase=rebase, minimum_points=12)
    assert chart["segment"].tolist() == [0] * 20 + [1] * 10
    assert chart["mean"].iloc[0] == 11 and chart["mean"].iloc[-1] == 21
    assert chart["trial"].tolist() == [False] * 20 + [True] * 10  # ten points after the change: trial limits
    assert (chart["point_type"] == spc.COMMON).all()
    # Without the rebase the jump is special cause.
    assert (spc.xmr(_series(values), baseline=20)["point_type"].iloc[20:] == spc.CONCERN).all()


def test_xmr_6_limits_fixed_elsewhere_are_used_as_given():
    values = [10, 12] * 6 + [13] * 8
    fixed = spc.limits([10, 12] * 10)
    chart = spc.xmr(_series(values), fixed=fixed)
    assert (chart["mean"] == 11).all() and np.allclose(chart["upl"], fixed.upl)
    assert not chart["in_baseline"].any()
    assert chart["shift"].tolist() == [0] * 11 + [1] * 9


def test_limits_4_moving_ranges_at_the_screen_are_screened_out_as_nhsrplotthedots():
    # Moving ranges 1, 1, 1, 1, 16.4: mean 4.08; 3.267 x 4.08 = 13.33 < 16.4, dropped. NHSRplotthedots keeps
    # a moving range only if it is strictly below the screen.
    y = [0, 1, 0, 1, 0, 16.4]
    assert spc.limits(y).amr == pytest.approx(1.0)


def test_assurance_1_target_against_limits():
    chart = spc.xmr(_series([10, 11] * 6))  # mean 10.5, limits 10.5 +/- 2.66
    assert spc.assurance(chart, None) is None
    assert spc.assurance(chart, 10.5) == "hit and miss target subject to random variation"
    assert spc.assurance(chart, 14) == "consistently hit target"  # lower is better, upper limit under target
    assert spc.assurance(chart, 7) == "consistently fail target"
    assert spc.assurance(chart, 14, improvement="increase") == "consistently fail target"
