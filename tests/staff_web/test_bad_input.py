"""Bad input gets a clear JSON error with the right status, and loses nothing; limits hold."""
from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from staff_web.config import KIB
from staff_web.rate_limit import RateLimit, TokenBuckets
from tests.staff_web.conftest import auth, example_service, serve


@pytest.mark.parametrize(
    "query,parameter",
    [
        ("kommune=Atlantis", "kommune"),
        ("postcode=50", "postcode"),
        ("postcode=0000", "postcode"),
        ("kommune=9999", "kommune"),
        ("kommune=Bergen&postcode=5003", "postcode"),
        ("type=pizza", "type"),
        ("taxonomy_term_id=nope", "taxonomy_term_id"),
        ("lat=91&lon=5", "lat"),
        ("lat=60.3", "lon"),
        ("lat=nan&lon=5", "lat"),
        ("radius_km=-5", "radius_km"),
        ("radius_km=0", "radius_km"),
        ("radius_km=3&proximity=3000", "proximity"),
        ("open_now=kanskje", "open_now"),
        ("open_at=i%20morgen", "open_at"),
        ("drop_in=2", "drop_in"),
        ("age=-1", "age"),
        ("age=tolv", "age"),
        ("language=norsk%20bokm%C3%A5l", "language"),
        ("sort=name", "sort"),
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("age=20&age=30", "age"),
        ("pizza=true", "pizza"),
        ("place=Berg%00en", "place"),
        ("place=Bergen%1b%5B31m", "place"),
        ("place=" + "Bergen%20" * 40, "place"),
    ],
)
async def test_a_bad_parameter_is_a_400_naming_it(reader, query, parameter):
    response = await reader.get(f"/services?{query}")
    assert response.status == 400
    body = await response.json()
    assert body["problems"][0]["parameter"] == parameter and body["problems"][0]["message"]
    assert parameter in body["error"]


async def test_an_unknown_kommune_comes_with_a_suggestion(reader):
    """The gazetteer itself forgives small slips (Bærgen is Bergen); this one is too far for it to guess."""
    response = await reader.get("/services", params={"kommune": "Trmoso"})
    body = await response.json()
    assert response.status == 400 and body["problems"][0]["suggestion"] == "Tromsø" and "Tromsø" in body["error"]


async def test_a_100_kb_query_string_is_a_414_and_the_server_goes_on(reader):
    response = await reader.get("/services", params={"place": "a" * 100 * KIB})
    assert response.status == 414 and "URL" in (await response.json())["error"]
    assert (await reader.get("/services", params={"kommune": "Bergen"})).status == 200


async def test_a_body_over_the_limit_is_413_before_it_is_read(private_catalogue):
    client = await serve(private_catalogue, import_bytes=4 * KIB, edit_bytes=2 * KIB)
    try:
        big = [example_service(description="x" * 8 * KIB)]
        response = await client.post("/import", json=big, headers=auth())
        assert response.status == 413 and "4096" in (await response.json())["error"]

        async def chunks():  # no Content-Length: the limit holds while reading
            for _ in range(8):
                yield b" " * KIB

        streamed = await client.post("/import", data=chunks(), headers={**auth(), "Content-Type": "application/json"})
        assert streamed.status == 413
        put = await client.put("/services/eksempel-1", json=big[0], headers=auth())
        assert put.status == 413
        assert (await client.get("/services/eksempel-1")).status == 404
    finally:
        await client.close()


@pytest.mark.parametrize(
    "body,content_type,status,says",
    [
        (b'[{"id": "x", "name": ', "application/json", 400, "malformed JSON at line 1"),
        (b"", "application/json", 400, "empty"),
        (b"   \n ", "application/json", 400, "empty"),
        (b"\xff\xfe[]", "application/json", 400, "UTF-8"),
        (b"[]", "text/plain", 415, "application/json"),
        (b"id=1", "application/x-www-form-urlencoded", 415, "application/json"),
        (b"42", "application/json", 422, "expected a JSON list or object"),
        (b'{"hello": "world"}', "application/json", 422, "no service objects"),
        (b"[1, 2]", "application/json", 422, "JSON object"),
    ],
)
async def test_a_broken_body_is_refused_clearly(writer, body, content_type, status, says):
    response = await writer.post("/import", data=body, headers={**auth(), "Content-Type": content_type})
    assert response.status == status
    assert says in (await response.text())


async def test_control_characters_in_a_record_are_a_422(writer):
    response = await writer.post("/import", json=[example_service(name="A\u0007B")], headers=auth())
    assert response.status == 422 and (await response.json())["problems"][0]["field"] == "name"


async def test_a_wrong_method_is_a_json_405(reader):
    response = await reader.delete("/services/abc")
    assert response.status == 405 and "PUT" in response.headers["Allow"]
    assert (await response.json())["error"]


async def test_too_many_requests_from_one_address_get_429_others_do_not(catalogue_url):
    client = await serve(catalogue_url, rate=RateLimit(per_second=0.01, burst=3))
    try:
        statuses = [(await client.get("/services", params={"kommune": "Bergen"})).status for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = await client.get("/openapi.json")
        assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
        assert (await limited.json())["error"]
        # Another loopback address is another client with its own bucket.
        connector = aiohttp.TCPConnector(local_addr=("127.0.0.2", 0))
        async with aiohttp.ClientSession(connector=connector) as other:
            async with other.get(client.make_url("/openapi.json")) as response:
                assert response.status == 200
    finally:
        await client.close()


def test_buckets_refill_with_time_and_forget_the_least_recent_client():
    now = [0.0]
    buckets = TokenBuckets(RateLimit(per_second=2, burst=2, max_clients=3), clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0.5]
    now[0] += 0.5
    assert buckets.take("a") == 0 and buckets.take("a") > 0
    for client in ("b", "c", "d"):
        buckets.take(client)
    assert len(buckets) == 3  # "a" was least recently seen and is gone
    assert buckets.retry_after(0.01) == "1" and buckets.retry_after(2.2) == "3"


async def test_the_access_log_holds_no_query_text_and_no_body(writer, caplog):
    caplog.set_level(logging.DEBUG)
    await writer.get("/services", params={"postcode": "5003", "type": "lar"})
    await writer.get("/", params={"place": "Storgata 7 Hamar"})
    await writer.post("/import", json=[example_service(name="Hemmelig navn")], headers=auth())
    await asyncio.sleep(0)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /services 200" in logged and "POST /import 200" in logged
    for private in ("5003", "Storgata", "Hemmelig", "test-token"):
        assert private not in logged
