"""Find services that fit a need near a place: local first, then by distance.

The chat action and the staff CLI both ask through this one call:

    find_services(session, Query(...), gazetteer, now=None) -> Result

    Query(types=frozenset(), kommune=None, point=None, radius_km=None, open_at=None,
          for_relatives=None, drop_in=None, anonymous=None, right_to_choose=None,
          referral_required=None, free=None, sobriety_required=None, accepts_lar=None,
          age=None, language=None, include_national=True, limit=3, sort=Sort.DISTANCE)
    Result(matches: tuple[Match, ...], fallback: bool, kommune: Kommune | None)
    Match(service, distance_km, approximate, local, national, kommune_name, open_now, point)

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
- Sort.WAIT (rett til å velge behandlingssted, usually with right_to_choose=True):
  every fitting service in the country, shortest published wait first,
  unknown waits last, then by distance; place does not rank, and there is
  no fallback.

How it stays fast (bench/search.py measures it on 100,000 services): the
search index `service_point` is read through bounding boxes that grow until
enough services are certainly nearer than anything outside the box; a
kommune's own services come from its part of the index, those at its centre
(known only by their areas, often thousands) in index order so that reading
stops once enough fit. Every filter runs in SQL on those rows only, opening
hours as a coarse prefilter that never drops an open service, then exactly in
Python on the few survivors. Statements are built once per combination of
filters and reused with new parameters. Haversine pre-ranks, and services at
the same distance keep index order; only the final matches are loaded as ORM
objects (one query) and measured with geopy's geodesic.
"""
from __future__ import annotations

import itertools
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from typing import AbstractSet, Any, Iterable, Sequence

from geopy.distance import geodesic
from sqlalchemy import Boolean, and_, bindparam, exists, func, not_, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from services_catalog.geography import Gazetteer, Kommune
from services_catalog.models import Language, Schedule, Service, ServiceArea, ServicePoint, ServiceTypeLink
from services_catalog.opening_hours import OSLO, WEEKDAYS, is_open, is_public_holiday
from services_catalog.opening_hours import now as current_time
from services_catalog.taxonomy import BOOLEAN_PROPERTIES, Property, ServiceType, column_name

# Beyond this a service outside the kommune is no longer "near"; national ones are offered instead.
NEARBY_KM = 100.0
EARTH_KM = 6371.0088
NORWAY = "NO"  # the code of a country-wide service area (urn:iso:country:NO)
FIRST_RING_KM = 0.5
MIN_GROWTH, MAX_GROWTH = 1.5, 4.0
# A kommune's own services: after this many boxes the rest of the kommune is read at once.
KOMMUNE_RINGS = 3
CLUSTER_SLACK = 8  # extra rows read from a kommune centre, for those the opening-hours check drops

# A candidate's place in the ranking: km (inf if unknown) and the index row that gave it, so that
# services at the same distance keep the index's order, which SQL can read without sorting.
Rank = tuple[float, int]
UNKNOWN: Rank = (math.inf, sys.maxsize)

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
    # The (lat, lon) the distance was measured to: an address, or a kommune centre when approximate.
    point: tuple[float, float] | None = None


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
    filters: _Filters = field(init=False)
    rejected: set[str] = field(default_factory=set)
    opened: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.filters = _filters(self.query)

    def by_distance(self) -> tuple[list[str], bool]:
        """Ids best first: local, then others within reach, then national; and whether it is a fallback."""
        limit = self.query.limit
        locals_ = self._locals() if self.kommune and self.origin else {}
        others: dict[str, Rank] = {}
        if self.origin and len(locals_) < limit:
            reach = self.query.radius_km or NEARBY_KM
            mode = "out" if self.kommune else "any"
            others = self._nearest(mode, limit - len(locals_), reach, exclude=locals_.keys())
        fallback = self.origin is not None and not locals_
        room = fallback or len(locals_) + len(others) < limit
        nationals = self._open_nationals() if self.query.include_national and room else []
        return _compose(_ranked(locals_), _ranked(others), nationals, limit, fallback), fallback

    def by_wait(self) -> list[str]:
        """Ids by published wait (unknown last), then distance, for the right to choose."""
        rows = self._run(_wait_statement(self.filters.shape))
        if not self.query.include_national:
            nationals = set(self._national_ids())
            rows = [row for row in rows if row.id not in nationals]
        chosen: list[str] = []
        for group in _same_wait(rows):
            chosen += _ranked(self._ranks(self._accept(group)))
            if len(chosen) >= self.query.limit:
                break
        return chosen[: self.query.limit]

    def _locals(self) -> dict[str, Rank]:
        """The nearest `limit` services with a point in the kommune, or all of them if there are fewer."""
        return self._nearest("in", self.query.limit, self.query.radius_km)

    def _nearest(
        self, mode: str, want: int, reach: float | None, exclude: AbstractSet[str] = frozenset()
    ) -> dict[str, Rank]:
        """Grow a box until `want` services are certainly nearer than anything outside it, or `reach` is searched.

        `mode` "in" reads the kommune's own part of the index (its centre first, see `_centre`);
        without a reach the rest of the kommune is read at once after a few boxes: a kommune has
        few rows, or is dense and done in the first box.
        """
        statement = _ring_statement(self.filters.shape, mode)
        found = self._centre(want, reach) if mode == "in" else {}
        radius, hole = FIRST_RING_KM, _NOWHERE
        for ring in itertools.count(1):
            last = reach is None and ring > KOMMUNE_RINGS
            searched = math.inf if last else min(radius, math.inf if reach is None else reach)
            box = _EVERYWHERE if last else _box(self.origin, searched)
            rows = self._run(statement, **box.params(""), **hole.params("hole_"), **self._kommune_params())
            for service_id, rank in self._located(rows, exclude).items():
                _keep_better(found, service_id, rank)
            within = sum(1 for km, _ in found.values() if km <= searched)
            if last or within >= want or searched == reach:
                return {i: rank for i, rank in found.items() if rank[0] <= searched}
            hole, radius = box, searched * _growth(within, want)
        raise AssertionError("unreachable")

    def _centre(self, want: int, reach: float | None) -> dict[str, Rank]:
        """The kommune's services at its centre, read in index order until `want` fit.

        Every service known only by its kommune sits there, thousands in a big one; they tie on
        distance, so the first `want` in index order are the answer and the rest need not be read.
        """
        assert self.kommune is not None
        km = _haversine(self.origin, (self.kommune.lat, self.kommune.lon))
        found: dict[str, Rank] = {}
        after, batch = -1, want + CLUSTER_SLACK
        while len(found) < want and (reach is None or km <= reach):
            rows = self._run(_centre_statement(self.filters.shape), **self._kommune_params(), after=after, batch=batch)
            accepted = self._accept(row.service_id for row in rows)
            for row in rows:
                if row.service_id in accepted:
                    found.setdefault(row.service_id, (km, row.id))
            if len(rows) < batch:
                break
            after = rows[-1].id
        return found

    def _national_ids(self) -> list[str]:
        """Fitting national services by name (before opening hours)."""
        rows = self._run(_national_statement(self.filters.shape))
        return list(dict.fromkeys(row.id for row in rows if row.scope == "country"))

    def _open_nationals(self) -> list[str]:
        nationals = self._national_ids()
        accepted = self._accept(nationals)
        return [i for i in nationals if i in accepted]

    def _ranks(self, ids: Iterable[str]) -> dict[str, Rank]:
        """Each service at its nearest point (unknown without a point or a place)."""
        found: dict[str, Rank] = {i: UNKNOWN for i in ids}
        if found and self.origin is not None:
            for point_id, service_id, lat, lon in self._run(_POINTS_OF, ids=sorted(found)):
                _keep_better(found, service_id, (_haversine(self.origin, (lat, lon)), point_id))
        return self._within_radius(found)

    def _within_radius(self, found: dict[str, Rank]) -> dict[str, Rank]:
        reach = self.query.radius_km
        return found if reach is None else {i: rank for i, rank in found.items() if rank[0] <= reach}

    def _located(self, rows: Sequence, exclude: AbstractSet[str]) -> dict[str, Rank]:
        """Each service's nearest point among `rows`, for services open when asked."""
        found: dict[str, Rank] = {}
        for point_id, service_id, lat, lon in rows:
            if service_id not in exclude:
                _keep_better(found, service_id, (_haversine(self.origin, (lat, lon)), point_id))
        accepted = self._accept(found)
        return {i: rank for i, rank in found.items() if i in accepted}

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

    def _kommune_params(self) -> dict[str, Any]:
        if self.kommune is None:
            return {"kommune": "", "centre_lat": _NOWHERE.north, "centre_lon": _NOWHERE.east}
        return {"kommune": self.kommune.number, "centre_lat": self.kommune.lat, "centre_lon": self.kommune.lon}

    def _run(self, statement: Select, **params: Any) -> Sequence:
        return self.session.execute(statement, {**self.filters.params, **params}).all()


def _keep_better(found: dict[str, Rank], service_id: str, rank: Rank) -> None:
    if rank < found.get(service_id, UNKNOWN):
        found[service_id] = rank


def _growth(found: int, want: int) -> float:
    """How far to widen the box: matches grow with area, so aim at the radius that should hold `want`."""
    if found == 0:
        return MAX_GROWTH
    return min(MAX_GROWTH, max(MIN_GROWTH, 1.2 * math.sqrt(want / found)))


def _compose(locals_: list[str], others: list[str], nationals: list[str], limit: int, fallback: bool) -> list[str]:
    """Cut to `limit`; in a fallback national services get at least one place and at most half."""
    nationals = [i for i in nationals if i not in locals_ and i not in others]  # a national one with local areas
    if not fallback or not nationals:
        return (locals_ + others + nationals)[:limit]
    national_places = min(len(nationals), max(1, limit // 2))
    nearby = others[: limit - national_places]
    return nearby + nationals[: limit - len(nearby)]


def _ranked(found: dict[str, Rank]) -> list[str]:
    return sorted(found, key=lambda i: (found[i], i))


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


def _open_at(session: Session, ids: set[str], when: datetime) -> set[str]:
    """The exact check, on the few services the SQL prefilter let through."""
    by_service: dict[str, list] = defaultdict(list)
    holidays_too: dict[str, bool | None] = {}
    for row in session.execute(_SCHEDULES_OF, {"ids": sorted(ids)}):
        by_service[row.service_id].append(row)
        holidays_too[row.service_id] = row.open_on_holidays
    return {i for i, rules in by_service.items() if is_open(rules, when, holidays_too[i])}


# --- filters as reusable SQL ------------------------------------------------------------


@dataclass(frozen=True)
class _Filters:
    """Which filters are on (the shape a statement is built for) and their values (its parameters)."""

    shape: tuple[str, ...]
    params: dict[str, Any]


def _filters(query: Query) -> _Filters:
    params: dict[str, Any] = {}
    if query.types:
        params["types"] = sorted(ServiceType(code).value for code in query.types)
    for prop in FILTER_PROPERTIES:
        if getattr(query, column_name(prop)) is not None:
            params[column_name(prop)] = getattr(query, column_name(prop))
    if query.age is not None:
        params["age"] = query.age
    if query.language:
        params["language"] = query.language.lower()
    shape = tuple(params)
    if query.open_at is not None:
        window = _open_window(query.open_at)
        params.update(window or {})
        shape += ("open_at",) if window else ("has_hours",)
    return _Filters(shape, params)


def _about_service(*conditions: ColumnElement) -> ColumnElement:
    """EXISTS over a child table of `service`, tied to the outer query's service row only."""
    return exists().where(*conditions).correlate(_service)


def _condition(name: str) -> ColumnElement:
    """One filter as SQL on `service`, its value left as a parameter of the same name."""
    if name == "types":
        return _about_service(_type.c.service_id == _service.c.id, _type.c.code.in_(bindparam("types", expanding=True)))
    if name == "age":
        return and_(
            or_(_service.c.minimum_age.is_(None), _service.c.minimum_age <= bindparam("age")),
            or_(_service.c.maximum_age.is_(None), _service.c.maximum_age >= bindparam("age")),
        )
    if name == "language":
        return _about_service(_language.c.service_id == _service.c.id, _language.c.code == bindparam("language"))
    if name == "has_hours":  # unknown hours are never open
        return _about_service(_schedule.c.service_id == _service.c.id)
    if name == "open_at":
        return _open_prefilter()
    return _service.c[name] == bindparam(name, type_=Boolean)


@lru_cache(maxsize=256)
def _conditions(shape: tuple[str, ...]) -> tuple[ColumnElement, ...]:
    return (_service.c.status == "active", *(_condition(name) for name in shape))


def _open_prefilter() -> ColumnElement:
    """A coarse SQL mirror of opening_hours: keeps every service open at the moment, and a few more.

    It compares wall-clock "HH:MM[:SS]" strings, ignores freq and validity and lets rules in other
    zones through; `_open_window` turns it off near a change of summer time. The exact check follows
    in Python. tests/catalog/test_search.py holds the two together.
    """
    rule = _schedule.c
    clock = bindparam("clock")

    def starts_on(day: str) -> ColumnElement:
        return and_(
            or_(rule.byday.is_(None), rule.byday == "", func.upper(rule.byday).like(bindparam(day))),
            or_(bindparam(f"ordinary_{day}", type_=Boolean), _service.c.open_on_holidays == True),  # noqa: E712
        )

    past_midnight = rule.closes_at <= rule.opens_at
    today = and_(starts_on("today"), rule.opens_at <= clock, or_(rule.closes_at > clock, past_midnight))
    yesterday = and_(starts_on("yesterday"), past_midnight, rule.closes_at > clock)
    elsewhere = and_(rule.timezone.like("%/%"), rule.timezone != OSLO.key)
    return _about_service(rule.service_id == _service.c.id, or_(today, yesterday, elsewhere))


def _open_window(when: datetime) -> dict[str, Any] | None:
    """Parameters of the prefilter for a moment; None near a summer-time change, where it could err."""
    local = when.astimezone(OSLO)
    day = local.date()
    before = datetime.combine(day - timedelta(days=1), time(0), OSLO).utcoffset()
    after = datetime.combine(day + timedelta(days=1), time(23, 59), OSLO).utcoffset()
    if before != after:
        return None
    yesterday = day - timedelta(days=1)
    return {
        "clock": local.strftime("%H:%M:%S"),
        "today": f"%{WEEKDAYS[day.weekday()]}%",
        "yesterday": f"%{WEEKDAYS[yesterday.weekday()]}%",
        "ordinary_today": not is_public_holiday(day),
        "ordinary_yesterday": not is_public_holiday(yesterday),
    }


@lru_cache(maxsize=512)
def _ring_statement(shape: tuple[str, ...], mode: str) -> Select:
    """Points in a box but not in its hole, of fitting services: in the kommune, outside it, or anywhere."""
    p = _point.c
    statement = (
        select(p.id, p.service_id, p.latitude, p.longitude)
        .select_from(_point.join(_service, _service.c.id == p.service_id))
        .where(
            *_conditions(shape),
            p.latitude.between(bindparam("south"), bindparam("north")),
            p.longitude.between(bindparam("west"), bindparam("east")),
            not_(and_(p.latitude.between(bindparam("hole_south"), bindparam("hole_north")),
                      p.longitude.between(bindparam("hole_west"), bindparam("hole_east")))),
        )
    )
    if mode == "any":
        return statement
    # The kommune's centre is read by `_centre_statement`; skipping it here is decided on the index alone.
    not_centre = not_(and_(p.latitude == bindparam("centre_lat"), p.longitude == bindparam("centre_lon")))
    if mode == "in":
        return statement.where(p.kommune_number == bindparam("kommune"), not_centre)
    return statement.where(func.coalesce(p.kommune_number, "") != bindparam("kommune"), not_centre)


@lru_cache(maxsize=256)
def _centre_statement(shape: tuple[str, ...]) -> Select:
    """Fitting services at the kommune's centre in index order, a batch after a given row."""
    p = _point.c
    return (
        select(p.id, p.service_id)
        .select_from(_point.join(_service, _service.c.id == p.service_id))
        .where(
            *_conditions(shape),
            p.kommune_number == bindparam("kommune"),
            p.latitude == bindparam("centre_lat"),
            p.longitude == bindparam("centre_lon"),
            p.id > bindparam("after"),
        )
        .order_by(p.id)
        .limit(bindparam("batch"))
    )


@lru_cache(maxsize=256)
def _national_statement(shape: tuple[str, ...]) -> Select:
    return (
        select(_service.c.id, _service.c.name, _area.c.scope)
        .select_from(_area.join(_service, _service.c.id == _area.c.service_id))
        .where(_area.c.code == NORWAY, *_conditions(shape))
        .order_by(_service.c.name, _service.c.id)
    )


@lru_cache(maxsize=256)
def _wait_statement(shape: tuple[str, ...]) -> Select:
    return (
        select(_service.c.id, _service.c.wait_weeks)
        .where(*_conditions(shape))
        .order_by(_service.c.wait_weeks.is_(None), _service.c.wait_weeks, _service.c.id)
    )


_IDS = bindparam("ids", expanding=True)
_POINTS_OF = select(_point.c.id, _point.c.service_id, _point.c.latitude, _point.c.longitude).where(
    _point.c.service_id.in_(_IDS)
)
_SCHEDULES_OF = (
    select(_schedule, _service.c.open_on_holidays)
    .join_from(_schedule, _service, _service.c.id == _schedule.c.service_id)
    .where(_schedule.c.service_id.in_(_IDS))
)
_ALL_POINTS_OF = select(_point).where(_point.c.service_id.in_(_IDS))
# One query with joins: several times faster than a query per relationship for a handful of services.
_SERVICES = (
    select(Service)
    .where(Service.id.in_(_IDS))
    .options(*(joinedload(getattr(Service, name)) for name in (
        "types", "phones", "schedules", "service_areas", "languages", "service_at_locations")))
)


# --- geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    south: float
    north: float
    west: float
    east: float

    def params(self, prefix: str) -> dict[str, float]:
        return {f"{prefix}south": self.south, f"{prefix}north": self.north,
                f"{prefix}west": self.west, f"{prefix}east": self.east}


_EVERYWHERE = _Box(-90.0, 90.0, -180.0, 180.0)
_NOWHERE = _Box(91.0, 91.0, 181.0, 181.0)  # as a hole: takes nothing away


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
) -> list[Match]:
    """Full records for the chosen few only, with geodesic distances, in the chosen order."""
    if not ids:
        return []
    services = {s.id: s for s in session.execute(_SERVICES, {"ids": ids}).unique().scalars()}
    points: dict[str, list] = defaultdict(list)
    for row in session.execute(_ALL_POINTS_OF, {"ids": ids}):
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
    in_kommune = [p for p in points if kommune is not None and p.kommune_number == kommune.number]
    points = in_kommune or points  # a local match is shown where it is local, as it was ranked
    open_now = is_open(service.schedules, moment, service.open_on_holidays)
    if national or not points or origin is None:
        place = None if national or not points else points[0].kommune_number
        return Match(service, None, False, bool(in_kommune), national, _kommune_name(gazetteer, place), open_now)
    nearest = min(points, key=lambda p: (_haversine(origin, (p.latitude, p.longitude)), p.id))
    distance = geodesic(origin, (nearest.latitude, nearest.longitude)).km
    name = _kommune_name(gazetteer, nearest.kommune_number)
    return Match(service, distance, nearest.approximate, bool(in_kommune), national, name, open_now,
                 (nearest.latitude, nearest.longitude))


def _kommune_name(gazetteer: Gazetteer, number: str | None) -> str | None:
    kommune = gazetteer.kommune(number) if number else None
    return kommune.name if kommune else None
