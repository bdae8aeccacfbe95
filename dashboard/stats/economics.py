"""The estimated return on spending on a back-to-work programme, as HM Treasury's Green Book (2022) and DWP's
social cost-benefit analysis framework (Fujiwara 2010, DWP Working Paper 86) would count it. Pure functions.

Each flow is counted once, within one named perspective:

- **Society** (the headline: the Green Book appraises from the point of view of UK society). The benefit is the
  extra output of people in work who would not otherwise have been, valued at their gross earnings. Benefit
  payments and taxes are transfers between people within society, so they are not counted.
- **Exchequer** (shown beside it). The benefit is benefit payments saved plus income tax and National Insurance
  received; earnings are not the Exchequer's.

Only *additional* outcomes count: a sustained job outcome is multiplied by one minus the *deadweight* (the share
who would have found work anyway). The pilot data have no comparison group, so deadweight is a stated assumption.
A 26-week job outcome evidences 26 weeks of work; how long the job lasts beyond that is the *persistence*
assumption. Benefits in later years are discounted at the Green Book's 3.5% a year (a year's value divided by
1.035 to the power of the year, the first year undiscounted); the cost is spent up front. Displacement (jobs taken
from others) is assumed nil and participants' forgone leisure is not valued: both would lower the return.

The estimate is a range: ``scenarios`` turns the central assumptions into low and high ones by stated rules.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

HOURLY_WAGE = 12.21  # National Living Wage from April 2025
HOURS_A_WEEK = 16  # the Work and Health Programme's job outcome threshold
EVIDENCED_WEEKS = 26  # what a sustained (26-week) job outcome evidences
WEEKS_A_YEAR = 52
SCENARIOS = ("low", "central", "high")
PERSPECTIVES = {"society": "society", "exchequer": "the Exchequer"}
DEADWEIGHT_SPREAD = 0.20  # low and high scenarios: central deadweight plus and minus 20 percentage points
MAX_DEADWEIGHT = 0.95

# 2025/26 rates (GOV.UK, "Rates and thresholds for employers 2025 to 2026"; "Income Tax rates and Personal
# Allowances"): personal allowance and NI primary threshold £12,570, basic rate 20% and employee NI 8% to £50,270,
# then 40% and 2%; employer NI 15% above £5,000.
PERSONAL_ALLOWANCE, BASIC_LIMIT = 12_570.0, 50_270.0
EMPLOYER_THRESHOLD, EMPLOYER_RATE = 5_000.0, 0.15


@dataclass(frozen=True)
class Assumptions:
    deadweight: float = 0.50  # share of sustained outcomes that would have happened anyway
    persistence_weeks: float = 52.0  # weeks a sustained job lasts in all (at least the 26 evidenced)
    weekly_earnings: float = round(HOURLY_WAGE * HOURS_A_WEEK, 2)  # gross £ a week
    benefit_saving: float = 5_000.0  # £ a year of benefits no longer paid while in work (Exchequer only)
    discount_rate: float = 0.035  # a year (Green Book)


@dataclass(frozen=True)
class Setting:
    """One assumption users can change: its URL parameter, words, unit, accepted range and source."""
    key: str  # field of ``Assumptions``
    param: str  # URL parameter
    label: str
    short: str  # in a sentence
    unit: str  # "%", "weeks" or "£"
    minimum: float
    maximum: float
    range_rule: str  # how the low and high scenarios set it
    source: str

    @property
    def scale(self) -> float:
        """URL and input values are percentages for shares and rates."""
        return 100.0 if self.unit == "%" else 1.0


DEFAULT = Assumptions()
SETTINGS = (
    Setting("deadweight", "deadweight", "Deadweight: share who would have found sustained work anyway", "deadweight",
            "%", 0, 95,
            "low-return case: central + 20 points; high-return case: central - 20 points (within 0-95%)",
            "Assumption: the pilot data have no comparison group. About half, as in the one published comparison "
            "among these programmes: in the EQOLISE trial of IPS 27.6% of the control group worked against 54.5% "
            "with IPS, so 27.6 / 54.5 = 51% of IPS job outcomes would have happened anyway (Burns et al., Lancet "
            "2007)"),
    Setting("persistence_weeks", "persistence", "Weeks a sustained job lasts in all", "job lasts", "weeks",
            EVIDENCED_WEEKS, 520,
            "low-return case: 26 weeks (only what the outcome evidences); high-return case: twice the central value",
            "Assumption: the data evidence 26 weeks in work (the sustained outcome); the central case assumes the "
            "job lasts a year"),
    Setting("weekly_earnings", "earnings", "Gross earnings a week in work", "earnings a week", "£", 0, 2_000,
            "same in every case",
            f"16 hours a week (the Work and Health Programme job outcome, DWP) at the National Living Wage of "
            f"£{HOURLY_WAGE} an hour from April 2025 (GOV.UK, National Minimum Wage and National Living Wage "
            "rates)"),
    Setting("benefit_saving", "benefit_saving", "Benefits no longer paid, a year in work (Exchequer view only)",
            "benefits saved a year (Exchequer only)", "£",
            0, 30_000, "low-return case: half the central value; high-return case: one and a half times",
            "Assumption: about a year of the Universal Credit standard allowance for a single person aged 25 or "
            "over (£400.14 a month in 2025/26, GOV.UK Benefit and pension rates); replace with DWP's figure for "
            "the cohort"),
    Setting("discount_rate", "discount", "Discount rate a year", "discount rate", "%", 0, 10, "same in every case",
            "HM Treasury Green Book: 3.5% a year for the first 30 years"),
)
BY_PARAM = {s.param: s for s in SETTINGS}


def from_params(values: dict[str, float | None]) -> Assumptions:
    """Central assumptions from URL values (percentages for shares and rates); None keeps the default."""
    changes = {s.key: float(values[s.param]) / s.scale for s in SETTINGS if values.get(s.param) is not None}
    return replace(DEFAULT, **changes)


def scenarios(central: Assumptions) -> dict[str, Assumptions]:
    """Low, central and high assumptions: the rules in ``SETTINGS[...].range_rule``."""
    return {
        "low": replace(central, deadweight=min(central.deadweight + DEADWEIGHT_SPREAD, MAX_DEADWEIGHT),
                       persistence_weeks=float(EVIDENCED_WEEKS), benefit_saving=central.benefit_saving * 0.5),
        "central": central,
        "high": replace(central, deadweight=max(central.deadweight - DEADWEIGHT_SPREAD, 0.0),
                        persistence_weeks=max(central.persistence_weeks * 2, float(EVIDENCED_WEEKS)),
                        benefit_saving=central.benefit_saving * 1.5),
    }


def discounted_weeks(weeks: float, rate: float) -> float:
    """Weeks in work, each year's weeks divided by (1 + rate) ** year (year 0 undiscounted)."""
    total, year = 0.0, 0
    while weeks > year * WEEKS_A_YEAR:
        total += min(weeks - year * WEEKS_A_YEAR, WEEKS_A_YEAR) / (1 + rate) ** year
        year += 1
    return total


def tax_receipts(annual_earnings: float) -> float:
    """Income tax, employee and employer National Insurance on a year's gross earnings (2025/26 rates)."""
    basic = np.clip(annual_earnings - PERSONAL_ALLOWANCE, 0, BASIC_LIMIT - PERSONAL_ALLOWANCE)
    higher = max(annual_earnings - BASIC_LIMIT, 0.0)
    income_tax = 0.20 * basic + 0.40 * higher
    employee_ni = 0.08 * basic + 0.02 * higher
    employer_ni = EMPLOYER_RATE * max(annual_earnings - EMPLOYER_THRESHOLD, 0.0)
    return float(income_tax + employee_ni + employer_ni)


def value_per_outcome(a: Assumptions) -> dict[str, float]:
    """Present value, per gross sustained job outcome, of the additional flows in each perspective (£)."""
    additional = 1 - a.deadweight
    weeks = discounted_weeks(a.persistence_weeks, a.discount_rate)
    yearly_to_exchequer = a.benefit_saving + tax_receipts(a.weekly_earnings * WEEKS_A_YEAR)
    return {"society": additional * weeks * a.weekly_earnings,
            "exchequer": additional * weeks / WEEKS_A_YEAR * yearly_to_exchequer}


def returns(cost_per_outcome, central: Assumptions) -> pd.DataFrame:
    """£ returned per £1 spent, for each cost per sustained outcome: columns ``<perspective>_<scenario>``.

    NaN where the cost per outcome is not positive (no outcomes, or no cost).
    """
    cost = np.asarray(cost_per_outcome, dtype=float)
    out = {}
    for perspective in PERSPECTIVES:
        for name, a in scenarios(central).items():
            value = value_per_outcome(a)[perspective]
            with np.errstate(divide="ignore", invalid="ignore"):
                out[f"{perspective}_{name}"] = np.where(cost > 0, value / np.where(cost > 0, cost, 1), np.nan)
    return pd.DataFrame(out)


def _show(setting: Setting, value: float) -> str:
    shown = value * setting.scale
    if setting.unit == "%":
        return f"{shown:g}%"
    if setting.unit == "£":
        return f"£{shown:,.2f}".removesuffix(".00")
    return f"{shown:g} {setting.unit}"


def describe(central: Assumptions) -> str:
    """The assumptions used, in one line, for exports and notes: central value (low-high range) of each."""
    cases = scenarios(central)
    parts = []
    for s in SETTINGS:
        low, mid, high = (getattr(cases[n], s.key) for n in SCENARIOS)
        text = f"{s.short} {_show(s, mid)}"
        if not (low == mid == high):
            text += f" (low-return case {_show(s, low)}, high-return case {_show(s, high)})"
        parts.append(text)
    return ("Estimated return per £1 spent, society's view (earnings of additional sustained jobs) and the "
            "Exchequer's (benefits saved and tax received), each counted once; " + "; ".join(parts)
            + "; displacement assumed nil.")


def table(central: Assumptions) -> pd.DataFrame:
    """The assumptions as shown beside the chart: each with its value, its default, range rule and source."""
    return pd.DataFrame({
        "Assumption": [s.label for s in SETTINGS],
        "Used": [_show(s, getattr(central, s.key)) for s in SETTINGS],
        "Default": [_show(s, getattr(DEFAULT, s.key)) for s in SETTINGS],
        "Low and high scenarios": [s.range_rule for s in SETTINGS],
        "Source": [s.source for s in SETTINGS],
    })


def columns(central: Assumptions) -> dict[str, float]:
    """The central assumptions as export columns, in the units users type."""
    return {f"{s.param}{'_pct' if s.unit == '%' else ''}": round(getattr(central, s.key) * s.scale, 4)
            for s in SETTINGS}



def return_columns(cost_per_sustained, central: Assumptions) -> pd.DataFrame:
    """The columns a chart of estimated returns publishes beside each cost per sustained outcome: ``return_``
    each perspective and scenario (``returns``, to 4 places) and ``assumed_`` each central assumption."""
    out = returns(cost_per_sustained, central).round(4).add_prefix("return_")
    for column, value in columns(central).items():
        out[f"assumed_{column}"] = value
    return out
