"""Rasa starts without a usable model: the channel still answers, a crisis still gets 113, deleting still works.

The same stack shows that the Rasa server purges old conversations as soon as
it starts, without cron.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from conversation.texts import response_text
from bot.privacy.pseudonym import pseudonym
from bot.safety_net import safety_net_text
from tests.support.trackers import conversation
from tests.reliability.conftest import Running, StartStack
from harness.stack_client import forget, health, say, stored_senders

pytestmark = pytest.mark.e2e
REMEMBERED = "returning-widget"


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A conversations database holding one conversation 30 hours old and one from just now."""
    path = tmp_path_factory.mktemp("conversations") / "conversations.sqlite"
    store = SQLTrackerStore(Domain.empty(), host=f"sqlite:///{path}")
    asyncio.run(store.save(conversation("web-old", 30, last_hours_ago=29)))
    asyncio.run(store.save(conversation(pseudonym("web", REMEMBERED), 1, last_hours_ago=0.1)))
    store.engine.dispose()
    return path


@pytest.fixture(scope="module")
def running(start_stack: StartStack, tracker_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Running:
    broken = tmp_path_factory.mktemp("model") / "broken.tar.gz"
    broken.write_bytes(b"this is not a model")
    return start_stack(model_path=broken, VEIVISER_TRACKER_URL=f"sqlite:///{tracker_db}")


def senders(tracker_db: Path) -> set[str]:
    return stored_senders(f"sqlite:///{tracker_db}")


def test_old_conversations_are_purged_when_the_server_starts(running, tracker_db):
    deadline = time.monotonic() + 30
    while "web-old" in senders(tracker_db) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert senders(tracker_db) == {pseudonym("web", REMEMBERED)}


def test_without_a_model_the_safety_net_answers(running):
    assert say(running.stack, str(uuid.uuid4()), "hei, trenger hjelp i Bergen") == [safety_net_text("nb")]
    assert say(running.stack, str(uuid.uuid4()), "I need help with heroin") == [safety_net_text("en")]


@pytest.mark.parametrize("text, expected", [
    ("vennen min puster ikke", response_text("utter_crisis_overdose", "nb", crisis_state="not_breathing")),
    ("jeg vil ta livet mitt", response_text("utter_crisis_suicidal", "nb")),
])
def test_without_a_model_a_crisis_gets_the_crisis_answer(running, text, expected):
    assert say(running.stack, str(uuid.uuid4()), text)[0] == expected


def test_without_a_model_deleting_still_works(running, tracker_db):
    status, messages = forget(running.stack, REMEMBERED)
    assert (status, messages[0]["text"]) == (200, response_text("utter_conversation_reset"))
    assert pseudonym("web", REMEMBERED) not in senders(tracker_db)


def test_health_says_the_model_is_missing(running):
    assert health(running.stack) == (503, {"model": False, "actions": True, "catalogue": True, "conversations": True})
