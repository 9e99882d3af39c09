"""Replicas share one conversation: nothing lost, doubled or reordered when messages alternate servers.

The Rasa servers' proxy sends each request to the next replica whatever the
conversation, so consecutive turns of one conversation are answered by
different servers; what one server stored (PostgreSQL) the next must read,
and the Redis lock must keep two servers from handling one conversation at
once. The check reads the tracker store itself, not the servers' answers.
"""
from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
import pytest
import redis

from bench.load import SAFETY_NET, SCRIPTS
from bot.privacy.pseudonym import pseudonym
from bot.privacy.redaction import redact
from harness import stack_client
from tests.scaleout.conftest import REDIS_DB, REDIS_HOST, REDIS_PORT, REPLICAS
from veiviser import supervisor
from veiviser.round_robin import BACKEND_HEADER

pytestmark = pytest.mark.e2e

CONVERSATIONS = 40
CONCURRENCY = 16
LOCK_ROUNDS = 5
# Every script gets a last turn, so each conversation has two to four.
LAST_TURN = "takk for hjelpen"
WEBHOOK = f"{stack_client.WEB_CHANNEL}/webhook"


@dataclass
class Turn:
    text: str
    replies: list[str] = field(default_factory=list)
    backend: str = ""


async def send(client: aiohttp.ClientSession, base_url: str, sender: str, text: str) -> Turn:
    async with client.post(base_url + WEBHOOK, json={"sender": sender, "message": text}) as response:
        assert response.status == 200, (response.status, await response.text())
        messages = await response.json()
        turn = Turn(text, [m["text"] for m in messages if m.get("text")], response.headers.get(BACKEND_HEADER, ""))
    assert turn.replies and not SAFETY_NET & set(turn.replies), f"no proper answer to {text!r}: {turn.replies}"
    return turn


async def hold_conversations(base_url: str) -> dict[str, list[Turn]]:
    """CONVERSATIONS scripted conversations, CONCURRENCY at a time, each turn waiting for the last."""
    veiviser = SCRIPTS["veiviser"]
    scripts = [(*veiviser[n % len(veiviser)], LAST_TURN) for n in range(CONVERSATIONS)]
    held: dict[str, list[Turn]] = {}
    slots = asyncio.Semaphore(CONCURRENCY)

    async def converse(client: aiohttp.ClientSession, script: tuple[str, ...]) -> None:
        sender = f"scaleout-{uuid.uuid4()}"
        async with slots:
            held[sender] = [await send(client, base_url, sender, text) for text in script]

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as client:
        await asyncio.gather(*(converse(client, script) for script in scripts))
    return held


def stored_turns(tracker_url: str, raw_sender: str) -> list[tuple[str, list[str], str]]:
    """(user text, bot texts, last action) for each user message of a conversation, in stored order."""
    conversation = pseudonym("web", raw_sender)
    turns: list[tuple[str, list[str], str]] = []
    for sender, data in stack_client.stored_events(tracker_url):
        event = json.loads(data)
        if sender != conversation:
            continue
        if event["event"] == "user":
            turns.append((event["text"], [], ""))
        elif turns and event["event"] == "bot" and event.get("text"):
            turns[-1][1].append(event["text"])
        elif turns and event["event"] == "action":
            turns[-1] = (turns[-1][0], turns[-1][1], event["name"])
    return turns


def test_no_message_is_lost_doubled_or_reordered_across_replicas(replicas: supervisor.Stack,
                                                                 tracker_url: str) -> None:
    held = asyncio.run(hold_conversations(replicas.rasa_url))

    served = Counter(turn.backend for turns in held.values() for turn in turns)
    assert set(served) == {str(n) for n in range(REPLICAS)}, served
    assert min(served.values()) >= 0.4 * sum(served.values()) / REPLICAS, f"round-robin is lopsided: {served}"
    crossed = [s for s, turns in held.items() if len({turn.backend for turn in turns}) > 1]
    assert len(crossed) >= CONVERSATIONS // 2, f"only {len(crossed)} conversations met both replicas"

    for sender, turns in held.items():
        stored = stored_turns(tracker_url, sender)
        assert [text for text, _, _ in stored] == [redact(turn.text) for turn in turns], sender
        for (text, bot_texts, last_action), turn in zip(stored, turns):
            assert bot_texts == turn.replies, (text, turn.backend)
            assert last_action == "action_listen", f"{text!r} was not finished before the next message"


def test_redis_lock_serialises_one_conversation_sent_to_two_replicas_at_once(
        replicas: supervisor.Stack, tracker_url: str, lock_prefix: str) -> None:
    """Each round is a new conversation; in at least one the replicas must have met at the lock.

    Whether the second server asks for the lock before the first lets go
    depends on the scheduler, so one round alone could pass without ever
    testing the lock; the stored conversations must be right in every round.
    """
    texts = ("jeg trenger hjelp med rusen min", "jeg bor i Bergen")
    met_at_the_lock = 0
    for _ in range(LOCK_ROUNDS):
        sender = f"scaleout-lock-{uuid.uuid4()}"
        tickets_seen = asyncio.run(simultaneous_turns(replicas, sender, texts, lock_prefix))
        met_at_the_lock += max(tickets_seen) == 2
        stored = stored_turns(tracker_url, sender)
        assert len(stored) == 3, stored  # the opening "hei" and the two, each once
        assert sorted(text for text, _, _ in stored[1:]) == sorted(redact(text) for text in texts)
        for text, bot_texts, last_action in stored:
            assert bot_texts, f"{text!r} got no answer stored"
            assert last_action == "action_listen", f"{text!r} was interleaved with the other message"
    assert met_at_the_lock, "the two replicas never held tickets for one conversation at once"


async def simultaneous_turns(replicas: supervisor.Stack, sender: str, texts: tuple[str, str],
                             lock_prefix: str) -> list[int]:
    """Send `texts` at the same moment, one to each replica; return the lock's ticket counts seen meanwhile.

    The lock is watched from a thread with the plain Redis client, apart from the event loop that sends.
    """
    lock_key = f"{lock_prefix}:lock:{pseudonym('web', sender)}"  # Rasa's RedisLockStore key
    tickets_seen = [0]
    done = threading.Event()

    def watch_lock() -> None:
        with redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB) as store:
            while not done.wait(0.002):
                value = store.get(lock_key)
                if value:
                    tickets_seen.append(len(json.loads(value)["tickets"]))

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as client:
        await send(client, replicas.rasa_url, sender, "hei")
        watcher = threading.Thread(target=watch_lock)
        watcher.start()
        try:
            await asyncio.gather(*(send(client, url, sender, text)
                                   for url, text in zip(replicas.rasa_replica_urls, texts)))
        finally:
            done.set()
            watcher.join()
    return tickets_seen
