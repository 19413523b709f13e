"""Parses of typical and hard messages by the trained model (make model, loaded once per session)."""

import pytest

pytestmark = pytest.mark.model

CASES = [
    # the issue's own examples
    ("博士能拿多少补贴", "ask_amount", {("degree", "博士")}),
    ("35岁硕士有啥待遇", "ask_amount", {("age", "35"), ("degree", "硕士")}),
    ("村医考上执业医师奖多少", "ask_amount", {("role", "在岗乡村医生"), ("certificate", "执业医师")}),
    ("那硕士呢", "follow_up", {("degree", "硕士")}),
    ("PhD来东川有多少补贴", "ask_amount", {("degree", "博士")}),
    # the interface's examples, intent by intent
    ("退休名校长生活补贴最高多少", "ask_amount", {("role", "退休名校长")}),
    ("我34岁，全日制硕士", "self_check", {("age", "34"), ("full_time", "全日制"), ("degree", "硕士")}),
    ("我38岁，全日制博士，能拿多少", "self_check", {("age", "38"), ("full_time", "全日制"), ("degree", "博士")}),
    ("我是村医，注册了执业医师", "self_check", {("role", "在岗乡村医生"), ("certificate", "执业医师")}),
    ("博士补贴要什么条件", "ask_conditions", {("degree", "博士")}),
    ("有年龄限制吗", "ask_conditions", set()),
    ("要在东川待多少天", "ask_conditions", set()),
    ("是一次发完吗", "ask_payment", set()),
    ("每年发多少", "ask_payment", set()),
    ("向谁申请", "ask_unit", set()),
    ("第九条原文", "ask_clause_text", {("clause", "9")}),
    ("第（六）条说的什么", "ask_clause_text", {("clause", "6")}),
    ("念一下第十四条", "ask_clause_text", {("clause", "14")}),
    ("区教育体育局负责哪些条款", "ask_unit_clauses", {("unit", "区教育体育局")}),
    ("卫健局管哪些", "ask_unit_clauses", {("unit", "区卫生健康局")}),
    ("文号", "ask_metadata", set()),
    ("还有效吗", "ask_metadata", set()),
    ("人才公寓", "ask_measure", {("measure", "人才公寓")}),
    ("每年选派多少干部", "ask_admin_target", None),
    ("需要什么材料", "ask_procedure", set()),
    ("有哪些人才政策", "ask_overview", set()),
    ("展开讲讲", "ask_detail", set()),
    ("如果是女的呢", "follow_up", {("gender", "女")}),
    ("副高级的呢", "follow_up", {("title", "副高级")}),
    ("我要申请", "apply", set()),
    ("我说错了，是36岁", "correct", {("age", "36")}),
    ("13800138000", "inform", {("phone", "13800138000")}),
    ("36", "inform", {("age", "36")}),
    ("转人工", "human_handoff", set()),
    ("你是谁", "bot_challenge", set()),
    ("护照怎么办", "out_of_scope", set()),
    ("你好", "greet", set()),
    ("谢谢", "thank", set()),
    # hard: traditional characters, full-width, emoji, typos, Chinese numerals, English
    ("博士補貼多少錢😀", "ask_amount", {("degree", "博士")}),
    ("碩士研究生三十五歲能拿多少", "ask_amount", {("degree", "硕士"), ("age", "35")}),
    ("第９条原文", "ask_clause_text", {("clause", "9")}),
    ("How much does a PhD get?", "ask_amount", {("degree", "博士")}),
    ("村医考了职业医师证有什么奖励", "ask_amount", {("role", "在岗乡村医生"), ("certificate", "执业医师")}),
    ("社工证中级奖多少", "ask_amount", {("certificate", "社会工作师"), ("cert_level", "中级")}),
    ("第9条是谁负责的", "ask_unit", {("clause", "9")}),
    ("柔性引才每年要在东川待多少天", "ask_conditions", {("talent_group", "柔性人才")}),
    ("我叫张三，手机13800138000", "inform", {("phone", "13800138000")}),  # 张三 is no clause reference
    ("签了五年合同的硕士能拿十万吗", None, {("years", "5"), ("degree", "硕士"), ("amount", "100000")}),
]


def classifier_intent(result):
    """DIET's top intent; under nlu_fallback (calibrated threshold) it is the next one in the ranking. The actions
    treat a fallback as a bare answer when a form is open, so the classification is what these cases pin down."""
    for ranked in result.get("intent_ranking") or [result["intent"]]:
        if ranked["name"] != "nlu_fallback":
            return ranked["name"]
    return "nlu_fallback"


# What a question asks (bot/nlu/aspects.py) is a finding of its own, asserted below; the cases above pin the subject.
ASKING = ("aspect", "headcount")


@pytest.mark.parametrize("text, intent, entities", CASES)
def test_parse(parse, text, intent, entities):
    result = parse(text)
    if intent is not None:
        assert classifier_intent(result) == intent, result["intent_ranking"][:3]
    if entities is not None:
        found = {(e["entity"], e["value"]) for e in result["entities"] if e["entity"] not in ASKING}
        assert found == entities, result["entities"]


@pytest.mark.parametrize(
    "text, aspects",
    [
        ("第十二条归哪个单位负责", ["units"]),
        ("这笔钱由哪级财政出", ["payer"]),
        ("乡镇卫生院的补助一年一共多少", ["year_total", "amount"]),
        ("多长时间评一次，怎么发放", ["frequency", "payment"]),
        ("在文件哪一条，原文怎么写的", ["where", "clause_text"]),
        ("主治医师每月补多少", ["amount"]),
    ],
)
def test_what_is_asked_is_found_beside_what_it_is_about(parse, text, aspects):
    found = list(dict.fromkeys(e["value"] for e in parse(text)["entities"] if e["entity"] == "aspect"))
    assert found == aspects, parse(text)["entities"]


def test_a_head_count_is_read_as_a_number_of_people(parse):
    counts = [e["value"] for e in parse("合作社组织三百个人转移就业")["entities"] if e["entity"] == "headcount"]
    assert counts == ["300"]


def test_typical_messages_are_not_sent_to_the_fallback(parse):
    fallbacks = [text for text, intent, _e in CASES if intent and parse(text)["intent"]["name"] == "nlu_fallback"]
    assert len(fallbacks) <= 3, fallbacks


def test_entities_carry_offsets_into_the_normalized_text(parse):
    result = parse("碩士  三十五歲")
    assert result["text"] == "硕士 三十五岁"
    spans = {e["entity"]: result["text"][e["start"] : e["end"]] for e in result["entities"]}
    assert spans == {"degree": "硕士", "age": "三十五岁"}


def test_every_entity_value_is_exact(parse):
    from bot.nlu.aspects import cues
    from policy_kb.shapes import NUMERIC_TYPES
    from policy_kb.words import canonical_values

    for text, _intent, _entities in CASES:
        for e in parse(text)["entities"]:
            if e["entity"] == "aspect":
                assert e["value"] in {aspect for _cue, aspect in cues()}, e
            elif e["entity"] == "headcount":
                assert e["value"].isdigit(), e
            elif e["entity"] in NUMERIC_TYPES:
                assert e["value"].isdigit() or e["entity"] == "id_number", e
            else:
                assert e["value"] in canonical_values(e["entity"]), e
