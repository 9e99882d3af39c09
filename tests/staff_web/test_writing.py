"""Importing and editing over real HTTP: token rules, validation all or nothing, then reading it back."""
from __future__ import annotations

import asyncio
import http.client
import json

import pytest
from sqlalchemy import func, select

from services_catalog.db import open_session
from services_catalog.models import Service
from staff_web.catalogue import known_ids
from tests.staff_web.conftest import TOKEN, auth, example_service, serve

EXAMPLE_ID = "eksempel-1"


def count(url: str) -> int:
    with open_session(url) as session:
        return session.scalar(select(func.count()).select_from(Service))


async def test_import_without_a_token_is_401_and_asks_for_one(writer):
    response = await writer.post("/import", json=[example_service()])
    assert response.status == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await writer.get(f"/services/{EXAMPLE_ID}")).status == 404


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", "Bearer " + TOKEN[:-1], f"Basic {TOKEN}"])
async def test_a_wrong_token_is_refused(writer, header):
    response = await writer.post("/import", json=[example_service()], headers={"Authorization": header})
    assert response.status in (401, 403) and (await response.json())["error"]
    assert (await writer.get(f"/services/{EXAMPLE_ID}")).status == 404


async def test_a_token_that_is_not_utf8_is_refused_not_a_500(writer):
    """Found by tests/fuzz: a Latin-1 byte in the header reached the token check as a lone surrogate."""
    def put_with_latin1_header() -> int:
        connection = http.client.HTTPConnection("127.0.0.1", writer.server.port, timeout=10)
        connection.request("PUT", f"/services/{EXAMPLE_ID}", body=json.dumps(example_service()).encode(),
                           headers={"Content-Type": "application/json", "Authorization": "Bearer \xa0\xe6"})
        return connection.getresponse().status  # http.client sends header text as Latin-1 bytes

    assert await asyncio.to_thread(put_with_latin1_header) == 403
    assert (await writer.get(f"/services/{EXAMPLE_ID}")).status == 404


async def test_without_a_configured_token_writing_is_off(private_catalogue):
    client = await serve(private_catalogue, token=None)
    try:
        for headers in ({}, auth(), auth("")):
            response = await client.post("/import", json=[example_service()], headers=headers)
            assert response.status == 403 and "turned off" in (await response.json())["error"]
        assert (await client.put(f"/services/{EXAMPLE_ID}", json=example_service(), headers=auth())).status == 403
    finally:
        await client.close()


async def test_a_good_import_is_searchable_at_once(writer):
    response = await writer.post("/import", json={"contents": [example_service()]}, headers=auth())
    assert response.status == 200 and await response.json() == {"imported": 1, "created": 1}
    stored = await (await writer.get(f"/services/{EXAMPLE_ID}")).json()
    assert stored["name"] == example_service()["name"]
    found = await (await writer.get("/services", params={"kommune": "Bergen", "type": "lavterskel-helse",
                                                         "per_page": "100"})).json()
    assert EXAMPLE_ID in [s["id"] for s in found["contents"]]


async def test_age_filters_by_the_record_limits(writer):
    """The example admits 16 to 30 year olds."""
    await writer.post("/import", json=[example_service()], headers=auth())

    async def listed(age: str) -> bool:
        # Of its own type, so a growing catalogue does not push it past the search's limit.
        body = await (await writer.get("/services", params={"kommune": "Bergen", "type": "lavterskel-helse", "age": age,
                                                             "per_page": "100"})).json()
        return EXAMPLE_ID in [s["id"] for s in body["contents"]]

    assert await listed("20") and not await listed("40") and not await listed("15")


async def test_an_invalid_record_changes_nothing_and_every_problem_is_named(writer, private_catalogue):
    good = example_service(id="eksempel-2", name="Skal ikke komme inn")
    bad = example_service(assured_date="i fjor", status="kanskje")
    before = count(private_catalogue)
    response = await writer.post("/import", json=[good, bad], headers=auth())
    assert response.status == 422
    body = await response.json()
    fields = {(p["record_id"], p["field"]) for p in body["problems"]}
    assert {(EXAMPLE_ID, "assured_date"), (EXAMPLE_ID, "status")} <= fields
    assert count(private_catalogue) == before
    assert (await writer.get("/services/eksempel-2")).status == 404


async def test_put_creates_then_replaces_one_service(writer):
    created = await writer.put(f"/services/{EXAMPLE_ID}", json=example_service(), headers=auth())
    assert created.status == 201 and (await created.json())["id"] == EXAMPLE_ID
    renamed = example_service(name="Nytt navn")
    del renamed["id"]  # the path gives it
    replaced = await writer.put(f"/services/{EXAMPLE_ID}", json=renamed, headers=auth())
    assert replaced.status == 200 and (await replaced.json())["name"] == "Nytt navn"
    assert (await (await writer.get(f"/services/{EXAMPLE_ID}")).json())["name"] == "Nytt navn"


async def test_put_refuses_a_body_about_another_id_or_an_invalid_one(writer):
    other = await writer.put("/services/noe-annet", json=example_service(), headers=auth())
    assert other.status == 400 and "noe-annet" in (await other.json())["error"]
    # (A record without a service type is no longer invalid: it is stored untyped, tests/catalog/test_feeds.py.)
    invalid = await writer.put(f"/services/{EXAMPLE_ID}", json=example_service(status="maybe"), headers=auth())
    assert invalid.status == 422 and (await invalid.json())["problems"]
    assert (await writer.get(f"/services/{EXAMPLE_ID}")).status == 404


async def test_editing_a_shipped_service_keeps_its_other_fields(writer):
    listed = (await (await writer.get("/services", params={"kommune": "Bergen", "per_page": "1"})).json())["contents"][0]
    service = {k: v for k, v in listed.items() if k != "match"}
    response = await writer.put(f"/services/{service['id']}", json={**service, "description": "Oppdatert"}, headers=auth())
    assert response.status == 200
    stored = await response.json()
    assert stored == {**service, "description": "Oppdatert"}


async def test_nul_and_control_characters_in_records_are_problems_on_every_database(empty_catalogue_url):
    client = await serve(empty_catalogue_url)
    try:
        for text in ("Navn\u0000med NUL", "Navn\u001bmed ESC"):
            response = await client.post("/import", json=[example_service(name=text)], headers=auth())
            assert response.status == 422, await response.text()
            assert any(p["field"] == "name" and "control" in p["message"] for p in (await response.json())["problems"])
        assert (await client.get(f"/services/{EXAMPLE_ID}")).status == 404
        ok = await client.post("/import", json=[example_service(description="Linje 1\nLinje 2\tmed tab")], headers=auth())
        assert ok.status == 200
    finally:
        await client.close()


async def test_a_value_too_long_for_its_column_is_a_problem_not_a_crash(empty_catalogue_url):
    """PostgreSQL checks varchar lengths that SQLite ignores; either way nothing is stored."""
    client = await serve(empty_catalogue_url)
    try:
        record = example_service(id="x" * 40)
        response = await client.post("/import", json=[record], headers=auth())
        assert response.status == 422 and "36" in json.dumps(await response.json())
        long_number = example_service(phones=[{"id": "tlf", "number": "9" * 100}])
        response = await client.post("/import", json=[long_number], headers=auth())
        if response.status == 422:  # PostgreSQL: the column refuses it, nothing was written
            assert (await client.get(f"/services/{EXAMPLE_ID}")).status == 404
        else:  # SQLite keeps what it is given
            assert response.status == 200
    finally:
        await client.close()



async def test_an_import_counts_new_and_updated_records(writer):
    records = [example_service(id=f"mange-{n}", name=f"Tjeneste {n}") for n in range(5)]
    first = await writer.post("/import", json={"contents": records[:3]}, headers=auth())
    assert await first.json() == {"imported": 3, "created": 3}
    again = await writer.post("/import", json=records, headers=auth())
    assert await again.json() == {"imported": 5, "created": 2}


def test_known_ids_are_looked_up_in_batches(private_catalogue):
    with open_session(private_catalogue) as session:
        shipped = set(session.scalars(select(Service.id).limit(7)))
        assert known_ids(session, shipped | {"ny-1", "ny-2"}, batch=2) == shipped
