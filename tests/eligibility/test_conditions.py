"""The three-valued condition trees, leaf by leaf: each operator on both sides of its number, the gap it reports, and
the words a report uses (“36岁，超过“35周岁及以下”1岁”). Reading the text: 以上/以下/不少于 include the number,
超过 does not."""

import pytest

from policy_kb.conditions import MET, UNKNOWN, UNMET, evaluate


def leaf(op, value, field="age", id="x", label="条件", quote="原文"):
    return {"id": id, "field": field, "op": op, "value": value, "label": label, "quote": quote}


@pytest.mark.parametrize(
    "op, value, actual, status, gap",
    [
        ("le", 40, 40, MET, None),
        ("le", 40, 41, UNMET, 1),
        ("le", 40, 45, UNMET, 5),
        ("le", 40, 16, MET, None),
        ("lt", 40, 39, MET, None),
        ("lt", 40, 40, UNMET, 1),
        ("lt", 40, 42, UNMET, 3),
        ("ge", 5, 5, MET, None),
        ("ge", 5, 4, UNMET, 1),
        ("ge", 5, 2, UNMET, 3),
        ("ge", 5, 8, MET, None),
        ("gt", 60, 61, MET, None),
        ("gt", 60, 60, UNMET, 1),
        ("gt", 60, 58, UNMET, 3),
        ("eq", 40, 40, MET, None),
        ("eq", 40, 41, UNMET, None),
        ("ne", 40, 41, MET, None),
        ("ne", 40, 40, UNMET, None),
        ("in", [30, 40], 40, MET, None),
        ("in", [30, 40], 35, UNMET, None),
    ],
)
def test_number_operators_on_both_sides(op, value, actual, status, gap):
    field = "days_per_year" if op == "gt" else "contract_years" if op == "ge" else "age"
    trace = evaluate(leaf(op, value, field=field), {field: actual})
    assert trace.status == status
    assert trace.leaves[0].gap == gap
    assert trace.leaves[0].actual == actual


def test_fractional_gaps_keep_their_fraction():
    trace = evaluate(leaf("gt", 60, field="days_per_year"), {"days_per_year": 59.5})
    assert trace.leaves[0].gap == 0.5
    trace = evaluate(leaf("lt", 40, field="contract_years"), {"contract_years": 40.5})
    assert trace.leaves[0].gap == 0.5
    trace = evaluate(leaf("le", 5, field="contract_years"), {"contract_years": 5.5})
    assert trace.status == UNMET and trace.leaves[0].gap == 0.5
    # a fractional value exactly on a strict limit fails with no gap to tell
    trace = evaluate(leaf("lt", 5, field="contract_years"), {"contract_years": 5.0})
    assert trace.status == UNMET and trace.leaves[0].gap is None
    trace = evaluate(leaf("ge", 5, field="contract_years", label="签订5年以上合同"), {"contract_years": 4.5})
    assert trace.leaves[0].gap == 0.5
    assert trace.leaves[0].explain() == "4.5年，距“签订5年以上合同”还差0.5年"


@pytest.mark.parametrize(
    "op, value, actual, status, gap",
    [
        ("ge", "副高级", "副高级", MET, None),
        ("ge", "副高级", "正高级", MET, None),
        ("ge", "副高级", "中级", UNMET, 1),
        ("ge", "副高级", "初级", UNMET, 2),
        ("le", "中级", "中级", MET, None),
        ("le", "中级", "副高级", UNMET, 1),
        ("gt", "中级", "副高级", MET, None),
        ("gt", "中级", "中级", UNMET, 1),
        ("lt", "中级", "初级", MET, None),
        ("eq", "中级", "中级", MET, None),
        ("in", ["初级", "正高级"], "正高级", MET, None),
        ("in", ["初级", "正高级"], "中级", UNMET, None),
    ],
)
def test_ranked_fields_compare_by_rank(op, value, actual, status, gap):
    trace = evaluate(leaf(op, value, field="title_level"), {"title_level": actual})
    assert (trace.status, trace.leaves[0].gap) == (status, gap)


def test_set_operators():
    has = leaf("has", "社会工作师中级", field="certificates")
    assert evaluate(has, {"certificates": frozenset({"社会工作师中级"})}).status == MET
    assert evaluate(has, {"certificates": frozenset({"社会工作师初级"})}).status == UNMET
    assert evaluate(has, {"certificates": frozenset()}).status == UNMET
    any_role = leaf("has_any", ["机关事业单位人员", "村（社区）干部"], field="roles")
    assert evaluate(any_role, {"roles": frozenset({"村（社区）干部"})}).status == MET
    assert evaluate(any_role, {"roles": frozenset({"东川本土企业"})}).status == UNMET
    with pytest.raises(ValueError, match="^unknown operator about$"):
        evaluate(leaf("about", 1), {"age": 1})


def test_missing_fact_is_unknown_never_false():
    trace = evaluate(leaf("le", 40), {})
    assert trace.status == UNKNOWN and trace.leaves[0].actual is None and trace.leaves[0].gap is None
    assert trace.unknown() == trace.leaves and trace.failed() == [] and trace.met() == []


AGE = leaf("le", 35, id="age", label="35周岁及以下")
DEGREE = leaf("eq", "硕士", field="degree", id="degree", label="硕士研究生")
SERVICE = leaf("ge", 5, field="contract_years", id="service", label="服务期不少于5年")


def test_all_groups_fail_on_any_failed_leaf_and_report_only_those():
    tree = {"all": [AGE, DEGREE, SERVICE]}
    trace = evaluate(tree, {"age": 36, "degree": "硕士", "contract_years": 5})
    assert trace.status == UNMET and [x.id for x in trace.failed()] == ["age"]
    assert [x.id for x in trace.met()] == ["degree", "service"] and trace.unknown() == []
    trace = evaluate(tree, {"age": 36, "degree": "硕士"})
    assert trace.status == UNMET and [x.id for x in trace.failed()] == ["age"]  # a failure decides over an unknown
    trace = evaluate(tree, {"age": 30, "degree": "硕士"})
    assert trace.status == UNKNOWN and [x.id for x in trace.unknown()] == ["service"] and trace.failed() == []
    assert evaluate(tree, {"age": 35, "degree": "硕士", "contract_years": 5}).status == MET


def test_any_groups_meet_on_one_branch_and_fail_only_when_all_fail():
    tree = {"any": [AGE, DEGREE]}
    assert evaluate(tree, {"age": 50, "degree": "硕士"}).status == MET
    trace = evaluate(tree, {"age": 50, "degree": "博士"})
    assert trace.status == UNMET and [x.id for x in trace.failed()] == ["age", "degree"]
    trace = evaluate(tree, {"age": 50})
    assert trace.status == UNKNOWN and [x.id for x in trace.unknown()] == ["degree"]
    assert evaluate(tree, {"age": 30}).status == MET  # one met branch decides, the other may stay open


def test_a_failed_any_group_reports_the_person_s_own_branch_when_only_a_number_fails_it():
    # 男63周岁、女58周岁以下: a woman of 60 fails on her limit, not on being no man
    men = {"all": [leaf("eq", "男", "gender", "male"), leaf("le", 63, id="male-age")]}
    women = {"all": [leaf("eq", "女", "gender", "female"), leaf("le", 58, id="female-age")]}
    tree = {"any": [men, women]}
    assert [x.id for x in evaluate(tree, {"gender": "女", "age": 60}).failed()] == ["female-age"]
    assert [x.id for x in evaluate(tree, {"gender": "男", "age": 64}).failed()] == ["male-age"]
    # no branch of the person's own (sex not told): every branch's reason
    assert sorted(x.id for x in evaluate(tree, {"age": 70}).failed()) == ["female-age", "male-age"]


def test_a_failed_any_group_reports_the_number_the_person_missed_on_their_own_way_of_coming():
    # 全职 with a contract of 5 years, or 柔性 with more than 60 days a year: a 柔性 talent of 50 days misses on days
    full_time = {"all": [leaf("eq", "全职", "employment", "full"), leaf("ge", 5, "contract_years", "contract")]}
    flexible = {"all": [leaf("eq", "柔性", "employment", "flexible"), leaf("gt", 60, "days_per_year", "days")]}
    trace = evaluate({"any": [full_time, flexible]}, {"employment": "柔性", "days_per_year": 50})
    assert [(x.id, x.gap) for x in trace.failed()] == [("days", 11)]


def test_a_verdict_rests_on_every_part_of_an_all_group_and_on_the_deciding_branches_of_an_any_group():
    men = {"all": [leaf("eq", "男", "gender", "male"), leaf("le", 63, id="male-age")]}
    women = {"all": [leaf("eq", "女", "gender", "female"), leaf("le", 58, id="female-age")]}
    tree = {"all": [SERVICE, {"any": [men, women]}]}

    def basis(profile):
        return [x.id for x in evaluate(tree, profile).basis]

    assert basis({"gender": "男", "age": 58, "contract_years": 5}) == ["service", "male", "male-age"]
    assert basis({"gender": "女", "age": 63, "contract_years": 5}) == ["service", "female", "female-age"]
    assert basis({"gender": "男", "age": 58, "contract_years": 3}) == ["service", "male", "male-age"]
    # sex not told: both branches are still open, and both are what the verdict rests on
    assert basis({"age": 58}) == ["service", "male", "male-age", "female", "female-age"]


def test_an_all_group_reports_every_failed_part_beside_a_number_missed_in_one_of_them():
    # （九）: 退休名师、名校长, 男63周岁、女58周岁以下 — a serving teacher of 60, a woman, fails on both
    role = leaf("has_any", ["退休名师", "退休名校长"], "roles", "role")
    men = {"all": [leaf("eq", "男", "gender", "male"), leaf("le", 63, id="male-age")]}
    women = {"all": [leaf("eq", "女", "gender", "female"), leaf("le", 58, id="female-age")]}
    tree = {"all": [role, {"any": [men, women]}]}
    trace = evaluate(tree, {"roles": frozenset({"骨干教师"}), "gender": "女", "age": 60})
    assert [x.id for x in trace.failed()] == ["role", "female-age"]


def test_a_value_ruled_out_fails_a_leaf_only_when_nothing_else_could_meet_it():
    def ruled_out(node, field, values):
        return evaluate(node, {"_excluded": {field: values}}).status

    physician = leaf("has", "执业医师资格", field="certificates")
    assert ruled_out(physician, "certificates", ["执业医师资格"]) == UNMET  # 没有执业医师资格
    assert ruled_out(physician, "certificates", ["注册执业医师"]) == UNKNOWN  # not registered, may still hold it
    cadre = leaf("has_any", ["党政人才", "专业技术人才"], field="roles")
    assert ruled_out(cadre, "roles", ["党政人才"]) == UNKNOWN  # not a 党政人才, may be a 专业技术人才
    assert ruled_out(cadre, "roles", ["党政人才", "专业技术人才"]) == UNMET
    school = leaf("in", ["双一流", "部属师范"], field="school_tier")
    assert ruled_out(school, "school_tier", ["双一流"]) == UNKNOWN
    assert ruled_out(school, "school_tier", ["双一流", "部属师范"]) == UNMET
    assert ruled_out(leaf("ge", "副高级", field="title_level"), "title_level", ["副高级", "正高级"]) == UNMET


def test_a_role_that_may_also_be_the_wanted_one_is_to_be_confirmed_not_failed():
    # profile.yml may_also_be: a 事业单位 employee may also be a 专业技术人才; a 村医 is not said to be one
    technical = leaf("has", "专业技术人才", field="roles")
    assert evaluate(technical, {"roles": frozenset({"机关事业单位人员"})}).status == UNKNOWN
    assert evaluate(technical, {"roles": frozenset({"在岗乡村医生"})}).status == UNMET
    ruled_out = {"roles": frozenset({"机关事业单位人员"}), "_excluded": {"roles": ["专业技术人才"]}}
    assert evaluate(technical, ruled_out).status == UNMET
    cadre = leaf("has_any", ["党政人才", "专业技术人才"], field="roles")
    assert evaluate(cadre, {"roles": frozenset({"东川本土企业"})}).status == UNKNOWN
    assert evaluate(cadre, {"roles": frozenset({"退休名师"})}).status == UNMET


def test_nested_trees_report_the_deciding_leaves():
    tree = {"all": [SERVICE, {"any": [AGE, DEGREE]}]}
    trace = evaluate(tree, {"contract_years": 4, "age": 30})
    assert trace.status == UNMET and [x.id for x in trace.failed()] == ["service"]
    trace = evaluate(tree, {"contract_years": 5, "age": 40, "degree": "博士"})
    assert trace.status == UNMET and [x.id for x in trace.failed()] == ["age", "degree"]
    assert [x.id for x in trace.leaves] == ["service", "age", "degree"]


def test_overrides_force_a_leaf():
    tree = {"all": [AGE, SERVICE]}
    assert evaluate(tree, {"age": 36, "contract_years": 5}, {"age": MET}).status == MET
    assert evaluate(tree, {"age": 30, "contract_years": 5}, {"service": UNMET}).status == UNMET
    assert evaluate(tree, {"age": 30, "contract_years": 5}, {"service": UNKNOWN}).status == UNKNOWN


@pytest.mark.parametrize(
    "node, profile, said",
    [
        (AGE, {"age": 36}, "36岁，超过“35周岁及以下”1岁"),
        (SERVICE, {"contract_years": 3}, "3年，距“服务期不少于5年”还差2年"),
        (leaf("gt", 60, field="days_per_year", label="超过60天"), {"days_per_year": 60}, "60天，距“超过60天”还差1天"),
        (leaf("lt", 40, label="40周岁以下"), {"age": 40}, "40岁，超过“40周岁以下”1岁"),
        (AGE, {"age": 30}, "满足“35周岁及以下”"),
        (AGE, {}, "尚不清楚：年龄（周岁）（条件：“35周岁及以下”）"),
        (
            leaf("ge", "副高级", field="title_level", label="副高级及以上职称"),
            {"title_level": "初级"},
            "专业技术职称为初级，不满足“副高级及以上职称”（差2级）",
        ),
        (leaf("eq", True, field="full_time", label="全日制"), {"full_time": False}, "不满足“全日制”"),
        (DEGREE, {"degree": "本科"}, "最高学历为本科，不满足“硕士研究生”"),
        (
            leaf("has", "社会工作师中级", field="certificates", label="中级社工证"),
            {"certificates": frozenset({"b", "a"})},
            "已取得的证书或注册为a、b，不满足“中级社工证”",
        ),
        (
            leaf("has", "社会工作师中级", field="certificates", label="中级社工证"),
            {"certificates": frozenset()},
            "已取得的证书或注册为无，不满足“中级社工证”",
        ),
        # the person's own words on the fact, with the reason a word rules a value out, where it has one
        (
            leaf("has_any", ["乡镇基层医疗卫生机构卫生专业技术人员"], field="roles", label="乡镇基层医疗卫生机构"),
            {
                "roles": frozenset({"机关事业单位人员"}),
                "_excluded": {"roles": ["乡镇基层医疗卫生机构卫生专业技术人员"]},
                "_said": {"roles": {"words": "区人民医院", "reason": "区医院不是乡镇卫生院"}},
            },
            "您说的“区人民医院”（区医院不是乡镇卫生院），不满足“乡镇基层医疗卫生机构”",
        ),
        (AGE, {"age": 37, "_said": {"age": {"words": "今年37"}}}, "您说的“今年37”：37岁，超过“35周岁及以下”2岁"),
        (
            leaf("eq", True, field="full_time", label="全日制"),
            {"full_time": False, "_said": {"full_time": {"words": "不是全日制"}}},
            "您说的“不是全日制”，不满足“全日制”",
        ),
    ],
)
def test_explanations_in_the_texts_words(node, profile, said):
    assert evaluate(node, profile).leaves[0].explain() == said


@pytest.mark.parametrize(
    "node, actual, specificity",
    [
        (DEGREE, "硕士", 3),
        (leaf("in", ["双一流", "部属师范"], field="school_tier"), "双一流", 3),
        (leaf("has", "社会工作师中级", field="certificates"), frozenset({"社会工作师中级"}), 3),
        (leaf("has_any", ["党政人才"], field="roles"), frozenset({"党政人才"}), 3),
        (leaf("ge", "副高级", field="title_level"), "副高级", 2),
        (leaf("ge", "专科", field="degree"), "博士", 1),
        (AGE, 30, 2),
    ],
)
def test_specificity_of_a_met_leaf(node, actual, specificity):
    assert evaluate(node, {node["field"]: actual}).leaves[0].specificity() == specificity


def test_the_composer_names_every_status_a_condition_can_have():
    # the reply's conditions carry these as met / unmet / to_confirm (policy_kb/compose.STATUS, docs/reply.schema.json)
    from policy_kb.compose import STATUS

    assert set(STATUS) == {MET, UNMET, UNKNOWN}
