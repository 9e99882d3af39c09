"""The chat widget's channel: /webhooks/web/webhook, /forget and /health.

Takes the same payload as Rasa's REST channel ({"sender", "message"}) and
answers with the same list of messages, but before Rasa sees anything the
widget's random id becomes a keyed pseudonym and the text is redacted, and
every turn goes through bot/channels/safe_turn.py so the person always gets
an answer. Rasa's own REST channel does none of this, so it is not enabled.

The Rasa server is the process that owns the tracker store, so this channel
also runs the periodic purge that keeps the retention promise.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import Restarted, UserUttered
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import action_response_check
from bot.channels import health, safe_turn
from bot.commands import as_command_or_text
from bot.privacy import log_scrub
from bot.privacy.pseudonym import pseudonym
from bot.privacy.redaction import redact
from bot.stores import retention
from bot.stores.conversations import stored_language
from bot.stores.forget import forget_conversation, purge_periodically, report_store_failures
from conversation.cues import detect_language
from conversation.texts import response_text, response_texts

logger = logging.getLogger(__name__)
MAX_SENDER_CHARS = 128
# Two clients that both said "1" shared one conversation (issue 17): an id must be random, like the widget's UUID.
MIN_SENDER_CHARS = 16
MIN_DISTINCT_SENDER_CHARS = 8
MAX_MESSAGE_CHARS = 4000
# The largest honest body: 4,000 characters, each written as a 6-byte JSON escape, with room to spare.
# Sanic's default is 100 MB (issue 17); it applies to the whole Rasa server, whose only clients are our channels.
MAX_BODY_BYTES = 64 * 1024
FORGOTTEN = "utter_conversation_reset"
NOT_FORGOTTEN = "utter_conversation_not_deleted"


class BadRequest(ValueError):
    """A payload the widget can fix; answered with this status and text."""

    status = 400


class NotJson(BadRequest):
    status = 415


class WebInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "web"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Built when the Rasa server is: the place to set up what the server needs (issue 15)."""
        safe_turn.watch_for_failures()
        action_response_check.install()
        log_scrub.install()
        web = Blueprint("veiviser_web", __name__)

        @web.listener("after_server_start")
        async def own_the_store(app: Any, _loop: Any) -> None:
            app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
            app.error_handler.add(PayloadTooLarge, _too_large)
            report_store_failures(app.ctx.agent, _store_failed)
            max_age = retention.retention()  # a bad setting stops the server here, not the purge later
            app.ctx.veiviser_purge = asyncio.create_task(purge_periodically(app.ctx.agent.tracker_store, max_age))

        @web.listener("before_server_stop")
        async def stop_purging(app: Any, _loop: Any) -> None:
            app.ctx.veiviser_purge.cancel()

        @web.route("/", methods=["GET"])
        async def alive(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @web.route("/health", methods=["GET"])
        async def parts(request: Request) -> HTTPResponse:
            checks = await health.report(request.app.ctx.agent)
            return response.json(checks, status=200 if all(checks.values()) else 503)

        @web.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender_id, text = _sender(request), _message(request)
            except BadRequest as error:
                return _refused(request, error)
            try:
                return response.json(await _turn(request.app.ctx.agent, sender_id, text))
            except Exception as error:  # noqa: BLE001 - a crisis must never meet a 500 (issue 17)
                logger.error("A chat turn failed outside the bot (%s); sending the safety net.", type(error).__name__)
                return response.json(safe_turn.with_safety_net([], text, sender_id))

        async def _turn(agent: Agent, sender_id: str, text: str) -> list[dict[str, Any]]:
            messages, answered = await safe_turn.answer(on_new_message, text, sender_id, self.name())
            if answered and _confirms_deletion(messages) and await _restarted(agent, sender_id) \
                    and not await _forget(agent, sender_id):
                messages = [_reply(sender_id, NOT_FORGOTTEN, detect_language(text))]
            return messages

        @web.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            try:
                sender_id = _sender(request)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=error.status)
            agent: Agent = request.app.ctx.agent
            language = await stored_language(agent.tracker_store, sender_id)
            if await _forget(agent, sender_id):
                return response.json([_reply(sender_id, FORGOTTEN, language)])
            return response.json([_reply(sender_id, NOT_FORGOTTEN, language)], status=503)

        return web


def _store_failed(error: Exception) -> None:
    """Rasa answers from memory when the store fails; the person also gets the safety net."""
    logger.error("The conversation store failed (%s); this turn is kept in memory only.", type(error).__name__)
    safe_turn.mark_failed()


def _payload(request: Request) -> dict[str, Any]:
    # Any other type is a "simple" request a page on any site may send without asking (no CORS preflight).
    if request.content_type.split(";")[0].strip().lower() != "application/json":
        raise NotJson('the body must be JSON, sent with "Content-Type: application/json"')
    try:
        payload = request.json
    except Exception as error:  # sanic raises its own InvalidUsage for malformed JSON
        raise BadRequest("the body must be JSON") from error
    if not isinstance(payload, dict):
        raise BadRequest('the body must be a JSON object such as {"sender": "...", "message": "..."}')
    return payload


def _too_large(_request: Request, _error: Exception) -> HTTPResponse:
    """Sanic refuses the body before any route runs; say why in the same form as every other refusal."""
    return response.json({"error": f"the body is larger than {MAX_BODY_BYTES // 1024} KiB"}, status=413)


def _refused(request: Request, error: BadRequest) -> HTTPResponse:
    """A clear error; but a crisis in the message still gets its answer, whatever else was wrong with the request."""
    try:
        crisis = safe_turn.crisis_answer(_message(request), "web")
    except BadRequest:
        crisis = []
    return response.json(crisis) if crisis else response.json({"error": str(error)}, status=error.status)


def _sender(request: Request) -> str:
    raw = _payload(request).get("sender")
    if not isinstance(raw, str) or not MIN_SENDER_CHARS <= len(raw) <= MAX_SENDER_CHARS \
            or len(set(raw)) < MIN_DISTINCT_SENDER_CHARS:
        raise BadRequest(f'"sender" must be a random id of {MIN_SENDER_CHARS} to {MAX_SENDER_CHARS} characters, '
                         "such as the UUID the widget makes")
    return pseudonym("web", raw)


def _message(request: Request) -> str:
    text = _payload(request).get("message")
    if not isinstance(text, str) or not text.strip():
        raise BadRequest('"message" must be a non-empty string')
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadRequest(f'"message" is longer than {MAX_MESSAGE_CHARS} characters')
    return as_command_or_text(redact(text))


def _reply(sender_id: str, response_name: str, language: str | None) -> dict[str, Any]:
    return {"recipient_id": sender_id, "text": response_text(response_name, language)}


def _confirms_deletion(messages: list[dict[str, Any]]) -> bool:
    """Only a turn that said the conversation is deleted can have restarted it.

    Checked first because reading the whole stored conversation back after every turn
    cost more than the NLU (bench/breakdown.py).
    """
    confirmations = response_texts(FORGOTTEN)
    return any(message.get("text") in confirmations for message in messages)


async def _restarted(agent: Agent, sender_id: str) -> bool:
    """Whether this turn restarted the conversation ("slett samtalen" ends in action_restart).

    All sessions are read because a restart starts a new session at once,
    which hides the Restarted event from the current session's events.
    """
    try:
        tracker = await agent.tracker_store.retrieve_full_tracker(sender_id)
    except Exception as error:  # noqa: BLE001 - the answer already exists; do not lose it
        logger.error("Reading the conversation after a turn failed (%s).", type(error).__name__)
        return False
    if tracker is None:
        return False
    last_user = max((i for i, e in enumerate(tracker.events) if isinstance(e, UserUttered)), default=-1)
    return any(isinstance(event, Restarted) for event in list(tracker.events)[last_user + 1:])


async def _forget(agent: Agent, sender_id: str) -> bool:
    """Delete the conversation under its lock, so a turn in flight cannot write it back."""
    try:
        async with agent.lock_store.lock(sender_id):
            await forget_conversation(agent.tracker_store, sender_id)
    except Exception as error:  # noqa: BLE001 - say so rather than confirm a deletion that did not happen
        logger.error("Deleting a conversation failed (%s).", type(error).__name__)
        return False
    return True
