"""The SMS channel's small parts without a server: de-duplication, input cleaning, safety net."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.sms import is_stop_word, last_bot_turn
from bot.channels.sms_dedup import InMemorySeenMessages
from bot.channels.sms_gateways import (
    MAX_INBOUND_CHARS,
    GenericGateway,
    InboundRejected,
    clean_text,
    gateways_from_credentials,
    normalise_phone,
    signed_headers,
)
from bot.safety_net import safety_net_text


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_message_id_is_new_once_per_gateway_until_it_expires():
    clock = Clock()
    seen = InMemorySeenMessages(ttl_s=60, clock=clock)
    assert await seen.first_time("generic", "m1")
    assert not await seen.first_time("generic", "m1")
    assert await seen.first_time("twilio", "m1")
    clock.now = 61
    assert await seen.first_time("generic", "m1")


async def test_the_store_is_bounded_and_forgets_the_oldest_first():
    seen = InMemorySeenMessages(max_entries=3)
    for message_id in "abcd":
        assert await seen.first_time("generic", message_id)
    assert len(seen) == 3
    assert await seen.first_time("generic", "a")  # forgotten
    assert not await seen.first_time("generic", "d")


async def test_the_store_keeps_no_message_id_or_number_in_clear():
    seen = InMemorySeenMessages()
    await seen.first_time("generic", "+4791234567")
    assert not any("91234567" in key for key in seen._seen)


def test_control_and_direction_characters_are_removed_and_text_kept():
    assert clean_text("hei\x00 der\x07\x1b\u202e\r\n\tBergen") == "hei der\n Bergen"


@pytest.mark.parametrize("raw, status", [("", 422), (" \x00\x01 ", 422), ("x" * (MAX_INBOUND_CHARS + 1), 413), (42, 400)])
def test_empty_oversized_or_non_text_is_refused_with_a_reason(raw, status):
    with pytest.raises(InboundRejected) as refused:
        clean_text(raw)
    assert refused.value.status == status and refused.value.reason


def test_a_signed_body_nested_too_deeply_is_a_400_not_a_crash():
    """Found by tests/fuzz: the JSON parser's RecursionError became a 500."""
    body = b"[" * 5000
    request = SimpleNamespace(body=body, headers=signed_headers("secret", body))
    with pytest.raises(InboundRejected) as refused:
        GenericGateway(secret="secret", send_url="http://127.0.0.1:9/send").parse(request)
    assert refused.value.status == 400 and "nested too deeply" in refused.value.reason


@pytest.mark.parametrize("raw", ["+4791234567", "4791234567", "004791234567", "91234567", "+47 912 34 567"])
def test_one_phone_is_one_number_whatever_the_gateway_writes(raw):
    assert normalise_phone(raw) == "+4791234567"


@pytest.mark.parametrize("raw", ["abc", "", "12", "+47912345678901234", None])
def test_what_is_not_a_phone_number_is_refused(raw):
    with pytest.raises(InboundRejected):
        normalise_phone(raw)


@pytest.mark.parametrize("text", ["STOPP", "stopp", "Stop", "slett", "SLETT!", " stopp. "])
def test_stop_words(text):
    assert is_stop_word(text)


@pytest.mark.parametrize("text", ["stopp å ruse meg", "slett ikke", "hei"])
def test_sentences_with_a_stop_word_are_ordinary_messages(text):
    assert not is_stop_word(text)


def test_the_last_bot_turn_is_read_back_from_the_tracker():
    buttons = [{"title": "For meg selv", "payload": "/a"}, {"title": "Vil ikke si", "payload": "/deny"}]
    tracker = DialogueStateTracker.from_events("s", [
        UserUttered("hei"), BotUttered("gammelt", {"buttons": [{"title": "x", "payload": "/x"}]}),
        UserUttered("hjelp"), BotUttered("Er det for deg selv?", {"buttons": buttons}),
    ])
    assert last_bot_turn(tracker) == [{"text": "Er det for deg selv?", "buttons": buttons}]
    assert last_bot_turn(None) == []


def test_only_fully_configured_gateways_are_on_and_the_rest_are_named_without_values(caplog):
    credentials = {
        "generic": {"secret": "s3cret-value", "send_url": "http://gw/send"},
        "link": {"gate_secret": "g", "username": "u", "password": "p", "platform_id": "", "platform_partner_id": None},
        "twilio": {"account_sid": "", "auth_token": "", "sender": "", "api_base": "", "webhook_url": ""},
    }
    with caplog.at_level("INFO"):
        gateways = gateways_from_credentials(credentials)
    assert set(gateways) == {"generic"}
    assert "gateway=link missing=platform_id,platform_partner_id" in caplog.text
    assert "twilio" not in caplog.text.replace("sms.gateways.on generic", "")
    assert "s3cret-value" not in caplog.text and "s3cret-value" not in repr(gateways)


def test_defaults_fill_what_is_left_empty():
    link = gateways_from_credentials({"link": {"gate_secret": "g", "username": "u", "password": "p",
                                                "platform_id": "1", "platform_partner_id": "2", "base_url": ""}})["link"]
    assert link.base_url == "https://n-eu.linkmobility.io" and link.sender == "Veiviser"
