"""The event store the talent office's console reads (console/, docs/console.md): Rasa's SQL event broker, with
message texts dropped after the retention.

The tracker store streams every event in its stored form (bot/tracker_store.py: personal numbers and download
tokens masked). This broker writes them into the `events` table of Rasa's `SQLEventBroker` (SQLite by default,
var/events.db; PostgreSQL by configuration), masking once more and leaving out the applicant's answers (the
`applicant` slot), which nothing in the console needs.

Texts — what people typed, what the bot answered, the applicant's answers — are kept for EVENT_RETENTION_DAYS
(default 90) after the event; then only what the counts need stays in the row (event type, time, intent and its
confidence, entity types and values other than personal ones, action names, the `topic` slot with its clause,
items and self-check verdicts). The purge runs when the Rasa server starts and then hourly, and by
`make console-purge`.

In endpoints.yml:  event_broker: {type: bot.event_store.RetainingSQLEventBroker, dialect: sqlite, db: ...}
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.sql import SQLEventBroker

from bot.tracker_store import _masked, dumps, use_write_ahead_log

logger = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 90.0
PURGE_EVERY_SECONDS = 3600
BATCH = 1000
# Slots whose values the counts need; every other slot value is dropped at the purge.
KEPT_SLOTS = {"topic", "requested_field"}
# Slots never written at all (the applicant's answers: name, ID reference, phone, address …).
OMITTED_SLOTS = {"applicant"}
PERSONAL_ENTITIES = {"phone", "id_number", "name", "person"}
PURGED = "_texts_purged"


def retention_days() -> float:
    raw = os.environ.get("EVENT_RETENTION_DAYS", "").strip()
    days = float(raw) if raw else DEFAULT_RETENTION_DAYS
    if days <= 0:
        raise ValueError("EVENT_RETENTION_DAYS must be a positive number of days")
    return days


def written_form(event: Dict[str, Any]) -> Dict[str, Any]:
    """The event as the store writes it: masked again (whatever reaches the broker), the applicant's answers out."""
    event = _masked(event)
    if event.get("event") == "slot" and event.get("name") in OMITTED_SLOTS and event.get("value") is not None:
        value = event["value"]
        event["value"] = {"omitted": sorted(value)} if isinstance(value, dict) else {"omitted": True}
    return event


def _entities_without_text(entities: Any) -> list:
    out = []
    for e in entities or []:
        if not isinstance(e, dict):
            continue
        kept = {k: e.get(k) for k in ("entity", "value", "extractor", "confidence_entity") if k in e}
        if e.get("entity") in PERSONAL_ENTITIES:
            kept["value"] = None
        out.append(kept)
    return out


def purged_form(event: Dict[str, Any]) -> Dict[str, Any]:
    """The event once its retention is over: what the counts need, no text."""
    out = dict(event)
    out[PURGED] = True
    for key in ("text", "metadata", "input_channel", "message_id"):
        if key in out:
            out[key] = None
    if isinstance(out.get("parse_data"), dict):
        parse = dict(out["parse_data"])
        parse["text"] = None
        parse.pop("metadata", None)
        parse["entities"] = _entities_without_text(parse.get("entities"))
        out["parse_data"] = parse
    if "data" in out:  # bot messages: buttons, attachments, custom payloads
        out["data"] = None
    if out.get("event") == "slot" and out.get("name") not in KEPT_SLOTS:
        out["value"] = None
    if out.get("event") == "user":
        out["parse_data"] = out.get("parse_data") or {}
    return out


class RetainingSQLEventBroker(SQLEventBroker):
    """Rasa's SQLEventBroker writing the masked form, with texts removed after the retention."""

    def __init__(self, *args: Any, retention_days: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa publishes each event on the server's event loop; the console reads the same file concurrently.
        use_write_ahead_log(self, "NORMAL")  # a power cut may lose the last events; the tracker store has them
        self.retention_days = float(retention_days) if retention_days else globals()["retention_days"]()
        self._next_purge = 0.0

    def publish(self, event: Dict[Text, Any]) -> None:
        self.publish_all([event])

    def publish_all(self, events: List[Dict[Text, Any]]) -> None:
        """SQLEventBroker.publish for a message's events in one transaction, the JSON written as the tracker
        store writes it (UTF-8, not \\u escapes)."""
        with self.session_scope() as session:
            for event in events:
                event = written_form(event)
                session.add(self.SQLBrokerEvent(sender_id=event.get("sender_id"), data=dumps(event)))
            session.commit()
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
            try:
                self.purge()
            except Exception:  # noqa: BLE001 — a failed purge must not lose the message; it is retried next hour
                logger.exception("event store purge failed")

    def purge(self, now: Optional[float] = None) -> int:
        """Replace every event older than the retention by its purged form; returns how many rows changed."""
        cutoff = (time.time() if now is None else now) - self.retention_days * 86400
        table = self.SQLBrokerEvent.__table__
        changed, last_id = 0, 0
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":  # overwrite what is deleted, not only unlink it
                conn.execute(sa.text("PRAGMA secure_delete = ON"))
            while True:
                rows = conn.execute(
                    sa.select(table.c.id, table.c.data)
                    .where(table.c.id > last_id, ~table.c.data.contains(f'"{PURGED}": true'))
                    .order_by(table.c.id)
                    .limit(BATCH)
                ).fetchall()
                if not rows:
                    break
                for row_id, data in rows:
                    last_id = row_id
                    try:
                        event = json.loads(data)
                    except (TypeError, ValueError):
                        continue
                    stamp = event.get("timestamp") or 0
                    if stamp >= cutoff + 86400:  # rows are written in time order: the rest is younger
                        rows = []
                        break
                    if stamp >= cutoff:
                        continue
                    conn.execute(table.update().where(table.c.id == row_id).values(data=dumps(purged_form(event))))
                    changed += 1
                if not rows:
                    break
            # the console's review table (console/schema.py) keeps the reviewed text: it goes with the message's
            if sa.inspect(conn).has_table("reviews"):
                conn.execute(
                    sa.text("update reviews set text = null where text is not null and message_ts < :cutoff"),
                    {"cutoff": cutoff},
                )
        if self.engine.dialect.name == "sqlite":
            # copy the rewritten pages over the old ones in the database file and empty the write-ahead log
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        if changed:
            logger.info(
                "event store purge removed the texts of %d event(s) older than %.0f days", changed, self.retention_days
            )
        return changed


def open_store(endpoints: Optional[str] = None) -> RetainingSQLEventBroker:
    """The event store the endpoints file names (ENDPOINTS, default endpoints.yml)."""
    from rasa.utils.endpoints import read_endpoint_config

    config = read_endpoint_config(endpoints or os.environ.get("ENDPOINTS", "endpoints.yml"), "event_broker")
    if config is None or not (config.type or "").endswith("RetainingSQLEventBroker"):
        raise SystemExit("the endpoints file names no bot.event_store.RetainingSQLEventBroker event_broker")
    kwargs = dict(config.kwargs)
    return RetainingSQLEventBroker(host=config.url, **kwargs)


def main(argv: Optional[list] = None) -> int:
    """`python -m bot.event_store purge [--days N]`: remove the texts of events older than the retention now."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.event_store")
    parser.add_argument("command", choices=["purge"])
    parser.add_argument("--days", type=float, help="retention in days (default EVENT_RETENTION_DAYS or 90)")
    args = parser.parse_args(argv)
    from bot.event_store import open_store as open_configured  # this file runs as __main__ here

    store = open_configured()
    if args.days:
        store.retention_days = args.days
    print(f"removed the texts of {store.purge()} event(s) older than {store.retention_days:g} days; counts kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
