"""The actions' one door to the catalogue: a blocking search run off the event loop."""
from __future__ import annotations

import asyncio

from services_catalog.db import open_session
from services_catalog.geography import Gazetteer
from services_catalog.search import Query, Result, find_services


async def search(query: Query) -> Result:
    return await asyncio.to_thread(_search, query)


def _search(query: Query) -> Result:
    with open_session() as session:
        return find_services(session, query, Gazetteer.load())
