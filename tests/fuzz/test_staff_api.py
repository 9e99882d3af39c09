"""Fuzz the staff API (`python -m staff_web`, a real process on loopback) with hostile requests.

Every answer is a JSON error with a 4xx status or a proper result, never a
500; garbage sent to the writing endpoints changes nothing; the process
still answers a normal search at the end, and every service that was in the
catalogue before is exported byte for byte the same.
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import sys
import urllib.parse
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staff_web.app import TOKEN_SETTING
from staff_web.params import BY_NAME
from tests.support.hsds import COMPLETE
from tests.fuzz.catalogue_state import export_checksum, row_counts, service_ids
from tests.fuzz.hostile import header_text, hostile_body, hostile_text, spoiled_record
from veiviser import supervisor

TOKEN = "fuzz-token-8c1e"
TARGET = "fuzz-put-target"  # the id the writing fuzz sends records for (a spoiled id may be valid too)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLIENT_ERRORS = {400, 401, 403, 404, 405, 413, 414, 415, 422}


@dataclass(frozen=True)
class Staff:
    url: str  # the catalogue's database
    port: int
    process: Any
    before: tuple[frozenset[str], dict[str, int], str]  # ids, row counts and export checksum before any fuzzing

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """Status and JSON body of one request on a fresh connection (bodies that are not JSON fail the test)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            raise AssertionError(f"{method} {path[:80]} answered {response.status} with non-JSON {raw[:200]!r}") from None


@pytest.fixture(scope="module")
def staff(catalogue_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Staff]:
    """The staff lookup as `python -m staff_web` runs it, writing on, over a copy of the shipped catalogue."""
    directory = tmp_path_factory.mktemp("staff-fuzz")
    database = directory / "catalogue.sqlite"
    shutil.copy(catalogue_url.removeprefix("sqlite:///"), database)
    port = supervisor.free_port()
    env = {**os.environ, TOKEN_SETTING: TOKEN}
    process = supervisor._spawn(  # the same start as `veiviser run`'s, on a port of its own
        [sys.executable, "-m", "staff_web", "--port", str(port), "--url", f"sqlite:///{database}",
         "--rate", "10000", "--burst", "10000"],
        env, directory / "staff.log")
    try:
        supervisor.wait_until_up(f"http://127.0.0.1:{port}/openapi.json", process, "staff lookup")
        url = f"sqlite:///{database}"
        ids = service_ids(url)
        yield Staff(url, port, process, (ids, row_counts(url), export_checksum(url, ids)))
    finally:
        process.terminate()
        process.wait(timeout=30)


def assert_clear_error(status: int, body: Any) -> None:
    assert status in CLIENT_ERRORS, (status, body)
    assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], body


def _query_text(max_chars: int) -> st.SearchStrategy[str]:
    return hostile_text(max_chars).map(lambda text: text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def queries() -> st.SearchStrategy[str]:
    """Query strings: known and unknown parameters with hostile values, and raw broken escapes."""
    names = st.one_of(st.sampled_from(sorted(BY_NAME)), st.sampled_from(sorted(BY_NAME)), _query_text(20))
    plausible = st.sampled_from(("Bergen", "Romsa", "5003", "0150", "true", "nei", "lar", "wait", "2", "nb", "60.39",
                                 "5.32", "25", "2026-12-24T23:30", "4601"))
    values = st.one_of(plausible, plausible, _query_text(400))
    encoded = st.lists(st.tuples(names, values), max_size=4).map(urllib.parse.urlencode)
    broken = st.sampled_from(("%ff%fe", "%", "%zz", "place=%00", "kommune=%E2%80%AEnegreB", "&&==&", "=", "page=1e999",
                              "lat=1e400&lon=1", "age=99999999999999999999999", "per_page=-0", "open_at=9999-99-99T99:99",
                              "type=lar&type=lar&type=" + "lar" * 40, "place=%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9"))
    return st.one_of(encoded, broken, st.lists(broken, max_size=4).map("&".join))


@FUZZ
@given(query=queries())
def test_a_search_query_gets_results_or_a_clear_400(staff, tally, query):
    status, body = staff.request("GET", f"/services?{query}")
    tally("staff API: GET /services", status)
    if status == 200:
        assert isinstance(body["contents"], list) and body["total_items"] >= len(body["contents"])
    else:
        assert_clear_error(status, body)


@FUZZ
@given(service_id=_query_text(300))
def test_any_service_id_is_found_or_a_clear_404(staff, tally, service_id):
    status, body = staff.request("GET", f"/services/{urllib.parse.quote(service_id, safe='')}")
    tally("staff API: GET /services/{id}", status)
    if status == 200:
        assert body["id"] == service_id
    else:
        assert_clear_error(status, body)


CONTENT_TYPES = ("application/json", "application/json; charset=latin-1", "text/plain", "",
                 "multipart/form-data; boundary=x", "application/x-www-form-urlencoded")


@FUZZ
@given(body=hostile_body(st.lists(spoiled_record({**COMPLETE, "id": TARGET}), max_size=2)),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_garbage_posted_to_import_is_refused_whole(staff, tally, body, content_type):
    """Some spoiled records are still valid (and may change TARGET, nothing else); garbage is refused whole."""
    status, answer = staff.request("POST", "/import", body, {"Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"})
    tally("staff API: POST /import", status)
    if status == 200:
        assert answer["imported"] >= answer["created"] >= 0, answer
    else:
        assert_clear_error(status, answer)


@FUZZ
@given(record=spoiled_record({**COMPLETE, "id": TARGET}))
def test_a_spoiled_record_put_is_stored_intact_or_refused_naming_the_problem(staff, tally, record):
    body = json.dumps(record).encode()
    status, answer = staff.request("PUT", f"/services/{TARGET}", body,
                                   {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    tally("staff API: PUT /services/{id}", status)
    if status in (200, 201):
        for name in ("name", "description", "alternate_name", "email", "url"):
            assert answer.get(name) == record.get(name), (name, answer.get(name), record.get(name))
        assert staff.request("GET", f"/services/{TARGET}") == (200, answer)
    else:
        assert_clear_error(status, answer)
        if status == 422:
            assert answer["problems"] and all(p["message"] for p in answer["problems"]), answer


@FUZZ
@given(authorization=st.one_of(header_text(), header_text().map("Bearer {}".format)))
def test_a_wrong_token_changes_nothing(staff, tally, authorization):
    body = json.dumps({**COMPLETE, "id": TARGET}).encode()
    status, answer = staff.request("PUT", f"/services/{TARGET}", body,
                                   {"Content-Type": "application/json", "Authorization": authorization})
    tally("staff API: token", status)
    assert status in (401, 403), (status, answer)
    assert_clear_error(status, answer)


def test_after_the_fuzzing_the_server_answers_and_nothing_stored_changed(staff):
    """Runs last in this module: the same process, the same rows for every service that was there before."""
    assert staff.process.poll() is None, "the staff lookup died during the fuzzing"
    status, body = staff.request("GET", "/services?kommune=Bergen&type=lar")
    assert status == 200 and body["contents"] and all("lar" in json.dumps(s["attributes"]) for s in body["contents"])
    ids, counts, checksum = staff.before
    assert TARGET not in ids and export_checksum(staff.url, ids) == checksum
    after = row_counts(staff.url)
    # More rows, not fewer: a spoiled record may still be valid (its id an emoji, say) and was then rightly stored.
    assert all(after[table] >= count for table, count in counts.items()), (counts, after)


@pytest.mark.parametrize("size_kib", [17, 64, 300])
def test_a_header_the_parser_refuses_gets_json_and_the_security_headers(staff, tally, size_kib):
    """aiohttp's parser answers this before any handler runs; it was plain text that any site could frame."""
    connection = http.client.HTTPConnection("127.0.0.1", staff.port, timeout=30)
    connection.request("GET", "/?place=Bergen", headers={"X-Long": "a" * (size_kib * 1024)})
    response = connection.getresponse()
    body = response.read()
    tally("staff API: oversized header", response.status)
    assert response.status == 400, (response.status, body[:200])
    assert response.getheader("Content-Type", "").startswith("application/json"), body[:200]
    assert json.loads(body) == {"error": "400 Bad Request"}
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy", "")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert staff.process.poll() is None
