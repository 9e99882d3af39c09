"""The actions' one door to the catalogue: blocking lookups run off the event loop."""
from __future__ import annotations

import asyncio
import logging
import threading

from actions.needs import UNSAID
from services_catalog.db import open_session
from services_catalog.geocoding import resolve_place
from services_catalog.geography import Gazetteer, Place
from services_catalog import search_index
from services_catalog.search import Query, Result, find_services

log = logging.getLogger(__name__)


async def search(query: Query) -> Result:
    return await asyncio.to_thread(_search, query)


async def place_named(said: str | None) -> Place | None:
    """The place the user named; None when they named none or preferred not to say.

    In a thread because a configured geocoder may go to the network.
    """
    if not said or said == UNSAID:
        return None
    return await asyncio.to_thread(resolve_place, said)


def _search(query: Query) -> Result:
    with open_session() as session:
        return find_services(session, query, Gazetteer.load())


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
