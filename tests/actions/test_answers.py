"""Answers read like the policy: each cites its clause, states the amounts the text states, keeps its discretion.
The actions run as the action server runs them, on the real knowledge base; entities come from the KB vocabulary."""

import re

from actions.answers import (
    AdminTarget,
    AnswerAmount,
    AnswerConditions,
    AnswerPayment,
    AnswerUnit,
    ClauseText,
    Detail,
    FollowUp,
    Measure,
    Metadata,
    Overview,
    Procedure,
    UnitClauses,
)
from actions.fallback import Fallback, HumanHandoff, OutOfScope
from tests.text_amounts import amounts_written_in, derived_amounts


def amounts(text):
    return set(amounts_written_in(text))


def item_lines(reply, policy):
    """(item, line) for each line of the reply that answers for one item: '第（N）条 <item name>：…'."""
    by_name = {i["name"]: i for i in policy.items}
    for line in reply.splitlines():
        head, _, rest = line.partition("：")
        name = head.split(" ", 1)[-1]
        if line.startswith("第（") and name in by_name:
            yield by_name[name], line


def test_phd_gets_the_250k_living_subsidy_of_clause_two_with_its_schedule_and_units(chat):
    reply = chat.say(AnswerAmount(), "博士能拿多少补贴", "ask_amount")
    assert reply.startswith("第（二）条")
    assert "25万元" in reply and "经考核合格每年按20%逐年发放" in reply and "每年5万元，共5年" in reply
    assert "40周岁及以下" in reply and "区人社局" in reply


def test_flexible_talent_amount_keeps_its_discretion(chat):
    reply = chat.say(AnswerAmount(), "柔性引进的博士一年最多能拿多少", "ask_amount")
    assert "第（一）条" in reply and "最高30万元" in reply and "工作实绩突出" in reply
    assert "25万元" not in reply


def test_follow_up_changes_the_degree_and_keeps_the_question(chat):
    chat.say(AnswerAmount(), "博士能拿多少补贴", "ask_amount")
    reply = chat.say(FollowUp(), "那硕士呢", "follow_up")
    assert "第（二）条" in reply and "10万元" in reply and "25万元" not in reply
    assert "35周岁及以下" in reply


def test_context_questions_use_the_previous_topic(chat):
    chat.say(AnswerAmount(), "硕士生的生活补贴是多少钱", "ask_amount")
    assert "35周岁及以下" in chat.say(AnswerConditions(), "有年龄限制吗", "ask_conditions")
    assert "20%" in chat.say(AnswerPayment(), "是一次发完吗", "ask_payment")
    reply = chat.say(AnswerUnit(), "找哪个部门", "ask_unit")
    assert "第（二）条" in reply and "区人社局、区委编委办、区教育体育局、区卫生健康局" in reply
    assert "原文未写明" in reply


def test_bachelor_age_limit_is_reported_as_unwritten(chat):
    chat.say(AnswerAmount(), "双一流本科生有补贴吗", "ask_amount")
    reply = chat.say(AnswerConditions(), "有年龄限制吗", "ask_conditions")
    assert "第（二）条" in reply and "原文未写明年龄限制" in reply


def test_township_doctor_follow_up_to_senior_title(chat):
    first = chat.say(AnswerAmount(), "乡镇卫生院的医生有什么补助", "ask_amount")
    assert {1000, 1500} <= amounts(first) and "第（十）条" in first
    reply = chat.say(FollowUp(), "副高级的呢", "follow_up")
    assert reply.startswith("第（十）条") and "每人每月1500元" in reply and "1.8万元" in reply


def test_social_worker_certificate_levels(chat):
    assert amounts(chat.say(AnswerAmount(), "社工证有什么补助", "ask_amount")) >= {2000, 4000, 6000}
    reply = chat.say(AnswerAmount(), "拿到高级社会工作师证有多少补助", "ask_amount")
    assert "第（十一）条" in reply and "6000元" in reply and "2000元" not in reply


def test_labour_cooperative_rate_and_ceiling(chat):
    reply = chat.say(AnswerAmount(), "劳务合作社每转移一个人补多少钱", "ask_amount")
    assert "第（七）条" in reply and "100元/人" in reply and "最高不超过30万元" in reply


def test_retired_principal_ceiling_is_said_as_a_ceiling(chat):
    reply = chat.say(AnswerAmount(), "返聘的退休名校长生活补贴最高多少", "ask_amount")
    assert "第（九）条" in reply and "最高20万元" in reply


def test_amount_question_by_words_only_finds_the_clause(chat):
    reply = chat.say(AnswerAmount(), "纳入市级重点学科建设有多少经费", "ask_amount")
    assert reply.startswith("第（十二）条") and "最高50万元" in reply


def test_in_service_doctorate_is_clause_six_not_the_social_workers(chat):
    reply = chat.say(AnswerAmount(), "在职取得博士学历学位双证的干部有多少补助", "ask_amount")
    assert reply.startswith("第（六）条") and "3万元" in reply and "第（十一）条" not in reply


def test_every_amount_said_is_the_items_own(chat, policy):
    """Each line that answers for an item says that item's amount as the text gives it (or its 20% or ×12), not a
    sibling's from the same 分别 sentence; and no other line says an amount at all."""
    for q in [
        "博士能拿多少补贴",
        "硕士呢",
        "乡镇卫生院副高职称每月补助",
        "退休名师",
        "社工证",
        "劳务合作社",
        "家庭农场",
        "科研成果",
        "在职研究生学历补助",
        "本科紧缺人才",
        "正高级职称",
        "乡村医生注册执业医师补多少",
        "中级社会工作师证补助多少",
    ]:
        reply = chat.say(AnswerAmount(), q, "ask_amount")
        answered = list(item_lines(reply, policy))
        assert answered, (q, reply)
        for item, line in answered:
            if item.get("amount"):
                assert amounts(line) & derived_amounts(item), (q, line)
            assert amounts(line) <= derived_amounts(item), (q, line)
        other = [line for line in reply.splitlines() if line not in {line for _, line in answered}]
        assert not amounts("\n".join(other)), (q, other)


def test_each_social_worker_level_gets_its_own_amount(chat):
    """初级 2000, 中级 4000, 高级 6000 — the order of the 分别 sentence of 第（十一）条."""
    for level, own in (("初级", 2000), ("中级", 4000), ("高级", 6000)):
        reply = say_amount(chat, f"拿到{level}社会工作师证有多少补助")
        assert "第（十一）条" in reply and amounts(reply.splitlines()[0]) == {own}, reply


def say_amount(chat, text):
    return chat.say(AnswerAmount(), text, "ask_amount")


def test_clause_text_is_verbatim_sentence_by_sentence(chat, policy):
    reply = chat.say(ClauseText(), "第（六）条的原文", "ask_clause_text")
    assert reply.startswith("第（六）条 激励机关事业干部学历提升")
    assert re.sub(r"\s", "", reply).endswith(re.sub(r"\s", "", policy.clause(6)["text"]))


def test_unit_to_clauses(chat):
    reply = chat.say(UnitClauses(), "区教育体育局负责哪些条款", "ask_unit_clauses")
    for label in ["（一）", "（二）", "（三）", "（八）", "（九）", "（十三）"]:
        assert f"第{label}条" in reply
    assert "区属各单位（部门）" in reply


def test_metadata_says_trial_and_no_end_date(chat):
    reply = chat.say(Metadata(), "这个文件的文号是什么", "ask_metadata")
    assert "东发〔2022〕26号" in reply and "2022年10月14日" in reply and "试行" in reply and "未写明有效期" in reply


def test_non_money_measure(chat):
    reply = chat.say(Measure(), "引进人才的配偶工作怎么解决", "ask_measure")
    assert reply.startswith("第（十三）条") and "配偶就业" in reply


def test_administration_target(chat):
    reply = chat.say(AdminTarget(), "每年选派多少干部", "ask_admin_target")
    assert "第（四）条" in reply and "不少于20名" in reply


def test_where_the_policy_is_silent_it_says_so(chat):
    chat.say(AnswerAmount(), "博士能拿多少补贴", "ask_amount")
    reply = chat.say(Procedure(), "需要准备什么材料，什么时候截止", "ask_procedure")
    assert "原文未规定申报材料" in reply and "原文未规定申报时间" in reply and "区人社局" in reply


def test_details_give_quotes_and_ambiguities(chat):
    chat.say(AnswerAmount(), "本科紧缺人才补贴多少", "ask_amount")
    reply = chat.say(Detail(), "详细说说", "ask_detail")
    assert "“双一流”高校（学科）或教育部直属六所师范院校" in reply and "原文未对本科紧缺人才写明年龄限制" in reply


def test_overview_lists_money_benefits_with_citations(chat):
    reply = chat.say(Overview(), "有哪些人才政策", "ask_overview")
    assert "第（一）条" in reply and "第（十二）条" in reply and "25万元" in reply


def test_unsure_classifier_still_answers_from_the_words(chat):
    # the words name the group and the aspect: the fallback answers them instead of offering clause buttons
    reply = chat.say(Fallback(), "退休 返聘 教师 待遇", "nlu_fallback")
    assert reply.startswith("第（九）条") and "20万元" in reply


def test_out_of_scope_names_no_amount_and_gives_the_human_channel(chat):
    reply = chat.say(OutOfScope(), "怎么办理护照", "out_of_scope")
    assert not amounts(reply) and "人工服务" in reply and "东发〔2022〕26号" in reply


def test_english_gets_a_request_for_chinese(chat):
    assert "请用中文提问" in chat.say(Fallback(), "What is the weather like today?", "nlu_fallback")


def test_empty_message_gets_an_answer(chat):
    assert "没有输入" in chat.say(Fallback(), "", "nlu_fallback")


def test_handoff_contact_is_configurable(chat, monkeypatch):
    monkeypatch.setenv("HUMAN_HANDOFF_CONTACT", "人才服务窗口（工作日9:00-17:00）")
    assert "人才服务窗口" in chat.say(HumanHandoff(), "转人工", "human_handoff")


def test_master_double_certificate_read_from_the_sentence(chat):
    reply = chat.say(
        AnswerAmount(),
        "在职读了硕士拿到双证补多少",
        "ask_amount",
        entities=[{"entity": "full_time", "value": "非全日制"}, {"entity": "degree", "value": "硕士"}],
    )
    assert reply.startswith("第（六）条") and "2万元" in reply


def test_conditions_answer_names_the_amount_too(chat):
    reply = chat.say(AnswerConditions(), "退休教师返聘有补贴吗", "ask_conditions")
    assert "第（九）条" in reply and "最高20万元" in reply and "63周岁" in reply


def test_unsure_parse_that_names_a_group_answers_for_it(chat):
    reply = chat.say(Fallback(), "企业取得国家专利有奖励吗", "nlu_fallback")
    assert "第（十二）条" in reply and "50万元" in reply and "经认定后" in reply


def test_measure_named_gets_its_own_item_first(chat):
    reply = chat.say(Measure(), "东川头雁人才是什么", "ask_measure")
    assert reply.startswith("第（十三）条") and "头雁" in reply.splitlines()[0]


def test_budget_with_a_floor(chat):
    reply = chat.say(AdminTarget(), "人才工作经费每年多少", "ask_admin_target", entities=[])
    assert "第（十四）条" in reply and "至少500万元" in reply


def test_a_question_whose_own_facts_fail_the_item_it_names_is_told_why(chat, rule_entities):
    # 招募、返聘各地区男63周岁、女58周岁以下退休名师、名校长 (第（九）条)
    text = "我姑是退休名师，女的，今年61，东川能返聘她吗"
    reply = chat.say(AnswerConditions(), text, "ask_conditions", entities=rule_entities(text))
    assert reply.startswith("不符合 第（九）条") and "超过“女58周岁以下（含58周岁）”3岁" in reply
    assert "不满足“男性”" not in reply


def test_facts_that_fail_an_item_do_not_offer_its_amount_as_theirs(chat, rule_entities):
    text = "退休名校长，男，66岁，返聘一年能拿多少"
    reply = chat.say(AnswerAmount(), text, "ask_amount", entities=rule_entities(text))
    assert "不符合 第（九）条" in reply and "超过“男63周岁以下（含63周岁）”3岁" in reply
