"""Delete one conversation from Rasa's tracker store, so "STOPP" and "slett" mean gone.

Minimal version: it handles Rasa's InMemoryTrackerStore (the project's
default), also when the agent has wrapped it in a FailSafeTrackerStore, and
refuses every other store loudly rather than pretend. A fuller version that
covers the SQL and Redis stores replaces this file.
"""
from __future__ import annotations

from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore


async def forget_conversation(tracker_store: TrackerStore, sender_id: str) -> None:
    """Remove every event of `sender_id`; the next message starts a new conversation."""
    stores: list[TrackerStore] = [tracker_store]
    if isinstance(tracker_store, FailSafeTrackerStore):
        stores = [tracker_store._tracker_store]
        if tracker_store._fallback_tracker_store is not None:
            stores.append(tracker_store._fallback_tracker_store)
    for store in stores:
        if not isinstance(store, InMemoryTrackerStore):
            raise NotImplementedError(f"forget_conversation cannot delete from {type(store).__name__} yet")
        store.store.pop(sender_id, None)
