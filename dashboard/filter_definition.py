"""One URL filter described (its parameter, meaning, default and accepted values) for the data API's
/api/v1/filters and OpenAPI document; the filters themselves are listed in dashboard.filters.FILTER_DEFINITIONS."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FilterDefinition:
    """One URL filter: its parameter, what it means, its default and every value it accepts (value -> label).

    ``accepted`` reads the same lists the parsers in dashboard.filters check against, so the API's description and what
    ``Filters.from_query`` accepts cannot disagree (tests/test_api.py parses every listed value)."""
    name: str
    label: str
    description: str
    default_: str | Callable[[], str]  # "all" where the filter is optional; a function for the loaded range
    # value -> label; None for a number within minimum..maximum
    accepted: Callable[[], dict[str, str]] | None = dataclasses.field(default=None, repr=False)
    minimum: float | None = None
    maximum: float | None = None

    @property
    def default(self) -> str:
        return self.default_() if callable(self.default_) else self.default_

    def values(self) -> dict[str, str]:
        return self.accepted() if self.accepted else {}

    def json_schema(self) -> dict:
        """The parameter's JSON Schema: one of the accepted values, or a number within its range."""
        if self.accepted is None:
            bounds = {k: v for k, v in (("minimum", self.minimum), ("maximum", self.maximum)) if v is not None}
            return {"type": "number", **bounds}
        return {"type": "string", "enum": list(self.values()), "default": self.default}

    def describe(self) -> dict:
        """As ``/api/v1/filters`` lists it."""
        out = {"name": self.name, "label": self.label, "description": self.description, "default": self.default,
               "accepted": self.values()}
        return out if self.accepted else {**out, "minimum": self.minimum, "maximum": self.maximum}
