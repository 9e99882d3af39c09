"""SMS ids seen by one replica are seen by all (real Redis), so a gateway's retry is answered once."""
from __future__ import annotations

import asyncio
import uuid

import redis

from bot.channels.sms_dedup import InMemorySeenMessages, RedisSeenMessages, seen_messages
from tests.scaleout.conftest import REDIS_DB, REDIS_HOST, REDIS_PORT

SETTINGS = {"VEIVISER_REDIS_HOST": REDIS_HOST, "VEIVISER_REDIS_PORT": str(REDIS_PORT),
            "VEIVISER_REDIS_DB": str(REDIS_DB)}


def test_without_a_shared_redis_each_process_remembers_alone() -> None:
    assert isinstance(seen_messages({}), InMemorySeenMessages)
    assert isinstance(seen_messages({**SETTINGS, "VEIVISER_REDIS_HOST": ""}), InMemorySeenMessages)


def test_a_message_delivered_to_several_replicas_at_once_is_first_exactly_once(lock_prefix: str) -> None:
    async def deliver() -> tuple[list[bool], bool]:
        replicas = [seen_messages({**SETTINGS, "VEIVISER_REDIS_KEY_PREFIX": lock_prefix}) for _ in range(3)]
        assert all(isinstance(replica, RedisSeenMessages) for replica in replicas)
        message_id = uuid.uuid4().hex
        firsts = await asyncio.gather(*(replica.first_time("generic", message_id)
                                        for replica in replicas for _ in range(5)))
        return firsts, await replicas[0].first_time("twilio", message_id)

    firsts, other_gateway = asyncio.run(deliver())
    assert firsts.count(True) == 1, firsts
    assert other_gateway  # the same id from another gateway is another message
    with redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB) as store:
        ttls = [store.ttl(key) for key in store.scan_iter(f"{lock_prefix}:sms-seen:*")]
    assert len(ttls) == 2 and all(0 < ttl <= 24 * 3600 for ttl in ttls), ttls  # no phone number; gone in a day
