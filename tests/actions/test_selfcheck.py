"""The self-check conversation: several facts at once, the engine's next question, bare answers, corrections."""

import pytest

from actions.answers import AnswerPayment
from actions.selfcheck import SelfCheck
from policy_kb.profile import fields


def test_profile_in_one_message_is_answered_at_once(chat):
    reply = chat.say(SelfCheck(), "我39岁，全日制博士研究生，打算去东川的医院工作，能拿什么补贴", "self_check")
    assert "第（二）条" in reply and "25万元" in reply and "还需满足" in reply
    assert chat.slots["requested_field"]


def test_over_age_master_is_told_plainly_with_the_quote(chat):
    reply = chat.say(SelfCheck(), "我37岁，全日制硕士，能拿十万吗", "self_check")
    assert "不符合" in reply and "超过“35周岁及以下”2岁" in reply and "10万元" in reply


def test_village_doctor_registered_as_assistant_gp(chat):
    reply = chat.say(SelfCheck(), "我是村卫生室的乡村医生，拿到大专学历后注册了助理全科医师", "self_check")
    assert "✓ 符合 第（十）条" in reply and "5000元" in reply
    assert "若满足“注册为执业医师”" in reply


def test_next_questions_lead_to_a_verdict(chat):
    chat.say(SelfCheck(), "我38岁，全日制博士", "self_check")
    for _ in range(6):
        field = chat.slots["requested_field"]
        if field is None:
            break
        answer = {
            "employment": "全职",
            "public_institution_post": "是的",
            "contract_years": "5年",
            "days_per_year": "不知道",
        }.get(field, "不知道")
        reply = chat.say(SelfCheck(), answer, "inform", entities=[])
    assert "✓ 符合 第（二）条 全日制博士研究生生活补贴：每人25万元" in reply
    assert "回复“申请”" in reply


def test_correction_replaces_the_value(chat):
    chat.say(SelfCheck(), "我34岁，全日制硕士", "self_check")
    reply = chat.say(SelfCheck(), "我说错了，是36岁", "correct")
    assert "36岁，超过“35周岁及以下”1岁" in reply


def test_question_mid_check_is_answered_then_the_check_resumes(chat):
    chat.say(SelfCheck(), "我38岁，全日制博士", "self_check")
    asked = chat.slots["requested_field"]
    reply = chat.say(AnswerPayment(), "博士补贴怎么发", "ask_payment")
    assert "20%" in reply and "我们继续自查" in reply
    assert chat.slots["requested_field"] == asked


def test_unreadable_answer_is_asked_again_with_choices(chat):
    chat.say(SelfCheck(), "我38岁，全日制博士", "self_check")
    reply = chat.say(SelfCheck(), "嗯嗯哈哈", "inform", entities=[])
    assert "没能读懂" in reply


def test_a_bare_number_answers_the_question_asked(chat):
    chat.say(SelfCheck(), "我38岁，全日制博士，全职", "self_check")
    chat.slots["requested_field"] = "contract_years"
    chat.say(SelfCheck(), "6", "inform", entities=[{"entity": "age", "value": "6"}])
    assert chat.slots["profile"]["age"] == 38 and chat.slots["profile"]["contract_years"] == 6


def test_two_persons_in_one_message_get_a_verdict_each(chat, rule_entities):
    text = "我爸66岁，是退休的老校长；我妈54岁，退休前是中学名师，现在退休的名师能返聘吗"
    reply = chat.say(SelfCheck(), text, "self_check", entities=rule_entities(text))
    father, mother = reply.split("【您母亲】")
    assert father.startswith("【您父亲】")
    assert "✗ 不符合 第（九）条" in father and "66岁，超过“男63周岁以下（含63周岁）”3岁" in father
    assert "✓ 符合 第（九）条" in mother and "20万元" in mother


def test_a_workplace_that_rules_a_condition_out_is_told_as_unmet(chat, rule_entities):
    text = "县人民医院心内科的主治医生一枚，每月发的那种生活补助我够不够格"
    reply = chat.say(SelfCheck(), text, "self_check", entities=rule_entities(text))
    assert "✗ 不符合 第（十）条" in reply and "您说的“县人民医院”" in reply and "可能符合 第（十）条 乡镇" not in reply


def test_asking_for_a_mother_keeps_her_facts_and_gender_into_the_next_turn(chat, rule_entities):
    first = "替我妈问问，她是退休教师"
    chat.say(SelfCheck(), first, "self_check", entities=rule_entities(first))
    reply = chat.say(SelfCheck(), "她今年61了，61岁", "inform", entities=rule_entities("她今年61了，61岁"))
    assert reply.startswith("（以下按您母亲的情况）")
    assert "✗ 不符合 第（九）条" in reply and "61岁，超过“女58周岁以下（含58周岁）”3岁" in reply


def test_a_question_on_an_item_while_a_question_is_open_is_answered_from_the_facts_told(chat, rule_entities):
    first = "我在市人民医院当副主任医师"
    chat.say(SelfCheck(), first, "self_check", entities=rule_entities(first))
    assert chat.slots["requested_field"]
    second = "那个每月1500元的补助我有吗"
    reply = chat.say(SelfCheck(), second, "inform", entities=rule_entities(second))
    assert "没能读懂" not in reply
    assert "✗ 不符合 第（十）条" in reply and "您说的“市人民医院”" in reply


@pytest.mark.parametrize(
    "text, shown",
    [
        ("单位的专技人员，在职念的博士，毕业证和学位证都拿到手了", "第（六）条"),
        ("在职读博，两证齐全", "可能符合 第（六）条"),  # 博 inside 在职读博, a longer word of the vocabulary
    ],
)
def test_both_certificates_said_in_everyday_words_are_the_double_certificate_of_the_degree(
    chat, rule_entities, text, shown
):
    # 取得博士研究生学历、学位“双证”的，给予3万元的一次性补助 (第（六）条)
    reply = chat.say(SelfCheck(), text, "self_check", entities=rule_entities(text))
    assert chat.slots["profile"]["study_result"] == "博士双证"
    assert shown in reply and "3万元" in reply
    assert "全日制博士研究生生活补贴" not in reply.split("不符合")[0]  # not offered the full-time item


def test_a_measure_asked_in_a_self_check_is_answered_from_its_clause(chat, rule_entities):
    # 围绕本土各行业领域拔尖人才，且对经济社会发展有突出贡献的，按人才引进有关规定，聘为事业编制人员 (第（二）条)
    text = "我在咱们区的民企做了十年工程师，算业务尖子，想知道能不能给解决编制"
    reply = chat.say(SelfCheck(), text, "self_check", entities=rule_entities(text))
    first = reply.split("自查结果")[0]
    assert "第（二）条 本土拔尖人才聘为事业编制人员" in first
    assert "对经济社会发展有突出贡献" in first and "由责任单位认定" in first
    assert 2 in [c["clause"] for c in chat.messages[0]["custom"]["citations"]]


def test_a_self_check_without_a_measure_word_names_no_measure(chat, rule_entities):
    text = "我是乡镇卫生院的主治医师"
    reply = chat.say(SelfCheck(), text, "self_check", entities=rule_entities(text))
    assert "您问到的措施" not in reply and reply.startswith("自查结果")


def test_both_certificates_told_after_the_degree_make_that_degree_s_double_certificate(chat, rule_entities):
    first = "我是硕士，在区里的事业单位上班"
    chat.say(SelfCheck(), first, "self_check", entities=rule_entities(first))
    second = "是上班以后在职读的，两个证都有"
    reply = chat.say(SelfCheck(), second, "inform", entities=rule_entities(second))
    assert chat.slots["profile"]["study_result"] == "硕士双证"
    assert "第（六）条" in reply and "2万元" in reply


def test_a_fact_about_something_else_is_no_yes_to_the_question_asked(chat, rule_entities):
    first = "我是高级工程师，在本地企业上班"
    chat.say(SelfCheck(), first, "self_check", entities=rule_entities(first))
    asked = chat.slots["requested_field"]
    assert fields()[asked]["type"] == "bool"
    reply = chat.say(SelfCheck(), "合同签了5年", "inform", entities=rule_entities("合同签了5年"))
    assert asked not in chat.slots["profile"] and chat.slots["profile"]["contract_years"] == 5
    assert "✓ 符合" not in reply


@pytest.mark.parametrize("answer, value", [("是的", True), ("有，发表过论文", True), ("没有", False), ("我们有", True)])
def test_a_yes_or_no_that_opens_the_answer_answers_the_question(chat, rule_entities, answer, value):
    first = "我是高级工程师，在本地企业上班"
    chat.say(SelfCheck(), first, "self_check", entities=rule_entities(first))
    asked = chat.slots["requested_field"]
    chat.say(SelfCheck(), answer, "inform", entities=rule_entities(answer))
    assert chat.slots["profile"][asked] is value
