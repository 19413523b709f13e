"""Rendering Rasa messages as WeChat text, numbered choices, and the retry cache (no server)."""

import asyncio

import xmltodict
from wechatpy import create_reply, parse_message

from bot.channels.wechat_dedup import DedupCache, message_key
from bot.channels.wechat_reply import (
    CHOICE_HINT,
    Choice,
    NumberedChoices,
    escape_cdata,
    render_messages,
    split_utf8,
)


def test_cdata_escape_survives_wechatpy_render_and_xml_parse():
    text = "a]]>b ]]]]> <![CDATA[x]]> 完"
    xml = create_reply(escape_cdata(text), render=True)
    assert xmltodict.parse(xml)["xml"]["Content"] == text


def test_messages_are_merged_with_numbered_buttons_and_links():
    text, choices = render_messages(
        [
            {"recipient_id": "u", "text": "第一段"},
            {"recipient_id": "u", "text": "详见[政策原文](https://example.org/p?a=1&b=2)"},
            {
                "recipient_id": "u",
                "text": "您的学历是？",
                "buttons": [
                    {"title": "博士", "payload": '/inform{"degree": "博士"}'},
                    {"title": "硕士", "payload": '/inform{"degree": "硕士"}'},
                    {"title": "办事指南", "url": "https://example.org/guide"},
                ],
            },
            {"recipient_id": "u", "image": "https://example.org/a.png"},
            {"recipient_id": "u", "custom": {"text": "自定义"}},
        ]
    )
    assert text == (
        "第一段\n\n"
        '详见<a href="https://example.org/p?a=1&b=2">政策原文</a>\n\n'
        '您的学历是？\n1. 博士\n2. 硕士\n3. <a href="https://example.org/guide">办事指南</a>\n\n'
        '<a href="https://example.org/a.png">查看图片</a>\n\n'
        "自定义\n\n" + CHOICE_HINT
    )
    assert choices == [
        Choice('/inform{"degree": "博士"}'),
        Choice('/inform{"degree": "硕士"}'),
        Choice(None, '<a href="https://example.org/guide">办事指南</a>'),
    ]


def test_no_hint_without_buttons_and_empty_turn():
    assert render_messages([{"text": "好的"}]) == ("好的", [])
    assert render_messages([]) == ("", [])


def test_split_respects_2048_utf8_bytes_and_keeps_everything():
    text = "\n".join(f"第{i}条：" + "人才补贴标准" * 20 for i in range(60))
    parts = split_utf8(text)
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 2048 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert split_utf8("短") == ["短"]


def test_split_without_line_breaks_and_with_4_byte_characters():
    text = "😀" * 1000 + "中" * 1000  # 4000 + 3000 bytes, no newline
    parts = split_utf8(text)
    assert all(len(p.encode("utf-8")) <= 2048 for p in parts)
    assert "".join(parts) == text


def test_split_does_not_cut_a_link():
    anchor = '<a href="https://example.org/very/long/path">政策原文链接</a>'
    text = "中" * 670 + anchor + "文" * 100
    parts = split_utf8(text)
    assert all(len(p.encode("utf-8")) <= 2048 for p in parts)
    assert any(anchor in p for p in parts)


def test_numbered_choices_resolve_digits_including_full_width_and_expire():
    now = [0.0]
    memory = NumberedChoices(ttl=10, clock=lambda: now[0])
    memory.remember("u", [Choice("/a"), Choice("/b"), Choice(None, "<a>x</a>")])
    assert memory.resolve("u", "2") == Choice("/b")
    assert memory.resolve("u", "１") == Choice("/a")
    assert memory.resolve("u", " 3。") == Choice(None, "<a>x</a>")
    assert memory.resolve("u", "4") is None
    assert memory.resolve("u", "博士") is None
    assert memory.resolve("other", "1") is None
    now[0] = 11
    assert memory.resolve("u", "1") is None
    memory.remember("u", [Choice("/a")])
    memory.remember("u", [])  # a reply without buttons clears them
    assert memory.resolve("u", "1") is None


def _parse(xml):
    return parse_message(xml)


def test_message_keys_follow_wechat_dedup_rules():
    text = _parse(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>x</Content><MsgId>42</MsgId></xml>"
    )
    again = _parse(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>9</CreateTime>"
        "<MsgType>text</MsgType><Content>x</Content><MsgId>42</MsgId></xml>"
    )
    other_user = _parse(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o2</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>x</Content><MsgId>42</MsgId></xml>"
    )
    assert message_key(text) == message_key(again) != message_key(other_user)
    click = (
        "<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>{t}</CreateTime>"
        "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>{k}</EventKey></xml>"
    )
    assert message_key(_parse(click.format(t=1, k="A"))) == message_key(_parse(click.format(t=1, k="A")))
    assert message_key(_parse(click.format(t=1, k="A"))) != message_key(_parse(click.format(t=2, k="A")))
    assert message_key(_parse(click.format(t=1, k="A"))) != message_key(_parse(click.format(t=1, k="B")))


def test_dedup_cache_keeps_entries_for_ttl_and_bounds_size():
    async def scenario():
        now = [0.0]
        cache = DedupCache(ttl=5, max_entries=3, clock=lambda: now[0])
        done = asyncio.get_running_loop().create_future()
        done.set_result(["x"])
        entry = cache.put("k", done)
        assert cache.get("k") is entry and entry.tries == 2
        now[0] = 6
        assert cache.get("k") is None
        for i in range(5):
            cache.put(i, done)
        assert len(cache) == 3 and cache.get(0) is None and cache.get(4) is not None

    asyncio.run(scenario())
