"""Survey quality: design factor, CVs and ONS quality bands against values worked by hand; unreliable estimates
not compared; z tests on differences; the design factor as a setting."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import queries
from dashboard import registry
from dashboard.charts import regions as rc
from dashboard.filters import Filters
from dashboard.labels import p_text
from dashboard.settings import Settings
from dashboard.stats import compare, quality

Z95 = 1.959963984540054


def hand_wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval written out (Newcombe 1998, method 3)."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture()
def deft_1_2():
    before = quality.design_factor()
    quality.set_design_factor(1.2)
    yield
    quality.set_design_factor(before)


def test_quality_1_standard_error_and_cv_by_hand(deft_1_2):
    # 65% of 100 respondents: SE = 1.2 * sqrt(0.65 * 0.35 / 100) = 1.2 * 0.0476970 = 0.0572364; CV = 8.8056%.
    # 2% of 1,000: SE = 1.2 * sqrt(0.02 * 0.98 / 1000) = 0.0053126; CV = 26.563%.
    # 30% of 400: SE = 1.2 * sqrt(0.21 / 400) = 0.0274955; CV = 9.1652%.
    se = quality.standard_error([0.65, 0.02, 0.30], [100, 1000, 400])
    assert se == pytest.approx([0.0572364, 0.0053126, 0.0274955], abs=1e-7)
    cv = quality.coefficient_of_variation([0.65, 0.02, 0.30], [100, 1000, 400])
    assert cv == pytest.approx([8.8056, 26.563, 9.1652], abs=1e-3)
    assert np.isnan(quality.coefficient_of_variation([0.0], [100])[0])  # an estimate of 0 has no CV


def test_quality_2_ons_bands_at_their_boundaries():
    cv = [2.0, 5.0, 5.01, 10.0, 10.01, 20.0, 20.01, 60.0, np.nan, 3.0]
    respondents = [50, 50, 50, 50, 50, 50, 50, 50, 50, 2]
    assert quality.quality(cv, respondents).tolist() == [
        "precise", "precise", "reasonably precise", "reasonably precise", "acceptable", "acceptable",
        "unreliable", "unreliable", "unreliable", "not shown"]
    assert quality.comparable(["precise", "acceptable", "unreliable", "not shown"]).tolist() == [
        True, True, False, False]


def test_quality_3_interval_on_the_effective_sample_size(deft_1_2):
    lower, upper = quality.interval([0.65], [100])
    hand = hand_wilson(0.65, 100 / 1.44)  # n / deft^2 = 69.44 effective respondents
    assert (lower[0], upper[0]) == pytest.approx(hand, abs=1e-9)
    assert (lower[0], upper[0]) == pytest.approx((0.532653, 0.751623), abs=1e-5)
    plain = hand_wilson(0.65, 100)
    assert upper[0] - lower[0] > plain[1] - plain[0]  # wider than the simple-random-sample interval


def test_quality_4_survey_rates_adds_cv_and_band_and_blanks_what_is_not_shown(deft_1_2):
    frame = pd.DataFrame({"people": [6500.0, 100.0, 200.0], "population": [10_000.0, 1000.0, 10_000.0],
                          "sample_size": [100, 50, 1000], "sample_sick": [65, 2, 20]})
    out = quality.survey_rates(frame)
    assert out.loc[0, ["rate", "se", "cv"]].tolist() == pytest.approx([65.0, 5.72364, 8.8056], abs=1e-4)
    assert out.loc[0, "quality"] == "reasonably precise"
    assert out.loc[1, "quality"] == "not shown"
    assert out.loc[1, ["rate", "lower", "upper", "cv", "people", "population"]].isna().all()
    assert out.loc[2, "quality"] == "unreliable" and out.loc[2, "cv"] == pytest.approx(26.563, abs=1e-3)


def test_quality_5_z_test_on_a_difference_by_hand():
    # 10 (SE 1) against 7 (SE 1.5), independent: z = 3 / sqrt(1 + 2.25) = 1.66410, p = 0.09609.
    z, p = quality.z_test([10.0], [1.0], [7.0], [1.5])
    assert (z[0], p[0]) == pytest.approx((1.66410, 0.09609), abs=1e-4)
    # The same, the first sample half of the second's: var = 1 + 2.25 - 2 * 0.5 * 1 = 2.25, z = 2, p = 0.04550.
    z, p = quality.z_test([10.0], [1.0], [7.0], [1.5], overlap=0.5)
    assert (z[0], p[0]) == pytest.approx((2.0, 0.04550), abs=1e-4)
    assert quality.significant(p).tolist() == [True]


def test_quality_6_design_factor_is_a_setting_with_a_clear_message_when_bad():
    assert Settings.from_env({}).survey_design_factor == 1.2
    assert Settings.from_env({"DASHBOARD_SURVEY_DESIGN_FACTOR": "1.5"}).survey_design_factor == 1.5
    for bad in ("0.5", "abc", "nan", "inf"):
        with pytest.raises(SystemExit, match="DASHBOARD_SURVEY_DESIGN_FACTOR must be a number"):
            Settings.from_env({"DASHBOARD_SURVEY_DESIGN_FACTOR": bad})
    with pytest.raises(ValueError):
        quality.set_design_factor(0.9)


# ---- on the demo warehouse ---------------------------------------------------------------------------------

@pytest.fixture()
def demo(demo_warehouse, monkeypatch, deft_1_2):
    monkeypatch.setattr(queries, "_default", demo_warehouse)
    return demo_warehouse


def test_quality_7_unreliable_icbs_are_not_compared_ages_16_24_female(demo):
    """The issue's case: ICBs for ages 16-24, women. Every estimate over 20% CV is 'not compared'."""
    league = registry.get("regions-league").data(Filters.from_query("level=icb&age=16-24&sex=female"))
    unreliable = league[~quality.comparable(league["quality"])]
    assert len(unreliable) > 0  # the case is real in the demo data
    assert (unreliable["compared_with_england"] == compare.NOT_COMPARED).all()
    compared = league[league["compared_with_england"] != compare.NOT_COMPARED]
    assert (compared["cv"] <= 20).all()
    assert set(league["quality"]) <= {"precise", "reasonably precise", "acceptable", "unreliable", "not shown"}
    # The map says the same for each hexagon.
    hexes = registry.get("regions-map").data(Filters.from_query("level=icb&age=16-24&sex=female"))
    merged = hexes.merge(league[["code", "compared_with_england"]], on="code", suffixes=("", "_league"))
    assert len(merged) == 42
    assert (merged["compared_with_england"] == merged["compared_with_england_league"]).all()


def test_quality_8_cv_is_recomputable_from_each_exported_row(demo):
    frame = registry.get("overview-trend").data(Filters.from_query("geo=E54000061&age=50-64"))
    shown = frame.dropna(subset=["rate"])
    np.testing.assert_allclose(shown["cv"], shown["se"] / shown["rate"] * 100)
    assert shown["quality"].isin(["precise", "reasonably precise", "acceptable", "unreliable"]).all()


def test_quality_9_neighbours_are_judged_by_a_z_test(demo):
    frame = registry.get("regions-neighbours").data(Filters.from_query("geo=E54000061&level=icb"))
    focus = frame[frame["focus"]].iloc[0]
    peers = frame[~frame["focus"]]
    z, p = quality.z_test(peers["rate"], peers["se"], focus["rate"], focus["se"])
    assert peers["z_vs_focus"].to_numpy() == pytest.approx(z)
    expected = np.where(p < 0.05, np.where(z < 0, "lower", "higher"), "similar")
    assert peers["against_focus"].tolist() == expected.tolist()
    summary = registry.render("regions-neighbours", Filters.from_query("geo=E54000061&level=icb")).summary
    assert "z test" in summary


def test_quality_10_heatmap_differences_tested_against_england(demo):
    frame = registry.get("conditions-heatmap").data(Filters.from_query("level=region"))
    tested = frame.dropna(subset=["difference"])
    assert len(tested) and tested["p_value"].between(0, 1).all()
    assert (tested["significant"].astype(bool) == (tested["p_value"] < 0.05)).all()
    assert frame.loc[~quality.comparable(frame["quality"]), "difference"].isna().all()
    summary = registry.render("conditions-heatmap", Filters.from_query("level=region")).summary
    assert "z test" in summary


def test_quality_11_year_on_year_change_and_area_against_region_say_how_they_were_judged(demo):
    from dashboard.charts import overview

    tiles = overview.headlines(Filters.from_query("geo=E54000061"))
    rate = next(t for t in tiles if t.label == "Rate")
    assert "z test" in rate.detail and "on a year earlier" in rate.detail
    summary = registry.render("overview-trend", Filters.from_query("geo=E54000061")).summary
    assert "z test on the difference" in summary and "Yorkshire and The Humber" in summary


def test_quality_12_league_figure_marks_unreliable_estimates(demo):
    f = Filters.from_query("level=icb&age=16-24&sex=female")
    frame = rc.league_data(f)
    fig = registry.render("regions-league", f).figure
    labels = [str(label) for trace in fig.data if trace.y is not None for label in trace.y]
    unreliable = frame[frame["quality"] == quality.UNRELIABLE]
    assert any("(u)" in label for label in labels) == (not unreliable.empty)
    key = quality.LEGEND[quality.UNRELIABLE]
    assert any(t.name == key for t in fig.data) == (not unreliable.empty)  # the key, in the legend


def test_quality_13_nomis_flagged_estimates_are_not_compared(monkeypatch):
    """Published Nomis APS values flagged '*' (3-9 respondents, unreliable) are not compared with England."""
    from dashboard import facts

    rows = pd.DataFrame({
        "measure": "% long-term sick", "period": "2023Q4", "period_type": "rolling_year",
        "period_label": "year to Dec 2023", "code": ["E92000001", "E12000001", "E12000007"],
        "name": ["England", "North East", "London"], "short_name": ["England", "North East", "London"],
        "level": ["england", "region", "region"], "rate": [25.0, 35.2, 40.0], "lower": [24.0, 32.3, 30.0],
        "upper": [26.0, 38.1, 50.0], "people": 1.0, "denominator": 1.0, "flag": [None, None, "*"],
        "aggregated": False, "synthetic": False, "accelerator": False, "workwell": False, "source_id": "nomis_aps",
        "source": "ONS, APS", "files": "nomis.csv"})
    monkeypatch.setattr(facts, "run", lambda name, **params: rows)
    frame = facts.published_level(Filters(level="region", period_to="2023Q4"), "region").set_index("code")
    assert frame.at["E12000001", "compared_with_england"] == compare.WORSE
    assert frame.at["E12000007", "compared_with_england"] == compare.NOT_COMPARED  # its interval excludes 25 too
    assert frame.at["E12000007", "quality"] == quality.UNRELIABLE
    # The CV the published interval implies: se = 2.9 / 1.96 on 35.2 is 4.2%, 'precise'.
    assert frame.at["E12000001", "quality"] == quality.PRECISE


def test_quality_14_accelerator_icbs_against_the_rest_by_a_z_test(demo):
    f = Filters.from_query("")
    frame = registry.get("overview-accelerators").data(f)
    latest = frame[frame["period"] == frame["period"].max()].set_index("group")
    a, b = latest.iloc[0], latest.iloc[1]
    _, p = quality.z_test(a["rate"], a["se"], b["rate"], b["se"])
    summary = registry.render("overview-accelerators", f).summary
    assert f"p {p_text(float(p))}" in summary and "z test on the difference" in summary


@pytest.mark.parametrize("geo, reliable", [("E54000050", True), ("E54000040", False)])
def test_quality_15_an_unreliable_headline_is_not_given_as_a_rate(demo, geo, reliable):
    from dashboard.charts import overview

    f = Filters.from_query(f"geo={geo}&age=16-24&sex=female")
    frame = registry.get("overview-trend").data(f)
    latest = frame[(frame["area_code"] == geo) & (frame["period"] == f.period_to)].iloc[0]
    assert bool(quality.comparable([latest["quality"]])[0]) == reliable  # both cases are exercised
    tiles = {t.label: t for t in overview.headlines(f)}
    if reliable:
        assert "Rate" in tiles and "CV" in tiles["Long-term sick, aged 16-64"].detail
    else:
        assert "Rate" not in tiles and "not compared" in tiles["Long-term sick, aged 16-64"].detail
    assert "Programme participants" in tiles  # the other tiles stay
