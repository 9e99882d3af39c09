"""The optional geocoder, against a fake Nominatim: a real aiohttp server on loopback."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from services_catalog.geocoding import GEOCODER_URL_SETTING, resolve_place

# Bryggen in Bergen; the fake answers any query with it.
BRYGGEN = {"lat": "60.3975", "lon": "5.3245", "display_name": "Bryggen, Bergen", "place_id": 1}


@pytest.fixture
async def fake_nominatim():
    queries: list[dict[str, str]] = []

    async def search(request: web.Request) -> web.Response:
        queries.append(dict(request.query))
        return web.json_response([BRYGGEN] if "bryggen" in request.query.get("q", "").lower() else [])

    app = web.Application()
    app.router.add_get("/search", search)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", queries
    await runner.cleanup()


async def test_without_a_geocoder_nothing_goes_to_the_network(monkeypatch):
    monkeypatch.delenv(GEOCODER_URL_SETTING, raising=False)
    assert await asyncio.to_thread(resolve_place, "Bryggen 1") is None


async def test_known_places_never_reach_the_geocoder(fake_nominatim, monkeypatch):
    url, queries = fake_nominatim
    monkeypatch.setenv(GEOCODER_URL_SETTING, url)
    place = await asyncio.to_thread(resolve_place, "Lillehammer")
    assert place is not None and place.kommune.name == "Lillehammer"
    assert queries == []


async def test_an_unknown_name_is_geocoded_and_mapped_to_its_kommune(fake_nominatim, monkeypatch):
    url, queries = fake_nominatim
    monkeypatch.setenv(GEOCODER_URL_SETTING, url)
    place = await asyncio.to_thread(resolve_place, "Bryggen 1")
    assert place is not None and place.kind == "geocoded"
    assert place.kommune.name == "Bergen"
    assert queries[0]["countrycodes"] == "no"


async def test_a_geocoder_that_is_down_means_unknown_place_not_an_error(monkeypatch):
    monkeypatch.setenv(GEOCODER_URL_SETTING, "http://127.0.0.1:9")  # discard port: nothing listens
    assert await asyncio.to_thread(resolve_place, "Bryggen 1") is None
