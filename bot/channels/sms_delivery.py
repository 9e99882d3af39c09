"""Send one SMS through a gateway: bounded time per try, retries with backoff, then a clean log line.

A gateway that is down for a moment must not cost a person their answer, so
connection errors, timeouts, 429 and 5xx are tried again after 0.5, 1, 2 s
(with jitter, so replicas do not retry in step). A 4xx other than 429 means
our request is wrong and will not get better: it is not repeated. Every try
carries the same reference, so a gateway that de-duplicates sends it once.
What is finally not delivered is logged with the gateway, the conversation's
pseudonym and the reason, never the phone number or the text.
"""
from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass

import aiohttp

from bot.channels.sms_gateways import Gateway, OutboundRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    first_delay_s: float = 0.5
    factor: float = 2.0
    timeout_s: float = 10.0

    def delay(self, retry: int) -> float:
        """Full-size backoff plus up to 10 % jitter before retry number `retry` (0-based)."""
        base = self.first_delay_s * self.factor ** retry
        return base + random.uniform(0, base / 10)


class PermanentFailure(Exception):
    """The gateway refused the request in a way that retrying will not change."""


async def _try_once(session: aiohttp.ClientSession, request: OutboundRequest, timeout_s: float) -> None:
    async with session.post(request.url, auth=request.auth, timeout=aiohttp.ClientTimeout(total=timeout_s),
                            **request.body()) as reply:
        await reply.read()
        if reply.status == 429 or reply.status >= 500:
            raise aiohttp.ClientResponseError(reply.request_info, (), status=reply.status)
        if reply.status >= 400:
            raise PermanentFailure(f"HTTP {reply.status}")


async def deliver(
    session: aiohttp.ClientSession,
    gateway: Gateway,
    phone: str,
    text: str,
    reference: str,
    conversation: str,
    policy: RetryPolicy = RetryPolicy(),
) -> bool:
    """True once the gateway took the SMS; False (and one error log line) when it never did."""
    request = gateway.outbound(phone, text, reference)
    reason = ""
    for attempt in range(policy.attempts):
        if attempt:
            await asyncio.sleep(policy.delay(attempt - 1))
        try:
            await _try_once(session, request, policy.timeout_s)
            return True
        except PermanentFailure as error:
            reason = str(error)
            break
        except aiohttp.ClientResponseError as error:
            reason = f"HTTP {error.status}"
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            reason = type(error).__name__
        except Exception as error:  # e.g. a malformed URL: no retry helps, but it must be logged
            reason = type(error).__name__
            break
        logger.warning("sms.send.retry gateway=%s conversation=%s attempt=%d reason=%s",
                       gateway.name, conversation, attempt + 1, reason)
    logger.error("sms.send.failed gateway=%s conversation=%s reference=%s reason=%s",
                 gateway.name, conversation, reference, reason)
    return False
