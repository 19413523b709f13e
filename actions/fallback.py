"""When unsure: suggest the best clauses as buttons; out of scope; human handoff; English."""

from __future__ import annotations

import os
import re

from policy_kb.load import load_policy

from .base import SafeAction, text_of
from .kb import kb

EXAMPLE = "例如：博士能拿多少补贴、第九条原文、区卫生健康局负责哪些条款、我34岁，全日制硕士。"
SCOPE = f"我只解答东川区人才政策（{{doc}}）的问题：补贴金额、申请条件、发放方式、责任单位和条款原文，也可以帮您自查、预填申请表。{EXAMPLE}"


def scope_text() -> str:
    return SCOPE.format(doc=load_policy().document["doc_number"])


def is_mostly_latin(text: str) -> bool:
    letters = re.findall(r"[A-Za-z]", text)
    han = re.findall(r"[\u4e00-\u9fff]", text)
    return len(letters) > 3 * max(1, len(han))


def suggest(dispatcher, tracker) -> list:
    """'您是想问…': the 2–3 best clauses by full-text search, as buttons; never an invented answer. Reached only
    when nothing in the message names an item or a sentence of the text (actions/questions.py answers those)."""
    text = text_of(tracker)
    if not text:
        dispatcher.utter_message(text=f"您好像没有输入内容。{EXAMPLE}")
        return []
    if is_mostly_latin(text):
        dispatcher.utter_message(text=f"请用中文提问。{EXAMPLE}")
        return []
    hits = kb().search(text, limit=3)
    if not hits:
        dispatcher.utter_message(text=f"抱歉，没有在政策中找到相关内容。{scope_text()}")
        return []
    buttons = [{"title": f"{h.clause.citation} {h.clause.title}", "payload": f"{h.clause.citation}原文"} for h in hits]
    from .base import entities_of
    from .questions import understood

    said = understood(entities_of(tracker)) or "抱歉，我不太确定您的意思。"
    dispatcher.utter_message(text=f"{said}您是想问以下哪一条？", buttons=buttons)
    return []


class Fallback(SafeAction):
    """The classifier was unsure: the words may still say what is asked and what about (actions/questions.py);
    only when they do not, the clauses a full-text search finds, as buttons."""

    def name(self):
        return "action_fallback"

    def answer(self, dispatcher, tracker, domain):
        from . import questions
        from .base import entities_of

        text = text_of(tracker)
        if text and not is_mostly_latin(text):
            reply, events = questions.answer(tracker, text, entities_of(tracker))
            if not reply and questions.asks_money_of_nothing(text, entities_of(tracker)):
                from .compose import overview_reply

                reply = overview_reply(payment="payment" in questions.aspects_of(entities_of(tracker)))
            if reply:
                dispatcher.utter_message(text=reply)
                return events
        return suggest(dispatcher, tracker)


class OutOfScope(SafeAction):
    def name(self):
        return "action_out_of_scope"

    def answer(self, dispatcher, tracker, domain):
        from . import questions
        from .base import entities_of

        text = text_of(tracker)
        if text and not is_mostly_latin(text) and questions.speaks_of_the_text(text, entities_of(tracker)):
            reply, events = questions.answer(tracker, text, entities_of(tracker))
            if reply:
                dispatcher.utter_message(text=reply)
                return events
        prefix = "请用中文提问。" if is_mostly_latin(text) else "抱歉，这个问题不在本助手的范围内。"
        dispatcher.utter_message(text=prefix + scope_text() + "\n" + handoff_text())
        return []


def handoff_text() -> str:
    """The human channel: configured by HUMAN_HANDOFF_CONTACT; otherwise the units the policy names."""
    contact = os.environ.get("HUMAN_HANDOFF_CONTACT", "").strip()
    if contact:
        return f"人工服务：{contact}"
    from .kb import silence

    return f"人工服务：请联系您所问条款的责任单位。{silence('procedure')}（第（十四）条）"


class HumanHandoff(SafeAction):
    def name(self):
        return "action_human_handoff"

    def answer(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=handoff_text())
        return []
