"""The actions' one door to the catalogue, its reports and the place resolver.

Injected into each action, as rasa-sdk injects a knowledge base into its
knowledge-base action: the action server builds one from the settings on first
use, and a test hands in its own database instead of patching settings.
Blocking lookups run off the event loop.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from sqlalchemy.orm import Session

from services_catalog import search_index
from services_catalog.db import open_session, session_factory
from services_catalog.geography import Place
from services_catalog.opening_hours import Opening
from services_catalog.place_resolver import PlaceResolver
from services_catalog.reports import Channel, Reason, cautioned, file_report, open_reports_session, utc_now
from services_catalog.search import Match, Query, Result, find_services, finds_any, next_local_opening

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Catalogue:
    sessions: Callable[[], Session] = open_session
    places: PlaceResolver = field(default_factory=PlaceResolver.from_settings)
    reports: Callable[[], Session] = open_reports_session

    @classmethod
    def at(cls, url: str) -> Catalogue:
        """The catalogue in the database at `url`, with the offline place resolver."""
        return cls(sessions=session_factory(url), places=PlaceResolver.from_settings())

    async def search(self, query: Query) -> Result:
        return await asyncio.to_thread(self._search, query)

    async def search_all(self, queries: list[Query], probes: list[Query]) -> tuple[list[Result], list[bool]]:
        """Several searches, and whether each probe finds anything, in one thread and one session."""
        return await asyncio.to_thread(self._search_all, queries, probes)

    async def next_opening(self, query: Query) -> tuple[Match, Opening] | None:
        return await asyncio.to_thread(self._next_opening, query)

    async def place_named(self, said: str) -> Place | None:
        """In a thread because a configured geocoder may go to the network."""
        return await asyncio.to_thread(self.places.named, said)

    async def place_at(self, lat: float, lon: float) -> Place | None:
        """In a thread: the kommune polygons load on first use."""
        return await asyncio.to_thread(self.places.at, lat, lon)

    async def report(self, service_id: str, reason: Reason, channel: Channel, text: str | None) -> None:
        """Keep a report that a record is wrong; raises reports.TooManyReports past the channel's allowance."""
        await asyncio.to_thread(self._report, service_id, reason, channel, text)

    async def cautioned_services(self, ids: list[str]) -> set[str]:
        """Which of these services people should be warned about; none when the reports store is down."""
        try:
            return await asyncio.to_thread(self._cautioned, ids)
        except Exception as error:  # noqa: BLE001 - a caution is a courtesy; the results must still come
            log.warning("reports store unavailable (%s); no cautions shown", type(error).__name__)
            return set()

    def _search(self, query: Query) -> Result:
        with self.sessions() as session:
            return find_services(session, query, self.places.gazetteer)

    def _search_all(self, queries: list[Query], probes: list[Query]) -> tuple[list[Result], list[bool]]:
        gazetteer = self.places.gazetteer
        with self.sessions() as session:
            return ([find_services(session, query, gazetteer) for query in queries],
                    [finds_any(session, probe, gazetteer) for probe in probes])

    def _next_opening(self, query: Query) -> tuple[Match, Opening] | None:
        with self.sessions() as session:
            return next_local_opening(session, query, self.places.gazetteer)

    def _report(self, service_id: str, reason: Reason, channel: Channel, text: str | None) -> None:
        with self.reports() as store:
            file_report(store, service_id, reason, channel, text, utc_now())

    def _cautioned(self, ids: list[str]) -> set[str]:
        with self.reports() as store:
            return cautioned(store, ids, utc_now())



@lru_cache(maxsize=1)
def from_settings() -> Catalogue:
    """The action server's catalogue, built on first use (the gazetteer loads then, not on import)."""
    return Catalogue()


def warm_up_in_background() -> None:
    """Load the gazetteer and the search snapshot before the first person asks (seconds on a big catalogue).

    In a thread, and never fatal: with the catalogue down the server must still start and answer.
    """
    threading.Thread(target=_warm_up, name="catalogue-warm-up", daemon=True).start()


def _warm_up() -> None:
    try:
        catalogue = from_settings()
        with catalogue.sessions() as session:
            search_index.current(session)
    except Exception as error:  # noqa: BLE001 - reported, then the first search tries again
        log.warning("catalogue warm-up failed (%s); the first search will try again", type(error).__name__)


class UsesCatalogue:
    """For actions: `self.catalogue` is the injected one, else the server's."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self._catalogue = catalogue

    @property
    def catalogue(self) -> Catalogue:
        return self._catalogue or from_settings()
