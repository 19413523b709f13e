"""Amounts as a reader of the text finds them, typed while reading policy_kb/source — never read back from the
knowledge base or computed by policy_kb.money — and the test's own reading of written amounts (25万元 → 250000).
Tests at every level (KB, engine, composer, actions) compare what they see with these."""

import re

# (clause, the groups in the order the text names them, the 分别 amounts as written, the items in the same order)
DISTRIBUTIVE = [
    (
        2,
        ["引进40周岁及以下全日制普通高校博士研究生", "引进35周岁及以下全日制硕士研究生", "大学本科紧缺人才"],
        "区级财政分别给予每人25万元、10万元、5万元生活补贴",
        ["c02-phd", "c02-master", "c02-bachelor"],
    ),
    (
        7,
        ["科技小院", "专家大院"],
        "每年分别配套工作经费20万元、10万元",
        ["c07-science-courtyard-funding", "c07-expert-compound-funding"],
    ),
    (
        10,
        ["具有中级或执业医师资格", "副高级及以上职称的卫生专业技术人员"],
        "分别给予每人每月1000元、1500元的生活补助",
        ["c10-township-health-intermediate", "c10-township-health-senior"],
    ),
    (
        10,
        ["注册为助理全科医师", "执业医师的在岗乡村医生"],
        "分别给予一次性5000元、8000元补助",
        ["c10-village-doctor-assistant-gp", "c10-village-doctor-physician"],
    ),
    (
        11,
        ["初级", "中级", "高级社会工作师证的人员"],
        "分别给予一次性2000元、4000元和6000元补助",
        ["c11-social-worker-junior", "c11-social-worker-intermediate", "c11-social-worker-senior"],
    ),
]

# Every item with money: (min, max) in yuan as the text states them (None where the text gives no bound), the rate
# per counted person where there is one, and the words of the text that state it.
TEXT_AMOUNTS = {
    "c01-full-time-high-level": ((None, 500000), None, "区级财政给予每人最高50万元的生活补贴"),
    "c01-flexible-talent": ((20000, 300000), None, "给予每人每年最低2万元，最高30万元补贴"),
    "c02-phd": ((250000, 250000), None, "每人25万元"),
    "c02-master": ((100000, 100000), None, "10万元"),
    "c02-bachelor": ((50000, 50000), None, "5万元生活补贴"),
    "c06-cadre-fund": ((300000, 300000), None, "区级财政安排初始资金30万元"),
    "c06-phd-double-certificate": ((30000, 30000), None, "对取得博士研究生学历、学位 “双证”的，给予3万元的一次性补助"),
    "c06-master-double-certificate": ((20000, 20000), None, "取得硕士研究生学历、学位“双证”的，给予2万元的一次性补助"),
    "c06-part-time-postgraduate": ((5000, 5000), None, "取得在职研究生学历的，给予0.5万元的一次性补助"),
    "c07-science-courtyard-funding": ((200000, 200000), None, "工作经费20万元"),
    "c07-expert-compound-funding": ((100000, 100000), None, "10万元"),
    "c07-demonstration-farm-leader": ((None, 300000), None, "给予最高30万元的一次性产业奖补资金"),
    "c07-labour-cooperative": ((None, 300000), 100, "按照100元/人标准，给予最高不超过30万元的一次性补助"),
    "c09-retired-famous-educators": ((None, 200000), None, "最高不超过20万元生活补贴/年/人"),
    "c10-township-health-intermediate": ((1000, 1000), None, "每人每月1000元"),
    "c10-township-health-senior": ((1500, 1500), None, "1500元"),
    "c10-village-doctor-assistant-gp": ((5000, 5000), None, "一次性5000元"),
    "c10-village-doctor-physician": ((8000, 8000), None, "8000元补助"),
    "c11-social-worker-junior": ((2000, 2000), None, "一次性2000元"),
    "c11-social-worker-intermediate": ((4000, 4000), None, "4000元"),
    "c11-social-worker-senior": ((6000, 6000), None, "6000元补助"),
    "c12-enterprise-research": ((None, 500000), None, "根据科研成果转化实绩给予最高50万元的一次性补助"),
    "c12-key-discipline": ((None, 500000), None, "最高给予50万元的经费补助"),
    "c14-talent-fund": ((5000000, None), None, "由区级财政每年至少统筹500万元予以保障"),
}


def in_yuan(written: str) -> int:
    """'25万元' → 250000, '0.5万元' → 5000, '1000元' → 1000 (the test's own reading, not policy_kb.money)."""
    number = written.removesuffix("元")
    if number.endswith("万"):
        whole, _, fraction = number[:-1].partition(".")
        return int(whole) * 10000 + (int(fraction.ljust(4, "0")) if fraction else 0)
    return int(number)


WRITTEN_AMOUNT = re.compile(r"\d+(?:\.\d+)?万?元")  # 50万元, 0.5万元, 1000元, 100元/人


def amounts_written_in(text: str) -> list[int]:
    return [in_yuan(m) for m in WRITTEN_AMOUNT.findall(text)]


def own_amounts(item_id):
    (low, high), rate, _ = TEXT_AMOUNTS[item_id]
    return {v for v in (low, high, rate) if v is not None}


def derived_amounts(item: dict) -> set:
    """The item's own amounts and what follows from them in its text: ×12 for a monthly amount (一年合计), the 20%
    yearly share where it is paid 每年按20%."""
    if item["id"] not in TEXT_AMOUNTS:
        return set()
    (low, high), rate, _ = TEXT_AMOUNTS[item["id"]]
    share = (item.get("payment") or {}).get("share")
    monthly = (item.get("amount") or {}).get("basis") == "per_month"
    return own_amounts(item["id"]) | ({high * 12} if monthly else set()) | ({round(high * share)} if share else set())
