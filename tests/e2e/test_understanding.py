"""Every question answered from the right place in the text, through the real Rasa and action servers.

One test per kind of question that used to fall back or answer the wrong aspect, several phrasings each (written
for these tests, not taken from any evaluation set): what is asked (units, payer, frequency, duration, payment …)
and what it is about (clauses, units, items, sentences of the text) are found independently and combined.
"""

import re

import pytest

from policy_kb.load import load_policy
from tests.citations import CITATIONS

pytestmark = [pytest.mark.model, pytest.mark.servers]
BUTTONS_ONLY = "您是想问以下哪一条"


def cited(reply, number):
    return CITATIONS[number] in reply


def units_of(number):
    return load_policy().clause(number)["units"]


@pytest.mark.parametrize(
    "question, numbers",
    [
        ("第八条由哪些部门负责", [8]),
        ("请问第（十一）条归哪个单位管", [11]),
        ("第九条跟第十二条的负责单位", [9, 12]),
        ("三条和十三条分别找哪个单位", [3, 13]),
    ],
)
def test_a_clause_with_its_units_never_falls_back(chat, question, numbers):
    reply = chat.ask(question)
    assert BUTTONS_ONLY not in reply
    for n in numbers:
        assert cited(reply, n) and all(u in reply for u in units_of(n)), reply


@pytest.mark.parametrize(
    "question, unit, numbers",
    [
        ("民政局负责哪几条", "区民政局", [11]),
        ("区农业农村局管什么", "区农业农村局", [1, 7, 12]),
        ("职成教中心负责的条款", "区职成教中心", [8]),
    ],
)
def test_a_unit_with_what_it_is_responsible_for_never_falls_back(chat, question, unit, numbers):
    reply = chat.ask(question)
    assert BUTTONS_ONLY not in reply and unit in reply
    assert all(cited(reply, n) for n in numbers), reply


@pytest.mark.parametrize(
    "question, number, phrase",
    [
        ("银龄讲学计划写在哪里", 9, "银龄讲学计划"),
        ("“大岗位制”是哪一条的", 5, "大岗位制"),
        ("双导师制度是怎么规定的", 8, "双导师"),
        ("人才招聘会谁来牵头", 8, "区委、区政府牵头"),
        ("联席会议是谁召集的", 9, "区教育体育局牵头"),
        ("人才信息库怎么管理", 14, "动态管理"),
    ],
)
def test_what_the_text_says_outside_the_benefits_is_quoted(chat, question, number, phrase):
    reply = chat.ask(question)
    assert cited(reply, number) and phrase in reply, reply


def test_where_a_word_stands_lists_every_clause(chat):
    reply = chat.ask("“绿色通道”在文件里出现了几次，分别在哪")
    assert cited(reply, 3) and cited(reply, 13), reply


@pytest.mark.parametrize(
    "question, number, first",
    [
        ("退休名师返聘的生活补贴是哪级财政给", 9, "区级"),
        ("头雁人才多长时间评一次", 13, "两年为一届"),
        ("硕士拿补贴要签多少年的服务协议", 2, "不少于5年"),
        ("博士那笔补贴怎么拨付，一次给完吗", 2, "20%"),
    ],
)
def test_the_first_line_answers_what_is_asked(chat, question, number, first):
    reply = chat.ask(question)
    assert cited(reply, number) and first in reply.splitlines()[0], reply


def test_two_questions_in_one_message_get_two_answers(chat):
    reply = chat.ask("想问两件事：博士的补贴分几年发？社工证中级补多少？")
    assert cited(reply, 2) and "20%" in reply
    assert cited(reply, 11) and "4000元" in reply


def test_the_second_question_keeps_the_subject_of_the_first(chat):
    reply = chat.ask("退休名校长每年最多多少？由哪些部门负责？")
    assert "20万元" in reply and all(u in reply for u in units_of(9)), reply


@pytest.mark.parametrize(
    "question, says",
    [
        ("我们合作社帮500个人稳定转移就业，按标准能补多少", "5万元"),
        ("劳务合作社组织120人转移就业并且都稳定了，补助多少钱", "1.2万元"),
        ("劳务合作社转移稳定就业6000人，能拿到多少", "按30万元计"),
    ],
)
def test_per_head_amounts_are_computed_with_their_cap(chat, question, says):
    reply = chat.ask(question)
    assert cited(reply, 7) and "100元/人" in reply and says in reply, reply
    assert "60万元" not in reply  # the uncapped product is no sum anyone gets


def test_a_monthly_amount_gets_its_yearly_total(chat):
    reply = chat.ask("乡镇卫生院副高职称医生一年下来生活补助一共多少")
    assert cited(reply, 10) and "1.8万元" in reply.splitlines()[0], reply


@pytest.mark.parametrize(
    "question, number",
    [
        ("来东川工作给不给安家补贴", None),
        ("人才公寓每月房租多少钱", 13),
        ("雁阵人才贷的利息是多少", 13),
    ],
)
def test_what_the_text_never_mentions_is_said_first(chat, question, number):
    reply = chat.ask(question)
    assert reply.startswith("原文没有"), reply
    if number:
        assert cited(reply, number)


def test_whether_benefits_combine_is_said_to_be_unwritten(chat):
    reply = chat.ask("社工证补助和学历提升补助能不能一起拿")
    assert "原文未写明" in reply.splitlines()[0] and "叠加" in reply, reply


@pytest.mark.parametrize("question", ["北京市海聚工程给多少补贴", "浙江省的人才安居工程补贴有多少"])
def test_another_places_programme_gets_no_amount(chat, question):
    reply = chat.ask(question)
    assert not re.search(r"\d+(\.\d+)?万?元", reply), reply
    assert "东发〔2022〕26号" in reply


@pytest.mark.parametrize(
    "first, then, number, says",
    [
        ("第十二条讲的什么", "那它的责任单位是谁呢", 12, "区工科信局"),
        ("退休的名师被返聘，有没有补贴", "钱由谁出", 9, "区级"),
        ("乡镇卫生院中级职称医生每月补助多少", "一年一共多少", 10, "1.2万元"),
        ("硕士的生活补贴有多少", "怎么发", 2, "20%"),
        ("劳务合作社的补助标准", "那要是转移了3500人呢", 7, "按30万元计"),
    ],
)
def test_follow_ups_for_every_aspect_keep_the_topic(chat, first, then, number, says):
    chat.ask(first)
    reply = chat.ask(then)
    assert cited(reply, number) and says in reply, reply


def test_a_number_below_the_threshold_is_told_no(chat):
    chat.ask("劳务合作社转移就业的补助怎么算")
    reply = chat.ask("我们合作社只转移了6个人")
    assert "不符合" in reply and "10人以上" in reply, reply


@pytest.mark.parametrize("question", ["第二十条原文", "第15条讲什么"])
def test_a_clause_the_document_does_not_have(chat, question):
    reply = chat.ask(question)
    assert "十四" in reply and not re.search(r"\d+万?元", reply), reply


def test_how_a_range_is_decided_is_said_to_be_unwritten(chat):
    chat.ask("柔性引进人才有多少补贴")
    reply = chat.ask("具体给多少由什么决定，怎么定")
    assert cited(reply, 1) and "原文未写明" in reply.splitlines()[0], reply


def test_two_values_of_one_kind_get_one_answer_each(chat):
    reply = chat.ask("硕士和本科的生活补贴分别多少")
    assert "10万元" in reply and "5万元" in reply and cited(reply, 2), reply


@pytest.mark.parametrize("question", ["这个文件一共有几条", "文件分哪几个部分"])
def test_the_documents_structure(chat, question):
    reply = chat.ask(question)
    assert "14条" in reply and cited(reply, 14) and "实施党政人才培育计划" in reply, reply


def test_a_benefit_named_without_a_profile_is_answered_not_interviewed(chat):
    reply = chat.ask("社会工作师证的奖励")
    assert cited(reply, 11) and "2000元" in reply, reply
