"""Gateways deliver an SMS again when they are unsure we got it: answer it once.

`SeenMessages` is the one question the channel asks ("is this the first time
I see this id?"), so a Redis-backed store for several replicas only has to
answer it too. Keys are a hash of gateway and message id, never a phone number.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from typing import Callable, Mapping, Protocol

import redis.asyncio

# Gateways retry for hours at most (Sveve's last retry is after ~8 h, LINK's
# and Twilio's sooner); a day covers them all.
DEFAULT_TTL_S = 24 * 3600
DEFAULT_MAX_ENTRIES = 100_000
# The Redis that replicas share for their locks (endpoints.yml); set, it holds the seen ids too.
REDIS_SETTINGS = ("VEIVISER_REDIS_HOST", "VEIVISER_REDIS_PORT", "VEIVISER_REDIS_DB", "VEIVISER_REDIS_PASSWORD",
                  "VEIVISER_REDIS_KEY_PREFIX")


class SeenMessages(Protocol):
    async def first_time(self, gateway: str, message_id: str) -> bool:
        """True exactly once per (gateway, message id) within the store's memory; atomic."""


def message_key(gateway: str, message_id: str) -> str:
    return hashlib.sha256(f"{gateway}\0{message_id}".encode()).hexdigest()


class InMemorySeenMessages:
    """One process's memory: bounded in size and time, oldest forgotten first."""

    def __init__(
        self,
        ttl_s: float = DEFAULT_TTL_S,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def first_time(self, gateway: str, message_id: str) -> bool:
        # No await inside: on one event loop this check-and-set cannot interleave.
        now = self._clock()
        self._forget_expired(now)
        key = message_key(gateway, message_id)
        if key in self._seen:
            return False
        self._seen[key] = now
        while len(self._seen) > self._max_entries:
            self._seen.popitem(last=False)
        return True

    def _forget_expired(self, now: float) -> None:
        while self._seen:
            oldest_key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl_s:
                return
            del self._seen[oldest_key]

    def __len__(self) -> int:
        return len(self._seen)


class RedisSeenMessages:
    """Shared by every replica, so a retry that reaches another server is still answered once.

    SET NX with an expiry is the atomic "first time?" question; Redis forgets the id after the TTL.
    """

    def __init__(self, client: redis.asyncio.Redis, key_prefix: str = "", ttl_s: float = DEFAULT_TTL_S) -> None:
        self._client = client
        self._key_prefix = f"{key_prefix}:sms-seen:" if key_prefix else "sms-seen:"
        self._ttl_s = int(ttl_s)

    async def first_time(self, gateway: str, message_id: str) -> bool:
        key = self._key_prefix + message_key(gateway, message_id)
        return bool(await self._client.set(key, b"1", nx=True, ex=self._ttl_s))


def seen_messages(env: Mapping[str, str] = os.environ) -> SeenMessages:
    """In Redis where the replicas share one (VEIVISER_REDIS_HOST set), else in this process's memory."""
    host, port, db, password, key_prefix = (env.get(name) or None for name in REDIS_SETTINGS)
    if not host:
        return InMemorySeenMessages()
    client = redis.asyncio.Redis(host=host, port=int(port or 6379), db=int(db or 1), password=password)
    return RedisSeenMessages(client, key_prefix or "")
