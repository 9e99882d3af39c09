"""The query string of `GET /services` and of the page: read into StaffFilters, described for OpenAPI.

Both come from the one table `PARAMETERS`, so the document cannot promise a
filter the code does not read. The meaning of each filter (what a place is,
what "open now" means) is services_catalog.lookup's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from multidict import MultiMapping

from services_catalog.geography import Gazetteer
from services_catalog.hsds import CONTROL_CHARACTERS
from services_catalog.hsds_export import taxonomy_term
from services_catalog.lookup import (
    MAX_AGE,
    PROPERTY_FILTERS,
    BadFilter,
    StaffFilters,
    check_point,
    check_radius,
    check_type,
    parse_when,
)
from services_catalog.search import FILTER_PROPERTIES, Sort
from services_catalog.taxonomy import SERVICE_TYPE_TAXONOMY, Property, ServiceType, column_name

MAX_PER_PAGE = 100
MAX_VALUE_CHARS = 200  # no place name, date or code is longer; a pasted letter is a mistake
DEFAULT_PER_PAGE = 10
PLACE_PARAMETERS = ("kommune", "postcode", "place")
TRUE, FALSE = {"true", "1", "yes", "on", "ja"}, {"false", "0", "no", "off", "nei"}
# HSDS clients name a type by its taxonomy term id; ours are derived from the code (hsds_export).
TYPE_BY_TERM_ID = {taxonomy_term(SERVICE_TYPE_TAXONOMY, t.value)["id"]: t.value for t in ServiceType}


@dataclass(frozen=True)
class Parameter:
    name: str
    schema: dict[str, Any]
    description: str
    repeatable: bool = False


def _property_parameter(prop: Property) -> Parameter:
    return Parameter(column_name(prop), {"type": "boolean"},
                     f"true: only services that are '{prop.label_en}'; false: only those that are not.")


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("kommune", {"type": "string"}, "A kommune by name (Bergen, Romsa) or 4-digit number; unknown names get a suggestion."),
    Parameter("postcode", {"type": "string", "pattern": r"^\d{4}$"}, "A Norwegian postcode; distances are measured from it."),
    Parameter("place", {"type": "string"}, "A kommune, town or postcode as typed (what the page's one field sends)."),
    Parameter("lat", {"type": "number", "minimum": -90, "maximum": 90}, "Latitude of the person (with lon)."),
    Parameter("lon", {"type": "number", "minimum": -180, "maximum": 180}, "Longitude of the person (with lat)."),
    Parameter("radius_km", {"type": "number", "exclusiveMinimum": 0}, "Only services within this many km (a hard limit)."),
    Parameter("proximity", {"type": "number", "exclusiveMinimum": 0}, "HSDS: the same limit in metres."),
    Parameter("type", {"type": "string", "enum": [t.value for t in ServiceType]}, "Service type; repeat for any of several.", True),
    Parameter("taxonomy_term_id", {"type": "string"}, "HSDS: a service-type taxonomy term id (as /services/{id} shows them).", True),
    Parameter("open_now", {"type": "boolean"}, "Only services open now (Norwegian time; unknown hours never count as open)."),
    Parameter("open_at", {"type": "string", "format": "date-time"}, "Only services open at this moment; without a zone it is Norwegian time."),
    *(_property_parameter(prop) for prop in FILTER_PROPERTIES),
    Parameter("age", {"type": "integer", "minimum": 0, "maximum": MAX_AGE}, "Only services whose age limits admit this age."),
    Parameter("language", {"type": "string", "pattern": "^[A-Za-z]{2,3}$"}, "Only services that list this language code (nb, en, se)."),
    Parameter("sort", {"type": "string", "enum": [s.value for s in Sort]}, "distance (local first; default) or wait (right to choose: shortest wait first)."),
    Parameter("page", {"type": "integer", "minimum": 1}, "HSDS: page number, from 1."),
    Parameter("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, f"HSDS: services per page (default {DEFAULT_PER_PAGE})."),
)
BY_NAME = {p.name: p for p in PARAMETERS}


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    def window(self, total: int) -> tuple[int, int]:
        start = (self.page - 1) * self.per_page
        return min(start, total), min(start + self.per_page, total)

    def pages(self, total: int) -> int:
        return max(1, math.ceil(total / self.per_page))


def read_filters(query: MultiMapping[str], max_results: int) -> tuple[StaffFilters, Paging]:
    """Raise BadFilter naming the first parameter that is wrong and why; empty values count as absent."""
    values = _values(query)
    one = {name: given[0] for name, given in values.items() if given}
    places = [name for name in PLACE_PARAMETERS if name in one]
    if len(places) > 1:
        raise BadFilter(places[1], f"give one of {', '.join(PLACE_PARAMETERS)}, not several")
    paging = Paging(_get(one, "page", int, 1), _get(one, "per_page", int, DEFAULT_PER_PAGE))
    if paging.page < 1:
        raise BadFilter("page", "pages are numbered from 1")
    if not 1 <= paging.per_page <= MAX_PER_PAGE:
        raise BadFilter("per_page", f"must be from 1 to {MAX_PER_PAGE}")
    filters = StaffFilters(
        place=_place(one, places[0]) if places else None,
        place_field=places[0] if places else "place",
        point=_point(one),
        radius_km=_radius(one),
        types=tuple(dict.fromkeys(
            [check_type(code, "type") for code in values["type"]]
            + [_type_of_term(term) for term in values["taxonomy_term_id"]])),
        open_now=_get(one, "open_now", _boolean, False),
        open_at=parse_when(one["open_at"], "open_at") if "open_at" in one else None,
        properties={name: _get(one, name, _boolean, None) for name in PROPERTY_FILTERS if name in one},
        age=_get(one, "age", int, None),
        language=one.get("language"),
        sort=_get(one, "sort", Sort, Sort.DISTANCE),
        limit=max_results,
    )
    return filters, paging


def _values(query: MultiMapping[str]) -> dict[str, list[str]]:
    """Every known parameter's non-empty values, in table order, after the checks all of them share."""
    for name in query:
        if name not in BY_NAME:
            raise BadFilter(name, f"unknown parameter; known: {', '.join(BY_NAME)}")
    values = {name: [v for v in query.getall(name, []) if v.strip()] for name in BY_NAME}
    for name, given in values.items():
        for value in given:
            if CONTROL_CHARACTERS.search(value):
                raise BadFilter(name, "contains control characters")
            if len(value) > MAX_VALUE_CHARS:
                raise BadFilter(name, f"longer than {MAX_VALUE_CHARS} characters")
        if len(given) > 1 and not BY_NAME[name].repeatable:
            raise BadFilter(name, "given more than once")
    return values


def _place(one: Mapping[str, str], name: str) -> str:
    text = one[name].strip()
    if name == "postcode" and not (len(text) == 4 and text.isdigit()):
        raise BadFilter("postcode", f"a postcode has four digits, not {text!r}")
    if name == "kommune" and text.isdigit():
        return _kommune_number(text)
    return text


def _kommune_number(text: str) -> str:
    """A kommune number becomes its name, so the gazetteer does not read 4601 (Bergen) as a Kristiansand postcode."""
    kommune = Gazetteer.load().kommune(text)
    if kommune is None:
        raise BadFilter("kommune", f"no kommune has the number {text!r}")
    return kommune.name


def _point(one: Mapping[str, str]) -> tuple[float, float] | None:
    if ("lat" in one) != ("lon" in one):
        raise BadFilter("lat" if "lat" not in one else "lon", "lat and lon go together")
    if "lat" not in one:
        return None
    return check_point(_get(one, "lat", _finite, 0.0), _get(one, "lon", _finite, 0.0), "lat")


def _radius(one: Mapping[str, str]) -> float | None:
    if "radius_km" in one and "proximity" in one:
        raise BadFilter("proximity", "give radius_km or proximity, not both")
    if "proximity" in one:
        return check_radius(_get(one, "proximity", _finite, 0.0) / 1000, "proximity")
    if "radius_km" in one:
        return check_radius(_get(one, "radius_km", _finite, 0.0), "radius_km")
    return None


def _type_of_term(term_id: str) -> str:
    if term_id not in TYPE_BY_TERM_ID:
        raise BadFilter("taxonomy_term_id", f"no service-type taxonomy term has the id {term_id!r}")
    return TYPE_BY_TERM_ID[term_id]


def _get(one: Mapping[str, str], name: str, parse: Callable[[str], Any], default: Any) -> Any:
    if name not in one:
        return default
    try:
        return parse(one[name].strip())
    except BadFilter:
        raise
    except ValueError:
        raise BadFilter(name, f"{one[name]!r} is not {_KINDS.get(parse, 'a valid value')}") from None


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in TRUE | FALSE:
        raise ValueError(text)
    return lowered in TRUE


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


_KINDS: dict[Callable[..., Any], str] = {
    int: "a whole number",
    _finite: "a number",
    _boolean: "true or false",
    Sort: f"one of {', '.join(s.value for s in Sort)}",
}
