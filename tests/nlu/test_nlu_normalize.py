"""Normalization ahead of the parse, and number values that keep entity offsets."""

import pytest

from bot.nlu.normalizer import normalize_text, offset_map, remap_entities
from bot.nlu.numbers import parse_quantity


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("博士補貼多少錢", "博士补贴多少钱"),  # traditional → simplified
        ("碩士研究生，３５歲", "硕士研究生，35岁"),  # full-width digits, traditional
        ("ＰｈＤ来东川", "PhD来东川"),  # full-width letters
        ("博士😀能拿多少🎉", "博士能拿多少"),  # emoji dropped
        ("博士\u200b能\x07拿", "博士能拿"),  # zero-width and control characters dropped
        ("  博士   能拿\n\n多少  ", "博士 能拿 多少"),  # whitespace folded and trimmed
        ("第（九）条", "第（九）条"),  # the document's own brackets are kept
        ("村医考上职业医师奖多少", "村医考上执业医师奖多少"),  # same-length typo fix
        ("卫建局管哪些", "卫建局管哪些"),  # a misspelt unit is an alias in units.yml, not rewritten
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize_text(raw) == expected


def test_length_cap():
    assert len(normalize_text("博士补贴" * 1250)) == 500


def test_a_held_down_chinese_character_counts_three_times_and_digits_are_left_alone():
    assert normalize_text("博" * 3000) == "博博博"
    assert normalize_text("谢谢谢谢") == "谢谢谢谢"  # four is still a way of saying it
    assert normalize_text("哈哈哈哈哈，博士补贴多少") == "哈哈哈，博士补贴多少"
    assert normalize_text("补贴1000000元，电话13800000000") == "补贴1000000元，电话13800000000"


def test_misspelt_unit_names_are_unit_aliases():
    from policy_kb.words import term_index

    assert term_index()["卫建局"] == [("unit", "区卫生健康局")]
    assert term_index()["人设局"] == [("unit", "区人社局")]


def test_typo_fixes_keep_length():
    from bot.nlu.typos import TYPOS

    assert all(len(k) == len(v) for k, v in TYPOS.items())


def test_entity_offsets_follow_normalization():
    raw = "😀 我  三十五歲，碩士"
    new = normalize_text(raw)
    ents = [
        {"entity": "age", "start": raw.index("三"), "end": raw.index("，")},
        {"entity": "degree", "start": raw.index("碩"), "end": len(raw)},
    ]
    moved = remap_entities(raw, new, ents)
    assert [new[e["start"] : e["end"]] for e in moved] == ["三十五岁", "硕士"]
    assert offset_map("ab", "ab") == {0: 0, 1: 1, 2: 2}


@pytest.mark.parametrize(
    "text, etype, value",
    [
        ("三十五岁", "age", "35"),
        ("35周岁", "age", "35"),
        ("35 岁", "age", "35"),
        ("四十一岁", "age", "41"),
        ("十万", "amount", "100000"),
        ("10万元", "amount", "100000"),
        ("两万元", "amount", "20000"),
        ("0.5万", "amount", "5000"),
        ("8000元", "amount", "8000"),
        ("一万五", "amount", "15000"),
        ("二十五万", "amount", "250000"),
        ("五千块", "amount", "5000"),
        ("5年", "years", "5"),
        ("五年", "years", "5"),
        ("60天", "days", "60"),
        ("一百天", "days", "100"),
        ("第九条", "clause", "9"),
        ("第（十四）条", "clause", "14"),
        ("第9条", "clause", "9"),
        ("（六）", "clause", "6"),
        ("条款十二", "clause", "12"),
    ],
)
def test_number_values(text, etype, value):
    assert parse_quantity(text, etype) == value


@pytest.mark.parametrize(
    "text, etype",
    [
        ("第十五条", "clause"),
        ("2022年", "years"),
        ("三百岁", "age"),
        ("几年", "years"),
        ("零元", "amount"),
    ],
)
def test_implausible_numbers_are_rejected(text, etype):
    assert parse_quantity(text, etype) is None


@pytest.mark.parametrize(
    "text, foreign",
    [
        ("How much does a PhD get?", True),
        ("PhD来东川有多少补贴", False),
        ("博士", False),
        ("36", False),
        ("", False),
    ],
)
def test_foreign_language_detection(text, foreign):
    from bot.nlu.language import ASK_IN_CHINESE, is_foreign

    assert is_foreign(text) is foreign
    assert "请用中文提问" in ASK_IN_CHINESE and "博士能拿多少补贴" in ASK_IN_CHINESE


def test_typed_commands_are_words_not_intents():
    from bot.nlu.normalizer import normalize_text

    assert normalize_text("/restart") == "restart"
    assert normalize_text("／restart") == "restart"  # full-width slash too
    assert normalize_text('/inform{"age":"30","degree":"博士"}') == "inform"
    assert normalize_text("博士/硕士补贴") == "博士/硕士补贴"  # a slash inside a question stays
