"""A crisis by SMS gets the same crisis answer as on the web, even with no model at all (issue 15).

Both channels go through safe_turn.with_safety_net; this runs them side by side on one real
stack started with a file that is not a model, as tests/reliability/test_no_model.py does for
the web. (The action server down is tested on the SMS stack in test_sms_channel.py.)
"""
from __future__ import annotations

import random
import uuid
from typing import Iterator

import pytest

from bot.channels.sms_text import for_sms
from conversation.texts import response_text
from harness.sms_gateway import FakeGateway
from harness.sms_stack import converse, running_sms_stack
from harness.stack_client import say
from veiviser import supervisor

pytestmark = pytest.mark.e2e
CRISES = [
    ("vennen min puster ikke", response_text("utter_crisis_overdose", "nb", crisis_state="not_breathing")),
    ("eg vil ikkje leve lenger", response_text("utter_crisis_suicidal", "nn")),
    ("my friend took an overdose and is not breathing",
     response_text("utter_crisis_overdose", "en", crisis_state="not_breathing")),
]


@pytest.fixture(scope="module")
def without_model(catalogue_url: str, gateway: FakeGateway, tmp_path_factory) -> Iterator[supervisor.Stack]:
    broken = tmp_path_factory.mktemp("model") / "broken.tar.gz"
    broken.write_bytes(b"this is not a model")
    with running_sms_stack(broken, catalogue_url, gateway, tmp_path_factory.mktemp("sms-no-model")) as stack:
        yield stack


def same_words(text: str) -> str:
    """SMS splits long answers over messages and lines; compare the words."""
    return " ".join(text.split())


@pytest.mark.parametrize("text, expected", CRISES)
def test_with_no_model_a_crisis_by_sms_gets_the_same_answer_as_on_the_web(without_model, gateway, text, expected):
    assert say(without_model, str(uuid.uuid4()), text)[0] == expected
    sms = converse(without_model, gateway, f"+479{random.randint(1_000_000, 9_999_999)}", text)
    assert same_words(" ".join(sms)).startswith(same_words(for_sms(expected))), sms
