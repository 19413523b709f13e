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
        said = compose.out_of_scope_text(is_mostly_latin(text), handoff_text())
        utter(dispatcher, compose.text_reply("out_of_scope", said))
        return []


class HumanHandoff(SafeAction):
    def name(self):
        return "action_human_handoff"

    def answer(self, dispatcher, tracker, domain):
        utter(dispatcher, compose.text_reply("human_handoff", handoff_text()))
        return []


def handoff_text() -> str:
    """The human channel: HUMAN_HANDOFF_CONTACT when configured, else the units the policy names."""
    return compose.handoff_text(os.environ.get("HUMAN_HANDOFF_CONTACT", "").strip())
