"""When unsure, out of scope, human handoff: the words may still say what is asked and what about
(actions/questions.py); only when they do not, the clauses a full-text search finds, as buttons (actions/suggest.py)."""

from __future__ import annotations

import os

from policy_kb import compose

from . import questions
from .base import SafeAction, entities_of, text_of, utter
from .suggest import is_mostly_latin, suggest


class Fallback(SafeAction):
    def name(self):
        return "action_fallback"

    def answer(self, dispatcher, tracker, domain):
        text, entities = text_of(tracker), entities_of(tracker)
        if text and not is_mostly_latin(text):
            reply, events = questions.answer(tracker, text, entities)
            if not reply and questions.asks_money_of_nothing(text, entities):
                reply = compose.overview_reply(payment="payment" in questions.aspects_of(entities))
            if reply:
                utter(dispatcher, reply)
                return events
        return suggest(dispatcher, tracker)


class OutOfScope(SafeAction):
    def name(self):
        return "action_out_of_scope"

    def answer(self, dispatcher, tracker, domain):
        text, entities = text_of(tracker), entities_of(tracker)
        if text and not is_mostly_latin(text) and questions.speaks_of_the_text(text, entities):
            reply, events = questions.answer(tracker, text, entities)
            if reply:
                utter(dispatcher, reply)
                return events
        prefix = "请用中文提问。" if is_mostly_latin(text) else "抱歉，这个问题不在本助手的范围内。"
        dispatcher.utter_message(text=prefix + compose.scope_text() + "\n" + handoff_text())
        return []


class HumanHandoff(SafeAction):
    def name(self):
        return "action_human_handoff"

    def answer(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=handoff_text())
        return []


def handoff_text() -> str:
    """The human channel: HUMAN_HANDOFF_CONTACT when configured, else the units the policy names."""
    return compose.handoff_text(os.environ.get("HUMAN_HANDOFF_CONTACT", "").strip())
