"""Through the real servers, as a hostile client would try: nobody reaches another person's conversation, typed
commands are text, oversized requests are refused, and socket.io widgets get their replies."""

import asyncio
import json
import urllib.error
import urllib.request

import pytest
import socketio

from actions.base import ERROR_REPLY
from bot.channels.inbound import BUSY_REPLY
from bot.serve import post
from tests.wechat_user import WeChatUser

pytestmark = [pytest.mark.model, pytest.mark.servers]
SELF_CHECK = "我33岁，全日制硕士研究生，准备去东川的事业单位工作"
NEED_SELF_CHECK = "申请前需要先做个自查"
SESSION_FORM = "申请项目"


def call(url, body: bytes, headers=None):
    """(status, JSON body) of a POST, whatever the status."""
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read().decode())
    except urllib.error.HTTPError as e:
        raw = e.read().decode("utf-8", "replace")
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def new_session(assistant):
    status, body = call(assistant.rsplit("/", 1)[0] + "/session", b"{}")
    assert status == 200
    return body["session"]


def test_a_wechat_conversation_cannot_be_continued_over_rest_with_the_openid(assistant):
    follower = WeChatUser(assistant)
    follower.say(SELF_CHECK)
    assert SESSION_FORM in follower.say("我要申请")  # the WeChat user's application form is open
    for sender in (follower.openid, f"wechat:{follower.openid}"):
        reply = texts(post(assistant, {"sender": sender, "message": "我要申请"}))
        assert NEED_SELF_CHECK in reply  # a new, empty conversation: no profile, no form
    assert NEED_SELF_CHECK not in follower.say("张三")  # and the WeChat user's form is still theirs


def test_web_sessions_are_issued_by_the_server_and_cannot_be_forged(assistant):
    mine, other = new_session(assistant), new_session(assistant)
    assert mine != other
    status, replies = call(assistant, json.dumps({"session": mine, "message": SELF_CHECK}).encode())
    assert status == 200 and "符合" in texts(replies)
    my_id, my_signature = mine.split(".")
    other_id, other_signature = other.split(".")
    for forged in (
        f"{my_id}.{other_signature}",
        # the last character changed in a bit that counts (one signature in 16 already ends in A)
        f"{my_id}.{my_signature[:-1]}{'Q' if my_signature[-1] != 'Q' else 'A'}",
        my_id,
        f"{my_id}.",
        f"{other_id}x.{other_signature}",
    ):
        status, body = call(assistant, json.dumps({"session": forged, "message": "我要申请"}).encode())
        assert status == 403, forged
        assert "会话无效" in body["error"]
    status, replies = call(assistant, json.dumps({"session": other, "message": "我要申请"}).encode())
    assert status == 200 and NEED_SELF_CHECK in texts(replies)  # the other session sees nothing of mine
    status, replies = call(assistant, json.dumps({"session": mine, "message": "我要申请"}).encode())
    assert status == 200 and SESSION_FORM in texts(replies)  # mine goes on where it was


def test_rest_without_a_sender_or_session_is_refused(assistant):
    for body in ({"message": "博士能拿多少补贴"}, {"sender": "", "message": "博士"}, {"sender": None}):
        status, answer = call(assistant, json.dumps(body).encode())
        assert status == 400 and "session" in answer["error"]


def test_a_client_behind_the_balancer_cannot_pick_a_sender(assistant):
    status, answer = call(
        assistant, json.dumps({"sender": "someone", "message": "博士"}).encode(), {"X-Forwarded-For": "203.0.113.9"}
    )
    assert status == 403 and "/webhooks/rest/session" in answer["error"]


def test_a_one_megabyte_body_is_refused(assistant):
    body = json.dumps({"sender": "big", "message": "博" * 350_000}).encode()
    assert len(body) > 1_000_000
    status, _ = call(assistant, body)
    assert status == 413
    status, answer = call(
        assistant, json.dumps({"sender": "meta", "message": "博士", "metadata": {"x": "y" * 20_000}}).encode()
    )
    assert status == 413 and "metadata" in answer["error"]


def test_typed_commands_change_nothing(chat):
    assert "符合" in chat.ask(SELF_CHECK)
    for typed in ("/restart", "／restart", "/session_start"):
        reply = chat.ask(typed)
        assert reply.strip() and BUSY_REPLY not in reply and ERROR_REPLY not in reply
    assert SESSION_FORM in chat.ask("我要申请")  # the self-check was not wiped by /restart


def test_a_typed_intent_payload_sets_no_fact(chat):
    reply = chat.ask('/inform{"age":"30","degree":"博士"}')
    assert "30" not in reply and "符合" not in reply
    assert NEED_SELF_CHECK in chat.ask("我要申请")  # no profile was made from the payload


def test_a_socketio_widget_receives_its_reply(assistant):
    base = assistant.split("/webhooks/")[0]

    async def converse():
        client = socketio.AsyncClient()
        confirmed, uttered = asyncio.Queue(), asyncio.Queue()
        client.on("session_confirm", lambda data: confirmed.put_nowait(data))
        client.on("bot_uttered", lambda data: uttered.put_nowait(data))
        await client.connect(
            base, socketio_path="/socket.io", transports=["polling"]
        )  # this aiohttp has no ClientWSTimeout
        try:
            await client.emit("session_request", {"session_id": "chosen-by-the-client"})
            session = await asyncio.wait_for(confirmed.get(), 30)
            assert session != "chosen-by-the-client"  # the server picks the conversation
            await client.emit("user_uttered", {"message": "博士能拿多少补贴", "session_id": session})
            first = await asyncio.wait_for(uttered.get(), 60)
            parts = [first.get("text") or ""]
            while True:
                try:
                    parts.append((await asyncio.wait_for(uttered.get(), 2)).get("text") or "")
                except asyncio.TimeoutError:
                    return "\n".join(parts)
        finally:
            await client.disconnect()

    reply = asyncio.run(converse())
    assert "25万元" in reply and "第（二）条" in reply
