"""The chat page (veiviser.chat_page) as a real aiohttp server on loopback, sent hostile Host headers (issue 17)."""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import sys
import threading

import pytest
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings

from tests.fuzz.hostile import header_text
from veiviser import supervisor
from veiviser.chat_page import make_app

RASA_URL = "http://127.0.0.1:5005"


@pytest.fixture(scope="module")
def server():
    """The page server in a thread of its own, so the test can talk to it with a plain blocking client."""
    loop = asyncio.new_event_loop()
    test_server = TestServer(make_app(5005, RASA_URL), host="127.0.0.1", loop=loop)
    loop.run_until_complete(test_server.start_server(loop=loop))
    threading.Thread(target=loop.run_forever, daemon=True).start()
    yield test_server
    loop.call_soon_threadsafe(loop.stop)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(host=header_text(200))
def test_no_host_header_reaches_the_page(server, tally, host):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("GET", "/", skip_host=True)
    connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    page = response.read().decode()
    tally("chat page: Host header", response.status)
    assert response.status in (200, 400), response.status
    if response.status == 200:
        assert f'data-server="{RASA_URL}"' in page
        assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
        stripped = host.strip()
        if len(stripped) > 3 and stripped not in ("http", "https", "127.0.0.1"):
            assert f'data-server="http://{stripped}' not in page


def test_a_header_the_parser_refuses_gets_the_security_headers(tmp_path):
    """`python -m veiviser.chat_page` as the supervisor starts it: aiohttp's own 400 must not be frameable either."""
    port = supervisor.free_port()
    process = supervisor._spawn([sys.executable, "-m", "veiviser.chat_page", "--port", str(port)],
                                dict(os.environ), tmp_path / "page.log")
    try:
        supervisor.wait_until_up(f"http://127.0.0.1:{port}/health", process, "chat page")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/", headers={"X-Long": "a" * 20_000})  # aiohttp's limit is 8190 bytes
        response = connection.getresponse()
        assert response.status == 400 and json.loads(response.read()) == {"error": "400 Bad Request"}
        assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy", "")
        assert response.getheader("X-Frame-Options") == "DENY"
    finally:
        process.terminate()
        process.wait(timeout=30)
