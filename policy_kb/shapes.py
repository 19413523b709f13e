"""Text shapes: how numbers, clause references, negations and ages are written. One module, read by the KB
(clause references, bare answers), the NLU (regex features, spaCy token patterns, value parsing) and the actions.

Shapes are not facts: what a clause says lives in policy_kb/data. The clause count comes from the clauses there,
the plausible age from profile.yml.
"""

from __future__ import annotations

import re

from .load import CLAUSE_LABELS, load_policy

# Chinese numerals
CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUM_CHARS = CN_DIGITS + "十百千万亿"
CN_SMALL = "一二三四五六七八九十"  # the numerals of a clause number (一 … 十四)
NUM = rf"(?:\d+(?:\.\d+)?|[{CN_NUM_CHARS}]+)"
NUM_WITH_WAN = rf"(?:\d+(?:\.\d+)?[万千]?|[{CN_NUM_CHARS}]+)"
CLAUSE_NUMERAL = rf"(?:\d{{1,2}}|[{CN_SMALL}]{{1,3}})"

# Units written after a number, by entity type (the order is the order of the alternation: longest first)
AGE_UNITS = ("周岁", "岁")
YEAR_UNITS = ("个年头", "年")
DAY_UNITS = ("天", "日")
AMOUNT_UNITS = ("万元", "万块", "万", "千元", "千块", "元", "块钱", "块")

# Words that deny what follows them (不是双一流, 没有执业医师资格, 非全日制), longest first.
NEGATIONS = ("不是", "并非", "不算", "没有", "没能", "未能", "尚未", "还没", "没", "不", "非", "未", "无")


def clause_count() -> int:
    """How many clauses the document has (policy_kb/data/clauses)."""
    return len(load_policy().clauses)


def clause_numbers() -> range:
    return range(1, clause_count() + 1)


def clause_forms(number: int) -> list[str]:
    """Surface forms of a reference to clause `number`: 第（九）条, 第(九)条, 第九条, 第9条, （九）, 条款九, 条款9."""
    cn = CLAUSE_LABELS[number - 1]
    return [f"第（{cn}）条", f"第({cn})条", f"第{cn}条", f"第{number}条", f"（{cn}）", f"条款{cn}", f"条款{number}"]


CLAUSE_REGEXES = [
    rf"第\s*[（(]?\s*{CLAUSE_NUMERAL}\s*[）)]?\s*条",
    rf"[（(](?:[{CN_SMALL}]{{1,3}})[）)]",
    rf"条款\s*{CLAUSE_NUMERAL}",
]

# Regexes of the values the rules extract, by entity type (regex features of the NLU, its value parser)
NUMERIC_REGEXES: dict[str, list[str]] = {
    "clause": CLAUSE_REGEXES,
    "age": [rf"{NUM}\s*周?岁"],
    "years": [rf"{NUM}\s*(?:年|个年头)(?!\d)"],
    "days": [rf"{NUM}\s*(?:天|日)"],
    "amount": [rf"{NUM_WITH_WAN}\s*(?:{'|'.join(AMOUNT_UNITS)})"],
    "phone": [r"(?<!\d)1[3-9]\d{9}(?!\d)"],
    "id_number": [r"(?<![\dXx])\d{17}[\dXx](?![\dXx])"],
}
NUMERIC_TYPES = ["age", "years", "days", "amount", "clause", "phone", "id_number"]

# A number with no unit is taken as an age only from this age on (今年32, a bare “36” answering the age question);
# below it, a bare number is more likely a count or a clause.
BARE_AGE_MIN = 16


def value_limits() -> dict[str, tuple[int, int]]:
    """The plausible range of each number the NLU reads; larger or smaller input is not taken as that value."""
    fields = load_policy().profile
    return {
        "age": (1, fields["age"]["max"]),
        "years": (1, fields["contract_years"].get("max", 60)),
        "days": (1, fields["days_per_year"]["max"]),
        "amount": (1, 10_000_000_000),
        "clause": (1, clause_count()),
    }


def age_max() -> int:
    return load_policy().profile["age"]["max"]


# “是不是双一流” asks, it does not deny; 无论/不论 concede.
NOT_NEGATIONS = ("是不是", "有没有", "无论", "不论", "不管", "非常", "不仅", "不少", "不满", "未满")


def negated_before(text: str, start: int, window: int = 4) -> str | None:
    """The negation word in the `window` characters before `start`, within the same clause, or None:
    不是双一流, 没有执业医师资格, 还没有评上副高."""
    before = re.split(r"[，,。；;！!？?、]", text[max(0, start - window - 3) : start])[-1]
    for word in NOT_NEGATIONS:
        before = before.replace(word, " " * len(word))
    before = before[-window:]
    return next((word for word in NEGATIONS if word in before), None)
