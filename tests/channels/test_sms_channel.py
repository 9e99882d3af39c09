"""The SMS channel in the real Rasa server, talking to a fake gateway on loopback.

The stack (action server + Rasa server with credentials.yml) is started by
veiviser.supervisor, as `make run` does; the gateways' outbound URLs point at
the fake gateway, which records what the channel sends. Rasa logs at DEBUG
here, so the log check sees every message, sender id and slot it handles.
The last two tests stop the action server, then the Rasa server; keep them last.
"""
from __future__ import annotations

import base64
import json
import os
import random
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.sms_delivery import RetryPolicy
from bot.channels.sms_gateways import signed_headers
from bot.channels.sms_text import segments
from tests.channels.fake_gateway import FakeGateway
from tests.e2e.test_rest_channel import free_port
from veiviser import supervisor

pytestmark = pytest.mark.e2e

SECRET = "generic-test-secret"
GATE_SECRET = "link-gate-secret"
TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-test-token"
QUIET_S = 1.5  # a turn's SMS are sent back to back; this long without one means the turn is done
USED_PHONES: list[str] = []


@pytest.fixture(scope="module")
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def stack(model: Path, catalogue_url: str, gateway: FakeGateway, tmp_path_factory) -> Iterator[supervisor.Stack]:
    settings = {
        "VEIVISER_CATALOG_URL": catalogue_url,
        "VEIVISER_PSEUDONYM_KEY": "sms-test-key",
        "LOG_LEVEL": "DEBUG",
        "VEIVISER_SMS_SECRET": SECRET,
        "VEIVISER_SMS_SEND_URL": f"{gateway.url}/generic/send",
        "VEIVISER_LINK_GATE_SECRET": GATE_SECRET,
        "VEIVISER_LINK_BASE_URL": f"{gateway.url}/link",
        "VEIVISER_LINK_USERNAME": "link-user",
        "VEIVISER_LINK_PASSWORD": "link-password",
        "VEIVISER_LINK_PLATFORM_ID": "COMMON_API",
        "VEIVISER_LINK_PLATFORM_PARTNER_ID": "4242",
        "VEIVISER_LINK_SENDER": "Veiviser",
        "VEIVISER_TWILIO_ACCOUNT_SID": TWILIO_SID,
        "VEIVISER_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "VEIVISER_TWILIO_SENDER": "+4759440000",
        "VEIVISER_TWILIO_API_BASE": f"{gateway.url}/twilio",
    }
    logs = tmp_path_factory.mktemp("sms-logs")
    ports = supervisor.Ports(rasa=free_port(), actions=free_port(), web=free_port())
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(name, value)
        with supervisor.running(ports, model, log_dir=logs, with_web=False) as running:
            running.log_dir = logs  # type: ignore[attr-defined]
            yield running


def new_phone() -> str:
    phone = f"+479{random.randint(1_000_000, 9_999_999)}"
    USED_PHONES.append(phone)
    return phone


def post(stack: supervisor.Stack, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(f"{stack.rasa_url}/webhooks/sms/{path}", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def send_generic(stack, phone: str, text: str, message_id: str | None = None,
                 secret: str = SECRET, raw: bytes | None = None) -> tuple[int, dict]:
    body = raw if raw is not None else json.dumps(
        {"id": message_id or uuid.uuid4().hex, "from": phone, "text": text}).encode()
    headers = {"Content-Type": "application/json", **signed_headers(secret, body)}
    status, answer = post(stack, "webhook", body, headers)
    return status, json.loads(answer)


def send_link(stack, phone: str, text: str, password: str = GATE_SECRET) -> int:
    body = json.dumps({"id": uuid.uuid4().hex, "source": phone, "sourceTON": "MSISDN", "destination": "2333",
                       "userData": text, "platformId": "COMMON_API", "platformPartnerId": "4242"}).encode()
    auth = base64.b64encode(f"link:{password}".encode()).decode()
    return post(stack, "link", body, {"Content-Type": "application/json", "Authorization": f"Basic {auth}"})[0]


def send_twilio(stack, phone: str, text: str, token: str = TWILIO_TOKEN) -> tuple[int, bytes]:
    form = {"MessageSid": f"SM{uuid.uuid4().hex}", "AccountSid": TWILIO_SID, "From": phone,
            "To": "+4759440000", "Body": text, "NumSegments": "1"}
    url = f"{stack.rasa_url}/webhooks/sms/twilio"
    signature = RequestValidator(token).compute_signature(url, form)
    return post(stack, "twilio", urllib.parse.urlencode(form).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})


def next_turn(gateway: FakeGateway, phone: str, before: int) -> list[str]:
    """The SMS of the turn after `before` delivered ones, once the gateway has been quiet a moment."""
    gateway.wait_for(lambda: len(gateway.delivered(phone)) > before)
    count = -1
    while count != len(gateway.delivered(phone)):
        count = len(gateway.delivered(phone))
        time.sleep(QUIET_S)
    return [r.text for r in gateway.delivered(phone)[before:]]


def converse(stack, gateway: FakeGateway, phone: str, text: str) -> list[str]:
    before = len(gateway.delivered(phone))
    status, _ = send_generic(stack, phone, text)
    assert status == 202
    return next_turn(gateway, phone, before)


def test_a_screening_by_sms_ends_in_service_cards_within_3_segments_each(stack, gateway):
    phone = new_phone()
    assert "Veiviser" in converse(stack, gateway, phone, "hei")[0]
    question = "\n".join(converse(stack, gateway, phone, "hjelp"))
    assert "1) For meg selv" in question and "4) Vil ikke si" in question, question
    where = "\n".join(converse(stack, gateway, phone, "1"))
    assert "Hvor bor du" in where and "1) Vil ikke si" in where, where
    results = converse(stack, gateway, phone, "Bergen")
    assert any("Sist kontrollert" in sms for sms in results), results
    assert any("1) Åpent nå" in sms for sms in results), results
    assert all(segments(sms) <= 3 for sms in results), [segments(sms) for sms in results]
    assert not any("https://" in sms or "≈" in sms for sms in results), results
    refined = converse(stack, gateway, phone, "1")  # "Åpent nå"
    assert any("915 08588" in sms for sms in refined), refined


def test_a_number_picks_the_choice_shown_with_it(stack, gateway):
    phone = new_phone()
    question = "\n".join(converse(stack, gateway, phone, "hjelp"))
    assert "2) For noen jeg er glad i" in question, question
    assert any("Hvor bor du" in sms for sms in converse(stack, gateway, phone, "2"))
    replies = converse(stack, gateway, phone, "Trondheim")
    assert any("pårørende" in sms.lower() for sms in replies), replies


def test_stopp_deletes_the_conversation_and_the_next_message_starts_afresh(stack, gateway):
    phone = new_phone()
    asked = converse(stack, gateway, phone, "I need help with heroin")
    assert any("Where do you live" in sms for sms in asked), asked
    assert converse(stack, gateway, phone, "STOPP") == ["The conversation is deleted. You can start again whenever you like."]
    replies = converse(stack, gateway, phone, "Oslo")
    assert not any("This is what I found" in sms or "Where" in sms for sms in replies), replies


def test_a_bad_signature_gets_401_and_nothing_is_processed(stack, gateway):
    phone = new_phone()
    status, answer = send_generic(stack, phone, "hei", secret="wrong-secret")
    assert status == 401 and "signature" in answer["error"].lower()
    body = json.dumps({"id": "x", "from": phone, "text": "hei"}).encode()
    assert post(stack, "webhook", body, {"Content-Type": "application/json"})[0] == 401
    assert send_link(stack, phone, "hei", password="wrong") == 401
    assert send_twilio(stack, phone, "hei", token="wrong-token")[0] == 401
    time.sleep(5)
    assert gateway.requests_for(phone) == []


def test_a_duplicate_delivery_is_answered_once(stack, gateway):
    phone = new_phone()
    message_id = uuid.uuid4().hex
    assert send_generic(stack, phone, "hei", message_id=message_id)[0] == 202
    assert send_generic(stack, phone, "hei", message_id=message_id) == (200, {"status": "duplicate"})
    next_turn(gateway, phone, 0)
    assert converse(stack, gateway, phone, "takk")
    assert len(gateway.delivered(phone)) == 2, [r.text for r in gateway.delivered(phone)]


def test_bad_input_gets_a_clear_error_and_the_server_keeps_going(stack, gateway):
    phone = new_phone()
    status, answer = send_generic(stack, phone, "", raw=b'{"id": "1", "from": "+4790000000", "text": "hei"')
    assert status == 400 and "JSON" in answer["error"]
    assert send_generic(stack, phone, "")[0] == 422
    assert send_generic(stack, phone, " \x00\x07 ")[0] == 422
    status, answer = send_generic(stack, phone, "hjelp " * 17_000)  # ~100 KB
    assert status == 413 and "1600" in answer["error"]
    assert send_generic(stack, "ikke et nummer", "hei")[0] == 400
    time.sleep(3)
    assert gateway.requests_for(phone) == []
    replies = converse(stack, gateway, phone, "hei\x00\x07\x1b der\u202e")
    assert "Veiviser" in replies[0], replies


def test_link_mobility_format_in_and_out(stack, gateway):
    phone = new_phone()
    assert send_link(stack, phone, "hei") == 200
    [reply] = next_turn(gateway, phone, 0)
    [request] = gateway.delivered(phone)
    assert "Veiviser" in reply
    assert request.path == "/link/sms/send"
    assert request.fields()["platformPartnerId"] == "4242" and request.fields()["source"] == "Veiviser"
    assert request.authorization == "Basic " + base64.b64encode(b"link-user:link-password").decode()


def test_twilio_format_in_and_out(stack, gateway):
    phone = new_phone()
    status, answer = send_twilio(stack, phone, "hei")
    assert status == 200 and b"<Response>" in answer
    [reply] = next_turn(gateway, phone, 0)
    [request] = gateway.delivered(phone)
    assert "Veiviser" in reply
    assert request.path == f"/twilio/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert request.fields()["From"] == "+4759440000"
    assert request.authorization == "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()


def test_a_gateway_failing_twice_then_working_delivers_once(stack, gateway):
    phone = new_phone()
    gateway.fail_next = 2
    replies = converse(stack, gateway, phone, "hei")
    attempts = gateway.requests_for(phone)
    assert len(replies) == 1 and [a.answered for a in attempts] == [503, 503, 200]
    assert len({a.reference for a in attempts}) == 1  # the same SMS each time, so a gateway can de-duplicate


def test_a_gateway_that_never_works_is_logged_without_the_number(stack, gateway):
    phone = new_phone()
    gateway.always_fail = True
    try:
        assert send_generic(stack, phone, "hei")[0] == 202
        gateway.wait_for(lambda: len(gateway.requests_for(phone)) == RetryPolicy().attempts)
    finally:
        gateway.always_fail = False
    log = stack.log_dir / "rasa.log"
    deadline = time.monotonic() + 30
    while "sms.send.failed" not in log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.2)
    text = log.read_text(errors="replace")
    assert "sms.send.failed gateway=generic conversation=sms-" in text
    assert phone[3:] not in text


def test_no_phone_number_reaches_a_log(stack, gateway):
    assert USED_PHONES and any(gateway.requests_for(phone) for phone in USED_PHONES)  # they were used
    logs = " ".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*.log"))
    assert "sms-" in logs  # the logs do name conversations, by pseudonym
    assert [phone for phone in USED_PHONES if phone[3:] in logs] == []


def test_with_the_action_server_down_the_sms_still_carries_113(stack, gateway):
    actions = stack.processes[0]
    os.killpg(actions.pid, signal.SIGTERM)
    actions.wait(timeout=30)
    phone = new_phone()
    replies = converse(stack, gateway, phone, "jeg trenger hjelp med rusen min, bor i Bergen")
    assert any("113" in sms and "116 123" in sms for sms in replies), replies
    crisis = converse(stack, gateway, phone, "vennen min puster ikke")
    assert "113" in crisis[0], crisis


def test_an_accepted_sms_is_answered_even_when_the_server_is_stopped_at_once(stack, gateway):
    phone = new_phone()
    rasa = stack.processes[1]
    assert send_generic(stack, phone, "jeg trenger hjelp med rusen min, bor i Oslo")[0] == 202
    os.killpg(rasa.pid, signal.SIGTERM)
    rasa.wait(timeout=60)
    assert any("113" in r.text for r in gateway.delivered(phone)), [r.text for r in gateway.delivered(phone)]
