"""Every button of the 公众号 menu answers: each CLICK key of wechat_menu.yml sent through the real WeChat channel
(signed and encrypted with wechatpy, as WeChat sends it) to the trained assistant and its action server on loopback.
No reply may be a fallback; each cites a clause (第（…）条), gives the contact path (no telephone number in the
text, the responsible units, the configured contact), states the document's facts, or starts the self-check —
which, answered, ends in a cited verdict. Answers slower than the passive budget arrive as customer-service
messages at a fake WeChat API on loopback (tests/channels/fake_wechat_api.py)."""

import re
import time

import pytest

from bot.channels import wechat_menu
from bot.channels.inbound import BUSY_REPLY
from bot.channels.wechat import UNKNOWN_MENU
from bot.serve import running_assistant
from policy_kb.compose import SELF_CHECK_START as START
from policy_kb.load import load_policy
from tests.channels.fake_wechat_api import FakeWeChat
from tests.wechat_user import APPID, WeChatUser
from tests.wechat_user import ENV as WECHAT_ENV

pytestmark = [pytest.mark.model, pytest.mark.servers]

SECRET = "menu-e2e-secret-0123456789"
CONTACT = "东川区人才服务窗口（测试用联系方式）"
CITES = re.compile(r"第（[一二三四五六七八九十]+）条")
FALLBACK_MARKS = ("抱歉", "您是想问", "不太确定", UNKNOWN_MENU, BUSY_REPLY, "出错")
POLICY = load_policy()
NO_CONTACT_IN_TEXT = next(s["note"] for s in POLICY.document["silences"] if s["topic"] == "contact")


@pytest.fixture(scope="module")
def wechat(tmp_path_factory):
    """(webhook URL, fake WeChat API): the assistant as `make run` starts it, with the 公众号 configured."""
    fake = FakeWeChat(APPID, SECRET)
    with fake.running():
        env = {**WECHAT_ENV, "WECHAT_SECRET": SECRET, "WECHAT_API_BASE": fake.base, "HUMAN_HANDOFF_CONTACT": CONTACT}
        with running_assistant(tmp_path_factory.mktemp("wechat-menu"), extra_env=env) as rest_url:
            yield rest_url, fake


def send(wechat, user, kind, value=""):
    """What the follower reads for one message or event: the passive reply and any customer-service parts."""
    _, fake = wechat
    openid = user.openid
    before = len(fake.messages_to(openid))
    status, passive = user.send(kind, value)
    assert status == 200, passive
    parts = [passive] if passive else []
    if passive is None:  # slower than the passive budget: the answer comes through the customer-service API
        fake.wait_messages(openid, before + 1, timeout=90)
    if passive is None or len(passive.encode("utf-8")) > 1900:  # a split reply: the rest follows
        time.sleep(2.0)
    parts += fake.messages_to(openid)[before:]
    assert parts, f"no answer to {kind} {value}"
    return "\n".join(parts)


def kind_of(reply):
    if CITES.search(reply):
        return "clause"
    if reply.startswith(NO_CONTACT_IN_TEXT) and "责任单位" in reply:
        return "contact"
    if reply.startswith(f"文号：{POLICY.document['doc_number']}") and POLICY.document["status"] in reply:
        return "document"
    if reply == START:
        return "self-check"
    return None


CLICKS = wechat_menu.click_keys(wechat_menu.load())


@pytest.mark.parametrize("key", list(CLICKS))
def test_every_click_button_gets_a_substantive_answer(wechat, key):
    user = WeChatUser(wechat[0])
    reply = send(wechat, user, "click", key)
    assert not any(mark in reply for mark in FALLBACK_MARKS), reply
    kind = kind_of(reply)
    assert kind, reply
    if kind == "self-check":  # the button starts a conversation; answered, it ends in a verdict with its clause
        verdict = send(wechat, user, "text", "我今年33岁，全日制硕士研究生毕业，想去事业单位")
        assert "自查结果" in verdict and "第（二）条" in verdict and "符合" in verdict, verdict


def test_the_contact_button_says_the_text_gives_no_number_then_units_and_the_configured_contact(wechat):
    assert "CONTACT" in CLICKS
    lines = send(wechat, WeChatUser(wechat[0]), "click", "CONTACT").splitlines()
    assert lines[0] == NO_CONTACT_IN_TEXT
    assert lines[1] == f"咨询渠道：{CONTACT}"
    assert any(line.startswith("第（十）条：区卫生健康局") for line in lines)
    assert not re.search(r"\d{7,}", "\n".join(lines))  # no telephone number is invented


@pytest.mark.parametrize(
    "question, expected",
    [
        ("人才政策有没有咨询热线", "咨询渠道"),
        ("卫健局的电话是多少", "区卫生健康局是以下条款的责任单位"),
        ("想找人当面问问，去哪里咨询", "咨询渠道"),
    ],
)
def test_contact_questions_typed_by_hand_get_the_contact_path(wechat, question, expected):
    reply = send(wechat, WeChatUser(wechat[0]), "text", question)
    assert reply.startswith(NO_CONTACT_IN_TEXT) and expected in reply, reply


def test_subscribing_points_at_the_menu(wechat):
    reply = send(wechat, WeChatUser(wechat[0]), "subscribe")
    assert "下方菜单" in reply
    for name in wechat_menu.top_level_names(wechat_menu.load()):
        assert f"“{name}”" in reply
