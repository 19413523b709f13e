"""What every action shares: a safe run (a clear reply instead of silence), the message, its entities, the topic."""

from __future__ import annotations

import abc
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from policy_kb.normalize import normalize
from policy_kb.topics import entities_in

logger = logging.getLogger(__name__)
ERROR_REPLY = "抱歉，系统处理这条消息时出错了，请稍后再试，或换个说法。"


# Intents that, while a form is open, are answers to its question ("是的", "张三", "13800138000", "我说错了").
FORM_ANSWER_INTENTS = {
    "inform",
    "correct",
    "affirm",
    "deny",
    "chitchat",
    "out_of_scope",
    "nlu_fallback",
    "follow_up",
    "self_check",
    "apply",
}


def open_form(tracker: Tracker) -> str | None:
    """The action of the form waiting for an answer: the application form first, then the self-check."""
    if tracker.get_slot("apply_field"):
        return "action_apply"
    if tracker.get_slot("requested_field"):
        return "action_self_check"
    return None


class SafeAction(Action):
    """Subclasses implement `answer`; an unexpected error becomes a polite reply and a log line without the text.
    While a form waits for an answer, a message that reads as one goes to that form, whatever action the rules
    picked for its intent."""

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in domain.yml."""

    def _form_action(self, tracker: Tracker):
        form = open_form(tracker)
        if not form or form == self.name() or intent_of(tracker) not in FORM_ANSWER_INTENTS:
            return None
        if form == "action_self_check" and intent_of(tracker) in ("apply", "self_check"):
            return None  # "我要申请" or a fresh statement starts over rather than answering the open question
        from .apply import ApplyFlow
        from .selfcheck import SelfCheck

        return ApplyFlow() if form == "action_apply" else SelfCheck()

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        try:
            handler = self._form_action(tracker) or self
            return handler.answer(dispatcher, tracker, domain) or []
        except Exception:  # noqa: BLE001 — the user must get an answer, never silence
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=ERROR_REPLY)
            return []

    @abc.abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Utter the reply and return the events."""


def text_of(tracker: Tracker) -> str:
    return normalize(tracker.latest_message.get("text") or "")


def intent_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def entities_of(tracker: Tracker) -> list[dict]:
    """The NLU's entities; where it found none, the KB vocabulary's words in the text (a rule-based backstop)."""
    entities = [e for e in tracker.latest_message.get("entities") or [] if e.get("value") is not None]
    return entities or entities_in(text_of(tracker))


def entity(tracker: Tracker, kind: str) -> Any:
    return next((e["value"] for e in entities_of(tracker) if e.get("entity") == kind), None)


def topic_of(tracker: Tracker) -> dict:
    return tracker.get_slot("topic") or {}


def jsonable_facts(facts: dict) -> dict:
    return {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in facts.items()}


def facts_from_json(facts: dict | None) -> dict:
    from policy_kb.profile import fields

    out = {}
    for k, v in (facts or {}).items():
        if k.startswith("_"):
            out[k] = v
        elif k in fields():
            out[k] = set(v) if fields()[k]["type"] == "set" else v
    return out


def set_topic(intent: str, items: list[dict], facts: dict | None = None, clause: int | None = None, **extra) -> SlotSet:
    topic = {
        "intent": intent,
        "items": [i["id"] for i in items],
        "facts": jsonable_facts(facts or {}),
        "clause": clause,
        **extra,
    }
    return SlotSet("topic", topic)
