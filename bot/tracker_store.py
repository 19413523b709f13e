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
"""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

DEFAULT_CACHE_SIZE = 1000

# One stored event: its type name and its JSON text, exactly as written to the `data` column.
StoredEvent = Tuple[str, str]


def current_session(events: List[StoredEvent]) -> List[StoredEvent]:
    """The events from the latest `session_started` on, as the SQL store's session query selects them."""
    for i in range(len(events) - 1, -1, -1):
        if events[i][0] == SessionStarted.type_name:
            return events[i:]
    return events


class CachedSQLTrackerStore(SQLTrackerStore):
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
            self._remember(sender_id, stored)   # [] for a new conversation: its first save needs no count
        if not stored or not self.domain:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(text) for _t, text in stored],
                                              self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        # The rows are those SQLTrackerStore.save writes (same columns, same JSON); it is not called itself so that
        # each event is serialised once, for the database and the cache alike, on this per-message path.
        await self.stream_events(tracker)
        stored = self._recall(tracker.sender_id)
        with self.session_scope() as session:
            if stored is None:
                already = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            else:
                already = len(stored)
            added: List[StoredEvent] = []
            for event in list(tracker.events)[already:]:
                data = event.as_dict()
                text = json.dumps(data)
                added.append((event.type_name, text))
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=text,
                ))
            session.commit()
        if stored is not None:
            self._remember(tracker.sender_id, current_session(stored + added))
        elif already == 0:  # a new conversation: everything it has is what was just written
            self._remember(tracker.sender_id, current_session(added))
        # else: known to the database but not cached; the next retrieve reads its session back
