"""Clause references in every common form: 第九条, 第9条, （九）, (九), 九, 第（九）条, 9, 第十四条, 条款九."""
from __future__ import annotations

import re

from .load import CLAUSE_LABELS
from .normalize import normalize

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


def parse_clause_ref(text: str) -> int | None:
    """The clause number (1..14) the text refers to, or None."""
    text = normalize(text)
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if m:
            return _value(m.group(1))
    return None
