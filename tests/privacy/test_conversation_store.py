"""Deleting one conversation and purging old ones, on Rasa's own tracker stores (SQLite and PostgreSQL)."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Iterator

import pytest
from rasa.core.tracker_store import (
    AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore, TrackerStore,
)
from rasa.shared.core.domain import Domain

from bot.stores.forget import forget_conversation, purge
from bot.stores.conversations import ConversationStore
from veiviser.cli import main
from tests.support.trackers import HOUR, NOW, conversation



@pytest.fixture
def sql_store(empty_database_url: str) -> Iterator[SQLTrackerStore]:
    store = ConversationStore(Domain.empty(), host=empty_database_url)
    yield store
    store.engine.dispose()


@pytest.mark.parametrize("wrap", [lambda s: s, FailSafeTrackerStore, AwaitableTrackerStore],
                         ids=["plain", "fail-safe", "awaitable"])
async def test_forgetting_deletes_one_conversation_and_keeps_the_others(sql_store, wrap):
    await sql_store.save(conversation("web-a", 1, last_hours_ago=0.5))
    await sql_store.save(conversation("web-b", 1, last_hours_ago=0.5))
    await forget_conversation(wrap(sql_store), "web-a")
    assert await sql_store.retrieve_full_tracker("web-a") is None
    assert len((await sql_store.retrieve_full_tracker("web-b")).events) == 4


async def test_forgetting_in_memory():
    store = InMemoryTrackerStore(Domain.empty())
    await store.save(conversation("web-a", 1, last_hours_ago=0.5))
    await forget_conversation(FailSafeTrackerStore(store), "web-a")
    assert await store.retrieve("web-a") is None


async def test_forgetting_also_clears_what_rasa_kept_in_memory_while_the_store_was_down(sql_store):
    store = FailSafeTrackerStore(sql_store)
    await store.fallback_tracker_store.save(conversation("web-a", 1, last_hours_ago=0.5))
    await sql_store.save(conversation("web-a", 1, last_hours_ago=0.5))
    await forget_conversation(store, "web-a")
    assert await store.fallback_tracker_store.retrieve("web-a") is None
    assert await sql_store.retrieve("web-a") is None


async def test_forgetting_a_conversation_that_does_not_exist_is_not_an_error(sql_store):
    await forget_conversation(sql_store, "web-never-seen")


async def test_forgetting_on_an_unsupported_store_says_so():
    class Elsewhere(TrackerStore):
        pass

    with pytest.raises(TypeError, match="Elsewhere"):
        await forget_conversation(Elsewhere(Domain.empty()), "web-a")


async def test_purge_removes_quiet_conversations_and_old_sessions_but_not_the_current_one(sql_store):
    await sql_store.save(conversation("quiet", 30, last_hours_ago=25))
    await sql_store.save(conversation("daily", 50, 2, last_hours_ago=1))
    await sql_store.save(conversation("long-session", 30, last_hours_ago=1))
    await sql_store.save(conversation("fresh", 1, last_hours_ago=0.1))

    report = purge(sql_store.engine, timedelta(hours=24), now=NOW)

    assert await sql_store.retrieve_full_tracker("quiet") is None
    daily = (await sql_store.retrieve_full_tracker("daily")).events
    assert min(e.timestamp for e in daily) == pytest.approx(NOW - 2 * HOUR)
    assert len(daily) == 4
    assert len((await sql_store.retrieve_full_tracker("long-session")).events) == 4
    assert len((await sql_store.retrieve_full_tracker("fresh")).events) == 4
    assert report.conversations == 1 and report.events == 4 + 3


def test_purge_command_uses_the_configured_store_and_age(sql_store, empty_database_url, monkeypatch, capsys):
    asyncio.run(sql_store.save(conversation("two-hours", 3, last_hours_ago=2)))
    monkeypatch.setenv("VEIVISER_TRACKER_URL", empty_database_url)
    assert main(["privacy", "purge", "--older-than", "3h"]) == 0
    assert asyncio.run(sql_store.retrieve_full_tracker("two-hours")) is not None
    assert main(["privacy", "purge", "--older-than", "1h"]) == 0
    assert asyncio.run(sql_store.retrieve_full_tracker("two-hours")) is None
    assert "1 conversation" in capsys.readouterr().out


def test_purge_command_rejects_a_bad_age(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["privacy", "purge", "--older-than", "soon"])
    assert exit.value.code == 2
    assert "--older-than" in capsys.readouterr().err
