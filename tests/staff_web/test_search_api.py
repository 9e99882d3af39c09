"""GET /services over real HTTP: every filter reaches the catalogue search, pages are HSDS pages."""
from __future__ import annotations

from urllib.parse import urlencode

import jsonschema
import pytest

from services_catalog.db import open_session
from services_catalog.geography import Gazetteer
from services_catalog.hsds_export import taxonomy_term
from services_catalog.lookup import PROPERTY_FILTERS, parse_when
from services_catalog.search import Query, Sort, find_services
from services_catalog.taxonomy import SERVICE_TYPE_TAXONOMY
from staff_web.openapi import document
from tests.support.hsds import SCHEMA as HSDS_SERVICE
from tests.support.staff import ids, pairs

GAZETTEER = Gazetteer.load()
MAX_RESULTS = 50  # the app's default Limits.max_results


def near(text: str) -> dict:
    place = GAZETTEER.resolve(text)
    return {"kommune": place.kommune, "point": (place.lat, place.lon)}


LAR_TERM = taxonomy_term(SERVICE_TYPE_TAXONOMY, "lar")["id"]
TUESDAY_NOON = "2026-11-24T12:00"

# (query string, the Query it must become); the last parameter of each must change the answer.
# The shipped catalogue has no age limits: test_writing.py proves `age` on a record that has them.
CASES = [
    ({"kommune": "Bergen"}, near("Bergen")),
    ({"postcode": "9008"}, near("9008")),
    ({"place": "Tromsø"}, near("Tromsø")),
    ({"lat": "69.65", "lon": "18.96"}, {"point": (69.65, 18.96)}),
    ({"lat": "60.36", "lon": "5.34", "radius_km": "3"}, {"point": (60.36, 5.34), "radius_km": 3.0}),
    ({"kommune": "Bergen", "type": ["lar", "varested"]}, {**near("Bergen"), "types": frozenset({"lar", "varested"})}),
    ({"kommune": "Bergen", "taxonomy_term_id": LAR_TERM}, {**near("Bergen"), "types": frozenset({"lar"})}),
    ({"kommune": "Bergen", "open_at": TUESDAY_NOON}, {**near("Bergen"), "open_at": parse_when(TUESDAY_NOON, "-")}),
    *[({"kommune": "Bergen", name: "true"}, {**near("Bergen"), name: True}) for name in PROPERTY_FILTERS],
    ({"kommune": "Bergen", "referral_required": "false"}, {**near("Bergen"), "referral_required": False}),
    ({"kommune": "Bergen", "language": "en"}, {**near("Bergen"), "language": "en"}),
    ({"right_to_choose": "true", "sort": "wait"}, {"right_to_choose": True, "sort": Sort.WAIT}),
]
# Same search, other words: these must give exactly what their twin gives.
TWINS = [
    ({"kommune": "4601"}, {"kommune": "Bergen"}),
    ({"kommune": "Bergen", "proximity": "3000"}, {"kommune": "Bergen", "radius_km": "3"}),
    ({"kommune": "Bergen", "drop_in": "ja"}, {"kommune": "Bergen", "drop_in": "true"}),
]


def without_last(params: dict) -> dict:
    """The same search without its last filter (lat and lon go together)."""
    last = list(params)[-1]
    return {k: v for k, v in params.items() if k != last and not (last == "lon" and k == "lat")}


@pytest.mark.parametrize("params,query", CASES, ids=[urlencode(pairs(params)) for params, _ in CASES])
async def test_every_filter_gives_what_the_catalogue_search_gives(reader, catalogue_url, params, query):
    with open_session(catalogue_url) as session:
        expected = find_services(session, Query(limit=MAX_RESULTS, **query), GAZETTEER)
    got = await ids(reader, params)
    assert got == [match.service.id for match in expected.matches]
    assert got != await ids(reader, without_last(params)), "the filter changed nothing"


@pytest.mark.parametrize("params,twin", TWINS)
async def test_other_words_for_the_same_search_give_the_same(reader, params, twin):
    assert await ids(reader, params) == await ids(reader, twin)


async def test_open_now_keeps_only_services_open_now(reader):
    # One page holding every helpline: on the default page of 10 an open one could sit on page 2.
    whole = (await (await reader.get("/services", params={"type": "hjelpetelefon", "per_page": "100"})).json())
    assert whole["total_pages"] == 1
    everything = whole["contents"]
    open_now = (await (await reader.get("/services", params={"type": "hjelpetelefon", "open_now": "true",
                                                                "per_page": "100"})).json())["contents"]
    assert all(service["match"]["open_now"] is True for service in open_now)
    assert {s["id"] for s in open_now} == {s["id"] for s in everything if s["match"]["open_now"] is True}


async def test_pages_cut_one_ranking_and_say_where_they_are(reader):
    whole = await ids(reader, {"kommune": "Bergen"})
    assert len(whole) > 7
    pages, number = [], 1
    while True:
        body = await (await reader.get("/services", params={"kommune": "Bergen", "per_page": "3", "page": str(number)})).json()
        assert body["page_number"] == number and body["total_items"] == len(whole)
        assert body["total_pages"] == -(-len(whole) // 3) and body["first_page"] == (number == 1)
        pages += [s["id"] for s in body["contents"]]
        if body["last_page"]:
            break
        number += 1
    assert pages == whole
    beyond = await (await reader.get("/services", params={"kommune": "Bergen", "page": "99"})).json()
    assert beyond["contents"] == [] and beyond["size"] == 0 and not beyond["empty"]


async def test_a_page_matches_the_documented_schema_and_each_service_is_hsds(reader):
    body = await (await reader.get("/services", params={"kommune": "Bergen", "per_page": "5"})).json()
    schemas = document()["components"]["schemas"]
    page_schema = {**schemas["ServicePage"], "components": {"schemas": schemas}}
    jsonschema.validate(body, page_schema)
    for service in body["contents"]:
        service.pop("match")
        jsonschema.validate(service, HSDS_SERVICE)


async def test_one_service_is_the_full_hsds_record(reader):
    listed = (await (await reader.get("/services", params={"kommune": "Bergen", "per_page": "1"})).json())["contents"][0]
    response = await reader.get(f"/services/{listed['id']}")
    assert response.status == 200
    service = await response.json()
    jsonschema.validate(service, HSDS_SERVICE)
    assert service == {k: v for k, v in listed.items() if k != "match"}
    assert service["assured_date"] and service["x_sources"][0]["url"].startswith("https://")


async def test_an_unknown_service_or_path_is_a_json_404(reader):
    for path in ("/services/no-such-id", "/no/such/path"):
        response = await reader.get(path)
        assert response.status == 404 and (await response.json())["error"]


async def test_services_carry_their_sourced_addresses_as_hsds_locations(reader):
    """Issue 14, item 5: service_at_location, location and address, as HSDS models them, in the list and alone."""
    body = await (await reader.get("/services", params={"place": "Bergen", "per_page": "50"})).json()
    located = [s for s in body["contents"] if s.get("service_at_locations")]
    assert located, "the shipped catalogue has addresses in Bergen"
    for service in located:
        location = service["service_at_locations"][0]["location"]
        address = location["addresses"][0]
        assert address["address_1"] and address["country"] == "NO" and location["x_source_url"].startswith("https://")
    alone = await (await reader.get(f"/services/{located[0]['id']}")).json()
    assert alone["service_at_locations"] == located[0]["service_at_locations"]
