"""Run one turn of the bot so that the person always gets an answer.

Every channel sends its messages through `answer`. When the turn raises,
takes longer than the turn timeout, produces no message (no model loaded),
or fails inside Rasa, the person still gets the safety net with 113 and the
helplines; a message that signals a crisis gets the crisis answer, decided by
plain Python (conversation/crisis.py) because the model may be the part that is down.

Rasa catches a failing custom action (action server down, catalogue down),
logs it and carries on with whatever it has, so the log record is the only
sign of that failure: `TurnFailures` watches the error records of Rasa's
processor and actions while a turn is running and marks that turn failed.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterator

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.safety_net import safety_net_text
from conversation.crisis import detect_crisis, is_followup, overdose_state
from conversation.cues import detect_language
from conversation.texts import response_messages

logger = logging.getLogger(__name__)
TIMEOUT_SETTING = "VEIVISER_TURN_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 15.0  # below the widget's 20 s, so the channel's answer arrives first
EMERGENCY_NUMBER = "113"  # a reply that gives it already points a crisis to help
Handler = Callable[[UserMessage], Awaitable[Any]]


@dataclass
class _Turn:
    failed: bool = False


_current_turn: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("veiviser_turn", default=None)


def mark_failed() -> None:
    """Called from code that runs inside a turn (e.g. a store's error callback) when a part of it failed."""
    turn = _current_turn.get()
    if turn is not None:
        turn.failed = True


class TurnFailures(logging.Handler):
    """Marks the running turn failed when Rasa logs an error while it runs."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        mark_failed()


WATCHED_LOGGERS = ("rasa.core.processor", "rasa.core.actions")


def watch_for_failures() -> None:
    """Install the watcher once per process on the loggers where Rasa reports what it swallowed."""
    for name in WATCHED_LOGGERS:
        watched = logging.getLogger(name)
        if not any(isinstance(handler, TurnFailures) for handler in watched.handlers):
            watched.addHandler(TurnFailures())


@contextmanager
def watched_turn() -> Iterator[_Turn]:
    """A turn that Rasa's logged errors (or `mark_failed`) mark failed while the block runs in this task."""
    watch_for_failures()
    turn = _Turn()
    reset = _current_turn.set(turn)
    try:
        yield turn
    finally:
        _current_turn.reset(reset)


def turn_timeout_s() -> float:
    return float(os.environ.get(TIMEOUT_SETTING) or DEFAULT_TIMEOUT_S)


async def answer(handle: Handler, text: str, sender_id: str, channel: str) -> tuple[list[dict[str, Any]], bool]:
    """The messages for the person, and whether the bot itself answered (False: the safety net did).

    `text` must already be redacted: it goes into the tracker store.
    """
    collector = CollectingOutputChannel()
    with watched_turn() as turn:
        try:
            await asyncio.wait_for(handle(UserMessage(text, collector, sender_id, input_channel=channel)),
                                   turn_timeout_s())
        except asyncio.TimeoutError:
            logger.error("A turn took longer than %.0f s; sending the safety net.", turn_timeout_s())
            turn.failed = True
        except Exception as error:  # noqa: BLE001 - whatever broke, the person gets an answer
            logger.error("A turn failed (%s); sending the safety net.", type(error).__name__)
            logger.debug("Traceback of the failed turn", exc_info=True)
            turn.failed = True
    messages = list(collector.messages)
    return with_safety_net(messages, text, sender_id, failed=turn.failed), not (turn.failed or not messages)


def crisis_answer(text: str, recipient_id: str, language: str | None = None) -> list[dict[str, Any]]:
    """The first aid or helplines the message calls for, as the domain words them; [] if it signals no crisis.

    Plain Python, like conversation/crisis.py, so it holds when the model or Rasa is the part that is down.
    """
    language = language or detect_language(text)
    if is_followup(text):
        return response_messages("utter_crisis_next", recipient_id, language, crisis_state=None)
    crisis = detect_crisis(text)
    if crisis == "crisis_overdose":
        return response_messages("utter_crisis_overdose", recipient_id, language, crisis_state=overdose_state(text))
    return response_messages(f"utter_{crisis}", recipient_id, language) if crisis else []


def with_safety_net(messages: list[dict[str, Any]], text: str, recipient_id: str, failed: bool = True,
                    language: str | None = None) -> list[dict[str, Any]]:
    """What got out, with what every channel owes the person whatever happened in the turn.

    A crisis message gets the crisis answer first unless the reply already gives 113; a turn that
    failed or said nothing gets the safety net (113 and the helplines) after what got out.
    `language` is the conversation's where known; else the message's own words decide.
    """
    said = {message.get("text") for message in messages}
    crisis = crisis_answer(text, recipient_id, language)
    if crisis:
        return messages if any(EMERGENCY_NUMBER in str(t) for t in said) else [*crisis, *messages]
    if not failed and messages:
        return messages
    extra = safety_net_text(language or detect_language(text))
    return messages if extra in said else [*messages, {"recipient_id": recipient_id, "text": extra}]
