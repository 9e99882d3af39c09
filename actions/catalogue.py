"""The actions' one door to the catalogue: blocking lookups run off the event loop."""
from __future__ import annotations

import asyncio

from actions.needs import UNSAID
from services_catalog.db import open_session
from services_catalog.geocoding import resolve_place
from services_catalog.geography import Gazetteer, Place
from services_catalog.search import Query, Result, find_services


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
