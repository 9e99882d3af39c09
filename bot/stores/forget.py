"""Delete conversations from the tracker store Rasa uses: on request, and when they are too old.

Rasa 3.6 has no delete on its tracker stores, and "slett samtalen" must
really delete, so this reaches into the store's own storage: the events
table of SQLTrackerStore (SQLite by default, PostgreSQL by URL), the dict of
InMemoryTrackerStore. Rasa wraps stores (FailSafeTrackerStore,
AwaitableTrackerStore); those are unwrapped first.

The purge is a plain DELETE, safe to run from every replica at once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Iterator

import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import SessionStarted
from sqlalchemy.engine import Engine

from bot.stores import retention
from bot.stores.conversations import tune_sqlite

logger = logging.getLogger(__name__)
EVENTS: sa.Table = SQLTrackerStore.SQLEvent.__table__
PURGE_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class PurgeReport:
    events: int
    conversations: int


def _layers(tracker_store: TrackerStore) -> Iterator[TrackerStore]:
    """Rasa's wrappers, outermost first, then the store that holds the data.

    Wrappers (FailSafeTrackerStore, AwaitableTrackerStore) keep the next layer in `_tracker_store`.
    """
    layer: TrackerStore | None = tracker_store
    while isinstance(layer, TrackerStore):
        yield layer
        layer = getattr(layer, "_tracker_store", None)


def unwrap(tracker_store: TrackerStore) -> TrackerStore:
    """The store that holds the data, below Rasa's wrappers."""
    *_, store = _layers(tracker_store)
    return store


def report_store_failures(agent: Agent, on_error: Callable[[Exception], None]) -> None:
    """Send the tracker store's errors to `on_error` instead of Rasa's log line.

    Rasa keeps a conversation going in memory when its store fails, and logs
    the database error, whose SQL parameters can be the message text itself.
    """
    store = FailSafeTrackerStore(unwrap(agent.tracker_store), on_tracker_store_error=on_error)
    agent.tracker_store = store
    if agent.processor is not None:
        agent.processor.tracker_store = store


async def forget_conversation(tracker_store: TrackerStore, sender_id: str) -> None:
    """Delete every stored event of one conversation. The caller holds the sender's lock.

    Turns that Rasa kept in memory while the store was down go too.
    """
    *wrappers, store = _layers(tracker_store)
    for wrapper in wrappers:
        if isinstance(wrapper, FailSafeTrackerStore):
            await forget_conversation(wrapper.fallback_tracker_store, sender_id)
    if isinstance(store, SQLTrackerStore):
        await asyncio.to_thread(_delete_conversation, store.engine, sender_id)
    elif isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
    else:
        raise TypeError(f"Deleting a conversation is not implemented for {type(store).__name__}")


def _delete_conversation(engine: Engine, sender_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
    _empty_sqlite_log(engine)


def _empty_sqlite_log(engine: Engine) -> None:
    """SQLite in WAL mode (bot/stores/conversations.py) keeps old page images in the log until it is reused."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def purge(engine: Engine, max_age: timedelta, now: float | None = None) -> PurgeReport:
    """Delete events older than `max_age`, except those of a session the person is still in.

    A conversation that has been quiet for `max_age` goes entirely. Of one
    still going, the sessions before the current one go too: otherwise a
    phone number that writes every day (the same pseudonym each time) would
    keep its history for ever.
    """
    cutoff = (time.time() if now is None else now) - max_age.total_seconds()
    quiet = EVENTS.alias("quiet")
    session = EVENTS.alias("session")
    quiet_conversations = (
        sa.select(quiet.c.sender_id).group_by(quiet.c.sender_id).having(sa.func.max(quiet.c.timestamp) < cutoff)
    )
    current_session_start = (
        sa.select(sa.func.max(session.c.timestamp))
        .where(session.c.sender_id == EVENTS.c.sender_id, session.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    statement = sa.delete(EVENTS).where(
        EVENTS.c.timestamp < cutoff,
        sa.or_(EVENTS.c.sender_id.in_(quiet_conversations), EVENTS.c.timestamp < current_session_start),
    )
    count_conversations = sa.select(sa.func.count(sa.distinct(EVENTS.c.sender_id)))
    with engine.begin() as connection:
        before = connection.execute(count_conversations).scalar_one()
        deleted = connection.execute(statement).rowcount
        after = connection.execute(count_conversations).scalar_one()
    _empty_sqlite_log(engine)
    return PurgeReport(events=deleted, conversations=before - after)


def events_engine(url: str | None = None) -> Engine:
    """An engine on the tracker store's database, with Rasa's events table created if missing."""
    engine = sa.create_engine(url or retention.tracker_url(), future=True)
    tune_sqlite(engine)  # as the Rasa server's store: deleted events are overwritten
    EVENTS.create(engine, checkfirst=True)
    return engine


async def purge_periodically(tracker_store: TrackerStore, max_age: timedelta) -> None:
    """Keep the retention promise without cron: purge now, then every PURGE_EVERY."""
    store = unwrap(tracker_store)
    if not isinstance(store, SQLTrackerStore):
        logger.warning("No periodic purge: the tracker store is %s, not SQL.", type(store).__name__)
        return
    while True:
        try:
            report = await asyncio.to_thread(purge, store.engine, max_age)
            logger.info("Purged %d old events (%d conversations).", report.events, report.conversations)
        except sa.exc.SQLAlchemyError:
            logger.exception("Purging old conversations failed; trying again in %s.", PURGE_EVERY)
        await asyncio.sleep(PURGE_EVERY.total_seconds())
