"""Short replies (好的/不用了/闲聊) that are answers when a form is open and small talk otherwise."""

from __future__ import annotations

from .base import SafeAction, intent_of

RESPONSES = {"affirm": "utter_affirm", "deny": "utter_deny", "chitchat": "utter_chitchat"}


class SmallTalk(SafeAction):
    def name(self):
        return "action_small_talk"

    def answer(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response=RESPONSES.get(intent_of(tracker), "utter_default"))
        return []
