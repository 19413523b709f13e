"""The structured reply as WeChat text (bot/channels/reply_render.py) and as REST `custom` (docs/reply.schema.json),
on replies built from the knowledge base: headline first, at most 2048 bytes, the next questions numbered and
answerable with the digit; the schema holds for every kind of answer; one message per utterance."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import jsonschema
import pytest

from bot.channels.collect import ReplyCollector
from bot.channels.reply_render import MAX_BYTES, compact
from bot.channels.wechat_reply import NumberedChoices, render_messages, split_utf8
from policy_kb import compose, reply_json
from policy_kb.eligibility import assess

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "reply.schema.json").read_text(encoding="utf-8"))


def amount_reply(policy, *ids: str) -> dict:
    return reply_json.custom(compose.amount_reply([policy.item(i) for i in ids]))


def every_item_reply(policy) -> dict:
    """A reply naming every item of the policy: far more than one WeChat message holds."""
    return reply_json.custom(compose.amount_reply(policy.items, limit=len(policy.items)))


def self_check(policy, profile: dict, field: str) -> dict:
    """The self-check's reply for `profile`, asking for `field` next."""
    return reply_json.custom(compose.self_check_reply(assess(profile), None, policy.profile[field]["question"]))


def test_the_schema_is_a_valid_json_schema_and_refuses_what_it_must():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    good = {"schema": "dongchuan-reply/1", "aspect": "amount", "headline": "…"}
    assert not list(validator.iter_errors(good))
    for broken in (
        {**good, "schema": "other/1"},
        {**good, "headline": ""},
        {**good, "extra": 1},
        {**good, "citations": [{"clause": 15, "citation": "第（十五）条"}]},
        {**good, "citations": [{"clause": 2, "citation": "第（二）条", "start": 3}]},
        {k: v for k, v in good.items() if k != "aspect"},
        {
            **good,
            "items": [
                {
                    "item": "c02-phd",
                    "name": "x",
                    "kind": "benefit",
                    "citation": {"clause": 2, "citation": "第（二）条"},
                    "payment": {"text": "x", "rule": "yearly_share"},
                }
            ],
        },
    ):
        assert list(validator.iter_errors(broken)), broken


def test_replies_of_every_kind_follow_the_schema_and_quote_their_clause(policy):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    replies = [amount_reply(policy, "c02-phd", "c01-flexible-talent"), every_item_reply(policy)]
    monthly = [policy.item("c10-township-health-intermediate")]
    for build in (compose.payment_reply, compose.conditions_reply, compose.detail_reply):
        replies.append(reply_json.custom(build(monthly)))
    replies.append(reply_json.custom(compose.text_reply("clause_text", compose.clause_reply(10), [10])))
    replies.append(reply_json.custom(compose.overview_reply()))
    replies.append(self_check(policy, {"age": 36, "degree": "硕士", "full_time": True}, "public_institution_post"))
    for reply in replies:
        errors = [e.message for e in validator.iter_errors(reply)]
        assert not errors, (reply["aspect"], errors)
        for citation in reply.get("citations", []):
            text = policy.clause(citation["clause"])["text"]
            if "quote" in citation:  # a highlight is always found, where the offsets say
                assert text[citation["start"] : citation["end"]] == citation["quote"], citation


@pytest.mark.parametrize("which", ["one", "self-check", "every item"])
def test_wechat_text_is_headline_first_within_2048_bytes_with_numbered_follow_ups(policy, which):
    reply = {
        "one": lambda: amount_reply(policy, "c02-phd"),
        "self-check": lambda: self_check(
            policy, {"age": 36, "degree": "硕士", "full_time": True}, "public_institution_post"
        ),
        "every item": lambda: every_item_reply(policy),
    }[which]()
    text, follow_ups = compact(reply)
    assert len(text.encode("utf-8")) <= MAX_BYTES
    assert text.split("\n")[0] == reply["headline"]
    assert follow_ups == reply["next_questions"] and follow_ups
    numbered = text.split("\n")[-1]
    for n, s in enumerate(follow_ups, 1):
        assert f"{n}. {s['title']}" in numbered
    assert "第（" in text  # the clause is cited
    whole, _ = render_messages([{"text": "（完整答复）" * 500, "custom": reply}])
    assert len(split_utf8(whole)) == 1, "the compact answer is one WeChat message"


def test_a_digit_sends_the_follow_up_it_numbers(policy):
    reply = amount_reply(policy, "c02-phd")
    _text, choices = render_messages([{"text": "完整答复", "custom": reply}])
    memory = NumberedChoices()
    memory.remember("openid", choices)
    titles = [s["title"] for s in reply["next_questions"]]
    picked = memory.resolve("openid", str(titles.index("原文") + 1))
    assert picked.payload == "第（二）条原文"  # the clause of the answer, whatever the conversation's topic


def test_a_self_check_asking_a_number_does_not_number_its_only_follow_up(policy):
    reply = self_check(policy, {"degree": "硕士", "full_time": True}, "age")
    assert reply["next_questions"] == [{"title": "不知道", "payload": "不知道"}]
    text, follow_ups = compact(reply)
    assert follow_ups == []  # "36" answers the age; "1" must not mean 不知道
    assert policy.profile["age"]["question"] in text.split("\n")[-1]


def test_a_reply_without_structure_is_rendered_as_before():
    text, choices = render_messages([{"text": "第一行\n第二行", "buttons": [{"title": "甲", "payload": "/a"}]}])
    assert text.startswith("第一行\n第二行\n1. 甲") and choices[0].payload == "/a"


def test_an_utterance_with_custom_is_one_message_and_without_is_collected_as_rasa_does():
    collector = ReplyCollector()
    custom = {"schema": "dongchuan-reply/1", "aspect": "amount", "headline": "h"}
    asyncio.run(collector.send_response("u", {"text": "甲\n\n乙", "custom": custom}))
    assert collector.messages == [{"recipient_id": "u", "text": "甲\n\n乙", "custom": custom}]
    asyncio.run(collector.send_response("u", {"text": "丙\n\n丁"}))
    assert [m["text"] for m in collector.messages[1:]] == ["丙", "丁"]
    asyncio.run(collector.send_response("u", {"custom": {"only": 1}}))
    assert collector.messages[-1] == {"recipient_id": "u", "custom": {"only": 1}}


def test_a_line_the_headline_already_says_is_not_repeated(policy):
    from bot.channels.reply_render import _item_line

    reply = amount_reply(policy, "c02-phd", "c01-flexible-talent")
    first = _item_line(reply["items"][0], True)
    text, _ = compact({**reply, "headline": first})
    assert text.count(first) == 1 and _item_line(reply["items"][1], False) in text
