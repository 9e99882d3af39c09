"""A token bucket per client address, in bounded memory.

Each client may make `burst` requests at once and then `per_second` on
average. Buckets are kept for at most `max_clients` addresses; the one used
least recently is forgotten first, which at worst gives that client a full
bucket again. The address is the TCP peer's: behind a reverse proxy, the
proxy should limit per client itself (X-Forwarded-For is not trusted here).
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class RateLimit:
    per_second: float = 5.0
    burst: int = 30
    max_clients: int = 10_000


class TokenBuckets:
    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic):
        if limit.per_second <= 0 or limit.burst < 1 or limit.max_clients < 1:
            raise ValueError("a rate limit needs a positive rate, burst and number of clients")
        self.limit, self._clock = limit, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, when)

    def take(self, client: str) -> float:
        """Take one token: 0 if the request may go on, else the seconds until it may."""
        now = self._clock()
        tokens, then = self._buckets.pop(client, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - then) * self.limit.per_second)
        if tokens >= 1:
            tokens -= 1
            wait = 0.0
        else:
            wait = (1 - tokens) / self.limit.per_second
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self.limit.max_clients:
            self._buckets.popitem(last=False)
        return wait

    def retry_after(self, wait: float) -> str:
        """Whole seconds, as the Retry-After header wants them."""
        return str(max(1, math.ceil(wait)))

    def __len__(self) -> int:
        return len(self._buckets)
