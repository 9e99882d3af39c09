"""The web lookup's door to the catalogue: every call runs in a small thread pool, off the event loop.

The catalogue library is synchronous SQLAlchemy; a search takes milliseconds
but may touch the disk, and an import can take seconds, so the event loop
only ever awaits them. Results leave the pool as plain HSDS dictionaries,
so no lazy load can reach for a closed session later.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, Callable, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services_catalog.coverage import Coverage, measure
from services_catalog.db import session_factory
from services_catalog.hsds import ImportFailed, ImportReport, Problem, import_records
from services_catalog.hsds_export import service_to_hsds
from services_catalog.lookup import StaffFilters, build_query
from services_catalog.place_resolver import PlaceResolver
from services_catalog.models import Service
from services_catalog.opening_hours import current_or_next_opening
from services_catalog.reports import Channel, Reason, cautioned, file_report, open_counts, open_reports_session, utc_now
from services_catalog.search import Match, find_services

T = TypeVar("T")


@dataclass(frozen=True)
class Found:
    """One search result: the service as HSDS, and how it relates to the search."""

    service: dict[str, Any]
    match: dict[str, Any]


@dataclass(frozen=True)
class Lookup:
    """A page of results; `total` counts every result of the search (at most the app's max_results)."""

    found: tuple[Found, ...]
    total: int
    fallback: bool
    kommune: str | None
    moment: datetime
    # The place as the gazetteer names it, when that is not what was typed ("Kristiansnad").
    corrected_place: str | None = None


class Catalogue:
    def __init__(self, url: str, workers: int = 4, reports_url: str | None = None):
        self._sessions = session_factory(url)
        self._reports_url = reports_url
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="catalogue")
        self.places = PlaceResolver.from_settings()
        self.gazetteer = self.places.gazetteer

    async def _run(self, call: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(call, *args))

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    async def search(self, filters: StaffFilters, window: tuple[int, int], moment: datetime) -> Lookup:
        """Raises services_catalog.lookup.BadFilter for input that cannot be searched."""
        return await self._run(self._search, filters, window, moment)

    async def report(self, service_id: str, reason: Reason, text: str | None, channel: Channel) -> int:
        """File a report about a service; LookupError when the catalogue has no such service,
        services_catalog.reports.TooManyReports when the channel's hourly allowance is used up."""
        return await self._run(self._report, service_id, reason, text, channel)

    def _report(self, service_id: str, reason: Reason, text: str | None, channel: Channel) -> int:
        with self._sessions() as session:
            if session.get(Service, service_id) is None:
                raise LookupError(service_id)
        with open_reports_session(self._reports_url) as store:
            return file_report(store, service_id, reason, channel, text, utc_now()).id

    async def service(self, service_id: str) -> dict[str, Any] | None:
        return await self._run(self._service, service_id)

    async def coverage(self) -> Coverage:
        return await self._run(self._coverage)

    def _coverage(self) -> Coverage:
        with self._sessions() as session:
            return measure(session, self.gazetteer)

    async def import_services(self, sourced: list[tuple[str, Any]]) -> tuple[ImportReport, set[str]]:
        """Import all or nothing (raises ImportFailed); also says which ids were new."""
        return await self._run(self._import, sourced)

    def _search(self, filters: StaffFilters, window: tuple[int, int], moment: datetime) -> Lookup:
        search = build_query(filters, self.places, moment)
        query = search.query
        when = query.open_at or moment
        with self._sessions() as session:
            result = find_services(session, query, self.gazetteer, now=when)
            start, end = window
            shown = result.matches[start:end]
            records = {s.id: s for s in session.scalars(select(Service).where(Service.id.in_([m.service.id for m in shown])))}
            reported = self._reported([m.service.id for m in shown], when)
            found = tuple(Found(service_to_hsds(records[m.service.id]), {**_match(m, when), **reported[m.service.id]})
                          for m in shown)
        kommune = result.kommune.name if result.kommune else None
        corrected = search.place.name if search.corrected(filters.place) else None
        return Lookup(found, len(result.matches), result.fallback, kommune, when, corrected)

    def _reported(self, ids: list[str], when: datetime) -> dict[str, dict[str, Any]]:
        """Per service: open reports of the last days, and whether they put a caution on it."""
        with open_reports_session(self._reports_url) as store:
            counts = open_counts(store, ids, when)
            warned = cautioned(store, ids, when)
        return {i: {"reports_open": counts[i], "caution": i in warned} for i in ids}

    def _service(self, service_id: str) -> dict[str, Any] | None:
        with self._sessions() as session:
            service = session.get(Service, service_id)
            return service_to_hsds(service) if service else None

    def _import(self, sourced: list[tuple[str, Any]]) -> tuple[ImportReport, set[str]]:
        ids = {obj["id"] for _, obj in sourced if isinstance(obj, dict) and isinstance(obj.get("id"), str)}
        with self._sessions() as session:
            existing = known_ids(session, ids)
            try:
                report = import_records(session, sourced)
                session.commit()
            except SQLAlchemyError as error:
                # A value the checks let through but a column cannot hold (too long, say): still all or nothing.
                session.rollback()
                reason = str(getattr(error, "orig", error)).splitlines()[0]
                raise ImportFailed([Problem(sourced[0][0] if sourced else "-", "-", "-",
                                            f"the database refused the records: {reason}")]) from None
        return report, ids - existing


def known_ids(session: Session, ids: set[str], batch: int = 1000) -> set[str]:
    """Which of these ids the catalogue has, in batches that any database's parameter limit allows."""
    ordered, found = sorted(ids), set()
    for start in range(0, len(ordered), batch):
        found |= set(session.scalars(select(Service.id).where(Service.id.in_(ordered[start:start + batch]))))
    return found


def _match(match: Match, when: datetime) -> dict[str, Any]:
    """What the search knows beyond the record: distance, whether local, open now, the current or next opening."""
    service = match.service
    opening = current_or_next_opening(service.schedules, when, service.open_on_holidays)
    return {
        "distance_km": None if match.distance_km is None else round(match.distance_km, 2),
        "approximate": match.approximate,
        "placed_by_area": match.placed_by_area,
        "located": match.service.located,
        "local": match.local,
        "national": match.national,
        "kommune": match.kommune_name,
        "open_now": match.open_now,
        "opening": None if opening is None else {"start": opening.start.isoformat(), "end": opening.end.isoformat()},
        "unverified": not service.sources,
        "untyped": not service.type_codes,
    }
