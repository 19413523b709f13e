"""The cached SQL tracker store keeps exactly what Rasa's SQL tracker store keeps, in the same database.

Every check compares with a plain `SQLTrackerStore` opened on the same SQLite file, which is what a restarted
server (empty cache) would read.
"""

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot.tracker_store import CachedSQLTrackerStore

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def run(coro):
    return asyncio.run(coro)


def stores(tmp_path, cache_size=1000):
    db = str(tmp_path / "tracker.db")
    return (
        CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, cache_size=cache_size),
        SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db),
    )


def said(tracker, text, intent="ask_amount"):
    tracker.update(UserUttered(text, {"name": intent, "confidence": 0.99}))
    tracker.update(ActionExecuted("action_amount"))
    tracker.update(SlotSet("topic", {"items": [text]}))
    tracker.update(ActionExecuted("action_listen"))


async def converse(store, sender, texts):
    tracker = await store.get_or_create_tracker(sender)
    for text in texts:
        said(tracker, text)
        await store.save(tracker)
        tracker = await store.retrieve(sender)
    return tracker


def events_of(tracker):
    return [e.as_dict() for e in tracker.events] if tracker else None


def shape(tracker):
    """What happened, without timestamps: event type and its text, action or slot name."""
    return [
        (e.type_name, getattr(e, "text", None) or getattr(e, "action_name", None) or getattr(e, "key", None))
        for e in tracker.events
    ]


def test_every_message_reaches_the_database(tmp_path):
    cached, plain = stores(tmp_path)
    tracker = run(converse(cached, "a", ["博士能拿多少", "那硕士呢", "找哪个部门"]))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["博士能拿多少", "那硕士呢", "找哪个部门"]
    assert tracker.get_slot("topic") == {"items": ["找哪个部门"]}
    assert events_of(run(plain.retrieve("a"))) == events_of(tracker)
    assert cached.cached_conversations() == 1
    in_memory = InMemoryTrackerStore(DOMAIN)
    assert shape(run(plain.retrieve("a"))) == shape(
        run(converse(in_memory, "a", ["博士能拿多少", "那硕士呢", "找哪个部门"]))
    )


def test_a_retrieved_tracker_is_a_fresh_copy(tmp_path):
    cached, _plain = stores(tmp_path)
    run(converse(cached, "a", ["博士能拿多少"]))
    first = run(cached.retrieve("a"))
    said(first, "没有保存的消息")  # changed but never saved (say a failed action)
    first.events[0].timestamp = 0
    again = run(cached.retrieve("a"))
    assert "没有保存的消息" not in [e.text for e in again.events if isinstance(e, UserUttered)]
    assert again.events[0].timestamp != 0


def test_a_new_session_starts_from_session_started_as_in_the_database(tmp_path):
    cached, plain = stores(tmp_path)
    run(converse(cached, "a", ["博士能拿多少"]))
    tracker = run(cached.retrieve("a"))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    said(tracker, "新的一轮")
    run(cached.save(tracker))
    from_cache, from_db = run(cached.retrieve("a")), run(plain.retrieve("a"))
    assert events_of(from_cache) == events_of(from_db)
    assert [e.text for e in from_cache.events if isinstance(e, UserUttered)] == ["新的一轮"]


def test_a_conversation_the_cache_never_saw_continues_from_the_database(tmp_path):
    cached, plain = stores(tmp_path)
    run(converse(plain, "old", ["博士能拿多少", "那硕士呢"]))  # written before this server started
    tracker = run(cached.retrieve("old"))
    said(tracker, "找哪个部门")
    run(cached.save(tracker))
    texts = [e.text for e in run(plain.retrieve("old")).events if isinstance(e, UserUttered)]
    assert texts == ["博士能拿多少", "那硕士呢", "找哪个部门"]  # appended once, nothing written twice
    assert events_of(run(cached.retrieve("old"))) == events_of(run(plain.retrieve("old")))


@pytest.mark.parametrize("cache_size", [0, 2])
def test_evicted_or_uncached_conversations_are_read_back_intact(tmp_path, cache_size):
    cached, plain = stores(tmp_path, cache_size)
    for sender in ["a", "b", "c"]:
        run(converse(cached, sender, [f"{sender}的第一句", f"{sender}的第二句"]))
    assert cached.cached_conversations() == cache_size
    for sender in ["a", "b", "c"]:
        tracker = run(cached.retrieve(sender))
        said(tracker, f"{sender}的第三句")
        run(cached.save(tracker))
        texts = [e.text for e in run(plain.retrieve(sender)).events if isinstance(e, UserUttered)]
        assert texts == [f"{sender}的第一句", f"{sender}的第二句", f"{sender}的第三句"]


def test_an_unknown_conversation_is_none(tmp_path):
    cached, _plain = stores(tmp_path)
    assert run(cached.retrieve("nobody")) is None


# --- what may be stored: personal numbers and download tokens masked; retention --------------------------------

TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"


def _leaky(tracker):
    from rasa.shared.core.events import BotUttered

    tracker.update(
        UserUttered(
            "我的手机13800138000",
            {"name": "inform", "confidence": 0.9},
            [{"entity": "number", "value": "13800138000", "start": 4, "end": 15}],
        )
    )
    tracker.update(SlotSet("applicant", {"phone": "13800138000"}))
    tracker.update(BotUttered(f"下载：http://x/webhooks/prefill/download/{TOKEN}"))


@pytest.mark.parametrize("cache_size", [1000, 0])
def test_numbers_and_tokens_are_masked_in_the_database_and_on_retrieve(tmp_path, cache_size):
    cached, plain = stores(tmp_path, cache_size)

    async def scenario():
        tracker = await cached.get_or_create_tracker("leaky")
        _leaky(tracker)
        await cached.save(tracker)
        return await cached.retrieve("leaky")

    again = run(scenario())
    files = sorted(tmp_path.glob("tracker.db*"))  # the database and its write-ahead log
    assert tmp_path / "tracker.db-wal" in files
    raw = b"".join(path.read_bytes() for path in files)
    assert "下载".encode() in raw  # the bot's message is there, as UTF-8
    assert b"13800138000" not in raw and TOKEN.encode() not in raw
    for tracker in (again, run(plain.retrieve("leaky"))):
        dumped = str(events_of(tracker))
        assert "13800138000" not in dumped and TOKEN not in dumped and "138****8000" in dumped


@pytest.mark.parametrize("store_type", ["RedactingSQLTrackerStore", "CachedSQLTrackerStore"])
def test_the_event_stream_gets_the_stored_form_of_each_event_once(tmp_path, store_type):
    import json
    import sqlite3

    import bot.tracker_store
    from bot.event_store import RetainingSQLEventBroker

    broker = RetainingSQLEventBroker(db=str(tmp_path / "events.db"))
    store = getattr(bot.tracker_store, store_type)(
        domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"), event_broker=broker
    )

    async def scenario():
        tracker = await store.get_or_create_tracker("streamed")
        _leaky(tracker)
        await store.save(tracker)
        tracker = await store.retrieve("streamed")
        said(tracker, "那硕士呢")
        await store.save(tracker)
        return await store.retrieve("streamed")

    tracker = run(scenario())
    with sqlite3.connect(tmp_path / "events.db") as db:
        rows = [json.loads(row[0]) for row in db.execute("select data from events order by id")]
    # every event of the conversation once, in order, as the tracker store keeps it (a second save streams
    # only what is new)
    assert [(e["event"], e.get("text") or e.get("name")) for e in rows] == [
        (e.type_name, getattr(e, "text", None) or getattr(e, "action_name", None) or getattr(e, "key", None))
        for e in tracker.events
    ]
    streamed = "\n".join(json.dumps(e, ensure_ascii=False) for e in rows)
    assert "138****8000" in streamed
    assert "13800138000" not in streamed and TOKEN not in streamed


def test_conversations_older_than_the_retention_are_purged_and_newer_ones_kept(tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("TRACKER_RETENTION_DAYS", "90")
    cached, plain = stores(tmp_path)
    run(converse(cached, "old", ["博士能拿多少"]))
    run(converse(cached, "recent", ["那硕士呢"]))
    with cached.session_scope() as session:  # "old" last spoke 91 days ago
        session.execute(
            cached.SQLEvent.__table__.update()
            .where(cached.SQLEvent.sender_id == "old")
            .values(timestamp=time.time() - 91 * 86400)
        )
        session.commit()
    assert cached.purge() == 1
    assert run(plain.retrieve("old")) is None and run(cached.retrieve("old")) is None
    assert shape(run(plain.retrieve("recent")))
    assert cached.purge(now=time.time() + 89 * 86400) == 0  # 89 days on, "recent" is still within 90
    assert cached.purge(now=time.time() + 91 * 86400) == 1


def test_make_tracker_purge_runs_on_the_configured_store(tmp_path):
    import subprocess
    import sys

    cached, _ = stores(tmp_path)
    run(converse(cached, "someone", ["博士能拿多少"]))
    env = {
        **__import__("os").environ,
        "TRACKER_DB": str(tmp_path / "tracker.db"),
        "EVENT_DB": str(tmp_path / "events.db"),
        "ENDPOINTS": "endpoints.yml",
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:1/webhook",
        "ACTION_SERVER_TOKEN": "t",
    }
    out = subprocess.run(
        [sys.executable, "-m", "bot.tracker_store", "purge", "--days", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "removed 0 conversation(s) older than 1 days" in out
