"""Find services that fit a need near a place: local first, then by distance.

The chat action and the staff CLI both ask through this one call:

    find_services(session, Query(...), gazetteer, now=None) -> Result
    next_local_opening(session, Query(open_at=...), gazetteer) -> (Match, Opening) | None

    Query(types=frozenset(), kommune=None, point=None, radius_km=None, open_at=None,
          for_relatives=None, drop_in=None, anonymous=None, right_to_choose=None,
          referral_required=None, free=None, sobriety_required=None, accepts_lar=None,
          age=None, language=None, include_national=True, limit=3, sort=Sort.DISTANCE)
    Result(matches: tuple[Match, ...], fallback: bool, kommune: Kommune | None)
    Match(service: Listing, distance_km, approximate, local, national, kommune_name, open_now, point)

What the answer means:

- Every filter is optional; a property filter (True/False) names a column from
  taxonomy.Property, None means "either". `types` matches any of the codes.
  `age` keeps services whose age limits admit that age (no limit admits all);
  `language` is a code ("nb", "en", "se") the service lists; no, nb and nn
  are one language here.
- `open_at` (aware datetime; "open now" is `opening_hours.now()`) keeps services
  open at that moment by opening_hours' conventions. Unknown hours never pass;
  `Match.open_now` is True/False/None (unknown) at `open_at`, or at `now`.
- Distances are measured from `point`, else from the kommune's centre; the
  kommune defaults to the one containing the point.
- local: the service has a point in the kommune in the search index
  (points.py): its address is there, or, known only by the areas it serves,
  it serves the kommune (a fylke area serves each of the fylke's kommuner).
  A service with an address elsewhere is ranked by that real distance even
  if it also serves the kommune. national: a country-wide area (helplines);
  never ranked by distance.
- Sort.DISTANCE: local services first, nearest first (unknown distance last),
  then others within `radius_km` (default NEARBY_KM), then national ones, cut
  at `limit`. When nothing local fits, `fallback` is set (the dialogue says so)
  and the answer is the nearest services within the radius plus national
  services, which then get at least one and at most half of the places.
- An explicit `radius_km` is a hard limit for every located service, local
  ones too; services of unknown position are then left out.
- `open_door_first`: within the local and the nearby services, those that do
  not require a referral (as far as the record says) come before those that
  do, each nearest first: what a person can use today before what needs a
  doctor's letter.
- Sort.WAIT (rett til å velge behandlingssted, usually with right_to_choose=True):
  every fitting service in the country, shortest published wait first,
  unknown waits last, then by distance; place does not rank, and there is
  no fallback.

How it stays fast (bench/search.py measures it on 100,000 services): the
searched columns and the index points live in memory as arrays
(search_index.py), checked against the catalogue's revision token on every
search. Every filter is one vectorised pass over all services; distances
are haversine over the points in a latitude band around the place; opening
hours are a coarse hour-of-week map first, then the exact check once per
distinct schedule, for the nearest candidates only, until enough fit. Only
the final matches are read from the database, as plain rows (listing.py); the distance shown
is geopy's great circle, the measure they were ranked by (geodesic, on the
ellipsoid, differs by under 0.5 % and costs 20 times as much).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Iterable, Iterator

import numpy as np
from geopy.distance import great_circle
from sqlalchemy.orm import Session

from services_catalog import search_index
from services_catalog.geography import Gazetteer, Kommune
from services_catalog.listing import Listing, read_listings
from services_catalog.opening_hours import Opening, current_or_next_opening, is_open
from services_catalog.opening_hours import now as current_time
from services_catalog.search_index import FILTER_PROPERTIES, TYPE_BITS, IndexPoint, SearchIndex
from services_catalog.taxonomy import Property, ServiceType, column_name

# Beyond this a service outside the kommune is no longer "near"; national ones are offered instead.
NEARBY_KM = 100.0
EARTH_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = math.pi * EARTH_KM / 180
FIRST_CANDIDATES = 256  # index points ranked first; see _Ranking._take
NEXT_OPENING_CANDIDATES = 25  # local services looked at for the next opening; see next_local_opening
# Norwegian's macro code and its two written standards: a service that speaks one serves all three.
NORWEGIAN = frozenset({"no", "nb", "nn"})


class Sort(str, Enum):
    DISTANCE = "distance"
    WAIT = "wait"


@dataclass(frozen=True)
class Query:
    """What to look for; see the module docstring for what each field means."""

    types: frozenset[str] = frozenset()
    kommune: Kommune | None = None
    point: tuple[float, float] | None = None
    radius_km: float | None = None
    open_at: datetime | None = None
    for_relatives: bool | None = None
    drop_in: bool | None = None
    anonymous: bool | None = None
    right_to_choose: bool | None = None
    referral_required: bool | None = None
    free: bool | None = None
    sobriety_required: bool | None = None
    accepts_lar: bool | None = None
    age: int | None = None
    language: str | None = None
    include_national: bool = True
    limit: int = 3
    sort: Sort = Sort.DISTANCE
    # Within each distance band, services known to take people without a referral come first.
    open_door_first: bool = False
    # Records without a source or a service type (an unmapped feed): staff see them, marked; the chat never.
    include_unreviewed: bool = False

    def __post_init__(self) -> None:
        """Refuse a query that would silently find nothing (a typo in a type, a naive time)."""
        for code in self.types:
            ServiceType(code)
        if self.open_at is not None and self.open_at.utcoffset() is None:
            raise ValueError("open_at must be an aware datetime (Europe/Oslo for 'now')")
        if self.limit < 1 or (self.radius_km is not None and self.radius_km <= 0):
            raise ValueError("limit and radius_km must be positive")


# The query has one field per filterable property, named as its column: keep them in step.
assert all(column_name(p) in Query.__dataclass_fields__ for p in FILTER_PROPERTIES)


@dataclass(frozen=True)
class Match:
    service: Listing
    distance_km: float | None
    approximate: bool
    local: bool
    national: bool
    kommune_name: str | None
    open_now: bool | None
    # The (lat, lon) the distance was measured to: an address, or a kommune centre when approximate.
    point: tuple[float, float] | None = None

    @property
    def placed_by_area(self) -> bool:
        """No address, and it serves whole fylker: its point is just a kommune centre of that area.

        A distance or a map pin would then pretend it is in the user's kommune, so neither is shown.
        """
        return not self.national and not self.service.located and self.service.serves_fylker


@dataclass(frozen=True)
class Result:
    """`fallback`: a place was given but nothing local fits; the matches are the nearest and national ones."""

    matches: tuple[Match, ...]
    fallback: bool = False
    kommune: Kommune | None = None


def find_services(session: Session, query: Query, gazetteer: Gazetteer, now: datetime | None = None) -> Result:
    """Search; `now` is the moment `Match.open_now` refers to when the query has no `open_at`."""
    kommune, origin = _where(query, gazetteer)
    index = search_index.current(session)
    ranking = _Ranking(index, query, origin, kommune)
    if query.sort is Sort.WAIT:
        chosen, fallback = ranking.by_wait(), False
    else:
        chosen, fallback = ranking.by_distance()
    moment = query.open_at or now or current_time()
    return Result(tuple(_matches(session, index, chosen, origin, kommune, gazetteer, moment)), fallback, kommune)


def finds_any(session: Session, query: Query, gazetteer: Gazetteer) -> bool:
    """Whether the search finds anything, without reading what: the chat tries each narrowing
    button this way before offering it, and reading the records is most of a search's cost."""
    kommune, origin = _where(query, gazetteer)
    index = search_index.current(session)
    ranking = _Ranking(index, query, origin, kommune)
    return bool(ranking.by_wait() if query.sort is Sort.WAIT else ranking.by_distance()[0])


def _where(query: Query, gazetteer: Gazetteer) -> tuple[Kommune | None, tuple[float, float] | None]:
    """The kommune searched in and the point distances are measured from."""
    kommune = query.kommune or (gazetteer.kommune_at(*query.point) if query.point else None)
    return kommune, query.point or ((kommune.lat, kommune.lon) if kommune else None)


def next_local_opening(session: Session, query: Query, gazetteer: Gazetteer) -> tuple[Match, Opening] | None:
    """When nothing in the kommune is open at `query.open_at`: the local service that opens first after it.

    Someone told "nothing is open tonight" next needs to know when something is. Only the
    nearest local services of the query's kind are looked at; services of unknown hours never
    "open". None without a moment or a place, or when no local service has known hours.
    """
    if query.open_at is None or query.kommune is None:
        return None
    anytime = replace(query, open_at=None, include_national=False, limit=NEXT_OPENING_CANDIDATES)
    result = find_services(session, anytime, gazetteer, now=query.open_at)
    upcoming = [
        (opening, match) for match in result.matches if match.local
        if (opening := current_or_next_opening(match.service.schedules, query.open_at,
                                               match.service.open_on_holidays)) is not None
    ]
    if not upcoming:
        return None
    opening, match = min(upcoming, key=lambda pair: (pair[0].start, pair[1].distance_km or 0.0))
    return match, opening


# --- ranking ---------------------------------------------------------------------------


@dataclass
class _Ranking:
    """One query over one snapshot; services are numbered by their place in the snapshot."""

    index: SearchIndex
    query: Query
    origin: tuple[float, float] | None
    kommune: Kommune | None
    fitting: np.ndarray = field(init=False)
    open_patterns: dict[int, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fitting = _fitting(self.index, self.query)

    def by_distance(self) -> tuple[list[str], bool]:
        """Ids best first: local, then others within reach, then national; and whether it is a fallback."""
        limit, service_of = self.query.limit, self.index.point_service
        locals_: list[int] = []
        local = np.zeros_like(self.fitting)
        if self.kommune is not None and self.origin is not None:
            in_kommune = self.index.in_kommune(self.kommune.number)
            in_kommune = in_kommune[self.fitting[service_of[in_kommune]]]
            local[service_of[in_kommune]] = True
            locals_ = self._take_ranked(in_kommune, self.query.radius_km, limit)
        others: list[int] = []
        if self.origin is not None and len(locals_) < limit:
            reach = self.query.radius_km or NEARBY_KM
            band = self._latitude_band(reach)
            band = band[self.fitting[service_of[band]] & ~local[service_of[band]]]
            others = self._take_ranked(band, reach, limit - len(locals_))
        fallback = self.origin is not None and not locals_
        nationals: list[int] = []
        if self.query.include_national and (fallback or len(locals_) + len(others) < limit):
            by_name = self.index.national_by_name
            nationals = self._open_ones(by_name[self.fitting[by_name]], limit)
        ids = self.index.ids
        return _compose([ids[i] for i in locals_], [ids[i] for i in others], [ids[i] for i in nationals],
                        limit, fallback), fallback

    def by_wait(self) -> list[str]:
        """Ids by published wait (unknown last), then distance, for the right to choose."""
        fitting = self.fitting if self.query.include_national else self.fitting & ~self.index.national
        services = np.flatnonzero(fitting)
        km = np.full(len(self.fitting), np.inf)
        point_id = np.full(len(self.fitting), np.iinfo(np.int64).max)
        if self.origin is not None:
            points = np.flatnonzero(fitting[self.index.point_service])
            lat, lon = self.index.point_lat[points], self.index.point_lon[points]
            nearest = self._nearest(points, _haversine_many(self.origin, lat, lon))
            km[nearest.services], point_id[nearest.services] = nearest.km, nearest.point_id
        if self.query.radius_km is not None:
            services = services[km[services] <= self.query.radius_km]
        wait = self.index.wait_weeks[services]
        order = np.lexsort((services, point_id[services], km[services], np.nan_to_num(wait), np.isnan(wait)))
        return [self.index.ids[i] for i in self._open_ones(services[order], self.query.limit)]

    def _latitude_band(self, reach_km: float) -> np.ndarray:
        """Points within `reach_km` of the origin by latitude alone: a slice of the latitude order."""
        assert self.origin is not None
        degrees = reach_km / KM_PER_DEGREE_LATITUDE + 1e-9
        low = np.searchsorted(self.index.lat_sorted, self.origin[0] - degrees, side="left")
        high = np.searchsorted(self.index.lat_sorted, self.origin[0] + degrees, side="right")
        return self.index.points_by_lat[low:high]

    def _take_ranked(self, points: np.ndarray, reach_km: float | None, want: int) -> list[int]:
        """`_take`, with services that need no referral first when the query asks for that."""
        if not self.query.open_door_first:
            return self._take(points, reach_km, want)
        referral = self.index.properties[column_name(Property.REFERRAL_REQUIRED)][self.index.point_service[points]] == 1
        first = self._take(points[~referral], reach_km, want)
        return first + self._take(points[referral], reach_km, want - len(first)) if len(first) < want else first

    def _take(self, points: np.ndarray, reach_km: float | None, want: int) -> list[int]:
        """The `want` nearest services open when asked, by their nearest point among `points`.

        Most searches need a handful of a kommune's thousands of points: rank only the nearest
        few hundred first; that ranking is a prefix of the full one, which is needed only when
        too few of those services fit (opening hours) or they repeat.
        """
        km = _haversine_many(self.origin, self.index.point_lat[points], self.index.point_lon[points])
        if reach_km is not None:
            points, km = points[km <= reach_km], km[km <= reach_km]
        if len(km) > FIRST_CANDIDATES:
            threshold = np.partition(km, FIRST_CANDIDATES)[FIRST_CANDIDATES]
            nearest = km <= threshold  # with every tie at the threshold, so nothing left out ranks higher
            found = self._open_ones(self._nearest(points[nearest], km[nearest]), want)
            if len(found) == want:
                return found
        return self._open_ones(self._nearest(points, km), want)

    def _nearest(self, points: np.ndarray, km: np.ndarray) -> _Nearest:
        """Each service's nearest point among `points`, nearest service first; ties keep index order."""
        point_id = self.index.point_id[points]
        order = np.lexsort((point_id, km))
        services = self.index.point_service[points][order]
        _, first = np.unique(services, return_index=True)
        best = order[np.sort(first)]
        return _Nearest(self.index.point_service[points][best], km[best], point_id[best])

    def _open_ones(self, ranked: Iterable[int], want: int) -> list[int]:
        """The first `want` services that are open when asked (all of them without that filter)."""
        return list(itertools.islice(self._open(ranked), want))

    def _open(self, ranked: Iterable[int]) -> Iterator[int]:
        when = self.query.open_at
        for service in ranked:
            if when is None or self._pattern_open(int(service), when):
                yield int(service)

    def _pattern_open(self, service: int, when: datetime) -> bool:
        """The exact check, once per schedule pattern and holiday flag: services share a handful."""
        pattern, holidays_too = int(self.index.pattern[service]), bool(self.index.open_on_holidays[service])
        key = pattern * 2 + holidays_too
        if key not in self.open_patterns:
            self.open_patterns[key] = bool(is_open(self.index.hours.patterns[pattern], when, holidays_too))
        return self.open_patterns[key]


@dataclass(frozen=True)
class _Nearest:
    """Services in rank order with the km and index point that ranked them."""

    services: np.ndarray
    km: np.ndarray
    point_id: np.ndarray

    def __iter__(self) -> Iterator[int]:
        return iter(self.services)


def _fitting(index: SearchIndex, query: Query) -> np.ndarray:
    """Every filter but the exact opening hours, over all services at once."""
    fits = index.active.copy()
    if not query.include_unreviewed:
        fits &= index.reviewed
    if query.types:
        wanted = np.uint32(sum(int(TYPE_BITS[ServiceType(code).value]) for code in query.types))
        fits &= (index.types & wanted) != 0
    for prop in FILTER_PROPERTIES:
        wanted = getattr(query, column_name(prop))
        if wanted is not None:
            fits &= index.properties[column_name(prop)] == int(wanted)
    if query.age is not None:
        fits &= (index.minimum_age <= query.age) & (index.maximum_age >= query.age)
    if query.language:
        absent = np.zeros_like(fits)
        fits &= np.logical_or.reduce([index.languages.get(code, absent) for code in language_codes(query.language)])
    if query.open_at is not None:
        fits &= index.may_be_open(query.open_at)
    return fits


def language_codes(code: str) -> frozenset[str]:
    """The codes a service may list to serve someone asking for `code` (any case)."""
    code = code.lower()
    return NORWEGIAN if code in NORWEGIAN else frozenset({code})


def _compose(locals_: list[str], others: list[str], nationals: list[str], limit: int, fallback: bool) -> list[str]:
    """Cut to `limit`; in a fallback national services get at least one place and at most half."""
    nationals = [i for i in nationals if i not in locals_ and i not in others]  # a national one with local areas
    if not fallback or not nationals:
        return (locals_ + others + nationals)[:limit]
    national_places = min(len(nationals), max(1, limit // 2))
    nearby = others[: limit - national_places]
    return nearby + nationals[: limit - len(nearby)]


def _haversine(a: tuple[float, float] | None, b: tuple[float, float]) -> float:
    """Great-circle km between two points: the ranking's measure, for one pair."""
    return float(_haversine_many(a, np.array([b[0]]), np.array([b[1]]))[0])


def _haversine_many(origin: tuple[float, float] | None, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle km from one origin to many points, cheap enough for every candidate. Rounded to the micrometre, so that two points at the same place tie
    exactly (vectorised maths may differ in the last bit between two copies of one coordinate)."""
    assert origin is not None
    lat1, lon1 = math.radians(origin[0]), math.radians(origin[1])
    lat2, lon2 = np.radians(lat), np.radians(lon)
    h = np.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.round(2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), 9)


# --- matches ---------------------------------------------------------------------------

def _matches(
    session: Session,
    index: SearchIndex,
    ids: list[str],
    origin: tuple[float, float] | None,
    kommune: Kommune | None,
    gazetteer: Gazetteer,
    moment: datetime,
) -> list[Match]:
    """What results show of the chosen few only, with their distances, in the chosen order."""
    if not ids:
        return []
    listings = read_listings(session, ids)
    return [_match(listings[i], bool(index.national[index.position[i]]), index.points_of(i), origin, kommune,
                   gazetteer, moment)
            for i in ids]


def _match(
    service: Listing,
    national: bool,
    points: list[IndexPoint],
    origin: tuple[float, float] | None,
    kommune: Kommune | None,
    gazetteer: Gazetteer,
    moment: datetime,
) -> Match:
    in_kommune = [p for p in points if kommune is not None and p.kommune_number == kommune.number]
    points = in_kommune or points  # a local match is shown where it is local, as it was ranked
    open_now = is_open(service.schedules, moment, service.open_on_holidays)
    if national or not points or origin is None:
        place = None if national or not points else points[0].kommune_number
        return Match(service, None, False, bool(in_kommune), national, _kommune_name(gazetteer, place), open_now)
    nearest = points[0] if len(points) == 1 else min(
        points, key=lambda p: (_haversine(origin, (p.latitude, p.longitude)), p.id))
    distance = great_circle(origin, (nearest.latitude, nearest.longitude), radius=EARTH_KM).km
    name = _kommune_name(gazetteer, nearest.kommune_number)
    return Match(service, distance, nearest.approximate, bool(in_kommune), national, name, open_now,
                 (nearest.latitude, nearest.longitude))


def _kommune_name(gazetteer: Gazetteer, number: str | None) -> str | None:
    kommune = gazetteer.kommune(number) if number else None
    return kommune.name if kommune else None
