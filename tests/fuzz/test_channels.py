"""Fuzz the conversation channels of the real Rasa server on loopback: the chat channel and the SMS webhooks.

One stack for the module (action server + Rasa server, SMS gateways pointed
at a fake gateway), started as `make run` starts it. Every answer is a clear
4xx or a sensible reply (a chat turn: 200 and a list of messages, with 113
when the text signals a crisis; an SMS: accepted, then answered by SMS).
Conversations begun before the fuzzing still have their slots after it,
and the processes are still running.
"""
from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from bot.channels.sms_gateways import normalise_phone, signed_headers
from harness.sms_gateway import FakeGateway
from harness.sms_stack import GATE_SECRET, SECRET, TWILIO_SID, TWILIO_TOKEN, converse, post, running_sms_stack
from tests.conftest import ROOT
from tests.fuzz.hostile import header_text, hostile_body, hostile_payload, hostile_text, json_values
from veiviser import supervisor

pytestmark = pytest.mark.e2e

# The chat channels to fuzz, by path under the Rasa server; one that credentials.yml does not open is skipped.
# Rasa's own "/webhooks/rest" was fuzzed too until credentials.yml dropped it (it answered 500 to an empty body).
CHAT_CHANNELS = ("/webhooks/web",)
CHAT_TURNS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHAT_REFUSALS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SMS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CRISIS = yaml.safe_load((ROOT / "tests" / "crisis_phrasings.yml").read_text(encoding="utf-8"))
CRISIS_PHRASES = CRISIS["crisis_overdose"] + CRISIS["crisis_suicidal"]
ACCEPTED_SMS: set[str] = set()  # phones whose fuzzed SMS the channel accepted: each must get an answer
WAITING_PHONE = "+4759000001"  # the SMS conversation begun before the fuzzing (fuzzed phones are +474...)


def http(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=120) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def stack(model: Path, catalogue_url: str, gateway: FakeGateway, tmp_path_factory) -> Iterator[supervisor.Stack]:
    with running_sms_stack(model, catalogue_url, gateway, tmp_path_factory.mktemp("fuzz-logs")) as running:
        yield running


@dataclass
class Chat:
    url: str  # the channel's base URL
    waiting_sender: str  # a conversation begun before the fuzzing: a relative, asked where they live

    def post(self, body: bytes) -> tuple[int, bytes]:
        return http(f"{self.url}/webhook", body, {"Content-Type": "application/json"})

    def say(self, sender: str, text: str) -> tuple[int, Any]:
        status, raw = self.post(json.dumps({"sender": sender, "message": text}).encode())
        return status, _json_or_text(raw)


def _json_or_text(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


@pytest.fixture(scope="module", params=CHAT_CHANNELS)
def chat(request: pytest.FixtureRequest, stack: supervisor.Stack) -> Chat:
    url = f"{stack.rasa_url}{request.param}"
    if http(f"{url}/")[0] != 200:
        pytest.skip(f"{request.param} is not a channel of this stack (credentials.yml)")
    channel = Chat(url, waiting_sender=str(uuid.uuid4()))
    status, messages = channel.say(channel.waiting_sender, "sønnen min ruser seg, hva gjør jeg")
    assert status == 200 and any("Hvor bor du" in m.get("text", "") for m in messages), messages
    return channel


def assert_sensible(status: int, answer: Any) -> list[str]:
    """A chat turn's answer: 200 and a list of messages, or a clear client error. The texts of the messages."""
    if status == 200:
        assert isinstance(answer, list) and all(isinstance(m, dict) for m in answer), answer
        return [m.get("text") or "" for m in answer]
    assert 400 <= status < 500, (status, answer)
    assert answer, "a refusal must say why"
    return []


def chat_payloads() -> st.SearchStrategy[dict[str, Any]]:
    return hostile_payload({"sender": st.uuids().map(str), "message": hostile_text(3000)})


@CHAT_REFUSALS
@given(body=hostile_body(chat_payloads()))
def test_a_broken_chat_body_gets_a_clear_error_or_a_reply(chat, tally, body):
    status, raw = chat.post(body)
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: raw body", status)
    assert_sensible(status, _json_or_text(raw))


@CHAT_REFUSALS
@given(payload=chat_payloads())
def test_wrong_types_and_hostile_fields_get_a_clear_error_or_a_reply(chat, tally, payload):
    status, raw = chat.post(json.dumps(payload).encode())
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: payload", status)
    assert_sensible(status, _json_or_text(raw))


@CHAT_TURNS
@given(text=hostile_text(3000))
def test_any_text_gets_a_reply_or_a_clear_error(chat, tally, text):
    status, answer = chat.say(str(uuid.uuid4()), text)
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: text", status)
    texts = assert_sensible(status, answer)
    if status == 200 and text.strip():
        assert texts and any(texts), answer


@CHAT_TURNS
@given(phrase=st.sampled_from(CRISIS_PHRASES), noise=hostile_text(500), noise_first=st.booleans())
def test_a_crisis_in_hostile_noise_still_gets_113(chat, tally, phrase, noise, noise_first):
    text = f"{noise}\n{phrase}" if noise_first else f"{phrase}\n{noise}"
    status, answer = chat.say(str(uuid.uuid4()), text)
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: crisis in noise", status)
    assert status == 200, answer
    assert any("113" in text for text in assert_sensible(status, answer)), answer


# Any code point, lone surrogates on purpose: JSON carries them, UTF-8 cannot (a crisis once got a 500 for one).
ANY_CODE_POINT = st.integers(0, 0x10FFFF) | st.integers(0xD800, 0xDFFF)
ODD_SENDERS = st.sampled_from(("abc\udfff", "\ud800", "\udfff\ud800", "\x00", "\u202e1\u202c", "\ufeff")) | st.lists(
    ANY_CODE_POINT, min_size=1, max_size=128).map(lambda points: "".join(map(chr, points)))


@CHAT_TURNS
@given(sender=ODD_SENDERS, phrase=st.sampled_from(CRISIS_PHRASES))
def test_a_crisis_from_any_sender_id_gets_113(chat, tally, sender, phrase):
    status, answer = chat.say(sender, phrase)
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: odd sender, crisis", status)
    assert status == 200, answer
    assert any("113" in text for text in assert_sensible(status, answer)), answer


@CHAT_REFUSALS
@given(sender=ODD_SENDERS)
def test_forgetting_any_sender_id_is_answered_without_a_server_error(chat, tally, sender):
    status, raw = http(f"{chat.url}/forget", json.dumps({"sender": sender}).encode(),
                       {"Content-Type": "application/json"})
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: odd sender, forget", status)
    assert status < 500 or status == 503, (status, raw[:300])
    assert_sensible(200 if status == 503 else status, _json_or_text(raw))


@CHAT_TURNS
@given(command=st.sampled_from(("/restart", "/session_start", "/greet", "/deny", "/affirm", "/inform_location",
                                "/action_restart", "/crisis_overdose", "/", "//")),
       entities=st.one_of(st.just(""), json_values(3).map(json.dumps)), words=hostile_text(200))
def test_a_typed_slash_command_is_read_as_words(chat, tally, command, entities, words):
    status, answer = chat.say(str(uuid.uuid4()), f"{command}{entities} {words}")
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: slash command", status)
    texts = assert_sensible(status, answer)
    assert not any("får ikke svart" in text for text in texts), answer  # never the failure safety net


@CHAT_TURNS
@given(phrase=st.sampled_from(CRISIS_PHRASES), slashes=st.text(alphabet="/ ", min_size=1, max_size=3))
def test_a_crisis_after_a_slash_still_gets_113(chat, tally, phrase, slashes):
    status, answer = chat.say(str(uuid.uuid4()), f"{slashes}{phrase}")
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: slash + crisis", status)
    assert status == 200 and any("113" in text for text in assert_sensible(status, answer)), answer


CONTENT_TYPES = st.sampled_from(("application/json", "application/json; charset=utf-8", "text/plain",
                                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                 "application/xml", "", "APPLICATION/JSON", "application/jsonp"))


@CHAT_REFUSALS
@given(content_type=CONTENT_TYPES, text=hostile_text(300), path=st.sampled_from(("webhook", "forget")))
def test_any_content_type_gets_a_reply_or_a_clear_refusal(chat, tally, content_type, text, path):
    body = json.dumps({"sender": str(uuid.uuid4()), "message": text or "hei"}).encode()
    status, raw = http(f"{chat.url}/{path}", body, {"Content-Type": content_type} if content_type else {})
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: content type", status)
    json_type = content_type.split(";")[0].strip().lower() == "application/json"
    assert status == 415 if not json_type else status < 500 or status == 503, (status, raw[:200])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(1_000, 400_000))
def test_a_body_of_any_size_gets_a_reply_or_413(chat, tally, size):
    body = json.dumps({"sender": str(uuid.uuid4()), "message": "a" * size}).encode()
    status, raw = chat.post(body)
    tally(f"chat {chat.url.rsplit('/', 1)[-1]}: body size", status)
    assert status in (400, 413) if size > 4000 else status == 200, (size, status, raw[:200])


@CHAT_REFUSALS
@given(marker=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=16, max_size=16), junk=json_values())
def test_the_action_server_never_answers_with_what_it_was_sent(stack, tally, marker, junk):
    """Issue 17: rasa_sdk's own error answer held the whole request, the tracker, so what a person wrote."""
    tracker = {"sender_id": marker, "latest_message": {"text": marker}, "slots": junk, "events": junk}
    body = {"next_action": "action_find_services", "sender_id": marker, "tracker": tracker, "domain": junk}
    status, raw = http(f"{stack.actions_url}/webhook", json.dumps(body).encode(), {"Content-Type": "application/json"})
    tally("action server: crafted tracker", status)
    assert marker not in raw.decode("utf-8", "replace"), (status, raw[:300])


def test_after_the_fuzzing_the_chat_goes_on_where_it_was(chat, stack):
    assert all(process.poll() is None for process in stack.processes.values()), "a process of the stack died"
    status, messages = chat.say(chat.waiting_sender, "Trondheim")
    texts = assert_sensible(status, messages)
    assert any("pårørende" in t.lower() for t in texts) and any("Sist kontrollert" in t for t in texts), texts
    status, messages = chat.say(str(uuid.uuid4()), "hei")
    assert status == 200 and "Veiviser" in messages[0]["text"], messages


# --- SMS ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sms_waiting(stack: supervisor.Stack, gateway: FakeGateway) -> str:
    """An SMS conversation begun before the fuzzing: a relative, asked where they live."""
    replies = converse(stack, gateway, WAITING_PHONE, "sønnen min ruser seg, hva gjør jeg")
    assert any("Hvor bor du" in sms for sms in replies), replies
    return WAITING_PHONE


FUZZ_PHONES = st.integers(min_value=40_000_000, max_value=49_999_999).map(lambda n: f"+47{n}")


def generic_payloads() -> st.SearchStrategy[dict[str, Any]]:
    return hostile_payload({"id": st.uuids().map(lambda u: u.hex), "from": FUZZ_PHONES, "text": hostile_text(3000)})


def _sms_answer(status: int, raw: bytes, phone: Any) -> None:
    """Accepted (and remembered, to be answered later) or refused with a JSON reason."""
    answer = _json_or_text(raw)
    if status in (200, 202):
        if isinstance(phone, str):
            ACCEPTED_SMS.add(normalise_phone(phone))  # a spoiled "from" such as "429" is a number too
        return
    assert 400 <= status < 500, (status, answer)
    assert isinstance(answer, dict) and answer.get("error"), answer


@SMS
@given(body=hostile_body(generic_payloads()))
def test_a_broken_signed_sms_body_is_refused_clearly(stack, sms_waiting, tally, body):
    status, raw = post(stack, "webhook", body, {"Content-Type": "application/json", **signed_headers(SECRET, body)})
    tally("SMS generic: raw body", status)
    assert status in (400, 401, 413, 422) or status in (200, 202), (status, raw[:300])
    _sms_answer(status, raw, None)


@SMS
@given(payload=generic_payloads())
def test_a_signed_sms_with_hostile_fields_is_answered_or_refused_clearly(stack, sms_waiting, tally, payload):
    body = json.dumps(payload).encode()
    status, raw = post(stack, "webhook", body, {"Content-Type": "application/json", **signed_headers(SECRET, body)})
    tally("SMS generic: payload", status)
    _sms_answer(status, raw, payload.get("from"))


@SMS
@given(body=hostile_body(generic_payloads()), timestamp=header_text(30), signature=header_text(80))
def test_an_unsigned_sms_is_401_whatever_it_holds(stack, tally, body, timestamp, signature):
    headers = {"Content-Type": "application/json", "X-Veiviser-Timestamp": timestamp, "X-Veiviser-Signature": signature}
    status, raw = post(stack, "webhook", body, headers)
    tally("SMS generic: bad signature", status)
    # A body over the server's 64 KiB limit is refused before anything reads it, signature or not.
    assert status in (401, 413) and json.loads(raw)["error"], (status, raw[:300])


@SMS
@given(payload=hostile_payload({"id": st.uuids().map(str), "source": FUZZ_PHONES, "userData": hostile_text(3000)}))
def test_link_mobility_input_is_answered_or_refused_clearly(stack, tally, payload):
    body = json.dumps(payload).encode()
    auth = base64.b64encode(f"link:{GATE_SECRET}".encode()).decode()
    status, raw = post(stack, "link", body, {"Content-Type": "application/json", "Authorization": f"Basic {auth}"})
    tally("SMS LINK Mobility", status)
    _sms_answer(status, raw, payload.get("source"))


@SMS
@given(form=st.fixed_dictionaries(
    {"AccountSid": st.just(TWILIO_SID)},
    optional={"MessageSid": st.uuids().map(lambda u: f"SM{u.hex}"), "From": FUZZ_PHONES, "Body": hostile_text(3000),
              "To": hostile_text(20), "NumMedia": hostile_text(10)}))
def test_twilio_input_is_answered_or_refused_clearly(stack, tally, form):
    # Twilio sends no empty fields (and Sanic would drop them, so the signature would not match).
    form = {k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for k, v in form.items() if v}
    url = f"{stack.rasa_url}/webhooks/sms/twilio"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    status, raw = post(stack, "twilio", urllib.parse.urlencode(form).encode(),
                       {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
    tally("SMS Twilio", status)
    if status == 200:
        assert b"<Response>" in raw
        ACCEPTED_SMS.add(normalise_phone(form["From"]))
    else:
        assert 400 <= status < 500 and json.loads(raw)["error"], (status, raw[:300])


def test_after_the_fuzzing_every_accepted_sms_is_answered_and_the_conversation_goes_on(stack, gateway, sms_waiting):
    assert ACCEPTED_SMS, "the fuzzing should have had some SMS accepted"
    deadline = time.monotonic() + 180
    while (unanswered := [p for p in ACCEPTED_SMS if not gateway.delivered(p)]) and time.monotonic() < deadline:
        time.sleep(1)
    assert not unanswered, f"{len(unanswered)} of {len(ACCEPTED_SMS)} accepted SMS got no answer"
    assert all(process.poll() is None for process in stack.processes.values()), "a process of the stack died"
    replies = converse(stack, gateway, sms_waiting, "Trondheim")
    assert any("pårørende" in sms.lower() for sms in replies), replies
