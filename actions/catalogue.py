"""The actions' one door to the catalogue and its reports: blocking lookups run off the event loop."""
from __future__ import annotations

import asyncio
import logging
import math
import threading
from typing import Any

from rasa_sdk import Tracker

from actions.needs import UNSAID
from services_catalog.db import open_session
from services_catalog.geocoding import resolve_place
from services_catalog import search_index
from services_catalog.geography import Gazetteer, Kommune, Place
from services_catalog.opening_hours import Opening
from services_catalog.reports import Channel, Reason, cautioned, file_report, open_reports_session, utc_now
from services_catalog.search import Match, Query, Result, find_services, finds_any, next_local_opening

log = logging.getLogger(__name__)
# The slot that holds a position the user shared ("use my location" in the web chat):
# {"lat": .., "lon": .., "kommune": number}; the location slot then holds the kommune's name.
POSITION_SLOT = "position"


async def search(query: Query) -> Result:
    return await asyncio.to_thread(_search, query)


async def search_all(queries: list[Query], probes: list[Query]) -> tuple[list[Result], list[bool]]:
    """Several searches, and whether each probe finds anything, in one thread and one session."""
    return await asyncio.to_thread(_search_all, queries, probes)


async def next_opening(query: Query) -> tuple[Match, Opening] | None:
    return await asyncio.to_thread(_next_opening, query)


async def place_named(said: str | None) -> Place | None:
    """The place the user named; None when they named none or preferred not to say.

    In a thread because a configured geocoder may go to the network.
    """
    if not said or said == UNSAID:
        return None
    return await asyncio.to_thread(resolve_place, said)


async def place_of(tracker: Tracker) -> Place | None:
    """Where to search: the shared position while the location is still its kommune, else the named place."""
    said = tracker.get_slot("location")
    position = tracker.get_slot(POSITION_SLOT)
    if position:
        kommune = Gazetteer.load().kommune(position["kommune"])
        if kommune is not None and kommune.name == said:
            return Place(name=kommune.name, kind="position", kommune=kommune, lat=position["lat"], lon=position["lon"])
    return await place_named(said)


def shared_position(tracker: Tracker) -> tuple[float, float] | None:
    """The latitude and longitude entities of the latest message, when both are sane numbers."""
    values = [next(tracker.get_latest_entity_values(name), None) for name in ("latitude", "longitude")]
    try:
        lat, lon = (float(v) for v in values)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


async def kommune_at(lat: float, lon: float) -> Kommune | None:
    """In a thread: the kommune polygons load on first use."""
    return await asyncio.to_thread(Gazetteer.load().kommune_at, lat, lon)


def position_slots(lat: float, lon: float, kommune: Kommune) -> dict[str, Any]:
    return {"location": kommune.name, POSITION_SLOT: {"lat": lat, "lon": lon, "kommune": kommune.number}}


def _search(query: Query) -> Result:
    with open_session() as session:
        return find_services(session, query, Gazetteer.load())


def _search_all(queries: list[Query], probes: list[Query]) -> tuple[list[Result], list[bool]]:
    gazetteer = Gazetteer.load()
    with open_session() as session:
        return ([find_services(session, query, gazetteer) for query in queries],
                [finds_any(session, probe, gazetteer) for probe in probes])


def _next_opening(query: Query) -> tuple[Match, Opening] | None:
    with open_session() as session:
        return next_local_opening(session, query, Gazetteer.load())


async def report(service_id: str, reason: Reason, channel: Channel, text: str | None) -> None:
    """Keep a report that a record is wrong; raises reports.TooManyReports past the channel's allowance."""
    await asyncio.to_thread(_report, service_id, reason, channel, text)


async def cautioned_services(ids: list[str]) -> set[str]:
    """Which of these services people should be warned about; none when the reports store is down."""
    try:
        return await asyncio.to_thread(_cautioned, ids)
    except Exception as error:  # noqa: BLE001 - a caution is a courtesy; the results must still come
        log.warning("reports store unavailable (%s); no cautions shown", type(error).__name__)
        return set()


def _report(service_id: str, reason: Reason, channel: Channel, text: str | None) -> None:
    with open_reports_session() as store:
        file_report(store, service_id, reason, channel, text, utc_now())


def _cautioned(ids: list[str]) -> set[str]:
    with open_reports_session() as store:
        return cautioned(store, ids, utc_now())


def warm_up_in_background() -> None:
    """Load the gazetteer and the search snapshot before the first person asks (seconds on a big catalogue).

    In a thread, and never fatal: with the catalogue down the server must still start and answer.
    """
    threading.Thread(target=_warm_up, name="catalogue-warm-up", daemon=True).start()


def _warm_up() -> None:
    try:
        Gazetteer.load()
        with open_session() as session:
            search_index.current(session)
    except Exception as error:  # noqa: BLE001 - reported, then the first search tries again
        log.warning("catalogue warm-up failed (%s); the first search will try again", type(error).__name__)
