"""The domain: what the loaded warehouse knows about, read from it once per data version.

Areas (levels, parents, membership), condition groups, programmes, the period range and type, age bands and
sexes, the accelerator start, whether any row is synthetic, and which levels and dimensions each fact family
has. The app asks ``domain()`` for these and never reads ``data/`` (the build) or the demo generator: a
warehouse built from published files alone has its own periods, levels and dimensions, and the filters, the
pages and the About page follow it.
"""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

import queries
from dashboard import periods

ENGLAND = "E92000001"
LEVELS = ("england", "region", "icb")
SEX_WORDS = {"female": "women", "male": "men"}
_QUARTER_MONTHS = ("Jan-Mar", "Apr-Jun", "Jul-Sep", "Oct-Dec")
_QUARTER_END = ("Mar", "Jun", "Sep", "Dec")
PERIOD_TYPES = ("quarter", "rolling_year", "three_month")


# What a chart or filter needs that published files may not give, and why they do not (FACTS.md: what is published
# at which level). Only a warehouse without survey cells (a build from published files alone) lacks them.
NOT_PUBLISHED = {
    "cells": "Not published at this level: the loaded files give long-term sickness as published totals (Nomis APS "
             "rolling years by area, the UK three-month series), not the quarterly survey estimates by area, age, sex "
             "and main condition that this chart is computed from",
    "condition": "Not published at this level: the Annual Population Survey publishes no main health condition by "
                 "region or ICB, and ONS publishes the condition mix for the UK only",
    "age": "Does not apply: the loaded files publish long-term sickness for everyone aged 16-64, not by age band",
    "sex": "Does not apply: the loaded files publish long-term sickness for men and women together below UK level",
}


def quarter_label(period: str) -> str:
    """'2024Q1' -> 'Jan-Mar 2024' (the ONS style for a quarter)."""
    return f"{_QUARTER_MONTHS[int(period[5]) - 1]} {period[:4]}"


def period_label(period: str | None, period_type: str | tuple[str, ...] = "quarter") -> str:
    """A period key ('2024Q1': the quarter a period ends in) in words for its type: 'Jan-Mar 2024' for a
    quarter or three-month period, 'year to Mar 2024' for a rolling year, both when figures of both end there."""
    if period is None:
        return "no period loaded"
    if not isinstance(period_type, str):
        return " and the ".join(dict.fromkeys(period_label(period, one) for one in sorted(period_type, reverse=True)))
    if period_type == "rolling_year":
        return f"year to {_QUARTER_END[int(period[5]) - 1]} {period[:4]}"
    return quarter_label(period)


@dataclass(frozen=True)
class Coverage:
    """What one fact family holds in this warehouse: its areas' levels, its dimensions (of age, sex,
    condition) and its period type; ``synthetic`` when any of its rows came from the demo generator."""
    family: str
    levels: tuple[str, ...]
    dimensions: tuple[str, ...]
    period_type: str | None
    synthetic: bool
    sources: tuple[str, ...] = ()

    @property
    def loaded(self) -> bool:
        return bool(self.levels)

    def has(self, dimension: str | None = None, level: str | None = None) -> bool:
        return ((dimension is None or dimension in self.dimensions)
                and (level is None or level in self.levels))


@dataclass(frozen=True, eq=False)  # hashed by identity: one value per data version
class Domain:
    version: str
    meta: dict[str, str] = field(repr=False)
    areas: pd.DataFrame = field(repr=False)  # code, name, short_name, level, parent, ods, nhs_region, flags
    members: pd.DataFrame = field(repr=False)  # area, member (every area is its own member)
    condition_groups: pd.DataFrame = field(repr=False)  # id, name, parent, sort, description
    conditions: pd.DataFrame = field(repr=False)  # code, name, group_id, subgroup
    programmes: pd.DataFrame = field(repr=False)
    hex_layout: pd.DataFrame = field(repr=False)  # code, col, row
    sources: pd.DataFrame = field(repr=False)  # the publications list (About page)
    nhs_regions: pd.DataFrame = field(repr=False)  # code, name
    assumptions: tuple[str, ...]
    periods: tuple[str, ...]  # the loaded period keys ('YYYYQn'), in order
    period_type: str  # the commonest type of the area figures
    age_bands: tuple[str, ...]
    sexes: tuple[str, ...]
    coverage: dict[str, Coverage]
    measures: dict[str, str] = field(default_factory=dict)  # source id -> its first measure in lts_facts
    survey_cells: bool = False  # long-term sickness by age x sex x condition cells (only the demo has them)
    period_types: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> the types of figure ending there

    # ---- the data as a whole ----
    @property
    def synthetic(self) -> bool:
        """Whether any fact row came from the demo generator."""
        return self.meta.get("is_demo") == "true"

    @property
    def first_period(self) -> str | None:
        return self.periods[0] if self.periods else self.meta.get("first_period")

    @property
    def last_period(self) -> str | None:
        return self.periods[-1] if self.periods else self.meta.get("last_period")

    @property
    def accelerator_start(self) -> str | None:
        """The quarter the Health and Growth Accelerators began delivering (programmes.start of 'accelerator')."""
        rows = self.programmes[self.programmes["id"] == "accelerator"]
        if self.meta.get("accelerator_start"):
            return self.meta["accelerator_start"]
        return None if rows.empty else periods.of(rows["start"].iloc[0])

    def missing(self, need: str | None) -> str | None:
        """Why the loaded long-term-sickness facts cannot give what ``need`` names ('cells', 'condition', 'age',
        'sex'), or None when they can: only a warehouse without survey cells lacks them."""
        if need is None or self.survey_cells:
            return None
        if need in self.coverage["long_term_sick"].dimensions:
            return None
        return NOT_PUBLISHED.get(need)

    def label(self, period: str | None) -> str:
        """A period key in words for the figures loaded for it (those of England, regions and ICBs before the UK's):
        a UK three-month figure is not named a rolling year because the area figures are."""
        return period_label(period, self.period_types.get(period, self.period_type))

    # ---- areas ----
    @cached_property
    def _by_code(self) -> pd.DataFrame:
        return self.areas.set_index("code")

    @cached_property
    def area_names(self) -> dict[str, str]:
        return dict(zip(self.areas["code"], self.areas["name"], strict=True))

    @cached_property
    def short_names(self) -> dict[str, str]:
        return dict(zip(self.areas["code"], self.areas["short_name"], strict=True))

    def area(self, code: str) -> pd.Series:
        return self._by_code.loc[code]

    def level_of(self, code: str) -> str:
        return self._by_code.at[code, "level"]

    def parent_of(self, code: str) -> str | None:
        parent = self._by_code.at[code, "parent"]
        return parent if isinstance(parent, str) and parent else None

    def chain(self, code: str) -> list[str]:
        """The area, its best-fit ONS region (for an ICB) and England, in that order."""
        out = [code]
        while (parent := self.parent_of(out[-1])) is not None:
            out.append(parent)
        return out

    @property
    def survey_measure(self) -> str:
        """The measure the survey cells give (the demo's rate of all people aged 16-64)."""
        return self.measures.get("demo", "% of people aged 16-64 economically inactive because of long-term sickness")

    @property
    def seed(self) -> str | None:
        """The demo generator's seed, when there are synthetic rows."""
        return self.meta.get("seed") if self.synthetic else None

    def areas_at(self, level: str) -> pd.DataFrame:
        return self.areas[self.areas["level"] == level]

    def in_area(self, code: str, geo: str) -> bool:
        """Whether area ``code`` lies in ``geo`` (the same test as the warehouse's ``in_area`` macro)."""
        return geo in self.chain(code)

    # ---- conditions and programmes ----
    @cached_property
    def condition_names(self) -> dict[str, str]:
        return dict(zip(self.condition_groups["id"], self.condition_groups["name"], strict=True))

    @cached_property
    def programme_names(self) -> dict[str, str]:
        return dict(zip(self.programmes["id"], self.programmes["name"], strict=True))


# ---- loading, once per data version ------------------------------------------------------------------------

_AREAS = """SELECT code, name, short_name, level, parent, ods, nhs_region, accelerator, workwell FROM areas
            ORDER BY CASE level WHEN 'england' THEN 0 WHEN 'region' THEN 1 ELSE 2 END, name"""


# The loaded range: every fact family's periods (programme starts by the quarter they fall in).
_PERIODS = """SELECT DISTINCT period FROM population UNION SELECT DISTINCT period FROM long_term_sick
              UNION SELECT DISTINCT period FROM lts_facts
              UNION SELECT DISTINCT strftime(start_date, '%YQ') || quarter(start_date) FROM participants
              ORDER BY 1"""

# The types of figure ending at each key: of the area levels where there are any, else of the UK.
_PERIOD_TYPES = """SELECT period, list(DISTINCT period_type ORDER BY period_type) FROM lts_facts
                   WHERE (level <> 'uk') = (SELECT count(*) > 0 FROM lts_facts f WHERE f.period = lts_facts.period
                                                                                   AND f.level <> 'uk')
                   GROUP BY period"""


def _frame(cur, sql: str) -> pd.DataFrame:
    return cur.execute(sql).df()


def _values(cur, sql: str) -> tuple:
    return tuple(v for (v,) in cur.execute(sql).fetchall() if v is not None)


def _table_exists(cur, name: str) -> bool:
    return bool(cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $t AND database_name = "
                            "current_database()", {"t": name}).fetchone()[0])


def _survey_coverage(cur) -> Coverage:
    """Long-term sickness: the levels and periods of ``lts_facts`` (published or generated), and the dimensions of
    the survey cells where there are any (the demo), else those the published rows break down by."""
    levels = _values(cur, "SELECT DISTINCT level FROM lts_facts")
    dims = []
    cells = cur.execute("SELECT count(*) FROM long_term_sick").fetchone()[0] > 0
    for dim, cell_column, fact_column in (("age", "age_band", "age_band"), ("sex", "sex", "sex"),
                                          ("condition", "condition_code", "condition")):
        sql = (f"SELECT count(DISTINCT {cell_column}) > 1 FROM long_term_sick" if cells else
               f"SELECT count(*) > 0 FROM lts_facts WHERE {fact_column} <> 'all' AND level <> 'uk'")
        if cur.execute(sql).fetchone()[0]:
            dims.append(dim)
    period_type = cur.execute("SELECT mode(period_type) FROM lts_facts WHERE level IN ('england', 'region', 'icb')"
                              ).fetchone()[0]
    synthetic = bool(cur.execute("SELECT count(*) FROM lts_facts WHERE synthetic").fetchone()[0])
    return Coverage("long_term_sick", tuple(lv for lv in LEVELS if lv in levels), tuple(dims), period_type,
                    synthetic, _values(cur, "SELECT DISTINCT source_id FROM lts_facts ORDER BY 1"))


def _programme_coverage(cur, meta: dict[str, str]) -> Coverage:
    participants = cur.execute("SELECT count(*) FROM participants").fetchone()[0]
    returns = _table_exists(cur, "pilot_returns") and cur.execute("SELECT count(*) FROM pilot_returns").fetchone()[0]
    levels = LEVELS if participants or returns else ()
    dims = ("age", "sex", "condition") if participants else ("condition",) if returns else ()
    demo_tables = meta.get("demo_tables")
    synthetic = bool(participants) and (meta.get("is_demo") == "true" if demo_tables is None
                                        else "participants" in demo_tables.split(","))
    sources = tuple(s for s, on in (("demo", synthetic), ("pilot_returns", bool(returns))) if on)
    return Coverage("programmes", levels, dims, "quarter" if levels else None, synthetic, sources)


def load(wh: queries.Warehouse) -> Domain:
    """Read the domain from a warehouse (uncached: use ``domain()``)."""
    meta = dict(wh.meta)
    cur = wh.cursor()
    try:
        areas = _frame(cur, _AREAS)
        areas["short_name"] = areas["short_name"].fillna(areas["name"])
        for column in ("parent", "ods", "nhs_region"):  # '' rather than a missing value: plain to test
            areas[column] = areas[column].fillna("")
        groups = _frame(cur, "SELECT id, name, coalesce(parent, '') AS parent, sort, description FROM condition_groups "
                             "ORDER BY sort")
        periods = _values(cur, _PERIODS)
        ages = _values(cur, "SELECT DISTINCT age_band FROM population ORDER BY 1")
        sexes = _values(cur, "SELECT DISTINCT sex FROM population ORDER BY 1")
        coverage = {c.family: c for c in (_survey_coverage(cur), _programme_coverage(cur, meta))}
        return Domain(
            version=meta.get("data_version", "unknown"), meta=meta, areas=areas,
            members=_frame(cur, "SELECT area, member FROM area_members"),
            condition_groups=groups,
            conditions=_frame(cur, "SELECT code, name, group_id, subgroup FROM conditions ORDER BY code"),
            programmes=_frame(cur, 'SELECT * FROM programmes ORDER BY start, id'),
            hex_layout=_frame(cur, 'SELECT code, col, "row" FROM area_hex ORDER BY code'),
            sources=_frame(cur, "SELECT * FROM reference_sources ORDER BY id"),
            nhs_regions=_frame(cur, "SELECT code, name FROM nhs_regions ORDER BY code"),
            assumptions=_values(cur, "SELECT text FROM demo_assumptions ORDER BY sort"),
            periods=periods, period_type=coverage["long_term_sick"].period_type or "quarter",
            age_bands=ages, sexes=sexes, coverage=coverage,
            survey_cells=bool(cur.execute("SELECT count(*) FROM long_term_sick").fetchone()[0]),
            measures=dict(cur.execute("SELECT source_id, min(measure) FROM lts_facts GROUP BY 1").fetchall()),
            period_types={period: tuple(types) for period, types in cur.execute(_PERIOD_TYPES).fetchall()},
        )
    finally:
        cur.close()


_cache: weakref.WeakKeyDictionary[queries.Warehouse, Domain] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def domain(wh: queries.Warehouse | None = None) -> Domain:
    """The domain of ``wh`` (the process's warehouse by default), read once per data version."""
    wh = wh or queries.warehouse()
    version = wh.version
    found = _cache.get(wh)
    if found is None or found.version != version:
        found = load(wh)
        with _lock:
            _cache[wh] = found
    return found
