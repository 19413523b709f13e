"""Reading what a person says: denials, levels and persons marked on the NLU's entities (policy_kb.statements)."""

from policy_kb.statements import facts_by_person, mark
from policy_kb.topics import facts_from_entities


def ent(text: str, word: str, entity: str, value: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return {"entity": entity, "value": value, "start": start, "end": start + len(word)}


def test_a_denied_fact_rules_the_value_out_instead_of_stating_it():
    text = "我本科学校不是双一流"
    marked = mark(text, [ent(text, "本科", "degree", "本科"), ent(text, "双一流", "school_tier", "双一流")])
    assert [e.get("role") for e in marked] == [None, "not"]
    [(person, facts)] = facts_by_person(text, marked, facts_from_entities)
    assert facts["degree"] == "本科" and "school_tier" not in facts
    assert facts["_excluded"] == {"school_tier": ["双一流"]}
    assert facts["_said"]["school_tier"]["words"] == "不是双一流"


def test_a_denied_yes_or_no_fact_is_false_and_a_double_denial_true():
    for text, word, value, expected in [
        ("硕士，不是全日制读的", "全日制", "全日制", False),
        ("我不是非全日制的", "非全日制", "非全日制", True),
        ("全日制硕士", "全日制", "全日制", True),
    ]:
        marked = mark(text, [ent(text, word, "full_time", value)])
        [(_person, facts)] = facts_by_person(text, marked, facts_from_entities)
        assert facts["full_time"] is expected, text


def test_asking_whether_is_no_denial():
    text = "我的学校是不是双一流"
    assert mark(text, [ent(text, "双一流", "school_tier", "双一流")])[0].get("role") is None


def test_no_higher_title_rules_out_that_level_and_above():
    text = "我还没有评上副高"
    [(_, facts)] = facts_by_person(text, [ent(text, "副高", "title", "副高级")], facts_from_entities)
    assert facts["_excluded"] == {"title_level": ["副高级", "正高级"]}


def test_a_level_word_fills_the_field_of_the_thing_it_qualifies():
    text = "我们是县级示范家庭农场"
    marked = mark(text, [ent(text, "示范家庭农场", "role", "示范家庭农场带头人")])
    level = next(e for e in marked if e["entity"] == "level")
    assert (level["value"], level["role"]) == ("县级", "demonstration_level")
    [(_, facts)] = facts_by_person(text, marked, facts_from_entities)
    assert facts["demonstration_level"] == "县级" and facts["roles"] == {"示范家庭农场带头人"}


def test_the_texts_own_at_least_wording_names_no_level():
    assert [e for e in mark("市级以上示范家庭农场有什么奖补", []) if e["entity"] == "level"] == []


def test_two_persons_in_one_message_each_get_their_facts_and_their_gender():
    text = "我爸65岁，我妈55岁"
    entities = [ent(text, "65岁", "age", "65"), ent(text, "55岁", "age", "55")]
    people = facts_by_person(text, entities, facts_from_entities)
    assert [(p.key, f["age"], f["gender"]) for p, f in people] == [("父亲", 65, "男"), ("母亲", 55, "女")]


def test_the_speaker_after_another_person_and_what_both_share():
    text = "我老公博士，我硕士，我们俩都签了5年"
    entities = [
        ent(text, "博士", "degree", "博士"),
        ent(text, "硕士", "degree", "硕士"),
        ent(text, "5年", "years", "5"),
    ]
    people = facts_by_person(text, entities, facts_from_entities)
    assert [(p.key, f["degree"], f["contract_years"]) for p, f in people] == [("丈夫", "博士", 5), ("我", "硕士", 5)]
    assert "gender" not in people[1][1]


def test_asking_for_someone_else_describes_only_them():
    text = "我想帮我妈咨询：她60岁"
    [(person, facts)] = facts_by_person(text, [ent(text, "60岁", "age", "60")], facts_from_entities)
    assert person.key == "母亲" and facts == {"age": 60, "gender": "女"}


def test_marking_twice_changes_nothing():
    text = "我爸不是博士"
    once = mark(text, [ent(text, "博士", "degree", "博士")])
    assert mark(text, once) == once


def test_a_bare_level_word_names_no_talent_programme():
    """省级骨干教师 is a teacher's award level, not a 省级人才计划 (which would promise （一）条's 50万元)."""
    text = "我是省级骨干教师"
    entities = [ent(text, "省级", "talent_programme", "省级"), ent(text, "骨干教师", "role", "骨干教师")]
    [(_, facts)] = facts_by_person(text, entities, facts_from_entities)
    assert "talent_programme" not in facts and facts["backbone_teacher_level"] == "省级"
    text = "我入选了省级人才计划"
    entities = [ent(text, "省级人才计划", "talent_programme", "省级")]
    [(_, facts)] = facts_by_person(text, entities, facts_from_entities)
    assert facts["talent_programme"] == "省级"
