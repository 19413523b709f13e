"""Questions a talent or a hotline officer asks, through the REST channel of the running assistant."""

import json
import os
import re
from pathlib import Path

import pytest
import yaml

from actions.base import ERROR_REPLY
from bot.channels.rest import BUSY_REPLY
from bot.serve import post

pytestmark = [pytest.mark.model, pytest.mark.servers]
QUESTIONS = yaml.safe_load((Path(__file__).parent / "questions.yml").read_text(encoding="utf-8"))
# Cases from reviewed real conversations (make review-import, docs/console.md), when there are any.
REVIEWED = Path(os.environ.get("E2E_REVIEWED") or Path(__file__).parent / "reviewed.yml")
QUESTIONS += (yaml.safe_load(REVIEWED.read_text(encoding="utf-8")) or []) if REVIEWED.exists() else []


def cited(reply, label):
    return f"第（{label}）条" in reply


def states(reply, written):
    """The reply says this amount as a whole ("5万元" is not said by "25万元")."""
    return re.search(rf"(?<![\d.]){re.escape(written)}", reply) is not None


@pytest.mark.parametrize("case", QUESTIONS, ids=[c["q"] for c in QUESTIONS])
def test_question(chat, case):
    reply = chat.ask(case["q"])
    if case.get("clause"):
        assert cited(reply, case["clause"]), reply
    for phrase in case.get("amounts", []):
        assert states(reply, phrase), reply
    for phrase in case.get("says", []):
        assert phrase in reply, reply
    for amount in case.get("not_amounts", []):
        assert not states(reply, amount), reply


def test_not_amounts_are_read_and_mean_whole_amounts():
    assert any(case.get("not_amounts") for case in QUESTIONS)
    assert states("每人25万元", "25万元") and not states("每人25万元", "5万元") and not states("1.5万元", "5万元")


def test_there_are_at_least_forty_questions():
    assert len(QUESTIONS) >= 40


def test_follow_ups_keep_the_topic(chat):
    chat.ask("硕士能拿多少补贴")
    reply = chat.ask("那博士呢")
    assert cited(reply, "二") and "25万元" in reply
    assert "40周岁及以下" in chat.ask("有年龄限制吗")
    assert "区人社局" in chat.ask("找哪个部门")


def test_follow_up_to_a_higher_title(chat):
    chat.ask("乡镇卫生院的医生有什么补助")
    reply = chat.ask("副高级的呢")
    assert cited(reply, "十") and "1500元" in reply


def test_self_check_in_one_message(chat):
    reply = chat.ask("我39岁，全日制博士研究生，打算去东川的医院工作，能拿什么补贴")
    assert cited(reply, "二") and "25万元" in reply


def test_over_age_master_is_told_no(chat):
    reply = chat.ask("我37岁，全日制硕士，能拿十万吗")
    assert "不符合" in reply and "35周岁" in reply


def test_self_check_dialogue_with_correction(chat):
    chat.ask("我34岁，全日制硕士")
    reply = chat.ask("我说错了，是36岁")
    assert "超过“35周岁及以下”1岁" in reply


# Odd input and what the person must read: (message, phrases the reply holds).
ODD = [
    ("", ["您好像没有输入内容", "博士能拿多少补贴"]),
    ("   ", ["您好像没有输入内容"]),
    ("😀😀", ["您好像没有输入内容"]),
    ("'); drop table items; --", ["请用中文提问"]),
    ("NEAR(博士 补贴)", ["第（二）条", "25万元"]),  # an FTS5 operator is a word, not a query
    # a held-down character: either said back cut short as a word the text never uses, or read as the start of a
    # self-check, which asks for the situation with an example; never echoed whole (the length check below)
    ("博" * 3000, [["没有提到", "东发〔2022〕26号"], ["请告诉我您的情况", "例如"]]),
    ("How much does a PhD get?", ["第（二）条", "25万元"]),
    ("第99条原文", ["只有第（一）条至第（十四）条", "没有您说的那一条"]),
    ("博士补贴" * 1200, ["第（二）条", "25万元"]),  # a long message, still under the channel's 32 KB body cap
]


@pytest.mark.parametrize("odd, says", ODD, ids=[f"odd{i}" for i in range(len(ODD))])
def test_odd_input_gets_a_clear_answer(chat, odd, says):
    reply = chat.ask(odd)
    assert BUSY_REPLY not in reply and ERROR_REPLY not in reply and "Traceback" not in reply, reply
    assert len(reply) < 1500, reply[:200]  # a long message is answered, not echoed
    alternatives = says if isinstance(says[0], list) else [says]
    assert any(all(phrase in reply for phrase in phrases) for phrases in alternatives), reply


def test_a_body_over_the_cap_is_refused_with_413_and_says_so(assistant):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as e:
        post(assistant, {"sender": "too-long", "message": "博士补贴" * 2000})
    assert e.value.code == 413 and "请求过大" in json.loads(e.value.read().decode("utf-8"))["error"]


def test_out_of_scope_names_no_amount(chat):
    reply = chat.ask("怎么办理护照")
    assert not re.search(r"\d+(万元|元)", reply) and "人工" in reply


def test_malformed_body_is_400_not_a_crash(assistant):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(assistant, b"[1, 2", {"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 400
    assert post(assistant, {"sender": "after-bad-body", "message": "你好"})


def test_conversation_survives_a_restart(tmp_path):
    """The SQL tracker store keeps the topic: after a restart, a follow-up still knows it."""
    from bot.serve import running_assistant

    with running_assistant(tmp_path) as url:
        post(url, {"sender": "restart-user", "message": "硕士能拿多少补贴"})
    with running_assistant(tmp_path) as url:
        reply = "\n".join(m.get("text", "") for m in post(url, {"sender": "restart-user", "message": "找哪个部门"}))
    assert cited(reply, "二") and "区人社局" in reply
