"""The WeChat channel's answers to the attacks of issue #12: a DOCTYPE hidden behind a comment holding
`<![CDATA[`, a bot that says nothing, and the conversation id that only WeChat can address."""

import pytest

from bot.channels.inbound import BUSY_REPLY
from tests.channels.test_wechat_channel import (
    CRYPTO,
    OPENID,
    Bot,
    channel,
    post,
    reply_of,
    run,
    safe_channel,
    serving,
    text_xml,
    wechat_request,
)

# The channel's own regex check of old stripped CDATA sections first; a comment holding `<![CDATA[` made it skip
# the DOCTYPE that follows. defusedxml parses, so no such trick works.
HIDDEN_DOCTYPE = (
    '<!-- <![CDATA[ --><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><!-- ]]> -->'
    f"<xml><ToUserName>gh</ToUserName><FromUserName>{OPENID}</FromUserName>"
    "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&e;</Content><MsgId>1</MsgId></xml>"
)


@pytest.mark.parametrize("make_channel,crypto", [(channel, None), (safe_channel, CRYPTO)])
def test_a_doctype_behind_a_cdata_comment_is_refused(make_channel, crypto):
    async def scenario():
        bot = Bot()
        async with serving(make_channel(), bot) as (url, http):
            status, body = await post(http, url, *wechat_request(HIDDEN_DOCTYPE, crypto))
            assert status == 400 and "DOCTYPE" in body
        assert bot.runs == []

    run(scenario())


def test_a_bot_that_says_nothing_gets_the_busy_reply():
    async def silent(message):
        return None  # what Rasa does when the action server is unreachable

    async def scenario():
        async with serving(channel(), silent) as (url, http):
            status, body = await post(http, url, *wechat_request(text_xml("博士能拿多少补贴")))
            assert status == 200 and reply_of(body)["Content"] == BUSY_REPLY

    run(scenario())


def test_a_failing_bot_gets_the_same_busy_reply():
    async def failing(message):
        raise RuntimeError("boom")

    async def scenario():
        async with serving(channel(), failing) as (url, http):
            status, body = await post(http, url, *wechat_request(text_xml("出错")))
            assert status == 200 and reply_of(body)["Content"] == BUSY_REPLY

    run(scenario())


def test_numbers_typed_in_wechat_reach_rasa_as_references(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFILL_DIR", str(tmp_path))

    async def scenario():
        bot = Bot(buttons=False)
        async with serving(channel(), bot) as (url, http):
            await post(http, url, *wechat_request(text_xml("我的手机13800138000")))
        [(conversation, text, _channel)] = bot.runs
        assert conversation == f"wechat:{OPENID}"
        assert "13800138000" not in text and text.startswith("我的手机[手机号#")

    run(scenario())
