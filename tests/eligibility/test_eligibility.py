"""The engine's report around the verdicts: what is shown first, what is a near miss and what it would bring, which
question comes next, and the facts every result carries (payer, units, discretion) — as the clause text says them."""

from policy_kb.eligibility import ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED, VERDICT_LABELS, assess
from tests.citations import CITATIONS

PHD = {"age": 33, "degree": "博士", "full_time": True, "public_institution_post": True, "contract_years": 5}


def test_verdict_labels():
    assert VERDICT_LABELS == {ELIGIBLE: "符合", NOT_ELIGIBLE: "不符合", UNDETERMINED: "尚需确认"}


def test_a_result_carries_the_clauses_facts():
    r = assess(PHD).result("c02-phd")
    assert (r.verdict, r.clause, r.citation, r.name) == (ELIGIBLE, 2, CITATIONS[2], "全日制博士研究生生活补贴")
    assert r.amount_text == "每人25万元" and r.amount_max == 250000
    assert r.payer == "区级财政" and r.payer_note is None
    assert r.units == ["区人社局", "区委编委办", "区教育体育局", "区卫生健康局"]  # （责任单位：…） of 第（二）条
    assert [d["flag"] for d in r.discretion] == ["经考核合格"]
    assert r.ambiguities and r.target_quote == "引进40周岁及以下全日制普通高校博士研究生"
    assert (r.schedule.per_year, r.schedule.years, r.schedule.total) == (50000, 5, 250000)
    assert [leaf.id for leaf in r.met] == ["age", "degree", "full-time", "post", "service"]
    assert r.failed == [] and r.missing == [] and r.near_misses == []


def test_payer_note_where_the_text_names_no_payer():
    r = assess({"roles": ["村（社区）干部"], "certificates": ["社会工作师中级"]}).result(
        "c11-social-worker-intermediate"
    )
    assert r.payer is None and "原文未写明" in r.payer_note


def test_eligible_first_then_open_then_not_and_more_met_first():
    report = assess({**PHD, "employment": "柔性", "days_per_year": 100})
    order = [r.verdict for r in report.results]
    assert order == sorted(order, key=[ELIGIBLE, UNDETERMINED, NOT_ELIGIBLE].index)
    eligible = report.by_verdict(ELIGIBLE)
    assert [r.item_id for r in eligible] == ["c02-phd", "c01-flexible-talent"]  # 5 conditions met before 3
    assert all(r.verdict == ELIGIBLE for r in eligible)
    assert report.by_verdict(NOT_ELIGIBLE) and report.by_verdict(UNDETERMINED)


def test_two_eligible_items_bring_the_note_that_the_text_is_silent_on_combining():
    both = assess({**PHD, "employment": "柔性", "days_per_year": 100})
    assert both.notes == ["原文未写明不同条款的待遇能否同时享受（叠加）。"]
    assert assess(PHD).notes == []
    assert assess({}).notes == []


def test_near_miss_says_what_meeting_the_condition_would_bring():
    r = assess({**PHD, "contract_years": 4}).result("c02-phd")
    assert [m.text for m in r.near_misses] == [
        "若满足“签订在东川区工作服务期不少于5年（含试用期）的服务协议”，可享受每人25万元（第（二）条）"
    ]
    assert r.near_misses[0].leaf.id == "service"


def test_no_near_miss_on_a_fact_one_cannot_change_or_when_another_condition_still_fails():
    assert assess({**PHD, "age": 41}).result("c02-phd").near_misses == []  # age cannot be changed
    r = assess({**PHD, "age": 41, "contract_years": 4}).result("c02-phd")
    assert sorted(leaf.id for leaf in r.failed) == ["age", "service"] and r.near_misses == []
    r = assess(
        {"employment": "柔性", "degree": "硕士", "title_level": "中级", "skill_level": "技师", "days_per_year": 100}
    ).result("c01-flexible-talent")
    assert sorted(m.leaf.id for m in r.near_misses) == ["skill", "title"]  # degree is not a changeable fact here
    assert all(m.text.endswith("，可享受每人每年最低2万元、最高30万元（第（一）条）") for m in r.near_misses)


def test_a_near_miss_of_an_item_without_money_names_no_amount():
    r = assess({"backbone_teacher_level": "县级"}).result("c09-backbone-teacher-award")
    assert r.verdict == NOT_ELIGIBLE and r.amount_text == ""
    for m in r.near_misses:
        assert "可享受" not in m.text and m.text.endswith(f"（{CITATIONS[9]}）")


def test_undetermined_items_name_their_open_facts():
    r = assess({"degree": "博士"}).result("c02-phd")
    assert r.verdict == UNDETERMINED
    assert {leaf.field for leaf in r.missing} == {"age", "full_time", "public_institution_post", "contract_years"}
    assert r.failed == [] and r.near_misses == []


def test_next_question_is_the_fact_that_decides_most_of_the_items_the_person_spoke_to():
    # 博士: 第（一）条 柔性 waits on employment and days (½ each), 第（二）条 on four facts (¼ each);
    # employment comes before days_per_year in profile.yml
    report = assess({"degree": "博士"})
    assert report.next_field == "employment"
    assert report.next_question == "您是全职来东川工作，还是以兼职挂职、项目合作、科技服务等柔性方式？"
    assert assess({"degree": "博士"}, skip=["employment"]).next_field == "days_per_year"
    assert assess({"degree": "博士"}, skip=["employment", "days_per_year"]).next_field == "age"
    full = assess({**PHD, "employment": "全职"})
    assert full.result("c02-phd").verdict == ELIGIBLE


def test_with_nothing_known_the_first_question_is_the_most_deciding_fact():
    report = assess({})
    assert all(r.verdict == UNDETERMINED for r in report.results)
    assert report.next_field == "roles" and report.next_question.startswith("请问您目前的身份或岗位是什么")


def test_no_question_when_nothing_is_open():
    report = assess(PHD, item_ids=["c02-phd"])
    assert [r.item_id for r in report.results] == ["c02-phd"]
    assert report.next_field is None and report.next_question is None


def test_relevance_shows_a_near_age_limit_but_hides_items_for_another_group():
    over_age = assess({"age": 36, "degree": "硕士"})
    assert over_age.result("c02-master").relevant  # the 35-year limit is news to a 36-year-old 硕士
    assert not assess({"age": 30, "degree": "博士"}).result("c02-master").relevant  # an item for 硕士 is noise
    assert assess(PHD).result("c02-phd").relevant
    assert not assess({"age": 30}).result("c02-phd").relevant  # only a generic fact met
    assert assess({"degree": "博士"}).result("c02-phd").relevant


def test_a_degree_below_a_threshold_is_news_but_a_degree_of_another_tier_is_not():
    # “年龄在40周岁及以下大学本科以上学历的机关、事业单位人员” (第（三）条): a 大专 is told why not
    r = assess({"degree": "专科", "roles": ["机关事业单位人员"], "age": 30}).result("c03-yan-gui-green-channel")
    assert r.verdict == NOT_ELIGIBLE and [leaf.id for leaf in r.failed] == ["degree"] and r.relevant
    # “引进35周岁及以下全日制硕士研究生”: a 本科 is no 硕士 of another age; the 硕士 item is someone else's
    assert not assess({"degree": "本科", "age": 30}).result("c02-master").relevant


def test_what_the_person_said_against_a_condition_makes_the_item_theirs_to_hear_about():
    from policy_kb.statements import facts_by_person, mark
    from policy_kb.topics import facts_from_entities

    # “没有执业医师资格”: the words rule the certificate out; the item is shown with them, not hidden
    text = "我在乡镇卫生院当临床大夫，没有执业医师资格，也没有中级职称"
    entities = [
        {"entity": entity, "value": value, "start": text.index(word), "end": text.index(word) + len(word)}
        for entity, value, word in (
            ("role", "乡镇基层医疗卫生机构卫生专业技术人员", "乡镇卫生院"),
            ("certificate", "执业医师", "执业医师资格"),
            ("title", "中级", "中级"),
        )
    ]
    [(_person, facts)] = facts_by_person(text, mark(text, entities), facts_from_entities)
    r = assess(facts).result("c10-township-health-intermediate")
    assert r.verdict == NOT_ELIGIBLE and r.relevant
    assert any("没有执业医师资格" in leaf.explain() for leaf in r.failed)


def test_the_labour_cooperative_schedule_counts_the_people_moved():
    r = assess({"roles": ["劳务合作社"], "transferred_workers": 20}).result("c07-labour-cooperative")
    assert (
        r.schedule.text == "一次性补助：100元/人 × 20人 = 2000元（未超过最高30万元的上限）" and r.schedule.total == 2000
    )


def test_an_item_for_another_group_is_not_shown_even_when_other_facts_match():
    """Failing a fact that says whom the item is for (degree, role, employment, study result) hides it, although a
    specific fact (在编, a certificate, a degree) is met."""
    assert (
        not assess({"degree": "博士", "full_time": True, "public_institution_post": True}).result("c02-master").relevant
    )  # degree: for 硕士
    assert (
        not assess({"roles": ["东川本土企业"], "certificates": ["社会工作师高级"]})
        .result("c11-social-worker-senior")
        .relevant
    )  # roles: for 机关事业单位人员、村干部
    assert (
        not assess({"employment": "全职", "degree": "博士", "days_per_year": 100})
        .result("c01-flexible-talent")
        .relevant
    )  # employment: for 柔性
    assert (
        not assess({"roles": ["党政人才"], "study_result": "硕士双证"}).result("c06-phd-double-certificate").relevant
    )  # study result: for 博士双证
    # the same specific facts, with the group fact open or met, are shown
    assert assess({"full_time": True, "public_institution_post": True}).result("c02-master").relevant
    assert assess({"roles": ["党政人才"]}).result("c06-phd-double-certificate").relevant


def test_a_generic_fact_alone_does_not_make_an_item_the_persons_concern():
    for profile, item_id in (
        ({"gender": "男"}, "c09-retired-famous-educators"),
        ({"full_time": True}, "c02-phd"),
        ({"contract_years": 5}, "c02-phd"),
        ({"days_per_year": 100}, "c01-flexible-talent"),
        ({"age": 30}, "c03-yan-gui-green-channel"),
    ):
        r = assess(profile).result(item_id)
        assert r.verdict == UNDETERMINED and r.met and not r.relevant, (profile, item_id)


def test_near_miss_text_of_a_clause_numbered_ten_and_above():
    r = assess({"roles": ["乡镇基层医疗卫生机构卫生专业技术人员"], "title_level": "中级"}).result(
        "c10-township-health-senior"
    )
    assert [m.text for m in r.near_misses] == ["若满足“副高级及以上职称”，可享受每人每月1500元（第（十）条）"]


def test_an_organisations_amount_says_no_每人():
    report = assess({"key_discipline_level": "省级", "roles": ["东川本土企业"], "research_result": True})
    assert report.result("c12-key-discipline").amount_text == "最高50万元"
    assert report.result("c12-enterprise-research").amount_text == "一次性最高50万元"


def test_a_near_miss_is_told_only_when_that_fact_alone_would_change_the_verdict():
    """any[all[职称, 证书], 技能]: fixing 职称 alone or 证书 alone changes nothing; fixing 技能 does — and a later
    fact is still considered after an earlier one that would not suffice."""
    from policy_kb.conditions import evaluate
    from policy_kb.eligibility import _near_misses

    tree = {
        "any": [
            {
                "all": [
                    {
                        "id": "title",
                        "field": "title_level",
                        "op": "ge",
                        "value": "中级",
                        "label": "中级职称",
                        "quote": "q",
                    },
                    {
                        "id": "cert",
                        "field": "certificates",
                        "op": "has",
                        "value": "执业医师资格",
                        "label": "执业医师资格",
                        "quote": "q",
                    },
                ]
            },
            {"id": "skill", "field": "skill_level", "op": "ge", "value": "高级技师", "label": "高级技师", "quote": "q"},
        ]
    }
    item = {"id": "c10-made-up", "clause": 10, "conditions": tree}
    profile = {"title_level": "初级", "certificates": frozenset(), "skill_level": "技师"}
    trace = evaluate(tree, profile)
    assert [leaf.id for leaf in trace.failed()] == ["title", "cert", "skill"]
    misses = _near_misses(item, trace, profile, "")
    assert [(m.leaf.id, m.text) for m in misses] == [("skill", "若满足“高级技师”（第（十）条）")]


def test_an_eligible_item_comes_before_an_open_one_that_meets_more():
    report = assess(
        {
            "employment": "柔性",
            "degree": "博士",
            "days_per_year": 100,
            "age": 33,
            "full_time": True,
            "public_institution_post": True,
        }
    )
    flexible, phd = report.result("c01-flexible-talent"), report.result("c02-phd")
    assert flexible.verdict == ELIGIBLE and phd.verdict == UNDETERMINED and len(phd.met) > len(flexible.met)
    ids = [r.item_id for r in report.results]
    assert ids.index("c01-flexible-talent") < ids.index("c02-phd")


def test_a_reading_names_the_clause_the_persons_fact_and_the_terms_definition_and_source():
    import yaml

    from policy_kb.paths import DATA

    terms = {t["term"]: t for t in yaml.safe_load((DATA / "terms.yml").read_text(encoding="utf-8"))}
    boundary = terms["以上、以下"]
    r = assess({"roles": ["退休名校长"], "gender": "男", "age": 63}).result("c09-retired-famous-educators")
    [note] = r.readings
    lead = f"{CITATIONS[9]}“男63周岁以下（含63周岁）”：63岁正在界限上，按“以上、以下”的口径："
    assert note.startswith(lead + boundary["definition"] + "（")
    assert boundary["source"].endswith("。") and note.endswith(f"（{boundary['source'][:-1]}；术语口径见 terms.yml）")
