"""Signatures the way an attacker would get them almost right, in GET, plaintext POST and safe mode (aes); and the
retry cache at WeChat's real retry spacing (tries 5 s apart, three of them) on a clock the test moves.

Each forgery is a near miss of the valid signature: missing, empty, truncated, upper-cased, one character wrong at
either end, one character too many, or a signature over other values. Every one must be refused with 403 before the
bot runs; the valid request beside them must pass, so the test can fail both ways.
"""

import asyncio
import functools
import inspect
import time
from types import SimpleNamespace

import pytest
from wechatpy.exceptions import InvalidSignatureException

from bot.channels import wechat as wechat_module
from bot.channels.wechat import WeChatInput
from bot.channels.wechat_dedup import DedupCache, message_key
from tests.channels.test_wechat_channel import (
    AES_KEY,
    APPID,
    CRYPTO,
    OPENID,
    TOKEN,
    Bot,
    FakeWeChatAPI,
    WeChatCrypto,
    channel,
    expected_reply,
    post,
    reply_of,
    run,
    safe_channel,
    serving,
    sign,
    text_xml,
    wechat_request,
)


def other_char(c: str) -> str:
    return "1" if c == "0" else "0"


def near_misses(valid: str) -> dict:
    """Forgeries of a valid 40-character hex signature, by name."""
    return {
        "missing": None,
        "empty": "",
        "truncated to 39": valid[:-1],
        "truncated to 20": valid[:20],
        "first 8 characters": valid[:8],
        "upper-cased": valid.upper(),
        "last character wrong": valid[:-1] + other_char(valid[-1]),
        "first character wrong": other_char(valid[0]) + valid[1:],
        "one character too many": valid + "0",
        "all zeros": "0" * 40,
    }


def test_near_misses_are_near():
    valid = sign(TOKEN, "1700000000", "42")
    forged = near_misses(valid)
    assert valid.islower() and valid != valid.upper()  # the upper-cased one differs
    for name, value in forged.items():
        assert value != valid, name
    assert sum(a != b for a, b in zip(forged["last character wrong"], valid)) == 1


def with_signature(query: dict, key: str, value):
    query = {k: v for k, v in query.items() if k != key}
    if value is not None:
        query[key] = value
    return query


def test_get_verification_refuses_every_near_miss():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            timestamp, nonce = str(int(time.time())), "20251201"
            valid = {
                "signature": sign(TOKEN, timestamp, nonce),
                "timestamp": timestamp,
                "nonce": nonce,
                "echostr": "echo-7391",
            }
            for name, forged in near_misses(valid["signature"]).items():
                async with http.get(url, params=with_signature(valid, "signature", forged)) as answer:
                    assert (answer.status, await answer.text()) == (403, "bad signature"), name
            # a signature over another nonce, or without the token
            for forged in (sign(TOKEN, timestamp, "20251202"), sign(timestamp, nonce), sign("other", timestamp, nonce)):
                async with http.get(url, params={**valid, "signature": forged}) as answer:
                    assert answer.status == 403
            async with http.get(url, params=valid) as answer:
                assert (answer.status, await answer.text()) == (200, "echo-7391")
        assert bot.runs == []

    run(scenario())


def test_plaintext_post_refuses_every_near_miss_before_the_bot_runs():
    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            query, body = wechat_request(text_xml("伪造的提问"))
            for name, forged in near_misses(query["signature"]).items():
                status, text = await post(http, url, with_signature(query, "signature", forged), body)
                assert (status, text) == (403, "bad signature"), name
            # the signature of another timestamp, sent with this one
            other = str(int(query["timestamp"]) - 1)
            assert (await post(http, url, {**query, "signature": sign(TOKEN, other, query["nonce"])}, body))[0] == 403
            status, text = await post(http, url, query, body)
            assert status == 200 and reply_of(text)["Content"] == expected_reply("伪造的提问")
        assert [r[1] for r in bot.runs] == ["伪造的提问"]

    run(scenario())


def test_safe_mode_refuses_every_near_miss_of_msg_signature():
    async def scenario():
        bot = Bot()
        async with serving(safe_channel(), bot) as (url, http):
            query, body = wechat_request(text_xml("加密的提问"), CRYPTO)
            for name, forged in near_misses(query["msg_signature"]).items():
                status, text = await post(http, url, with_signature(query, "msg_signature", forged), body)
                assert status == 403, name
                assert text == (
                    "safe mode (encrypt_type=aes, msg_signature) required" if not forged else "bad msg_signature"
                ), name
            # `signature` (over token, timestamp, nonce) is not msg_signature (which covers the Encrypt too)
            assert (await post(http, url, {**query, "msg_signature": query["signature"]}, body))[0] == 403
            # safe mode named but the message signed as plaintext: encrypt_type missing or another value
            required = (403, "safe mode (encrypt_type=aes, msg_signature) required")
            assert await post(http, url, with_signature(query, "encrypt_type", None), body) == required
            assert await post(http, url, {**query, "encrypt_type": "raw"}, body) == required
            # the ciphertext changed after signing: msg_signature no longer holds
            encrypt = body.decode().split("<Encrypt><![CDATA[")[1].split("]]>")[0]
            tampered = body.decode().replace(encrypt, encrypt[:-2] + ("A" if encrypt[-2] != "A" else "B") + encrypt[-1])
            assert await post(http, url, query, tampered.encode()) == (403, "bad msg_signature")
            # a valid `signature` alone does not open safe mode; a bad one does not matter when msg_signature holds
            assert (await post(http, url, {**query, "signature": "0" * 40}, body))[0] == 200
            status, text = await post(http, url, *wechat_request(text_xml("第二个加密提问"), CRYPTO))
            assert status == 200 and reply_of(text, CRYPTO)["Content"] == expected_reply("第二个加密提问")
        assert [r[1] for r in bot.runs] == ["加密的提问", "第二个加密提问"]

    run(scenario())


def test_safe_mode_reply_is_signed_so_wechat_can_verify_it():
    async def scenario():
        bot = Bot()
        async with serving(safe_channel(), bot) as (url, http):
            status, text = await post(http, url, *wechat_request(text_xml("回信签名"), CRYPTO))
            assert status == 200
            # reply_of verifies MsgSignature with wechatpy; a wrong key or token cannot read it
            assert reply_of(text, CRYPTO)["Content"] == expected_reply("回信签名")
            with pytest.raises(InvalidSignatureException):
                reply_of(text, WeChatCrypto("not-the-token", AES_KEY, APPID))

    run(scenario())


def test_timestamps_within_five_minutes_pass_and_others_are_refused():
    async def scenario():
        bot = Bot(buttons=False, reply="好")
        async with serving(channel(), bot) as (url, http):
            now = int(time.time())
            for offset in (-298, 298, 0):
                status, _ = await post(
                    http, url, *wechat_request(text_xml(f"时间{offset}"), timestamp=str(now + offset))
                )
                assert status == 200, offset
            for timestamp in (str(now - 302), str(now + 302), "", "17e8", "-1", f"{now}.0", " " + str(now), "1" * 13):
                query, body = wechat_request(text_xml("时间不对"), timestamp=timestamp or None)
                query["timestamp"] = timestamp
                query["signature"] = sign(TOKEN, timestamp, query["nonce"])
                assert await post(http, url, query, body) == (403, "stale or missing timestamp"), timestamp
            async with http.get(
                url, params={"signature": sign(TOKEN, "1", "n"), "timestamp": "1", "nonce": "n", "echostr": "e"}
            ) as answer:
                assert (answer.status, await answer.text()) == (403, "stale or missing timestamp")
        assert len(bot.runs) == 3

    run(scenario())


def test_the_five_minutes_are_counted_to_the_second(monkeypatch):
    """On a frozen clock: a timestamp exactly 300 s away either side passes, 301 s is refused."""
    now = 1_765_000_000
    monkeypatch.setattr(wechat_module, "time", SimpleNamespace(time=lambda: float(now), monotonic=time.monotonic))

    async def scenario():
        bot = Bot(buttons=False, reply="好")
        async with serving(channel(), bot) as (url, http):
            for offset, status in ((-300, 200), (300, 200), (-301, 403), (301, 403)):
                query, body = wechat_request(text_xml(f"时间{offset}"), timestamp=str(now + offset))
                assert (await post(http, url, query, body))[0] == status, offset
        assert [r[1] for r in bot.runs] == ["时间-300", "时间300"]

    run(scenario())


def test_each_malformed_body_is_refused_with_the_check_it_failed():
    async def scenario():
        bot = Bot()
        bodies = [
            (b"<xml><ToUserName>gh</ToUserName>", "malformed XML"),  # unclosed
            (b"not xml at all", "malformed XML"),
            (b"<xml></xml>", "malformed message"),  # no MsgType
            (b"<xml><MsgType>text</MsgType><Content>x</Content></xml>", "malformed message"),  # no FromUserName
            (text_xml("x").replace("<MsgId>", "<MsgId>abc").encode(), "malformed message"),  # MsgId not a number
            ("<xml><Content>中</Content></xml>".encode("gbk"), "body is not UTF-8"),
        ]
        async with serving(channel(), bot) as (url, http):
            for body, reason in bodies:
                query, _ = wechat_request(text_xml("x"))
                assert await post(http, url, query, body) == (400, reason), body
            # a verification without echostr echoes nothing
            timestamp, nonce = str(int(time.time())), "77"
            query = {"signature": sign(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
            async with http.get(url, params=query) as answer:
                assert (answer.status, await answer.text()) == (200, "")
        assert bot.runs == []

    run(scenario())


def test_a_body_of_exactly_the_limit_passes_one_byte_more_is_refused():
    def padded(content, size):  # whitespace after </xml>: still the same message
        xml = text_xml(content).encode()
        return xml + b" " * (size - len(xml))

    async def streamed(body):  # no Content-Length: the limit is counted while reading
        yield body

    async def streamed_in(*parts):
        for part in parts:
            yield part
            await asyncio.sleep(0.05)  # separate reads on the server

    async def scenario():
        bot = Bot(buttons=False, reply="好")
        async with serving(channel(max_body_bytes=8192), bot) as (url, http):
            query, _ = wechat_request(text_xml("x"))
            assert (await post(http, url, query, padded("声明的长度", 8192)))[0] == 200
            assert await post(http, url, query, padded("长一个字节", 8193)) == (413, "body too large")
            assert (await post(http, url, query, streamed(padded("读到的长度", 8192))))[0] == 200
            assert await post(http, url, query, streamed(padded("多一个字节", 8193))) == (413, "body too large")
            pieces = padded("分三段送到", 3000)  # read in several chunks, joined as sent
            assert (await post(http, url, query, streamed_in(pieces[:1000], pieces[1000:2000], pieces[2000:])))[
                0
            ] == 200
        assert [r[1] for r in bot.runs] == ["声明的长度", "读到的长度", "分三段送到"]

    run(scenario())


def test_a_request_without_a_nonce_is_refused_even_when_signed_over_an_empty_one():
    async def scenario():
        bot = Bot(buttons=False, reply="好")
        async with serving(channel(), bot) as (url, http):
            timestamp = str(int(time.time()))
            signed = {"signature": sign(TOKEN, timestamp, ""), "timestamp": timestamp, "openid": OPENID}
            async with http.get(url, params={**signed, "echostr": "e"}) as answer:
                assert (answer.status, await answer.text()) == (403, "missing nonce")
            assert await post(http, url, signed, text_xml("没有nonce").encode()) == (403, "missing nonce")
        assert bot.runs == []

    run(scenario())


def test_a_declared_oversize_body_is_refused_before_it_is_sent():
    """Content-Length over the limit: 413 at once, without waiting for (or holding) a byte of the body."""

    async def scenario():
        bot = Bot(buttons=False, reply="好")
        async with serving(channel(max_body_bytes=8192), bot) as (url, _http):
            query, _ = wechat_request(text_xml("x"))
            host, port = url.split("//")[1].split("/")[0].split(":")
            path = "/" + url.split("//")[1].split("/", 1)[1] + "?" + "&".join(f"{k}={v}" for k, v in query.items())
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100000\r\n\r\n<xml>".encode())
            await writer.drain()  # 5 of the 100000 bytes sent; the rest never comes
            status_line = await asyncio.wait_for(reader.readline(), 5)
            writer.close()
            assert status_line.split()[1] == b"413"
        assert bot.runs == []

    run(scenario())


# --- the retry cache at WeChat's spacing -----------------------------------------------------------


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """The channel's own DedupCache (its default lifetime) on the test's clock."""
    clock = Clock()
    monkeypatch.setattr(wechat_module, "DedupCache", functools.partial(DedupCache, clock=clock))
    return clock


def test_wechat_retries_5_seconds_apart_never_run_the_bot_twice(clock):
    """WeChat gives up on a try after 5 s and sends it again, three tries in all: 0 s, 5 s, 10 s (and a late
    duplicate may still come after). Each try gets the one answer; the bot runs once."""

    async def scenario():
        bot = Bot()
        async with serving(channel(), bot) as (url, http):
            xml = text_xml("重试间隔", msg_id=6054768590064713999)
            for at in (0, 5, 5, 5, 15):  # tries at 0, 5, 10, 15 s, then one at 30 s
                clock.advance(at)
                status, body = await post(http, url, *wechat_request(xml))
                assert status == 200 and reply_of(body)["Content"] == expected_reply("重试间隔"), clock.now
        assert len(bot.runs) == 1

    run(scenario())


def test_the_retry_cache_forgets_a_message_after_its_lifetime(clock):
    async def scenario():
        bot = Bot()
        async with serving(channel(dedup_ttl=60), bot) as (url, http):
            xml = text_xml("过期的重试", msg_id=6054768590064714000)
            await post(http, url, *wechat_request(xml))
            clock.advance(60)
            await post(http, url, *wechat_request(xml))
            assert len(bot.runs) == 1
            clock.advance(0.5)
            await post(http, url, *wechat_request(xml))
            assert len(bot.runs) == 2

    run(scenario())


def test_default_lifetime_covers_wechats_retry_window():
    default = inspect.signature(wechat_module.WeChatInput.__init__).parameters["dedup_ttl"].default
    assert default >= 15  # three tries 5 s apart, with margin
    clock = Clock()
    cache = DedupCache(clock=clock)
    cache.put("k", task=None)
    clock.advance(299.9)
    assert cache.get("k") is not None


def test_dedup_cache_lifetime_boundary_and_tries():
    clock = Clock()
    cache = DedupCache(ttl=10, clock=clock)
    first = cache.put("a", task=None)
    assert (first.created, first.tries, first.mode, first.waiters) == (1000.0, 1, None, 0)
    clock.advance(10)
    assert cache.get("a") is first and first.tries == 2  # exactly at its lifetime: still there
    assert cache.get("a").tries == 3
    clock.advance(0.001)
    assert cache.get("a") is None and len(cache) == 0
    assert cache.get("never") is None


def test_dedup_cache_drops_the_oldest_beyond_its_size():
    clock = Clock()
    cache = DedupCache(ttl=300, max_entries=2, clock=clock)
    cache.put("a", task=None)
    clock.advance(1)
    cache.put("b", task=None)
    assert len(cache) == 2 and cache.get("a") is not None
    clock.advance(1)
    cache.put("c", task=None)
    assert len(cache) == 2 and cache.get("a") is None
    assert cache.get("b") is not None and cache.get("c") is not None


def test_dedup_keeps_younger_entries_when_the_oldest_expire():
    clock = Clock()
    cache = DedupCache(ttl=10, clock=clock)
    cache.put("old", task=None)
    clock.advance(6)
    cache.put("young", task=None)
    clock.advance(6)
    assert cache.get("old") is None and cache.get("young") is not None and len(cache) == 1


def test_message_keys_follow_wechats_rules():
    text = SimpleNamespace(type="text", id=6054768590064713728, source=OPENID, time=1700000000)
    assert message_key(text) == ("msg", OPENID, "6054768590064713728")
    other_user = SimpleNamespace(type="text", id=6054768590064713728, source="o-other", time=1700000000)
    assert message_key(other_user) != message_key(text)
    event = SimpleNamespace(type="event", id=0, source=OPENID, time=1700000000, event="click", key="POLICY")
    assert message_key(event) == ("event", OPENID, "1700000000", "click", "POLICY")
    assert message_key(SimpleNamespace(**{**vars(event), "key": "OTHER"})) != message_key(event)
    assert message_key(SimpleNamespace(**{**vars(event), "time": 1700000001})) != message_key(event)
    subscribe = SimpleNamespace(type="event", source=OPENID, time=1700000000, event="subscribe", key=None)
    assert message_key(subscribe) == ("event", OPENID, "1700000000", "subscribe", "")
    no_id = SimpleNamespace(type="image", id=0, source=OPENID, time=1700000002)
    assert message_key(no_id) == ("event", OPENID, "1700000002", "image", "")


def test_dedup_cache_holds_ten_thousand_messages_by_default():
    clock = Clock()
    cache = DedupCache(clock=clock)
    for n in range(10_000):
        cache.put(n, task=None)
    assert len(cache) == 10_000 and cache.get(0) is not None
    cache.put(10_000, task=None)
    assert len(cache) == 10_000 and cache.get(0) is None and cache.get(1) is not None


def test_message_keys_without_id_or_time_and_events_with_an_id():
    no_id = SimpleNamespace(type="image", source=OPENID, time=1700000003)
    assert message_key(no_id) == ("event", OPENID, "1700000003", "image", "")
    no_time = SimpleNamespace(type="event", id=0, source=OPENID, event="subscribe", key="")
    assert message_key(no_time) == ("event", OPENID, "", "subscribe", "")
    event_with_id = SimpleNamespace(type="event", id=42, source=OPENID, time=1700000004, event="click", key="K")
    assert message_key(event_with_id) == ("event", OPENID, "1700000004", "click", "K")


def test_default_lifetime_is_five_minutes():
    clock = Clock()
    cache = DedupCache(clock=clock)
    cache.put("k", task=None)
    clock.advance(300)
    assert cache.get("k") is not None
    clock.advance(0.5)
    assert cache.get("k") is None


def test_a_retry_of_a_long_answer_does_not_send_its_rest_again():
    """The first try answers passively and the rest goes through the API once; a retry (WeChat did not get the
    first response) gets the first part again, and no part is sent twice."""
    long_text = "\n".join(f"第{i}条 " + "东川区人才补贴政策说明" * 8 for i in range(12))

    async def scenario():
        bot = Bot(reply=long_text, buttons=False)
        async with FakeWeChatAPI().running() as fake, serving(channel(api_base=fake.base), bot) as (url, http):
            xml = text_xml("长回答重试", msg_id=6054768590064715000)
            first = reply_of((await post(http, url, *wechat_request(xml)))[1])["Content"]
            await fake.wait_sent(1)
            await asyncio.sleep(0.3)
            sent = list(fake.sent)
            again = reply_of((await post(http, url, *wechat_request(xml)))[1])["Content"]
            await asyncio.sleep(0.5)
            assert again == first and fake.sent == sent and len(sent) >= 1
            assert "\n".join([first] + [m["text"]["content"] for m in sent]) == long_text
        assert len(bot.runs) == 1

    run(scenario())


def test_an_unconfigured_channel_says_what_is_missing():
    async def scenario():
        async with serving(WeChatInput(), Bot()) as (url, http):
            async with http.get(url, params={"signature": "x", "timestamp": str(int(time.time())), "nonce": "1"}) as a:
                assert (a.status, await a.text()) == (503, "未配置：WECHAT_TOKEN 未设置")

    run(scenario())
