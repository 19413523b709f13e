"""WeChat retries across servers (WECHAT_STATE=redis) against a real Redis: two channel instances stand for two
Rasa servers behind the balancer, each with its own stand-in bot; a retry that lands on the other server joins
the work instead of running the bot again, and the answer goes out once. The access_token is fetched once for
both (stable_token) and held in Redis."""

import asyncio
import json
import secrets
import time
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
import redis
from aiohttp import web

from bot.channels.wechat_api import WeChatAPI
from bot.channels.wechat_dedup import RedisDedup, message_key
from tests.channels.test_wechat_channel import (
    APPID,
    OPENID,
    SECRET,
    Bot,
    FakeWeChatAPI,
    channel,
    expected_reply,
    post,
    reply_of,
    run,
    serving,
    text_xml,
    wechat_request,
)

pytestmark = pytest.mark.servers  # private Redis/PostgreSQL (tests/scale/conftest.py)

DB = 4


class StableTokenAPI(FakeWeChatAPI):
    """The fake WeChat API with /cgi-bin/stable_token (POST JSON), as the shared token uses."""

    async def stable_token(self, request):
        body = json.loads(await request.read())
        if body.get("appid") != APPID or body.get("secret") != SECRET:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        await asyncio.sleep(self.token_delay)
        if not self.valid or body.get("force_refresh"):
            self.tokens_issued += 1
            self.valid = {f"STABLE-{self.tokens_issued}-{secrets.token_hex(4)}"}
        return web.json_response({"access_token": next(iter(self.valid)), "expires_in": 7200})

    @asynccontextmanager
    async def running(self):
        app = web.Application()
        app.router.add_post("/cgi-bin/stable_token", self.stable_token)
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


def shared_options(redis_options):
    redis.Redis(**redis_options, db=DB).flushdb()
    return dict(state="redis", redis_options={**redis_options, "db": DB})


@asynccontextmanager
async def two_servers(redis_options, bots, **options):
    async with AsyncExitStack() as stack:
        fake = await stack.enter_async_context(StableTokenAPI().running())
        shared = shared_options(redis_options)
        urls = []
        for bot in bots:
            url, http = await stack.enter_async_context(serving(channel(api_base=fake.base, **shared, **options), bot))
            urls.append(url)
        yield fake, urls, http


def test_three_tries_at_once_on_two_servers_run_the_bot_once(redis_options):
    async def scenario():
        bots = [Bot(delay=0.3), Bot(delay=0.3)]
        async with two_servers(redis_options, bots) as (fake, (a, b), http):
            xml = text_xml("两台服务器", msg_id=7054768590064713001)
            answers = await asyncio.gather(*(post(http, url, *wechat_request(xml)) for url in (a, b, a)))
            assert {reply_of(body)["Content"] for _, body in answers} == {expected_reply("两台服务器")}
            await asyncio.sleep(0.3)
            assert fake.sent == []
        assert len(bots[0].runs) + len(bots[1].runs) == 1

    run(scenario())


def test_slow_answer_retried_on_the_other_server_goes_out_once_through_the_api(redis_options):
    async def scenario():
        bots = [Bot(delay=1.5), Bot(delay=1.5)]
        async with two_servers(redis_options, bots, passive_budget=1.0) as (fake, (a, b), http):
            xml = text_xml("慢，换了服务器", msg_id=7054768590064713002)
            tries = []
            for url in (a, b, a):  # WeChat's retries, each to whichever server the balancer picks
                tries.append(asyncio.create_task(post(http, url, *wechat_request(xml))))
                await asyncio.sleep(0.3)
            assert await asyncio.gather(*tries) == [(200, "success")] * 3
            await fake.wait_sent(1)
            await asyncio.sleep(0.6)
            assert [m["text"]["content"] for m in fake.sent] == [expected_reply("慢，换了服务器")]
            assert fake.tokens_issued == 1
        assert len(bots[0].runs) + len(bots[1].runs) == 1

    run(scenario())


def test_a_retry_takes_over_a_message_whose_server_died(redis_options):
    async def scenario():
        bot = Bot(delay=0.1)
        async with two_servers(redis_options, [bot]) as (fake, (b,), http):
            xml = text_xml("服务器宕机", msg_id=7054768590064713003)
            # the first try claimed the message on a server that was then killed: its lease runs out
            dead = RedisDedup(redis.asyncio.Redis(**redis_options, db=DB), lease=0.3)
            key = ("msg", OPENID, "7054768590064713003")
            assert await dead.claim(key)
            started = time.monotonic()
            status, body = await post(http, b, *wechat_request(xml))
            assert status == 200 and reply_of(body)["Content"] == expected_reply("服务器宕机")
            assert time.monotonic() - started < 2.0
        assert len(bot.runs) == 1

    run(scenario())


def test_two_servers_share_one_access_token(redis_options):
    async def scenario():
        shared = redis.Redis(**shared_options(redis_options)["redis_options"])
        async with StableTokenAPI().running() as fake:
            fake.token_delay = 0.2
            apis = [WeChatAPI(APPID, SECRET, fake.base, shared_redis=shared) for _ in range(2)]
            results = await asyncio.gather(*(api.send_text(OPENID, f"第{i}条") for i, api in enumerate(apis * 3)))
            assert all(results) and len(fake.sent) == 6
            assert fake.tokens_issued == 1
            # WeChat rejects the token (revoked): one server refreshes, the other uses the new one
            fake.valid = set()
            fake.tokens_issued = 1
            assert await apis[0].send_text(OPENID, "换了令牌")
            assert await apis[1].send_text(OPENID, "还是这个令牌")
            assert fake.tokens_issued == 2
        assert not any(b"STABLE" in k for k in shared.keys())  # key names hold no token

    run(scenario())


def test_message_keys_in_redis_do_not_show_the_openid(redis_options):
    from wechatpy import parse_message

    from bot.channels.wechat_dedup import redis_key

    key = redis_key(message_key(parse_message(text_xml("你好", msg_id=1))))
    assert OPENID not in key and key.startswith("dongchuan:wechat:msg:")


def test_a_number_answered_on_the_other_server_picks_the_button_of_the_last_reply(redis_options):
    async def scenario():
        bots = [Bot(), Bot()]
        async with two_servers(redis_options, bots) as (fake, (a, b), http):
            status, body = await post(http, a, *wechat_request(text_xml("学历补贴")))
            assert reply_of(body)["Content"] == expected_reply("学历补贴")
            status, body = await post(http, b, *wechat_request(text_xml("2")))
            assert status == 200
        assert bots[1].runs[-1][1] == '/inform{"degree": "硕士"}'

    run(scenario())
