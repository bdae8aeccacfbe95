"""The deterministic demo generator: synthetic data calibrated to published figures.

Everything here is SYNTHETIC. It exists so the dashboard can be shown and tested without official
data; every page, export and embed built from it says so. The calibration targets and their sources
are in ``data/reference/*.csv`` and ``shared/FACTS.md``; the assumptions are listed in ``ASSUMPTIONS``
and shown on the dashboard's About page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from data import reference

SEED = 20241126  # Get Britain Working white paper published 26 Nov 2024
FIRST_PERIOD, LAST_PERIOD = "2019Q1", "2026Q2"
DATA_CUTOFF = date(2026, 6, 30)
AGE_BANDS = ("16-24", "25-34", "35-49", "50-64")
SEXES = ("female", "male")
REFERRAL_SOURCES = ("GP", "employer", "self", "Jobcentre", "physio")

ENGLAND_SHARE_OF_UK = 0.843  # England's share of the UK population aged 16-64 (ONS mid-year estimates)
WORKING_AGE_SHARE = 0.62  # share of all ages aged 16-64
SAMPLE_FRACTION = 0.0085  # APS respondents per person aged 16-64 (about 300,000 a year in England)
ACCELERATOR_START = "2025Q2"  # accelerators began delivering in April 2025
ACCELERATOR_EFFECT_PP = -0.6  # injected change in the long-term-sick rate, percentage points
WHP_LONG_TERM_UNEMPLOYED_SHARE = 0.30
WHP_LONG_TERM_UNEMPLOYED_RATE = 0.08  # published: 8% of the long-term unemployed group

AGE_POPULATION_SHARE = np.array([0.20, 0.21, 0.30, 0.29])
AGE_RELATIVE_RATE = np.array([0.35, 0.60, 0.95, 1.65])
YOUNG_EXTRA_GROWTH = 0.15  # extra rise for ages 16-34 by 2023 (560,000 aged 16-34 in Jan-Mar 2023)
SEX_RELATIVE_RATE = np.array([1.05, 0.95])

ASSUMPTIONS = (
    "The published national path is for the UK; England is scaled to its 84.3% share of the UK population aged 16-64.",
    "ICB populations are rounded approximations; 62% of each is taken to be aged 16-64.",
    ("Areas differ from England by a fixed amount (the ONS regional gradient, North East highest and London lowest, "
    "with ICB-level variation), so trends are parallel before the accelerators start."),
    (f"From {ACCELERATOR_START} the long-term-sick rate in the three accelerator ICBs is lowered by "
    f"{abs(ACCELERATOR_EFFECT_PP)} percentage points: a known effect for the evaluation to recover."),
    "Survey sampling is simulated: each cell's respondents are binomial, so small cells are noisy and flagged as APS does.",
    ("Job outcome rates within 12 months follow the published figures where there are any (Work and Health Programme 21%, "
    "long-term unemployed 8%, IPS 30-55%, GP employment advisers about a third); others are assumptions, marked as such."),
    "Costs per participant are published where a budget and a volume are (WorkWell £64m for 59,000); otherwise assumptions.",
)


@dataclass(frozen=True)
class DemoData:
    population: pd.DataFrame
    long_term_sick: pd.DataFrame
    participants: pd.DataFrame


def quarters(first: str = FIRST_PERIOD, last: str = LAST_PERIOD) -> list[str]:
    start, end = pd.Period(first, "Q"), pd.Period(last, "Q")
    return [str(p) for p in pd.period_range(start, end, freq="Q")]


def national_rate_path(periods: list[str], england_population: np.ndarray) -> np.ndarray:
    """England's long-term-sick rate each quarter, interpolated from the published UK path."""
    anchors = reference.table("national_path")
    index = {p: i for i, p in enumerate(quarters(FIRST_PERIOD, LAST_PERIOD))}
    x = np.array([index[p] for p in anchors["period"]])
    uk = anchors["uk_long_term_sick"].astype(float).to_numpy()
    steps = np.array([index[p] for p in periods])
    return np.interp(steps, x, uk) * ENGLAND_SHARE_OF_UK / england_population


def generate(participants: int = 200_000, seed: int = SEED) -> DemoData:
    rng = np.random.default_rng(seed)
    population, lts = _survey(rng)
    return DemoData(population, lts, _participants(rng, participants))


def _survey(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    icb = reference.icbs()
    rr = reference.regions("ons_region").set_index("code")["lts_relative_risk"].astype(float)
    periods = quarters()
    n_icb, n_q, n_s = len(icb), len(periods), len(SEXES)

    growth = 1 + 0.004 * np.arange(n_q) / 4  # population grows about 0.4% a year
    pop_icb = icb["population_approx"].to_numpy(float)[:, None] * WORKING_AGE_SHARE * growth[None, :]
    england_rate = national_rate_path(periods, pop_icb.sum(axis=0))

    # Fixed ICB offsets from England: the regional gradient plus ICB variation, population-weighted to zero.
    relative = icb["ons_region"].map(rr).to_numpy() * rng.lognormal(0, 0.07, n_icb)
    offset = england_rate[0] * (relative - 1)
    offset -= np.average(offset, weights=pop_icb[:, 0])
    rate_icb = england_rate[None, :] + offset[:, None]
    treated = icb["accelerator"].to_numpy()[:, None] & (np.array(periods) >= ACCELERATOR_START)[None, :]
    rate_icb = rate_icb + treated * ACCELERATOR_EFFECT_PP / 100

    # Age and sex profile: young people's rates rise faster to 2023; normalised so the cells average to the ICB rate.
    progress = np.clip(np.arange(n_q) / 16, 0, 1)  # 2019Q1 -> 2023Q1
    age_rr = np.tile(AGE_RELATIVE_RATE, (n_q, 1))
    age_rr[:, :2] *= 1 + YOUNG_EXTRA_GROWTH * progress[:, None]
    cell_rr = age_rr[:, :, None] * SEX_RELATIVE_RATE[None, None, :]  # q x a x s
    cell_share = AGE_POPULATION_SHARE[:, None] * np.full(n_s, 1 / n_s)[None, :]  # a x s
    cell_rr /= (cell_rr * cell_share[None]).sum(axis=(1, 2), keepdims=True)

    pop = pop_icb[:, :, None, None] * cell_share[None, None]  # i x q x a x s
    rate = np.clip(rate_icb[:, :, None, None] * cell_rr[None], 0.001, 0.5)
    sample = np.maximum(np.rint(pop * SAMPLE_FRACTION), 1).astype(np.int64)
    sick_sample = rng.binomial(sample, rate)

    # Main condition among the sick respondents: a multinomial split whose mix moves with age and time.
    shares = _condition_shares(progress, icb["ons_region"].to_numpy())  # i x q x a x c
    cond_sample = _multinomial(rng, sick_sample, shares)  # i x q x a x s x c
    weight = pop / sample  # people each respondent stands for

    idx = pd.MultiIndex.from_product(
        [icb["code"], periods, AGE_BANDS, SEXES], names=["area_code", "period", "age_band", "sex"]
    )
    population = pd.DataFrame(
        {"population": pop.ravel(), "sample_size": sample.ravel()}, index=idx
    ).reset_index()
    codes = reference.conditions()["code"].to_numpy()
    lts_idx = pd.MultiIndex.from_product(
        [icb["code"], periods, AGE_BANDS, SEXES, codes],
        names=["area_code", "period", "age_band", "sex", "condition_code"],
    )
    lts = pd.DataFrame(
        {"people": (cond_sample * weight[..., None]).ravel(), "sample_n": cond_sample.ravel()}, index=lts_idx
    ).reset_index()
    return population, lts


# Relative likelihood of each condition group as the main problem, by age band (16-24 ... 50-64).
_AGE_MIX = {
    "mental": (1.9, 1.5, 1.0, 0.7),
    "msk": (0.45, 0.75, 1.0, 1.2),
    "heart": (0.2, 0.4, 0.9, 1.4),
    "diabetes": (0.3, 0.5, 0.9, 1.3),
    "other": (1.1, 1.0, 1.0, 0.95),
}
_TIME_MIX = {"mental": 0.30, "msk": 0.06}  # growth in relative likelihood 2019 -> 2023
_NORTH = {"E12000001", "E12000002", "E12000003"}


def _condition_shares(progress: np.ndarray, ons_region: np.ndarray) -> np.ndarray:
    cond = reference.conditions()
    base = cond["demo_share_2019"].to_numpy()
    groups = cond["group_id"].to_numpy()
    age = np.stack([np.array(_AGE_MIX[g]) for g in groups], axis=-1)  # a x c
    time = 1 + np.stack([_TIME_MIX.get(g, 0.0) * progress for g in groups], axis=-1)  # q x c
    north = np.where(np.isin(ons_region, list(_NORTH))[:, None], np.where(groups == "msk", 1.12, 1.0), 1.0)  # i x c
    mix = base[None, None, None, :] * north[:, None, None, :] * time[None, :, None, :] * age[None, None, :, :]
    return mix / mix.sum(axis=-1, keepdims=True)


def _multinomial(rng: np.random.Generator, n: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Split counts n (i x q x a x s) over conditions with probabilities shares (i x q x a x c)."""
    p = np.broadcast_to(shares[:, :, :, None, :], n.shape + shares.shape[-1:])
    return rng.multinomial(n, p)


def _participants(rng: np.random.Generator, total: int) -> pd.DataFrame:
    progs = reference.programmes()
    icb = reference.icbs()
    cond = reference.conditions()
    weights = progs["participant_weight"].to_numpy()
    counts = np.floor(total * weights / weights.sum()).astype(int)
    counts[np.argmax(weights)] += total - counts.sum()
    frames = [
        _programme_participants(rng, prog, int(n), icb, cond)
        for prog, n in zip(progs.itertuples(index=False), counts, strict=True)
        if n > 0
    ]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "id", np.arange(1, len(out) + 1, dtype=np.int64))
    return out


# Condition group mix of participants by programme (msk, mental, heart, diabetes, other).
_PROGRAMME_CONDITIONS = {
    "digital_msk": (1, 0, 0, 0, 0),
    "emp_adviser_msk": (1, 0, 0, 0, 0),
    "msk_hub": (1, 0, 0, 0, 0),
    "ips": (0.05, 0.85, 0.02, 0.02, 0.06),
    "accelerator": (0.35, 0.35, 0.10, 0.10, 0.10),
    "workwell": (0.40, 0.40, 0.06, 0.04, 0.10),
}
_DEFAULT_CONDITIONS = (0.28, 0.38, 0.08, 0.05, 0.21)
_GROUP_ORDER = ("msk", "mental", "heart", "diabetes", "other")
# Referral source mix by programme (GP, employer, self, Jobcentre, physio).
_PROGRAMME_REFERRALS = {
    "whp": (0.04, 0.0, 0.06, 0.90, 0.0),
    "emp_adviser_gp": (0.90, 0.0, 0.10, 0.0, 0.0),
    "emp_adviser_msk": (0.20, 0.0, 0.10, 0.0, 0.70),
    "digital_msk": (0.25, 0.05, 0.10, 0.0, 0.60),
    "msk_hub": (0.40, 0.0, 0.15, 0.0, 0.45),
    "workwell": (0.35, 0.25, 0.25, 0.10, 0.05),
    "accelerator": (0.40, 0.20, 0.20, 0.15, 0.05),
    "universal_support": (0.15, 0.0, 0.20, 0.65, 0.0),
}
_DEFAULT_REFERRALS = (0.45, 0.10, 0.25, 0.15, 0.05)
_PARTICIPANT_AGE_SHARE = np.array([0.12, 0.22, 0.33, 0.33])
_AGE_JOB_MULTIPLIER = np.array([1.15, 1.10, 1.0, 0.82])


def _programme_participants(rng, prog, n: int, icb: pd.DataFrame, cond: pd.DataFrame) -> pd.DataFrame:
    eligible = icb[icb["code"].isin(prog.icbs.split(";"))] if prog.icbs else icb
    pop = eligible["population_approx"].to_numpy(float)
    icb_code = rng.choice(eligible["code"].to_numpy(), size=n, p=pop / pop.sum())

    start, end = np.datetime64(prog.start), np.datetime64(prog.end or DATA_CUTOFF.isoformat())
    end = min(end, np.datetime64(DATA_CUTOFF.isoformat()))
    span = int((end - start).astype(int))
    start_date = start + rng.integers(0, span + 1, size=n).astype("timedelta64[D]")
    followup = (np.datetime64(DATA_CUTOFF.isoformat()) - start_date).astype(int)

    group_p = np.array(_PROGRAMME_CONDITIONS.get(prog.id, _DEFAULT_CONDITIONS), dtype=float)
    group = rng.choice(np.array(_GROUP_ORDER), size=n, p=group_p / group_p.sum())
    condition_code = np.empty(n, dtype=np.int64)
    for g in _GROUP_ORDER:
        mask = group == g
        if mask.any():
            members = cond[cond["group_id"] == g]
            share = members["demo_share_2019"].to_numpy()
            condition_code[mask] = rng.choice(members["code"].to_numpy(), size=mask.sum(), p=share / share.sum())

    age_index = rng.choice(len(AGE_BANDS), size=n, p=_PARTICIPANT_AGE_SHARE)
    ref_p = np.array(_PROGRAMME_REFERRALS.get(prog.id, _DEFAULT_REFERRALS), dtype=float)
    referral = rng.choice(np.array(REFERRAL_SOURCES), size=n, p=ref_p / ref_p.sum())

    if prog.id == "whp":
        ltu = rng.random(n) < WHP_LONG_TERM_UNEMPLOYED_SHARE
        others_rate = (prog.demo_job_rate_12m - WHP_LONG_TERM_UNEMPLOYED_SHARE * WHP_LONG_TERM_UNEMPLOYED_RATE) / (
            1 - WHP_LONG_TERM_UNEMPLOYED_SHARE
        )
        base = np.where(ltu, WHP_LONG_TERM_UNEMPLOYED_RATE, others_rate)
    else:
        ltu = np.zeros(n, dtype=bool)
        base = np.full(n, prog.demo_job_rate_12m)

    app_used = adherence = mskhq = None
    multiplier = _AGE_JOB_MULTIPLIER[age_index] * np.where(group == "mental", 0.9, 1.0)
    if prog.id == "digital_msk":
        app_used = rng.random(n) < float(prog.app_use_benchmark)  # the published share who used the app
        adherence = np.where(app_used, rng.beta(3, 2, n), 0.0)
        multiplier = multiplier * (0.7 + 0.6 * adherence)
        mskhq = np.where(app_used, rng.normal(3 + 6 * adherence, 6), rng.normal(1, 6, n)).round(0)
        mskhq = np.where(rng.random(n) < 0.2, np.nan, mskhq)  # not everyone completes the follow-up MSK-HQ
    p_job = np.clip(base * multiplier / multiplier.mean(), 0, 0.95)

    job = rng.random(n) < p_job
    days = np.clip(np.rint(rng.gamma(2.0, 65.0, n)), 7, 365).astype(np.int64)
    seen = job & (days <= followup)
    sustained = rng.random(n) < prog.demo_sustained_ratio
    knowable = seen & (days + 182 <= followup)
    cost = prog.demo_cost_gbp * rng.lognormal(-0.03, 0.25, n)

    frame = pd.DataFrame(
        {
            "programme": prog.id,
            "icb_code": icb_code,
            "condition_code": condition_code,
            "condition_group": group,
            "age_band": np.array(AGE_BANDS)[age_index],
            "sex": rng.choice(np.array(SEXES), size=n),
            "referral_source": referral,
            "long_term_unemployed": ltu,
            "start_date": start_date.astype("datetime64[s]"),
            "followup_days": followup,
            "days_to_job": pd.array(np.where(seen, days, 0), dtype="Int64"),
            "sustained_26w": pd.array(sustained, dtype="boolean"),
            "cost_gbp": cost.round(2),
            "app_used": pd.array(app_used if app_used is not None else np.zeros(n, bool), dtype="boolean"),
            "adherence": adherence if adherence is not None else np.nan,
            "mskhq_change": mskhq if mskhq is not None else np.nan,
        }
    )
    frame.loc[~seen, "days_to_job"] = pd.NA
    frame.loc[~knowable, "sustained_26w"] = pd.NA
    if app_used is None:
        frame["app_used"] = pd.NA
    return frame
