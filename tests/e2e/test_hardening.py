"""What an outside probe of a running stack found (issue 17), each tried again on the real processes."""
from __future__ import annotations

import http.client
import json
import stat
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.stack_client import WEB_CHANNEL, request, stored_senders
from bot.privacy.pseudonym import pseudonym

pytestmark = pytest.mark.e2e


def raw(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None):
    """One HTTP exchange with exactly these headers (urllib would set Host and Content-Type itself)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.putrequest(method, parts.path or "/", skip_host=True, skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


@pytest.mark.parametrize("host", ['a"><img src=x onerror=alert(1)>', "evil.example"])
def test_the_chat_page_is_built_from_configuration_not_the_host_header(stack, host):
    status, _headers, page = raw(stack.web_url, headers={"Host": host})
    assert status == 200
    assert f'data-server="http://127.0.0.1:{stack.ports.rasa}"'.encode() in page
    assert b"<img" not in page and b"evil.example" not in page


@pytest.mark.parametrize("page", ["web_url", "staff_url"])
def test_pages_cannot_be_framed_or_sniffed(stack, page):
    _status, headers, _body = raw(getattr(stack, page), headers={"Host": "127.0.0.1"})
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


def test_the_action_server_listens_on_loopback_only(stack):
    listening = listening_addresses(stack.ports.actions)
    assert listening and listening <= {"127.0.0.1"}, listening


def listening_addresses(port: int) -> set[str]:
    """The addresses a TCP port listens on, read from the kernel's table (state 0A is LISTEN)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:
                found.add("127.0.0.1" if address == "0100007F" else address)
    return found


def test_a_body_far_beyond_one_message_is_refused(stack):
    body = json.dumps({"sender": str(uuid.uuid4()), "message": "hei " * 50_000}).encode()
    status, _headers, _answer = raw(f"{stack.rasa_url}{WEB_CHANNEL}/webhook", "POST", body,
                                    {"Host": "127.0.0.1", "Content-Type": "application/json"})
    assert status == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_only_json_is_read(stack, content_type):
    """A form or text body is a request any site's page may send without asking the browser first."""
    body = json.dumps({"sender": str(uuid.uuid4()), "message": "hei"}).encode()
    headers = {"Host": "127.0.0.1", **({"Content-Type": content_type} if content_type else {})}
    for path in ("webhook", "forget"):
        status, _headers, answer = raw(f"{stack.rasa_url}{WEB_CHANNEL}/{path}", "POST", body, headers)
        assert status == 415 and json.loads(answer)["error"], (path, answer)


def test_a_guessable_sender_id_is_refused_but_a_crisis_behind_it_is_still_answered(stack, stack_dir):
    status, answer = request(f"{stack.rasa_url}{WEB_CHANNEL}/webhook", {"sender": "1", "message": "hei"})
    assert status == 400 and "random id" in answer["error"]
    status, answer = request(f"{stack.rasa_url}{WEB_CHANNEL}/webhook",
                             {"sender": "1", "message": "han puster ikke"})
    assert status == 200 and answer[0]["text"].startswith("Ring 113"), answer
    assert pseudonym("web", "1") not in stored_senders(f"sqlite:///{stack_dir / 'conversations.sqlite'}")


def test_conversations_and_logs_are_readable_by_their_owner_only(stack, stack_dir):
    request(f"{stack.rasa_url}{WEB_CHANNEL}/webhook", {"sender": str(uuid.uuid4()), "message": "hei"})
    written = [*stack_dir.glob("conversations.sqlite*"), *stack_dir.glob("*.log")]
    assert any(path.name == "conversations.sqlite" for path in written)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path.name, oct(path.stat().st_mode))


def test_cors_says_how_long_a_preflight_holds_and_tells_nothing_to_a_request_without_origin(stack):
    preflight = {"Host": "127.0.0.1", "Origin": stack.web_url, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    _status, headers, _body = raw(f"{stack.rasa_url}{WEB_CHANNEL}/webhook", "OPTIONS", headers=preflight)
    assert headers.get("Access-Control-Max-Age") == "600", headers
    body = json.dumps({"sender": str(uuid.uuid4()), "message": "hei"}).encode()
    _status, headers, _body = raw(f"{stack.rasa_url}{WEB_CHANNEL}/webhook", "POST", body,
                                  {"Host": "127.0.0.1", "Content-Type": "application/json"})
    assert not any(name.lower().startswith("access-control-") for name in headers), headers
