"""'您是想问…': when nothing in the message names an item or a sentence of the text, the 2–3 best clauses by
full-text search, as buttons; never an invented answer."""

from __future__ import annotations

import re

from policy_kb import compose

from .base import entities_of, text_of, utter
from .kb import kb
from .questions import understood


def is_mostly_latin(text: str) -> bool:
    letters = re.findall(r"[A-Za-z]", text)
    han = re.findall(r"[\u4e00-\u9fff]", text)
    return len(letters) > 3 * max(1, len(han))


def suggest(dispatcher, tracker) -> list:
    text = text_of(tracker)
    if not text:
        utter(dispatcher, compose.text_reply("fallback", compose.NOTHING_TYPED + compose.EXAMPLE))
        return []
    if is_mostly_latin(text):
        utter(dispatcher, compose.text_reply("fallback", compose.ASK_IN_CHINESE + compose.EXAMPLE))
        return []
    hits = kb().search(text, limit=3)
    if not hits:
        utter(dispatcher, compose.text_reply("fallback", compose.NOTHING_FOUND + compose.scope_text()))
        return []
    said = understood(entities_of(tracker)) or "抱歉，我不太确定您的意思。"
    reply = compose.text_reply("fallback", f"{said}您是想问以下哪一条？", [h.clause.number for h in hits])
    reply.next_questions = compose.suggestions(hits)
    utter(dispatcher, reply)
    return []
