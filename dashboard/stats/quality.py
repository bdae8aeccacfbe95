"""Survey estimates stated honestly: a design factor on every interval, a coefficient of variation and ONS's
quality band for each estimate, and a z test wherever two estimates with sampling error are compared.

Design factor. The Annual Population Survey (APS) and Labour Force Survey (LFS) sample addresses and
interview everyone in the household, so their estimates vary more than a simple random sample of the same
size: ONS publishes design factors (deft, the ratio of the true standard error to the simple-random-sample
one) for its key estimates (LFS User Guide, Volume 1, section 8, "Sampling errors and confidence intervals").
The default here, 1.2, is an assumption in the range of those published factors, not a value read from
them for this estimate; set ``DASHBOARD_SURVEY_DESIGN_FACTOR`` to ONS's factor for the estimate in use.
Standard errors are multiplied by it, and Wilson intervals use the effective sample size n / deft^2.

Quality bands: the key ONS prints on its survey tables (coefficient of variation, CV = standard error /
estimate): CV up to 5% "precise", up to 10% "reasonably precise", up to 20% "acceptable", above 20%
"unreliable for practical purposes". As Nomis does for the APS, an estimate from 0-2 respondents with the
characteristic is not shown at all. Unreliable and not-shown estimates are never compared with anything.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from dashboard.stats.disclosure import blank
from dashboard.stats.intervals import wilson

DEFAULT_DESIGN_FACTOR = 1.2
PRECISE, REASONABLY_PRECISE, ACCEPTABLE = "precise", "reasonably precise", "acceptable"
UNRELIABLE, NOT_SHOWN = "unreliable", "not shown"
BANDS = ((5.0, PRECISE), (10.0, REASONABLY_PRECISE), (20.0, ACCEPTABLE))  # upper CV (%), inclusive
MIN_RESPONDENTS = 3  # Nomis: an APS estimate from 0-2 respondents is not shown ("!")
COMPARABLE = frozenset({PRECISE, REASONABLY_PRECISE, ACCEPTABLE})
# Marks drawn beside an estimate on charts and in tables (a precise or reasonably precise one has none).
MARK = {ACCEPTABLE: "*", UNRELIABLE: "u"}
KEY = "* acceptable (CV 10-20%): use with caution; u / open marker: unreliable (CV over 20%), not compared"
LEGEND = {ACCEPTABLE: "* CV 10-20%: use with caution", UNRELIABLE: "u, open: CV over 20%, unreliable"}
SIGNIFICANCE = 0.05  # two-sided z tests on differences are judged at 95%

_design_factor = DEFAULT_DESIGN_FACTOR


def set_design_factor(value: float) -> None:
    """Set the survey design factor (from ``Settings``); at least 1, finite."""
    global _design_factor
    value = float(value)
    if not (math.isfinite(value) and value >= 1):
        raise ValueError(f"the survey design factor must be a number of at least 1, got {value!r}")
    _design_factor = value


def design_factor() -> float:
    return _design_factor


def standard_error(p, n, deft: float | None = None) -> np.ndarray:
    """Standard error of a proportion ``p`` (a fraction) from ``n`` respondents: deft * sqrt(p(1-p)/n)."""
    deft = design_factor() if deft is None else deft
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, deft * np.sqrt(p * (1 - p) / np.where(n > 0, n, 1.0)), np.nan)


def coefficient_of_variation(p, n, deft: float | None = None) -> np.ndarray:
    """CV in percent: standard error / estimate; NaN for an estimate of 0 (its CV is undefined)."""
    p = np.asarray(p, dtype=float)
    se = standard_error(p, n, deft)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, se / np.where(p > 0, p, 1.0) * 100, np.nan)


def quality(cv, respondents) -> np.ndarray:
    """ONS's band for each estimate from its CV (%) and the respondents with the characteristic."""
    cv = np.asarray(cv, dtype=float)
    respondents = np.asarray(respondents, dtype=float)
    with np.errstate(invalid="ignore"):
        conditions = [~(respondents >= MIN_RESPONDENTS), np.isnan(cv) | (cv > BANDS[-1][0]),
                      *[cv <= limit for limit, _ in BANDS]]
    return np.select(conditions, [NOT_SHOWN, UNRELIABLE, *[name for _, name in BANDS]], default=UNRELIABLE) \
        .astype(object)


def comparable(labels) -> np.ndarray:
    """Whether each estimate's band allows it to be compared (not unreliable, not hidden)."""
    return np.isin(np.asarray(labels, dtype=object), list(COMPARABLE))


def interval(p, n, confidence: float = 0.95, deft: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Wilson interval for a survey proportion on the effective sample size n / deft^2 (fractions)."""
    deft = design_factor() if deft is None else deft
    n_effective = np.asarray(n, dtype=float) / deft ** 2
    return wilson(np.asarray(p, dtype=float) * n_effective, n_effective, confidence)


def survey_rates(frame: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Add ``rate``, ``lower``, ``upper``, ``se`` (percent), ``cv`` (%) and ``quality`` to survey rows.

    Needs ``people`` (weighted estimate), ``population``, ``sample_size`` (respondents) and ``sample_sick``
    (respondents with the characteristic). Rows not shown have their rate, interval, CV, people and
    population blanked: nothing derived from a hidden estimate is published.
    """
    out = frame.copy()
    population = out["population"].astype(float)
    share = np.where(population > 0, out["people"] / population.where(population > 0, 1), np.nan)
    lower, upper = interval(share, out["sample_size"], confidence)
    out["rate"] = share * 100
    out["lower"], out["upper"] = lower * 100, upper * 100
    out["se"] = standard_error(share, out["sample_size"]) * 100
    out["cv"] = coefficient_of_variation(share, out["sample_size"])
    out["quality"] = quality(out["cv"], out["sample_sick"])
    return blank(out, out["quality"] == NOT_SHOWN, ["rate", "lower", "upper", "se", "cv", "people", "population"])


def z_test(a, se_a, b, se_b, overlap=0.0) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided z test of the difference ``a - b`` between two estimates with standard errors.

    ``overlap`` is the share of ``b``'s sample that is also ``a``'s (an ICB within its region: the ICB's
    respondents over the region's), for which cov(a, b) = overlap * se_a^2; 0 for independent samples.
    Returns ``(z, p_value)``; NaN where either standard error is missing.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se_a, se_b = np.asarray(se_a, dtype=float), np.asarray(se_b, dtype=float)
    overlap = np.asarray(overlap, dtype=float)
    variance = se_a ** 2 + se_b ** 2 - 2 * overlap * se_a ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, (a - b) / np.sqrt(np.where(variance > 0, variance, 1.0)), np.nan)
    return z, np.where(np.isnan(z), np.nan, 2 * stats.norm.sf(np.abs(z)))


def significant(p_value) -> np.ndarray:
    p_value = np.asarray(p_value, dtype=float)
    with np.errstate(invalid="ignore"):
        return p_value < SIGNIFICANCE


def mark(labels) -> list[str]:
    """The chart mark for each band ('*' acceptable, 'u' unreliable, '' otherwise)."""
    return [MARK.get(label, "") for label in labels]


def note() -> str:
    """What every export says about survey estimates."""
    return (f"Survey estimates: 95% intervals and standard errors include a design factor of {design_factor():g}; "
            "cv is the coefficient of variation (%) and quality ONS's band (CV up to 5% precise, up to 10% "
            "reasonably precise, up to 20% acceptable, over 20% unreliable; 0-2 respondents not shown); "
            "unreliable estimates are not compared, and differences between two survey estimates are judged by "
            "a z test.")

