"""The one ``Filters`` value: parsed and validated in one place from a URL query string.

Every view is a link: ``?geo=E54000050&level=icb&from=2022Q1&to=2026Q2&condition=msk&age=50-64&sex=female``.
A bad value raises ``FilterError`` naming the parameter, what was given and what is accepted; routes
answer it with 400 and pages with an alert. Unknown parameters are ignored.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from types import MappingProxyType
from urllib.parse import parse_qs, urlencode

import queries
from dashboard import periods
from dashboard.domain import ENGLAND, SEX_WORDS, domain
from dashboard.domain import period_label as domain_period_label
from dashboard.filter_definition import FilterDefinition
from dashboard.safety import quoted
from dashboard.stats import economics

LEVELS = ("region", "icb")
# ASCII digits only: str.isdigit and \d would take "２０１９" or Arabic-Indic digits, which int() reads but SQL does not.
_PERIOD = re.compile(r"([0-9]{4}) *-?Q([1-4])", re.IGNORECASE | re.ASCII)


class FilterError(ValueError):
    """One or more filter values are not accepted; ``problems`` maps parameter to message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


# What the loaded warehouse holds (dashboard/domain.py): every value is checked against it.
def _area_names() -> dict[str, str]:
    return domain().area_names


def _condition_names() -> dict[str, str]:
    return domain().condition_names


def _programme_names() -> dict[str, str]:
    return domain().programme_names


def _range() -> tuple[str, str]:
    d = domain()
    return d.first_period, d.last_period


def period_label(period: str | None) -> str:
    """A period key in words for the figures loaded for it ('Jan-Mar 2024', 'year to Mar 2024')."""
    try:
        return domain().label(period)
    except queries.WarehouseUnavailable:
        return domain_period_label(period)


@dataclass(frozen=True)
class Filters:
    geo: str = ENGLAND
    level: str = "region"
    # None: the first (last) loaded period, resolved through the domain when the value is made.
    period_from: str | None = None
    period_to: str | None = None
    condition: str | None = None
    intervention: str | None = None
    age: str | None = None
    sex: str | None = None
    # Return-on-investment assumptions (interventions page), in the units users type; None = the default.
    roi_deadweight: float | None = None
    roi_persistence: float | None = None
    roi_earnings: float | None = None
    roi_benefit_saving: float | None = None
    roi_discount: float | None = None
    areas: tuple[str, ...] | None = None  # a chosen set of regions or ICBs to compare (as Fingertips' area lists)
    # Not a URL filter: the ICBs whose unpublished programme rows (participant records, pilot returns) the viewer
    # may see, set by dashboard.access from their role before a restricted chart is rendered and bound to the
    # programme queries as $icbs. None: no restriction. Never parsed from, nor written to, a URL; being a field,
    # it is part of every cache key made from a Filters value.
    scope: tuple[str, ...] | None = None

    _NOT_URL = frozenset({"scope"})

    # URL parameter name for each field where they differ ("from" is a Python keyword).
    _URL = MappingProxyType({"period_from": "from", "period_to": "to",
                             **{f"roi_{s.param}": s.param for s in economics.SETTINGS}})

    def __post_init__(self):
        if self.period_from is None or self.period_to is None:
            first, last = _range()
            if self.period_from is None:
                object.__setattr__(self, "period_from", first)
            if self.period_to is None:
                object.__setattr__(self, "period_to", last)

    @classmethod
    def from_query(cls, query: Mapping[str, object] | str | None) -> Filters:
        """Parse a query string (``"?geo=..."``) or a mapping of parameters; raise ``FilterError``."""
        if query is None:
            query = {}
        if isinstance(query, str):
            query = parse_qs(query.lstrip("?"), keep_blank_values=True)
        elif hasattr(query, "lists"):  # Flask's request.args: every value of a repeated parameter
            query = dict(query.lists())
        elif not isinstance(query, Mapping):  # e.g. a list posted by a client as a callback's value
            raise FilterError({"query": f"expected a query string such as ?geo=E92000001, got {type(query).__name__}"})
        raw = {}
        for key, value in query.items():
            if isinstance(value, list | tuple):  # a repeated parameter: the last one wins, on pages and routes
                value = value[-1] if value else ""
            raw[str(key)] = "" if value is None else str(value).strip()
        values, problems = {}, {}
        for field in fields(cls):
            if field.name in cls._NOT_URL:
                continue
            name = cls._URL.get(field.name, field.name)
            text = raw.get(name, "")
            if text == "" or text.lower() == "all":
                continue
            try:
                values[field.name] = _PARSERS[field.name](text)
            except ValueError as error:
                problems[name] = str(error)
        first, last = _range() if not problems else (None, None)
        chosen_from, chosen_to = values.get("period_from", first), values.get("period_to", last)
        if not problems and chosen_from is not None and chosen_to is not None and chosen_from > chosen_to:
            problems["from"] = (f"{values.get('period_from', first)} is after "
                                f"to={values.get('period_to', last)}; the first quarter must come first")
        if problems:
            raise FilterError(problems)
        return cls(**values)

    def to_query(self) -> dict[str, str]:
        """The parameters that differ from the defaults, with their URL names."""
        default = Filters()
        return {
            self._URL.get(k, k): ",".join(v) if isinstance(v, tuple) else format(v, ".10g") if isinstance(v, float)
            else v for k, v in asdict(self).items()
            if v is not None and v != getattr(default, k) and k not in self._NOT_URL
        }

    def query_string(self) -> str:
        query = self.to_query()
        return "?" + urlencode(query) if query else ""

    def replace(self, **changes) -> Filters:
        return replace(self, **changes)

    # Convenience for SQL parameters: None means "all".
    def params(self) -> dict[str, object]:
        return {
            "geo": self.geo, "level": self.level, "period_from": self.period_from, "period_to": self.period_to,
            "condition": self.condition, "intervention": self.intervention, "age": self.age, "sex": self.sex,
        }

    def roi_assumptions(self) -> economics.Assumptions:
        """The central return-on-investment assumptions these filters ask for (defaults where not given)."""
        return economics.from_params({s.param: getattr(self, f"roi_{s.param}") for s in economics.SETTINGS})

    @property
    def geo_name(self) -> str:
        return _area_names()[self.geo]

    def describe(self) -> str:
        """The filters in words, for titles of exports and page titles."""
        parts = [
            self.geo_name,
            f"{period_label(self.period_from)} to {period_label(self.period_to)}",
            "ICBs" if self.level == "icb" else "regions",
            _condition_names()[self.condition] if self.condition else "all conditions",
            f"aged {self.age}" if self.age else "aged 16-64",
            SEX_WORDS[self.sex] if self.sex else "men and women",
        ]
        if self.intervention:
            parts.append(_programme_names()[self.intervention])
        if self.areas:
            parts.append(f"{len(self.areas)} chosen areas")
        return ", ".join(parts)


def _choice(name: str, options: Mapping[str, str] | tuple[str, ...], hint: str | None = None):
    def parse(text: str) -> str:
        for option in options:
            if text.lower() == option.lower():
                return option
        accepted = hint or ", ".join(options)
        raise ValueError(f"{quoted(text)} is not a known {name}; use {accepted}")
    return parse


def _dimension(dimension: str, name: str, options: tuple[str, ...], hint: str | None = None):
    """A choice among the loaded values of a dimension; where the loaded data have none, why it does not apply."""
    if not options:
        def refuse(text: str) -> str:
            raise ValueError(f"{quoted(text)} cannot be chosen. {domain().missing(dimension) or 'Not in the data'}")
        return refuse
    return _choice(name, options, hint)


def _area(text: str) -> str:
    code = text.upper()
    if code not in _area_names():
        raise ValueError(
            f"{quoted(text)} is not a known area code; use E92000001 (England), an ONS region code (E12000001-E12000009) "
            "or one of the 42 ICB codes (E54...), as listed on the About page"
        )
    return code


def _quarters() -> list[str]:
    """Every quarter from the first loaded period to the last (a gap in the data is still a quarter to ask for)."""
    first, last = _range()
    return [] if first is None else periods.span(first, last)


MAX_AREAS = 60


def _area_list(text: str) -> tuple[str, ...]:
    """'E54000061,E54000027' -> the codes, in order, once each: regions or ICBs only, at most MAX_AREAS."""
    codes = []
    for part in text.split(","):
        code = part.strip().upper()
        if not code:
            continue
        if code not in _area_names() or code == ENGLAND:
            raise ValueError(f"{part.strip()[:20]!r} is not a region or ICB code; give codes such as "
                             "E54000061,E54000027 (ICBs) or E12000001 (regions), separated by commas")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValueError("give at least one region or ICB code, separated by commas")
    if len(codes) > MAX_AREAS:
        raise ValueError(f"at most {MAX_AREAS} areas")
    return tuple(codes)


def _period(text: str) -> str:
    first, last = _range()
    if first is None:
        raise ValueError("the loaded data have no periods of long-term sickness or programme starts to choose from")
    match = _PERIOD.fullmatch(text)
    if not match:
        raise ValueError(f"{quoted(text)} is not a quarter; use the form 2024Q1 ({first} to {last})")
    period = f"{match[1]}Q{match[2]}"
    if not first <= period <= last:
        raise ValueError(f"{period} is outside the data; use a quarter from {first} to {last}")
    return period


_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")  # ASCII digits, as for quarters: no signs, exponents or other scripts


def _number(setting: economics.Setting):
    def parse(text: str) -> float:
        value = float(text) if _NUMBER.fullmatch(text) else float("nan")
        if not setting.minimum <= value <= setting.maximum:  # also refuses nan
            raise ValueError(f"{quoted(text)} is not accepted for {setting.label.lower()}; use a number from "
                             f"{setting.minimum:g} to {setting.maximum:g} ({setting.unit})")
        return value
    return parse


_PARSERS = {
    "geo": _area,
    "level": _choice("level", LEVELS, "region or icb"),
    "period_from": _period,
    "period_to": _period,
    "condition": lambda text: _choice("condition group", tuple(_condition_names()))(text),
    "intervention": lambda text: _choice("programme", tuple(_programme_names()))(text),
    "age": lambda text: _dimension("age", "age band", domain().age_bands)(text),
    "sex": lambda text: _dimension("sex", "sex", domain().sexes, "female, male or all")(text),
    **{f"roi_{s.param}": _number(s) for s in economics.SETTINGS},
    "areas": _area_list,
}


# ---- every filter described, for the data API (/api/v1/filters) and its OpenAPI document -------------------

_LEVEL_NAMES = {"region": "ONS regions", "icb": "Integrated Care Boards"}
FILTER_DEFINITIONS = (
    FilterDefinition("geo", "Area", "The area shown: England, an ONS region or an Integrated Care Board, by GSS code.",
                     ENGLAND, lambda: dict(_area_names())),
    FilterDefinition("level", "Compare", "Which areas are compared with each other: ONS regions or ICBs.",
                     "region", lambda: {lv: _LEVEL_NAMES[lv] for lv in LEVELS}),
    FilterDefinition("from", "From", "The first quarter shown (the period ending in it); default the first loaded.",
                     lambda: _range()[0], lambda: {q: period_label(q) for q in _quarters()}),
    FilterDefinition("to", "To", "The last quarter shown (not before from); default the last loaded.",
                     lambda: _range()[1], lambda: {q: period_label(q) for q in _quarters()}),
    FilterDefinition("condition", "Main condition", "A main health condition group (LFS main health problem).",
                     "all", lambda: {"all": "all conditions", **_condition_names()}),
    FilterDefinition("intervention", "Programme", "A back-to-work programme.",
                     "all", lambda: {"all": "all programmes", **_programme_names()}),
    FilterDefinition("age", "Age", "An age band of people aged 16-64.",
                     "all", lambda: {"all": "aged 16-64", **{band: f"aged {band}" for band in domain().age_bands}}),
    FilterDefinition("sex", "Sex", "Women or men.", "all",
                     lambda: {"all": "men and women", **{s: SEX_WORDS.get(s, s) for s in domain().sexes}}),
)
# The return-on-investment assumptions (interventions page) are numbers within a range; their defaults are the
# central case in the units the URL takes.
FILTER_DEFINITIONS += tuple(
    FilterDefinition(s.param, s.label, s.source, format(getattr(economics.DEFAULT, s.key) * s.scale, ".10g"),
                     minimum=s.minimum, maximum=s.maximum)
    for s in economics.SETTINGS)
