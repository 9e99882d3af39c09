"""The channel-level safety net, driven by a stand-in for Rasa's message handler.

tests/reliability does the same with the real processes stopped; these cover
each way a turn can fail, quickly and one at a time.
"""
from __future__ import annotations

import asyncio
import logging

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels import safe_turn
from conversation.texts import response_text
from bot.safety_net import safety_net_text


async def replies_hei(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "Hei!")


async def replies_then_an_action_fails(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, "Dette fant jeg:")
    logging.getLogger("rasa.core.processor").error("Encountered an exception while running action")


async def raises(_message: UserMessage) -> None:
    raise ConnectionError("tracker store down")


async def says_nothing(_message: UserMessage) -> None:
    return None


async def hangs(_message: UserMessage) -> None:
    await asyncio.sleep(3600)


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages if "text" in m]


@pytest.fixture(autouse=True)
def watcher():
    safe_turn.watch_for_failures()


async def test_a_good_turn_is_passed_through():
    messages, answered = await safe_turn.answer(replies_hei, "hei", "web-1", "web")
    assert (texts(messages), answered) == (["Hei!"], True)


@pytest.mark.parametrize("handler", [raises, says_nothing, replies_then_an_action_fails])
async def test_a_failed_or_silent_turn_gets_the_safety_net(handler):
    messages, answered = await safe_turn.answer(handler, "trenger hjelp i Bergen", "web-1", "web")
    assert not answered
    assert texts(messages)[-1] == safety_net_text("nb")


async def test_what_got_out_before_the_failure_is_kept():
    messages, _ = await safe_turn.answer(replies_then_an_action_fails, "hjelp", "web-1", "web")
    assert texts(messages) == ["Dette fant jeg:", safety_net_text("nb")]


async def test_a_turn_that_hangs_is_cut_off(monkeypatch):
    monkeypatch.setenv(safe_turn.TIMEOUT_SETTING, "0.2")
    messages, answered = await safe_turn.answer(hangs, "hei", "web-1", "web")
    assert (texts(messages), answered) == ([safety_net_text("nb")], False)


async def test_an_error_logged_elsewhere_does_not_fail_the_turn():
    async def logs_a_harmless_error(message: UserMessage) -> None:
        logging.getLogger("rasa.core.nlg.interpolator").error("a placeholder had no value")
        await replies_hei(message)

    assert (await safe_turn.answer(logs_a_harmless_error, "hei", "web-1", "web"))[1]


@pytest.mark.parametrize("text, expected", [
    ("vennen min puster ikke", response_text("utter_crisis_overdose", "nb", crisis_state="not_breathing")),
    ("jeg vil ikke leve lenger", response_text("utter_crisis_suicidal", "nb")),
    ("ambulansen er på veg, kva gjer eg no?", response_text("utter_crisis_next", "nn", crisis_state=None)),
])
async def test_a_crisis_gets_the_crisis_answer_first_when_the_bot_is_down(text, expected):
    messages, _ = await safe_turn.answer(says_nothing, text, "web-1", "web")
    assert texts(messages)[0] == expected


async def test_english_gets_the_english_safety_net():
    messages, _ = await safe_turn.answer(raises, "I need help with heroin", "web-1", "web")
    assert texts(messages) == [safety_net_text("en")]


def test_a_failed_or_silent_turn_ends_with_the_safety_net_in_its_language():
    """Every channel's one safety net (the SMS channel's too)."""
    answered = [{"text": "Hei!"}]
    assert safe_turn.with_safety_net(answered, "hei", "s", failed=False) == answered
    assert safe_turn.with_safety_net(answered, "hei", "s", failed=True)[-1]["text"] == safety_net_text()
    assert safe_turn.with_safety_net([], "hello", "s", failed=False, language="en") == [
        {"recipient_id": "s", "text": safety_net_text("en")}]


def test_a_crisis_reply_without_113_gets_the_crisis_answer_first_even_when_the_turn_went_well():
    replies = safe_turn.with_safety_net([{"text": "Hvor bor du?"}], "han puster ikke", "s", failed=False)
    assert replies[0]["text"] == response_text("utter_crisis_overdose", "nb", crisis_state="not_breathing")
    crisis_reply = [{"text": "Ring 113 nå."}]
    assert safe_turn.with_safety_net(crisis_reply, "han puster ikke", "s", failed=False) == crisis_reply
