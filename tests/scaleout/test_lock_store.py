"""The lock store hands out one ticket per message even when replicas ask at the same instant (real Redis)."""
from __future__ import annotations

import threading
import uuid

from rasa.utils.endpoints import EndpointConfig

from bot.stores.locks import AtomicRedisLockStore
from tests.scaleout.conftest import REDIS_DB, REDIS_HOST, REDIS_PORT

REPLICAS, MESSAGES_EACH = 4, 25


def replica_stores(lock_prefix: str) -> list[AtomicRedisLockStore]:
    config = EndpointConfig(url=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, key_prefix=lock_prefix)
    return [AtomicRedisLockStore(config) for _ in range(REPLICAS)]


def test_replicas_asking_at_once_get_distinct_tickets_and_the_lock_is_gone_after(lock_prefix: str) -> None:
    stores = replica_stores(lock_prefix)
    conversation = f"web-{uuid.uuid4().hex}"
    start = threading.Barrier(REPLICAS)
    tickets: list[list[int]] = [[] for _ in stores]

    def replica(n: int) -> None:
        start.wait()
        tickets[n].extend(stores[n].issue_ticket(conversation) for _ in range(MESSAGES_EACH))

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(REPLICAS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    issued = sorted(t for per_replica in tickets for t in per_replica)
    assert issued == list(range(REPLICAS * MESSAGES_EACH))  # none given twice, none skipped

    lock = stores[0].get_lock(conversation)
    assert lock is not None and lock.now_serving == 0
    for n, per_replica in enumerate(tickets):
        for ticket in per_replica:
            stores[n].cleanup(conversation, ticket)
    assert stores[0].get_lock(conversation) is None
