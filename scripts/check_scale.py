"""make check-scale: the scaled mode on this machine, checked the way an operator would (issue: scale out).

Starts Redis and PostgreSQL (scripts/services.sh), two action servers, two Rasa servers on endpoints.scaled.yml
and nginx in front (bot/cluster.py), then:

1. a self-check and a follow-up conversation move between the two servers message by message and continue;
2. ten messages of one conversation are sent at once through nginx: each is processed alone (no interleaving in
   the stored events) and each reply is the one stored right after its own message;
3. the same WeChat message (same MsgId) reaches both servers three times at once, and another three times 5 s
   apart (as WeChat retries): the bot runs once and the user is answered once (passive reply or customer-service
   message, never both); a fake WeChat API on loopback records what is sent;
4. Redis is restarted in the middle of a paced load: messages that meet the outage get 系统繁忙 and are sent again
   (as a user would); no server restarts;
5. a prefilled application is made in a conversation whose messages alternate between the servers (each server
   with its own PREFILL_DIR: only the SQL store is shared), downloads through both, and `python -m bot.prefill
   purge --all` on the side removes it for both;
6. one Rasa server is SIGKILLed in the middle of a paced load: nginx sends the rest to the other; a message that
   was in flight on the killed server gets an error and is sent again.

Every conversation is then read back from PostgreSQL and compared with what was sent and answered:
- lost: a message never answered, or answered but missing from the database;
- duplicated: a message stored more than once (processed twice), or a WeChat answer delivered twice;
- out of order: a conversation's messages stored in another order than sent (for conversations that send one at a
  time), two messages of one conversation processed at once (a user event before the previous one's
  action_listen), or a reply that is not what the database holds after its own message.
Prints `scale: <instances> instances, <messages> messages, <lost> lost, <duplicated> duplicated, <out_of_order> out
of order` and exits 1 if any is non-zero or a check failed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import docx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.wechat_simulator import message_xml, read_reply, signed_request  # noqa: E402
from bot.cluster import REST, WECHAT, Cluster  # noqa: E402
from bot.prefill.validate import mask_text  # noqa: E402
from bot.prefill.vault import KINDS as VAULT_KINDS  # noqa: E402
from bot.prefill.vault import MARKER as VAULT_MARKER
from tests.e2e.flows import NEW_PHONE, TEST_ID, fill_application  # noqa: E402

BUSY = "系统繁忙，请稍后再试。"
QUESTIONS = [
    "博士能拿多少补贴",
    "那硕士呢",
    "有年龄限制吗",
    "找哪个部门",
    "第九条原文",
    "乡村医生有什么补助",
    "社工证有什么奖励",
    "我34岁，全日制硕士",
    "是的",
    "区卫生健康局负责哪些条款",
]
WECHAT_TOKEN, WECHAT_APPID, WECHAT_SECRET = "scalechecktoken", "wx5ca1e0000000000", "scale-secret"
WECHAT_OPENID_PREFIX = "o_scale_"


def conversation(sender: str) -> str:
    """The tracker's id of a sender here (bot/sessions.py: every conversation id carries its channel): a web
    session token `<id>.<signature>` is `web:<id>`, an OpenID `wechat:…`, an integration's sender `rest:…`."""
    if sender.startswith(WECHAT_OPENID_PREFIX):
        return "wechat:" + sender
    if "." in sender:
        return "web:" + sender.split(".", 1)[0]
    return "rest:" + sender


def as_stored(text: str) -> str:
    """A sent text as the tracker holds it, vault references blanked: the channels replace ID numbers and phones
    by references before Rasa sees them (bot/channels/inbound.py, bot/prefill/vault.py)."""
    for _kind, (label, shape) in VAULT_KINDS.items():
        text = shape.sub(f"[{label}#]", text)
    return text


def blank_references(text: str | None) -> str:
    return VAULT_MARKER.sub(lambda m: f"[{m.group(1)}#]", text or "")


def _texts(messages: list) -> list:
    return [m.get("text") or "" for m in messages]


class Ledger:
    """What was sent and answered, per conversation; compared with PostgreSQL at the end."""

    def __init__(self, headers: dict):
        self.headers = headers  # REST as an integration (bearer secret): bot/channels/rest.py
        self.lock = threading.Lock()
        self.sent = defaultdict(list)  # sender → texts in the order sent
        self.replies = {}  # (sender, text) → reply texts
        self.unanswered = []  # (sender, text)
        self.sequential = set()  # senders that send one message at a time
        self.failures = []  # checks that failed (words)
        self.wechat_duplicates = 0
        self.wechat_lost = 0
        self.retries = Counter()

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)
        print(f"  FAILED: {what}", flush=True)

    def send(self, url: str, sender: str, text: str, attempts: int = 6, sequential: bool = True) -> list | None:
        """POST one message; an error, a 5xx or 系统繁忙 is sent again after a second, as a user would."""
        with self.lock:
            self.sent[sender].append(as_stored(text))
            if sequential:
                self.sequential.add(sender)
        for _attempt in range(attempts):
            try:
                who = {"session": sender} if "." in sender else {"sender": sender}
                req = urllib.request.Request(url + REST, json.dumps({**who, "message": text}).encode(), self.headers)
                with urllib.request.urlopen(req, timeout=60) as r:
                    messages = json.loads(r.read().decode())
                if messages and BUSY not in _texts(messages):
                    with self.lock:
                        self.replies[(sender, as_stored(text))] = _texts(messages)
                    return messages
                reason = "busy"
            except (urllib.error.URLError, OSError, ValueError) as error:
                reason = type(error).__name__
            with self.lock:
                self.retries[reason] += 1
            time.sleep(1.0)
        with self.lock:
            self.unanswered.append((sender, as_stored(text)))
        return None

    # -- the comparison with the database -----------------------------------------------------------------
    def tally(self, cluster: Cluster) -> dict:
        stored = cluster.events([conversation(s) for s in self.sent])
        lost = duplicated = out_of_order = 0
        messages = sum(len(v) for v in self.sent.values())
        for sender, sent in self.sent.items():
            events = stored[conversation(sender)]
            users = [blank_references(e.get("text")) for e in events if e.get("event") == "user"]
            counts = Counter(users)
            unanswered = Counter(t for s, t in self.unanswered if s == sender)
            for text in set(sent):
                expected = sent.count(text)
                missing = max(expected - counts[text], unanswered[text])  # never stored, or never answered
                if missing:
                    lost += missing
                    print(
                        f"  lost: {sender} {text!r} (stored {counts[text]}×, sent {expected}×, "
                        f"unanswered {unanswered[text]}×)"
                    )
                elif counts[text] > expected:
                    duplicated += counts[text] - expected
                    print(f"  duplicated: {sender} {text!r} stored {counts[text]}×")
            if sender in self.sequential:
                first = list(dict.fromkeys(t for t in users if t in sent))
                order = [sent.index(t) for t in first]
                inversions = sum(1 for a, b in zip(order, order[1:]) if b < a)
                if inversions:
                    print(f"  out of order: {sender} stored {first}, sent {sent}")
                out_of_order += inversions
            out_of_order += self._overlaps_and_mismatches(sender, events)
        return {
            "messages": messages,
            "lost": lost,
            "duplicated": duplicated + self.wechat_duplicates,
            "out_of_order": out_of_order,
        }

    def _overlaps_and_mismatches(self, sender: str, events: list) -> int:
        """Messages processed at once (a user event before the previous one's action_listen), and replies that
        are not the bot events stored after their own message."""
        bad = 0
        current, bot_texts, open_turn = None, [], False
        turns = []
        for e in events:
            kind = e.get("event")
            if kind == "user":
                e = {**e, "text": blank_references(e.get("text"))}
                if open_turn:
                    bad += 1
                    print(f"  overlap: {sender} {e.get('text')!r} stored while {current!r} was in progress")
                if current is not None:
                    turns.append((current, bot_texts))
                current, bot_texts, open_turn = e.get("text"), [], True
            elif kind == "bot":
                bot_texts.append(e.get("text") or "")
            elif kind == "action" and e.get("name") == "action_listen":
                open_turn = False
        if current is not None:
            turns.append((current, bot_texts))
        seen = Counter()
        for text, bots in turns:
            seen[text] += 1
            reply = self.replies.get((sender, text))
            reply = [mask_text(r) for r in reply] if reply is not None else None  # as stored (bot/tracker_store.py)
            if reply is not None and seen[text] == 1 and self.sent[sender].count(text) == 1 and reply != bots:
                bad += 1
                print(f"  reply mismatch: {sender} {text!r}: answered {reply[:1]}, stored {bots[:1]}")
        return bad


# -- 1. a conversation moving between servers --------------------------------------------------------------
def web_session(c: Cluster) -> str:
    """A public client's session, issued through the balancer by whichever server (bot/sessions.py)."""
    req = urllib.request.Request(c.balancer + "/webhooks/rest/session", b"{}", {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read().decode())["session"]


def check_moving_conversation(c: Cluster, ledger: Ledger) -> None:
    a, b = c.rasa_urls[0], c.rasa_urls[1]
    s = web_session(c)  # a web user: the session one server signed is honoured by the other
    steps = [(a, "我34岁，全日制硕士", None), (b, "我说错了，是36岁", "超过“35周岁及以下”1岁")]
    s2 = f"move-{uuid.uuid4().hex[:8]}"
    steps2 = [
        (a, "硕士能拿多少补贴", None),
        (b, "那博士呢", "25万元"),
        (a, "有年龄限制吗", "40周岁及以下"),
        (b, "找哪个部门", "区人社局"),
    ]
    for sender, plan in ((s, steps), (s2, steps2)):
        for url, text, expect in plan:
            reply = "\n".join(_texts(ledger.send(url, sender, text) or []))
            if expect and expect not in reply:
                ledger.fail(f"conversation moved to {url} lost its context: {text!r} → {reply[:80]!r}")
    print("1. conversations moved between the servers message by message", flush=True)


# -- 2. ten messages at once ------------------------------------------------------------------------------
def check_ten_at_once(c: Cluster, ledger: Ledger) -> None:
    sender = f"burst-{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(len(QUESTIONS))

    def one(text: str) -> None:
        barrier.wait()
        ledger.send(c.balancer, sender, text, sequential=False)

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(len(QUESTIONS)) as pool:
        list(pool.map(one, QUESTIONS))
    print(f"2. ten messages of one conversation at once through nginx: {time.monotonic() - started:.1f} s", flush=True)


# -- 3. WeChat retries on both servers ----------------------------------------------------------------------
class FakeWeChatAPI:
    """The WeChat API on loopback (outside the machine in reality): tokens and customer-service messages."""

    def __init__(self):
        self.sent = []
        self.tokens = 0
        self.port = None
        self._ready = threading.Event()
        self._loop = None

    def __enter__(self):
        threading.Thread(target=self._serve, daemon=True).start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc):
        if self._loop:
            self._loop.call_soon_threadsafe(self._loop.stop)

    def _serve(self):
        from aiohttp import web

        async def token(request):
            self.tokens += 1
            return web.json_response({"access_token": f"TOKEN{self.tokens}", "expires_in": 7200})

        async def send(request):
            body = json.loads(await request.text())
            self.sent.append((body["touser"], body["text"]["content"]))
            return web.json_response({"errcode": 0, "errmsg": "ok"})

        async def main():
            app = web.Application()
            app.router.add_get("/cgi-bin/token", token)
            app.router.add_post("/cgi-bin/stable_token", token)
            app.router.add_post("/cgi-bin/message/custom/send", send)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(main())
        self._loop.run_forever()


def _wechat_post(url: str, xml: str) -> str | None:
    query, body = signed_request(xml, WECHAT_TOKEN)
    full = url + WECHAT + "?" + urllib.parse.urlencode(query)
    req = urllib.request.Request(full, data=body, headers={"Content-Type": "text/xml"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return read_reply(r.read())


def check_wechat(c: Cluster, ledger: Ledger, api: FakeWeChatAPI) -> None:
    a, b = c.rasa_urls[0], c.rasa_urls[1]
    for label, gap in (("at once", 0.0), ("5 s apart", 5.0)):
        openid = f"{WECHAT_OPENID_PREFIX}{uuid.uuid4().hex[:10]}"
        text = "博士能拿多少补贴"
        xml = message_xml("text", openid, text, msg_id=int(time.time() * 1000))
        with ledger.lock:
            ledger.sent[openid].append(text)
        targets = [a, b, a]
        if gap:
            answers = []
            for i, url in enumerate(targets):
                answers.append(_wechat_post(url, xml))
                if i < len(targets) - 1:
                    time.sleep(gap)
        else:
            with concurrent.futures.ThreadPoolExecutor(3) as pool:
                answers = list(pool.map(lambda u, xml=xml: _wechat_post(u, xml), targets))
        time.sleep(2.0)  # a customer-service message, if any, goes out after the passive part
        passive = [x for x in answers if x]
        cs = [m for who, m in api.sent if who == openid]
        stored = sum(1 for e in c.events([conversation(openid)])[conversation(openid)] if e.get("event") == "user")
        if passive and cs and any(m == passive[0] for m in cs):
            ledger.wechat_duplicates += 1
            ledger.fail(f"WeChat {label}: answered passively and through the customer-service API")
        if len(set(passive)) > 1:
            ledger.wechat_duplicates += 1
            ledger.fail(f"WeChat {label}: different passive answers to one message")
        if not passive and not cs:
            ledger.fail(f"WeChat {label}: never answered")
            ledger.unanswered.append((openid, text))
        if stored != 1:
            ledger.fail(f"WeChat {label}: the bot ran {stored}× (stored user events)")
        print(
            f"3. WeChat message {label} to both servers: {len(passive)} passive, {len(cs)} customer-service, "
            f"stored {stored}×",
            flush=True,
        )


# -- 4./5. paced load with an incident ----------------------------------------------------------------------
def paced_load(
    c: Cluster, ledger: Ledger, label: str, incident, at: float, conversations: int = 12, rate: float = 12.0
) -> None:
    """`conversations` conversations through nginx, `rate` messages/s together; `incident()` after `at` s."""
    gap = conversations / rate
    start = time.monotonic()

    def conversation(k: int) -> None:
        sender = f"{label}-{k}-{uuid.uuid4().hex[:6]}"
        time.sleep(k * gap / conversations)
        for text in QUESTIONS:
            due = time.monotonic() + gap
            ledger.send(c.balancer, sender, text)
            time.sleep(max(0.0, due - time.monotonic()))

    with concurrent.futures.ThreadPoolExecutor(conversations + 1) as pool:
        futures = [pool.submit(conversation, k) for k in range(conversations)]
        time.sleep(max(0.0, at - (time.monotonic() - start)))
        what = incident()
        for f in futures:
            f.result()
    print(f"   {label}: {what}; load took {time.monotonic() - start:.1f} s", flush=True)


def check_redis_restart(c: Cluster, ledger: Ledger) -> None:
    pids = [p.pid for p in c.rasa]
    before = dict(ledger.retries)
    paced_load(c, ledger, "redis", lambda: f"Redis restarted in {c.restart_redis():.1f} s", at=4.0)
    if not all(c.alive()) or [p.pid for p in c.rasa] != pids:
        ledger.fail("a Rasa server died or restarted when Redis restarted")
    retried = sum(ledger.retries.values()) - sum(before.values())
    print(f"4. Redis restarted during load: {retried} message(s) sent again, servers kept running", flush=True)


# -- 5. a prefilled application across servers --------------------------------------------------------------
def _download(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def check_prefill(c: Cluster, ledger: Ledger) -> None:
    sender = f"apply-{uuid.uuid4().hex[:8]}"
    turn = [0]

    def ask(text: str) -> str:
        turn[0] += 1
        messages = ledger.send(c.rasa_urls[turn[0] % 2], sender, text) or []
        return "\n".join(
            (m.get("text") or "") + "".join(b.get("title", "") for b in m.get("buttons") or []) for m in messages
        )

    try:
        final = fill_application(ask)[-1]
    except AssertionError as error:
        ledger.fail(f"prefill across servers: the application did not complete ({str(error)[:80]})")
        return
    link = re.search(r"https?://\S+?/webhooks/prefill/download/([\w-]+)", final)
    if not link:
        ledger.fail("prefill across servers: no download link")
        return
    path = "/webhooks/prefill/download/" + link.group(1)
    bodies = [_download(base + path) for base in [c.balancer, *c.rasa_urls]]
    for body in bodies:
        text = (
            ""
            if body is None
            else "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
            + "".join(cell.text for t in docx.Document(io.BytesIO(body)).tables for row in t.rows for cell in row.cells)
        )
        if body is None or NEW_PHONE not in text or TEST_ID not in text:
            ledger.fail("prefill across servers: a server could not serve the document made through the other")
            return
    env = {**os.environ, "PREFILL_DATABASE_URL": c.prefill_database_url(), "PREFILL_DIR": str(c.workdir / "side")}
    subprocess.run(
        [sys.executable, "-m", "bot.prefill", "purge", "--all"],
        cwd=Path(__file__).parents[1],
        env=env,
        check=True,
        capture_output=True,
    )
    after = [_download(base + path) for base in c.rasa_urls]
    if any(body is not None for body in after):
        ledger.fail("prefill across servers: the purge did not remove the document everywhere")
    print(
        f"5. application filled across both servers ({turn[0]} messages): downloaded through nginx and both "
        f"servers; purged once, 404 on both",
        flush=True,
    )


def check_kill(c: Cluster, ledger: Ledger) -> None:
    before = sum(ledger.retries.values())
    paced_load(c, ledger, "kill", lambda: (c.kill(1), "Rasa server 2 SIGKILLed")[1], at=4.0)
    if c.alive()[0] is not True:
        ledger.fail("the surviving Rasa server died")
    print(
        f"6. Rasa server 2 killed during load: {sum(ledger.retries.values()) - before} message(s) sent again",
        flush=True,
    )


def main() -> int:
    ledger = None
    keep = os.environ.get("CHECK_SCALE_DIR")  # keep the logs there instead of a temporary directory
    with (
        contextlib.nullcontext(keep) if keep else tempfile.TemporaryDirectory(prefix="check-scale-") as tmp,
        FakeWeChatAPI() as api,
    ):
        extra = {
            "WECHAT_TOKEN": WECHAT_TOKEN,
            "WECHAT_APPID": WECHAT_APPID,
            "WECHAT_SECRET": WECHAT_SECRET,
            "WECHAT_API_BASE": f"http://127.0.0.1:{api.port}",
        }
        started = time.monotonic()
        with Cluster(Path(tmp), servers=2, extra_env=extra) as c:
            ledger = Ledger(c.rest_headers())
            print(
                f"started Redis, PostgreSQL, 2 action servers, 2 Rasa servers and nginx in "
                f"{time.monotonic() - started:.0f} s",
                flush=True,
            )
            for check in (check_moving_conversation, check_ten_at_once):
                check(c, ledger)
            check_wechat(c, ledger, api)
            check_redis_restart(c, ledger)
            check_prefill(c, ledger)
            check_kill(c, ledger)
            figures = ledger.tally(c)
            instances = len(c.rasa)
        if ledger.retries:
            print("sent again: " + ", ".join(f"{n}× ({why})" for why, n in ledger.retries.items()))
    print(
        f"scale: {instances} instances, {figures['messages']} messages, {figures['lost']} lost, "
        f"{figures['duplicated']} duplicated, {figures['out_of_order']} out of order"
    )
    bad = figures["lost"] or figures["duplicated"] or figures["out_of_order"] or ledger.failures
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
