"""The answers in flight and finished, by WeChat message key, so a retry never runs the bot again.

WeChat retries a message it got no answer to within 5 s (three tries, same MsgId). The
first try starts the work; a retry finds the same :class:`Entry` and joins the work in
flight, or gets the finished answer. ``Entry.mode`` records how the answer goes out —
passively in an HTTP response, or later through the customer-service API — so it is
delivered once.

:class:`DedupCache` is in memory, for one Sanic worker. With several workers or servers
(``WECHAT_STATE=redis``) :class:`RedisDedup` shares the same decisions through Redis
(SET NX with expiry), so a retry that lands on another server joins the work.
"""

import asyncio
import hashlib
import json
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
    return (
        "event",
        msg.source,
        str(getattr(msg, "time", "")),
        getattr(msg, "event", msg.type),
        getattr(msg, "key", "") or "",
    )


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


# -- several servers -----------------------------------------------------------------------------------------
def redis_key(key: Hashable, prefix: str = "dongchuan:wechat:msg:") -> str:
    """A Redis key for a message key; the OpenID in it is hashed (no user identifier in Redis key names)."""
    return prefix + hashlib.sha256("\x1f".join(map(str, key)).encode("utf-8")).hexdigest()[:32]


class RedisDedup:
    """The answers of :class:`DedupCache` shared by every server, in Redis (``WECHAT_STATE=redis``).

    Per message key, four short-lived Redis keys (all expiring after ``ttl``):

    - ``claim``: ``SET NX`` by the first try to arrive anywhere; that server runs the bot;
    - ``alive``: the server running the bot renews it every ``lease / 3`` s; a try on another server that finds
      it gone (the server died) takes the work over with ``SET NX`` on it;
    - ``reply``: the reply parts (JSON), written once the bot is done;
    - ``mode``: ``SET NX`` of ``passive`` or ``cs`` by the first try that decides how the answer goes out, so it
      goes out once across servers (see the channel's ``_answer_shared``).

    A retry that lands on another server therefore joins the work: it waits (polling every ``poll`` s) for the
    reply the other server stores and returns it passively, or answers ``success`` when the answer goes through
    the customer-service API, which the try that chose ``cs`` sends once the reply is there.
    """

    def __init__(self, redis, ttl: float = 300.0, lease: float = 3.0, poll: float = 0.05):
        self.redis = redis  # a redis.asyncio.Redis
        self.ttl = int(ttl)
        self.lease = lease
        self.poll = poll

    async def claim(self, key: Hashable) -> bool:
        """True for the first try of this message on any server: it runs the bot."""
        base = redis_key(key)
        if not await self.redis.set(base + ":claim", "1", nx=True, ex=self.ttl):
            return False
        await self.redis.set(base + ":alive", "1", px=int(self.lease * 1000))
        return True

    async def take_over(self, key: Hashable) -> bool:
        """True if the server running this message is gone and this try now runs it."""
        return bool(await self.redis.set(redis_key(key) + ":alive", "1", nx=True, px=int(self.lease * 1000)))

    async def keep_alive(self, key: Hashable) -> None:
        await self.redis.set(redis_key(key) + ":alive", "1", px=int(self.lease * 1000))

    async def put_reply(self, key: Hashable, parts: List[str]) -> None:
        await self.redis.set(redis_key(key) + ":reply", json.dumps(parts, ensure_ascii=False), ex=self.ttl)

    async def reply(self, key: Hashable) -> Optional[List[str]]:
        raw = await self.redis.get(redis_key(key) + ":reply")
        return None if raw is None else json.loads(raw)

    async def orphaned(self, key: Hashable) -> bool:
        return not await self.redis.exists(redis_key(key) + ":alive")

    async def take_mode(self, key: Hashable, mode: str) -> bool:
        return bool(await self.redis.set(redis_key(key) + ":mode", mode, nx=True, ex=self.ttl))

    # the numbers of a user's last reply (NumberedChoices), so that "2" means the same on every server
    async def save_choices(self, openid: str, choices: List[tuple], ttl: float = 1800.0) -> None:
        name = redis_key(("choices", openid), prefix="dongchuan:wechat:choices:")
        if choices:
            await self.redis.set(name, json.dumps([list(c) for c in choices], ensure_ascii=False), ex=int(ttl))
        else:
            await self.redis.delete(name)

    async def choices(self, openid: str) -> List[list]:
        raw = await self.redis.get(redis_key(("choices", openid), prefix="dongchuan:wechat:choices:"))
        return [] if raw is None else json.loads(raw)

    async def mode(self, key: Hashable) -> Optional[str]:
        raw = await self.redis.get(redis_key(key) + ":mode")
        return raw.decode() if isinstance(raw, bytes) else raw
