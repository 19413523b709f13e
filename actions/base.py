"""What every action shares: a safe run (a clear reply instead of silence), the message as the NLU understood it
(its text, intent and entities), the topic, and the `flow` slot that tells the dialogue rules which form is open.

Routing is the dialogue manager's (bot/dialogue/rules.yml): while a form waits for an answer, the rules conditioned
on `flow` send the answer to the form's action. An action never runs another action.
"""

from __future__ import annotations

import abc
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.prefill.applicant import BY_KEY
from policy_kb import reply_json
from policy_kb.compose import resume_text, text, then
from policy_kb.profile import fields
from policy_kb.reply import Reply

logger = logging.getLogger(__name__)
ERROR_REPLY = "抱歉，系统处理这条消息时出错了，请稍后再试，或换个说法。"

# The values of the `flow` slot (domain.yml): which conversation the next bare answer belongs to.
APPLICATION = "application"  # the application form asked a field (apply_field)
SELF_CHECK_QUESTION = "self_check_question"  # the self-check asked the engine's next question (requested_field)
SELF_CHECK_RESULT = "self_check_result"  # the last answer was a self-check result: "那硕士呢" changes the profile
FLOW_SLOTS = ("apply_field", "requested_field", "topic")


def flow_of(slots: dict) -> str | None:
    """The open conversation, from the slots that hold it: the application first, then the self-check."""
    if slots.get("apply_field"):
        return APPLICATION
    if slots.get("requested_field"):
        return SELF_CHECK_QUESTION
    if (slots.get("topic") or {}).get("intent") == "self_check":
        return SELF_CHECK_RESULT
    return None


def flow_event(tracker: Tracker, events: list) -> list:
    """SlotSet(flow) when the events change the open conversation, so the rules route the next message."""
    slots = {name: tracker.get_slot(name) for name in FLOW_SLOTS}
    for e in events:
        if e.get("event") == "slot" and e.get("name") in FLOW_SLOTS:
            slots[e["name"]] = e.get("value")
    flow = flow_of(slots)
    return [SlotSet("flow", flow)] if flow != tracker.get_slot("flow") else []


class SafeAction(Action):
    """Subclasses implement `answer`; an unexpected error becomes a polite reply and a log line without the text."""

    @abc.abstractmethod
    def name(self) -> str:
        """The action's name in domain.yml."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        try:
            events = self.answer(dispatcher, tracker, domain) or []
        except Exception:  # noqa: BLE001 — the user must get an answer, never silence
            logger.exception("action %s failed", self.name())
            dispatcher.utter_message(text=ERROR_REPLY)
            return []
        return events + flow_event(tracker, events)

    @abc.abstractmethod
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        """Utter the reply and return the events."""


def text_of(tracker: Tracker) -> str:
    """The message as the NLU left it (bot/nlu/normalizer.py normalized it before parsing; entity offsets refer to
    this text)."""
    return tracker.latest_message.get("text") or ""


def intent_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def entities_of(tracker: Tracker) -> list[dict]:
    """The NLU's entities with a value (bot/nlu/entities.py, bot/nlu/aspects.py): the one reading of the message."""
    return [e for e in tracker.latest_message.get("entities") or [] if e.get("value") is not None]


def entity(tracker: Tracker, kind: str) -> Any:
    return next((e["value"] for e in entities_of(tracker) if e.get("entity") == kind), None)


def resume(tracker: Tracker) -> str:
    """Mid application or self-check, the reminder of the question still open ('' when none is)."""
    apply_field, requested = tracker.get_slot("apply_field"), tracker.get_slot("requested_field")
    if apply_field:
        return resume_text(APPLICATION, BY_KEY[apply_field].question)
    return resume_text(SELF_CHECK_QUESTION, fields()[requested]["question"] if requested else None)


def utter(dispatcher: CollectingDispatcher, reply: Reply, tracker: Tracker | None = None) -> None:
    """The one place a composed Reply leaves the action server: its text (policy_kb/render_text.py), its next
    questions as buttons, the Reply itself as `custom` (policy_kb/reply_json.py); with `tracker`, the open form's question is repeated after it (the form resumes)."""
    if tracker is not None:
        then(reply, "question", resume(tracker).lstrip("\n"))
    buttons = [{"title": s.title, "payload": s.payload} for s in reply.next_questions]
    dispatcher.utter_message(
        text=text(reply),
        json_message=reply_json.custom(reply),  # the same answer as structure, for cards (docs/reply.schema.json)
        **({"buttons": buttons} if buttons else {}),
    )


def topic_of(tracker: Tracker) -> dict:
    return tracker.get_slot("topic") or {}


def jsonable_facts(facts: dict) -> dict:
    return {k: sorted(v) if isinstance(v, (set, frozenset)) else v for k, v in facts.items()}


def facts_from_json(facts: dict | None) -> dict:
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
