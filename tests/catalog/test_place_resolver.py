"""The place resolver: its spans, its kept places, and the optional geocoder against a fake Nominatim
(a real aiohttp server on loopback)."""
from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from services_catalog.geography import Gazetteer
from services_catalog.place_resolver import GEOCODER_URL_SETTING, PlaceResolver

G = Gazetteer.load()

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
    assert await asyncio.to_thread(PlaceResolver.from_settings().named, "Bryggen 1") is None


async def test_known_places_never_reach_the_geocoder(fake_nominatim):
    url, queries = fake_nominatim
    place = await asyncio.to_thread(PlaceResolver(G, url).named, "Lillehammer")
    assert place is not None and place.kommune.name == "Lillehammer"
    assert queries == []


async def test_an_unknown_name_is_geocoded_and_mapped_to_its_kommune(fake_nominatim):
    url, queries = fake_nominatim
    place = await asyncio.to_thread(PlaceResolver(G, url).named, "Bryggen 1")
    assert place is not None and place.kind == "geocoded" and not place.approximate
    assert place.kommune.name == "Bergen"
    assert queries[0]["countrycodes"] == "no"


async def test_the_geocoder_setting_is_read_where_the_resolver_is_built(fake_nominatim, monkeypatch):
    url, queries = fake_nominatim
    monkeypatch.setenv(GEOCODER_URL_SETTING, url)
    assert (await asyncio.to_thread(PlaceResolver.from_settings().named, "Bryggen 1")).kommune.name == "Bergen"


async def test_a_geocoder_that_is_down_means_unknown_place_not_an_error():
    resolver = PlaceResolver(G, "http://127.0.0.1:9")  # discard port: nothing listens
    assert await asyncio.to_thread(resolver.named, "Bryggen 1") is None


@pytest.mark.parametrize("text,found", [
    ("jeg bor i Tromsø og trenger hjelp", ["Tromsø"]),
    ("bor på Grünerløkka", ["Grünerløkka"]),
    ("jeg bor i Xyzzyville", ["Xyzzyville"]),  # unknown, but said to be where they live
    ("jeg bor i en leilighet", []),
    ("trenger hjelp", []),
])
def test_spans_are_the_places_a_message_names(text, found):
    assert [text[start:end] for start, end in PlaceResolver(G).spans(text)] == found


def test_a_kept_place_comes_back_only_while_the_same_words_name_it():
    resolver = PlaceResolver(G)
    place = resolver.named("Romsa")
    kept = resolver.remember(place, "Romsa")
    assert resolver.recall(kept, "Romsa") == place
    assert resolver.recall(kept, "Bodø") is None  # another place was named since
    assert resolver.recall({"said": "Romsa", "kommune": "9999", "lat": 1, "lon": 2}, "Romsa") is None
    assert resolver.recall("Romsa", "Romsa") is None


def test_a_shared_position_is_placed_in_its_kommune_and_is_not_approximate():
    place = PlaceResolver(G).at(60.3913, 5.3221)
    assert place.kommune.name == "Bergen" and not place.approximate
    assert PlaceResolver(G).at(48.8566, 2.3522) is None  # Paris
