"""The SQL tracker store with a write-through cache of recent conversations.

Rasa's SQLTrackerStore, per message, reads a conversation back with two queries (events since the latest session
start), and before every save counts those events again to find the new ones. Profiled under load
(benchmarks/rest_load.md) this SQLAlchemy work took about a third of the Rasa server's time.

`CachedSQLTrackerStore` keeps, for the most recently used conversations, the events of their current session as the
same JSON text the database holds. Every save still writes the new events to the database and commits before the
cache is updated, so a restart loses nothing; a conversation missing from the cache (after a restart, or evicted)
is read from the database as before. Trackers are rebuilt from the JSON text on every retrieve, never shared, so
no state can leak between messages.

The cache assumes this Rasa server is the only writer of its tracker database, which the default in-memory lock
store already requires. With several servers on one database use `type: SQL` (endpoints.postgresql.yml).

In endpoints.yml:  tracker_store: {type: bot.tracker_store.CachedSQLTrackerStore, dialect: sqlite, db: ...,
cache_size: 1000}. `cache_size: 0` turns the cache off.

Both stores here (`RedactingSQLTrackerStore` for several servers on one database, and the cached one) write and
stream every event in its *stored form*: any ID number, phone or download token left in a text, an entity or a
slot is masked (bot/prefill/validate.mask_text). The channels already replaced the user's numbers by vault
references (bot/channels/inbound.py); what this catches is the bot's own message with the download link, which the
user received before the event was saved. Conversations whose last event is older than TRACKER_RETENTION_DAYS
(default 90) are deleted at start and then hourly, and by `make tracker-purge`.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.prefill.validate import mask_text

logger = logging.getLogger(__name__)
DEFAULT_CACHE_SIZE = 1000
DEFAULT_RETENTION_DAYS = 90.0
PURGE_EVERY_SECONDS = 3600
_MASKED_KEYS = {"text", "value", "metadata", "parse_data", "entities", "data"}

# One stored event: its type name and its JSON text, exactly as written to the `data` column.
StoredEvent = Tuple[str, str]


def current_session(events: List[StoredEvent]) -> List[StoredEvent]:
    """The events from the latest `session_started` on, as the SQL store's session query selects them."""
    for i in range(len(events) - 1, -1, -1):
        if events[i][0] == SessionStarted.type_name:
            return events[i:]
    return events


def retention_days() -> float:
    raw = os.environ.get("TRACKER_RETENTION_DAYS", "").strip()
    days = float(raw) if raw else DEFAULT_RETENTION_DAYS
    if days <= 0:
        raise ValueError("TRACKER_RETENTION_DAYS must be a positive number of days")
    return days


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


def dumps(data: Dict[str, Any]) -> str:
    """An event's JSON text as the stores write it: UTF-8, not \\u escapes (a Chinese reply takes half the bytes to
    write, commit and read back)."""
    return json.dumps(data, ensure_ascii=False)


def publish(broker: EventBroker, events: List[Dict[str, Any]]) -> None:
    """A message's events to the broker: in one transaction where the broker can (bot/event_store.py)."""
    publish_all = getattr(broker, "publish_all", None)
    if publish_all is not None:
        publish_all(events)
    else:
        for event in events:
            broker.publish(event)


def stored_form(event: Event) -> Dict[str, Any]:
    """The event as it may be written or streamed: personal numbers and download tokens masked in every text,
    entity, slot value and metadata (ids, names and timestamps untouched)."""
    data = event.as_dict()
    return {k: (_masked(v) if k in _MASKED_KEYS else v) for k, v in data.items()}


def use_write_ahead_log(store: Any, synchronous: str) -> None:
    """Give a SQLite-backed Rasa store (tracker store or SQL broker) the write-ahead log, with one connection per
    thread kept open. Rasa writes on the server's event loop, so a commit's wait for the disk is every user's wait.
    With the default rollback journal a commit writes and syncs the journal and then the database; in the log it
    appends once. SQLAlchemy 1.4 opens and closes a SQLite file's connection per session, and closing the last one
    checkpoints the log (another wait): hence the per-thread pool. `synchronous`: FULL syncs every commit (nothing
    committed is lost, even on a power cut); NORMAL may lose the last commits on a power cut, never corrupts."""
    if store.engine.dialect.name != "sqlite":
        return
    import sqlalchemy.orm

    url = store.engine.url
    store.engine.dispose()
    store.engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA synchronous = {synchronous}")

    sa.event.listen(store.engine, "connect", on_connect)
    store.sessionmaker = sqlalchemy.orm.sessionmaker(bind=store.engine)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode = WAL")


def _row(store: SQLTrackerStore, sender_id: str, event: Event, data: Dict[str, Any], text: str):
    return store.SQLEvent(
        sender_id=sender_id,
        type_name=event.type_name,
        timestamp=data.get("timestamp"),
        intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        action_name=data.get("name"),
        data=text,
    )


class RedactingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore writing and streaming events in their stored form, with conversations deleted after
    the retention. For several Rasa servers on one database (no cache)."""

    def __init__(self, *args: Any, retention_days: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_write_ahead_log(self, "FULL")  # a committed conversation survives even a power cut
        self.retention_days = float(retention_days) if retention_days else globals()["retention_days"]()
        self._next_purge = 0.0

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        publish(event_broker, [{"sender_id": sender_id, **stored_form(event)} for event in new_events])

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = stored_form(event)
                session.add(_row(self, tracker.sender_id, event, data, dumps(data)))
            session.commit()
        self._purge_when_due()

    def _purge_when_due(self) -> None:
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            self.purge()

    def purge(self, now: Optional[float] = None) -> int:
        """Delete every conversation whose latest event is older than the retention; returns how many."""
        cutoff = (time.time() if now is None else now) - self.retention_days * 86400
        events = self.SQLEvent.__table__
        stale = (
            sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
        )
        with self.session_scope() as session:
            senders = [row[0] for row in session.execute(stale)]
            for start in range(0, len(senders), 500):
                session.execute(events.delete().where(events.c.sender_id.in_(senders[start : start + 500])))
            session.commit()
        if senders:
            logger.info(
                "tracker purge removed %d conversation(s) older than %.0f days", len(senders), self.retention_days
            )
        return len(senders)


class CachedSQLTrackerStore(RedactingSQLTrackerStore):
    """SQLTrackerStore that remembers the current session of recent conversations (write-through, LRU)."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Dict[Text, Any]) -> None:
        super().__init__(*args, **kwargs)
        self.cache_size = int(cache_size)
        self._sessions: "OrderedDict[str, List[StoredEvent]]" = OrderedDict()

    # -- cache -----------------------------------------------------------------------------------------------
    def _remember(self, sender_id: str, events: List[StoredEvent]) -> None:
        if self.cache_size <= 0:
            return
        self._sessions[sender_id] = events
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self.cache_size:
            self._sessions.popitem(last=False)

    def _recall(self, sender_id: str) -> Optional[List[StoredEvent]]:
        events = self._sessions.get(sender_id)
        if events is not None:
            self._sessions.move_to_end(sender_id)
        return events

    def cached_conversations(self) -> int:
        return len(self._sessions)

    # -- TrackerStore ----------------------------------------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        stored = self._recall(sender_id)
        if stored is None:
            with self.session_scope() as session:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
                stored = [(row.type_name, row.data) for row in rows]
            self._remember(sender_id, stored)  # [] for a new conversation: its first save needs no count
        if not stored or not self.domain:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(text) for _t, text in stored], self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        # The rows are those SQLTrackerStore.save writes (same columns, same JSON data); it is not called itself, so
        # that each new event is put in its stored form and serialised once, for the broker, the database and the
        # cache alike, on this per-message path. The new events are those past the ones this store holds: what
        # Rasa's stream_events finds by reading the conversation back (retrieve) and diffing, without the read.
        stored = self._recall(tracker.sender_id)
        with self.session_scope() as session:
            if stored is None:
                already = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            else:
                already = len(stored)
            new_events = list(tracker.events)[already:]
            forms = [stored_form(event) for event in new_events]
            if self.event_broker is not None:
                publish(self.event_broker, [{"sender_id": tracker.sender_id, **data} for data in forms])
            added: List[StoredEvent] = []
            for event, data in zip(new_events, forms):
                text = dumps(data)
                added.append((event.type_name, text))
                session.add(_row(self, tracker.sender_id, event, data, text))
            session.commit()
        if stored is not None:
            self._remember(tracker.sender_id, current_session(stored + added))
        elif already == 0:  # a new conversation: everything it has is what was just written
            self._remember(tracker.sender_id, current_session(added))
        # else: known to the database but not cached; the next retrieve reads its session back
        self._purge_when_due()

    def purge(self, now: Optional[float] = None) -> int:
        removed = super().purge(now)
        if removed:
            self._sessions.clear()  # a purged conversation must not come back from the cache
        return removed


def main(argv: Optional[List[str]] = None) -> int:
    """`python -m bot.tracker_store purge [--days N]`: delete conversations older than the retention now, in the
    tracker store the endpoints file names (ENDPOINTS, default endpoints.yml)."""
    import argparse

    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    parser = argparse.ArgumentParser(prog="python -m bot.tracker_store")
    parser.add_argument("command", choices=["purge"])
    parser.add_argument("--days", type=float, help="retention in days (default TRACKER_RETENTION_DAYS or 90)")
    args = parser.parse_args(argv)
    config = read_endpoint_config(os.environ.get("ENDPOINTS", "endpoints.yml"), "tracker_store")
    from bot.tracker_store import RedactingSQLTrackerStore as Redacting  # this file runs as __main__ here

    store = TrackerStore.create(config)
    if not isinstance(store, Redacting):
        parser.error(f"the configured tracker store ({type(store).__name__}) has no retention")
    if args.days:
        store.retention_days = args.days
    print(f"removed {store.purge()} conversation(s) older than {store.retention_days:g} days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
