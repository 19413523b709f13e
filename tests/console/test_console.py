"""The office console over a scripted week of real conversations (tests/console/session.py: 50 conversations
through the REST channel of a dedicated assistant): the figures match what the script sent, the inbox holds what
the assistant did not answer, no personal number reaches the event store, the console or its exports, nothing
answers without a login, a review is saved and imported, and the purge keeps the counts."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.console import session
from tests.console.conftest import PASSWORD, SECOND_PASSWORD, SECOND_USER, USER, Client, copy_event_store
from tests.e2e.flows import TEST_ID

pytestmark = [pytest.mark.model, pytest.mark.servers]
ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    "events",
    "messages",
    "inbox",
    "reviews",
    "questions_by_clause",
    "questions_by_benefit",
    "self_check_results",
    "verdicts_by_benefit",
    "near_misses",
    "unanswered",
    "event_log",
    "kb_clauses",
    "kb_items",
]


def test_every_conversation_reached_the_event_store(clerk):
    conversations = {r["conversation"] for r in clerk.rows("messages")}
    assert len({c for c in conversations if re.match(r"rest:(week|apply)-", c)}) == session.total() == 50


def test_questions_per_clause_and_benefit_match_the_script(clerk):
    by_clause, by_benefit = Counter(), Counter()
    for row in clerk.rows("questions_by_clause"):
        by_clause[row["clause"]] += row["questions"]
    for row in clerk.rows("questions_by_benefit"):
        by_benefit[row["item"]] += row["questions"]
    assert by_clause == session.expected_clauses()
    assert by_benefit == session.expected_benefits()


def test_self_check_verdicts_per_benefit_match_the_script(clerk):
    verdicts = Counter({(r["item"], r["verdict"]): r["people"] for r in clerk.rows("verdicts_by_benefit")})
    assert verdicts == session.expected_verdicts()


def test_near_misses_by_condition_and_gap(clerk):
    near = Counter(
        {(r["condition"], r["gap"], r["item"]): r["people"] for r in clerk.rows("near_misses") if r["gap"] is not None}
    )
    assert near == session.expected_near_misses()
    # 1 year over the 35-year limit of the master's allowance: the 36-year-olds and the corrected 34 → 36
    assert near[("35周岁及以下", 1, "c02-master")] == 7


def test_unanswered_and_the_inbox(clerk):
    unanswered = Counter()
    for row in clerk.rows("unanswered"):
        unanswered[row["reason"]] += row["messages"]
    assert unanswered == session.expected_unanswered()
    inbox = clerk.rows("inbox")
    texts = {(r["reason"], r["text"]) for r in inbox}
    for text, _times in session.FALLBACKS:
        assert ("未能理解", text) in texts
    assert ("用户更正", "我说错了，是36岁") in texts
    fallback = next(r for r in inbox if r["text"] == "火星上有补贴吗")
    assert fallback["status"] == "待审" and fallback["intent"] == "nlu_fallback"
    assert fallback["top_intents"].startswith("nlu_fallback") and fallback["reply"]
    # answers the forms took are not failures, whatever the NLU said of 昆明医科大学
    assert not any(r["reason"] == "未能理解" and r["conversation"].startswith("rest:apply-") for r in inbox)


def _personal(replies) -> list[str]:
    tokens = [
        m.group(1)
        for answers in replies.values()
        for a in answers
        for m in re.finditer(r"/prefill/download/([A-Za-z0-9_-]{20,})", a)
    ]
    assert len(tokens) >= session.APPLICATIONS  # the applications really reached their documents
    return session.PERSONAL + tokens


def test_no_personal_number_in_the_event_store(week):
    workdir, replies = week
    wanted = _personal(replies)
    files = [p for p in workdir.glob("events.db*")]
    assert files
    for path in files:
        raw = path.read_bytes()
        for value in wanted:
            assert value.encode() not in raw, (path.name, value)
    # the masked forms are there instead
    assert TEST_ID[:4].encode() + b"*" * 10 + TEST_ID[-4:].encode() in (workdir / "events.db").read_bytes()


def test_no_personal_number_in_the_console_or_its_exports(week, clerk):
    wanted = _personal(week[1])
    pages = ["/", "/events", "/-/dashboards/policy", "/events/inbox?status=待审"]
    for table in TABLES:
        pages += [
            f"/events/{table}",
            f"/events/{table}.json?_shape=array&_size=max",
            f"/events/{table}.csv?_size=max",
            f"/events/{table}.json?_shape=array&_size=max&_nl=on",
        ]
    for row in clerk.rows("inbox"):
        pages.append(f"/-/review/{row['id']}")
    seen = 0
    for path in pages:
        r = clerk.get(path)
        assert r.status_code == 200, (path, r.status_code)
        body = r.text
        seen += len(body)
        for value in wanted:
            assert value not in body, (path, value)
    assert seen > 100_000


def _http(url, cookie=None):
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _login_http(url, user=USER, password=PASSWORD) -> str:
    """Log in to the served console as a browser does; returns the Cookie header value."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener.add_handler(NoRedirect())
    form = opener.open(url + "/-/login", timeout=20).read().decode()
    token = re.search(r'name="csrftoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": user, "password": password, "csrftoken": token}).encode()
    try:
        opener.open(url + "/-/login", data=data, timeout=20)
    except urllib.error.HTTPError as e:
        assert e.code == 302, e.code
    return "; ".join(f"{c.name}={c.value}" for c in jar if c.name == "ds_actor")


def test_without_login_every_page_and_the_json_api_answer_403(console_url):
    url, _db = console_url
    cookie = _login_http(url)
    assert cookie.startswith("ds_actor=")
    paths = [
        "/",
        "/events",
        "/events.json",
        "/events.json?sql=select+data+from+events",
        "/-/dashboards",
        "/-/dashboards/policy",
        "/-/dashboards/policy/clauses-chart",
        "/-/review/1",
        "/-/metadata.json",
        "/-/databases.json",
        "/-/plugins.json",
        "/-/actor.json",
        "/-/versions",
        "/-/settings.json",
        "/-/allow-debug",
        "/-/permissions",
        "/-/password-tool",
        "/-/threads",
    ]
    for table in TABLES:
        paths += [f"/events/{table}", f"/events/{table}.json", f"/events/{table}.csv", f"/events/{table}/1"]
    forged = cookie[:-4] + "AAAA"
    for path in paths:
        for bad in (None, forged, "ds_actor=eyJhIjp7ImlkIjoib2ZmaWNlIn19"):
            status, body = _http(url + path, bad)
            assert status == 403, (path, bad, status)
            assert "请先登录" in body or "login required" in body, (path, body[:200])
    status, body = _http(url + "/-/login")
    assert status == 200 and "登录人才办工作台" in body
    # with the login, the pages work
    status, body = _http(url + "/events/inbox.json?_shape=array", cookie)
    assert status == 200 and json.loads(body)
    status, body = _http(url + "/-/dashboards/policy", cookie)
    assert status == 200 and "政策实施情况" in body


def test_a_wrong_password_does_not_log_in(anonymous):
    r = anonymous.post("/-/login", {"username": USER, "password": PASSWORD + "x"})
    assert r.status_code == 200 and "用户名或密码不正确" in r.text and "ds_actor" not in r.cookies
    assert anonymous.get("/events/inbox.json").status_code == 403


def test_the_console_is_read_only_except_for_reviews(clerk):
    r = clerk.get("/events.json?sql=" + urllib.request.quote("delete from events"))
    assert r.status_code == 400
    r = clerk.get("/events.json?sql=" + urllib.request.quote("insert into reviews (message_id) values (1)"))
    assert r.status_code == 400
    assert clerk.rows("events", "&_sort=id&_size=1")  # still there


def test_a_review_is_saved_with_who_and_when_and_imported(week, kb_path, console_env, tmp_path):
    from console import datasette
    from console.review_import import run

    db = tmp_path / "events.db"
    copy_event_store(week[0] / "events.db", db)
    ds = datasette(db, kb_path, env=console_env)
    asyncio.run(ds.invoke_startup())
    reviewer = Client(ds).login(SECOND_USER, SECOND_PASSWORD)
    fallback = next(r for r in reviewer.rows("inbox") if r["text"] == "我想吃火锅")
    # a bad entity is refused, with the reason, and nothing is stored
    r = reviewer.post(
        f"/-/review/{fallback['id']}", {"verdict": "corrected", "intent": "ask_amount", "entities": "colour=red"}
    )
    assert r.status_code == 400 and "没有“colour”这种实体" in r.text
    assert reviewer.rows("reviews") == []
    # the reviewer says what the message should have been understood as (an invented but plausible correction)
    question = next(r for r in reviewer.rows("inbox") if r["text"] == "火星上有补贴吗")
    r = reviewer.post(
        f"/-/review/{question['id']}",
        {
            "verdict": "corrected",
            "intent": "out_of_scope",
            "entities": "",
            "clause": "",
            "amounts": "不在本助手的范围内",
        },
    )
    assert r.status_code == 302
    [saved] = reviewer.rows("reviews")
    assert saved["reviewer"] == SECOND_USER and saved["verdict"] == "corrected" and saved["intent"] == "out_of_scope"
    assert saved["reviewed_at"].startswith("20") and saved["text"] == "火星上有补贴吗"
    assert next(r for r in reviewer.rows("inbox") if r["id"] == question["id"])["status"] == "已审：已更正"
    # a confirmed answer with the clause and amount it must cite
    amount = next(r for r in reviewer.rows("messages") if r["text"] == "博士能拿多少补贴")
    assert (
        reviewer.post(
            f"/-/review/{amount['id']}",
            {"verdict": "right", "entities": "degree=博士", "clause": "2", "amounts": "25万元"},
        ).status_code
        == 302
    )

    nlu, e2e = tmp_path / "reviewed.yml", tmp_path / "reviewed_e2e.yml"
    assert run(db, nlu_file=nlu, e2e_file=e2e) == 0
    nlu_text = nlu.read_text(encoding="utf-8")
    assert "- intent: out_of_scope" in nlu_text and "    - 火星上有补贴吗" in nlu_text
    assert "博士能拿多少补贴" not in nlu_text  # already a training example: not added twice
    cases = e2e.read_text(encoding="utf-8")
    assert "- {q: 火星上有补贴吗, says: [不在本助手的范围内]}" in cases
    assert "- {q: 博士能拿多少补贴, clause: 二, amounts: [25万元]}" in cases
    # imported once
    assert run(db, nlu_file=nlu, e2e_file=e2e) == 0 and nlu.read_text(encoding="utf-8") == nlu_text
    # the NLU file is valid Rasa training data, and the e2e test runs the cases
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    assert [e.get("text") for e in RasaYAMLReader().read(str(nlu)).intent_examples] == ["火星上有补贴吗"]

    def collected(reviewed):
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/e2e/test_rest.py"],
            cwd=ROOT,
            env={**os.environ, "E2E_REVIEWED": str(reviewed)},
            capture_output=True,
            text=True,
        ).stdout
        return [line.encode().decode("unicode_escape") for line in out.splitlines() if "::test_question[" in line]

    without, with_reviewed = collected(tmp_path / "none.yml"), collected(e2e)
    assert len(with_reviewed) == len(without) + 2
    assert "tests/e2e/test_rest.py::test_question[火星上有补贴吗]" in with_reviewed


def test_the_purge_removes_texts_and_keeps_the_counts(week, kb_path, console_env, tmp_path):
    import time

    from bot.event_store import RetainingSQLEventBroker
    from console import datasette

    db = tmp_path / "events.db"
    copy_event_store(week[0] / "events.db", db)
    ds = datasette(db, kb_path, env=console_env)
    clerk = Client(ds).login()
    figures = ["questions_by_clause", "questions_by_benefit", "verdicts_by_benefit", "near_misses", "unanswered"]
    before = {t: clerk.rows(t) for t in figures}
    amount = next(r for r in clerk.rows("messages") if r["text"] == "博士能拿多少补贴")
    assert clerk.post(f"/-/review/{amount['id']}", {"verdict": "right"}).status_code == 302
    broker = RetainingSQLEventBroker(db=str(db), retention_days=90)
    assert broker.purge(now=time.time() + 89 * 86400) == 0  # not yet
    assert broker.purge(now=time.time() + 91 * 86400) > 500
    assert {t: clerk.rows(t) for t in figures} == before
    assert all(r["text"] is None and r["reply"] is None for r in clerk.rows("messages"))
    [review] = clerk.rows("reviews")
    assert review["text"] is None and review["reviewer"] == USER and review["verdict"] == "right"  # who/when stay
    raw = b"".join(p.read_bytes() for p in db.parent.glob("events.db*"))
    for text in ("火星上有补贴吗", "博士能拿多少补贴"):  # neither as UTF-8 (reviews) nor as JSON (events)
        assert text.encode() not in raw and json.dumps(text)[1:-1].encode() not in raw
