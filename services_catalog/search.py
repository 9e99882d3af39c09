"""Find services that fit a need near a place: local first, then by distance.

The chat action and the staff CLI both ask through this one call:

    find_services(session, Query(...), gazetteer, now=None) -> Result

    Query(types=frozenset(), kommune=None, point=None, radius_km=None, open_at=None,
          for_relatives=None, drop_in=None, anonymous=None, right_to_choose=None,
          referral_required=None, free=None, sobriety_required=None, accepts_lar=None,
          age=None, language=None, include_national=True, limit=3, sort=Sort.DISTANCE)
    Result(matches: tuple[Match, ...], fallback: bool, kommune: Kommune | None)
    Match(service, distance_km, approximate, local, national, kommune_name, open_now)

What the answer means:

- Every filter is optional; a property filter (True/False) names a column from
  taxonomy.Property, None means "either". `types` matches any of the codes.
  `age` keeps services whose age limits admit that age (no limit admits all);
  `language` is a code ("nb", "en", "se") the service lists.
- `open_at` (aware datetime; "open now" is `opening_hours.now()`) keeps services
  open at that moment by opening_hours' conventions. Unknown hours never pass;
  `Match.open_now` is True/False/None (unknown) at `open_at`, or at `now`.
- Distances are measured from `point`, else from the kommune's centre; the
  kommune defaults to the one containing the point.
- local: the service serves the kommune (a kommune area for it, a fylke area
  for its fylke) or has an address in it. national: a country-wide area
  (helplines); they are never ranked by distance.
- Sort.DISTANCE: local services first, nearest first (unknown distance last),
  then others within `radius_km` (default NEARBY_KM), then national ones, cut
  at `limit`. When nothing local fits, `fallback` is set (the dialogue says so)
  and the answer is the nearest services within the radius plus national
  services, which then get at least one and at most half of the places.
- An explicit `radius_km` is a hard limit for every located service, local
  ones too; services of unknown position are then left out.
- Sort.WAIT (rett til å velge behandlingssted, usually with right_to_choose=True):
  every fitting service in the country, shortest published wait first,
  unknown waits last, then by distance; place does not rank, and there is
  no fallback.

How it stays fast (bench/search.py measures it on 100,000 services): the
search index `service_point` is read through bounding boxes that grow until
enough services are certainly nearer than anything outside the box; filters
run in SQL on those rows only; opening hours are checked in Python on the
survivors; haversine pre-ranks, and only the final matches are loaded as ORM
objects and measured with geopy's geodesic. Services without a point (fylke
or country areas only) are reached through their areas.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Callable, Iterable, Sequence

from geopy.distance import geodesic
from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from services_catalog.geography import Gazetteer, Kommune
from services_catalog.models import Language, Schedule, Service, ServiceArea, ServicePoint, ServiceTypeLink
from services_catalog.opening_hours import is_open
from services_catalog.opening_hours import now as current_time
from services_catalog.taxonomy import BOOLEAN_PROPERTIES, Property, ServiceType, column_name

# Beyond this a service outside the kommune is no longer "near"; national ones are offered instead.
NEARBY_KM = 100.0
EARTH_KM = 6371.0088
FIRST_RING_KM = 0.5
MIN_GROWTH, MAX_GROWTH = 1.5, 4.0
# A kommune is never wider than this; past it the search for the kommune's own services drops the box.
WIDEST_KOMMUNE_KM = 300.0

NORWAY = "NO"  # the code of a country-wide service area (urn:iso:country:NO)
# Properties a query can ask for; open-on-holidays is read by `open_at` instead.
FILTER_PROPERTIES = tuple(p for p in BOOLEAN_PROPERTIES if p is not Property.OPEN_ON_HOLIDAYS)

_point = ServicePoint.__table__
_service = Service.__table__
_type = ServiceTypeLink.__table__
_area = ServiceArea.__table__
_language = Language.__table__
_schedule = Schedule.__table__


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
    service: Service
    distance_km: float | None
    approximate: bool
    local: bool
    national: bool
    kommune_name: str | None
    open_now: bool | None


@dataclass(frozen=True)
class Result:
    """`fallback`: a place was given but nothing local fits; the matches are the nearest and national ones."""

    matches: tuple[Match, ...]
    fallback: bool = False
    kommune: Kommune | None = None


def find_services(session: Session, query: Query, gazetteer: Gazetteer, now: datetime | None = None) -> Result:
    """Search; `now` is the moment `Match.open_now` refers to when the query has no `open_at`."""
    kommune = query.kommune or (gazetteer.kommune_at(*query.point) if query.point else None)
    origin = query.point or ((kommune.lat, kommune.lon) if kommune else None)
    search = _Search(session, query, origin, kommune)
    if query.sort is Sort.WAIT:
        chosen, fallback = search.by_wait(), False
    else:
        chosen, fallback = search.by_distance()
    moment = query.open_at or now or current_time()
    return Result(tuple(_matches(session, chosen, origin, kommune, gazetteer, moment)), fallback, kommune)


# --- ranking ---------------------------------------------------------------------------


@dataclass
class _Search:
    session: Session
    query: Query
    origin: tuple[float, float] | None
    kommune: Kommune | None
    conditions: list[ColumnElement] = field(init=False)
    nationals: list[str] = field(init=False)
    rejected: set[str] = field(default_factory=set)
    opened: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.conditions = _filters(self.query)
        self.nationals = self._national_ids()

    def by_distance(self) -> tuple[list[str], bool]:
        """Ids best first: local, then others within reach, then national; and whether it is a fallback."""
        limit = self.query.limit
        locals_ = self._locals() if self.kommune and self.origin else {}
        others: dict[str, float] = {}
        if self.origin and len(locals_) < limit:
            reach = self.query.radius_km or NEARBY_KM
            others = self._nearest(self.conditions, limit - len(locals_), reach, exclude=set(locals_)).found
        nationals = self._open_nationals() if self.query.include_national else []
        fallback = self.origin is not None and not locals_
        return _compose(_ranked(locals_), _ranked(others), nationals, limit, fallback), fallback

    def by_wait(self) -> list[str]:
        """Ids by published wait (unknown last), then distance, for the right to choose."""
        rows = self.session.execute(
            select(_service.c.id, _service.c.wait_weeks)
            .where(*self.conditions)
            .order_by(_service.c.wait_weeks.is_(None), _service.c.wait_weeks, _service.c.id)
        ).all()
        if not self.query.include_national:
            rows = [row for row in rows if row.id not in set(self.nationals)]
        chosen: list[str] = []
        for group in _same_wait(rows):
            chosen += _ranked(self._distances(self._accept(group)))
            if len(chosen) >= self.query.limit:
                break
        return chosen[: self.query.limit]

    def _locals(self) -> dict[str, float | None]:
        """The nearest `limit` services that serve the kommune, or all of them if there are fewer."""
        assert self.kommune is not None
        limit, reach = self.query.limit, self.query.radius_km
        inside = self._nearest([*self.conditions, _point.c.kommune_number == self.kommune.number], limit, reach)
        found: dict[str, float | None] = dict(inside.found)
        if len(found) >= limit:
            # Enough in the kommune; only a service serving it from just across the border can come between.
            nth = sorted(inside.found.values())[limit - 1]
            across = self._within([*self.conditions, _outside(self.kommune)], nth)
            serving = self._serving(across)
            found.update({i: km for i, km in across.items() if i in serving})
            return found
        for service_id, km in self._by_area().items():
            found.setdefault(service_id, km)
        return found

    def _nearest(
        self, conditions: list[ColumnElement], want: int, reach: float | None, exclude: set[str] = frozenset()
    ) -> _Ring:
        """Grow a box until `want` services are certainly nearer than anything outside it, or `reach` is searched."""
        ring = _Ring()
        radius, hole = FIRST_RING_KM, None
        while True:
            bounded = reach is not None or radius <= WIDEST_KOMMUNE_KM
            searched = min(radius, reach) if reach is not None else radius
            box = _box(self.origin, searched) if bounded else None
            ring.add(self._nearest_per_service(self._rows(conditions, box, hole), exclude))
            if not bounded:
                return ring
            found = ring.count_within(searched)
            if found >= want or searched == reach:
                ring.keep_within(searched)
                return ring
            hole, radius = box, searched * _growth(found, want)

    def _within(self, conditions: list[ColumnElement], km: float) -> dict[str, float]:
        """Fitting services with a point within `km`, from one box."""
        ring = _Ring()
        ring.add(self._nearest_per_service(self._rows(conditions, _box(self.origin, km), None), set()))
        ring.keep_within(km)
        return ring.found

    def _serving(self, ids: Iterable[str]) -> set[str]:
        """Which of `ids` have an area for the kommune or its fylke."""
        assert self.kommune is not None
        rows = self.session.execute(
            select(_area.c.service_id, _area.c.scope, _area.c.code).where(_area.c.service_id.in_(sorted(ids)))
        )
        return {service_id for service_id, scope, code in rows if (scope, code) in _areas_for(self.kommune)}

    def _by_area(self) -> dict[str, float | None]:
        """Every fitting service with an area for the kommune or its fylke, at its nearest point (None: no point)."""
        assert self.kommune is not None
        wanted = _areas_for(self.kommune)
        rows = self.session.execute(
            select(_service.c.id, _area.c.scope, _area.c.code, _point.c.latitude, _point.c.longitude)
            .select_from(_area.join(_service, _service.c.id == _area.c.service_id)
                         .outerjoin(_point, _point.c.service_id == _service.c.id))
            .where(_area.c.code.in_(sorted(code for _, code in wanted)), *self.conditions)
        ).all()
        nearest: dict[str, float | None] = {}
        for service_id, scope, code, lat, lon in rows:
            if (scope, code) not in wanted:
                continue
            km = None if lat is None else _haversine(self.origin, (lat, lon))
            if service_id not in nearest or _distance_key(km) < _distance_key(nearest[service_id]):
                nearest[service_id] = km
        accepted = self._accept(set(nearest) - set(self.nationals))
        reach = self.query.radius_km
        return {i: km for i, km in nearest.items() if i in accepted and (reach is None or _distance_key(km) <= reach)}

    def _national_ids(self) -> list[str]:
        """Fitting national services by name, found from their areas."""
        stmt = (
            select(_service.c.id, _service.c.name, _area.c.scope)
            .select_from(_area.join(_service, _service.c.id == _area.c.service_id))
            .where(_area.c.code == NORWAY, *self.conditions)
            .order_by(_service.c.name, _service.c.id)
        )
        rows = self.session.execute(stmt)
        return list(dict.fromkeys(row.id for row in rows if row.scope == "country"))

    def _open_nationals(self) -> list[str]:
        accepted = self._accept(self.nationals)
        return [i for i in self.nationals if i in accepted]

    def _distances(self, ids: Iterable[str]) -> dict[str, float | None]:
        ids = list(ids)
        if not ids or self.origin is None:
            return {i: None for i in ids}
        rows = self.session.execute(
            select(_point.c.service_id, _point.c.latitude, _point.c.longitude).where(_point.c.service_id.in_(ids))
        ).all()
        distances: dict[str, float | None] = {i: None for i in ids}
        for service_id, lat, lon in rows:
            km = _haversine(self.origin, (lat, lon))
            if km < _distance_key(distances[service_id]):
                distances[service_id] = km
        reach = self.query.radius_km
        return {i: km for i, km in distances.items() if reach is None or _distance_key(km) <= reach}

    def _rows(self, conditions: list[ColumnElement], box: _Box | None, hole: _Box | None) -> Sequence:
        stmt = (
            select(_point.c.service_id, _point.c.latitude, _point.c.longitude)
            .select_from(_point.join(_service, _service.c.id == _point.c.service_id))
            .where(*conditions)
        )
        if box is not None:
            stmt = stmt.where(*box.contains())
        if hole is not None:
            stmt = stmt.where(not_(and_(*hole.contains())))
        return self.session.execute(stmt).all()

    def _nearest_per_service(self, rows: Sequence, exclude: set[str]) -> dict[str, float]:
        """Nearest distance per service among `rows`, for located services open when asked.

        National services may have an address, but are never ranked by it.
        """
        nearest: dict[str, float] = {}
        skip = exclude | set(self.nationals)
        for service_id, lat, lon in rows:
            if service_id in skip:
                continue
            km = _haversine(self.origin, (lat, lon))
            if km < nearest.get(service_id, math.inf):
                nearest[service_id] = km
        accepted = self._accept(nearest)
        return {i: km for i, km in nearest.items() if i in accepted}

    def _accept(self, ids: Iterable[str]) -> set[str]:
        """Ids open at `open_at` (all ids without that filter); schedules are read once per service."""
        ids = set(ids) - self.rejected
        unknown = ids - self.opened
        if self.query.open_at is None or not unknown:
            return ids
        open_ = _open_at(self.session, unknown, self.query.open_at)
        self.opened |= open_
        self.rejected |= unknown - open_
        return ids - self.rejected


@dataclass
class _Ring:
    found: dict[str, float] = field(default_factory=dict)

    def add(self, distances: dict[str, float]) -> None:
        for service_id, km in distances.items():
            if km < self.found.get(service_id, math.inf):
                self.found[service_id] = km

    def count_within(self, km: float) -> int:
        return sum(1 for d in self.found.values() if d <= km)

    def keep_within(self, km: float) -> None:
        """Only what lies inside the circle is certain: a corner of the box is farther than its edge."""
        self.found = {i: d for i, d in self.found.items() if d <= km}


def _growth(found: int, want: int) -> float:
    """How far to widen the box: matches grow with area, so aim at the radius that should hold `want`."""
    if found == 0:
        return MAX_GROWTH
    return min(MAX_GROWTH, max(MIN_GROWTH, 1.2 * math.sqrt(want / found)))


def _compose(locals_: list[str], others: list[str], nationals: list[str], limit: int, fallback: bool) -> list[str]:
    """Cut to `limit`; in a fallback national services get at least one place and at most half."""
    if not fallback or not nationals:
        return (locals_ + others + nationals)[:limit]
    national_places = min(len(nationals), max(1, limit // 2))
    nearby = others[: limit - national_places]
    return nearby + nationals[: limit - len(nearby)]


def _ranked(distances: dict[str, float | None]) -> list[str]:
    return sorted(distances, key=lambda i: (_distance_key(distances[i]), i))


def _distance_key(km: float | None) -> float:
    return math.inf if km is None else km


def _same_wait(rows: Sequence) -> Iterable[list[str]]:
    """Runs of ids with equal waiting time, in the order the database sorted them."""
    group: list[str] = []
    previous: object = object()
    for service_id, wait in rows:
        if group and wait != previous:
            yield group
            group = []
        group.append(service_id)
        previous = wait
    if group:
        yield group


# --- SQL pieces ---------------------------------------------------------------------------

def _about_service(*conditions: ColumnElement) -> ColumnElement:
    """EXISTS over a child table of `service`, tied to the outer query's service row only."""
    return exists().where(*conditions).correlate(_service)


def _filters(query: Query) -> list[ColumnElement]:
    """The query's filters as SQL on `service`, so only fitting rows leave the database."""
    conditions: list[ColumnElement] = [_service.c.status == "active"]
    if query.types:
        codes = sorted(ServiceType(code).value for code in query.types)
        conditions.append(_about_service(_type.c.service_id == _service.c.id, _type.c.code.in_(codes)))
    for prop in FILTER_PROPERTIES:
        wanted = getattr(query, column_name(prop))
        if wanted is not None:
            conditions.append(_service.c[column_name(prop)] == wanted)
    if query.age is not None:
        conditions.append(or_(_service.c.minimum_age.is_(None), _service.c.minimum_age <= query.age))
        conditions.append(or_(_service.c.maximum_age.is_(None), _service.c.maximum_age >= query.age))
    if query.language:
        conditions.append(
            _about_service(_language.c.service_id == _service.c.id, _language.c.code == query.language.lower())
        )
    if query.open_at is not None:
        conditions.append(_about_service(_schedule.c.service_id == _service.c.id))  # unknown hours never open
    return conditions


def _areas_for(kommune: Kommune) -> set[tuple[str, str]]:
    """(scope, code) of the areas that make a service local to the kommune.

    Area queries put only `code` in SQL and check the scope in Python: given both,
    SQLite (without statistics) picks the index on scope, which matches most rows.
    """
    return {("kommune", kommune.number), ("fylke", kommune.fylke_number)}


def _outside(kommune: Kommune) -> ColumnElement:
    return func.coalesce(_point.c.kommune_number, "") != kommune.number


def _open_at(session: Session, ids: set[str], when: datetime) -> set[str]:
    rows = session.execute(
        select(_schedule, _service.c.open_on_holidays)
        .join_from(_schedule, _service, _service.c.id == _schedule.c.service_id)
        .where(_schedule.c.service_id.in_(sorted(ids)))
    ).all()
    by_service: dict[str, list] = defaultdict(list)
    holidays_too: dict[str, bool | None] = {}
    for row in rows:
        by_service[row.service_id].append(row)
        holidays_too[row.service_id] = row.open_on_holidays
    return {i for i, rules in by_service.items() if is_open(rules, when, holidays_too[i])}


# --- geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    south: float
    north: float
    west: float
    east: float

    def contains(self) -> list[ColumnElement]:
        return [_point.c.latitude.between(self.south, self.north), _point.c.longitude.between(self.west, self.east)]


def _box(origin: tuple[float, float] | None, km: float) -> _Box:
    """The smallest lat/lon box holding every point within `km` (Matuschek's bounds of a spherical cap)."""
    assert origin is not None
    lat, lon = origin
    angle = km / EARTH_KM
    dlat = math.degrees(angle)
    ratio = math.sin(angle) / max(math.cos(math.radians(lat)), 1e-9)
    dlon = 180.0 if ratio >= 1 or abs(lat) + dlat >= 90 else math.degrees(math.asin(ratio))
    return _Box(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def _haversine(a: tuple[float, float] | None, b: tuple[float, float]) -> float:
    """Great-circle km: cheap enough for every candidate; geodesic is kept for the few shown."""
    assert a is not None
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


# --- matches ---------------------------------------------------------------------------


def _matches(
    session: Session,
    ids: list[str],
    origin: tuple[float, float] | None,
    kommune: Kommune | None,
    gazetteer: Gazetteer,
    moment: datetime,
) -> Iterable[Match]:
    """Full records for the chosen few only, with geodesic distances, in the chosen order."""
    if not ids:
        return []
    services = {s.id: s for s in session.scalars(select(Service).where(Service.id.in_(ids)))}
    points: dict[str, list] = defaultdict(list)
    for row in session.execute(select(_point).where(_point.c.service_id.in_(ids))):
        points[row.service_id].append(row)
    return [_match(services[i], points[i], origin, kommune, gazetteer, moment) for i in ids]


def _match(
    service: Service,
    points: list,
    origin: tuple[float, float] | None,
    kommune: Kommune | None,
    gazetteer: Gazetteer,
    moment: datetime,
) -> Match:
    national = any(area.scope == "country" for area in service.service_areas)
    local = kommune is not None and (
        any(p.kommune_number == kommune.number for p in points) or _serves_kommune(service, kommune)
    )
    open_now = is_open(service.schedules, moment, service.open_on_holidays)
    if national or not points or origin is None:
        place = None if national or not points else points[0].kommune_number
        return Match(service, None, False, local, national, _kommune_name(gazetteer, place), open_now)
    nearest = min(points, key=lambda p: _haversine(origin, (p.latitude, p.longitude)))
    distance = geodesic(origin, (nearest.latitude, nearest.longitude)).km
    name = _kommune_name(gazetteer, nearest.kommune_number)
    return Match(service, distance, nearest.approximate, local, national, name, open_now)


def _kommune_name(gazetteer: Gazetteer, number: str | None) -> str | None:
    kommune = gazetteer.kommune(number) if number else None
    return kommune.name if kommune else None


def _serves_kommune(service: Service, kommune: Kommune) -> bool:
    return any(
        (area.scope == "kommune" and area.code == kommune.number)
        or (area.scope == "fylke" and area.code == kommune.fylke_number)
        for area in service.service_areas
    )
