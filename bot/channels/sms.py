"""The SMS channel: gateway webhooks in, the bot's turn formatted for SMS out.

Flow of one SMS:
1. The gateway's adapter (sms_gateways) authenticates and reads the request;
   a bad signature gets 401, bad input a 4xx naming the problem, and
   nothing of it is processed.
2. A message id seen before is acknowledged again and dropped (sms_dedup).
3. The webhook is answered at once (202/200) and the turn runs in a task of
   its own. Gateways give a webhook a few seconds and deliver it again on a
   timeout, while a turn that calls the action server may take longer; the
   tasks are awaited when the server stops, so an accepted SMS is answered.
4. The phone number becomes the conversation id through a keyed hash
   (bot.privacy.pseudonym); only the running task holds the number, to reply to it.
   The text is redacted (bot.privacy.redaction) before Rasa stores it.
5. The turn runs under Rasa's conversation lock with a time limit. "STOPP"
   deletes the conversation; "2" picks the second choice of the bot's last
   turn, read from the tracker, so any replica can answer it.
6. If the bot cannot answer (Rasa raises, an action fails, the time is up, or
   it said nothing), the SMS carries the safety-net text with 113 and the
   helplines; a crisis message without 113 in the reply gets the crisis answer
   first. Both come from safe_turn.with_safety_net, as on the web, within the
   same turn time limit (VEIVISER_TURN_TIMEOUT_S).
7. The turn becomes SMS of at most 3 segments each (sms_text) and each is
   sent with retries (sms_delivery).
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping, Optional

import aiohttp
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import action_response_check
from bot.channels.safe_turn import turn_timeout_s as turn_timeout_s_setting
from bot.channels.safe_turn import watched_turn, with_safety_net
from bot.channels.sms_dedup import SeenMessages, seen_messages
from bot.channels.sms_delivery import RetryPolicy, deliver
from bot.channels.sms_gateways import Gateway, InboundRejected, InboundSms, gateways_from_credentials, new_reference
from bot.channels.sms_text import choice_payload, format_turn, turn_choices
from bot.commands import as_command_or_text
from bot.privacy.pseudonym import pseudonym
from bot.privacy.redaction import redact
from bot.stores.conversations import language_of, stored_language
from bot.stores.forget import forget_conversation
from conversation.crisis import normalise

logger = logging.getLogger(__name__)

CHANNEL = "sms"
# Path under /webhooks/sms/ -> gateway adapter.
ROUTES = {"webhook": "generic", "link": "link", "twilio": "twilio"}
STOP_WORDS = frozenset({"stopp", "stop", "slett"})
STOP_CONFIRMATION = "utter_conversation_reset"
DRAIN_TIMEOUT_S = 30.0


class SmsOutput(CollectingOutputChannel):
    """Collects the whole turn, so it can be numbered and packed into SMS before anything is sent."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL


@dataclass
class Turn:
    messages: list[dict[str, Any]] = field(default_factory=list)
    language: Optional[str] = None
    failed: bool = False


def is_stop_word(text: str) -> bool:
    return normalise(text).strip(" .!") in STOP_WORDS


def last_bot_turn(tracker: Optional[DialogueStateTracker]) -> list[Mapping[str, Any]]:
    """What the bot sent after the user's last message, as the message dicts the turn was built from."""
    if tracker is None:
        return []
    turn: list[Mapping[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            turn.append({"text": event.text, **(event.data or {})})
    return list(reversed(turn))


class SmsInput(InputChannel):
    """Rasa input channel `sms` (credentials.yml: `bot.channels.sms.SmsInput`)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "SmsInput":
        return cls(gateways_from_credentials(credentials or {}), seen=seen_messages())

    def __init__(
        self,
        gateways: Mapping[str, Gateway],
        seen: Optional[SeenMessages] = None,
        retry: RetryPolicy = RetryPolicy(),
        turn_timeout_s: Optional[float] = None,
    ) -> None:
        """`turn_timeout_s` defaults to the one setting every channel shares (safe_turn.turn_timeout_s)."""
        self.gateways = dict(gateways)
        self.seen: SeenMessages = seen or seen_messages()
        self.retry = retry
        self.turn_timeout_s = turn_timeout_s or turn_timeout_s_setting()
        self._tasks: set[asyncio.Task] = set()
        self._session: Optional[aiohttp.ClientSession] = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """`on_new_message` is not used: the turn needs Rasa's lock around reading the last choices too.

        Built when the Rasa server is, so the server's set-up happens here too (as in the web channel).
        """
        action_response_check.install()
        sms_webhook = Blueprint("sms_webhook", __name__)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok", "gateways": sorted(self.gateways)})

        @sms_webhook.route("/<route>", methods=["POST"])
        async def receive(request: Request, route: str) -> HTTPResponse:
            return await self._receive(request, route)

        @sms_webhook.listener("before_server_stop")
        async def drain(app: Sanic, _: Any) -> None:
            await self.close()

        return sms_webhook

    async def _receive(self, request: Request, route: str) -> HTTPResponse:
        gateway = self.gateways.get(ROUTES.get(route, ""))
        if gateway is None:
            return response.json({"error": f"no SMS gateway is configured at '{route}'"}, status=404)
        try:
            sms = gateway.parse(request)
        except InboundRejected as rejected:
            logger.info("sms.inbound.rejected gateway=%s status=%d reason=%s",
                        gateway.name, rejected.status, rejected.reason)
            return response.json({"error": rejected.reason}, status=rejected.status)
        if not await self.seen.first_time(gateway.name, sms.message_id):
            logger.info("sms.inbound.duplicate gateway=%s", gateway.name)
            return gateway.accepted(duplicate=True)
        self._spawn(self._answer(request.app, gateway, sms))
        return gateway.accepted(duplicate=False)

    def _spawn(self, job: Awaitable[None]) -> None:
        task = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Answer what was accepted, then let go of the HTTP client."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=DRAIN_TIMEOUT_S)
        if self._session is not None:
            await self._session.close()

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _answer(self, app: Sanic, gateway: Gateway, sms: InboundSms) -> None:
        conversation = pseudonym(CHANNEL, sms.phone)
        try:
            messages = await self._reply(getattr(app.ctx, "agent", None), conversation, sms.text)
        except Exception as error:  # a bug here must still not leave the person without an answer
            logger.error("sms.reply.failed conversation=%s error=%s", conversation, type(error).__name__)
            messages = with_safety_net([], sms.text, conversation)
        for text in format_turn(messages):
            await deliver(self._client(), gateway, sms.phone, text, new_reference(), conversation, self.retry)

    async def _reply(self, agent: Optional[Agent], conversation: str, text: str) -> list[dict[str, Any]]:
        try:
            turn = await asyncio.wait_for(self._bot_turn(agent, conversation, text), self.turn_timeout_s)
        except Exception as error:
            logger.error("sms.bot.failed conversation=%s error=%s", conversation, type(error).__name__)
            turn = Turn(language=await stored_language(agent and agent.tracker_store, conversation), failed=True)
        else:
            if turn.failed:
                logger.error("sms.bot.incomplete conversation=%s: an action failed", conversation)
        return with_safety_net(turn.messages, text, conversation, turn.failed, turn.language)

    async def _bot_turn(self, agent: Optional[Agent], conversation: str, text: str) -> Turn:
        if agent is None or not agent.is_ready() or agent.processor is None:
            raise RuntimeError("no model loaded")
        async with agent.lock_store.lock(conversation):
            tracker = await agent.tracker_store.retrieve(conversation)
            if is_stop_word(text):
                return await self._forget(agent, conversation, tracker)
            chosen = choice_payload(text, turn_choices(last_bot_turn(tracker)))
            output = SmsOutput()
            with watched_turn() as watched:  # Rasa only logs a failed custom action
                await agent.processor.handle_message(
                    UserMessage(chosen or as_command_or_text(redact(text)), output, conversation, input_channel=CHANNEL)
                )
            tracker = await agent.tracker_store.retrieve(conversation)
            return Turn(output.messages, language_of(tracker), failed=watched.failed)

    async def _forget(self, agent: Agent, conversation: str, tracker: Optional[DialogueStateTracker]) -> Turn:
        """Delete first, then confirm in the conversation's language (read before it was deleted)."""
        language = language_of(tracker)
        await forget_conversation(agent.tracker_store, conversation)
        tracker = tracker or DialogueStateTracker(conversation, agent.domain.slots)
        confirmation = await agent.nlg.generate(STOP_CONFIRMATION, tracker, CHANNEL)
        logger.info("sms.conversation.deleted conversation=%s", conversation)
        return Turn([confirmation] if confirmation else [], language)
