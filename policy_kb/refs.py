"""Clause references in every common form: 第九条, 第9条, （九）, (九), 九, 第（九）条, 9, 第十四条, 条款九."""

from __future__ import annotations

import re

from .load import CLAUSE_LABELS
from .normalize import normalize
from .shapes import CN_SMALL

_CN = "|".join(sorted(CLAUSE_LABELS, key=len, reverse=True))
_PATTERNS = [
    re.compile(rf"第\s*[（(]?\s*({_CN}|\d{{1,2}})\s*[）)]?\s*条"),
    re.compile(rf"[（(]\s*({_CN}|\d{{1,2}})\s*[）)]"),
    re.compile(rf"条款?\s*({_CN}|\d{{1,2}})"),
    re.compile(rf"^\s*({_CN}|\d{{1,2}})\s*(?:条)?\s*$"),
]


def _value(token: str) -> int | None:
    n = int(token) if token.isdigit() else CLAUSE_LABELS.index(token) + 1
    return n if 1 <= n <= len(CLAUSE_LABELS) else None


# "十条和十一条": a bare number before 条, but not 哪条/几条/一条消息 (the preceding character is not a number word)
_BARE = re.compile(rf"(?<![哪几每这那{CN_SMALL}第两\d])(?!一条)({_CN}|\d{{1,2}})\s*条(?!件|例|款)")


def parse_clause_refs(text: str) -> list[int]:
    """Every clause number (1..clause count) the text refers to, in order of appearance, without repeats."""
    text = normalize(text)
    found: list[tuple[int, int, int]] = []
    for pattern in [*_PATTERNS[:3], _BARE]:
        for m in pattern.finditer(text):
            value = _value(m.group(1))
            if value is not None and not any(start <= m.start() < end for start, end, _ in found):
                found.append((m.start(), m.end(), value))
    return list(dict.fromkeys(v for _, _, v in sorted(found)))


def parse_clause_ref(text: str) -> int | None:
    """The clause number (1..clause count) the text refers to, or None."""
    text = normalize(text)
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m:
            return _value(m.group(1))
    return None
