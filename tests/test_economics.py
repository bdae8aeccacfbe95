"""The estimated return on investment (dashboard.stats.economics) against a range worked by hand, and the
perspective rules: each flow counted once, deadweight, persistence, Green Book discounting."""
import pytest

from dashboard.stats import economics


def test_economics_1_hand_worked_range_at_10000_a_sustained_outcome():
    # Defaults: earnings 16 h x £12.21 = £195.36 a week; deadweight 50% (low case 70%, high 30%); job lasts 52 weeks
    # (low 26, high 104); benefits saved £5,000 a year (low £2,500, high £7,500); discount 3.5%.
    # Society:   low     0.3 x 26 x 195.36                       = £1,523.81   -> 0.152381 per £1
    #            central 0.5 x 52 x 195.36                       = £5,079.36   -> 0.507936
    #            high    0.7 x (52 + 52 / 1.035) x 195.36        = £13,981.74  -> 1.398174
    # Exchequer: tax on £10,158.72 a year = employer NI only, 15% x (10,158.72 - 5,000) = £773.81
    #            low     0.3 x 26/52 x (2,500 + 773.81)          = £491.07     -> 0.049107
    #            central 0.5 x 52/52 x (5,000 + 773.81)          = £2,886.90   -> 0.288690
    #            high    0.7 x (52 + 52/1.035)/52 x (7,500 + 773.81) = £11,387.48 -> 1.138748
    out = economics.returns([10_000.0], economics.DEFAULT).iloc[0]
    expected = {"society_low": 0.152381, "society_central": 0.507936, "society_high": 1.398174,
                "exchequer_low": 0.049107, "exchequer_central": 0.288690, "exchequer_high": 1.138748}
    for column, value in expected.items():
        assert out[column] == pytest.approx(value, abs=1e-6), column


def test_economics_2_benefit_savings_are_a_transfer_not_a_gain_to_society():
    base = economics.value_per_outcome(economics.DEFAULT)
    more = economics.value_per_outcome(economics.Assumptions(benefit_saving=20_000))
    assert more["society"] == base["society"]
    assert more["exchequer"] > base["exchequer"]


def test_economics_3_deadweight_and_persistence():
    assert economics.value_per_outcome(economics.Assumptions(deadweight=0.95))["society"] == pytest.approx(
        0.05 * 52 * 195.36)
    # A 26-week outcome valued as 26 weeks, not a year.
    assert economics.discounted_weeks(26, 0.035) == 26
    assert economics.discounted_weeks(130, 0.035) == pytest.approx(52 + 52 / 1.035 + 26 / 1.035 ** 2)
    assert economics.discounted_weeks(104, 0.0) == 104


def test_economics_4_tax_receipts_at_2025_26_rates():
    assert economics.tax_receipts(5_000) == 0
    assert economics.tax_receipts(12_570) == pytest.approx(0.15 * 7_570)
    # £30,000: income tax 20% and employee NI 8% on £17,430, employer NI 15% on £25,000.
    assert economics.tax_receipts(30_000) == pytest.approx(0.28 * 17_430 + 0.15 * 25_000)


def test_economics_5_no_cost_or_no_outcome_is_not_a_return():
    out = economics.returns([0.0, float("nan")], economics.DEFAULT)
    assert out.isna().all().all()


def test_economics_6_low_case_never_above_central_nor_high_below():
    for deadweight in (0.0, 0.1, 0.5, 0.9, 0.95):
        for weeks in (26, 52, 300):
            out = economics.returns([1_000.0], economics.Assumptions(deadweight=deadweight,
                                                                     persistence_weeks=weeks)).iloc[0]
            for view in ("society", "exchequer"):
                assert out[f"{view}_low"] <= out[f"{view}_central"] <= out[f"{view}_high"]


def test_economics_7_url_values_and_their_description():
    a = economics.from_params({"deadweight": 30, "persistence": 104, "discount": None})
    assert (a.deadweight, a.persistence_weeks, a.discount_rate) == (0.3, 104, 0.035)
    text = economics.describe(a)
    assert "deadweight 30% (low-return case 50%, high-return case 10%)" in text
    assert "job lasts 104 weeks (low-return case 26 weeks, high-return case 208 weeks)" in text
    assert "discount rate 3.5%" in text and "Estimated" in text
    for setting in economics.SETTINGS:
        assert setting.source.startswith("Assumption") or "GOV.UK" in setting.source \
            or "Green Book" in setting.source
