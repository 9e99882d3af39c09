"""Gateways deliver an SMS again when they are unsure we got it: answer it once.

`SeenMessages` is the one question the channel asks ("is this the first time
I see this id?"), so a Redis-backed store for several replicas only has to
answer it too. Keys are a hash of gateway and message id, never a phone number.
"""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Callable, Protocol

# Gateways retry for hours at most (Sveve's last retry is after ~8 h, LINK's
# and Twilio's sooner); a day covers them all.
DEFAULT_TTL_S = 24 * 3600
DEFAULT_MAX_ENTRIES = 100_000


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
