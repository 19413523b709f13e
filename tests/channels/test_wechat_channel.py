"""The WeChat channel over real HTTP on 127.0.0.1, with requests built as WeChat builds them.

Signatures and AES come from wechatpy (``WeChatSigner``, ``WeChatCrypto``) with WeChat's
published sample values (token "spamtest", EncodingAESKey "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
AppID "wx2c2769f8efd9abc2"). A coroutine stands in for the bot; a small aiohttp server on
loopback stands in for the WeChat API (``/cgi-bin/token``, ``/cgi-bin/message/custom/send``).
"""

import asyncio
import hashlib
import json
import logging
import secrets
import socket
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
import xmltodict
from aiohttp import web
from sanic import Sanic
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from bot.channels import wechat_simulator
from bot.channels.wechat import ASK_FOR_TEXT, EMPTY_VOICE, UNKNOWN_MENU, WELCOME, WeChatInput
from bot.channels.wechat_api import WeChatAPI, mask

TOKEN = "spamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
SECRET = "test-app-secret-0123456789"
ACCOUNT = "gh_10f6c3c3ac5a"
OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
BUTTONS = [
    {"title": "博士", "payload": '/inform{"degree": "博士"}'},
    {"title": "硕士", "payload": '/inform{"degree": "硕士"}'},
]
ROOT = Path(__file__).resolve().parents[2]
Sanic.test_mode = True  # several apps in one process (Sanic's touch-up otherwise breaks on the second)


# --- requests as WeChat sends them ---------------------------------------------------------------


def sign(*parts):
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def text_xml(content, msg_id=None, openid=OPENID, create_time=None):
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or secrets.randbelow(2 ** 63)}</MsgId></xml>"
    )


def voice_xml(recognition, msg_id=None):
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[voice]]></MsgType>"
        f"<MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[amr]]></Format>"
        f"<Recognition><![CDATA[{recognition}]]></Recognition><MsgId>{msg_id or secrets.randbelow(2 ** 63)}</MsgId></xml>"
    )


def image_xml():
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        f"<PicUrl><![CDATA[http://127.0.0.1/x.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId>"
        f"<MsgId>{secrets.randbelow(2 ** 63)}</MsgId></xml>"
    )


def event_xml(event, key=None, create_time=None):
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{key_xml}</xml>"
    )


def wechat_request(xml, crypto=None, timestamp=None, nonce=None, token=TOKEN):
    """Query and body of WeChat's POST: plaintext, or safe mode (Encrypt + msg_signature)."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or str(secrets.randbelow(10**10))
    query = {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "openid": OPENID}
    if crypto is None:
        return query, xml.encode("utf-8")
    envelope = xmltodict.parse(crypto.encrypt_message(xml, nonce, timestamp))["xml"]
    query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
    body = (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    )
    return query, body.encode("utf-8")


def reply_of(body, crypto=None):
    """The passive reply as a dict (decrypted and signature-checked by wechatpy in safe mode)."""
    reply = xmltodict.parse(body)["xml"]
    if crypto is not None:
        plain = crypto.decrypt_message(reply, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
        reply = xmltodict.parse(plain)["xml"]
    return reply


# --- the stand-ins -------------------------------------------------------------------------------


class Bot:
    """Stands in for Rasa: records each run, may be slow, answers with buttons and a ``]]>``."""

    def __init__(self, delay=0.0, reply=None, buttons=True):
        self.delay, self.reply, self.buttons = delay, reply, buttons
        self.runs = []

    async def __call__(self, message):
        self.runs.append((message.sender_id, message.text, message.input_channel))
        await asyncio.sleep(self.delay)
        text = self.reply if self.reply is not None else f"您问：{message.text}]]>"
        if self.buttons:
            await message.output_channel.send_text_with_buttons(message.sender_id, text, BUTTONS)
        else:
            await message.output_channel.send_text_message(message.sender_id, text)


def expected_reply(question):
    return f"您问：{question}]]>\n1. 博士\n2. 硕士\n\n（回复数字即可选择）"


class FakeWeChatAPI:
    """/cgi-bin/token and /cgi-bin/message/custom/send on 127.0.0.1, recording every call."""

    def __init__(self):
        self.tokens_issued = 0
        self.sent = []
        self.send_calls = 0
        self.errors = []  # errcodes the next sends answer with, in order
        self.send_delay = 0.0
        self.token_delay = 0.0
        self.valid = set()
        self.base = None

    async def token(self, request):
        await asyncio.sleep(self.token_delay)
        query = request.query
        if (
            query.get("appid") != APPID
            or query.get("secret") != SECRET
            or query.get("grant_type") != "client_credential"
        ):
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        self.tokens_issued += 1
        token = f"ACCESS-TOKEN-{self.tokens_issued}-{secrets.token_hex(4)}"
        self.valid = {token}
        return web.json_response({"access_token": token, "expires_in": 7200})

    async def send(self, request):
        self.send_calls += 1
        await asyncio.sleep(self.send_delay)
        if self.errors:
            return web.json_response({"errcode": self.errors.pop(0), "errmsg": "simulated"})
        if request.query.get("access_token") not in self.valid:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        self.sent.append(json.loads(await request.read()))
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    @asynccontextmanager
    async def running(self):
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self.token)
        app.router.add_post("/cgi-bin/message/custom/send", self.send)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        try:
            yield self
        finally:
            await runner.cleanup()

    async def wait_sent(self, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.sent


@asynccontextmanager
async def serving(channel, bot):
    """The channel's blueprint in a real Sanic server on a free loopback port."""
    app = Sanic(f"wechat_test_{uuid.uuid4().hex[:12]}", configure_logging=False)
    app.blueprint(channel.blueprint(bot), url_prefix="/webhooks/wechat")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            yield f"http://127.0.0.1:{sock.getsockname()[1]}/webhooks/wechat/webhook", http
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()


async def post(http, url, query, body, timeout=10.0):
    async with http.post(url, params=query, data=body, timeout=aiohttp.ClientTimeout(total=timeout)) as answer:
        return answer.status, await answer.text()


def run(scenario, timeout=20.0):
    asyncio.run(asyncio.wait_for(scenario, timeout))


def channel(**options):
    defaults = dict(token=TOKEN, appid=APPID, secret=SECRET, passive_budget=3.0, rest_delay=0.0)
    defaults.update(options)
    return WeChatInput(**defaults)


def safe_channel(**options):
    return channel(aes_key=AES_KEY, **options)


CRYPTO = WeChatCrypto(TOKEN, AES_KEY, APPID)


# --- URL verification (GET) ----------------------------------------------------------------------


def test_get_verification_returns_echostr_and_refuses_forgeries():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            timestamp, nonce = str(int(time.time())), "1320562132"
            # WeChat's algorithm, computed without wechatpy: sha1 of the sorted, joined strings.
            signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
            assert signature == sign(TOKEN, timestamp, nonce)
            query = {"signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": "5837397520821594"}
            async with http.get(url, params=query) as answer:
                assert (answer.status, await answer.text()) == (200, "5837397520821594")
            async with http.get(url, params={**query, "signature": "0" * 40}) as answer:
                assert answer.status == 403
            stale = str(int(time.time()) - 3600)
            async with http.get(
                url, params={**query, "timestamp": stale, "signature": sign(TOKEN, stale, nonce)}
            ) as answer:
                assert answer.status == 403
        assert bot.runs == []

    run(scenario())


# --- messages ------------------------------------------------------------------------------------


def test_plaintext_text_message_gets_a_passive_reply_with_buttons_and_escaped_cdata():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            status, body = await post(http, url, *wechat_request(text_xml("博士能拿多少补贴")))
            assert status == 200
            reply = reply_of(body)
            assert reply["MsgType"] == "text"
            assert reply["ToUserName"] == OPENID and reply["FromUserName"] == ACCOUNT
            assert reply["Content"] == expected_reply("博士能拿多少补贴")
            assert "]]]]><![CDATA[>" in body
        assert bot.runs == [(f"wechat:{OPENID}", "博士能拿多少补贴", "wechat")]  # its own conversation id

    run(scenario())


def test_safe_mode_with_wechat_sample_values():
    async def scenario():
        bot = Bot()
        async with serving(safe_channel(), bot) as (url, http):
            status, body = await post(http, url, *wechat_request(text_xml("博士能拿多少补贴"), CRYPTO))
            assert status == 200
            envelope = xmltodict.parse(body)["xml"]
            assert set(envelope) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
            assert reply_of(body, CRYPTO)["Content"] == expected_reply("博士能拿多少补贴")
        assert [run[1] for run in bot.runs] == ["博士能拿多少补贴"]

    run(scenario())


def test_safe_mode_is_required_and_msg_signature_checked_before_decryption():
    async def scenario():
        bot = Bot()
        async with serving(safe_channel(), bot) as (url, http):
            # plaintext POST (valid `signature`) to an instance with an EncodingAESKey
            assert (await post(http, url, *wechat_request(text_xml("明文"))))[0] == 403
            query, body = wechat_request(text_xml("伪造"), CRYPTO)
            # valid `signature`, forged msg_signature
            assert (await post(http, url, {**query, "msg_signature": "f" * 40}, body))[0] == 403
            # encrypted by someone with the key but for another AppID
            other = WeChatCrypto(TOKEN, AES_KEY, "wx0000000000000000")
            assert await post(http, url, *wechat_request(text_xml("别的公众号"), other)) == (
                403,
                "message for another AppID",
            )
            # a key not WeChat's: the msg_signature holds (token known) but decryption fails
            wrong_key = WeChatCrypto(TOKEN, "B" * 43, APPID)
            assert await post(http, url, *wechat_request(text_xml("错钥"), wrong_key)) == (400, "cannot decrypt")
            # safe mode, well-formed XML, but no <Encrypt> in it
            query, _ = wechat_request(text_xml("x"), CRYPTO)
            assert await post(http, url, query, b"<xml><ToUserName>gh</ToUserName></xml>") == (400, "malformed XML")
        assert bot.runs == []

    run(scenario())


def test_compatibility_mode_ignores_the_plaintext_copy():
    async def scenario():
        bot = Bot()
        async with serving(safe_channel(), bot) as (url, http):
            query, body = wechat_request(text_xml("真的问题"), CRYPTO)
            encrypt = xmltodict.parse(body)["xml"]["Encrypt"]
            plain_copy = text_xml("假的问题")[len("<xml>") : -len("</xml>")]
            compat = f"<xml>{plain_copy}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()
            status, answer = await post(http, url, query, compat)
            assert status == 200 and reply_of(answer, CRYPTO)["Content"] == expected_reply("真的问题")
        assert [run[1] for run in bot.runs] == ["真的问题"]

    run(scenario())


def test_voice_uses_recognition_and_asks_for_text_when_empty():
    async def scenario():
        bot = Bot()
        async with serving(safe_channel(), bot) as (url, http):
            status, body = await post(http, url, *wechat_request(voice_xml("硕士有补贴吗？"), CRYPTO))
            assert status == 200 and reply_of(body, CRYPTO)["Content"] == expected_reply("硕士有补贴吗？")
            status, body = await post(http, url, *wechat_request(voice_xml(""), CRYPTO))
            assert status == 200 and reply_of(body, CRYPTO)["Content"] == EMPTY_VOICE
        assert [run[1] for run in bot.runs] == ["硕士有补贴吗？"]

    run(scenario())


def test_subscribe_welcomes_without_running_the_bot():
    async def scenario():
        bot = Bot()
        welcoming = channel()
        async with serving(welcoming, bot) as (url, http):
            status, body = await post(http, url, *wechat_request(event_xml("subscribe", "")))
            welcome = reply_of(body)["Content"]
            assert status == 200 and welcome == welcoming.welcome and welcome.startswith(WELCOME)
            assert "补贴" in WELCOME and "条款" in WELCOME  # says what the assistant can do
            assert "下方菜单" in welcome and "“资格自测”" in welcome  # and points at the menu (wechat_menu.yml)
            status, body = await post(http, url, *wechat_request(event_xml("unsubscribe", "")))
            assert (status, body) == (200, "success")
        assert bot.runs == []

    run(scenario())


def test_menu_click_keys_map_to_questions():
    async def scenario():
        bot = Bot()
        keys = {"SUBSIDY": "人才补贴标准是多少"}
        async with serving(channel(click_keys=keys), bot) as (url, http):
            status, body = await post(http, url, *wechat_request(event_xml("CLICK", "SUBSIDY")))
            assert status == 200 and reply_of(body)["Content"] == expected_reply("人才补贴标准是多少")
            status, body = await post(http, url, *wechat_request(event_xml("CLICK", "NO_SUCH_KEY")))
            assert status == 200 and reply_of(body)["Content"] == UNKNOWN_MENU
            status, body = await post(http, url, *wechat_request(event_xml("VIEW", "https://example.org")))
            assert (status, body) == (200, "success")
        assert [run[1] for run in bot.runs] == ["人才补贴标准是多少"]

    run(scenario())


def test_image_and_empty_text_get_a_polite_request_for_text():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            status, body = await post(http, url, *wechat_request(image_xml()))
            assert status == 200 and reply_of(body)["Content"] == ASK_FOR_TEXT
            assert "请发送文字" in ASK_FOR_TEXT
            status, body = await post(http, url, *wechat_request(text_xml("   ")))
            assert status == 200 and reply_of(body)["Content"] == ASK_FOR_TEXT
        assert bot.runs == []

    run(scenario())


def test_numbered_buttons_are_answered_with_a_digit():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            await post(http, url, *wechat_request(text_xml("学历补贴")))
            status, body = await post(http, url, *wechat_request(text_xml("2")))
            assert status == 200
            await post(http, url, *wechat_request(text_xml("９")))  # out of range: plain text
        assert [run[1] for run in bot.runs] == ["学历补贴", '/inform{"degree": "硕士"}', "９"]

    run(scenario())


# --- security ------------------------------------------------------------------------------------


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o]]></FromUserName><CreateTime>1</CreateTime>
<MsgType><![CDATA[text]]></MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>"""
XXE = """<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o]]></FromUserName><CreateTime>1</CreateTime>
<MsgType><![CDATA[text]]></MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>"""


def test_forged_signature_and_stale_or_missing_timestamp_are_refused():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            query, body = wechat_request(text_xml("伪造"))
            assert (await post(http, url, {**query, "signature": "0" * 40}, body))[0] == 403
            assert (await post(http, url, *wechat_request(text_xml("伪造"), token="not-the-token")))[0] == 403
            for offset in (-301, 301, -86400):
                stale = str(int(time.time()) + offset)
                assert (await post(http, url, *wechat_request(text_xml("过期"), timestamp=stale)))[0] == 403
            no_timestamp = {k: v for k, v in query.items() if k != "timestamp"}
            assert (await post(http, url, no_timestamp, body))[0] == 403
            assert (await post(http, url, *wechat_request(text_xml("正常"))))[0] == 200
        assert [run[1] for run in bot.runs] == ["正常"]

    run(scenario())


def test_oversized_bodies_are_refused_with_413():
    async def scenario():
        bot = Bot()
        async with serving(channel(max_body_bytes=8192), bot) as (url, http):
            query, _ = wechat_request(text_xml("x"))
            big = text_xml("长" * 4000).encode()  # 12 kB
            assert (await post(http, url, query, big))[0] == 413

            async def chunked():  # no Content-Length: the cap holds over the reads, each far below it
                for _ in range(20):
                    yield b"<xml>" + b"a" * 1000
                    await asyncio.sleep(0.01)  # a read of its own on the server

            assert (await post(http, url, query, chunked()))[0] == 413
            assert (await post(http, url, *wechat_request(text_xml("正常"))))[0] == 200
        assert [run[1] for run in bot.runs] == ["正常"]

    run(scenario())


def test_billion_laughs_and_xxe_are_refused_in_plaintext_and_safe_mode():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            for payload in (BILLION_LAUGHS, XXE):
                status, body = await post(http, url, *wechat_request(payload))
                assert status == 400 and "DOCTYPE" in body
            assert (await post(http, url, *wechat_request(text_xml("正常"))))[0] == 200
        async with serving(safe_channel(), bot) as (url, http):
            for payload in (BILLION_LAUGHS, XXE):  # the declarations inside the encrypted message
                assert (await post(http, url, *wechat_request(payload, CRYPTO)))[0] == 400
            query, _ = wechat_request(text_xml("x"), CRYPTO)
            outer = f"<!DOCTYPE x [<!ENTITY e \"{'a' * 10}\">]>" + "<xml><Encrypt><![CDATA[&e;]]></Encrypt></xml>"
            assert (await post(http, url, query, outer.encode()))[0] == 400
        assert [run[1] for run in bot.runs] == ["正常"]

    run(scenario())


def test_malformed_xml_is_refused_with_400_and_the_server_keeps_serving():
    async def scenario():
        bot = Bot()
        bad = [
            b"<xml><ToUserName>gh</ToUserName>",  # unclosed
            b"not xml at all",
            b"",
            b"<xml></xml>",  # no MsgType
            b"<xml><MsgType>text</MsgType><Content>x</Content></xml>",  # no FromUserName
            text_xml("x").replace("<MsgId>", "<MsgId>abc").encode(),  # MsgId not a number
            "<xml><Content>中</Content></xml>".encode("gbk"),  # not UTF-8
        ]
        async with serving(channel(), bot) as (url, http):
            for body in bad:
                query, _ = wechat_request(text_xml("x"))
                assert (await post(http, url, query, body))[0] == 400, body
            assert (await post(http, url, *wechat_request(text_xml("正常"))))[0] == 200
        async with serving(safe_channel(), bot) as (url, http):
            timestamp, nonce = str(int(time.time())), "123"
            garbage = "bm90IGEgdmFsaWQgY2lwaGVydGV4dA=="
            query = {
                "timestamp": timestamp,
                "nonce": nonce,
                "encrypt_type": "aes",
                "signature": sign(TOKEN, timestamp, nonce),
                "msg_signature": sign(TOKEN, timestamp, nonce, garbage),
            }
            body = f"<xml><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>".encode()
            assert (await post(http, url, query, body))[0] == 400
            assert (await post(http, url, query, b"<xml><Encrypt>"))[0] == 400
        assert [run[1] for run in bot.runs] == ["正常"]

    run(scenario())


def test_unconfigured_channel_answers_503_and_credentials_come_from_env(monkeypatch):
    for name in ("WECHAT_TOKEN", "WECHAT_APPID", "WECHAT_AES_KEY", "WECHAT_SECRET", "WECHAT_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    unconfigured = WeChatInput.from_credentials(None)
    assert unconfigured.problem and unconfigured.api is None

    async def scenario():
        async with serving(unconfigured, Bot()) as (url, http):
            status, body = await post(http, url, *wechat_request(text_xml("x")))
            assert status == 503 and "未配置" in body
            async with http.get(url) as answer:
                assert answer.status == 503
            async with http.get(url.rsplit("/", 1)[0] + "/") as answer:
                assert (await answer.json())["configured"] is False

    run(scenario())

    monkeypatch.setenv("WECHAT_TOKEN", TOKEN)
    monkeypatch.setenv("WECHAT_APPID", APPID)
    monkeypatch.setenv("WECHAT_AES_KEY", AES_KEY)
    monkeypatch.setenv("WECHAT_SECRET", SECRET)
    configured = WeChatInput.from_credentials({"passive_budget": 2.5})
    assert configured.problem is None and configured.token == TOKEN and configured.api is not None
    assert configured.passive_budget == 2.5 and configured.click_keys["CONTACT"]  # from wechat_menu.yml
    assert WeChatInput.from_credentials({"token": "from-yaml"}).token == "from-yaml"
    broken = WeChatInput.from_credentials({"aes_key": "too-short"})
    assert broken.problem and "WECHAT_AES_KEY" in broken.problem


def test_credentials_yml_loads_without_wechat_variables(monkeypatch):
    import rasa.shared.utils.io

    for name in ("WECHAT_TOKEN", "WECHAT_APPID", "WECHAT_AES_KEY", "WECHAT_SECRET", "WECHAT_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    credentials = rasa.shared.utils.io.read_config_file(str(ROOT / "credentials.yml"))
    block = credentials["bot.channels.wechat.WeChatInput"]
    instance = WeChatInput.from_credentials(block)
    assert instance.problem == "WECHAT_TOKEN 未设置"
    assert instance.passive_budget == 4.5 and instance.click_keys


# --- timing, retries, long replies ---------------------------------------------------------------


def test_slow_bot_answers_success_then_customer_service_message():
    async def scenario():
        bot = Bot(delay=1.6)
        async with (
            FakeWeChatAPI().running() as fake,
            serving(safe_channel(api_base=fake.base, passive_budget=1.0), bot) as (url, http),
        ):
            started = time.monotonic()
            status, body = await post(http, url, *wechat_request(text_xml("慢问题"), CRYPTO))
            elapsed = time.monotonic() - started
            assert (status, body) == (200, "success") and 0.9 <= elapsed < 3.0
            sent = await fake.wait_sent(1)
            assert sent == [{"touser": OPENID, "msgtype": "text", "text": {"content": expected_reply("慢问题")}}]
            assert fake.tokens_issued == 1
        assert len(bot.runs) == 1

    run(scenario())


def test_three_concurrent_tries_of_one_msgid_run_the_bot_once_passive():
    async def scenario():
        bot = Bot(delay=0.3)
        async with FakeWeChatAPI().running() as fake, serving(channel(api_base=fake.base), bot) as (url, http):
            xml = text_xml("重试", msg_id=6054768590064713728)
            tries = []
            for _ in range(3):  # a new timestamp/nonce per try, as WeChat does
                tries.append(asyncio.create_task(post(http, url, *wechat_request(xml))))
                await asyncio.sleep(0.05)
            answers = await asyncio.gather(*tries)
            assert {status for status, _ in answers} == {200}
            assert {reply_of(body)["Content"] for _, body in answers} == {expected_reply("重试")}
            # a late try after the answer went out gets the finished answer, still without a bot run
            status, body = await post(http, url, *wechat_request(xml))
            assert reply_of(body)["Content"] == expected_reply("重试")
            await asyncio.sleep(0.2)
            assert fake.sent == []
        assert len(bot.runs) == 1

    run(scenario())


def test_three_tries_of_a_slow_message_run_the_bot_once_and_deliver_once():
    async def scenario():
        bot = Bot(delay=1.5)
        async with (
            FakeWeChatAPI().running() as fake,
            serving(channel(api_base=fake.base, passive_budget=1.0), bot) as (url, http),
        ):
            xml = text_xml("慢的重试", msg_id=6054768590064713729)
            tries = []
            for _ in range(3):
                tries.append(asyncio.create_task(post(http, url, *wechat_request(xml))))
                await asyncio.sleep(0.3)
            answers = await asyncio.gather(*tries)
            assert answers == [(200, "success")] * 3
            await fake.wait_sent(1)
            await asyncio.sleep(0.5)  # nothing more arrives
            assert [m["text"]["content"] for m in fake.sent] == [expected_reply("慢的重试")]
        assert len(bot.runs) == 1

    run(scenario())


def test_wechat_hanging_up_on_every_try_still_delivers_once():
    async def scenario():
        bot = Bot(delay=1.0)
        async with (
            FakeWeChatAPI().running() as fake,
            serving(channel(api_base=fake.base, passive_budget=3.0), bot) as (url, http),
        ):
            xml = text_xml("挂断", msg_id=6054768590064713730)
            with pytest.raises(asyncio.TimeoutError):  # WeChat gives up before the channel's budget
                await post(http, url, *wechat_request(xml), timeout=0.3)
            await asyncio.sleep(0.1)
            for _ in range(2):  # the answer now goes through the API: the retries get `success`
                assert await post(http, url, *wechat_request(xml), timeout=0.3) == (200, "success")
            await fake.wait_sent(1)
            await asyncio.sleep(0.3)
            assert [m["text"]["content"] for m in fake.sent] == [expected_reply("挂断")]
        assert len(bot.runs) == 1

    run(scenario())


def test_long_reply_is_split_at_2048_bytes_rest_via_customer_service():
    long_text = "\n".join(f"第{i}条 " + "东川区人才补贴政策说明" * 8 for i in range(40))

    async def scenario():
        bot = Bot(reply=long_text, buttons=False)
        async with FakeWeChatAPI().running() as fake, serving(channel(api_base=fake.base), bot) as (url, http):
            status, body = await post(http, url, *wechat_request(text_xml("长回答")))
            first = reply_of(body)["Content"]
            assert status == 200 and len(first.encode()) <= 2048
            rest_count = -(-len(long_text.encode()) // 2048)  # at least this many parts in all
            sent = await fake.wait_sent(rest_count - 1)
            parts = [first] + [m["text"]["content"] for m in sent]
            assert all(len(p.encode()) <= 2048 for p in parts)
            assert "\n".join(parts) == long_text

    run(scenario())


def test_a_failing_bot_gets_an_apology_and_the_server_keeps_serving():
    async def failing(message):
        raise RuntimeError("boom " + message.text)

    async def scenario():
        async with serving(channel(), failing) as (url, http):
            status, body = await post(http, url, *wechat_request(text_xml("出错")))
            assert status == 200 and "稍后再试" in reply_of(body)["Content"]

    run(scenario())


# --- WeChat API: access_token and customer-service messages --------------------------------------


def test_access_token_is_cached_with_one_refresher():
    async def scenario():
        async with FakeWeChatAPI().running() as fake:
            fake.token_delay = 0.2
            api = WeChatAPI(APPID, SECRET, fake.base, timeout=2)
            results = await asyncio.gather(*(api.send_text(OPENID, f"消息{i}") for i in range(12)))
            assert all(results) and len(fake.sent) == 12
            assert fake.tokens_issued == 1 == api.token_fetches

    run(scenario())


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_access_token_is_refreshed_when_wechat_rejects_it(errcode):
    async def scenario():
        async with FakeWeChatAPI().running() as fake:
            api = WeChatAPI(APPID, SECRET, fake.base, timeout=2)
            assert await api.send_text(OPENID, "第一条")
            fake.errors = [errcode]
            assert await api.send_text(OPENID, "第二条")
            assert fake.tokens_issued == 2
            assert [m["text"]["content"] for m in fake.sent] == ["第一条", "第二条"]

    run(scenario())


@pytest.mark.parametrize("errcode", [45015, 45047, 45002])
def test_customer_service_errors_are_logged_without_personal_data(errcode, caplog):
    async def scenario():
        async with FakeWeChatAPI().running() as fake:
            api = WeChatAPI(APPID, SECRET, fake.base, timeout=2)
            fake.errors = [errcode]
            assert await api.send_text(OPENID, "个人问题内容") is False

    with caplog.at_level(logging.DEBUG):
        run(scenario())
    assert str(errcode) in caplog.text and mask(OPENID) in caplog.text
    assert OPENID not in caplog.text and "个人问题内容" not in caplog.text


def test_api_calls_time_out_and_never_log_token_or_secret(caplog):
    async def scenario():
        async with FakeWeChatAPI().running() as fake:
            api = WeChatAPI(APPID, SECRET, fake.base, timeout=0.5)
            assert await api.send_text(OPENID, "一") is True
            fake.send_delay = 3.0
            started = time.monotonic()
            assert await api.send_text(OPENID, "二") is False
            assert time.monotonic() - started < 3.0
            fake.send_delay, fake.token_delay = 0.0, 3.0
            fake.valid = set()  # the cached token is rejected; the refresh times out
            started = time.monotonic()
            assert await api.send_text(OPENID, "三") is False
            assert time.monotonic() - started < 3.0
            return list(fake.valid)

    with caplog.at_level(logging.DEBUG):
        run(scenario())
    assert "ACCESS-TOKEN" not in caplog.text and SECRET not in caplog.text
    assert OPENID not in caplog.text


def test_channel_logs_mask_openids_and_omit_contents(caplog):
    async def scenario():
        async with (
            FakeWeChatAPI().running() as fake,
            serving(channel(api_base=fake.base, passive_budget=0.3), Bot(delay=0.5)) as (url, http),
        ):
            await post(http, url, *wechat_request(text_xml("我的私人问题")))
            await fake.wait_sent(1)

    with caplog.at_level(logging.DEBUG):
        run(scenario())
    assert mask(OPENID) in caplog.text
    assert OPENID not in caplog.text and "我的私人问题" not in caplog.text
    assert "ACCESS-TOKEN" not in caplog.text and SECRET not in caplog.text


# --- the simulator CLI ---------------------------------------------------------------------------


def test_simulator_cli_sends_signed_and_encrypted_messages(capsys):
    async def scenario():
        outputs = []
        for make, extra in ((channel, []), (safe_channel, ["--aes-key", AES_KEY, "--appid", APPID])):
            async with serving(make(), Bot()) as (url, _):
                base = ["--url", url, "--token", TOKEN, *extra]
                codes = [
                    await asyncio.to_thread(wechat_simulator.main, base + ["博士能拿多少补贴"]),
                    await asyncio.to_thread(wechat_simulator.main, base + ["--verify"]),
                    await asyncio.to_thread(wechat_simulator.main, base + ["--type", "subscribe"]),
                    await asyncio.to_thread(wechat_simulator.main, ["--url", url, "--token", "wrong", "x"]),
                ]
                outputs.append(codes)
        return outputs

    outputs = []
    asyncio.run(asyncio.wait_for(_collect(scenario(), outputs), 20))
    printed = capsys.readouterr().out
    assert outputs == [[0, 0, 0, 1], [0, 0, 0, 1]]
    assert printed.count(expected_reply("博士能拿多少补贴")) == 2
    assert printed.count("URL 验证成功") == 2 and printed.count("欢迎关注") == 2
    assert "HTTP 403" in printed


async def _collect(coroutine, into):
    into.extend(await coroutine)
