"""The answers in flight and finished, by WeChat message key, so a retry never runs the bot again.

WeChat retries a message it got no answer to within 5 s (three tries, same MsgId). The
first try starts the work; a retry finds the same :class:`Entry` and joins the work in
flight, or gets the finished answer. ``Entry.mode`` records how the answer goes out —
passively in an HTTP response, or later through the customer-service API — so it is
delivered once.

In memory, for one Sanic worker: with several workers (or several servers) the entries
must move to a shared store (e.g. Redis with SET NX + TTL), or retries that land on another
worker run the bot again.
"""
import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Hashable, List, Optional

PASSIVE = "passive"  # answered in the HTTP response (the first part; any rest via the API)
CUSTOMER_SERVICE = "cs"  # answered "success"; every part goes through the API


def message_key(msg) -> Hashable:
    """(FromUserName, MsgId) for messages; events have no MsgId: (FromUserName, CreateTime, Event, EventKey)."""
    msg_id = getattr(msg, "id", 0)
    if msg.type != "event" and msg_id:
        return ("msg", msg.source, str(msg_id))
    return ("event", msg.source, str(getattr(msg, "time", "")), getattr(msg, "event", msg.type),
            getattr(msg, "key", "") or "")


@dataclass
class Entry:
    """One message's work: a task whose result is the list of reply parts."""

    task: "asyncio.Task[List[str]]"
    created: float
    mode: Optional[str] = None
    tries: int = field(default=1)
    waiters: int = 0  # tries now waiting for the answer


class DedupCache:
    """Entries by message key, dropped ``ttl`` seconds after they were made (oldest first)."""

    def __init__(self, ttl: float = 300.0, max_entries: int = 10_000, clock=time.monotonic):
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: "OrderedDict[Hashable, Entry]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Optional[Entry]:
        self._prune()
        entry = self._entries.get(key)
        if entry is not None:
            entry.tries += 1
        return entry

    def put(self, key: Hashable, task: "asyncio.Task[List[str]]") -> Entry:
        entry = Entry(task=task, created=self._clock())
        self._entries[key] = entry
        self._prune()
        return entry

    def _prune(self) -> None:
        deadline = self._clock() - self._ttl
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            if oldest.created >= deadline and len(self._entries) <= self._max_entries:
                break
            del self._entries[key]
