"""A Redis lock store whose tickets stay right when several Rasa servers share it.

Rasa 3.6's own RedisLockStore changes a conversation's lock by reading it,
changing it in Python and writing it back. Two replicas that receive
messages of one conversation at the same moment can both read "no lock",
both take ticket 0 and both process at once; the SQL tracker store then
keeps only the events it does not already count, and a message is lost.
tests/scaleout shows this happening. Here every change to a lock is one
Redis transaction (WATCH/MULTI, retried when another server changed the
lock in between), so tickets are handed out one by one across replicas.

endpoints.yml: `lock_store: type: bot.stores.locks.AtomicRedisLockStore` with
Rasa's RedisLockStore settings (url, port, db, password, key_prefix).
"""
from __future__ import annotations

import json
from typing import Callable, Optional, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

Result = TypeVar("Result")
# A change gets the stored lock (None if there is none) and returns the lock to store (None: delete it).
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        """Rasa builds a lock store named by module path with its endpoint configuration."""
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take)
        except Exception as error:  # Rasa's callers expect a LockError, as from its own store
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back; delete the lock if nobody else holds one, in the same transaction."""
        def give_back(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return (lock if lock and lock.is_someone_waiting() else None), None

        self._change(conversation_id, give_back)

    def _change(self, conversation_id: str, change: Change[Result]) -> Result:
        key = self.key_prefix + conversation_id

        def attempt(pipe) -> Result:  # redis-py runs this again if the key changed after WATCH
            stored = pipe.get(key)
            lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if lock is None:
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)


# What VEIVISER_LOCK_STORE names for replicas (endpoints.yml's lock_store type).
MODULE_PATH = f"{__name__}.{AtomicRedisLockStore.__qualname__}"
