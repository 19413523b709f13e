"""Self-check → apply → correct a field → download: the document holds the corrected value; replies mask the
ID number and phone; the conversation keeps no copy of them once the document is made."""

import re

import docx
import pytest

from actions.answers import AnswerAmount
from actions.apply import ApplyFlow
from actions.selfcheck import SelfCheck
from bot.prefill.store import Store
from bot.prefill.validate import id_check_char

ID = "53011319900101123" + id_check_char("53011319900101123")  # born 1990-01-01, male (17th digit odd)


@pytest.fixture(autouse=True)
def prefill_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PREFILL_DIR", str(tmp_path / "prefill"))


def document_text(path):
    d = docx.Document(path)
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_apply_after_self_check_with_a_correction(chat):
    chat.say(SelfCheck(), "我是村卫生室的乡村医生，大专学历，注册了助理全科医师", "self_check")
    reply = chat.say(ApplyFlow(), "我要申请", "apply")
    assert "第（十）条" in reply and chat.slots["apply_field"]
    replies = [chat.say(ApplyFlow(), f"张三，身份证{ID}，手机13800138000", "inform")]
    assert ID not in replies[-1] and "13800138000" not in replies[-1]
    assert "姓名：张三" in replies[-1] and "5301**********" in replies[-1] and "138****8000" in replies[-1]
    question = chat.slots["apply_field"]
    mid = chat.say(AnswerAmount(), "博士能拿多少补贴", "ask_amount")
    assert "25万元" in mid and "我们继续填写申请表" in mid and chat.slots["apply_field"] == question
    replies.append(chat.say(ApplyFlow(), "手机号填错了，应该是13900139000", "correct"))
    answers = {
        "degree": "大专",
        "full_time": "是",
        "school": "昆明医科大学",
        "title_level": "无",
        "employer": "东川区某某村卫生室",
        "address": "昆明市东川区铜都街道1号",
        "name": "张三",
        "birth_date": "1990-01-01",
        "gender": "男",
    }
    for _ in range(12):
        field = chat.slots["apply_field"]
        if field is None:
            break
        replies.append(chat.say(ApplyFlow(), answers.get(field, "无"), "inform", entities=[]))
    final = replies[-1]
    assert "下载" in final and "/webhooks/prefill/download/" in final, final
    for r in replies:
        assert ID not in r and "13900139000" not in r and "13800138000" not in r
    assert chat.slots["applicant"] is None and chat.slots["apply_field"] is None
    token = re.search(r"/webhooks/prefill/download/([\w-]+)", final).group(1)
    path, _ = Store().resolve(token)
    text = document_text(path)
    assert "13900139000" in text and "13800138000" not in text
    assert "第（十）条" in text and "5000元" in text


def test_apply_without_a_self_check_asks_for_one_first(chat):
    reply = chat.say(ApplyFlow(), "帮我填申请表", "apply")
    assert "自查" in reply and chat.slots["apply_field"] is None
