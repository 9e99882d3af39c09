"""Rasa's SQL tracker store with two costs of every turn taken out.

endpoints.yml names this class (`type: bot.stores.conversations.ConversationStore`);
it stores exactly what Rasa's SQLTrackerStore stores, in the same table, so
bot/stores/forget.py, the purge and the PostgreSQL set-up are unchanged.
Profiled under load (py-spy on the Rasa server, docs/benchmarks.md), the
tracker store took about a quarter of the server's CPU:

1. Before writing, Rasa counts the conversation's stored events (a query
   with a subquery) to find which of the tracker's events are new. The
   tracker a turn saves is the one `retrieve` read at the start of that
   turn, under the conversation's lock, so the number is already known. It
   is remembered per tracker object, and the query is made only for a
   tracker this store did not read or write.
2. On SQLite (one server, `make run`), every turn opened the file anew and
   its commit waited for the disk twice. Connections are pooled now, and in
   write-ahead-log mode with synchronous=NORMAL a commit does not wait: a
   power cut may lose the last turns, but never corrupts the file. Deleted
   events are overwritten (secure_delete), and conversation_store.py empties
   the log after a deletion, so a forgotten conversation lingers in neither
   file. PostgreSQL keeps its own settings.
"""
from __future__ import annotations

import asyncio
import itertools
import weakref
from typing import Any, Iterator

from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool


class ConversationStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(tracker) -> how many of its first events are stored; dropped with the tracker.
        self._stored: dict[int, int] = {}
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens and closes a SQLite file per session; closing the last
            # connection also ends the write-ahead log, so keep connections in a pool.
            self.engine.dispose()
            self.engine = sa.create_engine(self.engine.url, poolclass=QueuePool,
                                           connect_args={"check_same_thread": False})
            tune_sqlite(self.engine)
            self.sessionmaker = sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        tracker = await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        if tracker is not None and not fetch_events_from_all_sessions:
            self._remember(tracker)  # its events are the stored rows, one for one
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self._remember(tracker)  # after the commit: everything it holds is stored

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        stored = self._stored.get(id(tracker))
        if stored is None or tracker.events.maxlen is not None:  # unknown, or a history that forgets
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def _remember(self, tracker: DialogueStateTracker) -> None:
        key = id(tracker)
        if key not in self._stored:
            weakref.finalize(tracker, self._stored.pop, key, None)
        self._stored[key] = len(tracker.events)


def tune_sqlite(engine: Engine) -> bool:
    """Every new connection of a SQLite engine on the conversations gets the pragmas; False for other databases."""
    if engine.dialect.name != "sqlite":
        return False
    event.listen(engine, "connect", _sqlite_pragmas)
    return True


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # a deleted conversation is overwritten, not left in free pages
    cursor.close()


def language_of(tracker: DialogueStateTracker | None) -> str | None:
    return tracker.get_slot("language") if tracker is not None and "language" in tracker.slots else None


async def stored_language(tracker_store: TrackerStore | None, sender_id: str, timeout_s: float = 2) -> str | None:
    """The conversation's language as stored, for an answer the model does not give (the safety net,
    a deletion's confirmation); None when the store does not answer in time."""
    if tracker_store is None:
        return None
    try:
        return language_of(await asyncio.wait_for(tracker_store.retrieve(sender_id), timeout_s))
    except Exception:  # noqa: BLE001 - a store that is down must not stop the answer
        return None
