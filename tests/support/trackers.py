"""Conversations of a given age, for the tests of forgetting and purging."""
from __future__ import annotations

import time

from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

HOUR = 3600.0
NOW = time.time()


def conversation(sender: str, *session_starts_hours_ago: float, last_hours_ago: float) -> DialogueStateTracker:
    """Sessions starting at the given ages, each with one exchange; the last message at `last_hours_ago`."""
    events: list[Event] = []
    for age in session_starts_hours_ago:
        events += [ActionExecuted("action_session_start", timestamp=NOW - age * HOUR),
                   SessionStarted(timestamp=NOW - age * HOUR),
                   UserUttered("hei", timestamp=NOW - age * HOUR + 1)]
    events.append(UserUttered("takk", timestamp=NOW - last_hours_ago * HOUR))
    return DialogueStateTracker.from_events(sender, events)
