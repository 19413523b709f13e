"""The event store: what Rasa's event broker writes (masked, without the applicant's answers), and the retention
purge that removes texts but keeps every count the console shows."""

import json
import sqlite3
import time

import pytest

from bot.event_store import RetainingSQLEventBroker, purged_form
from console.schema import ensure

ID_NUMBER, PHONE = "530113199001011236", "13800138000"


def user(text, intent, ts, **parse):
    return {
        "event": "user",
        "timestamp": ts,
        "text": text,
        "metadata": {"model_id": "m"},
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": parse.get("confidence", 0.99)},
            "entities": parse.get("entities", []),
            "intent_ranking": [],
        },
    }


def bot(text, ts):
    return {"event": "bot", "timestamp": ts, "text": text, "data": {"buttons": None}, "metadata": {}}


def action(name, ts):
    return {"event": "action", "timestamp": ts, "name": name}


def topic(value, ts):
    return {"event": "slot", "timestamp": ts, "name": "topic", "value": value}


def converse(broker, sender, ts, turns):
    for event in turns:
        broker.publish({"sender_id": sender, **event(ts)})


@pytest.fixture
def store(tmp_path, kb_path):
    db = tmp_path / "events.db"
    broker = RetainingSQLEventBroker(db=str(db), retention_days=90)
    old, new = time.time() - 100 * 86400, time.time() - 86400
    for ts, sender in ((old, "rest:old"), (new, "rest:new")):
        converse(
            broker,
            sender,
            ts,
            [
                lambda t: user("博士能拿多少补贴", "ask_amount", t, entities=[{"entity": "degree", "value": "博士"}]),
                lambda t: action("action_answer_amount", t),
                lambda t: bot("第（二）条 全日制博士研究生生活补贴：每人25万元", t),
                lambda t: topic({"intent": "ask_amount", "items": ["c02-phd"], "clause": 2}, t),
                lambda t: user("火星上有补贴吗", "nlu_fallback", t, confidence=0.85),
                lambda t: action("action_fallback", t),
                lambda t: bot("抱歉，我不太确定您的意思。", t),
                lambda t: user(
                    f"我36岁，全日制硕士，电话{PHONE}",
                    "self_check",
                    t,
                    entities=[{"entity": "age", "value": 36}, {"entity": "phone", "value": PHONE}],
                ),
                lambda t: action("action_self_check", t),
                lambda t: topic(
                    {
                        "intent": "self_check",
                        "items": [],
                        "clause": None,
                        "verdicts": [
                            {
                                "item": "c02-master",
                                "clause": 2,
                                "verdict": "not_eligible",
                                "failed": [{"id": "age", "field": "age", "label": "35周岁及以下", "gap": 1}],
                            }
                        ],
                    },
                    t,
                ),
                lambda t: {
                    "event": "slot",
                    "timestamp": t,
                    "name": "applicant",
                    "value": {"name": "张三", "id_number": ID_NUMBER, "phone": PHONE},
                },
            ],
        )
    ensure(db, kb_path)
    return broker, db


def rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_numbers_are_masked_and_the_applicants_answers_left_out(store):
    _, db = store
    raw = db.read_bytes().decode("utf-8", errors="replace")
    assert ID_NUMBER not in raw and PHONE not in raw
    assert "138****8000" in json.dumps([json.loads(d) for (d,) in rows(db, "select data from events")])
    applicant = [json.loads(d) for (d,) in rows(db, "select data from events where data like '%applicant%'")]
    assert applicant and all(a["value"] == {"omitted": ["id_number", "name", "phone"]} for a in applicant)


def test_the_purge_removes_old_texts_and_keeps_the_counts(store):
    broker, db = store
    counts = (
        "select (select count(*) from messages), (select sum(questions) from questions_by_clause), "
        "(select count(*) from inbox), (select sum(people) from near_misses)"
    )
    before = rows(db, counts)
    assert before == [(6, 2, 2, 2)]
    # the old conversation's events, not the new one's (its first event was purged as it was written: the broker
    # purges at its first publish, then hourly)
    assert broker.purge() == 10
    assert rows(db, counts) == before  # counts stay
    texts = rows(db, "select conversation, text, reply from messages order by id")
    assert all(text is None and reply is None for conv, text, reply in texts if conv == "rest:old")
    assert all(text for conv, text, reply in texts if conv == "rest:new")
    assert broker.purge() == 0  # already purged rows are not rewritten
    # intents and entity types stay for the figures; personal entity values and bot texts go
    purged = [json.loads(d) for (d,) in rows(db, "select data from events where sender_id = 'rest:old'")]
    assert {e["parse_data"]["intent"]["name"] for e in purged if e["event"] == "user"} == {
        "ask_amount",
        "nlu_fallback",
        "self_check",
    }
    assert all(e.get("text") is None for e in purged)


def test_purged_form_keeps_the_topic_and_drops_other_slots():
    assert purged_form({"event": "slot", "name": "topic", "value": {"clause": 2}})["value"] == {"clause": 2}
    assert purged_form({"event": "slot", "name": "profile", "value": {"age": 36}})["value"] is None


def test_make_console_purge_runs_on_the_configured_store(tmp_path):
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "EVENT_DB": str(tmp_path / "events.db"),
        "TRACKER_DB": str(tmp_path / "t.db"),
        "ACTION_SERVER_TOKEN": "t",
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:1/webhook",
    }
    out = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "console-purge", "days=1"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "removed the texts of 0 event(s) older than 1 days; counts kept" in out
