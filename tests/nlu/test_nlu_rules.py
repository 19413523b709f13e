"""The KB rule pipeline (spaCy, blank zh + jieba + EntityRuler): exact entity values, no model needed."""

import pytest

from bot.nlu.spacy_pipeline import entities

CASES = [
    ("博士能拿多少补贴", [("degree", "博士")]),
    ("35岁硕士有啥待遇", [("age", "35"), ("degree", "硕士")]),
    ("三十五岁的硕士研究生", [("age", "35"), ("degree", "硕士")]),
    ("村医考上执业医师奖多少", [("role", "在岗乡村医生"), ("certificate", "执业医师")]),
    ("PhD来东川有多少补贴", [("degree", "博士")]),
    ("How much does a PhD get?", [("degree", "博士")]),
    ("博士研究生学历", [("degree", "博士")]),
    ("正高级职称的人才", [("title", "正高级")]),
    ("副高职称每个月多少", [("title", "副高级")]),
    ("中级的呢", [("title", "中级")]),
    ("社工证中级给多少", [("certificate", "社会工作师"), ("cert_level", "中级")]),
    ("考了初级社工证", [("cert_level", "初级"), ("certificate", "社会工作师")]),
    ("高级的呢", [("cert_level", "高级")]),
    ("如果是女的呢", [("gender", "女")]),
    ("子女入学怎么办", [("measure", "子女入学")]),  # 女 inside 子女 is not a gender
    ("不是全日制的", [("full_time", "全日制")]),  # the word as written; policy_kb.statements marks the denial
    ("非全日制硕士", [("full_time", "非全日制"), ("degree", "硕士")]),
    ("“双一流”高校本科", [("school_tier", "双一流"), ("degree", "本科")]),
    ("卫健局管哪些", [("unit", "区卫生健康局")]),
    ("区教育体育局负责哪些条款", [("unit", "区教育体育局")]),
    ("我在乡镇工作", []),  # too generic to be a unit
    ("第九条原文", [("clause", "9")]),
    ("第（六）条说的什么", [("clause", "6")]),
    ("第(11)条", [("clause", "11")]),
    ("九条原文", [("clause", "9")]),
    ("条款十四", [("clause", "14")]),
    ("（十）讲的什么", [("clause", "10")]),
    ("下一条呢", []),
    ("三十条措施", []),
    ("能拿十万吗", [("amount", "100000")]),
    ("二十五万分几年发", [("amount", "250000")]),
    ("每月1000元", [("amount", "1000")]),
    ("每年在东川待60天够吗", [("days", "60")]),
    ("签了5年合同", [("years", "5")]),
    ("签一年合同", [("years", "1")]),
    ("第一年能拿多少", []),
    ("退休名师一年给多少钱", [("role", "退休名师")]),
    ("我今年刚满40，博士", [("age", "40"), ("degree", "博士")]),
    ("36", [("age", "36")]),
    ("手机号13800138000", [("phone", "13800138000")]),
    ("身份证号53010219900101123X", [("id_number", "53010219900101123X")]),
    ("在乡村振兴领域工作", [("sector", "乡村振兴")]),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_rule_entities(rules_nlp, text, expected):
    assert [(e["entity"], e["value"]) for e in entities(rules_nlp, text)] == expected


def test_rule_entities_are_on_rasa_token_boundaries(rules_nlp):
    from bot.nlu import segment

    for text, _expected in CASES:
        tokens = segment.tokenize(text)
        starts = {s for _w, s in tokens}
        ends = {s + len(w) for w, s in tokens}
        for e in entities(rules_nlp, text):
            assert e["start"] in starts and e["end"] in ends, (text, e, tokens)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("人才工作经费一年多少钱", []),
        ("I'm 35 and have a master's degree", [("age", "35"), ("degree", "硕士")]),
        ("36 years old", [("age", "36")]),
    ],
)
def test_context_rules(rules_nlp, text, expected):
    assert [(e["entity"], e["value"]) for e in entities(rules_nlp, text)] == expected
