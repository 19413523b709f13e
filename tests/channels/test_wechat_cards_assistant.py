"""WeChat's compact answers through the real servers (signed, encrypted, the trained model): headline first, one
message of at most 2048 bytes, the next questions numbered; answering "原文"'s number shows the clause verbatim."""

from __future__ import annotations

import re

import pytest

from bot.channels.reply_render import MAX_BYTES
from policy_kb.money import yuan
from tests.wechat_user import WeChatUser

pytestmark = [pytest.mark.model, pytest.mark.servers]


def test_a_compact_answer_then_the_clause_by_its_number(assistant, policy):
    phd = policy.item("c02-phd")
    user = WeChatUser(assistant)
    reply = user.say("博士毕业过来工作，生活补贴能给多少")
    assert len(reply.encode("utf-8")) <= MAX_BYTES
    first = reply.split("\n")[0]
    assert f"{phd['name']}：每人{yuan(phd['amount']['max'])}" in first, reply  # the headline first
    assert "第（二）条" in reply
    numbers = dict((title, n) for n, title in re.findall(r"(\d+)\. (\S+)", reply))
    assert {"怎么发", "谁出钱", "找哪个部门", "原文", "自查"} <= set(numbers), reply
    clause = user.say(numbers["原文"])
    assert clause.startswith("第（二）条"), clause
    assert policy.clause(2)["text"][:30] in clause.replace("\n", "")
