"""The conversations store (bot/stores/conversations.py): every event stored once, and a forgotten one leaves no trace."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.stores import retention
from bot.stores.forget import EVENTS, forget_conversation
from bot.stores.conversations import ConversationStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(empty_database_url: str) -> Iterator[ConversationStore]:
    store = ConversationStore(Domain.empty(), host=empty_database_url)
    yield store
    store.engine.dispose()


def stored_texts(store: ConversationStore, sender: str) -> list[str | None]:
    with store.engine.connect() as connection:
        rows = connection.execute(sa.select(EVENTS.c.type_name, EVENTS.c.data)
                                  .where(EVENTS.c.sender_id == sender).order_by(EVENTS.c.id)).all()
    return [row.type_name for row in rows]


def turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered("hei"))
    tracker.update(ActionExecuted("action_listen"))


def test_each_turn_stores_only_its_new_events(store: ConversationStore) -> None:
    async def conversation() -> DialogueStateTracker:
        tracker = await store.get_or_create_tracker("a")
        for text in ("hei", "jeg trenger hjelp", "i Bergen"):
            tracker = await store.retrieve("a") or tracker  # as Rasa starts a turn
            turn(tracker, text)
            await store.save(tracker)
        return await store.retrieve("a")

    final = asyncio.run(conversation())
    assert len(stored_texts(store, "a")) == len(final.events) == 1 + 3 * 4
    assert [e.text for e in final.events if isinstance(e, UserUttered)] == ["hei", "jeg trenger hjelp", "i Bergen"]


def test_a_tracker_it_did_not_read_is_counted_in_the_database(store: ConversationStore) -> None:
    """Another server (or another object) wrote the start: the store must not write it again."""
    async def two_writers() -> None:
        first = await store.get_or_create_tracker("b")
        turn(first, "hei")
        await store.save(first)
        other = DialogueStateTracker.from_events("b", list(first.events))
        turn(other, "takk")
        await store.save(other)

    asyncio.run(two_writers())
    assert len(stored_texts(store, "b")) == 1 + 2 * 4


def test_a_forgotten_conversation_leaves_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    database = tmp_path / "conversations.sqlite"
    store = ConversationStore(Domain.empty(), host=f"sqlite:///{database}")
    secret = "hemmeligheten-min-som-skal-bort"

    async def say_and_forget() -> None:
        tracker = await store.get_or_create_tracker("c")
        for _ in range(20):  # enough to fill pages, as a real conversation does
            turn(tracker, f"{secret} {'x' * 200}")
        await store.save(tracker)
        await forget_conversation(store, "c")

    asyncio.run(say_and_forget())
    store.engine.dispose()
    files = [path for path in tmp_path.iterdir() if path.name.startswith(database.name)]
    assert files and not [path.name for path in files if secret.encode() in path.read_bytes()]


def test_endpoints_yml_makes_this_store_not_a_silent_in_memory_one(tmp_path: Path, monkeypatch) -> None:
    """Rasa replaces a tracker store class it cannot import with an in-memory one, with only a warning."""
    monkeypatch.setenv(retention.TRACKER_URL_SETTING, f"sqlite:///{tmp_path / 'conversations.sqlite'}")
    for name in ("VEIVISER_ACTION_URL", "VEIVISER_LOCK_STORE", "VEIVISER_REDIS_HOST", "VEIVISER_REDIS_PORT",
                 "VEIVISER_REDIS_DB", "VEIVISER_REDIS_PASSWORD", "VEIVISER_REDIS_KEY_PREFIX"):
        monkeypatch.setenv(name, "")
    endpoint = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    store = create_tracker_store(endpoint, Domain.empty())
    assert isinstance(store, ConversationStore)
