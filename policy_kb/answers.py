"""Read a bare answer to a self-check question ("36", "三十六岁", "是的", "不是全日制", "全职") as a profile value.

The text is the NLU's (normalized once, by the NLU); the entities the NLU found in it are read by the caller first
(policy_kb.topics.facts_from_entities): what is left here is the answer's own shape — a number, a yes or a no, one
of the question's choices written out."""

from __future__ import annotations

import re

import cn2an

from .profile import ProfileError, coerce, fields
from .shapes import NEGATIONS

NO = re.compile("|".join((*NEGATIONS, "否")))
YES = re.compile(r"是|对|有|签|会|嗯|好|yes|y$", re.I)
UNKNOWN = re.compile(r"不知道|不清楚|不确定|跳过|不好说|没想好")
# A yes or a no answers the question when the answer opens with it (“是的，签了5年”, “我有”, “没有”) or is
# the whole of a short answer; deeper in a sentence it belongs to something else (“合同签了5年” asked about
# research results says nothing of them).
YES_NO_OPENS_WITHIN = 2
SHORT_ANSWER = 4


def _number(text: str):
    try:
        text = cn2an.transform(text, "cn2an")
    except (ValueError, KeyError, IndexError):
        pass
    m = re.search(r"\d+(?:\.\d+)?", text)
    return m.group(0) if m else None


def _yes_or_no(text: str) -> bool | None:
    answer = text.strip(" ，,。.!！？?、")
    for pattern, value in ((NO, False), (YES, True)):
        m = pattern.search(answer)
        if m and (m.start() < YES_NO_OPENS_WITHIN or len(answer) <= SHORT_ANSWER):
            return value
    return None


def is_unknown(text: str) -> bool:
    return bool(UNKNOWN.search(text))


def parse_answer(field: str, text: str):
    """The value of `field` in a short answer, or None when the text does not give one."""
    spec = fields()[field]
    kind = spec["type"]
    if not text or is_unknown(text):
        return None
    try:
        if kind in ("int", "number"):
            number = _number(text)
            return coerce(field, number) if number is not None else None
        if kind == "bool":
            return _yes_or_no(text)
        found = [v for v in sorted(spec["values"], key=len, reverse=True) if v in text]
        if kind == "set":
            return coerce(field, found) if found else None
        return coerce(field, found[0]) if found else None
    except ProfileError:
        return None
