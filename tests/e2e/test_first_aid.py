"""First aid through the real stack (issue 18): the answer fits the person's state, a follow-up gets the next step."""
from __future__ import annotations

import uuid

from conversation.texts import response_text
from harness.stack_client import exchange, say


def test_not_breathing_gets_hlr_naloxone_and_a_call_button(stack):
    replies = exchange(stack, str(uuid.uuid4()), "han puster ikke")
    assert replies[0]["text"] == response_text("utter_crisis_overdose", "nb", crisis_state="not_breathing")
    assert replies[1]["custom"] == {"type": "call", "number": "113", "label": "Ring 113"}


def test_a_follow_up_gets_the_next_step_then_what_to_do_when_help_arrives(stack):
    sender = str(uuid.uuid4())
    first = say(stack, sender, "han puster ikke")[0]
    then = say(stack, sender, "ambulansen er på veg, kva gjer eg no?")[0]
    # Asked in nynorsk, so answered in nynorsk; the state (not breathing) is kept from the first message.
    assert then == response_text("utter_crisis_next", "nn", crisis_state="not_breathing") != first
    last = say(stack, sender, "ambulansen kommer snart, hva mer kan jeg gjøre?")[0]
    assert last == response_text("utter_crisis_when_help_arrives", "nb")


def test_pills_on_purpose_get_the_poison_and_suicide_lines(stack):
    answer = say(stack, str(uuid.uuid4()), "kjæresten min har tatt alle pillene sine med vilje")[0]
    assert answer == response_text("utter_crisis_overdose", "nb", crisis_state="deliberate")


def test_english_not_breathing_gets_cpr(stack):
    answer = say(stack, str(uuid.uuid4()), "my friend is not breathing")[0]
    assert answer == response_text("utter_crisis_overdose", "en", crisis_state="not_breathing")
