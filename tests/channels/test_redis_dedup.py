"""The retry cache shared by several servers (RedisDedup, WECHAT_STATE=redis), against a real Redis of its own: the
first try anywhere claims a message, the claim and the reply outlive WeChat's retries (five minutes, like the
in-memory cache), the "alive" lease is short so that a dead server's message is taken over, the way an answer goes
out is decided once, and no OpenID appears in a key name. (The channel over two servers: tests/scale.)"""

import asyncio
import hashlib
import shutil
import socket
import subprocess
import time

import pytest
import redis
import redis.asyncio

from bot.channels.wechat_dedup import CUSTOMER_SERVICE, PASSIVE, RedisDedup, redis_key

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
OPENID = "oAbCdEfGhIjKlMnOpQrStUvWxYz0"
KEY = ("msg", OPENID, "24681357")
OTHER = ("msg", OPENID, "24681358")


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                if redis.Redis(port=port).ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def sync(redis_port):
    client = redis.Redis(port=redis_port)
    client.flushall()
    yield client
    client.close()


def run(redis_port, scenario, **options):
    """`scenario(dedup)` on a RedisDedup over a fresh connection (one per event loop)."""

    async def main():
        client = redis.asyncio.Redis(port=redis_port)
        try:
            return await scenario(RedisDedup(client, **options))
        finally:
            await client.close()

    return asyncio.run(main())


def test_key_names_hash_the_message_key_and_keep_no_openid():
    name = redis_key(KEY)
    # the same on every server and every version: sha256 of the parts joined by the unit separator, 32 hex digits
    assert name == "dongchuan:wechat:msg:" + hashlib.sha256(f"msg\x1f{OPENID}\x1f24681357".encode()).hexdigest()[:32]
    assert OPENID not in name and OPENID[:8] not in name
    assert redis_key(OTHER) != name and redis_key(KEY, prefix="p:") == "p:" + name.removeprefix("dongchuan:wechat:msg:")


def test_the_first_try_anywhere_claims_the_message_for_five_minutes(redis_port, sync):
    async def scenario(dedup):
        return [await dedup.claim(KEY), await dedup.claim(KEY), await dedup.claim(OTHER)]

    assert run(redis_port, scenario) == [True, False, True]
    base = redis_key(KEY)
    assert sync.get(base + ":claim") == b"1"
    assert 299 <= sync.ttl(base + ":claim") <= 300  # WeChat's retries (5 s apart) all fall inside
    assert 2500 <= sync.pttl(base + ":alive") <= 3000  # the lease of the server running the bot: 3 s


def test_a_lease_kept_alive_is_not_taken_over_a_lapsed_one_is(redis_port, sync):
    base = redis_key(KEY)

    async def scenario(dedup):
        assert await dedup.claim(KEY)
        assert not await dedup.orphaned(KEY)
        assert not await dedup.take_over(KEY)  # the server running it is alive
        await asyncio.sleep(0.6)
        await dedup.keep_alive(KEY)
        renewed = sync.pttl(base + ":alive")
        await asyncio.sleep(0.6)  # past the first lease (1 s), inside the renewed one
        alive_after_renewal = not await dedup.orphaned(KEY)
        await asyncio.sleep(0.7)  # no renewal since: the server died
        orphaned = await dedup.orphaned(KEY)
        return renewed, alive_after_renewal, orphaned, await dedup.take_over(KEY), await dedup.take_over(KEY)

    renewed, alive_after_renewal, orphaned, first, second = run(redis_port, scenario, lease=1.0)
    assert 800 <= renewed <= 1000 and alive_after_renewal and orphaned
    assert (first, second) == (True, False)  # one try takes the work over, not two
    assert 800 <= sync.pttl(base + ":alive") <= 1000


def test_the_reply_is_kept_as_written_for_five_minutes(redis_port, sync):
    parts = ["第（二）条 全日制博士研究生生活补贴：每人25万元", "第二部分"]

    async def scenario(dedup):
        before = await dedup.reply(KEY)
        await dedup.put_reply(KEY, parts)
        return before, await dedup.reply(KEY), await dedup.reply(OTHER)

    assert run(redis_port, scenario) == (None, parts, None)
    raw = sync.get(redis_key(KEY) + ":reply")
    assert "每人25万元".encode() in raw  # stored as UTF-8 JSON, not \\u escapes
    assert 299 <= sync.ttl(redis_key(KEY) + ":reply") <= 300


def test_how_the_answer_goes_out_is_decided_once(redis_port, sync):
    async def scenario(dedup):
        before = await dedup.mode(KEY)
        decided = [await dedup.take_mode(KEY, CUSTOMER_SERVICE), await dedup.take_mode(KEY, PASSIVE)]
        return before, decided, await dedup.mode(KEY)

    assert run(redis_port, scenario) == (None, [True, False], CUSTOMER_SERVICE)
    assert 299 <= sync.ttl(redis_key(KEY) + ":mode") <= 300

    async def passive(dedup):
        return await dedup.take_mode(OTHER, PASSIVE), await dedup.mode(OTHER)

    assert run(redis_port, passive) == (True, PASSIVE)
    # the words every server writes and reads, whatever version it runs
    assert (sync.get(redis_key(KEY) + ":mode"), sync.get(redis_key(OTHER) + ":mode")) == (b"cs", b"passive")


def test_the_last_replys_numbered_choices_are_shared_for_half_an_hour(redis_port, sync):
    choices = [("1", "第（二）条 全日制博士研究生生活补贴"), ("2", "第（十一）条 社会工作者")]
    name = redis_key(("choices", OPENID), prefix="dongchuan:wechat:choices:")

    async def scenario(dedup):
        empty = await dedup.choices(OPENID)
        await dedup.save_choices(OPENID, choices)
        saved = await dedup.choices(OPENID)
        assert "社会工作者".encode() in sync.get(name)  # stored as UTF-8 JSON, as the reply is
        ttl = sync.ttl(name)
        await dedup.save_choices(OPENID, [])  # a reply without numbers forgets the old ones
        return empty, saved, ttl, await dedup.choices(OPENID)

    empty, saved, ttl, after = run(redis_port, scenario)
    assert (empty, saved, after) == ([], [list(c) for c in choices], [])
    assert 1799 <= ttl <= 1800 and not sync.exists(name)
    assert OPENID not in name


def test_defaults_are_wechats_retry_window_a_three_second_lease_and_a_short_poll():
    dedup = RedisDedup(redis=None)
    assert (dedup.ttl, dedup.lease, dedup.poll) == (300, 3.0, 0.05)
    assert RedisDedup(None, ttl=300.9).ttl == 300  # whole seconds, as Redis takes them
