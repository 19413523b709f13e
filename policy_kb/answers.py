"""Read a bare answer to a self-check question ("36", "三十六岁", "是的", "不是全日制", "副高") as a profile value."""

from __future__ import annotations

import re

import cn2an

from .normalize import normalize
from .profile import ProfileError, coerce, fields
from .topics import entities_in, facts_from_entities

NO = re.compile(r"不是|不|没有|没|否|无|非")
YES = re.compile(r"是|对|有|签|会|嗯|好|yes|y$", re.I)
UNKNOWN = re.compile(r"不知道|不清楚|不确定|跳过|不好说|没想好")


def _number(text: str):
    try:
        text = cn2an.transform(text, "cn2an")
    except (ValueError, KeyError, IndexError):
        pass
    m = re.search(r"\d+(?:\.\d+)?", text)
    return m.group(0) if m else None


def is_unknown(text: str) -> bool:
    return bool(UNKNOWN.search(normalize(text)))


def parse_answer(field: str, text: str):
    """The value of `field` in a short answer, or None when the text does not give one."""
    text = normalize(text)
    spec = fields()[field]
    kind = spec["type"]
    if not text or is_unknown(text):
        return None
    try:
        if kind in ("int", "number"):
            number = _number(text)
            return coerce(field, number) if number is not None else None
        if kind == "bool":
            if NO.search(text):
                return False
            return True if YES.search(text) else None
        facts = facts_from_entities(entities_in(text))
        if field in facts:
            return coerce(field, facts[field])
        found = [v for v in sorted(spec["values"], key=len, reverse=True) if v in text]
        if kind == "set":
            return coerce(field, found) if found else None
        return coerce(field, found[0]) if found else None
    except ProfileError:
        return None
