"""What search reads, held in memory as arrays, and rebuilt when the catalogue changes.

A chat turn must feel instant, and one search may have to consider every
service within 100 km (when few fit) or in the whole country (the right to
choose, by waiting time). Read row by row from SQL that costs tens of
milliseconds; as NumPy arrays it costs a fraction of one, on SQLite and
PostgreSQL alike. So each process keeps a snapshot of the searched columns
and the search index (`service_point`), and checks one token per search
(`catalogue_revision`, which triggers change on every write to the searched
tables, migration 0003) to know whether the snapshot is still the
catalogue. Only the few matches shown are then read from the database.

Opening hours are kept per distinct schedule ("pattern": most services share
a handful), with a coarse map of the hours of the week each pattern may be
open, so that "open now" filters every service at once and the exact check
(opening_hours.is_open) runs once per pattern among the nearest candidates.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, NamedTuple, Optional, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from services_catalog.models import (
    CatalogueRevision,
    Language,
    Schedule,
    Service,
    ServiceArea,
    ServicePoint,
    ServiceTypeLink,
    reviewed_service_ids,
)
from services_catalog.opening_hours import (
    OSLO,
    clock_time,
    is_public_holiday,
    usable_rule,
    weekdays_of,
    zone_of,
)
from services_catalog.taxonomy import BOOLEAN_PROPERTIES, Property, ServiceType, column_name

HOURS_OF_WEEK = 7 * 24
SNAPSHOTS_KEPT = 4  # one per catalogue a process searches; tests open several
NO_KOMMUNE = -1
TYPE_BITS = {code.value: np.uint32(1 << n) for n, code in enumerate(ServiceType)}
# Properties a query can ask for; open-on-holidays is read by opening hours instead.
FILTER_PROPERTIES = tuple(p for p in BOOLEAN_PROPERTIES if p is not Property.OPEN_ON_HOLIDAYS)


class Rule(NamedTuple):
    """A weekly schedule rule as opening_hours reads it (the WeeklyRule protocol), hashable."""

    freq: Optional[str]
    byday: Optional[str]
    opens_at: Optional[str]
    closes_at: Optional[str]
    timezone: Optional[str]
    valid_from: Optional[date]
    valid_to: Optional[date]


Pattern = tuple[Rule, ...]


@dataclass(frozen=True)
class Hours:
    """The distinct schedules and, per hour of the week (Oslo wall clock), which of them may be open.

    `same_day[h, p]`: an opening of pattern p that starts on the day of hour h may cover it;
    `next_day[h, p]`: one that started the day before may (past midnight). Both are supersets,
    padded by an hour for summer-time changes; `anywhere[p]`: a rule kept in another zone, never
    filtered out. `known[p]`: p has a usable rule (unknown hours are never open).
    """

    patterns: tuple[Pattern, ...]
    same_day: np.ndarray
    next_day: np.ndarray
    anywhere: np.ndarray
    known: np.ndarray


class IndexPoint(NamedTuple):
    """One point of the search index (models.ServicePoint), as the snapshot holds it."""

    id: int
    latitude: float
    longitude: float
    kommune_number: str | None
    approximate: bool


@dataclass(frozen=True)
class SearchIndex:
    """Services in id order (position = their number here) and index points in id order."""

    token: int
    ids: tuple[str, ...]
    position: dict[str, int]  # id -> its place in `ids`
    names: tuple[str, ...]
    active: np.ndarray
    reviewed: np.ndarray  # has a source and a service type (feeds.py); only these reach the chat
    national: np.ndarray
    types: np.ndarray
    properties: dict[str, np.ndarray]  # column -> 1 yes, 0 no, -1 not known
    minimum_age: np.ndarray  # -inf where there is no limit
    maximum_age: np.ndarray  # +inf where there is no limit
    wait_weeks: np.ndarray  # NaN where not published
    open_on_holidays: np.ndarray
    languages: dict[str, np.ndarray]
    pattern: np.ndarray  # each service's opening-hours pattern
    hours_key: np.ndarray  # pattern * 2 + open on holidays: what opening hours depend on
    hours: Hours
    national_by_name: np.ndarray  # national services by (name, id)
    point_id: np.ndarray
    point_service: np.ndarray
    point_lat: np.ndarray
    point_lon: np.ndarray
    point_kommune: np.ndarray  # a number in `kommune_codes`, NO_KOMMUNE at sea or abroad
    point_approximate: np.ndarray  # a kommune centre, not a verified address
    kommune_codes: dict[str, int]
    kommune_numbers: tuple[str, ...]  # code -> kommune number, the inverse of `kommune_codes`
    points_by_service: np.ndarray  # point positions grouped by service, each group in id order
    service_starts: np.ndarray  # where each service's group starts in `points_by_service`
    points_by_kommune: np.ndarray  # point positions grouped by kommune, each group in id order
    kommune_starts: np.ndarray  # where each kommune code's group starts in `points_by_kommune`
    points_by_lat: np.ndarray  # point positions sorted by latitude, for a latitude band
    lat_sorted: np.ndarray

    def may_be_open(self, when: datetime) -> np.ndarray:
        """Services that may be open at `when` (a superset); the exact check follows per pattern.

        Worked out per pattern and holiday flag, then looked up once per service (`hours_key`).
        """
        local = when.astimezone(OSLO)
        hour = local.weekday() * 24 + local.hour
        ordinary_today = not is_public_holiday(local.date())
        ordinary_yesterday = not is_public_holiday(local.date() - timedelta(days=1))
        hours = self.hours
        kept_open = hours.known & (hours.same_day[hour] | hours.next_day[hour] | hours.anywhere)
        otherwise = hours.known & (
            (hours.same_day[hour] & ordinary_today) | (hours.next_day[hour] & ordinary_yesterday) | hours.anywhere)
        return np.stack((otherwise, kept_open), axis=1).ravel()[self.hours_key]

    def points_of(self, service_id: str) -> list[IndexPoint]:
        """A service's index points, in id order: what results show distance and place by."""
        service = self.position[service_id]
        return [
            IndexPoint(int(self.point_id[n]), float(self.point_lat[n]), float(self.point_lon[n]),
                       self._kommune_number(int(self.point_kommune[n])), bool(self.point_approximate[n]))
            for n in self.points_by_service[self.service_starts[service]: self.service_starts[service + 1]]
        ]

    def _kommune_number(self, code: int) -> str | None:
        return None if code == NO_KOMMUNE else self.kommune_numbers[code]

    def in_kommune(self, number: str) -> np.ndarray:
        """The kommune's own points, in id order."""
        code = self.kommune_codes.get(number)
        if code is None:
            return np.zeros(0, dtype=np.int64)
        return self.points_by_kommune[self.kommune_starts[code]: self.kommune_starts[code + 1]]


_snapshots: OrderedDict[tuple[str, int], SearchIndex] = OrderedDict()
_building = threading.Lock()


def current(session: Session) -> SearchIndex:
    """The snapshot of the catalogue this session sees, built on first use and after every change."""
    token = session.execute(select(CatalogueRevision.token).where(CatalogueRevision.id == 1)).scalar_one()
    key = (str(session.get_bind().url), token)
    with _building:
        index = _snapshots.get(key)
        if index is None:
            index = _snapshots[key] = build(session, token)
            while len(_snapshots) > SNAPSHOTS_KEPT:
                _snapshots.popitem(last=False)
        _snapshots.move_to_end(key)
        return index


def build(session: Session, token: int) -> SearchIndex:
    properties = [column_name(p) for p in FILTER_PROPERTIES]
    rows = session.execute(
        select(Service.id, Service.name, Service.status, Service.minimum_age, Service.maximum_age,
               Service.wait_weeks, Service.open_on_holidays, *(getattr(Service, c) for c in properties))
        .order_by(Service.id)
    ).all()
    ids = tuple(row.id for row in rows)
    position = {service_id: n for n, service_id in enumerate(ids)}
    national = _flags(len(ids), position, session.execute(
        select(ServiceArea.service_id).where(ServiceArea.scope == "country")).scalars())
    patterns, pattern = _patterns(session, position, len(ids))
    names = tuple(row.name for row in rows)
    national_ids = np.flatnonzero(national)
    points = session.execute(
        select(ServicePoint.id, ServicePoint.service_id, ServicePoint.latitude, ServicePoint.longitude,
               ServicePoint.kommune_number, ServicePoint.approximate).order_by(ServicePoint.id)
    ).all()
    kommune_numbers = tuple(sorted({p.kommune_number for p in points} - {None}))
    kommune_codes = {number: n for n, number in enumerate(kommune_numbers)}
    point_service = np.array([position[p.service_id] for p in points], dtype=np.int64)
    by_service = np.argsort(point_service, kind="stable")
    point_lat = np.array([p.latitude for p in points], dtype=np.float64)
    by_lat = np.argsort(point_lat, kind="stable")
    point_kommune = np.array([kommune_codes.get(p.kommune_number, NO_KOMMUNE) for p in points], dtype=np.int32)
    by_kommune = np.argsort(point_kommune, kind="stable")
    open_on_holidays = np.array([bool(row.open_on_holidays) for row in rows], dtype=bool)
    return SearchIndex(
        token=token,
        ids=ids,
        position=position,
        names=names,
        active=np.array([row.status == "active" for row in rows], dtype=bool),
        reviewed=_reviewed(session, position, len(ids)),
        national=national,
        types=_type_bits(session, position, len(ids)),
        properties={c: np.array([_tristate(getattr(row, c)) for row in rows], dtype=np.int8) for c in properties},
        minimum_age=np.array([-np.inf if r.minimum_age is None else r.minimum_age for r in rows], dtype=np.float64),
        maximum_age=np.array([np.inf if r.maximum_age is None else r.maximum_age for r in rows], dtype=np.float64),
        wait_weeks=np.array([np.nan if r.wait_weeks is None else r.wait_weeks for r in rows], dtype=np.float64),
        open_on_holidays=open_on_holidays,
        languages=_languages(session, position, len(ids)),
        pattern=pattern,
        hours_key=pattern.astype(np.int64) * 2 + open_on_holidays,
        hours=_hours(patterns),
        national_by_name=national_ids[np.lexsort((national_ids, [names[i] for i in national_ids]))]
        if len(national_ids) else national_ids,
        point_id=np.array([p.id for p in points], dtype=np.int64),
        point_service=point_service,
        point_lat=point_lat,
        point_lon=np.array([p.longitude for p in points], dtype=np.float64),
        point_kommune=point_kommune,
        point_approximate=np.array([bool(p.approximate) for p in points], dtype=bool),
        kommune_codes=kommune_codes,
        kommune_numbers=kommune_numbers,
        points_by_service=by_service,
        service_starts=np.searchsorted(point_service[by_service], np.arange(len(ids) + 1)),
        points_by_kommune=by_kommune,
        kommune_starts=np.searchsorted(point_kommune[by_kommune], np.arange(len(kommune_codes) + 1)),
        points_by_lat=by_lat,
        lat_sorted=point_lat[by_lat],
    )


def _reviewed(session: Session, position: dict[str, int], size: int) -> np.ndarray:
    return _flags(size, position, session.scalars(reviewed_service_ids()))


def _tristate(value: bool | None) -> int:
    return -1 if value is None else int(value)


def _flags(size: int, position: dict[str, int], service_ids: Iterable[str]) -> np.ndarray:
    flags = np.zeros(size, dtype=bool)
    flags[[position[i] for i in service_ids]] = True
    return flags


def _type_bits(session: Session, position: dict[str, int], size: int) -> np.ndarray:
    bits = np.zeros(size, dtype=np.uint32)
    for service_id, code in session.execute(select(ServiceTypeLink.service_id, ServiceTypeLink.code)):
        if code in TYPE_BITS:
            bits[position[service_id]] |= TYPE_BITS[code]
    return bits


def _languages(session: Session, position: dict[str, int], size: int) -> dict[str, np.ndarray]:
    by_code: dict[str, list[int]] = {}
    for service_id, code in session.execute(select(Language.service_id, Language.code).where(Language.code.is_not(None))):
        by_code.setdefault(code, []).append(position[service_id])
    spoken = {}
    for code, services in by_code.items():
        spoken[code] = np.zeros(size, dtype=bool)
        spoken[code][services] = True
    return spoken


def _patterns(session: Session, position: dict[str, int], size: int) -> tuple[tuple[Pattern, ...], np.ndarray]:
    """Each service's schedule as one of the distinct patterns; pattern 0 is "no rules"."""
    rules: dict[str, list[Rule]] = {}
    for row in session.execute(select(Schedule.service_id, *(getattr(Schedule, f) for f in Rule._fields))):
        rules.setdefault(row.service_id, []).append(Rule(*row[1:]))
    numbers: dict[Pattern, int] = {(): 0}
    pattern = np.zeros(size, dtype=np.int32)
    for service_id, own in rules.items():
        key = tuple(sorted(own, key=repr))
        pattern[position[service_id]] = numbers.setdefault(key, len(numbers))
    return tuple(numbers), pattern


def _hours(patterns: Sequence[Pattern]) -> Hours:
    same_day = np.zeros((HOURS_OF_WEEK, len(patterns)), dtype=bool)
    next_day = np.zeros_like(same_day)
    anywhere = np.zeros(len(patterns), dtype=bool)
    known = np.zeros(len(patterns), dtype=bool)
    for p, rules in enumerate(patterns):
        for rule in filter(usable_rule, rules):
            known[p] = True
            if zone_of(rule.timezone) is not OSLO:
                anywhere[p] = True
                continue
            for day in weekdays_of(rule.byday) or ():
                _mark(same_day[:, p], next_day[:, p], day, rule)
    return Hours(tuple(patterns), same_day, next_day, anywhere, known)


def _mark(same_day: np.ndarray, next_day: np.ndarray, day: int, rule: Rule) -> None:
    """The hours an opening starting on `day` may cover, one more at the end for summer time.

    A closing time that does not exist on the night clocks go forward is read an hour later.
    """
    opens, closes = clock_time(rule.opens_at), clock_time(rule.closes_at)
    assert opens is not None and closes is not None
    last = closes.hour + (24 if closes <= opens else 0) + 1  # hours after the day's midnight
    start = day * 24
    same_day[start + opens.hour: start + min(last, 23) + 1] = True
    if last >= 24:
        tomorrow = ((day + 1) % 7) * 24
        next_day[tomorrow: tomorrow + min(last - 24, 23) + 1] = True
