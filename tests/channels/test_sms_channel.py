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
import random
import re
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from bot.channels.sms_delivery import RetryPolicy
from bot.channels.sms_text import for_sms, segments
from conversation.texts import response_text
from harness.sms_gateway import FakeGateway
from harness.sms_stack import (
    TWILIO_NUMBER,
    TWILIO_SID,
    TWILIO_TOKEN,
    converse,
    next_turn,
    post,
    running_sms_stack,
    send_generic,
    send_link,
    send_twilio,
)
from veiviser import supervisor

pytestmark = pytest.mark.e2e

USED_PHONES: list[str] = []


@pytest.fixture(scope="module")
def stack(model: Path, catalogue_url: str, gateway: FakeGateway, tmp_path_factory) -> Iterator[supervisor.Stack]:
    logs = tmp_path_factory.mktemp("sms-logs")
    with running_sms_stack(model, catalogue_url, gateway, logs, extra={"LOG_LEVEL": "DEBUG"}) as running:
        running.log_dir = logs  # type: ignore[attr-defined]
        yield running


def new_phone() -> str:
    phone = f"+479{random.randint(1_000_000, 9_999_999)}"
    USED_PHONES.append(phone)
    return phone


def test_a_screening_by_sms_ends_in_service_cards_within_3_segments_each(stack, gateway):
    phone = new_phone()
    assert "Veiviser" in converse(stack, gateway, phone, "hei")[0]
    question = "\n".join(converse(stack, gateway, phone, "hjelp"))
    assert "1) For meg selv" in question and "4) Vil ikke si" in question, question
    where = "\n".join(converse(stack, gateway, phone, "1"))
    assert "Hvor bor du" in where and "1) Vil ikke si" in where, where
    results = converse(stack, gateway, phone, "Bergen")
    assert any("Sist kontrollert" in sms for sms in results), results
    # Narrowing choices follow, numbered; which are offered depends on what each would find at this hour.
    assert any(re.search(r"^1\) ", sms, re.MULTILINE) for sms in results), results
    assert any("FEIL 1" in sms for sms in results), "how to report a wrong service"
    assert all(segments(sms) <= 3 for sms in results), [segments(sms) for sms in results]
    assert not any("https://" in sms or "≈" in sms for sms in results), results
    refined = converse(stack, gateway, phone, "1")  # the first narrowing choice
    assert any("rusinfo.no" in sms for sms in refined), refined


def test_feil_and_a_number_reports_that_service_and_asks_what_is_wrong(stack, gateway):
    phone = new_phone()
    converse(stack, gateway, phone, "trenger hjelp med rus i Bergen")
    asked = "\n".join(converse(stack, gateway, phone, "FEIL 1"))
    assert "Hva er feil med" in asked and "4) Det er lagt ned" in asked, asked
    thanks = "\n".join(converse(stack, gateway, phone, "4"))
    assert "Takk. Jeg har notert" in thanks, thanks


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
    status, answer = send_generic(stack, phone, "hjelp " * 2_000)  # ~12 KB: no SMS is that long
    assert status == 413 and "1600" in answer["error"]
    status, answer = send_generic(stack, phone, "hjelp " * 17_000)  # ~100 KB: the server's body limit
    assert status == 413 and "64 KiB" in answer["error"]
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
    assert request.fields()["From"] == TWILIO_NUMBER
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
    supervisor.stop_process(stack, "actions")
    phone = new_phone()
    replies = converse(stack, gateway, phone, "jeg trenger hjelp med rusen min, bor i Bergen")
    assert any("113" in sms and "116 123" in sms for sms in replies), replies
    crisis = converse(stack, gateway, phone, "vennen min puster ikke")
    expected = for_sms(response_text("utter_crisis_overdose", "nb", crisis_state="not_breathing"))
    assert " ".join(" ".join(crisis).split()).startswith(" ".join(expected.split())), crisis  # as on the web


def test_an_accepted_sms_is_answered_even_when_the_server_is_stopped_at_once(stack, gateway):
    phone = new_phone()
    assert send_generic(stack, phone, "jeg trenger hjelp med rusen min, bor i Oslo")[0] == 202
    supervisor.stop_process(stack, "rasa", grace_s=60)
    assert any("113" in r.text for r in gateway.delivered(phone)), [r.text for r in gateway.delivered(phone)]
