"""A staff lookup as staff ask for it, turned into a search `Query`.

The terminal (`veiviser catalog search`, cli.py) and the web lookup
(staff_web) both take a place as typed, a point, a radius, service types,
"open now" or a moment, the properties people choose by, an age and a
language. They read their own inputs (argparse, a query string) into
`StaffFilters`; what the words mean, and what is wrong with them, is decided
here once. A `BadFilter` names the input it is about, so each side can say
"--kommune: ..." or `{"parameter": "kommune", ...}` in its own way.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from services_catalog.geography import Gazetteer, Place, fold
from services_catalog.place_resolver import PlaceResolver
from services_catalog.opening_hours import OSLO
from services_catalog.search import FILTER_PROPERTIES, Query, Sort
from services_catalog.taxonomy import ServiceType, column_name

# The property filters a lookup offers, by the name staff and URLs use (drop_in, for_relatives, ...).
PROPERTY_FILTERS = tuple(column_name(p) for p in FILTER_PROPERTIES)
MAX_AGE = 130
MAX_RADIUS_KM = 2500.0  # Norway end to end; more is a typo, not a wish


class BadFilter(ValueError):
    """An input staff can fix: which one (`field`, as the caller names it), why, and maybe what they meant."""

    def __init__(self, field: str, reason: str, suggestion: str | None = None):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason, self.suggestion = field, reason, suggestion


class UnknownPlace(BadFilter):
    """A place the gazetteer (and a configured geocoder) does not know; `text` is what was typed."""

    def __init__(self, field: str, text: str, suggestion: str | None):
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        super().__init__(field, f"no kommune, place or postcode called {text!r}{hint}", suggestion)
        self.text = text


@dataclass(frozen=True)
class StaffFilters:
    """What staff asked for, already split into typed values; `place_field` names the input the place came from."""

    place: str | None = None
    place_field: str = "kommune"
    point: tuple[float, float] | None = None
    radius_km: float | None = None
    types: tuple[str, ...] = ()
    open_now: bool = False
    open_at: datetime | None = None
    properties: dict[str, bool] = field(default_factory=dict)
    age: int | None = None
    language: str | None = None
    sort: Sort = Sort.DISTANCE
    limit: int = 10


@dataclass(frozen=True)
class StaffSearch:
    """The search, and the place the typed text was read as (to say so when it was a guess)."""

    query: Query
    place: Place | None = None

    def corrected(self, typed: str | None) -> bool:
        """The place was found under another spelling than the one typed ("Kristiansnad")."""
        return bool(self.place and typed) and fold(self.place.name) != fold(typed) and not typed.strip().isdigit()


def build_query(filters: StaffFilters, places: PlaceResolver, now: datetime) -> StaffSearch:
    """The search for these filters; `now` is the moment "open now" means."""
    place = find_place(filters.place, filters.place_field, places) if filters.place else None
    kommune, point = None, filters.point
    if place is not None:
        kommune, point = place.kommune, point or (place.lat, place.lon)
    for code in filters.types:
        check_type(code, "type")
    if filters.radius_km is not None:
        check_radius(filters.radius_km, "radius_km")
    if filters.age is not None and not 0 <= filters.age <= MAX_AGE:
        raise BadFilter("age", f"must be a whole number of years from 0 to {MAX_AGE}")
    if filters.language is not None and not re.fullmatch(r"[A-Za-z]{2,3}", filters.language):
        raise BadFilter("language", f"must be a language code such as nb, en or se, not {filters.language!r}")
    unknown = set(filters.properties) - set(PROPERTY_FILTERS)
    if unknown:
        raise BadFilter(sorted(unknown)[0], f"not a property one can filter by ({', '.join(PROPERTY_FILTERS)})")
    return StaffSearch(Query(
        types=frozenset(filters.types),
        kommune=kommune,
        point=point,
        radius_km=filters.radius_km,
        open_at=filters.open_at or (now if filters.open_now else None),
        age=filters.age,
        language=filters.language.lower() if filters.language else None,
        limit=filters.limit,
        sort=filters.sort,
        include_unreviewed=True,  # staff see what a feed brought before it is sourced and mapped, marked
        **filters.properties,
    ), place)


def find_place(text: str, field_name: str, places: PlaceResolver) -> Place:
    """A kommune, town or postcode as typed; unknown ones get the nearest kommune name as a suggestion."""
    place = places.named(text)
    if place is not None:
        return place
    raise UnknownPlace(field_name, text, suggest_kommune(text, places.gazetteer))


def suggest_kommune(text: str, gazetteer: Gazetteer) -> str | None:
    names = {fold(k.name): k.name for k in gazetteer.kommuner()}
    close = difflib.get_close_matches(fold(text), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def check_type(code: str, field_name: str) -> str:
    if code not in {t.value for t in ServiceType}:
        raise BadFilter(field_name, f"unknown service type {code!r}; known: {', '.join(t.value for t in ServiceType)}")
    return code


def check_radius(km: float, field_name: str) -> float:
    if not 0 < km <= MAX_RADIUS_KM:
        raise BadFilter(field_name, f"must be more than 0 and at most {MAX_RADIUS_KM:.0f} km, not {km:g}")
    return km


def parse_point(text: str, field_name: str) -> tuple[float, float]:
    """'latitude,longitude' such as 60.39,5.32."""
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", text)
    if not match:
        raise BadFilter(field_name, f"must be 'latitude,longitude' such as 60.39,5.32, not {text!r}")
    return check_point(float(match[1]), float(match[2]), field_name)


def check_point(lat: float, lon: float, field_name: str) -> tuple[float, float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadFilter(field_name, f"latitude must be within ±90 and longitude within ±180, not {lat:g},{lon:g}")
    return lat, lon


def parse_when(text: str, field_name: str) -> datetime:
    """An ISO time; without a zone it is Norwegian time."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadFilter(field_name, f"must be an ISO time such as 2026-12-24T22:00, not {text!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=OSLO)
