"""Contact questions: the policy publishes no telephone number or address. The reply says so first, names the
responsible units the text lists (of the unit asked about, the clause talked about, or every clause) and adds the
office's own contact when HUMAN_HANDOFF_CONTACT is set. Run as the action server runs them, on the real KB."""

import re

from actions.answers import AnswerAmount, Procedure
from actions.contact import Contact
from policy_kb.load import load_policy
from tests.citations import CITATIONS

PHONE = re.compile(r"\d{3,4}-?\d{7,8}|1[3-9]\d{9}")


def test_the_policy_text_itself_has_no_telephone_number_or_address():
    text = load_policy().source_text
    assert not PHONE.search(text)
    assert not any(word in text for word in ("电话", "热线", "地址", "邮箱", "联系方式"))


def test_phone_question_says_the_text_gives_none_and_lists_every_clause_with_its_units(chat, monkeypatch):
    monkeypatch.delenv("HUMAN_HANDOFF_CONTACT", raising=False)
    reply = chat.say(Contact(), "政策咨询热线是多少", "ask_contact")
    first, *rest = reply.splitlines()
    assert "没有公布咨询电话" in first
    for clause in load_policy().clauses:  # every clause's units, as the text lists them
        citation, units = CITATIONS[clause["number"]], "、".join(clause["units"])
        assert any(line.startswith(citation) and units in line for line in rest), citation
    assert not PHONE.search(reply) and "咨询渠道" not in reply


def test_the_configured_contact_comes_right_after_the_statement(chat, monkeypatch):
    monkeypatch.setenv("HUMAN_HANDOFF_CONTACT", "东川区人才服务窗口 0871-6xxxxxx（工作日）")
    lines = chat.say(Contact(), "找谁咨询比较好", "ask_contact").splitlines()
    assert "没有公布" in lines[0]
    assert lines[1] == "咨询渠道：东川区人才服务窗口 0871-6xxxxxx（工作日）"


def test_a_named_unit_gets_the_clauses_it_is_responsible_for(chat, monkeypatch):
    monkeypatch.delenv("HUMAN_HANDOFF_CONTACT", raising=False)
    reply = chat.say(Contact(), "卫健局电话多少", "ask_contact")
    assert "没有公布" in reply and "区卫生健康局是以下条款的责任单位" in reply
    assert "第（十）条" in reply and "第（九）条" not in reply.split("另：")[0]


def test_after_a_question_the_units_of_its_clause(chat, monkeypatch):
    monkeypatch.delenv("HUMAN_HANDOFF_CONTACT", raising=False)
    chat.say(AnswerAmount(), "乡镇卫生院副高职称每月补助多少", "ask_amount")
    reply = chat.say(Contact(), "打哪个电话问", "ask_contact")
    assert "没有公布" in reply
    assert "第（十）条责任单位：区卫生健康局、区委编委办、区人社局。" in reply
    assert "第（一）条：" not in reply  # not the list of every clause


def test_how_to_apply_cites_the_clause_of_the_procedure_it_quotes(chat):
    reply = chat.say(Procedure(), "怎么申报人才补贴", "ask_procedure")
    assert "原文未规定申报材料清单" in reply
    assert "报区委人才工作领导小组审定后实施。（第（十四）条）" in reply
