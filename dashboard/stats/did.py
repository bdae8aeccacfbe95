"""Difference-in-differences on an area x quarter panel: the estimate, an event study, matched comparisons.

Pure functions of a long DataFrame with one row per unit (area) and period (``'YYYYQn'``, which sorts in
time order), an outcome column and a per-unit ``treated`` flag. All treated units start at the same time
(``start``), the setting where two-way fixed effects estimate the average effect on the treated without bias.

Two ways to the interval, both OLS:

- ``method="cluster"``: OLS of the outcome on treated x post with unit and period fixed effects, errors
  clustered by unit, t on (clusters - 1) degrees of freedom. With few treated clusters this is known to be
  too narrow (Conley and Taber 2011; MacKinnon and Webb 2017): with 3 treated units of 30 a nominal 95%
  interval covers the truth about 85% of the time (see tests/test_did.py).
- ``method="aggregate"`` (the default, used by the dashboard): Donald and Lang's (2007) two-step. Each
  unit's change (mean after the start minus mean before; the fixed effects difference out) is regressed on
  the treated flag by OLS with the classical variance, t on (units - 2) degrees of freedom. The point
  estimate equals the two-way fixed-effects one in a balanced panel; serial correlation within a unit is
  absorbed by the averaging, and the residual variance is pooled over all units rather than estimated from
  the three treated ones, so the interval keeps its 95% coverage (it assumes units vary alike).

Either way the estimate rests on parallel trends: without the programme the treated areas would have moved
in step with the comparison areas. Two checks sit beside the interval:

- ``randomisation_inference``: a p-value that needs no large-sample theory. The same two-step estimate is
  computed with every set of as many comparison units as there are treated ones standing in for them (all
  combinations when there are at most ``max_draws``, else that many sets drawn with a fixed seed); the p-value is
  the share of placebo estimates at least as far from zero as the real one, counting the real one (a
  placebo-in-space test, as in Abadie, Diamond and Hainmueller 2010; with 3 of 39 comparison ICBs, 9,139 sets).
  It holds when, without the programme, the treated units' changes would be like any comparison units'; it does
  not rest on many treated clusters, which the clustered interval does.
- ``pre_trend_test``: a joint test that the treated-minus-comparison gaps before the start are all zero. Each
  unit's change from the reference quarter in each of the K quarters before it is regressed on the treated flag
  (a multivariate regression, statsmodels ``MANOVA``); Wilks' lambda gives an exact F(K, units - K - 1) test.
  K is the number of pre-start quarters, capped at units - 3 so the test has at least two residual degrees of
  freedom (the latest K are used).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from math import comb

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.multivariate.manova import MANOVA

from dashboard.periods import apart as quarters_apart


@dataclass(frozen=True)
class DidResult:
    estimate: float
    lower: float
    upper: float
    se: float
    p_value: float
    n_treated: int
    n_comparison: int
    pre_periods: int
    post_periods: int


def _clean(panel: pd.DataFrame, unit: str, time: str, outcome: str, treated: str) -> pd.DataFrame:
    missing = {unit, time, outcome, treated} - set(panel.columns)
    if missing:
        raise ValueError(f"panel needs columns {sorted(missing)}")
    out = panel[[unit, time, outcome, treated]].dropna(subset=[outcome])
    flags = out.groupby(unit)[treated].nunique()
    if (flags > 1).any():
        raise ValueError(f"{treated!r} must be constant within each {unit!r}")
    return out.reset_index(drop=True)


def _fit(y: pd.Series, regressors: pd.DataFrame, data: pd.DataFrame, unit: str, time: str):
    """OLS of y on the regressors plus unit and period fixed effects, errors clustered by unit."""
    fixed = pd.get_dummies(data[[unit, time]].astype(str), drop_first=True, dtype=float)
    design = sm.add_constant(pd.concat([regressors.astype(float), fixed], axis=1), has_constant="add")
    groups = pd.factorize(data[unit])[0]
    return sm.OLS(y.astype(float), design).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


METHODS = ("aggregate", "cluster")


def _unit_changes(data: pd.DataFrame, after: pd.Series, before: pd.Series, unit: str, outcome: str,
                  treated: str) -> pd.DataFrame:
    """Each unit's mean outcome over ``after`` rows minus its mean over ``before`` rows, with its flag."""
    change = data[after].groupby(unit)[outcome].mean() - data[before].groupby(unit)[outcome].mean()
    flags = data.groupby(unit)[treated].first().astype(bool)
    out = pd.DataFrame({"change": change, "treated": flags.reindex(change.index)}).dropna()
    return out.astype({"change": float, "treated": bool})


def _wide(data: pd.DataFrame, period: pd.Series, unit: str, outcome: str,
          treated: str) -> tuple[pd.DataFrame, pd.Series]:
    """Units x periods (a unit's mean where a period repeats), and each unit's treated flag."""
    wide = data[outcome].groupby([data[unit], period]).mean().unstack()
    return wide, data.groupby(unit)[treated].first().astype(bool).reindex(wide.index)


def _two_step(changes: pd.DataFrame, confidence: float) -> tuple[float, float, float, float, float]:
    """OLS of unit changes on the treated flag, classical variance: the estimate, interval, se and p."""
    flags = changes["treated"].to_numpy(dtype=bool)
    values = changes["change"].to_numpy(dtype=float)
    return _pooled_t(values[flags], values[~flags], confidence)


def _pooled_t(treated: np.ndarray, comparison: np.ndarray, confidence: float) -> tuple[float, float, float, float,
                                                                                        float]:
    """The two-step's second step on the treated and comparison units' changes.

    With one 0/1 regressor the OLS is the two-sample t test with pooled variance: the coefficient is the
    difference in means, its classical standard error the pooled one, t on units - 2 degrees of freedom. It is
    worked out as that (tests/test_did.py checks it against statsmodels' OLS), a tenth of the cost of fitting
    the model, which counts in an event study (one a quarter). Units that all changed alike (no spread: only in
    noiseless test panels) give an interval of zero width and p 0, or 1 when there is no difference either."""
    if len(treated) < 1 or len(comparison) < 1 or len(treated) + len(comparison) < 3:
        raise ValueError("too few units with data on both sides of the comparison")
    df = len(treated) + len(comparison) - 2
    estimate = treated.mean() - comparison.mean()
    pooled = (((treated - treated.mean()) ** 2).sum() + ((comparison - comparison.mean()) ** 2).sum()) / df
    se = float(np.sqrt(pooled * (1 / len(treated) + 1 / len(comparison))))
    half = float(stats.t.ppf((1 + confidence) / 2, df)) * se
    p = float(2 * stats.t.sf(abs(estimate) / se, df)) if se > 0 else (0.0 if estimate != 0 else 1.0)
    return float(estimate), float(estimate - half), float(estimate + half), se, p


def did(panel: pd.DataFrame, start: str, *, unit: str = "area_code", time: str = "period",
        outcome: str = "rate", treated: str = "treated", confidence: float = 0.95,
        method: str = "aggregate") -> DidResult:
    """The difference-in-differences estimate of the change in ``outcome`` in treated units from ``start``.

    A negative estimate means the outcome fell in the treated units relative to the comparison units.
    Needs treated and comparison units and periods both before and after ``start``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    data = _clean(panel, unit, time, outcome, treated)
    post = data[time].astype(str) >= start
    is_treated = data[treated].astype(bool)
    _require(data, unit, is_treated, post)
    if method == "aggregate":
        estimate, lower, upper, se, p = _two_step(_unit_changes(data, post, ~post, unit, outcome, treated),
                                                  confidence)
    else:
        fit = _fit(data[outcome], pd.DataFrame({"treated_post": (is_treated & post)}), data, unit, time)
        lower, upper = fit.conf_int(alpha=1 - confidence).loc["treated_post"]
        estimate, se, p = fit.params["treated_post"], fit.bse["treated_post"], fit.pvalues["treated_post"]
    return DidResult(
        estimate=float(estimate), lower=float(lower), upper=float(upper), se=float(se), p_value=float(p),
        n_treated=int(data.loc[is_treated, unit].nunique()), n_comparison=int(data.loc[~is_treated, unit].nunique()),
        pre_periods=int(data.loc[~post, time].nunique()), post_periods=int(data.loc[post, time].nunique()),
    )


def event_study(panel: pd.DataFrame, start: str, *, unit: str = "area_code", time: str = "period",
                outcome: str = "rate", treated: str = "treated", confidence: float = 0.95,
                method: str = "aggregate") -> pd.DataFrame:
    """The treated-minus-comparison gap each period relative to the one before ``start`` (fixed at 0).

    Returns one row per period: ``period``, ``relative`` (quarters from the start: -1 is the reference),
    ``estimate``, ``lower``, ``upper`` (NaN for the reference) and ``reference``. Gaps before the start
    near zero are what parallel trends would look like; gaps after it are the effect quarter by quarter.
    With ``method="aggregate"`` each period's gap is the two-step on units' change from the reference
    period; with ``"cluster"`` it is one OLS with a treated dummy for every period but the reference.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    data = _clean(panel, unit, time, outcome, treated)
    period = data[time].astype(str)
    post = period >= start
    is_treated = data[treated].astype(bool)
    _require(data, unit, is_treated, post)
    periods = sorted(period.unique())
    relative = {p: quarters_apart(start, p) for p in periods}
    reference = periods[[relative[p] for p in periods].index(max(k for k in relative.values() if k < 0))]
    estimates: dict[str, tuple[float, float, float]] = {}
    if method == "aggregate":
        # Units x periods once (a unit's mean where a period repeats), then each period's change from the
        # reference is a column difference: the same changes as ``_unit_changes``, without a groupby a period.
        wide, flags = _wide(data, period, unit, outcome, treated)
        in_treated = flags.to_numpy()
        base = wide[reference].to_numpy(dtype=float)
        for p in periods:
            if p != reference:
                change = wide[p].to_numpy(dtype=float) - base
                known = ~np.isnan(change)
                try:
                    estimates[p] = _pooled_t(change[known & in_treated], change[known & ~in_treated],
                                             confidence)[:3]
                except ValueError:  # too few units with data in this period: no estimate, not a failure
                    estimates[p] = (np.nan, np.nan, np.nan)
    else:
        dummies = pd.DataFrame({p: is_treated & (period == p) for p in periods if p != reference})
        fit = _fit(data[outcome], dummies, data, unit, time)
        bounds = fit.conf_int(alpha=1 - confidence)
        estimates = {p: (float(fit.params[p]), float(bounds.at[p, 0]), float(bounds.at[p, 1]))
                     for p in dummies.columns}
    rows = [(p, relative[p], *((0.0, np.nan, np.nan) if p == reference else estimates[p]), p == reference)
            for p in periods]
    return pd.DataFrame(rows, columns=["period", "relative", "estimate", "lower", "upper", "reference"])


def matched_comparison(panel: pd.DataFrame, start: str, *, per_treated: int = 3, unit: str = "area_code",
                       time: str = "period", outcome: str = "rate", treated: str = "treated") -> list[str]:
    """Comparison units matched on the mean outcome before ``start``: for each treated unit in turn (highest
    pre-period mean first), the ``per_treated`` untreated units nearest to it not already chosen."""
    data = _clean(panel, unit, time, outcome, treated)
    pre = data[data[time].astype(str) < start]
    if pre.empty:
        raise ValueError(f"no periods before {start} to match on")
    means = pre.groupby(unit)[outcome].mean()
    flags = pre.groupby(unit)[treated].first().astype(bool)
    pool = means[~flags]
    chosen: list[str] = []
    for code in means[flags].sort_values(ascending=False).index:
        distance = (pool.drop(chosen) - means[code]).abs().sort_values(kind="stable")
        chosen += list(distance.index[:per_treated])
    return chosen


def _require(data: pd.DataFrame, unit: str, is_treated: pd.Series, post: pd.Series) -> None:
    if not is_treated.any() or is_treated.all():
        raise ValueError("the panel needs both treated and comparison units")
    if not post.any() or post.all():
        raise ValueError("the panel needs periods both before and after the start")
    if data[unit].nunique() < 3:
        raise ValueError("too few units to cluster errors by unit")


@lru_cache(maxsize=16)
def _all_sets(m: int, k: int) -> np.ndarray:
    """Every set of ``k`` of ``m`` indices, one a row (cached: the same sizes recur on every request)."""
    sets = np.array(list(itertools.combinations(range(m), k)), dtype=np.int64).reshape(-1, k)
    sets.flags.writeable = False
    return sets


@dataclass(frozen=True)
class RandomisationResult:
    estimate: float
    p_value: float
    placebos: int  # placebo sets compared
    exhaustive: bool  # every combination, or a seeded sample of them


def randomisation_inference(panel: pd.DataFrame, start: str, *, unit: str = "area_code", time: str = "period",
                            outcome: str = "rate", treated: str = "treated", max_draws: int = 20_000,
                            seed: int = 20251) -> RandomisationResult:
    """Randomisation-inference p-value for the two-step estimate: placebo treated sets drawn from the comparison
    units (see the module notes)."""
    data = _clean(panel, unit, time, outcome, treated)
    post = data[time].astype(str) >= start
    _require(data, unit, data[treated].astype(bool), post)
    changes = _unit_changes(data, post, ~post, unit, outcome, treated)
    real = changes.loc[changes["treated"], "change"].to_numpy()
    pool = changes.loc[~changes["treated"], "change"].to_numpy()
    k, m = len(real), len(pool)
    if k < 1 or m <= k:
        raise ValueError("too few comparison units for placebo sets")
    estimate = real.mean() - pool.mean()
    total = comb(m, k)
    if total <= max_draws:
        sets = _all_sets(m, k)
    else:
        rng = np.random.default_rng(seed)
        sets = np.array([rng.choice(m, k, replace=False) for _ in range(max_draws)])
    chosen = pool[sets].sum(axis=1)
    placebo = chosen / k - (pool.sum() - chosen) / (m - k)
    extreme = np.sum(np.abs(placebo) >= abs(estimate) - 1e-12)
    return RandomisationResult(float(estimate), float((extreme + 1) / (len(sets) + 1)), len(sets),
                               total <= max_draws)


@dataclass(frozen=True)
class PreTrendResult:
    f_value: float
    df_num: int
    df_den: int
    p_value: float
    quarters: int  # K: pre-start quarters tested jointly
    units: int


def pre_trend_test(panel: pd.DataFrame, start: str, *, unit: str = "area_code", time: str = "period",
                   outcome: str = "rate", treated: str = "treated") -> PreTrendResult:
    """Joint F test that the event study's pre-start gaps are all zero (see the module notes)."""
    data = _clean(panel, unit, time, outcome, treated)
    wide, flags = _wide(data, data[time].astype(str), unit, outcome, treated)
    pre = sorted(p for p in wide.columns if p < start)
    if len(pre) < 2:
        raise ValueError("a pre-trend test needs at least two quarters before the start")
    reference, earlier = pre[-1], pre[:-1]
    gaps = wide[earlier].sub(wide[reference], axis=0).dropna()
    flags = flags.reindex(gaps.index)
    units = len(gaps)
    quarters = min(len(earlier), units - 3)
    if quarters < 1 or flags.all() or not flags.any():
        raise ValueError("too few units for a joint pre-trend test")
    gaps = gaps[earlier[-quarters:]]
    exog = np.column_stack([np.ones(units), flags.to_numpy(dtype=float)])
    with np.errstate(divide="ignore", invalid="ignore"):
        # mv_test works out all four statistics; its Hotelling-Lawley approximation divides by zero when
        # units - K = 5 (a RuntimeWarning in the server's log). Wilks' lambda, the one used, is exact.
        tests = MANOVA(gaps.to_numpy(dtype=float), exog).mv_test()
    row = tests.results["x1"]["stat"].loc["Wilks' lambda"]
    return PreTrendResult(float(row["F Value"]), int(row["Num DF"]), int(row["Den DF"]), float(row["Pr > F"]),
                          quarters, units)
