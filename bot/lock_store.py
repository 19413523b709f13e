"""Rasa's Redis lock store with its read-modify-write steps made atomic, for several Rasa servers.

Rasa Open Source 3.6's `RedisLockStore` keeps each conversation's `TicketLock` (a queue of numbered tickets) as one
JSON value, and changes it by GET, change in Python, SET. Two servers that take a ticket for the same conversation
at the same moment both read the same queue, both append ticket N and both save: one ticket is lost and both
messages run at once (RasaHQ/rasa#9213; the `ConcurrentRedisLockStore` that fixed it was reverted from the open
source edition, RasaHQ/rasa#11428). Releasing a ticket has the same race and can drop a ticket another server just
took. With ten messages of one conversation arriving at two servers at once this loses or reorders events
(`make check-scale` shows it with `type: redis`).

`AtomicRedisLockStore` is the same store, the same keys and the same JSON, with every change of a lock done in a
Redis transaction (WATCH/MULTI/EXEC, retried on conflict), so tickets are issued and released one at a time across
servers. Two more changes:

- a waiting message looks at its lock every `poll_interval` seconds (default 0.05) instead of Rasa's 1 s, so
  messages queued behind each other do not each wait a second;
- the key expires with its last ticket (`TICKET_LOCK_LIFETIME`, Rasa's setting), so a server killed while holding
  a lock leaves nothing behind for longer than that.

In endpoints.scaled.yml:  lock_store: {type: bot.lock_store.AtomicRedisLockStore, url: …, port: …, password: …}.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import time
from typing import Any, AsyncGenerator, Callable, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

logger = logging.getLogger(__name__)

DEFAULT_POLL_INTERVAL = 0.05


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket queue changes atomically (see the module docstring)."""

    def __init__(
        self, endpoint_config: Any = None, poll_interval: float = DEFAULT_POLL_INTERVAL, **kwargs: Any
    ) -> None:
        if endpoint_config is not None:  # Rasa builds a custom lock store with its endpoint configuration
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
            poll_interval = kwargs.pop("poll_interval", poll_interval)
        super().__init__(**kwargs)
        self.poll_interval = float(poll_interval)

    # -- one lock, changed inside a transaction ----------------------------------------------------------------
    def _change(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Optional[TicketLock]]) -> Any:
        """Apply `change` to the stored lock atomically; it returns the lock to save (None: delete the key)."""
        key = self.key_prefix + conversation_id
        result: dict = {}

        def transaction(pipe) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new = change(lock)
            pipe.multi()
            if new is None or not new.is_someone_waiting():
                pipe.delete(key)
            else:
                last_expiry = max(ticket.expires for ticket in new.tickets)
                pipe.set(key, new.dumps(), px=max(1, math.ceil((last_expiry - time.time()) * 1000)))
            result["lock"] = new

        self.red.transaction(transaction, key)
        return result.get("lock")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: dict = {}

        def add_ticket(lock: Optional[TicketLock]) -> TicketLock:
            lock = lock or self.create_lock(conversation_id)
            issued["number"] = lock.issue_ticket(lock_lifetime)
            return lock

        try:
            self._change(conversation_id, add_ticket)
        except Exception as error:  # noqa: BLE001  (Rasa's contract: a LockError)
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return issued["number"]

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def release(lock: Optional[TicketLock]) -> Optional[TicketLock]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock

        self._change(conversation_id, release)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # finish_serving deletes the key when nobody else holds a ticket, in the same transaction.
        self.finish_serving(conversation_id, ticket_number)

    @contextlib.asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket, min(wait_time_in_seconds, self.poll_interval))
        finally:
            try:
                self.cleanup(conversation_id, ticket)
            except Exception as error:  # noqa: BLE001  (Redis away: the ticket expires by itself)
                logger.error(
                    "Could not release the lock of a conversation (%s); it expires in %.0f s",
                    type(error).__name__,
                    lock_lifetime,
                )
