"""Amounts and schedules in words, each expected value written as the text writes it (not computed by the code).

policy_kb.money captures the amounts of the text (MONEY_IN_TEXT, parse_money) and writes them back (yuan,
describe_amount); policy_kb.schedule says how they are paid. A wrong digit, unit or qualifier (最高/最低/至少) here
is a wrong amount in every answer.
"""

import pytest

from policy_kb.money import MONEY_IN_TEXT, describe_amount, parse_money, yuan
from policy_kb.schedule import schedule


@pytest.mark.parametrize(
    "written, value",
    [
        ("25万元", 250000),
        ("0.5万元", 5000),
        ("1000元", 1000),
        ("500万元", 5000000),
        ("100元", 100),
        ("1.2万元", 12000),
        ("0.05万元", 500),
    ],
)
def test_parse_money(written, value):
    (m,) = MONEY_IN_TEXT.finditer(written)
    assert m.group(0) == written
    assert parse_money(*m.groups()) == value


def test_money_in_text_finds_every_amount_of_a_fenbie_sentence_in_order():
    sentence = "对分别获得初级、中级、高级社会工作师证的人员分别给予一次性2000元、4000元和6000元补助"
    assert [parse_money(*m.groups()) for m in MONEY_IN_TEXT.finditer(sentence)] == [2000, 4000, 6000]
    assert [m.group(0) for m in MONEY_IN_TEXT.finditer("按照100元/人标准，给予最高不超过30万元")] == ["100元", "30万元"]
    assert not list(MONEY_IN_TEXT.finditer("每年选派不少于20名优秀年轻干部，30岁以下"))


@pytest.mark.parametrize(
    "value, written",
    [
        (250000, "25万元"),
        (10000, "1万元"),
        (12000, "1.2万元"),
        (18000, "1.8万元"),
        (9999, "9999元"),
        (5000, "5000元"),
        (1500, "1500元"),
        (100, "100元"),
        (5000000, "500万元"),
        (12345, "1.2345万元"),
        (299900, "29.99万元"),
    ],
)
def test_yuan_writes_amounts_as_the_text_does(value, written):
    assert yuan(value) == written


@pytest.mark.parametrize(
    "amount, beneficiary, said",
    [
        ({"min": 250000, "max": 250000, "basis": "per_person", "ceiling": False}, "person", "每人25万元"),
        ({"max": 500000, "basis": "per_person", "ceiling": True}, "person", "每人最高50万元"),
        (
            {"min": 20000, "max": 300000, "basis": "per_year", "ceiling": True, "floor": True},
            "person",
            "每人每年最低2万元、最高30万元",
        ),
        ({"max": 200000, "basis": "per_year", "ceiling": True}, "person", "每人每年最高20万元"),
        ({"min": 1500, "max": 1500, "basis": "per_month", "ceiling": False}, "person", "每人每月1500元"),
        ({"min": 4000, "max": 4000, "basis": "one_off", "ceiling": False}, "person", "一次性4000元"),
        ({"max": 300000, "basis": "one_off", "ceiling": True}, "person", "一次性最高30万元"),
        ({"max": 500000, "basis": "one_off", "ceiling": True}, "organisation", "一次性最高50万元"),
        ({"max": 500000, "basis": "per_person", "ceiling": True}, "organisation", "最高50万元"),
        (
            {"rate": 100, "rate_unit": "人", "max": 300000, "basis": "per_head", "ceiling": True},
            "organisation",
            "一次性100元/人，最高不超过30万元",
        ),
        ({"rate": 100, "basis": "per_head"}, "organisation", "一次性100元/人"),
        ({"rate": 100, "basis": "one_off"}, "organisation", "一次性100元/人"),
        ({"rate": 50, "rate_unit": "亩", "basis": "per_year"}, "person", "50元/亩"),
        ({"min": 300000, "max": 300000, "basis": "budget", "period": "initial"}, "administration", "初始30万元"),
        ({"min": 200000, "max": 200000, "basis": "budget", "period": "per_year"}, "administration", "每年20万元"),
        ({"min": 5000000, "basis": "budget", "period": "per_year", "floor": True}, "administration", "每年至少500万元"),
        ({"min": 20000, "basis": "per_year", "floor": True}, "person", "每人每年最低2万元"),
        (
            {"min": 20000, "max": 20000, "basis": "per_year", "floor": True, "ceiling": True},
            "person",
            "每人每年最高2万元",
        ),
        ({"max": 1000}, "person", "1000元"),  # no basis written: no 每人 invented
        ({"max": 1000, "basis": "per_decade"}, "person", "1000元"),
        ({"min": 300000, "max": 300000, "basis": "budget"}, "administration", "30万元"),  # a budget without a period
        (
            {"max": 300000, "basis": "per_head", "ceiling": True},
            "organisation",
            "按人数最高30万元",
        ),  # a head count, no rate
        ({"basis": "one_off"}, "person", ""),
        (None, "person", ""),
        ({}, "person", ""),
    ],
)
def test_describe_amount_keeps_the_texts_qualifiers(amount, beneficiary, said):
    assert describe_amount(amount, beneficiary) == said


def test_describe_amount_for_a_person_is_the_default():
    assert describe_amount({"min": 4000, "max": 4000, "basis": "per_person"}) == "每人4000元"


@pytest.mark.parametrize(
    "amount, payment, count, text, per_year, years, total",
    [
        # 第（二）条: 每人25万元 … 经考核合格每年按20%逐年发放
        (
            {"min": 250000, "max": 250000, "basis": "per_person"},
            {"rule": "yearly_share", "share": 0.2, "after_assessment": True},
            None,
            "经考核合格每年按20%逐年发放，即每年5万元，共5年",
            50000,
            5,
            250000,
        ),
        # 第（一）条: 每人最高50万元 … 经考核合格每年按20%逐年发放
        (
            {"max": 500000, "basis": "per_person", "ceiling": True},
            {"rule": "yearly_share", "share": 0.2, "after_assessment": True},
            None,
            "经考核合格每年按20%逐年发放，即每年最高10万元，共5年",
            100000,
            5,
            500000,
        ),
        (
            {"max": 100000, "basis": "per_person"},
            {"rule": "yearly_share", "share": 0.25},
            None,
            "每年按25%逐年发放，即每年2.5万元，共4年",
            25000,
            4,
            100000,
        ),
        # 第（十）条: 每人每月1500元
        (
            {"min": 1500, "max": 1500, "basis": "per_month"},
            {"rule": "monthly"},
            None,
            "按月发放，每月1500元，一年合计1.8万元",
            18000,
            None,
            None,
        ),
        (
            {"max": 1500, "basis": "per_month", "ceiling": True},
            None,
            None,
            "按月发放，每月最高1500元，一年合计最高1.8万元",
            18000,
            None,
            None,
        ),
        # 第（一）条 柔性: 每人每年最低2万元，最高30万元
        (
            {"min": 20000, "max": 300000, "basis": "per_year", "ceiling": True, "floor": True},
            {"rule": "yearly"},
            None,
            "按年给予，每年最低2万元、最高30万元",
            300000,
            None,
            None,
        ),
        # 第（九）条: 最高不超过20万元生活补贴/年/人
        (
            {"max": 200000, "basis": "per_year", "ceiling": True},
            None,
            None,
            "按年给予，每年最高20万元",
            200000,
            None,
            None,
        ),
        ({"min": 200000, "max": 200000, "basis": "per_year"}, None, None, "按年给予，每年20万元", 200000, None, None),
        # 第（七）条: 100元/人，最高不超过30万元
        (
            {"rate": 100, "max": 300000, "basis": "per_head", "ceiling": True},
            {"rule": "one_off"},
            10,
            "一次性补助：100元/人 × 10人 = 1000元（未超过最高30万元的上限）",
            None,
            None,
            1000,
        ),
        (
            {"rate": 100, "max": 300000, "basis": "per_head", "ceiling": True},
            {"rule": "one_off"},
            3001,
            "一次性补助：100元/人 × 3001人，超过“最高不超过30万元”的上限，按30万元计",
            None,
            None,
            300000,
        ),
        (
            {"rate": 100, "max": 300000, "basis": "per_head", "ceiling": True},
            {"rule": "one_off"},
            None,
            "一次性补助，按100元/人计算，最高不超过30万元",
            None,
            None,
            300000,
        ),
        ({"rate": 100, "basis": "per_head"}, None, 7, "一次性补助：100元/人 × 7人 = 700元", None, None, 700),
        # a rate on an amount that is not counted per head: the total is paid once, not multiplied
        (
            {"rate": 100, "max": 300000, "basis": "one_off"},
            {"rule": "one_off"},
            7,
            "一次性发放30万元",
            None,
            None,
            300000,
        ),
        ({"rate": 100, "basis": "per_head"}, None, None, "一次性补助，按100元/人计算", None, None, None),
        # 第（十一）条: 一次性4000元; 第（七）条 农场: 最高30万元的一次性
        (
            {"min": 4000, "max": 4000, "basis": "one_off"},
            {"rule": "one_off"},
            None,
            "一次性发放4000元",
            None,
            None,
            4000,
        ),
        ({"max": 300000, "basis": "one_off", "ceiling": True}, None, None, "一次性发放最高30万元", None, None, 300000),
        ({"min": 6000, "basis": "per_person"}, {"rule": "one_off"}, None, "一次性发放6000元", None, None, 6000),
        # 第（六）、（七）、（十四）条: budgets
        (
            {"min": 300000, "max": 300000, "basis": "budget", "period": "initial"},
            None,
            None,
            "安排经费30万元",
            None,
            None,
            None,
        ),
        (
            {"min": 5000000, "basis": "budget", "period": "per_year", "floor": True},
            None,
            None,
            "每年安排经费至少500万元",
            None,
            None,
            None,
        ),
        (
            {"max": 200000, "basis": "budget", "period": "per_year", "ceiling": True},
            None,
            None,
            "每年安排经费最高20万元",
            None,
            None,
            None,
        ),
        # 第（十二）条: 最高50万元 (a total, no schedule rule)
        ({"max": 500000, "basis": "per_person", "ceiling": True}, None, None, "最高50万元", None, None, 500000),
        (
            {"max": 500000, "basis": "per_person", "ceiling": True},
            {"after_assessment": True},
            None,
            "经考核合格最高50万元",
            None,
            None,
            500000,
        ),
    ],
)
def test_schedule(amount, payment, count, text, per_year, years, total):
    s = schedule(amount, payment, count)
    assert (s.text, s.per_year, s.years, s.total) == (text, per_year, years, total)


def test_no_schedule_without_money():
    assert schedule(None, {"rule": "one_off"}) is None
    assert schedule({"basis": "per_person"}, None) is None
    assert schedule({}, None) is None
