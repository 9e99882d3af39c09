"""Reading what an action said, for the action tests (a CollectingDispatcher's messages)."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]


def refine_titles(dispatcher: CollectingDispatcher) -> list[str]:
    """The narrowing buttons offered after the results (the last message, when any are offered)."""
    last = dispatcher.messages[-1]
    return [button["title"] for button in last.get("buttons") or []] if last["response"] is None else []


def cards(dispatcher: CollectingDispatcher) -> list[dict]:
    return [m for m in dispatcher.messages if m["response"] == "utter_service_card"]


def from_channel(tracker, channel: str | None):
    """The tracker as it is after a message that came in through `channel`."""
    tracker.events.append({"event": "user", "input_channel": channel})
    return tracker
